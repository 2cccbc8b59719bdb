/* csv.c — RFC 4180 reader and writer (see csv.h for the accepted dialect). */
#include "csv.h"

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------- growable buffers */

typedef struct {
  char *p;
  size_t n, cap;
} buf;

static int buf_put(buf *b, char c) {
  if (b->n + 2 > b->cap) {
    size_t cap = b->cap ? b->cap * 2 : 64;
    char *p = realloc(b->p, cap);
    if (!p) return -1;
    b->p = p;
    b->cap = cap;
  }
  b->p[b->n++] = c;
  return 0;
}

static char *buf_take(buf *b) {
  char *s = b->p ? b->p : malloc(1);
  if (!s) return NULL;
  s[b->n] = '\0';
  b->p = NULL;
  b->n = b->cap = 0;
  return s;
}

typedef struct {
  char **v;
  size_t n, cap;
} strvec;

static int vec_push(strvec *v, char *s) {
  if (v->n == v->cap) {
    size_t cap = v->cap ? v->cap * 2 : 16;
    char **p = realloc(v->v, cap * sizeof *p);
    if (!p) return -1;
    v->v = p;
    v->cap = cap;
  }
  v->v[v->n++] = s;
  return 0;
}

static void vec_free(strvec *v) {
  for (size_t i = 0; i < v->n; i++) free(v->v[i]);
  free(v->v);
  memset(v, 0, sizeof *v);
}

/* ------------------------------------------------------------------ the reader */

static void set_err(csv_error *e, size_t row, size_t field, size_t line, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
static void set_err(csv_error *e, size_t row, size_t field, size_t line, const char *fmt, ...) {
  if (!e) return;
  e->row = row;
  e->field = field;
  e->line = line;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(e->msg, sizeof e->msg, fmt, ap);
  va_end(ap);
}

/* Length of the valid UTF-8 prefix of s[0..n) (strict: no overlongs, surrogates,
 * code points above U+10FFFF or NUL). Equals n when all of it is valid. */
static size_t utf8_valid_prefix(const unsigned char *s, size_t n) {
  size_t i = 0;
  while (i < n) {
    unsigned char c = s[i];
    if (c == 0) return i;
    if (c < 0x80) {
      i++;
      continue;
    }
    size_t len;
    uint32_t cp;
    if (c >= 0xC2 && c <= 0xDF) {
      len = 2;
      cp = c & 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
      len = 3;
      cp = c & 0x0F;
    } else if (c >= 0xF0 && c <= 0xF4) {
      len = 4;
      cp = c & 0x07;
    } else {
      return i;
    }
    if (i + len > n) return i;
    for (size_t k = 1; k < len; k++) {
      if ((s[i + k] & 0xC0) != 0x80) return i;
      cp = (cp << 6) | (s[i + k] & 0x3F);
    }
    if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ||
        (cp >= 0xD800 && cp <= 0xDFFF))
      return i;
    i += len;
  }
  return i;
}

static int finish_record(csv_table *t, strvec *fields, size_t line) {
  csv_row *rows = realloc(t->rows, (t->n_rows + 1) * sizeof *rows);
  if (!rows) return -1;
  t->rows = rows;
  rows[t->n_rows].fields = fields->v;
  rows[t->n_rows].n_fields = fields->n;
  rows[t->n_rows].line = line;
  t->n_rows++;
  memset(fields, 0, sizeof *fields);
  return 0;
}

