/* test_render.c — the report renderers of stdctl (cli/report_render.h), each format
 * rendered into memory (open_memstream) from messages built here and checked exactly. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "report_render.h"

#define FILING "义发改备〔2021〕12号"
#define TRICKY "含逗号,和\"引号\"\n以及换行"

typedef Pss__Comparison__V1__Finding finding;

/* ---------------------------------------------------------------- fixture */

typedef struct fixture {
  finding f[5];
  finding *fp[5];
  finding *blk[1];
  Pss__Comparison__V1__Report__CountsEntry c[5];
  Pss__Comparison__V1__Report__CountsEntry *cp[5];
  Pss__Comparison__V1__Report__CountsByDomainEntry d[2];
  Pss__Comparison__V1__Report__CountsByDomainEntry *dp[2];
  Pss__Comparison__V1__Report r;
} fixture;

static void set_finding(finding *f, int type, const char *rule, int sev, const char *domain,
                        const char *child_code, const char *parent_code, const char *name,
                        const char *field) {
  finding init = PSS__COMPARISON__V1__FINDING__INIT;
  *f = init;
  f->type = type;
  f->rule_id = (char *)rule;
  f->severity = sev;
  f->domain = (char *)domain;
  f->child_item_code = (char *)child_code;
  f->parent_item_code = (char *)parent_code;
  f->item_name = (char *)name;
  f->field = (char *)field;
  f->child_standard = "330782/2021";
  f->parent_standard = "330700/2021";
  f->origin = "330782/2021";
}

/* Yiwu vs Jinhua in miniature: one item of each kind, the RAISED one accepted by a
 * filing, the LOWERED one blocking, the REFINED one with a comma, quotes and a newline
 * in its texts. */
static fixture *make_fixture(void) {
  fixture *x = calloc(1, sizeof *x);
  finding *f = x->f;
  set_finding(&f[0], PSS__COMPARISON__V1__FINDING_TYPE__ADDED, "PSS-ADDED",
              PSS__COMPARISON__V1__SEVERITY__INFO, "文有所化", "YW-ADD-2", "", "文艺健身进家庭",
              "item");
  f[0].new_value = "文艺健身进家庭";
  f[0].message_zh = "新增项目“文艺健身进家庭”，上级标准无对应项目";
  f[0].message_en = "item \"文艺健身进家庭\" added; the parent has no such item";
  set_finding(&f[1], PSS__COMPARISON__V1__FINDING_TYPE__SUPPLEMENTED, "PSS-SUPPLEMENTED",
              PSS__COMPARISON__V1__SEVERITY__INFO, "幼有所育", "1.1.1", "1.1.1",
              "免费孕前优生健康检查", "content");
  f[1].new_value = "开设新婚夫妇课堂、孕妇课堂等，开展公益性早期家庭教育指导";
  f[1].message_zh = "在上级标准基础上补充服务内容";
  f[1].message_en = "1 content clause(s) added";
  set_finding(&f[2], PSS__COMPARISON__V1__FINDING_TYPE__RAISED, "PSS-RAISED",
              PSS__COMPARISON__V1__SEVERITY__VIOLATION, "事有所便", "11.2.1", "11.2.1", "环境质量",
              "levels");
  f[2].subject = "空气质量优良天数比率";
  f[2].old_value = "≥92%";
  f[2].new_value = "≥97%";
  f[2].accepted_by_filing = FILING;
  f[2].message_zh = "空气质量优良天数比率由≥92%调高至≥97%，高于上级标准";
  f[2].message_en = "air quality raised from ≥92% to ≥97%: above the level of the parent";
  set_finding(&f[3], PSS__COMPARISON__V1__FINDING_TYPE__LOWERED, "PSS-LOWERED",
              PSS__COMPARISON__V1__SEVERITY__VIOLATION, "老有所养", "6.1.2", "6.1.2",
              "老年人福利补贴", "levels");
  f[3].subject = "补贴标准";
  f[3].old_value = "≥100元/月";
  f[3].new_value = "≥80元/月";
  f[3].blocking = 1;
  f[3].message_zh = "补贴标准由≥100元/月降低为≥80元/月，低于上级标准，不符合“品质不降低”";
  f[3].message_en = "subsidy lowered from ≥100元/月 to ≥80元/月: below the level of the parent";
  set_finding(&f[4], PSS__COMPARISON__V1__FINDING_TYPE__REFINED, "PSS-REFINED",
              PSS__COMPARISON__V1__SEVERITY__INFO, "住有所居", "7.1.1", "7.1.1", "公租房保障",
              "content");
  f[4].old_value = "提供公租房";
  f[4].new_value = TRICKY;
  f[4].message_zh = TRICKY;
  f[4].message_en = "clause extended: \"a, b\"";
  for (int i = 0; i < 5; i++) x->fp[i] = &f[i];
  x->blk[0] = &f[3];

  static const char *const names[] = {"ADDED", "SUPPLEMENTED", "RAISED", "LOWERED", "REFINED"};
  for (int i = 0; i < 5; i++) {
    Pss__Comparison__V1__Report__CountsEntry e = PSS__COMPARISON__V1__REPORT__COUNTS_ENTRY__INIT;
    x->c[i] = e;
    x->c[i].key = (char *)names[i];
    x->c[i].value = 1;
    x->cp[i] = &x->c[i];
  }
  for (int i = 0; i < 2; i++) {
    Pss__Comparison__V1__Report__CountsByDomainEntry e =
        PSS__COMPARISON__V1__REPORT__COUNTS_BY_DOMAIN_ENTRY__INIT;
    x->d[i] = e;
    x->d[i].key = i ? "老有所养" : "幼有所育";
    x->d[i].value = 1;
    x->dp[i] = &x->d[i];
  }
  Pss__Comparison__V1__Report r = PSS__COMPARISON__V1__REPORT__INIT;
  x->r = r;
  x->r.child = "330782/2021";
  x->r.child_revision = 42;
  x->r.parent = "330700/2021";
  x->r.parent_revision = 17;
  x->r.conformant = 0;
  x->r.n_counts = 5;
  x->r.counts = x->cp;
  x->r.n_counts_by_domain = 2;
  x->r.counts_by_domain = x->dp;
  x->r.n_findings = 5;
  x->r.findings = x->fp;
  x->r.n_blocking = 1;
  x->r.blocking = x->blk;
  return x;
}

