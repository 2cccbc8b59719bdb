/* ops_filing.c — filings (提标备案 and exemptions) recorded against a standard.
 * Filings are administrative acts that may follow publication, so they can be
 * added to and removed from a published standard; every change is a revision.
 * Creating or deleting a filing also writes a new version of the standard's header
 * (same content, new revision and etag): the standard's revision covers its filings,
 * so (id, revision) of a PUBLISHED standard names one verdict for ever — what
 * comparison-svc caches its pair reports by. */
#include <string.h>

#include "catalog_internal.h"

typedef Pss__Catalog__V1__CreateFilingRequest CreateFilingReq;
typedef Pss__Catalog__V1__GetFilingRequest GetFilingReq;
typedef Pss__Catalog__V1__ListFilingsRequest ListFilingsReq;
typedef Pss__Catalog__V1__ListFilingsResponse ListFilingsResp;
typedef Pss__Catalog__V1__DeleteFilingRequest DeleteFilingReq;
typedef Pss__Catalog__V1__DeleteFilingResponse DeleteFilingResp;

int check_standard_id(const char *field, const char *id, cat_err *err);

/* Checks f against standard s and stores it. RAISE filings cover items of s;
 * EXEMPTION filings cover items of the parent standard (the ones s leaves out). */
int filing_insert(store_txn *t, const Standard *s, Filing *f, const char *path,
                  ProtobufCAllocator *a, cat_err *err) {
  int code = validate_filing(f, path, err);
  if (code != CAT_OK) return code;
  if (s->status == STATUS_WITHDRAWN)
    return cat_fail(err, GRPC_STATUS_FAILED_PRECONDITION, "standard %s is withdrawn", s->id);
  bool exemption = f->kind == PSS__CATALOG__V1__FILING_KIND__EXEMPTION;
  if (exemption && !s->parent[0])
    return cat_fail(err, GRPC_STATUS_INVALID_ARGUMENT, "%s.kind: standard %s has no parent to be exempt from",
                    path, s->id);
  for (size_t i = 0; i < f->n_covers; i++) {
    Item *it;
    const char *in = exemption ? s->parent : s->id;
    code = load_item(t, in, f->covers[i]->item_code, 0, a, &it, err);
    if (code == GRPC_STATUS_NOT_FOUND)
      return cat_fail(err, GRPC_STATUS_INVALID_ARGUMENT, "%s.covers[%zu].itemCode: item %s not in standard %s",
                      path, i, f->covers[i]->item_code, in);
    if (code != CAT_OK) return code;
  }
  Filing *old;
  code = load_filing(t, s->id, f->number, a, &old, err);
  if (code == CAT_OK)
    return cat_fail(err, GRPC_STATUS_ALREADY_EXISTS, "filing %s already exists in standard %s", f->number,
                    s->id);
  if (code != GRPC_STATUS_NOT_FOUND) return code;
  f->standard = s->id;
  return put_filing(t, f, a, err);
}

typedef struct {
  const void *req;
  ProtobufCAllocator *a;
  Filing *out;
} filing_write;

static int create_fn(store_txn *t, void *ctx, bool *changed, cat_err *err) {
  filing_write *w = ctx;
  const CreateFilingReq *req = w->req;
  Standard *s;
  int code = load_header(t, req->filing->standard, 0, w->a, &s, err);
  if (code != CAT_OK) return code;
  Filing *f = (Filing *)req->filing;
  if ((code = filing_insert(t, s, f, "filing", w->a, err)) != CAT_OK) return code;
  if ((code = put_header(t, s, w->a, err)) != CAT_OK) return code;
  Change *ch = change_new(t, w->a, PSS__CATALOG__V1__CHANGE_KIND__FILING_PUT);
  ch->standard = s->id;
  ch->filing = f;
  ch->n_standards = 1;
  ch->standards = pa_alloc(w->a, sizeof *ch->standards);
  ch->standards[0] = s;
  if ((code = put_change(t, ch, w->a, err)) != CAT_OK) return code;
  w->out = f;
  *changed = true;
  return CAT_OK;
}

int cat_create_filing(catalog *c, const ProtobufCMessage *rq, ProtobufCAllocator *a,
                      ProtobufCMessage **out, cat_err *err) {
  const CreateFilingReq *req = (const CreateFilingReq *)rq;
  if (!req->filing) return cat_fail(err, GRPC_STATUS_INVALID_ARGUMENT, "filing: required");
  int code = check_standard_id("filing.standard", req->filing->standard, err);
  if (code != CAT_OK) return code;
  filing_write w = {.req = req, .a = a};
  if ((code = store_write(c->st, create_fn, &w, err)) == CAT_OK) *out = &w.out->base;
  return code;
}

