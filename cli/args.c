/* args.c — option parsing shared by every stdctl command. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

int cli_usage_error(const char *cmd, const char *fmt, ...) {
  va_list ap;
  fprintf(stderr, "stdctl%s%s: ", cmd ? " " : "", cmd ? cmd : "");
  va_start(ap, fmt);
  vfprintf(stderr, fmt, ap);
  va_end(ap);
  fprintf(stderr, "\nTry 'stdctl %s%s--help'.\n", cmd ? cmd : "", cmd ? " " : "");
  return CLI_USAGE;
}

bool cli_parse_u64(const char *s, uint64_t *out) {
  if (!s || !*s || *s == '-' || *s == '+' || *s == ' ') return false;
  char *end;
  errno = 0;
  unsigned long long v = strtoull(s, &end, 10);
  if (*end || errno) return false;
  *out = v;
  return true;
}

int cli_global_option(cli_ctx *ctx, const char *name, const char *value) {
  if (strcmp(name, "catalog") == 0) {
    if (!value || !*value) return -1;
    ctx->catalog = value;
    return 1;
  }
  if (strcmp(name, "comparison") == 0) {
    if (!value || !*value) return -1;
    ctx->comparison = value;
    return 1;
  }
  if (strcmp(name, "timeout") == 0) {
    uint64_t v;
    if (!cli_parse_u64(value, &v) || v == 0 || v > 86400000ULL) return -1;
    ctx->timeout_ms = (int64_t)v;
    ctx->timeout_set = true;
    return 1;
  }
  if (strcmp(name, "token") == 0) {
    if (!value) return -1;
    ctx->token = value;
    return 1;
  }
  const char **tls = !strcmp(name, "tls-ca") ? &ctx->tls.ca
                     : !strcmp(name, "tls-cert") ? &ctx->tls.cert
                     : !strcmp(name, "tls-key") ? &ctx->tls.key
                     : !strcmp(name, "tls-server-name") ? &ctx->tls.server_name : NULL;
  if (tls) {
    if (!value || !*value) return -1;
    *tls = value;
    return 1;
  }
  return 0;
}

static bool is_global(const char *name) {
  return strcmp(name, "catalog") == 0 || strcmp(name, "comparison") == 0 ||
         strcmp(name, "timeout") == 0 || strcmp(name, "token") == 0 ||
         strncmp(name, "tls-", 4) == 0;
}

int cli_parse(cli_ctx *ctx, int argc, char **argv, const cli_opt *specs, const char *help,
              const char **pos, int maxpos, int *rc) {
  const char *cmd = argv[0];
  int npos = 0;
  bool opts_done = false;
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    if (opts_done || a[0] != '-' || a[1] == '\0') {
      if (npos >= maxpos) {
        *rc = cli_usage_error(cmd, "unexpected argument '%s'", a);
        return -1;
      }
      pos[npos++] = a;
      continue;
    }
    if (strcmp(a, "--") == 0) {
      opts_done = true;
      continue;
    }
    if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
      fputs(help, stdout);
      *rc = CLI_OK;
      return -1;
    }
    char name[64];
    const char *inline_val = NULL;
    const cli_opt *spec = NULL;
    if (a[1] == '-') {
      const char *eq = strchr(a + 2, '=');
      size_t len = eq ? (size_t)(eq - (a + 2)) : strlen(a + 2);
      if (len >= sizeof name) len = sizeof name - 1;
      memcpy(name, a + 2, len);
      name[len] = '\0';
      if (eq) inline_val = eq + 1;
      for (const cli_opt *s = specs; s && s->name; s++)
        if (strcmp(s->name, name) == 0) spec = s;
    } else {
      if (a[2] != '\0') {
        *rc = cli_usage_error(cmd, "unknown option '%s'", a);
        return -1;
      }
      for (const cli_opt *s = specs; s && s->name; s++)
        if (s->short_name && s->short_name == a[1]) spec = s;
      if (!spec) {
        *rc = cli_usage_error(cmd, "unknown option '%s'", a);
        return -1;
      }
      snprintf(name, sizeof name, "%s", spec->name);
    }
    bool global = !spec && is_global(name);
    if (!spec && !global) {
      *rc = cli_usage_error(cmd, "unknown option '%s'", a);
      return -1;
    }
    bool needs_arg = global || spec->has_arg;
    const char *val = NULL;
    if (needs_arg) {
      if (inline_val)
        val = inline_val;
      else if (i + 1 < argc)
        val = argv[++i];
      else {
        *rc = cli_usage_error(cmd, "option '--%s' needs a value", name);
        return -1;
      }
    } else if (inline_val) {
      *rc = cli_usage_error(cmd, "option '--%s' takes no value", name);
      return -1;
    }
    if (global) {
      if (cli_global_option(ctx, name, val) < 0) {
        *rc = cli_usage_error(cmd, "bad value '%s' for --%s", val, name);
        return -1;
      }
      continue;
    }
    if (spec->has_arg)
      *spec->value = val;
    else
      *spec->flag = true;
  }
  return npos;
}
