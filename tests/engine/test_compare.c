/* engine_compare: every finding type alone and combined, filings, counts, verdict. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "fixture.h"

#define GE PSS__CATALOG__V1__COMPARATOR__GE
#define LE PSS__CATALOG__V1__COMPARATOR__LE
#define EQ PSS__CATALOG__V1__COMPARATOR__EQ
#define RANGE PSS__CATALOG__V1__COMPARATOR__RANGE
#define HI PSS__CATALOG__V1__DIRECTION__HIGHER_IS_BETTER
#define LO PSS__CATALOG__V1__DIRECTION__LOWER_IS_BETTER
#define NODIR PSS__CATALOG__V1__DIRECTION__DIRECTION_UNSPECIFIED
#define RES PSS__CATALOG__V1__RESIDENCY__RESIDENT
#define PERMIT PSS__CATALOG__V1__RESIDENCY__RESIDENCE_PERMIT
#define HH PSS__CATALOG__V1__RESIDENCY__HOUSEHOLD
#define UNSPEC PSS__CATALOG__V1__RESIDENCY__RESIDENCY_UNSPECIFIED
#define RAISE PSS__CATALOG__V1__FILING_KIND__RAISE
#define EXEMPT PSS__CATALOG__V1__FILING_KIND__EXEMPTION

typedef struct t {
    fx *f;
    engine_standard *nat; /* parent: "CN/2021" */
    engine_standard *pro; /* child derived verbatim: "330000/2021", codes "P" + N… */
    engine_report r;
} t;

static int setup(void **st)
{
    t *x = calloc(1, sizeof *x);
    x->f = fx_new();
    x->nat = fx_national(x->f, "CN/2021");
    x->pro = fx_derive(x->f, x->nat, "330000/2021", "P");
    *st = x;
    return 0;
}

static int teardown(void **st)
{
    t *x = *st;
    engine_report_free(&x->r);
    fx_free(x->f);
    free(x);
    return 0;
}

static void run(t *x, const engine_filing *const *fil, size_t n)
{
    engine_report_free(&x->r);
    int rc = engine_compare(x->pro, x->nat, fil, n, &x->r);
    assert_int_equal(rc, ENGINE_OK);
    assert_string_equal(x->r.error, "");
}

/* The only finding of the report: asserts there is exactly one non-INHERITED
 * finding and every other item is INHERITED. */
static const engine_finding *only(t *x, engine_finding_type type)
{
    size_t other = 0;
    const engine_finding *hit = NULL;
    for (size_t i = 0; i < x->r.n_findings; i++) {
        if (x->r.findings[i].type == ENGINE_INHERITED)
            continue;
        other++;
        hit = &x->r.findings[i];
    }
    if (other != 1 || hit->type != type)
        rpt_dump(&x->r);
    assert_int_equal(other, 1);
    assert_int_equal(hit->type, type);
    /* an extra child item leaves all 5 parent items inherited */
    int extra = type == ENGINE_ADDED || type == ENGINE_UNKNOWN_PARENT_ITEM;
    assert_int_equal(x->r.counts[ENGINE_INHERITED], extra ? 5 : 4);
    return hit;
}

/* ------------------------------------------------------------------ identity */

static void test_derived_is_all_inherited(void **st)
{
    t *x = *st;
    run(x, NULL, 0);
    assert_int_equal(x->r.n_findings, 5);
    for (size_t i = 0; i < 5; i++) {
        assert_int_equal(x->r.findings[i].type, ENGINE_INHERITED);
        assert_string_equal(x->r.findings[i].rule_id, "PSS-INHERITED");
        assert_int_equal(x->r.findings[i].severity, ENGINE_INFO);
    }
    assert_string_equal(x->r.findings[0].child_code, "PN1");
    assert_string_equal(x->r.findings[0].parent_code, "N1");
    assert_string_equal(x->r.findings[4].child_code, "PN5");
    assert_int_equal(x->r.counts[ENGINE_INHERITED], 5);
    assert_true(x->r.conformant);
    assert_int_equal(x->r.n_blocking, 0);
    assert_string_equal(x->r.child_id, "330000/2021");
    assert_string_equal(x->r.parent_id, "CN/2021");
    assert_int_equal(x->r.n_levels, 1);
    assert_int_equal(x->r.levels[0].n_findings, 5);
    assert_true(x->r.levels[0].conformant);
}

static void test_self_compare(void **st)
{
    t *x = *st;
    int rc = engine_compare(x->nat, x->nat, NULL, 0, &x->r);
    assert_int_equal(rc, ENGINE_OK);
    assert_int_equal(x->r.n_findings, 5);
    assert_int_equal(x->r.counts[ENGINE_INHERITED], 5);
    assert_string_equal(x->r.findings[2].child_code, "N3");
    assert_string_equal(x->r.findings[2].parent_code, "N3");
    assert_true(x->r.conformant);
}

