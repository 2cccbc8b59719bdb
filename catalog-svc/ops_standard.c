/* ops_standard.c — standards: create, get (at any revision), list, publish,
 * withdraw, revision history. */
#include <stdlib.h>
#include <string.h>

#include "catalog_internal.h"
#include "engine.h"

typedef Pss__Catalog__V1__CreateStandardRequest CreateStdReq;
typedef Pss__Catalog__V1__GetStandardRequest GetStdReq;
typedef Pss__Catalog__V1__ListStandardsRequest ListStdReq;
typedef Pss__Catalog__V1__ListStandardsResponse ListStdResp;
typedef Pss__Catalog__V1__PublishStandardRequest PublishReq;
typedef Pss__Catalog__V1__WithdrawStandardRequest WithdrawReq;
typedef Pss__Catalog__V1__ListRevisionsRequest ListRevReq;
typedef Pss__Catalog__V1__ListRevisionsResponse ListRevResp;


int check_standard_id(const char *field, const char *id, cat_err *err) {
  char jur[8], ed[MAX_CODE_BYTES + 1];
  if (!parse_standard_id(id, jur, ed))
    return cat_fail(err, GRPC_STATUS_INVALID_ARGUMENT,
                    "%s: \"%s\" is not a standard id (JURISDICTION/EDITION, e.g. 330782/2021)", field,
                    id);
  return CAT_OK;
}

/* Validates a new standard's header against the store and inserts it as DRAFT. */
int standard_insert(store_txn *t, const Standard *in, ProtobufCAllocator *a, Standard **out,
                    cat_err *err) {
  if (!jur_level(in->jurisdiction))
    return cat_fail(err, GRPC_STATUS_INVALID_ARGUMENT,
                    "standard.jurisdiction: \"%s\" is not a jurisdiction code (\"CN\" or 6 digits)",
                    in->jurisdiction);
  if (!valid_edition(in->edition))
    return cat_fail(err, GRPC_STATUS_INVALID_ARGUMENT,
                    "standard.edition: \"%s\" must be 1-16 of [0-9A-Za-z._-] (e.g. 2021)", in->edition);
  if (!in->title[0] || !valid_text(in->title, MAX_NAME_BYTES))
    return cat_fail(err, GRPC_STATUS_INVALID_ARGUMENT, "standard.title: required, UTF-8, at most %d bytes",
                    MAX_NAME_BYTES);
  Jurisdiction *j;
  int code = load_jurisdiction(t, in->jurisdiction, a, &j, err);
  if (code == CAT_NOT_FOUND)
    return cat_fail(err, GRPC_STATUS_FAILED_PRECONDITION,
                    "standard.jurisdiction: jurisdiction %s does not exist; create it first",
                    in->jurisdiction);
  if (code != CAT_OK) return code;
  char *id = pa_printf(a, "%s/%s", in->jurisdiction, in->edition);
  Standard *existing;
  code = load_header(t, id, 0, a, &existing, err);
  if (code == CAT_OK)
    return cat_fail(err, GRPC_STATUS_ALREADY_EXISTS, "standard %s already exists (revision %llu)", id,
                    (unsigned long long)existing->revision);
  if (code != GRPC_STATUS_NOT_FOUND) return code;
  bool national = strcmp(in->jurisdiction, "CN") == 0;
  if (national && in->parent[0])
    return cat_fail(err, GRPC_STATUS_INVALID_ARGUMENT, "standard.parent: the national standard has no parent");
  if (!national) {
    if (!in->parent[0])
      return cat_fail(err, GRPC_STATUS_INVALID_ARGUMENT,
                      "standard.parent: required (the standard of an ancestor jurisdiction it implements)");
    if ((code = check_standard_id("standard.parent", in->parent, err)) != CAT_OK) return code;
    char pj[8], pe[MAX_CODE_BYTES + 1];
    parse_standard_id(in->parent, pj, pe);
    if (!jur_is_ancestor(pj, in->jurisdiction))
      return cat_fail(err, GRPC_STATUS_INVALID_ARGUMENT,
                      "standard.parent: %s belongs to %s, which is not an ancestor of %s", in->parent,
                      pj, in->jurisdiction);
    Standard *p;
    code = load_header(t, in->parent, 0, a, &p, err);
    if (code == GRPC_STATUS_NOT_FOUND)
      return cat_fail(err, GRPC_STATUS_FAILED_PRECONDITION, "standard.parent: standard %s does not exist",
                      in->parent);
    if (code != CAT_OK) return code;
    if (p->status == STATUS_WITHDRAWN)
      return cat_fail(err, GRPC_STATUS_FAILED_PRECONDITION, "standard.parent: standard %s is withdrawn",
                      in->parent);
  }
  Standard *s = pa_alloc(a, sizeof *s);
  pss__catalog__v1__standard__init(s);
  s->id = id;
  s->jurisdiction = pa_strdup(a, in->jurisdiction);
  s->edition = pa_strdup(a, in->edition);
  s->title = pa_strdup(a, in->title);
  s->parent = pa_strdup(a, in->parent);
  s->status = STATUS_DRAFT;
  s->create_time = s->update_time = now_rfc3339(a);
  s->create_revision = t->rev;
  if ((code = put_header(t, s, a, err)) != CAT_OK) return code;
  *out = s;
  return CAT_OK;
}

