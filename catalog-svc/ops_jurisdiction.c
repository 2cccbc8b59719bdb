/* ops_jurisdiction.c — create, get, update and list jurisdictions. */
#include <string.h>

#include "catalog_internal.h"

typedef Pss__Catalog__V1__CreateJurisdictionRequest CreateJurReq;
typedef Pss__Catalog__V1__GetJurisdictionRequest GetJurReq;
typedef Pss__Catalog__V1__UpdateJurisdictionRequest UpdateJurReq;
typedef Pss__Catalog__V1__ListJurisdictionsRequest ListJurReq;
typedef Pss__Catalog__V1__ListJurisdictionsResponse ListJurResp;

static int check_code(const char *field, const char *code, cat_err *err) {
  if (!jur_level(code))
    return cat_fail(err, GRPC_STATUS_INVALID_ARGUMENT,
                    "%s: \"%s\" is not a jurisdiction code (\"CN\" or 6 digits: xx0000 province, "
                    "xxxx00 city, else county)",
                    field, code);
  return CAT_OK;
}

/* Fills the derived fields and stores a new jurisdiction at t->rev. The parent
 * jurisdiction must exist, so the tree is always connected. */
int jurisdiction_insert(store_txn *t, const Jurisdiction *in, const char *path,
                        ProtobufCAllocator *a, Jurisdiction **out, cat_err *err) {
  char field[96];
  snprintf(field, sizeof field, "%s.code", path);
  int code = check_code(field, in->code, err);
  if (code != CAT_OK) return code;
  if (!in->name[0] || !valid_text(in->name, MAX_NAME_BYTES))
    return cat_fail(err, GRPC_STATUS_INVALID_ARGUMENT, "%s.name: required, UTF-8, at most %d bytes",
                    path, MAX_NAME_BYTES);
  Jurisdiction *existing;
  code = load_jurisdiction(t, in->code, a, &existing, err);
  if (code == CAT_OK)
    return cat_fail(err, GRPC_STATUS_ALREADY_EXISTS, "jurisdiction %s already exists (%s)", in->code,
                    existing->name);
  if (code != CAT_NOT_FOUND) return code;
  Jurisdiction *j = pa_alloc(a, sizeof *j);
  pss__catalog__v1__jurisdiction__init(j);
  j->code = pa_strdup(a, in->code);
  j->name = pa_strdup(a, in->name);
  char parent[8];
  jur_parent(in->code, parent);
  j->parent_code = pa_strdup(a, parent);
  j->level = jur_level(in->code);
  if (parent[0]) {
    Jurisdiction *p;
    code = load_jurisdiction(t, parent, a, &p, err);
    if (code == CAT_NOT_FOUND)
      return cat_fail(err, GRPC_STATUS_FAILED_PRECONDITION,
                      "%s: parent jurisdiction %s of %s does not exist; create it first", field,
                      parent, in->code);
    if (code != CAT_OK) return code;
  }
  j->revision = t->rev;
  j->create_time = j->update_time = now_rfc3339(a);
  size_t len;
  void *buf = pack_msg(a, &j->base, &len);
  if ((code = store_put(t, DB_JUR, j->code, strlen(j->code), buf, len, err)) != CAT_OK) return code;
  *out = j;
  return CAT_OK;
}

typedef struct {
  const Jurisdiction *in;
  uint64_t expected;
  ProtobufCAllocator *a;
  Jurisdiction *out;
  bool update;
} jur_write;

static int jur_write_fn(store_txn *t, void *ctx, bool *changed, cat_err *err) {
  jur_write *w = ctx;
  int code;
  if (!w->update) {
    code = jurisdiction_insert(t, w->in, "jurisdiction", w->a, &w->out, err);
  } else {
    if ((code = check_code("jurisdiction.code", w->in->code, err)) != CAT_OK) return code;
    if (!w->in->name[0] || !valid_text(w->in->name, MAX_NAME_BYTES))
      return cat_fail(err, GRPC_STATUS_INVALID_ARGUMENT, "jurisdiction.name: required");
    Jurisdiction *j;
    code = load_jurisdiction(t, w->in->code, w->a, &j, err);
    if (code == CAT_NOT_FOUND)
      return cat_fail(err, GRPC_STATUS_NOT_FOUND, "jurisdiction %s not found", w->in->code);
    if (code != CAT_OK) return code;
    if (w->expected && w->expected != j->revision)
      return cat_fail(err, GRPC_STATUS_ABORTED,
                      "expected_revision: jurisdiction %s is at revision %llu, not %llu",
                      j->code, (unsigned long long)j->revision, (unsigned long long)w->expected);
    j->name = pa_strdup(w->a, w->in->name);
    j->revision = t->rev;
    j->update_time = now_rfc3339(w->a);
    size_t len;
    void *buf = pack_msg(w->a, &j->base, &len);
    if ((code = store_put(t, DB_JUR, j->code, strlen(j->code), buf, len, err)) != CAT_OK) return code;
    w->out = j;
  }
  if (code != CAT_OK) return code;
  Change *ch = change_new(t, w->a, PSS__CATALOG__V1__CHANGE_KIND__JURISDICTION_PUT);
  ch->jurisdiction = w->out;
  ch->n_jurisdictions = 1;
  ch->jurisdictions = &ch->jurisdiction;
  if ((code = put_change(t, ch, w->a, err)) != CAT_OK) return code;
  *changed = true;
  return CAT_OK;
}

