/*
 * engine.c — matching, findings and verdict of one child/parent pair
 * (the rules are specified in engine.h; each function below says why).
 */
#include "engine_internal.h"
#include "text_norm.h"
#include "units.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef Pss__Catalog__V1__Level level_t;
typedef Pss__Catalog__V1__Target target_t;
typedef Pss__Catalog__V1__Filing filing_t;

#define S(s) ((s) ? (s) : "")

typedef struct ctx {
    engine_report *r;
    const cmp_pass *p;
    const char *origin, *against; /* standard ids */
    const char *P_zh, *P_en;      /* how to call the reference side in messages */
} ctx;

const char *engine_strerror(int rc)
{
    switch (rc) {
    case ENGINE_OK: return "ok";
    case ENGINE_EINVAL: return "invalid argument";
    case ENGINE_ENOMEM: return "out of memory";
    }
    return "unknown error";
}

/* ------------------------------------------------------------------ helpers */

const char *engine_std_id(engine_report *r, const engine_standard *s)
{
    if (!s)
        return "";
    if (S(s->id)[0])
        return rb_strdup(r, s->id);
    if (S(s->jurisdiction)[0] || S(s->edition)[0])
        return rb_printf(r, "%s/%s", S(s->jurisdiction), S(s->edition));
    return "";
}

long engine_find_item(const engine_standard *s, const char *code)
{
    for (size_t i = 0; i < s->n_items; i++)
        if (s->items[i] && strcmp(S(s->items[i]->code), S(code)) == 0)
            return (long)i;
    return -1;
}

int engine_check_codes(engine_report *r, const engine_standard *s, const char *what)
{
    for (size_t i = 0; i < s->n_items; i++) {
        const engine_item *it = s->items[i];
        if (!it) {
            rb_error(r, "%s standard: items[%zu] is NULL", what, i);
            return -1;
        }
        if (!S(it->code)[0]) {
            rb_error(r, "%s standard: items[%zu] has no code", what, i);
            return -1;
        }
        for (size_t j = 0; j < i; j++)
            if (strcmp(s->items[j]->code, it->code) == 0) {
                rb_error(r, "%s standard: item code \"%s\" is not unique (items[%zu], items[%zu])",
                         what, it->code, j, i);
                return -1;
            }
    }
    return 0;
}

void engine_map_by_parent_code(const engine_standard *child, const engine_standard *parent,
                               long *map)
{
    for (size_t i = 0; i < child->n_items; i++) {
        const char *pc = S(child->items[i]->parent_code);
        if (!*pc) {
            map[i] = MAP_NONE;
            continue;
        }
        long j = engine_find_item(parent, pc);
        map[i] = j >= 0 ? j : MAP_UNKNOWN;
    }
}

static const char *fmt_num(char *buf, size_t cap, double v)
{
    snprintf(buf, cap, "%.10g", v);
    return buf;
}

const char *engine_fmt_level(engine_report *r, const level_t *l)
{
    char a[40], b[40];
    const char *u = S(l->unit);
    switch (l->comparator) {
    case PSS__CATALOG__V1__COMPARATOR__GE:
        return rb_printf(r, "≥%s%s", fmt_num(a, sizeof a, l->value), u);
    case PSS__CATALOG__V1__COMPARATOR__LE:
        return rb_printf(r, "≤%s%s", fmt_num(a, sizeof a, l->value), u);
    case PSS__CATALOG__V1__COMPARATOR__EQ:
        return rb_printf(r, "=%s%s", fmt_num(a, sizeof a, l->value), u);
    case PSS__CATALOG__V1__COMPARATOR__RANGE:
        return rb_printf(r, "%s-%s%s", fmt_num(a, sizeof a, l->value),
                         fmt_num(b, sizeof b, l->value_max), u);
    default:
        return rb_printf(r, "%s%s", fmt_num(a, sizeof a, l->value), u);
    }
}

const char *engine_fmt_join(engine_report *r, char *const *v, size_t n)
{
    size_t len = 1;
    for (size_t i = 0; i < n; i++)
        len += strlen(S(v[i])) + 3;
    char *out = rb_alloc(r, len);
    if (!out)
        return "";
    for (size_t i = 0; i < n; i++) {
        if (!S(v[i])[0])
            continue;
        if (*out)
            strcat(out, "；");
        strcat(out, v[i]);
    }
    return out;
}

static const char *res_zh(Pss__Catalog__V1__Residency res)
{
    switch (res) {
    case PSS__CATALOG__V1__RESIDENCY__HOUSEHOLD: return "户籍";
    case PSS__CATALOG__V1__RESIDENCY__RESIDENT: return "常住";
    case PSS__CATALOG__V1__RESIDENCY__RESIDENCE_PERMIT: return "居住证";
    default: return "未注明";
    }
}

static const char *res_en(Pss__Catalog__V1__Residency res)
{
    switch (res) {
    case PSS__CATALOG__V1__RESIDENCY__HOUSEHOLD: return "registered residents (户籍)";
    case PSS__CATALOG__V1__RESIDENCY__RESIDENT: return "all residents (常住)";
    case PSS__CATALOG__V1__RESIDENCY__RESIDENCE_PERMIT: return "residence-permit holders (居住证)";
    default: return "unspecified residency (= everyone named)";
    }
}