/* Renders with fn into a malloc'd NUL-terminated buffer; asserts the return code. */
typedef struct buf {
  char *s;
  size_t n;
} buf;

#define RENDER(b, expect_rc, call)              \
  do {                                          \
    FILE *out_ = open_memstream(&(b).s, &(b).n); \
    assert_non_null(out_);                      \
    FILE *out = out_;                           \
    int rc_ = (call);                           \
    fclose(out_);                               \
    assert_int_equal(rc_, (expect_rc));         \
  } while (0)

static int setup(void **state) {
  *state = make_fixture();
  return *state ? 0 : -1;
}
static int teardown(void **state) {
  free(*state);
  return 0;
}

/* ---------------------------------------------------------------- JSON */

static void test_json_report(void **state) {
  fixture *x = *state;
  buf b = {0};
  RENDER(b, RENDER_OK, render_report(out, &x->r, RENDER_JSON, NULL));
  json_error_t err;
  json_t *j = json_loadb(b.s, b.n, 0, &err);
  assert_non_null(j);
  assert_true(json_is_object(json_object_get(j, "counts")));
  assert_int_equal(json_integer_value(json_object_get(json_object_get(j, "counts"), "ADDED")), 1);
  assert_int_equal(json_integer_value(json_object_get(json_object_get(j, "counts"), "RAISED")), 1);
  assert_true(json_is_false(json_object_get(j, "conformant")));
  assert_int_equal(json_array_size(json_object_get(j, "findings")), 5);
  assert_int_equal(json_array_size(json_object_get(j, "blocking")), 1);
  assert_string_equal(json_string_value(json_object_get(j, "child")), "330782/2021");
  assert_string_equal(json_string_value(json_object_get(j, "parent")), "330700/2021");
  assert_string_equal(json_string_value(json_object_get(j, "childRevision")), "42");
  assert_int_equal(
      json_integer_value(json_object_get(json_object_get(j, "countsByDomain"), "老有所养")), 1);
  /* findings: canonical proto JSON, lowerCamelCase, enum names */
  json_t *f2 = json_array_get(json_object_get(j, "findings"), 2);
  assert_string_equal(json_string_value(json_object_get(f2, "type")), "RAISED");
  assert_string_equal(json_string_value(json_object_get(f2, "acceptedByFiling")), FILING);
  assert_string_equal(json_string_value(json_object_get(f2, "childItemCode")), "11.2.1");
  json_t *f4 = json_array_get(json_object_get(j, "findings"), 4);
  assert_string_equal(json_string_value(json_object_get(f4, "messageZh")), TRICKY);
  /* counts in FindingType order: SUPPLEMENTED(2) REFINED(3) ADDED(4) RAISED(5) LOWERED(6) */
  const char *first = json_object_iter_key(json_object_iter(json_object_get(j, "counts")));
  assert_string_equal(first, "SUPPLEMENTED");
  json_decref(j);
  free(b.s);

  /* conformant true is written (proto3 JSON would omit false/true defaults) */
  x->r.conformant = 1;
  x->r.n_counts = 0;
  RENDER(b, RENDER_OK, render_report(out, &x->r, RENDER_JSON, NULL));
  j = json_loadb(b.s, b.n, 0, &err);
  assert_non_null(j);
  assert_true(json_is_true(json_object_get(j, "conformant")));
  assert_int_equal(json_object_size(json_object_get(j, "counts")), 0);
  json_decref(j);
  free(b.s);
}

