/* SPDX-License-Identifier: GPL-2.0-or-later */
/* index_run.c -- an indexing run: lock, incremental add/replace/skip,
 * batched commits, prune, and the atomic generation switch of a full
 * rebuild.  Reading inputs is index_input.c's job. */
#include "vn_indexer.h"
#include "vn_buf.h"
#include "vn_index_dir.h"
#include "vn_indexer_internal.h"
#include "vn_schema.h"
#include "vn_xapian.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Whether documents get spelling terms: a new index records its choice
 * (the parallel shards record theirs, index_parallel.c); an incremental
 * run follows what the index recorded. */
static vn_status spelling_setup(vn_indexer *ix, vn_error *err)
{
    vn_status rc = VN_OK;
    if (ix->fresh) {
        if (ix->db)
            rc = vn_xdb_set_meta(ix->db, VN_SPELLING_KEY, ix->spelling ? "1" : "", err);
    } else {
        char *v;
        if ((rc = vn_xdb_get_meta(ix->db, VN_SPELLING_KEY, &v, err)) != VN_OK)
            return rc;
        ix->spelling = strcmp(v, "1") == 0;
        free(v);
        if (ix->opts.spelling && !ix->spelling)
            return vn_error_set(err, VN_ERR_INVALID,
                                "%s has no spelling statistics: build them with a full rebuild (--full --spelling)",
                                ix->dir);
    }
    ix->doc.spelling = ix->spelling;
    return rc;
}

vn_status vn_indexer_open(const char *dir, const vn_index_opts *o, vn_indexer **out, vn_error *err)
{
    *out = NULL;
    vn_indexer *ix = vn_xrealloc(NULL, sizeof *ix);
    memset(ix, 0, sizeof *ix);
    ix->lock_fd = -1;
    ix->dir = vn_xstrdup(dir);
    pthread_mutex_init(&ix->mu, NULL);
    if (o)
        ix->opts = *o;
    if (!ix->opts.batch)
        ix->opts.batch = VN_DEFAULT_BATCH;
    if (!ix->opts.threads)
        ix->opts.threads = 2;
    ix->t0 = now();
    ix->ids = vn_idset_new();
    vn_docspec_init(&ix->doc);
    char path[4096];
    struct stat st;
    vn_status rc;
    if (stat(dir, &st) == 0 && !S_ISDIR(st.st_mode)) {
        /* a stub of shards (some remote) is for searching */
        rc = vn_error_set(err, VN_ERR_INVALID,
                          "%s is not an index directory: a stub file is searched, not written (index into the "
                          "directory its shards come from)", dir);
        goto fail;
    }
    rc = vn_index_dir_lock(dir, &ix->lock_fd, err);
    if (rc != VN_OK)
        goto fail;
    vn_index_dir_remove_leftovers(dir);
    ix->prev_gen = vn_index_dir_current(dir);
    int brand_new = ix->brand_new = ix->prev_gen == 0;
    int parallel = ix->opts.threads >= 2 && (ix->opts.full || brand_new);
    int had = vn_index_dir_shards(dir);
    if (ix->opts.shards > VN_MAX_SHARDS) {
        rc = vn_error_set(err, VN_ERR_INVALID, "at most %d shards", VN_MAX_SHARDS);
        goto fail;
    }
    if (!ix->opts.full && !brand_new && ix->opts.shards && (int)ix->opts.shards != had) {
        rc = vn_error_set(err, VN_ERR_INVALID,
                          "%s has %d shard%s: another number needs a full rebuild (--full --shards %u)", dir, had,
                          had == 1 ? "" : "s", ix->opts.shards);
        goto fail;
    }
    ix->nshards = ix->opts.shards ? ix->opts.shards : had > 0 ? (unsigned)had : 1;
    ix->spelling = (ix->opts.full || brand_new) && ix->opts.spelling; /* an incremental run: the index says */
    if (brand_new) {
        /* make an empty index visible at once: readers never see "no index" */
        ix->gen = 1;
        vn_index_dir_remove_gen(dir, 1);
        vn_index_dir_gen_path(dir, 1, path, sizeof path);
        if ((rc = vn_xdb_open_shards(path, ix->nshards, VN_XDB_CREATE, &ix->db, err)) != VN_OK ||
            (rc = vn_xdb_commit(ix->db, err)) != VN_OK ||
            (rc = vn_index_dir_switch(dir, 1, 0, (int)ix->nshards, err)) != VN_OK)
            goto fail;
        ix->fresh = ix->switched = 1;
        if (!parallel && !ix->opts.full)
            goto ready; /* one thread writes gen 1 in committed batches */
        vn_xdb_close(ix->db);
        ix->db = NULL;
        ix->prev_gen = 1;
    }
    if (parallel || ix->opts.full) {
        ix->gen = ix->prev_gen + 1;
        ix->fresh = 1;
        ix->switched = 0;
        vn_index_dir_remove_gen(dir, ix->gen); /* leftover of a killed rebuild */
        if (parallel)
            rc = vn_parallel_start(ix, err);
        else {
            vn_index_dir_gen_path(dir, ix->gen, path, sizeof path);
            rc = vn_xdb_open_shards(path, ix->nshards, VN_XDB_CREATE, &ix->db, err);
        }
    } else {
        ix->gen = ix->prev_gen;
        vn_index_dir_gen_path(dir, ix->gen, path, sizeof path);
        rc = vn_xdb_open_shards(path, ix->nshards, VN_XDB_WRITE, &ix->db, err);
    }
    if (rc != VN_OK)
        goto fail;
ready:
    if ((rc = spelling_setup(ix, err)) != VN_OK)
        goto fail;
    if (!(ix->stem = vn_stemmer_new_english())) {
        rc = vn_error_set(err, VN_ERR_NOMEM, "cannot create stemmer");
        goto fail;
    }
    *out = ix;
    return VN_OK;
fail:
    vn_indexer_close(ix);
    return rc;
}

