/*
 * compare_bench.c — timings of the comparison work at country scale.
 *
 * Engine only (links pss_engine; standards read from catalog-svc once, then timed in memory):
 *   bench_compare engine-compare --catalog ADDR --child ID [--iters 200]
 *   bench_compare engine-audit   --catalog ADDR --ids FILE [--threads 2]
 *        (reads every standard + its filings from the catalog — timed as "catalog reads" —
 *         then engine_audit of every standard's chain up to CN — timed as "engine")
 * End to end through comparison-svc:
 *   bench_compare e2e-compare  --comparison ADDR --child ID [--iters 200]
 *   bench_compare e2e-audit    --comparison ADDR --ids FILE [--threads 4]
 *   bench_compare e2e-coverage --comparison ADDR --parent ID[,ID…]   (a province + its cities = its subtree)
 * Each prints one JSON object.
 */
#include "engine.h"
#include "rpc.h"

#include <pss/catalog/v1/catalog.pb-c.h>
#include <pss/comparison/v1/comparison.pb-c.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}
static int cmp_d(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}
static void die(const char *what, grpc_status_code st, const rpc_result *r) {
  fprintf(stderr, "bench_compare: %s: %s: %s\n", what, rpc_status_name(st), r->message ? r->message : "");
  exit(1);
}

/* ------------------------------------------------------------ catalog reads */

static engine_standard *get_standard(rpc_client *cl, const char *id) {
  Pss__Catalog__V1__GetStandardRequest rq = PSS__CATALOG__V1__GET_STANDARD_REQUEST__INIT;
  rq.id = (char *)id;
  rq.include_items = 1;
  ProtobufCMessage *out = NULL;
  rpc_result r = {0};
  grpc_status_code st = rpc_client_call(cl, "/pss.catalog.v1.Catalog/GetStandard", &rq.base,
                                        &pss__catalog__v1__standard__descriptor, &out,
                                        rpc_deadline_ms(30000), NULL, 0, &r);
  if (st != GRPC_STATUS_OK) die(id, st, &r);
  rpc_result_clear(&r);
  return (engine_standard *)out;
}

typedef struct { Pss__Catalog__V1__ListFilingsResponse **pages; size_t n_pages; engine_filing **v; size_t n; } filings;

static void get_filings(rpc_client *cl, const char *id, filings *f) {
  memset(f, 0, sizeof *f);
  char *token = "";
  size_t cap = 0;
  for (;;) {
    Pss__Catalog__V1__ListFilingsRequest rq = PSS__CATALOG__V1__LIST_FILINGS_REQUEST__INIT;
    rq.standard = (char *)id;
    rq.page_size = 1000;
    rq.page_token = token;
    ProtobufCMessage *out = NULL;
    rpc_result r = {0};
    grpc_status_code st = rpc_client_call(cl, "/pss.catalog.v1.Catalog/ListFilings", &rq.base,
                                          &pss__catalog__v1__list_filings_response__descriptor,
                                          &out, rpc_deadline_ms(30000), NULL, 0, &r);
    if (st != GRPC_STATUS_OK) die(id, st, &r);
    rpc_result_clear(&r);
    Pss__Catalog__V1__ListFilingsResponse *p = (void *)out;
    f->pages = realloc(f->pages, (f->n_pages + 1) * sizeof *f->pages);
    f->pages[f->n_pages++] = p;
    for (size_t i = 0; i < p->n_filings; i++) {
      if (f->n == cap) {
        cap = cap ? 2 * cap : 8;
        f->v = realloc(f->v, cap * sizeof *f->v);
      }
      f->v[f->n++] = p->filings[i];
    }
    if (!p->next_page_token || !p->next_page_token[0]) break;
    token = p->next_page_token;
  }
}

/* ------------------------------------------------------------ id list */

static char **read_ids(const char *file, size_t *n) {
  FILE *f = fopen(file, "r");
  if (!f) {
    perror(file);
    exit(1);
  }
  char **v = NULL, line[256];
  size_t cap = 0;
  *n = 0;
  while (fgets(line, sizeof line, f)) {
    line[strcspn(line, "\r\n")] = 0;
    if (!line[0]) continue;
    if (*n == cap) {
      cap = cap ? 2 * cap : 1024;
      v = realloc(v, cap * sizeof *v);
    }
    v[(*n)++] = strdup(line);
  }
  fclose(f);
  return v;
}

