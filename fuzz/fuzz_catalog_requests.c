/*
 * fuzz_catalog_requests — every unary Catalog method, as catalog-svc runs it: the
 * request bytes are unpacked with the method's input descriptor into a per-call arena
 * (common/arena.h, as common/rpc_server.c does), the cat_* operation runs against a
 * real LMDB store, and its reply is checked and packed (as the RPC layer would send it).
 *
 * Input: byte 0 selects the method (modulo the number of unary methods, in the order
 * of the service descriptor, streaming methods skipped); the rest is the protobuf
 * request. List replies with a next_page_token are followed for up to 3 more pages.
 *
 * Store: created ONCE per process in $PSS_FUZZ_TMP (else /dev/shm, else $TMPDIR or
 * /tmp), seeded with the fixtures of $PSS_FUZZ_STANDARDS (default: data/standards/),
 * then kept as a template. Reads and writes both run; once RESET_AFTER_WRITES
 * revisions have been committed the store is closed and the template copied back, so
 * the store stays small and every input runs against a state close to the seed.
 * A finding that depends on earlier writes reproduces with the input sequence
 * (libFuzzer's crash log); replay (tests/fuzz) runs each input on the fresh seed.
 *
 * expected_etag "@" is replaced by the standard's current etag (fill_etag), so
 * guarded writes are reachable.
 *
 * Checked: no crash / leak / UB; the status is a gRPC code (CAT_MAP_FULL never leaks);
 * OK returns a reply of the method's output type that passes protobuf_c_message_check
 * and packs; an error has a message; a write never commits more than one revision;
 * a failed write commits none.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "arena.h"
#include "catalog.h"
#include "catalog_methods.h"
#include "fuzz_common.h"
#include "importfile.h"
#include "log.h"

#ifndef PSS_STANDARDS_DIR
#define PSS_STANDARDS_DIR "data/standards"
#endif

#define RESET_AFTER_WRITES 200
#define MAX_EXTRA_PAGES 3

static const struct {
  const char *method;
  catalog_op op;
  bool writes;
} table[] = {
#define ROW(name, op, writes) {#name, op, writes},
    FUZZ_CATALOG_METHODS(ROW)
#undef ROW
};
#define N_TABLE (sizeof table / sizeof table[0])

typedef struct method {
  const ProtobufCMethodDescriptor *md;
  catalog_op op;
  bool writes;
  unsigned long calls, ok, codes[GRPC_STATUS_UNAUTHENTICATED + 1];
} method;

static method methods[N_TABLE];
static size_t n_methods;
static catalog *cat;
static arena ar;
static char base_dir[512], tmpl_dir[600], work_dir[600];
static uint64_t seed_rev;

static void die(const char *what, const char *why) {
  fprintf(stderr, "fuzz_catalog_requests: %s: %s\n", what, why);
  abort();
}

static void copy_file(const char *from, const char *to) {
  int in = open(from, O_RDONLY);
  if (in < 0) die(from, strerror(errno));
  int out = open(to, O_WRONLY | O_CREAT | O_TRUNC, 0640);
  if (out < 0) die(to, strerror(errno));
  static char buf[1 << 16];
  ssize_t n;
  while ((n = read(in, buf, sizeof buf)) > 0)
    if (write(out, buf, (size_t)n) != n) die(to, "short write");
  if (n < 0) die(from, strerror(errno));
  close(in);
  close(out);
}

static catalog *open_at(const char *dir) {
  /* small pages, so that listings of the seed span several pages and tokens are used */
  catalog_opts o = {.store = {.dir = dir, .map_initial = 8u << 20, .map_max = 256u << 20},
                    .default_page_size = 7,
                    .max_page_size = 50};
  catalog *c;
  cat_err err = {0};
  if (catalog_open(&o, &c, &err) != CAT_OK) die(dir, err.msg);
  return c;
}

