/*
 * Seed 001 (义乌市 2021 vs 金华市 2021), section 三(二): the hand-made report the
 * engine must reproduce — 新增 4 项, 补充完善 10 项, 调高 1 项, 细化 13 项.
 *
 * The standards are built from the seed's facts: the 10 supplemented items gain
 * the clauses the seed lists, the 13 refined items are stated more specifically
 * (a clause extended, an extra measurable level or a more precise standard
 * text), 环境质量 raises 空气质量优良天数比率 from 92% to 97% (filed), and 4
 * items are new. Three items are both supplemented and refined, as in the seed
 * (孕产妇健康服务, 普通高中免学(杂)费, 中等职业教育免除学杂费).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "fixture.h"

#define GE PSS__CATALOG__V1__COMPARATOR__GE
#define HI PSS__CATALOG__V1__DIRECTION__HIGHER_IS_BETTER
#define RES PSS__CATALOG__V1__RESIDENCY__RESIDENT

enum { INH = 0, SUP = 1, REF = 2, RAISE = 4 };

static const struct row {
    const char *code, *domain, *name;
    int kind;
    const char *supplement; /* the clause the seed says Yiwu added */
} JINHUA[] = {
    {"J01", "幼有所育", "免费孕前优生健康检查", SUP, "开设新婚夫妇课堂、孕妇课堂等，开展公益性早期家庭教育指导"},
    {"J02", "幼有所育", "孕产妇健康服务", SUP | REF, "孕妇学校开展公益性早期家庭教育指导，社区（村）每年至少开展4次家庭教育基础课程指导"},
    {"J03", "幼有所育", "儿童健康管理", SUP, "开展3岁以下婴幼儿家庭养育指导"},
    {"J04", "幼有所育", "困境儿童保障", SUP, "儿童福利机构、未成年人救助保护机构等提供有针对性的家庭教育指导服务"},
    {"J05", "幼有所育", "农村留守儿童关爱保护", SUP, "为留守儿童的父母或者其他监护人实施家庭教育提供服务"},
    {"J06", "幼有所育", "预防接种", INH, NULL},
    {"J07", "学有所教", "学前教育幼儿资助", SUP, "标准保教费收费标准低于补助标准，按实补助"},
    {"J08", "学有所教", "普通高中免学杂费", SUP | REF, "对公办普通高中符合条件学生免交住宿费"},
    {"J09", "学有所教", "中等职业教育免除学杂费", SUP | REF, "中等职业学校减免代收费、住宿费"},
    {"J10", "学有所教", "义务教育阶段免费提供教科书", INH, NULL},
    {"J11", "劳有所得", "就业登记与失业登记", REF, NULL},
    {"J12", "劳有所得", "就业见习服务", REF, NULL},
    {"J13", "病有所医", "慢性病患者健康管理", REF, NULL},
    {"J14", "病有所医", "农村符合条件的计划生育家庭奖励扶助", REF, NULL},
    {"J15", "病有所医", "计划生育家庭特别扶助", REF, NULL},
    {"J16", "老有所养", "老年人福利补贴", REF, NULL},
    {"J17", "住有所居", "公租房保障", REF, NULL},
    {"J18", "住有所居", "城镇棚户区住房改造", REF, NULL},
    {"J19", "住有所居", "农村危房改造", REF, NULL},
    {"J20", "弱有所扶", "困难残疾人生活补贴和重度残疾人护理补贴", SUP, "为未享受困难残疾人生活补贴和重度残疾人护理补贴的老龄残疾人（65周岁及以上）发放老龄补贴"},
    {"J21", "弱有所扶", "残疾儿童及青少年教育", SUP, "开展符合特点需求的家庭教育指导帮扶"},
    {"J22", "事有所便", "突发事件应急管理", REF, NULL},
    {"J23", "事有所便", "环境质量", RAISE, NULL},
};
#define N_JINHUA (sizeof JINHUA / sizeof JINHUA[0])

static const struct {
    const char *code, *domain, *name;
} YIWU_ADDED[] = {
    {"YW-ADD-1", "幼有所育", "0-3岁儿童发育及养育风险筛查"},
    {"YW-ADD-2", "文有所化", "文艺健身进家庭"},
    {"YW-ADD-3", "文有所化", "“义童游”家庭友好活动基地"},
    {"YW-ADD-4", "事有所便", "公共家庭教育指导服务"},
};

typedef struct world {
    fx *f;
    engine_standard *jinhua, *yiwu;
    const engine_filing *filing;
    engine_report r;
} world;

