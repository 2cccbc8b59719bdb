/* handlers.h — binds the catalog operations to the pss.catalog.v1.Catalog service. */
#ifndef PSS_HANDLERS_H
#define PSS_HANDLERS_H

#include "auth.h"
#include "catalog.h"
#include "rpc.h"

/* The context every Catalog handler gets. */
typedef struct svc {
  catalog *c;
  auth *a;
  const char *data_dir;
} svc;

/* Registers every Catalog method on s (svc_ctx = c). Returns 0 on success. */
int catalog_service_register(rpc_server *s, catalog *c, auth *a, const char *data_dir);

/* Backup (backup.c). */
grpc_status_code backup_start(rpc_call *call, const ProtobufCMessage *req, void **state, void *ctx);
void backup_pump(rpc_call *call, void *state);
void backup_release(rpc_call *call, void *state);

/* The change feed (watch.c). */
void watch_init(catalog *c);
grpc_status_code watch_start(rpc_call *call, const ProtobufCMessage *req, void **state, void *ctx);
void watch_pump(rpc_call *call, void *state);
void watch_release(rpc_call *call, void *state);

#endif
