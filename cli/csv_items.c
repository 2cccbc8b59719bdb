/* csv_items.c — the item table as CSV <-> Item JSON (see csv_items.h and
 * docs/import-formats.md "Item tables (CSV, Excel)"). */
#include "csv_items.h"

#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ------------------------------------------------------------------ vocabulary */

typedef struct {
  const char *zh;            /* header written by export */
  const char *aliases[4];    /* also accepted (English ones case-insensitively) */
  bool required;
} column_def;

static const column_def COLUMNS[CSVI_NCOLS] = {
    [CSVI_JURISDICTION] = {"行政区划代码", {"jurisdiction", "行政区划", NULL}, false},
    [CSVI_CODE] = {"编码", {"code", "项目编码", NULL}, true},
    [CSVI_PARENT_CODE] = {"上级编码", {"parent_code", "parentCode", NULL}, false},
    [CSVI_DOMAIN] = {"领域", {"domain", NULL}, true},
    [CSVI_CATEGORY] = {"服务类别", {"category", NULL}, false},
    [CSVI_NAME] = {"服务项目", {"name", NULL}, true},
    [CSVI_TARGET] = {"服务对象", {"target", NULL}, false},
    [CSVI_CONTENT] = {"服务内容", {"content", NULL}, false},
    [CSVI_STANDARD] = {"服务标准", {"standard_text", "standardText", NULL}, false},
    [CSVI_SPENDING] = {"支出责任", {"spending", NULL}, false},
    [CSVI_LEAD] = {"牵头负责单位", {"lead_department", "leadDepartment", "牵头单位", NULL}, false},
    [CSVI_GROUPS] = {"对象人群", {"target_groups", "groups", NULL}, false},
    [CSVI_LEVELS] = {"指标", {"levels", NULL}, false},
    [CSVI_FILINGS] = {"备案", {"filing_refs", "filingRefs", NULL}, false},
    [CSVI_EXEMPTIONS] = {"豁免", {"exemption_refs", "exemptionRefs", NULL}, false},
    [CSVI_NOTE] = {"备注", {"note", NULL}, false},
};

/* Columns that are accepted and ignored (a spreadsheet's running number). */
static const char *const IGNORED_COLUMNS[] = {"序号", "no", "#", NULL};

const char *csv_items_header(int col) {
  return col >= 0 && col < CSVI_NCOLS ? COLUMNS[col].zh : "?";
}

const char *const CSV_ITEMS_DOMAINS[] = {
    "幼有所育", "学有所教", "劳有所得", "病有所医", "老有所养", "住有所居", "弱有所扶",
    "军有所抚", "优军服务保障", "文有所化", "体有所健", "文体服务保障", "事有所便", NULL};

typedef struct {
  const char *token;
  const char *json; /* enum name */
} word;

static const word COMPARATORS[] = {
    {"≥", "GE"}, {">=", "GE"}, {"GE", "GE"}, {"不低于", "GE"}, {"不少于", "GE"},
    {"≤", "LE"}, {"<=", "LE"}, {"LE", "LE"}, {"不高于", "LE"}, {"不超过", "LE"},
    {"=", "EQ"}, {"==", "EQ"}, {"EQ", "EQ"}, {"等于", "EQ"},
    {"~", "RANGE"}, {"～", "RANGE"}, {"RANGE", "RANGE"}, {"区间", "RANGE"},
    {NULL, NULL}};
static const word DIRECTIONS[] = {
    {"高优", "HIGHER_IS_BETTER"}, {"越高越好", "HIGHER_IS_BETTER"},
    {"HIGHER_IS_BETTER", "HIGHER_IS_BETTER"}, {"HIGHER", "HIGHER_IS_BETTER"},
    {"↑", "HIGHER_IS_BETTER"},
    {"低优", "LOWER_IS_BETTER"}, {"越低越好", "LOWER_IS_BETTER"},
    {"LOWER_IS_BETTER", "LOWER_IS_BETTER"}, {"LOWER", "LOWER_IS_BETTER"},
    {"↓", "LOWER_IS_BETTER"},
    {NULL, NULL}};
static const word RESIDENCIES[] = {
    {"常住", "RESIDENT"}, {"户籍", "HOUSEHOLD"}, {"居住证", "RESIDENCE_PERMIT"},
    {"未指定", "RESIDENCY_UNSPECIFIED"},
    {"RESIDENT", "RESIDENT"}, {"HOUSEHOLD", "HOUSEHOLD"},
    {"RESIDENCE_PERMIT", "RESIDENCE_PERMIT"}, {"RESIDENCY_UNSPECIFIED", "RESIDENCY_UNSPECIFIED"},
    {"UNSPECIFIED", "RESIDENCY_UNSPECIFIED"},
    {NULL, NULL}};

/* What export writes for an enum name. */
static const word COMPARATOR_OUT[] = {
    {"GE", "≥"}, {"LE", "≤"}, {"EQ", "="}, {"RANGE", "~"}, {NULL, NULL}};
static const word DIRECTION_OUT[] = {
    {"HIGHER_IS_BETTER", "高优"}, {"LOWER_IS_BETTER", "低优"}, {NULL, NULL}};
static const word RESIDENCY_OUT[] = {{"RESIDENT", "常住"},
                                     {"HOUSEHOLD", "户籍"},
                                     {"RESIDENCE_PERMIT", "居住证"},
                                     {"RESIDENCY_UNSPECIFIED", "未指定"},
                                     {NULL, NULL}};

