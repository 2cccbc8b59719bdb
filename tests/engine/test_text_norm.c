/* Text normalisation: NFKC, whitespace and dash folding, clause punctuation. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <cmocka.h>

#include "text_norm.h"

static void check(char *(*fn)(const char *), const char *in, const char *want)
{
    char *got = fn(in);
    assert_non_null(got);
    assert_string_equal(got, want);
    free(got);
}

static void test_fullwidth_punctuation(void **st)
{
    check(engine_norm_text, "义乌市基本公共服务标准（2021年版）", "义乌市基本公共服务标准(2021年版)");
    assert_true(engine_norm_equal("（2021年版）", "(2021年版)"));
    check(engine_norm_text, "社区（村）", "社区(村)");
}

static void test_fullwidth_digits(void **st)
{
    check(engine_norm_text, "９２％", "92%");
    check(engine_norm_text, "１，６１１元／月", "1,611元/月");
    assert_true(engine_norm_equal("达到９２%", "达到92%"));
    assert_false(engine_norm_equal("达到92%", "达到97%"));
}

static void test_whitespace(void **st)
{
    check(engine_norm_text, "  开展   孕前 检查  ", "开展孕前检查");
    check(engine_norm_text, "（2021 年版）", "(2021年版)");
    check(engine_norm_text, "home   visit\t\n", "home visit");
    check(engine_norm_text, "\xe3\x80\x80孕产妇\xe3\x80\x80", "孕产妇"); /* U+3000 ideographic space */
    check(engine_norm_text, "a\xc2\xa0" "b", "a b");                   /* NBSP */
    check(engine_norm_text, "1 , 611", "1 , 611");                     /* ASCII spacing kept, single */
    check(engine_norm_text, "", "");
    check(engine_norm_text, NULL, "");
}

static void test_dashes(void **st)
{
    check(engine_norm_text, "0—3岁儿童", "0-3岁儿童");  /* em dash */
    check(engine_norm_text, "0–3岁儿童", "0-3岁儿童");  /* en dash */
    check(engine_norm_text, "0－3岁儿童", "0-3岁儿童"); /* full-width hyphen-minus (NFKC) */
}

static void test_clause(void **st)
{
    check(engine_norm_clause, "开展孕前检查；", "开展孕前检查");
    check(engine_norm_clause, "开展孕前检查。", "开展孕前检查");
    check(engine_norm_clause, "开展孕前检查；。 ", "开展孕前检查");
    check(engine_norm_clause, "开展孕前检查，", "开展孕前检查");
    check(engine_norm_clause, "开展孕前检查、", "开展孕前检查");
    check(engine_norm_clause, "每年4次;", "每年4次");
    check(engine_norm_clause, "。", "");
    /* inner punctuation stays */
    check(engine_norm_clause, "健康教育、健康检查。", "健康教育、健康检查");
    /* text_norm does not strip */
    check(engine_norm_text, "开展孕前检查。", "开展孕前检查。");
}

static void test_key(void **st)
{
    check(engine_norm_key, "Times / Year", "times / year");
    check(engine_norm_key, "空气质量优良天数比率 ", "空气质量优良天数比率");
}

static void test_invalid_utf8(void **st)
{
    /* Not valid UTF-8: compared as bytes, never an error. */
    check(engine_norm_text, "\xff\xfe abc", "\xff\xfe abc");
    assert_true(engine_norm_equal("\xff" "x", "\xff" "x"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fullwidth_punctuation),
        cmocka_unit_test(test_fullwidth_digits),
        cmocka_unit_test(test_whitespace),
        cmocka_unit_test(test_dashes),
        cmocka_unit_test(test_clause),
        cmocka_unit_test(test_key),
        cmocka_unit_test(test_invalid_utf8),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