typedef struct {
  const void *req;
  ProtobufCAllocator *a;
  Standard *out;
} std_write;

static int create_fn(store_txn *t, void *ctx, bool *changed, cat_err *err) {
  std_write *w = ctx;
  const CreateStdReq *req = w->req;
  int code = standard_insert(t, req->standard, w->a, &w->out, err);
  if (code != CAT_OK) return code;
  Change *ch = change_new(t, w->a, PSS__CATALOG__V1__CHANGE_KIND__STANDARD_CREATED);
  ch->standard = w->out->id;
  ch->n_standards = 1;
  ch->standards = pa_alloc(w->a, sizeof *ch->standards);
  ch->standards[0] = w->out;
  if ((code = put_change(t, ch, w->a, err)) != CAT_OK) return code;
  *changed = true;
  return CAT_OK;
}

int cat_create_standard(catalog *c, const ProtobufCMessage *rq, ProtobufCAllocator *a,
                        ProtobufCMessage **out, cat_err *err) {
  const CreateStdReq *req = (const CreateStdReq *)rq;
  if (!req->standard) return cat_fail(err, GRPC_STATUS_INVALID_ARGUMENT, "standard: required");
  std_write w = {.req = req, .a = a};
  int code = store_write(c->st, create_fn, &w, err);
  if (code == CAT_OK) *out = &w.out->base;
  return code;
}

static int check_revision(store_txn *t, uint64_t rev, cat_err *err) {
  if (rev > t->rev)
    return cat_fail(err, GRPC_STATUS_OUT_OF_RANGE, "revision: %llu is in the future (latest is %llu)",
                    (unsigned long long)rev, (unsigned long long)t->rev);
  return CAT_OK;
}

static int get_standard(catalog *c, const ProtobufCMessage *rq, ProtobufCAllocator *a,
                        ProtobufCMessage **out, cat_err *err, bool packed) {
  const GetStdReq *req = (const GetStdReq *)rq;
  int code = check_standard_id("id", req->id, err);
  if (code != CAT_OK) return code;
  store_txn t;
  if ((code = store_read_begin(c->st, &t, err)) != CAT_OK) return code;
  Standard *s = NULL;
  if ((code = check_revision(&t, req->revision, err)) == CAT_OK &&
      (code = load_header(&t, req->id, req->revision, a, &s, err)) == CAT_OK && req->include_items) {
    if (packed)
      code = load_items_packed(&t, req->id, req->revision,
                               protobuf_c_message_descriptor_get_field_by_name(
                                   &pss__catalog__v1__standard__descriptor, "items")->id,
                               a, &s->base, err);
    else
      code = load_items(&t, req->id, req->revision, NULL, NULL, 0, a, &s->items, &s->n_items, err);
  }
  store_read_end(&t);
  if (code == CAT_OK) *out = &s->base;
  return code;
}

