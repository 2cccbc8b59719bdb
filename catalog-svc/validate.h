/*
 * validate.h — syntax of identifiers and the field-level checks of incoming
 * resources. Every failure names the field ("standard.items[3].code: …").
 */
#ifndef PSS_VALIDATE_H
#define PSS_VALIDATE_H

#include <stdbool.h>
#include <stddef.h>

#include "cat_err.h"
#include "ids.h"
#include "catalog_types.h"

/* Limits (documented in docs/limits.md). */
#define MAX_ITEMS_PER_STANDARD 2000
#define MAX_TEXT_BYTES 8192      /* any single text field */
#define MAX_NAME_BYTES 512       /* titles, names */
#define MAX_CODE_BYTES 64        /* item codes, editions */
#define MAX_FILING_NUMBER_BYTES 128
#define MAX_REPEATED 256         /* clauses, levels, groups, refs per item */

/* Jurisdiction codes and standard ids: common/ids.h. */
static inline bool parse_standard_id(const char *id, char jur[8], char edition[MAX_CODE_BYTES + 1]) {
  return standard_id_parse(id, jur, edition);
}
static inline bool valid_edition(const char *e) { return edition_valid(e); }
bool valid_item_code(const char *c);   /* [0-9A-Za-z._-]{1,64} */
bool valid_text(const char *s, size_t max); /* UTF-8, no control chars but \n \t */

int validate_item(const Item *it, const char *path, cat_err *err);
int validate_filing(const Filing *f, const char *path, cat_err *err);

#endif
