/*
 * rpc_server.c — the gRPC core server: method table, worker threads, per-call
 * contexts, the unary path, the server-streaming state machine, the lock-step
 * bidirectional path (reflection), UNIMPLEMENTED for unknown methods, shutdown.
 *
 * Call lifetime: a context is allocated for each pre-posted request. When the
 * new-call tag fires it becomes live: `ops` counts outstanding batches (+1 while the
 * dispatching worker holds it); when it drops to 0 the grpc_call is released and the
 * server's live count goes down. `refs` keeps the memory (the layer holds one, each
 * rpc_call_ref adds one).
 *
 * Per-call overhead: contexts whose last reference drops on a worker thread go back
 * to that completion queue's free list (arenas keep their first chunk, the mutex
 * stays initialised) and are reused by the next request posted on the queue; the
 * live count is an atomic (the server mutex is taken only to wake a shutdown that
 * waits for it, and to link/unlink streaming calls).
 */
#include "arena.h"
#include "log.h"
#include "rpc.h"
#include "rpc_internal.h"

#include <errno.h>
#include <grpc/byte_buffer.h>
#include <grpc/byte_buffer_reader.h>
#include <grpc/grpc_security.h>
#include <grpc/support/alloc.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum { PREPOST_UNARY = 16, PREPOST_STREAM = 4, PREPOST_BIDI = 2, PREPOST_GENERIC = 4 };
enum { FREELIST_MAX = 256 }; /* recycled contexts kept per completion queue */

typedef enum { M_UNARY, M_SSTREAM, M_BIDI } method_kind;

typedef struct rpc_method {
  char *path;
  method_kind kind;
  void *handle;                          /* grpc_server_register_method */
  const ProtobufCMessageDescriptor *in, *out;
  rpc_method_impl impl;
  rpc_bidi_fn bidi;
  void *ctx;
} rpc_method;

typedef enum { T_NEW, T_DONE, T_SEND, T_STATUS, T_CLOSE, T_PUMP, T_RECV } tag_kind;
typedef struct rpc_tag { tag_kind kind; rpc_call *call; } rpc_tag;

typedef struct call_freelist {
  pthread_mutex_t mu;
  rpc_call *head;
  int n;
} call_freelist;

struct rpc_server {
  rpc_server_opts opts;
  char *listen, *name;
  grpc_server *server;
  int nq;
  grpc_completion_queue **cqs;
  pthread_t *threads;
  grpc_completion_queue *shutdown_cq;

  rpc_method **methods;
  size_t n_methods, cap_methods;
  char **services;
  size_t n_services, cap_services;

  rpc_health *health;
  rpc_reflection *reflection;

  pthread_mutex_t mu;       /* shutting_down, live list; cv: live reached 0 */
  pthread_cond_t cv;
  bool started, shutting_down, shut_down;
  atomic_bool stopping;     /* shutting_down, readable without mu */
  atomic_long live;         /* calls with a grpc_call */
  call_freelist *free;      /* one per completion queue */
  rpc_call *streams;        /* live streaming calls (for shutdown) */
  int port;
};

struct rpc_call {
  rpc_server *srv;
  rpc_method *m;            /* NULL: generic (unknown method) */
  int q;
  grpc_call *call;
  gpr_timespec deadline;
  grpc_metadata_array md;
  grpc_byte_buffer *payload;
  grpc_call_details details; /* generic only */
  gpr_timespec t0;

  arena call_arena, msg_arena;
  arena *cur;               /* where rpc_alloc goes (msg arena while pumping) */

  grpc_status_code code;
  char *message;            /* arena string or NULL */
  grpc_slice status_slice;
  bool has_status_slice;
  int cancelled;

  atomic_int ops, refs;

  pthread_mutex_t mu;       /* stream state below */
  void *state;
  bool started_ok, md_sent, send_busy, pumping, wake_pending, finished, closed, released,
      stop;
  grpc_byte_buffer *send_buf, *recv_buf;

  rpc_tag t_new, t_done, t_send, t_status, t_close, t_pump, t_recv;
  rpc_call *prev, *next;    /* srv->streams; next: free list link too */
  bool in_list;
};

/* ------------------------------------------------------------ small helpers */

static void *xcalloc(size_t n, size_t sz) {
  void *p = calloc(n, sz);
  if (!p) { fputs("out of memory\n", stderr); abort(); }
  return p;
}
static char *xstrdup(const char *s) {
  char *p = strdup(s ? s : "");
  if (!p) { fputs("out of memory\n", stderr); abort(); }
  return p;
}

static double ms_since(gpr_timespec t0) {
  gpr_timespec d = gpr_time_sub(gpr_now(GPR_CLOCK_MONOTONIC), t0);
  return (double)d.tv_sec * 1e3 + (double)d.tv_nsec / 1e6;
}

/* Packs a message into a byte buffer; NULL if it is larger than `max`. */
static grpc_byte_buffer *pack_message(const ProtobufCMessage *msg, size_t max, size_t *size) {
  size_t n = protobuf_c_message_get_packed_size(msg);
  *size = n;
  if (n > max) return NULL;
  grpc_slice sl = grpc_slice_malloc(n);
  if (n) protobuf_c_message_pack(msg, GRPC_SLICE_START_PTR(sl));
  grpc_byte_buffer *bb = grpc_raw_byte_buffer_create(&sl, 1);
  grpc_slice_unref(sl);
  return bb;
}

/* Decodes `bb` (NULL = empty message) into `a`. NULL if undecodable. */
static ProtobufCMessage *unpack_message(const ProtobufCMessageDescriptor *d,
                                        grpc_byte_buffer *bb, arena *a) {
  if (!bb) return protobuf_c_message_unpack(d, &a->pb, 0, (const uint8_t *)"");
  grpc_byte_buffer_reader r;
  if (!grpc_byte_buffer_reader_init(&r, bb)) return NULL;
  grpc_slice all = grpc_byte_buffer_reader_readall(&r);
  grpc_byte_buffer_reader_destroy(&r);
  ProtobufCMessage *m = protobuf_c_message_unpack(d, &a->pb, GRPC_SLICE_LENGTH(all),
                                                  GRPC_SLICE_START_PTR(all));
  grpc_slice_unref(all);
  return m;
}

