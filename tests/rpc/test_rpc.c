/* test_rpc.c — the RPC layer against a real in-process server on 127.0.0.1:0. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "grpc/health/v1/health.pb-c.h"
#include "log.h"
#include "pss/catalog/v1/catalog.pb-c.h"
#include "rpc.h"
#include "test_handlers.h"

#define CAT "/pss.catalog.v1.Catalog/"
#define MAX_MSG (1024 * 1024)

static rpc_server *g_srv;
static rpc_client *g_cli;
static char g_target[64];

static double now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static rpc_server *start_server(int grace_ms, int *port) {
  rpc_server_opts o = {.listen = "127.0.0.1:0", .threads = 2, .max_message_bytes = MAX_MSG,
                       .shutdown_grace_ms = grace_ms, .server_name = "test"};
  rpc_server *s = rpc_server_new(&o);
  assert_int_equal(rpc_server_add_service(s, &pss__catalog__v1__catalog__descriptor,
                                          th_catalog_impls(), NULL), 0);
  *port = rpc_server_start(s);
  assert_true(*port > 0);
  return s;
}

static int group_setup(void **st) {
  int port;
  g_srv = start_server(2000, &port);
  snprintf(g_target, sizeof g_target, "127.0.0.1:%d", port);
  g_cli = rpc_client_new(g_target, NULL);
  return 0;
}

static int group_teardown(void **st) {
  rpc_client_destroy(g_cli);
  rpc_server_destroy(g_srv);
  return 0;
}

static int reset(void **st) {
  th_reset();
  return 0;
}

static grpc_status_code get_j(rpc_client *c, const char *code, int64_t deadline_ms,
                              Pss__Catalog__V1__Jurisdiction **out, rpc_result *res) {
  Pss__Catalog__V1__GetJurisdictionRequest req = PSS__CATALOG__V1__GET_JURISDICTION_REQUEST__INIT;
  req.code = (char *)code;
  ProtobufCMessage *resp = NULL;
  grpc_status_code st = rpc_client_call(c, CAT "GetJurisdiction", &req.base,
                                        &pss__catalog__v1__jurisdiction__descriptor, &resp,
                                        rpc_deadline_ms(deadline_ms), NULL, 0, res);
  *out = (Pss__Catalog__V1__Jurisdiction *)resp;
  return st;
}

static void unary_ok(void **st) {
  Pss__Catalog__V1__Jurisdiction *j;
  rpc_result res = {0};
  assert_int_equal(get_j(g_cli, "330782", 5000, &j, &res), GRPC_STATUS_OK);
  assert_string_equal(j->code, "330782");
  assert_string_equal(res.message, "");
  protobuf_c_message_free_unpacked(&j->base, NULL);
  rpc_result_clear(&res);
}

static void empty_request_ok(void **st) {
  rpc_result res = {0};
  assert_int_equal(rpc_client_call_raw(g_cli, CAT "GetJurisdiction", "", 0, rpc_deadline_ms(5000),
                                       &res), GRPC_STATUS_OK);
  rpc_result_clear(&res);
}

static void handler_error(void **st) {
  Pss__Catalog__V1__Jurisdiction *j;
  rpc_result res = {0};
  assert_int_equal(get_j(g_cli, "fail", 5000, &j, &res), GRPC_STATUS_NOT_FOUND);
  assert_null(j);
  assert_string_equal(res.message, "jurisdiction.code: fail not found");
  rpc_result_clear(&res);
}

static void metadata(void **st) {
  Pss__Catalog__V1__GetJurisdictionRequest req = PSS__CATALOG__V1__GET_JURISDICTION_REQUEST__INIT;
  req.code = "md";
  rpc_metadata_kv md[] = {{"authorization", "Bearer t0k"}};
  ProtobufCMessage *resp = NULL;
  rpc_result res = {0};
  assert_int_equal(rpc_client_call(g_cli, CAT "GetJurisdiction", &req.base,
                                   &pss__catalog__v1__jurisdiction__descriptor, &resp,
                                   rpc_deadline_ms(5000), md, 1, &res), GRPC_STATUS_OK);
  assert_string_equal(((Pss__Catalog__V1__Jurisdiction *)resp)->name, "Bearer t0k");
  protobuf_c_message_free_unpacked(resp, NULL);
  rpc_result_clear(&res);
}

static void garbage_body(void **st) {
  static const unsigned char junk[] = {0x0a, 0x10, 'a'}; /* length 16, 1 byte present */
  rpc_result res = {0};
  assert_int_equal(rpc_client_call_raw(g_cli, CAT "GetJurisdiction", junk, sizeof junk,
                                       rpc_deadline_ms(5000), &res),
                   GRPC_STATUS_INVALID_ARGUMENT);
  assert_non_null(strstr(res.message, "cannot decode pss.catalog.v1.GetJurisdictionRequest"));
  rpc_result_clear(&res);
}

