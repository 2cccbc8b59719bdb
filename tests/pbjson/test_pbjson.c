/* test_pbjson.c — cmocka tests of the descriptor-driven protobuf-c <-> JSON codec. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "grpc/reflection/v1/reflection.pb-c.h"
#include "pbjson.h"
#include "pss/catalog/v1/catalog.pb-c.h"
#if __has_include("pss/comparison/v1/comparison.pb-c.h")
#include "pss/comparison/v1/comparison.pb-c.h"
#define HAVE_COMPARISON_PROTO 1
#endif

/* ---- an allocator that counts live blocks, so every test also checks for leaks */
static long live_blocks;
static void *count_alloc(void *d, size_t n) {
  (void)d;
  live_blocks++;
  return malloc(n);
}
static void count_free(void *d, void *p) {
  (void)d;
  if (p) live_blocks--;
  free(p);
}
static ProtobufCAllocator counting = {count_alloc, count_free, NULL};

static int setup(void **state) {
  (void)state;
  live_blocks = 0;
  return 0;
}
static int teardown(void **state) {
  (void)state;
  assert_int_equal(live_blocks, 0);
  return 0;
}

static json_t *parse(const char *text) {
  json_error_t e;
  json_t *j = json_loads(text, 0, &e);
  if (!j) fail_msg("test JSON does not parse: %s (line %d)", e.text, e.line);
  return j;
}

#define ISR_DESC (&pss__catalog__v1__import_standard_request__descriptor)

/* Decodes text as desc; expects success. */
static ProtobufCMessage *decode_ok(const ProtobufCMessageDescriptor *desc, const char *text) {
  json_t *j = parse(text);
  char err[512] = "";
  ProtobufCMessage *m = pbjson_to_message(desc, j, &counting, err, sizeof err);
  json_decref(j);
  if (!m) fail_msg("decode failed: %s", err);
  return m;
}

/* Decodes text as desc; expects failure and returns the error text. */
static void decode_err(const ProtobufCMessageDescriptor *desc, const char *text, char *err,
                       size_t errlen) {
  json_t *j = parse(text);
  ProtobufCMessage *m = pbjson_to_message(desc, j, &counting, err, errlen);
  json_decref(j);
  if (m) {
    protobuf_c_message_free_unpacked(m, &counting);
    fail_msg("decode unexpectedly succeeded: %s", text);
  }
}

static void assert_err_prefix(const char *err, const char *want) {
  if (strncmp(err, want, strlen(want)) != 0) fail_msg("error \"%s\" does not start with \"%s\"", err, want);
}

/* A canonical (lowerCamelCase, defaults omitted, 64-bit as strings) full import file. */
static const char *FULL =
    "{\"standard\":{\"id\":\"330782/2021\",\"jurisdiction\":\"330782\",\"edition\":\"2021\","
    "\"title\":\"义乌市基本公共服务标准（2021年版）\",\"parent\":\"330700/2021\","
    "\"status\":\"PUBLISHED\",\"revision\":\"18446744073709551615\",\"etag\":\"W/\\\"12\\\"\","
    "\"itemCount\":2,"
    "\"items\":["
    "{\"code\":\"1.1.1\",\"parentCode\":\"1.1.1\",\"domain\":\"幼有所育\",\"category\":\"优孕优生服务\","
    "\"name\":\"免费孕前优生健康检查\",\"target\":{\"text\":\"符合生育政策的农村计划怀孕夫妇\","
    "\"groups\":[{\"name\":\"计划怀孕夫妇\",\"residency\":\"RESIDENT\"},{\"name\":\"农村户籍\","
    "\"residency\":\"HOUSEHOLD\"}]},\"content\":[\"健康教育\",\"健康检查\",\"风险评估\"],"
    "\"levels\":[{\"metric\":\"空气质量优良天数比率\",\"comparator\":\"GE\",\"value\":97,"
    "\"unit\":\"%\",\"direction\":\"HIGHER_IS_BETTER\",\"text\":\"≥ 97%\"},"
    "{\"metric\":\"补助\",\"comparator\":\"RANGE\",\"value\":1611.5,\"valueMax\":2000.25,"
    "\"unit\":\"元/月\"}],\"standardText\":\"每孕周期2次\",\"spending\":\"中央和地方共同财政事权\","
    "\"leadDepartment\":\"市卫生健康委\",\"filingRefs\":[\"义发改备〔2021〕12号\"],"
    "\"revision\":\"12\"},"
    "{\"code\":\"YW-ADD-1\",\"name\":\"新增项目\",\"note\":\"地方新增\",\"exemptionRefs\":[\"E-1\"]}"
    "],\"createRevision\":\"3\"},"
    "\"filings\":[{\"number\":\"义发改备〔2021〕12号\",\"standard\":\"330782/2021\",\"kind\":\"RAISE\","
    "\"authority\":\"金华市发展和改革委员会\",\"date\":\"2021-09-01\",\"covers\":[{\"itemCode\":\"1.1.1\","
    "\"field\":\"levels\"}],\"reason\":\"财力允许\"}],"
    "\"jurisdictions\":[{\"code\":\"330000\",\"name\":\"浙江省\"},{\"code\":\"330700\",\"name\":\"金华市\","
    "\"parentCode\":\"330000\",\"level\":\"CITY\"},{\"code\":\"330782\",\"name\":\"义乌市\"}]}";

