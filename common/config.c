/* config.c — flags and environment variables; see config.h. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void usage(const config_opt *opts, const char *prog, const char *about) {
  printf("%s — %s\n\nOptions (each also read from its environment variable):\n", prog, about);
  for (const config_opt *o = opts; o->flag; o++)
    printf("  --%-18s %-26s %s (default: %s)\n", o->flag, o->env ? o->env : "", o->help,
           o->def ? o->def : "none");
  printf("  --%-18s %-26s %s\n", "help", "", "print this help");
}

int config_parse(config_opt *opts, int argc, char **argv, const char *prog, const char *about) {
  for (config_opt *o = opts; o->flag; o++) {
    const char *e = o->env ? getenv(o->env) : NULL;
    *o->value = (e && *e) ? e : o->def;
  }
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
      usage(opts, prog, about);
      return 1;
    }
    if (strncmp(a, "--", 2) != 0) {
      fprintf(stderr, "%s: unexpected argument \"%s\" (see --help)\n", prog, a);
      return -1;
    }
    const char *name = a + 2, *eq = strchr(name, '=');
    size_t nlen = eq ? (size_t)(eq - name) : strlen(name);
    config_opt *o = opts;
    for (; o->flag; o++)
      if (strlen(o->flag) == nlen && strncmp(o->flag, name, nlen) == 0) break;
    if (!o->flag) {
      fprintf(stderr, "%s: unknown option --%.*s (see --help)\n", prog, (int)nlen, name);
      return -1;
    }
    if (eq) {
      *o->value = eq + 1;
    } else if (i + 1 < argc) {
      *o->value = argv[++i];
    } else {
      fprintf(stderr, "%s: option --%s needs a value\n", prog, o->flag);
      return -1;
    }
  }
  return 0;
}

bool config_uint(const char *flag, const char *value, long long max, long long *out) {
  char *end;
  errno = 0;
  long long v = value ? strtoll(value, &end, 10) : -1;
  if (!value || errno || *end || v < 0 || v > max) {
    fprintf(stderr, "--%s: \"%s\" is not an integer between 0 and %lld\n", flag, value ? value : "",
            max);
    return false;
  }
  *out = v;
  return true;
}