/* ---------------------------------------------------------------- CSV */

/* Splits RFC 4180 text into records; returns the number of records and checks each
 * has ncols fields; *tricky receives a copy of field `col` of record `row`. */
static size_t csv_records(const char *s, size_t ncols, size_t row, size_t col, char **field) {
  size_t records = 0, fields = 0;
  char *cur = malloc(strlen(s) + 1);
  size_t cl = 0;
  bool q = false;
  for (const char *p = s;; p++) {
    if (q) {
      assert_true(*p != '\0'); /* unterminated quote */
      if (*p == '"' && p[1] == '"') {
        cur[cl++] = '"';
        p++;
      } else if (*p == '"') {
        q = false;
      } else {
        cur[cl++] = *p;
      }
      continue;
    }
    if (*p == '"') {
      assert_int_equal(cl, 0); /* quotes only around a whole field */
      q = true;
    } else if (*p == ',' || *p == '\r' || *p == '\0') {
      cur[cl] = '\0';
      if (records == row && fields == col && field) *field = strdup(cur);
      fields++;
      cl = 0;
      if (*p == '\r') {
        assert_int_equal(p[1], '\n'); /* CRLF only */
        p++;
        assert_int_equal(fields, ncols);
        records++;
        fields = 0;
      } else if (*p == '\0') {
        assert_int_equal(fields, 1); /* the text ends with CRLF: nothing after it */
        assert_int_equal(cl, 0);
        break;
      }
    } else {
      assert_true(*p != '\n'); /* a bare LF outside quotes */
      cur[cl++] = *p;
    }
  }
  free(cur);
  return records;
}

static void test_csv_report(void **state) {
  fixture *x = *state;
  buf b = {0};
  RENDER(b, RENDER_OK, render_report(out, &x->r, RENDER_CSV, NULL));
  assert_true(b.n > 3);
  assert_memory_equal(b.s, "\xEF\xBB\xBF", 3);
  const char *body = b.s + 3;
  static const char HEADER[] =
      "type,type_zh,rule_id,severity,blocking,domain,child_item_code,parent_item_code,"
      "item_name,field,old_value,new_value,accepted_by_filing,message_zh,message_en,"
      "subject,child_standard,parent_standard,origin\r\n";
  assert_true(strncmp(body, HEADER, strlen(HEADER)) == 0);
  /* the tricky field quoted with doubled quotes, its newline kept inside the quotes */
  assert_non_null(strstr(body, "\"含逗号,和\"\"引号\"\"\n以及换行\""));
  assert_non_null(strstr(body, "\r\n"));
  char *field = NULL;
  size_t rows = csv_records(body, 19, 5, 13, &field); /* record 5 = 5th finding, message_zh */
  assert_int_equal(rows, 1 + 5);
  assert_non_null(field);
  assert_string_equal(field, TRICKY);
  free(field);
  /* one row: RAISED, accepted by the filing, not blocking; LOWERED blocking */
  assert_non_null(strstr(body, "\r\nRAISED,调高,PSS-RAISED,VIOLATION,false,事有所便,11.2.1,"));
  assert_non_null(strstr(body, "," FILING ","));
  assert_non_null(strstr(body, "\r\nLOWERED,降低,PSS-LOWERED,VIOLATION,true,"));
  /* a message with a comma and quotes (English) */
  assert_non_null(strstr(body, ",\"clause extended: \"\"a, b\"\"\","));
  free(b.s);
}

/* ---------------------------------------------------------------- Markdown */