static size_t max_msg(const rpc_server *s) { return (size_t)s->opts.max_message_bytes; }

/* -------------------------------------------------------------- call context */

static rpc_call *call_new(rpc_server *s, rpc_method *m, int q) {
  rpc_call *c = NULL;
  call_freelist *fl = s->free ? &s->free[q] : NULL;
  if (fl) {
    pthread_mutex_lock(&fl->mu);
    if ((c = fl->head)) {
      fl->head = c->next;
      fl->n--;
    }
    pthread_mutex_unlock(&fl->mu);
  }
  if (c) { /* recycled: arenas reset (first chunk kept), mutex initialised */
    arena call_arena = c->call_arena, msg_arena = c->msg_arena;
    pthread_mutex_t mu = c->mu;
    memset(c, 0, sizeof *c);
    c->call_arena = call_arena;
    c->msg_arena = msg_arena;
    c->mu = mu;
  } else {
    c = xcalloc(1, sizeof *c);
    arena_init(&c->call_arena);
    arena_init(&c->msg_arena);
    pthread_mutex_init(&c->mu, NULL);
  }
  c->srv = s;
  c->m = m;
  c->q = q;
  grpc_metadata_array_init(&c->md);
  if (!m) grpc_call_details_init(&c->details);
  c->cur = &c->call_arena;
  atomic_init(&c->ops, 0);
  atomic_init(&c->refs, 1);
  rpc_tag *tags[] = {&c->t_new, &c->t_done, &c->t_send, &c->t_status,
                     &c->t_close, &c->t_pump, &c->t_recv};
  tag_kind kinds[] = {T_NEW, T_DONE, T_SEND, T_STATUS, T_CLOSE, T_PUMP, T_RECV};
  for (size_t i = 0; i < sizeof tags / sizeof tags[0]; i++) {
    tags[i]->kind = kinds[i];
    tags[i]->call = c;
  }
  return c;
}

/* Releases what the call holds besides its context memory. */
static void call_clear(rpc_call *c) {
  grpc_metadata_array_destroy(&c->md);
  if (!c->m) grpc_call_details_destroy(&c->details);
  if (c->payload) grpc_byte_buffer_destroy(c->payload);
  if (c->send_buf) grpc_byte_buffer_destroy(c->send_buf);
  if (c->recv_buf) grpc_byte_buffer_destroy(c->recv_buf);
  if (c->has_status_slice) grpc_slice_unref(c->status_slice);
}

static void ctx_free(rpc_call *c) {
  arena_destroy(&c->call_arena);
  arena_destroy(&c->msg_arena);
  pthread_mutex_destroy(&c->mu);
  free(c);
}

static void call_free(rpc_call *c) {
  call_clear(c);
  ctx_free(c);
}

/* The last reference dropped on a worker thread (the server is alive): back to the
 * queue's free list, unless the server is stopping or the list is full. */
static void call_recycle(rpc_call *c) {
  rpc_server *s = c->srv;
  call_clear(c);
  call_freelist *fl = s->free ? &s->free[c->q] : NULL;
  if (fl && !atomic_load(&s->stopping)) {
    arena_trim(&c->call_arena, 16384);
    arena_trim(&c->msg_arena, 16384);
    pthread_mutex_lock(&fl->mu);
    if (fl->n < FREELIST_MAX) {
      c->next = fl->head;
      fl->head = c;
      fl->n++;
      c = NULL;
    }
    pthread_mutex_unlock(&fl->mu);
  }
  if (c) ctx_free(c);
}

void rpc_call_ref(rpc_call *c) { atomic_fetch_add(&c->refs, 1); }

void rpc_call_unref(rpc_call *c) {
  if (atomic_fetch_sub(&c->refs, 1) == 1) call_free(c);
}

/* The last outstanding batch finished: the call is over for the layer. */
static void call_ops_done(rpc_call *c) {
  rpc_server *s = c->srv;
  /* in_list is only set by link_stream, before any batch of this call completed */
  if (c->in_list) {
    pthread_mutex_lock(&s->mu);
    if (c->prev) c->prev->next = c->next; else s->streams = c->next;
    if (c->next) c->next->prev = c->prev;
    c->in_list = false;
    pthread_mutex_unlock(&s->mu);
  }
  grpc_call *gc = c->call;
  c->call = NULL;
  if (gc) grpc_call_unref(gc);
  /* seq_cst: either this sees `stopping` or the shutdown sees live == 0 */
  if (atomic_fetch_sub(&s->live, 1) == 1 && atomic_load(&s->stopping)) {
    pthread_mutex_lock(&s->mu);
    pthread_cond_broadcast(&s->cv);
    pthread_mutex_unlock(&s->mu);
  }
  if (atomic_fetch_sub(&c->refs, 1) == 1) call_recycle(c); /* on a worker thread */
}

static void op_end(rpc_call *c) {
  if (atomic_fetch_sub(&c->ops, 1) == 1) call_ops_done(c);
}

/* Starts a batch holding an op reference. false if gRPC refused it (no tag will come). */
static bool batch(rpc_call *c, const grpc_op *ops, size_t n, rpc_tag *tag) {
  atomic_fetch_add(&c->ops, 1);
  grpc_call_error e = grpc_call_start_batch(c->call, ops, n, tag, NULL);
  if (e != GRPC_CALL_OK) {
    log_event(LOG_ERROR, "grpc_call_start_batch failed", "method",
              json_string(rpc_call_method(c)), "error",
              json_string(grpc_call_error_to_string(e)), NULL);
    /* cannot reach 0 here: the caller holds an op */
    atomic_fetch_sub(&c->ops, 1);
    return false;
  }
  return true;
}

static void log_failure(rpc_call *c, grpc_status_code code, const char *msg) {
  if (code == GRPC_STATUS_OK) return;
  log_event(LOG_INFO, "call failed", "method", json_string(rpc_call_method(c)), "code",
            json_string(rpc_status_name(code)), "message", json_string(msg ? msg : ""),
            "duration_ms", json_real(ms_since(c->t0)), NULL);
}

