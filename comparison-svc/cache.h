/*
 * cache.h — thread-safe cache of decoded standards, keyed by (id, revision).
 *
 * Only PUBLISHED and SUPERSEDED standards go in: their items can no longer change
 * (the catalog refuses edits), so the decoded message for (id, revision) is valid
 * forever and needs no invalidation. DRAFTs and WITHDRAWN standards are wrapped in
 * an uncached handle instead, so every caller uses one type.
 *
 * Entries are reference-counted handles: a lookup returns a reference the caller
 * holds while it reads the standard (for the whole incoming call) and drops with
 * std_ref_release(). Eviction (LRU, by an estimate of the decoded size) only drops
 * the cache's own reference, so an entry in use stays valid until its last user
 * releases it. The bound is therefore soft by the size of the standards in use.
 */
#ifndef PSS_CMP_CACHE_H
#define PSS_CMP_CACHE_H

#include <pss/catalog/v1/catalog.pb-c.h>
#include <stddef.h>
#include <stdint.h>

typedef struct std_cache std_cache;
typedef struct std_ref std_ref;

/* max_bytes 0 = caching disabled (every put returns an uncached handle). */
std_cache *std_cache_new(size_t max_bytes);
void std_cache_free(std_cache *c);

/* A reference to the cached standard, or NULL on a miss. */
std_ref *std_cache_get(std_cache *c, const char *id, uint64_t revision);

/* Takes ownership of msg (unpacked with the default allocator) and returns a
 * reference to it. If another thread cached the same key first, msg is freed and
 * the existing entry is returned. Standards that are not immutable, or larger than
 * the whole cache, are returned uncached. */
std_ref *std_cache_put(std_cache *c, uint64_t revision, Pss__Catalog__V1__Standard *msg);

/* An uncached handle owning msg (freed on the last release). */
std_ref *std_ref_wrap(Pss__Catalog__V1__Standard *msg);

const Pss__Catalog__V1__Standard *std_ref_standard(const std_ref *r);
void std_ref_release(std_ref *r);

typedef struct std_cache_stats {
  uint64_t hits, misses, inserts, evictions;
  size_t entries, bytes, max_bytes;
} std_cache_stats;
void std_cache_get_stats(std_cache *c, std_cache_stats *out);

/*
 * kv_cache — the same discipline (reference-counted handles, LRU by an estimate of
 * the bytes, eviction only drops the cache's reference) for any immutable value
 * under an opaque byte-string key. comparison-svc keeps two: standard headers as of
 * a store revision, and engine reports of pairs of published revisions.
 */
typedef struct kv_cache kv_cache;
typedef struct kv_ref kv_ref;
typedef void (*kv_destroy_fn)(void *value);

kv_cache *kv_cache_new(size_t max_bytes);
void kv_cache_free(kv_cache *c);

/* A reference to the value under key, or NULL on a miss (or c == NULL). */
kv_ref *kv_cache_get(kv_cache *c, const void *key, size_t klen);

/* Takes ownership of value (destroy(value) when the last reference goes) and returns
 * a reference to it. If the key is already cached, value is destroyed and the cached
 * entry is returned. c == NULL, or a value larger than the whole cache: an uncached
 * handle. NULL only when out of memory (value destroyed). */
kv_ref *kv_cache_put(kv_cache *c, const void *key, size_t klen, void *value, size_t bytes,
                     kv_destroy_fn destroy);

void *kv_ref_value(const kv_ref *r);
void kv_ref_release(kv_ref *r);
void kv_cache_get_stats(kv_cache *c, std_cache_stats *out);

#endif
