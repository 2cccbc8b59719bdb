/* resolve.c — the effective standard of a jurisdiction (see engine.h). */
#include "engine_internal.h"

int engine_resolve(const engine_standard *const *chain, size_t n_levels, engine_resolved *out)
{
    (void)chain;
    (void)n_levels;
    (void)out;
    return ENGINE_EINVAL;
}

void engine_resolved_free(engine_resolved *r) { (void)r; }
