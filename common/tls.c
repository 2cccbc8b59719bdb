/* tls.c — gRPC core SSL credentials from PEM files; see tls.h. */
#include "tls.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool set(const char *s) { return s && s[0]; }

bool tls_configured(const rpc_tls *t) {
  return t && (set(t->ca) || set(t->cert) || set(t->key));
}

static char *slurp(const char *path, char *err, size_t errlen) {
  FILE *f = fopen(path, "rb");
  if (!f) {
    snprintf(err, errlen, "%s: %s", path, strerror(errno));
    return NULL;
  }
  size_t cap = 4096, n = 0, r;
  char *buf = malloc(cap + 1);
  while (buf && (r = fread(buf + n, 1, cap - n, f)) > 0) {
    n += r;
    if (n == cap) {
      char *nb = realloc(buf, (cap *= 2) + 1);
      if (!nb) {
        free(buf);
        buf = NULL;
      }
      buf = nb;
    }
  }
  fclose(f);
  if (!buf) {
    snprintf(err, errlen, "%s: out of memory", path);
    return NULL;
  }
  buf[n] = 0;
  if (!strstr(buf, "-----BEGIN ")) {
    snprintf(err, errlen, "%s: not a PEM file", path);
    free(buf);
    return NULL;
  }
  return buf;
}

grpc_server_credentials *tls_server_credentials(const rpc_tls *t, char *err, size_t errlen) {
  if (!tls_configured(t)) return grpc_insecure_server_credentials_create();
  if (!set(t->cert) || !set(t->key)) {
    snprintf(err, errlen, "TLS needs both a certificate and a key");
    return NULL;
  }
  char *cert = slurp(t->cert, err, errlen), *key = cert ? slurp(t->key, err, errlen) : NULL;
  char *ca = key && set(t->ca) ? slurp(t->ca, err, errlen) : NULL;
  grpc_server_credentials *c = NULL;
  if (cert && key && (!set(t->ca) || ca)) {
    grpc_ssl_pem_key_cert_pair pair = {key, cert};
    c = grpc_ssl_server_credentials_create_ex(
        ca, &pair, 1,
        ca ? GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY : GRPC_SSL_DONT_REQUEST_CLIENT_CERTIFICATE,
        NULL);
    if (!c) snprintf(err, errlen, "invalid TLS certificate or key");
  }
  free(cert);
  free(key);
  free(ca);
  return c;
}

grpc_channel_credentials *tls_channel_credentials(const rpc_tls *t, char *err, size_t errlen) {
  if (!tls_configured(t)) return grpc_insecure_credentials_create();
  if (set(t->cert) != set(t->key)) {
    snprintf(err, errlen, "a client certificate needs its key (and the reverse)");
    return NULL;
  }
  char *ca = set(t->ca) ? slurp(t->ca, err, errlen) : NULL;
  if (set(t->ca) && !ca) return NULL;
  char *cert = set(t->cert) ? slurp(t->cert, err, errlen) : NULL;
  char *key = cert ? slurp(t->key, err, errlen) : NULL;
  grpc_channel_credentials *c = NULL;
  if (!set(t->cert) || (cert && key)) {
    grpc_ssl_pem_key_cert_pair pair = {key, cert};
    c = grpc_ssl_credentials_create(ca, cert ? &pair : NULL, NULL, NULL);
    if (!c) snprintf(err, errlen, "invalid TLS settings");
  }
  free(ca);
  free(cert);
  free(key);
  return c;
}
