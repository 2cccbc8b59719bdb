/* store.c — LMDB environment, growing write transactions, versioned keys. */
#include "store.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <stdio.h>
#include <unistd.h>

#include "log.h"

struct store {
  MDB_env *env;
  MDB_dbi dbi[DB_COUNT];
  size_t map_size, map_max;
  /* Readers and writers hold it shared; growing the map holds it exclusively,
   * because mdb_env_set_mapsize needs no transaction active in the process. */
  pthread_rwlock_t resize_lock;
  pthread_mutex_t write_lock;    /* one writer: revisions are assigned in order */
  pthread_mutex_t q_mu;          /* the queue of writes waiting for a group commit */
  pthread_cond_t q_cv;
  struct wreq *q_head, *q_tail;
  bool leader;                   /* a writer is committing a batch */
  uint64_t rev;                  /* last committed revision (guarded by write_lock) */
  uint8_t secret[16];
  void (*on_commit)(void *, uint64_t);
  void *on_commit_arg;
};

static const char *const db_names[DB_COUNT] = {"meta", "jur", "std", "item", "filing", "chg"};

static int lmdb_fail(cat_err *err, int rc, const char *what) {
  if (rc == MDB_MAP_FULL) return cat_fail(err, CAT_MAP_FULL, "%s: map full", what);
  return cat_fail(err, GRPC_STATUS_INTERNAL, "storage: %s: %s", what, mdb_strerror(rc));
}

static int meta_load(store *s, MDB_txn *txn, cat_err *err) {
  MDB_val k = {3, "rev"}, v;
  int rc = mdb_get(txn, s->dbi[DB_META], &k, &v);
  if (rc == MDB_NOTFOUND) {
    s->rev = 0;
  } else if (rc) {
    return lmdb_fail(err, rc, "read meta.rev");
  } else if (v.mv_size != 8) {
    return cat_fail(err, GRPC_STATUS_DATA_LOSS, "storage: meta.rev has %zu bytes", v.mv_size);
  } else {
    memcpy(&s->rev, v.mv_data, 8);
  }
  MDB_val ks = {6, "secret"};
  rc = mdb_get(txn, s->dbi[DB_META], &ks, &v);
  if (rc == MDB_NOTFOUND) {
    if (getrandom(s->secret, sizeof s->secret, 0) != (ssize_t)sizeof s->secret)
      return cat_fail(err, GRPC_STATUS_INTERNAL, "storage: getrandom: %s", strerror(errno));
    MDB_val nv = {sizeof s->secret, s->secret};
    if ((rc = mdb_put(txn, s->dbi[DB_META], &ks, &nv, 0))) return lmdb_fail(err, rc, "write meta.secret");
  } else if (rc) {
    return lmdb_fail(err, rc, "read meta.secret");
  } else {
    memcpy(s->secret, v.mv_data, v.mv_size < 16 ? v.mv_size : 16);
  }
  return CAT_OK;
}

