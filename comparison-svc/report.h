/*
 * report.h — the comparison report: plain C structs, owned by the report.
 *
 * Every string in a report (and the strings of every finding) is non-NULL: a
 * field that does not apply is "". All memory hangs off the report and is
 * released by one engine_report_free() (strings live in a private arena, the
 * arrays are malloc'd); nothing in a report points into the input standards, so
 * the inputs may be freed as soon as the engine call returns.
 *
 * Stability: the numeric values of engine_finding_type and the rule ids
 * ("PSS-RAISED") are part of the wire/report format (JSON, SARIF ruleId): new
 * types are only ever appended, never renumbered.
 */
#ifndef PSS_ENGINE_REPORT_H
#define PSS_ENGINE_REPORT_H

#include <stddef.h>
#include <stdint.h>

typedef enum engine_finding_type {
    ENGINE_INHERITED = 0,       /* PSS-INHERITED 继承: identical after normalisation */
    ENGINE_SUPPLEMENTED,        /* PSS-SUPPLEMENTED 补充完善: parent clauses kept, new clauses added */
    ENGINE_REFINED,             /* PSS-REFINED 细化: stated more specifically */
    ENGINE_ADDED,               /* PSS-ADDED 新增: child item without parent item */
    ENGINE_RAISED,              /* PSS-RAISED 调高: level more generous than the parent's */
    ENGINE_LOWERED,             /* PSS-LOWERED 降低: level less generous than the parent's */
    ENGINE_NARROWED,            /* PSS-NARROWED 人群缩小: a parent target group not covered */
    ENGINE_BROADENED,           /* PSS-BROADENED 人群扩大: target broadened (a raise) */
    ENGINE_CONTENT_DROPPED,     /* PSS-CONTENT-DROPPED 内容缺失: parent clause neither kept nor extended */
    ENGINE_MISSING,             /* PSS-MISSING 缺项: parent item no child item implements */
    ENGINE_REASSIGNED,          /* PSS-REASSIGNED 责任调整: spending / lead department changed */
    ENGINE_INCOMPARABLE_UNIT,   /* PSS-INCOMPARABLE-UNIT 单位不可比: units not convertible */
    ENGINE_LEVEL_DROPPED,       /* PSS-LEVEL-DROPPED 指标缺失: parent metric absent in child */
    ENGINE_LEVEL_CHANGED,       /* PSS-LEVEL-CHANGED 指标变化: level differs, direction unknown */
    ENGINE_UNKNOWN_PARENT_ITEM, /* PSS-UNKNOWN-PARENT-ITEM: parent_code not in the parent */
    ENGINE_DUPLICATE_IMPLEMENTATION, /* PSS-DUPLICATE-IMPLEMENTATION: 2+ child items, one parent item */
    ENGINE_REMOVED,             /* PSS-REMOVED 删除 (editions only): item of the old edition gone */
    ENGINE_REWORDED,            /* PSS-REWORDED 改写 (editions only): clauses replaced */
    ENGINE_FINDING__COUNT
} engine_finding_type;

typedef enum engine_severity {
    ENGINE_INFO = 0,
    ENGINE_WARNING = 1,   /* needs a human look; never blocks */
    ENGINE_VIOLATION = 2  /* blocks unless accepted by a filing (accepted_by) */
} engine_severity;

typedef struct engine_finding {
    engine_finding_type type;
    const char *rule_id;      /* "PSS-RAISED" (static) */
    engine_severity severity;
    const char *child_code;   /* child item code; "" for MISSING */
    const char *parent_code;  /* parent item code; "" for ADDED */
    const char *item_name;    /* child item's name (parent's when the child has none / MISSING) */
    const char *domain;       /* child item's domain (parent's for MISSING) */
    const char *field;        /* "item" "target" "content" "levels" "standard_text"
                                 "spending" "lead_department" */
    const char *subject;      /* what inside the field: the normalised metric, the
                                 normalised parent clause, the normalised group name; "" */
    const char *old_value;    /* the parent's value as published (display form) */
    const char *new_value;    /* the child's value as published (display form) */
    const char *message_zh;   /* why, in Chinese */
    const char *message_en;   /* why, in English */
    const char *accepted_by;  /* number of the filing that accepts it, "" = none */
    int blocking;             /* severity == VIOLATION && accepted_by[0] == '\0' */
    /* Where it comes from (engine_audit: the pair of the chain; engine_compare:
     * always level 0, origin = child id, against = parent id). */
    size_t level;             /* index of the child side in the chain */
    const char *origin;       /* standard id of the level where the finding appeared */
    const char *against;      /* standard id it was compared with */
} engine_finding;

/* Per-domain tallies, domains in order of first appearance in findings. */
typedef struct engine_domain_count {
    const char *domain;
    size_t items[ENGINE_FINDING__COUNT]; /* distinct items per finding type */
    size_t findings;                     /* all findings in the domain */
    size_t blocking;                     /* blocking findings in the domain */
} engine_domain_count;

/* One compared pair (engine_compare: exactly one; engine_audit: one per level). */
typedef struct engine_level_summary {
    const char *child_id;
    const char *parent_id;
    size_t n_findings;
    size_t n_blocking;
    int conformant;           /* n_blocking == 0 */
} engine_level_summary;

typedef enum engine_report_kind {
    ENGINE_REPORT_COMPARE = 0,
    ENGINE_REPORT_AUDIT = 1,
    ENGINE_REPORT_EDITIONS = 2
} engine_report_kind;

typedef struct engine_report {
    engine_report_kind kind;
    const char *child_id;     /* compare: child; audit: chain[0]; editions: new */
    const char *parent_id;    /* compare: parent; audit: top of chain; editions: old */

    engine_finding *findings; /* deterministic order, see engine.h */
    size_t n_findings;

    /* counts[t] = number of DISTINCT items with at least one finding of type t:
     * child items, parent items for MISSING/REMOVED (in an audit: distinct per
     * level). E.g. seed 001: counts[ENGINE_ADDED] == 4, [ENGINE_SUPPLEMENTED] == 10. */
    size_t counts[ENGINE_FINDING__COUNT];

    engine_domain_count *domains;
    size_t n_domains;

    size_t *blocking;         /* indices into findings of the blocking ones, in order */
    size_t n_blocking;
    size_t n_warnings;        /* findings with severity WARNING */
    int conformant;           /* verdict: n_blocking == 0 */

    engine_level_summary *levels;
    size_t n_levels;

    const char *error;        /* when a call failed with ENGINE_EINVAL: why; else "" */

    /* private */
    struct engine_arena *arena_;
    size_t cap_;
    int oom_;
} engine_report;

/* Release everything a report owns and zero it. Safe on a zeroed report and on
 * one a failed call left behind; safe to call twice. */
void engine_report_free(engine_report *r);

/* Stable names: "RAISED", "PSS-RAISED", "调高"; "INFO"/"WARNING"/"VIOLATION".
 * Unknown values give "UNKNOWN". */
const char *engine_finding_type_name(engine_finding_type t);
const char *engine_rule_id(engine_finding_type t);
const char *engine_finding_type_zh(engine_finding_type t);
const char *engine_severity_name(engine_severity s);

#endif
