/* catalog.c — catalog lifecycle and the shared plumbing of the operations:
 * packing/unpacking stored messages, versioned reads of standards and items,
 * and the change record every write appends. */
#include "catalog_internal.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

int catalog_open(const catalog_opts *o, catalog **out, cat_err *err) {
  catalog *c = calloc(1, sizeof *c);
  if (!c) return cat_fail(err, GRPC_STATUS_RESOURCE_EXHAUSTED, "out of memory");
  c->default_page = o->default_page_size > 0 ? o->default_page_size : 100;
  c->max_page = o->max_page_size > 0 ? o->max_page_size : 1000;
  int code = store_open(&o->store, &c->st, err);
  if (code != CAT_OK) {
    free(c);
    return code;
  }
  *out = c;
  return CAT_OK;
}

void catalog_close(catalog *c) {
  if (!c) return;
  store_close(c->st);
  free(c);
}

store *catalog_store(catalog *c) { return c->st; }

void catalog_on_commit(catalog *c, void (*fn)(void *, uint64_t), void *arg) {
  store_set_on_commit(c->st, fn, arg);
}

/* ------------------------------------------------------------ allocation */

void *pa_alloc(ProtobufCAllocator *a, size_t n) {
  void *p = a->alloc(a->allocator_data, n ? n : 1);
  if (p) memset(p, 0, n ? n : 1);
  return p;
}

char *pa_strdup(ProtobufCAllocator *a, const char *s) {
  size_t n = strlen(s);
  char *p = a->alloc(a->allocator_data, n + 1);
  if (p) memcpy(p, s, n + 1);
  return p;
}

char *pa_printf(ProtobufCAllocator *a, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  char buf[1024];
  vsnprintf(buf, sizeof buf, fmt, ap);
  va_end(ap);
  return pa_strdup(a, buf);
}

char *now_rfc3339(ProtobufCAllocator *a) {
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  struct tm tm;
  gmtime_r(&ts.tv_sec, &tm);
  char buf[40];
  size_t n = strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  snprintf(buf + n, sizeof buf - n, ".%03ldZ", ts.tv_nsec / 1000000);
  return pa_strdup(a, buf);
}

void *pack_msg(ProtobufCAllocator *a, const ProtobufCMessage *m, size_t *len) {
  *len = protobuf_c_message_get_packed_size(m);
  uint8_t *buf = a->alloc(a->allocator_data, *len ? *len : 1);
  if (buf) protobuf_c_message_pack(m, buf);
  return buf;
}

ProtobufCMessage *unpack_val(const ProtobufCMessageDescriptor *d, ProtobufCAllocator *a,
                             const MDB_val *v, cat_err *err) {
  ProtobufCMessage *m = protobuf_c_message_unpack(d, a, v->mv_size, v->mv_data);
  if (!m) cat_fail(err, GRPC_STATUS_DATA_LOSS, "storage: stored %s does not decode", d->name);
  return m;
}

/* ------------------------------------------------------------ keys */

bool std_prefix(store_key *k, const char *id) {
  key_init(k);
  return key_add(k, id);
}

bool obj_prefix(store_key *k, const char *id, const char *name) {
  key_init(k);
  return key_add(k, id) && key_add(k, name);
}

/* ------------------------------------------------------------ jurisdictions */

int load_jurisdiction(store_txn *t, const char *code, ProtobufCAllocator *a, Jurisdiction **out,
                      cat_err *err) {
  MDB_val v;
  int code_ = store_get(t, DB_JUR, code, strlen(code), &v, err);
  if (code_ != CAT_OK) return code_;
  *out = (Jurisdiction *)unpack_val(&pss__catalog__v1__jurisdiction__descriptor, a, &v, err);
  return *out ? CAT_OK : GRPC_STATUS_DATA_LOSS;
}

/* ------------------------------------------------------------ standards */

int load_header(store_txn *t, const char *id, uint64_t at, ProtobufCAllocator *a, Standard **out,
                cat_err *err) {
  store_key k;
  if (!std_prefix(&k, id)) return cat_fail(err, GRPC_STATUS_INVALID_ARGUMENT, "id: too long");
  MDB_val v;
  int code = store_get_version(t, DB_STD, &k, at ? at : UINT64_MAX, &v, NULL, err);
  if (code == CAT_NOT_FOUND) {
    if (at)
      return cat_fail(err, GRPC_STATUS_NOT_FOUND, "standard %s did not exist at revision %llu", id,
                      (unsigned long long)at);
    return cat_fail(err, GRPC_STATUS_NOT_FOUND, "standard %s not found", id);
  }
  if (code != CAT_OK) return code;
  *out = (Standard *)unpack_val(&pss__catalog__v1__standard__descriptor, a, &v, err);
  return *out ? CAT_OK : GRPC_STATUS_DATA_LOSS;
}

