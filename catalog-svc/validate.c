/* validate.c — identifier syntax and field checks for incoming resources. */
#include "validate.h"

#include <ctype.h>
#include <math.h>
#include <string.h>
#include <utf8proc.h>

static bool all_digits(const char *s, size_t n) {
  for (size_t i = 0; i < n; i++)
    if (!isdigit((unsigned char)s[i])) return false;
  return true;
}

bool valid_item_code(const char *c) { return code_chars_valid(c, MAX_CODE_BYTES); }

bool valid_text(const char *s, size_t max) {
  if (!s) return true;
  size_t n = strlen(s);
  if (n > max) return false;
  const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)s;
  while (n > 0) {
    utf8proc_int32_t cp;
    utf8proc_ssize_t k = utf8proc_iterate(p, (utf8proc_ssize_t)n, &cp);
    if (k <= 0) return false;
    if (cp < 0x20 && cp != '\n' && cp != '\t' && cp != '\r') return false;
    p += k;
    n -= (size_t)k;
  }
  return true;
}

#define CHECK_TEXT(val, max, fmt, ...)                                                   \
  do {                                                                                   \
    if (!valid_text((val), (max)))                                                       \
      return cat_fail(err, GRPC_STATUS_INVALID_ARGUMENT,                                 \
                      fmt ": must be valid UTF-8 without control characters, at most %d bytes", \
                      __VA_ARGS__, (int)(max));                                          \
  } while (0)

int validate_item(const Item *it, const char *path, cat_err *err) {
  if (!valid_item_code(it->code))
    return cat_fail(err, GRPC_STATUS_INVALID_ARGUMENT,
                    "%s.code: \"%s\" is not a valid item code (1-64 of [0-9A-Za-z._-])", path,
                    it->code ? it->code : "");
  if (it->parent_code[0] && !valid_item_code(it->parent_code))
    return cat_fail(err, GRPC_STATUS_INVALID_ARGUMENT, "%s.parentCode: \"%s\" is not a valid item code",
                    path, it->parent_code);
  if (!it->name[0]) return cat_fail(err, GRPC_STATUS_INVALID_ARGUMENT, "%s.name: required", path);
  if (!it->domain[0]) return cat_fail(err, GRPC_STATUS_INVALID_ARGUMENT, "%s.domain: required", path);
  CHECK_TEXT(it->name, MAX_NAME_BYTES, "%s.name", path);
  CHECK_TEXT(it->domain, MAX_NAME_BYTES, "%s.domain", path);
  CHECK_TEXT(it->category, MAX_NAME_BYTES, "%s.category", path);
  CHECK_TEXT(it->standard_text, MAX_TEXT_BYTES, "%s.standardText", path);
  CHECK_TEXT(it->spending, MAX_TEXT_BYTES, "%s.spending", path);
  CHECK_TEXT(it->lead_department, MAX_NAME_BYTES, "%s.leadDepartment", path);
  CHECK_TEXT(it->note, MAX_TEXT_BYTES, "%s.note", path);
  if (it->n_content > MAX_REPEATED || it->n_levels > MAX_REPEATED ||
      it->n_filing_refs > MAX_REPEATED || it->n_exemption_refs > MAX_REPEATED)
    return cat_fail(err, GRPC_STATUS_INVALID_ARGUMENT, "%s: more than %d entries in a list", path,
                    MAX_REPEATED);
  for (size_t i = 0; i < it->n_content; i++) {
    if (!it->content[i][0])
      return cat_fail(err, GRPC_STATUS_INVALID_ARGUMENT, "%s.content[%zu]: empty clause", path, i);
    CHECK_TEXT(it->content[i], MAX_TEXT_BYTES, "%s.content[%zu]", path, i);
  }
  if (it->target) {
    CHECK_TEXT(it->target->text, MAX_TEXT_BYTES, "%s.target.text", path);
    if (it->target->n_groups > MAX_REPEATED)
      return cat_fail(err, GRPC_STATUS_INVALID_ARGUMENT, "%s.target.groups: too many", path);
    for (size_t i = 0; i < it->target->n_groups; i++) {
      const TargetGroup *g = it->target->groups[i];
      if (!g->name[0])
        return cat_fail(err, GRPC_STATUS_INVALID_ARGUMENT, "%s.target.groups[%zu].name: required",
                        path, i);
      CHECK_TEXT(g->name, MAX_NAME_BYTES, "%s.target.groups[%zu].name", path, i);
      if ((int)g->residency < 0 || g->residency > PSS__CATALOG__V1__RESIDENCY__RESIDENCE_PERMIT)
        return cat_fail(err, GRPC_STATUS_INVALID_ARGUMENT,
                        "%s.target.groups[%zu].residency: unknown value %d", path, i, g->residency);
    }
  }
  for (size_t i = 0; i < it->n_levels; i++) {
    const Level *l = it->levels[i];
    if (!l->metric[0])
      return cat_fail(err, GRPC_STATUS_INVALID_ARGUMENT, "%s.levels[%zu].metric: required", path, i);
    CHECK_TEXT(l->metric, MAX_NAME_BYTES, "%s.levels[%zu].metric", path, i);
    CHECK_TEXT(l->unit, MAX_CODE_BYTES, "%s.levels[%zu].unit", path, i);
    CHECK_TEXT(l->text, MAX_TEXT_BYTES, "%s.levels[%zu].text", path, i);
    if (l->comparator == PSS__CATALOG__V1__COMPARATOR__COMPARATOR_UNSPECIFIED ||
        l->comparator > PSS__CATALOG__V1__COMPARATOR__RANGE)
      return cat_fail(err, GRPC_STATUS_INVALID_ARGUMENT,
                      "%s.levels[%zu].comparator: required (GE, LE, EQ or RANGE)", path, i);
    if (l->direction == PSS__CATALOG__V1__DIRECTION__DIRECTION_UNSPECIFIED ||
        l->direction > PSS__CATALOG__V1__DIRECTION__LOWER_IS_BETTER)
      return cat_fail(err, GRPC_STATUS_INVALID_ARGUMENT,
                      "%s.levels[%zu].direction: required (HIGHER_IS_BETTER or LOWER_IS_BETTER)",
                      path, i);
    if (!isfinite(l->value) || !isfinite(l->value_max))
      return cat_fail(err, GRPC_STATUS_INVALID_ARGUMENT, "%s.levels[%zu].value: must be a finite number",
                      path, i);
    if (l->comparator == PSS__CATALOG__V1__COMPARATOR__RANGE && l->value_max < l->value)
      return cat_fail(err, GRPC_STATUS_INVALID_ARGUMENT,
                      "%s.levels[%zu].valueMax: below value in a RANGE", path, i);
  }
  for (size_t i = 0; i < it->n_filing_refs; i++)
    CHECK_TEXT(it->filing_refs[i], MAX_FILING_NUMBER_BYTES, "%s.filingRefs[%zu]", path, i);
  for (size_t i = 0; i < it->n_exemption_refs; i++)
    CHECK_TEXT(it->exemption_refs[i], MAX_FILING_NUMBER_BYTES, "%s.exemptionRefs[%zu]", path, i);
  return CAT_OK;
}

