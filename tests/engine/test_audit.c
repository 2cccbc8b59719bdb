/* engine_audit: four-level chain 国家 -> 浙江 -> 金华 -> 义乌, attribution of gaps. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "fixture.h"

#define RAISE PSS__CATALOG__V1__FILING_KIND__RAISE

typedef struct chain {
    fx *f;
    engine_standard *cn, *zj, *jh, *yw;
    const engine_standard *levels[4]; /* [yw, jh, zj, cn] */
    engine_report r;
} chain;

static int setup(void **st)
{
    chain *c = calloc(1, sizeof *c);
    c->f = fx_new();
    c->cn = fx_national(c->f, "CN/2021");
    c->zj = fx_derive(c->f, c->cn, "330000/2021", "P");
    /* the province drops national item N5 and lowers 空气质量优良天数比率 to 90% */
    fx_remove(c->zj, "PN5");
    fx_find(c->zj, "PN3")->levels[0]->value = 90;
    /* city and county implement their parents verbatim */
    c->jh = fx_derive(c->f, c->zj, "330700/2021", "C");
    c->yw = fx_derive(c->f, c->jh, "330782/2021", "Y");
    c->levels[0] = c->yw;
    c->levels[1] = c->jh;
    c->levels[2] = c->zj;
    c->levels[3] = c->cn;
    *st = c;
    return 0;
}

static int teardown(void **st)
{
    chain *c = *st;
    engine_report_free(&c->r);
    fx_free(c->f);
    free(c);
    return 0;
}

static void test_gap_attributed_to_province_once(void **st)
{
    chain *c = *st;
    assert_int_equal(engine_audit(c->levels, 4, NULL, NULL, &c->r), ENGINE_OK);
    const engine_report *r = &c->r;
    if (r->n_findings != 2)
        rpt_dump(r);
    assert_int_equal(r->kind, ENGINE_REPORT_AUDIT);
    assert_string_equal(r->child_id, "330782/2021");
    assert_string_equal(r->parent_id, "CN/2021");
    /* exactly one MISSING (N5) and one LOWERED, both originating in the province */
    assert_int_equal(r->n_findings, 2);
    assert_int_equal(rpt_count(r, ENGINE_MISSING, NULL, NULL), 1);
    const engine_finding *m = rpt_find(r, ENGINE_MISSING, NULL, NULL);
    assert_string_equal(m->parent_code, "N5");
    assert_string_equal(m->origin, "330000/2021");
    assert_string_equal(m->against, "CN/2021");
    assert_int_equal(m->level, 2);
    assert_true(m->blocking);
    const engine_finding *l = rpt_find(r, ENGINE_LOWERED, NULL, NULL);
    assert_string_equal(l->child_code, "PN3");
    assert_string_equal(l->origin, "330000/2021");
    assert_string_equal(l->old_value, "≥92%");
    assert_string_equal(l->new_value, "≥90%");
    /* INHERITED is left out of an audit */
    assert_int_equal(r->counts[ENGINE_INHERITED], 0);
    assert_int_equal(r->counts[ENGINE_MISSING], 1);
    assert_int_equal(r->counts[ENGINE_LOWERED], 1);
    /* per level: the county and the city are clean, the province is not */
    assert_int_equal(r->n_levels, 3);
    assert_string_equal(r->levels[0].child_id, "330782/2021");
    assert_string_equal(r->levels[0].parent_id, "330700/2021");
    assert_int_equal(r->levels[0].n_findings, 0);
    assert_true(r->levels[0].conformant);
    assert_true(r->levels[1].conformant);
    assert_string_equal(r->levels[2].child_id, "330000/2021");
    assert_int_equal(r->levels[2].n_blocking, 2);
    assert_false(r->levels[2].conformant);
    assert_false(r->conformant);
    assert_int_equal(r->n_blocking, 2);
}

