/*
 * csv_items.h — the item table (服务项目表) of a standard as CSV, both ways:
 * CSV rows <-> the JSON form of pss.catalog.v1.Item (lowerCamelCase names, as
 * pbjson reads and writes them). The format is documented in docs/import-formats.md,
 * "Item tables (CSV, Excel)".
 *
 * Decoding checks every row and collects every problem as
 *   "FILE: row R, column C: what is wrong"
 * (C is the header cell as written in the file); the caller imports nothing when
 * there is any. Encoding refuses values the table cannot hold losslessly.
 *
 * Pure (no RPC); unit-tested in tests/csv/.
 */
#ifndef PSS_CLI_CSV_ITEMS_H
#define PSS_CLI_CSV_ITEMS_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "csv.h"

/* The columns, in the order export writes them. */
enum {
  CSVI_JURISDICTION, /* 行政区划代码 (optional on input: must match the standard's) */
  CSVI_CODE,         /* 编码 */
  CSVI_PARENT_CODE,  /* 上级编码 */
  CSVI_DOMAIN,       /* 领域 */
  CSVI_CATEGORY,     /* 服务类别 */
  CSVI_NAME,         /* 服务项目 */
  CSVI_TARGET,       /* 服务对象 (target.text) */
  CSVI_CONTENT,      /* 服务内容, one clause per line */
  CSVI_STANDARD,     /* 服务标准 (standardText) */
  CSVI_SPENDING,     /* 支出责任 */
  CSVI_LEAD,         /* 牵头负责单位 */
  CSVI_GROUPS,       /* 对象人群 (target.groups) */
  CSVI_LEVELS,       /* 指标 (levels) */
  CSVI_FILINGS,      /* 备案 (filingRefs) */
  CSVI_EXEMPTIONS,   /* 豁免 (exemptionRefs) */
  CSVI_NOTE,         /* 备注 */
  CSVI_NCOLS
};

/* Chinese header of column `col` (export writes these). */
const char *csv_items_header(int col);

/* The known 领域 (NULL-terminated): the 11 local domains and the national names. */
extern const char *const CSV_ITEMS_DOMAINS[];

/* "CN", or 6 digits with the GB/T 2260 structure: a real province prefix (11-15,
 * 21-23, 31-37, 41-46, 50-54, 61-65, 71, 81, 82) and no county part under a "00"
 * city part. On false, *why (if not NULL) says what is wrong. */
bool csv_items_valid_jurisdiction(const char *code, const char **why);

/* Collected problems, in row order. At most CSVI_MAX_MSGS are kept; `more` counts
 * the ones left out. */
#define CSVI_MAX_MSGS 50
typedef struct csv_msgs {
  char *v[CSVI_MAX_MSGS];
  size_t n;
  size_t more;
} csv_msgs;
void csv_msgs_free(csv_msgs *m);

/* Parses and checks an item table: data[0..len) is the file's bytes, `name` the file
 * name used in messages, `jurisdiction` the standard's (every non-empty cell of the
 * 行政区划代码 column must equal it). Returns a new JSON array of items, and in
 * *rows (malloc'd, may be NULL if not wanted) the row number of each item, when the
 * table is good; NULL with every problem in *m otherwise. */
json_t *csv_items_decode(const char *name, const char *data, size_t len,
                         const char *jurisdiction, size_t **rows, csv_msgs *m);

/* The same for a file ("-" = standard input); I/O errors go to *m too. */
json_t *csv_items_decode_file(const char *path, const char *jurisdiction, size_t **rows,
                              csv_msgs *m);

/* Writes the table for `items` (a JSON array as pbjson_from_message gives it): BOM,
 * header, one row per item, CRLF. Returns 0, or -1 with err naming the item and field
 * that the table cannot represent (nothing useful is left in f then). */
int csv_items_encode(FILE *f, const json_t *items, const char *jurisdiction, char *err,
                     size_t errlen);

/* Shortest decimal text that reads back as exactly v, without an exponent for the
 * usual magnitudes ("97", "0.5", "19332"). */
void csv_items_format_number(double v, char *out, size_t outlen);

#endif
