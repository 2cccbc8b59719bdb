/*
 * echo_server.c — (a) of the benchmark: the ceiling of our RPC layer. One unary method,
 * pss.bench.v1.Echo/Echo, whose handler returns the decoded request as the reply; so a
 * call costs exactly what common/rpc_server.c costs (gRPC core, arena, decode, encode).
 *
 *   bench_echo_server --listen 127.0.0.1:0 --threads 2 --count-file /tmp/echo.count
 *
 * Logs {"msg":"listening","port":P} on stderr like the real services. Successful calls
 * are counted server-side and written to --count-file every 50 ms (h2load ignores
 * grpc-status, so the driver counts successes here).
 */
#include "log.h"
#include "rpc.h"

#include <pss/bench/v1/echo.pb-c.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static atomic_ullong served;
static const char *count_file;
static atomic_int stop;

static grpc_status_code echo(rpc_call *call, const ProtobufCMessage *req, ProtobufCMessage **resp,
                             void *ctx) {
  (void)call;
  (void)ctx;
  *resp = (ProtobufCMessage *)req; /* arena-owned: released with the call */
  atomic_fetch_add_explicit(&served, 1, memory_order_relaxed);
  return GRPC_STATUS_OK;
}

static void write_count(void) {
  char tmp[4096];
  snprintf(tmp, sizeof tmp, "%s.tmp", count_file);
  FILE *f = fopen(tmp, "w");
  if (!f) return;
  fprintf(f, "%llu\n", (unsigned long long)atomic_load(&served));
  fclose(f);
  rename(tmp, count_file);
}

static void *counter(void *arg) {
  (void)arg;
  while (!atomic_load(&stop)) {
    write_count();
    usleep(50 * 1000);
  }
  return NULL;
}

int main(int argc, char **argv) {
  rpc_block_signals();
  const char *listen = "127.0.0.1:0";
  int threads = 2;
  for (int i = 1; i < argc; i++) {
    if (!strcmp(argv[i], "--listen") && i + 1 < argc) listen = argv[++i];
    else if (!strcmp(argv[i], "--threads") && i + 1 < argc) threads = atoi(argv[++i]);
    else if (!strcmp(argv[i], "--count-file") && i + 1 < argc) count_file = argv[++i];
    else {
      fprintf(stderr, "usage: %s [--listen HOST:PORT] [--threads N] [--count-file PATH]\n", argv[0]);
      return 2;
    }
  }
  log_init("bench-echo", LOG_INFO);
  rpc_server_opts o = {.listen = listen, .threads = threads, .server_name = "bench-echo"};
  rpc_server *s = rpc_server_new(&o);
  rpc_method_impl impl[] = {{.unary = echo}};
  if (rpc_server_add_service(s, &pss__bench__v1__echo__descriptor, impl, NULL) != 0) return 1;
  if (!rpc_server_start(s)) return 1;
  pthread_t th;
  if (count_file) pthread_create(&th, NULL, counter, NULL);
  rpc_server_wait_for_signal(s);
  if (count_file) {
    atomic_store(&stop, 1);
    pthread_join(th, NULL);
    write_count();
  }
  rpc_server_destroy(s);
  return 0;
}
