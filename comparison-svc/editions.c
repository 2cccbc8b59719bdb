/*
 * editions.c — what changed between two editions of one jurisdiction
 * (e.g. 浙江 2021 -> 2023; seed 002 asks for re-iterating local standards
 * whenever the national one changes, so "what changed" must be computable).
 *
 * Same comparison as engine_compare, with the old edition as the reference and
 * items matched by code first (codes are stable across editions when the
 * drafters kept them), then by normalised name (renumbered items).
 */
#include "engine_internal.h"
#include "text_norm.h"

#include <stdlib.h>
#include <string.h>

int engine_compare_editions(const engine_standard *old_edition,
                            const engine_standard *new_edition, engine_report *out)
{
    if (!out)
        return ENGINE_EINVAL;
    rb_init(out, ENGINE_REPORT_EDITIONS);
    if (!old_edition || !new_edition) {
        rb_error(out, "engine_compare_editions: both editions are required");
        return engine_fail_report(out);
    }
    if (engine_check_codes(out, new_edition, "new edition") ||
        engine_check_codes(out, old_edition, "old edition"))
        return engine_fail_report(out);
    out->child_id = engine_std_id(out, new_edition);
    out->parent_id = engine_std_id(out, old_edition);
    size_t nn = new_edition->n_items, no = old_edition->n_items;
    long *map = malloc((nn + 1) * sizeof *map);
    char *taken = calloc(no + 1, 1);
    char **oldnames = calloc(no + 1, sizeof *oldnames);
    if (!map || !taken || !oldnames) {
        out->oom_ = 1;
        goto done;
    }
    /* 1. by code */
    for (size_t i = 0; i < nn; i++) {
        long j = engine_find_item(old_edition, new_edition->items[i]->code);
        map[i] = j >= 0 ? j : MAP_NONE;
        if (j >= 0)
            taken[j] = 1;
    }
    /* 2. by normalised name, first unmatched old item of that name */
    for (size_t j = 0; j < no; j++)
        if (!taken[j] && !(oldnames[j] = engine_norm_key(old_edition->items[j]->name))) {
            out->oom_ = 1;
            goto done;
        }
    for (size_t i = 0; i < nn; i++) {
        if (map[i] != MAP_NONE)
            continue;
        char *k = engine_norm_key(new_edition->items[i]->name);
        if (!k) {
            out->oom_ = 1;
            goto done;
        }
        for (size_t j = 0; *k && j < no; j++)
            if (!taken[j] && oldnames[j] && strcmp(oldnames[j], k) == 0) {
                map[i] = (long)j;
                taken[j] = 1;
                break;
            }
        free(k);
    }
    cmp_pass p = {new_edition, old_edition, map, NULL, 0, 1, 0, 0};
    engine_run_pass(out, &p);
done:
    for (size_t j = 0; oldnames && j < no; j++)
        free(oldnames[j]);
    free(oldnames);
    free(taken);
    free(map);
    return engine_finish_report(out);
}