static const char *lookup(const word *w, const char *s) {
  for (; w->token; w++)
    if (strcasecmp(w->token, s) == 0) return w->json;
  return NULL;
}

static bool known_domain(const char *d) {
  for (const char *const *p = CSV_ITEMS_DOMAINS; *p; p++)
    if (strcmp(*p, d) == 0) return true;
  return false;
}

bool csv_items_valid_jurisdiction(const char *code, const char **why) {
  const char *dummy;
  if (!why) why = &dummy;
  *why = NULL;
  if (!code || !*code) {
    *why = "empty";
    return false;
  }
  if (strcmp(code, "CN") == 0) return true;
  size_t n = strlen(code);
  for (size_t i = 0; i < n; i++)
    if (!isdigit((unsigned char)code[i])) {
      *why = "must be \"CN\" or 6 digits";
      return false;
    }
  if (n != 6) {
    *why = "must be \"CN\" or 6 digits";
    return false;
  }
  int prov = (code[0] - '0') * 10 + (code[1] - '0');
  static const int PROVINCES[] = {11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37,
                                  41, 42, 43, 44, 45, 46, 50, 51, 52, 53, 54, 61, 62, 63, 64,
                                  65, 71, 81, 82};
  bool ok = false;
  for (size_t i = 0; i < sizeof PROVINCES / sizeof PROVINCES[0]; i++)
    if (PROVINCES[i] == prov) ok = true;
  if (!ok) {
    *why = "the first two digits are no GB/T 2260 province";
    return false;
  }
  if (memcmp(code + 2, "00", 2) == 0 && memcmp(code + 4, "00", 2) != 0) {
    *why = "a county part under city part 00 is not GB/T 2260";
    return false;
  }
  return true;
}

/* ------------------------------------------------------------------- messages */

void csv_msgs_free(csv_msgs *m) {
  for (size_t i = 0; i < m->n; i++) free(m->v[i]);
  memset(m, 0, sizeof *m);
}

