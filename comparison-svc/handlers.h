/*
 * handlers.h — the pss.comparison.v1.Comparison service: one handler per method.
 *
 * handlers.c: Compare, Audit, Resolve, CompareEditions (one standard and its chain);
 * descendants.c: Coverage and Impact (a parent and the standards below it).
 * Every handler validates its ids first (INVALID_ARGUMENT naming the field), reads
 * through one cc_session (the caller's deadline, catalog failures mapped), runs the
 * pure engine, and builds the reply in the call arena (to_proto.h).
 */
#ifndef PSS_CMP_HANDLERS_H
#define PSS_CMP_HANDLERS_H

#include "catalog_client.h"
#include "engine.h"
#include "rpc.h"

typedef struct cmp_service {
  catalog_client *cc;
} cmp_service;

int comparison_service_register(rpc_server *s, cmp_service *svc);

/* Shared by the handler files. */
grpc_status_code h_check_standard_id(rpc_call *c, const char *field, const char *id);
grpc_status_code h_engine_fail(rpc_call *c, int rc, const engine_report *r, const char *what);

/* Pairwise engine reports, cached across calls for immutable pairs (catalog_client.h,
 * "Reports"). kind 'C' = engine_compare(child, parent, child's filings) (Compare,
 * Coverage); 'A' = engine_audit of the chain [child, parent] (one link of an Audit).
 * `latest`: both headers were read at the latest revision (only then is the current
 * filing list the one of the child's revision). A report the call computed is kept
 * by the pair_ctx until h_pairs_finish(), which offers it to the cache when the store
 * did not move meanwhile, else frees it. Reports are valid until then. */
typedef struct pair_ctx {
  cc_session *s;
  struct pending_report *pending;
  size_t n_pending, cap_pending;
} pair_ctx;
grpc_status_code h_pair_report(pair_ctx *pc, char kind, const cc_standard *child,
                               const cc_standard *parent, bool latest, const engine_report **out);
void h_pairs_finish(pair_ctx *pc, bool ok);

grpc_status_code h_coverage(rpc_call *call, const ProtobufCMessage *req, ProtobufCMessage **resp,
                            void *ctx);
grpc_status_code h_impact(rpc_call *call, const ProtobufCMessage *req, ProtobufCMessage **resp,
                          void *ctx);

#endif