int store_open(const store_opts *o, store **out, cat_err *err) {
  store *s = calloc(1, sizeof *s);
  if (!s) return cat_fail(err, GRPC_STATUS_RESOURCE_EXHAUSTED, "out of memory");
  s->map_size = o->map_initial ? o->map_initial : (size_t)64 << 20;
  s->map_max = o->map_max ? o->map_max : (size_t)16 << 30;
  if (s->map_size > s->map_max) s->map_size = s->map_max;
  pthread_rwlock_init(&s->resize_lock, NULL);
  pthread_mutex_init(&s->write_lock, NULL);
  pthread_mutex_init(&s->q_mu, NULL);
  pthread_cond_init(&s->q_cv, NULL);
  int rc;
  if (mkdir(o->dir, 0750) != 0 && errno != EEXIST) {
    cat_fail(err, GRPC_STATUS_INTERNAL, "data dir %s: %s", o->dir, strerror(errno));
    goto fail;
  }
  if ((rc = mdb_env_create(&s->env)) || (rc = mdb_env_set_maxdbs(s->env, DB_COUNT)) ||
      (rc = mdb_env_set_maxreaders(s->env, 512)) ||
      (rc = mdb_env_set_mapsize(s->env, s->map_size))) {
    lmdb_fail(err, rc, "env setup");
    goto fail;
  }
  /* MDB_NOTLS: gRPC workers are a pool; a read txn is not tied to its thread. */
  if ((rc = mdb_env_open(s->env, o->dir, MDB_NOTLS, 0640))) {
    cat_fail(err, GRPC_STATUS_INTERNAL, "open LMDB in %s: %s", o->dir, mdb_strerror(rc));
    goto fail;
  }
  int dead = 0;
  mdb_reader_check(s->env, &dead);  /* slots left by a crashed process */
  if (dead) log_event(LOG_WARN, "cleared stale LMDB readers", "count", json_integer(dead), NULL);
  MDB_envinfo info;
  mdb_env_info(s->env, &info);
  if (info.me_mapsize > s->map_size) s->map_size = info.me_mapsize;

  MDB_txn *txn;
  if ((rc = mdb_txn_begin(s->env, NULL, 0, &txn))) {
    lmdb_fail(err, rc, "begin");
    goto fail;
  }
  for (int i = 0; i < DB_COUNT; i++) {
    if ((rc = mdb_dbi_open(txn, db_names[i], MDB_CREATE, &s->dbi[i]))) {
      mdb_txn_abort(txn);
      lmdb_fail(err, rc, db_names[i]);
      goto fail;
    }
  }
  if (meta_load(s, txn, err) != CAT_OK) {
    mdb_txn_abort(txn);
    goto fail;
  }
  if ((rc = mdb_txn_commit(txn))) {
    lmdb_fail(err, rc, "commit meta");
    goto fail;
  }
  *out = s;
  return CAT_OK;
fail:
  if (s->env) mdb_env_close(s->env);
  pthread_rwlock_destroy(&s->resize_lock);
  pthread_mutex_destroy(&s->write_lock);
  pthread_mutex_destroy(&s->q_mu);
  pthread_cond_destroy(&s->q_cv);
  free(s);
  return err ? err->code : GRPC_STATUS_INTERNAL;
}

void store_close(store *s) {
  if (!s) return;
  mdb_env_close(s->env);
  pthread_rwlock_destroy(&s->resize_lock);
  pthread_mutex_destroy(&s->write_lock);
  pthread_mutex_destroy(&s->q_mu);
  pthread_cond_destroy(&s->q_cv);
  free(s);
}

void store_set_on_commit(store *s, void (*fn)(void *, uint64_t), void *arg) {
  s->on_commit = fn;
  s->on_commit_arg = arg;
}

uint64_t store_current_revision(store *s) {
  pthread_mutex_lock(&s->write_lock);
  uint64_t r = s->rev;
  pthread_mutex_unlock(&s->write_lock);
  return r;
}

const uint8_t *store_secret(const store *s) { return s->secret; }

size_t store_map_size(store *s) {
  pthread_rwlock_rdlock(&s->resize_lock);
  size_t n = s->map_size;
  pthread_rwlock_unlock(&s->resize_lock);
  return n;
}

static int read_rev(store_txn *t, cat_err *err) {
  MDB_val k = {3, "rev"}, v;
  int rc = mdb_get(t->txn, t->dbi[DB_META], &k, &v);
  if (rc == MDB_NOTFOUND) {
    t->rev = 0;
    return CAT_OK;
  }
  if (rc) return lmdb_fail(err, rc, "read meta.rev");
  if (v.mv_size != 8) return cat_fail(err, GRPC_STATUS_DATA_LOSS, "storage: meta.rev corrupt");
  memcpy(&t->rev, v.mv_data, 8);
  return CAT_OK;
}

int store_read_begin(store *s, store_txn *t, cat_err *err) {
  memset(t, 0, sizeof *t);
  t->s = s;
  memcpy(t->dbi, s->dbi, sizeof t->dbi);
  pthread_rwlock_rdlock(&s->resize_lock);
  int rc = mdb_txn_begin(s->env, NULL, MDB_RDONLY, &t->txn);
  if (rc) {
    pthread_rwlock_unlock(&s->resize_lock);
    t->txn = NULL;
    return lmdb_fail(err, rc, "begin read");
  }
  if (read_rev(t, err) != CAT_OK) {
    store_read_end(t);
    return err->code;
  }
  return CAT_OK;
}