static void test_round_trip_full(void **state) {
  (void)state;
  ProtobufCMessage *m = decode_ok(ISR_DESC, FULL);
  Pss__Catalog__V1__ImportStandardRequest *r = (Pss__Catalog__V1__ImportStandardRequest *)m;
  assert_non_null(r->standard);
  assert_int_equal(r->standard->n_items, 2);
  assert_int_equal(r->standard->status, PSS__CATALOG__V1__STANDARD_STATUS__PUBLISHED);
  assert_true(r->standard->revision == UINT64_MAX);
  assert_int_equal(r->standard->items[0]->n_levels, 2);
  assert_true(r->standard->items[0]->levels[1]->value_max == 2000.25);
  assert_int_equal(r->standard->items[0]->target->n_groups, 2);
  assert_int_equal(r->standard->items[0]->target->groups[1]->residency,
                   PSS__CATALOG__V1__RESIDENCY__HOUSEHOLD);
  assert_int_equal(r->n_filings, 1);
  assert_int_equal(r->n_jurisdictions, 3);

  /* message -> JSON gives exactly the canonical input back */
  json_t *out = pbjson_from_message(m);
  json_t *want = parse(FULL);
  if (!json_equal(out, want)) {
    char *s = json_dumps(out, JSON_INDENT(1));
    fail_msg("round trip differs:\n%s", s);
  }

  /* and through the wire format: pack, unpack, JSON again */
  size_t n = protobuf_c_message_get_packed_size(m);
  uint8_t *buf = malloc(n);
  protobuf_c_message_pack(m, buf);
  ProtobufCMessage *m2 = protobuf_c_message_unpack(ISR_DESC, NULL, n, buf);
  assert_non_null(m2);
  json_t *out2 = pbjson_from_message(m2);
  assert_true(json_equal(out2, want));

  /* JSON -> message -> pack equals the first pack byte for byte */
  char err[256];
  ProtobufCMessage *m3 = pbjson_to_message(ISR_DESC, out2, &counting, err, sizeof err);
  assert_non_null(m3);
  size_t n3 = protobuf_c_message_get_packed_size(m3);
  assert_int_equal(n3, n);
  uint8_t *buf3 = malloc(n3);
  protobuf_c_message_pack(m3, buf3);
  assert_memory_equal(buf, buf3, n);

  free(buf);
  free(buf3);
  protobuf_c_message_free_unpacked(m2, NULL);
  protobuf_c_message_free_unpacked(m3, &counting);
  protobuf_c_message_free_unpacked(m, &counting);
  json_decref(out);
  json_decref(out2);
  json_decref(want);
}

