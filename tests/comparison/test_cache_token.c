/* Unit tests of comparison-svc's pure helpers: the standards cache (LRU bound,
 * references outliving eviction, only immutable standards cached, racing puts),
 * Coverage page tokens and id syntax. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cache.h"
#include "cov_token.h"
#include "ids.h"

typedef Pss__Catalog__V1__Standard Standard;

/* A heap standard (free_unpacked-compatible: everything malloc'd) of about n_items items. */
static Standard *make_std(const char *id, int status, size_t n_items) {
  Standard *s = malloc(sizeof *s);
  pss__catalog__v1__standard__init(s);
  s->id = strdup(id);
  s->status = status;
  s->n_items = n_items;
  s->items = n_items ? calloc(n_items, sizeof *s->items) : NULL;
  for (size_t i = 0; i < n_items; i++) {
    Pss__Catalog__V1__Item *it = malloc(sizeof *it);
    pss__catalog__v1__item__init(it);
    char code[32];
    snprintf(code, sizeof code, "X-%zu", i);
    it->code = strdup(code);
    it->name = strdup("一个足够长的服务项目名称，用来让大小估计有点分量");
    s->items[i] = it;
  }
  return s;
}

enum { PUB = PSS__CATALOG__V1__STANDARD_STATUS__PUBLISHED,
       SUP = PSS__CATALOG__V1__STANDARD_STATUS__SUPERSEDED,
       DRAFT = PSS__CATALOG__V1__STANDARD_STATUS__DRAFT };

static void cache_hit_and_miss(void **st) {
  (void)st;
  std_cache *c = std_cache_new(1 << 20);
  assert_null(std_cache_get(c, "330782/2021", 7));
  std_ref *r = std_cache_put(c, 7, make_std("330782/2021", PUB, 3));
  assert_non_null(r);
  std_ref *r2 = std_cache_get(c, "330782/2021", 7);
  assert_ptr_equal(r, r2);
  assert_int_equal(std_ref_standard(r2)->n_items, 3);
  assert_null(std_cache_get(c, "330782/2021", 8)); /* another revision: another key */
  std_ref *s = std_cache_put(c, 9, make_std("330700/2021", SUP, 1));
  std_cache_stats stats;
  std_cache_get_stats(c, &stats);
  assert_int_equal(stats.entries, 2);
  assert_int_equal(stats.hits, 1);
  assert_int_equal(stats.misses, 2);
  std_ref_release(r);
  std_ref_release(r2);
  std_ref_release(s);
  std_cache_free(c);
}

static void drafts_never_cached(void **st) {
  (void)st;
  std_cache *c = std_cache_new(1 << 20);
  std_ref *r = std_cache_put(c, 3, make_std("330700/2024", DRAFT, 2));
  assert_non_null(r);
  assert_int_equal(std_ref_standard(r)->n_items, 2); /* usable, but not in the cache */
  assert_null(std_cache_get(c, "330700/2024", 3));
  std_ref_release(r);
  std_cache_free(c);
}

static void lru_bound_and_held_entries_survive(void **st) {
  (void)st;
  std_cache *c = std_cache_new(64 * 1024);
  std_ref *held = std_cache_put(c, 1, make_std("A/1", PUB, 20));
  for (int i = 2; i < 200; i++) {
    char id[16];
    snprintf(id, sizeof id, "B/%d", i);
    std_ref_release(std_cache_put(c, (uint64_t)i, make_std(id, PUB, 20)));
  }
  std_cache_stats stats;
  std_cache_get_stats(c, &stats);
  assert_true(stats.bytes <= stats.max_bytes);
  assert_true(stats.evictions > 0);
  assert_null(std_cache_get(c, "A/1", 1));                    /* evicted … */
  assert_string_equal(std_ref_standard(held)->items[19]->code, "X-19"); /* … yet still valid */
  std_ref_release(held);
  /* the most recent one is there, and a get refreshes it */
  std_ref *r = std_cache_get(c, "B/199", 199);
  assert_non_null(r);
  std_ref_release(r);
  /* bigger than the whole cache: returned, not cached */
  std_ref *big = std_cache_put(c, 5, make_std("C/1", PUB, 2000));
  assert_null(std_cache_get(c, "C/1", 5));
  std_ref_release(big);
  std_cache_free(c);
}

