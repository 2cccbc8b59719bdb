/*
 * cat_err.h — how catalog operations report failure: a gRPC status code plus a
 * message that names the field or object at fault. Operations return the code.
 */
#ifndef PSS_CAT_ERR_H
#define PSS_CAT_ERR_H

#include <grpc/status.h>
#include <stdarg.h>
#include <stdio.h>

enum {
  CAT_OK = GRPC_STATUS_OK,
  CAT_NOT_FOUND = GRPC_STATUS_NOT_FOUND,
  /* internal: the map is full and must grow (never leaves store_write) */
  CAT_MAP_FULL = 1000,
};

typedef struct cat_err {
  int code;
  char msg[512];
} cat_err;

static inline int cat_fail(cat_err *e, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static inline int cat_fail(cat_err *e, int code, const char *fmt, ...) {
  if (e) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(e->msg, sizeof e->msg, fmt, ap);
    va_end(ap);
    e->code = code;
  }
  return code;
}

#endif