int cat_get_standard(catalog *c, const ProtobufCMessage *rq, ProtobufCAllocator *a,
                     ProtobufCMessage **out, cat_err *err) {
  return get_standard(c, rq, a, out, err, false);
}

int cat_get_standard_packed(catalog *c, const ProtobufCMessage *rq, ProtobufCAllocator *a,
                            ProtobufCMessage **out, cat_err *err) {
  return get_standard(c, rq, a, out, err, true);
}

/* ------------------------------------------------------------ listing */

typedef struct {
  ListStdResp *resp;
  const ListStdReq *req;
  ProtobufCAllocator *a;
  size_t cap, limit;
  bool more;
  cat_err *err;
} list_ctx;

static int list_fn(const char *name, const MDB_val *val, uint64_t rev, void *ctx) {
  list_ctx *l = ctx;
  Standard *s = (Standard *)unpack_val(&pss__catalog__v1__standard__descriptor, l->a, val, l->err);
  if (!s) return -1;
  if (l->req->status && s->status != l->req->status) return 0;
  if (l->req->parent[0] && strcmp(s->parent, l->req->parent) != 0) return 0;
  if (l->resp->n_standards == l->limit) {
    l->more = true;
    return 1;
  }
  ptrs_push(l->a, (void ***)&l->resp->standards, &l->resp->n_standards, &l->cap, s);
  return 0;
}

int cat_list_standards(catalog *c, const ProtobufCMessage *rq, ProtobufCAllocator *a,
                       ProtobufCMessage **out, cat_err *err) {
  const ListStdReq *req = (const ListStdReq *)rq;
  int n = page_size(c, req->page_size, err);
  if (n < 0) return -n;
  if (strlen(req->jurisdiction_prefix) > 6 || strchr(req->jurisdiction_prefix, '/'))
    return cat_fail(err, GRPC_STATUS_INVALID_ARGUMENT, "jurisdiction_prefix: at most 6 characters, no '/'");
  if ((int)req->status < 0 || req->status > STATUS_WITHDRAWN)
    return cat_fail(err, GRPC_STATUS_INVALID_ARGUMENT, "status: unknown value %d", req->status);
  int code;
  if (req->parent[0] && (code = check_standard_id("parent", req->parent, err)) != CAT_OK) return code;
  char status[8];
  snprintf(status, sizeof status, "%d", req->status);
  const char *parts[] = {"standards", req->jurisdiction_prefix, status, req->parent};
  uint64_t fp, at;
  char after[PAGETOKEN_CURSOR_MAX + 1];
  if ((code = page_request(c, req->page_token, parts, 4, &fp, &at, after, err)) != CAT_OK) return code;
  store_txn t;
  if ((code = store_read_begin(c->st, &t, err)) != CAT_OK) return code;
  if (!at) at = t.rev;  /* every page reads the snapshot of the first */
  ListStdResp *resp = pa_alloc(a, sizeof *resp);
  pss__catalog__v1__list_standards_response__init(resp);
  /* Keys are id "\0" rev; a raw prefix of the id selects the jurisdictions. */
  store_key k;
  key_init(&k);
  k.n = strlen(req->jurisdiction_prefix);
  memcpy(k.b, req->jurisdiction_prefix, k.n);
  list_ctx l = {.resp = resp, .req = req, .a = a, .limit = (size_t)n, .err = err};
  const char *aft = after[0] ? after + k.n : NULL;
  if (after[0] && strncmp(after, req->jurisdiction_prefix, k.n) != 0) {
    store_read_end(&t);
    return cat_fail(err, GRPC_STATUS_INVALID_ARGUMENT, "page_token: does not match the query");
  }
  code = store_each_version(&t, DB_STD, &k, at, aft, false, list_fn, &l, err);
  store_read_end(&t);
  if (code != CAT_OK) return code;
  if (l.more) {
    resp->next_page_token = page_token(c, fp, at, resp->standards[resp->n_standards - 1]->id, a);
  }
  *out = &resp->base;
  return CAT_OK;
}

/* ------------------------------------------------------------ lifecycle */

