/*
 * log.h — structured logs: one JSON object per line on stderr.
 *
 *   {"ts":"2026-11-26T01:02:03.456Z","level":"info","svc":"catalog-svc","msg":"listening","port":7001}
 *
 * Extra fields are given as a NULL-terminated list of key / jansson-value pairs
 * (the values are stolen), e.g.
 *   log_event(LOG_INFO, "listening", "port", json_integer(port), NULL);
 */
#ifndef PSS_LOG_H
#define PSS_LOG_H

#include <jansson.h>
#include <stdbool.h>

typedef enum { LOG_DEBUG, LOG_INFO, LOG_WARN, LOG_ERROR } log_level;

void log_init(const char *service_name, log_level min_level);
/* "debug", "info", "warn" or "error" -> *out; false for anything else. */
bool log_level_parse(const char *s, log_level *out);
void log_event(log_level level, const char *msg, ...);  /* key, json_t*, …, NULL */
/* printf-style convenience: {"msg": formatted} */
void log_msg(log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