static void test_md_report(void **state) {
  fixture *x = *state;
  buf b = {0};
  render_names nm = {"义乌市", "金华市", "义乌市基本公共服务标准（2021年版）",
                     "金华市基本公共服务标准（2021年版）"};
  RENDER(b, RENDER_OK, render_report(out, &x->r, RENDER_MD, &nm));
  const char *s = b.s;
  assert_non_null(strstr(s, "# 义乌市标准与金华市标准的区别\n"));
  assert_non_null(strstr(s, "在金华市标准的基础上，新增1项基本公共服务标准和内容，"
                            "补充完善1项基本公共服务标准和内容，调高1项基本公共服务标准，"
                            "细化1项基本公共服务标准和内容，降低1项基本公共服务标准。"));
  assert_non_null(strstr(s, "新增1项"));
  assert_non_null(strstr(s, "\n1.新增的1项分别是：\n"));
  assert_non_null(strstr(s, "（1）文有所化领域的文艺健身进家庭（YW-ADD-2）。"));
  assert_non_null(strstr(s, "\n2.补充完善的1项分别是：\n"));
  assert_non_null(strstr(s, "幼有所育领域的免费孕前优生健康检查（1.1.1），在金华市标准基础上增加开设新婚夫妇课堂"));
  assert_non_null(strstr(s, "\n3.调高的1项分别是：\n"));
  assert_non_null(strstr(s, "事有所便领域的环境质量（11.2.1）（金华市标准：空气质量优良天数比率≥92%；"
                            "义乌市标准：≥97%）。已由提标备案“" FILING "”接受。"));
  assert_non_null(strstr(s, "\n4.细化的1项分别是：\n\n公租房保障。\n"));
  assert_non_null(strstr(s, "\n5.降低的1项分别是：\n"));
  /* the newline of the tricky text does not break the line structure */
  assert_non_null(strstr(s, "含逗号,和\"引号\" 以及换行"));
  /* verdict, blocking table, filings */
  assert_non_null(strstr(s, "**不符合**：1项阻断性问题"));
  assert_non_null(strstr(s, "| 1 | 降低 LOWERED | PSS-LOWERED | 老有所养 | 老年人福利补贴 | 6.1.2 |"));
  assert_non_null(strstr(s, "## 提标备案"));
  assert_non_null(strstr(s, "| " FILING " | 调高 | 环境质量 | 11.2.1 | 空气质量优良天数比率≥92% → ≥97% |"));
  free(b.s);

  /* without names: ids */
  x->r.conformant = 1;
  x->r.n_blocking = 0;
  x->f[3].blocking = 0;
  RENDER(b, RENDER_OK, render_report(out, &x->r, RENDER_MD, NULL));
  assert_non_null(strstr(b.s, "# 330782/2021 与 330700/2021 的区别"));
  assert_non_null(strstr(b.s, "在上级标准（330700/2021）的基础上，新增1项"));
  assert_non_null(strstr(b.s, "**符合**"));
  assert_null(strstr(b.s, "阻断性问题\n\n|"));
  free(b.s);
}

/* ---------------------------------------------------------------- SARIF */

static json_t *result_by_rule(json_t *results, const char *rule) {
  size_t i;
  json_t *r;
  json_array_foreach(results, i, r) if (strcmp(json_string_value(json_object_get(r, "ruleId")),
                                               rule) == 0) return r;
  return NULL;
}

static void test_sarif_report(void **state) {
  fixture *x = *state;
  buf b = {0};
  RENDER(b, RENDER_OK, render_report(out, &x->r, RENDER_SARIF, NULL));
  json_error_t err;
  json_t *j = json_loadb(b.s, b.n, 0, &err);
  assert_non_null(j);
  assert_string_equal(json_string_value(json_object_get(j, "version")), "2.1.0");
  assert_string_equal(json_string_value(json_object_get(j, "$schema")),
                      "https://json.schemastore.org/sarif-2.1.0.json");
  json_t *run = json_array_get(json_object_get(j, "runs"), 0);
  assert_int_equal(json_array_size(json_object_get(j, "runs")), 1);
  json_t *driver = json_object_get(json_object_get(run, "tool"), "driver");
  assert_string_equal(json_string_value(json_object_get(driver, "name")), "pss-comparison");
  json_t *rules = json_object_get(driver, "rules");
  assert_int_equal(json_array_size(rules), 5);
  json_t *rule2 = json_array_get(rules, 2);
  assert_string_equal(json_string_value(json_object_get(rule2, "id")), "PSS-RAISED");
  assert_string_equal(json_string_value(json_object_get(rule2, "name")), "RAISED");
  assert_non_null(json_string_value(json_object_get(json_object_get(rule2, "shortDescription"), "text")));
  assert_string_equal(json_string_value(json_object_get(
                          json_object_get(rule2, "defaultConfiguration"), "level")),
                      "error");
  json_t *results = json_object_get(run, "results");
  assert_int_equal(json_array_size(results), 5);

  json_t *raised = result_by_rule(results, "PSS-RAISED");
  assert_non_null(raised);
  json_t *sup = json_array_get(json_object_get(raised, "suppressions"), 0);
  assert_non_null(sup);
  assert_string_equal(json_string_value(json_object_get(sup, "kind")), "external");
  assert_string_equal(json_string_value(json_object_get(sup, "justification")),
                      "accepted by filing " FILING);
  assert_string_equal(json_string_value(json_object_get(raised, "level")), "warning");
  assert_int_equal(json_integer_value(json_object_get(raised, "ruleIndex")), 2);

  json_t *lowered = result_by_rule(results, "PSS-LOWERED");
  assert_string_equal(json_string_value(json_object_get(lowered, "level")), "error");
  assert_null(json_object_get(lowered, "suppressions"));
  assert_string_equal(
      json_string_value(json_object_get(json_object_get(lowered, "message"), "text")),
      "subsidy lowered from ≥100元/月 to ≥80元/月: below the level of the parent / "
      "补贴标准由≥100元/月降低为≥80元/月，低于上级标准，不符合“品质不降低”");

  json_t *added = result_by_rule(results, "PSS-ADDED");
  assert_string_equal(json_string_value(json_object_get(added, "level")), "note");
  json_t *ll = json_array_get(
      json_object_get(json_array_get(json_object_get(added, "locations"), 0), "logicalLocations"),
      0);
  assert_string_equal(json_string_value(json_object_get(ll, "name")), "YW-ADD-2");
  assert_string_equal(json_string_value(json_object_get(ll, "fullyQualifiedName")),
                      "330782/2021#YW-ADD-2");
  assert_string_equal(json_string_value(json_object_get(ll, "kind")), "member");
  json_decref(j);
  free(b.s);
}

