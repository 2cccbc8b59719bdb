/* cov_token.c — see cov_token.h. Layout before hex: fp(8) rev(8) offset(4) mac(8). */
#include "cov_token.h"

#include <stdlib.h>
#include <string.h>

static const uint8_t KEY[16] = {0x70, 0x73, 0x73, 0x2d, 0x63, 0x6f, 0x76, 0x65,
                                0x72, 0x61, 0x67, 0x65, 0x2d, 0x76, 0x31, 0x00};

static uint64_t fnv(uint64_t h, const void *p, size_t n) {
  const unsigned char *b = p;
  for (size_t i = 0; i < n; i++) h = (h ^ b[i]) * 0x100000001b3ULL;
  return h;
}

static uint64_t mac(const uint8_t *p, size_t n) {
  uint64_t h = fnv(0xcbf29ce484222325ULL, KEY, sizeof KEY);
  h = fnv(h, p, n);
  return fnv(h, KEY, sizeof KEY);
}

static int cmp_int(const void *a, const void *b) {
  int x = *(const int *)a, y = *(const int *)b;
  return (x > y) - (x < y);
}

uint64_t cov_token_fingerprint(const char *parent, const int *types, size_t n_types) {
  uint64_t h = fnv(0xcbf29ce484222325ULL, parent, strlen(parent) + 1);
  int *t = malloc((n_types + 1) * sizeof *t);
  if (!t) return h;
  if (n_types) memcpy(t, types, n_types * sizeof *t);
  qsort(t, n_types, sizeof *t, cmp_int); /* the filter is a set: order does not matter */
  int prev = -1;
  for (size_t i = 0; i < n_types; i++) {
    if (t[i] == prev) continue;
    prev = t[i];
    unsigned char b[4] = {(unsigned char)(t[i] >> 24), (unsigned char)(t[i] >> 16),
                          (unsigned char)(t[i] >> 8), (unsigned char)t[i]};
    h = fnv(h, b, 4);
  }
  free(t);
  return h;
}

static void put(uint8_t *b, uint64_t v, int n) {
  for (int i = n - 1; i >= 0; i--, v >>= 8) b[i] = (uint8_t)v;
}
static uint64_t get(const uint8_t *b, int n) {
  uint64_t v = 0;
  for (int i = 0; i < n; i++) v = v << 8 | b[i];
  return v;
}

void cov_token_make(uint64_t fp, uint64_t rev, uint32_t offset, char out[COV_TOKEN_LEN + 1]) {
  uint8_t raw[28];
  put(raw, fp, 8);
  put(raw + 8, rev, 8);
  put(raw + 16, offset, 4);
  put(raw + 20, mac(raw, 20), 8);
  static const char hex[] = "0123456789abcdef";
  out[0] = 'c';
  out[1] = '1';
  for (size_t i = 0; i < sizeof raw; i++) {
    out[2 + 2 * i] = hex[raw[i] >> 4];
    out[3 + 2 * i] = hex[raw[i] & 15];
  }
  out[COV_TOKEN_LEN] = 0;
}

static int unhex(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

int cov_token_parse(const char *tok, uint64_t fp, uint64_t *rev, uint32_t *offset,
                    const char **why) {
  if (strlen(tok) != COV_TOKEN_LEN || tok[0] != 'c' || tok[1] != '1') {
    *why = "malformed (not a token this service issued)";
    return -1;
  }
  uint8_t raw[28];
  for (size_t i = 0; i < sizeof raw; i++) {
    int hi = unhex(tok[2 + 2 * i]), lo = unhex(tok[3 + 2 * i]);
    if (hi < 0 || lo < 0) {
      *why = "malformed (not a token this service issued)";
      return -1;
    }
    raw[i] = (uint8_t)(hi << 4 | lo);
  }
  if (get(raw + 20, 8) != mac(raw, 20)) {
    *why = "forged or corrupted";
    return -1;
  }
  if (get(raw, 8) != fp) {
    *why = "belongs to a different query (parent and types must stay the same across pages)";
    return -1;
  }
  *rev = get(raw + 8, 8);
  *offset = (uint32_t)get(raw + 16, 4);
  return 0;
}
