/*
 * store.h — catalog storage mechanics over LMDB: the environment, transactions that
 * grow the map when it fills, the store-wide revision, versioned keys and the change
 * log. It knows bytes and keys, not business rules (those are in catalog_ops.h).
 *
 * Named databases and keys (all values are packed protobuf-c messages):
 *   meta    "rev" -> u64 (last committed revision), "secret" -> 16 random bytes
 *   jur     code -> Jurisdiction                              (latest only)
 *   std     id "\0" be64(rev) -> Standard header (no items)   (every version)
 *   item    id "\0" code "\0" be64(rev) -> Item, empty = deleted  (every version)
 *   filing  id "\0" number "\0" be64(rev) -> Filing, empty = deleted
 *   chg     be64(rev) -> Change                               (one per revision)
 * Versioned keys keep history: a read "as of revision R" takes, per object, the last
 * version whose revision is <= R. Nothing is ever overwritten in std/item/filing/chg.
 *
 * Concurrency: LMDB allows one write transaction at a time; readers never block.
 * The map grows (abort, resize, retry) when a write hits MDB_MAP_FULL, up to the
 * configured ceiling; resizing waits for in-flight transactions (a rwlock).
 */
#ifndef PSS_STORE_H
#define PSS_STORE_H

#include <lmdb.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cat_err.h"

typedef struct store store;

typedef struct store_opts {
  const char *dir;          /* data directory (created if missing) */
  size_t map_initial;       /* initial map size; 0 = 64 MiB */
  size_t map_max;           /* ceiling; 0 = 16 GiB. Beyond it: RESOURCE_EXHAUSTED */
} store_opts;

enum { DB_META, DB_JUR, DB_STD, DB_ITEM, DB_FILING, DB_CHG, DB_COUNT };

/* Opens (creating if needed) and clears stale reader slots (mdb_reader_check). */
int store_open(const store_opts *o, store **out, cat_err *err);
void store_close(store *s);

/* A transaction handed to operation callbacks. */
typedef struct store_txn {
  store *s;
  MDB_txn *txn;
  MDB_dbi dbi[DB_COUNT];
  uint64_t rev;         /* read: latest committed; write: the revision being written */
  bool write;
} store_txn;

/* Read transaction: consistent snapshot of the latest revision. */
int store_read_begin(store *s, store_txn *t, cat_err *err);
void store_read_end(store_txn *t);

/* Write: runs fn inside a write transaction whose t->rev is the next revision. If fn
 * returns CAT_OK and *changed is set, the revision is committed (meta.rev = t->rev),
 * else the transaction is aborted and the revision not used. MDB_MAP_FULL anywhere
 * (fn returns CAT_MAP_FULL via store_put) -> abort, grow, run fn again: fn must have
 * no effects outside the transaction. After a commit, the on_commit hook runs. */
typedef int (*store_write_fn)(store_txn *t, void *ctx, bool *changed, cat_err *err);
int store_write(store *s, store_write_fn fn, void *ctx, cat_err *err);

void store_set_on_commit(store *s, void (*fn)(void *arg, uint64_t rev), void *arg);

uint64_t store_current_revision(store *s);
const uint8_t *store_secret(const store *s);   /* 16 bytes, stable for this data dir */
size_t store_map_size(store *s);
size_t store_map_max(const store *s);

/* Writes a compacted, consistent copy of the environment to the file `path`
 * (mdb_env_copy2 with MDB_CP_COMPACT, concurrent with readers and writers) and reads
 * back the revision it holds. */
int store_backup(store *s, const char *path, uint64_t *rev, cat_err *err);

/* Installs the backup file `from` as the store of the empty directory `dir`
 * (refuses when dir already holds a store). Call before store_open. */
int store_restore(const char *from, const char *dir, cat_err *err);

/* Primitives (return CAT_OK, CAT_NOT_FOUND, or an error filled into err). */
int store_get(store_txn *t, int db, const void *key, size_t klen, MDB_val *val, cat_err *err);
int store_put(store_txn *t, int db, const void *key, size_t klen, const void *val,
              size_t vlen, cat_err *err);

/* Key building: fixed buffer, parts joined by '\0', optional be64 suffix. */
#define STORE_KEY_MAX 511
typedef struct store_key {
  unsigned char b[STORE_KEY_MAX + 1];
  size_t n;
} store_key;
void key_init(store_key *k);
bool key_add(store_key *k, const char *part);       /* appends part + "\0" */
bool key_add_rev(store_key *k, uint64_t rev);       /* appends big-endian u64 */
uint64_t key_rev_at(const void *p);                 /* reads big-endian u64 */

/* Versioned lookup: last value under prefix (which ends in "\0") whose be64 revision
 * suffix is <= at. The key must be exactly prefix + 8 bytes. CAT_NOT_FOUND if none. */
int store_get_version(store_txn *t, int db, const store_key *prefix, uint64_t at,
                      MDB_val *val, uint64_t *rev_out, cat_err *err);

/* Iterates the latest version <= at of every object under prefix. Objects are keyed
 * prefix + name "\0" + be64. fn is called with name and value (empty value = deleted,
 * skipped unless with_deleted). Start strictly after `after` (a name) if non-NULL.
 * fn returns 0 to continue, 1 to stop, <0 on error. */
typedef int (*store_each_fn)(const char *name, const MDB_val *val, uint64_t rev, void *ctx);
int store_each_version(store_txn *t, int db, const store_key *prefix, uint64_t at,
                       const char *after, bool with_deleted, store_each_fn fn, void *ctx,
                       cat_err *err);

#endif
