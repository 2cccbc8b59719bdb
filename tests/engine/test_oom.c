/*
 * Allocation failures: every engine entry point is run with the k-th allocation
 * failing, for k = 0, 1, 2, … until a run completes without hitting the failure.
 * Each failing run must return ENGINE_ENOMEM (never a silently different report)
 * and leak nothing (checked by ASan/LSan and valgrind).
 *
 * malloc/calloc/realloc/strdup are wrapped at link time (-Wl,--wrap=…) for the
 * objects of this executable, i.e. the engine library and the fixture.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "fixture.h"

static long countdown = -1; /* -1: never fail; 0: fail this one (then stay failed once) */
static int tripped;

void *__real_malloc(size_t n);
void *__real_calloc(size_t n, size_t m);
void *__real_realloc(void *p, size_t n);
char *__real_strdup(const char *s);

static int fail_now(void)
{
    if (countdown < 0)
        return 0;
    if (countdown == 0) {
        countdown = -1; /* fail exactly one allocation */
        tripped = 1;
        return 1;
    }
    countdown--;
    return 0;
}

void *__wrap_malloc(size_t n) { return fail_now() ? NULL : __real_malloc(n); }
void *__wrap_calloc(size_t n, size_t m) { return fail_now() ? NULL : __real_calloc(n, m); }
void *__wrap_realloc(void *p, size_t n) { return fail_now() ? NULL : __real_realloc(p, n); }
char *__wrap_strdup(const char *s) { return fail_now() ? NULL : __real_strdup(s); }

typedef struct world {
    fx *f;
    engine_standard *cn, *zj, *jh;
    const engine_filing *filing;
} world;

static world *build(void)
{
    world *w = calloc(1, sizeof *w);
    w->f = fx_new();
    w->cn = fx_national(w->f, "CN/2021");
    w->zj = fx_derive(w->f, w->cn, "330000/2021", "P");
    /* one of (nearly) every finding type, so every path allocates */
    fx_remove(w->zj, "PN5");
    fx_find(w->zj, "PN3")->levels[0]->value = 97;
    fx_clause(w->f, fx_find(w->zj, "PN1"), "开展公益性早期家庭教育指导");
    fx_set_clause(w->f, fx_find(w->zj, "PN2"), 0, "为孕产妇提供孕期保健服务，含心理健康");
    fx_find(w->zj, "PN2")->target->groups[0]->residency = PSS__CATALOG__V1__RESIDENCY__HOUSEHOLD;
    fx_find(w->zj, "PN4")->levels[0]->unit = fx_str(w->f, "%");
    fx_text(w->f, fx_find(w->zj, "PN4"), NULL, "省级", "省民政厅");
    fx_item(w->f, w->zj, "P-ADD", "", "文有所化", "文艺健身进家庭");
    fx_item(w->f, w->zj, "P-UNK", "N99", "文有所化", "未知");
    w->jh = fx_derive(w->f, w->zj, "330700/2021", "C");
    fx_find(w->jh, "CPN1")->n_content = 0;
    w->filing = fx_filing(w->f, "F-1", "", PSS__CATALOG__V1__FILING_KIND__RAISE, "PN3", "");
    return w;
}

static void destroy(world *w)
{
    fx_free(w->f);
    free(w);
}

typedef int (*call_fn)(world *w, engine_report *r, engine_resolved *res);

static int call_compare(world *w, engine_report *r, engine_resolved *res)
{
    return engine_compare(w->zj, w->cn, &w->filing, 1, r);
}
static int call_audit(world *w, engine_report *r, engine_resolved *res)
{
    const engine_standard *chain[] = {w->jh, w->zj, w->cn};
    return engine_audit(chain, 3, NULL, NULL, r);
}
static int call_editions(world *w, engine_report *r, engine_resolved *res)
{
    return engine_compare_editions(w->cn, w->zj, r);
}
static int call_resolve(world *w, engine_report *r, engine_resolved *res)
{
    const engine_standard *chain[] = {w->jh, w->zj, w->cn};
    return engine_resolve(chain, 3, res);
}

static void sweep(call_fn fn, size_t expect_findings_min)
{
    world *w = build();
    engine_report r;
    engine_resolved res;
    /* reference run */
    int rc = fn(w, &r, &res);
    assert_int_equal(rc, ENGINE_OK);
    size_t ref_findings = fn == call_resolve ? 0 : r.n_findings;
    size_t ref_items = fn == call_resolve ? res.n_items : 0;
    if (fn == call_resolve) {
        engine_resolved_free(&res);
    } else {
        if (ref_findings < expect_findings_min)
            rpt_dump(&r);
        assert_true(ref_findings >= expect_findings_min);
        engine_report_free(&r);
    }
    size_t failures = 0;
    for (long k = 0;; k++) {
        tripped = 0;
        countdown = k;
        rc = fn(w, &r, &res);
        countdown = -1;
        if (!tripped) {
            assert_int_equal(rc, ENGINE_OK);
            if (fn == call_resolve) {
                assert_int_equal(res.n_items, ref_items);
                engine_resolved_free(&res);
            } else {
                assert_int_equal(r.n_findings, ref_findings);
                engine_report_free(&r);
            }
            break;
        }
        failures++;
        assert_int_equal(rc, ENGINE_ENOMEM);
        if (fn == call_resolve) {
            assert_int_equal(res.n_items, 0);
            assert_string_equal(res.error, "out of memory");
            engine_resolved_free(&res);
        } else {
            assert_int_equal(r.n_findings, 0);
            assert_string_equal(r.error, "out of memory");
            engine_report_free(&r);
        }
    }
    assert_true(failures > 20); /* the sweep really exercised the allocations */
    destroy(w);
}

static void test_oom_compare(void **st) { sweep(call_compare, 10); }
static void test_oom_audit(void **st) { sweep(call_audit, 10); }
static void test_oom_editions(void **st) { sweep(call_editions, 8); }
static void test_oom_resolve(void **st) { sweep(call_resolve, 0); }

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_oom_compare),
        cmocka_unit_test(test_oom_audit),
        cmocka_unit_test(test_oom_editions),
        cmocka_unit_test(test_oom_resolve),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