const char *engine_fmt_target(engine_report *r, const target_t *t)
{
    if (!t)
        return "";
    if (S(t->text)[0])
        return rb_strdup(r, t->text);
    const char *out = "";
    for (size_t i = 0; i < t->n_groups; i++)
        out = rb_printf(r, "%s%s%s（%s）", out, *out ? "、" : "", S(t->groups[i]->name),
                        res_zh(t->groups[i]->residency));
    return out;
}

/* A new finding about child item c / parent item p, with codes, name, domain,
 * field and the pair's provenance filled in. Valid until the next add(). */
static engine_finding *add(ctx *x, engine_finding_type t, const engine_item *c,
                           const engine_item *p, const char *field)
{
    engine_report *r = x->r;
    engine_finding *f = rb_add(r, t);
    /* Editions are a history, not a hierarchy: nothing in it is a violation. */
    if (x->p->editions && f->severity == ENGINE_VIOLATION)
        f->severity = ENGINE_INFO;
    f->child_code = c ? rb_strdup(r, c->code) : "";
    f->parent_code = p ? rb_strdup(r, p->code) : "";
    f->item_name = rb_strdup(r, c && S(c->name)[0] ? c->name : p ? S(p->name) : "");
    f->domain = rb_strdup(r, c && S(c->domain)[0] ? c->domain : p ? S(p->domain) : "");
    f->field = field;
    f->level = x->p->level;
    f->origin = x->origin;
    f->against = x->against;
    return f;
}

/* The number of the first filing of `kind` whose scope covers (code, field).
 * Why: 提标备案 (RAISE) is what makes a raise legitimate, and a filed EXEMPTION
 * is the only thing that makes a missing parent item legitimate (engine.h §6). */
static const char *find_filing(ctx *x, Pss__Catalog__V1__FilingKind kind, const char *code,
                               const char *field)
{
    if (x->p->editions)
        return NULL;
    for (size_t i = 0; i < x->p->n_filings; i++) {
        const filing_t *f = x->p->filings ? x->p->filings[i] : NULL;
        if (!f || f->kind != kind)
            continue;
        if (S(f->standard)[0] && x->origin[0] && strcmp(f->standard, x->origin) != 0)
            continue; /* another standard's filing */
        for (size_t k = 0; k < f->n_covers; k++) {
            const Pss__Catalog__V1__FilingScope *s = f->covers[k];
            if (!s || strcmp(S(s->item_code), code) != 0)
                continue;
            const char *sf = S(s->field);
            if (!*sf || strcmp(sf, "item") == 0 || strcmp(sf, field) == 0)
                return S(f->number)[0] ? f->number : "(unnumbered filing)";
        }
    }
    return NULL;
}

static void msg(ctx *x, engine_finding *f, const char *zh, const char *en)
{
    f->message_zh = zh;
    f->message_en = en;
}

/* Messages of an acceptable violation, with the filing that accepts it (if any). */
static void msg_filed(ctx *x, engine_finding *f, Pss__Catalog__V1__FilingKind kind,
                      const char *code, const char *field, const char *zh, const char *en)
{
    engine_report *r = x->r;
    if (x->p->editions) {
        msg(x, f, zh, en);
        return;
    }
    const char *num = find_filing(x, kind, code, field);
    if (num) {
        f->accepted_by = rb_strdup(r, num);
        msg(x, f, rb_printf(r, "%s；已备案（%s），予以接受", zh, num),
            rb_printf(r, "%s; accepted by filing %s", en, num));
    } else if (kind == PSS__CATALOG__V1__FILING_KIND__RAISE) {
        msg(x, f, rb_printf(r, "%s；未见提标备案，不符合“标准不攀高”", zh),
            rb_printf(r, "%s; no raise filing (提标备案) covers it: violation", en));
    } else {
        msg(x, f, rb_printf(r, "%s；未见豁免备案，不符合“上级标准无缺项”", zh),
            rb_printf(r, "%s; no filed exemption covers it: violation", en));
    }
}

/* Normalised copies of a list of strings, with the originals alongside. */
typedef struct nlist {
    size_t n;
    char **norm;
    const char **orig;
} nlist;

static void nlist_free(nlist *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->norm[i]);
    free(l->norm);
    free(l->orig);
    memset(l, 0, sizeof *l);
}

/* Clauses normalised with engine_norm_clause; empty ones are not clauses. */
static int nlist_clauses(engine_report *r, nlist *l, char *const *v, size_t n)
{
    memset(l, 0, sizeof *l);
    l->norm = calloc(n ? n : 1, sizeof *l->norm);
    l->orig = calloc(n ? n : 1, sizeof *l->orig);
    if (!l->norm || !l->orig)
        goto oom;
    for (size_t i = 0; i < n; i++) {
        char *c = engine_norm_clause(S(v[i]));
        if (!c)
            goto oom;
        if (!*c) {
            free(c);
            continue;
        }
        l->norm[l->n] = c;
        l->orig[l->n++] = S(v[i]);
    }
    return 0;
oom:
    nlist_free(l);
    r->oom_ = 1;
    return -1;
}

/* ------------------------------------------------------------------ target */

/* Residency breadth. UNSPECIFIED = broadest: catalog.proto says an unstated
 * basis covers everyone the text names (engine.h §5). */
static int breadth(Pss__Catalog__V1__Residency res)
{
    switch (res) {
    case PSS__CATALOG__V1__RESIDENCY__HOUSEHOLD: return 1;
    case PSS__CATALOG__V1__RESIDENCY__RESIDENCE_PERMIT: return 2;
    default: return 3;
    }
}