static void test_round_trip_from_c(void **state) {
  (void)state;
  Pss__Catalog__V1__Level lv = PSS__CATALOG__V1__LEVEL__INIT;
  lv.metric = "筛查次数";
  lv.comparator = PSS__CATALOG__V1__COMPARATOR__EQ;
  lv.value = 8;
  lv.unit = "次";
  Pss__Catalog__V1__Level *lvs[] = {&lv};
  Pss__Catalog__V1__TargetGroup g = PSS__CATALOG__V1__TARGET_GROUP__INIT;
  g.name = "0-6岁儿童";
  g.residency = PSS__CATALOG__V1__RESIDENCY__RESIDENCE_PERMIT;
  Pss__Catalog__V1__TargetGroup *gs[] = {&g};
  Pss__Catalog__V1__Target t = PSS__CATALOG__V1__TARGET__INIT;
  t.text = "0-6岁儿童";
  t.n_groups = 1;
  t.groups = gs;
  Pss__Catalog__V1__Item it = PSS__CATALOG__V1__ITEM__INIT;
  it.code = "1.2.3";
  it.target = &t;
  it.n_levels = 1;
  it.levels = lvs;
  char *content[] = {"a", "", "c"};
  it.n_content = 3;
  it.content = content;
  Pss__Catalog__V1__Item *its[] = {&it};
  Pss__Catalog__V1__Standard s = PSS__CATALOG__V1__STANDARD__INIT;
  s.jurisdiction = "CN";
  s.edition = "2023";
  s.n_items = 1;
  s.items = its;
  s.item_count = 1;

  json_t *j = pbjson_from_message(&s.base);
  assert_non_null(j);
  char err[256];
  ProtobufCMessage *back =
      pbjson_to_message(&pss__catalog__v1__standard__descriptor, j, &counting, err, sizeof err);
  assert_non_null(back);
  size_t n1 = protobuf_c_message_get_packed_size(&s.base);
  size_t n2 = protobuf_c_message_get_packed_size(back);
  assert_int_equal(n1, n2);
  uint8_t *b1 = malloc(n1), *b2 = malloc(n2);
  protobuf_c_message_pack(&s.base, b1);
  protobuf_c_message_pack(back, b2);
  assert_memory_equal(b1, b2, n1);
  Pss__Catalog__V1__Standard *sb = (Pss__Catalog__V1__Standard *)back;
  assert_string_equal(sb->items[0]->content[1], ""); /* empty element of a repeated string kept */
  free(b1);
  free(b2);
  protobuf_c_message_free_unpacked(back, &counting);
  json_decref(j);
}

static void test_snake_and_camel_input(void **state) {
  (void)state;
  const char *snake =
      "{\"standard\":{\"jurisdiction\":\"330782\",\"items\":[{\"code\":\"1\",\"parent_code\":\"P1\","
      "\"standard_text\":\"x\",\"lead_department\":\"卫健委\",\"filing_refs\":[\"F1\"],"
      "\"levels\":[{\"value\":1,\"value_max\":2}]}],\"item_count\":1,\"create_revision\":5}}";
  const char *camel =
      "{\"standard\":{\"jurisdiction\":\"330782\",\"items\":[{\"code\":\"1\",\"parentCode\":\"P1\","
      "\"standardText\":\"x\",\"leadDepartment\":\"卫健委\",\"filingRefs\":[\"F1\"],"
      "\"levels\":[{\"value\":1,\"valueMax\":2}]}],\"itemCount\":1,\"createRevision\":\"5\"}}";
  ProtobufCMessage *a = decode_ok(ISR_DESC, snake);
  ProtobufCMessage *b = decode_ok(ISR_DESC, camel);
  json_t *ja = pbjson_from_message(a), *jb = pbjson_from_message(b);
  assert_true(json_equal(ja, jb));
  /* output is camelCase */
  json_t *item = json_array_get(json_object_get(json_object_get(ja, "standard"), "items"), 0);
  assert_non_null(json_object_get(item, "parentCode"));
  assert_null(json_object_get(item, "parent_code"));
  Pss__Catalog__V1__ImportStandardRequest *r = (Pss__Catalog__V1__ImportStandardRequest *)a;
  assert_string_equal(r->standard->items[0]->lead_department, "卫健委");
  assert_true(r->standard->create_revision == 5);
  json_decref(ja);
  json_decref(jb);
  protobuf_c_message_free_unpacked(a, &counting);
  protobuf_c_message_free_unpacked(b, &counting);

  /* the same field under both spellings is ambiguous */
  char err[256];
  decode_err(ISR_DESC, "{\"standard\":{\"item_count\":1,\"itemCount\":2}}", err, sizeof err);
  assert_err_prefix(err, "standard.itemCount: ");
}