static void racing_put_keeps_first(void **st) {
  (void)st;
  std_cache *c = std_cache_new(1 << 20);
  std_ref *a = std_cache_put(c, 4, make_std("330782/2021", PUB, 1));
  std_ref *b = std_cache_put(c, 4, make_std("330782/2021", PUB, 1)); /* freed, a returned */
  assert_ptr_equal(a, b);
  std_ref_release(a);
  std_ref_release(b);
  std_cache_free(c);
}

static void disabled_cache(void **st) {
  (void)st;
  std_cache *c = std_cache_new(0);
  std_ref *r = std_cache_put(c, 1, make_std("CN/2021", PUB, 1));
  assert_null(std_cache_get(c, "CN/2021", 1));
  std_ref_release(r);
  std_cache_free(c);
}

static void tokens(void **st) {
  (void)st;
  int t1[] = {10, 6}, t2[] = {6, 10, 6}, t3[] = {6};
  uint64_t fp = cov_token_fingerprint("330700/2021", t1, 2);
  assert_true(fp == cov_token_fingerprint("330700/2021", t2, 3)); /* a set */
  assert_true(fp != cov_token_fingerprint("330700/2021", t3, 1));
  assert_true(fp != cov_token_fingerprint("330700/2023", t1, 2));
  char tok[COV_TOKEN_LEN + 1];
  cov_token_make(fp, 42, 17, tok);
  uint64_t rev;
  uint32_t off;
  const char *why = NULL;
  assert_int_equal(cov_token_parse(tok, fp, &rev, &off, &why), 0);
  assert_true(rev == 42 && off == 17);
  assert_int_equal(cov_token_parse(tok, fp + 1, &rev, &off, &why), -1);
  assert_non_null(strstr(why, "different query"));
  for (size_t i = 2; i < COV_TOKEN_LEN; i++) { /* any edited digit is caught */
    char bad[COV_TOKEN_LEN + 1];
    memcpy(bad, tok, sizeof bad);
    bad[i] = bad[i] == '0' ? '1' : '0';
    assert_int_equal(cov_token_parse(bad, fp, &rev, &off, &why), -1);
  }
  assert_int_equal(cov_token_parse("", fp, &rev, &off, &why), -1);
  assert_int_equal(cov_token_parse("c1zz", fp, &rev, &off, &why), -1);
}

static void ids(void **st) {
  (void)st;
  char j[ID_JUR_MAX], e[ID_EDITION_MAX + 1];
  assert_true(id_parse_standard("330782/2021", j, e));
  assert_string_equal(j, "330782");
  assert_string_equal(e, "2021");
  assert_true(id_parse_standard("CN/2021", j, e));
  assert_true(id_parse_standard("330700/2024-draft", j, e));
  assert_false(id_parse_standard("", j, e));
  assert_false(id_parse_standard("330782", j, e));
  assert_false(id_parse_standard("330782/", j, e));
  assert_false(id_parse_standard("/2021", j, e));
  assert_false(id_parse_standard("33078/2021", j, e));
  assert_false(id_parse_standard("000000/2021", j, e));
  assert_false(id_parse_standard("330782/20 21", j, e));
  assert_false(id_parse_standard("330782/2021/x", j, e));
  assert_false(id_parse_standard("330782/12345678901234567", j, e));
  assert_int_equal(id_jur_level("CN"), 1);
  assert_int_equal(id_jur_level("330000"), 2);
  assert_int_equal(id_jur_level("330700"), 3);
  assert_int_equal(id_jur_level("330782"), 4);
  assert_int_equal(id_jur_level("3307"), 0);
  char p[ID_JUR_MAX];
  id_jur_prefix("CN", p);
  assert_string_equal(p, "");
  id_jur_prefix("330000", p);
  assert_string_equal(p, "33");
  id_jur_prefix("330700", p);
  assert_string_equal(p, "3307");
  id_jur_prefix("330782", p);
  assert_string_equal(p, "330782");
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(cache_hit_and_miss),
      cmocka_unit_test(drafts_never_cached),
      cmocka_unit_test(lru_bound_and_held_entries_survive),
      cmocka_unit_test(racing_put_keeps_first),
      cmocka_unit_test(disabled_cache),
      cmocka_unit_test(tokens),
      cmocka_unit_test(ids),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
