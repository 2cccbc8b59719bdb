/* engine_internal.h — shared by engine.c, audit.c, editions.c, resolve.c. */
#ifndef PSS_ENGINE_INTERNAL_H
#define PSS_ENGINE_INTERNAL_H

#include "engine.h"
#include "report_build.h"

#define MAP_NONE (-1L)    /* child item has no parent item: ADDED */
#define MAP_UNKNOWN (-2L) /* parent_code names no parent item */

typedef struct cmp_pass {
    const engine_standard *child, *parent;
    const long *map;                       /* per child item: parent index or MAP_* */
    const engine_filing *const *filings;   /* the child's */
    size_t n_filings;
    int editions;                          /* compare_editions wording/severity */
    int skip_inherited;                    /* audit: leave INHERITED out */
    size_t level;
} cmp_pass;

/* Emit all findings of one pair into r (which must be rb_init'ed). */
void engine_run_pass(engine_report *r, const cmp_pass *p);

/* Map child items to parent items by parent_code. */
void engine_map_by_parent_code(const engine_standard *child, const engine_standard *parent,
                               long *map);

/* Codes non-empty and unique; else rb_error and -1. */
int engine_check_codes(engine_report *r, const engine_standard *s, const char *what);

/* "id", else "jurisdiction/edition", else "". Arena copy. */
const char *engine_std_id(engine_report *r, const engine_standard *s);

/* Index of the item with that code, -1 if none. */
long engine_find_item(const engine_standard *s, const char *code);

/* Tail of every public entry point: tallies + verdict, or the ENOMEM contract
 * (empty report, error "out of memory"). Returns ENGINE_OK / ENGINE_ENOMEM. */
int engine_finish_report(engine_report *r);
/* EINVAL contract: findings dropped, r->error kept. Returns ENGINE_EINVAL (or
 * ENGINE_ENOMEM when the failure was an allocation). */
int engine_fail_report(engine_report *r);

/* Display forms shared with resolve.c. */
const char *engine_fmt_level(engine_report *r, const Pss__Catalog__V1__Level *l);
const char *engine_fmt_target(engine_report *r, const Pss__Catalog__V1__Target *t);
const char *engine_fmt_join(engine_report *r, char *const *v, size_t n);

#endif