static void request_too_large(void **st) {
  char *big = malloc(2 * MAX_MSG);
  memset(big, 'x', 2 * MAX_MSG - 1);
  big[2 * MAX_MSG - 1] = '\0';
  Pss__Catalog__V1__Jurisdiction *j;
  rpc_result res = {0};
  assert_int_equal(get_j(g_cli, big, 5000, &j, &res), GRPC_STATUS_RESOURCE_EXHAUSTED);
  free(big);
  rpc_result_clear(&res);
  /* the connection still works */
  assert_int_equal(get_j(g_cli, "CN", 5000, &j, &res), GRPC_STATUS_OK);
  protobuf_c_message_free_unpacked(&j->base, NULL);
  rpc_result_clear(&res);
}

static void response_too_large(void **st) {
  char prefix[1024];
  memset(prefix, 'y', sizeof prefix - 1);
  prefix[sizeof prefix - 1] = '\0';
  Pss__Catalog__V1__ListJurisdictionsRequest req = PSS__CATALOG__V1__LIST_JURISDICTIONS_REQUEST__INIT;
  req.code_prefix = prefix;
  req.page_size = 2000; /* ~2 MiB reply */
  ProtobufCMessage *resp = NULL;
  rpc_result res = {0};
  assert_int_equal(rpc_client_call(g_cli, CAT "ListJurisdictions", &req.base,
                                   &pss__catalog__v1__list_jurisdictions_response__descriptor,
                                   &resp, rpc_deadline_ms(5000), NULL, 0, &res),
                   GRPC_STATUS_RESOURCE_EXHAUSTED);
  rpc_result_clear(&res);
  req.page_size = 10;
  assert_int_equal(rpc_client_call(g_cli, CAT "ListJurisdictions", &req.base,
                                   &pss__catalog__v1__list_jurisdictions_response__descriptor,
                                   &resp, rpc_deadline_ms(5000), NULL, 0, &res),
                   GRPC_STATUS_OK);
  assert_int_equal(((Pss__Catalog__V1__ListJurisdictionsResponse *)resp)->n_jurisdictions, 10);
  protobuf_c_message_free_unpacked(resp, NULL);
  rpc_result_clear(&res);
}

static void unknown_method(void **st) {
  rpc_result res = {0};
  double t0 = now_ms();
  assert_int_equal(rpc_client_call_raw(g_cli, "/pss.catalog.v1.Catalog/NoSuchMethod", "", 0,
                                       rpc_deadline_ms(5000), &res),
                   GRPC_STATUS_UNIMPLEMENTED);
  assert_true(now_ms() - t0 < 1000);
  rpc_result_clear(&res);
  assert_int_equal(rpc_client_call_raw(g_cli, "/no.such.Service/X", "", 0,
                                       rpc_deadline_ms(5000), &res),
                   GRPC_STATUS_UNIMPLEMENTED);
  rpc_result_clear(&res);
}

static void unimplemented_registered(void **st) {
  rpc_result res = {0};
  double t0 = now_ms();
  assert_int_equal(rpc_client_call_raw(g_cli, CAT "CreateStandard", "", 0, rpc_deadline_ms(5000),
                                       &res),
                   GRPC_STATUS_UNIMPLEMENTED);
  assert_true(now_ms() - t0 < 1000);
  rpc_result_clear(&res);
}

static void deadline_honoured(void **st) {
  Pss__Catalog__V1__Jurisdiction *j;
  rpc_result res = {0};
  double t0 = now_ms();
  assert_int_equal(get_j(g_cli, "sleep:600", 100, &j, &res), GRPC_STATUS_DEADLINE_EXCEEDED);
  assert_true(now_ms() - t0 < 500);
  rpc_result_clear(&res);
  usleep(600 * 1000); /* let the sleeping handler finish */
}