typedef struct grp {
    char *key;
    const char *name;
    Pss__Catalog__V1__Residency res;
} grp;

/* Groups by normalised name; a name listed twice counts with its broadest basis. */
static size_t collect_groups(engine_report *r, const target_t *t, grp *out)
{
    size_t n = 0;
    for (size_t i = 0; t && i < t->n_groups; i++) {
        const Pss__Catalog__V1__TargetGroup *g = t->groups[i];
        if (!g)
            continue;
        char *k = engine_norm_key(S(g->name));
        if (!k) {
            r->oom_ = 1;
            break;
        }
        size_t j = 0;
        while (j < n && strcmp(out[j].key, k) != 0)
            j++;
        if (j < n) {
            if (breadth(g->residency) > breadth(out[j].res))
                out[j].res = g->residency;
            free(k);
            continue;
        }
        out[n].key = k;
        out[n].name = S(g->name);
        out[n].res = g->residency;
        n++;
    }
    return n;
}

static void free_groups(grp *g, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(g[i].key);
    free(g);
}

/* Text of a target compared after normalisation: REFINED when only it differs.
 * "More precise" when the child's text contains the parent's, else reworded. */
static void target_text(ctx *x, const engine_item *c, const engine_item *p)
{
    const char *pt = p->target ? S(p->target->text) : "";
    const char *ct = c->target ? S(c->target->text) : "";
    char *a = engine_norm_text(pt), *b = engine_norm_text(ct);
    if (!a || !b) {
        x->r->oom_ = 1;
    } else if (strcmp(a, b) != 0) {
        engine_finding *f = add(x, ENGINE_REFINED, c, p, "target");
        f->old_value = rb_strdup(x->r, pt);
        f->new_value = rb_strdup(x->r, ct);
        if (*a && strstr(b, a))
            msg(x, f, rb_printf(x->r, "服务对象表述更为具体（包含%s原文），人群范围不变", x->P_zh),
                rb_printf(x->r, "target stated more precisely (contains %s's text); same groups",
                          x->P_en));
        else
            msg(x, f, rb_printf(x->r, "服务对象表述调整，结构化人群与%s一致，请核对文字", x->P_zh),
                rb_printf(x->r, "target reworded; the structured groups equal %s's — check the wording",
                          x->P_en));
    }
    free(a);
    free(b);
}

/* 人群全覆盖: every parent group must be covered at least as broadly (else
 * NARROWED); a broader or extra child group is a raise (BROADENED, needs a
 * filing). */
static void compare_target(ctx *x, const engine_item *c, const engine_item *p)
{
    engine_report *r = x->r;
    size_t np_ = p->target ? p->target->n_groups : 0, nc_ = c->target ? c->target->n_groups : 0;
    grp *pg = calloc(np_ + 1, sizeof *pg), *cg = calloc(nc_ + 1, sizeof *cg);
    if (!pg || !cg) {
        free(pg);
        free(cg);
        r->oom_ = 1;
        return;
    }
    size_t np = collect_groups(r, p->target, pg), nc = collect_groups(r, c->target, cg);
    int *seen = calloc(nc + 1, sizeof *seen);
    if (!seen)
        r->oom_ = 1;
    size_t before = r->n_findings;
    for (size_t i = 0; seen && i < np; i++) {
        size_t j = 0;
        while (j < nc && strcmp(cg[j].key, pg[i].key) != 0)
            j++;
        if (j == nc) {
            engine_finding *f = add(x, ENGINE_NARROWED, c, p, "target");
            f->subject = rb_strdup(r, pg[i].key);
            f->old_value = rb_printf(r, "%s（%s）", pg[i].name, res_zh(pg[i].res));
            f->new_value = engine_fmt_target(r, c->target);
            msg(x, f,
                rb_printf(r, "%s服务对象“%s”（%s）未被覆盖，不符合“人群全覆盖”", x->P_zh,
                          pg[i].name, res_zh(pg[i].res)),
                rb_printf(r, "target group %s (%s) of %s is not covered: the population must be fully covered",
                          pg[i].name, res_en(pg[i].res), x->P_en));
            continue;
        }
        seen[j] = 1;
        int bp = breadth(pg[i].res), bc = breadth(cg[j].res);
        if (bc < bp) {
            engine_finding *f = add(x, ENGINE_NARROWED, c, p, "target");
            f->subject = rb_strdup(r, pg[i].key);
            f->old_value = rb_printf(r, "%s（%s）", pg[i].name, res_zh(pg[i].res));
            f->new_value = rb_printf(r, "%s（%s）", cg[j].name, res_zh(cg[j].res));
            msg(x, f,
                rb_printf(r, "服务对象“%s”由%s缩小为%s，不符合“人群全覆盖”", pg[i].name,
                          res_zh(pg[i].res), res_zh(cg[j].res)),
                rb_printf(r, "target group %s narrowed from %s to %s", pg[i].name,
                          res_en(pg[i].res), res_en(cg[j].res)));
        } else if (bc > bp) {
            engine_finding *f = add(x, ENGINE_BROADENED, c, p, "target");
            f->subject = rb_strdup(r, pg[i].key);
            f->old_value = rb_printf(r, "%s（%s）", pg[i].name, res_zh(pg[i].res));
            f->new_value = rb_printf(r, "%s（%s）", cg[j].name, res_zh(cg[j].res));
            msg_filed(x, f, PSS__CATALOG__V1__FILING_KIND__RAISE, S(c->code), "target",
                      rb_printf(r, "服务对象“%s”由%s扩大为%s，属提标", pg[i].name,
                                res_zh(pg[i].res), res_zh(cg[j].res)),
                      rb_printf(r, "target group %s broadened from %s to %s: a raise above %s",
                                pg[i].name, res_en(pg[i].res), res_en(cg[j].res), x->P_en));
        }
    }
    for (size_t j = 0; seen && j < nc; j++) {
        if (seen[j])
            continue;
        engine_finding *f = add(x, ENGINE_BROADENED, c, p, "target");
        f->subject = rb_strdup(r, cg[j].key);
        f->old_value = engine_fmt_target(r, p->target);
        f->new_value = rb_printf(r, "%s（%s）", cg[j].name, res_zh(cg[j].res));
        msg_filed(x, f, PSS__CATALOG__V1__FILING_KIND__RAISE, S(c->code), "target",
                  rb_printf(r, "新增服务对象“%s”（%s），%s无此人群，属提标", cg[j].name,
                            res_zh(cg[j].res), x->P_zh),
                  rb_printf(r, "target group %s (%s) added, absent in %s: a broadening (raise)",
                            cg[j].name, res_en(cg[j].res), x->P_en));
    }
    if (r->n_findings == before)
        target_text(x, c, p);
    free(seen);
    free_groups(pg, np);
    free_groups(cg, nc);
}

