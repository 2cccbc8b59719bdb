/* test_importfiles.c — every fixture in data/standards/ (every .json) decodes as an
 * ImportStandardRequest (what `stdctl import` sends), the set can be ordered
 * parents-first, and decode errors name the file and the field path. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "importfile.h"
#include "pbjson.h"

static const char *standards_dir(void) {
  const char *d = getenv("PSS_STANDARDS_DIR");
  return d && *d ? d : PSS_STANDARDS_DIR;
}

static void test_every_fixture_decodes(void **state) {
  (void)state;
  char pattern[4096];
  snprintf(pattern, sizeof pattern, "%s/*.json", standards_dir());
  glob_t g;
  memset(&g, 0, sizeof g);
  int grc = glob(pattern, 0, NULL, &g);
  if (grc != 0 || g.gl_pathc == 0) {
    globfree(&g);
    fail_msg("no fixtures: %s matches nothing", pattern);
  }
  size_t n = g.gl_pathc;
  Pss__Catalog__V1__ImportStandardRequest **reqs = calloc(n, sizeof *reqs);
  char(*ids)[256] = calloc(n, sizeof *ids);
  topo_node *nodes = calloc(n, sizeof *nodes);
  size_t *order = calloc(n, sizeof *order);
  int failures = 0;
  for (size_t i = 0; i < n; i++) {
    char err[1024];
    if (importfile_load(g.gl_pathv[i], &reqs[i], ids[i], sizeof ids[i], err, sizeof err)) {
      print_error("%s\n", err);
      failures++;
      continue;
    }
    Pss__Catalog__V1__Standard *s = reqs[i]->standard;
    print_message("%-48s %-14s %3zu items  parent %s\n", g.gl_pathv[i], ids[i], s->n_items,
                  s->parent[0] ? s->parent : "-");
    if (s->n_items == 0) {
      print_error("%s: standard.items: empty\n", g.gl_pathv[i]);
      failures++;
    }
    /* the file survives message -> JSON -> message unchanged (what export writes back) */
    json_t *j = pbjson_from_message(&reqs[i]->base);
    char perr[512];
    ProtobufCMessage *back = pbjson_to_message(
        &pss__catalog__v1__import_standard_request__descriptor, j, NULL, perr, sizeof perr);
    if (!back) {
      print_error("%s: re-decoding failed: %s\n", g.gl_pathv[i], perr);
      failures++;
    } else {
      size_t a = protobuf_c_message_get_packed_size(&reqs[i]->base);
      size_t b = protobuf_c_message_get_packed_size(back);
      uint8_t *ba = malloc(a), *bb = malloc(b);
      protobuf_c_message_pack(&reqs[i]->base, ba);
      protobuf_c_message_pack(back, bb);
      if (a != b || memcmp(ba, bb, a) != 0) {
        print_error("%s: JSON round trip changed the message\n", g.gl_pathv[i]);
        failures++;
      }
      free(ba);
      free(bb);
      protobuf_c_message_free_unpacked(back, NULL);
    }
    json_decref(j);
    nodes[i].id = ids[i];
    nodes[i].parent = s->parent;
  }
  if (failures == 0) {
    char err[1024];
    if (topo_order(nodes, n, order, err, sizeof err) != 0) {
      print_error("%s\n", err);
      failures++;
    }
    /* ids are unique across the fixtures */
    for (size_t i = 0; i < n; i++)
      for (size_t k = i + 1; k < n; k++)
        if (strcmp(ids[i], ids[k]) == 0) {
          print_error("%s and %s both hold %s\n", g.gl_pathv[i], g.gl_pathv[k], ids[i]);
          failures++;
        }
  }
  for (size_t i = 0; i < n; i++)
    if (reqs[i]) protobuf_c_message_free_unpacked(&reqs[i]->base, NULL);
  free(reqs);
  free(ids);
  free(nodes);
  free(order);
  globfree(&g);
  assert_int_equal(failures, 0);
}

/* Writes text to a temporary file and returns its path (static buffer). */
static const char *tmpfile_with(const char *text) {
  static char path[64];
  snprintf(path, sizeof path, "/tmp/stdctl-test-XXXXXX");
  int fd = mkstemp(path);
  assert_true(fd >= 0);
  assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
  close(fd);
  return path;
}

static void test_errors_name_file_and_path(void **state) {
  (void)state;
  Pss__Catalog__V1__ImportStandardRequest *r;
  char id[64], err[1024], want[256];

  const char *p = tmpfile_with(
      "{\"standard\":{\"jurisdiction\":\"330782\",\"edition\":\"2021\",\"items\":[{\"code\":\"1\"},"
      "{\"code\":\"2\",\"levels\":[{\"value\":\"x\"}]}]}}");
  assert_int_equal(importfile_load(p, &r, id, sizeof id, err, sizeof err), -1);
  snprintf(want, sizeof want, "%s: standard.items[1].levels[0].value: expected a number", p);
  assert_memory_equal(err, want, strlen(want));
  unlink(p);

  p = tmpfile_with("{\"standard\":{\"jurisdiction\":\"330782\",\"edition\":\"2021\",\"items\":[{\"levles\":[]}]}}");
  assert_int_equal(importfile_load(p, &r, id, sizeof id, err, sizeof err), -1);
  snprintf(want, sizeof want, "%s: standard.items[0].levles: unknown field", p);
  assert_string_equal(err, want);
  unlink(p);

  p = tmpfile_with("{\"standard\":{\"jurisdiction\":\"330782\"}}");
  assert_int_equal(importfile_load(p, &r, id, sizeof id, err, sizeof err), -1);
  snprintf(want, sizeof want, "%s: standard.edition: missing", p);
  assert_string_equal(err, want);
  unlink(p);

  p = tmpfile_with("{\"standard\":{\"jurisdiction\":\"330782\",\n\"edition\":}}");
  assert_int_equal(importfile_load(p, &r, id, sizeof id, err, sizeof err), -1);
  snprintf(want, sizeof want, "%s:2:", p); /* JSON syntax errors give line:column */
  assert_memory_equal(err, want, strlen(want));
  unlink(p);

  assert_int_equal(importfile_load("/nonexistent/x.json", &r, id, sizeof id, err, sizeof err), -1);
  assert_memory_equal(err, "/nonexistent/x.json: ", 21);

  p = tmpfile_with("{\"standard\":{\"jurisdiction\":\"330782\",\"edition\":\"2021\",\"parent\":\"330700/2021\"},"
                   "\"jurisdictions\":[{\"code\":\"330782\",\"name\":\"义乌市\"}]}");
  assert_int_equal(importfile_load(p, &r, id, sizeof id, err, sizeof err), 0);
  assert_string_equal(id, "330782/2021");
  assert_string_equal(r->jurisdictions[0]->name, "义乌市");
  protobuf_c_message_free_unpacked(&r->base, NULL);
  unlink(p);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_errors_name_file_and_path),
      cmocka_unit_test(test_every_fixture_decodes),
  };
  return cmocka_run_group_tests_name("cli_import_files", tests, NULL, NULL);
}
