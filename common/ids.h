/*
 * ids.h — the syntax of identifiers, one definition for every service and the CLI:
 * jurisdiction codes ("CN" or a 6-digit GB/T 2260 code whose structure implies its
 * ancestry: province xx0000, city xxxx00, county otherwise) and standard ids
 * ("330782/2021" = JURISDICTION/EDITION, edition 1-16 of [0-9A-Za-z._-]).
 */
#ifndef PSS_IDS_H
#define PSS_IDS_H

#include <stdbool.h>
#include <stddef.h>

#define JUR_CODE_MAX 8      /* "330782" + NUL, with room */
#define EDITION_MAX 16

/* 1 national, 2 province, 3 city, 4 county; 0 = not a jurisdiction code. */
int jur_level(const char *code);
/* The parent code ("CN" for a province, "" for CN) of a valid code. */
void jur_parent(const char *code, char out[JUR_CODE_MAX]);
/* anc is a strict ancestor of code. */
bool jur_is_ancestor(const char *anc, const char *code);
/* The code prefix that selects code and everything under it: "CN" -> "",
 * "330000" -> "33", "330700" -> "3307", a county -> its code. */
void jur_prefix(const char *code, char out[JUR_CODE_MAX]);

/* 1..max characters of [0-9A-Za-z._-] (item codes: 64, editions: 16). */
bool code_chars_valid(const char *s, size_t max);
bool edition_valid(const char *e);
/* id is JURISDICTION/EDITION with both parts valid; jur/edition receive the parts
 * (either may be NULL). */
bool standard_id_parse(const char *id, char jur[JUR_CODE_MAX], char edition[EDITION_MAX + 1]);

#endif
