/* ops_import.c — a whole standard (missing jurisdictions, header, items, filings,
 * publication) in ONE transaction and one revision: an import is either fully
 * stored or not at all, so a crash can never leave half a standard behind.
 * Re-importing a standard stored identically changes nothing. */
#include <stdlib.h>
#include <string.h>

#include "catalog_internal.h"

typedef Pss__Catalog__V1__ImportStandardRequest ImportReq;
typedef Pss__Catalog__V1__ImportStandardResponse ImportResp;

int check_standard_id(const char *field, const char *id, cat_err *err);
int jurisdiction_insert(store_txn *t, const Jurisdiction *in, const char *path,
                        ProtobufCAllocator *a, Jurisdiction **out, cat_err *err);
int standard_insert(store_txn *t, const Standard *in, ProtobufCAllocator *a, Standard **out,
                    cat_err *err);
int standard_publish(store_txn *t, Standard *s, Change *ch, ProtobufCAllocator *a, cat_err *err);
int items_apply(store_txn *t, Standard *s, Item **ups, size_t n_ups, char **dels, size_t n_dels,
                const char *path, ProtobufCAllocator *a, cat_err *err);
int filing_insert(store_txn *t, const Standard *s, Filing *f, const char *path,
                  ProtobufCAllocator *a, cat_err *err);
int load_filings(store_txn *t, const char *id, ProtobufCAllocator *a, Filing ***v, size_t *n,
                 cat_err *err);

typedef struct {
  const ImportReq *req;
  ProtobufCAllocator *a;
  Standard *out;
  bool unchanged;
} import_ctx;

static int by_level(const void *x, const void *y) {
  const Jurisdiction *a = *(Jurisdiction *const *)x, *b = *(Jurisdiction *const *)y;
  int la = jur_level(a->code), lb = jur_level(b->code);
  return la != lb ? la - lb : strcmp(a->code, b->code);
}

/* Same content, ignoring output-only fields: compare packed bytes with them cleared. */
static bool same_item(ProtobufCAllocator *a, const Item *x, const Item *y) {
  Item cx = *x, cy = *y;
  cx.revision = cy.revision = 0;
  size_t lx, ly;
  void *bx = pack_msg(a, &cx.base, &lx), *by = pack_msg(a, &cy.base, &ly);
  return lx == ly && memcmp(bx, by, lx) == 0;
}

static bool same_filing(ProtobufCAllocator *a, const Filing *x, const Filing *y) {
  Filing cx = *x, cy = *y;
  cx.revision = cy.revision = 0;
  cx.standard = cy.standard = "";
  size_t lx, ly;
  void *bx = pack_msg(a, &cx.base, &lx), *by = pack_msg(a, &cy.base, &ly);
  return lx == ly && memcmp(bx, by, lx) == 0;
}

/* Is what is stored under this id the same standard as the request? */
static int same_as_stored(store_txn *t, const ImportReq *req, const Standard *s, ProtobufCAllocator *a,
                          bool *same, cat_err *err) {
  const Standard *in = req->standard;
  *same = false;
  Pss__Catalog__V1__StandardStatus want = in->status ? in->status : STATUS_DRAFT;
  bool status_ok = want == s->status || (want == STATUS_PUBLISHED && s->status == STATUS_SUPERSEDED);
  if (!status_ok || strcmp(in->title, s->title) || strcmp(in->parent, s->parent)) return CAT_OK;
  Item **items;
  size_t n;
  int code = load_items(t, s->id, 0, NULL, NULL, 0, a, &items, &n, err);
  if (code != CAT_OK) return code;
  if (n != in->n_items) return CAT_OK;
  for (size_t i = 0; i < in->n_items; i++) {
    const Item *x = in->items[i];
    const Item *y = NULL;
    for (size_t j = 0; j < n && !y; j++)
      if (strcmp(items[j]->code, x->code) == 0) y = items[j];
    if (!y || !same_item(a, x, y)) return CAT_OK;
  }
  Filing **fs;
  size_t nf;
  if ((code = load_filings(t, s->id, a, &fs, &nf, err)) != CAT_OK) return code;
  if (nf != req->n_filings) return CAT_OK;
  for (size_t i = 0; i < req->n_filings; i++) {
    const Filing *y = NULL;
    for (size_t j = 0; j < nf && !y; j++)
      if (strcmp(fs[j]->number, req->filings[i]->number) == 0) y = fs[j];
    if (!y || !same_filing(a, req->filings[i], y)) return CAT_OK;
  }
  *same = true;
  return CAT_OK;
}

