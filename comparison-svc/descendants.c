/*
 * descendants.c — Coverage (the 县域同标 matrix) and Impact (what a parent draft
 * would break), both over the standards directly below a parent.
 *
 * Coverage columns are the PUBLISHED standards that declare `parent` as their parent
 * (its direct children: the counties of a city, the cities of a province), each
 * compared with the parent exactly as Compare does (with its own filings). Deeper
 * descendants implement their own parent's items, not this one's: their matrix is
 * the Coverage of that parent. Rows are the parent's items in the parent's order;
 * items a child adds (ADDED) have no parent row and are not part of the matrix.
 *
 * Impact checks the PUBLISHED standards one level below the parent's jurisdiction
 * whose declared parent is ANY edition of that jurisdiction (the children of the
 * edition in force, which a new draft edition would replace), compares each with
 * the draft and lists the blocking findings that are NEW — not already blocking
 * against the standard it declares today (a county that already lowers a level is
 * not "put in violation" by the draft for that).
 */
#include <pss/comparison/v1/comparison.pb-c.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "cov_token.h"
#include "handlers.h"
#include "ids.h"
#include "to_proto.h"

#define COVERAGE_DEFAULT_PAGE 50
#define COVERAGE_MAX_PAGE 500

/* Compares each child with parent (pair reports: cached across calls for published
 * pairs read at the latest revision; valid until h_pairs_finish). */
static grpc_status_code compare_children(pair_ctx *pc, const cc_standard *parent, bool latest,
                                         const cc_standard *const *heads, size_t n,
                                         const cc_standard **children,
                                         const engine_report **reports) {
  grpc_status_code st;
  for (size_t i = 0; i < n; i++) {
    children[i] = heads[i];
    if ((st = h_pair_report(pc, 'C', heads[i], parent, latest, &reports[i]))) return st;
  }
  return GRPC_STATUS_OK;
}

/* ---------------------------------------------------------------- Coverage */

typedef Pss__Comparison__V1__CoverageCell pb_cell;
typedef Pss__Comparison__V1__CoverageRow pb_row;

static bool wanted(const Pss__Comparison__V1__CoverageRequest *req, engine_finding_type t) {
  if (!req->n_types) return true;
  for (size_t i = 0; i < req->n_types; i++)
    if ((int)req->types[i] == (int)t + 1) return true;
  return false;
}

/* The cell of one child for one parent item; *match = it has a wanted type. */
static pb_cell *make_cell(rpc_call *c, const Pss__Comparison__V1__CoverageRequest *req,
                          const char *child_id, const engine_report *r, const char *pcode,
                          bool *match) {
  pb_cell *cell = rpc_alloc(c, sizeof *cell);
  pss__comparison__v1__coverage_cell__init(cell);
  cell->standard = rpc_strdup(c, child_id);
  size_t n = 0;
  for (size_t i = 0; i < r->n_findings; i++) n += strcmp(r->findings[i].parent_code, pcode) == 0;
  cell->child_item_codes = n ? rpc_alloc(c, n * sizeof(char *)) : NULL;
  cell->types = n ? rpc_alloc(c, n * sizeof *cell->types) : NULL;
  for (size_t i = 0; i < r->n_findings; i++) {
    const engine_finding *f = &r->findings[i];
    if (strcmp(f->parent_code, pcode) != 0) continue;
    if (f->blocking) cell->blocking = true;
    if (wanted(req, f->type)) *match = true;
    Pss__Comparison__V1__FindingType t = (Pss__Comparison__V1__FindingType)(f->type + 1);
    bool seen = false;
    for (size_t k = 0; k < cell->n_types && !seen; k++) seen = cell->types[k] == t;
    if (!seen) cell->types[cell->n_types++] = t;
    if (!f->child_code[0]) continue;
    seen = false;
    for (size_t k = 0; k < cell->n_child_item_codes && !seen; k++)
      seen = strcmp(cell->child_item_codes[k], f->child_code) == 0;
    if (!seen) cell->child_item_codes[cell->n_child_item_codes++] = rpc_strdup(c, f->child_code);
  }
  return cell;
}

