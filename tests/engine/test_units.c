/* Units: canonical per-year rates, money, durations, incomparable units. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <math.h>
#include <cmocka.h>

#include "units.h"

/* canonical value of (v, unit) */
static double canon(double v, const char *unit, engine_unit *u)
{
    assert_int_equal(engine_unit_parse(unit, u), 0);
    return v * u->factor;
}

static void same(double a, const char *ua, double b, const char *ub)
{
    engine_unit x, y;
    double ca = canon(a, ua, &x), cb = canon(b, ub, &y);
    assert_true(engine_unit_comparable(&x, &y));
    assert_int_equal(engine_qty_cmp(ca, cb), 0);
}

static void incomparable(const char *ua, const char *ub)
{
    engine_unit x, y;
    engine_unit_parse(ua, &x);
    engine_unit_parse(ub, &y);
    assert_false(engine_unit_comparable(&x, &y));
}

static void test_rates(void **st)
{
    same(4, "次/年", 1, "次/季度");
    same(12, "次/年", 1, "次/月");
    same(2, "次/年", 1, "次/半年");
    same(1, "次/季", 4, "次/年");
    same(4, "times/year", 4, "次/年");
    same(4, "times per year", 1, "次/季度");
    same(1, "次/每月", 12, "次/年");
    engine_unit u;
    assert_int_equal(engine_unit_parse("次/季度", &u), 0);
    assert_string_equal(u.dim, "次/年");
    assert_true(u.known);
    assert_true(fabs(u.factor - 4) < 1e-12);
    /* not equal: 3 per year < 1 per quarter */
    engine_unit a, b;
    double ca = canon(3, "次/年", &a), cb = canon(1, "次/季度", &b);
    assert_int_equal(engine_qty_cmp(ca, cb), -1);
}

static void test_money(void **st)
{
    same(1611, "元/月", 19332, "元/年");
    same(1611, "yuan/month", 19332, "元/年");
    same(1, "万元", 10000, "元");
    same(100, "元/人·月", 1200, "元/人/年");
    engine_unit u;
    assert_int_equal(engine_unit_parse("元/月", &u), 0);
    assert_string_equal(u.dim, "元/年");
    assert_true(fabs(u.factor - 12) < 1e-12);
    assert_int_equal(engine_unit_parse("元/人·月", &u), 0);
    assert_string_equal(u.dim, "元/人/年");
}

static void test_durations_and_counts(void **st)
{
    same(1, "天", 24, "小时");
    same(30, "天", 720, "hours");
    same(90, "分钟", 1.5, "小时");
    same(6, "个月", 0.5, "年");
    same(60, "周岁", 60, "岁");
    same(50, "平方米", 50, "㎡");
    same(3, "人", 3, "名");
    same(1.5, "床/千人", 0.0015, "床/人");
    same(5, "‰", 0.5, "%");
    same(97, "%", 97, "percent");
    same(8, "", 8, "");
    same(2, "张", 2, "张"); /* unknown unit: equal to itself only */
    engine_unit u;
    engine_unit_parse("张", &u);
    assert_false(u.known);
    assert_string_equal(u.dim, "张");
}

static void test_incomparable(void **st)
{
    incomparable("元/月", "%");
    incomparable("次/年", "元/年");
    incomparable("月", "天");   /* a month is not 30 days */
    incomparable("工作日", "天");
    incomparable("元", "元/月"); /* an amount is not a rate */
    incomparable("", "次");
    incomparable("张", "个");
    incomparable("次/年/月", "次/年"); /* two time bases: unrecognised */
}

static void test_quantity_parse(void **st)
{
    double v;
    char unit[64];
    assert_int_equal(engine_quantity_parse("1,611 元/月", &v, unit, sizeof unit), 0);
    assert_true(v == 1611);
    assert_string_equal(unit, "元/月");
    assert_int_equal(engine_quantity_parse("１，６１１元／月", &v, unit, sizeof unit), 0);
    assert_true(v == 1611);
    assert_string_equal(unit, "元/月");
    assert_int_equal(engine_quantity_parse("19,332.5元/年", &v, unit, sizeof unit), 0);
    assert_true(v == 19332.5);
    assert_int_equal(engine_quantity_parse("1,611,000 元", &v, unit, sizeof unit), 0);
    assert_true(v == 1611000);
    assert_string_equal(unit, "元");
    assert_int_equal(engine_quantity_parse("９２%", &v, unit, sizeof unit), 0);
    assert_true(v == 92);
    assert_string_equal(unit, "%");
    /* a comma not followed by exactly three digits is not a separator */
    assert_int_equal(engine_quantity_parse("12,34 次", &v, unit, sizeof unit), 0);
    assert_true(v == 12);
    assert_string_equal(unit, ",34次"); /* the space before a CJK char folds away */
    assert_int_equal(engine_quantity_parse("-3.5天", &v, unit, sizeof unit), 0);
    assert_true(v == -3.5);
    assert_int_equal(engine_quantity_parse("元/月", &v, unit, sizeof unit), -1);
    assert_int_equal(engine_quantity_parse("1 元/月", &v, unit, 3), -1);
    /* parse + convert: the seed's 1,611 元/月 equals 19,332 元/年 */
    engine_unit a, b;
    engine_quantity_parse("1,611 元/月", &v, unit, sizeof unit);
    double ca = canon(v, unit, &a);
    engine_quantity_parse("19,332元/年", &v, unit, sizeof unit);
    double cb = canon(v, unit, &b);
    assert_true(engine_unit_comparable(&a, &b));
    assert_int_equal(engine_qty_cmp(ca, cb), 0);
}

static void test_qty_cmp(void **st)
{
    assert_int_equal(engine_qty_cmp(1.0, 1.0 + 1e-12), 0);
    assert_int_equal(engine_qty_cmp(92, 97), -1);
    assert_int_equal(engine_qty_cmp(97, 92), 1);
    assert_int_equal(engine_qty_cmp(INFINITY, INFINITY), 0);
    assert_int_equal(engine_qty_cmp(-INFINITY, 5), -1);
    assert_int_equal(engine_qty_cmp(1611.0 * 12, 19332.0), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rates),          cmocka_unit_test(test_money),
        cmocka_unit_test(test_durations_and_counts), cmocka_unit_test(test_incomparable),
        cmocka_unit_test(test_quantity_parse), cmocka_unit_test(test_qty_cmp),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