void vn_indexer_set_callbacks(vn_indexer *ix, vn_reject_fn reject, vn_progress_fn progress, void *ctx)
{
    ix->reject = reject;
    ix->progress = progress;
    ix->cb_ctx = ctx;
}

void vn_indexer_set_warn_callback(vn_indexer *ix, vn_reject_fn warn)
{
    ix->warn = warn;
}

void vn_indexer_reject(vn_indexer *ix, const char *file, uint64_t line, const char *msg)
{
    pthread_mutex_lock(&ix->mu);
    ix->stats.rejected++;
    if (ix->reject)
        ix->reject(ix->cb_ctx, file, line, msg);
    pthread_mutex_unlock(&ix->mu);
}

void vn_indexer_unreadable(vn_indexer *ix, const char *file, const char *msg)
{
    pthread_mutex_lock(&ix->mu);
    ix->stats.unreadable++;
    pthread_mutex_unlock(&ix->mu);
    vn_indexer_reject(ix, file, 0, msg);
}

void vn_indexer_warn(vn_indexer *ix, const char *file, uint64_t line, const char *msg)
{
    pthread_mutex_lock(&ix->mu);
    ix->stats.warnings++;
    if (ix->warn)
        ix->warn(ix->cb_ctx, file, line, msg);
    pthread_mutex_unlock(&ix->mu);
}

void vn_indexer_tick(vn_indexer *ix)
{
    if (!ix->progress)
        return;
    double t = now();
    if (t - ix->last_progress < 0.5)
        return;
    ix->last_progress = t;
    ix->stats.seconds = t - ix->t0;
    /* the parallel workers lag the reader by their queues, and a --full
     * ends with a merge: progress is what they wrote */
    ix->stats.written = ix->par ? vn_parallel_written(ix)
                                : ix->stats.added + ix->stats.replaced + ix->stats.unchanged;
    ix->progress(ix->cb_ctx, &ix->stats);
}

/* Remember where an id was met; an id met before in this run is a
 * warning naming both places (the later copy wins). */
static void remember_id(vn_indexer *ix, const char *id)
{
    const char *pf;
    uint64_t pl;
    if (!vn_idset_add(ix->ids, id, ix->at_file, ix->at_line, &pf, &pl))
        return;
    char msg[512];
    if (pf && pl)
        snprintf(msg, sizeof msg, "id \"%s\" again (first at %s:%llu); this copy replaces it", id, pf,
                 (unsigned long long)pl);
    else if (pf)
        snprintf(msg, sizeof msg, "id \"%s\" again (first in %s); this copy replaces it", id, pf);
    else
        snprintf(msg, sizeof msg, "id \"%s\" added again in this run; this copy replaces it", id);
    vn_indexer_warn(ix, ix->at_file, ix->at_line, msg);
}

/* One more document written: a commit every opts.batch of them. */
static vn_status count_write(vn_indexer *ix, vn_error *err)
{
    if (++ix->pending < ix->opts.batch)
        return VN_OK;
    vn_status rc = vn_xdb_commit(ix->db, err);
    if (rc == VN_OK)
        ix->pending = 0;
    return rc;
}

/* The input term (VN_PREFIX_INPUT) of ix->input_hash into term[64]. */
static void input_term(const vn_indexer *ix, char term[64])
{
    snprintf(term, 64, "%s%s", VN_PREFIX_INPUT, ix->input_hash);
}

/* The document with unique term `idterm` gets ix->input_hash as its input
 * term (in place of any other): a write like any. */