static void test_nfkc_and_spaces_are_inherited(void **st)
{
    t *x = *st;
    engine_item *c = fx_find(x->pro, "PN1");
    /* full-width comma/period variants, extra spaces, full-width digits elsewhere */
    fx_set_clause(x->f, c, 0,
                  "为农村计划怀孕夫妇提供健康教育、健康检查、风险评估和咨询指导等孕前优生服务；");
    fx_set_clause(x->f, c, 1, "  开展 孕前优生 健康检查 ");
    fx_text(x->f, c, "每对夫妇每孩次享受１次免费孕前优生健康检查。", NULL, NULL);
    engine_item *c4 = fx_find(x->pro, "PN4");
    fx_text(x->f, c4, "基本生活标准不低于１，６１１元／月", NULL, NULL);
    c4->target->groups[0]->name = fx_str(x->f, "特困 人员");
    run(x, NULL, 0);
    assert_int_equal(x->r.n_findings, 5);
    assert_int_equal(x->r.counts[ENGINE_INHERITED], 5);
}

static void test_equivalent_units_are_inherited(void **st)
{
    t *x = *st;
    /* 1,611 元/月 == 19,332 元/年 and 30 天 == 720 小时 */
    engine_item *c4 = fx_find(x->pro, "PN4");
    c4->levels[0]->value = 19332;
    c4->levels[0]->unit = fx_str(x->f, "元/年");
    engine_item *c5 = fx_find(x->pro, "PN5");
    c5->levels[0]->value = 720;
    c5->levels[0]->unit = fx_str(x->f, "小时");
    run(x, NULL, 0);
    assert_int_equal(x->r.counts[ENGINE_INHERITED], 5);
    assert_int_equal(x->r.n_findings, 5);
}

static void test_quarterly_equals_four_per_year(void **st)
{
    t *x = *st;
    engine_item *p = fx_find(x->nat, "N2");
    p->levels[0]->unit = fx_str(x->f, "次/年");
    p->levels[0]->value = 4;
    engine_item *c = fx_find(x->pro, "PN2");
    c->levels[0]->unit = fx_str(x->f, "次/季度");
    c->levels[0]->value = 1;
    run(x, NULL, 0);
    assert_int_equal(x->r.counts[ENGINE_INHERITED], 5);
    /* and 3 次/年 is lower than 1 次/季度 */
    c->levels[0]->unit = fx_str(x->f, "次/年");
    c->levels[0]->value = 3;
    run(x, NULL, 0);
    const engine_finding *f = only(x, ENGINE_LOWERED);
    assert_string_equal(f->old_value, "≥4次/年");
    assert_string_equal(f->new_value, "≥3次/年");
}

/* ------------------------------------------------------------------ content */

static void test_supplemented(void **st)
{
    t *x = *st;
    fx_clause(x->f, fx_find(x->pro, "PN1"), "开展公益性早期家庭教育指导");
    fx_clause(x->f, fx_find(x->pro, "PN1"), "开设新婚夫妇课堂");
    run(x, NULL, 0);
    const engine_finding *f = only(x, ENGINE_SUPPLEMENTED);
    assert_string_equal(f->rule_id, "PSS-SUPPLEMENTED");
    assert_int_equal(f->severity, ENGINE_INFO);
    assert_string_equal(f->child_code, "PN1");
    assert_string_equal(f->parent_code, "N1");
    assert_string_equal(f->field, "content");
    assert_string_equal(f->domain, "幼有所育");
    assert_string_equal(f->item_name, "免费孕前优生健康检查");
    assert_string_equal(f->new_value, "开展公益性早期家庭教育指导；开设新婚夫妇课堂");
    assert_non_null(strstr(f->message_en, "2 content clause(s) added"));
    assert_int_equal(x->r.counts[ENGINE_SUPPLEMENTED], 1);
    assert_true(x->r.conformant);
}

static void test_refined_clause(void **st)
{
    t *x = *st;
    fx_set_clause(x->f, fx_find(x->pro, "PN1"), 1,
                  "开展孕前优生健康检查，包括19项检查项目。");
    run(x, NULL, 0);
    const engine_finding *f = only(x, ENGINE_REFINED);
    assert_string_equal(f->field, "content");
    assert_string_equal(f->old_value, "开展孕前优生健康检查");
    assert_string_equal(f->new_value, "开展孕前优生健康检查，包括19项检查项目。");
    assert_string_equal(f->subject, "开展孕前优生健康检查");
    assert_true(x->r.conformant);
}