typedef struct {
  ProtobufCAllocator *a;
  Standard **v;
  size_t n, cap;
  cat_err *err;
} hdr_acc;

static int hdr_collect(const char *name, const MDB_val *val, uint64_t rev, void *ctx) {
  hdr_acc *h = ctx;
  Standard *s = (Standard *)unpack_val(&pss__catalog__v1__standard__descriptor, h->a, val, h->err);
  if (!s) return -1;
  ptrs_push(h->a, (void ***)&h->v, &h->n, &h->cap, s);
  return 0;
}

/* Marks s PUBLISHED at t->rev and every other PUBLISHED edition of its jurisdiction
 * SUPERSEDED. Refuses when a newer edition (by edition string) is already published.
 * The headers changed are appended to ch->standards. */
int standard_publish(store_txn *t, Standard *s, Change *ch, ProtobufCAllocator *a, cat_err *err) {
  store_key k;
  key_init(&k);
  char jp[16];
  snprintf(jp, sizeof jp, "%s/", s->jurisdiction);
  k.n = strlen(jp);
  memcpy(k.b, jp, k.n);
  hdr_acc h = {.a = a, .err = err};
  int code = store_each_version(t, DB_STD, &k, UINT64_MAX, NULL, false, hdr_collect, &h, err);
  if (code != CAT_OK) return code;
  for (size_t i = 0; i < h.n; i++)
    if (h.v[i]->status == STATUS_PUBLISHED && strcmp(h.v[i]->id, s->id) != 0 &&
        strcmp(h.v[i]->edition, s->edition) > 0)
      return cat_fail(err, GRPC_STATUS_FAILED_PRECONDITION,
                      "a newer edition %s of %s is already published; %s cannot be published over it",
                      h.v[i]->id, s->jurisdiction, s->id);
  char *now = now_rfc3339(a);
  size_t cap = ch->n_standards;
  s->status = STATUS_PUBLISHED;
  s->publish_time = s->update_time = now;
  if ((code = put_header(t, s, a, err)) != CAT_OK) return code;
  ptrs_push(a, (void ***)&ch->standards, &ch->n_standards, &cap, s);
  for (size_t i = 0; i < h.n; i++) {
    Standard *o = h.v[i];
    if (o->status != STATUS_PUBLISHED || strcmp(o->id, s->id) == 0) continue;
    o->status = STATUS_SUPERSEDED;
    o->update_time = now;
    if ((code = put_header(t, o, a, err)) != CAT_OK) return code;
    ptrs_push(a, (void ***)&ch->standards, &ch->n_standards, &cap, o);
  }
  return CAT_OK;
}

int check_etag(const Standard *s, const char *expected, bool required, cat_err *err) {
  if (!expected[0]) {
    if (required)
      return cat_fail(err, GRPC_STATUS_INVALID_ARGUMENT,
                      "expected_etag: required (the etag of the standard as you read it)");
    return CAT_OK;
  }
  if (strcmp(expected, s->etag) != 0)
    return cat_fail(err, GRPC_STATUS_ABORTED,
                    "expected_etag: standard %s changed (etag is %s, you sent %s); read it again",
                    s->id, s->etag, expected);
  return CAT_OK;
}

int load_filings(store_txn *t, const char *id, ProtobufCAllocator *a, Filing ***v, size_t *n,
                 cat_err *err);

/* 上级标准无缺项, 品质不降低, 人群全覆盖, 标准不攀高: a draft is published only when the
 * comparison engine finds no blocking deviation from its parent (filings considered). */