/* ------------------------------------------------------------------ content */

/* Clause by clause: a parent clause kept verbatim is fine; one contained in a
 * longer child clause was extended (REFINED); otherwise it was dropped
 * (品质不降低). A child clause that equals, contains or is part of no parent
 * clause is new (SUPPLEMENTED, 补充完善), one finding per item. */
static void compare_content(ctx *x, const engine_item *c, const engine_item *p)
{
    engine_report *r = x->r;
    nlist P, C;
    if (nlist_clauses(r, &P, p->content, p->n_content))
        return;
    if (nlist_clauses(r, &C, c->content, c->n_content)) {
        nlist_free(&P);
        return;
    }
    char **dropped = calloc(P.n + 1, sizeof *dropped);
    char **added = calloc(C.n + 1, sizeof *added);
    size_t nd = 0, na = 0;
    if (!dropped || !added) {
        r->oom_ = 1;
        goto out;
    }
    for (size_t i = 0; i < P.n; i++) {
        int kept = 0;
        long ext = -1, part = -1;
        for (size_t j = 0; j < C.n && !kept; j++) {
            if (strcmp(C.norm[j], P.norm[i]) == 0)
                kept = 1;
            else if (ext < 0 && strstr(C.norm[j], P.norm[i]))
                ext = (long)j;
            else if (part < 0 && strstr(P.norm[i], C.norm[j]))
                part = (long)j;
        }
        if (kept)
            continue;
        if (ext >= 0) {
            engine_finding *f = add(x, ENGINE_REFINED, c, p, "content");
            f->subject = rb_strdup(r, P.norm[i]);
            f->old_value = rb_strdup(r, P.orig[i]);
            f->new_value = rb_strdup(r, C.orig[ext]);
            msg(x, f,
                rb_printf(r, "服务内容“%s”在保留%s原文的基础上细化为“%s”", P.orig[i], x->P_zh,
                          C.orig[ext]),
                rb_printf(r, "content clause \"%s\" kept and extended to \"%s\"", P.orig[i],
                          C.orig[ext]));
            continue;
        }
        if (x->p->editions) {
            dropped[nd++] = (char *)P.orig[i];
            continue;
        }
        engine_finding *f = add(x, ENGINE_CONTENT_DROPPED, c, p, "content");
        f->subject = rb_strdup(r, P.norm[i]);
        f->old_value = rb_strdup(r, P.orig[i]);
        f->new_value = part >= 0 ? rb_strdup(r, C.orig[part]) : "";
        if (part >= 0)
            msg(x, f,
                rb_printf(r, "%s服务内容“%s”仅保留部分“%s”，不符合“品质不降低”", x->P_zh,
                          P.orig[i], C.orig[part]),
                rb_printf(r, "content clause \"%s\" of %s only partly kept as \"%s\": content must not be reduced",
                          P.orig[i], x->P_en, C.orig[part]));
        else
            msg(x, f,
                rb_printf(r, "%s服务内容“%s”既未保留也未细化，不符合“品质不降低”", x->P_zh,
                          P.orig[i]),
                rb_printf(r, "content clause \"%s\" of %s neither kept nor extended: content must not be reduced",
                          P.orig[i], x->P_en));
    }
    for (size_t j = 0; j < C.n; j++) {
        int related = 0;
        for (size_t i = 0; i < P.n && !related; i++)
            related = strstr(C.norm[j], P.norm[i]) || strstr(P.norm[i], C.norm[j]);
        if (!related)
            added[na++] = (char *)C.orig[j];
    }
    if (x->p->editions && nd && na) {
        /* Editions: clauses replaced = one rewording, not a loss plus a gain. */
        engine_finding *f = add(x, ENGINE_REWORDED, c, p, "content");
        f->old_value = engine_fmt_join(r, dropped, nd);
        f->new_value = engine_fmt_join(r, added, na);
        msg(x, f, rb_printf(r, "服务内容改写：“%s”改为“%s”", f->old_value, f->new_value),
            rb_printf(r, "content reworded: \"%s\" became \"%s\"", f->old_value, f->new_value));
        goto out;
    }
    for (size_t i = 0; i < nd; i++) {
        engine_finding *f = add(x, ENGINE_CONTENT_DROPPED, c, p, "content");
        f->old_value = rb_strdup(r, dropped[i]);
        msg(x, f, rb_printf(r, "新版删除服务内容“%s”", dropped[i]),
            rb_printf(r, "content clause \"%s\" removed in the new edition", dropped[i]));
    }
    if (na) {
        engine_finding *f = add(x, ENGINE_SUPPLEMENTED, c, p, "content");
        f->new_value = engine_fmt_join(r, added, na);
        msg(x, f,
            rb_printf(r, "在%s基础上补充服务内容：%s", x->P_zh, f->new_value),
            rb_printf(r, "%zu content clause(s) added to those of %s: %s", na, x->P_en,
                      f->new_value));
    }
out:
    free(dropped);
    free(added);
    nlist_free(&P);
    nlist_free(&C);
}