static void msg_add(csv_msgs *m, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void msg_add(csv_msgs *m, const char *fmt, ...) {
  if (m->n >= CSVI_MAX_MSGS) {
    m->more++;
    return;
  }
  va_list ap;
  va_start(ap, fmt);
  char *s = NULL;
  if (vasprintf(&s, fmt, ap) < 0) s = NULL;
  va_end(ap);
  if (s)
    m->v[m->n++] = s;
  else
    m->more++;
}

static size_t msgs_total(const csv_msgs *m) { return m->n + m->more; }

/* ---------------------------------------------------------------- text helpers */

/* Whitespace that is trimmed from structured cells: ASCII blanks and U+3000. */
static size_t ws_len(const char *s) {
  if (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n') return 1;
  if ((unsigned char)s[0] == 0xE3 && (unsigned char)s[1] == 0x80 && (unsigned char)s[2] == 0x80)
    return 3;
  return 0;
}

static size_t ws_len_before(const char *start, const char *end) {
  if (end > start) {
    char c = end[-1];
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n') return 1;
  }
  if (end - start >= 3 && (unsigned char)end[-3] == 0xE3 && (unsigned char)end[-2] == 0x80 &&
      (unsigned char)end[-1] == 0x80)
    return 3;
  return 0;
}

/* New string: s[0..n) without leading/trailing whitespace. */
static char *trim_dup(const char *s, size_t n) {
  const char *e = s + n;
  size_t k;
  while (s < e && (k = ws_len(s)) > 0) s += k;
  while (e > s && (k = ws_len_before(s, e)) > 0) e -= k;
  return strndup(s, (size_t)(e - s));
}

static bool is_trimmed(const char *s) {
  size_t n = strlen(s);
  return n == 0 || (ws_len(s) == 0 && ws_len_before(s, s + n) == 0);
}

static bool is_blank(const char *s) {
  size_t k;
  while (*s && (k = ws_len(s)) > 0) s += k;
  return *s == '\0';
}

typedef struct {
  char **v;
  size_t n;
} list;

static void list_free(list *l) {
  for (size_t i = 0; i < l->n; i++) free(l->v[i]);
  free(l->v);
  l->v = NULL;
  l->n = 0;
}

static int list_push(list *l, char *s) {
  if (!s) return -1;
  char **v = realloc(l->v, (l->n + 1) * sizeof *v);
  if (!v) {
    free(s);
    return -1;
  }
  l->v = v;
  l->v[l->n++] = s;
  return 0;
}

/* Separators of list cells: LF always; with `semi` also ';' and '；' (U+FF1B). */
static size_t sep_len(const char *s, bool semi) {
  if (*s == '\n') return 1;
  if (semi && *s == ';') return 1;
  if (semi && (unsigned char)s[0] == 0xEF && (unsigned char)s[1] == 0xBC &&
      (unsigned char)s[2] == 0x9B)
    return 3;
  return 0;
}

/* Splits a list cell into entries. Blank entries are skipped. trim: entries are
 * trimmed; otherwise only a CR before the LF is dropped (content clauses are kept as
 * written). */
static int split_cell(const char *cell, bool semi, bool trim, list *out) {
  const char *p = cell;
  for (;;) {
    const char *q = p;
    while (*q && !sep_len(q, semi)) q++;
    size_t n = (size_t)(q - p);
    char *e;
    if (trim) {
      e = trim_dup(p, n);
    } else {
      if (n && p[n - 1] == '\r') n--;
      e = strndup(p, n);
    }
    if (!e) return -1;
    if (is_blank(e))
      free(e);
    else if (list_push(out, e))
      return -1;
    if (!*q) break;
    p = q + sep_len(q, semi);
  }
  return 0;
}

/* Strict decimal number: [+-]digits[.digits][(e|E)[+-]digits], or [+-].digits. */
static bool parse_number(const char *s, double *out) {
  const char *p = s;
  if (*p == '+' || *p == '-') p++;
  size_t digits = 0;
  while (isdigit((unsigned char)*p)) p++, digits++;
  if (*p == '.') {
    p++;
    while (isdigit((unsigned char)*p)) p++, digits++;
  }
  if (!digits) return false;
  if (*p == 'e' || *p == 'E') {
    p++;
    if (*p == '+' || *p == '-') p++;
    if (!isdigit((unsigned char)*p)) return false;
    while (isdigit((unsigned char)*p)) p++;
  }
  if (*p) return false;
  char *end;
  double v = strtod(s, &end);
  if (*end || !isfinite(v)) return false;
  *out = v;
  return true;
}

void csv_items_format_number(double v, char *out, size_t outlen) {
  char tmp[64];
  for (int p = 1; p <= 17; p++) {
    snprintf(tmp, sizeof tmp, "%.*g", p, v);
    if (strtod(tmp, NULL) == v) break;
  }
  if (strchr(tmp, 'e') && fabs(v) >= 1e-6 && fabs(v) < 1e17) {
    /* prefer plain notation for the magnitudes a standard uses */
    for (int p = 0; p <= 24; p++) {
      char f[64];
      snprintf(f, sizeof f, "%.*f", p, v);
      if (strtod(f, NULL) == v) {
        snprintf(tmp, sizeof tmp, "%s", f);
        break;
      }
    }
  }
  snprintf(out, outlen, "%s", tmp);
}

/* ------------------------------------------------------------------- decoding */

typedef struct {
  const char *name;       /* file name */
  const csv_table *t;
  int map[CSVI_NCOLS];    /* column id -> field index, -1 = absent */
  csv_msgs *m;
} decoder;

/* The header text of field `field` (0-based) for messages. */
static void col_label(const decoder *d, size_t field, char *out, size_t n) {
  const char *h = NULL;
  if (d->t->n_rows > 0 && field < d->t->rows[0].n_fields) h = d->t->rows[0].fields[field];
  if (h && !is_blank(h)) {
    char *tr = trim_dup(h, strlen(h));
    snprintf(out, n, "%s", tr ? tr : h);
    free(tr);
  } else {
    snprintf(out, n, "%zu", field + 1);
  }
}

static void cell_err(decoder *d, size_t row, int col, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void cell_err(decoder *d, size_t row, int col, const char *fmt, ...) {
  char label[256];
  col_label(d, (size_t)d->map[col], label, sizeof label);
  char what[1024];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(what, sizeof what, fmt, ap);
  va_end(ap);
  msg_add(d->m, "%s: row %zu, column %s: %s", d->name, row, label, what);
}

static const char *cell(const decoder *d, size_t r, int col) {
  int f = d->map[col];
  if (f < 0 || (size_t)f >= d->t->rows[r].n_fields) return "";
  return d->t->rows[r].fields[f];
}

/* Short quotation of a user value for messages. */
static const char *quote_val(const char *s, char *buf, size_t n) {
  size_t len = strlen(s);
  if (len + 3 <= n) {
    snprintf(buf, n, "\"%s\"", s);
    return buf;
  }
  /* cut at a UTF-8 boundary */
  size_t cut = n > 8 ? n - 8 : 0;
  while (cut > 0 && ((unsigned char)s[cut] & 0xC0) == 0x80) cut--;
  snprintf(buf, n, "\"%.*s…\"", (int)cut, s);
  return buf;
}

static bool valid_code(const char *c) {
  size_t n = strlen(c);
  if (n == 0 || n > 64) return false;
  for (size_t i = 0; i < n; i++) {
    unsigned char ch = (unsigned char)c[i];
    if (!isalnum(ch) && ch != '.' && ch != '_' && ch != '-') return false;
  }
  return true;
}

static int read_header(decoder *d) {
  const csv_row *h = &d->t->rows[0];
  int before = (int)msgs_total(d->m);
  for (int c = 0; c < CSVI_NCOLS; c++) d->map[c] = -1;
  for (size_t f = 0; f < h->n_fields; f++) {
    char *name = trim_dup(h->fields[f], strlen(h->fields[f]));
    if (!name) return -1;
    int col = -1;
    bool ignored = false;
    for (int c = 0; c < CSVI_NCOLS && col < 0; c++) {
      if (strcmp(name, COLUMNS[c].zh) == 0) col = c;
      for (int a = 0; col < 0 && COLUMNS[c].aliases[a]; a++)
        if (strcasecmp(name, COLUMNS[c].aliases[a]) == 0) col = c;
    }
    for (int a = 0; IGNORED_COLUMNS[a]; a++)
      if (strcasecmp(name, IGNORED_COLUMNS[a]) == 0) ignored = true;
    if (col >= 0) {
      if (d->map[col] >= 0)
        msg_add(d->m, "%s: row 1, column %s: column given twice (also column %d)", d->name, name,
                d->map[col] + 1);
      else
        d->map[col] = (int)f;
    } else if (!*name) {
      /* an unnamed column is fine as long as it is empty (Excel's trailing commas) */
      for (size_t r = 1; r < d->t->n_rows; r++)
        if (f < d->t->rows[r].n_fields && !is_blank(d->t->rows[r].fields[f])) {
          msg_add(d->m, "%s: row %zu, column %zu: cell under an empty header", d->name, r + 1,
                  f + 1);
          break;
        }
    } else if (!ignored) {
      msg_add(d->m,
              "%s: row 1, column %zu: unknown column \"%s\" (known: 行政区划代码, 编码, 上级编码, "
              "领域, 服务类别, 服务项目, 服务对象, 服务内容, 服务标准, 支出责任, 牵头负责单位, "
              "对象人群, 指标, 备案, 豁免, 备注, or their English names)",
              d->name, f + 1, name);
    }
    free(name);
  }
  for (int c = 0; c < CSVI_NCOLS; c++)
    if (COLUMNS[c].required && d->map[c] < 0)
      msg_add(d->m, "%s: row 1: required column %s (%s) is missing", d->name, COLUMNS[c].zh,
              COLUMNS[c].aliases[0]);
  return (int)msgs_total(d->m) == before ? 0 : -1;
}

/* "孕产妇:常住" -> {"name":"孕产妇","residency":"RESIDENT"}; NULL after an error. */
static json_t *decode_group(decoder *d, size_t row, const char *e) {
  /* the residency follows the last ':' or '：' */
  const char *colon = NULL;
  size_t clen = 0;
  for (const char *p = e; *p; p++) {
    if (*p == ':') {
      colon = p;
      clen = 1;
    } else if ((unsigned char)p[0] == 0xEF && (unsigned char)p[1] == 0xBC &&
               (unsigned char)p[2] == 0x9A) {
      colon = p;
      clen = 3;
    }
  }
  char q[160];
  char *name = colon ? trim_dup(e, (size_t)(colon - e)) : strdup(e);
  char *res = colon ? trim_dup(colon + clen, strlen(colon + clen)) : NULL;
  json_t *g = NULL;
  const char *rj = res ? lookup(RESIDENCIES, res) : "RESIDENCY_UNSPECIFIED";
  if (!name || (colon && !res)) goto out;
  if (!*name) {
    cell_err(d, row, CSVI_GROUPS, "%s: group name missing before the ':'", quote_val(e, q, sizeof q));
    goto out;
  }
  if (!rj) {
    char q2[80];
    cell_err(d, row, CSVI_GROUPS, "%s: %s is not a residency (常住, 户籍, 居住证 or 未指定)",
             quote_val(e, q, sizeof q), quote_val(res, q2, sizeof q2));
    goto out;
  }
  g = json_object();
  json_object_set_new(g, "name", json_string(name));
  if (strcmp(rj, "RESIDENCY_UNSPECIFIED") != 0) json_object_set_new(g, "residency", json_string(rj));
out:
  free(name);
  free(res);
  return g;
}

/* Splits a level line at '|' or '｜' into at most 6 parts (the 6th is the rest). */
static size_t split_level(const char *line, char *parts[6]) {
  size_t n = 0;
  const char *p = line;
  while (n < 5) {
    const char *q = p;
    size_t sl = 0;
    while (*q) {
      if (*q == '|') {
        sl = 1;
        break;
      }
      if ((unsigned char)q[0] == 0xEF && (unsigned char)q[1] == 0xBD && (unsigned char)q[2] == 0x9C) {
        sl = 3;
        break;
      }
      q++;
    }
    parts[n++] = trim_dup(p, (size_t)(q - p));
    if (!sl) return n;
    p = q + sl;
  }
  parts[n++] = trim_dup(p, strlen(p));
  return n;
}

/* One line of 指标; NULL after an error. `which` = " (line K of the cell)" or "". */
static json_t *decode_level(decoder *d, size_t row, const char *line, const char *which) {
  char *parts[6] = {0};
  size_t n = split_level(line, parts);
  json_t *l = NULL;
  char q[160];
  for (size_t i = 0; i < n; i++)
    if (!parts[i]) goto out;
  if (n < 5) {
    cell_err(d, row, CSVI_LEVELS,
             "%s needs 5 or 6 parts separated by '|': 指标名|比较|数值|单位|方向[|原文], "
             "e.g. 空气质量优良天数比率|≥|97|%%|高优|97%%以上%s",
             quote_val(line, q, sizeof q), which);
    goto out;
  }
  const char *metric = parts[0], *cmp_s = parts[1], *val_s = parts[2], *unit = parts[3],
             *dir_s = parts[4], *text = n > 5 ? parts[5] : "";
  bool ok = true;
  if (!*metric) {
    cell_err(d, row, CSVI_LEVELS, "%s: the metric name (first part) is missing%s",
             quote_val(line, q, sizeof q), which);
    ok = false;
  }
  const char *cmp = lookup(COMPARATORS, cmp_s);
  if (!cmp) {
    cell_err(d, row, CSVI_LEVELS, "%s is not a comparator (≥, ≤, =, ~ or GE, LE, EQ, RANGE)%s",
             quote_val(cmp_s, q, sizeof q), which);
    ok = false;
  }
  double v = 0, vmax = 0;
  const char *tilde = strstr(val_s, "~");
  size_t tl = 1;
  if (!tilde) {
    tilde = strstr(val_s, "～");
    tl = 3;
  }
  if (cmp && strcmp(cmp, "RANGE") == 0) {
    char *lo = tilde ? trim_dup(val_s, (size_t)(tilde - val_s)) : NULL;
    char *hi = tilde ? trim_dup(tilde + tl, strlen(tilde + tl)) : NULL;
    if (!tilde || !lo || !hi || !parse_number(lo, &v) || !parse_number(hi, &vmax)) {
      cell_err(d, row, CSVI_LEVELS, "%s is not a range of numbers (LOW~HIGH, e.g. 90~95)%s",
               quote_val(val_s, q, sizeof q), which);
      ok = false;
    } else if (vmax < v) {
      cell_err(d, row, CSVI_LEVELS, "%s: the upper bound is below the lower bound%s",
               quote_val(val_s, q, sizeof q), which);
      ok = false;
    }
    free(lo);
    free(hi);
  } else if (!parse_number(val_s, &v)) {
    if (tilde && cmp)
      cell_err(d, row, CSVI_LEVELS, "%s is a range: use the comparator ~ for it%s",
               quote_val(val_s, q, sizeof q), which);
    else
      cell_err(d, row, CSVI_LEVELS, "%s is not a number%s", quote_val(val_s, q, sizeof q), which);
    ok = false;
  }
  const char *dir = lookup(DIRECTIONS, dir_s);
  if (!dir) {
    cell_err(d, row, CSVI_LEVELS, "%s is not a direction (高优 or 低优; HIGHER_IS_BETTER or "
             "LOWER_IS_BETTER)%s",
             quote_val(dir_s, q, sizeof q), which);
    ok = false;
  }
  if (!ok) goto out;
  l = json_object();
  json_object_set_new(l, "metric", json_string(metric));
  json_object_set_new(l, "comparator", json_string(cmp));
  json_object_set_new(l, "value", json_real(v));
  if (strcmp(cmp, "RANGE") == 0) json_object_set_new(l, "valueMax", json_real(vmax));
  if (*unit) json_object_set_new(l, "unit", json_string(unit));
  json_object_set_new(l, "direction", json_string(dir));
  if (*text) json_object_set_new(l, "text", json_string(text));
out:
  for (size_t i = 0; i < n; i++) free(parts[i]);
  return l;
}

static json_t *string_array(const list *l) {
  json_t *a = json_array();
  for (size_t i = 0; i < l->n; i++) json_array_append_new(a, json_string(l->v[i]));
  return a;
}

static void set_text(json_t *o, const char *key, const char *v) {
  if (v && *v) json_object_set_new(o, key, json_string(v));
}

/* One data row -> item, or NULL (problems added). r is the 0-based record index. */
static json_t *decode_row(decoder *d, size_t r, const char *jurisdiction) {
  size_t row = r + 1;
  size_t before = msgs_total(d->m);
  char q[160];
  json_t *it = json_object();
  list tmp = {0};

  /* extra cells beyond the header */
  const csv_row *R = &d->t->rows[r];
  for (size_t f = d->t->rows[0].n_fields; f < R->n_fields; f++)
    if (!is_blank(R->fields[f])) {
      msg_add(d->m, "%s: row %zu, column %zu: more cells than the header has columns", d->name,
              row, f + 1);
      break;
    }

  if (d->map[CSVI_JURISDICTION] >= 0) {
    char *j = trim_dup(cell(d, r, CSVI_JURISDICTION), strlen(cell(d, r, CSVI_JURISDICTION)));
    const char *why;
    if (j && *j) {
      if (!csv_items_valid_jurisdiction(j, &why))
        cell_err(d, row, CSVI_JURISDICTION,
                 "%s is not a jurisdiction code: %s",
                 quote_val(j, q, sizeof q), why);
      else if (jurisdiction && strcmp(j, jurisdiction) != 0)
        cell_err(d, row, CSVI_JURISDICTION,
                 "%s is not the jurisdiction of the standard being imported (%s)",
                 quote_val(j, q, sizeof q), jurisdiction);
    }
    free(j);
  }

  static const int TRIMMED[] = {CSVI_CODE, CSVI_PARENT_CODE, CSVI_DOMAIN};
  char *v[3] = {0};
  for (int k = 0; k < 3; k++) {
    const char *c = cell(d, r, TRIMMED[k]);
    v[k] = trim_dup(c, strlen(c));
  }
  const char *code = v[0] ? v[0] : "", *pcode = v[1] ? v[1] : "", *domain = v[2] ? v[2] : "";
  if (!*code)
    cell_err(d, row, CSVI_CODE, "required (the item's code, e.g. YW-1.1.1)");
  else if (!valid_code(code))
    cell_err(d, row, CSVI_CODE, "%s is not an item code (1-64 of 0-9 A-Z a-z . _ -)",
             quote_val(code, q, sizeof q));
  if (*pcode && !valid_code(pcode))
    cell_err(d, row, CSVI_PARENT_CODE, "%s is not an item code (1-64 of 0-9 A-Z a-z . _ -)",
             quote_val(pcode, q, sizeof q));
  if (!*domain)
    cell_err(d, row, CSVI_DOMAIN, "required (e.g. 幼有所育)");
  else if (!known_domain(domain))
    cell_err(d, row, CSVI_DOMAIN,
             "%s is not a known 领域 (幼有所育, 学有所教, 劳有所得, 病有所医, 老有所养, 住有所居, "
             "弱有所扶, 军有所抚, 优军服务保障, 文有所化, 体有所健, 文体服务保障, 事有所便)",
             quote_val(domain, q, sizeof q));
  const char *name = cell(d, r, CSVI_NAME);
  if (is_blank(name)) cell_err(d, row, CSVI_NAME, "required (the item's name)");

  set_text(it, "code", code);
  set_text(it, "parentCode", pcode);
  set_text(it, "domain", domain);
  set_text(it, "category", cell(d, r, CSVI_CATEGORY));
  set_text(it, "name", name);

  /* target */
  json_t *groups = json_array();
  if (split_cell(cell(d, r, CSVI_GROUPS), true, true, &tmp) == 0)
    for (size_t i = 0; i < tmp.n; i++) {
      json_t *g = decode_group(d, row, tmp.v[i]);
      if (g) json_array_append_new(groups, g);
    }
  list_free(&tmp);
  const char *ttext = cell(d, r, CSVI_TARGET);
  if (*ttext || json_array_size(groups)) {
    json_t *t = json_object();
    set_text(t, "text", ttext);
    if (json_array_size(groups)) json_object_set(t, "groups", groups);
    json_object_set_new(it, "target", t);
  }
  json_decref(groups);

  /* content: one clause per line, kept as written */
  if (split_cell(cell(d, r, CSVI_CONTENT), false, false, &tmp) == 0 && tmp.n)
    json_object_set_new(it, "content", string_array(&tmp));
  list_free(&tmp);

  /* levels: one per line */
  json_t *levels = json_array();
  if (split_cell(cell(d, r, CSVI_LEVELS), false, true, &tmp) == 0)
    for (size_t i = 0; i < tmp.n; i++) {
      char which[48] = "";
      if (tmp.n > 1) snprintf(which, sizeof which, " (line %zu of the cell)", i + 1);
      json_t *l = decode_level(d, row, tmp.v[i], which);
      if (l) json_array_append_new(levels, l);
    }
  list_free(&tmp);
  if (json_array_size(levels))
    json_object_set_new(it, "levels", levels);
  else
    json_decref(levels);

  set_text(it, "standardText", cell(d, r, CSVI_STANDARD));
  set_text(it, "spending", cell(d, r, CSVI_SPENDING));
  set_text(it, "leadDepartment", cell(d, r, CSVI_LEAD));
  if (split_cell(cell(d, r, CSVI_FILINGS), true, true, &tmp) == 0 && tmp.n)
    json_object_set_new(it, "filingRefs", string_array(&tmp));
  list_free(&tmp);
  if (split_cell(cell(d, r, CSVI_EXEMPTIONS), true, true, &tmp) == 0 && tmp.n)
    json_object_set_new(it, "exemptionRefs", string_array(&tmp));
  list_free(&tmp);
  set_text(it, "note", cell(d, r, CSVI_NOTE));

  for (int k = 0; k < 3; k++) free(v[k]);
  if (msgs_total(d->m) != before) {
    json_decref(it);
    return NULL;
  }
  return it;
}

static bool row_blank(const csv_row *r) {
  for (size_t f = 0; f < r->n_fields; f++)
    if (!is_blank(r->fields[f])) return false;
  return true;
}

/* Reader error -> message with the column's header when known. */
static void reader_err(decoder *d, const csv_error *e) {
  if (e->row == 0) {
    msg_add(d->m, "%s: %s", d->name, e->msg);
    return;
  }
  char label[256] = "";
  if (e->field) {
    if (e->row > 1)
      col_label(d, e->field - 1, label, sizeof label);
    else
      snprintf(label, sizeof label, "%zu", e->field);
    msg_add(d->m, "%s: row %zu, column %s: %s", d->name, e->row, label, e->msg);
  } else {
    msg_add(d->m, "%s: row %zu: %s", d->name, e->row, e->msg);
  }
}

static json_t *decode_table(const char *name, const csv_table *t, const csv_error *rerr,
                            const char *jurisdiction, size_t **rows_out, csv_msgs *m) {
  decoder d = {.name = name, .t = t, .m = m};
  for (int c = 0; c < CSVI_NCOLS; c++) d.map[c] = -1;
  if (rows_out) *rows_out = NULL;
  size_t before = msgs_total(m);
  json_t *items = json_array();
  size_t *rows = calloc(t->n_rows + 1, sizeof *rows);
  if (!items || !rows) {
    msg_add(m, "%s: out of memory", name);
    goto fail;
  }
  if (t->n_rows == 0) {
    if (!rerr) msg_add(m, "%s: empty file (expected a header row: 编码,上级编码,领域,…)", name);
  } else if (read_header(&d) == 0) {
    /* duplicate codes are looked for among all rows, good or bad */
    char **codes = calloc(t->n_rows, sizeof *codes);
    size_t *code_rows = calloc(t->n_rows, sizeof *code_rows);
    size_t n = 0, n_codes = 0;
    for (size_t r = 1; codes && code_rows && r < t->n_rows; r++) {
      if (row_blank(&t->rows[r])) continue;
      json_t *it = decode_row(&d, r, jurisdiction);
      const char *c = cell(&d, r, CSVI_CODE);
      char *code = trim_dup(c, strlen(c));
      bool dup = false;
      for (size_t k = 0; code && *code && k < n_codes && !dup; k++)
        if (strcmp(codes[k], code) == 0) {
          char q[160];
          cell_err(&d, r + 1, CSVI_CODE, "duplicate code %s (also row %zu)",
                   quote_val(code, q, sizeof q), code_rows[k]);
          dup = true;
        }
      if (code && *code && !dup) {
        codes[n_codes] = code;
        code_rows[n_codes++] = r + 1;
      } else {
        free(code);
      }
      if (!it) continue;
      if (dup) {
        json_decref(it);
        continue;
      }
      json_array_append_new(items, it);
      rows[n++] = r + 1;
    }
    if (!codes || !code_rows) msg_add(m, "%s: out of memory", name);
    for (size_t k = 0; k < n_codes; k++) free(codes[k]);
    free(codes);
    free(code_rows);
    if (n == 0 && !rerr && msgs_total(m) == before)
      msg_add(m, "%s: no items (only a header row)", name);
  }
  if (rerr) reader_err(&d, rerr);
  if (msgs_total(m) != before) goto fail;
  if (rows_out)
    *rows_out = rows;
  else
    free(rows);
  return items;
fail:
  json_decref(items);
  free(rows);
  return NULL;
}

json_t *csv_items_decode(const char *name, const char *data, size_t len, const char *jurisdiction,
                         size_t **rows, csv_msgs *m) {
  csv_table t;
  csv_error e;
  int rc = csv_parse(data, len, &t, &e);
  json_t *items = decode_table(name, &t, rc ? &e : NULL, jurisdiction, rows, m);
  csv_free(&t);
  return items;
}

json_t *csv_items_decode_file(const char *path, const char *jurisdiction, size_t **rows,
                              csv_msgs *m) {
  csv_table t;
  csv_error e;
  int rc = csv_read_file(path, &t, &e);
  json_t *items = decode_table(strcmp(path, "-") == 0 ? "<stdin>" : path, &t, rc ? &e : NULL,
                               jurisdiction, rows, m);
  csv_free(&t);
  return items;
}

/* ------------------------------------------------------------------- encoding */

static const char *jstr(const json_t *o, const char *key) {
  const char *s = json_string_value(json_object_get(o, key));
  return s ? s : "";
}

static int enc_fail(char *err, size_t errlen, const char *code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static int enc_fail(char *err, size_t errlen, const char *code, const char *fmt, ...) {
  char what[512];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(what, sizeof what, fmt, ap);
  va_end(ap);
  snprintf(err, errlen, "item %s: %s; the CSV table cannot hold it (use `stdctl export` for JSON)",
           code, what);
  return -1;
}

static bool has_sep(const char *s, bool semi) {
  for (; *s; s++)
    if (sep_len(s, semi)) return true;
  return false;
}

static bool has_bar(const char *s) { return strchr(s, '|') || strstr(s, "｜"); }

static bool has_colon(const char *s) { return strchr(s, ':') || strstr(s, "："); }

/* Appends s to the growing cell, with a line break before every entry but the first. */
static void add_line(FILE *f, bool *first, const char *s) {
  if (!*first) fputc('\n', f);
  *first = false;
  fputs(s, f);
}

static const char *out_word(const word *w, const json_t *v) {
  const char *s = json_string_value(v);
  if (!s) return NULL;
  for (; w->token; w++)
    if (strcmp(w->token, s) == 0) return w->json;
  return NULL;
}

static int encode_item(const json_t *it, const char *jurisdiction, FILE *out, char *err,
                       size_t errlen) {
  const char *code = jstr(it, "code");
  const char *domain = jstr(it, "domain");
  if (!valid_code(code)) return enc_fail(err, errlen, code, "the code is not a valid item code");
  if (!known_domain(domain))
    return enc_fail(err, errlen, code, "领域 \"%s\" is not one of the known 领域", domain);

  char *cells[CSVI_NCOLS] = {0};
  size_t lens[CSVI_NCOLS];
  FILE *mf[CSVI_NCOLS] = {0};
  int rc = -1;
  for (int c = 0; c < CSVI_NCOLS; c++) {
    mf[c] = open_memstream(&cells[c], &lens[c]);
    if (!mf[c]) {
      snprintf(err, errlen, "out of memory");
      goto out;
    }
  }
  fputs(jurisdiction ? jurisdiction : "", mf[CSVI_JURISDICTION]);
  fputs(code, mf[CSVI_CODE]);
  fputs(jstr(it, "parentCode"), mf[CSVI_PARENT_CODE]);
  fputs(domain, mf[CSVI_DOMAIN]);
  fputs(jstr(it, "category"), mf[CSVI_CATEGORY]);
  fputs(jstr(it, "name"), mf[CSVI_NAME]);
  const json_t *target = json_object_get(it, "target");
  fputs(jstr(target, "text"), mf[CSVI_TARGET]);
  fputs(jstr(it, "standardText"), mf[CSVI_STANDARD]);
  fputs(jstr(it, "spending"), mf[CSVI_SPENDING]);
  fputs(jstr(it, "leadDepartment"), mf[CSVI_LEAD]);
  fputs(jstr(it, "note"), mf[CSVI_NOTE]);
  if (!*jstr(it, "name") || is_blank(jstr(it, "name"))) {
    rc = enc_fail(err, errlen, code, "the name is empty");
    goto out;
  }

  size_t i;
  const json_t *v;
  bool first = true;
  json_array_foreach(json_object_get(it, "content"), i, v) {
    const char *s = json_string_value(v);
    if (!s || is_blank(s) || strchr(s, '\n') || (*s && s[strlen(s) - 1] == '\r')) {
      rc = enc_fail(err, errlen, code, "content[%zu] is blank or holds a line break", i);
      goto out;
    }
    add_line(mf[CSVI_CONTENT], &first, s);
  }

  first = true;
  json_array_foreach(json_object_get(target, "groups"), i, v) {
    const char *name = jstr(v, "name");
    const char *res = json_object_get(v, "residency") ? out_word(RESIDENCY_OUT, json_object_get(v, "residency"))
                                                      : "未指定";
    if (!*name || !is_trimmed(name) || has_sep(name, true) || !res) {
      rc = enc_fail(err, errlen, code,
                    "target.groups[%zu] (\"%s\"): empty, padded, holding ';' '；' or a line "
                    "break, or an unknown residency",
                    i, name);
      goto out;
    }
    char *e = NULL;
    bool unspecified = strcmp(res, "未指定") == 0;
    if (unspecified && !has_colon(name))
      e = strdup(name);
    else if (asprintf(&e, "%s:%s", name, res) < 0)
      e = NULL;
    if (!e) goto out;
    add_line(mf[CSVI_GROUPS], &first, e);
    free(e);
  }

  first = true;
  json_array_foreach(json_object_get(it, "levels"), i, v) {
    const char *metric = jstr(v, "metric"), *unit = jstr(v, "unit"), *text = jstr(v, "text");
    const char *cmp = out_word(COMPARATOR_OUT, json_object_get(v, "comparator"));
    const char *dir = out_word(DIRECTION_OUT, json_object_get(v, "direction"));
    const json_t *jv = json_object_get(v, "value"), *jmax = json_object_get(v, "valueMax");
    if (!cmp || !dir) {
      rc = enc_fail(err, errlen, code, "levels[%zu] has no comparator or no direction", i);
      goto out;
    }
    if (!*metric || !is_trimmed(metric) || has_bar(metric) || strchr(metric, '\n') ||
        !is_trimmed(unit) || has_bar(unit) || strchr(unit, '\n') || !is_trimmed(text) ||
        strchr(text, '\n')) {
      rc = enc_fail(err, errlen, code,
                    "levels[%zu]: the metric is empty, or metric, unit or text is padded or "
                    "holds '|' (metric, unit) or a line break",
                    i);
      goto out;
    }
    if ((jv && !json_is_number(jv)) || (jmax && !json_is_number(jmax))) {
      rc = enc_fail(err, errlen, code, "levels[%zu]: the value is not a finite number", i);
      goto out;
    }
    double val = jv ? json_number_value(jv) : 0, vmax = jmax ? json_number_value(jmax) : 0;
    bool range = strcmp(cmp, "~") == 0;
    if (!range && vmax != 0) {
      rc = enc_fail(err, errlen, code, "levels[%zu] has a valueMax but is not a RANGE", i);
      goto out;
    }
    char a[64], b[64], value[140];
    csv_items_format_number(val, a, sizeof a);
    if (range) {
      csv_items_format_number(vmax, b, sizeof b);
      snprintf(value, sizeof value, "%s~%s", a, b);
    } else {
      snprintf(value, sizeof value, "%s", a);
    }
    if (!first) fputc('\n', mf[CSVI_LEVELS]);
    first = false;
    fprintf(mf[CSVI_LEVELS], "%s|%s|%s|%s|%s", metric, cmp, value, unit, dir);
    if (*text) fprintf(mf[CSVI_LEVELS], "|%s", text);
  }

  static const struct {
    const char *key;
    int col;
  } REFS[] = {{"filingRefs", CSVI_FILINGS}, {"exemptionRefs", CSVI_EXEMPTIONS}};
  for (int k = 0; k < 2; k++) {
    first = true;
    json_array_foreach(json_object_get(it, REFS[k].key), i, v) {
      const char *s = json_string_value(v);
      if (!s || is_blank(s) || !is_trimmed(s) || has_sep(s, true)) {
        rc = enc_fail(err, errlen, code, "%s[%zu] is blank, padded or holds ';' '；' or a line break",
                      REFS[k].key, i);
        goto out;
      }
      add_line(mf[REFS[k].col], &first, s);
    }
  }
  for (int c = 0; c < CSVI_NCOLS; c++) {
    fclose(mf[c]);
    mf[c] = NULL;
  }
  rc = csv_write_row(out, (const char *const *)cells, CSVI_NCOLS);
  if (rc) snprintf(err, errlen, "write error");
out:
  for (int c = 0; c < CSVI_NCOLS; c++) {
    if (mf[c]) fclose(mf[c]);
    free(cells[c]);
  }
  return rc;
}

int csv_items_encode(FILE *f, const json_t *items, const char *jurisdiction, char *err,
                     size_t errlen) {
  if (!json_is_array(items)) {
    snprintf(err, errlen, "no items");
    return -1;
  }
  const char *hdr[CSVI_NCOLS];
  for (int c = 0; c < CSVI_NCOLS; c++) hdr[c] = COLUMNS[c].zh;
  if (csv_write_bom(f) || csv_write_row(f, hdr, CSVI_NCOLS)) {
    snprintf(err, errlen, "write error");
    return -1;
  }
  size_t i;
  const json_t *it;
  json_array_foreach(items, i, it) {
    if (encode_item(it, jurisdiction, f, err, errlen)) return -1;
  }
  return 0;
}
