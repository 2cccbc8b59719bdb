/* catalog_client.c — see catalog_client.h. */
#include "catalog_client.h"

#include <stdatomic.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"

#define M_GET_STANDARD "/pss.catalog.v1.Catalog/GetStandard"
#define M_LIST_STANDARDS "/pss.catalog.v1.Catalog/ListStandards"
#define M_LIST_FILINGS "/pss.catalog.v1.Catalog/ListFilings"
#define M_STORE_INFO "/pss.catalog.v1.Catalog/GetStoreInfo"
#define HEADER_CACHE_BYTES ((size_t)16 << 20)
#define PAGE_SIZE 1000  /* the catalog's maximum */
#define MAX_PAGES 10000 /* a catalog that keeps returning tokens is a bug, not a reason to loop */
#define MAX_CHAIN 8

struct catalog_client {
  char *target;
  rpc_client *rpc;
  std_cache *cache;
  kv_cache *headers;            /* (id, requested revision, store revision) -> header */
  kv_cache *reports;            /* handlers' engine reports of immutable pairs */
  atomic_bool no_store_info;    /* the catalog answered UNIMPLEMENTED to GetStoreInfo */
  int default_timeout_ms;
  char *authorization;          /* "Bearer …" or NULL */
};

catalog_client *catalog_client_new(const catalog_client_opts *o) {
  catalog_client *cc = calloc(1, sizeof *cc);
  if (!cc) return NULL;
  cc->target = strdup(o->target);
  cc->default_timeout_ms = o->default_timeout_ms > 0 ? o->default_timeout_ms : 10000;
  rpc_client_opts ro = {.max_message_bytes = o->max_message_bytes,
                        .max_reconnect_backoff_ms =
                            o->reconnect_backoff_ms > 0 ? o->reconnect_backoff_ms : 1000,
                        .tls = o->tls};
  cc->rpc = rpc_client_new(o->target, &ro);
  /* half for decoded standards, half for pair reports (an audit on a warm cache needs
   * only the reports); headers are small and keyed by store revision */
  cc->cache = o->cache_bytes ? std_cache_new(o->cache_bytes - o->cache_bytes / 2) : NULL;
  cc->reports = o->cache_bytes ? kv_cache_new(o->cache_bytes / 2) : NULL;
  cc->headers = o->cache_bytes ? kv_cache_new(HEADER_CACHE_BYTES) : NULL;
  if (o->token && o->token[0] && asprintf(&cc->authorization, "Bearer %s", o->token) < 0)
    cc->authorization = NULL;
  if (!cc->target || !cc->rpc || (o->cache_bytes && (!cc->cache || !cc->reports || !cc->headers))) {
    catalog_client_free(cc);
    return NULL;
  }
  return cc;
}

void catalog_client_free(catalog_client *cc) {
  if (!cc) return;
  if (cc->rpc) rpc_client_destroy(cc->rpc);
  std_cache_free(cc->cache);
  kv_cache_free(cc->headers);
  kv_cache_free(cc->reports);
  free(cc->authorization);
  free(cc->target);
  free(cc);
}

const char *catalog_client_target(const catalog_client *cc) { return cc->target; }
kv_cache *catalog_client_reports(catalog_client *cc) { return cc->reports; }
std_cache *catalog_client_cache(catalog_client *cc) { return cc->cache; }

/* ------------------------------------------------------------ session */

void cc_session_begin(cc_session *s, catalog_client *cc, rpc_call *call) {
  memset(s, 0, sizeof *s);
  s->cc = cc;
  s->call = call;
  gpr_timespec now = gpr_now(GPR_CLOCK_MONOTONIC);
  gpr_timespec d = rpc_call_deadline(call);
  /* "no deadline" is infinite; anything more than a day away counts as none too */
  gpr_timespec day = gpr_time_add(now, gpr_time_from_seconds(86400, GPR_TIMESPAN));
  if (gpr_time_cmp(d, day) > 0) {
    s->deadline = gpr_time_add(now, gpr_time_from_millis(cc->default_timeout_ms, GPR_TIMESPAN));
    s->caller_deadline = false;
  } else {
    s->deadline = d;
    s->caller_deadline = true;
  }
}