static void test_unknown_field_path(void **state) {
  (void)state;
  char err[256];
  decode_err(ISR_DESC,
             "{\"standard\":{\"title\":\"t\",\"items\":[{\"code\":\"1\",\"levels\":[{\"value\":1}]},"
             "{\"code\":\"2\",\"levles\":[]}]}}",
             err, sizeof err);
  assert_string_equal(err, "standard.items[1].levles: unknown field");
  decode_err(ISR_DESC, "{\"standard\":{\"items\":[{\"levles\":[]}]}}", err, sizeof err);
  assert_string_equal(err, "standard.items[0].levles: unknown field");
  decode_err(ISR_DESC, "{\"bogus\":1}", err, sizeof err);
  assert_string_equal(err, "bogus: unknown field");
}

static void test_wrong_type_path(void **state) {
  (void)state;
  char err[256];
  decode_err(ISR_DESC,
             "{\"standard\":{\"items\":[{},{},{},{\"code\":\"4\",\"levels\":[{\"value\":\"lots\"}]}]}}",
             err, sizeof err);
  assert_err_prefix(err, "standard.items[3].levels[0].value: expected a number");
  decode_err(ISR_DESC, "{\"standard\":{\"title\":5}}", err, sizeof err);
  assert_err_prefix(err, "standard.title: expected a string");
  decode_err(ISR_DESC, "{\"standard\":{\"items\":{}}}", err, sizeof err);
  assert_err_prefix(err, "standard.items: expected an array");
  decode_err(ISR_DESC, "{\"standard\":[]}", err, sizeof err);
  assert_err_prefix(err, "standard: expected an object");
  decode_err(ISR_DESC, "{\"standard\":{\"items\":[{\"content\":[\"a\",7]}]}}", err, sizeof err);
  assert_err_prefix(err, "standard.items[0].content[1]: expected a string");
  decode_err(ISR_DESC, "{\"standard\":{\"items\":[null]}}", err, sizeof err);
  assert_err_prefix(err, "standard.items[0]: ");
  decode_err(ISR_DESC, "{\"standard\":{\"itemCount\":-1}}", err, sizeof err);
  assert_err_prefix(err, "standard.itemCount: ");
  assert_non_null(strstr(err, "out of range"));
  decode_err(ISR_DESC, "{\"standard\":{\"itemCount\":1.5}}", err, sizeof err);
  assert_err_prefix(err, "standard.itemCount: expected an integer");
  decode_err(&pss__catalog__v1__get_standard_request__descriptor, "{\"includeItems\":1}", err,
             sizeof err);
  assert_err_prefix(err, "includeItems: expected true or false");
  /* the root must be an object */
  json_t *arr = json_array();
  ProtobufCMessage *m = pbjson_to_message(ISR_DESC, arr, &counting, err, sizeof err);
  assert_null(m);
  assert_err_prefix(err, "expected a JSON object");
  json_decref(arr);
  /* a tiny error buffer is still NUL-terminated */
  char tiny[8];
  decode_err(ISR_DESC, "{\"bogus\":1}", tiny, sizeof tiny);
  assert_int_equal(strlen(tiny), 7);
}

static void test_partial_failures_do_not_leak(void **state) {
  (void)state;
  /* errors deep inside nested/repeated messages after many allocations */
  char err[256];
  decode_err(ISR_DESC,
             "{\"jurisdictions\":[{\"code\":\"CN\",\"name\":\"中国\"}],\"standard\":{\"title\":\"x\","
             "\"items\":[{\"code\":\"1\",\"content\":[\"a\",\"b\"],\"target\":{\"text\":\"t\","
             "\"groups\":[{\"name\":\"g\",\"residency\":\"NOPE\"}]}}]}}",
             err, sizeof err);
  assert_err_prefix(err, "standard.items[0].target.groups[0].residency: unknown value \"NOPE\"");
  decode_err(ISR_DESC, "{\"filings\":[{\"number\":\"1\",\"covers\":[{\"itemCode\":\"a\",\"x\":1}]}]}",
             err, sizeof err);
  assert_string_equal(err, "filings[0].covers[0].x: unknown field");
}

