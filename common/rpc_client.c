/*
 * rpc_client.c — blocking gRPC client calls over one channel per client.
 * Every call uses its own pluck completion queue, so any number of threads may
 * call through one client at once.
 */
#include "rpc.h"
#include "log.h"

#include <grpc/byte_buffer.h>
#include <grpc/byte_buffer_reader.h>
#include <grpc/grpc_security.h>
#include <grpc/support/alloc.h>
#include <stdlib.h>
#include <string.h>

struct rpc_client {
  grpc_channel *ch;
};

struct rpc_client_stream {
  grpc_completion_queue *cq;
  grpc_call *call;
  grpc_metadata_array initial_md, trailing_md;
  grpc_status_code status;
  grpc_slice details;
  bool got_status, failed, got_initial;
};

gpr_timespec rpc_deadline_ms(int64_t ms) {
  return gpr_time_add(gpr_now(GPR_CLOCK_MONOTONIC), gpr_time_from_millis(ms, GPR_TIMESPAN));
}

void rpc_result_clear(rpc_result *r) {
  if (!r) return;
  free(r->message);
  r->message = NULL;
  r->code = GRPC_STATUS_OK;
}

static void set_result(rpc_result *r, grpc_status_code code, const char *msg, size_t len) {
  if (!r) return;
  free(r->message);
  r->code = code;
  r->message = malloc(len + 1);
  if (!r->message) abort();
  if (len) memcpy(r->message, msg, len);
  r->message[len] = '\0';
}

static void set_result_str(rpc_result *r, grpc_status_code code, const char *msg) {
  set_result(r, code, msg, strlen(msg));
}

rpc_client *rpc_client_new(const char *target, const rpc_client_opts *opts) {
  grpc_init();
  rpc_client *c = calloc(1, sizeof *c);
  if (!c) abort();
  int max = opts && opts->max_message_bytes > 0 ? opts->max_message_bytes : 64 * 1024 * 1024;
  grpc_arg args[5];
  memset(args, 0, sizeof args);
  size_t n = 0;
  args[n].type = GRPC_ARG_INTEGER;
  args[n].key = GRPC_ARG_MAX_RECEIVE_MESSAGE_LENGTH;
  args[n++].value.integer = max;
  int backoff = opts ? opts->max_reconnect_backoff_ms : 0;
  if (backoff > 0) {
    const char *keys[] = {GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, GRPC_ARG_MIN_RECONNECT_BACKOFF_MS,
                          GRPC_ARG_MAX_RECONNECT_BACKOFF_MS};
    for (size_t i = 0; i < 3; i++) {
      args[n].type = GRPC_ARG_INTEGER;
      args[n].key = (char *)keys[i];
      args[n++].value.integer = backoff;
    }
  }
  if (opts && opts->tls.server_name && opts->tls.server_name[0]) {
    args[n].type = GRPC_ARG_STRING;
    args[n].key = GRPC_SSL_TARGET_NAME_OVERRIDE_ARG;
    args[n++].value.string = (char *)opts->tls.server_name;
  }
  grpc_channel_args ca = {n, args};
  char terr[512] = "";
  grpc_channel_credentials *creds = tls_channel_credentials(opts ? &opts->tls : NULL, terr, sizeof terr);
  if (!creds) {
    log_event(LOG_ERROR, "TLS setup failed", "target", json_string(target), "error", json_string(terr), NULL);
    free(c);
    grpc_shutdown();
    return NULL;
  }
  c->ch = grpc_channel_create(target, creds, &ca);
  grpc_channel_credentials_release(creds);
  return c;
}

void rpc_client_destroy(rpc_client *c) {
  if (!c) return;
  grpc_channel_destroy(c->ch);
  free(c);
  grpc_shutdown();
}

static void cq_drain_destroy(grpc_completion_queue *cq) {
  grpc_completion_queue_shutdown(cq);
  while (grpc_completion_queue_pluck(cq, NULL, gpr_inf_future(GPR_CLOCK_REALTIME), NULL).type !=
         GRPC_QUEUE_SHUTDOWN) {
  }
  grpc_completion_queue_destroy(cq);
}