/* ------------------------------------------------------------------ levels */

typedef struct iv {
    double lo, hi;
} iv;

/* The set of values a level allows, in canonical units (engine.h §4). */
static iv to_iv(const level_t *l, double factor)
{
    double v = l->value * factor, m = l->value_max * factor;
    switch (l->comparator) {
    case PSS__CATALOG__V1__COMPARATOR__GE: return (iv){v, INFINITY};
    case PSS__CATALOG__V1__COMPARATOR__LE: return (iv){-INFINITY, v};
    case PSS__CATALOG__V1__COMPARATOR__RANGE: return (iv){fmin(v, m), fmax(v, m)};
    default: return (iv){v, v}; /* EQ, or a plainly stated value */
    }
}

/* One matched metric. Returns the number of findings emitted. */
static int compare_level(ctx *x, const engine_item *c, const engine_item *p, const level_t *pl,
                         const level_t *cl, const char *key)
{
    engine_report *r = x->r;
    engine_unit up, uc;
    if (engine_unit_parse(S(pl->unit), &up) == -2 || engine_unit_parse(S(cl->unit), &uc) == -2) {
        r->oom_ = 1;
        return 0;
    }
    const char *metric = S(pl->metric);
    if (!engine_unit_comparable(&up, &uc)) {
        /* Never pass a level we cannot compare: report it for a human. */
        engine_finding *f = add(x, ENGINE_INCOMPARABLE_UNIT, c, p, "levels");
        f->subject = rb_strdup(r, key);
        f->old_value = engine_fmt_level(r, pl);
        f->new_value = engine_fmt_level(r, cl);
        msg(x, f,
            rb_printf(r, "%s：单位“%s”与%s的“%s”无法换算，无法判断调高或降低，需人工核对", metric,
                      S(cl->unit), x->P_zh, S(pl->unit)),
            rb_printf(r, "%s: unit \"%s\" cannot be converted to \"%s\" of %s; cannot tell raised from lowered — review",
                      metric, S(cl->unit), S(pl->unit), x->P_en));
        return 1;
    }
    iv P = to_iv(pl, up.factor), C = to_iv(cl, uc.factor);
    if (engine_qty_cmp(C.lo, P.lo) == 0 && engine_qty_cmp(C.hi, P.hi) == 0)
        return 0; /* same guarantee, maybe in other units (4 次/年 == 1 次/季度) */
    const char *ov = engine_fmt_level(r, pl), *nv = engine_fmt_level(r, cl);
    Pss__Catalog__V1__Direction dir = pl->direction ? pl->direction : cl->direction;
    if (dir != PSS__CATALOG__V1__DIRECTION__HIGHER_IS_BETTER &&
        dir != PSS__CATALOG__V1__DIRECTION__LOWER_IS_BETTER) {
        engine_finding *f = add(x, ENGINE_LEVEL_CHANGED, c, p, "levels");
        f->subject = rb_strdup(r, key);
        f->old_value = ov;
        f->new_value = nv;
        msg(x, f,
            rb_printf(r, "%s由%s变为%s；未标明方向（越高越好/越低越好），无法判断调高或降低", metric,
                      ov, nv),
            rb_printf(r, "%s changed from %s to %s; no direction stated, so raised or lowered is unknown",
                      metric, ov, nv));
        return 1;
    }
    if (dir == PSS__CATALOG__V1__DIRECTION__LOWER_IS_BETTER) {
        /* Mirror image: less is more generous, so negate and swap the bounds. */
        P = (iv){-P.hi, -P.lo};
        C = (iv){-C.hi, -C.lo};
    }
    int flo = engine_qty_cmp(C.lo, P.lo), fhi = engine_qty_cmp(C.hi, P.hi);
    /* The floor is the guarantee citizens get: below it is less generous. */
    int lowered = flo < 0;
    /* Above the floor, or above a cap the parent set, is more generous. */
    int raised = flo > 0 || (isfinite(P.hi) && fhi > 0);
    int n = 0;
    if (lowered) {
        engine_finding *f = add(x, ENGINE_LOWERED, c, p, "levels");
        f->subject = rb_strdup(r, key);
        f->old_value = ov;
        f->new_value = nv;
        msg(x, f,
            rb_printf(r, "%s由%s降低为%s，低于%s，不符合“品质不降低”", metric, ov, nv, x->P_zh),
            rb_printf(r, "%s lowered from %s to %s: below the level of %s", metric, ov, nv,
                      x->P_en));
        n++;
    }
    if (raised) {
        engine_finding *f = add(x, ENGINE_RAISED, c, p, "levels");
        f->subject = rb_strdup(r, key);
        f->old_value = ov;
        f->new_value = nv;
        msg_filed(x, f, PSS__CATALOG__V1__FILING_KIND__RAISE, S(c->code), "levels",
                  rb_printf(r, "%s由%s调高至%s，高于%s", metric, ov, nv, x->P_zh),
                  rb_printf(r, "%s raised from %s to %s: above the level of %s", metric, ov, nv,
                            x->P_en));
        n++;
    }
    if (!n) {
        /* Inside the parent's range: a more specific statement of the same level. */
        engine_finding *f = add(x, ENGINE_REFINED, c, p, "levels");
        f->subject = rb_strdup(r, key);
        f->old_value = ov;
        f->new_value = nv;
        msg(x, f,
            rb_printf(r, "%s由%s细化为%s，在%s范围之内", metric, ov, nv, x->P_zh),
            rb_printf(r, "%s narrowed from %s to %s, within the range of %s", metric, ov, nv,
                      x->P_en));
        n++;
    }
    return n;
}

