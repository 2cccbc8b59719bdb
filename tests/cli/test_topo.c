/* test_topo.c — parents-first ordering of the files given to `stdctl import`. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "importfile.h"

/* position of id in the computed order */
static size_t pos_of(const topo_node *nodes, const size_t *order, size_t n, const char *id) {
  for (size_t k = 0; k < n; k++)
    if (strcmp(nodes[order[k]].id, id) == 0) return k;
  fail_msg("%s not in the order", id);
  return n;
}

static void assert_permutation(const size_t *order, size_t n) {
  int seen[64] = {0};
  for (size_t k = 0; k < n; k++) {
    assert_true(order[k] < n);
    assert_int_equal(seen[order[k]], 0);
    seen[order[k]] = 1;
  }
}

static void test_children_before_parents(void **state) {
  (void)state;
  /* given county, city, province, national: must come out reversed */
  topo_node nodes[] = {{"330782/2021", "330700/2021"},
                       {"330700/2021", "330000/2021"},
                       {"330000/2021", "CN/2021"},
                       {"CN/2021", ""}};
  size_t order[4];
  char err[256];
  assert_int_equal(topo_order(nodes, 4, order, err, sizeof err), 0);
  assert_permutation(order, 4);
  assert_int_equal(order[0], 3);
  assert_int_equal(order[1], 2);
  assert_int_equal(order[2], 1);
  assert_int_equal(order[3], 0);
}

static void test_siblings_keep_given_order(void **state) {
  (void)state;
  /* two counties of one city, given before the city; and an unrelated standard */
  topo_node nodes[] = {{"330782/2021", "330700/2021"},
                       {"330781/2024", "330700/2023"},
                       {"110000/2021", "CN/2021"},
                       {"330700/2021", "330000/2021"},
                       {"330700/2023", "330000/2023"}};
  size_t order[5];
  char err[256];
  assert_int_equal(topo_order(nodes, 5, order, err, sizeof err), 0);
  assert_permutation(order, 5);
  assert_true(pos_of(nodes, order, 5, "330700/2021") < pos_of(nodes, order, 5, "330782/2021"));
  assert_true(pos_of(nodes, order, 5, "330700/2023") < pos_of(nodes, order, 5, "330781/2024"));
  /* 110000/2021's parent is not in the set: no constraint, it keeps its early place */
  assert_true(pos_of(nodes, order, 5, "110000/2021") < pos_of(nodes, order, 5, "330782/2021"));
  /* the two cities keep their relative order */
  assert_true(pos_of(nodes, order, 5, "330700/2021") < pos_of(nodes, order, 5, "330700/2023"));
}

static void test_missing_parent_still_imported(void **state) {
  (void)state;
  /* parent 330700/2021 is not among the files (assumed already stored) */
  topo_node nodes[] = {{"330782/2021", "330700/2021"}, {"330781/2021", "330700/2021"}};
  size_t order[2];
  char err[256];
  assert_int_equal(topo_order(nodes, 2, order, err, sizeof err), 0);
  assert_int_equal(order[0], 0);
  assert_int_equal(order[1], 1);
}

static void test_parent_after_child_in_set(void **state) {
  (void)state;
  /* a parent given after its child moves ahead of it, its own parent (not in the set)
   * notwithstanding; a NULL parent is a root */
  topo_node nodes[] = {{"330782/2021", "330700/2021"}, {"X/1", NULL}, {"330700/2021", "330000/2021"}};
  size_t order[3];
  char err[256];
  assert_int_equal(topo_order(nodes, 3, order, err, sizeof err), 0);
  assert_permutation(order, 3);
  assert_true(pos_of(nodes, order, 3, "330700/2021") < pos_of(nodes, order, 3, "330782/2021"));
  assert_int_equal(pos_of(nodes, order, 3, "X/1"), 0);
}

static void test_cycle_is_an_error(void **state) {
  (void)state;
  topo_node nodes[] = {{"CN/2021", ""}, {"A/1", "B/1"}, {"B/1", "C/1"}, {"C/1", "A/1"}, {"D/1", "C/1"}};
  size_t order[5];
  char err[256];
  assert_int_equal(topo_order(nodes, 5, order, err, sizeof err), -1);
  assert_non_null(strstr(err, "cycle"));
  assert_non_null(strstr(err, "A/1"));
  assert_non_null(strstr(err, "B/1"));
  assert_non_null(strstr(err, "C/1"));
  assert_null(strstr(err, "D/1")); /* behind the cycle, not on it */
  /* a standard that is its own parent */
  topo_node self[] = {{"A/1", "A/1"}};
  assert_int_equal(topo_order(self, 1, order, err, sizeof err), -1);
  assert_string_equal(err, "parent cycle: A/1 -> A/1");
}

static void test_empty_and_single(void **state) {
  (void)state;
  size_t order[1];
  char err[64];
  assert_int_equal(topo_order(NULL, 0, order, err, sizeof err), 0);
  topo_node one[] = {{"CN/2021", ""}};
  assert_int_equal(topo_order(one, 1, order, err, sizeof err), 0);
  assert_int_equal(order[0], 0);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_children_before_parents),
      cmocka_unit_test(test_siblings_keep_given_order),
      cmocka_unit_test(test_missing_parent_still_imported),
      cmocka_unit_test(test_parent_after_child_in_set),
      cmocka_unit_test(test_cycle_is_an_error),
      cmocka_unit_test(test_empty_and_single),
  };
  return cmocka_run_group_tests_name("cli_topo", tests, NULL, NULL);
}