/* ------------------------------------------------------------ per-call API */

grpc_status_code rpc_fail(rpc_call *c, grpc_status_code code, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  va_list ap2;
  va_copy(ap2, ap);
  int n = vsnprintf(NULL, 0, fmt, ap);
  va_end(ap);
  char *m = n >= 0 ? arena_alloc(&c->call_arena, (size_t)n + 1) : NULL;
  if (m) vsnprintf(m, (size_t)n + 1, fmt, ap2);
  va_end(ap2);
  c->code = code;
  c->message = m;
  return code;
}

void *rpc_alloc(rpc_call *c, size_t n) { return arena_alloc(c->cur, n); }
char *rpc_strdup(rpc_call *c, const char *s) { return arena_strdup(c->cur, s); }
char *rpc_strndup(rpc_call *c, const char *s, size_t n) {
  return arena_strndup(c->cur, s, n);
}
ProtobufCAllocator *rpc_allocator(rpc_call *c) { return &c->cur->pb; }

gpr_timespec rpc_call_deadline(const rpc_call *c) {
  return gpr_convert_clock_type(c->deadline, GPR_CLOCK_MONOTONIC);
}

bool rpc_call_deadline_passed(const rpc_call *c) {
  return gpr_time_cmp(rpc_call_deadline(c), gpr_now(GPR_CLOCK_MONOTONIC)) < 0;
}

const char *rpc_call_method(const rpc_call *c) {
  if (c->m) return c->m->path;
  return "(unknown)";
}

const char *rpc_call_metadata(rpc_call *c, const char *key) {
  if (!c->call) return NULL;
  for (size_t i = 0; i < c->md.count; i++) {
    if (grpc_slice_str_cmp(c->md.metadata[i].key, key) == 0) {
      grpc_slice v = c->md.metadata[i].value;
      return arena_strndup(c->cur, (const char *)GRPC_SLICE_START_PTR(v),
                           GRPC_SLICE_LENGTH(v));
    }
  }
  return NULL;
}

/* ------------------------------------------------------------- requests */

static void post_request(rpc_server *s, rpc_method *m, int q) {
  rpc_call *c = call_new(s, m, q);
  grpc_completion_queue *cq = s->cqs[q];
  grpc_call_error e;
  pthread_mutex_lock(&s->mu);
  if (s->shutting_down) {
    pthread_mutex_unlock(&s->mu);
    call_free(c);
    return;
  }
  if (!m)
    e = grpc_server_request_call(s->server, &c->call, &c->details, &c->md, cq, cq, &c->t_new);
  else
    e = grpc_server_request_registered_call(s->server, m->handle, &c->call, &c->deadline,
                                            &c->md, m->kind == M_BIDI ? NULL : &c->payload,
                                            cq, cq, &c->t_new);
  pthread_mutex_unlock(&s->mu);
  if (e != GRPC_CALL_OK) {
    log_event(LOG_ERROR, "request call failed", "error",
              json_string(grpc_call_error_to_string(e)), NULL);
    call_free(c);
  }
}

/* Sends initial metadata (if not yet), the reply (if any) and the status in one
 * batch, plus RECV_CLOSE unless `with_close` is false. Tag: t_done or t_status. */
static void send_final(rpc_call *c, grpc_byte_buffer *reply, grpc_status_code code,
                       const char *msg, bool with_close, rpc_tag *tag) {
  grpc_op ops[4];
  size_t n = 0;
  memset(ops, 0, sizeof ops);
  if (!c->md_sent) {
    ops[n].op = GRPC_OP_SEND_INITIAL_METADATA;
    n++;
    c->md_sent = true;
  }
  if (reply) {
    ops[n].op = GRPC_OP_SEND_MESSAGE;
    ops[n].data.send_message.send_message = reply;
    n++;
    c->send_buf = reply;
  }
  c->code = code;
  c->status_slice = msg && msg[0] ? grpc_slice_from_copied_string(msg) : grpc_empty_slice();
  c->has_status_slice = true;
  ops[n].op = GRPC_OP_SEND_STATUS_FROM_SERVER;
  ops[n].data.send_status_from_server.status = code;
  ops[n].data.send_status_from_server.status_details = &c->status_slice;
  n++;
  if (with_close) {
    ops[n].op = GRPC_OP_RECV_CLOSE_ON_SERVER;
    ops[n].data.recv_close_on_server.cancelled = &c->cancelled;
    n++;
  }
  batch(c, ops, n, tag);
}

/* Decodes the request; on failure sets the call's status and returns NULL. */
static ProtobufCMessage *decode_request(rpc_call *c) {
  if (!c->payload && grpc_call_failed_before_recv_message(c->call)) {
    rpc_fail(c, GRPC_STATUS_CANCELLED, "request body: not received");
    return NULL;
  }
  ProtobufCMessage *req = unpack_message(c->m->in, c->payload, &c->call_arena);
  if (c->payload) {
    grpc_byte_buffer_destroy(c->payload);
    c->payload = NULL;
  }
  if (!req)
    rpc_fail(c, GRPC_STATUS_INVALID_ARGUMENT, "request body: cannot decode %s", c->m->in->name);
  return req;
}

static void dispatch_unary(rpc_call *c) {
  ProtobufCMessage *req = NULL, *resp = NULL;
  grpc_byte_buffer *reply = NULL;
  grpc_status_code code;
  if (rpc_call_deadline_passed(c)) {
    code = rpc_fail(c, GRPC_STATUS_DEADLINE_EXCEEDED, "deadline passed before the call ran");
  } else if (!(req = decode_request(c))) {
    code = c->code;
  } else {
    c->code = GRPC_STATUS_OK;
    code = c->m->impl.unary(c, req, &resp, c->m->ctx);
    if (code == GRPC_STATUS_OK) {
      if (!resp || resp->descriptor != c->m->out) {
        code = rpc_fail(c, GRPC_STATUS_INTERNAL, "handler returned no %s", c->m->out->name);
      } else {
        size_t size;
        reply = pack_message(resp, max_msg(c->srv), &size);
        if (!reply)
          code = rpc_fail(c, GRPC_STATUS_RESOURCE_EXHAUSTED,
                          "response of %zu bytes exceeds the limit of %zu", size,
                          max_msg(c->srv));
      }
    } else if (c->code != code) {
      c->message = NULL; /* handler returned a code without rpc_fail */
    }
  }
  send_final(c, reply, code, code == GRPC_STATUS_OK ? "" : c->message, true, &c->t_done);
}