void cc_session_end(cc_session *s) {
  for (size_t i = 0; i < s->n_held; i++) std_ref_release(s->held[i]);
  for (size_t i = 0; i < s->n_owned; i++) protobuf_c_message_free_unpacked(s->owned[i], NULL);
  for (size_t i = 0; i < s->n_kheld; i++) kv_ref_release(s->kheld[i]);
  free(s->kheld);
  free(s->held);
  free(s->owned);
  memset(s, 0, sizeof *s);
}

static void *grow(void *p, size_t *cap, size_t n, size_t elem) {
  if (n < *cap) return p;
  size_t nc = *cap ? *cap * 2 : 8;
  void *q = realloc(p, nc * elem);
  if (!q) abort(); /* as the rpc layer does: out of memory is not recoverable here */
  *cap = nc;
  return q;
}

static void hold(cc_session *s, std_ref *r) {
  s->held = grow(s->held, &s->cap_held, s->n_held, sizeof *s->held);
  s->held[s->n_held++] = r;
}

void cc_hold_ref(cc_session *s, kv_ref *r) {
  s->kheld = grow(s->kheld, &s->cap_kheld, s->n_kheld, sizeof *s->kheld);
  s->kheld[s->n_kheld++] = r;
}

static void own(cc_session *s, ProtobufCMessage *m) {
  s->owned = grow(s->owned, &s->cap_owned, s->n_owned, sizeof *s->owned);
  s->owned[s->n_owned++] = m;
}

/* Maps a failed catalog call to the incoming call's status (see the header). */
static grpc_status_code map_failure(cc_session *s, grpc_status_code code, const char *msg,
                                    const char *what) {
  const char *target = s->cc->target;
  log_event(LOG_DEBUG, "catalog call failed", "catalog", json_string(target), "request",
            json_string(what), "code", json_string(rpc_status_name(code)), "message",
            json_string(msg ? msg : ""), NULL);
  switch (code) {
    case GRPC_STATUS_NOT_FOUND:
    case GRPC_STATUS_INVALID_ARGUMENT:
    case GRPC_STATUS_FAILED_PRECONDITION:
    case GRPC_STATUS_OUT_OF_RANGE:
      return rpc_fail(s->call, code, "%s", msg && msg[0] ? msg : what);
    case GRPC_STATUS_PERMISSION_DENIED:
    case GRPC_STATUS_UNAUTHENTICATED:
      /* comparison-svc's own credentials, not the caller's: a configuration error */
      return rpc_fail(s->call, GRPC_STATUS_INTERNAL,
                      "catalog-svc at %s refused comparison-svc's reads (%s: %s); set "
                      "--catalog-token / COMPARISON_CATALOG_TOKEN to a reader token (%s)",
                      target, rpc_status_name(code), msg ? msg : "", what);
    case GRPC_STATUS_RESOURCE_EXHAUSTED:
      return rpc_fail(s->call, code, "catalog-svc at %s: %s (%s)", target, msg, what);
    case GRPC_STATUS_UNAVAILABLE:
    case GRPC_STATUS_DEADLINE_EXCEEDED:
    case GRPC_STATUS_CANCELLED:
      if (s->caller_deadline && gpr_time_cmp(gpr_now(GPR_CLOCK_MONOTONIC), s->deadline) >= 0)
        return rpc_fail(s->call, GRPC_STATUS_DEADLINE_EXCEEDED,
                        "deadline exceeded while waiting for catalog-svc at %s (%s)", target, what);
      return rpc_fail(s->call, GRPC_STATUS_UNAVAILABLE,
                      "catalog-svc at %s is unavailable: %s: %s (%s)", target,
                      rpc_status_name(code), msg && msg[0] ? msg : "no reply", what);
    default:
      return rpc_fail(s->call, GRPC_STATUS_INTERNAL, "catalog-svc at %s answered %s: %s (%s)",
                      target, rpc_status_name(code), msg ? msg : "", what);
  }
}

/* One unary catalog call with the session's deadline. On OK *resp is owned by the
 * caller (free_unpacked); otherwise the incoming call's status is set. */
static grpc_status_code call(cc_session *s, const char *method, const ProtobufCMessage *req,
                             const ProtobufCMessageDescriptor *rd, ProtobufCMessage **resp,
                             const char *what) {
  if (gpr_time_cmp(gpr_now(GPR_CLOCK_MONOTONIC), s->deadline) >= 0)
    return map_failure(s, GRPC_STATUS_DEADLINE_EXCEEDED, "no time left before the deadline", what);
  rpc_result res = {0};
  rpc_metadata_kv md = {"authorization", s->cc->authorization};
  grpc_status_code st = rpc_client_call(s->cc->rpc, method, req, rd, resp, s->deadline,
                                        s->cc->authorization ? &md : NULL,
                                        s->cc->authorization ? 1 : 0, &res);
  if (st != GRPC_STATUS_OK) st = map_failure(s, st, res.message, what);
  rpc_result_clear(&res);
  return st;
}

