/*
 * rpc.h — the one RPC layer both services and every client use, over the gRPC C core.
 *
 * Server side: register protobuf-c services (method table built from the
 * ProtobufCServiceDescriptor, path "/" + service.name + "/" + method.name), run one
 * worker thread per completion queue, decode requests, encode replies, map handler
 * errors to status codes, enforce the max message size and the caller's deadline,
 * answer unknown methods UNIMPLEMENTED, serve grpc.health.v1.Health (Check + Watch)
 * and server reflection (v1 and v1alpha) from the descriptor set embedded at build
 * time, and shut down cleanly (drain in-flight calls, then exit).
 *
 * Client side: a blocking unary call helper with deadline, status and message out,
 * and a blocking reader for server-streaming calls.
 *
 * Memory: every call owns an arena. Requests are decoded into it; handlers build
 * their replies from it (rpc_alloc / rpc_strdup / rpc_allocator). The arena is
 * released when the call ends, so handlers never free anything they got from it.
 */
#ifndef PSS_RPC_H
#define PSS_RPC_H

#include <grpc/grpc.h>
#include <grpc/support/time.h>
#include <protobuf-c/protobuf-c.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tls.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------ server */

typedef struct rpc_server rpc_server;
typedef struct rpc_call rpc_call;     /* one unary call or one stream */

typedef struct rpc_server_opts {
  const char *listen;          /* "127.0.0.1:0", "0.0.0.0:7001" */
  int threads;                 /* worker threads = completion queues; 0 = cores (min 2) */
  int max_message_bytes;       /* receive and send limit; 0 = 4 MiB */
  int shutdown_grace_ms;       /* drain time on shutdown before cancelling; 0 = 5000 */
  const char *server_name;     /* for logs: "catalog-svc" */
  rpc_tls tls;                 /* cert + key = TLS; + ca = mTLS (client certs required) */
} rpc_server_opts;

/* Unary handler. Decoded request in, reply out (built in the call's arena).
 * Return GRPC_STATUS_OK with *resp set, or the status returned by rpc_fail(). */
typedef grpc_status_code (*rpc_unary_fn)(rpc_call *call, const ProtobufCMessage *req,
                                         ProtobufCMessage **resp, void *svc_ctx);

/* Server-streaming handler, a small state machine driven by the layer:
 *  - start: called once with the decoded request. Return GRPC_STATUS_OK (and set
 *    *state) to begin streaming, or an error (rpc_fail) to end the call at once.
 *  - pump: called whenever no send is outstanding — right after start, after each
 *    send completes, and after rpc_stream_wake(). It may call rpc_stream_send() once,
 *    or rpc_stream_finish(), or nothing (idle until woken). Never runs concurrently
 *    for one call; may run on any thread.
 *  - release: called exactly once when the call is over (finished, cancelled by the
 *    client, deadline passed, or server shutdown). Free the state here.
 * `call` stays valid until release returns; wake/send after that are no-ops only if the
 * handler took a reference with rpc_call_ref(). */
typedef grpc_status_code (*rpc_stream_start_fn)(rpc_call *call, const ProtobufCMessage *req,
                                                void **state, void *svc_ctx);
typedef void (*rpc_stream_pump_fn)(rpc_call *call, void *state);
typedef void (*rpc_stream_release_fn)(rpc_call *call, void *state);

typedef struct rpc_method_impl {
  rpc_unary_fn unary;                 /* set this for unary methods … */
  rpc_stream_start_fn stream_start;   /* … or these three for server-streaming ones */
  rpc_stream_pump_fn stream_pump;
  rpc_stream_release_fn stream_release;
} rpc_method_impl;

rpc_server *rpc_server_new(const rpc_server_opts *opts);

/* impls[i] implements desc->methods[i] (declaration order). svc_ctx is passed to
 * every handler. The service is reported SERVING by Health once the server starts. */
int rpc_server_add_service(rpc_server *s, const ProtobufCServiceDescriptor *desc,
                           const rpc_method_impl *impls, void *svc_ctx);

/* Binds, starts the workers. Returns the bound port (>0), or 0 with errno-style log
 * on failure (e.g. port taken: SO_REUSEPORT is off). */
int rpc_server_start(rpc_server *s);

/* Health: set one service's status ("" = whole server). Watchers are notified. */
void rpc_server_set_serving(rpc_server *s, const char *service, bool serving);

/* Blocks the calling thread until SIGTERM or SIGINT, then shuts down (health goes
 * NOT_SERVING, in-flight calls drain for the grace period, streams are finished
 * with UNAVAILABLE, workers joined). Call rpc_block_signals() first thing in main,
 * before grpc_init or any thread is created. */
void rpc_block_signals(void);
void rpc_server_wait_for_signal(rpc_server *s);

/* Shuts down as above without waiting for a signal (tests, embedding). */
void rpc_server_shutdown(rpc_server *s);
void rpc_server_destroy(rpc_server *s);

/* --------------------------------------------------------- per-call helpers */