static void test_each_level_uses_its_own_filings(void **st)
{
    chain *c = *st;
    /* the county raises 基本生活标准 (its parent says ≥1611 元/月) */
    fx_find(c->yw, "YCPN4")->levels[0]->value = 2000;
    /* the county's filing, and a province filing for the same metric that must not count */
    const engine_filing *yw_f[] = {fx_filing(c->f, "义发改备〔2021〕1号", "330782/2021", RAISE,
                                             "YCPN4", "levels")};
    const engine_filing *zj_f[] = {fx_filing(c->f, "浙发改备〔2021〕1号", "330000/2021", RAISE,
                                             "YCPN4", "levels")};
    const engine_filing *const *fil[4] = {NULL, NULL, zj_f, NULL};
    size_t nfil[4] = {0, 0, 1, 0};
    assert_int_equal(engine_audit(c->levels, 4, fil, nfil, &c->r), ENGINE_OK);
    const engine_finding *f = rpt_find(&c->r, ENGINE_RAISED, "YCPN4", NULL);
    assert_non_null(f);
    assert_int_equal(f->level, 0);
    assert_string_equal(f->origin, "330782/2021");
    assert_string_equal(f->against, "330700/2021");
    assert_string_equal(f->accepted_by, "");
    assert_true(f->blocking);
    assert_false(c->r.levels[0].conformant);
    engine_report_free(&c->r);

    fil[0] = yw_f;
    nfil[0] = 1;
    assert_int_equal(engine_audit(c->levels, 4, fil, nfil, &c->r), ENGINE_OK);
    f = rpt_find(&c->r, ENGINE_RAISED, "YCPN4", NULL);
    assert_string_equal(f->accepted_by, "义发改备〔2021〕1号");
    assert_true(c->r.levels[0].conformant);
    assert_int_equal(c->r.n_findings, 3); /* + the province's two */
    assert_int_equal(c->r.n_blocking, 2);
    /* order: level 0 first */
    assert_int_equal(c->r.findings[0].level, 0);
    assert_int_equal(c->r.findings[2].level, 2);
}

static void test_county_missing_its_own_parent_item(void **st)
{
    chain *c = *st;
    /* the county drops an item the city does have: the county's gap, not the province's */
    fx_remove(c->yw, "YCPN1");
    assert_int_equal(engine_audit(c->levels, 4, NULL, NULL, &c->r), ENGINE_OK);
    assert_int_equal(rpt_count(&c->r, ENGINE_MISSING, NULL, NULL), 2);
    const engine_finding *m = rpt_find(&c->r, ENGINE_MISSING, NULL, NULL);
    assert_string_equal(m->parent_code, "CPN1");
    assert_string_equal(m->origin, "330782/2021");
    assert_int_equal(m->level, 0);
    /* distinct per level: two MISSING items */
    assert_int_equal(c->r.counts[ENGINE_MISSING], 2);
}

static void test_audit_errors(void **st)
{
    chain *c = *st;
    assert_int_equal(engine_audit(c->levels, 1, NULL, NULL, &c->r), ENGINE_EINVAL);
    engine_report_free(&c->r);
    /* county directly against the province: declared parent is the city */
    const engine_standard *bad[] = {c->yw, c->zj};
    assert_int_equal(engine_audit(bad, 2, NULL, NULL, &c->r), ENGINE_EINVAL);
    assert_string_equal(c->r.error,
                        "engine_audit: chain[0] declares parent 330700/2021 but chain[1] is 330000/2021");
    engine_report_free(&c->r);
    size_t nfil[4] = {1, 0, 0, 0};
    const engine_filing *const *fil[4] = {NULL, NULL, NULL, NULL};
    assert_int_equal(engine_audit(c->levels, 4, fil, nfil, &c->r), ENGINE_EINVAL);
    assert_non_null(strstr(c->r.error, "filings[0] is NULL"));
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_gap_attributed_to_province_once),
        T(test_each_level_uses_its_own_filings),
        T(test_county_missing_its_own_parent_item),
        T(test_audit_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