void store_read_end(store_txn *t) {
  if (!t->txn) return;
  mdb_txn_abort(t->txn);
  t->txn = NULL;
  pthread_rwlock_unlock(&t->s->resize_lock);
}

/* Doubles the map (capped at the ceiling). Called with write_lock held and no
 * transaction of ours open. */
static int grow(store *s, cat_err *err) {
  pthread_rwlock_wrlock(&s->resize_lock);
  int code = CAT_OK;
  if (s->map_size >= s->map_max) {
    code = cat_fail(err, GRPC_STATUS_RESOURCE_EXHAUSTED,
                    "store full: the LMDB map reached its ceiling of %zu MiB (--map-max-mb)",
                    s->map_max >> 20);
  } else {
    size_t next = s->map_size * 2;
    if (next > s->map_max) next = s->map_max;
    int rc = mdb_env_set_mapsize(s->env, next);
    if (rc) {
      code = lmdb_fail(err, rc, "grow map");
    } else {
      log_event(LOG_INFO, "LMDB map grown", "from_mib", json_integer((json_int_t)(s->map_size >> 20)),
                "to_mib", json_integer((json_int_t)(next >> 20)), NULL);
      s->map_size = next;
    }
  }
  pthread_rwlock_unlock(&s->resize_lock);
  return code;
}

/* Group commit. A synchronous LMDB commit costs an fsync (milliseconds), so writers
 * that arrive while one is committing are queued and the next leader commits them
 * together: one parent transaction, each write in its own nested transaction (so a
 * refused write rolls back alone) and with its own revision, one fsync for all.
 * Every writer is answered only after the commit that holds its write. */
typedef struct wreq {
  store_write_fn fn;
  void *ctx;
  cat_err *err;
  int code;
  bool done;
  struct wreq *next;
} wreq;

#define GROUP_MAX 64

/* Runs one batch; returns the last committed revision (0 = nothing committed). */
static uint64_t run_batch(store *s, wreq **batch, size_t n) {
  for (;;) {
    pthread_rwlock_rdlock(&s->resize_lock);
    MDB_txn *parent;
    int rc = mdb_txn_begin(s->env, NULL, 0, &parent);
    if (rc) {
      pthread_rwlock_unlock(&s->resize_lock);
      for (size_t i = 0; i < n; i++) batch[i]->code = lmdb_fail(batch[i]->err, rc, "begin write");
      return 0;
    }
    uint64_t rev = s->rev;
    bool full = false;
    for (size_t i = 0; i < n && !full; i++) {
      wreq *r = batch[i];
      store_txn t = {.s = s, .write = true, .rev = rev + 1};
      memcpy(t.dbi, s->dbi, sizeof t.dbi);
      if ((rc = mdb_txn_begin(s->env, parent, 0, &t.txn))) {
        r->code = rc == MDB_MAP_FULL ? CAT_MAP_FULL : lmdb_fail(r->err, rc, "begin nested");
      } else {
        bool changed = false;
        r->code = r->fn(&t, r->ctx, &changed, r->err);
        if (r->code == CAT_OK && changed) {
          MDB_val k = {3, "rev"}, v = {8, &t.rev};
          rc = mdb_put(t.txn, s->dbi[DB_META], &k, &v, 0);
          if (!rc) rc = mdb_txn_commit(t.txn);  /* into the parent; durable with it */
          else mdb_txn_abort(t.txn);
          if (rc) r->code = rc == MDB_MAP_FULL ? CAT_MAP_FULL : lmdb_fail(r->err, rc, "commit nested");
          else rev = t.rev;
        } else {
          mdb_txn_abort(t.txn);
        }
      }
      full = r->code == CAT_MAP_FULL;
    }
    if (!full) {
      rc = rev != s->rev ? mdb_txn_commit(parent) : (mdb_txn_abort(parent), 0);
      full = rc == MDB_MAP_FULL;
      if (rc && !full) {  /* nothing of this batch is stored */
        for (size_t i = 0; i < n; i++)
          if (batch[i]->code == CAT_OK) batch[i]->code = lmdb_fail(batch[i]->err, rc, "commit");
        pthread_rwlock_unlock(&s->resize_lock);
        return 0;
      }
    } else {
      mdb_txn_abort(parent);
    }
    pthread_rwlock_unlock(&s->resize_lock);
    if (!full) {
      uint64_t committed = rev != s->rev ? rev : 0;
      s->rev = rev;
      return committed;
    }
    /* the map is full: grow it and run the whole batch again (fns have no effects
     * outside their transaction) */
    cat_err gerr = {0};
    if (grow(s, &gerr) != CAT_OK) {
      for (size_t i = 0; i < n; i++) {
        *batch[i]->err = gerr;
        batch[i]->code = gerr.code;
      }
      return 0;
    }
    for (size_t i = 0; i < n; i++) memset(batch[i]->err, 0, sizeof *batch[i]->err);
  }
}

