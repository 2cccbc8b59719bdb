/* ids.c — identifier syntax; see ids.h. */
#include "ids.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

static bool all_digits(const char *s, size_t n) {
  for (size_t i = 0; i < n; i++)
    if (!isdigit((unsigned char)s[i])) return false;
  return true;
}

int jur_level(const char *code) {
  if (!code) return 0;
  if (strcmp(code, "CN") == 0) return 1;
  if (strlen(code) != 6 || !all_digits(code, 6) || memcmp(code, "00", 2) == 0) return 0;
  if (memcmp(code + 2, "0000", 4) == 0) return 2;
  if (memcmp(code + 4, "00", 2) == 0) return 3;
  return 4;
}

void jur_parent(const char *code, char out[JUR_CODE_MAX]) {
  out[0] = 0;
  switch (jur_level(code)) {
    case 2: strcpy(out, "CN"); break;
    case 3: memcpy(out, code, 2); strcpy(out + 2, "0000"); break;
    case 4: memcpy(out, code, 4); strcpy(out + 4, "00"); break;
    default: break;
  }
}

bool jur_is_ancestor(const char *anc, const char *code) {
  char p[JUR_CODE_MAX], cur[JUR_CODE_MAX];
  if (!jur_level(code)) return false;
  snprintf(cur, sizeof cur, "%s", code);
  for (;;) {
    jur_parent(cur, p);
    if (!p[0]) return false;
    if (strcmp(p, anc) == 0) return true;
    memcpy(cur, p, sizeof cur);
  }
}

void jur_prefix(const char *code, char out[JUR_CODE_MAX]) {
  out[0] = 0;
  switch (jur_level(code)) {
    case 2: memcpy(out, code, 2); out[2] = 0; break;
    case 3: memcpy(out, code, 4); out[4] = 0; break;
    case 4: memcpy(out, code, 7); break;
    default: break; /* CN: everything */
  }
}

bool code_chars_valid(const char *s, size_t max) {
  size_t n = s ? strlen(s) : 0;
  if (n == 0 || n > max) return false;
  for (size_t i = 0; i < n; i++) {
    unsigned char ch = (unsigned char)s[i];
    if (!isalnum(ch) && ch != '.' && ch != '_' && ch != '-') return false;
  }
  return true;
}

bool edition_valid(const char *e) { return code_chars_valid(e, EDITION_MAX); }

bool standard_id_parse(const char *id, char jur[JUR_CODE_MAX], char edition[EDITION_MAX + 1]) {
  const char *slash = id ? strchr(id, '/') : NULL;
  if (!slash) return false;
  size_t jl = (size_t)(slash - id);
  if (jl == 0 || jl >= JUR_CODE_MAX) return false;
  char j[JUR_CODE_MAX];
  memcpy(j, id, jl);
  j[jl] = 0;
  if (!jur_level(j) || !edition_valid(slash + 1)) return false;
  if (jur) memcpy(jur, j, jl + 1);
  if (edition) strcpy(edition, slash + 1);
  return true;
}
