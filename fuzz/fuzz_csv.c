/*
 * fuzz_csv — CSV import (cli/csv.h, cli/csv_items.h): the item tables officials
 * export from Excel and import with stdctl.
 *
 * The whole input is one file's bytes:
 *  1. csv_parse() never crashes or leaks; on error the partial table is freed and the
 *     error has a message and a row; on success every field is a NUL-terminated
 *     string of valid length, and the records written back with csv_write_row()
 *     (BOM first when the input had one) parse to the same records.
 *  2. csv_items_decode() (jurisdiction 330782) never crashes or leaks; it returns items
 *     XOR problems; every item decodes as a pss.catalog.v1.Item with pbjson (the
 *     import sends them so); when csv_items_encode() accepts the items, decoding its
 *     output gives the same items (export -> import loses nothing).
 */
#include <jansson.h>
#include <string.h>

#include "csv.h"
#include "csv_items.h"
#include "fuzz_common.h"
#include "pbjson.h"
#include "pss/catalog/v1/catalog.pb-c.h"

static const char *JUR = "330782";

static void check_parse(const uint8_t *data, size_t size) {
  csv_table t = {0};
  csv_error err = {0};
  int rc = csv_parse((const char *)data, size, &t, &err);
  if (rc != 0) {
    FUZZ_CHECK(rc == -1);
    FUZZ_CHECK(memchr(err.msg, 0, sizeof err.msg) && err.msg[0]);
    csv_free(&t);
    return;
  }
  for (size_t r = 0; r < t.n_rows; r++)
    for (size_t f = 0; f < t.rows[r].n_fields; f++) {
      FUZZ_CHECK(t.rows[r].fields[f]);
      FUZZ_CHECK(strlen(t.rows[r].fields[f]) <= size);
    }
  /* write back and parse again */
  char *buf = NULL;
  size_t len = 0;
  FILE *f = open_memstream(&buf, &len);
  FUZZ_CHECK(f);
  if (t.bom) FUZZ_CHECK(csv_write_bom(f) == 0);
  for (size_t r = 0; r < t.n_rows; r++)
    FUZZ_CHECK(csv_write_row(f, (const char *const *)t.rows[r].fields, t.rows[r].n_fields) == 0);
  fclose(f);
  csv_table t2 = {0};
  csv_error err2 = {0};
  rc = csv_parse(buf, len, &t2, &err2);
  if (rc != 0) fprintf(stderr, "written CSV does not parse: %s\n", err2.msg);
  FUZZ_CHECK(rc == 0);
  FUZZ_CHECK(t2.bom == t.bom);
  if (t2.n_rows != t.n_rows) fprintf(stderr, "rows %zu -> %zu\n", t.n_rows, t2.n_rows);
  FUZZ_CHECK(t2.n_rows == t.n_rows);
  for (size_t r = 0; r < t.n_rows; r++) {
    FUZZ_CHECK(t2.rows[r].n_fields == t.rows[r].n_fields);
    for (size_t c = 0; c < t.rows[r].n_fields; c++)
      FUZZ_CHECK(strcmp(t2.rows[r].fields[c], t.rows[r].fields[c]) == 0);
  }
  csv_free(&t2);
  free(buf);
  csv_free(&t);
}

static void check_items(const uint8_t *data, size_t size) {
  csv_msgs m = {0};
  size_t *rows = NULL;
  json_t *items = csv_items_decode("fuzz.csv", (const char *)data, size, JUR, &rows, &m);
  if (!items) {
    FUZZ_CHECK(m.n > 0);
    for (size_t i = 0; i < m.n; i++) FUZZ_CHECK(m.v[i]);
    free(rows);
    csv_msgs_free(&m);
    return;
  }
  FUZZ_CHECK(m.n == 0 && json_is_array(items));
  for (size_t i = 0; i < json_array_size(items); i++) {
    char err[512];
    ProtobufCMessage *it = pbjson_to_message(&pss__catalog__v1__item__descriptor,
                                             json_array_get(items, i), NULL, err, sizeof err);
    if (!it) fprintf(stderr, "decoded item %zu is not an Item: %s\n", i, err);
    FUZZ_CHECK(it);
    protobuf_c_message_free_unpacked(it, NULL);
  }
  char *buf = NULL;
  size_t len = 0;
  FILE *f = open_memstream(&buf, &len);
  FUZZ_CHECK(f);
  char err[512] = "";
  int rc = csv_items_encode(f, items, JUR, err, sizeof err);
  fclose(f);
  if (rc == 0) {
    csv_msgs m2 = {0};
    json_t *again = csv_items_decode("again.csv", buf, len, JUR, NULL, &m2);
    if (!again)
      fprintf(stderr, "exported table does not import: %s\n", m2.n ? m2.v[0] : "?");
    FUZZ_CHECK(again);
    if (!json_equal(items, again)) {
      char *a = json_dumps(items, JSON_COMPACT), *b = json_dumps(again, JSON_COMPACT);
      fprintf(stderr, "export/import changed the items:\n%s\n%s\n", a, b);
      free(a);
      free(b);
    }
    FUZZ_CHECK(json_equal(items, again));
    json_decref(again);
    csv_msgs_free(&m2);
  } else {
    FUZZ_CHECK(rc == -1 && err[0]);
  }
  free(buf);
  free(rows);
  json_decref(items);
  csv_msgs_free(&m);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  check_parse(data, size);
  check_items(data, size);
  return 0;
}
