/* render_json.c — the JSON forms of the comparison answers (see report_render.h). */
#include <string.h>

#include "pbjson.h"
#include "report_render.h"

#define RENDER_JSON_FLAGS (JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(15))

/* "counts" in the order of the enum `d` (names the contract does not know: after
 * them, in wire order). Always an object, empty when there are no counts. Works on
 * any map<string, uint32> entry array (every such entry has `key` and `value`). */
#define COUNTS_JSON(o, d, e, n)                                                          \
  do {                                                                                   \
    for (unsigned v_ = 0; v_ < (d)->n_values; v_++)                                      \
      for (size_t i_ = 0; i_ < (n); i_++)                                                \
        if ((e)[i_]->key && strcmp((e)[i_]->key, (d)->values[v_].name) == 0)             \
          json_object_set_new((o), (e)[i_]->key, json_integer((e)[i_]->value));          \
    for (size_t i_ = 0; i_ < (n); i_++)                                                  \
      if ((e)[i_]->key && !json_object_get((o), (e)[i_]->key))                           \
        json_object_set_new((o), (e)[i_]->key, json_integer((e)[i_]->value));           \
  } while (0)

static json_t *findings_json(Pss__Comparison__V1__Finding *const *fs, size_t n) {
  json_t *a = json_array();
  for (size_t i = 0; i < n; i++) json_array_append_new(a, pbjson_from_message(&fs[i]->base));
  return a;
}

static json_t *domain_counts_json(Pss__Comparison__V1__Report__CountsByDomainEntry *const *e,
                                  size_t n) {
  json_t *o = json_object();
  for (size_t i = 0; i < n; i++)
    if (e[i]->key) json_object_set_new(o, e[i]->key, json_integer(e[i]->value));
  return o;
}

static void set_str(json_t *o, const char *k, const char *v) {
  json_object_set_new(o, k, json_string(render_str(v)));
}

static void set_u64(json_t *o, const char *k, uint64_t v) {
  char buf[24];
  snprintf(buf, sizeof buf, "%llu", (unsigned long long)v);
  json_object_set_new(o, k, json_string(buf)); /* proto3 JSON: 64-bit as strings */
}

static json_t *report_json(const Pss__Comparison__V1__Report *r) {
  json_t *o = json_object();
  set_str(o, "child", r->child);
  set_u64(o, "childRevision", r->child_revision);
  set_str(o, "parent", r->parent);
  set_u64(o, "parentRevision", r->parent_revision);
  json_object_set_new(o, "conformant", json_boolean(r->conformant));
  json_t *counts = json_object();
  COUNTS_JSON(counts, &pss__comparison__v1__finding_type__descriptor, r->counts, r->n_counts);
  json_object_set_new(o, "counts", counts);
  json_object_set_new(o, "countsByDomain",
                      domain_counts_json(r->counts_by_domain, r->n_counts_by_domain));
  json_object_set_new(o, "blocking", findings_json(r->blocking, r->n_blocking));
  json_object_set_new(o, "findings", findings_json(r->findings, r->n_findings));
  return o;
}

static int dump(FILE *out, json_t *j) {
  if (!j) return RENDER_EIO;
  int rc = json_dumpf(j, out, RENDER_JSON_FLAGS);
  json_decref(j);
  if (rc != 0) return RENDER_EIO;
  fputc('\n', out);
  return render_finish(out);
}

int render_json_report(FILE *out, const Pss__Comparison__V1__Report *r) {
  return dump(out, report_json(r));
}

int render_json_audit(FILE *out, const Pss__Comparison__V1__AuditReport *a) {
  json_t *o = json_object();
  set_str(o, "standard", a->standard);
  json_t *chain = json_array();
  for (size_t i = 0; i < a->n_chain; i++) json_array_append_new(chain, json_string(a->chain[i]));
  json_object_set_new(o, "chain", chain);
  json_object_set_new(o, "conformant", json_boolean(a->conformant));
  json_t *counts = json_object();
  COUNTS_JSON(counts, &pss__comparison__v1__finding_type__descriptor, a->counts, a->n_counts);
  json_object_set_new(o, "counts", counts);
  json_t *blocking = json_array();
  for (size_t i = 0; i < a->n_findings; i++)
    if (a->findings[i]->blocking)
      json_array_append_new(blocking, pbjson_from_message(&a->findings[i]->base));
  json_object_set_new(o, "blocking", blocking);
  json_object_set_new(o, "findings", findings_json(a->findings, a->n_findings));
  json_t *levels = json_array();
  for (size_t i = 0; i < a->n_levels; i++) json_array_append_new(levels, report_json(a->levels[i]));
  json_object_set_new(o, "levels", levels);
  return dump(out, o);
}

int render_json_editions(FILE *out, const Pss__Comparison__V1__EditionDiff *d) {
  json_t *o = json_object();
  set_str(o, "from", d->from);
  set_str(o, "to", d->to);
  json_t *counts = json_object();
  /* keyed by EditionChangeType names (or FindingType names, whichever the service uses) */
  COUNTS_JSON(counts, &pss__comparison__v1__edition_change_type__descriptor, d->counts,
              d->n_counts);
  json_object_set_new(o, "counts", counts);
  json_t *changes = json_array();
  for (size_t i = 0; i < d->n_changes; i++)
    json_array_append_new(changes, pbjson_from_message(&d->changes[i]->base));
  json_object_set_new(o, "changes", changes);
  return dump(out, o);
}

int render_json_effective(FILE *out, const Pss__Comparison__V1__EffectiveStandard *e) {
  return dump(out, pbjson_from_message(&e->base));
}

int render_json_coverage(FILE *out, Pss__Comparison__V1__CoverageResponse *const *pages,
                         size_t n) {
  json_t *o = json_object();
  set_str(o, "parent", n ? pages[0]->parent : "");
  json_t *desc = json_array();
  if (n)
    for (size_t i = 0; i < pages[0]->n_descendants; i++)
      json_array_append_new(desc, json_string(pages[0]->descendants[i]));
  json_object_set_new(o, "descendants", desc);
  json_t *rows = json_array();
  for (size_t p = 0; p < n; p++)
    for (size_t i = 0; i < pages[p]->n_rows; i++)
      json_array_append_new(rows, pbjson_from_message(&pages[p]->rows[i]->base));
  json_object_set_new(o, "rows", rows);
  return dump(out, o);
}
