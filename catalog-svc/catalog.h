/*
 * catalog.h — the catalog's operations: jurisdictions, standards, items, filings,
 * imports, revisions and the change log, with every business rule of
 * DESIGN.md §3 (identity, lifecycle, etags, history). No gRPC here: each operation
 * takes the decoded request and returns the reply, so they are unit-tested directly;
 * handlers.c binds them to the Catalog service.
 *
 * Memory: every message returned is allocated from `a` and never freed individually
 * (the RPC layer passes its per-call arena).
 * Errors: the return value is a gRPC status code; err->msg names the field at fault.
 */
#ifndef PSS_CATALOG_H
#define PSS_CATALOG_H

#include <protobuf-c/protobuf-c.h>

#include "cat_err.h"
#include "catalog_types.h"
#include "store.h"

typedef struct catalog catalog;

typedef struct catalog_opts {
  store_opts store;
  int default_page_size;   /* 0 = 100 */
  int max_page_size;       /* 0 = 1000 */
} catalog_opts;

int catalog_open(const catalog_opts *o, catalog **out, cat_err *err);
void catalog_close(catalog *c);
store *catalog_store(catalog *c);

/* Called after every commit with the new revision (the change feed wakes watchers). */
void catalog_on_commit(catalog *c, void (*fn)(void *arg, uint64_t rev), void *arg);

/* Every operation has this shape; req/out are the method's request/response types. */
typedef int (*catalog_op)(catalog *c, const ProtobufCMessage *req, ProtobufCAllocator *a,
                          ProtobufCMessage **out, cat_err *err);

int cat_create_jurisdiction(catalog *, const ProtobufCMessage *, ProtobufCAllocator *, ProtobufCMessage **, cat_err *);
int cat_get_jurisdiction(catalog *, const ProtobufCMessage *, ProtobufCAllocator *, ProtobufCMessage **, cat_err *);
int cat_update_jurisdiction(catalog *, const ProtobufCMessage *, ProtobufCAllocator *, ProtobufCMessage **, cat_err *);
int cat_list_jurisdictions(catalog *, const ProtobufCMessage *, ProtobufCAllocator *, ProtobufCMessage **, cat_err *);
int cat_create_standard(catalog *, const ProtobufCMessage *, ProtobufCAllocator *, ProtobufCMessage **, cat_err *);
int cat_get_standard(catalog *, const ProtobufCMessage *, ProtobufCAllocator *, ProtobufCMessage **, cat_err *);
/* The same reply for the wire: items stay packed as stored (unknown fields of the
 * Standard with the items field number), so they are sent without being decoded. */
int cat_get_standard_packed(catalog *, const ProtobufCMessage *, ProtobufCAllocator *, ProtobufCMessage **, cat_err *);
int cat_list_standards(catalog *, const ProtobufCMessage *, ProtobufCAllocator *, ProtobufCMessage **, cat_err *);
int cat_publish_standard(catalog *, const ProtobufCMessage *, ProtobufCAllocator *, ProtobufCMessage **, cat_err *);
int cat_withdraw_standard(catalog *, const ProtobufCMessage *, ProtobufCAllocator *, ProtobufCMessage **, cat_err *);
int cat_list_revisions(catalog *, const ProtobufCMessage *, ProtobufCAllocator *, ProtobufCMessage **, cat_err *);
int cat_import_standard(catalog *, const ProtobufCMessage *, ProtobufCAllocator *, ProtobufCMessage **, cat_err *);
int cat_write_items(catalog *, const ProtobufCMessage *, ProtobufCAllocator *, ProtobufCMessage **, cat_err *);
int cat_get_item(catalog *, const ProtobufCMessage *, ProtobufCAllocator *, ProtobufCMessage **, cat_err *);
int cat_list_items(catalog *, const ProtobufCMessage *, ProtobufCAllocator *, ProtobufCMessage **, cat_err *);
int cat_create_filing(catalog *, const ProtobufCMessage *, ProtobufCAllocator *, ProtobufCMessage **, cat_err *);
int cat_get_filing(catalog *, const ProtobufCMessage *, ProtobufCAllocator *, ProtobufCMessage **, cat_err *);
int cat_list_filings(catalog *, const ProtobufCMessage *, ProtobufCAllocator *, ProtobufCMessage **, cat_err *);
int cat_delete_filing(catalog *, const ProtobufCMessage *, ProtobufCAllocator *, ProtobufCMessage **, cat_err *);
int cat_get_store_info(catalog *, const ProtobufCMessage *, ProtobufCAllocator *, ProtobufCMessage **, cat_err *);

/* Change log: the change committed at exactly `rev`, CAT_NOT_FOUND past the end. */
int cat_read_change(catalog *c, uint64_t rev, ProtobufCAllocator *a, Change **out, cat_err *err);

#endif
