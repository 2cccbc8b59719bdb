/*
 * pbjson.c — protobuf-c messages <-> JSON (jansson), driven by the descriptors.
 *
 * Follows protobuf's canonical proto3 JSON mapping (see pbjson.h):
 *   output: lowerCamelCase names, fields in field-number order, defaults omitted
 *           (proto3 implicit presence), enums by name, 64-bit integers as decimal
 *           strings, bytes as standard base64, NaN/Infinity as strings, integral
 *           doubles as JSON integers (so 92.0 prints as 92);
 *   input:  lowerCamelCase or snake_case names, null = default, enums by name or
 *           number, integers as numbers or decimal strings, doubles as numbers or
 *           strings ("NaN", "Infinity", "-Infinity", "1.5"), bytes as standard or
 *           URL-safe base64 with or without padding.
 * Errors name the field path: "standard.items[3].levels[0].value: expected a number".
 *
 * Memory: decoded messages are built with the caller's allocator and stay consistent
 * at every step (repeated counts follow the filled elements), so on error the partial
 * message is released with protobuf_c_message_free_unpacked and nothing leaks.
 */
#include "pbjson.h"

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MEMBER_PTR(msg, off) ((void *)((char *)(msg) + (off)))
#define CMEMBER_PTR(msg, off) ((const void *)((const char *)(msg) + (off)))

/* ------------------------------------------------------------------ names */

void pbjson_camel(const char *snake, char *out, size_t outlen) {
  if (!out || outlen == 0) return;
  size_t o = 0;
  bool up = false;
  for (const char *p = snake ? snake : ""; *p && o + 1 < outlen; p++) {
    if (*p == '_') {
      up = true;
      continue;
    }
    char c = *p;
    if (up && c >= 'a' && c <= 'z') c = (char)(c - 'a' + 'A');
    up = false;
    out[o++] = c;
  }
  out[o] = '\0';
}

/* ------------------------------------------------------------------ output */

