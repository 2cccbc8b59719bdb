/* test_handlers.h — pss.catalog.v1.Catalog handlers for the RPC layer tests. */
#ifndef PSS_TEST_HANDLERS_H
#define PSS_TEST_HANDLERS_H

#include "rpc.h"

/* impls for pss__catalog__v1__catalog__descriptor:
 *  GetJurisdiction: echoes code into name; code "fail" → NOT_FOUND;
 *    "sleep:N" sleeps N ms; "md" puts the authorization metadata into name.
 *  ListJurisdictions: page_size jurisdictions, each named code_prefix.
 *  WatchChanges: sends after_revision Changes (revision 1..n), then parks until
 *    th_wake_all(); finishes OK once th_wake_all(true) was called.
 *  Everything else: NULL (UNIMPLEMENTED). */
const rpc_method_impl *th_catalog_impls(void);

void th_reset(void);
void th_wake_all(bool finish);
int th_live_streams(void);
int th_releases(void);
int th_starts(void);

#endif
