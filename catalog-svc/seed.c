/* seed.c — fixture data loaded once: when the store is empty at start and a seed
 * directory is configured, every *.json import file in it is imported (parents
 * first), each in its own transaction, before the server starts listening. */
#include <glob.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "catalog.h"
#include "importfile.h"
#include "log.h"
#include "seed.h"

int catalog_seed(catalog *c, const char *dir) {
  if (!dir || !dir[0]) return 0;
  uint64_t rev = store_current_revision(catalog_store(c));
  if (rev != 0) {
    log_event(LOG_INFO, "seed skipped: store not empty", "revision", json_integer((json_int_t)rev), NULL);
    return 0;
  }
  char pattern[4096];
  snprintf(pattern, sizeof pattern, "%s/*.json", dir);
  glob_t g;
  if (glob(pattern, 0, NULL, &g) != 0) {
    log_event(LOG_WARN, "seed directory has no *.json files", "dir", json_string(dir), NULL);
    return 0;
  }
  size_t n = g.gl_pathc;
  Pss__Catalog__V1__ImportStandardRequest **reqs = calloc(n, sizeof *reqs);
  char (*ids)[64] = calloc(n, sizeof *ids);
  topo_node *nodes = calloc(n, sizeof *nodes);
  size_t *order = calloc(n, sizeof *order);
  int rc = -1;
  char err[1024];
  size_t loaded = 0;
  for (; loaded < n; loaded++) {
    if (importfile_load(g.gl_pathv[loaded], &reqs[loaded], ids[loaded], sizeof ids[loaded], err, sizeof err)) {
      log_event(LOG_ERROR, "seed file invalid", "error", json_string(err), NULL);
      goto out;
    }
    nodes[loaded].id = ids[loaded];
    nodes[loaded].parent = reqs[loaded]->standard->parent;
  }
  if (topo_order(nodes, n, order, err, sizeof err)) {
    log_event(LOG_ERROR, "seed files form a cycle", "error", json_string(err), NULL);
    goto out;
  }
  arena a;
  arena_init(&a);
  for (size_t k = 0; k < n; k++) {
    size_t i = order[k];
    cat_err e = {0};
    ProtobufCMessage *resp;
    arena_reset(&a);
    /* operations may rewrite their request in place (as they do with arena-owned
     * requests in the server): give them an arena copy, not the malloc'd original */
    size_t len = protobuf_c_message_get_packed_size(&reqs[i]->base);
    uint8_t *buf = arena_alloc(&a, len ? len : 1);
    protobuf_c_message_pack(&reqs[i]->base, buf);
    ProtobufCMessage *copy = protobuf_c_message_unpack(reqs[i]->base.descriptor, &a.pb, len, buf);
    if (!copy || cat_import_standard(c, copy, &a.pb, &resp, &e) != CAT_OK) {
      log_event(LOG_ERROR, "seed import failed", "file", json_string(g.gl_pathv[i]), "error",
                json_string(e.msg), NULL);
      arena_destroy(&a);
      goto out;
    }
  }
  arena_destroy(&a);
  log_event(LOG_INFO, "seeded", "dir", json_string(dir), "standards", json_integer((json_int_t)n),
            "revision", json_integer((json_int_t)store_current_revision(catalog_store(c))), NULL);
  rc = 0;
out:
  for (size_t i = 0; i < loaded; i++) protobuf_c_message_free_unpacked(&reqs[i]->base, NULL);
  free(reqs);
  free(ids);
  free(nodes);
  free(order);
  globfree(&g);
  return rc;
}
