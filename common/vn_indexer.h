/* SPDX-License-Identifier: GPL-2.0-or-later */
/* vn_indexer.h -- one indexing run over an index directory: the engine of
 * vnsearch-indexer, usable by any program that embeds libvnsearch.
 *
 *   vn_indexer_open   lock DIR, open the live generation (or a new one
 *                     for a full rebuild)
 *   vn_indexer_add / vn_indexer_add_path   feed articles or inputs
 *   vn_indexer_finish prune, commit, switch generations
 *   vn_indexer_close  release everything (uncommitted work is dropped)
 *
 * Incremental by default: a document whose content hash is unchanged is
 * skipped without rewriting.  Commits come every `batch` changed
 * documents, so a kill -9 loses at most the current batch and never what
 * an earlier commit holds. */
#ifndef VN_INDEXER_H
#define VN_INDEXER_H

#include <stdint.h>

#include "vn_article.h"
#include "vn_error.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct vn_indexer vn_indexer;

#define VN_DEFAULT_BATCH 250 /* documents per commit: Xapian 1.4 builds fastest
                                with small batches (measured: 250 -> 33 s,
                                2000 -> 44 s, its own 10,000 -> 101 s on
                                vi-news.jsonl), and a kill -9 loses less */

typedef struct vn_index_opts {
    int full;       /* rebuild from scratch into a new generation */
    int prune;      /* delete documents absent from this run's inputs */
    unsigned batch; /* changed documents per commit; 0 for the default */
    int threads;    /* 2: a parsing thread feeds the writer; 1: one thread; 0: default (2) */
} vn_index_opts;

typedef struct vn_index_stats {
    uint64_t added, replaced, unchanged, deleted, rejected;
    uint64_t bytes;   /* input bytes consumed so far */
    double seconds;   /* since vn_indexer_open */
} vn_index_stats;

/* Called for each rejected input: file name, line (0 when not a line),
 * reason.  Called from the thread that calls vn_indexer_add_path. */
typedef void (*vn_reject_fn)(void *ctx, const char *file, uint64_t line, const char *msg);
/* Called about twice a second while indexing. */
typedef void (*vn_progress_fn)(void *ctx, const vn_index_stats *st);

vn_status vn_indexer_open(const char *dir, const vn_index_opts *o, vn_indexer **out, vn_error *err);
void vn_indexer_set_callbacks(vn_indexer *ix, vn_reject_fn reject, vn_progress_fn progress, void *ctx);

/* Index one article (copied; the caller keeps ownership). */
vn_status vn_indexer_add(vn_indexer *ix, const vn_article *a, vn_error *err);

/* Index an input: a .jsonl file, "-" for JSON Lines on stdin, a
 * plain-text article, or a directory of them (recursively; ids of plain
 * articles are paths relative to that directory).  Bad records and
 * unreadable files are reported through the reject callback and counted;
 * only an index error makes this fail. */
vn_status vn_indexer_add_path(vn_indexer *ix, const char *path, vn_error *err);

/* Prune (if asked), commit, and for a full rebuild switch generations. */
vn_status vn_indexer_finish(vn_indexer *ix, vn_error *err);

const vn_index_stats *vn_indexer_stats(const vn_indexer *ix);
void vn_indexer_close(vn_indexer *ix);

/* Bytes an input would read (file sizes, recursively), 0 for stdin. */
uint64_t vn_input_bytes(const char *path);

#ifdef __cplusplus
}
#endif

#endif