/* ------------------------------------------------------------ engine compare */

static int engine_compare_main(const char *catalog, const char *child_id, int iters) {
  rpc_client *cl = rpc_client_new(catalog, NULL);
  double t0 = now_s();
  engine_standard *child = get_standard(cl, child_id);
  engine_standard *parent = get_standard(cl, child->parent);
  filings fl;
  get_filings(cl, child_id, &fl);
  double fetch = now_s() - t0;
  double *t = calloc((size_t)iters, sizeof *t);
  size_t findings = 0;
  int conformant = 0;
  for (int i = 0; i < iters; i++) {
    engine_report r;
    double a = now_s();
    int rc = engine_compare(child, parent, (const engine_filing *const *)fl.v, fl.n, &r);
    t[i] = now_s() - a;
    if (rc != ENGINE_OK) {
      fprintf(stderr, "engine_compare: %s: %s\n", engine_strerror(rc), r.error);
      return 1;
    }
    findings = r.n_findings;
    conformant = r.conformant;
    engine_report_free(&r);
  }
  qsort(t, (size_t)iters, sizeof *t, cmp_d);
  printf("{\"child\":\"%s\",\"parent\":\"%s\",\"child_items\":%zu,\"parent_items\":%zu,"
         "\"filings\":%zu,\"findings\":%zu,\"conformant\":%s,\"iters\":%d,\"median_us\":%.1f,"
         "\"p99_us\":%.1f,\"min_us\":%.1f,\"fetch_ms\":%.2f}\n",
         child_id, child->parent, child->n_items, parent->n_items, fl.n, findings,
         conformant ? "true" : "false", iters, t[iters / 2] * 1e6,
         t[(size_t)((iters - 1) * 0.99)] * 1e6, t[0] * 1e6, fetch * 1e3);
  return 0;
}

/* ------------------------------------------------------------ engine audit of all */

typedef struct {
  char **ids;
  size_t n;
  engine_standard **std;
  filings *fl;
  rpc_client **cls;
  atomic_size_t next;
  atomic_ullong findings, nonconformant, errors;
  int with_filings;
} audit_all;

static size_t find_id(audit_all *a, const char *id) { /* ids sorted */
  size_t lo = 0, hi = a->n;
  while (lo < hi) {
    size_t mid = (lo + hi) / 2;
    int c = strcmp(a->ids[mid], id);
    if (!c) return mid;
    if (c < 0) lo = mid + 1; else hi = mid;
  }
  return (size_t)-1;
}

typedef struct { audit_all *a; int idx; } targ;

static void *fetch_worker(void *p) {
  targ *t = p;
  audit_all *a = t->a;
  for (;;) {
    size_t i = atomic_fetch_add(&a->next, 1);
    if (i >= a->n) break;
    if (a->with_filings) get_filings(a->cls[t->idx], a->ids[i], &a->fl[i]);
    else a->std[i] = get_standard(a->cls[t->idx], a->ids[i]);
  }
  return NULL;
}

static void *audit_worker(void *p) {
  targ *t = p;
  audit_all *a = t->a;
  const engine_standard *chain[8];
  const engine_filing *const *fs[8];
  size_t nf[8];
  for (;;) {
    size_t i = atomic_fetch_add(&a->next, 1);
    if (i >= a->n) break;
    size_t k = 0, j = i;
    while (j != (size_t)-1 && k < 8) {
      chain[k] = a->std[j];
      fs[k] = (const engine_filing *const *)a->fl[j].v;
      nf[k] = a->fl[j].n;
      k++;
      j = a->std[j]->parent[0] ? find_id(a, a->std[j]->parent) : (size_t)-1;
    }
    if (k < 2) continue; /* CN: nothing above it */
    engine_report r;
    int rc = engine_audit(chain, k, fs, nf, &r);
    if (rc != ENGINE_OK) atomic_fetch_add(&a->errors, 1);
    else {
      atomic_fetch_add(&a->findings, r.n_findings);
      if (!r.conformant) atomic_fetch_add(&a->nonconformant, 1);
    }
    engine_report_free(&r);
  }
  return NULL;
}