/* The row of parent item `it`, or NULL when the filter leaves it out. */
static pb_row *make_row(rpc_call *c, const Pss__Comparison__V1__CoverageRequest *req,
                        const Pss__Catalog__V1__Item *it, const cc_standard *const *children,
                        const engine_report *const *reports, size_t n) {
  pb_row *row = rpc_alloc(c, sizeof *row);
  pss__comparison__v1__coverage_row__init(row);
  row->parent_item_code = rpc_strdup(c, it->code);
  row->item_name = rpc_strdup(c, it->name);
  row->domain = rpc_strdup(c, it->domain);
  row->cells = n ? rpc_alloc(c, n * sizeof *row->cells) : NULL;
  bool match = false;
  for (size_t i = 0; i < n; i++)
    row->cells[row->n_cells++] = make_cell(c, req, children[i]->id, reports[i], it->code, &match);
  return match ? row : NULL;
}

grpc_status_code h_coverage(rpc_call *call, const ProtobufCMessage *reqm, ProtobufCMessage **resp,
                            void *ctx) {
  const Pss__Comparison__V1__CoverageRequest *req = (const void *)reqm;
  cmp_service *svc = ctx;
  grpc_status_code st;
  if ((st = h_check_standard_id(call, "parent", req->parent))) return st;
  if (req->page_size < 0)
    return rpc_fail(call, GRPC_STATUS_INVALID_ARGUMENT, "page_size: must not be negative (got %d)",
                    req->page_size);
  size_t page = req->page_size == 0 ? COVERAGE_DEFAULT_PAGE
                : req->page_size > COVERAGE_MAX_PAGE ? COVERAGE_MAX_PAGE : (size_t)req->page_size;
  int *types = rpc_alloc(call, (req->n_types + 1) * sizeof *types);
  for (size_t i = 0; i < req->n_types; i++) {
    types[i] = (int)req->types[i];
    if (types[i] < 1 || types[i] > ENGINE_FINDING__COUNT)
      return rpc_fail(call, GRPC_STATUS_INVALID_ARGUMENT, "types[%zu]: unknown finding type %d", i,
                      types[i]);
  }
  uint64_t fp = cov_token_fingerprint(req->parent, types, req->n_types);
  uint64_t rev = 0;
  uint32_t offset = 0;
  if (req->page_token[0]) {
    const char *why;
    if (cov_token_parse(req->page_token, fp, &rev, &offset, &why) != 0)
      return rpc_fail(call, GRPC_STATUS_INVALID_ARGUMENT, "page_token: %s", why);
  }

  cc_session s;
  cc_session_begin(&s, svc->cc, call);
  pair_ctx pc = {.s = &s};
  const cc_standard *parent;
  const cc_standard *const *heads = NULL;
  const cc_standard **children = NULL;
  const engine_report **reports = NULL;
  size_t n = 0;
  if ((st = cc_get_standard(&s, req->parent, rev, &parent))) goto out;
  if (offset > parent->n_items) {
    st = rpc_fail(call, GRPC_STATUS_INVALID_ARGUMENT, "page_token: position beyond the listing");
    goto out;
  }
  if ((st = cc_list_standards(&s, "", PSS__CATALOG__V1__STANDARD_STATUS__PUBLISHED, parent->id,
                              &heads, &n)))
    goto out;
  children = rpc_alloc(call, (n + 1) * sizeof *children);
  reports = rpc_alloc(call, (n + 1) * sizeof *reports);
  if ((st = compare_children(&pc, parent, rev == 0, heads, n, children, reports))) goto out;

  Pss__Comparison__V1__CoverageResponse *out =
      rpc_alloc(call, sizeof *out);
  pss__comparison__v1__coverage_response__init(out);
  out->parent = rpc_strdup(call, parent->id);
  out->descendants = n ? rpc_alloc(call, n * sizeof *out->descendants) : NULL;
  for (size_t i = 0; i < n; i++) out->descendants[out->n_descendants++] = rpc_strdup(call, children[i]->id);
  out->rows = rpc_alloc(call, (page + 1) * sizeof *out->rows);
  size_t i = offset;
  for (; i < parent->n_items; i++) {
    pb_row *row = make_row(call, req, parent->items[i], children, reports, n);
    if (!row) continue;
    if (out->n_rows == page) break; /* a further matching row exists: next page starts here */
    out->rows[out->n_rows++] = row;
  }
  if (i < parent->n_items) {
    char tok[COV_TOKEN_LEN + 1];
    cov_token_make(fp, parent->revision, (uint32_t)i, tok);
    out->next_page_token = rpc_strdup(call, tok);
  }
  *resp = &out->base;
out:
  h_pairs_finish(&pc, st == GRPC_STATUS_OK);
  cc_session_end(&s);
  return st;
}