int store_write(store *s, store_write_fn fn, void *ctx, cat_err *err) {
  cat_err local = {0};
  wreq r = {.fn = fn, .ctx = ctx, .err = err ? err : &local};
  pthread_mutex_lock(&s->q_mu);
  if (s->q_tail) s->q_tail->next = &r;
  else s->q_head = &r;
  s->q_tail = &r;
  while (!r.done) {
    if (s->leader) {
      pthread_cond_wait(&s->q_cv, &s->q_mu);
      continue;
    }
    /* lead: take up to GROUP_MAX queued writes (ours among them) */
    s->leader = true;
    wreq *batch[GROUP_MAX];
    size_t n = 0;
    while (s->q_head && n < GROUP_MAX) {
      batch[n++] = s->q_head;
      s->q_head = s->q_head->next;
    }
    if (!s->q_head) s->q_tail = NULL;
    pthread_mutex_unlock(&s->q_mu);
    pthread_mutex_lock(&s->write_lock);
    uint64_t committed = run_batch(s, batch, n);
    pthread_mutex_unlock(&s->write_lock);
    if (committed && s->on_commit) s->on_commit(s->on_commit_arg, committed);
    pthread_mutex_lock(&s->q_mu);
    for (size_t i = 0; i < n; i++) batch[i]->done = true;
    s->leader = false;
    pthread_cond_broadcast(&s->q_cv);
  }
  pthread_mutex_unlock(&s->q_mu);
  return r.code;
}

int store_get(store_txn *t, int db, const void *key, size_t klen, MDB_val *val, cat_err *err) {
  MDB_val k = {klen, (void *)key};
  int rc = mdb_get(t->txn, t->dbi[db], &k, val);
  if (rc == MDB_NOTFOUND) return CAT_NOT_FOUND;
  if (rc) return lmdb_fail(err, rc, "get");
  return CAT_OK;
}

int store_put(store_txn *t, int db, const void *key, size_t klen, const void *val, size_t vlen,
              cat_err *err) {
  MDB_val k = {klen, (void *)key}, v = {vlen, (void *)val};
  int rc = mdb_put(t->txn, t->dbi[db], &k, &v, 0);
  if (rc) return lmdb_fail(err, rc, "put");
  return CAT_OK;
}

void key_init(store_key *k) { k->n = 0; }

bool key_add(store_key *k, const char *part) {
  size_t n = strlen(part);
  if (k->n + n + 1 > STORE_KEY_MAX) return false;
  memcpy(k->b + k->n, part, n);
  k->b[k->n + n] = 0;
  k->n += n + 1;
  return true;
}

bool key_add_rev(store_key *k, uint64_t rev) {
  if (k->n + 8 > STORE_KEY_MAX) return false;
  for (int i = 7; i >= 0; i--) {
    k->b[k->n + (size_t)i] = (unsigned char)(rev & 0xff);
    rev >>= 8;
  }
  k->n += 8;
  return true;
}

uint64_t key_rev_at(const void *p) {
  const unsigned char *b = p;
  uint64_t r = 0;
  for (int i = 0; i < 8; i++) r = (r << 8) | b[i];
  return r;
}

static bool has_prefix(const MDB_val *k, const store_key *p) {
  return k->mv_size >= p->n && memcmp(k->mv_data, p->b, p->n) == 0;
}