static void test_content_dropped(void **st)
{
    t *x = *st;
    engine_item *c = fx_find(x->pro, "PN2");
    c->n_content = 1; /* "提供产后访视" dropped */
    run(x, NULL, 0);
    const engine_finding *f = only(x, ENGINE_CONTENT_DROPPED);
    assert_string_equal(f->rule_id, "PSS-CONTENT-DROPPED");
    assert_int_equal(f->severity, ENGINE_VIOLATION);
    assert_true(f->blocking);
    assert_string_equal(f->old_value, "提供产后访视");
    assert_string_equal(f->new_value, "");
    assert_false(x->r.conformant);
    assert_int_equal(x->r.n_blocking, 1);
    assert_int_equal(x->r.blocking[0], 1); /* PN1 INHERITED, then this */
}

static void test_content_shortened_is_dropped_not_supplemented(void **st)
{
    t *x = *st;
    fx_set_clause(x->f, fx_find(x->pro, "PN2"), 0, "为孕产妇提供");
    run(x, NULL, 0);
    const engine_finding *f = only(x, ENGINE_CONTENT_DROPPED);
    assert_string_equal(f->old_value, "为孕产妇提供孕期保健服务");
    assert_string_equal(f->new_value, "为孕产妇提供");
    assert_non_null(strstr(f->message_en, "only partly kept"));
    assert_int_equal(x->r.counts[ENGINE_SUPPLEMENTED], 0);
}

/* ------------------------------------------------------------------ levels */

static void test_raised_without_filing(void **st)
{
    t *x = *st;
    fx_find(x->pro, "PN3")->levels[0]->value = 97;
    fx_text(x->f, fx_find(x->pro, "PN3"), "空气质量优良天数比率达到97%以上", NULL, NULL);
    run(x, NULL, 0);
    const engine_finding *f = only(x, ENGINE_RAISED);
    assert_string_equal(f->rule_id, "PSS-RAISED");
    assert_string_equal(f->field, "levels");
    assert_string_equal(f->subject, "空气质量优良天数比率");
    assert_string_equal(f->old_value, "≥92%");
    assert_string_equal(f->new_value, "≥97%");
    assert_string_equal(f->accepted_by, "");
    assert_true(f->blocking);
    assert_string_equal(f->message_en,
                        "空气质量优良天数比率 raised from ≥92% to ≥97%: above the level of the parent; "
                        "no raise filing (提标备案) covers it: violation");
    assert_false(x->r.conformant);
    assert_int_equal(x->r.n_blocking, 1);
    assert_int_equal(x->r.counts[ENGINE_RAISED], 1);
    /* standard_text differs but the level explains it: no REFINED */
    assert_int_equal(x->r.counts[ENGINE_REFINED], 0);
}

static void test_raised_accepted_by_filing(void **st)
{
    t *x = *st;
    fx_find(x->pro, "PN3")->levels[0]->value = 97;
    const engine_filing *fil[] = {
        fx_filing(x->f, "浙发改备〔2021〕9号", "330000/2021", RAISE, "PN1", "levels"), /* other item */
        fx_filing(x->f, "浙发改备〔2021〕8号", "330000/2021", RAISE, "PN3", "target"), /* other field */
        fx_filing(x->f, "浙发改备〔2021〕7号", "330000/2021", EXEMPT, "PN3", ""),      /* wrong kind */
        fx_filing(x->f, "金发改备〔2021〕1号", "330700/2021", RAISE, "PN3", "levels"), /* other standard */
        fx_filing(x->f, "浙发改备〔2021〕1号", "330000/2021", RAISE, "PN3", "levels"),
    };
    run(x, fil, 5);
    const engine_finding *f = only(x, ENGINE_RAISED);
    assert_string_equal(f->accepted_by, "浙发改备〔2021〕1号");
    assert_false(f->blocking);
    assert_int_equal(f->severity, ENGINE_VIOLATION);
    assert_string_equal(f->message_en,
                        "空气质量优良天数比率 raised from ≥92% to ≥97%: above the level of the parent; "
                        "accepted by filing 浙发改备〔2021〕1号");
    assert_non_null(strstr(f->message_zh, "已备案（浙发改备〔2021〕1号）"));
    assert_true(x->r.conformant);
    assert_int_equal(x->r.n_blocking, 0);

    /* the four wrong filings alone do not accept it */
    run(x, fil, 4);
    f = only(x, ENGINE_RAISED);
    assert_string_equal(f->accepted_by, "");
    assert_false(x->r.conformant);

    /* a whole-item filing ("" field, no standard set) does */
    const engine_filing *whole[] = {fx_filing(x->f, "F-1", "", RAISE, "PN3", "")};
    run(x, whole, 1);
    assert_string_equal(only(x, ENGINE_RAISED)->accepted_by, "F-1");
    assert_true(x->r.conformant);
}

