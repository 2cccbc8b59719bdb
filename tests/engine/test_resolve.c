/* engine_resolve: effective standard with per-field provenance. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "fixture.h"

enum { F_TARGET, F_CONTENT, F_LEVELS, F_TEXT, F_SPENDING, F_LEAD };

static void test_resolve_chain(void **st)
{
    fx *f = fx_new();
    engine_standard *cn = fx_national(f, "CN/2021");
    cn->jurisdiction = fx_str(f, "CN");
    cn->revision = 7;
    engine_standard *zj = fx_derive(f, cn, "330000/2021", "P");
    zj->jurisdiction = fx_str(f, "330000");
    zj->revision = 20;
    fx_find(zj, "PN3")->levels[0]->value = 97; /* the province raised it */
    fx_find(zj, "PN3")->revision = 42;
    fx_remove(zj, "PN5");                       /* and dropped N5 */
    engine_standard *jh = fx_derive(f, zj, "330700/2021", "C");
    jh->jurisdiction = fx_str(f, "330700");
    engine_standard *yw = fx_derive(f, jh, "330782/2021", "Y");
    yw->jurisdiction = fx_str(f, "330782");
    yw->revision = 99;
    fx_text(f, fx_find(yw, "YCPN1"), NULL, NULL, "义乌市卫生健康局");

    const engine_standard *chain[] = {yw, jh, zj, cn};
    engine_resolved r;
    assert_int_equal(engine_resolve(chain, 4, &r), ENGINE_OK);
    assert_string_equal(r.standard_id, "330782/2021");
    assert_string_equal(r.error, "");
    assert_int_equal(r.n_items, 5);

    const engine_resolved_item *i1 = &r.items[0];
    assert_string_equal(i1->code, "YCPN1");
    assert_int_equal(i1->level, 0);
    assert_false(i1->implicit);
    assert_string_equal(i1->fields[F_LEAD].field, "lead_department");
    assert_string_equal(i1->fields[F_LEAD].value, "义乌市卫生健康局");
    assert_string_equal(i1->fields[F_LEAD].jurisdiction, "330782");
    assert_int_equal(i1->fields[F_LEAD].revision, 99);
    assert_string_equal(i1->fields[F_CONTENT].standard_id, "CN/2021"); /* unchanged since national */
    assert_string_equal(i1->fields[F_CONTENT].item_code, "N1");
    assert_int_equal(i1->fields[F_CONTENT].level, 3);
    assert_int_equal(i1->fields[F_CONTENT].revision, 7);

    const engine_resolved_item *i3 = &r.items[2];
    assert_string_equal(i3->code, "YCPN3");
    assert_string_equal(i3->fields[F_LEVELS].field, "levels");
    assert_string_equal(i3->fields[F_LEVELS].value, "空气质量优良天数比率 ≥97%");
    assert_string_equal(i3->fields[F_LEVELS].jurisdiction, "330000");
    assert_string_equal(i3->fields[F_LEVELS].item_code, "PN3");
    assert_int_equal(i3->fields[F_LEVELS].revision, 42);
    assert_string_equal(i3->fields[F_TARGET].jurisdiction, "CN");

    /* N5, dropped by the province, still applies: implicit, from the national level */
    const engine_resolved_item *i5 = &r.items[4];
    assert_string_equal(i5->code, "N5");
    assert_true(i5->implicit);
    assert_int_equal(i5->level, 3);
    assert_string_equal(i5->fields[F_LEVELS].value, "法律援助办理时限 ≤30天");
    assert_string_equal(i5->fields[F_SPENDING].standard_id, "CN/2021");
    engine_resolved_free(&r);

    /* errors */
    const engine_standard *bad[] = {yw, zj};
    assert_int_equal(engine_resolve(bad, 2, &r), ENGINE_EINVAL);
    assert_string_equal(r.error,
                        "engine_resolve: chain[0] declares parent 330700/2021 but chain[1] is 330000/2021");
    engine_resolved_free(&r);
    assert_int_equal(engine_resolve(NULL, 0, &r), ENGINE_EINVAL);
    engine_resolved_free(&r);

    /* a single standard resolves to itself */
    assert_int_equal(engine_resolve(chain + 3, 1, &r), ENGINE_OK);
    assert_int_equal(r.n_items, 5);
    assert_string_equal(r.items[0].fields[F_TEXT].jurisdiction, "CN");
    engine_resolved_free(&r);
    fx_free(f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_resolve_chain)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
