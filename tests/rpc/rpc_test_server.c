/* rpc_test_server — the RPC layer with test handlers, for interop tests.
 * Usage: rpc_test_server [listen-address]   (default 127.0.0.1:0)
 * Prints the bound port on stdout, serves until SIGTERM/SIGINT, exits 0. */
#include <stdio.h>

#include "log.h"
#include "pss/catalog/v1/catalog.pb-c.h"
#include "rpc.h"
#include "test_handlers.h"

int main(int argc, char **argv) {
  rpc_block_signals();
  log_init("rpc-test-server", LOG_INFO);
  rpc_server_opts o = {.listen = argc > 1 ? argv[1] : "127.0.0.1:0",
                       .server_name = "rpc-test-server", .shutdown_grace_ms = 1000};
  rpc_server *s = rpc_server_new(&o);
  rpc_server_add_service(s, &pss__catalog__v1__catalog__descriptor, th_catalog_impls(), NULL);
  int port = rpc_server_start(s);
  if (port <= 0) {
    rpc_server_destroy(s);
    return 1;
  }
  printf("%d\n", port);
  fflush(stdout);
  rpc_server_wait_for_signal(s);
  rpc_server_destroy(s);
  return 0;
}
