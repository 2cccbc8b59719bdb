/* ids.c — comparison-svc's names for the shared identifier syntax (common/ids.h). */
#include "ids.h"

#include "../common/ids.h"

int id_jur_level(const char *code) { return jur_level(code); }

bool id_parse_standard(const char *id, char jur[ID_JUR_MAX], char edition[ID_EDITION_MAX + 1]) {
  return standard_id_parse(id, jur, edition);
}

void id_jur_prefix(const char *code, char out[ID_JUR_MAX]) { jur_prefix(code, out); }
