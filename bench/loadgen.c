/*
 * loadgen.c — closed-loop load generator built on our own client (rpc_client_call):
 * N threads, each issuing one blocking unary call after another, for a fixed time.
 *
 *   bench_loadgen --target 127.0.0.1:P --method echo|getitem|getstandard
 *                 [--standard 110312/2021] [--item CN-1.1.1] [--payload 32]
 *                 [--concurrency 32] [--connections 4] [--duration-ms 3000] [--warmup-ms 500]
 *   bench_loadgen --method … --write-body FILE    (the same request, gRPC-framed, for h2load)
 *
 * Threads are spread round-robin over `connections` clients. gRPC shares one TCP
 * connection between channels with equal arguments (global subchannel pool), so each
 * client gets a distinct receive limit (64 MiB + i) to get its own connection.
 * Prints one JSON object: calls, errors, seconds, calls_per_s, p50_us, p90_us, p99_us.
 */
#include "rpc.h"

#include <pss/bench/v1/echo.pb-c.h>
#include <pss/catalog/v1/catalog.pb-c.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static const char *method_path;
static const ProtobufCMessageDescriptor *resp_desc;
static const ProtobufCMessage *request;
static atomic_int phase; /* 0 warm-up, 1 measuring, 2 stop */

typedef struct {
  rpc_client *cl;
  uint32_t *lat;
  size_t n, cap;
  unsigned long long calls, errors, total; /* total: warm-up included */
  char first_error[256];
} worker;

static uint64_t now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void *run(void *arg) {
  worker *w = arg;
  rpc_result res = {0};
  for (;;) {
    int ph = atomic_load_explicit(&phase, memory_order_relaxed);
    if (ph == 2) break;
    uint64_t t0 = now_ns();
    ProtobufCMessage *resp = NULL;
    grpc_status_code st = rpc_client_call(w->cl, method_path, request, resp_desc, &resp,
                                          rpc_deadline_ms(10000), NULL, 0, &res);
    uint64_t t1 = now_ns();
    if (resp) protobuf_c_message_free_unpacked(resp, NULL);
    if (st == GRPC_STATUS_OK) w->total++;
    if (ph != 1 || atomic_load_explicit(&phase, memory_order_relaxed) != 1) continue;
    if (st != GRPC_STATUS_OK) {
      if (!w->errors) {
        snprintf(w->first_error, sizeof w->first_error, "%s: %s", rpc_status_name(st),
                 res.message ? res.message : "");
        for (char *p = w->first_error; *p; p++)
          if (*p == '"' || *p == '\\' || (unsigned char)*p < 0x20) *p = '\'';
      }
      w->errors++;
      continue;
    }
    w->calls++;
    if (w->n == w->cap) {
      w->cap = w->cap ? 2 * w->cap : 65536;
      w->lat = realloc(w->lat, w->cap * sizeof *w->lat);
      if (!w->lat) abort();
    }
    uint64_t us = (t1 - t0) / 1000;
    w->lat[w->n++] = us > UINT32_MAX ? UINT32_MAX : (uint32_t)us;
  }
  rpc_result_clear(&res);
  return NULL;
}

static int cmp_u32(const void *a, const void *b) {
  uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
  return x < y ? -1 : x > y;
}