static double run_threads(audit_all *a, int threads, void *(*fn)(void *)) {
  pthread_t th[64];
  targ ta[64];
  atomic_store(&a->next, 0);
  double t0 = now_s();
  for (int i = 0; i < threads; i++) {
    ta[i].a = a;
    ta[i].idx = i;
    pthread_create(&th[i], NULL, fn, &ta[i]);
  }
  for (int i = 0; i < threads; i++) pthread_join(th[i], NULL);
  return now_s() - t0;
}

static int cmp_str(const void *x, const void *y) {
  return strcmp(*(char *const *)x, *(char *const *)y);
}

static int engine_audit_main(const char *catalog, const char *ids_file, int threads) {
  audit_all a = {0};
  a.ids = read_ids(ids_file, &a.n);
  qsort(a.ids, a.n, sizeof *a.ids, cmp_str);
  a.std = calloc(a.n, sizeof *a.std);
  a.fl = calloc(a.n, sizeof *a.fl);
  a.cls = calloc((size_t)threads, sizeof *a.cls);
  for (int i = 0; i < threads; i++) {
    rpc_client_opts o = {.max_message_bytes = 64 * 1024 * 1024 + i};
    a.cls[i] = rpc_client_new(catalog, &o);
  }
  double t_std = run_threads(&a, threads, fetch_worker);
  a.with_filings = 1;
  double t_fil = run_threads(&a, threads, fetch_worker);
  double t1 = run_threads(&a, 1, audit_worker);
  unsigned long long f1 = atomic_load(&a.findings), nc1 = atomic_load(&a.nonconformant);
  atomic_store(&a.findings, 0);
  atomic_store(&a.nonconformant, 0);
  double tn = run_threads(&a, threads, audit_worker);
  size_t items = 0;
  for (size_t i = 0; i < a.n; i++) items += a.std[i]->n_items;
  printf("{\"standards\":%zu,\"items\":%zu,\"threads\":%d,\"catalog_get_standards_s\":%.3f,"
         "\"catalog_list_filings_s\":%.3f,\"engine_audit_1thread_s\":%.3f,"
         "\"engine_audit_threads_s\":%.3f,\"findings\":%llu,\"nonconformant\":%llu,\"errors\":%llu}\n",
         a.n, items, threads, t_std, t_fil, t1, tn, f1, nc1, (unsigned long long)atomic_load(&a.errors));
  return 0;
}

/* ------------------------------------------------------------ end to end */

static grpc_status_code call(rpc_client *cl, const char *m, const ProtobufCMessage *rq,
                             const ProtobufCMessageDescriptor *d, ProtobufCMessage **out,
                             rpc_result *r) {
  return rpc_client_call(cl, m, rq, d, out, rpc_deadline_ms(120000), NULL, 0, r);
}

static int e2e_compare_main(const char *cmp, const char *child, int iters) {
  rpc_client *cl = rpc_client_new(cmp, NULL);
  double *t = calloc((size_t)iters, sizeof *t);
  double first = 0;
  size_t findings = 0;
  for (int i = 0; i <= iters; i++) {
    Pss__Comparison__V1__CompareRequest rq = PSS__COMPARISON__V1__COMPARE_REQUEST__INIT;
    rq.child = (char *)child;
    ProtobufCMessage *out = NULL;
    rpc_result r = {0};
    double a = now_s();
    grpc_status_code st = call(cl, "/pss.comparison.v1.Comparison/Compare", &rq.base,
                               &pss__comparison__v1__report__descriptor, &out, &r);
    double d = now_s() - a;
    if (st != GRPC_STATUS_OK) die("Compare", st, &r);
    findings = ((Pss__Comparison__V1__Report *)out)->n_findings;
    protobuf_c_message_free_unpacked(out, NULL);
    rpc_result_clear(&r);
    if (i == 0) first = d; else t[i - 1] = d;
  }
  qsort(t, (size_t)iters, sizeof *t, cmp_d);
  printf("{\"child\":\"%s\",\"findings\":%zu,\"first_ms\":%.3f,\"iters\":%d,\"median_us\":%.1f,"
         "\"p99_us\":%.1f}\n",
         child, findings, first * 1e3, iters, t[iters / 2] * 1e6, t[(size_t)((iters - 1) * 0.99)] * 1e6);
  return 0;
}