/* A MISSING finding sits on the parent's item. */
static void test_sarif_missing(void **state) {
  fixture *x = *state;
  set_finding(&x->f[0], PSS__COMPARISON__V1__FINDING_TYPE__MISSING, "PSS-MISSING",
              PSS__COMPARISON__V1__SEVERITY__VIOLATION, "学有所教", "", "2.1.3", "学前教育幼儿资助",
              "item");
  x->f[0].blocking = 1;
  x->r.n_findings = 1;
  buf b = {0};
  RENDER(b, RENDER_OK, render_report(out, &x->r, RENDER_SARIF, NULL));
  assert_non_null(strstr(b.s, "\"fullyQualifiedName\": \"330700/2021#2.1.3\""));
  assert_non_null(strstr(b.s, "\"level\": \"error\""));
  free(b.s);
  RENDER(b, RENDER_OK, render_report(out, &x->r, RENDER_MD, NULL));
  assert_non_null(strstr(b.s, "缺项1项上级标准项目"));
  assert_non_null(strstr(b.s, "1.缺项的1项分别是：\n\n（1）学有所教领域的学前教育幼儿资助（2.1.3）："));
  free(b.s);
}

/* ---------------------------------------------------------------- other answers */

static void test_audit(void **state) {
  fixture *x = *state;
  x->f[3].origin = "330700/2021"; /* the gap first appeared one level up */
  char *chain[] = {"330782/2021", "330700/2021", "330000/2021", "CN/2021"};
  Pss__Comparison__V1__Report *levels[] = {&x->r};
  Pss__Comparison__V1__AuditReport a = PSS__COMPARISON__V1__AUDIT_REPORT__INIT;
  a.standard = "330782/2021";
  a.n_chain = 4;
  a.chain = chain;
  a.conformant = 0;
  Pss__Comparison__V1__AuditReport__CountsEntry ce[5], *cep[5];
  for (int i = 0; i < 5; i++) {
    Pss__Comparison__V1__AuditReport__CountsEntry init =
        PSS__COMPARISON__V1__AUDIT_REPORT__COUNTS_ENTRY__INIT;
    ce[i] = init;
    ce[i].key = x->c[i].key;
    ce[i].value = x->c[i].value;
    cep[i] = &ce[i];
  }
  a.n_counts = 5;
  a.counts = cep;
  a.n_findings = 5;
  a.findings = x->fp;
  a.n_levels = 1;
  a.levels = levels;
  buf b = {0};
  RENDER(b, RENDER_OK, render_audit(out, &a, RENDER_JSON, NULL));
  json_t *j = json_loadb(b.s, b.n, 0, NULL);
  assert_non_null(j);
  assert_int_equal(json_array_size(json_object_get(j, "chain")), 4);
  assert_int_equal(json_integer_value(json_object_get(json_object_get(j, "counts"), "ADDED")), 1);
  assert_true(json_is_false(json_object_get(j, "conformant")));
  assert_int_equal(json_array_size(json_object_get(j, "findings")), 5);
  assert_int_equal(json_array_size(json_object_get(j, "blocking")), 1);
  assert_int_equal(json_array_size(json_object_get(j, "levels")), 1);
  json_decref(j);
  free(b.s);
  RENDER(b, RENDER_OK, render_audit(out, &a, RENDER_MD, NULL));
  assert_non_null(strstr(b.s, "审计链：330782/2021 → 330700/2021 → 330000/2021 → CN/2021"));
  assert_non_null(strstr(b.s, "（首次出现于330700/2021，对照330700/2021）"));
  assert_non_null(strstr(b.s, "| 330782/2021 | 330700/2021 | 不符合 | 5 | 1 |"));
  free(b.s);
  RENDER(b, RENDER_OK, render_audit(out, &a, RENDER_CSV, NULL));
  assert_int_equal(csv_records(b.s + 3, 19, 0, 0, NULL), 6);
  free(b.s);
  RENDER(b, RENDER_OK, render_audit(out, &a, RENDER_SARIF, NULL));
  assert_non_null(strstr(b.s, "\"version\": \"2.1.0\""));
  free(b.s);
}

