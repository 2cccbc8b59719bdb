/* arena.c — bump allocation for one call; everything is freed at once. */
#include "arena.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

struct arena_chunk {
  arena_chunk *next;
  size_t size;                 /* usable bytes in data */
  _Alignas(16) unsigned char data[];
};

enum { ARENA_FIRST = 4096, ARENA_ALIGN = 16 };

static void *pb_alloc(void *data, size_t n) { return arena_alloc(data, n); }
static void pb_free(void *data, void *p) { (void)data; (void)p; }

void arena_init(arena *a) {
  a->head = NULL;
  a->used = 0;
  a->pb.alloc = pb_alloc;
  a->pb.free = pb_free;
  a->pb.allocator_data = a;
}

void *arena_alloc(arena *a, size_t n) {
  if (n == 0) n = 1;
  size_t need = (n + ARENA_ALIGN - 1) & ~(size_t)(ARENA_ALIGN - 1);
  if (need < n) return NULL;
  if (!a->head || a->head->size - a->used < need) {
    size_t size = a->head ? a->head->size * 2 : ARENA_FIRST;
    if (size > 1u << 20) size = 1u << 20;
    if (size < need) size = need;
    arena_chunk *c = malloc(sizeof *c + size);
    if (!c) return NULL;
    c->size = size;
    if (a->head && a->head->size - a->used >= ARENA_FIRST && need > a->head->size / 2) {
      /* big allocation: keep using the current chunk for later small ones */
      c->next = a->head->next;
      a->head->next = c;
      memset(c->data, 0, n);
      return c->data;
    }
    c->next = a->head;
    a->head = c;
    a->used = 0;
  }
  void *p = a->head->data + a->used;
  a->used += need;
  memset(p, 0, n);
  return p;
}

char *arena_strndup(arena *a, const char *s, size_t n) {
  char *p = arena_alloc(a, n + 1);
  if (!p) return NULL;
  if (n) memcpy(p, s, n);
  p[n] = '\0';
  return p;
}

char *arena_strdup(arena *a, const char *s) {
  return s ? arena_strndup(a, s, strlen(s)) : NULL;
}

void arena_reset(arena *a) {
  arena_chunk *c = a->head, *first = NULL;
  while (c) {
    arena_chunk *next = c->next;
    if (!next) first = c; else free(c);
    c = next;
  }
  a->head = first;
  if (first) first->next = NULL;
  a->used = 0;
}

void arena_trim(arena *a, size_t keep) {
  arena_reset(a);
  if (a->head && a->head->size > keep) arena_destroy(a);
}

void arena_destroy(arena *a) {
  arena_chunk *c = a->head;
  while (c) {
    arena_chunk *next = c->next;
    free(c);
    c = next;
  }
  a->head = NULL;
  a->used = 0;
}
