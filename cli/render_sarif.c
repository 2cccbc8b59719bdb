/* render_sarif.c — SARIF 2.1.0: one rule per rule id used, one result per finding.
 *
 * level: "error" for a blocking violation, "warning" for a violation a filing accepted
 * and for WARNING findings, "note" otherwise. A finding accepted by a filing carries
 * suppressions: [{"kind": "external", "justification": "accepted by filing <number>"}].
 * The location is logical: the item, "330782/2021#1.2.3" (the parent's item for MISSING).
 */
#include <stdlib.h>
#include <jansson.h>
#include <string.h>

#include "report_render.h"

#define SARIF_SCHEMA "https://json.schemastore.org/sarif-2.1.0.json"

/* What each rule checks, in English (SARIF viewers show shortDescription). */
static const char *rule_description_en(int t) {
  switch (t) {
    case PSS__COMPARISON__V1__FINDING_TYPE__INHERITED: return "identical to the parent item after normalisation";
    case PSS__COMPARISON__V1__FINDING_TYPE__SUPPLEMENTED: return "all parent content clauses kept, new clauses added";
    case PSS__COMPARISON__V1__FINDING_TYPE__REFINED: return "same entitlement stated more specifically";
    case PSS__COMPARISON__V1__FINDING_TYPE__ADDED: return "item without a parent item; needs a justification";
    case PSS__COMPARISON__V1__FINDING_TYPE__RAISED: return "level more generous than the parent's; needs a filing";
    case PSS__COMPARISON__V1__FINDING_TYPE__LOWERED: return "level less generous than the parent's";
    case PSS__COMPARISON__V1__FINDING_TYPE__NARROWED: return "a parent target group is not covered";
    case PSS__COMPARISON__V1__FINDING_TYPE__BROADENED: return "target population broadened; needs a filing";
    case PSS__COMPARISON__V1__FINDING_TYPE__CONTENT_DROPPED: return "a parent content clause neither kept nor extended";
    case PSS__COMPARISON__V1__FINDING_TYPE__MISSING: return "parent item not implemented; needs a filed exemption";
    case PSS__COMPARISON__V1__FINDING_TYPE__REASSIGNED: return "spending responsibility or lead department changed";
    case PSS__COMPARISON__V1__FINDING_TYPE__INCOMPARABLE_UNIT: return "levels in units that cannot be converted";
    case PSS__COMPARISON__V1__FINDING_TYPE__LEVEL_DROPPED: return "a parent measurable level is absent";
    case PSS__COMPARISON__V1__FINDING_TYPE__LEVEL_CHANGED: return "level differs and its direction is unknown";
    case PSS__COMPARISON__V1__FINDING_TYPE__UNKNOWN_PARENT_ITEM: return "parent_code names no item of the parent";
    case PSS__COMPARISON__V1__FINDING_TYPE__DUPLICATE_IMPLEMENTATION: return "several items implement one parent item";
    case PSS__COMPARISON__V1__FINDING_TYPE__REMOVED: return "item of the old edition removed";
    case PSS__COMPARISON__V1__FINDING_TYPE__REWORDED: return "content clauses replaced";
    default: return "comparison finding";
  }
}

static const char *severity_level(int sev) {
  switch (sev) {
    case PSS__COMPARISON__V1__SEVERITY__VIOLATION: return "error";
    case PSS__COMPARISON__V1__SEVERITY__WARNING: return "warning";
    default: return "note";
  }
}

static const char *result_level(const Pss__Comparison__V1__Finding *f) {
  if (f->blocking) return "error";
  if (f->severity == PSS__COMPARISON__V1__SEVERITY__VIOLATION ||
      f->severity == PSS__COMPARISON__V1__SEVERITY__WARNING)
    return "warning";
  return "note";
}

/* reportingDescriptor: id = rule id ("PSS-RAISED"), name = finding type ("RAISED"). */
static json_t *rule_json(const Pss__Comparison__V1__Finding *f) {
  json_t *r = json_object();
  char id[96];
  snprintf(id, sizeof id, "%s", f->rule_id && *f->rule_id ? f->rule_id : render_type_name(f->type));
  json_object_set_new(r, "id", json_string(id));
  json_object_set_new(r, "name", json_string(render_type_name(f->type)));
  char text[256];
  snprintf(text, sizeof text, "%s (%s): %s", render_type_name(f->type), render_type_zh(f->type),
           rule_description_en(f->type));
  json_object_set_new(r, "shortDescription", json_pack("{s:s}", "text", text));
  json_object_set_new(r, "defaultConfiguration",
                      json_pack("{s:s}", "level", severity_level(f->severity)));
  json_object_set_new(r, "properties", json_pack("{s:s,s:s}", "findingType",
                                                 render_type_name(f->type), "nameZh",
                                                 render_type_zh(f->type)));
  return r;
}

