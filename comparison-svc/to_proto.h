/*
 * to_proto.h — engine results -> pss.comparison.v1 messages, built entirely in the
 * call's arena (every string copied), so the engine report can be freed right after
 * and the reply outlives the handler until the RPC layer has sent it.
 *
 *  - FindingType / Severity on the wire = engine value + 1 (comparison.proto).
 *  - counts: finding type NAME (engine_finding_type_name) -> distinct items, only
 *    non-zero entries, in enum order.
 *  - counts_by_domain: domain -> distinct items with at least one non-INHERITED
 *    finding in that domain (the wording of comparison.proto), only non-zero.
 *  - EditionDiff maps finding types to EditionChangeType (see tp_edition_change_type).
 */
#ifndef PSS_CMP_TO_PROTO_H
#define PSS_CMP_TO_PROTO_H

#include <pss/comparison/v1/comparison.pb-c.h>

#include "engine.h"
#include "rpc.h"

typedef Pss__Comparison__V1__Finding pb_finding;

pb_finding *tp_finding(rpc_call *c, const engine_finding *f);

/* Compare: one pair. Revisions are those of the standards actually compared. */
Pss__Comparison__V1__Report *tp_report(rpc_call *c, const engine_report *r,
                                       const engine_standard *child,
                                       const engine_standard *parent);

/* Audit over chain[0..n-1]; levels[i] = pair (chain[i], chain[i+1]) with its counts,
 * verdict and blocking findings (its findings are in AuditReport.findings, level = i). */
Pss__Comparison__V1__AuditReport *tp_audit(rpc_call *c, const engine_report *r,
                                           const engine_standard *const *chain, size_t n);

Pss__Comparison__V1__EditionChangeType tp_edition_change_type(const engine_finding *f);
Pss__Comparison__V1__EditionDiff *tp_edition_diff(rpc_call *c, const engine_report *r,
                                                  const char *from, const char *to);

/* Resolve: items deep-copied into the arena from the chain level that defines them. */
Pss__Comparison__V1__EffectiveStandard *tp_effective(rpc_call *c, const engine_resolved *res,
                                                     const engine_standard *const *chain,
                                                     size_t n);

/* Deep copy of a catalog Item into the call's arena (pack + unpack). */
Pss__Catalog__V1__Item *tp_copy_item(rpc_call *c, const Pss__Catalog__V1__Item *it);

/* Item key used for "distinct items": child code, or the parent code for
 * MISSING/REMOVED (and any finding without a child item). */
const char *tp_item_key(const engine_finding *f, int *is_parent);

#endif
