/* rpc_internal.h — private glue between rpc_server.c, health.c and reflection.c.
 * Not for services: use rpc.h. */
#ifndef PSS_RPC_INTERNAL_H
#define PSS_RPC_INTERNAL_H

#include "rpc.h"

/* Bidirectional streaming, request → response lock-step (server reflection):
 * called once per received message; *resp is sent back; a non-OK return ends the
 * call with that status. The request and reply live in a per-message arena. */
typedef grpc_status_code (*rpc_bidi_fn)(rpc_call *call, const ProtobufCMessage *req,
                                        ProtobufCMessage **resp, void *ctx);

int rpc_server_add_bidi(rpc_server *s, const char *service_name, const char *path,
                        const ProtobufCMessageDescriptor *in, rpc_bidi_fn fn, void *ctx);

/* Names of every service served (ours, health, reflection), registration order.
 * Stable once the server has started. */
size_t rpc_server_service_names(rpc_server *s, const char *const **names);

/* ---- health.c */
typedef struct rpc_health rpc_health;
rpc_health *rpc_health_new(void);
void rpc_health_free(rpc_health *h);
/* Adds the service if unknown; wakes watchers on change. */
void rpc_health_set(rpc_health *h, const char *service, bool serving);
void rpc_health_set_all(rpc_health *h, bool serving);  /* every known name and "" */
extern const rpc_method_impl rpc_health_impls[2];       /* Check, Watch */

/* ---- reflection.c */
typedef struct rpc_reflection rpc_reflection;
rpc_reflection *rpc_reflection_new(rpc_server *s, const unsigned char *set, size_t len);
void rpc_reflection_free(rpc_reflection *r);
grpc_status_code rpc_reflection_handle(rpc_call *call, const ProtobufCMessage *req,
                                       ProtobufCMessage **resp, void *ctx);

/* Embedded FileDescriptorSet (build/gen/descriptor_set.c). */
extern const unsigned char pss_descriptor_set[];
extern const unsigned long pss_descriptor_set_len;

#endif
