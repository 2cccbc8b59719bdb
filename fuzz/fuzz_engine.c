/*
 * fuzz_engine — comparison-svc/engine.h over standards decoded from bytes, as
 * comparison-svc decodes them from catalog-svc's GetStandard replies.
 *
 * Input: byte 0 = mode; then chunks, each a u32 little-endian length + bytes:
 *   chunk 0 = child Standard (packed pss.catalog.v1.Standard),
 *   chunk 1 = parent Standard, chunks 2.. = the child's Filings (at most 16).
 * mode & 3: 0 engine_compare(child, parent, filings), 1 engine_compare_editions(parent
 * = old, child = new), 2 engine_audit([child, parent], filings), 3 engine_resolve.
 * mode & 4: compare the child with itself (same pointer). mode & 8: run twice and
 * require identical reports (determinism).
 * Checked: return code is OK / EINVAL / ENOMEM; engine_report_free() always;
 * on OK every string is readable, counts and verdict are consistent
 * (conformant == no blocking finding, blocking[] points at blocking findings,
 * n_warnings == WARNING findings); on EINVAL an error message is set.
 */
#include <string.h>

#include "engine.h"
#include "fuzz_common.h"

#define MAX_FILINGS 16

static void check_str(const char *s) {
  FUZZ_CHECK(s != NULL);
  (void)strlen(s);
}

static void check_report(const engine_report *r) {
  size_t warnings = 0, blocking = 0;
  check_str(r->child_id);
  check_str(r->parent_id);
  for (size_t i = 0; i < r->n_findings; i++) {
    const engine_finding *f = &r->findings[i];
    FUZZ_CHECK((unsigned)f->type < ENGINE_FINDING__COUNT);
    FUZZ_CHECK(f->severity >= ENGINE_INFO && f->severity <= ENGINE_VIOLATION);
    check_str(f->rule_id);
    check_str(f->child_code);
    check_str(f->parent_code);
    check_str(f->item_name);
    check_str(f->domain);
    check_str(f->field);
    check_str(f->subject);
    check_str(f->old_value);
    check_str(f->new_value);
    check_str(f->message_zh);
    check_str(f->message_en);
    check_str(f->accepted_by);
    check_str(f->origin);
    check_str(f->against);
    FUZZ_CHECK(f->blocking == (f->severity == ENGINE_VIOLATION && f->accepted_by[0] == 0));
    if (f->severity == ENGINE_WARNING) warnings++;
    if (f->blocking) blocking++;
  }
  FUZZ_CHECK(r->n_warnings == warnings);
  FUZZ_CHECK(r->n_blocking == blocking);
  FUZZ_CHECK(r->conformant == (blocking == 0));
  for (size_t i = 0; i < r->n_blocking; i++) {
    FUZZ_CHECK(r->blocking[i] < r->n_findings);
    FUZZ_CHECK(r->findings[r->blocking[i]].blocking);
    if (i) FUZZ_CHECK(r->blocking[i] > r->blocking[i - 1]);
  }
  for (size_t i = 0; i < r->n_domains; i++) check_str(r->domains[i].domain);
  for (size_t i = 0; i < r->n_levels; i++) {
    check_str(r->levels[i].child_id);
    check_str(r->levels[i].parent_id);
    FUZZ_CHECK(r->levels[i].conformant == (r->levels[i].n_blocking == 0));
  }
  for (int t = 0; t < ENGINE_FINDING__COUNT; t++) FUZZ_CHECK(r->counts[t] <= r->n_findings);
}

#define SAME_STR(a, b) FUZZ_CHECK(strcmp((a), (b)) == 0)
static void same_report(const engine_report *a, const engine_report *b) {
  FUZZ_CHECK(a->n_findings == b->n_findings && a->n_blocking == b->n_blocking &&
             a->conformant == b->conformant && a->n_domains == b->n_domains);
  FUZZ_CHECK(memcmp(a->counts, b->counts, sizeof a->counts) == 0);
  for (size_t i = 0; i < a->n_findings; i++) {
    const engine_finding *x = &a->findings[i], *y = &b->findings[i];
    FUZZ_CHECK(x->type == y->type && x->severity == y->severity && x->level == y->level);
    SAME_STR(x->child_code, y->child_code);
    SAME_STR(x->parent_code, y->parent_code);
    SAME_STR(x->field, y->field);
    SAME_STR(x->subject, y->subject);
    SAME_STR(x->old_value, y->old_value);
    SAME_STR(x->new_value, y->new_value);
    SAME_STR(x->message_zh, y->message_zh);
    SAME_STR(x->message_en, y->message_en);
  }
}

