/* render_csv.c — CSV for spreadsheets: UTF-8 with a BOM, CRLF, RFC 4180 quoting. */
#include <stdlib.h>
#include <string.h>

#include "report_render.h"

static const char *severity_name(int s) {
  const ProtobufCEnumValue *v =
      protobuf_c_enum_descriptor_get_value(&pss__comparison__v1__severity__descriptor, s);
  return v ? v->name : "UNKNOWN";
}

static const char *const FINDING_HEADER[] = {
    "type",         "type_zh",          "rule_id",          "severity",
    "blocking",     "domain",           "child_item_code",  "parent_item_code",
    "item_name",    "field",            "old_value",        "new_value",
    "accepted_by_filing", "message_zh", "message_en",       "subject",
    "child_standard", "parent_standard", "origin",          NULL};

static void header(csv_writer *w, const char *const *cols) {
  for (; *cols; cols++) csv_field(w, *cols);
  csv_end_row(w);
}

int render_csv_findings(FILE *out, Pss__Comparison__V1__Finding *const *fs, size_t n) {
  csv_writer w;
  csv_begin(&w, out);
  header(&w, FINDING_HEADER);
  for (size_t i = 0; i < n; i++) {
    const Pss__Comparison__V1__Finding *f = fs[i];
    csv_field(&w, render_type_name(f->type));
    csv_field(&w, render_type_zh(f->type));
    csv_field(&w, f->rule_id);
    csv_field(&w, severity_name(f->severity));
    csv_field(&w, f->blocking ? "true" : "false");
    csv_field(&w, f->domain);
    csv_field(&w, f->child_item_code);
    csv_field(&w, f->parent_item_code);
    csv_field(&w, f->item_name);
    csv_field(&w, f->field);
    csv_field(&w, f->old_value);
    csv_field(&w, f->new_value);
    csv_field(&w, f->accepted_by_filing);
    csv_field(&w, f->message_zh);
    csv_field(&w, f->message_en);
    csv_field(&w, f->subject);
    csv_field(&w, f->child_standard);
    csv_field(&w, f->parent_standard);
    csv_field(&w, f->origin);
    csv_end_row(&w);
  }
  return render_finish(out);
}

int render_csv_editions(FILE *out, const Pss__Comparison__V1__EditionDiff *d) {
  static const char *const cols[] = {"from",     "to",        "type",      "item_code",
                                     "old_item_code", "item_name", "field", "old_value",
                                     "new_value", "message_zh", "message_en", NULL};
  csv_writer w;
  csv_begin(&w, out);
  header(&w, cols);
  for (size_t i = 0; i < d->n_changes; i++) {
    const Pss__Comparison__V1__EditionChange *c = d->changes[i];
    const ProtobufCEnumValue *v = protobuf_c_enum_descriptor_get_value(
        &pss__comparison__v1__edition_change_type__descriptor, c->type);
    csv_field(&w, d->from);
    csv_field(&w, d->to);
    csv_field(&w, v ? v->name : "UNKNOWN");
    csv_field(&w, c->item_code);
    csv_field(&w, c->old_item_code);
    csv_field(&w, c->item_name);
    csv_field(&w, c->field);
    csv_field(&w, c->old_value);
    csv_field(&w, c->new_value);
    csv_field(&w, c->message_zh);
    csv_field(&w, c->message_en);
    csv_end_row(&w);
  }
  return render_finish(out);
}

/* Joins strs with sep into one field. */
static void joined_field(csv_writer *w, char *const *strs, size_t n, const char *sep) {
  char *buf = NULL;
  size_t len = 0;
  FILE *m = open_memstream(&buf, &len);
  if (!m) {
    csv_field(w, "");
    return;
  }
  for (size_t i = 0; i < n; i++) fprintf(m, "%s%s", i ? sep : "", render_str(strs[i]));
  fclose(m);
  csv_field(w, buf);
  free(buf);
}

static const char *level_comparator(int c) {
  const ProtobufCEnumValue *v =
      protobuf_c_enum_descriptor_get_value(&pss__catalog__v1__comparator__descriptor, c);
  return v ? v->name : "";
}