static void test_lowered(void **st)
{
    t *x = *st;
    fx_find(x->pro, "PN3")->levels[0]->value = 90;
    const engine_filing *fil[] = {fx_filing(x->f, "F-1", "", RAISE, "PN3", "")};
    run(x, fil, 1); /* no filing accepts a lowering */
    const engine_finding *f = only(x, ENGINE_LOWERED);
    assert_string_equal(f->old_value, "≥92%");
    assert_string_equal(f->new_value, "≥90%");
    assert_string_equal(f->accepted_by, "");
    assert_true(f->blocking);
    assert_false(x->r.conformant);
}

static void test_lower_is_better(void **st)
{
    t *x = *st;
    Pss__Catalog__V1__Level *l = fx_find(x->pro, "PN5")->levels[0];
    l->value = 20; /* ≤20 天 where the parent says ≤30 天: faster = more generous */
    run(x, NULL, 0);
    const engine_finding *f = only(x, ENGINE_RAISED);
    assert_string_equal(f->old_value, "≤30天");
    assert_string_equal(f->new_value, "≤20天");
    l->value = 45;
    run(x, NULL, 0);
    f = only(x, ENGINE_LOWERED);
    assert_string_equal(f->new_value, "≤45天");
    l->value = 2;
    l->unit = fx_str(x->f, "周"); /* 14 days: faster */
    run(x, NULL, 0);
    only(x, ENGINE_RAISED);
}

static void test_ranges_and_eq(void **st)
{
    t *x = *st;
    Pss__Catalog__V1__Level *p = fx_find(x->nat, "N4")->levels[0];
    Pss__Catalog__V1__Level *c = fx_find(x->pro, "PN4")->levels[0];
    p->comparator = RANGE, p->value = 300, p->value_max = 500, p->unit = fx_str(x->f, "元");
    c->comparator = RANGE, c->unit = fx_str(x->f, "元");

    c->value = 350, c->value_max = 500; /* floor raised */
    run(x, NULL, 0);
    assert_string_equal(only(x, ENGINE_RAISED)->new_value, "350-500元");

    c->value = 300, c->value_max = 400; /* narrowed inside: more specific */
    run(x, NULL, 0);
    const engine_finding *f = only(x, ENGINE_REFINED);
    assert_string_equal(f->field, "levels");
    assert_string_equal(f->old_value, "300-500元");
    assert_string_equal(f->new_value, "300-400元");

    c->value = 300, c->value_max = 600; /* parent's cap exceeded */
    run(x, NULL, 0);
    only(x, ENGINE_RAISED);

    c->value = 250, c->value_max = 600; /* widened both ways: LOWERED and RAISED */
    run(x, NULL, 0);
    assert_int_equal(rpt_count(&x->r, ENGINE_LOWERED, "PN4", NULL), 1);
    assert_int_equal(rpt_count(&x->r, ENGINE_RAISED, "PN4", NULL), 1);
    assert_int_equal(x->r.n_findings, 6);

    c->value = 300, c->value_max = 500; /* same range (reversed bounds normalised) */
    c->value = 500, c->value_max = 300;
    run(x, NULL, 0);
    assert_int_equal(x->r.counts[ENGINE_INHERITED], 5);

    p->comparator = EQ, p->value = 1611, p->unit = fx_str(x->f, "元/月");
    c->comparator = GE, c->value = 1611, c->unit = fx_str(x->f, "元/月"); /* cap removed */
    run(x, NULL, 0);
    assert_string_equal(only(x, ENGINE_RAISED)->new_value, "≥1611元/月");

    p->comparator = GE;
    c->comparator = EQ, c->value = 1700; /* =1700 above ≥1611: raised floor */
    run(x, NULL, 0);
    only(x, ENGINE_RAISED);
}

static void test_extra_level_refined(void **st)
{
    t *x = *st;
    fx_level(x->f, fx_find(x->pro, "PN2"), "产后访视", GE, 2, 0, "次", HI);
    run(x, NULL, 0);
    const engine_finding *f = only(x, ENGINE_REFINED);
    assert_string_equal(f->field, "levels");
    assert_string_equal(f->subject, "产后访视");
    assert_string_equal(f->new_value, "产后访视 ≥2次");
    assert_string_equal(f->old_value, "");
}