static int import_fn(store_txn *t, void *ctx, bool *changed, cat_err *err) {
  import_ctx *w = ctx;
  const ImportReq *req = w->req;
  ProtobufCAllocator *a = w->a;
  const Standard *in = req->standard;
  int code;
  char *id = pa_printf(a, "%s/%s", in->jurisdiction, in->edition);
  Standard *existing;
  if (check_standard_id("standard", id, NULL) == CAT_OK &&
      (code = load_header(t, id, 0, a, &existing, err)) != GRPC_STATUS_NOT_FOUND) {
    if (code != CAT_OK) return code;
    bool same;
    if ((code = same_as_stored(t, req, existing, a, &same, err)) != CAT_OK) return code;
    if (!same)
      return cat_fail(err, GRPC_STATUS_ALREADY_EXISTS,
                      "standard %s already exists with different content (revision %llu); "
                      "import it as a new edition",
                      id, (unsigned long long)existing->revision);
    w->out = existing;
    w->unchanged = true;
    return CAT_OK;  /* nothing to commit */
  }
  Change *ch = change_new(t, a, PSS__CATALOG__V1__CHANGE_KIND__STANDARD_IMPORTED);
  size_t cap = 0, jcap = 0;
  /* jurisdictions: ancestors first; existing ones are left untouched */
  Jurisdiction **js = pa_alloc(a, (req->n_jurisdictions + 1) * sizeof *js);
  if (req->n_jurisdictions) memcpy(js, req->jurisdictions, req->n_jurisdictions * sizeof *js);
  for (size_t i = 0; i < req->n_jurisdictions; i++)
    if (!js[i]) return cat_fail(err, GRPC_STATUS_INVALID_ARGUMENT, "jurisdictions[%zu]: empty", i);
  if (req->n_jurisdictions) qsort(js, req->n_jurisdictions, sizeof *js, by_level);
  for (size_t i = 0; i < req->n_jurisdictions; i++) {
    Jurisdiction *j;
    char path[40];
    snprintf(path, sizeof path, "jurisdictions[%zu]", i);
    if (jur_level(js[i]->code) && load_jurisdiction(t, js[i]->code, a, &j, err) == CAT_OK) continue;
    if ((code = jurisdiction_insert(t, js[i], path, a, &j, err)) != CAT_OK) return code;
    ptrs_push(a, (void ***)&ch->jurisdictions, &ch->n_jurisdictions, &jcap, j);
  }
  Standard *s;
  if ((code = standard_insert(t, in, a, &s, err)) != CAT_OK) return code;
  if ((code = items_apply(t, s, in->items, in->n_items, NULL, 0, "standard.items", a, err)) != CAT_OK)
    return code;
  for (size_t i = 0; i < req->n_filings; i++) {
    char path[32];
    snprintf(path, sizeof path, "filings[%zu]", i);
    if (!req->filings[i]) return cat_fail(err, GRPC_STATUS_INVALID_ARGUMENT, "%s: empty", path);
    if ((code = filing_insert(t, s, req->filings[i], path, a, err)) != CAT_OK) return code;
  }
  switch (in->status) {
    case STATUS_UNSPECIFIED:
    case STATUS_DRAFT:
      ptrs_push(a, (void ***)&ch->standards, &ch->n_standards, &cap, s);
      break;
    case STATUS_PUBLISHED:
      if ((code = standard_publish(t, s, ch, a, err)) != CAT_OK) return code;
      break;
    case STATUS_SUPERSEDED:
    case STATUS_WITHDRAWN:  /* historical editions are recorded as they were */
      s->status = in->status;
      if ((code = put_header(t, s, a, err)) != CAT_OK) return code;
      ptrs_push(a, (void ***)&ch->standards, &ch->n_standards, &cap, s);
      break;
    default:
      return cat_fail(err, GRPC_STATUS_INVALID_ARGUMENT, "standard.status: unknown value %d", in->status);
  }
  ch->standard = s->id;
  ch->n_items = in->n_items;
  ch->items = in->items;
  ch->n_filings = req->n_filings;
  ch->filings = req->filings;
  if ((code = put_change(t, ch, a, err)) != CAT_OK) return code;
  w->out = s;
  *changed = true;
  return CAT_OK;
}

int cat_import_standard(catalog *c, const ProtobufCMessage *rq, ProtobufCAllocator *a,
                        ProtobufCMessage **out, cat_err *err) {
  const ImportReq *req = (const ImportReq *)rq;
  if (!req->standard) return cat_fail(err, GRPC_STATUS_INVALID_ARGUMENT, "standard: required");
  for (size_t i = 0; i < req->standard->n_items; i++)
    if (!req->standard->items[i])
      return cat_fail(err, GRPC_STATUS_INVALID_ARGUMENT, "standard.items[%zu]: empty", i);
  import_ctx w = {.req = req, .a = a};
  int code = store_write(c->st, import_fn, &w, err);
  if (code != CAT_OK) return code;
  ImportResp *resp = pa_alloc(a, sizeof *resp);
  pss__catalog__v1__import_standard_response__init(resp);
  resp->standard = w.out;
  resp->unchanged = w.unchanged;
  *out = &resp->base;
  return CAT_OK;
}