static rpc_client_stream *open_watch(rpc_client *c, uint64_t n, const char *prefix) {
  Pss__Catalog__V1__WatchChangesRequest req = PSS__CATALOG__V1__WATCH_CHANGES_REQUEST__INIT;
  req.after_revision = n;
  req.jurisdiction_prefix = (char *)(prefix ? prefix : "");
  return rpc_client_stream_open(c, CAT "WatchChanges", &req.base, rpc_deadline_ms(10000),
                                NULL, 0);
}

static void read_changes(rpc_client_stream *s, uint64_t n) {
  for (uint64_t i = 1; i <= n; i++) {
    ProtobufCMessage *m;
    rpc_result res = {0};
    assert_int_equal(rpc_client_stream_next(s, &pss__catalog__v1__change__descriptor, &m, &res), 1);
    assert_int_equal(((Pss__Catalog__V1__Change *)m)->revision, i);
    protobuf_c_message_free_unpacked(m, NULL);
    rpc_result_clear(&res);
  }
}

static bool wait_for(int (*get)(void), int want, int ms) {
  for (int i = 0; i < ms / 5; i++) {
    if (get() == want) return true;
    usleep(5000);
  }
  return get() == want;
}

static void stream_with_wake(void **st) {
  rpc_client_stream *s = open_watch(g_cli, 5, NULL);
  read_changes(s, 5);
  assert_true(wait_for(th_live_streams, 1, 2000));
  th_wake_all(false); /* woken, nothing to do: parks again */
  usleep(20000);
  th_wake_all(true);
  ProtobufCMessage *m;
  rpc_result res = {0};
  assert_int_equal(rpc_client_stream_next(s, &pss__catalog__v1__change__descriptor, &m, &res), 0);
  assert_int_equal(res.code, GRPC_STATUS_OK);
  rpc_result_clear(&res);
  rpc_client_stream_close(s);
  assert_true(wait_for(th_releases, 1, 2000));
  assert_int_equal(th_live_streams(), 0);
}

static void stream_start_error(void **st) {
  rpc_client_stream *s = open_watch(g_cli, 1, "bad");
  ProtobufCMessage *m;
  rpc_result res = {0};
  assert_int_equal(rpc_client_stream_next(s, &pss__catalog__v1__change__descriptor, &m, &res), 0);
  assert_int_equal(res.code, GRPC_STATUS_INVALID_ARGUMENT);
  assert_string_equal(res.message, "jurisdiction_prefix: bad");
  rpc_result_clear(&res);
  rpc_client_stream_close(s);
  assert_int_equal(th_releases(), 0);
}

static void stream_client_cancel(void **st) {
  rpc_client_stream *s = open_watch(g_cli, 2, NULL);
  read_changes(s, 2);
  assert_true(wait_for(th_live_streams, 1, 2000));
  rpc_client_stream_cancel(s);
  ProtobufCMessage *m;
  rpc_result res = {0};
  assert_int_equal(rpc_client_stream_next(s, &pss__catalog__v1__change__descriptor, &m, &res), 0);
  assert_int_equal(res.code, GRPC_STATUS_CANCELLED);
  rpc_result_clear(&res);
  rpc_client_stream_close(s);
  assert_true(wait_for(th_releases, 1, 2000));
  th_wake_all(true); /* no stream left: must not pump or release again */
  usleep(100000);
  assert_int_equal(th_releases(), 1);
  assert_int_equal(th_live_streams(), 0);
}

static void stream_deadline(void **st) {
  Pss__Catalog__V1__WatchChangesRequest req = PSS__CATALOG__V1__WATCH_CHANGES_REQUEST__INIT;
  req.after_revision = 1;
  rpc_client_stream *s = rpc_client_stream_open(g_cli, CAT "WatchChanges", &req.base,
                                                rpc_deadline_ms(300), NULL, 0);
  read_changes(s, 1);
  ProtobufCMessage *m;
  rpc_result res = {0};
  assert_int_equal(rpc_client_stream_next(s, &pss__catalog__v1__change__descriptor, &m, &res), 0);
  assert_int_equal(res.code, GRPC_STATUS_DEADLINE_EXCEEDED);
  rpc_result_clear(&res);
  rpc_client_stream_close(s);
  assert_true(wait_for(th_releases, 1, 2000));
}

