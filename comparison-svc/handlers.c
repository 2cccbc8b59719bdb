/* handlers.c — Compare, Audit, Resolve, CompareEditions, and the method table. */
#include "handlers.h"

#include <pss/comparison/v1/comparison.pb-c.h>
#include <stdio.h>
#include <string.h>

#include "ids.h"
#include "to_proto.h"

grpc_status_code h_check_standard_id(rpc_call *c, const char *field, const char *id) {
  if (!id || !id[0])
    return rpc_fail(c, GRPC_STATUS_INVALID_ARGUMENT,
                    "%s: required (a standard id JURISDICTION/EDITION, e.g. 330782/2021)", field);
  if (!id_parse_standard(id, NULL, NULL))
    return rpc_fail(c, GRPC_STATUS_INVALID_ARGUMENT,
                    "%s: \"%.64s\" is not a standard id (JURISDICTION/EDITION, e.g. 330782/2021)",
                    field, id);
  return GRPC_STATUS_OK;
}

grpc_status_code h_engine_fail(rpc_call *c, int rc, const engine_report *r, const char *what) {
  if (rc == ENGINE_ENOMEM)
    return rpc_fail(c, GRPC_STATUS_RESOURCE_EXHAUSTED, "%s: out of memory", what);
  /* the catalog validates what it stores, so this is data the engine cannot read */
  return rpc_fail(c, GRPC_STATUS_FAILED_PRECONDITION, "%s: %s: %s", what, engine_strerror(rc),
                  r && r->error ? r->error : "");
}

/* Filings of one standard as the engine wants them. */
static grpc_status_code filings_of(cc_session *s, const char *id, const engine_filing *const **f,
                                   size_t *n) {
  return cc_list_filings(s, id, f, n);
}

/* ---------------------------------------------------------------- Compare */

static grpc_status_code h_compare(rpc_call *call, const ProtobufCMessage *reqm,
                                  ProtobufCMessage **resp, void *ctx) {
  const Pss__Comparison__V1__CompareRequest *req = (const void *)reqm;
  cmp_service *svc = ctx;
  grpc_status_code st;
  if ((st = h_check_standard_id(call, "child", req->child))) return st;
  if (req->against[0] && (st = h_check_standard_id(call, "against", req->against))) return st;

  cc_session s;
  cc_session_begin(&s, svc->cc, call);
  const cc_standard *child, *parent;
  const engine_filing *const *filings;
  size_t n_filings;
  if ((st = cc_get_standard(&s, req->child, req->child_revision, &child))) goto out;
  const char *against = req->against[0] ? req->against : child->parent;
  if (!against || !against[0]) {
    st = rpc_fail(call, GRPC_STATUS_INVALID_ARGUMENT,
                  "against: required: %s is a national standard and declares no parent", child->id);
    goto out;
  }
  if ((st = cc_get_standard(&s, against, req->against_revision, &parent))) goto out;
  if ((st = filings_of(&s, child->id, &filings, &n_filings))) goto out;

  engine_report r;
  int rc = engine_compare(child, parent, filings, n_filings, &r);
  if (rc == ENGINE_OK) *resp = &tp_report(call, &r, child, parent)->base;
  else st = h_engine_fail(call, rc, &r, "compare");
  engine_report_free(&r);
out:
  cc_session_end(&s);
  return st;
}

/* ------------------------------------------------------------------ Audit */

static grpc_status_code h_audit(rpc_call *call, const ProtobufCMessage *reqm,
                                ProtobufCMessage **resp, void *ctx) {
  const Pss__Comparison__V1__AuditRequest *req = (const void *)reqm;
  cmp_service *svc = ctx;
  grpc_status_code st;
  if ((st = h_check_standard_id(call, "standard", req->standard))) return st;

  cc_session s;
  cc_session_begin(&s, svc->cc, call);
  const cc_standard **chain;
  size_t n;
  if ((st = cc_get_chain(&s, req->standard, req->revision, &chain, &n))) goto out;
  if (n < 2) {
    st = rpc_fail(call, GRPC_STATUS_INVALID_ARGUMENT,
                  "standard: %s is a national standard: there is no parent to audit it against",
                  chain[0]->id);
    goto out;
  }
  const engine_filing *const **filings = rpc_alloc(call, n * sizeof *filings);
  size_t *n_filings = rpc_alloc(call, n * sizeof *n_filings);
  for (size_t i = 0; i + 1 < n; i++) /* the top of the chain is never a child */
    if ((st = filings_of(&s, chain[i]->id, &filings[i], &n_filings[i]))) goto out;

  engine_report r;
  int rc = engine_audit((const engine_standard *const *)chain, n, filings, n_filings, &r);
  if (rc == ENGINE_OK) *resp = &tp_audit(call, &r, (const engine_standard *const *)chain, n)->base;
  else st = h_engine_fail(call, rc, &r, "audit");
  engine_report_free(&r);
out:
  cc_session_end(&s);
  return st;
}

/* ---------------------------------------------------------------- Resolve */

/* A bare jurisdiction code names its PUBLISHED standard (the latest edition if the
 * catalog ever held two). */
