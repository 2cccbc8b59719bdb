/* cache.c — see cache.h. A chained hash table over an intrusive LRU list, one
 * mutex (lookups are a hash probe and a list move: contention is negligible next
 * to a catalog round trip). */
#include "cache.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#define NBUCKETS 1024u

struct std_ref {
  atomic_int refs;
  Pss__Catalog__V1__Standard *msg;
  /* cache bookkeeping (under std_cache.mu); unused for wrapped handles */
  char *id;
  uint64_t revision;
  size_t bytes;
  unsigned bucket;
  std_ref *hnext;            /* hash chain */
  std_ref *lru_prev, *lru_next;
};

struct std_cache {
  pthread_mutex_t mu;
  size_t max_bytes, bytes, entries;
  std_ref *buckets[NBUCKETS];
  std_ref *lru_head, *lru_tail; /* head = most recently used */
  uint64_t hits, misses, inserts, evictions;
};

static unsigned hash_key(const char *id, uint64_t rev) {
  uint64_t h = 0xcbf29ce484222325ULL;
  for (const unsigned char *p = (const unsigned char *)id; *p; p++) h = (h ^ *p) * 0x100000001b3ULL;
  for (int i = 0; i < 8; i++, rev >>= 8) h = (h ^ (rev & 0xff)) * 0x100000001b3ULL;
  return (unsigned)(h % NBUCKETS);
}

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

std_cache *std_cache_new(size_t max_bytes) {
  std_cache *c = calloc(1, sizeof *c);
  if (!c) return NULL;
  pthread_mutex_init(&c->mu, NULL);
  c->max_bytes = max_bytes;
  return c;
}

static void ref_destroy(std_ref *r) {
  protobuf_c_message_free_unpacked(&r->msg->base, NULL);
  free(r->id);
  free(r);
}

void std_ref_release(std_ref *r) {
  if (r && atomic_fetch_sub(&r->refs, 1) == 1) ref_destroy(r);
}

std_ref *std_ref_wrap(Pss__Catalog__V1__Standard *msg) {
  std_ref *r = calloc(1, sizeof *r);
  if (!r) {
    protobuf_c_message_free_unpacked(&msg->base, NULL);
    return NULL;
  }
  atomic_init(&r->refs, 1);
  r->msg = msg;
  return r;
}

const Pss__Catalog__V1__Standard *std_ref_standard(const std_ref *r) { return r->msg; }

static void lru_unlink(std_cache *c, std_ref *r) {
  if (r->lru_prev) r->lru_prev->lru_next = r->lru_next;
  else c->lru_head = r->lru_next;
  if (r->lru_next) r->lru_next->lru_prev = r->lru_prev;
  else c->lru_tail = r->lru_prev;
  r->lru_prev = r->lru_next = NULL;
}

static void lru_push_front(std_cache *c, std_ref *r) {
  r->lru_prev = NULL;
  r->lru_next = c->lru_head;
  if (c->lru_head) c->lru_head->lru_prev = r;
  c->lru_head = r;
  if (!c->lru_tail) c->lru_tail = r;
}

static std_ref *find(std_cache *c, unsigned b, const char *id, uint64_t rev) {
  for (std_ref *r = c->buckets[b]; r; r = r->hnext)
    if (r->revision == rev && strcmp(r->id, id) == 0) return r;
  return NULL;
}

/* Unlinks r from the table and the list; the caller drops the cache's reference. */
static void remove_entry(std_cache *c, std_ref *r) {
  std_ref **pp = &c->buckets[r->bucket];
  while (*pp != r) pp = &(*pp)->hnext;
  *pp = r->hnext;
  lru_unlink(c, r);
  c->bytes -= r->bytes;
  c->entries--;
}

std_ref *std_cache_get(std_cache *c, const char *id, uint64_t revision) {
  if (!c || !id) return NULL;
  unsigned b = hash_key(id, revision);
  pthread_mutex_lock(&c->mu);
  std_ref *r = find(c, b, id, revision);
  if (r) {
    atomic_fetch_add(&r->refs, 1);
    lru_unlink(c, r);
    lru_push_front(c, r);
    c->hits++;
  } else {
    c->misses++;
  }
  pthread_mutex_unlock(&c->mu);
  return r;
}

static bool immutable(const Pss__Catalog__V1__Standard *s) {
  return s->status == PSS__CATALOG__V1__STANDARD_STATUS__PUBLISHED ||
         s->status == PSS__CATALOG__V1__STANDARD_STATUS__SUPERSEDED;
}

std_ref *std_cache_put(std_cache *c, uint64_t revision, Pss__Catalog__V1__Standard *msg) {
  size_t bytes = estimate_bytes(msg);
  if (!c || !immutable(msg) || !msg->id || !msg->id[0] || bytes > c->max_bytes) return std_ref_wrap(msg);
  std_ref *r = calloc(1, sizeof *r);
  char *id = strdup(msg->id);
  if (!r || !id) {
    free(r);
    free(id);
    return std_ref_wrap(msg);
  }
  atomic_init(&r->refs, 2); /* the cache's and the caller's */
  r->msg = msg;
  r->id = id;
  r->revision = revision;
  r->bytes = bytes;
  r->bucket = hash_key(id, revision);
  std_ref *evicted = NULL;

  pthread_mutex_lock(&c->mu);
  std_ref *old = find(c, r->bucket, id, revision);
  if (old) { /* another call cached it meanwhile: use that one */
    atomic_fetch_add(&old->refs, 1);
    pthread_mutex_unlock(&c->mu);
    ref_destroy(r);
    return old;
  }
  r->hnext = c->buckets[r->bucket];
  c->buckets[r->bucket] = r;
  lru_push_front(c, r);
  c->bytes += bytes;
  c->entries++;
  c->inserts++;
  while (c->bytes > c->max_bytes && c->lru_tail && c->lru_tail != r) {
    std_ref *v = c->lru_tail;
    remove_entry(c, v);
    c->evictions++;
    v->hnext = evicted; /* release outside the lock */
    evicted = v;
  }
  pthread_mutex_unlock(&c->mu);
  while (evicted) {
    std_ref *n = evicted->hnext;
    std_ref_release(evicted);
    evicted = n;
  }
  return r;
}

void std_cache_get_stats(std_cache *c, std_cache_stats *out) {
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

void std_cache_free(std_cache *c) {
  if (!c) return;
  while (c->lru_head) {
    std_ref *r = c->lru_head;
    remove_entry(c, r);
    std_ref_release(r);
  }
  pthread_mutex_destroy(&c->mu);
  free(c);
}

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
