/*
 * cli.h — shared state and helpers of the `stdctl` command-line client.
 *
 * Each command lives in its own cmd_*.c and has the signature of cli_cmd_fn; main.c
 * parses the global flags and dispatches. Commands return the process exit code:
 */
#ifndef PSS_CLI_H
#define PSS_CLI_H

#include <jansson.h>
#include <protobuf-c/protobuf-c.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "rpc.h"

enum {
  CLI_OK = 0,
  CLI_ERR = 1,          /* RPC error or failed operation */
  CLI_USAGE = 2,        /* bad command line */
  CLI_NONCONFORMANT = 3 /* compare, audit: the standard violates its parent(s) */
};

#define CLI_DEFAULT_CATALOG "127.0.0.1:7001"
#define CLI_DEFAULT_TIMEOUT_MS 30000
#define CATALOG_METHOD(m) "/pss.catalog.v1.Catalog/" m
#define CLI_DEFAULT_COMPARISON "127.0.0.1:7002"
#define COMPARISON_METHOD(m) "/pss.comparison.v1.Comparison/" m

typedef struct cli_ctx {
  const char *catalog;     /* HOST:PORT of catalog-svc */
  const char *comparison;  /* HOST:PORT of comparison-svc */
  int64_t timeout_ms;      /* per call */
  bool timeout_set;        /* --timeout given explicitly (watch has no deadline otherwise) */
  const char *token;       /* bearer token for writes (--token / STDCTL_TOKEN), or NULL */
  rpc_tls tls;             /* --tls-ca / --tls-cert / --tls-key / --tls-server-name */
  rpc_client *client;      /* created on first use */
  const char *client_target;
} cli_ctx;

typedef int (*cli_cmd_fn)(cli_ctx *ctx, int argc, char **argv);

/* ---- argument parsing (cli/args.c)
 * Parses argv[1..] of a command: options listed in specs (long "--name", "--name=V",
 * and an optional one-letter short form), the global --catalog/--timeout/--token
 * anywhere, "--" ends options, everything else is positional. --help/-h prints
 * `help` and returns CLI_OK through *done. */
typedef struct cli_opt {
  const char *name;   /* "revision" for --revision */
  char short_name;    /* 'o' for -o, or 0 */
  bool has_arg;
  const char **value; /* receives the argument (has_arg) */
  bool *flag;         /* set true (no argument) */
} cli_opt;

/* Returns -1 when the command should stop with exit code *rc (help printed or usage
 * error reported), else the number of positionals stored in pos (max maxpos). */
int cli_parse(cli_ctx *ctx, int argc, char **argv, const cli_opt *specs, const char *help,
              const char **pos, int maxpos, int *rc);
int cli_usage_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Applies a global option (name without "--"); returns 1 if it was one, -1 on a bad value. */
int cli_global_option(cli_ctx *ctx, const char *name, const char *value);
bool cli_parse_u64(const char *s, uint64_t *out);

/* ---- RPC helpers (cli/util.c) */
rpc_client *cli_client(cli_ctx *ctx, const char *target);
/* Unary call to catalog-svc (or `target` if not NULL). On error prints
 * "error: <STATUS_NAME>: <message>" to stderr and returns the status. */
grpc_status_code cli_call(cli_ctx *ctx, const char *target, const char *method,
                          const ProtobufCMessage *req, const ProtobufCMessageDescriptor *resp_desc,
                          ProtobufCMessage **resp);
void cli_print_rpc_error(grpc_status_code code, const char *message);
/* The metadata of every call (authorization if a token is set). */
size_t cli_metadata(cli_ctx *ctx, rpc_metadata_kv *md);

/* ---- output helpers */
#define CLI_JSON_PRETTY (JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(15))
#define CLI_JSON_LINE (JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(15))
int cli_print_json(json_t *j, size_t flags);              /* to stdout + newline */
int cli_write_json_file(const char *path, json_t *j);      /* atomic: tmp + rename */
const char *cli_enum_name(const ProtobufCEnumDescriptor *d, int value);
int cli_enum_parse(const ProtobufCEnumDescriptor *d, const char *s, int *out);
/* Display width of UTF-8 text in a terminal (CJK = 2 columns). */
int cli_display_width(const char *s);
/* Prints s left-aligned, padded to `width` display columns, then two spaces. */
void cli_print_cell(const char *s, int width);
bool cli_valid_standard_id(const char *id);

/* ---- commands */
int cmd_import(cli_ctx *ctx, int argc, char **argv);
int cmd_get(cli_ctx *ctx, int argc, char **argv);
int cmd_export(cli_ctx *ctx, int argc, char **argv);
int cmd_list(cli_ctx *ctx, int argc, char **argv);
int cmd_publish(cli_ctx *ctx, int argc, char **argv);
int cmd_withdraw(cli_ctx *ctx, int argc, char **argv);
int cmd_jurisdictions(cli_ctx *ctx, int argc, char **argv);
int cmd_revisions(cli_ctx *ctx, int argc, char **argv);
int cmd_filings(cli_ctx *ctx, int argc, char **argv);
int cmd_watch(cli_ctx *ctx, int argc, char **argv);
int cmd_backup(cli_ctx *ctx, int argc, char **argv);
int cmd_health(cli_ctx *ctx, int argc, char **argv);
/* item tables as CSV (cmd_csv.c) */
int cmd_import_csv(cli_ctx *ctx, int argc, char **argv);
int cmd_export_csv(cli_ctx *ctx, int argc, char **argv);
/* comparison-svc (cmd_compare.c) */
int cmd_compare(cli_ctx *ctx, int argc, char **argv);
int cmd_audit(cli_ctx *ctx, int argc, char **argv);
int cmd_resolve(cli_ctx *ctx, int argc, char **argv);
int cmd_coverage(cli_ctx *ctx, int argc, char **argv);
int cmd_diff(cli_ctx *ctx, int argc, char **argv);

#endif