int put_header(store_txn *t, Standard *s, ProtobufCAllocator *a, cat_err *err) {
  store_key k;
  if (!std_prefix(&k, s->id) || !key_add_rev(&k, t->rev))
    return cat_fail(err, GRPC_STATUS_INVALID_ARGUMENT, "id: too long");
  Standard h = *s;  /* headers are stored without items */
  h.n_items = 0;
  h.items = NULL;
  h.revision = t->rev;
  s->revision = t->rev;
  h.etag = s->etag = pa_printf(a, "%llu", (unsigned long long)t->rev);
  size_t len;
  void *buf = pack_msg(a, &h.base, &len);
  return store_put(t, DB_STD, k.b, k.n, buf, len, err);
}

typedef struct items_acc {
  ProtobufCAllocator *a;
  Item **v;
  size_t n, cap;
  const char *domain;  /* filter, may be NULL */
  size_t limit;        /* 0 = all */
  cat_err *err;
} items_acc;

static int items_collect(const char *name, const MDB_val *val, uint64_t rev, void *ctx) {
  items_acc *acc = ctx;
  Item *it = (Item *)unpack_val(&pss__catalog__v1__item__descriptor, acc->a, val, acc->err);
  if (!it) return -1;
  if (acc->domain && acc->domain[0] && strcmp(it->domain, acc->domain) != 0) return 0;
  if (acc->n == acc->cap) {
    size_t nc = acc->cap ? acc->cap * 2 : 64;
    Item **nv = pa_alloc(acc->a, nc * sizeof *nv);
    if (!nv) return -1;
    if (acc->n) memcpy(nv, acc->v, acc->n * sizeof *nv);
    acc->v = nv;
    acc->cap = nc;
  }
  acc->v[acc->n++] = it;
  return acc->limit && acc->n >= acc->limit ? 1 : 0;
}

int load_items(store_txn *t, const char *id, uint64_t at, const char *domain, const char *after,
               size_t limit, ProtobufCAllocator *a, Item ***items, size_t *n, cat_err *err) {
  store_key k;
  if (!std_prefix(&k, id)) return cat_fail(err, GRPC_STATUS_INVALID_ARGUMENT, "id: too long");
  items_acc acc = {.a = a, .domain = domain, .limit = limit, .err = err};
  int code = store_each_version(t, DB_ITEM, &k, at ? at : UINT64_MAX, after, false,
                                items_collect, &acc, err);
  *items = acc.v;
  *n = acc.n;
  return code;
}

typedef struct raw_acc {
  ProtobufCAllocator *a;
  ProtobufCMessageUnknownField *v;
  size_t n, cap;
  uint32_t tag;
} raw_acc;

static int raw_collect(const char *name, const MDB_val *val, uint64_t rev, void *ctx) {
  raw_acc *acc = ctx;
  if (acc->n == acc->cap) {
    size_t nc = acc->cap ? acc->cap * 2 : 128;
    ProtobufCMessageUnknownField *nv = pa_alloc(acc->a, nc * sizeof *nv);
    if (!nv) return -1;
    if (acc->n) memcpy(nv, acc->v, acc->n * sizeof *nv);
    acc->v = nv;
    acc->cap = nc;
  }
  /* protobuf-c writes an unknown field as tag + data: the data carries the length */
  uint8_t *copy = acc->a->alloc(acc->a->allocator_data, val->mv_size + 10);
  if (!copy) return -1;
  size_t h = 0;
  for (uint64_t len = val->mv_size; ; len >>= 7) {
    copy[h++] = (uint8_t)((len & 0x7f) | (len > 0x7f ? 0x80 : 0));
    if (len <= 0x7f) break;
  }
  memcpy(copy + h, val->mv_data, val->mv_size);
  acc->v[acc->n++] = (ProtobufCMessageUnknownField){
      .tag = acc->tag, .wire_type = PROTOBUF_C_WIRE_TYPE_LENGTH_PREFIXED, .len = h + val->mv_size, .data = copy};
  return 0;
}