static int setup(void **st)
{
    world *w = calloc(1, sizeof *w);
    fx *f = w->f = fx_new();
    w->jinhua = fx_std(f, "330700/2021", "330000/2021");
    char buf[512];
    for (size_t i = 0; i < N_JINHUA; i++) {
        const struct row *r = &JINHUA[i];
        engine_item *it = fx_item(f, w->jinhua, r->code, "", r->domain, r->name);
        fx_target_text(f, it, "全市居民");
        fx_group(f, it, "全市居民", RES);
        snprintf(buf, sizeof buf, "提供%s服务", r->name);
        fx_clause(f, it, buf);
        fx_clause(f, it, "按规定落实相关政策。");
        if (r->kind == RAISE) {
            fx_level(f, it, "空气质量优良天数比率", GE, 92, 0, "%", HI);
            fx_text(f, it, "空气质量优良天数比率达到92%", "市县共同承担", "市生态环境局");
        } else {
            snprintf(buf, sizeof buf, "按%s相关规定执行", r->name);
            fx_text(f, it, buf, "市县共同承担", "市有关部门");
        }
    }
    /* 义乌: every item implemented (codes YW-…), then the seed's changes */
    w->yiwu = fx_derive(f, w->jinhua, "330782/2021", "YW-");
    for (size_t i = 0; i < N_JINHUA; i++) {
        const struct row *r = &JINHUA[i];
        snprintf(buf, sizeof buf, "YW-%s", r->code);
        engine_item *it = fx_find(w->yiwu, buf);
        if (r->kind & SUP)
            fx_clause(f, it, r->supplement);
        if (r->kind & REF) {
            switch (i % 3) { /* three ways of stating the same entitlement more specifically */
            case 0:
                snprintf(buf, sizeof buf, "提供%s服务，明确服务流程和办理时限。", r->name);
                fx_set_clause(f, it, 0, buf);
                break;
            case 1:
                fx_level(f, it, "服务覆盖率", GE, 95, 0, "%", HI);
                break;
            default:
                snprintf(buf, sizeof buf, "按%s相关规定执行，具体按义乌市实施细则", r->name);
                fx_text(f, it, buf, NULL, NULL);
            }
        }
        if (r->kind == RAISE) {
            it->levels[0]->value = 97;
            fx_text(f, it, "空气质量优良天数比率97%以上", NULL, NULL);
        }
    }
    for (size_t i = 0; i < sizeof YIWU_ADDED / sizeof YIWU_ADDED[0]; i++) {
        engine_item *it = fx_item(f, w->yiwu, YIWU_ADDED[i].code, "", YIWU_ADDED[i].domain,
                                  YIWU_ADDED[i].name);
        it->note = fx_str(f, "结合义乌市经济社会发展实际新增");
    }
    w->filing = fx_filing(f, "义发改备〔2021〕1号", "330782/2021",
                          PSS__CATALOG__V1__FILING_KIND__RAISE, "YW-J23", "levels");
    *st = w;
    return 0;
}

static int teardown(void **st)
{
    world *w = *st;
    engine_report_free(&w->r);
    fx_free(w->f);
    free(w);
    return 0;
}

static const engine_domain_count *domain(const engine_report *r, const char *name)
{
    for (size_t i = 0; i < r->n_domains; i++)
        if (strcmp(r->domains[i].domain, name) == 0)
            return &r->domains[i];
    fail_msg("domain %s not in report", name);
    return NULL;
}