/* Levels match by normalised metric. A parent metric the child lacks is
 * LEVEL_DROPPED (a dropped guarantee is as bad as a lowered one); a child metric
 * the parent lacks makes the item more measurable (REFINED). Returns the number
 * of findings emitted. */
static int compare_levels(ctx *x, const engine_item *c, const engine_item *p)
{
    engine_report *r = x->r;
    size_t np = p->n_levels, nc = c->n_levels;
    char **pk = calloc(np + 1, sizeof *pk), **ck = calloc(nc + 1, sizeof *ck);
    int *used = calloc(nc + 1, sizeof *used);
    int n = 0;
    if (!pk || !ck || !used)
        goto oom;
    for (size_t i = 0; i < np; i++)
        if (!(pk[i] = engine_norm_key(S(p->levels[i]->metric))))
            goto oom;
    for (size_t j = 0; j < nc; j++)
        if (!(ck[j] = engine_norm_key(S(c->levels[j]->metric))))
            goto oom;
    for (size_t i = 0; i < np; i++) {
        size_t j = 0;
        while (j < nc && (used[j] || strcmp(ck[j], pk[i]) != 0))
            j++;
        if (j == nc) {
            engine_finding *f = add(x, ENGINE_LEVEL_DROPPED, c, p, "levels");
            f->subject = rb_strdup(r, pk[i]);
            f->old_value = rb_printf(r, "%s %s", S(p->levels[i]->metric),
                                     engine_fmt_level(r, p->levels[i]));
            msg(x, f,
                rb_printf(r, "%s的服务标准指标“%s”（%s）未在本级保留，不符合“品质不降低”", x->P_zh,
                          S(p->levels[i]->metric), engine_fmt_level(r, p->levels[i])),
                rb_printf(r, "measurable level \"%s\" (%s) of %s is absent: a dropped guarantee",
                          S(p->levels[i]->metric), engine_fmt_level(r, p->levels[i]), x->P_en));
            n++;
            continue;
        }
        used[j] = 1;
        n += compare_level(x, c, p, p->levels[i], c->levels[j], pk[i]);
    }
    for (size_t j = 0; j < nc; j++) {
        if (used[j])
            continue;
        engine_finding *f = add(x, ENGINE_REFINED, c, p, "levels");
        f->subject = rb_strdup(r, ck[j]);
        f->new_value = rb_printf(r, "%s %s", S(c->levels[j]->metric),
                                 engine_fmt_level(r, c->levels[j]));
        msg(x, f,
            rb_printf(r, "新增可量化指标“%s”（%s），%s未规定", S(c->levels[j]->metric),
                      engine_fmt_level(r, c->levels[j]), x->P_zh),
            rb_printf(r, "extra measurable level \"%s\" (%s) not stated by %s",
                      S(c->levels[j]->metric), engine_fmt_level(r, c->levels[j]), x->P_en));
        n++;
    }
    goto out;
oom:
    r->oom_ = 1;
out:
    for (size_t i = 0; pk && i < np; i++)
        free(pk[i]);
    for (size_t j = 0; ck && j < nc; j++)
        free(ck[j]);
    free(pk);
    free(ck);
    free(used);
    return n;
}

/* Only when the levels agree: the text is a restatement (REFINED), more
 * specific when it contains the parent's text, otherwise reworded. When the
 * levels differ, their findings already explain the text. */
static void compare_standard_text(ctx *x, const engine_item *c, const engine_item *p)
{
    char *a = engine_norm_text(S(p->standard_text)), *b = engine_norm_text(S(c->standard_text));
    if (!a || !b) {
        x->r->oom_ = 1;
    } else if (strcmp(a, b) != 0) {
        engine_finding *f = add(x, ENGINE_REFINED, c, p, "standard_text");
        f->old_value = rb_strdup(x->r, p->standard_text);
        f->new_value = rb_strdup(x->r, c->standard_text);
        if (*a && strstr(b, a))
            msg(x, f, rb_printf(x->r, "服务标准表述在%s原文基础上细化", x->P_zh),
                rb_printf(x->r, "standard text extends the text of %s (levels unchanged)",
                          x->P_en));
        else
            msg(x, f,
                rb_printf(x->r, "服务标准表述调整，可量化指标与%s一致，请核对文字", x->P_zh),
                rb_printf(x->r, "standard text reworded; measurable levels equal %s's — check the wording",
                          x->P_en));
    }
    free(a);
    free(b);
}

