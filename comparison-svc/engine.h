/*
 * engine.h — the comparison engine of comparison-svc: the whole public API.
 *
 * A PURE library: decoded standards (protobuf-c structs of pss.catalog.v1) in,
 * a report struct out. No I/O, no sockets, no globals, no locale; every function
 * is reentrant and thread-safe (it only reads its inputs and writes its output).
 * Same inputs, same report, byte for byte.
 *
 *   engine_report r;
 *   int rc = engine_compare(yiwu, jinhua, filings, n_filings, &r);
 *   if (rc == ENGINE_OK)
 *       printf("%zu added, conformant=%d\n", r.counts[ENGINE_ADDED], r.conformant);
 *   else
 *       fprintf(stderr, "%s: %s\n", engine_strerror(rc), r.error);
 *   engine_report_free(&r);       // ALWAYS, whatever rc was
 *
 * ======================================================================
 * 1. MATCHING
 * ======================================================================
 * A child item implements the parent item whose code equals its parent_code.
 * Child items with parent_code "" are ADDED; a parent_code that names no parent
 * item is UNKNOWN_PARENT_ITEM. Item codes must be non-empty and unique within a
 * standard, else ENGINE_EINVAL (r.error says which). A standard compared with
 * itself (same pointer or same non-empty id) matches each item to itself by code.
 *
 * ======================================================================
 * 2. NORMALISATION (text_norm.h)
 * ======================================================================
 * Texts are compared after NFKC + dash folding + whitespace folding; content
 * clauses additionally lose trailing 。；;，,、：:. ; metric and group names are
 * also ASCII-lower-cased. "Contains" = substring of the normalised forms.
 *
 * ======================================================================
 * 3. FINDINGS (per matched pair child item C / parent item P)
 * ======================================================================
 * type / rule id               severity   when
 * INHERITED  PSS-INHERITED     INFO       C produced no other finding at all
 * SUPPLEMENTED                 INFO       C has content clauses that neither equal nor
 *   PSS-SUPPLEMENTED                      contain any parent clause and are not a part of
 *                                         one: ONE finding per item listing them
 * REFINED  PSS-REFINED         INFO       (content) a parent clause is contained in a
 *                                         longer child clause: one per such clause;
 *                                         (levels) C has a metric P lacks, or a level
 *                                         narrowed INSIDE the parent's range;
 *                                         (target) same groups, different text ("more
 *                                         precise" when C's text contains P's, else
 *                                         "reworded");
 *                                         (standard_text) text differs while the level
 *                                         comparison found nothing (same two variants)
 * ADDED  PSS-ADDED             INFO       C has no parent_code; the message asks for a
 *                                         justification when C.note is empty
 * RAISED  PSS-RAISED           VIOLATION  a level more generous than P's (see 4);
 *                                         accepted by a RAISE filing (see 6)
 * LOWERED  PSS-LOWERED         VIOLATION  a level less generous than P's; never accepted
 * NARROWED  PSS-NARROWED       VIOLATION  a P target group missing in C or with a
 *                                         narrower residency basis (see 5)
 * BROADENED  PSS-BROADENED     VIOLATION  a C group absent in P or with a broader
 *                                         residency: a raise (标准不攀高), accepted by a
 *                                         RAISE filing on field "target" or ""
 * CONTENT_DROPPED              VIOLATION  a P clause neither kept verbatim nor extended
 *   PSS-CONTENT-DROPPED                   (one per clause; a child clause that is only a
 *                                         part of it is named in the message)
 * MISSING  PSS-MISSING         VIOLATION  no C implements P; accepted by an EXEMPTION
 *                                         filing whose scope item_code is P's code and
 *                                         field "" or "item"
 * REASSIGNED  PSS-REASSIGNED   INFO       spending or lead_department differs (one each)
 * INCOMPARABLE_UNIT            WARNING    a matched metric whose units do not convert
 *   PSS-INCOMPARABLE-UNIT                 (元/月 vs %). WARNING, not VIOLATION: the
 *                                         engine cannot prove a deviation, but it never
 *                                         passes it silently either — it is listed, counted
 *                                         in n_warnings, and the item is not INHERITED
 * LEVEL_DROPPED                VIOLATION  a P metric with no C level of the same metric
 *   PSS-LEVEL-DROPPED                     (品质不降低: as bad as lowering it)
 * LEVEL_CHANGED                WARNING    values differ but neither level states a
 *   PSS-LEVEL-CHANGED                     direction, so "raised" or "lowered" is unknown
 * UNKNOWN_PARENT_ITEM          VIOLATION  C.parent_code names no item of P's standard
 *   PSS-UNKNOWN-PARENT-ITEM
 * DUPLICATE_IMPLEMENTATION     WARNING    2+ child items implement the same P (a split
 *   PSS-DUPLICATE-IMPLEMENTATION          item is legitimate, but each part is compared
 *                                         with the whole P, so read its findings with care)
 * REMOVED, REWORDED            INFO       engine_compare_editions() only
 *
 * Field order inside one child item: item (duplicate), target, content, levels,
 * standard_text, spending, lead_department. Names, categories and domains are
 * NOT compared (the national 优军服务保障 is Zhejiang's 军有所抚).
 *
 * ======================================================================
 * 4. LEVELS
 * ======================================================================
 * Levels match by normalised metric (each child level used once, in order).
 * Units must convert (units.h: 4 次/年 == 1 次/季度, 1,611 元/月 == 19,332 元/年),
 * else INCOMPARABLE_UNIT. Each level is the set of values it allows, [lo, hi]:
 * GE v = [v, +inf), LE v = (-inf, v], EQ v (and COMPARATOR_UNSPECIFIED) = [v, v],
 * RANGE = [value, value_max] (swapped if reversed). Direction is P's, else C's.
 * For HIGHER_IS_BETTER the guarantee is the floor lo:
 *   C.lo < P.lo                                  -> LOWERED
 *   C.lo > P.lo, or P.hi finite and C.hi > P.hi  -> RAISED (floor raised, or the
 *                                                   parent's cap exceeded/removed)
 *   otherwise, if [lo,hi] differs                -> REFINED (narrowed inside P's range)
 * A range widened on both sides is LOWERED and RAISED (two findings).
 * LOWER_IS_BETTER is the mirror image (the guarantee is the ceiling hi).
 * No direction on either side and different sets -> LEVEL_CHANGED.
 * Extra child metrics -> REFINED. Tolerance: relative 1e-9.
 *
 * ======================================================================
 * 5. TARGET GROUPS
 * ======================================================================
 * Groups are keyed by normalised name; duplicates of a name merge to the broadest.
 * Breadth: RESIDENT 常住 (3) > RESIDENCE_PERMIT 居住证 (2) > HOUSEHOLD 户籍 (1).
 * RESIDENCY_UNSPECIFIED counts as RESIDENT — the contract (catalog.proto) says an
 * unstated basis covers everyone the text names; so P "孕产妇(未注明)" vs C
 * "孕产妇(户籍)" is NARROWED, and P "(户籍)" vs C "(未注明)" is BROADENED.
 *
 * ======================================================================
 * 6. FILINGS
 * ======================================================================
 * Only filings with kind RAISE accept RAISED (scope field "levels" or "") and
 * BROADENED (field "target" or ""), scope item_code = the CHILD item code. Only
 * EXEMPTION filings accept MISSING (scope item_code = the PARENT item code,
 * field "" or "item"). A filing whose `standard` is set and differs from the
 * child's id is ignored (it belongs to another standard). Nothing else can be
 * accepted. An accepted finding keeps its type and VIOLATION severity, gets
 * accepted_by = the filing number and blocking = 0; its messages say so.
 * Item.filing_refs / exemption_refs are informational and not consulted.
 *
 * ======================================================================
 * 7. REPORT (report.h)
 * ======================================================================
 * Findings order: for each parent item in parent order: MISSING, or for each
 * implementing child item in child order its findings in the field order above;
 * then child items without a (known) parent, in child order (ADDED /
 * UNKNOWN_PARENT_ITEM). counts[t] = distinct items with type t (child items;
 * parent items for MISSING / REMOVED). blocking = VIOLATION and not accepted.
 * conformant = no blocking finding. WARNINGs never block.
 */
