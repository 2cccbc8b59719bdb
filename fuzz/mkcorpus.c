/*
 * mkcorpus — builds the seed corpus of every fuzz target from the fixtures.
 *
 *   mkcorpus STANDARDS_DIR OUT_DIR
 * writes OUT_DIR/<target>/<name> for:
 *   fuzz_pbjson, fuzz_importfile  the fixture JSON files as they are, plus a trimmed
 *                                 copy of each (first 3 items, 1 filing), re-encoded
 *   fuzz_catalog_requests         method byte + packed request: every fixture import
 *                                 (trimmed, and as a new edition), and reads, lists,
 *                                 writes and filings on the fixture ids
 *   fuzz_engine                   mode byte + packed child / parent standards (each
 *                                 fixture with its parent; trimmed and whole) + filings
 *   fuzz_pagetoken                fingerprint + revision + cursor, and token strings
 * Requests are written as JSON here and encoded with pbjson (common/pbjson.h), so they
 * read like the proto. The method byte is the index among the unary methods of the
 * Catalog service descriptor, as fuzz_catalog_requests computes it.
 */
#include <dirent.h>
#include <errno.h>
#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "catalog_methods.h"
#ifdef PSS_FUZZ_HAVE_CSV
#include "csv_items.h"
#endif
#include "importfile.h"
#include "pbjson.h"
#include "pss/catalog/v1/catalog.pb-c.h"

static const char *out_dir;
static int n_written;

static void die(const char *a, const char *b) {
  fprintf(stderr, "mkcorpus: %s: %s\n", a, b);
  exit(1);
}

static void put(const char *target, const char *name, const void *a, size_t alen, const void *b,
                size_t blen) {
  char path[1024];
  snprintf(path, sizeof path, "%s/%s", out_dir, target);
  mkdir(path, 0755);
  snprintf(path, sizeof path, "%s/%s/%s", out_dir, target, name);
  FILE *f = fopen(path, "wb");
  if (!f) die(path, strerror(errno));
  if ((alen && fwrite(a, 1, alen, f) != alen) || (blen && fwrite(b, 1, blen, f) != blen)) die(path, "write");
  fclose(f);
  n_written++;
}

static uint8_t *pack(const ProtobufCMessage *m, size_t *len) {
  *len = protobuf_c_message_get_packed_size(m);
  uint8_t *b = malloc(*len + 1);
  protobuf_c_message_pack(m, b);
  return b;
}

/* ------------------------------------------------------------ catalog requests */

static int method_byte(const char *name) {
#define NAME(n, op, w) #n,
  static const char *fuzzed[] = {FUZZ_CATALOG_METHODS(NAME) NULL};
#undef NAME
  const ProtobufCServiceDescriptor *sd = &pss__catalog__v1__catalog__descriptor;
  int idx = 0;
  for (unsigned i = 0; i < sd->n_methods; i++) {
    bool listed = false;
    for (int k = 0; fuzzed[k]; k++) listed |= !strcmp(sd->methods[i].name, fuzzed[k]);
    if (!listed) continue;
    if (!strcmp(sd->methods[i].name, name)) return idx;
    idx++;
  }
  die(name, "no such unary method");
  return -1;
}

static const ProtobufCMethodDescriptor *method_desc(const char *name) {
  const ProtobufCMethodDescriptor *m =
      protobuf_c_service_descriptor_get_method_by_name(&pss__catalog__v1__catalog__descriptor, name);
  if (!m) die(name, "no such method");
  return m;
}

static int n_req;
static void request_msg(const char *method, const ProtobufCMessage *m) {
  size_t len;
  uint8_t *b = pack(m, &len);
  uint8_t sel = (uint8_t)method_byte(method);
  char name[128];
  snprintf(name, sizeof name, "%03d-%s", n_req++, method);
  put("fuzz_catalog_requests", name, &sel, 1, b, len);
  free(b);
}

static void request(const char *method, const char *json_text) {
  json_error_t je;
  json_t *j = json_loads(json_text, 0, &je);
  if (!j) die(json_text, je.text);
  char err[512];
  ProtobufCMessage *m = pbjson_to_message(method_desc(method)->input, j, NULL, err, sizeof err);
  if (!m) die(json_text, err);
  request_msg(method, m);
  protobuf_c_message_free_unpacked(m, NULL);
  json_decref(j);
}