static vn_status set_input_hash(vn_indexer *ix, const char *idterm, vn_error *err)
{
    char term[64];
    input_term(ix, term);
    vn_status rc = vn_xdb_set_unique_prefixed(ix->db, idterm, VN_PREFIX_INPUT, term, err);
    return rc == VN_OK ? count_write(ix, err) : rc;
}

/* Write a prepared document, new (found 0) or replacing one. */
static vn_status write_doc(vn_indexer *ix, const vn_docspec *d, int found, vn_error *err)
{
    vn_status rc = vn_xdb_replace(ix->db, d, err);
    if (rc != VN_OK)
        return rc;
    if (found)
        ix->stats.replaced++;
    else
        ix->stats.added++;
    return count_write(ix, err);
}

/* Ids become Xapian terms: checked before anything else sees them. */
static vn_status check_id(const vn_article *a, vn_error *err)
{
    if (!a->id || !*a->id || strlen(a->id) > VN_ID_MAX_BYTES)
        return vn_error_set(err, VN_ERR_INVALID, "document id must be 1 to %d bytes", VN_ID_MAX_BYTES);
    return VN_OK;
}

vn_status vn_indexer_add(vn_indexer *ix, const vn_article *a, vn_error *err)
{
    if (check_id(a, err) != VN_OK)
        return VN_ERR_INVALID;
    if (ix->par) {
        vn_article copy = {vn_xstrdup(a->id), a->title ? vn_xstrdup(a->title) : NULL,
                           a->date ? vn_xstrdup(a->date) : NULL, a->source ? vn_xstrdup(a->source) : NULL,
                           a->url ? vn_xstrdup(a->url) : NULL, a->dateline ? vn_xstrdup(a->dateline) : NULL,
                           vn_xstrdup(a->body)};
        return vn_indexer_take(ix, &copy, err);
    }
    /* An unchanged article is known by the hash of its fields, before any
     * text processing (an input whose very bytes the index knows was not
     * even parsed: index_input.c).  A fresh generation started empty:
     * nothing to compare against (an id repeated in the input still
     * replaces, but counts as added twice). */
    int found = 0;
    vn_status rc = VN_OK;
    if (!ix->fresh) {
        char idterm[VN_IDTERM_SIZE], hash[17], old[32];
        vn_idterm(idterm, a->id);
        vn_article_hash(a, ix->spelling, hash);
        if ((rc = vn_xdb_get_value(ix->db, idterm, VN_SLOT_HASH, old, sizeof old, &found, err)) != VN_OK)
            return rc;
        if (found && strcmp(old, hash) == 0) {
            /* the same article from other bytes (an export that reformats
             * its JSON, an index older than input hashes): the document
             * learns this input's hash, so that the next run skips it
             * unparsed; its words are not touched */
            if (ix->input_hash[0] && (rc = set_input_hash(ix, idterm, err)) != VN_OK)
                return rc;
            remember_id(ix, a->id);
            ix->stats.unchanged++;
            vn_indexer_tick(ix);
            return VN_OK;
        }
    }
    memcpy(ix->doc.input_hash, ix->input_hash, sizeof ix->doc.input_hash);
    if ((rc = vn_schema_build(&ix->doc, a, ix->stem, err)) != VN_OK)
        return rc;
    remember_id(ix, a->id);
    rc = write_doc(ix, &ix->doc, found, err);
    vn_indexer_tick(ix);
    return rc;
}

int vn_indexer_input_unchanged(vn_indexer *ix, const char *raw, size_t n, const char *id)
{
    vn_input_hash(raw, n, id, ix->spelling, ix->opts.encoding, ix->input_hash);
    if (ix->fresh)
        return 0; /* a new generation: nothing to skip */
    char term[64], found_id[VN_ID_MAX_BYTES + 1];
    input_term(ix, term);
    int found = 0;
    vn_error e;
    if (vn_xdb_id_by_term(ix->db, term, found_id, sizeof found_id, &found, &e) != VN_OK || !found)
        return 0; /* parsed and compared as usual (a read error shows there too) */
    remember_id(ix, found_id);
    ix->stats.unchanged++;
    vn_indexer_tick(ix);
    ix->input_hash[0] = '\0';
    return 1;
}

vn_status vn_indexer_take(vn_indexer *ix, vn_article *a, vn_error *err)
{
    vn_status rc;
    if (!ix->par) {
        rc = vn_indexer_add(ix, a, err);
    } else if ((rc = check_id(a, err)) == VN_OK) {
        remember_id(ix, a->id);
        rc = vn_parallel_take(ix, a, err);
        vn_indexer_tick(ix);
    }
    vn_article_clear(a);
    return rc;
}