static void dispatch_generic(rpc_call *c) {
  char *m = grpc_slice_to_c_string(c->details.method);
  char *path = arena_strdup(&c->call_arena, m);
  gpr_free(m);
  rpc_fail(c, GRPC_STATUS_UNIMPLEMENTED, "method not implemented: %s", path);
  /* rpc_call_method() reports "(unknown)" for generic calls; log the path here */
  log_event(LOG_INFO, "call failed", "method", json_string(path), "code",
            json_string("UNIMPLEMENTED"), "message", json_string(c->message), "duration_ms",
            json_real(0.0), NULL);
  send_final(c, NULL, GRPC_STATUS_UNIMPLEMENTED, c->message, true, &c->t_status);
}

/* ------------------------------------------------------ server streaming */

static void link_stream(rpc_call *c) {
  rpc_server *s = c->srv;
  pthread_mutex_lock(&s->mu);
  c->next = s->streams;
  c->prev = NULL;
  if (s->streams) s->streams->prev = c;
  s->streams = c;
  c->in_list = true;
  bool stop = s->shutting_down;
  pthread_mutex_unlock(&s->mu);
  if (stop) {
    pthread_mutex_lock(&c->mu);
    c->stop = true;
    pthread_mutex_unlock(&c->mu);
  }
}

/* Status for a stream; c->mu held. */
static void finish_locked(rpc_call *c, grpc_status_code code, const char *msg) {
  if (c->finished || c->closed) return;
  c->finished = true;
  if (code != GRPC_STATUS_OK) log_failure(c, code, msg);
  send_final(c, NULL, code, msg, false, &c->t_status);
}

static void do_release(rpc_call *c) {
  if (c->m->kind == M_SSTREAM && c->m->impl.stream_release) c->m->impl.stream_release(c, c->state);
}

/* Runs pump until the call is idle, sending or over. Entered with c->pumping set. */
static void pump_loop(rpc_call *c) {
  for (;;) {
    pthread_mutex_lock(&c->mu);
    c->wake_pending = false;
    bool closed = c->closed, finished = c->finished;
    pthread_mutex_unlock(&c->mu);
    if (!closed && !finished) {
      arena_reset(&c->msg_arena);
      c->cur = &c->msg_arena;
      c->m->impl.stream_pump(c, c->state);
      c->cur = &c->call_arena;
    }
    pthread_mutex_lock(&c->mu);
    if (c->closed) {
      c->pumping = false;
      bool rel = !c->released;
      c->released = true;
      pthread_mutex_unlock(&c->mu);
      if (rel) do_release(c);
      return;
    }
    if (c->finished || c->send_busy) {
      c->pumping = false;
      pthread_mutex_unlock(&c->mu);
      return;
    }
    if (c->wake_pending) {
      pthread_mutex_unlock(&c->mu);
      continue;
    }
    if (c->stop) finish_locked(c, GRPC_STATUS_UNAVAILABLE, "server is shutting down");
    c->pumping = false;
    pthread_mutex_unlock(&c->mu);
    return;
  }
}

/* Queues a pump on the call's completion queue (a batch with no ops completes at
 * once). c->mu held; c->pumping must have been false and is set. */
static void post_pump_locked(rpc_call *c) {
  c->pumping = true;
  if (!batch(c, NULL, 0, &c->t_pump)) c->pumping = false;
}

static void dispatch_stream(rpc_call *c) {
  ProtobufCMessage *req;
  if (rpc_call_deadline_passed(c)) {
    rpc_fail(c, GRPC_STATUS_DEADLINE_EXCEEDED, "deadline passed before the call ran");
  } else if ((req = decode_request(c))) {
    c->code = GRPC_STATUS_OK;
    link_stream(c);
    pthread_mutex_lock(&c->mu);
    c->pumping = true; /* wakes during start are deferred */
    pthread_mutex_unlock(&c->mu);
    grpc_status_code code = c->m->impl.stream_start(c, req, &c->state, c->m->ctx);
    if (code == GRPC_STATUS_OK) {
      c->started_ok = true;
      grpc_op close_op;
      memset(&close_op, 0, sizeof close_op);
      close_op.op = GRPC_OP_RECV_CLOSE_ON_SERVER;
      close_op.data.recv_close_on_server.cancelled = &c->cancelled;
      pthread_mutex_lock(&c->mu);
      bool ok = batch(c, &close_op, 1, &c->t_close);
      grpc_op md;
      memset(&md, 0, sizeof md);
      md.op = GRPC_OP_SEND_INITIAL_METADATA;
      c->md_sent = true;
      if (ok && batch(c, &md, 1, &c->t_send)) c->send_busy = true;
      c->pumping = false;
      if (!ok) {
        c->closed = true;
        c->released = true;
      }
      pthread_mutex_unlock(&c->mu);
      if (!ok) do_release(c);
      return;
    }
    if (c->code != code) c->message = NULL;
    pthread_mutex_lock(&c->mu);
    c->pumping = false;
    pthread_mutex_unlock(&c->mu);
  }
  grpc_status_code code = c->code;
  log_failure(c, code, c->message);
  pthread_mutex_lock(&c->mu);
  c->finished = true;
  send_final(c, NULL, code, c->message, true, &c->t_done);
  pthread_mutex_unlock(&c->mu);
}

