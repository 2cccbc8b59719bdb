/* util.c — RPC and output helpers shared by the stdctl commands. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include <utf8proc.h>

#include "cli.h"
#include "ids.h"

rpc_client *cli_client(cli_ctx *ctx, const char *target) {
  if (!target) target = ctx->catalog;
  if (ctx->client && ctx->client_target && strcmp(ctx->client_target, target) == 0)
    return ctx->client;
  if (ctx->client) rpc_client_destroy(ctx->client);
  rpc_client_opts opts;
  memset(&opts, 0, sizeof opts);
  opts.tls = ctx->tls;
  ctx->client = rpc_client_new(target, &opts);
  ctx->client_target = target;
  return ctx->client;
}

void cli_print_rpc_error(grpc_status_code code, const char *message) {
  fprintf(stderr, "error: %s: %s\n", rpc_status_name(code), message && *message ? message : "(no message)");
}

size_t cli_metadata(cli_ctx *ctx, rpc_metadata_kv *md) {
  static char auth[4096];
  if (!ctx->token || !*ctx->token) return 0;
  snprintf(auth, sizeof auth, "Bearer %s", ctx->token);
  md[0].key = "authorization";
  md[0].value = auth;
  return 1;
}

grpc_status_code cli_call(cli_ctx *ctx, const char *target, const char *method,
                          const ProtobufCMessage *req, const ProtobufCMessageDescriptor *resp_desc,
                          ProtobufCMessage **resp) {
  rpc_client *c = cli_client(ctx, target);
  *resp = NULL;
  if (!c) {
    cli_print_rpc_error(GRPC_STATUS_UNAVAILABLE, "cannot create a channel");
    return GRPC_STATUS_UNAVAILABLE;
  }
  rpc_metadata_kv md[1];
  size_t n_md = cli_metadata(ctx, md);
  rpc_result res;
  memset(&res, 0, sizeof res);
  grpc_status_code code = rpc_client_call(c, method, req, resp_desc, resp,
                                          rpc_deadline_ms(ctx->timeout_ms), md, n_md, &res);
  if (code != GRPC_STATUS_OK) {
    cli_print_rpc_error(code, res.message);
    if (*resp) {
      protobuf_c_message_free_unpacked(*resp, NULL);
      *resp = NULL;
    }
  }
  rpc_result_clear(&res);
  return code;
}

int cli_print_json(json_t *j, size_t flags) {
  if (!j) return -1;
  if (json_dumpf(j, stdout, flags) != 0) return -1;
  fputc('\n', stdout);
  return ferror(stdout) ? -1 : 0;
}

int cli_write_json_file(const char *path, json_t *j) {
  size_t n = strlen(path) + 32;
  char *tmp = malloc(n);
  if (!tmp) return -1;
  snprintf(tmp, n, "%s.tmp.%ld", path, (long)getpid());
  FILE *f = fopen(tmp, "w");
  if (!f) {
    fprintf(stderr, "error: %s: %s\n", tmp, strerror(errno));
    free(tmp);
    return -1;
  }
  int rc = json_dumpf(j, f, CLI_JSON_PRETTY);
  fputc('\n', f);
  if (fflush(f) != 0 || ferror(f)) rc = -1;
  if (rc == 0 && fsync(fileno(f)) != 0) rc = -1;
  if (fclose(f) != 0) rc = -1;
  if (rc == 0 && rename(tmp, path) != 0) rc = -1;
  if (rc != 0) {
    fprintf(stderr, "error: %s: %s\n", path, strerror(errno ? errno : EIO));
    unlink(tmp);
  }
  free(tmp);
  return rc;
}

const char *cli_enum_name(const ProtobufCEnumDescriptor *d, int value) {
  const ProtobufCEnumValue *v = protobuf_c_enum_descriptor_get_value(d, value);
  return v ? v->name : "?";
}

int cli_enum_parse(const ProtobufCEnumDescriptor *d, const char *s, int *out) {
  for (unsigned i = 0; i < d->n_values; i++)
    if (strcasecmp(d->values[i].name, s) == 0) {
      *out = d->values[i].value;
      return 0;
    }
  uint64_t v;
  if (cli_parse_u64(s, &v) && protobuf_c_enum_descriptor_get_value(d, (int)v)) {
    *out = (int)v;
    return 0;
  }
  return -1;
}

int cli_display_width(const char *s) {
  int w = 0;
  const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)s;
  utf8proc_ssize_t left = (utf8proc_ssize_t)strlen(s);
  while (left > 0) {
    utf8proc_int32_t cp;
    utf8proc_ssize_t n = utf8proc_iterate(p, left, &cp);
    if (n <= 0) {
      w++;
      p++;
      left--;
      continue;
    }
    int cw = utf8proc_charwidth(cp);
    w += cw > 0 ? cw : 0;
    p += n;
    left -= n;
  }
  return w;
}

void cli_print_cell(const char *s, int width) {
  fputs(s, stdout);
  for (int w = cli_display_width(s); w < width; w++) fputc(' ', stdout);
  fputs("  ", stdout);
}

bool cli_valid_standard_id(const char *id) { return standard_id_parse(id, NULL, NULL); }