int store_get_version(store_txn *t, int db, const store_key *prefix, uint64_t at, MDB_val *val,
                      uint64_t *rev_out, cat_err *err) {
  store_key k = *prefix;
  if (!key_add_rev(&k, at)) return cat_fail(err, GRPC_STATUS_INVALID_ARGUMENT, "key too long");
  MDB_cursor *c;
  int rc = mdb_cursor_open(t->txn, t->dbi[db], &c);
  if (rc) return lmdb_fail(err, rc, "cursor");
  MDB_val mk = {k.n, k.b}, mv;
  rc = mdb_cursor_get(c, &mk, &mv, MDB_SET_RANGE);
  if (rc == MDB_NOTFOUND) {
    rc = mdb_cursor_get(c, &mk, &mv, MDB_LAST);
  } else if (rc == 0 && !(mk.mv_size == k.n && memcmp(mk.mv_data, k.b, k.n) == 0)) {
    rc = mdb_cursor_get(c, &mk, &mv, MDB_PREV);  /* first key above: step back */
  }
  int code = CAT_NOT_FOUND;
  if (rc == 0 && mk.mv_size == prefix->n + 8 && has_prefix(&mk, prefix)) {
    *val = mv;
    if (rev_out) *rev_out = key_rev_at((const char *)mk.mv_data + prefix->n);
    code = CAT_OK;
  } else if (rc && rc != MDB_NOTFOUND) {
    code = lmdb_fail(err, rc, "cursor get");
  }
  mdb_cursor_close(c);
  return code;
}

int store_each_version(store_txn *t, int db, const store_key *prefix, uint64_t at,
                       const char *after, bool with_deleted, store_each_fn fn, void *ctx,
                       cat_err *err) {
  MDB_cursor *c;
  int rc = mdb_cursor_open(t->txn, t->dbi[db], &c);
  if (rc) return lmdb_fail(err, rc, "cursor");
  store_key start = *prefix;
  if (after && (!key_add(&start, after) || !key_add_rev(&start, UINT64_MAX))) {
    mdb_cursor_close(c);
    return cat_fail(err, GRPC_STATUS_INVALID_ARGUMENT, "key too long");
  }
  MDB_val k = {start.n, start.b}, v;
  rc = mdb_cursor_get(c, &k, &v, start.n ? MDB_SET_RANGE : MDB_FIRST); /* LMDB refuses empty keys */
  /* Walk every version; remember the newest version <= at of the current name and
   * emit it when the name changes. */
  char name[STORE_KEY_MAX + 1] = "", cur[STORE_KEY_MAX + 1] = "";
  MDB_val best = {0, NULL};
  uint64_t best_rev = 0;
  bool have = false, started = false;
  int code = CAT_OK, stop = 0;
  for (; rc == 0; rc = mdb_cursor_get(c, &k, &v, MDB_NEXT)) {
    if (!has_prefix(&k, prefix)) break;
    if (k.mv_size < prefix->n + 9) continue; /* malformed: not prefix+name\0+rev */
    size_t nlen = k.mv_size - prefix->n - 9;
    memcpy(name, (const char *)k.mv_data + prefix->n, nlen);
    name[nlen] = 0;
    uint64_t r = key_rev_at((const char *)k.mv_data + k.mv_size - 8);
    if (!started || strcmp(name, cur) != 0) {
      if (have && (with_deleted || best.mv_size) && (stop = fn(cur, &best, best_rev, ctx)) != 0) break;
      have = false;
      started = true;
      memcpy(cur, name, nlen + 1);
    }
    if (r <= at) {
      best = v;
      best_rev = r;
      have = true;
    }
  }
  if (rc && rc != MDB_NOTFOUND) code = lmdb_fail(err, rc, "cursor next");
  if (code == CAT_OK && !stop && have && (with_deleted || best.mv_size)) stop = fn(cur, &best, best_rev, ctx);
  if (stop < 0 && code == CAT_OK) code = err && err->code ? err->code : GRPC_STATUS_INTERNAL;
  mdb_cursor_close(c);
  return code;
}

size_t store_map_max(const store *s) { return s->map_max; }