int rpc_stream_send(rpc_call *c, const ProtobufCMessage *msg) {
  int rc = -1;
  pthread_mutex_lock(&c->mu);
  if (c->finished || c->closed || c->send_busy || !c->call) goto out;
  size_t size;
  grpc_byte_buffer *bb = pack_message(msg, max_msg(c->srv), &size);
  if (!bb) {
    char m[128];
    snprintf(m, sizeof m, "stream message of %zu bytes exceeds the limit of %zu", size,
             max_msg(c->srv));
    finish_locked(c, GRPC_STATUS_RESOURCE_EXHAUSTED, m);
    goto out;
  }
  grpc_op ops[2];
  size_t n = 0;
  memset(ops, 0, sizeof ops);
  if (!c->md_sent) {
    ops[n++].op = GRPC_OP_SEND_INITIAL_METADATA;
    c->md_sent = true;
  }
  ops[n].op = GRPC_OP_SEND_MESSAGE;
  ops[n].data.send_message.send_message = bb;
  n++;
  c->send_buf = bb;
  if (batch(c, ops, n, &c->t_send)) {
    c->send_busy = true;
    rc = 0;
  } else {
    c->send_buf = NULL;
    grpc_byte_buffer_destroy(bb);
  }
out:
  pthread_mutex_unlock(&c->mu);
  return rc;
}

void rpc_stream_finish(rpc_call *c, grpc_status_code code, const char *message) {
  pthread_mutex_lock(&c->mu);
  if (c->call) finish_locked(c, code, message ? message : "");
  pthread_mutex_unlock(&c->mu);
}

void rpc_stream_wake(rpc_call *c) {
  pthread_mutex_lock(&c->mu);
  if (c->released || c->closed || c->finished || !c->call) {
    /* over: nothing to do */
  } else if (c->pumping || c->send_busy) {
    c->wake_pending = true;
  } else {
    post_pump_locked(c);
  }
  pthread_mutex_unlock(&c->mu);
}

/* ------------------------------------------------ bidi (lock-step) streaming */

static void bidi_recv_locked(rpc_call *c) {
  grpc_op op;
  memset(&op, 0, sizeof op);
  op.op = GRPC_OP_RECV_MESSAGE;
  op.data.recv_message.recv_message = &c->recv_buf;
  batch(c, &op, 1, &c->t_recv);
}

static void dispatch_bidi(rpc_call *c) {
  link_stream(c);
  c->code = GRPC_STATUS_OK;
  grpc_op ops[2];
  memset(ops, 0, sizeof ops);
  ops[0].op = GRPC_OP_RECV_CLOSE_ON_SERVER;
  ops[0].data.recv_close_on_server.cancelled = &c->cancelled;
  pthread_mutex_lock(&c->mu);
  if (batch(c, ops, 1, &c->t_close)) {
    memset(ops, 0, sizeof ops);
    ops[0].op = GRPC_OP_SEND_INITIAL_METADATA;
    ops[1].op = GRPC_OP_RECV_MESSAGE;
    ops[1].data.recv_message.recv_message = &c->recv_buf;
    c->md_sent = true;
    batch(c, ops, 2, &c->t_recv);
  }
  pthread_mutex_unlock(&c->mu);
}

static void on_bidi_recv(rpc_call *c, bool ok) {
  pthread_mutex_lock(&c->mu);
  grpc_byte_buffer *bb = c->recv_buf;
  c->recv_buf = NULL;
  if (!ok || c->closed || c->finished) {
    pthread_mutex_unlock(&c->mu);
    if (bb) grpc_byte_buffer_destroy(bb);
    return;
  }
  if (!bb) { /* client half-closed */
    finish_locked(c, GRPC_STATUS_OK, "");
    pthread_mutex_unlock(&c->mu);
    return;
  }
  c->pumping = true;
  pthread_mutex_unlock(&c->mu);

  arena_reset(&c->msg_arena);
  c->cur = &c->msg_arena;
  grpc_status_code code = GRPC_STATUS_OK;
  grpc_byte_buffer *reply = NULL;
  ProtobufCMessage *req = unpack_message(c->m->in, bb, &c->msg_arena), *resp = NULL;
  grpc_byte_buffer_destroy(bb);
  if (!req) {
    code = rpc_fail(c, GRPC_STATUS_INVALID_ARGUMENT, "request body: cannot decode %s",
                    c->m->in->name);
  } else {
    c->code = GRPC_STATUS_OK;
    code = c->m->bidi(c, req, &resp, c->m->ctx);
    if (code == GRPC_STATUS_OK) {
      size_t size;
      if (!resp) code = rpc_fail(c, GRPC_STATUS_INTERNAL, "handler returned no reply");
      else if (!(reply = pack_message(resp, max_msg(c->srv), &size)))
        code = rpc_fail(c, GRPC_STATUS_RESOURCE_EXHAUSTED,
                        "response of %zu bytes exceeds the limit of %zu", size,
                        max_msg(c->srv));
    } else if (c->code != code) {
      c->message = NULL;
    }
  }
  c->cur = &c->call_arena;

  pthread_mutex_lock(&c->mu);
  c->pumping = false;
  if (c->closed || c->finished) {
    if (reply) grpc_byte_buffer_destroy(reply);
  } else if (code != GRPC_STATUS_OK) {
    finish_locked(c, code, c->message ? c->message : "");
  } else {
    grpc_op op;
    memset(&op, 0, sizeof op);
    op.op = GRPC_OP_SEND_MESSAGE;
    op.data.send_message.send_message = reply;
    c->send_buf = reply;
    if (batch(c, &op, 1, &c->t_send)) {
      c->send_busy = true;
    } else {
      c->send_buf = NULL;
      grpc_byte_buffer_destroy(reply);
    }
  }
  pthread_mutex_unlock(&c->mu);
}

/* ------------------------------------------------------------ events */

static void on_new(rpc_call *c, bool ok) {
  rpc_server *s = c->srv;
  if (!ok) { /* server shutting down: the request is returned unused */
    call_free(c);
    return;
  }
  post_request(s, c->m, c->q); /* re-arm first */
  c->t0 = gpr_now(GPR_CLOCK_MONOTONIC);
  atomic_fetch_add(&s->live, 1);
  atomic_store(&c->ops, 1); /* held by this dispatch */
  if (!c->m) dispatch_generic(c);
  else if (c->m->kind == M_UNARY) dispatch_unary(c);
  else if (c->m->kind == M_SSTREAM) dispatch_stream(c);
  else dispatch_bidi(c);
  op_end(c);
}