/* ------------------------------------------------------------ fixtures */

typedef struct fixture {
  char path[512];
  char id[64];
  Pss__Catalog__V1__ImportStandardRequest *req;
} fixture;

static fixture fx[64];
static size_t n_fx;

static int cmp_fx(const void *a, const void *b) {
  return strcmp(((const fixture *)a)->path, ((const fixture *)b)->path);
}

static void load_fixtures(const char *dir) {
  DIR *d = opendir(dir);
  if (!d) die(dir, strerror(errno));
  struct dirent *e;
  while ((e = readdir(d)) && n_fx < 64) {
    size_t l = strlen(e->d_name);
    if (l < 6 || strcmp(e->d_name + l - 5, ".json")) continue;
    snprintf(fx[n_fx++].path, sizeof fx[0].path, "%s/%s", dir, e->d_name);
  }
  closedir(d);
  qsort(fx, n_fx, sizeof *fx, cmp_fx);
  char err[1024];
  for (size_t i = 0; i < n_fx; i++)
    if (importfile_load(fx[i].path, &fx[i].req, fx[i].id, sizeof fx[i].id, err, sizeof err)) die(fx[i].path, err);
  if (!n_fx) die(dir, "no *.json fixtures");
}

static const char *base_name(const char *p) {
  const char *s = strrchr(p, '/');
  return s ? s + 1 : p;
}

static char *read_all(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (!f) die(path, strerror(errno));
  fseek(f, 0, SEEK_END);
  long n = ftell(f);
  fseek(f, 0, SEEK_SET);
  char *b = malloc((size_t)n + 1);
  if (fread(b, 1, (size_t)n, f) != (size_t)n) die(path, "read");
  fclose(f);
  *len = (size_t)n;
  return b;
}

/* Temporarily trims a request to its first k items and f filings (restore after). */
typedef struct trim_save {
  size_t items, filings;
} trim_save;
static trim_save trim(Pss__Catalog__V1__ImportStandardRequest *r, size_t k, size_t f) {
  trim_save s = {r->standard->n_items, r->n_filings};
  if (r->standard->n_items > k) r->standard->n_items = k;
  if (r->n_filings > f) r->n_filings = f;
  return s;
}
static void untrim(Pss__Catalog__V1__ImportStandardRequest *r, trim_save s) {
  r->standard->n_items = s.items;
  r->n_filings = s.filings;
}

static const fixture *find_fx(const char *id) {
  for (size_t i = 0; i < n_fx; i++)
    if (!strcmp(fx[i].id, id)) return &fx[i];
  return NULL;
}

static void json_seeds(void) {
  for (size_t i = 0; i < n_fx; i++) {
    size_t len;
    char *b = read_all(fx[i].path, &len);
    put("fuzz_pbjson", base_name(fx[i].path), b, len, NULL, 0);
    put("fuzz_importfile", base_name(fx[i].path), b, len, NULL, 0);
    free(b);
    trim_save s = trim(fx[i].req, 3, 1);
    json_t *j = pbjson_from_message(&fx[i].req->base);
    char *t = json_dumps(j, JSON_INDENT(1));
    char name[256];
    snprintf(name, sizeof name, "trim3-%s", base_name(fx[i].path));
    put("fuzz_pbjson", name, t, strlen(t), NULL, 0);
    put("fuzz_importfile", name, t, strlen(t), NULL, 0);
    free(t);
    json_decref(j);
    untrim(fx[i].req, s);
  }
  static const char *edge[] = {
      "{}", "{\"standard\":{}}", "{\"standard\":{\"jurisdiction\":\"CN\",\"edition\":\"2021\"}}",
      "{\"standard\":{\"jurisdiction\":\"CN\",\"edition\":\"2021\",\"id\":\"CN/2022\"}}",
      "{\"standard\":{\"jurisdiction\":\"330782\",\"edition\":\"2021\",\"status\":\"PUBLISHED\","
      "\"items\":[{\"code\":\"A\",\"levels\":[{\"metric\":\"m\",\"value\":1.5,\"valueMax\":\"2\","
      "\"comparator\":3,\"unit\":\"%\"}]}]},\"filings\":[{\"number\":\"1\",\"covers\":[{}]}],"
      "\"jurisdictions\":[{\"code\":\"330782\",\"name\":\"x\"}]}",
      "{\"standard\":{\"items\":[{\"code\":\"\\u00e9\\ud83d\\ude00\",\"levles\":[]}]}}",
      "{\"standard\":{\"revision\":\"18446744073709551615\",\"items\":[]}}",
      "{\"standard\":{\"revision\":-1}}",
  };
  for (size_t i = 0; i < sizeof edge / sizeof edge[0]; i++) {
    char name[32];
    snprintf(name, sizeof name, "edge-%02zu.json", i);
    put("fuzz_pbjson", name, edge[i], strlen(edge[i]), NULL, 0);
    put("fuzz_importfile", name, edge[i], strlen(edge[i]), NULL, 0);
  }
}

