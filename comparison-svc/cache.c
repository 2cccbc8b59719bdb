/* cache.c — see cache.h. One generic LRU cache (kv_cache: a chained hash table over
 * an intrusive LRU list, one mutex — lookups are a hash probe and a list move, so
 * contention is negligible next to a catalog round trip); the standards cache is a
 * typed view of it, keyed by id "\0" be64(revision). */
#include "cache.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------ kv_cache */

#define KV_NBUCKETS 4096u

struct kv_ref {
  atomic_int refs;
  void *value;
  kv_destroy_fn destroy;
  /* cache bookkeeping (under kv_cache.mu); key == NULL for uncached handles */
  unsigned char *key;
  size_t klen, bytes;
  unsigned bucket;
  kv_ref *hnext, *lru_prev, *lru_next;
};

struct kv_cache {
  pthread_mutex_t mu;
  size_t max_bytes, bytes, entries;
  kv_ref *buckets[KV_NBUCKETS];
  kv_ref *lru_head, *lru_tail;
  uint64_t hits, misses, inserts, evictions;
};

static unsigned kv_hash(const void *key, size_t klen) {
  uint64_t h = 0xcbf29ce484222325ULL;
  const unsigned char *p = key;
  for (size_t i = 0; i < klen; i++) h = (h ^ p[i]) * 0x100000001b3ULL;
  return (unsigned)((h ^ (h >> 29)) % KV_NBUCKETS);
}

kv_cache *kv_cache_new(size_t max_bytes) {
  kv_cache *c = calloc(1, sizeof *c);
  if (!c) return NULL;
  pthread_mutex_init(&c->mu, NULL);
  c->max_bytes = max_bytes;
  return c;
}

static void kv_destroy(kv_ref *r) {
  if (r->destroy) r->destroy(r->value);
  free(r->key);
  free(r);
}

void kv_ref_release(kv_ref *r) {
  if (r && atomic_fetch_sub(&r->refs, 1) == 1) kv_destroy(r);
}

void *kv_ref_value(const kv_ref *r) { return r->value; }

static void kv_lru_unlink(kv_cache *c, kv_ref *r) {
  if (r->lru_prev) r->lru_prev->lru_next = r->lru_next;
  else c->lru_head = r->lru_next;
  if (r->lru_next) r->lru_next->lru_prev = r->lru_prev;
  else c->lru_tail = r->lru_prev;
  r->lru_prev = r->lru_next = NULL;
}

static void kv_lru_push_front(kv_cache *c, kv_ref *r) {
  r->lru_prev = NULL;
  r->lru_next = c->lru_head;
  if (c->lru_head) c->lru_head->lru_prev = r;
  c->lru_head = r;
  if (!c->lru_tail) c->lru_tail = r;
}

static kv_ref *kv_find(kv_cache *c, unsigned b, const void *key, size_t klen) {
  for (kv_ref *r = c->buckets[b]; r; r = r->hnext)
    if (r->klen == klen && memcmp(r->key, key, klen) == 0) return r;
  return NULL;
}

static void kv_remove(kv_cache *c, kv_ref *r) {
  kv_ref **pp = &c->buckets[r->bucket];
  while (*pp != r) pp = &(*pp)->hnext;
  *pp = r->hnext;
  kv_lru_unlink(c, r);
  c->bytes -= r->bytes;
  c->entries--;
}

kv_ref *kv_cache_get(kv_cache *c, const void *key, size_t klen) {
  if (!c) return NULL;
  unsigned b = kv_hash(key, klen);
  pthread_mutex_lock(&c->mu);
  kv_ref *r = kv_find(c, b, key, klen);
  if (r) {
    atomic_fetch_add(&r->refs, 1);
    kv_lru_unlink(c, r);
    kv_lru_push_front(c, r);
    c->hits++;
  } else {
    c->misses++;
  }
  pthread_mutex_unlock(&c->mu);
  return r;
}

kv_ref *kv_cache_put(kv_cache *c, const void *key, size_t klen, void *value, size_t bytes,
                     kv_destroy_fn destroy) {
  kv_ref *r = calloc(1, sizeof *r);
  if (!r) {
    if (destroy) destroy(value);
    return NULL;
  }
  r->value = value;
  r->destroy = destroy;
  atomic_init(&r->refs, 1);
  bytes += sizeof *r + klen;
  if (!c || bytes > c->max_bytes || !(r->key = malloc(klen ? klen : 1))) return r; /* uncached */
  memcpy(r->key, key, klen);
  r->klen = klen;
  r->bytes = bytes;
  r->bucket = kv_hash(key, klen);
  atomic_init(&r->refs, 2); /* the cache's and the caller's */
  kv_ref *evicted = NULL;
  pthread_mutex_lock(&c->mu);
  kv_ref *old = kv_find(c, r->bucket, key, klen);
  if (old) {
    atomic_fetch_add(&old->refs, 1);
    pthread_mutex_unlock(&c->mu);
    kv_destroy(r);
    return old;
  }
  r->hnext = c->buckets[r->bucket];
  c->buckets[r->bucket] = r;
  kv_lru_push_front(c, r);
  c->bytes += bytes;
  c->entries++;
  c->inserts++;
  while (c->bytes > c->max_bytes && c->lru_tail && c->lru_tail != r) {
    kv_ref *v = c->lru_tail;
    kv_remove(c, v);
    c->evictions++;
    v->hnext = evicted;
    evicted = v;
  }
  pthread_mutex_unlock(&c->mu);
  while (evicted) {
    kv_ref *n = evicted->hnext;
    kv_ref_release(evicted);
    evicted = n;
  }
  return r;
}