/* Who pays / who leads is not an entitlement: informational only. */
static void compare_assignment(ctx *x, const engine_item *c, const engine_item *p,
                               const char *field, const char *pv, const char *cv,
                               const char *zh_name)
{
    char *a = engine_norm_text(pv), *b = engine_norm_text(cv);
    int same = a && b && strcmp(a, b) == 0;
    if (!a || !b)
        x->r->oom_ = 1;
    free(a);
    free(b);
    if (same || x->r->oom_)
        return;
    engine_finding *f = add(x, ENGINE_REASSIGNED, c, p, field);
    f->old_value = rb_strdup(x->r, pv);
    f->new_value = rb_strdup(x->r, cv);
    msg(x, f,
        rb_printf(x->r, "%s由“%s”调整为“%s”", zh_name, S(pv), S(cv)),
        rb_printf(x->r, "%s changed from \"%s\" to \"%s\"", field, S(pv), S(cv)));
}

/* ------------------------------------------------------------------ items */

/* Byte-identical fields cannot differ after normalisation either: most items of a
 * lower standard are verbatim copies (86% at country scale), and skipping their
 * Unicode normalisation is what keeps a Compare well under a millisecond. */
static int same_str(const char *a, const char *b)
{
    return strcmp(a ? a : "", b ? b : "") == 0;
}

static int same_item_fields(const engine_item *c, const engine_item *p)
{
    if (!same_str(c->standard_text, p->standard_text) || !same_str(c->spending, p->spending) ||
        !same_str(c->lead_department, p->lead_department) || c->n_content != p->n_content ||
        c->n_levels != p->n_levels)
        return 0;
    for (size_t i = 0; i < c->n_content; i++)
        if (!same_str(c->content[i], p->content[i]))
            return 0;
    for (size_t i = 0; i < c->n_levels; i++) {
        const Pss__Catalog__V1__Level *a = c->levels[i], *b = p->levels[i];
        if (!same_str(a->metric, b->metric) || a->comparator != b->comparator || a->value != b->value ||
            a->value_max != b->value_max || !same_str(a->unit, b->unit) || a->direction != b->direction ||
            !same_str(a->text, b->text))
            return 0;
    }
    const Pss__Catalog__V1__Target *ta = c->target, *tb = p->target;
    size_t ga = ta ? ta->n_groups : 0, gb = tb ? tb->n_groups : 0;
    if (!same_str(ta ? ta->text : "", tb ? tb->text : "") || ga != gb)
        return 0;
    for (size_t i = 0; i < ga; i++)
        if (!same_str(ta->groups[i]->name, tb->groups[i]->name) ||
            ta->groups[i]->residency != tb->groups[i]->residency)
            return 0;
    return 1;
}

static void compare_item(ctx *x, const engine_item *c, const engine_item *p, size_t pi)
{
    engine_report *r = x->r;
    const cmp_pass *ps = x->p;
    size_t before = r->n_findings;
    size_t nimpl = 0;
    for (size_t i = 0; i < ps->child->n_items; i++)
        nimpl += ps->map[i] == (long)pi;
    if (nimpl > 1 && !ps->editions) {
        char **codes = calloc(nimpl, sizeof *codes);
        if (!codes) {
            r->oom_ = 1;
            return;
        }
        size_t k = 0;
        for (size_t i = 0; i < ps->child->n_items; i++)
            if (ps->map[i] == (long)pi)
                codes[k++] = ps->child->items[i]->code;
        const char *list = engine_fmt_join(r, codes, k);
        free(codes);
        engine_finding *f = add(x, ENGINE_DUPLICATE_IMPLEMENTATION, c, p, "item");
        f->new_value = list;
        msg(x, f,
            rb_printf(r, "%s项目%s由%zu个项目实施（%s），各自与其整体比对，请核对", x->P_zh,
                      S(p->code), nimpl, list),
            rb_printf(r, "item %s of %s is implemented by %zu items (%s); each is compared with the whole item — review",
                      S(p->code), x->P_en, nimpl, list));
    }
    if (!same_item_fields(c, p)) {
        compare_target(x, c, p);
        compare_content(x, c, p);
        if (compare_levels(x, c, p) == 0)
            compare_standard_text(x, c, p);
        compare_assignment(x, c, p, "spending", S(p->spending), S(c->spending), "支出责任");
        compare_assignment(x, c, p, "lead_department", S(p->lead_department),
                           S(c->lead_department), "牵头负责单位");
    }
    if (r->n_findings == before && !ps->skip_inherited) {
        engine_finding *f = add(x, ENGINE_INHERITED, c, p, "item");
        if (ps->editions)
            msg(x, f, "与旧版一致（规范化后相同）", "unchanged from the old edition (after normalisation)");
        else
            msg(x, f, "与上级标准一致（规范化后相同）",
                "identical to the parent item after normalisation");
    }
}

static void missing_item(ctx *x, const engine_item *p)
{
    engine_report *r = x->r;
    if (x->p->editions) {
        engine_finding *f = add(x, ENGINE_REMOVED, NULL, p, "item");
        msg(x, f, rb_printf(r, "新版删除项目%s“%s”", S(p->code), S(p->name)),
            rb_printf(r, "item %s \"%s\" removed in the new edition", S(p->code), S(p->name)));
        return;
    }
    engine_finding *f = add(x, ENGINE_MISSING, NULL, p, "item");
    f->old_value = rb_strdup(r, p->name);
    msg_filed(x, f, PSS__CATALOG__V1__FILING_KIND__EXEMPTION, S(p->code), "item",
              rb_printf(r, "%s项目%s“%s”无对应实施项目（缺项）", x->P_zh, S(p->code), S(p->name)),
              rb_printf(r, "item %s \"%s\" of %s has no implementing item (missing)", S(p->code),
                        S(p->name), x->P_en));
}

