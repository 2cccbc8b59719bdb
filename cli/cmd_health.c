/* cmd_health.c — `stdctl health [ADDR]`: grpc.health.v1.Health/Check of the whole
 * server (service ""). Prints the serving status; exit 0 only when SERVING, so it can
 * be a container healthcheck. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "grpc/health/v1/health.pb-c.h"

static const char HELP[] =
    "Usage: stdctl health [ADDR] [--service NAME]\n"
    "\n"
    "Calls grpc.health.v1.Health/Check on ADDR (default: the --catalog address) and\n"
    "prints SERVING, NOT_SERVING, …; exits 0 only when SERVING, 1 otherwise (also when\n"
    "the server cannot be reached: \"error: UNAVAILABLE: …\").\n"
    "\n"
    "Options:\n"
    "  --service NAME  check one service (e.g. pss.catalog.v1.Catalog); default \"\" = server\n"
    "  --timeout MS    deadline (default 30000)\n"
    "\n"
    "Example (compose healthcheck):\n"
    "  stdctl health 127.0.0.1:7001 --timeout 2000\n";

int cmd_health(cli_ctx *ctx, int argc, char **argv) {
  const char *service = NULL;
  const cli_opt opts[] = {{"service", 0, true, &service, NULL}, {NULL, 0, false, NULL, NULL}};
  const char *pos[1];
  int rc;
  int n = cli_parse(ctx, argc, argv, opts, HELP, pos, 1, &rc);
  if (n < 0) return rc;
  const char *target = n == 1 ? pos[0] : ctx->catalog;
  Grpc__Health__V1__HealthCheckRequest req = GRPC__HEALTH__V1__HEALTH_CHECK_REQUEST__INIT;
  if (service) req.service = (char *)service;
  ProtobufCMessage *resp = NULL;
  if (cli_call(ctx, target, "/grpc.health.v1.Health/Check", &req.base,
               &grpc__health__v1__health_check_response__descriptor, &resp) != GRPC_STATUS_OK)
    return CLI_ERR;
  int status = ((Grpc__Health__V1__HealthCheckResponse *)resp)->status;
  protobuf_c_message_free_unpacked(resp, NULL);
  puts(cli_enum_name(&grpc__health__v1__health_check_response__serving_status__descriptor, status));
  return status == GRPC__HEALTH__V1__HEALTH_CHECK_RESPONSE__SERVING_STATUS__SERVING ? CLI_OK : CLI_ERR;
}
