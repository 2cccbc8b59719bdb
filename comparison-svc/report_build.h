/*
 * report_build.h — internal: how the engine fills an engine_report.
 *
 * Allocation failures do not propagate through every call: they set r->oom_ and
 * return "" (strings) or a scratch finding, and the public entry point checks
 * rb_failed() once at the end and turns it into ENGINE_ENOMEM. This keeps the
 * comparison code about comparison.
 */
#ifndef PSS_ENGINE_REPORT_BUILD_H
#define PSS_ENGINE_REPORT_BUILD_H

#include "report.h"

#include <stdarg.h>

int rb_init(engine_report *r, engine_report_kind kind);
int rb_failed(const engine_report *r);

const char *rb_strdup(engine_report *r, const char *s);
const char *rb_printf(engine_report *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void *rb_alloc(engine_report *r, size_t n); /* zeroed; NULL (and oom_) on failure */

/* Append a finding of type t with the type's default severity, every string "",
 * rule_id set. The pointer is valid until the next rb_add. */
engine_finding *rb_add(engine_report *r, engine_finding_type t);

/* Record an EINVAL reason (first one wins). */
void rb_error(engine_report *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Compute blocking flags, counts, per-domain tallies, blocking list, verdict and,
 * when levels were not set by the caller, one level summary from child/parent ids. */
void rb_finish(engine_report *r);

engine_severity rb_default_severity(engine_finding_type t);

#endif
