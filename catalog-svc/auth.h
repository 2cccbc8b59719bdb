/*
 * auth.h — write authorisation by bearer tokens scoped to jurisdiction prefixes.
 *
 * Tokens live in a JSON file (--auth-tokens), stored as SHA-256 hashes, never in clear:
 *   {"tokens": [
 *     {"id": "jinhua-editor", "sha256": "<64 hex>", "roles": ["editor"], "scopes": ["3307"]},
 *     {"id": "platform",      "sha256": "<64 hex>", "roles": ["reader"]},
 *     {"id": "ops",           "sha256": "<64 hex>", "roles": ["admin"]}]}
 * Roles: reader (reads, when reads are protected), editor (writes to standards, items
 * and filings of jurisdictions under one of its scopes, plus reads), admin (everything,
 * including jurisdictions, everywhere). A scope is a jurisdiction-code prefix: "3307"
 * covers 金华 (330700) and its counties; "CN" only the national level; "" everything.
 * The hash of a secret: `printf %s SECRET | sha256sum`.
 *
 * Missing or unknown token -> UNAUTHENTICATED; valid token without the role or scope
 * -> PERMISSION_DENIED. Both are logged with the token's id, never the secret.
 */
#ifndef PSS_AUTH_H
#define PSS_AUTH_H

#include <stdbool.h>
#include <stddef.h>

#include "rpc.h"

typedef struct auth auth;

typedef enum { AUTH_READ, AUTH_WRITE, AUTH_ADMIN } auth_need;

/* path NULL or "" = authorisation off (every call allowed; logged as a warning). */
int auth_load(const char *path, bool protect_reads, auth **out, char *err, size_t errlen);
void auth_free(auth *a);
bool auth_enabled(const auth *a);

/* Checks the call's "authorization: Bearer <token>" for `need` on jurisdiction `jur`
 * (NULL = no particular one). Returns GRPC_STATUS_OK or fails the call (rpc_fail). */
grpc_status_code auth_check(const auth *a, rpc_call *call, auth_need need, const char *jur);

/* Lower-case hex SHA-256 of secret into out[65]. */
void auth_hash(const char *secret, char out[65]);

#endif