static void test_level_dropped(void **st)
{
    t *x = *st;
    fx_find(x->pro, "PN3")->n_levels = 0;
    run(x, NULL, 0);
    const engine_finding *f = only(x, ENGINE_LEVEL_DROPPED);
    assert_string_equal(f->rule_id, "PSS-LEVEL-DROPPED");
    assert_int_equal(f->severity, ENGINE_VIOLATION);
    assert_string_equal(f->old_value, "空气质量优良天数比率 ≥92%");
    assert_true(f->blocking);
    assert_false(x->r.conformant);
}

static void test_incomparable_unit(void **st)
{
    t *x = *st;
    Pss__Catalog__V1__Level *c = fx_find(x->pro, "PN4")->levels[0];
    c->unit = fx_str(x->f, "%");
    c->value = 100;
    run(x, NULL, 0);
    const engine_finding *f = only(x, ENGINE_INCOMPARABLE_UNIT);
    assert_string_equal(f->rule_id, "PSS-INCOMPARABLE-UNIT");
    assert_int_equal(f->severity, ENGINE_WARNING);
    assert_false(f->blocking);
    assert_string_equal(f->old_value, "≥1611元/月");
    assert_string_equal(f->new_value, "≥100%");
    assert_int_equal(x->r.n_warnings, 1);
    assert_true(x->r.conformant); /* a warning is not a proven violation */
    assert_int_equal(x->r.counts[ENGINE_INHERITED], 4); /* and never silently INHERITED */
}

static void test_level_changed_without_direction(void **st)
{
    t *x = *st;
    fx_find(x->nat, "N2")->levels[0]->direction = NODIR;
    Pss__Catalog__V1__Level *c = fx_find(x->pro, "PN2")->levels[0];
    c->direction = NODIR;
    c->value = 6;
    run(x, NULL, 0);
    const engine_finding *f = only(x, ENGINE_LEVEL_CHANGED);
    assert_int_equal(f->severity, ENGINE_WARNING);
    assert_true(x->r.conformant);
    /* the child's direction is used when only it states one */
    c->direction = HI;
    run(x, NULL, 0);
    only(x, ENGINE_RAISED);
}

/* ------------------------------------------------------------------ target */

static void test_narrowed_residency(void **st)
{
    t *x = *st;
    fx_find(x->pro, "PN2")->target->groups[0]->residency = HH;
    run(x, NULL, 0);
    const engine_finding *f = only(x, ENGINE_NARROWED);
    assert_string_equal(f->field, "target");
    assert_string_equal(f->old_value, "孕产妇（常住）");
    assert_string_equal(f->new_value, "孕产妇（户籍）");
    assert_true(f->blocking);
    /* 居住证 is narrower than 常住 too */
    fx_find(x->pro, "PN2")->target->groups[0]->residency = PERMIT;
    run(x, NULL, 0);
    assert_string_equal(only(x, ENGINE_NARROWED)->new_value, "孕产妇（居住证）");
    /* unspecified counts as everyone named: not narrower than 常住 */
    fx_find(x->pro, "PN2")->target->groups[0]->residency = UNSPEC;
    run(x, NULL, 0);
    assert_int_equal(x->r.counts[ENGINE_INHERITED], 5);
}

static void test_narrowed_group_missing(void **st)
{
    t *x = *st;
    fx_find(x->pro, "PN2")->target->n_groups = 0;
    run(x, NULL, 0);
    const engine_finding *f = only(x, ENGINE_NARROWED);
    assert_string_equal(f->subject, "孕产妇");
    assert_non_null(strstr(f->message_en, "not covered"));
}

static void test_broadened(void **st)
{
    t *x = *st;
    fx_find(x->pro, "PN4")->target->groups[0]->residency = RES; /* 户籍 -> 常住 */
    run(x, NULL, 0);
    const engine_finding *f = only(x, ENGINE_BROADENED);
    assert_string_equal(f->rule_id, "PSS-BROADENED");
    assert_string_equal(f->old_value, "特困人员（户籍）");
    assert_string_equal(f->new_value, "特困人员（常住）");
    assert_true(f->blocking);
    /* a levels filing does not cover the target; a target filing does */
    const engine_filing *fil[] = {fx_filing(x->f, "L-1", "", RAISE, "PN4", "levels"),
                                  fx_filing(x->f, "T-1", "", RAISE, "PN4", "target")};
    run(x, fil, 1);
    assert_string_equal(only(x, ENGINE_BROADENED)->accepted_by, "");
    run(x, fil, 2);
    assert_string_equal(only(x, ENGINE_BROADENED)->accepted_by, "T-1");
    assert_true(x->r.conformant);
}

