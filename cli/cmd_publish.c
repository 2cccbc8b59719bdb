/* cmd_publish.c — lifecycle commands: publish (DRAFT -> PUBLISHED) and withdraw. Both
 * carry the standard's etag; when --etag is not given the current one is read first. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "pss/catalog/v1/catalog.pb-c.h"

static const char PUBLISH_HELP[] =
    "Usage: stdctl publish JUR/EDITION [--etag E] [--allow-violations]\n"
    "\n"
    "Publishes a draft standard (it becomes immutable; an older published edition of the\n"
    "same jurisdiction becomes SUPERSEDED). The catalog refuses (FAILED_PRECONDITION)\n"
    "when the standard violates its parent without a covering filing, listing the\n"
    "blocking findings (see `stdctl compare` for the full report).\n"
    "\n"
    "Options:\n"
    "  --allow-violations  publish anyway (e.g. to record a standard enacted as it is)\n"
    "  --etag E   the etag you read (ABORTED if the standard changed since); default: the\n"
    "             current etag is fetched first\n"
    "  --catalog HOST:PORT, --timeout MS, --token TOKEN\n"
    "\n"
    "Example:\n"
    "  stdctl publish 330782/2021\n";

static const char WITHDRAW_HELP[] =
    "Usage: stdctl withdraw JUR/EDITION [--etag E] [--reason TEXT]\n"
    "\n"
    "Withdraws a standard (status WITHDRAWN).\n"
    "\n"
    "Options:\n"
    "  --etag E        the etag you read; default: the current etag is fetched first\n"
    "  --reason TEXT   why it is withdrawn (recorded with the change)\n"
    "  --catalog HOST:PORT, --timeout MS, --token TOKEN\n"
    "\n"
    "Example:\n"
    "  stdctl withdraw 330781/2024 --reason \"replaced by the 2025 draft\"\n";

/* The current etag of a standard (malloc'd), or NULL with the error printed. */
static char *current_etag(cli_ctx *ctx, const char *id) {
  Pss__Catalog__V1__GetStandardRequest req = PSS__CATALOG__V1__GET_STANDARD_REQUEST__INIT;
  req.id = (char *)id;
  ProtobufCMessage *resp = NULL;
  if (cli_call(ctx, NULL, CATALOG_METHOD("GetStandard"), &req.base,
               &pss__catalog__v1__standard__descriptor, &resp) != GRPC_STATUS_OK)
    return NULL;
  char *etag = strdup(((Pss__Catalog__V1__Standard *)resp)->etag);
  protobuf_c_message_free_unpacked(resp, NULL);
  return etag;
}

static int lifecycle(cli_ctx *ctx, int argc, char **argv, bool publish) {
  const char *cmd = publish ? "publish" : "withdraw";
  const char *etag = NULL, *reason = NULL;
  bool allow = false;
  const cli_opt opts[] = {{"etag", 0, true, &etag, NULL},
                          {publish ? "allow-violations" : "reason", 0, !publish, publish ? NULL : &reason,
                           publish ? &allow : NULL},
                          {NULL, 0, false, NULL, NULL}};
  const char *pos[2];
  int rc;
  int n = cli_parse(ctx, argc, argv, opts, publish ? PUBLISH_HELP : WITHDRAW_HELP, pos, 2, &rc);
  if (n < 0) return rc;
  if (n != 1) return cli_usage_error(cmd, n == 0 ? "missing JUR/EDITION" : "too many arguments");
  if (!cli_valid_standard_id(pos[0]))
    return cli_usage_error(cmd, "'%s' is not a standard id (JUR/EDITION, e.g. 330782/2021)", pos[0]);
  char *fetched = NULL;
  if (!etag) {
    fetched = current_etag(ctx, pos[0]);
    if (!fetched) return CLI_ERR;
    etag = fetched;
  }
  ProtobufCMessage *resp = NULL;
  grpc_status_code code;
  if (publish) {
    Pss__Catalog__V1__PublishStandardRequest req = PSS__CATALOG__V1__PUBLISH_STANDARD_REQUEST__INIT;
    req.id = (char *)pos[0];
    req.expected_etag = (char *)etag;
    req.allow_violations = allow;
    code = cli_call(ctx, NULL, CATALOG_METHOD("PublishStandard"), &req.base,
                    &pss__catalog__v1__standard__descriptor, &resp);
  } else {
    Pss__Catalog__V1__WithdrawStandardRequest req = PSS__CATALOG__V1__WITHDRAW_STANDARD_REQUEST__INIT;
    req.id = (char *)pos[0];
    req.expected_etag = (char *)etag;
    if (reason) req.reason = (char *)reason;
    code = cli_call(ctx, NULL, CATALOG_METHOD("WithdrawStandard"), &req.base,
                    &pss__catalog__v1__standard__descriptor, &resp);
  }
  free(fetched);
  if (code != GRPC_STATUS_OK) return CLI_ERR;
  Pss__Catalog__V1__Standard *s = (Pss__Catalog__V1__Standard *)resp;
  printf("%s %s at revision %llu\n", publish ? "published" : "withdrawn", pos[0],
         (unsigned long long)s->revision);
  protobuf_c_message_free_unpacked(resp, NULL);
  return CLI_OK;
}

int cmd_publish(cli_ctx *ctx, int argc, char **argv) { return lifecycle(ctx, argc, argv, true); }
int cmd_withdraw(cli_ctx *ctx, int argc, char **argv) { return lifecycle(ctx, argc, argv, false); }
