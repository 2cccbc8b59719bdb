/* handlers.c — Compare, Audit, Resolve, CompareEditions, and the method table. */
#include "handlers.h"

#include <pss/comparison/v1/comparison.pb-c.h>
#include <stdio.h>
#include <stdlib.h>
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

/* ------------------------------------------------------------ pair reports */

struct pending_report {
  unsigned char *key;
  size_t klen, bytes;
  engine_report *r;
};

static void free_report(void *p) {
  engine_report_free(p);
  free(p);
}

static size_t slen(const char *s) { return s ? strlen(s) + 1 : 0; }

/* Decoded size estimate of a report: its arrays plus its strings (arena). */
static size_t report_bytes(const engine_report *r) {
  size_t n = sizeof *r + r->n_findings * sizeof *r->findings + r->n_blocking * sizeof(size_t) +
             r->n_domains * sizeof *r->domains + r->n_levels * sizeof *r->levels + 256;
  for (size_t i = 0; i < r->n_findings; i++) {
    const engine_finding *f = &r->findings[i];
    n += slen(f->child_code) + slen(f->parent_code) + slen(f->item_name) + slen(f->domain) +
         slen(f->field) + slen(f->subject) + slen(f->old_value) + slen(f->new_value) +
         slen(f->message_zh) + slen(f->message_en) + slen(f->accepted_by) + 16;
  }
  return n + n / 4; /* arena slack */
}

static size_t pair_key(unsigned char *k, size_t cap, char kind, const cc_standard *c,
                       const cc_standard *p) {
  size_t lc = strlen(c->id), lp = strlen(p->id);
  if (1 + lc + 1 + 8 + lp + 1 + 8 > cap) return 0;
  size_t n = 0;
  k[n++] = (unsigned char)kind;
  memcpy(k + n, c->id, lc + 1);
  n += lc + 1;
  memcpy(k + n, &c->revision, 8);
  n += 8;
  memcpy(k + n, p->id, lp + 1);
  n += lp + 1;
  memcpy(k + n, &p->revision, 8);
  return n + 8;
}

grpc_status_code h_pair_report(pair_ctx *pc, char kind, const cc_standard *ch,
                               const cc_standard *ph, bool latest, const engine_report **out) {
  cc_session *s = pc->s;
  kv_cache *cache = catalog_client_reports(s->cc);
  unsigned char key[600];
  size_t klen = cache && latest && cc_pair_cacheable(s, ch) && cc_pair_cacheable(s, ph)
                    ? pair_key(key, sizeof key, kind, ch, ph)
                    : 0;
  if (klen) {
    kv_ref *r = kv_cache_get(cache, key, klen);
    if (r) {
      cc_hold_ref(s, r);
      *out = kv_ref_value(r);
      return GRPC_STATUS_OK;
    }
  }
  const cc_standard *child, *parent;
  const engine_filing *const *filings;
  size_t n_filings;
  grpc_status_code st;
  if ((st = cc_get_full(s, ch, &child))) return st;
  if ((st = cc_get_full(s, ph, &parent))) return st;
  if ((st = filings_of(s, child->id, &filings, &n_filings))) return st;
  engine_report *r = calloc(1, sizeof *r);
  if (!r) return rpc_fail(s->call, GRPC_STATUS_RESOURCE_EXHAUSTED, "out of memory");
  int rc;
  if (kind == 'A') {
    const engine_standard *chain[2] = {child, parent};
    const engine_filing *const *fl[2] = {filings, NULL};
    size_t nf[2] = {n_filings, 0};
    rc = engine_audit(chain, 2, fl, nf, r);
  } else {
    rc = engine_compare(child, parent, filings, n_filings, r);
  }
  if (rc != ENGINE_OK) {
    st = h_engine_fail(s->call, rc, r, kind == 'A' ? "audit" : "compare");
    free_report(r);
    return st;
  }
  unsigned char *kc = klen ? malloc(klen) : NULL;
  if (kc && pc->n_pending == pc->cap_pending) {
    size_t nc = pc->cap_pending ? 2 * pc->cap_pending : 8;
    struct pending_report *np = realloc(pc->pending, nc * sizeof *np);
    if (np) {
      pc->pending = np;
      pc->cap_pending = nc;
    }
  }
  if (kc && pc->n_pending < pc->cap_pending) {
    memcpy(kc, key, klen);
    pc->pending[pc->n_pending++] = (struct pending_report){kc, klen, report_bytes(r), r};
  } else { /* not cacheable: the session frees it */
    free(kc);
    kv_ref *ref = kv_cache_put(NULL, NULL, 0, r, 0, free_report);
    if (!ref) return rpc_fail(s->call, GRPC_STATUS_RESOURCE_EXHAUSTED, "out of memory");
    cc_hold_ref(s, ref);
  }
  *out = r;
  return GRPC_STATUS_OK;
}

