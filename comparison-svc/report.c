/* report.c — report memory (arena + arrays), tallies, verdict, names. */
#include "report_build.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------ arena
 * A list of chunks; strings are bump-allocated and freed all at once. */
typedef struct chunk {
    struct chunk *next;
    size_t size, used;
    unsigned char data[];
} chunk;

struct engine_arena {
    chunk *head;
};

#define CHUNK_MIN 16384

static void *arena_get(struct engine_arena *a, size_t n)
{
    n = (n + 15) & ~(size_t)15;
    chunk *c = a->head;
    if (!c || c->size - c->used < n) {
        size_t size = n > CHUNK_MIN ? n : CHUNK_MIN;
        c = malloc(sizeof *c + size);
        if (!c)
            return NULL;
        c->size = size;
        c->used = 0;
        c->next = a->head;
        a->head = c;
    }
    void *p = c->data + c->used;
    c->used += n;
    memset(p, 0, n);
    return p;
}

static void arena_free(struct engine_arena *a)
{
    chunk *c = a->head;
    while (c) {
        chunk *n = c->next;
        free(c);
        c = n;
    }
    free(a);
}

/* ------------------------------------------------------------------ names */
static const struct {
    const char *name, *rule, *zh;
    engine_severity sev;
} TYPES[ENGINE_FINDING__COUNT] = {
    [ENGINE_INHERITED] = {"INHERITED", "PSS-INHERITED", "继承", ENGINE_INFO},
    [ENGINE_SUPPLEMENTED] = {"SUPPLEMENTED", "PSS-SUPPLEMENTED", "补充完善", ENGINE_INFO},
    [ENGINE_REFINED] = {"REFINED", "PSS-REFINED", "细化", ENGINE_INFO},
    [ENGINE_ADDED] = {"ADDED", "PSS-ADDED", "新增", ENGINE_INFO},
    [ENGINE_RAISED] = {"RAISED", "PSS-RAISED", "调高", ENGINE_VIOLATION},
    [ENGINE_LOWERED] = {"LOWERED", "PSS-LOWERED", "降低", ENGINE_VIOLATION},
    [ENGINE_NARROWED] = {"NARROWED", "PSS-NARROWED", "人群缩小", ENGINE_VIOLATION},
    [ENGINE_BROADENED] = {"BROADENED", "PSS-BROADENED", "人群扩大", ENGINE_VIOLATION},
    [ENGINE_CONTENT_DROPPED] = {"CONTENT_DROPPED", "PSS-CONTENT-DROPPED", "内容缺失",
                                ENGINE_VIOLATION},
    [ENGINE_MISSING] = {"MISSING", "PSS-MISSING", "缺项", ENGINE_VIOLATION},
    [ENGINE_REASSIGNED] = {"REASSIGNED", "PSS-REASSIGNED", "责任调整", ENGINE_INFO},
    [ENGINE_INCOMPARABLE_UNIT] = {"INCOMPARABLE_UNIT", "PSS-INCOMPARABLE-UNIT", "单位不可比",
                                  ENGINE_WARNING},
    [ENGINE_LEVEL_DROPPED] = {"LEVEL_DROPPED", "PSS-LEVEL-DROPPED", "指标缺失",
                              ENGINE_VIOLATION},
    [ENGINE_LEVEL_CHANGED] = {"LEVEL_CHANGED", "PSS-LEVEL-CHANGED", "指标变化",
                              ENGINE_WARNING},
    [ENGINE_UNKNOWN_PARENT_ITEM] = {"UNKNOWN_PARENT_ITEM", "PSS-UNKNOWN-PARENT-ITEM",
                                    "上级项目不存在", ENGINE_VIOLATION},
    [ENGINE_DUPLICATE_IMPLEMENTATION] = {"DUPLICATE_IMPLEMENTATION",
                                         "PSS-DUPLICATE-IMPLEMENTATION", "重复实施",
                                         ENGINE_WARNING},
    [ENGINE_REMOVED] = {"REMOVED", "PSS-REMOVED", "删除", ENGINE_INFO},
    [ENGINE_REWORDED] = {"REWORDED", "PSS-REWORDED", "改写", ENGINE_INFO},
};

static int type_ok(engine_finding_type t) { return (unsigned)t < ENGINE_FINDING__COUNT; }

const char *engine_finding_type_name(engine_finding_type t)
{
    return type_ok(t) ? TYPES[t].name : "UNKNOWN";
}
const char *engine_rule_id(engine_finding_type t)
{
    return type_ok(t) ? TYPES[t].rule : "UNKNOWN";
}
const char *engine_finding_type_zh(engine_finding_type t)
{
    return type_ok(t) ? TYPES[t].zh : "UNKNOWN";
}
const char *engine_severity_name(engine_severity s)
{
    switch (s) {
    case ENGINE_INFO: return "INFO";
    case ENGINE_WARNING: return "WARNING";
    case ENGINE_VIOLATION: return "VIOLATION";
    }
    return "UNKNOWN";
}
engine_severity rb_default_severity(engine_finding_type t)
{
    return type_ok(t) ? TYPES[t].sev : ENGINE_WARNING;
}

/* ------------------------------------------------------------------ building */
int rb_init(engine_report *r, engine_report_kind kind)
{
    memset(r, 0, sizeof *r);
    r->kind = kind;
    r->child_id = r->parent_id = r->error = "";
    r->arena_ = calloc(1, sizeof *r->arena_);
    if (!r->arena_) {
        r->oom_ = 1;
        return -1;
    }
    return 0;
}

int rb_failed(const engine_report *r) { return r->oom_; }

