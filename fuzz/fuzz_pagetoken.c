/*
 * fuzz_pagetoken — catalog-svc/pagetoken.h: the page_token of every List* request is
 * client input.
 *  1. The whole input, as a NUL-terminated string, is parsed as a token: it must never
 *     crash, and a token it accepts must be exactly the one pagetoken_make() issues for
 *     what it decoded (tokens are canonical).
 *  2. When the input has >= 16 bytes: fingerprint = bytes 0..7, revision = bytes 8..15,
 *     cursor = the rest up to the first NUL. A made token parses back to the same
 *     revision and cursor (truncated at PAGETOKEN_CURSOR_MAX); the same token under
 *     another fingerprint, another secret, with one hex digit changed, or truncated, is
 *     rejected with INVALID_ARGUMENT.
 */
#include <string.h>

#include "fuzz_common.h"
#include "pagetoken.h"

static const uint8_t secret[16] = {0x5e, 0xc2, 0x37, 0x01, 0x99, 0xab, 0x10, 0x42,
                                   0x7f, 0x00, 0xd3, 0x6c, 0x21, 0x88, 0xe4, 0x3b};
static const uint8_t other_secret[16] = {1};

#define TOK_CAP PAGETOKEN_TEXT_MAX

static uint64_t get64(const uint8_t *b) {
  uint64_t v = 0;
  for (int i = 0; i < 8; i++) v = v << 8 | b[i];
  return v;
}

static void parse_arbitrary(const uint8_t *data, size_t size) {
  char *tok = malloc(size + 1);
  FUZZ_CHECK(tok);
  memcpy(tok, data, size);
  tok[size] = 0;
  /* the fingerprint the token claims, so that a well-formed token reaches the MAC and
   * fingerprint checks, and the one of a different query */
  uint64_t fp = 0;
  for (size_t i = 0; i < 16 && i < size; i++) {
    int c = tok[i];
    int v = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : 0;
    fp = fp << 4 | (uint64_t)v;
  }
  char cursor[PAGETOKEN_CURSOR_MAX + 1];
  uint64_t rev = 0;
  cat_err err = {0};
  int rc = pagetoken_parse(secret, tok, fp, &rev, cursor, &err);
  if (rc == CAT_OK) {
    FUZZ_CHECK(strlen(cursor) <= PAGETOKEN_CURSOR_MAX);
    char again[TOK_CAP];
    pagetoken_make(secret, fp, rev, cursor, again, sizeof again);
    FUZZ_CHECK(strcmp(again, tok) == 0);
  } else {
    FUZZ_CHECK(rc == GRPC_STATUS_INVALID_ARGUMENT);
    FUZZ_CHECK(memchr(err.msg, 0, sizeof err.msg) != NULL);
  }
  cat_err err2 = {0};
  rc = pagetoken_parse(secret, tok, fp ^ 0x8000000000000001ULL, &rev, cursor, &err2);
  FUZZ_CHECK(rc == CAT_OK || rc == GRPC_STATUS_INVALID_ARGUMENT);
  free(tok);
}

static void round_trip(const uint8_t *data, size_t size) {
  if (size < 16) return;
  uint64_t fp = get64(data), rev = get64(data + 8);
  size_t cl = strnlen((const char *)data + 16, size - 16);
  char *cur = malloc(cl + 1);
  FUZZ_CHECK(cur);
  memcpy(cur, data + 16, cl);
  cur[cl] = 0;
  size_t want_cl = cl > PAGETOKEN_CURSOR_MAX ? PAGETOKEN_CURSOR_MAX : cl;

  char tok[TOK_CAP];
  pagetoken_make(secret, fp, rev, cur, tok, sizeof tok);
  FUZZ_CHECK(strlen(tok) == 2 * (16 + want_cl + 16)); /* fp rev cursor hmac */

  char cursor[PAGETOKEN_CURSOR_MAX + 1];
  uint64_t got_rev = 0;
  cat_err err = {0};
  FUZZ_CHECK(pagetoken_parse(secret, tok, fp, &got_rev, cursor, &err) == CAT_OK);
  FUZZ_CHECK(got_rev == rev);
  FUZZ_CHECK(strlen(cursor) == want_cl && memcmp(cursor, cur, want_cl) == 0);

  /* another query, another store, tampering, truncation: all refused */
  FUZZ_CHECK(pagetoken_parse(secret, tok, fp ^ 1, &got_rev, cursor, &err) ==
             GRPC_STATUS_INVALID_ARGUMENT);
  FUZZ_CHECK(pagetoken_parse(other_secret, tok, fp, &got_rev, cursor, &err) ==
             GRPC_STATUS_INVALID_ARGUMENT);
  size_t tl = strlen(tok);
  size_t at = (size_t)(rev % tl);
  char saved = tok[at];
  tok[at] = saved == '0' ? '1' : '0';
  FUZZ_CHECK(pagetoken_parse(secret, tok, fp, &got_rev, cursor, &err) ==
             GRPC_STATUS_INVALID_ARGUMENT);
  tok[at] = saved;
  tok[tl - 2] = 0;
  FUZZ_CHECK(pagetoken_parse(secret, tok, fp, &got_rev, cursor, &err) ==
             GRPC_STATUS_INVALID_ARGUMENT);

  /* a too-small output buffer never overflows and stays a string */
  char small[17];
  memset(small, 'Z', sizeof small);
  pagetoken_make(secret, fp, rev, cur, small, (size_t)(data[15] % sizeof small) + 1);
  FUZZ_CHECK(memchr(small, 0, sizeof small) != NULL);
  free(cur);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  parse_arbitrary(data, size);
  round_trip(data, size);
  return 0;
}
