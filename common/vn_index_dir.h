/* SPDX-License-Identifier: GPL-2.0-or-later */
/* vn_index_dir.h -- the layout of an index directory on disk.
 *
 *   DIR/XAPIANDB       a Xapian stub file: "glass gen-000007", the live generation
 *   DIR/gen-000007/    the Xapian glass database itself
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

#ifdef __cplusplus
extern "C" {
#endif

#define VN_STUB_NAME "XAPIANDB"
#define VN_LOCK_NAME "vnsearch.lock"

/* Create DIR if needed and take its writer lock without waiting.  On
 * success *fd holds the lock until vn_index_dir_unlock(*fd).
 * VN_ERR_LOCKED when another process holds it. */
vn_status vn_index_dir_lock(const char *dir, int *fd, vn_error *err);
void vn_index_dir_unlock(int fd);

/* The live generation number (>= 1), or 0 when DIR has no stub yet. */
int vn_index_dir_current(const char *dir);

/* Path of generation `gen` into out[0..len). */
void vn_index_dir_gen_path(const char *dir, int gen, char *out, size_t len);

/* Remove generation `gen`'s directory if it exists (a leftover of a
 * killed rebuild). */
void vn_index_dir_remove_gen(const char *dir, int gen);

/* Remove a flat directory (a glass database) and its files. */
void vn_index_dir_remove_path(const char *path);

/* Remove what a killed run left: shard directories (tmp-*) and a
 * half-written stub.  Call with the lock held. */
void vn_index_dir_remove_leftovers(const char *dir);

/* Make generation `gen` live: write the stub to a temporary file, fsync
 * it, rename it over the stub, fsync DIR.  Then remove generations other
 * than `gen` and `keep` (the previous one; 0 for none). */
vn_status vn_index_dir_switch(const char *dir, int gen, int keep, vn_error *err);

/* An identity of the stub file (its inode number), which changes at every
 * switch; 0 when there is none.  Readers compare it to notice a switch. */
unsigned long long vn_index_dir_stub_id(const char *dir);

#ifdef __cplusplus
}
#endif

#endif
