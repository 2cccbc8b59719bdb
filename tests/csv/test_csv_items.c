/* test_csv_items.c — the item table <-> Item JSON mapping of cli/csv_items.c: the good
 * path, every bad-row kind of issue 4 (bad jurisdiction code, unknown domain,
 * non-numeric level, broken quoting) named by row and column, and lossless export. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "csv_items.h"

#define HEADER "行政区划代码,编码,上级编码,领域,服务类别,服务项目,服务对象,服务内容,指标,对象人群,备案\r\n"
#define ROW_OK(code) "330782," code ",JH-1,幼有所育,优孕优生服务,项目" code ",全市居民,条款,,,\r\n"

static json_t *decode(const char *csv, csv_msgs *m, size_t **rows) {
  memset(m, 0, sizeof *m);
  return csv_items_decode("t.csv", csv, strlen(csv), "330782", rows, m);
}

/* Exactly one problem, equal to `want`. */
static void expect_one(const char *csv, const char *want) {
  csv_msgs m;
  json_t *items = decode(csv, &m, NULL);
  assert_null(items);
  if (m.n != 1) {
    for (size_t i = 0; i < m.n; i++) print_message("  got: %s\n", m.v[i]);
    fail_msg("expected 1 problem, got %zu", m.n);
  }
  if (strcmp(m.v[0], want) != 0) fail_msg("got:  %s\nwant: %s", m.v[0], want);
  csv_msgs_free(&m);
}

static void test_good_table(void **st) {
  (void)st;
  const char *csv =
      "\xEF\xBB\xBF" HEADER
      "330782,YW-1.1.1,JH-1.1.1, 幼有所育 ,优孕优生服务,孕产妇健康服务,\"辖区内常住孕产妇\","
      "\"为孕产妇提供孕期保健；产后访视\r\n第二条\r\n\","
      "\"孕期保健服务次数|≥|5|次|高优|至少5次\n等待时间|LE|30|天|低优\n比率|~|90~95.5|%|HIGHER_IS_BETTER\","
      "\"孕产妇:常住；0-6岁儿童：户籍\n流动人口\",\"义发改备〔2021〕1号\"\r\n"
      ",,,,,,,,,,\r\n" /* a blank row is skipped */
      ",YW-1.1.2,,学有所教,,项目二,,,,,\r\n";
  csv_msgs m;
  size_t *rows = NULL;
  json_t *items = decode(csv, &m, &rows);
  for (size_t i = 0; i < m.n; i++) print_message("%s\n", m.v[i]);
  assert_non_null(items);
  assert_int_equal(json_array_size(items), 2);
  assert_int_equal(rows[0], 2);
  assert_int_equal(rows[1], 4);
  json_error_t je;
  json_t *want = json_loads(
      "{\"code\":\"YW-1.1.1\",\"parentCode\":\"JH-1.1.1\",\"domain\":\"幼有所育\","
      "\"category\":\"优孕优生服务\",\"name\":\"孕产妇健康服务\","
      "\"target\":{\"text\":\"辖区内常住孕产妇\",\"groups\":["
      "{\"name\":\"孕产妇\",\"residency\":\"RESIDENT\"},"
      "{\"name\":\"0-6岁儿童\",\"residency\":\"HOUSEHOLD\"},{\"name\":\"流动人口\"}]},"
      "\"content\":[\"为孕产妇提供孕期保健；产后访视\",\"第二条\"],"
      "\"levels\":[{\"metric\":\"孕期保健服务次数\",\"comparator\":\"GE\",\"value\":5.0,"
      "\"unit\":\"次\",\"direction\":\"HIGHER_IS_BETTER\",\"text\":\"至少5次\"},"
      "{\"metric\":\"等待时间\",\"comparator\":\"LE\",\"value\":30.0,\"unit\":\"天\","
      "\"direction\":\"LOWER_IS_BETTER\"},"
      "{\"metric\":\"比率\",\"comparator\":\"RANGE\",\"value\":90.0,\"valueMax\":95.5,"
      "\"unit\":\"%\",\"direction\":\"HIGHER_IS_BETTER\"}],"
      "\"filingRefs\":[\"义发改备〔2021〕1号\"]}",
      0, &je);
  assert_non_null(want);
  char *got = json_dumps(json_array_get(items, 0), JSON_SORT_KEYS);
  if (!json_equal(json_array_get(items, 0), want)) fail_msg("got %s", got);
  free(got);
  json_decref(want);
  csv_msgs_free(&m);
  free(rows);
  json_decref(items);
}