int cat_create_jurisdiction(catalog *c, const ProtobufCMessage *rq, ProtobufCAllocator *a,
                            ProtobufCMessage **out, cat_err *err) {
  const CreateJurReq *req = (const CreateJurReq *)rq;
  if (!req->jurisdiction) return cat_fail(err, GRPC_STATUS_INVALID_ARGUMENT, "jurisdiction: required");
  jur_write w = {.in = req->jurisdiction, .a = a};
  int code = store_write(c->st, jur_write_fn, &w, err);
  if (code == CAT_OK) *out = &w.out->base;
  return code;
}

int cat_update_jurisdiction(catalog *c, const ProtobufCMessage *rq, ProtobufCAllocator *a,
                            ProtobufCMessage **out, cat_err *err) {
  const UpdateJurReq *req = (const UpdateJurReq *)rq;
  if (!req->jurisdiction) return cat_fail(err, GRPC_STATUS_INVALID_ARGUMENT, "jurisdiction: required");
  jur_write w = {.in = req->jurisdiction, .expected = req->expected_revision, .a = a, .update = true};
  int code = store_write(c->st, jur_write_fn, &w, err);
  if (code == CAT_OK) *out = &w.out->base;
  return code;
}

int cat_get_jurisdiction(catalog *c, const ProtobufCMessage *rq, ProtobufCAllocator *a,
                         ProtobufCMessage **out, cat_err *err) {
  const GetJurReq *req = (const GetJurReq *)rq;
  int code = check_code("code", req->code, err);
  if (code != CAT_OK) return code;
  store_txn t;
  if ((code = store_read_begin(c->st, &t, err)) != CAT_OK) return code;
  Jurisdiction *j;
  code = load_jurisdiction(&t, req->code, a, &j, err);
  store_read_end(&t);
  if (code == CAT_NOT_FOUND)
    return cat_fail(err, GRPC_STATUS_NOT_FOUND, "jurisdiction %s not found", req->code);
  if (code == CAT_OK) *out = &j->base;
  return code;
}

int cat_list_jurisdictions(catalog *c, const ProtobufCMessage *rq, ProtobufCAllocator *a,
                           ProtobufCMessage **out, cat_err *err) {
  const ListJurReq *req = (const ListJurReq *)rq;
  int n = page_size(c, req->page_size, err);
  if (n < 0) return -n;
  const char *prefix = req->code_prefix;
  if (strlen(prefix) > 6)
    return cat_fail(err, GRPC_STATUS_INVALID_ARGUMENT, "code_prefix: at most 6 characters");
  const char *parts[] = {"jurisdictions", prefix};
  uint64_t fp, rev_unused;
  char after[PAGETOKEN_CURSOR_MAX + 1];
  int code = page_request(c, req->page_token, parts, 2, &fp, &rev_unused, after, err);
  if (code != CAT_OK) return code;
  store_txn t;
  if ((code = store_read_begin(c->st, &t, err)) != CAT_OK) return code;
  ListJurResp *resp = pa_alloc(a, sizeof *resp);
  pss__catalog__v1__list_jurisdictions_response__init(resp);
  size_t cap = 0;
  MDB_cursor *cur;
  mdb_cursor_open(t.txn, t.dbi[DB_JUR], &cur);
  MDB_val k = {strlen(after[0] ? after : prefix), after[0] ? after : (char *)prefix}, v;
  int rc = mdb_cursor_get(cur, &k, &v, k.mv_size ? MDB_SET_RANGE : MDB_FIRST);
  if (rc == 0 && after[0] && k.mv_size == strlen(after) && !memcmp(k.mv_data, after, k.mv_size))
    rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT);
  size_t plen = strlen(prefix);
  bool more = false;
  for (; rc == 0; rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
    if (k.mv_size < plen || memcmp(k.mv_data, prefix, plen) != 0) break;
    if (resp->n_jurisdictions == (size_t)n) {
      more = true;
      break;
    }
    Jurisdiction *j = (Jurisdiction *)unpack_val(&pss__catalog__v1__jurisdiction__descriptor, a, &v, err);
    if (!j) {
      code = GRPC_STATUS_DATA_LOSS;
      break;
    }
    ptrs_push(a, (void ***)&resp->jurisdictions, &resp->n_jurisdictions, &cap, j);
  }
  mdb_cursor_close(cur);
  store_read_end(&t);
  if (code != CAT_OK) return code;
  if (more) {
    resp->next_page_token = page_token(c, fp, 0, resp->jurisdictions[resp->n_jurisdictions - 1]->code, a);
  }
  *out = &resp->base;
  return CAT_OK;
}