static void on_send(rpc_call *c, bool ok) {
  pthread_mutex_lock(&c->mu);
  c->send_busy = false;
  if (c->send_buf) {
    grpc_byte_buffer_destroy(c->send_buf);
    c->send_buf = NULL;
  }
  if (!ok || c->closed || c->finished) {
    pthread_mutex_unlock(&c->mu);
    return;
  }
  if (c->m->kind == M_BIDI) {
    if (c->stop) finish_locked(c, GRPC_STATUS_UNAVAILABLE, "server is shutting down");
    else bidi_recv_locked(c);
    pthread_mutex_unlock(&c->mu);
    return;
  }
  if (c->pumping) { /* pump still running elsewhere: it will loop */
    c->wake_pending = true;
    pthread_mutex_unlock(&c->mu);
    return;
  }
  c->pumping = true;
  pthread_mutex_unlock(&c->mu);
  pump_loop(c);
}

static void on_close(rpc_call *c) {
  pthread_mutex_lock(&c->mu);
  c->closed = true;
  bool rel = c->started_ok && !c->pumping && !c->released;
  if (rel) c->released = true;
  bool was_finished = c->finished;
  pthread_mutex_unlock(&c->mu);
  if (c->cancelled && !was_finished)
    log_failure(c, GRPC_STATUS_CANCELLED, "cancelled (client, deadline or shutdown)");
  if (rel) do_release(c);
}

static void on_event(rpc_tag *t, bool ok) {
  rpc_call *c = t->call;
  switch (t->kind) {
    case T_NEW:
      on_new(c, ok);
      return;
    case T_DONE: /* unary (or failed stream start) final batch */
      if (c->send_buf) {
        grpc_byte_buffer_destroy(c->send_buf);
        c->send_buf = NULL;
      }
      if (c->m && c->m->kind == M_UNARY) log_failure(c, c->code, c->message);
      break;
    case T_STATUS:
      break;
    case T_SEND:
      on_send(c, ok);
      break;
    case T_PUMP:
      pump_loop(c);
      break;
    case T_RECV:
      on_bidi_recv(c, ok);
      break;
    case T_CLOSE:
      on_close(c);
      break;
  }
  op_end(c);
}

static void *worker(void *arg) {
  rpc_server *s = ((void **)arg)[0];
  int q = (int)(intptr_t)((void **)arg)[1];
  free(arg);
  grpc_completion_queue *cq = s->cqs[q];
  for (;;) {
    grpc_event ev = grpc_completion_queue_next(cq, gpr_inf_future(GPR_CLOCK_MONOTONIC), NULL);
    if (ev.type == GRPC_QUEUE_SHUTDOWN) break;
    if (ev.type == GRPC_OP_COMPLETE) on_event(ev.tag, ev.success != 0);
  }
  return NULL;
}

/* ------------------------------------------------------------ server */

static void add_service_name(rpc_server *s, const char *name) {
  for (size_t i = 0; i < s->n_services; i++)
    if (strcmp(s->services[i], name) == 0) return;
  if (s->n_services == s->cap_services) {
    s->cap_services = s->cap_services ? 2 * s->cap_services : 8;
    s->services = realloc(s->services, s->cap_services * sizeof *s->services);
    if (!s->services) abort();
  }
  s->services[s->n_services++] = xstrdup(name);
}

static rpc_method *add_method(rpc_server *s, const char *path, method_kind kind) {
  if (s->started) return NULL;
  void *h = grpc_server_register_method(
      s->server, path, NULL,
      kind == M_BIDI ? GRPC_SRM_PAYLOAD_NONE : GRPC_SRM_PAYLOAD_READ_INITIAL_BYTE_BUFFER, 0);
  if (!h) {
    log_event(LOG_ERROR, "cannot register method", "method", json_string(path), NULL);
    return NULL;
  }
  rpc_method *m = xcalloc(1, sizeof *m);
  m->path = xstrdup(path);
  m->kind = kind;
  m->handle = h;
  if (s->n_methods == s->cap_methods) {
    s->cap_methods = s->cap_methods ? 2 * s->cap_methods : 32;
    s->methods = realloc(s->methods, s->cap_methods * sizeof *s->methods);
    if (!s->methods) abort();
  }
  s->methods[s->n_methods++] = m;
  return m;
}

int rpc_server_add_service(rpc_server *s, const ProtobufCServiceDescriptor *desc,
                           const rpc_method_impl *impls, void *svc_ctx) {
  if (!s || !desc || s->started) return -1;
  for (unsigned i = 0; i < desc->n_methods; i++) {
    const rpc_method_impl *im = impls ? &impls[i] : NULL;
    if (!im || (!im->unary && !im->stream_start)) continue; /* generic → UNIMPLEMENTED */
    if (im->stream_start && !im->stream_pump) return -1;
    size_t len = strlen(desc->name) + strlen(desc->methods[i].name) + 3;
    char *path = malloc(len);
    if (!path) abort();
    snprintf(path, len, "/%s/%s", desc->name, desc->methods[i].name);
    rpc_method *m = add_method(s, path, im->unary ? M_UNARY : M_SSTREAM);
    free(path);
    if (!m) return -1;
    m->in = desc->methods[i].input;
    m->out = desc->methods[i].output;
    m->impl = *im;
    m->ctx = svc_ctx;
  }
  add_service_name(s, desc->name);
  rpc_health_set(s->health, desc->name, false);
  return 0;
}

int rpc_server_add_bidi(rpc_server *s, const char *service_name, const char *path,
                        const ProtobufCMessageDescriptor *in, rpc_bidi_fn fn, void *ctx) {
  rpc_method *m = add_method(s, path, M_BIDI);
  if (!m) return -1;
  m->in = in;
  m->bidi = fn;
  m->ctx = ctx;
  add_service_name(s, service_name);
  return 0;
}

size_t rpc_server_service_names(rpc_server *s, const char *const **names) {
  *names = (const char *const *)s->services;
  return s->n_services;
}

#include "grpc/health/v1/health.pb-c.h"
#include "grpc/reflection/v1/reflection.pb-c.h"