static const char b64_std[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static json_t *b64_encode(const uint8_t *d, size_t n) {
  size_t outn = 4 * ((n + 2) / 3);
  char *s = malloc(outn + 1);
  if (!s) return NULL;
  size_t o = 0;
  for (size_t i = 0; i < n; i += 3) {
    uint32_t v = (uint32_t)d[i] << 16;
    if (i + 1 < n) v |= (uint32_t)d[i + 1] << 8;
    if (i + 2 < n) v |= d[i + 2];
    s[o++] = b64_std[(v >> 18) & 63];
    s[o++] = b64_std[(v >> 12) & 63];
    s[o++] = i + 1 < n ? b64_std[(v >> 6) & 63] : '=';
    s[o++] = i + 2 < n ? b64_std[v & 63] : '=';
  }
  json_t *j = json_stringn(s, o);
  free(s);
  return j;
}

/* Length of the valid UTF-8 sequence at p (n bytes left), or 0 if invalid. */
static size_t utf8_seq(const unsigned char *p, size_t n) {
  unsigned c = p[0];
  size_t len;
  uint32_t cp;
  if (c < 0x80) return 1;
  if ((c & 0xE0) == 0xC0) len = 2, cp = c & 0x1F;
  else if ((c & 0xF0) == 0xE0) len = 3, cp = c & 0x0F;
  else if ((c & 0xF8) == 0xF0) len = 4, cp = c & 0x07;
  else return 0;
  if (len > n) return 0;
  for (size_t k = 1; k < len; k++) {
    if ((p[k] & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (p[k] & 0x3F);
  }
  if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
      cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
    return 0;
  return len;
}

/* A JSON string from bytes that should be UTF-8; invalid sequences become U+FFFD
 * rather than failing the whole conversion. */
static json_t *utf8_string(const char *s) {
  if (!s) s = "";
  json_t *j = json_string(s);
  if (j) return j;
  size_t n = strlen(s);
  char *buf = malloc(n * 3 + 1);
  if (!buf) return NULL;
  size_t o = 0;
  const unsigned char *p = (const unsigned char *)s;
  for (size_t i = 0; i < n;) {
    size_t len = utf8_seq(p + i, n - i);
    if (len) {
      memcpy(buf + o, p + i, len);
      o += len;
      i += len;
    } else {
      memcpy(buf + o, "\xEF\xBF\xBD", 3);
      o += 3;
      i++;
    }
  }
  j = json_stringn(buf, o);
  free(buf);
  return j;
}

/* No libm needed: pss_common is linked without -lm. */
static double abs_d(double v) { return v < 0 ? -v : v; }
static bool is_integral(double v) {
  if (v != v) return false;
  /* beyond 2^52 every double is an integer */
  return abs_d(v) >= 4503599627370496.0 || v == (double)(int64_t)v;
}

static json_t *double_json(double v) {
  if (isnan(v)) return json_string("NaN");
  if (isinf(v)) return json_string(v > 0 ? "Infinity" : "-Infinity");
  /* -0.0 is not a default value (see is_default), so it must keep its sign: as the
   * integer 0 it decoded to +0.0 and vanished on the next encoding (fuzz_pbjson) */
  if (v == 0 && signbit(v)) return json_real(v);
  if (abs_d(v) < 9007199254740992.0 && is_integral(v)) return json_integer((json_int_t)v);
  return json_real(v);
}

static json_t *u64_json(uint64_t v) {
  char b[32];
  snprintf(b, sizeof b, "%" PRIu64, v);
  return json_string(b);
}

static json_t *i64_json(int64_t v) {
  char b[32];
  snprintf(b, sizeof b, "%" PRId64, v);
  return json_string(b);
}

/* Whether f is a map<K, V> field: protoc represents it as a repeated nested message
 * "<FieldNameCamel>Entry" with fields key = 1 and value = 2 (the map_entry option itself
 * is not kept in protobuf-c descriptors). Canonical JSON writes maps as objects. */
static bool is_map_field(const ProtobufCFieldDescriptor *f) {
  if (f->label != PROTOBUF_C_LABEL_REPEATED || f->type != PROTOBUF_C_TYPE_MESSAGE || !f->descriptor)
    return false;
  const ProtobufCMessageDescriptor *md = f->descriptor;
  if (md->n_fields != 2 || md->fields[0].id != 1 || md->fields[1].id != 2 ||
      strcmp(md->fields[0].name, "key") != 0 || strcmp(md->fields[1].name, "value") != 0)
    return false;
  char want[300];
  pbjson_camel(f->name, want, sizeof want - 8);
  if (want[0] >= 'a' && want[0] <= 'z') want[0] = (char)(want[0] - 'a' + 'A');
  strcat(want, "Entry");
  return md->short_name && strcmp(md->short_name, want) == 0;
}

/* One value of field f stored at p (an element of a repeated field or the member). */
static json_t *value_to_json(const ProtobufCFieldDescriptor *f, const void *p) {
  switch (f->type) {
    case PROTOBUF_C_TYPE_INT32:
    case PROTOBUF_C_TYPE_SINT32:
    case PROTOBUF_C_TYPE_SFIXED32:
      return json_integer(*(const int32_t *)p);
    case PROTOBUF_C_TYPE_UINT32:
    case PROTOBUF_C_TYPE_FIXED32:
      return json_integer(*(const uint32_t *)p);
    case PROTOBUF_C_TYPE_INT64:
    case PROTOBUF_C_TYPE_SINT64:
    case PROTOBUF_C_TYPE_SFIXED64:
      return i64_json(*(const int64_t *)p);
    case PROTOBUF_C_TYPE_UINT64:
    case PROTOBUF_C_TYPE_FIXED64:
      return u64_json(*(const uint64_t *)p);
    case PROTOBUF_C_TYPE_FLOAT: {
      float fv = *(const float *)p;
      if (isnan(fv) || isinf(fv)) return double_json(fv);
      /* shortest decimal that reads back as the same float, so 0.1f prints 0.1 */
      char b[32];
      snprintf(b, sizeof b, "%.9g", (double)fv);
      for (int prec = 6; prec <= 9; prec++) {
        char t[32];
        snprintf(t, sizeof t, "%.*g", prec, (double)fv);
        if (strtof(t, NULL) == fv) {
          memcpy(b, t, sizeof b);
          break;
        }
      }
      return double_json(strtod(b, NULL));
    }
    case PROTOBUF_C_TYPE_DOUBLE:
      return double_json(*(const double *)p);
    case PROTOBUF_C_TYPE_BOOL:
      return json_boolean(*(const protobuf_c_boolean *)p);
    case PROTOBUF_C_TYPE_ENUM: {
      int v = *(const int *)p;
      const ProtobufCEnumValue *ev =
          f->descriptor ? protobuf_c_enum_descriptor_get_value(f->descriptor, v) : NULL;
      return ev ? json_string(ev->name) : json_integer(v);
    }
    case PROTOBUF_C_TYPE_STRING:
      return utf8_string(*(char *const *)p);
    case PROTOBUF_C_TYPE_BYTES: {
      const ProtobufCBinaryData *bd = p;
      return b64_encode(bd->data, bd->data ? bd->len : 0);
    }
    case PROTOBUF_C_TYPE_MESSAGE: {
      const ProtobufCMessage *m = *(ProtobufCMessage *const *)p;
      return m ? pbjson_from_message(m) : json_object();
    }
  }
  return NULL;
}

/* Whether a singular field without explicit presence holds its default. */
static bool is_default(const ProtobufCFieldDescriptor *f, const void *p) {
  switch (f->type) {
    case PROTOBUF_C_TYPE_INT32:
    case PROTOBUF_C_TYPE_SINT32:
    case PROTOBUF_C_TYPE_SFIXED32:
    case PROTOBUF_C_TYPE_UINT32:
    case PROTOBUF_C_TYPE_FIXED32:
      return *(const uint32_t *)p == 0;
    case PROTOBUF_C_TYPE_INT64:
    case PROTOBUF_C_TYPE_SINT64:
    case PROTOBUF_C_TYPE_SFIXED64:
    case PROTOBUF_C_TYPE_UINT64:
    case PROTOBUF_C_TYPE_FIXED64:
      return *(const uint64_t *)p == 0;
    case PROTOBUF_C_TYPE_FLOAT: {
      float v = *(const float *)p;
      return v == 0.0f && !signbit(v);
    }
    case PROTOBUF_C_TYPE_DOUBLE: {
      double v = *(const double *)p;
      return v == 0.0 && !signbit(v);
    }
    case PROTOBUF_C_TYPE_BOOL:
      return !*(const protobuf_c_boolean *)p;
    case PROTOBUF_C_TYPE_ENUM:
      return *(const int *)p == 0;
    case PROTOBUF_C_TYPE_STRING: {
      const char *s = *(char *const *)p;
      return s == NULL || s[0] == '\0';
    }
    case PROTOBUF_C_TYPE_BYTES: {
      const ProtobufCBinaryData *bd = p;
      return bd->len == 0;
    }
    case PROTOBUF_C_TYPE_MESSAGE:
      return *(ProtobufCMessage *const *)p == NULL;
  }
  return true;
}

/* Whether field f of msg is present (should be written). */
static bool field_present(const ProtobufCMessage *msg, const ProtobufCFieldDescriptor *f) {
  const void *p = CMEMBER_PTR(msg, f->offset);
  if (f->flags & PROTOBUF_C_FIELD_FLAG_ONEOF)
    return *(const uint32_t *)CMEMBER_PTR(msg, f->quantifier_offset) == f->id;
  switch (f->label) {
    case PROTOBUF_C_LABEL_REQUIRED:
      return true;
    case PROTOBUF_C_LABEL_OPTIONAL:
      /* proto2 optional / proto3 `optional`: explicit presence */
      if (f->type == PROTOBUF_C_TYPE_STRING) {
        const char *s = *(char *const *)p;
        return s != NULL && s != (const char *)f->default_value;
      }
      if (f->type == PROTOBUF_C_TYPE_MESSAGE) return *(ProtobufCMessage *const *)p != NULL;
      return *(const protobuf_c_boolean *)CMEMBER_PTR(msg, f->quantifier_offset);
    case PROTOBUF_C_LABEL_NONE:
      return !is_default(f, p);
    case PROTOBUF_C_LABEL_REPEATED:
      return *(const size_t *)CMEMBER_PTR(msg, f->quantifier_offset) > 0;
  }
  return false;
}

static size_t elem_size(ProtobufCType t) {
  switch (t) {
    case PROTOBUF_C_TYPE_INT32:
    case PROTOBUF_C_TYPE_SINT32:
    case PROTOBUF_C_TYPE_SFIXED32:
    case PROTOBUF_C_TYPE_UINT32:
    case PROTOBUF_C_TYPE_FIXED32:
      return 4;
    case PROTOBUF_C_TYPE_INT64:
    case PROTOBUF_C_TYPE_SINT64:
    case PROTOBUF_C_TYPE_SFIXED64:
    case PROTOBUF_C_TYPE_UINT64:
    case PROTOBUF_C_TYPE_FIXED64:
      return 8;
    case PROTOBUF_C_TYPE_FLOAT:
      return sizeof(float);
    case PROTOBUF_C_TYPE_DOUBLE:
      return sizeof(double);
    case PROTOBUF_C_TYPE_BOOL:
      return sizeof(protobuf_c_boolean);
    case PROTOBUF_C_TYPE_ENUM:
      return sizeof(int);
    case PROTOBUF_C_TYPE_STRING:
      return sizeof(char *);
    case PROTOBUF_C_TYPE_BYTES:
      return sizeof(ProtobufCBinaryData);
    case PROTOBUF_C_TYPE_MESSAGE:
      return sizeof(ProtobufCMessage *);
  }
  return 0;
}

json_t *pbjson_from_message(const ProtobufCMessage *msg) {
  if (!msg || !msg->descriptor) return NULL;
  const ProtobufCMessageDescriptor *d = msg->descriptor;
  json_t *obj = json_object();
  if (!obj) return NULL;
  for (unsigned i = 0; i < d->n_fields; i++) {
    const ProtobufCFieldDescriptor *f = &d->fields[i];
    if (!field_present(msg, f)) continue;
    char name[256];
    pbjson_camel(f->name, name, sizeof name);
    json_t *v;
    if (is_map_field(f)) {
      size_t n = *(const size_t *)CMEMBER_PTR(msg, f->quantifier_offset);
      ProtobufCMessage *const *arr = *(ProtobufCMessage *const *const *)CMEMBER_PTR(msg, f->offset);
      const ProtobufCMessageDescriptor *md = f->descriptor;
      v = json_object();
      for (size_t k = 0; v && arr && k < n; k++) {
        if (!arr[k]) continue;
        const ProtobufCFieldDescriptor *kf = &md->fields[0], *vf = &md->fields[1];
        json_t *kj = value_to_json(kf, CMEMBER_PTR(arr[k], kf->offset));
        char kbuf[32];
        const char *key = NULL;
        if (json_is_string(kj))
          key = json_string_value(kj);
        else if (json_is_integer(kj)) {
          snprintf(kbuf, sizeof kbuf, "%lld", (long long)json_integer_value(kj));
          key = kbuf;
        } else if (json_is_boolean(kj))
          key = json_is_true(kj) ? "true" : "false";
        json_t *vj = value_to_json(vf, CMEMBER_PTR(arr[k], vf->offset));
        if (!key || !vj || json_object_set_new(v, key, vj) != 0) {
          if (!key) json_decref(vj);
          json_decref(v);
          v = NULL;
        }
        json_decref(kj);
      }
    } else if (f->label == PROTOBUF_C_LABEL_REPEATED) {
      size_t n = *(const size_t *)CMEMBER_PTR(msg, f->quantifier_offset);
      const char *arr = *(char *const *)CMEMBER_PTR(msg, f->offset);
      size_t es = elem_size(f->type);
      v = json_array();
      for (size_t k = 0; v && arr && k < n; k++) {
        json_t *e = value_to_json(f, arr + k * es);
        if (!e || json_array_append_new(v, e) != 0) {
          json_decref(v);
          v = NULL;
        }
      }
    } else {
      v = value_to_json(f, CMEMBER_PTR(msg, f->offset));
    }
    if (!v || json_object_set_new(obj, name, v) != 0) {
      json_decref(obj);
      return NULL;
    }
  }
  return obj;
}

/* ------------------------------------------------------------------ input */

typedef struct {
  ProtobufCAllocator *alloc;
  char *err;
  size_t errlen;
  char path[1024];
  size_t plen;
} dec_ctx;

static void *xalloc(dec_ctx *c, size_t n) {
  void *p = c->alloc->alloc(c->alloc->allocator_data, n ? n : 1);
  if (p) memset(p, 0, n ? n : 1);
  return p;
}

static void xfree(dec_ctx *c, void *p) {
  if (p) c->alloc->free(c->alloc->allocator_data, p);
}

static int fail(dec_ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int fail(dec_ctx *c, const char *fmt, ...) {
  if (!c->err || c->errlen == 0) return -1;
  char msg[512];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  if (c->plen)
    snprintf(c->err, c->errlen, "%s: %s", c->path, msg);
  else
    snprintf(c->err, c->errlen, "%s", msg);
  return -1;
}

static size_t path_push_key(dec_ctx *c, const char *key) {
  size_t old = c->plen;
  int n = snprintf(c->path + c->plen, sizeof c->path - c->plen, "%s%s", c->plen ? "." : "", key);
  if (n > 0) c->plen = c->plen + (size_t)n < sizeof c->path ? c->plen + (size_t)n : sizeof c->path - 1;
  return old;
}

static size_t path_push_index(dec_ctx *c, size_t i) {
  size_t old = c->plen;
  int n = snprintf(c->path + c->plen, sizeof c->path - c->plen, "[%zu]", i);
  if (n > 0) c->plen = c->plen + (size_t)n < sizeof c->path ? c->plen + (size_t)n : sizeof c->path - 1;
  return old;
}

static void path_pop(dec_ctx *c, size_t old) {
  c->plen = old;
  c->path[old] = '\0';
}

static const char *json_type_name(const json_t *j) {
  switch (json_typeof(j)) {
    case JSON_OBJECT: return "an object";
    case JSON_ARRAY: return "an array";
    case JSON_STRING: return "a string";
    case JSON_INTEGER:
    case JSON_REAL: return "a number";
    case JSON_TRUE:
    case JSON_FALSE: return "a boolean";
    case JSON_NULL: return "null";
  }
  return "a value";
}

static int b64_val(int ch) {
  if (ch >= 'A' && ch <= 'Z') return ch - 'A';
  if (ch >= 'a' && ch <= 'z') return ch - 'a' + 26;
  if (ch >= '0' && ch <= '9') return ch - '0' + 52;
  if (ch == '+' || ch == '-') return 62;
  if (ch == '/' || ch == '_') return 63;
  return -1;
}

static int decode_bytes(dec_ctx *c, const json_t *j, ProtobufCBinaryData *out) {
  if (!json_is_string(j)) return fail(c, "expected a base64 string, got %s", json_type_name(j));
  const char *s = json_string_value(j);
  size_t n = json_string_length(j);
  while (n > 0 && s[n - 1] == '=') n--;
  if (n % 4 == 1) return fail(c, "invalid base64");
  size_t outn = n / 4 * 3 + (n % 4 ? n % 4 - 1 : 0);
  uint8_t *d = outn ? xalloc(c, outn) : NULL;
  if (outn && !d) return fail(c, "out of memory");
  uint32_t acc = 0;
  int bits = 0;
  size_t o = 0;
  for (size_t i = 0; i < n; i++) {
    int v = b64_val((unsigned char)s[i]);
    if (v < 0) {
      xfree(c, d);
      return fail(c, "invalid base64");
    }
    acc = (acc << 6) | (uint32_t)v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      if (o < outn) d[o++] = (uint8_t)(acc >> bits);
    }
  }
  out->data = d;
  out->len = o;
  return 0;
}

/* An integer from a JSON number or decimal string, within [lo, hi] (signed) or
 * [0, uhi] (unsigned). */
static int decode_int(dec_ctx *c, const json_t *j, bool is_signed, int64_t lo, int64_t hi,
                      uint64_t uhi, int64_t *sv, uint64_t *uv) {
  if (json_is_integer(j)) {
    json_int_t v = json_integer_value(j);
    if (is_signed) {
      if (v < lo || v > hi) return fail(c, "value %lld out of range", (long long)v);
      *sv = v;
    } else {
      if (v < 0 || (uint64_t)v > uhi) return fail(c, "value %lld out of range", (long long)v);
      *uv = (uint64_t)v;
    }
    return 0;
  }
  if (json_is_real(j)) {
    double v = json_real_value(j);
    if (!is_integral(v)) return fail(c, "expected an integer, got %g", v);
    if (is_signed) {
      if (!(v >= (double)lo && v <= (double)hi) || abs_d(v) >= 9223372036854775808.0)
        return fail(c, "value %g out of range", v);
      *sv = (int64_t)v;
    } else {
      if (!(v >= 0 && v <= (double)uhi) || v >= 18446744073709551616.0)
        return fail(c, "value %g out of range", v);
      *uv = (uint64_t)v;
    }
    return 0;
  }
  if (json_is_string(j)) {
    const char *s = json_string_value(j);
    char *end = NULL;
    errno = 0;
    if (!*s || (s[0] == ' ' || s[0] == '\t' || s[0] == '\n' || s[0] == '+'))
      return fail(c, "expected an integer, got \"%s\"", s);
    if (is_signed) {
      long long v = strtoll(s, &end, 10);
      if (*end) return fail(c, "expected an integer, got \"%s\"", s);
      if (errno == ERANGE || v < lo || v > hi) return fail(c, "value %s out of range", s);
      *sv = v;
    } else {
      if (s[0] == '-') return fail(c, "value %s out of range", s);
      unsigned long long v = strtoull(s, &end, 10);
      if (*end) return fail(c, "expected an integer, got \"%s\"", s);
      if (errno == ERANGE || v > uhi) return fail(c, "value %s out of range", s);
      *uv = v;
    }
    return 0;
  }
  return fail(c, "expected a number, got %s", json_type_name(j));
}

static int decode_double(dec_ctx *c, const json_t *j, double *out) {
  if (json_is_number(j)) {
    *out = json_number_value(j);
    return 0;
  }
  if (json_is_string(j)) {
    const char *s = json_string_value(j);
    if (strcmp(s, "NaN") == 0) {
      *out = NAN;
      return 0;
    }
    if (strcmp(s, "Infinity") == 0) {
      *out = INFINITY;
      return 0;
    }
    if (strcmp(s, "-Infinity") == 0) {
      *out = -INFINITY;
      return 0;
    }
    char *end = NULL;
    errno = 0;
    double v = strtod(s, &end);
    if (!*s || *end || s[0] == ' ' || isnan(v) || isinf(v))
      return fail(c, "expected a number, got \"%s\"", s);
    *out = v;
    return 0;
  }
  return fail(c, "expected a number, got %s", json_type_name(j));
}

static int decode_message_into(dec_ctx *c, const ProtobufCMessageDescriptor *d, const json_t *j,
                               ProtobufCMessage *msg);

static ProtobufCMessage *new_message(dec_ctx *c, const ProtobufCMessageDescriptor *d) {
  ProtobufCMessage *m = xalloc(c, d->sizeof_message);
  if (!m) return NULL;
  if (d->message_init)
    d->message_init(m);
  else
    protobuf_c_message_init(d, m);
  return m;
}

/* Decodes one value of field f from j into p (zero-initialised or default storage). */
static int decode_value(dec_ctx *c, const ProtobufCFieldDescriptor *f, const json_t *j, void *p) {
  int64_t sv = 0;
  uint64_t uv = 0;
  switch (f->type) {
    case PROTOBUF_C_TYPE_INT32:
    case PROTOBUF_C_TYPE_SINT32:
    case PROTOBUF_C_TYPE_SFIXED32:
      if (decode_int(c, j, true, INT32_MIN, INT32_MAX, 0, &sv, &uv)) return -1;
      *(int32_t *)p = (int32_t)sv;
      return 0;
    case PROTOBUF_C_TYPE_UINT32:
    case PROTOBUF_C_TYPE_FIXED32:
      if (decode_int(c, j, false, 0, 0, UINT32_MAX, &sv, &uv)) return -1;
      *(uint32_t *)p = (uint32_t)uv;
      return 0;
    case PROTOBUF_C_TYPE_INT64:
    case PROTOBUF_C_TYPE_SINT64:
    case PROTOBUF_C_TYPE_SFIXED64:
      if (decode_int(c, j, true, INT64_MIN, INT64_MAX, 0, &sv, &uv)) return -1;
      *(int64_t *)p = sv;
      return 0;
    case PROTOBUF_C_TYPE_UINT64:
    case PROTOBUF_C_TYPE_FIXED64:
      if (decode_int(c, j, false, 0, 0, UINT64_MAX, &sv, &uv)) return -1;
      *(uint64_t *)p = uv;
      return 0;
    case PROTOBUF_C_TYPE_FLOAT: {
      double v;
      if (decode_double(c, j, &v)) return -1;
      if (isfinite(v) && abs_d(v) > 3.4028234663852886e38) return fail(c, "value %g out of range", v);
      *(float *)p = (float)v;
      return 0;
    }
    case PROTOBUF_C_TYPE_DOUBLE:
      return decode_double(c, j, (double *)p);
    case PROTOBUF_C_TYPE_BOOL:
      if (!json_is_boolean(j)) return fail(c, "expected true or false, got %s", json_type_name(j));
      *(protobuf_c_boolean *)p = json_is_true(j);
      return 0;
    case PROTOBUF_C_TYPE_ENUM: {
      const ProtobufCEnumDescriptor *ed = f->descriptor;
      if (json_is_string(j)) {
        const char *s = json_string_value(j);
        const ProtobufCEnumValue *ev = ed ? protobuf_c_enum_descriptor_get_value_by_name(ed, s) : NULL;
        if (!ev) {
          /* the generated descriptors index enum values by their proto name; fall
           * back to a linear scan in case of an unsorted hand-made descriptor */
          for (unsigned k = 0; ed && k < ed->n_values; k++)
            if (strcmp(ed->values[k].name, s) == 0) ev = &ed->values[k];
        }
        if (!ev)
          return fail(c, "unknown value \"%s\" of enum %s", s, ed ? ed->name : "?");
        *(int *)p = ev->value;
        return 0;
      }
      if (json_is_number(j)) {
        if (decode_int(c, j, true, INT32_MIN, INT32_MAX, 0, &sv, &uv)) return -1;
        *(int *)p = (int)sv; /* proto3 enums are open: unknown numbers are kept */
        return 0;
      }
      return fail(c, "expected an enum name or number, got %s", json_type_name(j));
    }
    case PROTOBUF_C_TYPE_STRING: {
      if (!json_is_string(j)) return fail(c, "expected a string, got %s", json_type_name(j));
      const char *s = json_string_value(j);
      size_t n = json_string_length(j);
      if (strlen(s) != n) return fail(c, "string contains a NUL character");
      char *copy = xalloc(c, n + 1);
      if (!copy) return fail(c, "out of memory");
      memcpy(copy, s, n + 1);
      *(char **)p = copy;
      return 0;
    }
    case PROTOBUF_C_TYPE_BYTES:
      return decode_bytes(c, j, (ProtobufCBinaryData *)p);
    case PROTOBUF_C_TYPE_MESSAGE: {
      const ProtobufCMessageDescriptor *md = f->descriptor;
      if (!json_is_object(j)) return fail(c, "expected an object, got %s", json_type_name(j));
      ProtobufCMessage *m = new_message(c, md);
      if (!m) return fail(c, "out of memory");
      *(ProtobufCMessage **)p = m; /* attach first: a partial child is freed with the parent */
      return decode_message_into(c, md, j, m);
    }
  }
  return fail(c, "unsupported field type");
}

static const ProtobufCFieldDescriptor *find_field(const ProtobufCMessageDescriptor *d,
                                                  const char *key) {
  for (unsigned i = 0; i < d->n_fields; i++) {
    const ProtobufCFieldDescriptor *f = &d->fields[i];
    if (strcmp(f->name, key) == 0) return f;
    char camel[256];
    pbjson_camel(f->name, camel, sizeof camel);
    if (strcmp(camel, key) == 0) return f;
  }
  return NULL;
}

/* Releases what a singular member currently owns before it is overwritten (only
 * possible for a oneof member set twice, which is rejected earlier; kept defensive). */
/* A map field from a JSON object {"key": value, …}. */
static int decode_map(dec_ctx *c, ProtobufCMessage *msg, const ProtobufCFieldDescriptor *f,
                      const json_t *j) {
  const ProtobufCMessageDescriptor *md = f->descriptor;
  const ProtobufCFieldDescriptor *kf = &md->fields[0], *vf = &md->fields[1];
  size_t n = json_object_size(j);
  if (n == 0) return 0;
  ProtobufCMessage **arr = xalloc(c, n * sizeof *arr);
  if (!arr) return fail(c, "out of memory");
  size_t *count = MEMBER_PTR(msg, f->quantifier_offset);
  *(ProtobufCMessage ***)MEMBER_PTR(msg, f->offset) = arr;
  *count = 0;
  const char *key;
  json_t *val;
  json_object_foreach((json_t *)j, key, val) {
    ProtobufCMessage *e = new_message(c, md);
    if (!e) return fail(c, "out of memory");
    arr[(*count)++] = e; /* attached first: freed with msg on failure */
    size_t old = c->plen;
    int w = snprintf(c->path + c->plen, sizeof c->path - c->plen, "[\"%s\"]", key);
    if (w > 0) c->plen = c->plen + (size_t)w < sizeof c->path ? c->plen + (size_t)w : sizeof c->path - 1;
    int rc;
    if (kf->type == PROTOBUF_C_TYPE_BOOL) {
      rc = strcmp(key, "true") == 0 || strcmp(key, "false") == 0 ? 0 : fail(c, "expected a boolean key");
      if (rc == 0) *(protobuf_c_boolean *)MEMBER_PTR(e, kf->offset) = key[0] == 't';
    } else {
      json_t *kj = json_string(key);
      rc = kj ? decode_value(c, kf, kj, MEMBER_PTR(e, kf->offset)) : fail(c, "invalid key");
      json_decref(kj);
    }
    if (rc) return -1;
    if (json_is_null(val)) return fail(c, "null is not allowed as a map value");
    if (decode_value(c, vf, val, MEMBER_PTR(e, vf->offset))) return -1;
    path_pop(c, old);
  }
  return 0;
}

static int decode_field(dec_ctx *c, ProtobufCMessage *msg, const ProtobufCFieldDescriptor *f,
                        const json_t *j) {
  void *member = MEMBER_PTR(msg, f->offset);
  if (json_is_object(j) && is_map_field(f)) return decode_map(c, msg, f, j);
  if (f->label == PROTOBUF_C_LABEL_REPEATED) {
    if (!json_is_array(j)) return fail(c, "expected an array, got %s", json_type_name(j));
    size_t n = json_array_size(j);
    if (n == 0) return 0;
    size_t es = elem_size(f->type);
    char *arr = xalloc(c, es * n);
    if (!arr) return fail(c, "out of memory");
    size_t *count = MEMBER_PTR(msg, f->quantifier_offset);
    *(void **)member = arr;
    *count = 0;
    for (size_t k = 0; k < n; k++) {
      const json_t *e = json_array_get(j, k);
      size_t old = path_push_index(c, k);
      if (json_is_null(e)) {
        fail(c, "null is not allowed in a repeated field");
        return -1;
      }
      int rc = decode_value(c, f, e, arr + k * es);
      /* a message element is attached even when it failed half-way, so the parent's
       * free_unpacked releases it; other types own nothing on failure */
      if (rc == 0 || (f->type == PROTOBUF_C_TYPE_MESSAGE && *(void **)(arr + k * es)))
        *count = k + 1;
      if (rc) return -1;
      path_pop(c, old);
    }
    return 0;
  }
  int rc = decode_value(c, f, j, member);
  if (rc == 0 && f->label == PROTOBUF_C_LABEL_OPTIONAL && f->type != PROTOBUF_C_TYPE_STRING &&
      f->type != PROTOBUF_C_TYPE_MESSAGE && !(f->flags & PROTOBUF_C_FIELD_FLAG_ONEOF))
    *(protobuf_c_boolean *)MEMBER_PTR(msg, f->quantifier_offset) = 1;
  return rc;
}

static int decode_message_into(dec_ctx *c, const ProtobufCMessageDescriptor *d, const json_t *j,
                               ProtobufCMessage *msg) {
  if (!json_is_object(j)) return fail(c, "expected an object, got %s", json_type_name(j));
  unsigned char seen_small[64];
  unsigned char *seen = d->n_fields <= sizeof seen_small ? seen_small : calloc(d->n_fields, 1);
  if (!seen) return fail(c, "out of memory");
  memset(seen, 0, d->n_fields <= sizeof seen_small ? sizeof seen_small : 0);
  int rc = 0;
  const char *key;
  json_t *val;
  json_object_foreach((json_t *)j, key, val) {
    size_t old = path_push_key(c, key);
    const ProtobufCFieldDescriptor *f = find_field(d, key);
    if (!f) {
      rc = fail(c, "unknown field");
      break;
    }
    unsigned idx = (unsigned)(f - d->fields);
    if (seen[idx]) {
      rc = fail(c, "field given twice (as snake_case and lowerCamelCase)");
      break;
    }
    seen[idx] = 1;
    if (json_is_null(val)) { /* null = default */
      path_pop(c, old);
      continue;
    }
    if (f->flags & PROTOBUF_C_FIELD_FLAG_ONEOF) {
      uint32_t *cas = MEMBER_PTR(msg, f->quantifier_offset);
      if (*cas != 0 && *cas != f->id) {
        const char *other = "?";
        for (unsigned k = 0; k < d->n_fields; k++)
          if (d->fields[k].id == *cas) other = d->fields[k].name;
        rc = fail(c, "only one field of a oneof may be set (already set: %s)", other);
        break;
      }
      /* Set the case only after a successful decode for scalar types (nothing owned
       * yet); for strings/bytes/messages before it, so a partial value is freed. */
      if (f->type == PROTOBUF_C_TYPE_STRING || f->type == PROTOBUF_C_TYPE_BYTES ||
          f->type == PROTOBUF_C_TYPE_MESSAGE) {
        memset(MEMBER_PTR(msg, f->offset), 0, elem_size(f->type));
        *cas = f->id;
      }
      if (decode_field(c, msg, f, val)) {
        rc = -1;
        break;
      }
      *cas = f->id;
      path_pop(c, old);
      continue;
    }
    if (decode_field(c, msg, f, val)) {
      rc = -1;
      break;
    }
    path_pop(c, old);
  }
  if (seen != seen_small) free(seen);
  return rc;
}

static void *std_alloc(void *data, size_t n) {
  (void)data;
  return malloc(n);
}
static void std_free(void *data, void *p) {
  (void)data;
  free(p);
}
static ProtobufCAllocator std_allocator = {std_alloc, std_free, NULL};

ProtobufCMessage *pbjson_to_message(const ProtobufCMessageDescriptor *desc, json_t *json,
                                    ProtobufCAllocator *alloc, char *err, size_t errlen) {
  dec_ctx c;
  memset(&c, 0, sizeof c);
  c.alloc = alloc ? alloc : &std_allocator;
  c.err = err;
  c.errlen = errlen;
  if (err && errlen) err[0] = '\0';
  if (!desc || !json) {
    fail(&c, "no input");
    return NULL;
  }
  if (!json_is_object(json)) {
    fail(&c, "expected a JSON object, got %s", json_type_name(json));
    return NULL;
  }
  ProtobufCMessage *m = new_message(&c, desc);
  if (!m) {
    fail(&c, "out of memory");
    return NULL;
  }
  if (decode_message_into(&c, desc, json, m) != 0) {
    protobuf_c_message_free_unpacked(m, c.alloc);
    return NULL;
  }
  return m;
}