static int cmpstr(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Imports every fixture, parents first, as catalog-svc --seed-dir does. */
static void seed(catalog *c, const char *dir) {
  DIR *d = opendir(dir);
  if (!d) die(dir, strerror(errno));
  char *paths[64];
  size_t n = 0;
  struct dirent *e;
  while ((e = readdir(d)) && n < 64) {
    size_t l = strlen(e->d_name);
    if (l < 6 || strcmp(e->d_name + l - 5, ".json")) continue;
    paths[n] = malloc(strlen(dir) + l + 2);
    sprintf(paths[n], "%s/%s", dir, e->d_name);
    n++;
  }
  closedir(d);
  qsort(paths, n, sizeof *paths, cmpstr);
  Pss__Catalog__V1__ImportStandardRequest *reqs[64];
  char ids[64][64];
  topo_node nodes[64];
  size_t order[64];
  char err[1024];
  for (size_t i = 0; i < n; i++) {
    if (importfile_load(paths[i], &reqs[i], ids[i], sizeof ids[i], err, sizeof err)) die(paths[i], err);
    nodes[i].id = ids[i];
    nodes[i].parent = reqs[i]->standard->parent;
  }
  if (topo_order(nodes, n, order, err, sizeof err)) die(dir, err);
  for (size_t k = 0; k < n; k++) {
    size_t i = order[k];
    arena_reset(&ar);
    size_t len = protobuf_c_message_get_packed_size(&reqs[i]->base);
    uint8_t *buf = arena_alloc(&ar, len ? len : 1);
    protobuf_c_message_pack(&reqs[i]->base, buf);
    ProtobufCMessage *copy = protobuf_c_message_unpack(reqs[i]->base.descriptor, &ar.pb, len, buf);
    ProtobufCMessage *resp;
    cat_err ce = {0};
    if (!copy || cat_import_standard(c, copy, &ar.pb, &resp, &ce) != CAT_OK) die(paths[i], ce.msg);
  }
  arena_reset(&ar);
  for (size_t i = 0; i < n; i++) {
    protobuf_c_message_free_unpacked(&reqs[i]->base, NULL);
    free(paths[i]);
  }
}

static void reset_store(void) {
  catalog_close(cat);
  char from[700], to[700];
  snprintf(from, sizeof from, "%s/data.mdb", tmpl_dir);
  snprintf(to, sizeof to, "%s/data.mdb", work_dir);
  copy_file(from, to);
  cat = open_at(work_dir);
}

static void rm_rf(const char *dir) {
  DIR *d = opendir(dir);
  if (!d) return;
  struct dirent *e;
  while ((e = readdir(d))) {
    if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
    char p[1024];
    snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
    struct stat st;
    if (lstat(p, &st) == 0 && S_ISDIR(st.st_mode)) rm_rf(p); else unlink(p);
  }
  closedir(d);
  rmdir(dir);
}

/* PSS_FUZZ_STATS=1: how often each method ran and with which status (is the fuzzer
 * getting past validation?), printed at exit. */
static void print_stats(void) {
  const char *e = getenv("PSS_FUZZ_STATS");
  if (!e || !e[0] || e[0] == '0') return;
  fprintf(stderr, "%-20s %10s %10s  by status code\n", "method", "calls", "ok");
  for (size_t i = 0; i < n_methods; i++) {
    fprintf(stderr, "%-20s %10lu %10lu ", methods[i].md->name, methods[i].calls, methods[i].ok);
    for (int c = 1; c <= GRPC_STATUS_UNAUTHENTICATED; c++)
      if (methods[i].codes[c]) fprintf(stderr, " %d:%lu", c, methods[i].codes[c]);
    fprintf(stderr, "\n");
  }
}

static void cleanup(void) {
  print_stats();
  if (cat) catalog_close(cat);
  cat = NULL;
  arena_destroy(&ar);
  if (base_dir[0]) rm_rf(base_dir);
}

int LLVMFuzzerInitialize(int *argc, char ***argv) {
  (void)argc;
  (void)argv;
  log_init("fuzz_catalog_requests", LOG_ERROR);
  const ProtobufCServiceDescriptor *sd = &pss__catalog__v1__catalog__descriptor;
  for (unsigned i = 0; i < sd->n_methods; i++)
    for (size_t j = 0; j < N_TABLE; j++)
      if (!strcmp(sd->methods[i].name, table[j].method))
        methods[n_methods++] = (method){&sd->methods[i], table[j].op, table[j].writes, 0, 0, {0}};
  if (n_methods != N_TABLE) die("service descriptor", "a Catalog method of the table is missing");

  const char *tmp = getenv("PSS_FUZZ_TMP");
  struct stat st;
  if (!tmp || !tmp[0]) tmp = stat("/dev/shm", &st) == 0 && access("/dev/shm", W_OK) == 0 ? "/dev/shm" : NULL;
  if (!tmp) tmp = getenv("TMPDIR");
  if (!tmp || !tmp[0]) tmp = "/tmp";
  mkdir(tmp, 0755);
  snprintf(base_dir, sizeof base_dir, "%s/pss-fuzz-catalog-XXXXXX", tmp);
  if (!mkdtemp(base_dir)) die(base_dir, strerror(errno));
  snprintf(tmpl_dir, sizeof tmpl_dir, "%s/template", base_dir);
  snprintf(work_dir, sizeof work_dir, "%s/work", base_dir);
  mkdir(tmpl_dir, 0755);
  mkdir(work_dir, 0755);
  atexit(cleanup);

  arena_init(&ar);
  const char *std_dir = getenv("PSS_FUZZ_STANDARDS");
  if (!std_dir || !std_dir[0]) std_dir = PSS_STANDARDS_DIR;
  catalog *t = open_at(tmpl_dir);
  seed(t, std_dir);
  seed_rev = store_current_revision(catalog_store(t));
  catalog_close(t);
  cat = open_at(work_dir);
  reset_store();
  return 0;
}

static const ProtobufCFieldDescriptor *string_field(const ProtobufCMessageDescriptor *d,
                                                    const char *name) {
  const ProtobufCFieldDescriptor *f = protobuf_c_message_descriptor_get_field_by_name(d, name);
  return f && f->type == PROTOBUF_C_TYPE_STRING && f->label != PROTOBUF_C_LABEL_REPEATED ? f : NULL;
}

/* One call as the server makes it; returns the reply's next_page_token or NULL. */
static const char *call(method *m, ProtobufCMessage *req) {
  uint64_t before = store_current_revision(catalog_store(cat));
  ProtobufCMessage *out = NULL;
  cat_err err = {0};
  int code = m->op(cat, req, &ar.pb, &out, &err);
  uint64_t after = store_current_revision(catalog_store(cat));
  if (code < 0 || code > GRPC_STATUS_UNAUTHENTICATED)
    fprintf(stderr, "%s returned %d (%s)\n", m->md->name, code, err.msg);
  FUZZ_CHECK(code >= 0 && code <= GRPC_STATUS_UNAUTHENTICATED);
  m->calls++;
  m->codes[code]++;
  if (code == CAT_OK) m->ok++;
  FUZZ_CHECK(memchr(err.msg, 0, sizeof err.msg) != NULL);
  if (!m->writes) FUZZ_CHECK(after == before);
  FUZZ_CHECK(after <= before + 1);
  if (code != CAT_OK) {
    if (getenv("PSS_FUZZ_VERBOSE")) fprintf(stderr, "  %s: %d %s\n", m->md->name, code, err.msg);
    FUZZ_CHECK(after == before);
    FUZZ_CHECK(err.msg[0] != 0);
    return NULL;
  }
  FUZZ_CHECK(out != NULL);
  FUZZ_CHECK(out->descriptor == m->md->output);
  FUZZ_CHECK(protobuf_c_message_check(out));
  size_t len = protobuf_c_message_get_packed_size(out);
  uint8_t *buf = arena_alloc(&ar, len ? len : 1);
  FUZZ_CHECK(buf);
  FUZZ_CHECK(protobuf_c_message_pack(out, buf) == len);
  /* what the client decodes is what was sent */
  ProtobufCMessage *back = protobuf_c_message_unpack(m->md->output, &ar.pb, len, buf);
  FUZZ_CHECK(back != NULL);
  const ProtobufCFieldDescriptor *f = string_field(m->md->output, "next_page_token");
  if (!f) return NULL;
  const char *tok = *(char *const *)((const char *)out + f->offset);
  return tok && tok[0] ? tok : NULL;
}

/* expected_etag "@" stands for the standard's current etag (read with GetStandard),
 * so that guarded writes (WriteItems, Publish, Withdraw) get past the etag check a
 * fuzzer cannot guess; any other value is passed as it is. */
static void fill_etag(const method *m, ProtobufCMessage *req) {
  const ProtobufCFieldDescriptor *ef = string_field(m->md->input, "expected_etag");
  if (!ef) return;
  char **etag = (char **)((char *)req + ef->offset);
  if (!*etag || strcmp(*etag, "@")) return;
  const ProtobufCFieldDescriptor *idf = string_field(m->md->input, "id");
  if (!idf) idf = string_field(m->md->input, "standard");
  if (!idf) return;
  Pss__Catalog__V1__GetStandardRequest g = PSS__CATALOG__V1__GET_STANDARD_REQUEST__INIT;
  g.id = *(char **)((char *)req + idf->offset);
  ProtobufCMessage *out = NULL;
  cat_err err = {0};
  if (cat_get_standard(cat, &g.base, &ar.pb, &out, &err) == CAT_OK && out)
    *etag = ((Pss__Catalog__V1__Standard *)out)->etag;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 1) return 0;
  if (!cat) LLVMFuzzerInitialize(NULL, NULL);
  method *m = &methods[data[0] % n_methods];
  arena_reset(&ar);
  ProtobufCMessage *req = protobuf_c_message_unpack(m->md->input, &ar.pb, size - 1, data + 1);
  if (!req) return 0;
  fill_etag(m, req);
  const char *tok = call(m, req);
  const ProtobufCFieldDescriptor *pf = string_field(m->md->input, "page_token");
  for (int page = 0; tok && pf && page < MAX_EXTRA_PAGES; page++) {
    char *copy = arena_strdup(&ar, tok);
    FUZZ_CHECK(copy);
    *(char **)((char *)req + pf->offset) = copy;
    tok = call(m, req);
  }
  if (store_current_revision(catalog_store(cat)) >= seed_rev + RESET_AFTER_WRITES) reset_store();
  return 0;
}