static void opt_prop(json_t *o, const char *k, const char *v) {
  if (v && *v) json_object_set_new(o, k, json_string(v));
}

int render_sarif_findings(FILE *out, Pss__Comparison__V1__Finding *const *fs, size_t n,
                          const char *child, const char *parent) {
  json_t *rules = json_array();
  json_t *results = json_array();
  for (size_t i = 0; i < n; i++) {
    const Pss__Comparison__V1__Finding *f = fs[i];
    const char *rid = f->rule_id && *f->rule_id ? f->rule_id : render_type_name(f->type);
    size_t ri = json_array_size(rules);
    for (size_t k = 0; k < json_array_size(rules); k++)
      if (strcmp(json_string_value(json_object_get(json_array_get(rules, k), "id")), rid) == 0)
        ri = k;
    if (ri == json_array_size(rules)) json_array_append_new(rules, rule_json(f));

    json_t *res = json_object();
    json_object_set_new(res, "ruleId", json_string(rid));
    json_object_set_new(res, "ruleIndex", json_integer((json_int_t)ri));
    json_object_set_new(res, "level", json_string(result_level(f)));
    char *text = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&text, &len);
    if (m) {
      fprintf(m, "%s / %s", render_str(f->message_en), render_str(f->message_zh));
      fclose(m);
    }
    json_object_set_new(res, "message", json_pack("{s:s}", "text", text ? text : ""));
    free(text);

    /* the item: the child's, or the parent's when the child has none (MISSING) */
    bool on_child = f->child_item_code && *f->child_item_code;
    const char *code = on_child ? f->child_item_code : render_str(f->parent_item_code);
    const char *std = on_child ? (f->child_standard && *f->child_standard ? f->child_standard : child)
                               : (f->parent_standard && *f->parent_standard ? f->parent_standard
                                                                            : parent);
    char *fq = NULL;
    m = open_memstream(&fq, &len);
    if (m) {
      fprintf(m, "%s#%s", render_str(std), code);
      fclose(m);
    }
    json_t *ll = json_pack("{s:s,s:s,s:s}", "name", code, "fullyQualifiedName", fq ? fq : "",
                           "kind", "member");
    free(fq);
    json_t *loc = json_object();
    json_object_set_new(loc, "logicalLocations", json_pack("[o]", ll));
    json_object_set_new(res, "locations", json_pack("[o]", loc));

    if (f->accepted_by_filing && *f->accepted_by_filing) {
      char *just = NULL;
      m = open_memstream(&just, &len);
      if (m) {
        fprintf(m, "accepted by filing %s", f->accepted_by_filing);
        fclose(m);
      }
      json_object_set_new(res, "suppressions",
                          json_pack("[{s:s,s:s}]", "kind", "external", "justification",
                                    just ? just : ""));
      free(just);
    }

    json_t *props = json_object();
    json_object_set_new(props, "findingType", json_string(render_type_name(f->type)));
    json_object_set_new(props, "findingTypeZh", json_string(render_type_zh(f->type)));
    json_object_set_new(props, "blocking", json_boolean(f->blocking));
    opt_prop(props, "domain", f->domain);
    opt_prop(props, "itemName", f->item_name);
    opt_prop(props, "childItemCode", f->child_item_code);
    opt_prop(props, "parentItemCode", f->parent_item_code);
    opt_prop(props, "field", f->field);
    opt_prop(props, "subject", f->subject);
    opt_prop(props, "oldValue", f->old_value);
    opt_prop(props, "newValue", f->new_value);
    opt_prop(props, "childStandard", f->child_standard);
    opt_prop(props, "parentStandard", f->parent_standard);
    opt_prop(props, "origin", f->origin);
    opt_prop(props, "acceptedByFiling", f->accepted_by_filing);
    json_object_set_new(res, "properties", props);
    json_array_append_new(results, res);
  }

  json_t *driver = json_object();
  json_object_set_new(driver, "name", json_string("pss-comparison"));
  json_object_set_new(driver, "rules", rules);
  json_t *run = json_object();
  json_object_set_new(run, "tool", json_pack("{s:o}", "driver", driver));
  json_object_set_new(run, "results", results);
  json_t *props = json_object();
  opt_prop(props, "child", child);
  opt_prop(props, "parent", parent);
  json_object_set_new(run, "properties", props);
  json_t *doc = json_object();
  json_object_set_new(doc, "$schema", json_string(SARIF_SCHEMA));
  json_object_set_new(doc, "version", json_string("2.1.0"));
  json_object_set_new(doc, "runs", json_pack("[o]", run));
  int rc = json_dumpf(doc, out, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
  json_decref(doc);
  if (rc != 0) return RENDER_EIO;
  fputc('\n', out);
  return render_finish(out);
}
