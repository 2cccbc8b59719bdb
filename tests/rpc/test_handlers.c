/* test_handlers.c — see test_handlers.h. */
#include "test_handlers.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "pss/catalog/v1/catalog.pb-c.h"

enum { MAX_STREAMS = 256 };

static pthread_mutex_t g_mu = PTHREAD_MUTEX_INITIALIZER;
static rpc_call *g_streams[MAX_STREAMS];
static int g_n;
static atomic_int g_releases, g_starts;
static atomic_bool g_finish;

typedef struct wstate { uint64_t n, sent; } wstate;

static grpc_status_code get_jurisdiction(rpc_call *call, const ProtobufCMessage *req_,
                                         ProtobufCMessage **resp, void *ctx) {
  const Pss__Catalog__V1__GetJurisdictionRequest *req = (const void *)req_;
  const char *code = req->code ? req->code : "";
  if (strcmp(code, "fail") == 0)
    return rpc_fail(call, GRPC_STATUS_NOT_FOUND, "jurisdiction.code: %s not found", code);
  Pss__Catalog__V1__Jurisdiction *j = rpc_alloc(call, sizeof *j);
  pss__catalog__v1__jurisdiction__init(j);
  j->code = rpc_strdup(call, code);
  j->name = j->code;
  if (strncmp(code, "sleep:", 6) == 0) {
    long ms = atol(code + 6);
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
  } else if (strcmp(code, "md") == 0) {
    const char *v = rpc_call_metadata(call, "authorization");
    j->name = (char *)(v ? v : "(none)");
  }
  *resp = &j->base;
  return GRPC_STATUS_OK;
}

static grpc_status_code list_jurisdictions(rpc_call *call, const ProtobufCMessage *req_,
                                           ProtobufCMessage **resp, void *ctx) {
  const Pss__Catalog__V1__ListJurisdictionsRequest *req = (const void *)req_;
  Pss__Catalog__V1__ListJurisdictionsResponse *r = rpc_alloc(call, sizeof *r);
  pss__catalog__v1__list_jurisdictions_response__init(r);
  size_t n = req->page_size > 0 ? (size_t)req->page_size : 0;
  r->jurisdictions = rpc_alloc(call, (n ? n : 1) * sizeof *r->jurisdictions);
  for (size_t i = 0; i < n; i++) {
    Pss__Catalog__V1__Jurisdiction *j = rpc_alloc(call, sizeof *j);
    pss__catalog__v1__jurisdiction__init(j);
    char code[32];
    snprintf(code, sizeof code, "%06zu", i);
    j->code = rpc_strdup(call, code);
    j->name = req->code_prefix;
    r->jurisdictions[r->n_jurisdictions++] = j;
  }
  *resp = &r->base;
  return GRPC_STATUS_OK;
}

static grpc_status_code watch_start(rpc_call *call, const ProtobufCMessage *req_, void **state,
                                    void *ctx) {
  const Pss__Catalog__V1__WatchChangesRequest *req = (const void *)req_;
  if (req->jurisdiction_prefix && strcmp(req->jurisdiction_prefix, "bad") == 0)
    return rpc_fail(call, GRPC_STATUS_INVALID_ARGUMENT, "jurisdiction_prefix: bad");
  wstate *st = calloc(1, sizeof *st);
  st->n = req->after_revision;
  rpc_call_ref(call);
  pthread_mutex_lock(&g_mu);
  if (g_n < MAX_STREAMS) g_streams[g_n++] = call;
  pthread_mutex_unlock(&g_mu);
  atomic_fetch_add(&g_starts, 1);
  *state = st;
  return GRPC_STATUS_OK;
}

static void watch_pump(rpc_call *call, void *state) {
  wstate *st = state;
  if (st->sent < st->n) {
    Pss__Catalog__V1__Change c = PSS__CATALOG__V1__CHANGE__INIT;
    c.revision = st->sent + 1;
    c.standard = rpc_strdup(call, "330782/2021");
    if (rpc_stream_send(call, &c.base) == 0) st->sent++;
  } else if (atomic_load(&g_finish)) {
    rpc_stream_finish(call, GRPC_STATUS_OK, "");
  }
}

static void watch_release(rpc_call *call, void *state) {
  free(state);
  pthread_mutex_lock(&g_mu);
  for (int i = 0; i < g_n; i++) {
    if (g_streams[i] == call) {
      g_streams[i] = g_streams[--g_n];
      break;
    }
  }
  pthread_mutex_unlock(&g_mu);
  atomic_fetch_add(&g_releases, 1);
  rpc_call_unref(call);
}

const rpc_method_impl *th_catalog_impls(void) {
  static rpc_method_impl impls[64];
  const ProtobufCServiceDescriptor *d = &pss__catalog__v1__catalog__descriptor;
  memset(impls, 0, sizeof impls);
  for (unsigned i = 0; i < d->n_methods && i < 64; i++) {
    const char *n = d->methods[i].name;
    if (!strcmp(n, "GetJurisdiction")) impls[i].unary = get_jurisdiction;
    else if (!strcmp(n, "ListJurisdictions")) impls[i].unary = list_jurisdictions;
    else if (!strcmp(n, "WatchChanges")) {
      impls[i].stream_start = watch_start;
      impls[i].stream_pump = watch_pump;
      impls[i].stream_release = watch_release;
    }
  }
  return impls;
}

void th_reset(void) {
  atomic_store(&g_finish, false);
  atomic_store(&g_releases, 0);
  atomic_store(&g_starts, 0);
}

void th_wake_all(bool finish) {
  if (finish) atomic_store(&g_finish, true);
  pthread_mutex_lock(&g_mu);
  for (int i = 0; i < g_n; i++) rpc_stream_wake(g_streams[i]);
  pthread_mutex_unlock(&g_mu);
}

int th_live_streams(void) {
  pthread_mutex_lock(&g_mu);
  int n = g_n;
  pthread_mutex_unlock(&g_mu);
  return n;
}
int th_releases(void) { return atomic_load(&g_releases); }
int th_starts(void) { return atomic_load(&g_starts); }