static void test_english_headers_and_ignored_columns(void **st) {
  (void)st;
  csv_msgs m;
  json_t *items = decode("序号,CODE,domain,Name,levels\n1,A-1,事有所便,环境质量,"
                         "空气质量优良天数比率|>=|97|%|higher|97%以上\n", &m, NULL);
  for (size_t i = 0; i < m.n; i++) print_message("%s\n", m.v[i]);
  assert_non_null(items);
  json_t *l = json_array_get(json_object_get(json_array_get(items, 0), "levels"), 0);
  assert_string_equal(json_string_value(json_object_get(l, "comparator")), "GE");
  assert_true(json_real_value(json_object_get(l, "value")) == 97.0);
  assert_string_equal(json_string_value(json_object_get(l, "text")), "97%以上");
  json_decref(items);
}

/* ---- the four bad-row kinds of issue 4 */

static void test_bad_jurisdiction_code(void **st) {
  (void)st;
  expect_one(HEADER ROW_OK("A-1") "33078X,A-2,JH-1,幼有所育,c,n,t,x,,,\r\n" ROW_OK("A-3"),
             "t.csv: row 3, column 行政区划代码: \"33078X\" is not a jurisdiction code: must be "
             "\"CN\" or 6 digits");
  expect_one(HEADER "990782,A-2,JH-1,幼有所育,c,n,t,x,,,\r\n",
             "t.csv: row 2, column 行政区划代码: \"990782\" is not a jurisdiction code: the first "
             "two digits are no GB/T 2260 province");
  expect_one(HEADER "330781,A-2,JH-1,幼有所育,c,n,t,x,,,\r\n",
             "t.csv: row 2, column 行政区划代码: \"330781\" is not the jurisdiction of the "
             "standard being imported (330782)");
}

static void test_unknown_domain(void **st) {
  (void)st;
  expect_one(HEADER ROW_OK("A-1") ROW_OK("A-2") "330782,A-3,,幼有所教,c,n,t,x,,,\r\n",
             "t.csv: row 4, column 领域: \"幼有所教\" is not a known 领域 (幼有所育, 学有所教, "
             "劳有所得, 病有所医, 老有所养, 住有所居, 弱有所扶, 军有所抚, 优军服务保障, 文有所化, "
             "体有所健, 文体服务保障, 事有所便)");
}

static void test_non_numeric_level(void **st) {
  (void)st;
  expect_one(HEADER ROW_OK("A-1") "330782,A-2,,事有所便,c,n,t,x,空气质量优良天数比率|≥|九十二|%|高优,,\r\n",
             "t.csv: row 3, column 指标: \"九十二\" is not a number");
  /* the other level parts, and the line named in a multi-line cell */
  expect_one(HEADER "330782,A-2,,事有所便,c,n,t,x,\"a|≥|1|%|高优\nb|大于|1|%|高优\",,\r\n",
             "t.csv: row 2, column 指标: \"大于\" is not a comparator (≥, ≤, =, ~ or GE, LE, EQ, "
             "RANGE) (line 2 of the cell)");
  expect_one(HEADER "330782,A-2,,事有所便,c,n,t,x,a|≥|1|%|高,,\r\n",
             "t.csv: row 2, column 指标: \"高\" is not a direction (高优 or 低优; "
             "HIGHER_IS_BETTER or LOWER_IS_BETTER)");
  expect_one(HEADER "330782,A-2,,事有所便,c,n,t,x,a|~|95~90|%|高优,,\r\n",
             "t.csv: row 2, column 指标: \"95~90\": the upper bound is below the lower bound");
  expect_one(HEADER "330782,A-2,,事有所便,c,n,t,x,a|≥|97%,,\r\n",
             "t.csv: row 2, column 指标: \"a|≥|97%\" needs 5 or 6 parts separated by '|': "
             "指标名|比较|数值|单位|方向[|原文], e.g. 空气质量优良天数比率|≥|97|%|高优|97%以上");
}

static void test_broken_quoting(void **st) {
  (void)st;
  /* unterminated: the quote opened in row 3 swallows the rest of the file */
  expect_one(HEADER ROW_OK("A-1") "330782,A-2,,幼有所育,c,\"n,t,x,,,\r\n" ROW_OK("A-3"),
             "t.csv: row 3, column 服务项目: unterminated quoted field: the '\"' opened on line 3 "
             "is never closed");
  expect_one(HEADER ROW_OK("A-1") "330782,A-2,,幼有所育,c,名\"称,t,x,,,\r\n",
             "t.csv: row 3, column 服务项目: broken quoting: '\"' inside an unquoted field (quote "
             "the whole field and double the '\"')");
  /* rows before the broken one are still checked */
  csv_msgs m;
  assert_null(decode(HEADER "330782,A-1,,幼有所教,c,n,t,x,,,\r\n330782,A-2,,幼有所育,c,\"n\"x,t,x,,,\r\n",
                     &m, NULL));
  assert_int_equal(m.n, 2);
  assert_non_null(strstr(m.v[0], "row 2, column 领域"));
  assert_non_null(strstr(m.v[1], "row 3, column 服务项目: broken quoting"));
  csv_msgs_free(&m);
}

