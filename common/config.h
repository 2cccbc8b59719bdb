/*
 * config.h — 12-factor configuration: every option is a --flag and an environment
 * variable (flag wins), with a default and a help line. One table per program.
 *
 *   const char *listen;
 *   config_opt opts[] = {
 *     {"listen", "CATALOG_LISTEN", "127.0.0.1:7001", "HOST:PORT to serve on", &listen},
 *     {0}};
 *   if (config_parse(opts, argc, argv, "catalog-svc", "Stores standards.") != 0) return 2;
 */
#ifndef PSS_CONFIG_H
#define PSS_CONFIG_H

#include <stdbool.h>

typedef struct config_opt {
  const char *flag;      /* without the leading "--" */
  const char *env;       /* may be NULL */
  const char *def;       /* default value (may be NULL) */
  const char *help;
  const char **value;    /* out */
} config_opt;

/* Returns 0 ok, 1 when --help was printed (exit 0), -1 on a bad flag (message
 * printed; exit 2). Accepts "--flag value" and "--flag=value". */
int config_parse(config_opt *opts, int argc, char **argv, const char *prog, const char *about);

/* Parses a non-negative integer option; prints an error naming the flag and returns
 * false when it is not one. */
bool config_uint(const char *flag, const char *value, long long max, long long *out);

#endif