static void test_seed001_counts(void **st)
{
    world *w = *st;
    assert_int_equal(engine_compare(w->yiwu, w->jinhua, &w->filing, 1, &w->r), ENGINE_OK);
    const engine_report *r = &w->r;
    /* 新增 4, 补充完善 10, 调高 1, 细化 13 */
    char summary[128];
    snprintf(summary, sizeof summary, "新增%zu项，补充完善%zu项，调高%zu项，细化%zu项",
             r->counts[ENGINE_ADDED], r->counts[ENGINE_SUPPLEMENTED], r->counts[ENGINE_RAISED],
             r->counts[ENGINE_REFINED]);
    assert_string_equal(summary, "新增4项，补充完善10项，调高1项，细化13项");
    assert_int_equal(r->counts[ENGINE_INHERITED], 2);
    assert_int_equal(r->counts[ENGINE_MISSING], 0);
    assert_int_equal(r->counts[ENGINE_LOWERED], 0);
    assert_int_equal(r->counts[ENGINE_NARROWED], 0);
    assert_int_equal(r->counts[ENGINE_CONTENT_DROPPED], 0);
    assert_int_equal(r->counts[ENGINE_REASSIGNED], 0);
    /* one finding per SUPPLEMENTED / REFINED item here, plus 2 INHERITED, 1 RAISED, 4 ADDED */
    assert_int_equal(r->n_findings, 2 + 10 + 13 + 1 + 4);
    assert_true(r->conformant);
    assert_int_equal(r->n_blocking, 0);
    assert_int_equal(r->n_warnings, 0);

    const engine_finding *f = rpt_find(r, ENGINE_RAISED, "YW-J23", "levels");
    assert_non_null(f);
    assert_string_equal(f->item_name, "环境质量");
    assert_string_equal(f->domain, "事有所便");
    assert_string_equal(f->old_value, "≥92%");
    assert_string_equal(f->new_value, "≥97%");
    assert_string_equal(f->accepted_by, "义发改备〔2021〕1号");
    assert_string_equal(f->message_en,
                        "空气质量优良天数比率 raised from ≥92% to ≥97%: above the level of the parent; "
                        "accepted by filing 义发改备〔2021〕1号");
    assert_string_equal(f->message_zh,
                        "空气质量优良天数比率由≥92%调高至≥97%，高于上级标准；已备案（义发改备〔2021〕1号），予以接受");

    /* 孕产妇健康服务 is both 补充完善 and 细化 */
    assert_int_equal(rpt_count(r, ENGINE_SUPPLEMENTED, "YW-J02", NULL), 1);
    assert_int_equal(rpt_count(r, ENGINE_REFINED, "YW-J02", NULL), 1);
    f = rpt_find(r, ENGINE_SUPPLEMENTED, "YW-J01", NULL);
    assert_string_equal(f->new_value, "开设新婚夫妇课堂、孕妇课堂等，开展公益性早期家庭教育指导");

    /* by domain */
    assert_int_equal(domain(r, "幼有所育")->items[ENGINE_SUPPLEMENTED], 5);
    assert_int_equal(domain(r, "幼有所育")->items[ENGINE_ADDED], 1);
    assert_int_equal(domain(r, "幼有所育")->items[ENGINE_INHERITED], 1);
    assert_int_equal(domain(r, "学有所教")->items[ENGINE_SUPPLEMENTED], 3);
    assert_int_equal(domain(r, "学有所教")->items[ENGINE_REFINED], 2);
    assert_int_equal(domain(r, "住有所居")->items[ENGINE_REFINED], 3);
    assert_int_equal(domain(r, "文有所化")->items[ENGINE_ADDED], 2);
    assert_int_equal(domain(r, "事有所便")->items[ENGINE_RAISED], 1);
    assert_int_equal(domain(r, "事有所便")->items[ENGINE_ADDED], 1);
    assert_int_equal(domain(r, "事有所便")->items[ENGINE_REFINED], 1);
    assert_int_equal(r->n_domains, 9);
    /* order: parent order, added items last */
    assert_string_equal(r->findings[0].child_code, "YW-J01");
    assert_string_equal(r->findings[r->n_findings - 4].child_code, "YW-ADD-1");
    assert_string_equal(r->findings[r->n_findings - 1].child_code, "YW-ADD-4");
}

static void test_seed001_without_filing(void **st)
{
    world *w = *st;
    assert_int_equal(engine_compare(w->yiwu, w->jinhua, NULL, 0, &w->r), ENGINE_OK);
    assert_false(w->r.conformant);
    assert_int_equal(w->r.n_blocking, 1);
    const engine_finding *b = &w->r.findings[w->r.blocking[0]];
    assert_int_equal(b->type, ENGINE_RAISED);
    assert_string_equal(b->child_code, "YW-J23");
    assert_string_equal(b->accepted_by, "");
    assert_int_equal(w->r.counts[ENGINE_RAISED], 1);
}

static void test_seed001_deterministic(void **st)
{
    world *w = *st;
    engine_report a, b;
    assert_int_equal(engine_compare(w->yiwu, w->jinhua, &w->filing, 1, &a), ENGINE_OK);
    assert_int_equal(engine_compare(w->yiwu, w->jinhua, &w->filing, 1, &b), ENGINE_OK);
    assert_int_equal(a.n_findings, b.n_findings);
    for (size_t i = 0; i < a.n_findings; i++) {
        assert_int_equal(a.findings[i].type, b.findings[i].type);
        assert_string_equal(a.findings[i].child_code, b.findings[i].child_code);
        assert_string_equal(a.findings[i].message_zh, b.findings[i].message_zh);
        assert_string_equal(a.findings[i].message_en, b.findings[i].message_en);
    }
    engine_report_free(&a);
    engine_report_free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_seed001_counts, setup, teardown),
        cmocka_unit_test_setup_teardown(test_seed001_without_filing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_seed001_deterministic, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
