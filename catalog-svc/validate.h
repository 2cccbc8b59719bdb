/*
 * validate.h — syntax of identifiers and the field-level checks of incoming
 * resources. Every failure names the field ("standard.items[3].code: …").
 */
#ifndef PSS_VALIDATE_H
#define PSS_VALIDATE_H

#include <stdbool.h>
#include <stddef.h>

#include "cat_err.h"
#include "catalog_types.h"

/* Limits (documented in docs/limits.md). */
#define MAX_ITEMS_PER_STANDARD 2000
#define MAX_TEXT_BYTES 8192      /* any single text field */
#define MAX_NAME_BYTES 512       /* titles, names */
#define MAX_CODE_BYTES 64        /* item codes, editions */
#define MAX_FILING_NUMBER_BYTES 128
#define MAX_REPEATED 256         /* clauses, levels, groups, refs per item */

/* "CN" or a 6-digit GB/T 2260 code (province xx0000, city xxxx00, county). Returns the
 * level (1..4) or 0 if invalid. */
int jur_level(const char *code);
/* Parent code of a valid code into out[7] ("CN" for provinces, "" for CN). */
void jur_parent(const char *code, char out[8]);
/* anc is a strict ancestor of code. */
bool jur_is_ancestor(const char *anc, const char *code);

/* Splits "330782/2021" into jurisdiction and edition; both validated. */
bool parse_standard_id(const char *id, char jur[8], char edition[MAX_CODE_BYTES + 1]);
bool valid_edition(const char *e);
bool valid_item_code(const char *c);   /* [0-9A-Za-z._-]{1,64} */
bool valid_text(const char *s, size_t max); /* UTF-8, no control chars but \n \t */

int validate_item(const Item *it, const char *path, cat_err *err);
int validate_filing(const Filing *f, const char *path, cat_err *err);

#endif
