/* fixture.c — see fixture.h. */
#include "fixture.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct fx {
    void **ptrs;
    size_t n, cap;
};

fx *fx_new(void)
{
    fx *f = calloc(1, sizeof *f);
    if (!f)
        abort();
    return f;
}

void fx_free(fx *f)
{
    for (size_t i = 0; i < f->n; i++)
        free(f->ptrs[i]);
    free(f->ptrs);
    free(f);
}

void *fx_alloc(fx *f, size_t n)
{
    if (f->n == f->cap) {
        f->cap = f->cap ? f->cap * 2 : 256;
        f->ptrs = realloc(f->ptrs, f->cap * sizeof *f->ptrs);
        if (!f->ptrs)
            abort();
    }
    void *p = calloc(1, n ? n : 1);
    if (!p)
        abort();
    f->ptrs[f->n++] = p;
    return p;
}

char *fx_str(fx *f, const char *s)
{
    s = s ? s : "";
    char *p = fx_alloc(f, strlen(s) + 1);
    strcpy(p, s);
    return p;
}

engine_standard *fx_std(fx *f, const char *id, const char *parent_id)
{
    engine_standard *s = fx_alloc(f, sizeof *s);
    *s = (engine_standard)PSS__CATALOG__V1__STANDARD__INIT;
    s->id = fx_str(f, id);
    s->parent = fx_str(f, parent_id);
    s->items = fx_alloc(f, FX_CAP * 4 * sizeof *s->items);
    return s;
}

engine_item *fx_item(fx *f, engine_standard *s, const char *code, const char *parent_code,
                     const char *domain, const char *name)
{
    engine_item *it = fx_alloc(f, sizeof *it);
    *it = (engine_item)PSS__CATALOG__V1__ITEM__INIT;
    it->code = fx_str(f, code);
    it->parent_code = fx_str(f, parent_code);
    it->domain = fx_str(f, domain);
    it->name = fx_str(f, name);
    it->category = fx_str(f, "");
    it->standard_text = fx_str(f, "");
    it->spending = fx_str(f, "");
    it->lead_department = fx_str(f, "");
    it->note = fx_str(f, "");
    it->target = fx_alloc(f, sizeof *it->target);
    *it->target = (Pss__Catalog__V1__Target)PSS__CATALOG__V1__TARGET__INIT;
    it->target->text = fx_str(f, "");
    it->target->groups = fx_alloc(f, FX_CAP * sizeof *it->target->groups);
    it->content = fx_alloc(f, FX_CAP * sizeof *it->content);
    it->levels = fx_alloc(f, FX_CAP * sizeof *it->levels);
    if (s)
        s->items[s->n_items++] = it;
    return it;
}

engine_item *fx_find(const engine_standard *s, const char *code)
{
    for (size_t i = 0; i < s->n_items; i++)
        if (strcmp(s->items[i]->code, code) == 0)
            return s->items[i];
    return NULL;
}

void fx_remove(engine_standard *s, const char *code)
{
    for (size_t i = 0; i < s->n_items; i++)
        if (strcmp(s->items[i]->code, code) == 0) {
            memmove(&s->items[i], &s->items[i + 1], (s->n_items - i - 1) * sizeof *s->items);
            s->n_items--;
            return;
        }
}

void fx_clause(fx *f, engine_item *it, const char *clause)
{
    it->content[it->n_content++] = fx_str(f, clause);
}

void fx_set_clause(fx *f, engine_item *it, size_t i, const char *clause)
{
    it->content[i] = fx_str(f, clause);
}

void fx_target_text(fx *f, engine_item *it, const char *text) { it->target->text = fx_str(f, text); }

void fx_group(fx *f, engine_item *it, const char *name, Pss__Catalog__V1__Residency res)
{
    Pss__Catalog__V1__TargetGroup *g = fx_alloc(f, sizeof *g);
    *g = (Pss__Catalog__V1__TargetGroup)PSS__CATALOG__V1__TARGET_GROUP__INIT;
    g->name = fx_str(f, name);
    g->residency = res;
    it->target->groups[it->target->n_groups++] = g;
}

