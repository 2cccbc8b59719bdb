/* report_render.c — format dispatch, finding type names, the CSV writer. */
#include "report_render.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Indexed by the FindingType value; Chinese names as in comparison-svc/report.h. */
static const struct {
  const char *name, *zh;
} TYPES[] = {
    [PSS__COMPARISON__V1__FINDING_TYPE__FINDING_TYPE_UNSPECIFIED] = {"FINDING_TYPE_UNSPECIFIED", "未指定"},
    [PSS__COMPARISON__V1__FINDING_TYPE__INHERITED] = {"INHERITED", "继承"},
    [PSS__COMPARISON__V1__FINDING_TYPE__SUPPLEMENTED] = {"SUPPLEMENTED", "补充完善"},
    [PSS__COMPARISON__V1__FINDING_TYPE__REFINED] = {"REFINED", "细化"},
    [PSS__COMPARISON__V1__FINDING_TYPE__ADDED] = {"ADDED", "新增"},
    [PSS__COMPARISON__V1__FINDING_TYPE__RAISED] = {"RAISED", "调高"},
    [PSS__COMPARISON__V1__FINDING_TYPE__LOWERED] = {"LOWERED", "降低"},
    [PSS__COMPARISON__V1__FINDING_TYPE__NARROWED] = {"NARROWED", "人群缩小"},
    [PSS__COMPARISON__V1__FINDING_TYPE__BROADENED] = {"BROADENED", "人群扩大"},
    [PSS__COMPARISON__V1__FINDING_TYPE__CONTENT_DROPPED] = {"CONTENT_DROPPED", "内容缺失"},
    [PSS__COMPARISON__V1__FINDING_TYPE__MISSING] = {"MISSING", "缺项"},
    [PSS__COMPARISON__V1__FINDING_TYPE__REASSIGNED] = {"REASSIGNED", "责任调整"},
    [PSS__COMPARISON__V1__FINDING_TYPE__INCOMPARABLE_UNIT] = {"INCOMPARABLE_UNIT", "单位不可比"},
    [PSS__COMPARISON__V1__FINDING_TYPE__LEVEL_DROPPED] = {"LEVEL_DROPPED", "指标缺失"},
    [PSS__COMPARISON__V1__FINDING_TYPE__LEVEL_CHANGED] = {"LEVEL_CHANGED", "指标变化"},
    [PSS__COMPARISON__V1__FINDING_TYPE__UNKNOWN_PARENT_ITEM] = {"UNKNOWN_PARENT_ITEM", "上级项目不存在"},
    [PSS__COMPARISON__V1__FINDING_TYPE__DUPLICATE_IMPLEMENTATION] = {"DUPLICATE_IMPLEMENTATION", "重复实施"},
    [PSS__COMPARISON__V1__FINDING_TYPE__REMOVED] = {"REMOVED", "删除"},
    [PSS__COMPARISON__V1__FINDING_TYPE__REWORDED] = {"REWORDED", "改写"},
};
#define N_TYPES (sizeof TYPES / sizeof TYPES[0])

const int RENDER_TYPE_ORDER[] = {
    PSS__COMPARISON__V1__FINDING_TYPE__ADDED,
    PSS__COMPARISON__V1__FINDING_TYPE__SUPPLEMENTED,
    PSS__COMPARISON__V1__FINDING_TYPE__RAISED,
    PSS__COMPARISON__V1__FINDING_TYPE__BROADENED,
    PSS__COMPARISON__V1__FINDING_TYPE__REFINED,
    PSS__COMPARISON__V1__FINDING_TYPE__LOWERED,
    PSS__COMPARISON__V1__FINDING_TYPE__NARROWED,
    PSS__COMPARISON__V1__FINDING_TYPE__CONTENT_DROPPED,
    PSS__COMPARISON__V1__FINDING_TYPE__MISSING,
    PSS__COMPARISON__V1__FINDING_TYPE__LEVEL_DROPPED,
    PSS__COMPARISON__V1__FINDING_TYPE__INCOMPARABLE_UNIT,
    PSS__COMPARISON__V1__FINDING_TYPE__LEVEL_CHANGED,
    PSS__COMPARISON__V1__FINDING_TYPE__UNKNOWN_PARENT_ITEM,
    PSS__COMPARISON__V1__FINDING_TYPE__DUPLICATE_IMPLEMENTATION,
    PSS__COMPARISON__V1__FINDING_TYPE__REASSIGNED,
    PSS__COMPARISON__V1__FINDING_TYPE__REMOVED,
    PSS__COMPARISON__V1__FINDING_TYPE__REWORDED,
};
const size_t RENDER_N_TYPE_ORDER = sizeof RENDER_TYPE_ORDER / sizeof RENDER_TYPE_ORDER[0];