int load_items_packed(store_txn *t, const char *id, uint64_t at, uint32_t tag, ProtobufCAllocator *a,
                      ProtobufCMessage *into, cat_err *err) {
  store_key k;
  if (!std_prefix(&k, id)) return cat_fail(err, GRPC_STATUS_INVALID_ARGUMENT, "id: too long");
  raw_acc acc = {.a = a, .tag = tag};
  int code = store_each_version(t, DB_ITEM, &k, at ? at : UINT64_MAX, NULL, false, raw_collect, &acc, err);
  into->unknown_fields = acc.v;
  into->n_unknown_fields = (unsigned)acc.n;
  return code;
}

int load_item(store_txn *t, const char *id, const char *code, uint64_t at, ProtobufCAllocator *a,
              Item **out, cat_err *err) {
  store_key k;
  if (!obj_prefix(&k, id, code)) return cat_fail(err, GRPC_STATUS_INVALID_ARGUMENT, "code: too long");
  MDB_val v;
  int rc = store_get_version(t, DB_ITEM, &k, at ? at : UINT64_MAX, &v, NULL, err);
  if (rc == CAT_OK && v.mv_size == 0) rc = CAT_NOT_FOUND;  /* deleted */
  if (rc == CAT_NOT_FOUND)
    return cat_fail(err, GRPC_STATUS_NOT_FOUND, "item %s not found in standard %s", code, id);
  if (rc != CAT_OK) return rc;
  *out = (Item *)unpack_val(&pss__catalog__v1__item__descriptor, a, &v, err);
  return *out ? CAT_OK : GRPC_STATUS_DATA_LOSS;
}

int put_item(store_txn *t, const char *id, Item *it, ProtobufCAllocator *a, cat_err *err) {
  store_key k;
  if (!obj_prefix(&k, id, it->code) || !key_add_rev(&k, t->rev))
    return cat_fail(err, GRPC_STATUS_INVALID_ARGUMENT, "item code: too long");
  it->revision = t->rev;
  size_t len;
  void *buf = pack_msg(a, &it->base, &len);
  return store_put(t, DB_ITEM, k.b, k.n, buf, len, err);
}

int del_item(store_txn *t, const char *id, const char *code, cat_err *err) {
  store_key k;
  if (!obj_prefix(&k, id, code) || !key_add_rev(&k, t->rev))
    return cat_fail(err, GRPC_STATUS_INVALID_ARGUMENT, "item code: too long");
  return store_put(t, DB_ITEM, k.b, k.n, "", 0, err);
}

/* ------------------------------------------------------------ filings */

int load_filing(store_txn *t, const char *id, const char *number, ProtobufCAllocator *a,
                Filing **out, cat_err *err) {
  store_key k;
  if (!obj_prefix(&k, id, number)) return cat_fail(err, GRPC_STATUS_INVALID_ARGUMENT, "number: too long");
  MDB_val v;
  int rc = store_get_version(t, DB_FILING, &k, UINT64_MAX, &v, NULL, err);
  if (rc == CAT_OK && v.mv_size == 0) rc = CAT_NOT_FOUND;
  if (rc == CAT_NOT_FOUND)
    return cat_fail(err, GRPC_STATUS_NOT_FOUND, "filing %s not found in standard %s", number, id);
  if (rc != CAT_OK) return rc;
  *out = (Filing *)unpack_val(&pss__catalog__v1__filing__descriptor, a, &v, err);
  return *out ? CAT_OK : GRPC_STATUS_DATA_LOSS;
}

int put_filing(store_txn *t, Filing *f, ProtobufCAllocator *a, cat_err *err) {
  store_key k;
  if (!obj_prefix(&k, f->standard, f->number) || !key_add_rev(&k, t->rev))
    return cat_fail(err, GRPC_STATUS_INVALID_ARGUMENT, "filing number: too long");
  f->revision = t->rev;
  size_t len;
  void *buf = pack_msg(a, &f->base, &len);
  return store_put(t, DB_FILING, k.b, k.n, buf, len, err);
}

/* ------------------------------------------------------------ changes */

Change *change_new(store_txn *t, ProtobufCAllocator *a, int kind) {
  Change *ch = pa_alloc(a, sizeof *ch);
  pss__catalog__v1__change__init(ch);
  ch->revision = t->rev;
  ch->kind = kind;
  ch->time = now_rfc3339(a);
  return ch;
}