static grpc_metadata *make_md(const rpc_metadata_kv *md, size_t n) {
  if (!n) return NULL;
  grpc_metadata *m = calloc(n, sizeof *m);
  if (!m) abort();
  for (size_t i = 0; i < n; i++) {
    m[i].key = grpc_slice_from_copied_string(md[i].key);
    m[i].value = grpc_slice_from_copied_string(md[i].value ? md[i].value : "");
  }
  return m;
}

static void free_md(grpc_metadata *m, size_t n) {
  for (size_t i = 0; i < n; i++) {
    grpc_slice_unref(m[i].key);
    grpc_slice_unref(m[i].value);
  }
  free(m);
}

static grpc_byte_buffer *bytes_buffer(const void *body, size_t len) {
  grpc_slice sl = grpc_slice_from_copied_buffer(body ? body : "", len);
  grpc_byte_buffer *bb = grpc_raw_byte_buffer_create(&sl, 1);
  grpc_slice_unref(sl);
  return bb;
}

static grpc_byte_buffer *message_buffer(const ProtobufCMessage *msg) {
  size_t n = msg ? protobuf_c_message_get_packed_size(msg) : 0;
  grpc_slice sl = grpc_slice_malloc(n);
  if (n) protobuf_c_message_pack(msg, GRPC_SLICE_START_PTR(sl));
  grpc_byte_buffer *bb = grpc_raw_byte_buffer_create(&sl, 1);
  grpc_slice_unref(sl);
  return bb;
}

static ProtobufCMessage *decode(const ProtobufCMessageDescriptor *d, grpc_byte_buffer *bb) {
  grpc_byte_buffer_reader r;
  if (!grpc_byte_buffer_reader_init(&r, bb)) return NULL;
  grpc_slice all = grpc_byte_buffer_reader_readall(&r);
  grpc_byte_buffer_reader_destroy(&r);
  ProtobufCMessage *m =
      protobuf_c_message_unpack(d, NULL, GRPC_SLICE_LENGTH(all), GRPC_SLICE_START_PTR(all));
  grpc_slice_unref(all);
  return m;
}

/* Unary core: sends `payload` (consumed), returns the reply buffer on OK. */
static grpc_status_code unary(rpc_client *c, const char *method, grpc_byte_buffer *payload,
                              gpr_timespec deadline, const rpc_metadata_kv *md, size_t n_md,
                              grpc_byte_buffer **reply, rpc_result *res) {
  *reply = NULL;
  grpc_completion_queue *cq = grpc_completion_queue_create_for_pluck(NULL);
  grpc_slice ms = grpc_slice_from_copied_string(method);
  grpc_call *call = grpc_channel_create_call(c->ch, NULL, GRPC_PROPAGATE_DEFAULTS, cq, ms,
                                             NULL, deadline, NULL);
  grpc_slice_unref(ms);
  grpc_metadata *gmd = make_md(md, n_md);
  grpc_metadata_array initial, trailing;
  grpc_metadata_array_init(&initial);
  grpc_metadata_array_init(&trailing);
  grpc_status_code status = GRPC_STATUS_UNKNOWN;
  grpc_slice details = grpc_empty_slice();
  const char *error_string = NULL;
  grpc_byte_buffer *recv = NULL;

  grpc_op ops[6];
  memset(ops, 0, sizeof ops);
  ops[0].op = GRPC_OP_SEND_INITIAL_METADATA;
  ops[0].data.send_initial_metadata.count = n_md;
  ops[0].data.send_initial_metadata.metadata = gmd;
  ops[1].op = GRPC_OP_SEND_MESSAGE;
  ops[1].data.send_message.send_message = payload;
  ops[2].op = GRPC_OP_SEND_CLOSE_FROM_CLIENT;
  ops[3].op = GRPC_OP_RECV_INITIAL_METADATA;
  ops[3].data.recv_initial_metadata.recv_initial_metadata = &initial;
  ops[4].op = GRPC_OP_RECV_MESSAGE;
  ops[4].data.recv_message.recv_message = &recv;
  ops[5].op = GRPC_OP_RECV_STATUS_ON_CLIENT;
  ops[5].data.recv_status_on_client.trailing_metadata = &trailing;
  ops[5].data.recv_status_on_client.status = &status;
  ops[5].data.recv_status_on_client.status_details = &details;
  ops[5].data.recv_status_on_client.error_string = &error_string;

  grpc_call_error e = grpc_call_start_batch(call, ops, 6, call, NULL);
  if (e != GRPC_CALL_OK) {
    status = GRPC_STATUS_INTERNAL;
    set_result_str(res, status, grpc_call_error_to_string(e));
  } else {
    grpc_completion_queue_pluck(cq, call, gpr_inf_future(GPR_CLOCK_REALTIME), NULL);
    set_result(res, status, (const char *)GRPC_SLICE_START_PTR(details),
               GRPC_SLICE_LENGTH(details));
    if (status == GRPC_STATUS_OK) {
      if (recv) {
        *reply = recv;
        recv = NULL;
      } else {
        status = GRPC_STATUS_INTERNAL;
        set_result_str(res, status, "response: no message");
      }
    }
  }
  if (recv) grpc_byte_buffer_destroy(recv);
  if (error_string) gpr_free((void *)error_string);
  grpc_slice_unref(details);
  grpc_metadata_array_destroy(&initial);
  grpc_metadata_array_destroy(&trailing);
  grpc_byte_buffer_destroy(payload);
  free_md(gmd, n_md);
  grpc_call_unref(call);
  cq_drain_destroy(cq);
  return status;
}

