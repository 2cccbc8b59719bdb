/*
 * fuzz_pbjson — common/pbjson.h, the JSON -> protobuf-c decoder behind JSON import.
 *
 * Input: JSON text, decoded as a pss.catalog.v1.ImportStandardRequest (the message
 * import files and the data platform send). Checked:
 *  - pbjson_to_message() never crashes and never leaks (malloc allocator: LeakSanitizer
 *    sees every error path), and an error always names something (err non-empty);
 *  - the same document decoded into a per-call arena (as the server does) succeeds or
 *    fails exactly as with malloc;
 *  - round trip: message -> pbjson_from_message -> JSON text -> message succeeds and
 *    packs to the same protobuf bytes, and encoding again gives the same JSON.
 * The input's first byte does NOT select a type: the seeds are the fixture files as
 * they are. (Other request types go through fuzz_catalog_requests as protobuf.)
 */
#include <jansson.h>
#include <string.h>

#include "arena.h"
#include "fuzz_common.h"
#include "pbjson.h"
#include "pss/catalog/v1/catalog.pb-c.h"

static uint8_t *packed(const ProtobufCMessage *m, size_t *len) {
  *len = protobuf_c_message_get_packed_size(m);
  uint8_t *b = malloc(*len ? *len : 1);
  FUZZ_CHECK(b);
  FUZZ_CHECK(protobuf_c_message_pack(m, b) == *len);
  return b;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  const ProtobufCMessageDescriptor *d = &pss__catalog__v1__import_standard_request__descriptor;
  json_error_t je;
  json_t *j = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES, &je);
  if (!j) return 0;

  char err[512] = "";
  ProtobufCMessage *m = pbjson_to_message(d, j, NULL, err, sizeof err);

  arena a;
  arena_init(&a);
  char err2[512] = "";
  ProtobufCMessage *ma = pbjson_to_message(d, j, &a.pb, err2, sizeof err2);
  FUZZ_CHECK((m == NULL) == (ma == NULL));
  if (!m) {
    FUZZ_CHECK(memchr(err, 0, sizeof err) && err[0]);
    FUZZ_CHECK(strcmp(err, err2) == 0);
    arena_destroy(&a);
    json_decref(j);
    return 0;
  }
  FUZZ_CHECK(m->descriptor == d);
  FUZZ_CHECK(protobuf_c_message_check(m));
  FUZZ_CHECK(protobuf_c_message_check(ma));

  size_t l1, la;
  uint8_t *b1 = packed(m, &l1), *ba = packed(ma, &la);
  FUZZ_CHECK(l1 == la && memcmp(b1, ba, l1) == 0);
  free(ba);
  arena_destroy(&a);

  /* round trip through JSON text */
  json_t *j2 = pbjson_from_message(m);
  FUZZ_CHECK(j2 && json_is_object(j2));
  char *text = json_dumps(j2, JSON_COMPACT);
  FUZZ_CHECK(text);
  json_t *j3 = json_loads(text, JSON_REJECT_DUPLICATES, &je);
  if (!j3) fprintf(stderr, "re-encoded JSON does not parse: %s\n%s\n", je.text, text);
  FUZZ_CHECK(j3);
  char err3[512] = "";
  ProtobufCMessage *m2 = pbjson_to_message(d, j3, NULL, err3, sizeof err3);
  if (!m2) fprintf(stderr, "re-encoded JSON does not decode: %s\n%s\n", err3, text);
  FUZZ_CHECK(m2);
  size_t l2;
  uint8_t *b2 = packed(m2, &l2);
  FUZZ_CHECK(l1 == l2 && memcmp(b1, b2, l1) == 0);
  json_t *j4 = pbjson_from_message(m2);
  FUZZ_CHECK(j4 && json_equal(j2, j4));

  json_decref(j4);
  free(b2);
  protobuf_c_message_free_unpacked(m2, NULL);
  json_decref(j3);
  free(text);
  json_decref(j2);
  free(b1);
  protobuf_c_message_free_unpacked(m, NULL);
  json_decref(j);
  return 0;
}