static void test_editions(void **state) {
  (void)state;
  Pss__Comparison__V1__EditionChange c[2] = {PSS__COMPARISON__V1__EDITION_CHANGE__INIT,
                                             PSS__COMPARISON__V1__EDITION_CHANGE__INIT};
  c[0].type = PSS__COMPARISON__V1__EDITION_CHANGE_TYPE__ITEM_ADDED;
  c[0].item_code = "1.2.3";
  c[0].item_name = "新项目";
  c[0].message_zh = "新版新增项目“新项目”";
  c[1].type = PSS__COMPARISON__V1__EDITION_CHANGE_TYPE__LEVEL_RAISED;
  c[1].item_code = "11.2.1";
  c[1].item_name = "环境质量";
  c[1].old_value = "≥92%";
  c[1].new_value = "≥95%";
  Pss__Comparison__V1__EditionChange *cp[] = {&c[0], &c[1]};
  Pss__Comparison__V1__EditionDiff__CountsEntry e[2] = {
      PSS__COMPARISON__V1__EDITION_DIFF__COUNTS_ENTRY__INIT,
      PSS__COMPARISON__V1__EDITION_DIFF__COUNTS_ENTRY__INIT};
  e[0].key = "LEVEL_RAISED";
  e[0].value = 1;
  e[1].key = "ITEM_ADDED";
  e[1].value = 1;
  Pss__Comparison__V1__EditionDiff__CountsEntry *ep[] = {&e[0], &e[1]};
  Pss__Comparison__V1__EditionDiff d = PSS__COMPARISON__V1__EDITION_DIFF__INIT;
  d.from = "330700/2021";
  d.to = "330700/2023";
  d.n_counts = 2;
  d.counts = ep;
  d.n_changes = 2;
  d.changes = cp;
  buf b = {0};
  RENDER(b, RENDER_OK, render_editions(out, &d, RENDER_JSON));
  json_t *j = json_loadb(b.s, b.n, 0, NULL);
  assert_non_null(j);
  assert_int_equal(json_integer_value(json_object_get(json_object_get(j, "counts"), "ITEM_ADDED")), 1);
  /* counts in EditionChangeType order */
  assert_string_equal(json_object_iter_key(json_object_iter(json_object_get(j, "counts"))),
                      "ITEM_ADDED");
  assert_int_equal(json_array_size(json_object_get(j, "changes")), 2);
  json_decref(j);
  free(b.s);
  RENDER(b, RENDER_OK, render_editions(out, &d, RENDER_CSV));
  assert_int_equal(csv_records(b.s + 3, 11, 0, 0, NULL), 3);
  free(b.s);
  RENDER(b, RENDER_OK, render_editions(out, &d, RENDER_MD));
  assert_non_null(strstr(b.s, "# 330700/2021 → 330700/2023 版本变化"));
  assert_non_null(strstr(b.s, "与旧版相比，新增项目1项，调高1项。"));
  assert_non_null(strstr(b.s, "2.调高的1项分别是：\n\n（1）环境质量（11.2.1）（≥92% → ≥95%）。"));
  free(b.s);
  RENDER(b, RENDER_EFORMAT, render_editions(out, &d, RENDER_SARIF));
  free(b.s);
}

