/* catalog_internal.h — shared plumbing of the catalog operations (not an API). */
#ifndef PSS_CATALOG_INTERNAL_H
#define PSS_CATALOG_INTERNAL_H

#include <stdarg.h>

#include "catalog.h"
#include "pagetoken.h"
#include "validate.h"

struct catalog {
  store *st;
  int default_page, max_page;
};

void *pa_alloc(ProtobufCAllocator *a, size_t n);   /* zeroed */
char *pa_strdup(ProtobufCAllocator *a, const char *s);
char *pa_printf(ProtobufCAllocator *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
char *now_rfc3339(ProtobufCAllocator *a);
void *pack_msg(ProtobufCAllocator *a, const ProtobufCMessage *m, size_t *len);
ProtobufCMessage *unpack_val(const ProtobufCMessageDescriptor *d, ProtobufCAllocator *a,
                             const MDB_val *v, cat_err *err);
bool ptrs_push(ProtobufCAllocator *a, void ***v, size_t *n, size_t *cap, void *p);

bool std_prefix(store_key *k, const char *id);
bool obj_prefix(store_key *k, const char *id, const char *name);

int load_jurisdiction(store_txn *t, const char *code, ProtobufCAllocator *a, Jurisdiction **out,
                      cat_err *err);
/* at = 0: latest. NOT_FOUND with a message naming the id. */
int load_header(store_txn *t, const char *id, uint64_t at, ProtobufCAllocator *a, Standard **out,
                cat_err *err);
/* Stores a new version of the header at t->rev; sets s->revision and s->etag. */
int put_header(store_txn *t, Standard *s, ProtobufCAllocator *a, cat_err *err);
int load_items(store_txn *t, const char *id, uint64_t at, const char *domain, const char *after,
               size_t limit, ProtobufCAllocator *a, Item ***items, size_t *n, cat_err *err);
/* The stored items, still packed, attached to `into` as unknown fields with field
 * number `tag`: on the wire that is exactly `repeated Item <tag>`, without decoding
 * and re-encoding every item (the hot path of GetStandard). */
int load_items_packed(store_txn *t, const char *id, uint64_t at, uint32_t tag, ProtobufCAllocator *a,
                      ProtobufCMessage *into, cat_err *err);
int load_item(store_txn *t, const char *id, const char *code, uint64_t at, ProtobufCAllocator *a,
              Item **out, cat_err *err);
int put_item(store_txn *t, const char *id, Item *it, ProtobufCAllocator *a, cat_err *err);
int del_item(store_txn *t, const char *id, const char *code, cat_err *err);
int load_filing(store_txn *t, const char *id, const char *number, ProtobufCAllocator *a,
                Filing **out, cat_err *err);
int put_filing(store_txn *t, Filing *f, ProtobufCAllocator *a, cat_err *err);

Change *change_new(store_txn *t, ProtobufCAllocator *a, int kind);
int put_change(store_txn *t, Change *ch, ProtobufCAllocator *a, cat_err *err);

/* The query's fingerprint and, when token is not empty, the revision and cursor the
 * page token carries (at = 0 and after = "" without one). INVALID_ARGUMENT for a
 * forged token or one from another query. */
int page_request(catalog *c, const char *token, const char *const *parts, size_t nparts, uint64_t *fp,
                 uint64_t *at, char after[PAGETOKEN_CURSOR_MAX + 1], cat_err *err);

/* A next_page_token for the listing after `cursor`, read at revision `at`. */
char *page_token(catalog *c, uint64_t fingerprint, uint64_t at, const char *cursor, ProtobufCAllocator *a);

/* Effective page size, or a negative status on a bad page_size. */
int page_size(catalog *c, int32_t asked, cat_err *err);

#endif