/* ---- other checks */

static void test_all_rows_checked(void **st) {
  (void)st;
  csv_msgs m;
  json_t *items = decode(HEADER "330782,A-1,,幼有所教,c,n,t,x,,,\r\n"
                                "330782,bad code,,幼有所育,c,n,t,x,,,\r\n"
                                "330782,A-3,,幼有所育,c,,t,x,,,\r\n"
                                "330782,A-1,,幼有所育,c,n,t,x,,孕产妇:长住,\r\n"
                                "330782,A-5,,幼有所育,c,n,t,x,,,\r\n"
                                "330782,A-5,,幼有所育,c,n,t,x,,,\r\n",
                         &m, NULL);
  assert_null(items);
  for (size_t i = 0; i < m.n; i++) print_message("%s\n", m.v[i]);
  assert_int_equal(m.n, 6);
  assert_non_null(strstr(m.v[0], "row 2, column 领域"));
  assert_string_equal(m.v[1], "t.csv: row 3, column 编码: \"bad code\" is not an item code (1-64 "
                              "of 0-9 A-Z a-z . _ -)");
  assert_string_equal(m.v[2], "t.csv: row 4, column 服务项目: required (the item's name)");
  assert_string_equal(m.v[3], "t.csv: row 5, column 对象人群: \"孕产妇:长住\": \"长住\" is not a "
                              "residency (常住, 户籍, 居住证 or 未指定)");
  /* duplicates are found among bad rows too */
  assert_string_equal(m.v[4], "t.csv: row 5, column 编码: duplicate code \"A-1\" (also row 2)");
  assert_string_equal(m.v[5], "t.csv: row 7, column 编码: duplicate code \"A-5\" (also row 6)");
  csv_msgs_free(&m);
}

static void test_header_problems(void **st) {
  (void)st;
  expect_one("编码,服务项目\nA-1,n\n", "t.csv: row 1: required column 领域 (domain) is missing");
  csv_msgs m;
  assert_null(decode("编码,领域,服务项目,服务标谁\nA-1,幼有所育,n,x\n", &m, NULL));
  assert_int_equal(m.n, 1);
  assert_non_null(strstr(m.v[0], "row 1, column 4: unknown column \"服务标谁\""));
  csv_msgs_free(&m);
  expect_one("", "t.csv: empty file (expected a header row: 编码,上级编码,领域,…)");
  expect_one("编码,领域,服务项目\r\n", "t.csv: no items (only a header row)");
  /* Excel's trailing empty columns are fine */
  json_t *items = decode("编码,领域,服务项目,,\nA-1,幼有所育,n,,\n", &m, NULL);
  assert_non_null(items);
  json_decref(items);
}

static void test_jurisdiction_codes(void **st) {
  (void)st;
  const char *ok[] = {"CN", "330000", "330700", "330782", "110101", "820000", NULL};
  const char *bad[] = {"", "cn", "33078", "3307820", "000000", "990000", "330012", "33O782", NULL};
  for (int i = 0; ok[i]; i++)
    if (!csv_items_valid_jurisdiction(ok[i], NULL)) fail_msg("%s should be valid", ok[i]);
  for (int i = 0; bad[i]; i++)
    if (csv_items_valid_jurisdiction(bad[i], NULL)) fail_msg("%s should be invalid", bad[i]);
}

static void test_numbers(void **st) {
  (void)st;
  char b[64];
  struct {
    double v;
    const char *s;
  } cases[] = {{97, "97"}, {0.1, "0.1"}, {99.8, "99.8"}, {19332, "19332"}, {-5, "-5"},
               {1611.5, "1611.5"}, {1e20, "1e+20"}, {0, "0"}, {1.0 / 3, "0.3333333333333333"}};
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    csv_items_format_number(cases[i].v, b, sizeof b);
    assert_string_equal(b, cases[i].s);
  }
}

static char *encode(json_t *items, char *err, size_t errlen, int *rc) {
  char *buf = NULL;
  size_t len = 0;
  FILE *f = open_memstream(&buf, &len);
  *rc = csv_items_encode(f, items, "330782", err, errlen);
  fclose(f);
  return buf;
}

