/* health.c — grpc.health.v1.Health: Check and Watch over the server's status map. */
#include "log.h"
#include "rpc.h"
#include "rpc_internal.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "grpc/health/v1/health.pb-c.h"

typedef struct health_entry { char *name; bool serving; } health_entry;

typedef struct watcher {
  struct rpc_health *h;
  rpc_call *call;
  char *service;
  int last_sent;            /* ServingStatus sent last, -1 = none yet */
  struct watcher *next;
} watcher;

struct rpc_health {
  pthread_mutex_t mu;
  health_entry *entries;
  size_t n, cap;
  watcher *watchers;
};

rpc_health *rpc_health_new(void) {
  rpc_health *h = calloc(1, sizeof *h);
  if (!h) abort();
  pthread_mutex_init(&h->mu, NULL);
  return h;
}

void rpc_health_free(rpc_health *h) {
  if (!h) return;
  for (size_t i = 0; i < h->n; i++) free(h->entries[i].name);
  free(h->entries);
  pthread_mutex_destroy(&h->mu);
  free(h);
}

/* -1 unknown, else ServingStatus; h->mu held. */
static int status_locked(rpc_health *h, const char *name) {
  for (size_t i = 0; i < h->n; i++)
    if (strcmp(h->entries[i].name, name) == 0)
      return h->entries[i].serving ? GRPC__HEALTH__V1__HEALTH_CHECK_RESPONSE__SERVING_STATUS__SERVING
                                   : GRPC__HEALTH__V1__HEALTH_CHECK_RESPONSE__SERVING_STATUS__NOT_SERVING;
  return -1;
}

static void wake_locked(rpc_health *h, const char *name) {
  for (watcher *w = h->watchers; w; w = w->next)
    if (!name || strcmp(w->service, name) == 0) rpc_stream_wake(w->call);
}

void rpc_health_set(rpc_health *h, const char *service, bool serving) {
  if (!service) service = "";
  pthread_mutex_lock(&h->mu);
  size_t i;
  for (i = 0; i < h->n; i++)
    if (strcmp(h->entries[i].name, service) == 0) break;
  if (i == h->n) {
    if (h->n == h->cap) {
      h->cap = h->cap ? 2 * h->cap : 8;
      h->entries = realloc(h->entries, h->cap * sizeof *h->entries);
      if (!h->entries) abort();
    }
    h->entries[h->n].name = strdup(service);
    if (!h->entries[h->n].name) abort();
    h->entries[h->n].serving = !serving; /* forces a change below */
    h->n++;
  }
  if (h->entries[i].serving != serving) {
    h->entries[i].serving = serving;
    wake_locked(h, service);
  }
  pthread_mutex_unlock(&h->mu);
}

void rpc_health_set_all(rpc_health *h, bool serving) {
  rpc_health_set(h, "", serving);
  pthread_mutex_lock(&h->mu);
  for (size_t i = 0; i < h->n; i++) h->entries[i].serving = serving;
  wake_locked(h, NULL);
  pthread_mutex_unlock(&h->mu);
}

static grpc_status_code check(rpc_call *call, const ProtobufCMessage *req_,
                              ProtobufCMessage **resp, void *ctx) {
  rpc_health *h = ctx;
  const Grpc__Health__V1__HealthCheckRequest *req = (const void *)req_;
  const char *name = req->service ? req->service : "";
  pthread_mutex_lock(&h->mu);
  int st = status_locked(h, name);
  pthread_mutex_unlock(&h->mu);
  if (st < 0) return rpc_fail(call, GRPC_STATUS_NOT_FOUND, "service: unknown service %s", name);
  Grpc__Health__V1__HealthCheckResponse *r = rpc_alloc(call, sizeof *r);
  grpc__health__v1__health_check_response__init(r);
  r->status = st;
  *resp = &r->base;
  return GRPC_STATUS_OK;
}

static grpc_status_code watch_start(rpc_call *call, const ProtobufCMessage *req_,
                                    void **state, void *ctx) {
  rpc_health *h = ctx;
  const Grpc__Health__V1__HealthCheckRequest *req = (const void *)req_;
  watcher *w = calloc(1, sizeof *w);
  if (!w) return rpc_fail(call, GRPC_STATUS_RESOURCE_EXHAUSTED, "out of memory");
  w->service = strdup(req->service ? req->service : "");
  if (!w->service) abort();
  w->h = h;
  w->call = call;
  w->last_sent = -2;
  pthread_mutex_lock(&h->mu);
  w->next = h->watchers;
  h->watchers = w;
  pthread_mutex_unlock(&h->mu);
  *state = w;
  return GRPC_STATUS_OK;
}

/* Sends the current status whenever it differs from the last one sent. */
static void watch_pump(rpc_call *call, void *state) {
  watcher *w = state;
  pthread_mutex_lock(&w->h->mu);
  int st = status_locked(w->h, w->service);
  pthread_mutex_unlock(&w->h->mu);
  if (st < 0) st = GRPC__HEALTH__V1__HEALTH_CHECK_RESPONSE__SERVING_STATUS__SERVICE_UNKNOWN;
  if (st == w->last_sent) return;
  Grpc__Health__V1__HealthCheckResponse r = GRPC__HEALTH__V1__HEALTH_CHECK_RESPONSE__INIT;
  r.status = st;
  if (rpc_stream_send(call, &r.base) == 0) w->last_sent = st;
}

static void watch_release(rpc_call *call, void *state) {
  watcher *w = state;
  rpc_health *h = w->h;
  pthread_mutex_lock(&h->mu);
  for (watcher **p = &h->watchers; *p; p = &(*p)->next) {
    if (*p == w) {
      *p = w->next;
      break;
    }
  }
  pthread_mutex_unlock(&h->mu);
  free(w->service);
  free(w);
}

const rpc_method_impl rpc_health_impls[2] = {
    {.unary = check},
    {.stream_start = watch_start, .stream_pump = watch_pump, .stream_release = watch_release},
};