void kv_cache_get_stats(kv_cache *c, std_cache_stats *out) {
  memset(out, 0, sizeof *out);
  if (!c) return;
  pthread_mutex_lock(&c->mu);
  out->hits = c->hits;
  out->misses = c->misses;
  out->inserts = c->inserts;
  out->evictions = c->evictions;
  out->entries = c->entries;
  out->bytes = c->bytes;
  out->max_bytes = c->max_bytes;
  pthread_mutex_unlock(&c->mu);
}

void kv_cache_free(kv_cache *c) {
  if (!c) return;
  while (c->lru_head) {
    kv_ref *r = c->lru_head;
    kv_remove(c, r);
    kv_ref_release(r);
  }
  pthread_mutex_destroy(&c->mu);
  free(c);
}

/* ------------------------------------------------------------ std_cache */

/* A std_cache is a kv_cache and a std_ref a kv_ref whose value is a decoded
 * Standard: the casts below are the whole typed layer. */

/* Decoded size estimate: the wire size plus the per-string and per-message
 * overhead of protobuf-c's decoded structs (pointers, headers, NULs). */
static size_t estimate_bytes(const Pss__Catalog__V1__Standard *s) {
  size_t n = protobuf_c_message_get_packed_size(&s->base) + sizeof *s;
  for (size_t i = 0; i < s->n_items; i++) {
    const Pss__Catalog__V1__Item *it = s->items[i];
    n += sizeof *it + 16 * 8 + it->n_content * 24 + it->n_levels * (sizeof(Pss__Catalog__V1__Level) + 32);
    if (it->target) n += sizeof *it->target + it->target->n_groups * (sizeof(Pss__Catalog__V1__TargetGroup) + 24);
  }
  return n;
}

static void free_standard(void *v) { protobuf_c_message_free_unpacked(v, NULL); }

/* id "\0" be64(revision); returns the key length (0 when the id is too long). */
static size_t std_key(const char *id, uint64_t rev, unsigned char key[256]) {
  size_t n = strlen(id);
  if (n + 9 > 256) return 0;
  memcpy(key, id, n + 1);
  for (int i = 7; i >= 0; i--, rev >>= 8) key[n + 1 + (size_t)i] = (unsigned char)rev;
  return n + 9;
}

static bool immutable(const Pss__Catalog__V1__Standard *s) {
  return s->status == PSS__CATALOG__V1__STANDARD_STATUS__PUBLISHED ||
         s->status == PSS__CATALOG__V1__STANDARD_STATUS__SUPERSEDED;
}

std_cache *std_cache_new(size_t max_bytes) { return (std_cache *)kv_cache_new(max_bytes); }
void std_cache_free(std_cache *c) { kv_cache_free((kv_cache *)c); }

std_ref *std_cache_get(std_cache *c, const char *id, uint64_t revision) {
  unsigned char key[256];
  size_t klen = id ? std_key(id, revision, key) : 0;
  return klen ? (std_ref *)kv_cache_get((kv_cache *)c, key, klen) : NULL;
}

std_ref *std_cache_put(std_cache *c, uint64_t revision, Pss__Catalog__V1__Standard *msg) {
  unsigned char key[256];
  size_t klen = msg->id && msg->id[0] && immutable(msg) ? std_key(msg->id, revision, key) : 0;
  /* drafts and odd ids get an uncached handle (kv_cache_put with no cache) */
  return (std_ref *)kv_cache_put(klen ? (kv_cache *)c : NULL, key, klen, msg, estimate_bytes(msg),
                                 free_standard);
}

std_ref *std_ref_wrap(Pss__Catalog__V1__Standard *msg) {
  return (std_ref *)kv_cache_put(NULL, NULL, 0, msg, 0, free_standard);
}

const Pss__Catalog__V1__Standard *std_ref_standard(const std_ref *r) {
  return kv_ref_value((const kv_ref *)r);
}

void std_ref_release(std_ref *r) { kv_ref_release((kv_ref *)r); }

void std_cache_get_stats(std_cache *c, std_cache_stats *out) { kv_cache_get_stats((kv_cache *)c, out); }
