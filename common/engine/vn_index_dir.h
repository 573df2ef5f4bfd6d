/* SPDX-License-Identifier: GPL-2.0-or-later */
/* vn_index_dir.h -- the layout of an index directory on disk.
 *
 *   DIR/XAPIANDB       a Xapian stub file: "glass gen-000007", the live generation
 *   DIR/gen-000007/    the Xapian glass database itself
 *
 * or, for an index of N shards (vnsearch-indexer --shards N):
 *
 *   DIR/XAPIANDB       "glass gen-000007/shard-0" ... "glass gen-000007/shard-N-1"
 *   DIR/gen-000007/shard-K/   one glass database per shard; a document is in
 *                      shard vn_hash64(its id) % N, for ever (vn_index_dir_shard_of)
 *   DIR/shard-K        a stub of shard K alone ("glass gen-000007/shard-K"),
 *                      switched with the generation: a stable name for
 *                      xapian-tcpsrv DIR/shard-K and xapian-replicate -m shard-K
 *
 * and always
 *   DIR/gen-000006/    the previous generation, kept until the next switch
 *                      so that readers still on it are never cut off
 *   DIR/vnsearch.lock  flock()ed by the one writer
 *   DIR/tmp-gen-...    shards of a two-thread rebuild, merged then removed
 *
 * Xapian opens DIR directly through the stub, so xapian-delve DIR works.
 * A --full rebuild writes a new generation and renames a new stub over
 * the old one: readers see the old index or the new one, never half. */
#ifndef VN_INDEX_DIR_H
#define VN_INDEX_DIR_H

#include <stddef.h>

#include "vn_error.h"
#include "vnsearch.h"

#ifdef __cplusplus
extern "C" {
#endif

#define VN_STUB_NAME "XAPIANDB"
#define VN_LOCK_NAME "vnsearch.lock"
#define VN_SHARD_STUB_PREFIX "shard-" /* DIR/shard-K: shard K's own stub */

/* Create DIR if needed and take its writer lock without waiting.  On
 * success *fd holds the lock until vn_index_dir_unlock(*fd).
 * VN_ERR_LOCKED when another process holds it. */
vn_status vn_index_dir_lock(const char *dir, int *fd, vn_error *err);
void vn_index_dir_unlock(int fd);

/* The live generation number (>= 1), or 0 when DIR has no stub yet. */
int vn_index_dir_current(const char *dir);

/* Path of generation `gen` into out[0..len). */
void vn_index_dir_gen_path(const char *dir, int gen, char *out, size_t len);
/* Path of part k of generation `gen` while a two-thread rebuild writes it
 * (DIR/tmp-gen-...; merged, then removed; a killed run's are leftovers). */
void vn_index_dir_tmp_path(const char *dir, int gen, int k, char *out, size_t len);

/* Remove generation `gen`'s directory if it exists (a leftover of a
 * killed rebuild). */
void vn_index_dir_remove_gen(const char *dir, int gen);

/* Remove a flat directory (a glass database) and its files. */
void vn_index_dir_remove_path(const char *path);

/* Remove what a killed run left: shard directories (tmp-*), a
 * half-written stub, and generations newer than the one the stub names
 * (a --full killed before its switch).  Call with the lock held. */
void vn_index_dir_remove_leftovers(const char *dir);

/* Make generation `gen` (of `nshards` shards, 1 for a plain index) live: write the stub to a temporary file, fsync
 * it, rename it over the stub, fsync DIR.  Then remove generations other
 * than `gen` and `keep` (the previous one; 0 for none). */
vn_status vn_index_dir_switch(const char *dir, int gen, int keep, int nshards, vn_error *err);

/* An identity of the stub (its inode number: DIR/XAPIANDB, or `dir`
 * itself when it is a stub file), which changes at every switch; 0 when
 * there is none.  Readers compare it to notice a switch. */
unsigned long long vn_index_dir_stub_id(const char *dir);

/* Shards of the live generation: 1 for a plain index, N for one written
 * with --shards N, 0 when DIR has no stub yet. */
int vn_index_dir_shards(const char *dir);

/* Path of shard `k` of the generation at gen_path into out[0..len). */
void vn_index_dir_shard_path(const char *gen_path, int k, char *out, size_t len);

/* The shard of N that holds the document `id` (FNV-1a of the id: stable
 * across runs and machines, so replace, delete and --prune find it). */
unsigned vn_index_dir_shard_of(const char *id, unsigned nshards);

/* ---- stub files (index_stub.c) ---- */

/* One database of a stub: local (path) or served by xapian-tcpsrv. */
typedef struct vn_stub_db {
    int remote;
    char *path;     /* local: resolved against the stub's directory */
    char *host;     /* remote */
    unsigned port;
    char *name;     /* as the stub writes it, for messages and STATS */
} vn_stub_db;

typedef struct vn_stub {
    vn_stub_db *db; /* owned; free with vn_stub_free */
    size_t n;
} vn_stub;

/* Parse stub text: "auto PATH", "glass PATH" (relative to `base`),
 * "remote HOST:PORT" or "remote tcp HOST PORT", blank lines and "#"
 * comments.  VN_ERR_INVALID (with the line) for anything else,
 * VN_ERR_CORRUPT when it names no database.  Pure. */
vn_status vn_stub_parse(const char *text, size_t len, const char *base, vn_stub *out, vn_error *err);
void vn_stub_free(vn_stub *s);

/* The stub of `path`: the file itself, or path/XAPIANDB for a directory.
 * A directory without one (a plain glass database) gives VN_OK and
 * out->n == 0. */
vn_status vn_stub_read(const char *path, vn_stub *out, vn_error *err);

#ifdef __cplusplus
}
#endif

#endif