static void test_enum_by_name_and_number(void **state) {
  (void)state;
  const ProtobufCMessageDescriptor *d = &pss__catalog__v1__level__descriptor;
  ProtobufCMessage *a = decode_ok(d, "{\"comparator\":\"LE\",\"direction\":2}");
  Pss__Catalog__V1__Level *l = (Pss__Catalog__V1__Level *)a;
  assert_int_equal(l->comparator, PSS__CATALOG__V1__COMPARATOR__LE);
  assert_int_equal(l->direction, PSS__CATALOG__V1__DIRECTION__LOWER_IS_BETTER);
  json_t *j = pbjson_from_message(a);
  assert_string_equal(json_string_value(json_object_get(j, "comparator")), "LE");
  assert_string_equal(json_string_value(json_object_get(j, "direction")), "LOWER_IS_BETTER");
  json_decref(j);
  protobuf_c_message_free_unpacked(a, &counting);
  /* unknown numbers are kept (open enums) and printed as numbers */
  ProtobufCMessage *b = decode_ok(d, "{\"comparator\":42}");
  j = pbjson_from_message(b);
  assert_int_equal(json_integer_value(json_object_get(j, "comparator")), 42);
  json_decref(j);
  protobuf_c_message_free_unpacked(b, &counting);
  /* the zero value by name is the default: omitted */
  ProtobufCMessage *c = decode_ok(d, "{\"comparator\":\"COMPARATOR_UNSPECIFIED\"}");
  j = pbjson_from_message(c);
  assert_int_equal(json_object_size(j), 0);
  json_decref(j);
  protobuf_c_message_free_unpacked(c, &counting);
  char err[256];
  decode_err(d, "{\"comparator\":\"ge\"}", err, sizeof err);
  assert_err_prefix(err, "comparator: unknown value \"ge\"");
  decode_err(d, "{\"comparator\":true}", err, sizeof err);
  assert_err_prefix(err, "comparator: expected an enum name or number");
}

static void test_uint64_as_string(void **state) {
  (void)state;
  const ProtobufCMessageDescriptor *d = &pss__catalog__v1__get_standard_request__descriptor;
  ProtobufCMessage *a = decode_ok(d, "{\"id\":\"CN/2021\",\"revision\":\"18446744073709551615\"}");
  assert_true(((Pss__Catalog__V1__GetStandardRequest *)a)->revision == UINT64_MAX);
  json_t *j = pbjson_from_message(a);
  assert_true(json_is_string(json_object_get(j, "revision")));
  assert_string_equal(json_string_value(json_object_get(j, "revision")), "18446744073709551615");
  json_decref(j);
  protobuf_c_message_free_unpacked(a, &counting);
  ProtobufCMessage *b = decode_ok(d, "{\"revision\":12}");
  assert_true(((Pss__Catalog__V1__GetStandardRequest *)b)->revision == 12);
  j = pbjson_from_message(b);
  assert_string_equal(json_string_value(json_object_get(j, "revision")), "12");
  json_decref(j);
  protobuf_c_message_free_unpacked(b, &counting);
  char err[256];
  decode_err(d, "{\"revision\":\"18446744073709551616\"}", err, sizeof err);
  assert_err_prefix(err, "revision: value 18446744073709551616 out of range");
  decode_err(d, "{\"revision\":\"-1\"}", err, sizeof err);
  assert_err_prefix(err, "revision: ");
  decode_err(d, "{\"revision\":\"12abc\"}", err, sizeof err);
  assert_err_prefix(err, "revision: expected an integer");
  /* int32 accepts decimal strings too */
  ProtobufCMessage *c = decode_ok(&pss__catalog__v1__list_standards_request__descriptor,
                                  "{\"pageSize\":\"50\"}");
  assert_int_equal(((Pss__Catalog__V1__ListStandardsRequest *)c)->page_size, 50);
  protobuf_c_message_free_unpacked(c, &counting);
}

