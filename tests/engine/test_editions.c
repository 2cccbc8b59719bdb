/* engine_compare_editions: what changed between two editions (e.g. 2021 -> 2023). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "fixture.h"

#define RES PSS__CATALOG__V1__RESIDENCY__RESIDENT

static void test_editions_changes(void **st)
{
    fx *f = fx_new();
    engine_standard *old = fx_national(f, "CN/2021");
    engine_standard *new = fx_derive(f, old, "CN/2023", ""); /* same codes */
    fx_set_clause(f, fx_find(new, "N1"), 0, "提供孕前健康评估和优生咨询"); /* reworded */
    fx_find(new, "N2")->levels[0]->value = 8;                               /* raised */
    fx_text(f, fx_find(new, "N3"), NULL, NULL, "生态环境部");               /* lead */
    engine_item *n4 = fx_find(new, "N4");
    n4->code = fx_str(f, "N4-2023"); /* renumbered: matched by name */
    n4->target->groups[0]->residency = RES; /* 户籍 -> 常住 */
    fx_remove(new, "N5");
    fx_item(f, new, "N6", "", "幼有所育", "普惠托育服务");

    engine_report r;
    assert_int_equal(engine_compare_editions(old, new, &r), ENGINE_OK);
    static const engine_finding_type want[] = {ENGINE_REWORDED,   ENGINE_RAISED,
                                               ENGINE_REASSIGNED, ENGINE_BROADENED,
                                               ENGINE_REMOVED,    ENGINE_ADDED};
    if (r.n_findings != 6)
        rpt_dump(&r);
    assert_int_equal(r.n_findings, 6);
    for (size_t i = 0; i < 6; i++) {
        assert_int_equal(r.findings[i].type, want[i]);
        assert_int_equal(r.findings[i].severity, ENGINE_INFO); /* a history, not a hierarchy */
        assert_false(r.findings[i].blocking);
    }
    assert_int_equal(r.kind, ENGINE_REPORT_EDITIONS);
    assert_string_equal(r.child_id, "CN/2023");
    assert_string_equal(r.parent_id, "CN/2021");
    assert_string_equal(r.findings[0].old_value,
                        "为农村计划怀孕夫妇提供健康教育、健康检查、风险评估和咨询指导等孕前优生服务。");
    assert_string_equal(r.findings[0].new_value, "提供孕前健康评估和优生咨询");
    assert_string_equal(r.findings[0].rule_id, "PSS-REWORDED");
    assert_string_equal(r.findings[1].old_value, "≥5次");
    assert_string_equal(r.findings[1].new_value, "≥8次");
    assert_non_null(strstr(r.findings[1].message_en, "the old edition"));
    assert_string_equal(r.findings[2].new_value, "生态环境部");
    assert_string_equal(r.findings[3].child_code, "N4-2023");
    assert_string_equal(r.findings[3].parent_code, "N4");
    assert_string_equal(r.findings[3].accepted_by, "");
    assert_string_equal(r.findings[4].parent_code, "N5");
    assert_string_equal(r.findings[4].rule_id, "PSS-REMOVED");
    assert_string_equal(r.findings[5].child_code, "N6");
    assert_null(strstr(r.findings[5].message_en, "justification"));
    assert_int_equal(r.counts[ENGINE_REMOVED], 1);
    assert_int_equal(r.counts[ENGINE_ADDED], 1);
    assert_true(r.conformant);
    engine_report_free(&r);

    /* unchanged editions: all INHERITED */
    engine_standard *same = fx_derive(f, old, "CN/2021b", "");
    assert_int_equal(engine_compare_editions(old, same, &r), ENGINE_OK);
    assert_int_equal(r.n_findings, 5);
    assert_int_equal(r.counts[ENGINE_INHERITED], 5);
    assert_string_equal(r.findings[0].message_en, "unchanged from the old edition (after normalisation)");
    engine_report_free(&r);

    /* a clause only removed is CONTENT_DROPPED, informational */
    fx_find(same, "N2")->n_content = 1;
    assert_int_equal(engine_compare_editions(old, same, &r), ENGINE_OK);
    const engine_finding *d = rpt_find(&r, ENGINE_CONTENT_DROPPED, "N2", "content");
    assert_non_null(d);
    assert_int_equal(d->severity, ENGINE_INFO);
    assert_string_equal(d->old_value, "提供产后访视");
    assert_true(r.conformant);
    engine_report_free(&r);

    assert_int_equal(engine_compare_editions(NULL, same, &r), ENGINE_EINVAL);
    assert_string_equal(r.error, "engine_compare_editions: both editions are required");
    engine_report_free(&r);
    fx_free(f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_editions_changes)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
