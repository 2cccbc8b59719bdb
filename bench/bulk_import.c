/*
 * bulk_import.c — loads a country-scale dataset (bench/gen_dataset.py: one
 * ImportStandardRequest JSON per line, parents before children) into catalog-svc with
 * Catalog/ImportStandard from several threads. A level (national, provinces, cities,
 * counties) starts only when the one above is fully acknowledged, because an import
 * checks that its parent standard exists.
 *
 *   bench_import --target 127.0.0.1:P --file country.jsonl [--threads 4]
 *
 * Prints one JSON object: standards, items, errors, seconds, standards_per_s, and where
 * the client's time went (JSON decode vs. waiting for the RPC, summed over threads).
 */
#include "pbjson.h"
#include "rpc.h"

#include <jansson.h>
#include <pss/catalog/v1/catalog.pb-c.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef struct job { char *line; size_t len; struct job *next; } job;

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv_work = PTHREAD_COND_INITIALIZER, cv_idle = PTHREAD_COND_INITIALIZER;
static job *head, *tail;
static int queued, inflight, done_reading;
static unsigned long long n_ok, n_err, n_items, n_unchanged;
static double t_decode, t_rpc;
static char first_error[512];

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int level_of(const char *line) {
  const char *k = strstr(line, "\"standard\":{\"jurisdiction\":\"");
  if (!k) return 3;
  k += strlen("\"standard\":{\"jurisdiction\":\"");
  if (!strncmp(k, "CN\"", 3)) return 0;
  if (!strncmp(k + 2, "0000\"", 5)) return 1;
  if (!strncmp(k + 4, "00\"", 3)) return 2;
  return 3;
}

static void *worker(void *arg) {
  rpc_client *cl = arg;
  rpc_result res = {0};
  for (;;) {
    pthread_mutex_lock(&mu);
    while (!head && !done_reading) pthread_cond_wait(&cv_work, &mu);
    job *j = head;
    if (!j) {
      pthread_mutex_unlock(&mu);
      break;
    }
    head = j->next;
    if (!head) tail = NULL;
    queued--;
    inflight++;
    pthread_mutex_unlock(&mu);

    double t0 = now_s();
    json_error_t jerr;
    json_t *js = json_loadb(j->line, j->len, 0, &jerr);
    char err[256] = "";
    ProtobufCMessage *req =
        js ? pbjson_to_message(&pss__catalog__v1__import_standard_request__descriptor, js, NULL,
                               err, sizeof err)
           : NULL;
    if (js) json_decref(js);
    double t1 = now_s();
    grpc_status_code st = GRPC_STATUS_INVALID_ARGUMENT;
    ProtobufCMessage *resp = NULL;
    size_t items = 0;
    if (req) {
      items = ((Pss__Catalog__V1__ImportStandardRequest *)req)->standard
                  ? ((Pss__Catalog__V1__ImportStandardRequest *)req)->standard->n_items
                  : 0;
      st = rpc_client_call(cl, "/pss.catalog.v1.Catalog/ImportStandard", req,
                           &pss__catalog__v1__import_standard_response__descriptor, &resp,
                           rpc_deadline_ms(60000), NULL, 0, &res);
    } else {
      snprintf(err + strlen(err), sizeof err - strlen(err), "%s", js ? "" : jerr.text);
    }
    double t2 = now_s();
    bool unchanged = resp && ((Pss__Catalog__V1__ImportStandardResponse *)resp)->unchanged;
    if (resp) protobuf_c_message_free_unpacked(resp, NULL);
    if (req) protobuf_c_message_free_unpacked(req, NULL);
    free(j->line);
    free(j);

    pthread_mutex_lock(&mu);
    t_decode += t1 - t0;
    t_rpc += t2 - t1;
    if (st == GRPC_STATUS_OK) {
      n_ok++;
      n_items += items;
      n_unchanged += unchanged;
    } else {
      if (!n_err)
        snprintf(first_error, sizeof first_error, "%s: %s", rpc_status_name(st),
                 req ? res.message : err);
      n_err++;
    }
    inflight--;
    if (!inflight && !head) pthread_cond_broadcast(&cv_idle);
    pthread_mutex_unlock(&mu);
  }
  rpc_result_clear(&res);
  return NULL;
}

