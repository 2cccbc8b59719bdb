/* handlers.c — one thin adapter per Catalog method: run the operation with the
 * call's arena and turn its error into the call's status and message. */
#include "handlers.h"

#include <string.h>

static grpc_status_code run(catalog_op op, rpc_call *call, const ProtobufCMessage *req,
                            ProtobufCMessage **resp, void *ctx) {
  cat_err err = {0};
  int code = op((catalog *)ctx, req, rpc_allocator(call), resp, &err);
  if (code == CAT_OK) return GRPC_STATUS_OK;
  if (code == CAT_MAP_FULL || code < 0 || code > GRPC_STATUS_UNAUTHENTICATED) code = GRPC_STATUS_INTERNAL;
  return rpc_fail(call, (grpc_status_code)code, "%s", err.msg[0] ? err.msg : "internal error");
}

#define HANDLER(fn)                                                                   \
  static grpc_status_code h_##fn(rpc_call *call, const ProtobufCMessage *req,         \
                                 ProtobufCMessage **resp, void *ctx) {                \
    return run(fn, call, req, resp, ctx);                                             \
  }
HANDLER(cat_create_jurisdiction)
HANDLER(cat_get_jurisdiction)
HANDLER(cat_update_jurisdiction)
HANDLER(cat_list_jurisdictions)
HANDLER(cat_create_standard)
HANDLER(cat_get_standard)
HANDLER(cat_list_standards)
HANDLER(cat_publish_standard)
HANDLER(cat_withdraw_standard)
HANDLER(cat_list_revisions)
HANDLER(cat_import_standard)
HANDLER(cat_write_items)
HANDLER(cat_get_item)
HANDLER(cat_list_items)
HANDLER(cat_create_filing)
HANDLER(cat_get_filing)
HANDLER(cat_list_filings)
HANDLER(cat_delete_filing)
HANDLER(cat_get_store_info)

static const struct {
  const char *method;
  rpc_method_impl impl;
} table[] = {
    {"CreateJurisdiction", {.unary = h_cat_create_jurisdiction}},
    {"GetJurisdiction", {.unary = h_cat_get_jurisdiction}},
    {"UpdateJurisdiction", {.unary = h_cat_update_jurisdiction}},
    {"ListJurisdictions", {.unary = h_cat_list_jurisdictions}},
    {"CreateStandard", {.unary = h_cat_create_standard}},
    {"GetStandard", {.unary = h_cat_get_standard}},
    {"ListStandards", {.unary = h_cat_list_standards}},
    {"PublishStandard", {.unary = h_cat_publish_standard}},
    {"WithdrawStandard", {.unary = h_cat_withdraw_standard}},
    {"ListRevisions", {.unary = h_cat_list_revisions}},
    {"ImportStandard", {.unary = h_cat_import_standard}},
    {"WriteItems", {.unary = h_cat_write_items}},
    {"GetItem", {.unary = h_cat_get_item}},
    {"ListItems", {.unary = h_cat_list_items}},
    {"CreateFiling", {.unary = h_cat_create_filing}},
    {"GetFiling", {.unary = h_cat_get_filing}},
    {"ListFilings", {.unary = h_cat_list_filings}},
    {"DeleteFiling", {.unary = h_cat_delete_filing}},
    {"GetStoreInfo", {.unary = h_cat_get_store_info}},
    {"WatchChanges", {.stream_start = watch_start, .stream_pump = watch_pump, .stream_release = watch_release}},
};

int catalog_service_register(rpc_server *s, catalog *c) {
  const ProtobufCServiceDescriptor *d = &pss__catalog__v1__catalog__descriptor;
  rpc_method_impl impls[sizeof table / sizeof table[0]];
  if (d->n_methods != sizeof table / sizeof table[0]) return -1;
  /* the table is by name, so reordering the proto cannot mis-wire a method */
  for (unsigned i = 0; i < d->n_methods; i++) {
    size_t j = 0;
    while (j < sizeof table / sizeof table[0] && strcmp(table[j].method, d->methods[i].name)) j++;
    if (j == sizeof table / sizeof table[0]) return -1;
    impls[i] = table[j].impl;
  }
  watch_init(c);
  return rpc_server_add_service(s, d, impls, c);
}