typedef struct {
  char **ids;
  size_t n;
  rpc_client **cls;
  atomic_size_t next;
  atomic_ullong ok, nonconformant, errors, findings;
  char first_error[256];
} e2e_audit;
typedef struct { e2e_audit *a; int idx; } eargs;

static void *e2e_audit_worker(void *p) {
  eargs *ea = p;
  e2e_audit *a = ea->a;
  for (;;) {
    size_t i = atomic_fetch_add(&a->next, 1);
    if (i >= a->n) break;
    if (!strncmp(a->ids[i], "CN/", 3)) continue; /* the national standard has no parent */
    Pss__Comparison__V1__AuditRequest rq = PSS__COMPARISON__V1__AUDIT_REQUEST__INIT;
    rq.standard = a->ids[i];
    ProtobufCMessage *out = NULL;
    rpc_result r = {0};
    grpc_status_code st = call(a->cls[ea->idx], "/pss.comparison.v1.Comparison/Audit", &rq.base,
                               &pss__comparison__v1__audit_report__descriptor, &out, &r);
    if (st == GRPC_STATUS_OK) {
      Pss__Comparison__V1__AuditReport *ar = (void *)out;
      atomic_fetch_add(&a->ok, 1);
      atomic_fetch_add(&a->findings, ar->n_findings);
      if (!ar->conformant) atomic_fetch_add(&a->nonconformant, 1);
      protobuf_c_message_free_unpacked(out, NULL);
    } else {
      if (atomic_fetch_add(&a->errors, 1) == 0)
        snprintf(a->first_error, sizeof a->first_error, "%s %s: %s", a->ids[i], rpc_status_name(st),
                 r.message ? r.message : "");
    }
    rpc_result_clear(&r);
  }
  return NULL;
}

static int e2e_audit_main(const char *cmp, const char *ids_file, int threads, int rounds) {
  e2e_audit a = {0};
  a.ids = read_ids(ids_file, &a.n);
  a.cls = calloc((size_t)threads, sizeof *a.cls);
  for (int i = 0; i < threads; i++) {
    rpc_client_opts o = {.max_message_bytes = 64 * 1024 * 1024 + i};
    a.cls[i] = rpc_client_new(cmp, &o);
  }
  printf("{\"standards\":%zu,\"threads\":%d,\"rounds\":[", a.n, threads);
  for (int round = 0; round < rounds; round++) {
    atomic_store(&a.next, 0);
    atomic_store(&a.ok, 0);
    atomic_store(&a.nonconformant, 0);
    atomic_store(&a.findings, 0);
    pthread_t th[64];
    eargs ea[64];
    double t0 = now_s();
    for (int i = 0; i < threads; i++) {
      ea[i].a = &a;
      ea[i].idx = i;
      pthread_create(&th[i], NULL, e2e_audit_worker, &ea[i]);
    }
    for (int i = 0; i < threads; i++) pthread_join(th[i], NULL);
    double s = now_s() - t0;
    for (char *p = a.first_error; *p; p++)
      if (*p == '"' || *p == '\\' || (unsigned char)*p < 0x20) *p = '\'';
    printf("%s{\"seconds\":%.3f,\"audits\":%llu,\"nonconformant\":%llu,\"findings\":%llu,"
           "\"errors\":%llu,\"first_error\":\"%s\"}",
           round ? "," : "", s, (unsigned long long)atomic_load(&a.ok),
           (unsigned long long)atomic_load(&a.nonconformant),
           (unsigned long long)atomic_load(&a.findings), (unsigned long long)atomic_load(&a.errors),
           a.first_error);
    fflush(stdout);
  }
  printf("]}\n");
  return 0;
}

/* Coverage of each parent in `parents` (comma-separated: a province and its cities = the
 * province's subtree, since a Coverage matrix has the direct children as columns). */
