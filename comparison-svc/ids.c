/* ids.c — see ids.h. */
#include "ids.h"

#include <ctype.h>
#include <string.h>

static bool all_digits(const char *s, size_t n) {
  for (size_t i = 0; i < n; i++)
    if (!isdigit((unsigned char)s[i])) return false;
  return true;
}

int id_jur_level(const char *code) {
  if (!code) return 0;
  if (strcmp(code, "CN") == 0) return 1;
  if (strlen(code) != 6 || !all_digits(code, 6) || memcmp(code, "00", 2) == 0) return 0;
  if (memcmp(code + 2, "0000", 4) == 0) return 2;
  if (memcmp(code + 4, "00", 2) == 0) return 3;
  return 4;
}

bool id_parse_standard(const char *id, char jur[ID_JUR_MAX], char edition[ID_EDITION_MAX + 1]) {
  if (!id) return false;
  const char *slash = strchr(id, '/');
  if (!slash) return false;
  size_t jl = (size_t)(slash - id), el = strlen(slash + 1);
  if (jl == 0 || jl >= ID_JUR_MAX || el == 0 || el > ID_EDITION_MAX) return false;
  char j[ID_JUR_MAX];
  memcpy(j, id, jl);
  j[jl] = 0;
  if (!id_jur_level(j)) return false;
  for (const char *p = slash + 1; *p; p++)
    if (!isalnum((unsigned char)*p) && *p != '.' && *p != '_' && *p != '-') return false;
  if (jur) memcpy(jur, j, jl + 1);
  if (edition) memcpy(edition, slash + 1, el + 1);
  return true;
}

void id_jur_prefix(const char *code, char out[ID_JUR_MAX]) {
  out[0] = 0;
  switch (id_jur_level(code)) {
    case 2: memcpy(out, code, 2); out[2] = 0; break;
    case 3: memcpy(out, code, 4); out[4] = 0; break;
    case 4: memcpy(out, code, 7); break;
    default: break; /* CN: everything */
  }
}
