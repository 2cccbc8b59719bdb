/*
 * fuzz_cov_token — comparison-svc/cov_token.h: the page_token of Coverage requests
 * (client input to comparison-svc).
 *  1. The input as a NUL-terminated string is parsed: never crashes; rc is 0 or -1
 *     and -1 comes with a reason; an accepted token is exactly the one cov_token_make
 *     issues for what it decoded (canonical).
 *  2. With >= 20 bytes: fingerprint = bytes 0..7, revision = 8..15, offset = 16..19.
 *     make -> parse gives them back; another fingerprint, one changed character, or a
 *     truncated token are refused.
 */
#include <string.h>

#include "cov_token.h"
#include "fuzz_common.h"

static uint64_t get(const uint8_t *b, int n) {
  uint64_t v = 0;
  for (int i = 0; i < n; i++) v = v << 8 | b[i];
  return v;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  char *tok = malloc(size + 1);
  FUZZ_CHECK(tok);
  memcpy(tok, data, size);
  tok[size] = 0;
  uint64_t fp = size >= 8 ? get(data, 8) : 0, rev = 0;
  uint32_t off = 0;
  const char *why = NULL;
  int rc = cov_token_parse(tok, fp, &rev, &off, &why);
  FUZZ_CHECK(rc == 0 || rc == -1);
  if (rc == 0) {
    char again[COV_TOKEN_LEN + 1];
    cov_token_make(fp, rev, off, again);
    FUZZ_CHECK(strcmp(again, tok) == 0);
  } else {
    FUZZ_CHECK(why && why[0]);
  }
  free(tok);

  if (size < 20) return 0;
  fp = get(data, 8);
  uint64_t want_rev = get(data + 8, 8);
  uint32_t want_off = (uint32_t)get(data + 16, 4);
  char t[COV_TOKEN_LEN + 1];
  memset(t, 'Z', sizeof t);
  cov_token_make(fp, want_rev, want_off, t);
  FUZZ_CHECK(memchr(t, 0, sizeof t) && strlen(t) == COV_TOKEN_LEN);
  why = NULL;
  FUZZ_CHECK(cov_token_parse(t, fp, &rev, &off, &why) == 0);
  FUZZ_CHECK(rev == want_rev && off == want_off);
  FUZZ_CHECK(cov_token_parse(t, fp ^ 1, &rev, &off, &why) == -1);
  size_t at = (size_t)(want_rev % COV_TOKEN_LEN);
  char saved = t[at];
  t[at] = saved == '0' ? '1' : '0';
  FUZZ_CHECK(cov_token_parse(t, fp, &rev, &off, &why) == -1);
  t[at] = saved;
  t[COV_TOKEN_LEN - 1] = 0;
  FUZZ_CHECK(cov_token_parse(t, fp, &rev, &off, &why) == -1);
  return 0;
}