static void wait_idle(void) {
  pthread_mutex_lock(&mu);
  while (head || inflight) pthread_cond_wait(&cv_idle, &mu);
  pthread_mutex_unlock(&mu);
}

int main(int argc, char **argv) {
  const char *target = NULL, *file = NULL;
  int threads = 4;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!strcmp(argv[i], "--target")) target = argv[i + 1];
    else if (!strcmp(argv[i], "--file")) file = argv[i + 1];
    else if (!strcmp(argv[i], "--threads")) threads = atoi(argv[i + 1]);
  }
  if (!target || !file || threads < 1) {
    fprintf(stderr, "usage: %s --target HOST:PORT --file country.jsonl [--threads N]\n", argv[0]);
    return 2;
  }
  FILE *f = fopen(file, "r");
  if (!f) {
    perror(file);
    return 1;
  }
  pthread_t *th = calloc((size_t)threads, sizeof *th);
  for (int i = 0; i < threads; i++) {
    rpc_client_opts o = {.max_message_bytes = 64 * 1024 * 1024 + i}; /* own connection each */
    pthread_create(&th[i], NULL, worker, rpc_client_new(target, &o));
  }
  double t0 = now_s(), level_t0 = t0;
  double level_s[4] = {0};
  int level = -1;
  char *line = NULL;
  size_t cap = 0;
  ssize_t n;
  while ((n = getline(&line, &cap, f)) > 0) {
    int lv = level_of(line);
    if (lv != level) {
      wait_idle();
      double t = now_s();
      if (level >= 0) level_s[level] += t - level_t0;
      level_t0 = t;
      level = lv;
    }
    job *j = malloc(sizeof *j);
    j->line = malloc((size_t)n);
    memcpy(j->line, line, (size_t)n);
    j->len = (size_t)n;
    j->next = NULL;
    pthread_mutex_lock(&mu);
    while (queued >= 4 * threads) {
      pthread_mutex_unlock(&mu);
      struct timespec ts = {0, 200000};
      nanosleep(&ts, NULL);
      pthread_mutex_lock(&mu);
    }
    if (tail) tail->next = j; else head = j;
    tail = j;
    queued++;
    pthread_cond_signal(&cv_work);
    pthread_mutex_unlock(&mu);
  }
  free(line);
  fclose(f);
  wait_idle();
  double t_end = now_s();
  if (level >= 0) level_s[level] += t_end - level_t0;
  pthread_mutex_lock(&mu);
  done_reading = 1;
  pthread_cond_broadcast(&cv_work);
  pthread_mutex_unlock(&mu);
  for (int i = 0; i < threads; i++) pthread_join(th[i], NULL);
  for (char *p = first_error; *p; p++)
    if (*p == '"' || *p == '\\' || (unsigned char)*p < 0x20) *p = '\'';
  double secs = t_end - t0;
  printf("{\"standards\":%llu,\"unchanged\":%llu,\"items\":%llu,\"errors\":%llu,\"seconds\":%.3f,"
         "\"standards_per_s\":%.1f,\"threads\":%d,\"client_decode_s\":%.3f,\"client_rpc_wait_s\":%.3f,"
         "\"level_s\":[%.3f,%.3f,%.3f,%.3f],\"first_error\":\"%s\"}\n",
         n_ok, n_unchanged, n_items, n_err, secs, (double)n_ok / secs, threads, t_decode, t_rpc,
         level_s[0], level_s[1], level_s[2], level_s[3], first_error);
  return n_err ? 1 : 0;
}
