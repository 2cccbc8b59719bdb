/* main.c — catalog-svc: configuration, storage, the gRPC server, signals. */
#include <grpc/grpc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog.h"
#include "config.h"
#include "handlers.h"
#include "log.h"
#include "rpc.h"
#include "seed.h"

int main(int argc, char **argv) {
  rpc_block_signals();  /* before grpc_init starts its threads */
  const char *listen, *data_dir, *map_max, *map_initial, *threads, *max_msg, *grace, *loglvl, *seed_dir, *auth_file, *auth_reads, *restore_from;
  const char *tls_cert, *tls_key, *tls_client_ca;
  config_opt opts[] = {
      {"listen", "CATALOG_LISTEN", "127.0.0.1:7001", "HOST:PORT to serve gRPC on (port 0 = any free port)", &listen},
      {"data-dir", "CATALOG_DATA_DIR", ".data/catalog", "directory of the LMDB environment", &data_dir},
      {"map-max-mb", "CATALOG_MAP_MAX_MB", "16384", "ceiling of the LMDB map; writes beyond it get RESOURCE_EXHAUSTED", &map_max},
      {"map-initial-mb", "CATALOG_MAP_INITIAL_MB", "64", "initial LMDB map size; doubles when full", &map_initial},
      {"threads", "CATALOG_THREADS", "0", "worker threads (0 = number of cores, at least 2)", &threads},
      {"max-message-mb", "CATALOG_MAX_MESSAGE_MB", "4", "largest request or reply", &max_msg},
      {"shutdown-grace-ms", "CATALOG_SHUTDOWN_GRACE_MS", "5000", "time in-flight calls get to finish on SIGTERM", &grace},
      {"seed-dir", "CATALOG_SEED_DIR", "", "import every *.json standard file of this directory when the store is empty", &seed_dir},
      {"auth-tokens", "CATALOG_AUTH_TOKENS", "", "JSON file of hashed bearer tokens; empty = writes are not authenticated", &auth_file},
      {"auth-reads", "CATALOG_AUTH_READS", "open", "open, or token: reads need a reader/editor/admin token too", &auth_reads},
      {"restore-from", "CATALOG_RESTORE_FROM", "", "install this backup file (from Catalog/Backup) into an empty --data-dir, then serve it", &restore_from},
      {"tls-cert", "CATALOG_TLS_CERT", "", "PEM certificate: serve TLS", &tls_cert},
      {"tls-key", "CATALOG_TLS_KEY", "", "PEM private key of --tls-cert", &tls_key},
      {"tls-client-ca", "CATALOG_TLS_CLIENT_CA", "", "PEM CA: require client certificates signed by it (mTLS)", &tls_client_ca},
      {"log-level", "CATALOG_LOG_LEVEL", "info", "debug, info, warn or error", &loglvl},
      {0}};
  int pr = config_parse(opts, argc, argv, "catalog-svc",
                        "the catalog of basic public service standards (gRPC, LMDB)");
  if (pr) return pr > 0 ? 0 : 2;
  long long mmax, minit, nthreads, mmsg, mgrace;
  if (!config_uint("map-max-mb", map_max, 1 << 22, &mmax) ||
      !config_uint("map-initial-mb", map_initial, 1 << 22, &minit) ||
      !config_uint("threads", threads, 64, &nthreads) ||
      !config_uint("max-message-mb", max_msg, 1024, &mmsg) ||
      !config_uint("shutdown-grace-ms", grace, 600000, &mgrace))
    return 2;
  log_level lvl;
  if (!log_level_parse(loglvl, &lvl)) {
    fprintf(stderr, "catalog-svc: --log-level: expected debug, info, warn or error, got \"%s\"\n", loglvl);
    return 2;
  }
  log_init("catalog-svc", lvl);

  if (strcmp(auth_reads, "open") && strcmp(auth_reads, "token")) {
    fprintf(stderr, "--auth-reads: must be open or token\n");
    return 2;
  }
  auth *au;
  char aerr[512];
  if (auth_load(auth_file, !strcmp(auth_reads, "token"), &au, aerr, sizeof aerr) != 0) {
    log_event(LOG_ERROR, "cannot load the tokens file", "error", json_string(aerr), NULL);
    auth_free(au);
    return 2;
  }
  if (!auth_enabled(au))
    log_event(LOG_WARN, "authorisation is off: every call is allowed, writes and Backup included (set --auth-tokens)", NULL);

  catalog_opts co = {.store = {.dir = data_dir,
                               .map_initial = (size_t)(minit ? minit : 64) << 20,
                               .map_max = (size_t)(mmax ? mmax : 16384) << 20}};
  catalog *c;
  cat_err err = {0};
  if (restore_from[0]) {
    if (store_restore(restore_from, data_dir, &err) != CAT_OK) {
      log_event(LOG_ERROR, "restore failed", "error", json_string(err.msg), NULL);
      return 1;
    }
    log_event(LOG_INFO, "restored", "from", json_string(restore_from), "data_dir", json_string(data_dir), NULL);
  }
  if (catalog_open(&co, &c, &err) != CAT_OK) {
    log_event(LOG_ERROR, "cannot open the store", "data_dir", json_string(data_dir), "error",
              json_string(err.msg), NULL);
    return 1;
  }
  log_event(LOG_INFO, "store opened", "data_dir", json_string(data_dir), "revision",
            json_integer((json_int_t)store_current_revision(catalog_store(c))), "map_mib",
            json_integer((json_int_t)(store_map_size(catalog_store(c)) >> 20)), NULL);

  if (catalog_seed(c, seed_dir) != 0) {
    catalog_close(c);
    return 1;
  }

  grpc_init();
  rpc_server_opts so = {.listen = listen, .threads = (int)nthreads,
                        .max_message_bytes = (int)(mmsg ? mmsg : 4) << 20,
                        .shutdown_grace_ms = (int)mgrace, .server_name = "catalog-svc",
                        .tls = {.ca = tls_client_ca, .cert = tls_cert, .key = tls_key}};
  rpc_server *srv = rpc_server_new(&so);
  if (!srv || catalog_service_register(srv, c, au, data_dir) != 0) {
    log_event(LOG_ERROR, "cannot set up the server", NULL);
    return 1;
  }
  int port = rpc_server_start(srv);
  if (port <= 0) {
    log_event(LOG_ERROR, "cannot listen", "listen", json_string(listen), NULL);
    rpc_server_destroy(srv);
    catalog_close(c);
    grpc_shutdown();
    return 1;
  }
  rpc_server_wait_for_signal(srv);
  rpc_server_destroy(srv);
  catalog_close(c);
  auth_free(au);
  grpc_shutdown();
  log_event(LOG_INFO, "stopped", NULL);
  return 0;
}