#ifndef PSS_ENGINE_H
#define PSS_ENGINE_H

#include "report.h"

#include <pss/catalog/v1/catalog.pb-c.h>
#include <stddef.h>

typedef Pss__Catalog__V1__Standard engine_standard;
typedef Pss__Catalog__V1__Item engine_item;
typedef Pss__Catalog__V1__Filing engine_filing;

/* Return codes. */
#define ENGINE_OK 0
#define ENGINE_EINVAL (-22) /* bad input; engine_report.error says why */
#define ENGINE_ENOMEM (-12) /* out of memory; the report is empty */

/* "ok", "invalid argument", "out of memory". */
const char *engine_strerror(int rc);

/* Compare child against parent (normally the standard child->parent names, but
 * any standard may be passed: the match is by item parent_code only).
 * child_filings: the child standard's filings (may be NULL when n == 0).
 * On return *out is filled (on error it holds only `error`); the caller must
 * engine_report_free(out) in every case.
 * Errors: ENGINE_EINVAL (NULL argument, empty or duplicate item code),
 * ENGINE_ENOMEM. */
int engine_compare(const engine_standard *child, const engine_standard *parent,
                   const engine_filing *const *child_filings, size_t n_filings,
                   engine_report *out);

/*
 * Transitive audit of a chain of standards, from the audited one up to the
 * national one: chain[0] = e.g. 义乌 2021, chain[1] = 金华, chain[2] = 浙江,
 * chain[3] = 国家. filings[i] / n_filings[i] are chain[i]'s filings (filings and
 * n_filings may be NULL: no filings at all; filings[i] may be NULL when
 * n_filings[i] == 0).
 *
 * Rule (attribution): each level is compared with ITS DIRECT PARENT only,
 * pairs (chain[0],chain[1]), (chain[1],chain[2]), … , each with its own filings,
 * exactly as engine_compare(). A finding of pair (chain[i], chain[i+1]) has
 * level = i, origin = chain[i]'s id, against = chain[i+1]'s id. Because a level
 * is only ever held to what its parent actually states, a gap is reported once,
 * at the level where it first appeared: a national item the province dropped is
 * MISSING with origin = province, and the city and the county — whose parents
 * never had it — are not blamed again. Likewise a lowered level inherited
 * unchanged downwards is LOWERED once, at the level that lowered it. Deviations
 * of upper levels are reported even if a lower level compensates (that
 * compensation is itself a deviation of the lower level, e.g. a RAISED that
 * needs its own filing).
 * INHERITED findings are left out of an audit (it lists gaps and changes).
 * Findings are ordered by level (0 first), then as in engine_compare().
 * out->levels[i] summarises pair i; out->conformant = no blocking finding at any
 * level; counts are distinct (level, item).
 * chain[i]->parent, when non-empty, must equal chain[i+1]'s id, else ENGINE_EINVAL
 * (an audit of an inconsistent chain would attribute gaps to the wrong level).
 * n_levels must be >= 2.
 */