static void catalog_seeds(void) {
  char buf[2048];
  for (size_t i = 0; i < n_fx; i++) {
    Pss__Catalog__V1__ImportStandardRequest *r = fx[i].req;
    const char *id = fx[i].id, *jur = r->standard->jurisdiction;
    /* re-import (trimmed: a new content, so a real write), and as a new edition */
    trim_save s = trim(r, 4, 1);
    request_msg("ImportStandard", &r->base);
    char *ed = r->standard->edition;
    Pss__Catalog__V1__StandardStatus st = r->standard->status;
    r->standard->edition = "2099";
    r->standard->status = PSS__CATALOG__V1__STANDARD_STATUS__DRAFT;
    request_msg("ImportStandard", &r->base);
    r->standard->edition = ed;
    r->standard->status = st;
    untrim(r, s);
    snprintf(buf, sizeof buf, "{\"id\":\"%s\",\"includeItems\":true}", id);
    request("GetStandard", buf);
    snprintf(buf, sizeof buf, "{\"id\":\"%s\",\"revision\":\"3\"}", id);
    request("GetStandard", buf);
    snprintf(buf, sizeof buf, "{\"standard\":\"%s\",\"pageSize\":3}", id);
    request("ListItems", buf);
    if (r->standard->n_items) {
      const Pss__Catalog__V1__Item *it = r->standard->items[0];
      snprintf(buf, sizeof buf, "{\"standard\":\"%s\",\"code\":\"%s\"}", id, it->code);
      request("GetItem", buf);
      snprintf(buf, sizeof buf, "{\"standard\":\"%s\",\"domain\":\"%s\"}", id, it->domain);
      request("ListItems", buf);
      /* WriteItems: upsert the first item, delete the second */
      Pss__Catalog__V1__WriteItemsRequest w = PSS__CATALOG__V1__WRITE_ITEMS_REQUEST__INIT;
      w.standard = (char *)id;
      w.expected_etag = "@"; /* fuzz_catalog_requests: the current etag */
      Pss__Catalog__V1__Item *ups[1] = {r->standard->items[0]};
      w.upserts = ups;
      w.n_upserts = 1;
      char *codes[1] = {r->standard->n_items > 1 ? r->standard->items[1]->code : "NOPE"};
      w.delete_codes = codes;
      w.n_delete_codes = 1;
      request_msg("WriteItems", &w.base);
      char draft[64]; /* the draft imported above as edition 2099 */
      snprintf(draft, sizeof draft, "%s/2099", jur);
      w.standard = draft;
      request_msg("WriteItems", &w.base);
      w.n_delete_codes = 0;
      request_msg("WriteItems", &w.base);
    }
    snprintf(buf, sizeof buf, "{\"id\":\"%s\",\"pageSize\":2}", id);
    request("ListRevisions", buf);
    snprintf(buf, sizeof buf, "{\"standard\":\"%s\"}", id);
    request("ListFilings", buf);
    snprintf(buf, sizeof buf, "{\"id\":\"%s\",\"expectedEtag\":\"@\"}", id);
    request("PublishStandard", buf);
    snprintf(buf, sizeof buf, "{\"id\":\"%s\",\"expectedEtag\":\"@\",\"reason\":\"fuzz\"}", id);
    request("WithdrawStandard", buf);
    snprintf(buf, sizeof buf, "{\"code\":\"%s\"}", jur);
    request("GetJurisdiction", buf);
    if (r->n_filings) {
      Pss__Catalog__V1__CreateFilingRequest cf = PSS__CATALOG__V1__CREATE_FILING_REQUEST__INIT;
      cf.filing = r->filings[0];
      request_msg("CreateFiling", &cf.base);
      snprintf(buf, sizeof buf, "{\"standard\":\"%s\",\"number\":\"%s\"}", id, r->filings[0]->number);
      request("GetFiling", buf);
      request("DeleteFiling", buf);
    }
    Pss__Catalog__V1__CreateStandardRequest cs = PSS__CATALOG__V1__CREATE_STANDARD_REQUEST__INIT;
    Pss__Catalog__V1__Standard hdr = *r->standard;
    hdr.edition = "2030";
    hdr.id = "";
    hdr.n_items = 0;
    hdr.status = PSS__CATALOG__V1__STANDARD_STATUS__DRAFT;
    cs.standard = &hdr;
    request_msg("CreateStandard", &cs.base);
  }
  request("ListJurisdictions", "{}");
  request("ListJurisdictions", "{\"codePrefix\":\"3307\",\"pageSize\":2}");
  request("ListStandards", "{}");
  request("ListStandards", "{\"jurisdictionPrefix\":\"33\",\"status\":\"PUBLISHED\",\"pageSize\":2}");
  request("ListStandards", "{\"parent\":\"330700/2021\"}");
  request("CreateJurisdiction", "{\"jurisdiction\":{\"code\":\"330702\",\"name\":\"婺城区\"}}");
  request("CreateJurisdiction", "{\"jurisdiction\":{\"code\":\"110000\",\"name\":\"北京市\"}}");
  request("UpdateJurisdiction", "{\"jurisdiction\":{\"code\":\"330782\",\"name\":\"义乌\"},\"expectedRevision\":\"1\"}");
  request("GetStoreInfo", "{}");
  request("ListItems", "{\"standard\":\"330782/2021\",\"pageToken\":\"00112233445566778899aabbccddeeff0011223344556677\"}");
}