static void test_coverage_pages(void **state) {
  (void)state;
  Pss__Comparison__V1__FindingType t_inh[] = {PSS__COMPARISON__V1__FINDING_TYPE__INHERITED};
  Pss__Comparison__V1__FindingType t_mis[] = {PSS__COMPARISON__V1__FINDING_TYPE__MISSING};
  Pss__Comparison__V1__FindingType t_two[] = {PSS__COMPARISON__V1__FINDING_TYPE__SUPPLEMENTED,
                                              PSS__COMPARISON__V1__FINDING_TYPE__REFINED};
  char *codes[] = {"1.1.1"};
  Pss__Comparison__V1__CoverageCell cells[3] = {PSS__COMPARISON__V1__COVERAGE_CELL__INIT,
                                                PSS__COMPARISON__V1__COVERAGE_CELL__INIT,
                                                PSS__COMPARISON__V1__COVERAGE_CELL__INIT};
  cells[0].standard = "330781/2021"; /* 兰溪 */
  cells[0].n_types = 1;
  cells[0].types = t_inh;
  cells[0].n_child_item_codes = 1;
  cells[0].child_item_codes = codes;
  cells[1].standard = "330782/2021"; /* 义乌 */
  cells[1].n_types = 2;
  cells[1].types = t_two;
  cells[1].n_child_item_codes = 1;
  cells[1].child_item_codes = codes;
  cells[2].standard = "330783/2021"; /* 东阳 */
  cells[2].n_types = 1;
  cells[2].types = t_mis;
  cells[2].blocking = 1;
  Pss__Comparison__V1__CoverageCell *row0[] = {&cells[0], &cells[1], &cells[2]};
  Pss__Comparison__V1__CoverageCell *row1[] = {&cells[2]};
  Pss__Comparison__V1__CoverageRow rows[2] = {PSS__COMPARISON__V1__COVERAGE_ROW__INIT,
                                              PSS__COMPARISON__V1__COVERAGE_ROW__INIT};
  rows[0].parent_item_code = "1.1.1";
  rows[0].item_name = "免费孕前优生健康检查";
  rows[0].domain = "幼有所育";
  rows[0].n_cells = 3;
  rows[0].cells = row0;
  rows[1].parent_item_code = "1.1.2";
  rows[1].item_name = "孕产妇健康服务, \"含逗号\"";
  rows[1].n_cells = 1;
  rows[1].cells = row1;
  char *desc[] = {"330781/2021", "330782/2021", "330783/2021"};
  Pss__Comparison__V1__CoverageRow *r0[] = {&rows[0]}, *r1[] = {&rows[1]};
  Pss__Comparison__V1__CoverageResponse p[2] = {PSS__COMPARISON__V1__COVERAGE_RESPONSE__INIT,
                                                PSS__COMPARISON__V1__COVERAGE_RESPONSE__INIT};
  for (int i = 0; i < 2; i++) {
    p[i].parent = "330700/2021";
    p[i].n_descendants = 3;
    p[i].descendants = desc;
    p[i].n_rows = 1;
    p[i].rows = i ? r1 : r0;
  }
  p[0].next_page_token = "tok";
  Pss__Comparison__V1__CoverageResponse *pages[] = {&p[0], &p[1]};
  buf b = {0};
  RENDER(b, RENDER_OK, render_coverage(out, pages, 2, RENDER_CSV));
  assert_memory_equal(b.s, "\xEF\xBB\xBF", 3);
  assert_true(strncmp(b.s + 3,
                      "parent_item_code,item_name,domain,330781/2021,330782/2021,330783/2021\r\n"
                      "1.1.1,免费孕前优生健康检查,幼有所育,INHERITED (1.1.1),"
                      "SUPPLEMENTED+REFINED (1.1.1),MISSING BLOCKING\r\n"
                      "1.1.2,\"孕产妇健康服务, \"\"含逗号\"\"\",,,,MISSING BLOCKING\r\n",
                      1000) == 0);
  free(b.s);
  RENDER(b, RENDER_OK, render_coverage(out, pages, 2, RENDER_JSON));
  json_t *j = json_loadb(b.s, b.n, 0, NULL);
  assert_non_null(j);
  assert_int_equal(json_array_size(json_object_get(j, "rows")), 2);
  assert_int_equal(json_array_size(json_object_get(j, "descendants")), 3);
  assert_null(json_object_get(j, "nextPageToken"));
  json_decref(j);
  free(b.s);
  RENDER(b, RENDER_OK, render_coverage(out, pages, 2, RENDER_MD));
  assert_non_null(strstr(b.s, "| 1.1.1 | 免费孕前优生健康检查 | 幼有所育 | 继承 (1.1.1) | 补充完善+细化 (1.1.1) | 缺项 ✗ |"));
  free(b.s);
  RENDER(b, RENDER_EFORMAT, render_coverage(out, pages, 2, RENDER_SARIF));
  free(b.s);
}

