/*
 * main.c — `stdctl`, the command-line client of catalog-svc and comparison-svc.
 *
 *   stdctl [--catalog HOST:PORT] [--comparison HOST:PORT] [--timeout MS] [--token T]
 *          COMMAND [ARGS…]
 *
 * Global flags may also follow the command. Exit codes: 0 ok, 1 RPC or other error
 * ("error: <STATUS_NAME>: <message>" on stderr), 2 usage error, 3 reserved for
 * "not conformant" (compare, audit).
 */
#include <grpc/grpc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const char PROGRAM_HELP[] =
    "stdctl — client of the basic public service standards catalog (基本公共服务标准)\n"
    "\n"
    "Usage: stdctl [--catalog HOST:PORT] [--comparison HOST:PORT] [--timeout MS] [--token TOKEN]\n"
    "              COMMAND [ARGS…]\n"
    "\n"
    "Commands:\n"
    "  import FILE…                 import standards (ImportStandardRequest JSON), parents first\n"
    "  get JUR/EDITION              print a standard with its items as JSON\n"
    "  export JUR/EDITION [-o FILE] write an import file (jurisdictions, standard, filings)\n"
    "  import-csv FILE --standard JUR/EDITION --title T [--parent JUR/EDITION]\n"
    "                               import a standard whose items are a CSV table (Excel)\n"
    "  export-csv JUR/EDITION [-o FILE]\n"
    "                               write the items as that CSV table (UTF-8 BOM, CRLF)\n"
    "  list                         list standards (--jurisdiction, --status, --parent, --json)\n"
    "  publish JUR/EDITION          publish a draft standard\n"
    "  withdraw JUR/EDITION         withdraw a standard\n"
    "  jurisdictions [PREFIX]       list jurisdictions\n"
    "  revisions JUR/EDITION        list the revisions of a standard\n"
    "  filings JUR/EDITION          list the filings (提标备案, exemptions) of a standard\n"
    "  watch                        follow the change feed, one JSON line per change\n"
    "  backup -o FILE               a consistent copy of the whole catalog (admin)\n"
    "  health [ADDR]                gRPC health check; exit 0 only when SERVING\n"
    "\n"
    "Comparison commands (comparison-svc; --format json|csv|md|sarif, -o FILE):\n"
    "  compare JUR/EDITION          compare with the parent standard (--against JUR/EDITION);\n"
    "                               exit 0 conformant, 3 not conformant\n"
    "  audit JUR/EDITION            compare with every ancestor up to the national standard\n"
    "  resolve JUR/EDITION          the effective standard, each field with its source\n"
    "  coverage JUR/EDITION         how every descendant implements each item (--type T)\n"
    "  diff JUR/EDITION JUR/EDITION changes between two editions of one jurisdiction\n"
    "\n"
    "Global options (before or after the command):\n"
    "  --catalog HOST:PORT  catalog-svc address (env STDCTL_CATALOG, default " CLI_DEFAULT_CATALOG ")\n"
    "  --comparison HOST:PORT\n"
    "                       comparison-svc address (env STDCTL_COMPARISON, default " CLI_DEFAULT_COMPARISON ")\n"
    "  --timeout MS         deadline of each call in milliseconds (default 30000)\n"
    "  --token TOKEN        bearer token for writes (env STDCTL_TOKEN)\n"
    "  --tls-ca FILE        talk TLS, verifying the server with this PEM CA (env STDCTL_TLS_CA)\n"
    "  --tls-cert FILE      client certificate for mTLS (env STDCTL_TLS_CERT)\n"
    "  --tls-key FILE       its private key (env STDCTL_TLS_KEY)\n"
    "  --tls-server-name N  name expected in the server certificate (env STDCTL_TLS_SERVER_NAME)\n"
    "  --help               this help; `stdctl COMMAND --help` for a command\n"
    "\n"
    "Exit codes: 0 ok, 1 error (RPC errors print \"error: STATUS: message\"), 2 usage error,\n"
    "3 not conformant (compare, audit).\n"
    "\n"
    "Example:\n"
    "  stdctl --catalog 127.0.0.1:7001 import data/standards/*.json\n"
    "  stdctl get 330782/2021 > yiwu-2021.json\n"
    "  stdctl --comparison 127.0.0.1:7002 compare 330782/2021 --format md\n";

