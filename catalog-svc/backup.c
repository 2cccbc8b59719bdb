/* backup.c — Catalog/Backup: a compacted copy of the store taken while serving,
 * streamed to the caller in 1 MiB chunks. The copy goes to a temporary file in the
 * data directory first (LMDB copies to a path or fd), which is removed when the
 * stream ends however it ends. */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "handlers.h"
#include "log.h"

#define CHUNK (1 << 20)

typedef struct backup_state {
  char path[4200];
  int fd;
  uint64_t rev, total, sent;
  unsigned char *buf;
} backup_state;

grpc_status_code backup_start(rpc_call *call, const ProtobufCMessage *req, void **state, void *ctx) {
  svc *sv = ctx;
  grpc_status_code st = auth_check(sv->a, call, AUTH_ADMIN, NULL);
  if (st != GRPC_STATUS_OK) return st;
  backup_state *b = calloc(1, sizeof *b);
  b->fd = -1;
  snprintf(b->path, sizeof b->path, "%s/.backup-%d-%p", sv->data_dir, (int)getpid(), (void *)b);
  cat_err err = {0};
  if (store_backup(catalog_store(sv->c), b->path, &b->rev, &err) != CAT_OK) {
    unlink(b->path);
    free(b);
    return rpc_fail(call, (grpc_status_code)err.code, "%s", err.msg);
  }
  struct stat stt;
  b->fd = open(b->path, O_RDONLY);
  if (b->fd < 0 || fstat(b->fd, &stt) != 0) {
    unlink(b->path);
    if (b->fd >= 0) close(b->fd);
    free(b);
    return rpc_fail(call, GRPC_STATUS_INTERNAL, "backup: cannot read the copy");
  }
  b->total = (uint64_t)stt.st_size;
  b->buf = malloc(CHUNK);
  log_event(LOG_INFO, "backup started", "revision", json_integer((json_int_t)b->rev), "bytes",
            json_integer((json_int_t)b->total), NULL);
  *state = b;
  return GRPC_STATUS_OK;
}

void backup_pump(rpc_call *call, void *state) {
  backup_state *b = state;
  if (b->sent == b->total && b->total > 0) {
    rpc_stream_finish(call, GRPC_STATUS_OK, "");
    return;
  }
  ssize_t n = pread(b->fd, b->buf, CHUNK, (off_t)b->sent);
  if (n < 0 || (n == 0 && b->sent < b->total)) {
    rpc_stream_finish(call, GRPC_STATUS_INTERNAL, "backup: read error");
    return;
  }
  Pss__Catalog__V1__BackupChunk c = PSS__CATALOG__V1__BACKUP_CHUNK__INIT;
  c.revision = b->rev;
  c.total_bytes = b->total;
  c.data.data = b->buf;
  c.data.len = (size_t)n;
  b->sent += (uint64_t)n;
  rpc_stream_send(call, &c.base);
}

void backup_release(rpc_call *call, void *state) {
  backup_state *b = state;
  if (b->fd >= 0) close(b->fd);
  unlink(b->path);
  free(b->buf);
  free(b);
}
