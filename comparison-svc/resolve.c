/*
 * resolve.c — the effective standard of a jurisdiction: every item in force and,
 * for each field, the level (jurisdiction, revision) that set it (engine.h).
 *
 * Why implicit items: 上级标准无缺项 — an ancestor item that no lower level
 * implements still applies to the citizens of the lower level, so the effective
 * standard lists it, marked implicit, with its own provenance.
 */
#include "engine_internal.h"
#include "text_norm.h"
#include "units.h"

#include <stdlib.h>
#include <string.h>

#define S(s) ((s) ? (s) : "")

typedef Pss__Catalog__V1__Level level_t;

static const char *const FIELDS[ENGINE_RESOLVED_FIELDS] = {
    "target", "content", "levels", "standard_text", "spending", "lead_department"};

static int norm_eq(const char *a, const char *b, int *oom)
{
    char *x = engine_norm_text(a), *y = engine_norm_text(b);
    int eq = x && y && strcmp(x, y) == 0;
    if (!x || !y)
        *oom = 1;
    free(x);
    free(y);
    return eq;
}

static int key_eq(const char *a, const char *b, int *oom)
{
    char *x = engine_norm_key(a), *y = engine_norm_key(b);
    int eq = x && y && strcmp(x, y) == 0;
    if (!x || !y)
        *oom = 1;
    free(x);
    free(y);
    return eq;
}

static int breadth(Pss__Catalog__V1__Residency r)
{
    return r == PSS__CATALOG__V1__RESIDENCY__HOUSEHOLD          ? 1
           : r == PSS__CATALOG__V1__RESIDENCY__RESIDENCE_PERMIT ? 2
                                                                 : 3;
}

static int target_eq(const Pss__Catalog__V1__Target *a, const Pss__Catalog__V1__Target *b,
                     int *oom)
{
    size_t na = a ? a->n_groups : 0, nb = b ? b->n_groups : 0;
    if (!norm_eq(a ? a->text : "", b ? b->text : "", oom) || na != nb)
        return 0;
    for (size_t i = 0; i < na; i++)
        if (!key_eq(a->groups[i]->name, b->groups[i]->name, oom) ||
            breadth(a->groups[i]->residency) != breadth(b->groups[i]->residency))
            return 0;
    return 1;
}

/* Same clauses in the same order after clause normalisation (empty ones skipped). */
static int content_eq(const engine_item *a, const engine_item *b, int *oom)
{
    size_t i = 0, j = 0;
    for (;;) {
        char *x = NULL, *y = NULL;
        while (i < a->n_content) {
            if (!(x = engine_norm_clause(a->content[i++]))) {
                *oom = 1;
                return 0;
            }
            if (*x)
                break;
            free(x);
            x = NULL;
        }
        while (j < b->n_content) {
            if (!(y = engine_norm_clause(b->content[j++]))) {
                free(x);
                *oom = 1;
                return 0;
            }
            if (*y)
                break;
            free(y);
            y = NULL;
        }
        int done = !x && !y, eq = x && y && strcmp(x, y) == 0;
        free(x);
        free(y);
        if (done)
            return 1;
        if (!eq)
            return 0;
    }
}

static int level_eq(const level_t *a, const level_t *b, int *oom)
{
    if (!key_eq(a->metric, b->metric, oom))
        return 0;
    engine_unit ua, ub;
    if (engine_unit_parse(S(a->unit), &ua) == -2 || engine_unit_parse(S(b->unit), &ub) == -2) {
        *oom = 1;
        return 0;
    }
    if (!engine_unit_comparable(&ua, &ub) || a->comparator != b->comparator)
        return 0;
    return engine_qty_cmp(a->value * ua.factor, b->value * ub.factor) == 0 &&
           (a->comparator != PSS__CATALOG__V1__COMPARATOR__RANGE ||
            engine_qty_cmp(a->value_max * ua.factor, b->value_max * ub.factor) == 0);
}

static int levels_eq(const engine_item *a, const engine_item *b, int *oom)
{
    if (a->n_levels != b->n_levels)
        return 0;
    for (size_t i = 0; i < a->n_levels; i++)
        if (!level_eq(a->levels[i], b->levels[i], oom))
            return 0;
    return 1;
}

static int field_eq(int f, const engine_item *a, const engine_item *b, int *oom)
{
    switch (f) {
    case 0: return target_eq(a->target, b->target, oom);
    case 1: return content_eq(a, b, oom);
    case 2: return levels_eq(a, b, oom);
    case 3: return norm_eq(a->standard_text, b->standard_text, oom);
    case 4: return norm_eq(a->spending, b->spending, oom);
    default: return norm_eq(a->lead_department, b->lead_department, oom);
    }
}

static const char *field_value(engine_report *r, int f, const engine_item *it)
{
    switch (f) {
    case 0: return engine_fmt_target(r, it->target);
    case 1: return engine_fmt_join(r, it->content, it->n_content);
    case 2: {
        const char *out = "";
        for (size_t i = 0; i < it->n_levels; i++)
            out = rb_printf(r, "%s%s%s %s", out, *out ? "；" : "", S(it->levels[i]->metric),
                            engine_fmt_level(r, it->levels[i]));
        return out;
    }
    case 3: return rb_strdup(r, it->standard_text);
    case 4: return rb_strdup(r, it->spending);
    default: return rb_strdup(r, it->lead_department);
    }
}