int engine_audit(const engine_standard *const *chain, size_t n_levels,
                 const engine_filing *const *const *filings, const size_t *n_filings,
                 engine_report *out);

/*
 * Compare two editions of one jurisdiction (e.g. 2021 -> 2023). Items match by
 * code, else by normalised name (first unmatched new item of that name). Reuses
 * the finding types, read as changes: ADDED (new item), REMOVED (item gone),
 * RAISED / LOWERED / LEVEL_DROPPED / REFINED (levels), NARROWED / BROADENED
 * (target), CONTENT_DROPPED, SUPPLEMENTED, REWORDED (an item whose clauses were
 * both dropped and added: one finding, old = dropped, new = added),
 * REASSIGNED (spending / lead department), INHERITED (unchanged).
 * Everything is INFO except INCOMPARABLE_UNIT / LEVEL_CHANGED (WARNING); no
 * filings; conformant is always 1. child_id = new, parent_id = old.
 */
int engine_compare_editions(const engine_standard *old_edition,
                            const engine_standard *new_edition, engine_report *out);

/* ------------------------------------------------------------ resolve */

/* Who set a field of the effective standard. */
typedef struct engine_provenance {
    const char *field;         /* "target" "content" "levels" "standard_text"
                                  "spending" "lead_department" */
    const char *value;         /* display form of the effective value */
    size_t level;              /* index in the chain of the standard that set it */
    const char *standard_id;   /* that standard's id ("330700/2021") */
    const char *jurisdiction;  /* its jurisdiction ("330700") */
    const char *item_code;     /* the item code at that level */
    uint64_t revision;         /* that item's revision (the standard's when 0) */
} engine_provenance;

#define ENGINE_RESOLVED_FIELDS 6

typedef struct engine_resolved_item {
    const char *code;          /* code at its own level (chain[level]) */
    const char *name, *domain, *category;
    size_t level;              /* 0 = defined by chain[0]; k > 0 = an ancestor item
                                  no lower level implements: in force implicitly */
    int implicit;              /* level > 0 */
    engine_provenance fields[ENGINE_RESOLVED_FIELDS]; /* in the order of `field` above */
} engine_resolved_item;

typedef struct engine_resolved {
    const char *standard_id;   /* chain[0] */
    engine_resolved_item *items;
    size_t n_items;
    const char *error;         /* why, after ENGINE_EINVAL; else "" */
    engine_report arena_;      /* private: owns the strings */
} engine_resolved;

/*
 * The effective standard of chain[0] (chain as in engine_audit, no filings).
 * Items: every item of chain[0] in order, then — level by level upwards — every
 * ancestor item that no item in force at the level below implements (上级标准
 * 无缺项: it still applies), marked implicit. For each field the provenance is
 * the LOWEST level at which the value differs (after normalisation) from its
 * parent item's, i.e. following parent_code upwards while the value is
 * unchanged: an unchanged national clause is "set by CN", a raised level is "set
 * by" the level that raised it. Free with engine_resolved_free().
 */
int engine_resolve(const engine_standard *const *chain, size_t n_levels,
                   engine_resolved *out);
void engine_resolved_free(engine_resolved *r);

#endif