/* Sets the call's status message (printf-style) and returns code, so handlers can
 * `return rpc_fail(call, GRPC_STATUS_INVALID_ARGUMENT, "standard.jurisdiction: …")`.
 * The message should name the offending field. */
grpc_status_code rpc_fail(rpc_call *call, grpc_status_code code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

void *rpc_alloc(rpc_call *call, size_t n);            /* zeroed, arena-owned */
char *rpc_strdup(rpc_call *call, const char *s);      /* arena-owned copy */
char *rpc_strndup(rpc_call *call, const char *s, size_t n);
ProtobufCAllocator *rpc_allocator(rpc_call *call);    /* for protobuf_c_message_unpack */

gpr_timespec rpc_call_deadline(const rpc_call *call); /* the caller's deadline (monotonic) */
bool rpc_call_deadline_passed(const rpc_call *call);
const char *rpc_call_method(const rpc_call *call);    /* "/pss.catalog.v1.Catalog/GetStandard" */
/* Value of request metadata `key` (e.g. "authorization"), arena-owned, or NULL. */
const char *rpc_call_metadata(rpc_call *call, const char *key);

/* Streams only. */
int rpc_stream_send(rpc_call *call, const ProtobufCMessage *msg); /* 0 ok, -1 call over */
void rpc_stream_finish(rpc_call *call, grpc_status_code code, const char *message);
void rpc_stream_wake(rpc_call *call);       /* thread-safe; schedules pump if idle */
void rpc_call_ref(rpc_call *call);          /* keep `call` valid beyond release */
void rpc_call_unref(rpc_call *call);
/* An arena for the current message of a stream: reset before every pump. */

/* ------------------------------------------------------------------ client */

typedef struct rpc_client rpc_client;

typedef struct rpc_client_opts {
  int max_message_bytes;      /* 0 = 64 MiB for receive (whole standards can be large) */
  /* Upper bound of the channel's reconnect backoff after the server went away
   * (initial and min backoff are capped to it too), so a service-to-service channel
   * notices a restarted server within about this long. 0 = gRPC's default
   * (1 s growing to 120 s). */
  int max_reconnect_backoff_ms;
  rpc_tls tls;                /* ca = verify the server over TLS; + cert/key for mTLS */
} rpc_client_opts;

/* rpc_client_new returns NULL (and logs why) when the TLS files cannot be used. */

rpc_client *rpc_client_new(const char *target, const rpc_client_opts *opts);
void rpc_client_destroy(rpc_client *c);

/* Metadata pairs for a call, e.g. {"authorization", "Bearer …"}; may be NULL. */
typedef struct rpc_metadata_kv { const char *key; const char *value; } rpc_metadata_kv;

typedef struct rpc_result {
  grpc_status_code code;
  char *message;              /* malloc'd status message ("" on OK); rpc_result_clear */
} rpc_result;
void rpc_result_clear(rpc_result *r);

/* Blocking unary call. method = "/pss.catalog.v1.Catalog/GetStandard". On OK, *resp is
 * unpacked with the default allocator: free with protobuf_c_message_free_unpacked.
 * deadline: absolute (any clock); gpr_inf_future(GPR_CLOCK_MONOTONIC) for none.
 * Thread-safe: many threads may call on one client at once. */
grpc_status_code rpc_client_call(rpc_client *c, const char *method,
                                 const ProtobufCMessage *req,
                                 const ProtobufCMessageDescriptor *resp_desc,
                                 ProtobufCMessage **resp, gpr_timespec deadline,
                                 const rpc_metadata_kv *md, size_t n_md, rpc_result *res);

/* Raw variant for tests: sends `len` arbitrary bytes as the request body. */
grpc_status_code rpc_client_call_raw(rpc_client *c, const char *method, const void *body,
                                     size_t len, gpr_timespec deadline, rpc_result *res);

/* Server-streaming call: open, then read messages until it returns 0 (stream ended:
 * status in res) or -1 (error: status in res). */
typedef struct rpc_client_stream rpc_client_stream;
rpc_client_stream *rpc_client_stream_open(rpc_client *c, const char *method,
                                          const ProtobufCMessage *req, gpr_timespec deadline,
                                          const rpc_metadata_kv *md, size_t n_md);
/* 1 = *msg set (free_unpacked it), 0 = ended (res has the final status). */
int rpc_client_stream_next(rpc_client_stream *st, const ProtobufCMessageDescriptor *desc,
                           ProtobufCMessage **msg, rpc_result *res);
void rpc_client_stream_cancel(rpc_client_stream *st);
void rpc_client_stream_close(rpc_client_stream *st);

/* Deadline `ms` milliseconds from now (monotonic). */
gpr_timespec rpc_deadline_ms(int64_t ms);

/* Canonical name ("INVALID_ARGUMENT") of a status code. */
const char *rpc_status_name(grpc_status_code code);

#ifdef __cplusplus
}
#endif
#endif /* PSS_RPC_H */
