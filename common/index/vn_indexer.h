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
 * an earlier commit holds.
 *
 * This header (not installed) is the indexer's state and the functions its
 * files share: index_run.c (writing), index_input.c (reading inputs),
 * index_parallel.c (the shards of a full run), index_ids.c (ids seen);
 * the API is vnsearch.h's. */
#ifndef VN_INDEXER_H
#define VN_INDEXER_H

#include <pthread.h>

#include "vn_article.h"
#include "vn_error.h"
#include "vnsearch.h"
#include "vn_schema.h"
#include "vn_xapian.h"

typedef struct vn_parallel vn_parallel;
typedef struct vn_idset vn_idset;

struct vn_indexer {
    char *dir;
    vn_index_opts opts;
    int lock_fd;
    int gen, prev_gen;  /* generation written, and the one live before */
    int fresh;          /* writing a new generation (full or first run) */
    int brand_new;      /* there was no index before this run */
    int switched;       /* the stub already names `gen` */
    int spelling;       /* documents get spelling terms (VN_SPELLING_KEY) */
    unsigned nshards;   /* shards of the generation written (1: a plain index) */
    char input_hash[17]; /* vn_input_hash of the input being added, or "" (index_input.c) */
    vn_xdb *db;
    vn_stemmer *stem;
    vn_docspec doc;     /* reused for every article */
    unsigned pending;   /* changed documents since the last commit */
    vn_index_stats stats;
    double t0, last_progress;
    vn_idset *ids;      /* ids met in this run and where (index_ids.c) */
    const char *at_file; /* the input being read, for messages (index_input.c) */
    uint64_t at_line;
    vn_parallel *par;   /* two-core rebuild (index_parallel.c), or NULL */
    pthread_mutex_t mu; /* guards stats.rejected and the callbacks */
    vn_reject_fn reject, warn;
    vn_progress_fn progress;
    void *cb_ctx;
};

/* Count and report a rejected record; safe from any thread. */
void vn_indexer_reject(vn_indexer *ix, const char *file, uint64_t line, const char *msg);
/* An input that could not be read (or read to its end): reported as
 * rejected, and it stops --prune and a --full switch (no run may lose
 * documents because an input was missing). */
void vn_indexer_unreadable(vn_indexer *ix, const char *file, const char *msg);
/* Report something indexed with a change (a field dropped, an id again). */
void vn_indexer_warn(vn_indexer *ix, const char *file, uint64_t line, const char *msg);

/* index_ids.c: ids met in a run.  vn_idset_add returns 1 when the id was
 * met before, with where (*prev_file may be NULL: added by a program),
 * and remembers the new place. */
vn_idset *vn_idset_new(void);
int vn_idset_add(vn_idset *s, const char *id, const char *file, uint64_t line, const char **prev_file,
                 uint64_t *prev_line);
int vn_idset_has(const vn_idset *s, const char *id);
size_t vn_idset_count(const vn_idset *s);
/* Where `id` was last met: its file (NULL if none or unknown; valid until
 * vn_idset_free) and *line. */
const char *vn_idset_place(const vn_idset *s, const char *id, uint64_t *line);
void vn_idset_free(vn_idset *s);
/* Index `a` and take ownership of its fields (*a is cleared). */
vn_status vn_indexer_take(vn_indexer *ix, vn_article *a, vn_error *err);
/* A raw input (JSON line, or plain article file with its id) about to be
 * added: its hash becomes ix->input_hash, and when the index holds a
 * document from the very same bytes it is counted unchanged (its id
 * remembered for --prune) and 1 is returned: skip it unparsed. */
int vn_indexer_input_unchanged(vn_indexer *ix, const char *raw, size_t n, const char *id);

/* index_parallel.c */
vn_status vn_parallel_start(vn_indexer *ix, vn_error *err);
/* Hand `a` (and ix->input_hash) to a worker. */
vn_status vn_parallel_take(vn_indexer *ix, vn_article *a, vn_error *err);
/* Drain and commit the parts; compact them into `dst` (an index of one
 * shard; the shards of a sharded index are written in place). */
vn_status vn_parallel_finish(vn_indexer *ix, const char *dst, vn_error *err);
void vn_parallel_free(vn_indexer *ix);
/* Documents the workers have written so far (any thread). */
uint64_t vn_parallel_written(const vn_indexer *ix);
void vn_indexer_tick(vn_indexer *ix);

#endif
