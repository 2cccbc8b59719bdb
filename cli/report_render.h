/*
 * report_render.h — renders the comparison service's answers (decoded protobuf-c
 * messages) as JSON, CSV, Markdown or SARIF 2.1.0 into a FILE*.
 *
 * Pure: no RPC, no global state; the same functions serve `stdctl` and the tests in
 * tests/reports. Every renderer returns 0, RENDER_EIO when writing failed, or
 * RENDER_EFORMAT when the format does not apply to that kind of answer (e.g. SARIF of
 * a Resolve).
 *
 *   JSON     Report: {"child","childRevision","parent","parentRevision","conformant",
 *            "counts":{"ADDED":4,…},"countsByDomain":{…},"blocking":[…],"findings":[…]}
 *            (findings in the canonical proto JSON form, lowerCamelCase);
 *            AuditReport: the same keys plus "standard", "chain", "levels";
 *            EditionDiff: "from", "to", "counts", "changes";
 *            EffectiveStandard / Coverage: the canonical JSON of the message (Coverage
 *            pages merged into one object).
 *   CSV      UTF-8 with a BOM, CRLF line ends, RFC 4180 quoting, English header row,
 *            one row per finding (per change, per item, per parent item).
 *   Markdown the structure of seed 001 section 三: title, "在X标准的基础上，新增N项…"
 *            summary, "1.新增的N项分别是：" sections with one "（1）…领域的…" line per
 *            item and its change, the verdict, blocking findings, filings.
 *   SARIF    2.1.0, one rule per rule id used, one result per finding; findings
 *            accepted by a filing carry an external suppression.
 */
#ifndef PSS_CLI_REPORT_RENDER_H
#define PSS_CLI_REPORT_RENDER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "pss/comparison/v1/comparison.pb-c.h"

typedef enum render_format {
  RENDER_JSON = 0,
  RENDER_CSV,
  RENDER_MD,
  RENDER_SARIF
} render_format;

enum { RENDER_OK = 0, RENDER_EIO = -1, RENDER_EFORMAT = -2 };

/* Display names for the prose of the Markdown report; any may be NULL (the standard
 * ids are used then). */
typedef struct render_names {
  const char *child_name;   /* jurisdiction name, "义乌市" */
  const char *parent_name;  /* "金华市" */
  const char *child_title;  /* "义乌市基本公共服务标准（2021年版）" */
  const char *parent_title;
} render_names;

/* "json" "csv" "md" (or "markdown") "sarif" -> format; -1 if unknown. */
int render_format_parse(const char *s, render_format *out);
const char *render_format_name(render_format f);

/* Names of a FindingType: "ADDED", "新增", "PSS-ADDED"; "UNKNOWN"/"未知" otherwise. */
const char *render_type_name(int type);
const char *render_type_zh(int type);
/* Display order of the Markdown summary: 新增, 补充完善, 调高, 细化, then the
 * violations (降低, 人群缩小, 内容缺失, 缺项, …), then the rest. */
extern const int RENDER_TYPE_ORDER[];
extern const size_t RENDER_N_TYPE_ORDER;

int render_report(FILE *out, const Pss__Comparison__V1__Report *r, render_format f,
                  const render_names *names);
int render_audit(FILE *out, const Pss__Comparison__V1__AuditReport *a, render_format f,
                 const render_names *names);
int render_editions(FILE *out, const Pss__Comparison__V1__EditionDiff *d, render_format f);
int render_effective(FILE *out, const Pss__Comparison__V1__EffectiveStandard *e,
                     render_format f);
/* The pages of one Coverage query, in order (rows are concatenated). */
int render_coverage(FILE *out, Pss__Comparison__V1__CoverageResponse *const *pages,
                    size_t n_pages, render_format f);

/* ---- shared by the render_*.c files */
typedef struct csv_writer {
  FILE *f;
  bool first; /* no field written yet on this row */
} csv_writer;
void csv_begin(csv_writer *w, FILE *f);     /* writes the BOM */
void csv_field(csv_writer *w, const char *s); /* RFC 4180: quoted when needed */
void csv_fieldf(csv_writer *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void csv_end_row(csv_writer *w);            /* CRLF */

int render_finish(FILE *out); /* RENDER_OK unless the stream has an error */
const char *render_str(const char *s); /* NULL -> "" */

int render_json_report(FILE *out, const Pss__Comparison__V1__Report *r);
int render_json_audit(FILE *out, const Pss__Comparison__V1__AuditReport *a);
int render_json_editions(FILE *out, const Pss__Comparison__V1__EditionDiff *d);
int render_json_effective(FILE *out, const Pss__Comparison__V1__EffectiveStandard *e);
int render_json_coverage(FILE *out, Pss__Comparison__V1__CoverageResponse *const *pages,
                         size_t n);
int render_csv_findings(FILE *out, Pss__Comparison__V1__Finding *const *fs, size_t n);
int render_csv_editions(FILE *out, const Pss__Comparison__V1__EditionDiff *d);
int render_csv_effective(FILE *out, const Pss__Comparison__V1__EffectiveStandard *e);
int render_csv_coverage(FILE *out, Pss__Comparison__V1__CoverageResponse *const *pages,
                        size_t n);
/* One cell of the coverage matrix ("SUPPLEMENTED+REFINED (1.1.1)", zh: "补充完善+细化 …")
 * and the cell of a row for one descendant (NULL if none). */
void render_coverage_cell(FILE *m, const Pss__Comparison__V1__CoverageCell *c, bool zh);
const Pss__Comparison__V1__CoverageCell *render_coverage_find(
    const Pss__Comparison__V1__CoverageRow *r, const char *standard);
int render_md_report(FILE *out, const Pss__Comparison__V1__Report *r, const render_names *nm);
int render_md_audit(FILE *out, const Pss__Comparison__V1__AuditReport *a,
                    const render_names *nm);
int render_md_editions(FILE *out, const Pss__Comparison__V1__EditionDiff *d);
int render_md_coverage(FILE *out, Pss__Comparison__V1__CoverageResponse *const *pages,
                       size_t n);
int render_sarif_findings(FILE *out, Pss__Comparison__V1__Finding *const *fs, size_t n,
                          const char *child, const char *parent);

#endif