int store_backup(store *s, const char *path, uint64_t *rev, cat_err *err) {
  int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0640);
  if (fd < 0) return cat_fail(err, GRPC_STATUS_INTERNAL, "backup to %s: %s", path, strerror(errno));
  pthread_rwlock_rdlock(&s->resize_lock);  /* a copy is a read transaction */
  int rc = mdb_env_copyfd2(s->env, fd, MDB_CP_COMPACT);
  pthread_rwlock_unlock(&s->resize_lock);
  if (close(fd) != 0 && !rc) rc = errno;
  if (rc) return cat_fail(err, GRPC_STATUS_INTERNAL, "backup to %s: %s", path, mdb_strerror(rc));
  /* which revision did the copy capture? read it from the copy itself */
  MDB_env *env;
  MDB_txn *txn;
  MDB_dbi meta;
  MDB_val k = {3, "rev"}, v;
  *rev = 0;
  if ((rc = mdb_env_create(&env))) return lmdb_fail(err, rc, "backup check");
  mdb_env_set_maxdbs(env, DB_COUNT);
  if (!(rc = mdb_env_open(env, path, MDB_NOSUBDIR | MDB_RDONLY | MDB_NOLOCK, 0640)) &&
      !(rc = mdb_txn_begin(env, NULL, MDB_RDONLY, &txn))) {
    if (!(rc = mdb_dbi_open(txn, "meta", 0, &meta)) && !(rc = mdb_get(txn, meta, &k, &v)) && v.mv_size == 8)
      memcpy(rev, v.mv_data, 8);
    mdb_txn_abort(txn);
  }
  mdb_env_close(env);
  if (rc && rc != MDB_NOTFOUND) return cat_fail(err, GRPC_STATUS_DATA_LOSS, "backup check: %s", mdb_strerror(rc));
  return CAT_OK;
}

int store_restore(const char *from, const char *dir, cat_err *err) {
  char dst[4096], tmp[4200];
  snprintf(dst, sizeof dst, "%s/data.mdb", dir);
  if (access(dst, F_OK) == 0)
    return cat_fail(err, GRPC_STATUS_FAILED_PRECONDITION,
                    "--restore-from: %s already holds a store; restore into an empty directory", dir);
  if (mkdir(dir, 0750) != 0 && errno != EEXIST)
    return cat_fail(err, GRPC_STATUS_INTERNAL, "data dir %s: %s", dir, strerror(errno));
  /* check it is an LMDB store of ours before installing it */
  MDB_env *env;
  MDB_txn *txn;
  MDB_dbi meta;
  int rc = mdb_env_create(&env);
  if (!rc) {
    mdb_env_set_maxdbs(env, DB_COUNT);
    rc = mdb_env_open(env, from, MDB_NOSUBDIR | MDB_RDONLY | MDB_NOLOCK, 0640);
    if (!rc && !(rc = mdb_txn_begin(env, NULL, MDB_RDONLY, &txn))) {
      rc = mdb_dbi_open(txn, "meta", 0, &meta);
      mdb_txn_abort(txn);
    }
    mdb_env_close(env);
  }
  if (rc) return cat_fail(err, GRPC_STATUS_INVALID_ARGUMENT, "--restore-from: %s is not a catalog backup: %s",
                          from, mdb_strerror(rc));
  FILE *in = fopen(from, "rb");
  snprintf(tmp, sizeof tmp, "%s.restore", dst);
  FILE *out = in ? fopen(tmp, "wb") : NULL;
  if (!in || !out) {
    if (in) fclose(in);
    return cat_fail(err, GRPC_STATUS_INTERNAL, "restore: %s", strerror(errno));
  }
  char buf[1 << 16];
  size_t n;
  bool ok = true;
  while ((n = fread(buf, 1, sizeof buf, in)) > 0) ok = ok && fwrite(buf, 1, n, out) == n;
  ok = ok && !ferror(in) && fflush(out) == 0 && fsync(fileno(out)) == 0;
  fclose(in);
  ok = (fclose(out) == 0) && ok;
  if (!ok || rename(tmp, dst) != 0) {  /* all or nothing: the store appears only when complete */
    unlink(tmp);
    return cat_fail(err, GRPC_STATUS_INTERNAL, "restore into %s: %s", dst, strerror(errno));
  }
  return CAT_OK;
}