fx_level_t *fx_level(fx *f, engine_item *it, const char *metric, Pss__Catalog__V1__Comparator cmp,
                     double value, double value_max, const char *unit,
                     Pss__Catalog__V1__Direction dir)
{
    fx_level_t *l = fx_alloc(f, sizeof *l);
    *l = (fx_level_t)PSS__CATALOG__V1__LEVEL__INIT;
    l->metric = fx_str(f, metric);
    l->comparator = cmp;
    l->value = value;
    l->value_max = value_max;
    l->unit = fx_str(f, unit);
    l->direction = dir;
    l->text = fx_str(f, "");
    it->levels[it->n_levels++] = l;
    return l;
}

void fx_text(fx *f, engine_item *it, const char *standard_text, const char *spending,
             const char *lead)
{
    if (standard_text)
        it->standard_text = fx_str(f, standard_text);
    if (spending)
        it->spending = fx_str(f, spending);
    if (lead)
        it->lead_department = fx_str(f, lead);
}

engine_standard *fx_derive(fx *f, const engine_standard *parent, const char *id,
                           const char *code_prefix)
{
    engine_standard *s = fx_std(f, id, parent->id);
    for (size_t i = 0; i < parent->n_items; i++) {
        const engine_item *p = parent->items[i];
        char code[128];
        snprintf(code, sizeof code, "%s%s", code_prefix, p->code);
        engine_item *c = fx_item(f, s, code, p->code, p->domain, p->name);
        c->category = fx_str(f, p->category);
        fx_target_text(f, c, p->target->text);
        for (size_t k = 0; k < p->target->n_groups; k++)
            fx_group(f, c, p->target->groups[k]->name, p->target->groups[k]->residency);
        for (size_t k = 0; k < p->n_content; k++)
            fx_clause(f, c, p->content[k]);
        for (size_t k = 0; k < p->n_levels; k++) {
            const fx_level_t *l = p->levels[k];
            fx_level(f, c, l->metric, l->comparator, l->value, l->value_max, l->unit, l->direction);
        }
        fx_text(f, c, p->standard_text, p->spending, p->lead_department);
    }
    return s;
}

engine_filing *fx_filing(fx *f, const char *number, const char *standard,
                         Pss__Catalog__V1__FilingKind kind, const char *item_code,
                         const char *field)
{
    engine_filing *fi = fx_alloc(f, sizeof *fi);
    *fi = (engine_filing)PSS__CATALOG__V1__FILING__INIT;
    fi->number = fx_str(f, number);
    fi->standard = fx_str(f, standard);
    fi->kind = kind;
    fi->covers = fx_alloc(f, 4 * sizeof *fi->covers);
    Pss__Catalog__V1__FilingScope *sc = fx_alloc(f, sizeof *sc);
    *sc = (Pss__Catalog__V1__FilingScope)PSS__CATALOG__V1__FILING_SCOPE__INIT;
    sc->item_code = fx_str(f, item_code);
    sc->field = fx_str(f, field);
    fi->covers[fi->n_covers++] = sc;
    return fi;
}

size_t rpt_count(const engine_report *r, engine_finding_type t, const char *child_code,
                 const char *parent_code)
{
    size_t n = 0;
    for (size_t i = 0; i < r->n_findings; i++) {
        const engine_finding *f = &r->findings[i];
        if (f->type == t && (!child_code || strcmp(f->child_code, child_code) == 0) &&
            (!parent_code || strcmp(f->parent_code, parent_code) == 0))
            n++;
    }
    return n;
}

const engine_finding *rpt_find(const engine_report *r, engine_finding_type t,
                               const char *child_code, const char *field)
{
    for (size_t i = 0; i < r->n_findings; i++) {
        const engine_finding *f = &r->findings[i];
        if (f->type == t && (!child_code || strcmp(f->child_code, child_code) == 0) &&
            (!field || strcmp(f->field, field) == 0))
            return f;
    }
    return NULL;
}