static int delete_fn(store_txn *t, void *ctx, bool *changed, cat_err *err) {
  filing_write *w = ctx;
  const DeleteFilingReq *req = w->req;
  Standard *s;
  int code = load_header(t, req->standard, 0, w->a, &s, err);
  if (code != CAT_OK) return code;
  Filing *f;
  if ((code = load_filing(t, req->standard, req->number, w->a, &f, err)) != CAT_OK) return code;
  store_key k;
  if (!obj_prefix(&k, req->standard, req->number) || !key_add_rev(&k, t->rev))
    return cat_fail(err, GRPC_STATUS_INVALID_ARGUMENT, "number: too long");
  if ((code = store_put(t, DB_FILING, k.b, k.n, "", 0, err)) != CAT_OK) return code;
  if ((code = put_header(t, s, w->a, err)) != CAT_OK) return code;
  Change *ch = change_new(t, w->a, PSS__CATALOG__V1__CHANGE_KIND__FILING_DELETED);
  ch->standard = s->id;
  ch->deleted_filing = f->number;
  ch->n_standards = 1;
  ch->standards = pa_alloc(w->a, sizeof *ch->standards);
  ch->standards[0] = s;
  if ((code = put_change(t, ch, w->a, err)) != CAT_OK) return code;
  *changed = true;
  return CAT_OK;
}

int cat_delete_filing(catalog *c, const ProtobufCMessage *rq, ProtobufCAllocator *a,
                      ProtobufCMessage **out, cat_err *err) {
  const DeleteFilingReq *req = (const DeleteFilingReq *)rq;
  int code = check_standard_id("standard", req->standard, err);
  if (code != CAT_OK) return code;
  if (!req->number[0]) return cat_fail(err, GRPC_STATUS_INVALID_ARGUMENT, "number: required");
  filing_write w = {.req = req, .a = a};
  if ((code = store_write(c->st, delete_fn, &w, err)) != CAT_OK) return code;
  DeleteFilingResp *resp = pa_alloc(a, sizeof *resp);
  pss__catalog__v1__delete_filing_response__init(resp);
  resp->revision = store_current_revision(c->st);
  *out = &resp->base;
  return CAT_OK;
}

int cat_get_filing(catalog *c, const ProtobufCMessage *rq, ProtobufCAllocator *a,
                   ProtobufCMessage **out, cat_err *err) {
  const GetFilingReq *req = (const GetFilingReq *)rq;
  int code = check_standard_id("standard", req->standard, err);
  if (code != CAT_OK) return code;
  if (!req->number[0]) return cat_fail(err, GRPC_STATUS_INVALID_ARGUMENT, "number: required");
  store_txn t;
  if ((code = store_read_begin(c->st, &t, err)) != CAT_OK) return code;
  Filing *f;
  code = load_filing(&t, req->standard, req->number, a, &f, err);
  store_read_end(&t);
  if (code == CAT_OK) *out = &f->base;
  return code;
}

typedef struct {
  ListFilingsResp *resp;
  ProtobufCAllocator *a;
  size_t cap, limit;
  bool more;
  cat_err *err;
} filing_list;

static int filing_collect(const char *name, const MDB_val *val, uint64_t rev, void *ctx) {
  filing_list *l = ctx;
  if (l->resp->n_filings == l->limit) {
    l->more = true;
    return 1;
  }
  Filing *f = (Filing *)unpack_val(&pss__catalog__v1__filing__descriptor, l->a, val, l->err);
  if (!f) return -1;
  ptrs_push(l->a, (void ***)&l->resp->filings, &l->resp->n_filings, &l->cap, f);
  return 0;
}

/* All live filings of a standard (no paging): used by import and by tests. */
int load_filings(store_txn *t, const char *id, ProtobufCAllocator *a, Filing ***v, size_t *n,
                 cat_err *err) {
  ListFilingsResp resp = PSS__CATALOG__V1__LIST_FILINGS_RESPONSE__INIT;
  filing_list l = {.resp = &resp, .a = a, .limit = SIZE_MAX, .err = err};
  store_key k;
  std_prefix(&k, id);
  int code = store_each_version(t, DB_FILING, &k, UINT64_MAX, NULL, false, filing_collect, &l, err);
  *v = resp.filings;
  *n = resp.n_filings;
  return code;
}

int cat_list_filings(catalog *c, const ProtobufCMessage *rq, ProtobufCAllocator *a,
                     ProtobufCMessage **out, cat_err *err) {
  const ListFilingsReq *req = (const ListFilingsReq *)rq;
  int code = check_standard_id("standard", req->standard, err);
  if (code != CAT_OK) return code;
  int n = page_size(c, req->page_size, err);
  if (n < 0) return -n;
  const char *parts[] = {"filings", req->standard};
  uint64_t fp, at;
  char after[PAGETOKEN_CURSOR_MAX + 1];
  if ((code = page_request(c, req->page_token, parts, 2, &fp, &at, after, err)) != CAT_OK) return code;
  store_txn t;
  if ((code = store_read_begin(c->st, &t, err)) != CAT_OK) return code;
  if (!at) at = t.rev;
  ListFilingsResp *resp = pa_alloc(a, sizeof *resp);
  pss__catalog__v1__list_filings_response__init(resp);
  Standard *s;
  filing_list l = {.resp = resp, .a = a, .limit = (size_t)n, .err = err};
  store_key k;
  std_prefix(&k, req->standard);
  if ((code = load_header(&t, req->standard, 0, a, &s, err)) == CAT_OK)
    code = store_each_version(&t, DB_FILING, &k, at, after[0] ? after : NULL, false, filing_collect, &l, err);
  store_read_end(&t);
  if (code != CAT_OK) return code;
  if (l.more) {
    resp->next_page_token = page_token(c, fp, at, resp->filings[resp->n_filings - 1]->number, a);
  }
  *out = &resp->base;
  return CAT_OK;
}
