/*
 * fixture.h — building pss.catalog.v1 standards in C test code.
 *
 * Everything is allocated through an fx (a list of allocations) and released by
 * fx_free(), so tests stay leak-free under ASan/LSan and valgrind. Repeated
 * fields get a fixed capacity (FX_CAP) so they can be appended to.
 */
#ifndef PSS_TEST_FIXTURE_H
#define PSS_TEST_FIXTURE_H

#include "engine.h"

#define FX_CAP 64

typedef struct fx fx;
typedef Pss__Catalog__V1__Level fx_level_t;

fx *fx_new(void);
void fx_free(fx *f);
void *fx_alloc(fx *f, size_t n);
char *fx_str(fx *f, const char *s);

engine_standard *fx_std(fx *f, const char *id, const char *parent_id);
engine_item *fx_item(fx *f, engine_standard *s, const char *code, const char *parent_code,
                     const char *domain, const char *name);
engine_item *fx_find(const engine_standard *s, const char *code);
/* Remove an item (by code) from a standard. */
void fx_remove(engine_standard *s, const char *code);

void fx_clause(fx *f, engine_item *it, const char *clause);
void fx_set_clause(fx *f, engine_item *it, size_t i, const char *clause);
void fx_target_text(fx *f, engine_item *it, const char *text);
void fx_group(fx *f, engine_item *it, const char *name, Pss__Catalog__V1__Residency res);
fx_level_t *fx_level(fx *f, engine_item *it, const char *metric, Pss__Catalog__V1__Comparator cmp,
                     double value, double value_max, const char *unit,
                     Pss__Catalog__V1__Direction dir);
void fx_text(fx *f, engine_item *it, const char *standard_text, const char *spending,
             const char *lead);

/* A standard that implements every item of `parent` verbatim (deep copies;
 * child code = prefix + parent code, parent_code = parent code). */
engine_standard *fx_derive(fx *f, const engine_standard *parent, const char *id,
                           const char *code_prefix);

engine_filing *fx_filing(fx *f, const char *number, const char *standard,
                         Pss__Catalog__V1__FilingKind kind, const char *item_code,
                         const char *field);

/* Report helpers. */
size_t rpt_count(const engine_report *r, engine_finding_type t, const char *child_code,
                 const char *parent_code);
const engine_finding *rpt_find(const engine_report *r, engine_finding_type t,
                               const char *child_code, const char *field);
void rpt_dump(const engine_report *r); /* to stderr, for failing tests */

/* A small "national" standard used by many tests:
 *  N1 免费孕前优生健康检查 幼有所育: target 农村计划怀孕夫妇(常住), 2 clauses,
 *     level 检查次数 EQ 1 次/年 HIGHER, standard_text, spending, lead
 *  N2 孕产妇健康服务 幼有所育: target 孕产妇(常住), 2 clauses, 孕期保健 GE 5 次
 *  N3 环境质量 事有所便: target 全体居民, 1 clause, 空气质量优良天数比率 GE 92 %
 *  N4 特困人员救助供养 弱有所扶: target 特困人员(户籍), 基本生活标准 GE 1611 元/月
 *  N5 公共法律服务 事有所便: target 全体居民(常住), 1 clause, 办理时限 LE 30 天 LOWER */
engine_standard *fx_national(fx *f, const char *id);

#endif