const char *render_type_name(int type) {
  return type >= 0 && (size_t)type < N_TYPES && TYPES[type].name ? TYPES[type].name : "UNKNOWN";
}

const char *render_type_zh(int type) {
  return type >= 0 && (size_t)type < N_TYPES && TYPES[type].zh ? TYPES[type].zh : "未知";
}

const char *render_str(const char *s) { return s ? s : ""; }

int render_format_parse(const char *s, render_format *out) {
  if (!s) return -1;
  if (strcasecmp(s, "json") == 0)
    *out = RENDER_JSON;
  else if (strcasecmp(s, "csv") == 0)
    *out = RENDER_CSV;
  else if (strcasecmp(s, "md") == 0 || strcasecmp(s, "markdown") == 0)
    *out = RENDER_MD;
  else if (strcasecmp(s, "sarif") == 0)
    *out = RENDER_SARIF;
  else
    return -1;
  return 0;
}

const char *render_format_name(render_format f) {
  switch (f) {
    case RENDER_JSON: return "json";
    case RENDER_CSV: return "csv";
    case RENDER_MD: return "md";
    case RENDER_SARIF: return "sarif";
  }
  return "?";
}

int render_finish(FILE *out) {
  if (fflush(out) != 0 || ferror(out)) return RENDER_EIO;
  return RENDER_OK;
}

/* ---------------------------------------------------------------- CSV */

void csv_begin(csv_writer *w, FILE *f) {
  w->f = f;
  w->first = true;
  fputs("\xEF\xBB\xBF", f);
}

void csv_field(csv_writer *w, const char *s) {
  s = render_str(s);
  if (!w->first) fputc(',', w->f);
  w->first = false;
  if (!s[strcspn(s, ",\"\r\n")]) {
    fputs(s, w->f);
    return;
  }
  fputc('"', w->f);
  for (const char *p = s; *p; p++) {
    if (*p == '"') fputc('"', w->f);
    fputc(*p, w->f);
  }
  fputc('"', w->f);
}

void csv_fieldf(csv_writer *w, const char *fmt, ...) {
  char buf[64], *s = buf;
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(buf, sizeof buf, fmt, ap);
  va_end(ap);
  if (n >= (int)sizeof buf) {
    s = malloc((size_t)n + 1);
    if (!s) return;
    va_start(ap, fmt);
    vsnprintf(s, (size_t)n + 1, fmt, ap);
    va_end(ap);
  }
  csv_field(w, n < 0 ? "" : s);
  if (s != buf) free(s);
}

void csv_end_row(csv_writer *w) {
  fputs("\r\n", w->f);
  w->first = true;
}

/* ---------------------------------------------------------------- dispatch */

int render_report(FILE *out, const Pss__Comparison__V1__Report *r, render_format f,
                  const render_names *names) {
  switch (f) {
    case RENDER_JSON: return render_json_report(out, r);
    case RENDER_CSV: return render_csv_findings(out, r->findings, r->n_findings);
    case RENDER_MD: return render_md_report(out, r, names);
    case RENDER_SARIF:
      return render_sarif_findings(out, r->findings, r->n_findings, r->child, r->parent);
  }
  return RENDER_EFORMAT;
}

int render_audit(FILE *out, const Pss__Comparison__V1__AuditReport *a, render_format f,
                 const render_names *names) {
  switch (f) {
    case RENDER_JSON: return render_json_audit(out, a);
    case RENDER_CSV: return render_csv_findings(out, a->findings, a->n_findings);
    case RENDER_MD: return render_md_audit(out, a, names);
    case RENDER_SARIF:
      return render_sarif_findings(out, a->findings, a->n_findings, a->standard,
                                   a->n_chain > 1 ? a->chain[1] : "");
  }
  return RENDER_EFORMAT;
}

int render_editions(FILE *out, const Pss__Comparison__V1__EditionDiff *d, render_format f) {
  switch (f) {
    case RENDER_JSON: return render_json_editions(out, d);
    case RENDER_CSV: return render_csv_editions(out, d);
    case RENDER_MD: return render_md_editions(out, d);
    default: return RENDER_EFORMAT;
  }
}

int render_effective(FILE *out, const Pss__Comparison__V1__EffectiveStandard *e,
                     render_format f) {
  switch (f) {
    case RENDER_JSON: return render_json_effective(out, e);
    case RENDER_CSV: return render_csv_effective(out, e);
    default: return RENDER_EFORMAT;
  }
}

int render_coverage(FILE *out, Pss__Comparison__V1__CoverageResponse *const *pages,
                    size_t n_pages, render_format f) {
  switch (f) {
    case RENDER_JSON: return render_json_coverage(out, pages, n_pages);
    case RENDER_CSV: return render_csv_coverage(out, pages, n_pages);
    case RENDER_MD: return render_md_coverage(out, pages, n_pages);
    default: return RENDER_EFORMAT;
  }
}
