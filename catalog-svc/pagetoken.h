/*
 * pagetoken.h — opaque, tamper-evident page tokens.
 *
 * A token carries the query's fingerprint, the store revision the listing is read at
 * (so later pages see the same snapshot) and the last key returned, sealed with an
 * HMAC-SHA256 (truncated to 16 bytes)
 * keyed by the data directory's secret. A forged or edited token, or one from another
 * query, is rejected with INVALID_ARGUMENT. This is integrity, not secrecy.
 */
#ifndef PSS_PAGETOKEN_H
#define PSS_PAGETOKEN_H

#include <stddef.h>
#include <stdint.h>

#include "cat_err.h"

#define PAGETOKEN_CURSOR_MAX 256
/* Longest token text, with its NUL. */
#define PAGETOKEN_TEXT_MAX (2 * (16 + PAGETOKEN_CURSOR_MAX + 16) + 1)

uint64_t pagetoken_fingerprint(const char *const *parts, size_t n);
/* Writes the token into out (PAGETOKEN_TEXT_MAX bytes always suffice). */
void pagetoken_make(const uint8_t secret[16], uint64_t fingerprint, uint64_t rev,
                    const char *cursor, char *out, size_t outlen);
int pagetoken_parse(const uint8_t secret[16], const char *token, uint64_t fingerprint,
                    uint64_t *rev, char cursor[PAGETOKEN_CURSOR_MAX + 1], cat_err *err);

#endif