int main(int argc, char **argv) {
  const char *target = "127.0.0.1:7001", *method = "echo", *standard = NULL, *item = NULL,
             *body_file = NULL;
  int conc = 1, conns = 1, dur_ms = 3000, warm_ms = 500, payload = 32;
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
    if (!v) goto usage;
    if (!strcmp(a, "--target")) target = v;
    else if (!strcmp(a, "--method")) method = v;
    else if (!strcmp(a, "--standard")) standard = v;
    else if (!strcmp(a, "--item")) item = v;
    else if (!strcmp(a, "--payload")) payload = atoi(v);
    else if (!strcmp(a, "--concurrency")) conc = atoi(v);
    else if (!strcmp(a, "--connections")) conns = atoi(v);
    else if (!strcmp(a, "--duration-ms")) dur_ms = atoi(v);
    else if (!strcmp(a, "--warmup-ms")) warm_ms = atoi(v);
    else if (!strcmp(a, "--write-body")) body_file = v;
    else goto usage;
    i++;
  }
  if (conc < 1 || conns < 1 || dur_ms < 1) goto usage;
  if (conns > conc) conns = conc;

  Pss__Bench__V1__EchoMessage echo = PSS__BENCH__V1__ECHO_MESSAGE__INIT;
  Pss__Catalog__V1__GetItemRequest gi = PSS__CATALOG__V1__GET_ITEM_REQUEST__INIT;
  Pss__Catalog__V1__GetStandardRequest gs = PSS__CATALOG__V1__GET_STANDARD_REQUEST__INIT;
  if (!strcmp(method, "echo")) {
    static uint8_t buf[1 << 16];
    if (payload < 0 || payload > (int)sizeof buf) goto usage;
    for (int i = 0; i < payload; i++) buf[i] = (uint8_t)('a' + i % 26);
    echo.payload.data = buf;
    echo.payload.len = (size_t)payload;
    request = &echo.base;
    method_path = "/pss.bench.v1.Echo/Echo";
    resp_desc = &pss__bench__v1__echo_message__descriptor;
  } else if (!strcmp(method, "getitem") && standard && item) {
    gi.standard = (char *)standard;
    gi.code = (char *)item;
    request = &gi.base;
    method_path = "/pss.catalog.v1.Catalog/GetItem";
    resp_desc = &pss__catalog__v1__item__descriptor;
  } else if (!strcmp(method, "getstandard") && standard) {
    gs.id = (char *)standard;
    gs.include_items = 1;
    request = &gs.base;
    method_path = "/pss.catalog.v1.Catalog/GetStandard";
    resp_desc = &pss__catalog__v1__standard__descriptor;
  } else {
    goto usage;
  }

  if (body_file) { /* gRPC length-prefixed message, uncompressed */
    size_t n = protobuf_c_message_get_packed_size(request);
    uint8_t *b = malloc(n + 5);
    b[0] = 0;
    b[1] = (uint8_t)(n >> 24);
    b[2] = (uint8_t)(n >> 16);
    b[3] = (uint8_t)(n >> 8);
    b[4] = (uint8_t)n;
    protobuf_c_message_pack(request, b + 5);
    FILE *f = fopen(body_file, "wb");
    if (!f || fwrite(b, 1, n + 5, f) != n + 5 || fclose(f)) {
      perror(body_file);
      return 1;
    }
    printf("%s\n", method_path);
    return 0;
  }

  rpc_client **cls = calloc((size_t)conns, sizeof *cls);
  for (int i = 0; i < conns; i++) {
    rpc_client_opts o = {.max_message_bytes = 64 * 1024 * 1024 + i};
    cls[i] = rpc_client_new(target, &o);
  }
  /* connect every client before the clock starts */
  for (int i = 0; i < conns; i++) {
    rpc_result r = {0};
    ProtobufCMessage *resp = NULL;
    grpc_status_code st = rpc_client_call(cls[i], method_path, request, resp_desc, &resp,
                                          rpc_deadline_ms(10000), NULL, 0, &r);
    if (resp) protobuf_c_message_free_unpacked(resp, NULL);
    if (st != GRPC_STATUS_OK) {
      fprintf(stderr, "loadgen: first call failed: %s: %s\n", rpc_status_name(st), r.message);
      return 1;
    }
    rpc_result_clear(&r);
  }
  worker *ws = calloc((size_t)conc, sizeof *ws);
  pthread_t *th = calloc((size_t)conc, sizeof *th);
  for (int i = 0; i < conc; i++) {
    ws[i].cl = cls[i % conns];
    pthread_create(&th[i], NULL, run, &ws[i]);
  }
  usleep((useconds_t)warm_ms * 1000);
  atomic_store(&phase, 1);
  uint64_t t0 = now_ns();
  usleep((useconds_t)dur_ms * 1000);
  atomic_store(&phase, 2);
  double secs = (double)(now_ns() - t0) / 1e9;
  for (int i = 0; i < conc; i++) pthread_join(th[i], NULL);

  size_t total = 0;
  unsigned long long calls = 0, errors = 0, calls_total = 0;
  const char *first_error = "";
  for (int i = 0; i < conc; i++) {
    total += ws[i].n;
    calls += ws[i].calls;
    errors += ws[i].errors;
    calls_total += ws[i].total;
    if (ws[i].errors && !first_error[0]) first_error = ws[i].first_error;
  }
  uint32_t *all = malloc((total ? total : 1) * sizeof *all);
  size_t k = 0;
  for (int i = 0; i < conc; i++) {
    memcpy(all + k, ws[i].lat, ws[i].n * sizeof *all);
    k += ws[i].n;
  }
  qsort(all, total, sizeof *all, cmp_u32);
#define PCT(p) (total ? all[(size_t)((double)(total - 1) * (p))] : 0)
  printf("{\"calls\":%llu,\"errors\":%llu,\"seconds\":%.3f,\"calls_per_s\":%.1f,"
         "\"p50_us\":%u,\"p90_us\":%u,\"p99_us\":%u,\"max_us\":%u,\"calls_total\":%llu,\"first_error\":\"%s\"}\n",
         calls, errors, secs, (double)calls / secs, PCT(0.50), PCT(0.90), PCT(0.99),
         total ? all[total - 1] : 0, calls_total, first_error);
  for (int i = 0; i < conns; i++) rpc_client_destroy(cls[i]);
  return 0;
usage:
  fprintf(stderr,
          "usage: %s --target HOST:PORT --method echo|getitem|getstandard [--standard ID]\n"
          "       [--item CODE] [--payload N] [--concurrency N] [--connections N]\n"
          "       [--duration-ms MS] [--warmup-ms MS] [--write-body FILE]\n",
          argv[0]);
  return 2;
}
