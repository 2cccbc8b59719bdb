/*
 * ids.h — syntax of the identifiers comparison-svc accepts: standard ids
 * ("330782/2021") and jurisdiction codes ("CN" or 6 digits, GB/T 2260). Checked
 * before anything is asked of the catalog, so a bad request is INVALID_ARGUMENT
 * naming the field, never a catalog round trip.
 */
#ifndef PSS_CMP_IDS_H
#define PSS_CMP_IDS_H

#include <stdbool.h>
#include <stddef.h>

#define ID_JUR_MAX 8       /* "CN" / "330782" + NUL, with room */
#define ID_EDITION_MAX 16

/* 1 national, 2 province, 3 city, 4 county; 0 = not a jurisdiction code. */
int id_jur_level(const char *code);

/* true when id is JURISDICTION/EDITION; jur / edition receive the parts (may be NULL). */
bool id_parse_standard(const char *id, char jur[ID_JUR_MAX], char edition[ID_EDITION_MAX + 1]);

/* The jurisdiction-code prefix that selects code and everything under it:
 * "CN" -> "", "330000" -> "33", "330700" -> "3307", county -> the code. */
void id_jur_prefix(const char *code, char out[ID_JUR_MAX]);

#endif