static const struct {
  const char *name;
  cli_cmd_fn fn;
} COMMANDS[] = {
    {"import", cmd_import},       {"get", cmd_get},
    {"export", cmd_export},       {"list", cmd_list},
    {"publish", cmd_publish},     {"withdraw", cmd_withdraw},
    {"jurisdictions", cmd_jurisdictions}, {"revisions", cmd_revisions},
    {"filings", cmd_filings},     {"watch", cmd_watch},
    {"health", cmd_health},       {"backup", cmd_backup},
    {"import-csv", cmd_import_csv}, {"export-csv", cmd_export_csv},
    {"compare", cmd_compare},     {"audit", cmd_audit},
    {"resolve", cmd_resolve},     {"coverage", cmd_coverage},
    {"diff", cmd_diff},
};

int main(int argc, char **argv) {
  cli_ctx ctx;
  memset(&ctx, 0, sizeof ctx);
  const char *env = getenv("STDCTL_CATALOG");
  ctx.catalog = env && *env ? env : CLI_DEFAULT_CATALOG;
  const char *cenv = getenv("STDCTL_COMPARISON");
  ctx.comparison = cenv && *cenv ? cenv : CLI_DEFAULT_COMPARISON;
  ctx.timeout_ms = CLI_DEFAULT_TIMEOUT_MS;
  ctx.tls.ca = getenv("STDCTL_TLS_CA");
  ctx.tls.cert = getenv("STDCTL_TLS_CERT");
  ctx.tls.key = getenv("STDCTL_TLS_KEY");
  ctx.tls.server_name = getenv("STDCTL_TLS_SERVER_NAME");
  const char *tok = getenv("STDCTL_TOKEN");
  ctx.token = tok && *tok ? tok : NULL;

  /* global options before the command */
  int i = 1;
  for (; i < argc; i++) {
    const char *a = argv[i];
    if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0 || strcmp(a, "help") == 0) {
      if (strcmp(a, "help") == 0 && i + 1 < argc) {
        /* `stdctl help import` = `stdctl import --help` */
        char *hargv[] = {argv[i + 1], "--help", NULL};
        for (size_t k = 0; k < sizeof COMMANDS / sizeof COMMANDS[0]; k++)
          if (strcmp(COMMANDS[k].name, argv[i + 1]) == 0) return COMMANDS[k].fn(&ctx, 2, hargv);
        return cli_usage_error(NULL, "unknown command '%s'", argv[i + 1]);
      }
      fputs(PROGRAM_HELP, stdout);
      return CLI_OK;
    }
    if (strncmp(a, "--", 2) != 0) break;
    char name[32];
    const char *eq = strchr(a + 2, '=');
    size_t len = eq ? (size_t)(eq - a - 2) : strlen(a + 2);
    if (len >= sizeof name) return cli_usage_error(NULL, "unknown option '%s'", a);
    memcpy(name, a + 2, len);
    name[len] = '\0';
    const char *val = eq ? eq + 1 : (i + 1 < argc ? argv[i + 1] : NULL);
    int r = cli_global_option(&ctx, name, val);
    if (r == 0) return cli_usage_error(NULL, "unknown option '%s'", a);
    if (r < 0) return cli_usage_error(NULL, "bad or missing value for --%s", name);
    if (!eq) i++;
  }
  if (i >= argc) {
    fputs(PROGRAM_HELP, stderr);
    return CLI_USAGE;
  }
  cli_cmd_fn fn = NULL;
  for (size_t k = 0; k < sizeof COMMANDS / sizeof COMMANDS[0]; k++)
    if (strcmp(COMMANDS[k].name, argv[i]) == 0) fn = COMMANDS[k].fn;
  if (!fn) return cli_usage_error(NULL, "unknown command '%s'", argv[i]);

  grpc_init();
  int rc = fn(&ctx, argc - i, argv + i);
  if (ctx.client) rpc_client_destroy(ctx.client);
  grpc_shutdown();
  fflush(stdout);
  if (ferror(stdout) && rc == CLI_OK) {
    fprintf(stderr, "error: writing to standard output failed\n");
    rc = CLI_ERR;
  }
  return rc;
}