void *rb_alloc(engine_report *r, size_t n)
{
    void *p = r->arena_ ? arena_get(r->arena_, n ? n : 1) : NULL;
    if (!p)
        r->oom_ = 1;
    return p;
}

const char *rb_strdup(engine_report *r, const char *s)
{
    if (!s || !*s)
        return "";
    size_t n = strlen(s);
    char *p = rb_alloc(r, n + 1);
    if (!p)
        return "";
    memcpy(p, s, n + 1);
    return p;
}

static const char *rb_vprintf(engine_report *r, const char *fmt, va_list ap)
{
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap2);
    va_end(ap2);
    if (n < 0)
        return "";
    char *p = rb_alloc(r, (size_t)n + 1);
    if (!p)
        return "";
    vsnprintf(p, (size_t)n + 1, fmt, ap);
    return p;
}

const char *rb_printf(engine_report *r, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    const char *s = rb_vprintf(r, fmt, ap);
    va_end(ap);
    return s;
}

void rb_error(engine_report *r, const char *fmt, ...)
{
    if (r->error && *r->error)
        return;
    va_list ap;
    va_start(ap, fmt);
    r->error = rb_vprintf(r, fmt, ap);
    va_end(ap);
}

engine_finding *rb_add(engine_report *r, engine_finding_type t)
{
    static engine_finding scratch; /* only written to after an OOM; never read */
    if (r->n_findings == r->cap_) {
        size_t cap = r->cap_ ? r->cap_ * 2 : 32;
        engine_finding *f = realloc(r->findings, cap * sizeof *f);
        if (!f) {
            r->oom_ = 1;
            return &scratch;
        }
        r->findings = f;
        r->cap_ = cap;
    }
    engine_finding *f = &r->findings[r->n_findings++];
    memset(f, 0, sizeof *f);
    f->type = t;
    f->rule_id = engine_rule_id(t);
    f->severity = rb_default_severity(t);
    f->child_code = f->parent_code = f->item_name = f->domain = f->field = f->subject = "";
    f->old_value = f->new_value = f->message_zh = f->message_en = f->accepted_by = "";
    f->origin = r->child_id;
    f->against = r->parent_id;
    return f;
}

/* The item a finding counts for: the parent item for MISSING/REMOVED (no child
 * exists), the child item otherwise; distinct per level of an audit. */
static const char *item_key(const engine_finding *f)
{
    return (f->type == ENGINE_MISSING || f->type == ENGINE_REMOVED) ? f->parent_code
                                                                    : f->child_code;
}

static int same_item(const engine_finding *a, const engine_finding *b)
{
    return a->type == b->type && a->level == b->level &&
           strcmp(item_key(a), item_key(b)) == 0;
}

void rb_finish(engine_report *r)
{
    if (r->oom_)
        return;
    size_t n = r->n_findings;
    for (size_t i = 0; i < n; i++) {
        engine_finding *f = &r->findings[i];
        f->blocking = f->severity == ENGINE_VIOLATION && f->accepted_by[0] == '\0';
    }
    r->blocking = n ? malloc(n * sizeof *r->blocking) : NULL;
    r->domains = n ? calloc(n, sizeof *r->domains) : NULL;
    if (n && (!r->blocking || !r->domains)) {
        r->oom_ = 1;
        return;
    }
    memset(r->counts, 0, sizeof r->counts);
    r->n_blocking = r->n_warnings = r->n_domains = 0;
    for (size_t i = 0; i < n; i++) {
        const engine_finding *f = &r->findings[i];
        int first_in_report = 1, first_in_domain = 1;
        for (size_t j = 0; j < i && (first_in_report || first_in_domain); j++) {
            if (!same_item(f, &r->findings[j]))
                continue;
            first_in_report = 0;
            if (strcmp(f->domain, r->findings[j].domain) == 0)
                first_in_domain = 0;
        }
        engine_domain_count *d = NULL;
        for (size_t k = 0; k < r->n_domains; k++)
            if (strcmp(r->domains[k].domain, f->domain) == 0)
                d = &r->domains[k];
        if (!d) {
            d = &r->domains[r->n_domains++];
            d->domain = f->domain;
        }
        d->findings++;
        if (first_in_report)
            r->counts[f->type]++;
        if (first_in_domain)
            d->items[f->type]++;
        if (f->blocking) {
            d->blocking++;
            r->blocking[r->n_blocking++] = i;
        }
        if (f->severity == ENGINE_WARNING)
            r->n_warnings++;
    }
    r->conformant = r->n_blocking == 0;
    if (r->n_levels == 0) {
        r->levels = rb_alloc(r, sizeof *r->levels);
        if (!r->levels)
            return;
        r->n_levels = 1;
        r->levels[0].child_id = r->child_id;
        r->levels[0].parent_id = r->parent_id;
    }
    for (size_t k = 0; k < r->n_levels; k++)
        r->levels[k].n_findings = r->levels[k].n_blocking = 0;
    for (size_t i = 0; i < n; i++) {
        const engine_finding *f = &r->findings[i];
        if (f->level < r->n_levels) {
            r->levels[f->level].n_findings++;
            r->levels[f->level].n_blocking += (size_t)f->blocking;
        }
    }
    for (size_t k = 0; k < r->n_levels; k++)
        r->levels[k].conformant = r->levels[k].n_blocking == 0;
}

void engine_report_free(engine_report *r)
{
    if (!r)
        return;
    free(r->findings);
    free(r->blocking);
    free(r->domains);
    if (r->arena_)
        arena_free(r->arena_);
    memset(r, 0, sizeof *r);
}