vn_status vn_indexer_delete(vn_indexer *ix, const char *id, vn_error *err)
{
    if (ix->par || !ix->db)
        return vn_error_set(err, VN_ERR_INVALID, "deleting is not possible during a rebuild");
    char idterm[VN_IDTERM_SIZE];
    if (!vn_idterm(idterm, id))
        return VN_OK; /* no such document can exist */
    int found = 0;
    char old[32];
    vn_status rc = vn_xdb_get_value(ix->db, idterm, VN_SLOT_HASH, old, sizeof old, &found, err);
    if (rc == VN_OK && found && (rc = vn_xdb_delete(ix->db, idterm, err)) == VN_OK)
        ix->stats.deleted++;
    return rc;
}

vn_status vn_indexer_commit(vn_indexer *ix, vn_error *err)
{
    if (ix->par || (ix->fresh && !ix->switched))
        return vn_error_set(err, VN_ERR_INVALID, "a rebuild becomes visible at finish, not before");
    vn_status rc = vn_xdb_commit(ix->db, err);
    if (rc == VN_OK)
        ix->pending = 0;
    return rc;
}

typedef struct prune_ctx {
    vn_indexer *ix;
    char **gone;
    size_t n, cap;
} prune_ctx;

static int collect_unseen(const char *term, size_t len, uint64_t docs, void *p)
{
    (void)docs;
    prune_ctx *c = p;
    char *id = vn_xstrndup(term + 1, len - 1);
    if (vn_idset_has(c->ix->ids, id)) {
        free(id);
        return 0;
    }
    if (c->n == c->cap) {
        c->cap = c->cap ? c->cap * 2 : 64;
        c->gone = vn_xrealloc(c->gone, c->cap * sizeof *c->gone);
    }
    c->gone[c->n++] = id;
    return 0;
}

static vn_status prune(vn_indexer *ix, vn_error *err)
{
    if (ix->stats.rejected) {
        /* a document whose input was not read (or whose record was bad) is
         * not known to be gone: a cron run while the article directory is
         * unmounted must not empty the index */
        char msg[160];
        snprintf(msg, sizeof msg, "not pruning: %llu inputs could not be read and %llu records were rejected",
                 (unsigned long long)ix->stats.unreadable,
                 (unsigned long long)(ix->stats.rejected - ix->stats.unreadable));
        vn_indexer_warn(ix, NULL, 0, msg);
        return VN_OK;
    }
    prune_ctx c = {ix, NULL, 0, 0};
    /* collect first: deleting while walking the term list is not allowed */
    vn_status rc = vn_xdb_each_term(ix->db, VN_PREFIX_ID, collect_unseen, &c, err);
    char idterm[VN_IDTERM_SIZE];
    for (size_t i = 0; i < c.n; i++) {
        if (rc == VN_OK && vn_idterm(idterm, c.gone[i])) {
            rc = vn_xdb_delete(ix->db, idterm, err);
            if (rc == VN_OK)
                ix->stats.deleted++;
        }
        free(c.gone[i]);
    }
    free(c.gone);
    return rc;
}

vn_status vn_indexer_finish(vn_indexer *ix, vn_error *err)
{
    vn_status rc = VN_OK;
    char path[4096];
    vn_index_dir_gen_path(ix->dir, ix->gen, path, sizeof path);
    if (ix->par)
        rc = vn_parallel_finish(ix, path, err);
    if (rc == VN_OK && ix->opts.prune && !ix->fresh)
        rc = prune(ix, err);
    if (rc == VN_OK && ix->db)
        rc = vn_xdb_commit(ix->db, err);
    if (rc == VN_OK && ix->fresh && !ix->switched && ix->stats.unreadable && !ix->brand_new)
        rc = vn_error_set(err, VN_ERR_IO,
                          "not switching to the rebuild: %llu inputs could not be read; the index is unchanged",
                          (unsigned long long)ix->stats.unreadable);
    if (rc == VN_OK && ix->fresh && !ix->switched) {
        /* close first so that the new generation is complete on disk */
        vn_xdb_close(ix->db);
        ix->db = NULL;
        rc = vn_index_dir_switch(ix->dir, ix->gen, ix->prev_gen, (int)ix->nshards, err);
        ix->switched = (rc == VN_OK);
    }
    ix->stats.seconds = now() - ix->t0;
    return rc;
}

const vn_index_stats *vn_indexer_stats(const vn_indexer *ix)
{
    return &ix->stats;
}

void vn_indexer_close(vn_indexer *ix)
{
    if (!ix)
        return;
    vn_parallel_free(ix);
    vn_xdb_close(ix->db);
    if (ix->fresh && !ix->switched && ix->gen > 0)
        vn_index_dir_remove_gen(ix->dir, ix->gen); /* an abandoned rebuild */
    vn_index_dir_unlock(ix->lock_fd);
    vn_stemmer_free(ix->stem);
    vn_docspec_free(&ix->doc);
    vn_idset_free(ix->ids);
    free(ix->dir);
    pthread_mutex_destroy(&ix->mu);
    free(ix);
}
