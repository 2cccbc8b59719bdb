/*
 * audit.c — transitive audit of a chain [child, parent, …, national].
 *
 * Each level is held only to what its direct parent actually states (engine.h,
 * engine_audit): that is what attributes every gap to the level where it first
 * appeared, and keeps a county from being blamed for what its city never had.
 */
#include "engine_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define S(s) ((s) ? (s) : "")

int engine_audit(const engine_standard *const *chain, size_t n_levels,
                 const engine_filing *const *const *filings, const size_t *n_filings,
                 engine_report *out)
{
    if (!out)
        return ENGINE_EINVAL;
    rb_init(out, ENGINE_REPORT_AUDIT);
    if (!chain || n_levels < 2) {
        rb_error(out, "engine_audit: a chain of at least two standards is required");
        return engine_fail_report(out);
    }
    for (size_t i = 0; i < n_levels; i++) {
        if (!chain[i]) {
            rb_error(out, "engine_audit: chain[%zu] is NULL", i);
            return engine_fail_report(out);
        }
        char what[32];
        snprintf(what, sizeof what, "chain[%zu]", i);
        if (engine_check_codes(out, chain[i], what))
            return engine_fail_report(out);
        size_t nf = n_filings ? n_filings[i] : 0;
        if (nf && (!filings || !filings[i])) {
            rb_error(out, "engine_audit: filings[%zu] is NULL but n_filings[%zu] = %zu", i, i, nf);
            return engine_fail_report(out);
        }
    }
    out->child_id = engine_std_id(out, chain[0]);
    out->parent_id = engine_std_id(out, chain[n_levels - 1]);
    for (size_t i = 0; i + 1 < n_levels; i++) {
        const char *declared = S(chain[i]->parent);
        const char *actual = engine_std_id(out, chain[i + 1]);
        if (*declared && *actual && strcmp(declared, actual) != 0) {
            rb_error(out, "engine_audit: chain[%zu] declares parent %s but chain[%zu] is %s", i,
                     declared, i + 1, actual);
            return engine_fail_report(out);
        }
    }
    out->levels = rb_alloc(out, (n_levels - 1) * sizeof *out->levels);
    if (!out->levels)
        return engine_finish_report(out);
    out->n_levels = n_levels - 1;
    for (size_t i = 0; i + 1 < n_levels; i++) {
        out->levels[i].child_id = engine_std_id(out, chain[i]);
        out->levels[i].parent_id = engine_std_id(out, chain[i + 1]);
        long *map = malloc((chain[i]->n_items + 1) * sizeof *map);
        if (!map) {
            out->oom_ = 1;
            break;
        }
        engine_map_by_parent_code(chain[i], chain[i + 1], map);
        cmp_pass p = {chain[i], chain[i + 1], map,
                      filings ? filings[i] : NULL, n_filings ? n_filings[i] : 0,
                      0, 1, i};
        engine_run_pass(out, &p);
        free(map);
    }
    return engine_finish_report(out);
}
