/* handlers.c — one thin adapter per Catalog method: run the operation with the
 * call's arena and turn its error into the call's status and message. */
#include "handlers.h"

#include <string.h>

/* What a method needs from the caller, and which jurisdiction it writes. */
typedef const char *(*scope_fn)(const ProtobufCMessage *req, char jur[8]);

static const char *jur_of_id(const char *id, char jur[8]) {
  size_t n = strcspn(id ? id : "", "/");
  if (n > 7) n = 7;
  memcpy(jur, id, n);
  jur[n] = 0;
  return jur;
}
#define SCOPE(name, type, expr)                                           \
  static const char *name(const ProtobufCMessage *m, char jur[8]) {       \
    const type *r = (const type *)m;                                      \
    return jur_of_id((expr), jur);                                        \
  }
SCOPE(scope_create_jur, Pss__Catalog__V1__CreateJurisdictionRequest, r->jurisdiction ? r->jurisdiction->code : "")
SCOPE(scope_update_jur, Pss__Catalog__V1__UpdateJurisdictionRequest, r->jurisdiction ? r->jurisdiction->code : "")
SCOPE(scope_create_std, Pss__Catalog__V1__CreateStandardRequest, r->standard ? r->standard->jurisdiction : "")
SCOPE(scope_publish, Pss__Catalog__V1__PublishStandardRequest, r->id)
SCOPE(scope_withdraw, Pss__Catalog__V1__WithdrawStandardRequest, r->id)
SCOPE(scope_import, Pss__Catalog__V1__ImportStandardRequest, r->standard ? r->standard->jurisdiction : "")
SCOPE(scope_write_items, Pss__Catalog__V1__WriteItemsRequest, r->standard)
SCOPE(scope_create_filing, Pss__Catalog__V1__CreateFilingRequest, r->filing ? r->filing->standard : "")
SCOPE(scope_delete_filing, Pss__Catalog__V1__DeleteFilingRequest, r->standard)

/* An import may create jurisdictions; creating one is an admin's act. */
static grpc_status_code import_needs(svc *sv, rpc_call *call, const ProtobufCMessage *m) {
  const Pss__Catalog__V1__ImportStandardRequest *r = (const void *)m;
  for (size_t i = 0; i < r->n_jurisdictions; i++) {
    Pss__Catalog__V1__GetJurisdictionRequest g = PSS__CATALOG__V1__GET_JURISDICTION_REQUEST__INIT;
    g.code = r->jurisdictions[i] ? r->jurisdictions[i]->code : "";
    ProtobufCMessage *out;
    cat_err err = {0};
    if (cat_get_jurisdiction(sv->c, &g.base, rpc_allocator(call), &out, &err) == GRPC_STATUS_NOT_FOUND)
      return auth_check(sv->a, call, AUTH_ADMIN, g.code);
  }
  return GRPC_STATUS_OK;
}

static grpc_status_code run(catalog_op op, auth_need need, scope_fn scope, rpc_call *call,
                            const ProtobufCMessage *req, ProtobufCMessage **resp, void *ctx) {
  svc *sv = ctx;
  char jur[8];
  grpc_status_code st = auth_check(sv->a, call, need, scope ? scope(req, jur) : NULL);
  if (st == GRPC_STATUS_OK && op == cat_import_standard && auth_enabled(sv->a)) st = import_needs(sv, call, req);
  if (st != GRPC_STATUS_OK) return st;
  cat_err err = {0};
  int code = op(sv->c, req, rpc_allocator(call), resp, &err);
  if (code == CAT_OK) return GRPC_STATUS_OK;
  if (code == CAT_MAP_FULL || code < 0 || code > GRPC_STATUS_UNAUTHENTICATED) code = GRPC_STATUS_INTERNAL;
  return rpc_fail(call, (grpc_status_code)code, "%s", err.msg[0] ? err.msg : "internal error");
}

#define HANDLER(fn, need, scope)                                                      \
  static grpc_status_code h_##fn(rpc_call *call, const ProtobufCMessage *req,         \
                                 ProtobufCMessage **resp, void *ctx) {                \
    return run(fn, need, scope, call, req, resp, ctx);                                \
  }
HANDLER(cat_create_jurisdiction, AUTH_ADMIN, scope_create_jur)
HANDLER(cat_get_jurisdiction, AUTH_READ, NULL)
HANDLER(cat_update_jurisdiction, AUTH_ADMIN, scope_update_jur)
HANDLER(cat_list_jurisdictions, AUTH_READ, NULL)
HANDLER(cat_create_standard, AUTH_WRITE, scope_create_std)
HANDLER(cat_get_standard_packed, AUTH_READ, NULL)
HANDLER(cat_list_standards, AUTH_READ, NULL)
HANDLER(cat_publish_standard, AUTH_WRITE, scope_publish)
HANDLER(cat_withdraw_standard, AUTH_WRITE, scope_withdraw)
HANDLER(cat_list_revisions, AUTH_READ, NULL)
HANDLER(cat_import_standard, AUTH_WRITE, scope_import)
HANDLER(cat_write_items, AUTH_WRITE, scope_write_items)
HANDLER(cat_get_item, AUTH_READ, NULL)
HANDLER(cat_list_items, AUTH_READ, NULL)
HANDLER(cat_create_filing, AUTH_WRITE, scope_create_filing)
HANDLER(cat_get_filing, AUTH_READ, NULL)
HANDLER(cat_list_filings, AUTH_READ, NULL)
HANDLER(cat_delete_filing, AUTH_WRITE, scope_delete_filing)
HANDLER(cat_get_store_info, AUTH_READ, NULL)

static const struct {
  const char *method;
  rpc_method_impl impl;
} table[] = {
    {"CreateJurisdiction", {.unary = h_cat_create_jurisdiction}},
    {"GetJurisdiction", {.unary = h_cat_get_jurisdiction}},
    {"UpdateJurisdiction", {.unary = h_cat_update_jurisdiction}},
    {"ListJurisdictions", {.unary = h_cat_list_jurisdictions}},
    {"CreateStandard", {.unary = h_cat_create_standard}},
    {"GetStandard", {.unary = h_cat_get_standard_packed}},
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
    {"Backup", {.stream_start = backup_start, .stream_pump = backup_pump, .stream_release = backup_release}},
    {"WatchChanges", {.stream_start = watch_start, .stream_pump = watch_pump, .stream_release = watch_release}},
};

int catalog_service_register(rpc_server *s, catalog *c, auth *a, const char *data_dir) {
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
  static svc sv;  /* one Catalog service per process */
  sv.c = c;
  sv.a = a;
  sv.data_dir = data_dir;
  watch_init(c);
  return rpc_server_add_service(s, d, impls, &sv);
}