/* ------------------------------------------------------------ engine */

static void put_chunk(uint8_t **buf, size_t *len, size_t *cap, const void *p, size_t n) {
  while (*len + n + 4 > *cap) *buf = realloc(*buf, *cap = *cap * 2 + n + 4);
  uint8_t *o = *buf + *len;
  o[0] = (uint8_t)n;
  o[1] = (uint8_t)(n >> 8);
  o[2] = (uint8_t)(n >> 16);
  o[3] = (uint8_t)(n >> 24);
  memcpy(o + 4, p, n);
  *len += n + 4;
}

static int n_eng;
static void engine_seed(int mode, const Pss__Catalog__V1__ImportStandardRequest *child,
                        const Pss__Catalog__V1__ImportStandardRequest *parent, size_t k) {
  size_t cap = 1024, len = 1;
  uint8_t *buf = malloc(cap);
  buf[0] = (uint8_t)mode;
  Pss__Catalog__V1__Standard c = *child->standard, p = *parent->standard;
  if (c.n_items > k) c.n_items = k;
  if (p.n_items > k) p.n_items = k;
  size_t n;
  uint8_t *b = pack(&c.base, &n);
  put_chunk(&buf, &len, &cap, b, n);
  free(b);
  b = pack(&p.base, &n);
  put_chunk(&buf, &len, &cap, b, n);
  free(b);
  for (size_t i = 0; i < child->n_filings && i < 4; i++) {
    b = pack(&child->filings[i]->base, &n);
    put_chunk(&buf, &len, &cap, b, n);
    free(b);
  }
  char name[128];
  snprintf(name, sizeof name, "%03d-mode%d-%s", n_eng++, mode, k > 1000 ? "whole" : "trim");
  for (char *q = name; *q; q++)
    if (*q == '/') *q = '_';
  put("fuzz_engine", name, buf, len, NULL, 0);
  free(buf);
}