static int check_conformance(store_txn *t, const Standard *s, ProtobufCAllocator *a, cat_err *err) {
  if (!s->parent[0]) return CAT_OK;
  Standard *child = pa_alloc(a, sizeof *child), *parent;
  *child = *s;
  Filing **fs;
  size_t nf;
  int code;
  if ((code = load_items(t, s->id, 0, NULL, NULL, 0, a, &child->items, &child->n_items, err)) != CAT_OK ||
      (code = load_header(t, s->parent, 0, a, &parent, err)) != CAT_OK ||
      (code = load_items(t, s->parent, 0, NULL, NULL, 0, a, &parent->items, &parent->n_items, err)) != CAT_OK ||
      (code = load_filings(t, s->id, a, &fs, &nf, err)) != CAT_OK)
    return code;
  engine_report r;
  memset(&r, 0, sizeof r);
  int rc = engine_compare(child, parent, (const engine_filing *const *)fs, nf, &r);
  if (rc != ENGINE_OK) {
    code = cat_fail(err, GRPC_STATUS_INTERNAL, "conformance check: %s: %s", engine_strerror(rc), r.error);
  } else if (r.n_blocking) {
    char list[384] = "";
    size_t used = 0;
    for (size_t i = 0; i < r.n_blocking && i < 5 && used < sizeof list - 1; i++) {
      const engine_finding *f = &r.findings[r.blocking[i]];
      int k = snprintf(list + used, sizeof list - used, "%s%s %s", i ? "; " : "",
                       engine_finding_type_name(f->type), f->child_code[0] ? f->child_code : f->parent_code);
      if (k > 0) used += (size_t)k < sizeof list - used ? (size_t)k : sizeof list - used - 1;
    }
    code = cat_fail(err, GRPC_STATUS_FAILED_PRECONDITION,
                    "standard %s violates its parent %s: %zu blocking finding(s): %s%s (file the raises or "
                    "exemptions, fix the items, or set allow_violations)",
                    s->id, s->parent, r.n_blocking, list, r.n_blocking > 5 ? "; …" : "");
  }
  engine_report_free(&r);
  return code;
}

static int lifecycle_fn(store_txn *t, void *ctx, bool *changed, cat_err *err, bool publish) {
  std_write *w = ctx;
  const char *id = publish ? ((const PublishReq *)w->req)->id : ((const WithdrawReq *)w->req)->id;
  const char *etag = publish ? ((const PublishReq *)w->req)->expected_etag
                             : ((const WithdrawReq *)w->req)->expected_etag;
  Standard *s;
  int code = load_header(t, id, 0, w->a, &s, err);
  if (code != CAT_OK) return code;
  if ((code = check_etag(s, etag, false, err)) != CAT_OK) return code;
  Change *ch;
  if (publish) {
    if (s->status != STATUS_DRAFT)
      return cat_fail(err, GRPC_STATUS_FAILED_PRECONDITION, "standard %s is %s; only a DRAFT can be published",
                      id, pss__catalog__v1__standard_status__descriptor.values[s->status].name);
    if (!((const PublishReq *)w->req)->allow_violations &&
        (code = check_conformance(t, s, w->a, err)) != CAT_OK)
      return code;
    ch = change_new(t, w->a, PSS__CATALOG__V1__CHANGE_KIND__STANDARD_PUBLISHED);
    code = standard_publish(t, s, ch, w->a, err);
  } else {
    if (s->status == STATUS_WITHDRAWN)
      return cat_fail(err, GRPC_STATUS_FAILED_PRECONDITION, "standard %s is already withdrawn", id);
    ch = change_new(t, w->a, PSS__CATALOG__V1__CHANGE_KIND__STANDARD_WITHDRAWN);
    s->status = STATUS_WITHDRAWN;
    s->update_time = now_rfc3339(w->a);
    code = put_header(t, s, w->a, err);
    ch->n_standards = 1;
    ch->standards = pa_alloc(w->a, sizeof *ch->standards);
    ch->standards[0] = s;
  }
  if (code != CAT_OK) return code;
  ch->standard = s->id;
  if ((code = put_change(t, ch, w->a, err)) != CAT_OK) return code;
  w->out = s;
  *changed = true;
  return CAT_OK;
}

static int publish_fn(store_txn *t, void *ctx, bool *changed, cat_err *err) {
  return lifecycle_fn(t, ctx, changed, err, true);
}
static int withdraw_fn(store_txn *t, void *ctx, bool *changed, cat_err *err) {
  return lifecycle_fn(t, ctx, changed, err, false);
}