grpc_status_code rpc_client_call(rpc_client *c, const char *method,
                                 const ProtobufCMessage *req,
                                 const ProtobufCMessageDescriptor *resp_desc,
                                 ProtobufCMessage **resp, gpr_timespec deadline,
                                 const rpc_metadata_kv *md, size_t n_md, rpc_result *res) {
  if (resp) *resp = NULL;
  grpc_byte_buffer *reply;
  grpc_status_code st = unary(c, method, message_buffer(req), deadline, md, n_md, &reply, res);
  if (st != GRPC_STATUS_OK) return st;
  ProtobufCMessage *m = decode(resp_desc, reply);
  grpc_byte_buffer_destroy(reply);
  if (!m) {
    set_result_str(res, GRPC_STATUS_INTERNAL, "response: cannot decode");
    return GRPC_STATUS_INTERNAL;
  }
  if (resp) *resp = m;
  else protobuf_c_message_free_unpacked(m, NULL);
  return GRPC_STATUS_OK;
}

grpc_status_code rpc_client_call_raw(rpc_client *c, const char *method, const void *body,
                                     size_t len, gpr_timespec deadline, rpc_result *res) {
  grpc_byte_buffer *reply;
  grpc_status_code st = unary(c, method, bytes_buffer(body, len), deadline, NULL, 0, &reply, res);
  if (reply) grpc_byte_buffer_destroy(reply);
  return st;
}

/* ------------------------------------------------------------ streams */

static bool run(rpc_client_stream *st, const grpc_op *ops, size_t n) {
  if (grpc_call_start_batch(st->call, ops, n, st, NULL) != GRPC_CALL_OK) return false;
  grpc_event ev = grpc_completion_queue_pluck(st->cq, st, gpr_inf_future(GPR_CLOCK_REALTIME), NULL);
  return ev.type == GRPC_OP_COMPLETE && ev.success;
}

static void recv_status(rpc_client_stream *st) {
  if (st->got_status) return;
  grpc_op op;
  memset(&op, 0, sizeof op);
  op.op = GRPC_OP_RECV_STATUS_ON_CLIENT;
  op.data.recv_status_on_client.trailing_metadata = &st->trailing_md;
  op.data.recv_status_on_client.status = &st->status;
  op.data.recv_status_on_client.status_details = &st->details;
  st->got_status = true;
  if (!run(st, &op, 1)) {
    st->status = GRPC_STATUS_INTERNAL;
  }
}