int render_csv_effective(FILE *out, const Pss__Comparison__V1__EffectiveStandard *e) {
  static const char *const cols[] = {
      "standard", "item_code", "parent_code", "domain", "category", "name", "target",
      "content",  "levels",    "standard_text", "spending", "lead_department", "sources",
      NULL};
  csv_writer w;
  csv_begin(&w, out);
  header(&w, cols);
  for (size_t i = 0; i < e->n_items; i++) {
    const Pss__Comparison__V1__EffectiveItem *ei = e->items[i];
    const Pss__Catalog__V1__Item *it = ei->item;
    csv_field(&w, e->standard);
    csv_field(&w, it ? it->code : "");
    csv_field(&w, it ? it->parent_code : "");
    csv_field(&w, it ? it->domain : "");
    csv_field(&w, it ? it->category : "");
    csv_field(&w, it ? it->name : "");
    csv_field(&w, it && it->target ? it->target->text : "");
    if (it)
      joined_field(&w, it->content, it->n_content, "\n");
    else
      csv_field(&w, "");
    /* levels: "metric COMPARATOR value[-max] unit", one per line */
    char *buf = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&buf, &len);
    if (m) {
      for (size_t k = 0; it && k < it->n_levels; k++) {
        const Pss__Catalog__V1__Level *l = it->levels[k];
        fprintf(m, "%s%s %s %.15g", k ? "\n" : "", render_str(l->metric),
                level_comparator(l->comparator), l->value);
        if (l->comparator == PSS__CATALOG__V1__COMPARATOR__RANGE) fprintf(m, "-%.15g", l->value_max);
        if (l->unit && *l->unit) fprintf(m, " %s", l->unit);
      }
      fclose(m);
    }
    csv_field(&w, buf ? buf : "");
    free(buf);
    csv_field(&w, it ? it->standard_text : "");
    csv_field(&w, it ? it->spending : "");
    csv_field(&w, it ? it->lead_department : "");
    /* sources: "field=standard@revision", one per line */
    buf = NULL;
    m = open_memstream(&buf, &len);
    if (m) {
      for (size_t k = 0; k < ei->n_sources; k++)
        fprintf(m, "%s%s=%s@%llu", k ? "\n" : "", render_str(ei->sources[k]->field),
                render_str(ei->sources[k]->standard),
                (unsigned long long)ei->sources[k]->revision);
      fclose(m);
    }
    csv_field(&w, buf ? buf : "");
    free(buf);
    csv_end_row(&w);
  }
  return render_finish(out);
}

/* One cell of the 县域同标 matrix: "SUPPLEMENTED+REFINED (1.1.1)", " BLOCKING" when a
 * violation no filing accepts; "" when the descendant has no cell for the row. */
void render_coverage_cell(FILE *m, const Pss__Comparison__V1__CoverageCell *c, bool zh) {
  for (size_t t = 0; t < c->n_types; t++)
    fprintf(m, "%s%s", t ? "+" : "", zh ? render_type_zh(c->types[t]) : render_type_name(c->types[t]));
  if (c->n_child_item_codes) {
    fputs(" (", m);
    for (size_t k = 0; k < c->n_child_item_codes; k++)
      fprintf(m, "%s%s", k ? ", " : "", render_str(c->child_item_codes[k]));
    fputc(')', m);
  }
  if (c->blocking) fputs(zh ? " ✗" : " BLOCKING", m);
}

const Pss__Comparison__V1__CoverageCell *render_coverage_find(const Pss__Comparison__V1__CoverageRow *r,
                                                             const char *standard) {
  for (size_t i = 0; i < r->n_cells; i++)
    if (r->cells[i]->standard && strcmp(r->cells[i]->standard, standard) == 0) return r->cells[i];
  return NULL;
}

int render_csv_coverage(FILE *out, Pss__Comparison__V1__CoverageResponse *const *pages,
                        size_t n) {
  csv_writer w;
  csv_begin(&w, out);
  csv_field(&w, "parent_item_code");
  csv_field(&w, "item_name");
  csv_field(&w, "domain");
  const Pss__Comparison__V1__CoverageResponse *p0 = n ? pages[0] : NULL;
  for (size_t d = 0; p0 && d < p0->n_descendants; d++) csv_field(&w, p0->descendants[d]);
  csv_end_row(&w);
  for (size_t p = 0; p < n; p++)
    for (size_t i = 0; i < pages[p]->n_rows; i++) {
      const Pss__Comparison__V1__CoverageRow *r = pages[p]->rows[i];
      csv_field(&w, r->parent_item_code);
      csv_field(&w, r->item_name);
      csv_field(&w, r->domain);
      for (size_t d = 0; p0 && d < p0->n_descendants; d++) {
        const Pss__Comparison__V1__CoverageCell *c = render_coverage_find(r, p0->descendants[d]);
        char *buf = NULL;
        size_t len = 0;
        FILE *m = open_memstream(&buf, &len);
        if (m) {
          if (c) render_coverage_cell(m, c, false);
          fclose(m);
        }
        csv_field(&w, buf ? buf : "");
        free(buf);
      }
      csv_end_row(&w);
    }
  return render_finish(out);
}
