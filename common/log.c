/* log.c — structured logs: one JSON object per line on stderr (see log.h). */
#include "log.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static char g_svc[64] = "pss";
static log_level g_min = LOG_INFO;

static const char *level_name(log_level l) {
  switch (l) {
    case LOG_DEBUG: return "debug";
    case LOG_INFO: return "info";
    case LOG_WARN: return "warn";
    default: return "error";
  }
}

void log_init(const char *service_name, log_level min_level) {
  if (service_name) snprintf(g_svc, sizeof g_svc, "%s", service_name);
  g_min = min_level;
}

static void emit(log_level level, const char *msg, va_list ap) {
  struct timespec now;
  clock_gettime(CLOCK_REALTIME, &now);
  struct tm tm;
  gmtime_r(&now.tv_sec, &tm);
  char ts[40];
  size_t n = strftime(ts, sizeof ts, "%Y-%m-%dT%H:%M:%S", &tm);
  snprintf(ts + n, sizeof ts - n, ".%03ldZ", now.tv_nsec / 1000000L);

  json_t *o = json_object();
  json_object_set_new(o, "ts", json_string(ts));
  json_object_set_new(o, "level", json_string(level_name(level)));
  json_object_set_new(o, "svc", json_string(g_svc));
  json_object_set_new(o, "msg", json_string(msg ? msg : ""));
  for (;;) {
    const char *key = va_arg(ap, const char *);
    if (!key) break;
    json_t *v = va_arg(ap, json_t *);
    if (v) json_object_set_new(o, key, v); /* steals v */
  }
  char *line = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(6));
  json_decref(o);
  if (!line) return;
  size_t len = strlen(line);
  line = realloc(line, len + 2);
  if (!line) return;
  line[len] = '\n';
  line[len + 1] = '\0';
  fwrite(line, 1, len + 1, stderr); /* one stdio call per line: stdio locks the stream */
  free(line);
}

void log_event(log_level level, const char *msg, ...) {
  va_list ap;
  va_start(ap, msg);
  if (level < g_min) {
    /* values are stolen even when the line is filtered out */
    for (;;) {
      const char *key = va_arg(ap, const char *);
      if (!key) break;
      json_t *v = va_arg(ap, json_t *);
      json_decref(v);
    }
  } else {
    emit(level, msg, ap);
  }
  va_end(ap);
}

static void emit_plain(log_level level, const char *msg, ...) {
  va_list ap;
  va_start(ap, msg);
  emit(level, msg, ap);
  va_end(ap);
}

void log_msg(log_level level, const char *fmt, ...) {
  if (level < g_min) return;
  char buf[1024];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(buf, sizeof buf, fmt, ap);
  va_end(ap);
  emit_plain(level, buf, (const char *)NULL);
}

bool log_level_parse(const char *s, log_level *out) {
  static const char *const names[] = {"debug", "info", "warn", "error"};
  for (int i = 0; i < 4; i++)
    if (s && strcmp(s, names[i]) == 0) {
      *out = (log_level)i;
      return true;
    }
  return false;
}