int validate_filing(const Filing *f, const char *path, cat_err *err) {
  if (!f->number[0] || !valid_text(f->number, MAX_FILING_NUMBER_BYTES) || strchr(f->number, '/'))
    return cat_fail(err, GRPC_STATUS_INVALID_ARGUMENT,
                    "%s.number: required, UTF-8, at most %d bytes, no '/'", path,
                    MAX_FILING_NUMBER_BYTES);
  if (f->kind != PSS__CATALOG__V1__FILING_KIND__RAISE && f->kind != PSS__CATALOG__V1__FILING_KIND__EXEMPTION)
    return cat_fail(err, GRPC_STATUS_INVALID_ARGUMENT, "%s.kind: must be RAISE or EXEMPTION", path);
  const char *d = f->date;
  if (d[0] && !(strlen(d) == 10 && all_digits(d, 4) && d[4] == '-' && all_digits(d + 5, 2) &&
                d[7] == '-' && all_digits(d + 8, 2)))
    return cat_fail(err, GRPC_STATUS_INVALID_ARGUMENT, "%s.date: \"%s\" is not YYYY-MM-DD", path, d);
  CHECK_TEXT(f->authority, MAX_NAME_BYTES, "%s.authority", path);
  CHECK_TEXT(f->reason, MAX_TEXT_BYTES, "%s.reason", path);
  if (f->n_covers == 0)
    return cat_fail(err, GRPC_STATUS_INVALID_ARGUMENT, "%s.covers: at least one item", path);
  for (size_t i = 0; i < f->n_covers; i++) {
    const FilingScope *c = f->covers[i];
    if (!valid_item_code(c->item_code))
      return cat_fail(err, GRPC_STATUS_INVALID_ARGUMENT, "%s.covers[%zu].itemCode: invalid item code",
                      path, i);
    const char *fl = c->field;
    if (fl[0] && strcmp(fl, "levels") && strcmp(fl, "target") && strcmp(fl, "content") && strcmp(fl, "item"))
      return cat_fail(err, GRPC_STATUS_INVALID_ARGUMENT,
                      "%s.covers[%zu].field: \"%s\" must be levels, target, content, item or empty", path,
                      i, fl);
  }
  return CAT_OK;
}
