/* test_csv_reader.c — the RFC 4180 reader and writer of cli/csv.c. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "csv.h"

static csv_table parse_ok(const char *s) {
  csv_table t;
  csv_error e;
  int rc = csv_parse(s, strlen(s), &t, &e);
  if (rc) fail_msg("unexpected error: row %zu field %zu: %s", e.row, e.field, e.msg);
  return t;
}

static void test_no_bom_crlf(void **st) {
  (void)st;
  csv_table t = parse_ok("编码,领域\r\nA-1,幼有所育\r\n");
  assert_false(t.bom);
  assert_int_equal(t.n_rows, 2);
  assert_int_equal(t.rows[0].n_fields, 2);
  assert_string_equal(t.rows[0].fields[0], "编码");
  assert_string_equal(t.rows[1].fields[1], "幼有所育");
  assert_int_equal(t.rows[1].line, 2);
  csv_free(&t);
}

static void test_bom_lf_no_final_newline(void **st) {
  (void)st;
  csv_table t = parse_ok("\xEF\xBB\xBF" "a,b\nc,d");
  assert_true(t.bom);
  assert_int_equal(t.n_rows, 2);
  assert_string_equal(t.rows[0].fields[0], "a"); /* the BOM is not part of the first cell */
  assert_string_equal(t.rows[1].fields[1], "d");
  csv_free(&t);
}

static void test_quotes_and_escapes(void **st) {
  (void)st;
  csv_table t = parse_ok("\"x,\"\"y\"\"\",z,\"\"\n");
  assert_int_equal(t.n_rows, 1);
  assert_int_equal(t.rows[0].n_fields, 3);
  assert_string_equal(t.rows[0].fields[0], "x,\"y\"");
  assert_string_equal(t.rows[0].fields[1], "z");
  assert_string_equal(t.rows[0].fields[2], "");
  csv_free(&t);
}

static void test_embedded_newlines(void **st) {
  (void)st;
  csv_table t = parse_ok("h1,h2\r\n1,\"第一条\n第二条\"\r\n2,\"crlf\r\ninside\"\r\n3,x\r\n");
  assert_int_equal(t.n_rows, 4);
  assert_string_equal(t.rows[1].fields[1], "第一条\n第二条");
  assert_string_equal(t.rows[2].fields[1], "crlf\r\ninside"); /* kept verbatim */
  /* rows are records; lines are physical */
  assert_int_equal(t.rows[1].line, 2);
  assert_int_equal(t.rows[2].line, 4);
  assert_int_equal(t.rows[3].line, 6);
  csv_free(&t);
}

static void test_empty_fields_and_blank_lines(void **st) {
  (void)st;
  csv_table t = parse_ok("a,,\n\nb,");
  assert_int_equal(t.n_rows, 3);
  assert_int_equal(t.rows[0].n_fields, 3);
  assert_string_equal(t.rows[0].fields[2], "");
  assert_int_equal(t.rows[1].n_fields, 1); /* a blank line is a row with one empty cell */
  assert_string_equal(t.rows[1].fields[0], "");
  assert_int_equal(t.rows[2].n_fields, 2);
  assert_string_equal(t.rows[2].fields[1], "");
  csv_free(&t);
  t = parse_ok("a\rb\r"); /* old Mac line ends */
  assert_int_equal(t.n_rows, 2);
  assert_string_equal(t.rows[1].fields[0], "b");
  csv_free(&t);
  t = parse_ok("");
  assert_int_equal(t.n_rows, 0);
  csv_free(&t);
}

static void test_unterminated_quote(void **st) {
  (void)st;
  const char *s = "h1,h2\nx,y\nz,\"abc\ndef\n";
  csv_table t;
  csv_error e;
  assert_int_equal(csv_parse(s, strlen(s), &t, &e), -1);
  assert_int_equal(e.row, 3);
  assert_int_equal(e.field, 2);
  assert_int_equal(e.line, 3);
  assert_non_null(strstr(e.msg, "unterminated"));
  assert_int_equal(t.n_rows, 2); /* the good rows before it are kept */
  csv_free(&t);
}