int cat_publish_standard(catalog *c, const ProtobufCMessage *rq, ProtobufCAllocator *a,
                         ProtobufCMessage **out, cat_err *err) {
  const PublishReq *req = (const PublishReq *)rq;
  int code = check_standard_id("id", req->id, err);
  if (code != CAT_OK) return code;
  std_write w = {.req = req, .a = a};
  if ((code = store_write(c->st, publish_fn, &w, err)) == CAT_OK) *out = &w.out->base;
  return code;
}

int cat_withdraw_standard(catalog *c, const ProtobufCMessage *rq, ProtobufCAllocator *a,
                          ProtobufCMessage **out, cat_err *err) {
  const WithdrawReq *req = (const WithdrawReq *)rq;
  int code = check_standard_id("id", req->id, err);
  if (code != CAT_OK) return code;
  std_write w = {.req = req, .a = a};
  if ((code = store_write(c->st, withdraw_fn, &w, err)) == CAT_OK) *out = &w.out->base;
  return code;
}

/* ------------------------------------------------------------ revisions */

int cat_list_revisions(catalog *c, const ProtobufCMessage *rq, ProtobufCAllocator *a,
                       ProtobufCMessage **out, cat_err *err) {
  const ListRevReq *req = (const ListRevReq *)rq;
  int code = check_standard_id("id", req->id, err);
  if (code != CAT_OK) return code;
  int n = page_size(c, req->page_size, err);
  if (n < 0) return -n;
  const char *parts[] = {"revisions", req->id};
  uint64_t fp, after_rev;
  char after[PAGETOKEN_CURSOR_MAX + 1];
  if ((code = page_request(c, req->page_token, parts, 2, &fp, &after_rev, after, err)) != CAT_OK) return code;
  store_txn t;
  if ((code = store_read_begin(c->st, &t, err)) != CAT_OK) return code;
  ListRevResp *resp = pa_alloc(a, sizeof *resp);
  pss__catalog__v1__list_revisions_response__init(resp);
  store_key k;
  std_prefix(&k, req->id);
  store_key start = k;
  key_add_rev(&start, after_rev + 1);
  MDB_cursor *cur;
  mdb_cursor_open(t.txn, t.dbi[DB_STD], &cur);
  MDB_val mk = {start.n, start.b}, mv;
  size_t cap = 0;
  bool more = false;
  int rc = mdb_cursor_get(cur, &mk, &mv, MDB_SET_RANGE);
  for (; rc == 0; rc = mdb_cursor_get(cur, &mk, &mv, MDB_NEXT)) {
    if (mk.mv_size != k.n + 8 || memcmp(mk.mv_data, k.b, k.n) != 0) break;
    if (resp->n_revisions == (size_t)n) {
      more = true;
      break;
    }
    Standard *s = (Standard *)unpack_val(&pss__catalog__v1__standard__descriptor, a, &mv, err);
    if (!s) {
      code = GRPC_STATUS_DATA_LOSS;
      break;
    }
    StandardRevision *r = pa_alloc(a, sizeof *r);
    pss__catalog__v1__standard_revision__init(r);
    r->revision = s->revision;
    r->status = s->status;
    r->time = s->update_time;
    r->item_count = s->item_count;
    Change *ch;
    store_key ck;
    key_init(&ck);
    key_add_rev(&ck, s->revision);
    MDB_val cv;
    if (store_get(&t, DB_CHG, ck.b, ck.n, &cv, err) == CAT_OK &&
        (ch = (Change *)unpack_val(&pss__catalog__v1__change__descriptor, a, &cv, err)))
      r->kind = ch->kind;
    ptrs_push(a, (void ***)&resp->revisions, &resp->n_revisions, &cap, r);
  }
  mdb_cursor_close(cur);
  if (code == CAT_OK && resp->n_revisions == 0 && !req->page_token[0]) {
    code = cat_fail(err, GRPC_STATUS_NOT_FOUND, "standard %s not found", req->id);
  }
  store_read_end(&t);
  if (code != CAT_OK) return code;
  if (more) {
    resp->next_page_token = page_token(c, fp, resp->revisions[resp->n_revisions - 1]->revision, "", a);
  }
  *out = &resp->base;
  return CAT_OK;
}