int csv_parse(const char *data, size_t len, csv_table *t, csv_error *err) {
  memset(t, 0, sizeof *t);
  if (err) memset(err, 0, sizeof *err);
  const unsigned char *s = (const unsigned char *)data;
  size_t i = 0;
  if (len >= 3 && s[0] == 0xEF && s[1] == 0xBB && s[2] == 0xBF) {
    t->bom = true;
    i = 3;
  }
  buf field = {0};
  strvec fields = {0};
  size_t line = 1;         /* current physical line */
  size_t rec_line = 1;     /* line the current record started on */
  bool in_record = false;  /* something of the current record was read */
  int rc = 0;

  while (i < len || in_record) {
    size_t row = t->n_rows + 1, col = fields.n + 1;
    bool quoted = false;
    size_t field_line = line;
    if (!in_record) rec_line = line;
    in_record = true;
    if (i < len && s[i] == '"') {
      /* quoted field */
      quoted = true;
      i++;
      for (;;) {
        if (i >= len) {
          set_err(err, row, col, field_line,
                  "unterminated quoted field: the '\"' opened on line %zu is never closed",
                  field_line);
          rc = -1;
          goto out;
        }
        unsigned char c = s[i];
        if (c == '"') {
          if (i + 1 < len && s[i + 1] == '"') {
            if (buf_put(&field, '"')) goto oom;
            i += 2;
            continue;
          }
          i++;
          break;
        }
        if (c == '\n' || (c == '\r' && !(i + 1 < len && s[i + 1] == '\n'))) line++;
        if (buf_put(&field, (char)c)) goto oom;
        i++;
      }
      if (i < len && s[i] != ',' && s[i] != '\r' && s[i] != '\n') {
        if (line != field_line)
          set_err(err, row, col, field_line,
                  "broken quoting: the quoted field opened on line %zu runs to line %zu and is "
                  "followed by text there; a closing '\"' is missing (or a '\"' is not doubled)",
                  field_line, line);
        else
          set_err(err, row, col, line,
                  "broken quoting: text after the closing '\"' of a quoted field "
                  "(a '\"' inside a field must be doubled: \"\")");
        rc = -1;
        goto out;
      }
    } else {
      while (i < len && s[i] != ',' && s[i] != '\r' && s[i] != '\n') {
        if (s[i] == '"') {
          set_err(err, row, col, line,
                  "broken quoting: '\"' inside an unquoted field (quote the whole field and "
                  "double the '\"')");
          rc = -1;
          goto out;
        }
        if (buf_put(&field, (char)s[i])) goto oom;
        i++;
      }
    }
    (void)quoted;
    size_t ok = utf8_valid_prefix((const unsigned char *)(field.p ? field.p : ""), field.n);
    if (ok != field.n) {
      if (field.p[ok] == '\0')
        set_err(err, row, col, field_line, "NUL byte in the field");
      else
        set_err(err, row, col, field_line,
                "not valid UTF-8 (byte 0x%02X at offset %zu of the field); save the sheet as "
                "\"CSV UTF-8\" (Excel: 另存为 → CSV UTF-8（逗号分隔）)",
                (unsigned char)field.p[ok], ok);
      rc = -1;
      goto out;
    }
    char *f = buf_take(&field);
    if (!f || vec_push(&fields, f)) {
      free(f);
      goto oom;
    }
    /* what ends the field */
    if (i < len && s[i] == ',') {
      i++;
      if (i >= len) {
        /* "a,b," at the very end: one more (empty) field, then the record ends */
        char *e = strdup("");
        if (!e || vec_push(&fields, e)) {
          free(e);
          goto oom;
        }
      } else {
        continue;
      }
    } else if (i < len) { /* CR, LF or CRLF */
      if (s[i] == '\r' && i + 1 < len && s[i + 1] == '\n') i++;
      i++;
      line++;
    }
    if (finish_record(t, &fields, rec_line)) goto oom;
    in_record = false;
  }
out:
  free(field.p);
  vec_free(&fields);
  return rc;
oom:
  set_err(err, t->n_rows + 1, 0, line, "out of memory");
  rc = -1;
  goto out;
}

int csv_read_file(const char *path, csv_table *t, csv_error *err) {
  memset(t, 0, sizeof *t);
  if (err) memset(err, 0, sizeof *err);
  bool is_stdin = strcmp(path, "-") == 0;
  FILE *f = is_stdin ? stdin : fopen(path, "rb");
  if (!f) {
    set_err(err, 0, 0, 0, "%s", strerror(errno));
    return -1;
  }
  buf b = {0};
  char chunk[65536];
  size_t n;
  int rc = 0;
  while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
    if (b.n + n > CSV_MAX_BYTES) {
      set_err(err, 0, 0, 0, "larger than %u bytes", CSV_MAX_BYTES);
      rc = -1;
      break;
    }
    if (b.n + n + 1 > b.cap) {
      size_t cap = b.cap ? b.cap : 65536;
      while (cap < b.n + n + 1) cap *= 2;
      char *p = realloc(b.p, cap);
      if (!p) {
        set_err(err, 0, 0, 0, "out of memory");
        rc = -1;
        break;
      }
      b.p = p;
      b.cap = cap;
    }
    memcpy(b.p + b.n, chunk, n);
    b.n += n;
  }
  if (rc == 0 && ferror(f)) {
    set_err(err, 0, 0, 0, "%s", strerror(errno ? errno : EIO));
    rc = -1;
  }
  if (!is_stdin) fclose(f);
  if (rc == 0) rc = csv_parse(b.p ? b.p : "", b.n, t, err);
  free(b.p);
  return rc;
}

void csv_free(csv_table *t) {
  if (!t) return;
  for (size_t r = 0; r < t->n_rows; r++) {
    for (size_t k = 0; k < t->rows[r].n_fields; k++) free(t->rows[r].fields[k]);
    free(t->rows[r].fields);
  }
  free(t->rows);
  memset(t, 0, sizeof *t);
}

/* ------------------------------------------------------------------ the writer */

static bool needs_quotes(const char *s) {
  if (!*s) return false;
  if (strpbrk(s, ",\"\r\n")) return true;
  size_t n = strlen(s);
  return s[0] == ' ' || s[0] == '\t' || s[n - 1] == ' ' || s[n - 1] == '\t';
}

int csv_write_row(FILE *f, const char *const *fields, size_t n) {
  for (size_t k = 0; k < n; k++) {
    const char *s = fields[k] ? fields[k] : "";
    if (k) fputc(',', f);
    if (needs_quotes(s)) {
      fputc('"', f);
      for (; *s; s++) {
        if (*s == '"') fputc('"', f);
        fputc(*s, f);
      }
      fputc('"', f);
    } else {
      fputs(s, f);
    }
  }
  fputs("\r\n", f);
  return ferror(f) ? -1 : 0;
}

int csv_write_bom(FILE *f) {
  fputs("\xEF\xBB\xBF", f);
  return ferror(f) ? -1 : 0;
}