static void test_effective(void **state) {
  (void)state;
  char *content[] = {"孕前优生健康检查", "健康教育, 咨询"};
  Pss__Catalog__V1__Level lv = PSS__CATALOG__V1__LEVEL__INIT;
  lv.metric = "检查次数";
  lv.comparator = PSS__CATALOG__V1__COMPARATOR__GE;
  lv.value = 1;
  lv.unit = "次";
  Pss__Catalog__V1__Level *lvp[] = {&lv};
  Pss__Catalog__V1__Item it = PSS__CATALOG__V1__ITEM__INIT;
  it.code = "1.1.1";
  it.parent_code = "1.1.1";
  it.domain = "幼有所育";
  it.name = "免费孕前优生健康检查";
  it.n_content = 2;
  it.content = content;
  it.n_levels = 1;
  it.levels = lvp;
  Pss__Comparison__V1__FieldSource src = PSS__COMPARISON__V1__FIELD_SOURCE__INIT;
  src.field = "content";
  src.standard = "330782/2021";
  src.jurisdiction = "330782";
  src.revision = 7;
  Pss__Comparison__V1__FieldSource *srcp[] = {&src};
  Pss__Comparison__V1__EffectiveItem ei = PSS__COMPARISON__V1__EFFECTIVE_ITEM__INIT;
  ei.item = &it;
  ei.n_sources = 1;
  ei.sources = srcp;
  Pss__Comparison__V1__EffectiveItem *eip[] = {&ei};
  Pss__Comparison__V1__EffectiveStandard e = PSS__COMPARISON__V1__EFFECTIVE_STANDARD__INIT;
  e.standard = "330782/2021";
  e.n_items = 1;
  e.items = eip;
  buf b = {0};
  RENDER(b, RENDER_OK, render_effective(out, &e, RENDER_CSV));
  char *field = NULL;
  assert_int_equal(csv_records(b.s + 3, 13, 1, 7, &field), 2);
  assert_string_equal(field, "孕前优生健康检查\n健康教育, 咨询");
  free(field);
  assert_non_null(strstr(b.s, ",检查次数 GE 1 次,"));
  assert_non_null(strstr(b.s, ",content=330782/2021@7\r\n"));
  free(b.s);
  RENDER(b, RENDER_OK, render_effective(out, &e, RENDER_JSON));
  json_t *j = json_loadb(b.s, b.n, 0, NULL);
  assert_non_null(j);
  assert_string_equal(json_string_value(json_object_get(
                          json_object_get(json_array_get(json_object_get(j, "items"), 0), "item"),
                          "parentCode")),
                      "1.1.1");
  json_decref(j);
  free(b.s);
  RENDER(b, RENDER_EFORMAT, render_effective(out, &e, RENDER_MD));
  free(b.s);
}

static void test_format_names(void **state) {
  (void)state;
  render_format f;
  assert_int_equal(render_format_parse("markdown", &f), 0);
  assert_int_equal(f, RENDER_MD);
  assert_int_equal(render_format_parse("SARIF", &f), 0);
  assert_int_equal(f, RENDER_SARIF);
  assert_int_equal(render_format_parse("xml", &f), -1);
  assert_string_equal(render_type_zh(PSS__COMPARISON__V1__FINDING_TYPE__NARROWED), "人群缩小");
  assert_string_equal(render_type_zh(PSS__COMPARISON__V1__FINDING_TYPE__MISSING), "缺项");
  assert_string_equal(render_type_name(PSS__COMPARISON__V1__FINDING_TYPE__REWORDED), "REWORDED");
  assert_string_equal(render_type_name(99), "UNKNOWN");
  /* every FindingType of the contract has a name and a Chinese name */
  const ProtobufCEnumDescriptor *d = &pss__comparison__v1__finding_type__descriptor;
  for (unsigned i = 0; i < d->n_values; i++) {
    assert_string_equal(render_type_name(d->values[i].value), d->values[i].name);
    assert_string_not_equal(render_type_zh(d->values[i].value), "未知");
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_json_report, setup, teardown),
      cmocka_unit_test_setup_teardown(test_csv_report, setup, teardown),
      cmocka_unit_test_setup_teardown(test_md_report, setup, teardown),
      cmocka_unit_test_setup_teardown(test_sarif_report, setup, teardown),
      cmocka_unit_test_setup_teardown(test_sarif_missing, setup, teardown),
      cmocka_unit_test_setup_teardown(test_audit, setup, teardown),
      cmocka_unit_test(test_editions),
      cmocka_unit_test(test_coverage_pages),
      cmocka_unit_test(test_effective),
      cmocka_unit_test(test_format_names),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
