/* Unit tests of the LMDB store and catalog operations without gRPC: the map grows
 * when full, the ceiling answers RESOURCE_EXHAUSTED and leaves the store readable,
 * revisions are gapless, reads as of old revisions see old data. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "arena.h"
#include "catalog.h"
#include "log.h"

static char g_dir[256];

static int setup(void **state) {
  snprintf(g_dir, sizeof g_dir, "/tmp/pss-store-test-XXXXXX");
  assert_non_null(mkdtemp(g_dir));
  return 0;
}

static int teardown(void **state) {
  char cmd[300];
  snprintf(cmd, sizeof cmd, "rm -rf %s", g_dir);
  return system(cmd);
}

static catalog *open_catalog(size_t initial, size_t max) {
  catalog_opts o = {.store = {.dir = g_dir, .map_initial = initial, .map_max = max}};
  catalog *c;
  cat_err err = {0};
  assert_int_equal(catalog_open(&o, &c, &err), CAT_OK);
  return c;
}

static int create_jur(catalog *c, arena *a, const char *code, const char *name, cat_err *err) {
  Jurisdiction j = PSS__CATALOG__V1__JURISDICTION__INIT;
  j.code = (char *)code;
  j.name = (char *)name;
  Pss__Catalog__V1__CreateJurisdictionRequest req = PSS__CATALOG__V1__CREATE_JURISDICTION_REQUEST__INIT;
  req.jurisdiction = &j;
  ProtobufCMessage *out;
  return cat_create_jurisdiction(c, &req.base, &a->pb, &out, err);
}

/* Imports a national standard "CN/<edition>" with n items of `text_bytes` each. */
static int import_national(catalog *c, arena *a, const char *edition, int n, size_t text_bytes, cat_err *err) {
  Standard s = PSS__CATALOG__V1__STANDARD__INIT;
  s.jurisdiction = "CN";
  s.edition = (char *)edition;
  s.title = "国家基本公共服务标准";
  s.status = STATUS_DRAFT;
  Item **items = arena_alloc(a, (size_t)n * sizeof *items);
  char *text = arena_alloc(a, text_bytes + 1);
  memset(text, 'x', text_bytes);
  for (int i = 0; i < n; i++) {
    Item *it = arena_alloc(a, sizeof *it);
    pss__catalog__v1__item__init(it);
    char code[16];
    snprintf(code, sizeof code, "N-%04d", i);
    it->code = arena_strdup(a, code);
    it->domain = "幼有所育";
    it->name = "项目";
    it->note = text;
    items[i] = it;
  }
  s.items = items;
  s.n_items = (size_t)n;
  Pss__Catalog__V1__ImportStandardRequest req = PSS__CATALOG__V1__IMPORT_STANDARD_REQUEST__INIT;
  Jurisdiction cn = PSS__CATALOG__V1__JURISDICTION__INIT;
  cn.code = "CN";
  cn.name = "中国";
  Jurisdiction *js[] = {&cn};
  req.jurisdictions = js;
  req.n_jurisdictions = 1;
  req.standard = &s;
  ProtobufCMessage *out;
  return cat_import_standard(c, &req.base, &a->pb, &out, err);
}

static void test_map_grows_then_hits_ceiling(void **state) {
  catalog *c = open_catalog((size_t)1 << 20, (size_t)8 << 20);
  arena a;
  arena_init(&a);
  cat_err err = {0};
  size_t first = store_map_size(catalog_store(c));
  assert_int_equal(first, (size_t)1 << 20);
  int ok = 0, code = CAT_OK;
  for (int i = 0; i < 200; i++) {  /* ~400 KiB per standard: the 8 MiB ceiling comes first */
    char ed[16];
    snprintf(ed, sizeof ed, "e%d", i);
    arena_reset(&a);
    code = import_national(c, &a, ed, 100, 4000, &err);
    if (code != CAT_OK) break;
    ok++;
  }
  assert_int_equal(code, GRPC_STATUS_RESOURCE_EXHAUSTED);
  assert_non_null(strstr(err.msg, "ceiling"));
  assert_true(ok >= 3);
  assert_int_equal(store_map_size(catalog_store(c)), (size_t)8 << 20);  /* grew 1 -> 8 MiB */
  /* every acknowledged import is there, revisions are gapless (one per import) */
  assert_int_equal(store_current_revision(catalog_store(c)), (uint64_t)ok);
  /* reads still work at the ceiling */
  arena_reset(&a);
  Pss__Catalog__V1__GetStandardRequest g = PSS__CATALOG__V1__GET_STANDARD_REQUEST__INIT;
  g.id = "CN/e0";
  g.include_items = true;
  ProtobufCMessage *out;
  assert_int_equal(cat_get_standard(c, &g.base, &a.pb, &out, &err), CAT_OK);
  assert_int_equal(((Standard *)out)->n_items, 100);
  arena_destroy(&a);
  catalog_close(c);
  /* reopen: same revision */
  c = open_catalog((size_t)1 << 20, (size_t)8 << 20);
  assert_int_equal(store_current_revision(catalog_store(c)), (uint64_t)ok);
  catalog_close(c);
}