static void test_utf8_preserved(void **state) {
  (void)state;
  const char *in = "{\"name\":\"兰溪市\",\"code\":\"330781\"}";
  ProtobufCMessage *m = decode_ok(&pss__catalog__v1__jurisdiction__descriptor, in);
  assert_string_equal(((Pss__Catalog__V1__Jurisdiction *)m)->name, "兰溪市");
  json_t *j = pbjson_from_message(m);
  char *s = json_dumps(j, JSON_PRESERVE_ORDER | JSON_COMPACT);
  assert_non_null(strstr(s, "\"兰溪市\""));
  free(s);
  json_decref(j);
  protobuf_c_message_free_unpacked(m, &counting);
  /* full-width punctuation, emoji (4-byte) and escapes come through unchanged */
  const char *in2 = "{\"title\":\"（2021年版）\\u00e9😀 ≥ 97％\"}";
  m = decode_ok(&pss__catalog__v1__standard__descriptor, in2);
  assert_string_equal(((Pss__Catalog__V1__Standard *)m)->title, "（2021年版）é😀 ≥ 97％");
  protobuf_c_message_free_unpacked(m, &counting);
  /* invalid UTF-8 in a message (not possible from JSON) is replaced, not dropped */
  Pss__Catalog__V1__Jurisdiction bad = PSS__CATALOG__V1__JURISDICTION__INIT;
  bad.name = "a\xff" "b";
  j = pbjson_from_message(&bad.base);
  assert_string_equal(json_string_value(json_object_get(j, "name")), "a\xEF\xBF\xBD" "b");
  json_decref(j);
}

static void test_zero_values_omitted(void **state) {
  (void)state;
  Pss__Catalog__V1__Standard s = PSS__CATALOG__V1__STANDARD__INIT;
  json_t *j = pbjson_from_message(&s.base);
  assert_int_equal(json_object_size(j), 0);
  json_decref(j);
  Pss__Catalog__V1__Level l = PSS__CATALOG__V1__LEVEL__INIT;
  l.value = 0.0;
  l.metric = "";
  j = pbjson_from_message(&l.base);
  assert_int_equal(json_object_size(j), 0);
  json_decref(j);
  /* explicit zeros and nulls on input decode to defaults */
  ProtobufCMessage *m = decode_ok(&pss__catalog__v1__standard__descriptor,
                                  "{\"title\":\"\",\"revision\":\"0\",\"status\":0,\"items\":[],"
                                  "\"parent\":null,\"itemCount\":0}");
  j = pbjson_from_message(m);
  assert_int_equal(json_object_size(j), 0);
  json_decref(j);
  protobuf_c_message_free_unpacked(m, &counting);
  /* an empty nested message is present (not default) and prints as {} */
  m = decode_ok(&pss__catalog__v1__item__descriptor, "{\"target\":{}}");
  j = pbjson_from_message(m);
  assert_true(json_is_object(json_object_get(j, "target")));
  assert_int_equal(json_object_size(json_object_get(j, "target")), 0);
  json_decref(j);
  protobuf_c_message_free_unpacked(m, &counting);
}

static void test_doubles(void **state) {
  (void)state;
  const ProtobufCMessageDescriptor *d = &pss__catalog__v1__level__descriptor;
  ProtobufCMessage *m = decode_ok(d, "{\"value\":\"97.5\",\"valueMax\":\"Infinity\"}");
  Pss__Catalog__V1__Level *l = (Pss__Catalog__V1__Level *)m;
  assert_true(l->value == 97.5);
  assert_true(isinf(l->value_max));
  json_t *j = pbjson_from_message(m);
  assert_true(json_real_value(json_object_get(j, "value")) == 97.5);
  assert_string_equal(json_string_value(json_object_get(j, "valueMax")), "Infinity");
  json_decref(j);
  protobuf_c_message_free_unpacked(m, &counting);
  /* integral doubles print as JSON integers */
  m = decode_ok(d, "{\"value\":92.0}");
  j = pbjson_from_message(m);
  assert_true(json_is_integer(json_object_get(j, "value")));
  assert_int_equal(json_integer_value(json_object_get(j, "value")), 92);
  json_decref(j);
  protobuf_c_message_free_unpacked(m, &counting);
}

