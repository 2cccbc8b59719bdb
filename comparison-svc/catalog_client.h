/*
 * catalog_client.h — comparison-svc's reads from catalog-svc over gRPC.
 *
 * One catalog_client per process (one channel, thread-safe, reconnecting by itself
 * with a short backoff) and one cc_session per incoming call. A session:
 *  - propagates the caller's deadline to every catalog call (never exceeds it); when
 *    the caller sent none, the whole incoming call gets --catalog-timeout-ms;
 *  - holds every standard it returned until cc_session_end(), so handlers just use
 *    the pointers (they are read-only and may be shared with other calls via the cache);
 *  - on failure sets the incoming call's status (rpc_fail) and returns the code:
 *      catalog unreachable / UNAVAILABLE / DEADLINE_EXCEEDED
 *          -> UNAVAILABLE "catalog-svc at HOST:PORT is unavailable: …", or
 *             DEADLINE_EXCEEDED when the caller's own deadline has passed;
 *      NOT_FOUND, INVALID_ARGUMENT, FAILED_PRECONDITION, OUT_OF_RANGE,
 *      RESOURCE_EXHAUSTED -> passed through with the catalog's message;
 *      UNAUTHENTICATED / PERMISSION_DENIED (comparison-svc's own token, not the
 *      caller's) -> INTERNAL naming --catalog-token;
 *      anything else -> INTERNAL "catalog-svc answered CODE: …".
 *
 * Standards: a read first asks for the header (GetStandard without items: small);
 * PUBLISHED and SUPERSEDED ones are then served from the cache by (id, revision),
 * everything else is fetched with its items at that same revision (one snapshot).
 *
 * Headers: the first read of a session asks the catalog for its store revision R
 * (GetStoreInfo, one small call). A header read while the store is at R is the same
 * for every session that sees R again (no write in between), so headers are cached
 * by (id, requested revision, R): an Audit of a county on a quiet catalog costs that
 * one GetStoreInfo instead of four sequential GetStandard calls. A catalog without
 * GetStoreInfo (UNIMPLEMENTED) just disables this.
 *
 * Reports: catalog_client_reports() is a cache for the handlers' engine reports of
 * pairs (child@revision, parent@revision) of PUBLISHED/SUPERSEDED standards read at
 * the latest revision (cc_pair_cacheable). Such a report is immutable because the
 * catalog bumps a standard's revision when one of its filings is created or deleted
 * (catalog-svc/ops_filing.c); filings are read after the snapshot, so an entry is
 * only inserted when cc_snapshot_still_current() confirms no write happened since.
 */
#ifndef PSS_CMP_CATALOG_CLIENT_H
#define PSS_CMP_CATALOG_CLIENT_H

#include <pss/catalog/v1/catalog.pb-c.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cache.h"
#include "rpc.h"

typedef Pss__Catalog__V1__Standard cc_standard;
typedef Pss__Catalog__V1__Filing cc_filing;

typedef struct catalog_client catalog_client;

typedef struct catalog_client_opts {
  const char *target;           /* "127.0.0.1:7001" */
  int default_timeout_ms;       /* budget of an incoming call that has no deadline */
  size_t cache_bytes;           /* 0 = no cache */
  int max_message_bytes;        /* largest catalog reply; 0 = 64 MiB */
  int reconnect_backoff_ms;     /* max reconnect backoff; 0 = 1000 */
  const char *token;            /* bearer token for catalogs that protect reads; NULL/"" = none */
  rpc_tls tls;                  /* TLS / mTLS towards catalog-svc (empty = plaintext) */
} catalog_client_opts;

catalog_client *catalog_client_new(const catalog_client_opts *opts);
void catalog_client_free(catalog_client *cc);
const char *catalog_client_target(const catalog_client *cc);
std_cache *catalog_client_cache(catalog_client *cc);

typedef struct cc_session {
  catalog_client *cc;
  rpc_call *call;
  gpr_timespec deadline;        /* monotonic */
  bool caller_deadline;         /* deadline came from the caller */
  std_ref **held;
  size_t n_held, cap_held;
  ProtobufCMessage **owned;
  size_t n_owned, cap_owned;
  kv_ref **kheld;               /* header / report cache references */
  size_t n_kheld, cap_kheld;
  uint64_t snap;                /* store revision seen by this session (snap_state 1) */
  int snap_state;               /* 0 not asked yet, 1 known, -1 unavailable (no caching) */
} cc_session;

void cc_session_begin(cc_session *s, catalog_client *cc, rpc_call *call);
void cc_session_end(cc_session *s);

/* The standard `id` with its items, as of store revision `revision` (0 = latest). */
grpc_status_code cc_get_standard(cc_session *s, const char *id, uint64_t revision,
                                 const cc_standard **out);

/* The header (no items) of `id` as of `revision` (0 = latest); cached per store
 * revision (see above). Valid until cc_session_end(). */
grpc_status_code cc_get_header(cc_session *s, const char *id, uint64_t revision,
                               const cc_standard **out);

/* The standard with its items for a header returned by cc_get_header (same revision). */
grpc_status_code cc_get_full(cc_session *s, const cc_standard *hdr, const cc_standard **out);

/* cc_get_chain with headers only (no items). */
grpc_status_code cc_get_chain_headers(cc_session *s, const char *id, uint64_t revision,
                                      const cc_standard ***chain, size_t *n);

/* The engine-report cache (NULL when caching is off). */
kv_cache *catalog_client_reports(catalog_client *cc);

/* Keeps r alive until cc_session_end(). */
void cc_hold_ref(cc_session *s, kv_ref *r);

/* A header read at the latest revision whose content (with its filings) is immutable:
 * PUBLISHED/SUPERSEDED and consistent with the session's store revision. */
bool cc_pair_cacheable(const cc_session *s, const cc_standard *hdr);

/* Whether the store is still at the session's revision (one GetStoreInfo call);
 * false on any doubt. */
bool cc_snapshot_still_current(cc_session *s);

/* Every filing of standard `id` (all pages; current state). */
grpc_status_code cc_list_filings(cc_session *s, const char *id, const cc_filing *const **out,
                                 size_t *n);

/* Headers (no items) of the standards matching the filters (all pages).
 * prefix: jurisdiction code prefix ("" = all); status 0 = any; parent NULL/"" = any. */
grpc_status_code cc_list_standards(cc_session *s, const char *prefix,
                                   Pss__Catalog__V1__StandardStatus status, const char *parent,
                                   const cc_standard *const **out, size_t *n);

/* The chain from `id` (at revision) up through declared parents to the national
 * standard: chain[0] = id. Parents are read at the same revision. Fails with
 * FAILED_PRECONDITION on a cycle or a chain deeper than 8. */
grpc_status_code cc_get_chain(cc_session *s, const char *id, uint64_t revision,
                              const cc_standard ***chain, size_t *n);

#endif