static void test_broadened_extra_group(void **st)
{
    t *x = *st;
    fx_group(x->f, fx_find(x->pro, "PN4"), "低保边缘人员", HH);
    run(x, NULL, 0);
    const engine_finding *f = only(x, ENGINE_BROADENED);
    assert_string_equal(f->subject, "低保边缘人员");
    assert_string_equal(f->new_value, "低保边缘人员（户籍）");
}

static void test_target_text_refined(void **st)
{
    t *x = *st;
    fx_target_text(x->f, fx_find(x->pro, "PN4"), "户籍特困人员（含城乡）");
    run(x, NULL, 0);
    const engine_finding *f = only(x, ENGINE_REFINED);
    assert_string_equal(f->field, "target");
    assert_non_null(strstr(f->message_en, "more precisely"));
    fx_target_text(x->f, fx_find(x->pro, "PN4"), "城乡特困供养对象");
    run(x, NULL, 0);
    f = only(x, ENGINE_REFINED);
    assert_non_null(strstr(f->message_en, "reworded"));
}

/* ------------------------------------------------------------------ other fields */

static void test_standard_text_refined(void **st)
{
    t *x = *st;
    fx_text(x->f, fx_find(x->pro, "PN2"), "孕期至少5次孕期保健服务，其中孕早期至少1次", NULL, NULL);
    run(x, NULL, 0);
    const engine_finding *f = only(x, ENGINE_REFINED);
    assert_string_equal(f->field, "standard_text");
    assert_non_null(strstr(f->message_en, "extends"));
    fx_text(x->f, fx_find(x->pro, "PN2"), "孕期保健服务不少于5次", NULL, NULL);
    run(x, NULL, 0);
    f = only(x, ENGINE_REFINED);
    assert_non_null(strstr(f->message_en, "reworded"));
}

static void test_reassigned(void **st)
{
    t *x = *st;
    fx_text(x->f, fx_find(x->pro, "PN5"), NULL, "省级财政", "省司法厅");
    run(x, NULL, 0);
    assert_int_equal(x->r.n_findings, 6);
    assert_int_equal(x->r.counts[ENGINE_INHERITED], 4);
    assert_int_equal(x->r.counts[ENGINE_REASSIGNED], 1); /* distinct items */
    const engine_finding *a = &x->r.findings[4], *b = &x->r.findings[5];
    assert_int_equal(a->type, ENGINE_REASSIGNED);
    assert_string_equal(a->field, "spending");
    assert_string_equal(a->old_value, "地方");
    assert_string_equal(a->new_value, "省级财政");
    assert_int_equal(a->severity, ENGINE_INFO);
    assert_string_equal(b->field, "lead_department");
    assert_string_equal(b->new_value, "省司法厅");
    assert_true(x->r.conformant);
}

/* ------------------------------------------------------------------ items */

static void test_added(void **st)
{
    t *x = *st;
    engine_item *a = fx_item(x->f, x->pro, "P-ADD-1", "", "幼有所育", "0-3岁儿童发育及养育风险筛查");
    run(x, NULL, 0);
    const engine_finding *f = only(x, ENGINE_ADDED);
    assert_string_equal(f->child_code, "P-ADD-1");
    assert_string_equal(f->parent_code, "");
    assert_int_equal(f->severity, ENGINE_INFO);
    assert_non_null(strstr(f->message_en, "needs a justification note"));
    assert_true(x->r.conformant);
    assert_int_equal(x->r.counts[ENGINE_ADDED], 1);
    a->note = fx_str(x->f, "结合本地实际新增");
    run(x, NULL, 0);
    f = only(x, ENGINE_ADDED);
    assert_null(strstr(f->message_en, "justification"));
}

static void test_missing_and_exemption(void **st)
{
    t *x = *st;
    fx_remove(x->pro, "PN5");
    run(x, NULL, 0);
    assert_int_equal(x->r.n_findings, 5);
    const engine_finding *f = &x->r.findings[4];
    assert_int_equal(f->type, ENGINE_MISSING);
    assert_string_equal(f->rule_id, "PSS-MISSING");
    assert_string_equal(f->child_code, "");
    assert_string_equal(f->parent_code, "N5");
    assert_string_equal(f->item_name, "公共法律服务");
    assert_string_equal(f->domain, "事有所便");
    assert_true(f->blocking);
    assert_false(x->r.conformant);
    assert_int_equal(x->r.counts[ENGINE_MISSING], 1);
    assert_int_equal(x->r.counts[ENGINE_INHERITED], 4);

    /* a RAISE filing or an exemption of another item does not exempt it */
    const engine_filing *fil[] = {fx_filing(x->f, "R-1", "", RAISE, "N5", ""),
                                  fx_filing(x->f, "E-9", "", EXEMPT, "N4", ""),
                                  fx_filing(x->f, "E-1", "330000/2021", EXEMPT, "N5", "")};
    run(x, fil, 2);
    assert_string_equal(x->r.findings[4].accepted_by, "");
    assert_false(x->r.conformant);
    run(x, fil, 3);
    assert_string_equal(x->r.findings[4].accepted_by, "E-1");
    assert_false(x->r.findings[4].blocking);
    assert_non_null(strstr(x->r.findings[4].message_en, "accepted by filing E-1"));
    assert_true(x->r.conformant);
}