static void resolve_item(engine_resolved *out, const engine_standard *const *chain, size_t n,
                         long *const *map, size_t level, size_t idx, engine_resolved_item *ri,
                         int *oom)
{
    engine_report *r = &out->arena_;
    const engine_item *it = chain[level]->items[idx];
    ri->code = rb_strdup(r, it->code);
    ri->name = rb_strdup(r, it->name);
    ri->domain = rb_strdup(r, it->domain);
    ri->category = rb_strdup(r, it->category);
    ri->level = level;
    ri->implicit = level > 0;
    for (int f = 0; f < ENGINE_RESOLVED_FIELDS; f++) {
        /* Walk up while the parent item states the same value: the value was set
         * where it last differed from its parent (or at the top). */
        size_t j = level;
        long k = (long)idx;
        while (j + 1 < n && map[j][k] >= 0 &&
               field_eq(f, chain[j]->items[k], chain[j + 1]->items[map[j][k]], oom)) {
            k = map[j][k];
            j++;
        }
        const engine_item *src = chain[j]->items[k];
        engine_provenance *p = &ri->fields[f];
        p->field = FIELDS[f];
        p->value = field_value(r, f, it);
        p->level = j;
        p->standard_id = engine_std_id(r, chain[j]);
        p->jurisdiction = rb_strdup(r, chain[j]->jurisdiction);
        p->item_code = rb_strdup(r, src->code);
        p->revision = src->revision ? src->revision : chain[j]->revision;
    }
}

int engine_resolve(const engine_standard *const *chain, size_t n_levels, engine_resolved *out)
{
    if (!out)
        return ENGINE_EINVAL;
    memset(out, 0, sizeof *out);
    out->standard_id = "";
    engine_report *r = &out->arena_;
    rb_init(r, ENGINE_REPORT_COMPARE);
    int rc = ENGINE_OK, oom = 0;
    long **map = NULL;
    char **implemented = NULL;
    if (!chain || n_levels < 1) {
        rb_error(r, "engine_resolve: a chain of at least one standard is required");
        goto einval;
    }
    for (size_t i = 0; i < n_levels; i++) {
        if (!chain[i]) {
            rb_error(r, "engine_resolve: chain[%zu] is NULL", i);
            goto einval;
        }
        if (engine_check_codes(r, chain[i], "chain"))
            goto einval;
        if (i + 1 < n_levels && S(chain[i]->parent)[0]) {
            const char *pid = engine_std_id(r, chain[i + 1]);
            if (*pid && strcmp(pid, chain[i]->parent) != 0) {
                rb_error(r, "engine_resolve: chain[%zu] declares parent %s but chain[%zu] is %s",
                         i, chain[i]->parent, i + 1, pid);
                goto einval;
            }
        }
    }
    out->standard_id = engine_std_id(r, chain[0]);
    map = calloc(n_levels, sizeof *map);
    implemented = calloc(n_levels, sizeof *implemented);
    if (!map || !implemented)
        goto oom;
    for (size_t k = 0; k < n_levels; k++) {
        map[k] = calloc(chain[k]->n_items + 1, sizeof **map);
        implemented[k] = calloc(chain[k]->n_items + 1, 1);
        if (!map[k] || !implemented[k])
            goto oom;
        if (k + 1 < n_levels) {
            engine_map_by_parent_code(chain[k], chain[k + 1], map[k]);
            for (size_t i = 0; i < chain[k]->n_items; i++)
                if (map[k][i] == MAP_UNKNOWN)
                    map[k][i] = MAP_NONE;
        } else {
            for (size_t i = 0; i < chain[k]->n_items; i++)
                map[k][i] = MAP_NONE;
        }
    }
    /* Every item of chain[k+1] that some item of chain[k] implements is
     * represented below; the others are in force implicitly. */
    size_t total = chain[0]->n_items;
    for (size_t k = 0; k + 1 < n_levels; k++)
        for (size_t i = 0; i < chain[k]->n_items; i++)
            if (map[k][i] >= 0)
                implemented[k + 1][map[k][i]] = 1;
    for (size_t k = 1; k < n_levels; k++)
        for (size_t j = 0; j < chain[k]->n_items; j++)
            total += !implemented[k][j];
    out->items = rb_alloc(r, (total + 1) * sizeof *out->items);
    if (!out->items)
        goto oom;
    for (size_t k = 0; k < n_levels; k++)
        for (size_t j = 0; j < chain[k]->n_items; j++)
            if (k == 0 || !implemented[k][j])
                resolve_item(out, chain, n_levels, map, k, j, &out->items[out->n_items++], &oom);
    if (oom || rb_failed(r))
        goto oom;
    goto done;
oom:
    rc = ENGINE_ENOMEM;
    engine_report_free(r);
    r->child_id = r->parent_id = "";
    r->error = "out of memory"; /* readable through out->error and out->arena_.error */
    out->items = NULL;
    out->n_items = 0;
    out->standard_id = "";
    goto done;
einval:
    rc = rb_failed(r) ? ENGINE_ENOMEM : ENGINE_EINVAL;
    out->items = NULL;
    out->n_items = 0;
done:
    out->error = r->error ? r->error : "out of memory";
    for (size_t k = 0; map && k < n_levels; k++)
        free(map[k]);
    for (size_t k = 0; implemented && k < n_levels; k++)
        free(implemented[k]);
    free(map);
    free(implemented);
    return rc;
}

void engine_resolved_free(engine_resolved *r)
{
    if (!r)
        return;
    engine_report_free(&r->arena_);
    memset(r, 0, sizeof *r);
}
