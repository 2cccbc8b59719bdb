/* cmd_backup.c — `stdctl backup -o FILE`: streams Catalog/Backup (a compacted copy of
 * the store, consistent at one revision, taken while the catalog serves) into FILE.
 * The file appears only when complete (written to FILE.part, then renamed). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "pss/catalog/v1/catalog.pb-c.h"

static const char HELP[] =
    "Usage: stdctl backup -o FILE\n"
    "\n"
    "Writes a consistent, compacted copy of the whole catalog (LMDB) to FILE while the\n"
    "catalog keeps serving. Needs an admin token when authorisation is on. Restore it\n"
    "with: catalog-svc --restore-from FILE --data-dir EMPTY_DIR\n"
    "\n"
    "Options:\n"
    "  -o, --output FILE   where to write the backup (required)\n"
    "  --catalog HOST:PORT, --timeout MS, --token TOKEN\n"
    "\n"
    "Example:\n"
    "  stdctl --token \"$ADMIN_TOKEN\" backup -o catalog-$(date +%F).lmdb\n";

int cmd_backup(cli_ctx *ctx, int argc, char **argv) {
  const char *out = NULL;
  const cli_opt opts[] = {{"output", 'o', true, &out, NULL}, {NULL, 0, false, NULL, NULL}};
  const char *pos[1];
  int rc;
  if (cli_parse(ctx, argc, argv, opts, HELP, pos, 0, &rc) < 0) return rc;
  if (!out) return cli_usage_error("backup", "-o FILE is required");
  rpc_client *c = cli_client(ctx, NULL);
  if (!c) {
    cli_print_rpc_error(GRPC_STATUS_UNAVAILABLE, "cannot create a channel");
    return CLI_ERR;
  }
  char part[4096];
  snprintf(part, sizeof part, "%s.part", out);
  FILE *f = fopen(part, "wb");
  if (!f) {
    fprintf(stderr, "error: %s: cannot write\n", part);
    return CLI_ERR;
  }
  rpc_metadata_kv md[1];
  size_t n_md = cli_metadata(ctx, md);
  Pss__Catalog__V1__BackupRequest req = PSS__CATALOG__V1__BACKUP_REQUEST__INIT;
  rpc_client_stream *st = rpc_client_stream_open(c, CATALOG_METHOD("Backup"), &req.base,
                                                 rpc_deadline_ms(ctx->timeout_ms), md, n_md);
  uint64_t rev = 0, total = 0, got = 0;
  rc = CLI_OK;
  for (;;) {
    ProtobufCMessage *msg = NULL;
    rpc_result res = {0};
    int r = rpc_client_stream_next(st, &pss__catalog__v1__backup_chunk__descriptor, &msg, &res);
    if (r == 1) {
      Pss__Catalog__V1__BackupChunk *ch = (Pss__Catalog__V1__BackupChunk *)msg;
      rev = ch->revision;
      total = ch->total_bytes;
      got += ch->data.len;
      if (fwrite(ch->data.data, 1, ch->data.len, f) != ch->data.len) rc = CLI_ERR;
      protobuf_c_message_free_unpacked(msg, NULL);
      if (rc != CLI_OK) break;
      continue;
    }
    if (res.code != GRPC_STATUS_OK) {
      cli_print_rpc_error(res.code, res.message);
      rc = CLI_ERR;
    }
    rpc_result_clear(&res);
    break;
  }
  rpc_client_stream_close(st);
  if (fflush(f) != 0 || fsync(fileno(f)) != 0) rc = CLI_ERR;
  fclose(f);
  if (rc == CLI_OK && (got != total || total == 0)) {
    fprintf(stderr, "error: backup incomplete: %llu of %llu bytes\n", (unsigned long long)got,
            (unsigned long long)total);
    rc = CLI_ERR;
  }
  if (rc != CLI_OK || rename(part, out) != 0) {
    unlink(part);
    return CLI_ERR;
  }
  printf("backup of revision %llu written to %s (%llu bytes)\n", (unsigned long long)rev, out,
         (unsigned long long)total);
  return CLI_OK;
}