static void test_history_and_validation(void **state) {
  catalog *c = open_catalog(0, 0);
  arena a;
  arena_init(&a);
  cat_err err = {0};
  assert_int_equal(create_jur(c, &a, "CN", "中国", &err), CAT_OK);
  assert_int_equal(create_jur(c, &a, "330782", "义乌市", &err), GRPC_STATUS_FAILED_PRECONDITION);
  assert_non_null(strstr(err.msg, "330700"));
  assert_int_equal(create_jur(c, &a, "12345", "x", &err), GRPC_STATUS_INVALID_ARGUMENT);
  assert_non_null(strstr(err.msg, "jurisdiction.code"));
  assert_int_equal(create_jur(c, &a, "CN", "again", &err), GRPC_STATUS_ALREADY_EXISTS);
  assert_int_equal(store_current_revision(catalog_store(c)), 1);
  assert_int_equal(import_national(c, &a, "2021", 3, 10, &err), CAT_OK);
  /* identical re-import is a no-op: no new revision */
  assert_int_equal(import_national(c, &a, "2021", 3, 10, &err), CAT_OK);
  assert_int_equal(store_current_revision(catalog_store(c)), 2);
  /* different content under the same id is refused */
  assert_int_equal(import_national(c, &a, "2021", 4, 10, &err), GRPC_STATUS_ALREADY_EXISTS);
  assert_int_equal(store_current_revision(catalog_store(c)), 2);
  /* delete an item at revision 3; revision 2 still shows it */
  Pss__Catalog__V1__WriteItemsRequest w = PSS__CATALOG__V1__WRITE_ITEMS_REQUEST__INIT;
  w.standard = "CN/2021";
  w.expected_etag = "2";
  char *del[] = {"N-0001"};
  w.delete_codes = del;
  w.n_delete_codes = 1;
  ProtobufCMessage *out;
  assert_int_equal(cat_write_items(c, &w.base, &a.pb, &out, &err), CAT_OK);
  assert_int_equal(cat_write_items(c, &w.base, &a.pb, &out, &err), GRPC_STATUS_ABORTED);
  Pss__Catalog__V1__GetStandardRequest g = PSS__CATALOG__V1__GET_STANDARD_REQUEST__INIT;
  g.id = "CN/2021";
  g.include_items = true;
  g.revision = 2;
  assert_int_equal(cat_get_standard(c, &g.base, &a.pb, &out, &err), CAT_OK);
  assert_int_equal(((Standard *)out)->n_items, 3);
  g.revision = 0;
  assert_int_equal(cat_get_standard(c, &g.base, &a.pb, &out, &err), CAT_OK);
  assert_int_equal(((Standard *)out)->n_items, 2);
  assert_int_equal(((Standard *)out)->item_count, 2);
  /* the change log has exactly one entry per revision */
  for (uint64_t r = 1; r <= 3; r++) {
    Change *ch;
    assert_int_equal(cat_read_change(c, r, &a.pb, &ch, &err), CAT_OK);
    assert_int_equal(ch->revision, r);
  }
  Change *ch;
  assert_int_equal(cat_read_change(c, 4, &a.pb, &ch, &err), CAT_NOT_FOUND);
  arena_destroy(&a);
  catalog_close(c);
}

int main(void) {
  log_init("test_store", LOG_ERROR);
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_map_grows_then_hits_ceiling, setup, teardown),
      cmocka_unit_test_setup_teardown(test_history_and_validation, setup, teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