static int e2e_coverage_main(const char *cmp, const char *parents_csv, int rounds) {
  rpc_client *cl = rpc_client_new(cmp, NULL);
  char *list = strdup(parents_csv), *save = NULL;
  char *parents[1024];
  size_t np = 0;
  for (char *p = strtok_r(list, ",", &save); p && np < 1024; p = strtok_r(NULL, ",", &save)) parents[np++] = p;
  printf("{\"parents\":%zu,\"first\":\"%s\",\"rounds\":[", np, np ? parents[0] : "");
  for (int round = 0; round < rounds; round++) {
    size_t rows = 0, cells = 0, descendants = 0, pages = 0;
    double t0 = now_s(), slowest = 0;
    for (size_t k = 0; k < np; k++) {
      char *token = strdup("");
      double t1 = now_s();
      for (;;) {
        Pss__Comparison__V1__CoverageRequest rq = PSS__COMPARISON__V1__COVERAGE_REQUEST__INIT;
        rq.parent = parents[k];
        rq.page_size = 500;
        rq.page_token = token;
        ProtobufCMessage *out = NULL;
        rpc_result r = {0};
        grpc_status_code st = call(cl, "/pss.comparison.v1.Comparison/Coverage", &rq.base,
                                   &pss__comparison__v1__coverage_response__descriptor, &out, &r);
        if (st != GRPC_STATUS_OK) die("Coverage", st, &r);
        rpc_result_clear(&r);
        Pss__Comparison__V1__CoverageResponse *cr = (void *)out;
        pages++;
        rows += cr->n_rows;
        if (!token[0]) descendants += cr->n_descendants;
        for (size_t i = 0; i < cr->n_rows; i++) cells += cr->rows[i]->n_cells;
        free(token);
        token = strdup(cr->next_page_token ? cr->next_page_token : "");
        protobuf_c_message_free_unpacked(out, NULL);
        if (!token[0]) break;
      }
      free(token);
      if (now_s() - t1 > slowest) slowest = now_s() - t1;
    }
    printf("%s{\"seconds\":%.3f,\"slowest_parent_s\":%.3f,\"pages\":%zu,\"rows\":%zu,\"cells\":%zu,"
           "\"descendants\":%zu}",
           round ? "," : "", now_s() - t0, slowest, pages, rows, cells, descendants);
    fflush(stdout);
  }
  printf("]}\n");
  free(list);
  return 0;
}

int main(int argc, char **argv) {
  if (argc < 2) goto usage;
  const char *mode = argv[1], *catalog = NULL, *comparison = NULL, *child = NULL, *ids = NULL,
             *parent = NULL;
  int iters = 200, threads = 2, rounds = 2;
  for (int i = 2; i + 1 < argc; i += 2) {
    const char *k = argv[i], *v = argv[i + 1];
    if (!strcmp(k, "--catalog")) catalog = v;
    else if (!strcmp(k, "--comparison")) comparison = v;
    else if (!strcmp(k, "--child")) child = v;
    else if (!strcmp(k, "--ids")) ids = v;
    else if (!strcmp(k, "--parent")) parent = v;
    else if (!strcmp(k, "--iters")) iters = atoi(v);
    else if (!strcmp(k, "--threads")) threads = atoi(v);
    else if (!strcmp(k, "--rounds")) rounds = atoi(v);
    else goto usage;
  }
  if (threads < 1 || threads > 64 || iters < 1 || rounds < 1) goto usage;
  if (!strcmp(mode, "engine-compare") && catalog && child) return engine_compare_main(catalog, child, iters);
  if (!strcmp(mode, "engine-audit") && catalog && ids) return engine_audit_main(catalog, ids, threads);
  if (!strcmp(mode, "e2e-compare") && comparison && child) return e2e_compare_main(comparison, child, iters);
  if (!strcmp(mode, "e2e-audit") && comparison && ids) return e2e_audit_main(comparison, ids, threads, rounds);
  if (!strcmp(mode, "e2e-coverage") && comparison && parent) return e2e_coverage_main(comparison, parent, rounds);
usage:
  fprintf(stderr,
          "usage: %s engine-compare --catalog A --child ID [--iters N]\n"
          "       %s engine-audit --catalog A --ids FILE [--threads N]\n"
          "       %s e2e-compare --comparison A --child ID [--iters N]\n"
          "       %s e2e-audit --comparison A --ids FILE [--threads N] [--rounds N]\n"
          "       %s e2e-coverage --comparison A --parent ID[,ID...] [--rounds N]\n",
          argv[0], argv[0], argv[0], argv[0], argv[0]);
  return 2;
}