static void check_resolved(const engine_resolved *r) {
  check_str(r->standard_id);
  for (size_t i = 0; i < r->n_items; i++) {
    const engine_resolved_item *it = &r->items[i];
    check_str(it->code);
    for (int f = 0; f < ENGINE_RESOLVED_FIELDS; f++) {
      check_str(it->fields[f].field);
      check_str(it->fields[f].value);
      check_str(it->fields[f].standard_id);
      check_str(it->fields[f].item_code);
    }
  }
}

static int run(int mode, const engine_standard *child, const engine_standard *parent,
               const engine_filing *const *filings, size_t nf, engine_report *r) {
  const engine_standard *chain[2] = {child, parent};
  switch (mode & 3) {
    case 0: return engine_compare(child, parent, filings, nf, r);
    case 1: return engine_compare_editions(parent, child, r);
    default: {
      const engine_filing *const *fl[2] = {filings, NULL};
      size_t nfl[2] = {nf, 0};
      return engine_audit(chain, 2, fl, nfl, r);
    }
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 1) return 0;
  int mode = data[0];
  const uint8_t *p = data + 1, *chunk;
  size_t left = size - 1, len;
  engine_standard *child = NULL, *parent = NULL;
  engine_filing *filings[MAX_FILINGS];
  size_t nf = 0;

  if (!fuzz_chunk(&p, &left, &chunk, &len)) return 0;
  child = pss__catalog__v1__standard__unpack(NULL, len, chunk);
  if (!child) return 0;
  if (mode & 4) {
    parent = child;
  } else if (fuzz_chunk(&p, &left, &chunk, &len)) {
    parent = pss__catalog__v1__standard__unpack(NULL, len, chunk);
  }
  if (!parent) goto out;
  while (nf < MAX_FILINGS && fuzz_chunk(&p, &left, &chunk, &len)) {
    engine_filing *f = pss__catalog__v1__filing__unpack(NULL, len, chunk);
    if (!f) break;
    filings[nf++] = f;
  }

  if ((mode & 3) == 3) {
    const engine_standard *chain[2] = {child, parent};
    engine_resolved res;
    int rc = engine_resolve(chain, 2, &res);
    FUZZ_CHECK(rc == ENGINE_OK || rc == ENGINE_EINVAL || rc == ENGINE_ENOMEM);
    if (rc == ENGINE_OK) check_resolved(&res);
    if (rc == ENGINE_EINVAL) check_str(res.error);
    engine_resolved_free(&res);
  } else {
    engine_report r;
    int rc = run(mode, child, parent, (const engine_filing *const *)filings, nf, &r);
    FUZZ_CHECK(rc == ENGINE_OK || rc == ENGINE_EINVAL || rc == ENGINE_ENOMEM);
    if (rc == ENGINE_OK) check_report(&r);
    if (rc == ENGINE_EINVAL) {
      check_str(r.error);
      FUZZ_CHECK(r.error[0]);
    }
    if (mode & 8) {
      engine_report r2;
      int rc2 = run(mode, child, parent, (const engine_filing *const *)filings, nf, &r2);
      FUZZ_CHECK(rc2 == rc);
      if (rc == ENGINE_OK) same_report(&r, &r2);
      engine_report_free(&r2);
    }
    engine_report_free(&r);
  }

out:
  for (size_t i = 0; i < nf; i++) pss__catalog__v1__filing__free_unpacked(filings[i], NULL);
  if (parent && parent != child) pss__catalog__v1__standard__free_unpacked(parent, NULL);
  pss__catalog__v1__standard__free_unpacked(child, NULL);
  return 0;
}