static void test_oneof_and_bytes(void **state) {
  (void)state;
  const ProtobufCMessageDescriptor *rq = &grpc__reflection__v1__server_reflection_request__descriptor;
  ProtobufCMessage *m = decode_ok(rq, "{\"host\":\"h\",\"file_containing_symbol\":\"pss.catalog.v1.Catalog\"}");
  Grpc__Reflection__V1__ServerReflectionRequest *r = (Grpc__Reflection__V1__ServerReflectionRequest *)m;
  assert_int_equal(r->message_request_case,
                   GRPC__REFLECTION__V1__SERVER_REFLECTION_REQUEST__MESSAGE_REQUEST_FILE_CONTAINING_SYMBOL);
  assert_string_equal(r->file_containing_symbol, "pss.catalog.v1.Catalog");
  json_t *j = pbjson_from_message(m);
  assert_string_equal(json_string_value(json_object_get(j, "fileContainingSymbol")),
                      "pss.catalog.v1.Catalog");
  assert_int_equal(json_object_size(j), 2);
  json_decref(j);
  protobuf_c_message_free_unpacked(m, &counting);

  /* a oneof message member, and a oneof member set to its zero value is still present */
  m = decode_ok(rq, "{\"fileContainingExtension\":{\"containingType\":\"x\",\"extensionNumber\":7}}");
  j = pbjson_from_message(m);
  assert_int_equal(json_integer_value(json_object_get(json_object_get(j, "fileContainingExtension"),
                                                      "extensionNumber")),
                   7);
  json_decref(j);
  protobuf_c_message_free_unpacked(m, &counting);
  m = decode_ok(rq, "{\"fileByFilename\":\"\"}");
  j = pbjson_from_message(m);
  assert_string_equal(json_string_value(json_object_get(j, "fileByFilename")), "");
  json_decref(j);
  protobuf_c_message_free_unpacked(m, &counting);

  char err[256];
  decode_err(rq, "{\"fileByFilename\":\"a\",\"fileContainingSymbol\":\"b\"}", err, sizeof err);
  assert_err_prefix(err, "fileContainingSymbol: only one field of a oneof");
  decode_err(rq, "{\"fileContainingExtension\":{\"containingType\":\"x\",\"nope\":1}}", err, sizeof err);
  assert_string_equal(err, "fileContainingExtension.nope: unknown field");

  /* bytes: base64 out, standard and URL-safe, padded or not, in */
  const ProtobufCMessageDescriptor *fd = &grpc__reflection__v1__file_descriptor_response__descriptor;
  m = decode_ok(fd, "{\"fileDescriptorProto\":[\"aGVsbG8=\",\"aGVsbG8\",\"-_8\",\"\"]}");
  Grpc__Reflection__V1__FileDescriptorResponse *f = (Grpc__Reflection__V1__FileDescriptorResponse *)m;
  assert_int_equal(f->n_file_descriptor_proto, 4);
  assert_int_equal(f->file_descriptor_proto[0].len, 5);
  assert_memory_equal(f->file_descriptor_proto[0].data, "hello", 5);
  assert_int_equal(f->file_descriptor_proto[1].len, 5);
  assert_int_equal(f->file_descriptor_proto[2].len, 2);
  assert_int_equal(f->file_descriptor_proto[2].data[0], 0xfb);
  assert_int_equal(f->file_descriptor_proto[2].data[1], 0xff);
  assert_int_equal(f->file_descriptor_proto[3].len, 0);
  j = pbjson_from_message(m);
  json_t *arr = json_object_get(j, "fileDescriptorProto");
  assert_string_equal(json_string_value(json_array_get(arr, 0)), "aGVsbG8=");
  assert_string_equal(json_string_value(json_array_get(arr, 2)), "+/8=");
  assert_string_equal(json_string_value(json_array_get(arr, 3)), "");
  json_decref(j);
  protobuf_c_message_free_unpacked(m, &counting);
  decode_err(fd, "{\"fileDescriptorProto\":[\"aGVsbG8=\",\"a*b\"]}", err, sizeof err);
  assert_err_prefix(err, "fileDescriptorProto[1]: invalid base64");
}

