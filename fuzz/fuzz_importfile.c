/*
 * fuzz_importfile — cli/importfile.h: an import file (one ImportStandardRequest as JSON)
 * as stdctl import and catalog-svc --seed-dir read it (json_load_file with
 * JSON_REJECT_DUPLICATES, then importfile_from_json).
 * Checked: no crash, no leak; on success the request has a standard with a
 * jurisdiction and an edition, the id is exactly "JURISDICTION/EDITION" (or truncated
 * to the buffer, always NUL-terminated) and matches standard.id when that is set; on
 * failure *out is NULL and the error names the file. A too-small id buffer is handled.
 */
#include <jansson.h>
#include <string.h>

#include "fuzz_common.h"
#include "importfile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  json_error_t je;
  json_t *j = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES, &je);
  if (!j) return 0;
  Pss__Catalog__V1__ImportStandardRequest *r = (void *)1;
  char id[64], err[1024] = "";
  int rc = importfile_from_json("fuzz.json", j, &r, id, sizeof id, err, sizeof err);
  if (rc != 0) {
    FUZZ_CHECK(rc == -1);
    FUZZ_CHECK(r == NULL);
    FUZZ_CHECK(strncmp(err, "fuzz.json: ", 11) == 0);
  } else {
    FUZZ_CHECK(r && r->standard);
    const Pss__Catalog__V1__Standard *s = r->standard;
    FUZZ_CHECK(s->jurisdiction && s->jurisdiction[0] && s->edition && s->edition[0]);
    FUZZ_CHECK(memchr(id, 0, sizeof id));
    size_t jl = strlen(s->jurisdiction);
    FUZZ_CHECK(strncmp(id, s->jurisdiction, strlen(id) < jl ? strlen(id) : jl) == 0);
    if (jl + 1 + strlen(s->edition) < sizeof id) {
      FUZZ_CHECK(id[jl] == '/' && strcmp(id + jl + 1, s->edition) == 0);
      if (s->id && s->id[0]) FUZZ_CHECK(strcmp(s->id, id) == 0);
    }
    FUZZ_CHECK(protobuf_c_message_check(&r->base));
    protobuf_c_message_free_unpacked(&r->base, NULL);

    /* the same document with a tiny id buffer */
    char tiny[4];
    rc = importfile_from_json("fuzz.json", j, &r, tiny, sizeof tiny, err, sizeof err);
    FUZZ_CHECK(rc == 0 && memchr(tiny, 0, sizeof tiny));
    protobuf_c_message_free_unpacked(&r->base, NULL);
  }
  json_decref(j);
  return 0;
}