static grpc_status_code health_check(rpc_client *c, const char *svc, int *status) {
  Grpc__Health__V1__HealthCheckRequest req = GRPC__HEALTH__V1__HEALTH_CHECK_REQUEST__INIT;
  req.service = (char *)svc;
  ProtobufCMessage *resp = NULL;
  rpc_result res = {0};
  grpc_status_code st = rpc_client_call(c, "/grpc.health.v1.Health/Check", &req.base,
                                        &grpc__health__v1__health_check_response__descriptor,
                                        &resp, rpc_deadline_ms(5000), NULL, 0, &res);
  *status = resp ? (int)((Grpc__Health__V1__HealthCheckResponse *)resp)->status : -1;
  if (resp) protobuf_c_message_free_unpacked(resp, NULL);
  rpc_result_clear(&res);
  return st;
}

static void health(void **st) {
  int s;
  assert_int_equal(health_check(g_cli, "", &s), GRPC_STATUS_OK);
  assert_int_equal(s, GRPC__HEALTH__V1__HEALTH_CHECK_RESPONSE__SERVING_STATUS__SERVING);
  assert_int_equal(health_check(g_cli, "pss.catalog.v1.Catalog", &s), GRPC_STATUS_OK);
  assert_int_equal(s, GRPC__HEALTH__V1__HEALTH_CHECK_RESPONSE__SERVING_STATUS__SERVING);
  assert_int_equal(health_check(g_cli, "no.such.Service", &s), GRPC_STATUS_NOT_FOUND);
}

static void health_watch(void **st) {
  Grpc__Health__V1__HealthCheckRequest req = GRPC__HEALTH__V1__HEALTH_CHECK_REQUEST__INIT;
  req.service = "pss.catalog.v1.Catalog";
  rpc_client_stream *s = rpc_client_stream_open(g_cli, "/grpc.health.v1.Health/Watch", &req.base,
                                                rpc_deadline_ms(10000), NULL, 0);
  const ProtobufCMessageDescriptor *d = &grpc__health__v1__health_check_response__descriptor;
  ProtobufCMessage *m;
  rpc_result res = {0};
  assert_int_equal(rpc_client_stream_next(s, d, &m, &res), 1);
  assert_int_equal(((Grpc__Health__V1__HealthCheckResponse *)m)->status,
                   GRPC__HEALTH__V1__HEALTH_CHECK_RESPONSE__SERVING_STATUS__SERVING);
  protobuf_c_message_free_unpacked(m, NULL);
  rpc_server_set_serving(g_srv, "pss.catalog.v1.Catalog", false);
  assert_int_equal(rpc_client_stream_next(s, d, &m, &res), 1);
  assert_int_equal(((Grpc__Health__V1__HealthCheckResponse *)m)->status,
                   GRPC__HEALTH__V1__HEALTH_CHECK_RESPONSE__SERVING_STATUS__NOT_SERVING);
  protobuf_c_message_free_unpacked(m, NULL);
  int hs;
  assert_int_equal(health_check(g_cli, "pss.catalog.v1.Catalog", &hs), GRPC_STATUS_OK);
  assert_int_equal(hs, GRPC__HEALTH__V1__HEALTH_CHECK_RESPONSE__SERVING_STATUS__NOT_SERVING);
  rpc_server_set_serving(g_srv, "pss.catalog.v1.Catalog", true);
  assert_int_equal(rpc_client_stream_next(s, d, &m, &res), 1);
  assert_int_equal(((Grpc__Health__V1__HealthCheckResponse *)m)->status,
                   GRPC__HEALTH__V1__HEALTH_CHECK_RESPONSE__SERVING_STATUS__SERVING);
  protobuf_c_message_free_unpacked(m, NULL);
  rpc_client_stream_close(s);
  rpc_result_clear(&res);
}

/* ---- 200 concurrent calls from 8 threads */
static int g_ok;
static pthread_mutex_t g_ok_mu = PTHREAD_MUTEX_INITIALIZER;

static void *hammer(void *arg) {
  int ok = 0;
  for (int i = 0; i < 25; i++) {
    char code[32];
    snprintf(code, sizeof code, "t%ld-%d", (long)(intptr_t)arg, i);
    Pss__Catalog__V1__Jurisdiction *j;
    rpc_result res = {0};
    if (get_j(g_cli, code, 10000, &j, &res) == GRPC_STATUS_OK && strcmp(j->code, code) == 0) ok++;
    if (j) protobuf_c_message_free_unpacked(&j->base, NULL);
    rpc_result_clear(&res);
  }
  pthread_mutex_lock(&g_ok_mu);
  g_ok += ok;
  pthread_mutex_unlock(&g_ok_mu);
  return NULL;
}