static void test_unknown_parent_item(void **st)
{
    t *x = *st;
    fx_item(x->f, x->pro, "P-X", "N99", "事有所便", "不存在的上级项目");
    run(x, NULL, 0);
    const engine_finding *f = only(x, ENGINE_UNKNOWN_PARENT_ITEM);
    assert_string_equal(f->child_code, "P-X");
    assert_string_equal(f->parent_code, "N99");
    assert_true(f->blocking);
    assert_false(x->r.conformant);
}

static void test_duplicate_implementation(void **st)
{
    t *x = *st;
    engine_item *d = fx_item(x->f, x->pro, "PN3b", "N3", "事有所便", "环境质量（二）");
    fx_target_text(x->f, d, "全体居民");
    fx_group(x->f, d, "全体居民", RES);
    fx_clause(x->f, d, "持续改善空气质量");
    fx_level(x->f, d, "空气质量优良天数比率", GE, 92, 0, "%", HI);
    fx_text(x->f, d, "空气质量优良天数比率达到92%", "地方", "生态环境局");
    run(x, NULL, 0);
    assert_int_equal(x->r.counts[ENGINE_DUPLICATE_IMPLEMENTATION], 2);
    assert_int_equal(x->r.counts[ENGINE_INHERITED], 4); /* PN3, PN3b are not INHERITED */
    const engine_finding *f = rpt_find(&x->r, ENGINE_DUPLICATE_IMPLEMENTATION, "PN3b", NULL);
    assert_non_null(f);
    assert_string_equal(f->new_value, "PN3；PN3b");
    assert_int_equal(f->severity, ENGINE_WARNING);
    assert_true(x->r.conformant);
    /* order: the two implementers sit at N3's position */
    assert_string_equal(x->r.findings[2].child_code, "PN3");
    assert_string_equal(x->r.findings[3].child_code, "PN3b");
}

/* ------------------------------------------------------------------ combined */

static void test_combined_item_and_order(void **st)
{
    t *x = *st;
    engine_item *c = fx_find(x->pro, "PN2");
    fx_set_clause(x->f, c, 0, "为孕产妇提供孕期保健服务，孕妇学校开展公益性早期家庭教育指导");
    fx_clause(x->f, c, "社区（村）每年至少开展4次家庭教育基础课程指导");
    c->levels[0]->value = 8;
    fx_text(x->f, c, NULL, NULL, "卫生健康局");
    c->target->groups[0]->residency = HH;
    fx_item(x->f, x->pro, "P-ADD-1", "", "文有所化", "文艺健身进家庭");
    fx_remove(x->pro, "PN5");
    const engine_filing *fil[] = {fx_filing(x->f, "F-2", "", RAISE, "PN2", "levels")};
    run(x, fil, 1);
    static const engine_finding_type want[] = {
        ENGINE_INHERITED,                         /* PN1 */
        ENGINE_NARROWED,                          /* PN2 target */
        ENGINE_REFINED, ENGINE_SUPPLEMENTED,      /* PN2 content */
        ENGINE_RAISED,                            /* PN2 levels (filed) */
        ENGINE_REASSIGNED,                        /* PN2 lead */
        ENGINE_INHERITED, ENGINE_INHERITED,       /* PN3, PN4 */
        ENGINE_MISSING,                           /* N5 */
        ENGINE_ADDED,                             /* P-ADD-1 */
    };
    if (x->r.n_findings != sizeof want / sizeof want[0])
        rpt_dump(&x->r);
    assert_int_equal(x->r.n_findings, sizeof want / sizeof want[0]);
    for (size_t i = 0; i < x->r.n_findings; i++)
        assert_int_equal(x->r.findings[i].type, want[i]);
    assert_string_equal(x->r.findings[4].accepted_by, "F-2");
    assert_string_equal(x->r.findings[4].new_value, "≥8次");
    /* counts: distinct items per type */
    assert_int_equal(x->r.counts[ENGINE_INHERITED], 3);
    assert_int_equal(x->r.counts[ENGINE_NARROWED], 1);
    assert_int_equal(x->r.counts[ENGINE_REFINED], 1);
    assert_int_equal(x->r.counts[ENGINE_SUPPLEMENTED], 1);
    assert_int_equal(x->r.counts[ENGINE_RAISED], 1);
    assert_int_equal(x->r.counts[ENGINE_REASSIGNED], 1);
    assert_int_equal(x->r.counts[ENGINE_MISSING], 1);
    assert_int_equal(x->r.counts[ENGINE_ADDED], 1);
    /* verdict: NARROWED and MISSING block, the filed RAISED does not */
    assert_false(x->r.conformant);
    assert_int_equal(x->r.n_blocking, 2);
    assert_int_equal(x->r.blocking[0], 1);
    assert_int_equal(x->r.blocking[1], 8);
    /* per domain, in order of first appearance */
    assert_int_equal(x->r.n_domains, 4);
    assert_string_equal(x->r.domains[0].domain, "幼有所育");
    assert_int_equal(x->r.domains[0].findings, 6);
    assert_int_equal(x->r.domains[0].blocking, 1);
    assert_int_equal(x->r.domains[0].items[ENGINE_INHERITED], 1);
    assert_int_equal(x->r.domains[0].items[ENGINE_REFINED], 1);
    assert_string_equal(x->r.domains[1].domain, "事有所便");
    assert_int_equal(x->r.domains[1].findings, 2); /* PN3 INHERITED + N5 MISSING */
    assert_int_equal(x->r.domains[1].items[ENGINE_MISSING], 1);
    assert_int_equal(x->r.domains[1].blocking, 1);
    assert_string_equal(x->r.domains[2].domain, "弱有所扶");
    assert_string_equal(x->r.domains[3].domain, "文有所化");
    assert_int_equal(x->r.domains[3].items[ENGINE_ADDED], 1);
    assert_int_equal(x->r.levels[0].n_blocking, 2);
    assert_false(x->r.levels[0].conformant);
}