rpc_server *rpc_server_new(const rpc_server_opts *opts) {
  rpc_server *s = xcalloc(1, sizeof *s);
  if (opts) s->opts = *opts;
  s->listen = xstrdup(s->opts.listen ? s->opts.listen : "0.0.0.0:7001");
  s->name = xstrdup(s->opts.server_name ? s->opts.server_name : "server");
  s->opts.listen = s->listen;
  s->opts.server_name = s->name;
  if (s->opts.threads <= 0) {
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    s->opts.threads = n < 2 ? 2 : (int)n;
  }
  if (s->opts.max_message_bytes <= 0) s->opts.max_message_bytes = 4 * 1024 * 1024;
  if (s->opts.shutdown_grace_ms <= 0) s->opts.shutdown_grace_ms = 5000;
  pthread_mutex_init(&s->mu, NULL);
  pthread_cond_init(&s->cv, NULL);

  grpc_init();
  grpc_arg args[3];
  memset(args, 0, sizeof args);
  args[0].type = GRPC_ARG_INTEGER;
  args[0].key = GRPC_ARG_ALLOW_REUSEPORT;
  args[0].value.integer = 0;
  args[1].type = GRPC_ARG_INTEGER;
  args[1].key = GRPC_ARG_MAX_RECEIVE_MESSAGE_LENGTH;
  args[1].value.integer = s->opts.max_message_bytes;
  args[2].type = GRPC_ARG_INTEGER;
  args[2].key = GRPC_ARG_MAX_SEND_MESSAGE_LENGTH;
  args[2].value.integer = s->opts.max_message_bytes;
  grpc_channel_args ca = {3, args};
  s->server = grpc_server_create(&ca, NULL);

  s->health = rpc_health_new();
  rpc_server_add_service(s, &grpc__health__v1__health__descriptor, rpc_health_impls,
                         s->health);
  s->reflection = rpc_reflection_new(s, pss_descriptor_set, pss_descriptor_set_len);
  rpc_server_add_bidi(s, "grpc.reflection.v1.ServerReflection",
                      "/grpc.reflection.v1.ServerReflection/ServerReflectionInfo",
                      &grpc__reflection__v1__server_reflection_request__descriptor,
                      rpc_reflection_handle, s->reflection);
  rpc_server_add_bidi(s, "grpc.reflection.v1alpha.ServerReflection",
                      "/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo",
                      &grpc__reflection__v1__server_reflection_request__descriptor,
                      rpc_reflection_handle, s->reflection);
  return s;
}

int rpc_server_start(rpc_server *s) {
  if (!s || s->started) return 0;
  char terr[512] = "";
  grpc_server_credentials *creds = tls_server_credentials(&s->opts.tls, terr, sizeof terr);
  if (!creds) {
    log_event(LOG_ERROR, "TLS setup failed", "error", json_string(terr), NULL);
    return 0;
  }
  int port = grpc_server_add_http2_port(s->server, s->listen, creds);
  grpc_server_credentials_release(creds);
  if (port <= 0) {
    log_event(LOG_ERROR, "cannot listen", "listen", json_string(s->listen), "hint",
              json_string("address in use or invalid"), NULL);
    errno = EADDRINUSE;
    return 0;
  }
  s->port = port;
  s->nq = s->opts.threads;
  s->cqs = xcalloc((size_t)s->nq, sizeof *s->cqs);
  s->free = xcalloc((size_t)s->nq, sizeof *s->free);
  for (int q = 0; q < s->nq; q++) pthread_mutex_init(&s->free[q].mu, NULL);
  s->threads = xcalloc((size_t)s->nq, sizeof *s->threads);
  for (int q = 0; q < s->nq; q++) {
    s->cqs[q] = grpc_completion_queue_create_for_next(NULL);
    grpc_server_register_completion_queue(s->server, s->cqs[q], NULL);
  }
  s->shutdown_cq = grpc_completion_queue_create_for_pluck(NULL);
  grpc_server_start(s->server);
  s->started = true;
  for (int q = 0; q < s->nq; q++) {
    void **arg = xcalloc(2, sizeof *arg);
    arg[0] = s;
    arg[1] = (void *)(intptr_t)q;
    if (pthread_create(&s->threads[q], NULL, worker, arg) != 0) abort();
  }
  for (int q = 0; q < s->nq; q++) {
    for (size_t i = 0; i < s->n_methods; i++) {
      rpc_method *m = s->methods[i];
      int n = m->kind == M_UNARY ? PREPOST_UNARY : m->kind == M_SSTREAM ? PREPOST_STREAM
                                                                          : PREPOST_BIDI;
      for (int k = 0; k < n; k++) post_request(s, m, q);
    }
    for (int k = 0; k < PREPOST_GENERIC; k++) post_request(s, NULL, q);
  }
  rpc_health_set(s->health, "", true);
  for (size_t i = 0; i < s->n_services; i++) rpc_health_set(s->health, s->services[i], true);
  log_event(LOG_INFO, "listening", "listen", json_string(s->listen), "port",
            json_integer(port), "threads", json_integer(s->nq), "max_message_bytes",
            json_integer(s->opts.max_message_bytes), NULL);
  return port;
}

void rpc_server_set_serving(rpc_server *s, const char *service, bool serving) {
  rpc_health_set(s->health, service ? service : "", serving);
}

/* Asks every live stream to end at its next idle point (UNAVAILABLE). */
static void stop_streams(rpc_server *s) {
  pthread_mutex_lock(&s->mu);
  for (rpc_call *c = s->streams; c; c = c->next) {
    pthread_mutex_lock(&c->mu);
    if (!c->closed && !c->finished && c->call) {
      c->stop = true;
      if (c->m->kind == M_SSTREAM) {
        if (c->started_ok && !c->pumping && !c->send_busy) post_pump_locked(c);
      } else if (!c->pumping && !c->send_busy) { /* bidi waiting for the client */
        finish_locked(c, GRPC_STATUS_UNAVAILABLE, "server is shutting down");
      }
    }
    pthread_mutex_unlock(&c->mu);
  }
  pthread_mutex_unlock(&s->mu);
}