/* ------------------------------------------------------------------ Impact */

/* Same deviation (for "was it already blocking?"). */
static bool same_finding(const engine_finding *a, const engine_finding *b) {
  return a->type == b->type && strcmp(a->child_code, b->child_code) == 0 &&
         strcmp(a->parent_code, b->parent_code) == 0 && strcmp(a->field, b->field) == 0 &&
         strcmp(a->subject, b->subject) == 0;
}

static bool already_blocking(const engine_report *base, const engine_finding *f) {
  for (size_t i = 0; i < base->n_blocking; i++)
    if (same_finding(&base->findings[base->blocking[i]], f)) return true;
  return false;
}

grpc_status_code h_impact(rpc_call *call, const ProtobufCMessage *reqm, ProtobufCMessage **resp,
                          void *ctx) {
  const Pss__Comparison__V1__ImpactRequest *req = (const void *)reqm;
  cmp_service *svc = ctx;
  grpc_status_code st;
  if ((st = h_check_standard_id(call, "parent", req->parent))) return st;
  char pj[ID_JUR_MAX], prefix[ID_JUR_MAX];
  id_parse_standard(req->parent, pj, NULL);
  id_jur_prefix(pj, prefix);
  if (id_jur_level(pj) == 4)
    return rpc_fail(call, GRPC_STATUS_INVALID_ARGUMENT,
                    "parent: %s is a county standard: no jurisdiction lies below it", req->parent);

  cc_session s;
  cc_session_begin(&s, svc->cc, call);
  const cc_standard *draft;
  const cc_standard *const *heads;
  size_t n_heads;
  engine_report r, base;
  memset(&r, 0, sizeof r);
  memset(&base, 0, sizeof base);
  if ((st = cc_get_standard(&s, req->parent, req->revision, &draft))) goto out;
  if ((st = cc_list_standards(&s, prefix, PSS__CATALOG__V1__STANDARD_STATUS__PUBLISHED, NULL,
                              &heads, &n_heads)))
    goto out;

  Pss__Comparison__V1__ImpactResponse *out = rpc_alloc(call, sizeof *out);
  pss__comparison__v1__impact_response__init(out);
  out->parent = rpc_strdup(call, draft->id);
  out->checked = rpc_alloc(call, (n_heads + 1) * sizeof *out->checked);
  out->impacted = rpc_alloc(call, (n_heads + 1) * sizeof *out->impacted);
  for (size_t i = 0; i < n_heads; i++) {
    const cc_standard *h = heads[i];
    char cj[ID_JUR_MAX];
    /* one level down: declares an edition of the parent's jurisdiction as its parent */
    if (!h->parent || !id_parse_standard(h->parent, cj, NULL) || strcmp(cj, pj) != 0 ||
        strcmp(h->jurisdiction, pj) == 0)
      continue;
    const cc_standard *child, *current;
    const engine_filing *const *f;
    size_t nf;
    if ((st = cc_get_standard(&s, h->id, 0, &child))) goto out;
    if ((st = cc_list_filings(&s, h->id, &f, &nf))) goto out;
    if ((st = cc_get_standard(&s, child->parent, 0, &current))) goto out;
    int rc = engine_compare(child, draft, f, nf, &r);
    if (rc == ENGINE_OK) rc = engine_compare(child, current, f, nf, &base);
    if (rc != ENGINE_OK) {
      st = h_engine_fail(call, rc, r.error && r.error[0] ? &r : &base, h->id);
      goto out;
    }
    out->checked[out->n_checked++] = rpc_strdup(call, child->id);
    Pss__Comparison__V1__ImpactedStandard *im = NULL;
    for (size_t k = 0; k < r.n_blocking; k++) {
      const engine_finding *bf = &r.findings[r.blocking[k]];
      if (already_blocking(&base, bf)) continue;
      if (!im) {
        im = rpc_alloc(call, sizeof *im);
        pss__comparison__v1__impacted_standard__init(im);
        im->standard = rpc_strdup(call, child->id);
        im->blocking = rpc_alloc(call, r.n_blocking * sizeof *im->blocking);
      }
      im->blocking[im->n_blocking++] = tp_finding(call, bf);
    }
    if (im) out->impacted[out->n_impacted++] = im;
    engine_report_free(&r);
    engine_report_free(&base);
  }
  *resp = &out->base;
out:
  engine_report_free(&r);
  engine_report_free(&base);
  cc_session_end(&s);
  return st;
}