static void engine_seeds(void) {
  for (size_t i = 0; i < n_fx; i++) {
    const char *parent = fx[i].req->standard->parent;
    const fixture *p = parent && parent[0] ? find_fx(parent) : NULL;
    if (!p) {
      engine_seed(4, fx[i].req, fx[i].req, 6); /* self comparison */
      continue;
    }
    for (int mode = 0; mode < 4; mode++) engine_seed(mode, fx[i].req, p->req, 8);
    engine_seed(8, fx[i].req, p->req, 8);
    engine_seed(0, fx[i].req, p->req, 100000);
  }
  /* two editions of one jurisdiction */
  for (size_t i = 0; i < n_fx; i++)
    for (size_t j = 0; j < n_fx; j++)
      if (i != j && !strcmp(fx[i].req->standard->jurisdiction, fx[j].req->standard->jurisdiction) &&
          strcmp(fx[i].req->standard->edition, fx[j].req->standard->edition) > 0)
        engine_seed(1, fx[i].req, fx[j].req, 10);
}

/* ------------------------------------------------------------ page tokens */

static void pagetoken_seeds(void) {
  static const struct {
    const char *name;
    const char *bytes;
    size_t n;
  } s[] = {
      {"rt-empty-cursor", "\x01\x02\x03\x04\x05\x06\x07\x08\0\0\0\0\0\0\0\x2a", 16},
      {"rt-item-code", "\xff\xee\xdd\xcc\xbb\xaa\x99\x88\0\0\0\0\0\0\x01\x00YW-11.3.1", 25},
      {"rt-utf8", "\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\x07\xe4\xb9\x89\xe5\x8f\x91\xe6\x94\xb9\xe5\xa4\x87", 28},
      {"tok-48-hex", "00112233445566778899aabbccddeeff0011223344556677", 48},
      {"tok-upper", "00112233445566778899AABBCCDDEEFF0011223344556677", 48},
      {"tok-odd", "0011223344556677889", 19},
  };
  for (size_t i = 0; i < sizeof s / sizeof s[0]; i++) put("fuzz_pagetoken", s[i].name, s[i].bytes, s[i].n, NULL, 0);
  char big[16 + 300];
  memset(big, 'c', sizeof big);
  memset(big, 0x11, 16);
  put("fuzz_pagetoken", "rt-long-cursor", big, sizeof big, NULL, 0);
}

/* ------------------------------------------------------------ CSV item tables */

static void csv_seeds(void) {
#ifdef PSS_FUZZ_HAVE_CSV
  for (size_t i = 0; i < n_fx; i++) {
    const Pss__Catalog__V1__Standard *st = fx[i].req->standard;
    for (int whole = 0; whole < 2; whole++) {
      json_t *items = json_array();
      for (size_t k = 0; k < st->n_items && (whole || k < 5); k++)
        json_array_append_new(items, pbjson_from_message(&st->items[k]->base));
      char *buf = NULL;
      size_t len = 0;
      FILE *f = open_memstream(&buf, &len);
      char err[512];
      if (csv_items_encode(f, items, "330782", err, sizeof err) == 0) {
        fclose(f);
        char name[256];
        snprintf(name, sizeof name, "%s-%s.csv", whole ? "whole" : "trim5", base_name(fx[i].path));
        put("fuzz_csv", name, buf, len, NULL, 0);
      } else {
        fclose(f);
      }
      free(buf);
      json_decref(items);
    }
  }
#endif
  static const char *edge[] = {
      "", "\xef\xbb\xbf", "a,b\r\n1,2\r\n", "\"a\"\"b\",c\n\"x\ny\",z", "a\rb\r\n\n",
      "\"unterminated", "a\"b,c", "\"a\"x,b",
  };
  for (size_t i = 0; i < sizeof edge / sizeof edge[0]; i++) {
    char name[32];
    snprintf(name, sizeof name, "edge-%02zu.csv", i);
    put("fuzz_csv", name, edge[i], strlen(edge[i]), NULL, 0);
  }
}

int main(int argc, char **argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: mkcorpus STANDARDS_DIR OUT_DIR\n");
    return 2;
  }
  out_dir = argv[2];
  mkdir(out_dir, 0755);
  load_fixtures(argv[1]);
  json_seeds();
  catalog_seeds();
  engine_seeds();
  pagetoken_seeds();
  csv_seeds();
  printf("mkcorpus: %d seed files from %zu fixtures into %s\n", n_written, n_fx, out_dir);
  for (size_t i = 0; i < n_fx; i++) protobuf_c_message_free_unpacked(&fx[i].req->base, NULL);
  return 0;
}