static grpc_status_code get_raw(cc_session *s, const char *id, uint64_t rev, bool items,
                                cc_standard **out) {
  Pss__Catalog__V1__GetStandardRequest req = PSS__CATALOG__V1__GET_STANDARD_REQUEST__INIT;
  req.id = (char *)id;
  req.revision = rev;
  req.include_items = items;
  char what[160];
  snprintf(what, sizeof what, "GetStandard %s", id);
  return call(s, M_GET_STANDARD, &req.base, &pss__catalog__v1__standard__descriptor,
              (ProtobufCMessage **)out, what);
}

static bool cacheable(const cc_standard *h) {
  return h->status == PSS__CATALOG__V1__STANDARD_STATUS__PUBLISHED ||
         h->status == PSS__CATALOG__V1__STANDARD_STATUS__SUPERSEDED;
}

/* The store's current revision, or UNIMPLEMENTED (quietly) from a catalog without it.
 * quiet: a failure does not set the incoming call's status (an optional check). */
static grpc_status_code store_revision(cc_session *s, uint64_t *rev, bool *unimplemented,
                                       bool quiet) {
  *unimplemented = false;
  if (gpr_time_cmp(gpr_now(GPR_CLOCK_MONOTONIC), s->deadline) >= 0)
    return quiet ? GRPC_STATUS_DEADLINE_EXCEEDED
                 : map_failure(s, GRPC_STATUS_DEADLINE_EXCEEDED,
                               "no time left before the deadline", "GetStoreInfo");
  Pss__Catalog__V1__GetStoreInfoRequest req = PSS__CATALOG__V1__GET_STORE_INFO_REQUEST__INIT;
  Pss__Catalog__V1__StoreInfo *info = NULL;
  rpc_result res = {0};
  rpc_metadata_kv md = {"authorization", s->cc->authorization};
  grpc_status_code st = rpc_client_call(s->cc->rpc, M_STORE_INFO, &req.base,
                                        &pss__catalog__v1__store_info__descriptor,
                                        (ProtobufCMessage **)&info, s->deadline,
                                        s->cc->authorization ? &md : NULL,
                                        s->cc->authorization ? 1 : 0, &res);
  if (st == GRPC_STATUS_UNIMPLEMENTED) {
    *unimplemented = true;
    st = GRPC_STATUS_OK;
  } else if (st != GRPC_STATUS_OK) {
    if (!quiet) st = map_failure(s, st, res.message, "GetStoreInfo");
  } else {
    *rev = info->revision;
    protobuf_c_message_free_unpacked(&info->base, NULL);
  }
  rpc_result_clear(&res);
  return st;
}

static grpc_status_code snapshot(cc_session *s) {
  if (s->snap_state) return GRPC_STATUS_OK;
  if (!s->cc->headers || atomic_load(&s->cc->no_store_info)) {
    s->snap_state = -1;
    return GRPC_STATUS_OK;
  }
  bool unimpl;
  grpc_status_code st = store_revision(s, &s->snap, &unimpl, false);
  if (st) return st;
  if (unimpl) atomic_store(&s->cc->no_store_info, true);
  s->snap_state = unimpl || !s->snap ? -1 : 1;
  return GRPC_STATUS_OK;
}

bool cc_snapshot_still_current(cc_session *s) {
  if (s->snap_state != 1) return false;
  uint64_t rev = 0;
  bool unimpl;
  if (store_revision(s, &rev, &unimpl, true) || unimpl) return false;
  return rev == s->snap;
}

bool cc_pair_cacheable(const cc_session *s, const cc_standard *h) {
  return s->snap_state == 1 && cacheable(h) && h->revision && h->revision <= s->snap;
}

static void free_std(void *m) { protobuf_c_message_free_unpacked(m, NULL); }

typedef struct hdr_key {
  uint64_t revision, snap;
  char id[128];
} hdr_key;