rpc_client_stream *rpc_client_stream_open(rpc_client *c, const char *method,
                                          const ProtobufCMessage *req, gpr_timespec deadline,
                                          const rpc_metadata_kv *md, size_t n_md) {
  rpc_client_stream *st = calloc(1, sizeof *st);
  if (!st) abort();
  st->cq = grpc_completion_queue_create_for_pluck(NULL);
  grpc_slice ms = grpc_slice_from_copied_string(method);
  st->call = grpc_channel_create_call(c->ch, NULL, GRPC_PROPAGATE_DEFAULTS, st->cq, ms, NULL,
                                      deadline, NULL);
  grpc_slice_unref(ms);
  grpc_metadata_array_init(&st->initial_md);
  grpc_metadata_array_init(&st->trailing_md);
  st->details = grpc_empty_slice();
  grpc_metadata *gmd = make_md(md, n_md);
  grpc_byte_buffer *payload = message_buffer(req);
  grpc_op ops[3];
  memset(ops, 0, sizeof ops);
  ops[0].op = GRPC_OP_SEND_INITIAL_METADATA;
  ops[0].data.send_initial_metadata.count = n_md;
  ops[0].data.send_initial_metadata.metadata = gmd;
  ops[1].op = GRPC_OP_SEND_MESSAGE;
  ops[1].data.send_message.send_message = payload;
  ops[2].op = GRPC_OP_SEND_CLOSE_FROM_CLIENT;
  if (!run(st, ops, 3)) st->failed = true; /* status (e.g. UNAVAILABLE) comes from next() */
  grpc_byte_buffer_destroy(payload);
  free_md(gmd, n_md);
  return st;
}

int rpc_client_stream_next(rpc_client_stream *st, const ProtobufCMessageDescriptor *desc,
                           ProtobufCMessage **msg, rpc_result *res) {
  *msg = NULL;
  if (st->got_status) goto ended;
  grpc_byte_buffer *bb = NULL;
  grpc_op ops[2];
  size_t n = 0;
  memset(ops, 0, sizeof ops);
  if (!st->got_initial) {
    ops[n].op = GRPC_OP_RECV_INITIAL_METADATA;
    ops[n].data.recv_initial_metadata.recv_initial_metadata = &st->initial_md;
    n++;
    st->got_initial = true;
  }
  ops[n].op = GRPC_OP_RECV_MESSAGE;
  ops[n].data.recv_message.recv_message = &bb;
  n++;
  if (!st->failed && run(st, ops, n) && bb) {
    ProtobufCMessage *m = decode(desc, bb);
    grpc_byte_buffer_destroy(bb);
    if (m) {
      *msg = m;
      return 1;
    }
    grpc_call_cancel_with_status(st->call, GRPC_STATUS_INTERNAL, "response: cannot decode",
                                 NULL);
    recv_status(st);
    set_result_str(res, GRPC_STATUS_INTERNAL, "response: cannot decode");
    return -1;
  }
  if (bb) grpc_byte_buffer_destroy(bb);
  recv_status(st);
ended:
  set_result(res, st->status, (const char *)GRPC_SLICE_START_PTR(st->details),
             GRPC_SLICE_LENGTH(st->details));
  return 0;
}

void rpc_client_stream_cancel(rpc_client_stream *st) {
  if (st && st->call) grpc_call_cancel(st->call, NULL);
}

void rpc_client_stream_close(rpc_client_stream *st) {
  if (!st) return;
  if (!st->got_status) {
    grpc_call_cancel(st->call, NULL);
    recv_status(st);
  }
  grpc_slice_unref(st->details);
  grpc_metadata_array_destroy(&st->initial_md);
  grpc_metadata_array_destroy(&st->trailing_md);
  grpc_call_unref(st->call);
  cq_drain_destroy(st->cq);
  free(st);
}