int put_change(store_txn *t, Change *ch, ProtobufCAllocator *a, cat_err *err) {
  store_key k;
  key_init(&k);
  key_add_rev(&k, t->rev);
  /* The items written at this revision are already stored under their own versioned
   * keys: the change log keeps only their codes and cat_read_change puts the items
   * back, so every item is stored once (it halves the store after an import). */
  Change stored = *ch;
  if (ch->n_items) {
    stored.n_item_codes = ch->n_items;
    stored.item_codes = pa_alloc(a, ch->n_items * sizeof *stored.item_codes);
    for (size_t i = 0; i < ch->n_items; i++) stored.item_codes[i] = ch->items[i]->code;
    stored.n_items = 0;
    stored.items = NULL;
  }
  size_t len;
  void *buf = pack_msg(a, &stored.base, &len);
  return store_put(t, DB_CHG, k.b, k.n, buf, len, err);
}

int cat_read_change(catalog *c, uint64_t rev, ProtobufCAllocator *a, Change **out, cat_err *err) {
  store_txn t;
  int code = store_read_begin(c->st, &t, err);
  if (code != CAT_OK) return code;
  store_key k;
  key_init(&k);
  key_add_rev(&k, rev);
  MDB_val v;
  code = store_get(&t, DB_CHG, k.b, k.n, &v, err);
  Change *ch = NULL;
  if (code == CAT_OK) {
    ch = (Change *)unpack_val(&pss__catalog__v1__change__descriptor, a, &v, err);
    if (!ch) code = GRPC_STATUS_DATA_LOSS;
  }
  if (code == CAT_OK && ch->n_item_codes) {  /* the items exactly as written at rev */
    ch->items = pa_alloc(a, ch->n_item_codes * sizeof *ch->items);
    for (size_t i = 0; i < ch->n_item_codes && code == CAT_OK; i++) {
      store_key ik;
      MDB_val iv;
      if (!obj_prefix(&ik, ch->standard, ch->item_codes[i]) || !key_add_rev(&ik, rev) ||
          store_get(&t, DB_ITEM, ik.b, ik.n, &iv, err) != CAT_OK ||
          !(ch->items[i] = (Item *)unpack_val(&pss__catalog__v1__item__descriptor, a, &iv, err)))
        code = cat_fail(err, GRPC_STATUS_DATA_LOSS, "change %llu: item %s of %s is not stored",
                        (unsigned long long)rev, ch->item_codes[i], ch->standard);
    }
    ch->n_items = ch->n_item_codes;
  }
  store_read_end(&t);
  if (code == CAT_OK) *out = ch;
  return code;
}

/* ------------------------------------------------------------ paging */

int page_size(catalog *c, int32_t asked, cat_err *err) {
  if (asked < 0) return -cat_fail(err, GRPC_STATUS_INVALID_ARGUMENT, "page_size: must not be negative");
  if (asked == 0) return c->default_page;
  return asked > c->max_page ? c->max_page : asked;
}

int page_request(catalog *c, const char *token, const char *const *parts, size_t nparts, uint64_t *fp,
                 uint64_t *at, char after[PAGETOKEN_CURSOR_MAX + 1], cat_err *err) {
  *fp = pagetoken_fingerprint(parts, nparts);
  *at = 0;
  after[0] = 0;
  if (!token[0]) return CAT_OK;
  return pagetoken_parse(store_secret(c->st), token, *fp, at, after, err);
}

char *page_token(catalog *c, uint64_t fp, uint64_t at, const char *cursor, ProtobufCAllocator *a) {
  size_t cap = PAGETOKEN_TEXT_MAX;
  char *tok = pa_alloc(a, cap);
  if (tok) pagetoken_make(store_secret(c->st), fp, at, cursor, tok, cap);
  return tok;
}

/* Appends p to a growing array of pointers kept in the arena. */
bool ptrs_push(ProtobufCAllocator *a, void ***v, size_t *n, size_t *cap, void *p) {
  if (*n == *cap) {
    size_t nc = *cap ? *cap * 2 : 16;
    void **nv = pa_alloc(a, nc * sizeof *nv);
    if (!nv) return false;
    if (*n) memcpy(nv, *v, *n * sizeof *nv);
    *v = nv;
    *cap = nc;
  }
  (*v)[(*n)++] = p;
  return true;
}

int cat_get_store_info(catalog *c, const ProtobufCMessage *rq, ProtobufCAllocator *a,
                       ProtobufCMessage **out, cat_err *err) {
  Pss__Catalog__V1__StoreInfo *info = pa_alloc(a, sizeof *info);
  pss__catalog__v1__store_info__init(info);
  info->revision = store_current_revision(c->st);
  info->map_size_bytes = store_map_size(c->st);
  info->map_max_bytes = store_map_max(c->st);
  *out = &info->base;
  return CAT_OK;
}
