/*
 * csv.h — RFC 4180 CSV reader and writer (the Excel path for officials).
 *
 * Reader: UTF-8 with or without a BOM; fields separated by ','; records end with CRLF,
 * LF or a lone CR; a field that starts with '"' is quoted: it may hold ',', line
 * breaks and '""' (one '"'), and must be followed by ',' or the end of the record.
 * Broken quoting is an error, never guessed around: a '"' inside an unquoted field,
 * anything but ',' or a line break after a closing quote, and a quote still open at
 * the end of the file. A line break after the last record does not make an empty
 * record. Every field must be valid UTF-8 without NUL bytes.
 *
 * Rows are records, numbered from 1 as a spreadsheet numbers them (the header is row
 * 1); a record with line breaks inside quotes is one row spanning several lines.
 *
 * Writer: every record ends with CRLF; a field is quoted when it holds ',', '"', CR,
 * LF or starts or ends with a space or tab.
 *
 * Pure (no RPC); unit-tested in tests/csv/.
 */
#ifndef PSS_CLI_CSV_H
#define PSS_CLI_CSV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

typedef struct csv_row {
  char **fields;   /* n_fields NUL-terminated strings */
  size_t n_fields;
  size_t line;     /* physical line (1-based) the record starts on */
} csv_row;

typedef struct csv_table {
  csv_row *rows;   /* rows[0] is row 1 */
  size_t n_rows;
  bool bom;        /* the input started with a UTF-8 BOM */
} csv_table;

typedef struct csv_error {
  size_t row;      /* 1-based row of the problem; 0 = not about a row (I/O) */
  size_t field;    /* 1-based field (column) number; 0 = the whole row */
  size_t line;     /* 1-based physical line */
  char msg[256];
} csv_error;

/* Parses data[0..len). Returns 0 with every record in *t, or -1 with *err filled;
 * on error *t still holds the complete records before the bad one (free it either
 * way with csv_free). */
int csv_parse(const char *data, size_t len, csv_table *t, csv_error *err);

/* Reads `path` ("-" = standard input) and parses it; at most CSV_MAX_BYTES. */
#define CSV_MAX_BYTES (64u * 1024u * 1024u)
int csv_read_file(const char *path, csv_table *t, csv_error *err);

void csv_free(csv_table *t);

/* Writes one record (fields quoted as needed) and CRLF. Returns 0 or -1 (ferror). */
int csv_write_row(FILE *f, const char *const *fields, size_t n);

/* Writes the UTF-8 BOM. */
int csv_write_bom(FILE *f);

#endif
