/* main.c — comparison-svc: configuration, the catalog client, the gRPC server, signals. */
#include <grpc/grpc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog_client.h"
#include "config.h"
#include "handlers.h"
#include "log.h"
#include "rpc.h"

int main(int argc, char **argv) {
  rpc_block_signals(); /* before grpc_init starts its threads */
  const char *listen, *catalog, *token, *threads, *max_msg, *timeout, *cache_mb, *backoff, *grace, *loglvl;
  const char *tls_cert, *tls_key, *tls_client_ca, *ctls_ca, *ctls_cert, *ctls_key, *ctls_name;
  config_opt opts[] = {
      {"listen", "COMPARISON_LISTEN", "127.0.0.1:7002", "HOST:PORT to serve gRPC on (port 0 = any free port)", &listen},
      {"catalog", "COMPARISON_CATALOG", "127.0.0.1:7001", "HOST:PORT of catalog-svc", &catalog},
      {"catalog-token", "COMPARISON_CATALOG_TOKEN", "", "bearer token for catalog-svc when it protects reads (prefer the env var)", &token},
      {"threads", "COMPARISON_THREADS", "0", "worker threads (0 = number of cores, at least 2)", &threads},
      {"max-message-mb", "COMPARISON_MAX_MESSAGE_MB", "16", "largest request or reply (reports of big standards are large)", &max_msg},
      {"catalog-timeout-ms", "COMPARISON_CATALOG_TIMEOUT_MS", "10000", "time budget for the catalog reads of a call whose caller set no deadline", &timeout},
      {"cache-mb", "COMPARISON_CACHE_MB", "256", "cache of published standards (0 = off)", &cache_mb},
      {"catalog-reconnect-ms", "COMPARISON_CATALOG_RECONNECT_MS", "1000", "longest wait between attempts to reconnect to catalog-svc", &backoff},
      {"shutdown-grace-ms", "COMPARISON_SHUTDOWN_GRACE_MS", "5000", "time in-flight calls get to finish on SIGTERM", &grace},
      {"tls-cert", "COMPARISON_TLS_CERT", "", "PEM certificate: serve TLS", &tls_cert},
      {"tls-key", "COMPARISON_TLS_KEY", "", "PEM private key of --tls-cert", &tls_key},
      {"tls-client-ca", "COMPARISON_TLS_CLIENT_CA", "", "PEM CA: require client certificates signed by it (mTLS)", &tls_client_ca},
      {"catalog-tls-ca", "COMPARISON_CATALOG_TLS_CA", "", "PEM CA that signed catalog-svc's certificate: talk TLS to it", &ctls_ca},
      {"catalog-tls-cert", "COMPARISON_CATALOG_TLS_CERT", "", "PEM client certificate for catalog-svc (mTLS)", &ctls_cert},
      {"catalog-tls-key", "COMPARISON_CATALOG_TLS_KEY", "", "PEM key of --catalog-tls-cert", &ctls_key},
      {"catalog-tls-server-name", "COMPARISON_CATALOG_TLS_SERVER_NAME", "", "name expected in catalog-svc's certificate (default: the host of --catalog)", &ctls_name},
      {"log-level", "COMPARISON_LOG_LEVEL", "info", "debug, info, warn or error", &loglvl},
      {0}};
  int pr = config_parse(opts, argc, argv, "comparison-svc",
                        "compares basic public service standards read from catalog-svc (gRPC)");
  if (pr) return pr > 0 ? 0 : 2;
  long long nthreads, mmsg, mtimeout, mcache, mbackoff, mgrace;
  if (!config_uint("threads", threads, 64, &nthreads) ||
      !config_uint("max-message-mb", max_msg, 1024, &mmsg) ||
      !config_uint("catalog-timeout-ms", timeout, 3600000, &mtimeout) ||
      !config_uint("cache-mb", cache_mb, 1 << 20, &mcache) ||
      !config_uint("catalog-reconnect-ms", backoff, 600000, &mbackoff) ||
      !config_uint("shutdown-grace-ms", grace, 600000, &mgrace))
    return 2;
  log_level lvl;
  if (!log_level_parse(loglvl, &lvl)) {
    fprintf(stderr, "comparison-svc: --log-level: expected debug, info, warn or error, got \"%s\"\n", loglvl);
    return 2;
  }
  log_init("comparison-svc", lvl);

  grpc_init();
  catalog_client_opts co = {.target = catalog,
                            .default_timeout_ms = (int)(mtimeout ? mtimeout : 10000),
                            .cache_bytes = (size_t)mcache << 20,
                            .max_message_bytes = 0,
                            .reconnect_backoff_ms = (int)(mbackoff ? mbackoff : 1000),
                            .token = token,
                            .tls = {.ca = ctls_ca, .cert = ctls_cert, .key = ctls_key, .server_name = ctls_name}};
  catalog_client *cc = catalog_client_new(&co);
  if (!cc) {
    log_event(LOG_ERROR, "cannot create the catalog client", "catalog", json_string(catalog), NULL);
    grpc_shutdown();
    return 1;
  }
  cmp_service svc = {.cc = cc};
  rpc_server_opts so = {.listen = listen, .threads = (int)nthreads,
                        .max_message_bytes = (int)(mmsg ? mmsg : 16) << 20,
                        .shutdown_grace_ms = (int)mgrace, .server_name = "comparison-svc",
                        .tls = {.ca = tls_client_ca, .cert = tls_cert, .key = tls_key}};
  rpc_server *srv = rpc_server_new(&so);
  if (!srv || comparison_service_register(srv, &svc) != 0) {
    log_event(LOG_ERROR, "cannot set up the server", NULL);
    if (srv) rpc_server_destroy(srv);
    catalog_client_free(cc);
    grpc_shutdown();
    return 1;
  }
  log_event(LOG_INFO, "catalog", "catalog", json_string(catalog), "cache_mb", json_integer(mcache),
            "catalog_timeout_ms", json_integer(co.default_timeout_ms), NULL);
  int port = rpc_server_start(srv);
  if (port <= 0) {
    log_event(LOG_ERROR, "cannot listen", "listen", json_string(listen), NULL);
    rpc_server_destroy(srv);
    catalog_client_free(cc);
    grpc_shutdown();
    return 1;
  }
  rpc_server_wait_for_signal(srv);
  rpc_server_destroy(srv);
  std_cache_stats cs;
  std_cache_get_stats(catalog_client_cache(cc), &cs);
  log_event(LOG_INFO, "cache at shutdown", "hits", json_integer((json_int_t)cs.hits), "misses",
            json_integer((json_int_t)cs.misses), "evictions",
            json_integer((json_int_t)cs.evictions), NULL);
  kv_cache_get_stats(catalog_client_reports(cc), &cs);
  log_event(LOG_INFO, "report cache at shutdown", "hits", json_integer((json_int_t)cs.hits),
            "misses", json_integer((json_int_t)cs.misses), "evictions",
            json_integer((json_int_t)cs.evictions), "entries", json_integer((json_int_t)cs.entries),
            "bytes", json_integer((json_int_t)cs.bytes), NULL);
  catalog_client_free(cc);
  grpc_shutdown();
  return 0;
}
