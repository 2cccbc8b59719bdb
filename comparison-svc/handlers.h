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

grpc_status_code h_coverage(rpc_call *call, const ProtobufCMessage *req, ProtobufCMessage **resp,
                            void *ctx);
grpc_status_code h_impact(rpc_call *call, const ProtobufCMessage *req, ProtobufCMessage **resp,
                          void *ctx);

#endif
