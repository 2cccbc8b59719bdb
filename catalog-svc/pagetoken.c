/* pagetoken.c — see pagetoken.h. Layout before hex: fp(8) rev(8) cursor mac(16),
 * mac = HMAC-SHA256(secret, fp rev cursor) truncated to 16 bytes. */
#include "pagetoken.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <string.h>

static uint64_t fnv(uint64_t h, const void *p, size_t n) {
  const unsigned char *b = p;
  for (size_t i = 0; i < n; i++) {
    h ^= b[i];
    h *= 0x100000001b3ULL;
  }
  return h;
}

#define MAC_LEN 16
#define HEAD_LEN 16

static void mac(const uint8_t secret[16], const unsigned char *p, size_t n, unsigned char out[MAC_LEN]) {
  unsigned char full[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), secret, 16, p, n, full, &len);
  memcpy(out, full, MAC_LEN);
}

uint64_t pagetoken_fingerprint(const char *const *parts, size_t n) {
  uint64_t h = 0xcbf29ce484222325ULL;
  for (size_t i = 0; i < n; i++) {
    const char *s = parts[i] ? parts[i] : "";
    h = fnv(h, s, strlen(s) + 1);
  }
  return h;
}

static void put64(unsigned char *b, uint64_t v) {
  for (int i = 7; i >= 0; i--, v >>= 8) b[i] = (unsigned char)v;
}
static uint64_t get64(const unsigned char *b) {
  uint64_t v = 0;
  for (int i = 0; i < 8; i++) v = (v << 8) | b[i];
  return v;
}

void pagetoken_make(const uint8_t secret[16], uint64_t fp, uint64_t rev, const char *cursor,
                    char *out, size_t outlen) {
  unsigned char raw[HEAD_LEN + PAGETOKEN_CURSOR_MAX + MAC_LEN];
  size_t cl = strlen(cursor);
  if (cl > PAGETOKEN_CURSOR_MAX) cl = PAGETOKEN_CURSOR_MAX;
  put64(raw, fp);
  put64(raw + 8, rev);
  memcpy(raw + HEAD_LEN, cursor, cl);
  mac(secret, raw, HEAD_LEN + cl, raw + HEAD_LEN + cl);
  size_t n = HEAD_LEN + cl + MAC_LEN;
  static const char hex[] = "0123456789abcdef";
  size_t o = 0;
  if (!outlen) return;
  for (size_t i = 0; i < n && o + 2 < outlen; i++) {
    out[o++] = hex[raw[i] >> 4];
    out[o++] = hex[raw[i] & 15];
  }
  out[o] = 0;
}

static int unhex(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

int pagetoken_parse(const uint8_t secret[16], const char *token, uint64_t fp, uint64_t *rev,
                    char cursor[PAGETOKEN_CURSOR_MAX + 1], cat_err *err) {
  size_t tl = strlen(token);
  unsigned char raw[HEAD_LEN + PAGETOKEN_CURSOR_MAX + MAC_LEN], want[MAC_LEN];
  if (tl % 2 || tl < 2 * (HEAD_LEN + MAC_LEN) || tl / 2 > sizeof raw)
    return cat_fail(err, GRPC_STATUS_INVALID_ARGUMENT, "page_token: malformed");
  size_t n = tl / 2;
  for (size_t i = 0; i < n; i++) {
    int hi = unhex(token[2 * i]), lo = unhex(token[2 * i + 1]);
    if (hi < 0 || lo < 0) return cat_fail(err, GRPC_STATUS_INVALID_ARGUMENT, "page_token: malformed");
    raw[i] = (unsigned char)(hi << 4 | lo);
  }
  mac(secret, raw, n - MAC_LEN, want);
  if (CRYPTO_memcmp(want, raw + n - MAC_LEN, MAC_LEN) != 0)
    return cat_fail(err, GRPC_STATUS_INVALID_ARGUMENT, "page_token: not issued by this server (forged or corrupted)");
  if (get64(raw) != fp)
    return cat_fail(err, GRPC_STATUS_INVALID_ARGUMENT,
                    "page_token: belongs to a different query (filters must stay the same across pages)");
  *rev = get64(raw + 8);
  size_t cl = n - HEAD_LEN - MAC_LEN;
  memcpy(cursor, raw + HEAD_LEN, cl);
  cursor[cl] = 0;
  if (strlen(cursor) != cl) return cat_fail(err, GRPC_STATUS_INVALID_ARGUMENT, "page_token: malformed");
  return CAT_OK;
}
