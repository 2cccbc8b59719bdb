/* ops_items.c — atomic batches of item upserts/deletes on a DRAFT standard, and
 * item reads at any revision. */
#include <stdlib.h>
#include <string.h>

#include "catalog_internal.h"

typedef Pss__Catalog__V1__WriteItemsRequest WriteReq;
typedef Pss__Catalog__V1__WriteItemsResponse WriteResp;
typedef Pss__Catalog__V1__GetItemRequest GetItemReq;
typedef Pss__Catalog__V1__ListItemsRequest ListItemsReq;
typedef Pss__Catalog__V1__ListItemsResponse ListItemsResp;

int check_standard_id(const char *field, const char *id, cat_err *err);
int check_etag(const Standard *s, const char *expected, bool required, cat_err *err);

static int cmp_str(const void *a, const void *b) {
  return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Sorted codes of the items of the parent standard (latest), to check parent_code. */
static int parent_codes(store_txn *t, const Standard *s, ProtobufCAllocator *a, const char ***codes,
                        size_t *n, cat_err *err) {
  *codes = NULL;
  *n = 0;
  if (!s->parent[0]) return CAT_OK;
  Item **items;
  int code = load_items(t, s->parent, 0, NULL, NULL, 0, a, &items, n, err);
  if (code != CAT_OK) return code;
  const char **v = pa_alloc(a, (*n ? *n : 1) * sizeof *v);
  for (size_t i = 0; i < *n; i++) v[i] = items[i]->code;
  qsort(v, *n, sizeof *v, cmp_str);
  *codes = v;
  return CAT_OK;
}

/* Applies upserts and deletes to standard s at t->rev (validated, all or nothing since
 * the caller aborts the transaction on error) and writes the new header. */
int items_apply(store_txn *t, Standard *s, Item **ups, size_t n_ups, char **dels, size_t n_dels,
                const char *path, ProtobufCAllocator *a, cat_err *err) {
  if (s->status != STATUS_DRAFT)
    return cat_fail(err, GRPC_STATUS_FAILED_PRECONDITION,
                    "standard %s is %s and immutable; create a new edition to change it", s->id,
                    pss__catalog__v1__standard_status__descriptor.values[s->status].name);
  if (n_ups + n_dels == 0) return CAT_OK;
  if (n_ups > MAX_ITEMS_PER_STANDARD)
    return cat_fail(err, GRPC_STATUS_INVALID_ARGUMENT, "%s: more than %d items", path, MAX_ITEMS_PER_STANDARD);
  const char **pcodes;
  size_t n_pcodes;
  int code = parent_codes(t, s, a, &pcodes, &n_pcodes, err);
  if (code != CAT_OK) return code;
  /* duplicate codes within the batch are ambiguous */
  const char **seen = pa_alloc(a, (n_ups + n_dels + 1) * sizeof *seen);
  for (size_t i = 0; i < n_ups; i++) seen[i] = ups[i] ? ups[i]->code : "";
  for (size_t i = 0; i < n_dels; i++) seen[n_ups + i] = dels[i];
  qsort(seen, n_ups + n_dels, sizeof *seen, cmp_str);
  for (size_t i = 1; i < n_ups + n_dels; i++)
    if (strcmp(seen[i], seen[i - 1]) == 0)
      return cat_fail(err, GRPC_STATUS_INVALID_ARGUMENT, "%s: item code %s appears twice in one write",
                      path, seen[i]);
  long count = s->item_count;
  char ipath[128];
  for (size_t i = 0; i < n_ups; i++) {
    Item *it = ups[i];
    snprintf(ipath, sizeof ipath, "%s[%zu]", path, i);
    if ((code = validate_item(it, ipath, err)) != CAT_OK) return code;
    if (it->parent_code[0]) {
      if (!s->parent[0])
        return cat_fail(err, GRPC_STATUS_INVALID_ARGUMENT,
                        "%s.parentCode: standard %s has no parent standard", ipath, s->id);
      const char *key = it->parent_code;
      if (!bsearch(&key, pcodes, n_pcodes, sizeof *pcodes, cmp_str))
        return cat_fail(err, GRPC_STATUS_INVALID_ARGUMENT,
                        "%s.parentCode: item %s does not exist in parent standard %s", ipath,
                        it->parent_code, s->parent);
    }
    Item *old;
    code = load_item(t, s->id, it->code, 0, a, &old, err);
    if (code == GRPC_STATUS_NOT_FOUND) count++;
    else if (code != CAT_OK) return code;
    if ((code = put_item(t, s->id, it, a, err)) != CAT_OK) return code;
  }
  for (size_t i = 0; i < n_dels; i++) {
    Item *old;
    code = load_item(t, s->id, dels[i], 0, a, &old, err);
    if (code == GRPC_STATUS_NOT_FOUND)
      return cat_fail(err, GRPC_STATUS_NOT_FOUND, "delete_codes[%zu]: item %s not in standard %s", i,
                      dels[i], s->id);
    if (code != CAT_OK) return code;
    if ((code = del_item(t, s->id, dels[i], err)) != CAT_OK) return code;
    count--;
  }
  if (count > MAX_ITEMS_PER_STANDARD)
    return cat_fail(err, GRPC_STATUS_RESOURCE_EXHAUSTED, "%s: standard %s would have %ld items (limit %d)",
                    path, s->id, count, MAX_ITEMS_PER_STANDARD);
  s->item_count = (uint32_t)count;
  s->update_time = now_rfc3339(a);
  return put_header(t, s, a, err);
}

typedef struct {
  const WriteReq *req;
  ProtobufCAllocator *a;
  Standard *out;
} items_write;

static int write_fn(store_txn *t, void *ctx, bool *changed, cat_err *err) {
  items_write *w = ctx;
  const WriteReq *req = w->req;
  Standard *s;
  int code = load_header(t, req->standard, 0, w->a, &s, err);
  if (code != CAT_OK) return code;
  if ((code = check_etag(s, req->expected_etag, true, err)) != CAT_OK) return code;
  if (req->n_upserts + req->n_delete_codes == 0)
    return cat_fail(err, GRPC_STATUS_INVALID_ARGUMENT, "upserts: nothing to write (upserts and delete_codes empty)");
  for (size_t i = 0; i < req->n_delete_codes; i++)
    if (!valid_item_code(req->delete_codes[i]))
      return cat_fail(err, GRPC_STATUS_INVALID_ARGUMENT, "delete_codes[%zu]: invalid item code", i);
  if ((code = items_apply(t, s, req->upserts, req->n_upserts, req->delete_codes, req->n_delete_codes,
                          "upserts", w->a, err)) != CAT_OK)
    return code;
  Change *ch = change_new(t, w->a, PSS__CATALOG__V1__CHANGE_KIND__ITEMS_WRITTEN);
  ch->standard = s->id;
  ch->n_standards = 1;
  ch->standards = pa_alloc(w->a, sizeof *ch->standards);
  ch->standards[0] = s;
  ch->n_items = req->n_upserts;
  ch->items = req->upserts;
  ch->n_deleted_item_codes = req->n_delete_codes;
  ch->deleted_item_codes = req->delete_codes;
  if ((code = put_change(t, ch, w->a, err)) != CAT_OK) return code;
  w->out = s;
  *changed = true;
  return CAT_OK;
}

int cat_write_items(catalog *c, const ProtobufCMessage *rq, ProtobufCAllocator *a,
                    ProtobufCMessage **out, cat_err *err) {
  const WriteReq *req = (const WriteReq *)rq;
  int code = check_standard_id("standard", req->standard, err);
  if (code != CAT_OK) return code;
  for (size_t i = 0; i < req->n_upserts; i++)
    if (!req->upserts[i])
      return cat_fail(err, GRPC_STATUS_INVALID_ARGUMENT, "upserts[%zu]: empty", i);
  items_write w = {.req = req, .a = a};
  if ((code = store_write(c->st, write_fn, &w, err)) != CAT_OK) return code;
  WriteResp *resp = pa_alloc(a, sizeof *resp);
  pss__catalog__v1__write_items_response__init(resp);
  resp->standard = w.out;
  *out = &resp->base;
  return CAT_OK;
}

int cat_get_item(catalog *c, const ProtobufCMessage *rq, ProtobufCAllocator *a,
                 ProtobufCMessage **out, cat_err *err) {
  const GetItemReq *req = (const GetItemReq *)rq;
  int code = check_standard_id("standard", req->standard, err);
  if (code != CAT_OK) return code;
  if (!valid_item_code(req->code))
    return cat_fail(err, GRPC_STATUS_INVALID_ARGUMENT, "code: \"%s\" is not a valid item code", req->code);
  store_txn t;
  if ((code = store_read_begin(c->st, &t, err)) != CAT_OK) return code;
  Standard *s;
  Item *it = NULL;
  if (req->revision > t.rev)
    code = cat_fail(err, GRPC_STATUS_OUT_OF_RANGE, "revision: %llu is in the future (latest is %llu)",
                    (unsigned long long)req->revision, (unsigned long long)t.rev);
  else if ((code = load_header(&t, req->standard, req->revision, a, &s, err)) == CAT_OK)
    code = load_item(&t, req->standard, req->code, req->revision, a, &it, err);
  store_read_end(&t);
  if (code == CAT_OK) *out = &it->base;
  return code;
}

int cat_list_items(catalog *c, const ProtobufCMessage *rq, ProtobufCAllocator *a,
                   ProtobufCMessage **out, cat_err *err) {
  const ListItemsReq *req = (const ListItemsReq *)rq;
  int code = check_standard_id("standard", req->standard, err);
  if (code != CAT_OK) return code;
  int n = page_size(c, req->page_size, err);
  if (n < 0) return -n;
  const char *parts[] = {"items", req->standard, req->domain};
  uint64_t fp, tok_rev, at = req->revision;
  char after[PAGETOKEN_CURSOR_MAX + 1];
  if ((code = page_request(c, req->page_token, parts, 3, &fp, &tok_rev, after, err)) != CAT_OK) return code;
  if (req->page_token[0]) {
    if (at && at != tok_rev)
      return cat_fail(err, GRPC_STATUS_INVALID_ARGUMENT, "page_token: issued for revision %llu, not %llu",
                      (unsigned long long)tok_rev, (unsigned long long)at);
    at = tok_rev;
  }
  store_txn t;
  if ((code = store_read_begin(c->st, &t, err)) != CAT_OK) return code;
  if (at > t.rev) {
    store_read_end(&t);
    return cat_fail(err, GRPC_STATUS_OUT_OF_RANGE, "revision: %llu is in the future (latest is %llu)",
                    (unsigned long long)at, (unsigned long long)t.rev);
  }
  if (!at) at = t.rev;
  ListItemsResp *resp = pa_alloc(a, sizeof *resp);
  pss__catalog__v1__list_items_response__init(resp);
  resp->revision = at;
  Standard *s;
  if ((code = load_header(&t, req->standard, at, a, &s, err)) == CAT_OK)
    code = load_items(&t, req->standard, at, req->domain, after[0] ? after : NULL, (size_t)n + 1, a,
                      &resp->items, &resp->n_items, err);
  store_read_end(&t);
  if (code != CAT_OK) return code;
  if (resp->n_items > (size_t)n) {
    resp->n_items = (size_t)n;
    resp->next_page_token = page_token(c, fp, at, resp->items[n - 1]->code, a);
  }
  *out = &resp->base;
  return CAT_OK;
}
