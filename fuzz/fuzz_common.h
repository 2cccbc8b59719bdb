/*
 * fuzz_common.h — small helpers shared by the fuzz targets in fuzz/.
 *
 * Every target defines LLVMFuzzerTestOneInput (and optionally LLVMFuzzerInitialize).
 * The same source is linked twice:
 *   - with -fsanitize=fuzzer (clang, PSS_FUZZ=ON): the libFuzzer target fuzz/<name>;
 *   - with driver_main.c (any compiler, the normal build): tests/fuzz's regression
 *     program that replays the kept inputs of tests/fuzz/regressions/<name>/.
 * FUZZ_CHECK() aborts on a broken invariant so that both report it as a crash.
 */
#ifndef PSS_FUZZ_COMMON_H
#define PSS_FUZZ_COMMON_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

#define FUZZ_CHECK(cond)                                                          \
  do {                                                                            \
    if (!(cond)) {                                                                \
      fprintf(stderr, "%s:%d: fuzz invariant failed: %s\n", __FILE__, __LINE__,   \
              #cond);                                                             \
      abort();                                                                    \
    }                                                                             \
  } while (0)

/* Reads a little-endian u32 length-prefixed chunk; returns 0 when the input is used up.
 * A length past the end takes the rest of the input (keeps mutations meaningful). */
static inline int fuzz_chunk(const uint8_t **p, size_t *left, const uint8_t **chunk,
                             size_t *len) {
  if (*left < 4) return 0;
  uint32_t n = (uint32_t)(*p)[0] | (uint32_t)(*p)[1] << 8 | (uint32_t)(*p)[2] << 16 |
               (uint32_t)(*p)[3] << 24;
  *p += 4;
  *left -= 4;
  if (n > *left) n = (uint32_t)*left;
  *chunk = *p;
  *len = n;
  *p += n;
  *left -= n;
  return 1;
}

#endif
