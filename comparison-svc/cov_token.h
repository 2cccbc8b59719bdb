/*
 * cov_token.h — Coverage page tokens: opaque, checked, stateless.
 *
 * A token carries a fingerprint of the query (parent id + finding-type filter), the
 * revision the parent standard was read at (later pages read the same snapshot of
 * the parent, so rows neither shift nor repeat) and the index of the next parent
 * item, sealed with a checksum. comparison-svc is stateless and may run as several
 * replicas, so the seal uses a fixed key rather than a per-process secret: it
 * detects corrupted, hand-edited and other-query tokens (INVALID_ARGUMENT naming
 * page_token); it is not an authenticator — and needs not be, since a token only
 * selects a position in a listing the caller may read anyway.
 */
#ifndef PSS_CMP_COV_TOKEN_H
#define PSS_CMP_COV_TOKEN_H

#include <stddef.h>
#include <stdint.h>

#define COV_TOKEN_LEN (2 + 2 * (8 + 8 + 4 + 8)) /* "c1" + hex */

uint64_t cov_token_fingerprint(const char *parent, const int *types, size_t n_types);
void cov_token_make(uint64_t fingerprint, uint64_t revision, uint32_t offset,
                    char out[COV_TOKEN_LEN + 1]);
/* 0 ok; -1 with *why set ("malformed", "forged or corrupted", "another query"). */
int cov_token_parse(const char *token, uint64_t fingerprint, uint64_t *revision,
                    uint32_t *offset, const char **why);

#endif