grpc_status_code cc_get_header(cc_session *s, const char *id, uint64_t revision,
                               const cc_standard **out) {
  *out = NULL;
  grpc_status_code st = snapshot(s);
  if (st) return st;
  hdr_key k;
  size_t idlen = strlen(id);
  bool keyed = s->snap_state == 1 && idlen < sizeof k.id && (!revision || revision <= s->snap);
  size_t klen = 0;
  if (keyed) {
    memset(&k, 0, sizeof k);
    k.revision = revision;
    k.snap = s->snap;
    memcpy(k.id, id, idlen);
    klen = offsetof(hdr_key, id) + idlen;
    kv_ref *r = kv_cache_get(s->cc->headers, &k, klen);
    if (r) {
      cc_hold_ref(s, r);
      *out = kv_ref_value(r);
      return GRPC_STATUS_OK;
    }
  }
  cc_standard *hdr;
  if ((st = get_raw(s, id, revision, false, &hdr))) return st;
  /* the same answer for every read at this store revision only if nothing newer
   * than the snapshot was read (a write may have landed since GetStoreInfo) */
  bool same = keyed && hdr->revision && hdr->revision <= s->snap;
  size_t bytes = same ? protobuf_c_message_get_packed_size(&hdr->base) * 3 + sizeof *hdr : 0;
  kv_ref *r = kv_cache_put(same ? s->cc->headers : NULL, &k, klen, hdr, bytes, free_std);
  if (!r) return rpc_fail(s->call, GRPC_STATUS_RESOURCE_EXHAUSTED, "out of memory");
  cc_hold_ref(s, r);
  *out = kv_ref_value(r);
  return GRPC_STATUS_OK;
}

grpc_status_code cc_get_full(cc_session *s, const cc_standard *hdr, const cc_standard **out) {
  *out = NULL;
  /* the revision that last changed it: the same content for ever once published */
  uint64_t rev = hdr->revision;
  bool imm = cacheable(hdr);
  std_cache *cache = s->cc->cache;
  if (imm && cache && rev) {
    std_ref *r = std_cache_get(cache, hdr->id, rev);
    if (r) {
      hold(s, r);
      *out = std_ref_standard(r);
      return GRPC_STATUS_OK;
    }
  }
  cc_standard *full;
  grpc_status_code st = get_raw(s, hdr->id, rev, true, &full);
  if (st) return st;
  std_ref *r = imm && rev && cacheable(full) ? std_cache_put(cache, rev, full) : std_ref_wrap(full);
  if (!r) return rpc_fail(s->call, GRPC_STATUS_RESOURCE_EXHAUSTED, "out of memory");
  hold(s, r);
  *out = std_ref_standard(r);
  return GRPC_STATUS_OK;
}

grpc_status_code cc_get_standard(cc_session *s, const char *id, uint64_t revision,
                                 const cc_standard **out) {
  *out = NULL;
  const cc_standard *hdr;
  grpc_status_code st = cc_get_header(s, id, revision, &hdr);
  if (st) return st;
  if (!hdr->revision) { /* no revision to pin: read it as asked */
    cc_standard *full;
    if ((st = get_raw(s, id, revision, true, &full))) return st;
    std_ref *r = std_ref_wrap(full);
    if (!r) return rpc_fail(s->call, GRPC_STATUS_RESOURCE_EXHAUSTED, "out of memory");
    hold(s, r);
    *out = std_ref_standard(r);
    return GRPC_STATUS_OK;
  }
  return cc_get_full(s, hdr, out);
}

/* Appends n pointers to an arena array of capacity *cap (doubling). */
static void **append_ptrs(rpc_call *c, void **arr, size_t *n, size_t *cap, void *const *add,
                          size_t n_add) {
  if (!n_add) return arr; /* add may be NULL then (an empty repeated field) */
  if (*n + n_add > *cap) {
    size_t nc = *cap ? *cap : 16;
    while (nc < *n + n_add) nc *= 2;
    void **na = rpc_alloc(c, nc * sizeof *na);
    if (*n) memcpy(na, arr, *n * sizeof *na);
    arr = na;
    *cap = nc;
  }
  memcpy(arr + *n, add, n_add * sizeof *arr);
  *n += n_add;
  return arr;
}

/* Every page of a List method: sets the request's page_token (at *req_token) page
 * after page and appends the repeated field `field` of each reply (arena-owned). */
