/* cmd_watch.c — `stdctl watch`: follows Catalog/WatchChanges, one JSON line per Change. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "pbjson.h"
#include "pss/catalog/v1/catalog.pb-c.h"

static const char HELP[] =
    "Usage: stdctl watch [--after N] [--count K] [--jurisdiction PREFIX]\n"
    "\n"
    "Replays every change after store revision N, then follows new ones, printing each\n"
    "Change as one JSON line (flushed at once, for pipes). Runs until interrupted, the\n"
    "server ends the stream, or K changes were printed. No deadline unless --timeout is\n"
    "given explicitly.\n"
    "\n"
    "Options:\n"
    "  --after N              start after revision N (default 0: the whole history)\n"
    "  --count K              stop (exit 0) after K changes\n"
    "  --jurisdiction PREFIX  only changes touching these jurisdictions\n"
    "  --catalog HOST:PORT, --timeout MS\n"
    "\n"
    "Example:\n"
    "  stdctl watch --after 12 --count 3 | jq .kind\n";

int cmd_watch(cli_ctx *ctx, int argc, char **argv) {
  const char *after_s = NULL, *count_s = NULL, *prefix = NULL;
  const cli_opt opts[] = {{"after", 0, true, &after_s, NULL},
                          {"count", 0, true, &count_s, NULL},
                          {"jurisdiction", 0, true, &prefix, NULL},
                          {NULL, 0, false, NULL, NULL}};
  const char *pos[1];
  int rc;
  int n = cli_parse(ctx, argc, argv, opts, HELP, pos, 0, &rc);
  if (n < 0) return rc;
  uint64_t after = 0, count = 0;
  if (after_s && !cli_parse_u64(after_s, &after))
    return cli_usage_error("watch", "--after needs a revision number, not '%s'", after_s);
  if (count_s && (!cli_parse_u64(count_s, &count) || count == 0))
    return cli_usage_error("watch", "--count needs a positive number, not '%s'", count_s);

  Pss__Catalog__V1__WatchChangesRequest req = PSS__CATALOG__V1__WATCH_CHANGES_REQUEST__INIT;
  req.after_revision = after;
  if (prefix) req.jurisdiction_prefix = (char *)prefix;
  rpc_client *c = cli_client(ctx, NULL);
  if (!c) {
    cli_print_rpc_error(GRPC_STATUS_UNAVAILABLE, "cannot create a channel");
    return CLI_ERR;
  }
  rpc_metadata_kv md[1];
  size_t n_md = cli_metadata(ctx, md);
  gpr_timespec deadline =
      ctx->timeout_set ? rpc_deadline_ms(ctx->timeout_ms) : gpr_inf_future(GPR_CLOCK_MONOTONIC);
  rpc_client_stream *st =
      rpc_client_stream_open(c, CATALOG_METHOD("WatchChanges"), &req.base, deadline, md, n_md);
  if (!st) {
    cli_print_rpc_error(GRPC_STATUS_UNAVAILABLE, "cannot open the change stream");
    return CLI_ERR;
  }
  uint64_t seen = 0;
  rc = CLI_OK;
  for (;;) {
    ProtobufCMessage *msg = NULL;
    rpc_result res;
    memset(&res, 0, sizeof res);
    int r = rpc_client_stream_next(st, &pss__catalog__v1__change__descriptor, &msg, &res);
    if (r == 1) {
      json_t *j = pbjson_from_message(msg);
      protobuf_c_message_free_unpacked(msg, NULL);
      if (cli_print_json(j, CLI_JSON_LINE) != 0) { /* e.g. the reader of a pipe is gone */
        json_decref(j);
        rc = CLI_ERR;
        rpc_client_stream_cancel(st);
        break;
      }
      json_decref(j);
      fflush(stdout);
      if (count && ++seen >= count) {
        rpc_client_stream_cancel(st);
        break;
      }
      continue;
    }
    /* stream over: OK (server finished) or an error */
    if (res.code != GRPC_STATUS_OK) {
      cli_print_rpc_error(res.code, res.message);
      rc = CLI_ERR;
    }
    rpc_result_clear(&res);
    break;
  }
  rpc_client_stream_close(st);
  return rc;
}