/* ------------------------------------------------------------------ errors */

static void test_errors(void **st)
{
    t *x = *st;
    assert_int_equal(engine_compare(NULL, x->nat, NULL, 0, &x->r), ENGINE_EINVAL);
    assert_non_null(strstr(x->r.error, "must not be NULL"));
    assert_int_equal(x->r.n_findings, 0);
    engine_report_free(&x->r);
    assert_int_equal(engine_compare(x->pro, x->nat, NULL, 0, NULL), ENGINE_EINVAL);
    fx_item(x->f, x->pro, "PN2", "", "幼有所育", "重复编号");
    assert_int_equal(engine_compare(x->pro, x->nat, NULL, 0, &x->r), ENGINE_EINVAL);
    assert_string_equal(x->r.error,
                        "child standard: item code \"PN2\" is not unique (items[1], items[5])");
    engine_report_free(&x->r);
    engine_report_free(&x->r); /* twice is fine */
    assert_string_equal(engine_strerror(ENGINE_EINVAL), "invalid argument");
    assert_string_equal(engine_strerror(ENGINE_ENOMEM), "out of memory");
    assert_string_equal(engine_rule_id(ENGINE_LEVEL_DROPPED), "PSS-LEVEL-DROPPED");
    assert_string_equal(engine_finding_type_name(ENGINE_BROADENED), "BROADENED");
    assert_string_equal(engine_finding_type_zh(ENGINE_RAISED), "调高");
    assert_string_equal(engine_rule_id((engine_finding_type)99), "UNKNOWN");
    assert_string_equal(engine_severity_name(ENGINE_VIOLATION), "VIOLATION");
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_derived_is_all_inherited),
        T(test_self_compare),
        T(test_nfkc_and_spaces_are_inherited),
        T(test_equivalent_units_are_inherited),
        T(test_quarterly_equals_four_per_year),
        T(test_supplemented),
        T(test_refined_clause),
        T(test_content_dropped),
        T(test_content_shortened_is_dropped_not_supplemented),
        T(test_raised_without_filing),
        T(test_raised_accepted_by_filing),
        T(test_lowered),
        T(test_lower_is_better),
        T(test_ranges_and_eq),
        T(test_extra_level_refined),
        T(test_level_dropped),
        T(test_incomparable_unit),
        T(test_level_changed_without_direction),
        T(test_narrowed_residency),
        T(test_narrowed_group_missing),
        T(test_broadened),
        T(test_broadened_extra_group),
        T(test_target_text_refined),
        T(test_standard_text_refined),
        T(test_reassigned),
        T(test_added),
        T(test_missing_and_exemption),
        T(test_unknown_parent_item),
        T(test_duplicate_implementation),
        T(test_combined_item_and_order),
        T(test_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
