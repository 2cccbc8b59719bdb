/* auth.c — bearer tokens, hashed, scoped to jurisdiction prefixes; see auth.h. */
#include "auth.h"

#include <jansson.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"

enum { ROLE_READER = 1, ROLE_EDITOR = 2, ROLE_ADMIN = 4 };

typedef struct token {
  char id[64];
  unsigned char hash[32];
  int roles;
  char **scopes;
  size_t n_scopes;
} token;

struct auth {
  token *tokens;
  size_t n;
  bool protect_reads;
  bool enabled;
};

static void sha256(const char *s, unsigned char out[32]) {
  unsigned int len = 32;
  EVP_Digest(s, strlen(s), out, &len, EVP_sha256(), NULL);
}

void auth_hash(const char *secret, char out[65]) {
  unsigned char h[32];
  sha256(secret, h);
  for (int i = 0; i < 32; i++) snprintf(out + 2 * i, 3, "%02x", h[i]);
}

static int unhex(const char *hex, unsigned char out[32]) {
  if (!hex || strlen(hex) != 64) return -1;
  for (int i = 0; i < 32; i++) {
    unsigned v;
    if (sscanf(hex + 2 * i, "%2x", &v) != 1) return -1;
    out[i] = (unsigned char)v;
  }
  return 0;
}

void auth_free(auth *a) {
  if (!a) return;
  for (size_t i = 0; i < a->n; i++) {
    for (size_t k = 0; k < a->tokens[i].n_scopes; k++) free(a->tokens[i].scopes[k]);
    free(a->tokens[i].scopes);
  }
  free(a->tokens);
  free(a);
}

bool auth_enabled(const auth *a) { return a && a->enabled; }

int auth_load(const char *path, bool protect_reads, auth **out, char *err, size_t errlen) {
  auth *a = calloc(1, sizeof *a);
  a->protect_reads = protect_reads;
  *out = a;
  if (!path || !path[0]) return 0;
  a->enabled = true;
  json_error_t je;
  json_t *doc = json_load_file(path, 0, &je);
  if (!doc) {
    snprintf(err, errlen, "%s:%d: %s", path, je.line, je.text);
    return -1;
  }
  json_t *toks = json_object_get(doc, "tokens");
  if (!json_is_array(toks)) {
    snprintf(err, errlen, "%s: \"tokens\" must be an array", path);
    json_decref(doc);
    return -1;
  }
  a->n = json_array_size(toks);
  a->tokens = calloc(a->n ? a->n : 1, sizeof *a->tokens);
  for (size_t i = 0; i < a->n; i++) {
    json_t *t = json_array_get(toks, i);
    token *k = &a->tokens[i];
    const char *id = json_string_value(json_object_get(t, "id"));
    if (!id || !id[0] || unhex(json_string_value(json_object_get(t, "sha256")), k->hash)) {
      snprintf(err, errlen, "%s: tokens[%zu]: needs \"id\" and \"sha256\" (64 hex digits)", path, i);
      json_decref(doc);
      return -1;
    }
    snprintf(k->id, sizeof k->id, "%s", id);
    json_t *roles = json_object_get(t, "roles"), *r;
    size_t j;
    json_array_foreach(roles, j, r) {
      const char *s = json_string_value(r);
      if (s && !strcmp(s, "reader")) k->roles |= ROLE_READER;
      else if (s && !strcmp(s, "editor")) k->roles |= ROLE_EDITOR;
      else if (s && !strcmp(s, "admin")) k->roles |= ROLE_ADMIN;
      else {
        snprintf(err, errlen, "%s: tokens[%zu].roles[%zu]: must be reader, editor or admin", path, i, j);
        json_decref(doc);
        return -1;
      }
    }
    json_t *scopes = json_object_get(t, "scopes");
    k->n_scopes = json_array_size(scopes);
    k->scopes = calloc(k->n_scopes ? k->n_scopes : 1, sizeof *k->scopes);
    json_array_foreach(scopes, j, r) k->scopes[j] = strdup(json_string_value(r) ? json_string_value(r) : "");
    if (!k->n_scopes && (k->roles & ROLE_EDITOR)) {
      snprintf(err, errlen, "%s: tokens[%zu] (%s): an editor needs \"scopes\"", path, i, k->id);
      json_decref(doc);
      return -1;
    }
  }
  json_decref(doc);
  log_event(LOG_INFO, "auth enabled", "tokens", json_integer((json_int_t)a->n), "protect_reads",
            json_boolean(protect_reads), NULL);
  return 0;
}

static const token *find(const auth *a, const char *secret) {
  unsigned char h[32];
  sha256(secret, h);
  const token *hit = NULL;
  for (size_t i = 0; i < a->n; i++)  /* constant time per token; no early exit */
    if (CRYPTO_memcmp(h, a->tokens[i].hash, 32) == 0) hit = &a->tokens[i];
  return hit;
}

static bool in_scope(const token *t, const char *jur) {
  if (!jur) return true;
  for (size_t i = 0; i < t->n_scopes; i++)
    if (strncmp(jur, t->scopes[i], strlen(t->scopes[i])) == 0) return true;
  return false;
}

grpc_status_code auth_check(const auth *a, rpc_call *call, auth_need need, const char *jur) {
  if (!auth_enabled(a) || (need == AUTH_READ && !a->protect_reads)) return GRPC_STATUS_OK;
  const char *h = rpc_call_metadata(call, "authorization");
  const char *method = rpc_call_method(call);
  if (!h || strncasecmp(h, "Bearer ", 7) != 0 || !h[7]) {
    log_event(LOG_WARN, "unauthenticated call", "method", json_string(method), "reason",
              json_string("no bearer token"), NULL);
    return rpc_fail(call, GRPC_STATUS_UNAUTHENTICATED,
                    "authorization: a bearer token is required (metadata \"authorization: Bearer …\")");
  }
  const token *t = find(a, h + 7);
  if (!t) {
    log_event(LOG_WARN, "unauthenticated call", "method", json_string(method), "reason",
              json_string("unknown token"), NULL);
    return rpc_fail(call, GRPC_STATUS_UNAUTHENTICATED, "authorization: unknown or revoked token");
  }
  bool ok;
  const char *why;
  if (t->roles & ROLE_ADMIN) {
    ok = true, why = "";
  } else if (need == AUTH_ADMIN) {
    ok = false, why = "needs the admin role";
  } else if (need == AUTH_WRITE) {
    ok = (t->roles & ROLE_EDITOR) && in_scope(t, jur);
    why = (t->roles & ROLE_EDITOR) ? "jurisdiction outside the token's scopes" : "needs the editor role";
  } else {
    ok = t->roles & (ROLE_READER | ROLE_EDITOR);
    why = "needs the reader role";
  }
  if (!ok) {
    log_event(LOG_WARN, "permission denied", "method", json_string(method), "token_id",
              json_string(t->id), "jurisdiction", json_string(jur ? jur : ""), "reason", json_string(why),
              NULL);
    return rpc_fail(call, GRPC_STATUS_PERMISSION_DENIED, "token %s: %s%s%s", t->id, why,
                    jur ? " for jurisdiction " : "", jur ? jur : "");
  }
  log_event(LOG_DEBUG, "authorised", "method", json_string(method), "token_id", json_string(t->id), NULL);
  return GRPC_STATUS_OK;
}