static void concurrent(void **st) {
  pthread_t t[8];
  g_ok = 0;
  for (intptr_t i = 0; i < 8; i++) pthread_create(&t[i], NULL, hammer, (void *)i);
  for (int i = 0; i < 8; i++) pthread_join(t[i], NULL);
  assert_int_equal(g_ok, 200);
}

/* ---- shutdown with in-flight calls */
typedef struct { rpc_client *c; grpc_status_code st; } slow_arg;
static void *slow_call(void *arg) {
  slow_arg *a = arg;
  Pss__Catalog__V1__Jurisdiction *j;
  rpc_result res = {0};
  a->st = get_j(a->c, "sleep:300", 10000, &j, &res);
  if (j) protobuf_c_message_free_unpacked(&j->base, NULL);
  rpc_result_clear(&res);
  return NULL;
}

static void shutdown_in_flight(void **st) {
  int port;
  rpc_server *s = start_server(3000, &port);
  char target[64];
  snprintf(target, sizeof target, "127.0.0.1:%d", port);
  rpc_client *c = rpc_client_new(target, NULL);
  rpc_client_stream *streams[3];
  for (int i = 0; i < 3; i++) {
    streams[i] = open_watch(c, 1, NULL);
    read_changes(streams[i], 1);
  }
  assert_true(wait_for(th_live_streams, 3, 2000));
  slow_arg a = {c, GRPC_STATUS_UNKNOWN};
  pthread_t t;
  pthread_create(&t, NULL, slow_call, &a);
  usleep(100000); /* the slow call is in its handler */
  double t0 = now_ms();
  rpc_server_shutdown(s);
  double took = now_ms() - t0;
  pthread_join(t, NULL);
  assert_int_equal(a.st, GRPC_STATUS_OK); /* in-flight unary drained */
  assert_true(took < 2500);              /* no need to wait for the full grace */
  assert_int_equal(th_releases(), 3);
  assert_int_equal(th_live_streams(), 0);
  for (int i = 0; i < 3; i++) {
    ProtobufCMessage *m;
    rpc_result res = {0};
    assert_int_equal(rpc_client_stream_next(streams[i], &pss__catalog__v1__change__descriptor, &m,
                                            &res), 0);
    assert_int_equal(res.code, GRPC_STATUS_UNAVAILABLE);
    rpc_result_clear(&res);
    rpc_client_stream_close(streams[i]);
  }
  rpc_client_destroy(c);
  rpc_server_destroy(s);
}

static void port_taken(void **st) {
  int port;
  rpc_server *s = start_server(1000, &port);
  char addr[64];
  snprintf(addr, sizeof addr, "127.0.0.1:%d", port);
  rpc_server_opts o = {.listen = addr, .threads = 2};
  rpc_server *s2 = rpc_server_new(&o);
  assert_int_equal(rpc_server_start(s2), 0);
  rpc_server_destroy(s2);
  rpc_server_destroy(s);
}

int main(void) {
  log_init("test-rpc", getenv("PSS_TEST_VERBOSE") ? LOG_DEBUG : LOG_WARN);
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup(unary_ok, reset),
      cmocka_unit_test_setup(empty_request_ok, reset),
      cmocka_unit_test_setup(handler_error, reset),
      cmocka_unit_test_setup(metadata, reset),
      cmocka_unit_test_setup(garbage_body, reset),
      cmocka_unit_test_setup(request_too_large, reset),
      cmocka_unit_test_setup(response_too_large, reset),
      cmocka_unit_test_setup(unknown_method, reset),
      cmocka_unit_test_setup(unimplemented_registered, reset),
      cmocka_unit_test_setup(deadline_honoured, reset),
      cmocka_unit_test_setup(stream_with_wake, reset),
      cmocka_unit_test_setup(stream_start_error, reset),
      cmocka_unit_test_setup(stream_client_cancel, reset),
      cmocka_unit_test_setup(stream_deadline, reset),
      cmocka_unit_test_setup(health, reset),
      cmocka_unit_test_setup(health_watch, reset),
      cmocka_unit_test_setup(concurrent, reset),
  };
  const struct CMUnitTest standalone[] = {
      cmocka_unit_test_setup(shutdown_in_flight, reset),
      cmocka_unit_test_setup(port_taken, reset),
  };
  int rc = cmocka_run_group_tests_name("rpc", tests, group_setup, group_teardown);
  rc += cmocka_run_group_tests_name("rpc-lifecycle", standalone, NULL, NULL);
  return rc;
}