static void unmatched_item(ctx *x, const engine_item *c, long m)
{
    engine_report *r = x->r;
    if (m == MAP_UNKNOWN) {
        /* Claims to implement something the parent does not have: a data error
         * that would otherwise hide a MISSING or an ADDED. */
        engine_finding *f = add(x, ENGINE_UNKNOWN_PARENT_ITEM, c, NULL, "item");
        f->parent_code = rb_strdup(r, c->parent_code);
        msg(x, f,
            rb_printf(r, "项目%s声明实施%s项目%s，但%s中不存在该项目", S(c->code), x->P_zh,
                      S(c->parent_code), x->P_zh),
            rb_printf(r, "item %s claims to implement item %s, which %s does not have",
                      S(c->code), S(c->parent_code), x->P_en));
        return;
    }
    engine_finding *f = add(x, ENGINE_ADDED, c, NULL, "item");
    f->new_value = rb_strdup(r, c->name);
    const char *zh = x->p->editions ? rb_printf(r, "新版新增项目“%s”", S(c->name))
                                    : rb_printf(r, "新增项目“%s”，%s无对应项目", S(c->name), x->P_zh);
    const char *en = x->p->editions
                         ? rb_printf(r, "item \"%s\" added in the new edition", S(c->name))
                         : rb_printf(r, "item \"%s\" added; %s has no such item", S(c->name), x->P_en);
    if (!x->p->editions && !S(c->note)[0]) {
        zh = rb_printf(r, "%s；缺少新增理由说明（note），需补充", zh);
        en = rb_printf(r, "%s; needs a justification note (note is empty)", en);
    }
    msg(x, f, zh, en);
}

void engine_run_pass(engine_report *r, const cmp_pass *p)
{
    ctx x = {r, p, engine_std_id(r, p->child), engine_std_id(r, p->parent),
             p->editions ? "旧版" : "上级标准", p->editions ? "the old edition" : "the parent"};
    const engine_standard *cs = p->child, *ps = p->parent;
    for (size_t pi = 0; pi < ps->n_items; pi++) {
        const engine_item *pit = ps->items[pi];
        int implemented = 0;
        for (size_t ci = 0; ci < cs->n_items; ci++) {
            if (p->map[ci] != (long)pi)
                continue;
            implemented = 1;
            compare_item(&x, cs->items[ci], pit, pi);
        }
        if (!implemented)
            missing_item(&x, pit);
    }
    for (size_t ci = 0; ci < cs->n_items; ci++)
        if (p->map[ci] < 0)
            unmatched_item(&x, cs->items[ci], p->map[ci]);
}

/* ------------------------------------------------------------------ API */

/* Common tail: tallies, and the ENOMEM contract (empty report). */
int engine_finish_report(engine_report *r)
{
    rb_finish(r);
    if (rb_failed(r)) {
        engine_report_free(r);
        r->child_id = r->parent_id = "";
        r->error = "out of memory";
        return ENGINE_ENOMEM;
    }
    return ENGINE_OK;
}

/* EINVAL contract: no findings, but the reason stays readable in r->error. */
int engine_fail_report(engine_report *r)
{
    if (rb_failed(r)) {
        engine_report_free(r);
        r->child_id = r->parent_id = "";
        r->error = "out of memory";
        return ENGINE_ENOMEM;
    }
    free(r->findings);
    r->findings = NULL;
    r->n_findings = r->cap_ = 0;
    return ENGINE_EINVAL;
}

int engine_compare(const engine_standard *child, const engine_standard *parent,
                   const engine_filing *const *child_filings, size_t n_filings,
                   engine_report *out)
{
    if (!out)
        return ENGINE_EINVAL;
    rb_init(out, ENGINE_REPORT_COMPARE);
    if (!child || !parent || (n_filings && !child_filings)) {
        rb_error(out, "engine_compare: child, parent and filings must not be NULL");
        return engine_fail_report(out);
    }
    out->child_id = engine_std_id(out, child);
    out->parent_id = engine_std_id(out, parent);
    if (engine_check_codes(out, child, "child") || engine_check_codes(out, parent, "parent"))
        return engine_fail_report(out);
    long *map = malloc((child->n_items + 1) * sizeof *map);
    if (!map) {
        out->oom_ = 1;
        return engine_finish_report(out);
    }
    if (child == parent || (out->child_id[0] && strcmp(out->child_id, out->parent_id) == 0)) {
        /* A standard compared with itself: every item implements itself (matching
         * by parent_code would make every item both ADDED and MISSING). */
        for (size_t i = 0; i < child->n_items; i++)
            map[i] = engine_find_item(parent, child->items[i]->code);
        for (size_t i = 0; i < child->n_items; i++)
            if (map[i] < 0)
                map[i] = MAP_NONE;
    } else {
        engine_map_by_parent_code(child, parent, map);
    }
    cmp_pass p = {child, parent, map, child_filings, n_filings, 0, 0, 0};
    engine_run_pass(out, &p);
    free(map);
    return engine_finish_report(out);
}
