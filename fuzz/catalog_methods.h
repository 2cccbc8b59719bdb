/*
 * catalog_methods.h — the unary Catalog methods fuzz_catalog_requests drives, with the
 * operation each runs and whether it writes. The input's first byte selects one by its
 * index among the service descriptor's methods that are listed here (streaming methods
 * such as WatchChanges and Backup are not), so mkcorpus computes the same index.
 *   X(MethodName, cat_operation, writes)
 */
#ifndef PSS_FUZZ_CATALOG_METHODS_H
#define PSS_FUZZ_CATALOG_METHODS_H

#define FUZZ_CATALOG_METHODS(X)                          \
  X(CreateJurisdiction, cat_create_jurisdiction, 1)      \
  X(GetJurisdiction, cat_get_jurisdiction, 0)            \
  X(UpdateJurisdiction, cat_update_jurisdiction, 1)      \
  X(ListJurisdictions, cat_list_jurisdictions, 0)        \
  X(CreateStandard, cat_create_standard, 1)              \
  X(GetStandard, cat_get_standard, 0)                    \
  X(ListStandards, cat_list_standards, 0)                \
  X(PublishStandard, cat_publish_standard, 1)            \
  X(WithdrawStandard, cat_withdraw_standard, 1)          \
  X(ListRevisions, cat_list_revisions, 0)                \
  X(ImportStandard, cat_import_standard, 1)              \
  X(WriteItems, cat_write_items, 1)                      \
  X(GetItem, cat_get_item, 0)                            \
  X(ListItems, cat_list_items, 0)                        \
  X(CreateFiling, cat_create_filing, 1)                  \
  X(GetFiling, cat_get_filing, 0)                        \
  X(ListFilings, cat_list_filings, 0)                    \
  X(DeleteFiling, cat_delete_filing, 1)                  \
  X(GetStoreInfo, cat_get_store_info, 0)

#endif