static void test_export_import_lossless(void **st) {
  (void)st;
  json_error_t je;
  json_t *items = json_loads(
      "[{\"code\":\"YW-1\",\"parentCode\":\"JH-1\",\"domain\":\"事有所便\",\"category\":\"生态环境服务\","
      "\"name\":\"环境质量\",\"target\":{\"text\":\"全市居民, \\\"所有人\\\"\",\"groups\":["
      "{\"name\":\"居民\",\"residency\":\"RESIDENT\"},{\"name\":\"a:b\"},"
      "{\"name\":\"持证人\",\"residency\":\"RESIDENCE_PERMIT\"}]},"
      "\"content\":[\"第一条，含逗号\",\"第二条；含分号\"],"
      "\"levels\":[{\"metric\":\"空气质量优良天数比率\",\"comparator\":\"GE\",\"value\":97.0,"
      "\"unit\":\"%\",\"direction\":\"HIGHER_IS_BETTER\",\"text\":\"97%以上|注\"},"
      "{\"metric\":\"等待\",\"comparator\":\"RANGE\",\"value\":0.1,\"valueMax\":2.5,"
      "\"direction\":\"LOWER_IS_BETTER\"}],"
      "\"standardText\":\"多行\\n标准 \",\"spending\":\"地方\",\"leadDepartment\":\"生态环境部门\","
      "\"filingRefs\":[\"义发改备〔2021〕1号\",\"义发改备〔2021〕2号\"],"
      "\"exemptionRefs\":[\"X-1\"],\"note\":\"备注\"},"
      "{\"code\":\"YW-2\",\"domain\":\"文体服务保障\",\"name\":\"n\"}]",
      0, &je);
  assert_non_null(items);
  char err[512] = "";
  int rc;
  char *csv = encode(items, err, sizeof err, &rc);
  if (rc) fail_msg("encode: %s", err);
  assert_memory_equal(csv, "\xEF\xBB\xBF行政区划代码,编码,", strlen("\xEF\xBB\xBF行政区划代码,编码,"));
  csv_msgs m;
  json_t *back = decode(csv, &m, NULL);
  for (size_t i = 0; i < m.n; i++) print_message("%s\n", m.v[i]);
  assert_non_null(back);
  if (!json_equal(items, back)) {
    char *a = json_dumps(items, JSON_SORT_KEYS), *b = json_dumps(back, JSON_SORT_KEYS);
    fail_msg("round trip differs:\n%s\n%s", a, b);
  }
  json_decref(back);
  free(csv);
  json_decref(items);
}

static void test_export_refuses_what_it_cannot_hold(void **st) {
  (void)st;
  const char *cases[][2] = {
      {"[{\"code\":\"A\",\"domain\":\"幼有所育\",\"name\":\"n\",\"content\":[\"a\\nb\"]}]",
       "item A: content[0] is blank or holds a line break"},
      {"[{\"code\":\"A\",\"domain\":\"幼有所育\",\"name\":\"n\",\"levels\":[{\"metric\":\"m|x\","
       "\"comparator\":\"GE\",\"value\":1,\"direction\":\"HIGHER_IS_BETTER\"}]}]",
       "item A: levels[0]:"},
      {"[{\"code\":\"A\",\"domain\":\"未知领域\",\"name\":\"n\"}]", "item A: 领域 \"未知领域\""},
      {"[{\"code\":\"A\",\"domain\":\"幼有所育\",\"name\":\"n\",\"filingRefs\":[\"x;y\"]}]",
       "item A: filingRefs[0]"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    json_error_t je;
    json_t *items = json_loads(cases[i][0], 0, &je);
    assert_non_null(items);
    char err[512] = "";
    int rc;
    free(encode(items, err, sizeof err, &rc));
    assert_int_equal(rc, -1);
    if (strncmp(err, cases[i][1], strlen(cases[i][1])) != 0) fail_msg("case %zu: %s", i, err);
    json_decref(items);
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_good_table),
      cmocka_unit_test(test_english_headers_and_ignored_columns),
      cmocka_unit_test(test_bad_jurisdiction_code),
      cmocka_unit_test(test_unknown_domain),
      cmocka_unit_test(test_non_numeric_level),
      cmocka_unit_test(test_broken_quoting),
      cmocka_unit_test(test_all_rows_checked),
      cmocka_unit_test(test_header_problems),
      cmocka_unit_test(test_jurisdiction_codes),
      cmocka_unit_test(test_numbers),
      cmocka_unit_test(test_export_import_lossless),
      cmocka_unit_test(test_export_refuses_what_it_cannot_hold),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
