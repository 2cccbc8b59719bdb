/*
 * tls.h — TLS and mutual TLS for the RPC layer, from PEM file paths.
 *
 * Server: cert + key turn TLS on; client_ca additionally requires every client to
 * present a certificate signed by it (mTLS). Client: ca verifies the server; cert +
 * key are presented to a server that asks (mTLS); server_name overrides the name
 * checked in the server's certificate (when connecting by IP). All empty = plaintext.
 */
#ifndef PSS_TLS_H
#define PSS_TLS_H

#include <grpc/grpc_security.h>
#include <stdbool.h>
#include <stddef.h>

typedef struct rpc_tls {
  const char *ca;           /* server: client CA (mTLS); client: server CA */
  const char *cert;         /* PEM certificate chain */
  const char *key;          /* PEM private key */
  const char *server_name;  /* client only: expected name in the server certificate */
} rpc_tls;

bool tls_configured(const rpc_tls *t);

/* NULL with err set when a file cannot be read or the combination is incomplete. */
grpc_server_credentials *tls_server_credentials(const rpc_tls *t, char *err, size_t errlen);
grpc_channel_credentials *tls_channel_credentials(const rpc_tls *t, char *err, size_t errlen);

#endif