void rpt_dump(const engine_report *r)
{
    for (size_t i = 0; i < r->n_findings; i++) {
        const engine_finding *f = &r->findings[i];
        fprintf(stderr, "[%zu] L%zu %-22s %-9s %s<-%s %s/%s old=%s new=%s acc=%s blk=%d\n     %s\n     %s\n",
                i, f->level, engine_finding_type_name(f->type), engine_severity_name(f->severity),
                f->child_code, f->parent_code, f->field, f->subject, f->old_value, f->new_value,
                f->accepted_by, f->blocking, f->message_zh, f->message_en);
    }
}

engine_standard *fx_national(fx *f, const char *id)
{
    const Pss__Catalog__V1__Comparator GE = PSS__CATALOG__V1__COMPARATOR__GE,
                                       LE = PSS__CATALOG__V1__COMPARATOR__LE,
                                       EQ = PSS__CATALOG__V1__COMPARATOR__EQ;
    const Pss__Catalog__V1__Direction HI = PSS__CATALOG__V1__DIRECTION__HIGHER_IS_BETTER,
                                      LO = PSS__CATALOG__V1__DIRECTION__LOWER_IS_BETTER;
    const Pss__Catalog__V1__Residency RES = PSS__CATALOG__V1__RESIDENCY__RESIDENT,
                                      HH = PSS__CATALOG__V1__RESIDENCY__HOUSEHOLD;
    engine_standard *s = fx_std(f, id, "");
    engine_item *it = fx_item(f, s, "N1", "", "幼有所育", "免费孕前优生健康检查");
    fx_target_text(f, it, "符合条件的农村计划怀孕夫妇");
    fx_group(f, it, "农村计划怀孕夫妇", RES);
    fx_clause(f, it, "为农村计划怀孕夫妇提供健康教育、健康检查、风险评估和咨询指导等孕前优生服务。");
    fx_clause(f, it, "开展孕前优生健康检查");
    fx_level(f, it, "检查次数", EQ, 1, 0, "次/年", HI);
    fx_text(f, it, "每对夫妇每孩次享受1次免费孕前优生健康检查。", "中央和地方共同承担", "卫生健康委");

    it = fx_item(f, s, "N2", "", "幼有所育", "孕产妇健康服务");
    fx_target_text(f, it, "孕产妇");
    fx_group(f, it, "孕产妇", RES);
    fx_clause(f, it, "为孕产妇提供孕期保健服务");
    fx_clause(f, it, "提供产后访视");
    fx_level(f, it, "孕期保健", GE, 5, 0, "次", HI);
    fx_text(f, it, "孕期至少5次孕期保健服务", "地方", "卫生健康委");

    it = fx_item(f, s, "N3", "", "事有所便", "环境质量");
    fx_target_text(f, it, "全体居民");
    fx_group(f, it, "全体居民", RES);
    fx_clause(f, it, "持续改善空气质量");
    fx_level(f, it, "空气质量优良天数比率", GE, 92, 0, "%", HI);
    fx_text(f, it, "空气质量优良天数比率达到92%", "地方", "生态环境局");

    it = fx_item(f, s, "N4", "", "弱有所扶", "特困人员救助供养");
    fx_target_text(f, it, "户籍特困人员");
    fx_group(f, it, "特困人员", HH);
    fx_clause(f, it, "提供基本生活条件");
    fx_level(f, it, "基本生活标准", GE, 1611, 0, "元/月", HI);
    fx_text(f, it, "基本生活标准不低于1,611元/月", "地方", "民政局");

    it = fx_item(f, s, "N5", "", "事有所便", "公共法律服务");
    fx_target_text(f, it, "全体居民");
    fx_group(f, it, "全体居民", RES);
    fx_clause(f, it, "提供法律咨询");
    fx_level(f, it, "法律援助办理时限", LE, 30, 0, "天", LO);
    fx_text(f, it, "办理时限不超过30天", "地方", "司法局");
    return s;
}