void h_pairs_finish(pair_ctx *pc, bool ok) {
  /* the filings were read after the snapshot: cache only if nothing was written since */
  bool keep = ok && pc->n_pending && cc_snapshot_still_current(pc->s);
  kv_cache *cache = catalog_client_reports(pc->s->cc);
  for (size_t i = 0; i < pc->n_pending; i++) {
    struct pending_report *p = &pc->pending[i];
    if (keep) kv_ref_release(kv_cache_put(cache, p->key, p->klen, p->r, p->bytes, free_report));
    else free_report(p->r);
    free(p->key);
  }
  free(pc->pending);
  memset(pc, 0, sizeof *pc);
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
  pair_ctx pc = {.s = &s};
  const cc_standard *child, *parent;
  const engine_report *r;
  if ((st = cc_get_header(&s, req->child, req->child_revision, &child))) goto out;
  const char *against = req->against[0] ? req->against : child->parent;
  if (!against || !against[0]) {
    st = rpc_fail(call, GRPC_STATUS_INVALID_ARGUMENT,
                  "against: required: %s is a national standard and declares no parent", child->id);
    goto out;
  }
  if ((st = cc_get_header(&s, against, req->against_revision, &parent))) goto out;
  if ((st = h_pair_report(&pc, 'C', child, parent,
                          !req->child_revision && !req->against_revision, &r)))
    goto out;
  *resp = &tp_report(call, r, child, parent)->base;
out:
  h_pairs_finish(&pc, st == GRPC_STATUS_OK);
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
  pair_ctx pc = {.s = &s};
  const cc_standard **chain;
  size_t n;
  /* headers only: each link is one pair report (engine_audit of a chain is exactly
   * its links' audits, level by level), cached across audits; the standards' items
   * and filings are read only for the links not cached yet */
  if ((st = cc_get_chain_headers(&s, req->standard, req->revision, &chain, &n))) goto out;
  if (n < 2) {
    st = rpc_fail(call, GRPC_STATUS_INVALID_ARGUMENT,
                  "standard: %s is a national standard: there is no parent to audit it against",
                  chain[0]->id);
    goto out;
  }
  const engine_report **links = rpc_alloc(call, n * sizeof *links);
  size_t total = 0;
  for (size_t i = 0; i + 1 < n; i++) {
    if ((st = h_pair_report(&pc, 'A', chain[i], chain[i + 1], req->revision == 0, &links[i])))
      goto out;
    total += links[i]->n_findings;
  }
  /* the chain's report: the links' findings in level order, relabelled with their level */
  engine_report m;
  memset(&m, 0, sizeof m);
  m.kind = ENGINE_REPORT_AUDIT;
  m.conformant = 1;
  m.findings = rpc_alloc(call, (total + 1) * sizeof *m.findings);
  for (size_t i = 0; i + 1 < n; i++) {
    for (size_t k = 0; k < links[i]->n_findings; k++) {
      engine_finding *f = &m.findings[m.n_findings++];
      *f = links[i]->findings[k];
      f->level = i;
    }
    if (!links[i]->conformant) m.conformant = 0;
  }
  *resp = &tp_audit(call, &m, (const engine_standard *const *)chain, n)->base;
out:
  h_pairs_finish(&pc, st == GRPC_STATUS_OK);
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
