/* watch.c — the change feed: replay every change after a revision, then follow new
 * commits. Each stream keeps its next revision; a commit wakes every stream, and a
 * woken stream sends what it has not sent yet, one message at a time. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "handlers.h"
#include "log.h"

typedef struct watcher {
  catalog *c;
  rpc_call *call;
  uint64_t next;           /* next revision to look at */
  char prefix[8];
  arena mem;               /* holds the message being sent; reset per pump */
  struct watcher *prev, *nxt;
} watcher;

static pthread_mutex_t g_mu = PTHREAD_MUTEX_INITIALIZER;
static watcher *g_head;

static void on_commit(void *arg, uint64_t rev) {
  pthread_mutex_lock(&g_mu);
  for (watcher *w = g_head; w; w = w->nxt) rpc_stream_wake(w->call);
  pthread_mutex_unlock(&g_mu);
}

void watch_init(catalog *c) { catalog_on_commit(c, on_commit, NULL); }

grpc_status_code watch_start(rpc_call *call, const ProtobufCMessage *rq, void **state, void *ctx) {
  const Pss__Catalog__V1__WatchChangesRequest *req = (const void *)rq;
  if (strlen(req->jurisdiction_prefix) > 6)
    return rpc_fail(call, GRPC_STATUS_INVALID_ARGUMENT, "jurisdiction_prefix: at most 6 characters");
  svc *sv = ctx;
  grpc_status_code st = auth_check(sv->a, call, AUTH_READ, NULL);
  if (st != GRPC_STATUS_OK) return st;
  catalog *c = sv->c;
  uint64_t cur = store_current_revision(catalog_store(c));
  if (req->after_revision > cur)
    return rpc_fail(call, GRPC_STATUS_OUT_OF_RANGE, "after_revision: %llu is in the future (latest is %llu)",
                    (unsigned long long)req->after_revision, (unsigned long long)cur);
  watcher *w = calloc(1, sizeof *w);
  if (!w) return rpc_fail(call, GRPC_STATUS_RESOURCE_EXHAUSTED, "out of memory");
  w->c = c;
  w->call = call;
  w->next = req->after_revision + 1;
  snprintf(w->prefix, sizeof w->prefix, "%s", req->jurisdiction_prefix);
  arena_init(&w->mem);
  pthread_mutex_lock(&g_mu);
  w->nxt = g_head;
  if (g_head) g_head->prev = w;
  g_head = w;
  pthread_mutex_unlock(&g_mu);
  *state = w;
  return GRPC_STATUS_OK;
}

static bool starts(const char *s, const char *p) { return s && strncmp(s, p, strlen(p)) == 0; }

static bool matches(const Change *ch, const char *prefix) {
  if (!prefix[0]) return true;
  if (starts(ch->standard, prefix)) return true;
  for (size_t i = 0; i < ch->n_jurisdictions; i++)
    if (starts(ch->jurisdictions[i]->code, prefix)) return true;
  for (size_t i = 0; i < ch->n_standards; i++)
    if (starts(ch->standards[i]->id, prefix)) return true;
  return false;
}

void watch_pump(rpc_call *call, void *state) {
  watcher *w = state;
  uint64_t cur = store_current_revision(catalog_store(w->c));
  while (w->next <= cur) {
    arena_reset(&w->mem);
    Change *ch;
    cat_err err = {0};
    int code = cat_read_change(w->c, w->next, &w->mem.pb, &ch, &err);
    if (code != CAT_OK) {
      log_event(LOG_ERROR, "change feed read failed", "revision", json_integer((json_int_t)w->next),
                "error", json_string(err.msg), NULL);
      rpc_stream_finish(call, GRPC_STATUS_DATA_LOSS, "change log unreadable at this revision");
      return;
    }
    w->next++;
    if (matches(ch, w->prefix)) {
      rpc_stream_send(call, &ch->base);
      return;  /* one outstanding send; pump runs again when it completes */
    }
  }
  /* caught up: idle until the next commit wakes us */
}

void watch_release(rpc_call *call, void *state) {
  watcher *w = state;
  pthread_mutex_lock(&g_mu);
  if (w->prev) w->prev->nxt = w->nxt;
  else g_head = w->nxt;
  if (w->nxt) w->nxt->prev = w->prev;
  pthread_mutex_unlock(&g_mu);
  arena_destroy(&w->mem);
  free(w);
}