/* map<string, uint32> fields (comparison.proto's Report.counts) are JSON objects */
static void test_maps(void **state) {
  (void)state;
#ifdef HAVE_COMPARISON_PROTO
  const ProtobufCMessageDescriptor *d = &pss__comparison__v1__report__descriptor;
  const char *in = "{\"child\":\"330782/2021\",\"counts\":{\"ADDED\":4,\"RAISED\":0,\"REFINED\":13},"
                   "\"countsByDomain\":{\"幼有所育\":2}}";
  ProtobufCMessage *m = decode_ok(d, in);
  json_t *out = pbjson_from_message(m);
  json_t *want = parse(in);
  if (!json_equal(out, want)) fail_msg("map round trip: %s", json_dumps(out, 0));
  /* through the wire format too */
  size_t n = protobuf_c_message_get_packed_size(m);
  uint8_t *buf = malloc(n);
  protobuf_c_message_pack(m, buf);
  ProtobufCMessage *m2 = protobuf_c_message_unpack(d, NULL, n, buf);
  json_t *out2 = pbjson_from_message(m2);
  assert_true(json_equal(out2, want));
  free(buf);
  protobuf_c_message_free_unpacked(m2, NULL);
  protobuf_c_message_free_unpacked(m, &counting);
  json_decref(out);
  json_decref(out2);
  json_decref(want);
  /* snake_case name, and the entry-array form is accepted too */
  m = decode_ok(d, "{\"counts_by_domain\":[{\"key\":\"学有所教\",\"value\":1}]}");
  out = pbjson_from_message(m);
  assert_int_equal(json_integer_value(json_object_get(json_object_get(out, "countsByDomain"), "学有所教")), 1);
  json_decref(out);
  protobuf_c_message_free_unpacked(m, &counting);
  char err[256];
  decode_err(d, "{\"counts\":{\"ADDED\":1,\"LOWERED\":\"many\"}}", err, sizeof err);
  assert_err_prefix(err, "counts[\"LOWERED\"]: expected an integer");
  decode_err(d, "{\"counts\":{\"ADDED\":-1}}", err, sizeof err);
  assert_err_prefix(err, "counts[\"ADDED\"]: ");
#else
  skip();
#endif
}

static void test_camel(void **state) {
  (void)state;
  char out[32];
  pbjson_camel("parent_code", out, sizeof out);
  assert_string_equal(out, "parentCode");
  pbjson_camel("file_containing_symbol", out, sizeof out);
  assert_string_equal(out, "fileContainingSymbol");
  pbjson_camel("x", out, sizeof out);
  assert_string_equal(out, "x");
  pbjson_camel("value_max", out, 4);
  assert_string_equal(out, "val");
}

static void test_default_allocator(void **state) {
  (void)state;
  json_t *j = parse(FULL);
  char err[128];
  ProtobufCMessage *m = pbjson_to_message(ISR_DESC, j, NULL, err, sizeof err);
  assert_non_null(m);
  protobuf_c_message_free_unpacked(m, NULL);
  json_decref(j);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_round_trip_full, setup, teardown),
      cmocka_unit_test_setup_teardown(test_round_trip_from_c, setup, teardown),
      cmocka_unit_test_setup_teardown(test_snake_and_camel_input, setup, teardown),
      cmocka_unit_test_setup_teardown(test_unknown_field_path, setup, teardown),
      cmocka_unit_test_setup_teardown(test_wrong_type_path, setup, teardown),
      cmocka_unit_test_setup_teardown(test_partial_failures_do_not_leak, setup, teardown),
      cmocka_unit_test_setup_teardown(test_enum_by_name_and_number, setup, teardown),
      cmocka_unit_test_setup_teardown(test_uint64_as_string, setup, teardown),
      cmocka_unit_test_setup_teardown(test_utf8_preserved, setup, teardown),
      cmocka_unit_test_setup_teardown(test_zero_values_omitted, setup, teardown),
      cmocka_unit_test_setup_teardown(test_doubles, setup, teardown),
      cmocka_unit_test_setup_teardown(test_oneof_and_bytes, setup, teardown),
      cmocka_unit_test_setup_teardown(test_maps, setup, teardown),
      cmocka_unit_test_setup_teardown(test_camel, setup, teardown),
      cmocka_unit_test_setup_teardown(test_default_allocator, setup, teardown),
  };
  return cmocka_run_group_tests_name("pbjson", tests, NULL, NULL);
}