static grpc_status_code list_all(cc_session *s, const char *method, ProtobufCMessage *req,
                                 char **req_token, const ProtobufCMessageDescriptor *rd,
                                 const char *field, const char *what, void ***out, size_t *n) {
  const ProtobufCFieldDescriptor *fv = protobuf_c_message_descriptor_get_field_by_name(rd, field);
  const ProtobufCFieldDescriptor *ft = protobuf_c_message_descriptor_get_field_by_name(rd, "next_page_token");
  void **arr = NULL;
  size_t cap = 0;
  char token[1024] = "";
  *out = NULL;
  *n = 0;
  for (int page = 0; page < MAX_PAGES; page++) {
    *req_token = token;
    ProtobufCMessage *resp;
    grpc_status_code st = call(s, method, req, rd, &resp, what);
    if (st) return st;
    own(s, resp);
    const char *base = (const char *)resp;
    arr = append_ptrs(s->call, arr, n, &cap, *(void *const **)(base + fv->offset),
                      *(const size_t *)(base + fv->quantifier_offset));
    const char *next = *(char *const *)(base + ft->offset);
    if (!next || !next[0]) break;
    if (strlen(next) >= sizeof token)
      return rpc_fail(s->call, GRPC_STATUS_INTERNAL, "catalog-svc at %s: page token too long (%s)",
                      s->cc->target, what);
    strcpy(token, next);
  }
  *out = arr;
  return GRPC_STATUS_OK;
}

grpc_status_code cc_list_filings(cc_session *s, const char *id, const cc_filing *const **out,
                                 size_t *n) {
  char what[160];
  snprintf(what, sizeof what, "ListFilings %s", id);
  Pss__Catalog__V1__ListFilingsRequest req = PSS__CATALOG__V1__LIST_FILINGS_REQUEST__INIT;
  req.standard = (char *)id;
  req.page_size = PAGE_SIZE;
  return list_all(s, M_LIST_FILINGS, &req.base, &req.page_token,
                  &pss__catalog__v1__list_filings_response__descriptor, "filings", what,
                  (void ***)out, n);
}

grpc_status_code cc_list_standards(cc_session *s, const char *prefix,
                                   Pss__Catalog__V1__StandardStatus status, const char *parent,
                                   const cc_standard *const **out, size_t *n) {
  char what[200];
  snprintf(what, sizeof what, "ListStandards prefix=%s parent=%s", prefix ? prefix : "",
           parent ? parent : "");
  Pss__Catalog__V1__ListStandardsRequest req = PSS__CATALOG__V1__LIST_STANDARDS_REQUEST__INIT;
  req.jurisdiction_prefix = (char *)(prefix ? prefix : "");
  req.status = status;
  req.parent = (char *)(parent ? parent : "");
  req.page_size = PAGE_SIZE;
  return list_all(s, M_LIST_STANDARDS, &req.base, &req.page_token,
                  &pss__catalog__v1__list_standards_response__descriptor, "standards", what,
                  (void ***)out, n);
}

static grpc_status_code get_chain(cc_session *s, const char *id, uint64_t revision, bool items,
                                  const cc_standard ***chain, size_t *n) {
  const cc_standard **v = rpc_alloc(s->call, MAX_CHAIN * sizeof *v);
  size_t k = 0;
  const char *cur = id;
  while (cur && cur[0]) {
    if (k == MAX_CHAIN)
      return rpc_fail(s->call, GRPC_STATUS_FAILED_PRECONDITION,
                      "standard %s: chain of parents deeper than %d levels", id, MAX_CHAIN);
    for (size_t i = 0; i < k; i++)
      if (strcmp(v[i]->id, cur) == 0)
        return rpc_fail(s->call, GRPC_STATUS_FAILED_PRECONDITION,
                        "standard %s: its chain of parents loops at %s", id, cur);
    grpc_status_code st = items ? cc_get_standard(s, cur, revision, &v[k])
                                : cc_get_header(s, cur, revision, &v[k]);
    if (st) return st;
    cur = v[k++]->parent;
  }
  *chain = v;
  *n = k;
  return GRPC_STATUS_OK;
}

grpc_status_code cc_get_chain(cc_session *s, const char *id, uint64_t revision,
                              const cc_standard ***chain, size_t *n) {
  return get_chain(s, id, revision, true, chain, n);
}

grpc_status_code cc_get_chain_headers(cc_session *s, const char *id, uint64_t revision,
                                      const cc_standard ***chain, size_t *n) {
  return get_chain(s, id, revision, false, chain, n);
}
