/*
 * importfile.h — import files (one ImportStandardRequest as JSON each) and the order
 * they are imported in. No I/O besides reading the file; unit-tested in tests/cli/.
 */
#ifndef PSS_CLI_IMPORTFILE_H
#define PSS_CLI_IMPORTFILE_H

#include <jansson.h>
#include <stddef.h>

#include "pss/catalog/v1/catalog.pb-c.h"

/* Reads and decodes `path`. On success *out is malloc-allocated (free with
 * protobuf_c_message_free_unpacked(&(*out)->base, NULL)) and *id receives the standard
 * id "JURISDICTION/EDITION". On failure returns -1 with err naming the file and the
 * field path ("data/x.json: standard.items[3].levles: unknown field") or the JSON
 * syntax error position. */
int importfile_load(const char *path, Pss__Catalog__V1__ImportStandardRequest **out, char *id,
                    size_t idlen, char *err, size_t errlen);

/* The same, from an already parsed document; `name` is used in messages. */
int importfile_from_json(const char *name, json_t *json,
                         Pss__Catalog__V1__ImportStandardRequest **out, char *id, size_t idlen,
                         char *err, size_t errlen);

/* Topological order of standards so that parents are imported before children.
 * nodes[i] has an id and a parent id ("" / NULL = none). A parent that is not in the
 * set is assumed to be stored already (no constraint). Among nodes without a mutual
 * constraint the given order is kept. Writes a permutation of 0..n-1 into order.
 * Returns 0, or -1 on a cycle with err listing the ids on it. */
typedef struct topo_node {
  const char *id;
  const char *parent;
} topo_node;
int topo_order(const topo_node *nodes, size_t n, size_t *order, char *err, size_t errlen);

#endif