static void test_broken_quoting(void **st) {
  (void)st;
  csv_table t;
  csv_error e;
  const char *bare = "a,b\nc,d\"e\n";
  assert_int_equal(csv_parse(bare, strlen(bare), &t, &e), -1);
  assert_int_equal(e.row, 2);
  assert_int_equal(e.field, 2);
  assert_non_null(strstr(e.msg, "broken quoting"));
  csv_free(&t);
  const char *after = "\"ab\"c,d\n";
  assert_int_equal(csv_parse(after, strlen(after), &t, &e), -1);
  assert_int_equal(e.row, 1);
  assert_int_equal(e.field, 1);
  assert_non_null(strstr(e.msg, "closing"));
  csv_free(&t);
  /* a quote left open is closed by the next one further down: named where it opened */
  const char *open = "h1,h2\n1,\"abc\n2,x\n3,\"q\"\n";
  assert_int_equal(csv_parse(open, strlen(open), &t, &e), -1);
  assert_int_equal(e.row, 2);
  assert_int_equal(e.field, 2);
  assert_int_equal(e.line, 2);
  assert_non_null(strstr(e.msg, "opened on line 2 runs to line 4"));
  csv_free(&t);
}

static void test_invalid_utf8(void **st) {
  (void)st;
  csv_table t;
  csv_error e;
  const char gbk[] = "a,b\nx,\xD3\xFD\n"; /* GBK, as Chinese Excel's plain "CSV" saves */
  assert_int_equal(csv_parse(gbk, strlen(gbk), &t, &e), -1);
  assert_int_equal(e.row, 2);
  assert_int_equal(e.field, 2);
  assert_non_null(strstr(e.msg, "UTF-8"));
  csv_free(&t);
  const char nul[] = "a,b\0c\n";
  assert_int_equal(csv_parse(nul, sizeof nul - 1, &t, &e), -1);
  assert_int_equal(e.field, 2);
  csv_free(&t);
}

static void test_writer_round_trip(void **st) {
  (void)st;
  const char *fields[] = {"plain", "a,b", "say \"hi\"", "l1\nl2", "", " padded", "中文"};
  const size_t n = sizeof fields / sizeof fields[0];
  char *buf = NULL;
  size_t len = 0;
  FILE *f = open_memstream(&buf, &len);
  assert_int_equal(csv_write_bom(f), 0);
  assert_int_equal(csv_write_row(f, fields, n), 0);
  assert_int_equal(csv_write_row(f, fields, n), 0);
  fclose(f);
  assert_memory_equal(buf, "\xEF\xBB\xBFplain,\"a,b\",\"say \"\"hi\"\"\",\"l1\nl2\",,\" padded\",中文\r\n",
                      strlen("\xEF\xBB\xBFplain,\"a,b\",\"say \"\"hi\"\"\",\"l1\nl2\",,\" padded\",中文\r\n"));
  csv_table t = parse_ok(buf);
  assert_true(t.bom);
  assert_int_equal(t.n_rows, 2);
  for (size_t r = 0; r < 2; r++) {
    assert_int_equal(t.rows[r].n_fields, n);
    for (size_t k = 0; k < n; k++) assert_string_equal(t.rows[r].fields[k], fields[k]);
  }
  csv_free(&t);
  free(buf);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_no_bom_crlf),        cmocka_unit_test(test_bom_lf_no_final_newline),
      cmocka_unit_test(test_quotes_and_escapes), cmocka_unit_test(test_embedded_newlines),
      cmocka_unit_test(test_empty_fields_and_blank_lines),
      cmocka_unit_test(test_unterminated_quote), cmocka_unit_test(test_broken_quoting),
      cmocka_unit_test(test_invalid_utf8),       cmocka_unit_test(test_writer_round_trip),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