static grpc_status_code published_of(cc_session *s, const char *code, const char **id) {
  const cc_standard *const *v;
  size_t n;
  grpc_status_code st =
      cc_list_standards(s, code, PSS__CATALOG__V1__STANDARD_STATUS__PUBLISHED, NULL, &v, &n);
  if (st) return st;
  const cc_standard *best = NULL;
  for (size_t i = 0; i < n; i++)
    if (strcmp(v[i]->jurisdiction, code) == 0 &&
        (!best || strcmp(v[i]->edition, best->edition) > 0))
      best = v[i];
  if (!best)
    return rpc_fail(s->call, GRPC_STATUS_NOT_FOUND,
                    "standard: jurisdiction %s has no PUBLISHED standard", code);
  *id = rpc_strdup(s->call, best->id);
  return GRPC_STATUS_OK;
}

static grpc_status_code h_resolve(rpc_call *call, const ProtobufCMessage *reqm,
                                  ProtobufCMessage **resp, void *ctx) {
  const Pss__Comparison__V1__ResolveRequest *req = (const void *)reqm;
  cmp_service *svc = ctx;
  grpc_status_code st;
  bool bare = req->standard[0] && !strchr(req->standard, '/');
  if (bare && !id_jur_level(req->standard))
    return rpc_fail(call, GRPC_STATUS_INVALID_ARGUMENT,
                    "standard: \"%.64s\" is neither a standard id (330782/2021) nor a jurisdiction "
                    "code (CN or 6 digits)", req->standard);
  if (!bare && (st = h_check_standard_id(call, "standard", req->standard))) return st;

  cc_session s;
  cc_session_begin(&s, svc->cc, call);
  const char *id = req->standard;
  const cc_standard **chain;
  size_t n;
  if (bare && (st = published_of(&s, req->standard, &id))) goto out;
  if ((st = cc_get_chain(&s, id, 0, &chain, &n))) goto out;

  engine_resolved res;
  memset(&res, 0, sizeof res);
  int rc = engine_resolve((const engine_standard *const *)chain, n, &res);
  if (rc == ENGINE_OK)
    *resp = &tp_effective(call, &res, (const engine_standard *const *)chain, n)->base;
  else st = h_engine_fail(call, rc, &res.arena_, "resolve");
  engine_resolved_free(&res);
out:
  cc_session_end(&s);
  return st;
}

/* -------------------------------------------------------- CompareEditions */

static grpc_status_code h_compare_editions(rpc_call *call, const ProtobufCMessage *reqm,
                                           ProtobufCMessage **resp, void *ctx) {
  const Pss__Comparison__V1__CompareEditionsRequest *req = (const void *)reqm;
  cmp_service *svc = ctx;
  grpc_status_code st;
  if ((st = h_check_standard_id(call, "from", req->from))) return st;
  if ((st = h_check_standard_id(call, "to", req->to))) return st;
  char jf[ID_JUR_MAX], jt[ID_JUR_MAX];
  id_parse_standard(req->from, jf, NULL);
  id_parse_standard(req->to, jt, NULL);
  if (strcmp(jf, jt) != 0)
    return rpc_fail(call, GRPC_STATUS_INVALID_ARGUMENT,
                    "to: %s is not an edition of jurisdiction %s (from %s); use Compare to "
                    "compare different jurisdictions", req->to, jf, req->from);

  cc_session s;
  cc_session_begin(&s, svc->cc, call);
  const cc_standard *from, *to;
  if ((st = cc_get_standard(&s, req->from, 0, &from))) goto out;
  if ((st = cc_get_standard(&s, req->to, 0, &to))) goto out;
  engine_report r;
  int rc = engine_compare_editions(from, to, &r);
  if (rc == ENGINE_OK) *resp = &tp_edition_diff(call, &r, from->id, to->id)->base;
  else st = h_engine_fail(call, rc, &r, "compare editions");
  engine_report_free(&r);
out:
  cc_session_end(&s);
  return st;
}

/* ------------------------------------------------------------------ table */

static const struct {
  const char *method;
  rpc_method_impl impl;
} table[] = {
    {"Compare", {.unary = h_compare}},
    {"Audit", {.unary = h_audit}},
    {"Resolve", {.unary = h_resolve}},
    {"CompareEditions", {.unary = h_compare_editions}},
    {"Coverage", {.unary = h_coverage}},
    {"Impact", {.unary = h_impact}},
};
#define N_TABLE (sizeof table / sizeof table[0])

int comparison_service_register(rpc_server *s, cmp_service *svc) {
  const ProtobufCServiceDescriptor *d = &pss__comparison__v1__comparison__descriptor;
  rpc_method_impl impls[N_TABLE];
  if (d->n_methods != N_TABLE) return -1;
  /* by name, so reordering the proto cannot mis-wire a method */
  for (unsigned i = 0; i < d->n_methods; i++) {
    size_t j = 0;
    while (j < N_TABLE && strcmp(table[j].method, d->methods[i].name)) j++;
    if (j == N_TABLE) return -1;
    impls[i] = table[j].impl;
  }
  return rpc_server_add_service(s, d, impls, svc);
}