void rpc_server_shutdown(rpc_server *s) {
  if (!s || !s->started) return;
  pthread_mutex_lock(&s->mu);
  bool already = s->shutting_down;
  s->shutting_down = true;
  atomic_store(&s->stopping, true);
  pthread_mutex_unlock(&s->mu);
  if (already) return;
  gpr_timespec t0 = gpr_now(GPR_CLOCK_MONOTONIC);
  log_event(LOG_INFO, "shutting down", "grace_ms", json_integer(s->opts.shutdown_grace_ms),
            NULL);

  rpc_health_set_all(s->health, false);
  static int shutdown_tag;
  grpc_server_shutdown_and_notify(s->server, s->shutdown_cq, &shutdown_tag);
  stop_streams(s);
  gpr_timespec grace_end =
      gpr_time_add(t0, gpr_time_from_millis(s->opts.shutdown_grace_ms, GPR_TIMESPAN));
  /* Core completes the shutdown only once every client connection has gone, and an
   * idle client may keep its connection open: once no call is in flight any more,
   * cancelling is harmless and ends the wait instead of sleeping out the grace. */
  grpc_event ev;
  bool idle_cut = false;
  int idle_slices = 0;  /* two in a row: a call accepted just now has been counted */
  for (;;) {
    gpr_timespec slice = gpr_time_add(gpr_now(GPR_CLOCK_MONOTONIC), gpr_time_from_millis(50, GPR_TIMESPAN));
    if (gpr_time_cmp(slice, grace_end) > 0) slice = grace_end;
    ev = grpc_completion_queue_pluck(s->shutdown_cq, &shutdown_tag, slice, NULL);
    if (ev.type == GRPC_OP_COMPLETE || gpr_time_cmp(gpr_now(GPR_CLOCK_MONOTONIC), grace_end) >= 0) break;
    bool idle = atomic_load(&s->live) == 0;
    idle_slices = idle ? idle_slices + 1 : 0;
    if (idle_slices >= 2) {
      idle_cut = true;
      break;
    }
  }
  bool cancelled = false;
  if (ev.type != GRPC_OP_COMPLETE && idle_cut) {
    grpc_server_cancel_all_calls(s->server);
    grpc_completion_queue_pluck(s->shutdown_cq, &shutdown_tag, gpr_inf_future(GPR_CLOCK_MONOTONIC), NULL);
  } else if (ev.type != GRPC_OP_COMPLETE) {
    grpc_server_cancel_all_calls(s->server);
    cancelled = true;
    grpc_completion_queue_pluck(s->shutdown_cq, &shutdown_tag,
                                gpr_inf_future(GPR_CLOCK_MONOTONIC), NULL);
  }
  /* Every call must be over before the queues close. */
  pthread_mutex_lock(&s->mu);
  while (atomic_load(&s->live) > 0) {
    gpr_timespec now = gpr_now(GPR_CLOCK_MONOTONIC);
    gpr_timespec until = gpr_time_cmp(now, grace_end) < 0 ? grace_end
                         : gpr_time_add(now, gpr_time_from_millis(200, GPR_TIMESPAN));
    gpr_timespec rt = gpr_convert_clock_type(until, GPR_CLOCK_REALTIME);
    struct timespec ts = {rt.tv_sec, rt.tv_nsec};
    if (pthread_cond_timedwait(&s->cv, &s->mu, &ts) == ETIMEDOUT && atomic_load(&s->live) > 0) {
      pthread_mutex_unlock(&s->mu);
      grpc_server_cancel_all_calls(s->server);
      cancelled = true;
      pthread_mutex_lock(&s->mu);
    }
  }
  pthread_mutex_unlock(&s->mu);

  for (int q = 0; q < s->nq; q++) grpc_completion_queue_shutdown(s->cqs[q]);
  for (int q = 0; q < s->nq; q++) pthread_join(s->threads[q], NULL);
  s->shut_down = true;
  log_event(LOG_INFO, "stopped", "duration_ms", json_real(ms_since(t0)), "cancelled_calls",
            json_boolean(cancelled), NULL);
}

void rpc_server_destroy(rpc_server *s) {
  if (!s) return;
  if (s->started) rpc_server_shutdown(s);
  grpc_server_destroy(s->server);
  if (s->started) {
    for (int q = 0; q < s->nq; q++) grpc_completion_queue_destroy(s->cqs[q]);
    grpc_completion_queue_shutdown(s->shutdown_cq);
    while (grpc_completion_queue_pluck(s->shutdown_cq, NULL,
                                       gpr_inf_future(GPR_CLOCK_MONOTONIC), NULL)
               .type != GRPC_QUEUE_SHUTDOWN) {
    }
    grpc_completion_queue_destroy(s->shutdown_cq);
  }
  for (size_t i = 0; i < s->n_methods; i++) {
    free(s->methods[i]->path);
    free(s->methods[i]);
  }
  free(s->methods);
  for (size_t i = 0; i < s->n_services; i++) free(s->services[i]);
  free(s->services);
  rpc_reflection_free(s->reflection);
  rpc_health_free(s->health);
  for (int q = 0; s->free && q < s->nq; q++) {
    while (s->free[q].head) {
      rpc_call *c = s->free[q].head;
      s->free[q].head = c->next;
      ctx_free(c);
    }
    pthread_mutex_destroy(&s->free[q].mu);
  }
  free(s->free);
  free(s->cqs);
  free(s->threads);
  free(s->listen);
  free(s->name);
  pthread_mutex_destroy(&s->mu);
  pthread_cond_destroy(&s->cv);
  free(s);
  grpc_shutdown();
}

/* ------------------------------------------------------------ signals */

static sigset_t stop_signals(void) {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  return set;
}

void rpc_block_signals(void) {
  sigset_t set = stop_signals();
  pthread_sigmask(SIG_BLOCK, &set, NULL);
}

void rpc_server_wait_for_signal(rpc_server *s) {
  sigset_t set = stop_signals();
  int sig = 0;
  while (sigwait(&set, &sig) != 0) {
  }
  log_event(LOG_INFO, "signal received", "signal",
            json_string(sig == SIGINT ? "SIGINT" : "SIGTERM"), NULL);
  rpc_server_shutdown(s);
}
