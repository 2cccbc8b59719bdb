/* arena.h — a per-call bump arena, and a ProtobufCAllocator over it.
 * Not thread-safe: one arena is used by one call at a time. */
#ifndef PSS_ARENA_H
#define PSS_ARENA_H

#include <protobuf-c/protobuf-c.h>
#include <stddef.h>

typedef struct arena_chunk arena_chunk;

typedef struct arena {
  arena_chunk *head;          /* current chunk (list of all chunks, newest first) */
  size_t used;                /* bytes used in head */
  ProtobufCAllocator pb;      /* allocator_data = this arena; free is a no-op */
} arena;

void arena_init(arena *a);
void *arena_alloc(arena *a, size_t n);          /* zeroed, 16-byte aligned; NULL on OOM */
char *arena_strndup(arena *a, const char *s, size_t n);
char *arena_strdup(arena *a, const char *s);
void arena_reset(arena *a);                     /* frees everything but the first chunk */
/* arena_reset, keeping the first chunk only if it holds at most `keep` bytes (an arena
 * recycled with its call context must not pin one big reply's memory). */
void arena_trim(arena *a, size_t keep);
void arena_destroy(arena *a);

#endif
