/* SPDX-License-Identifier: GPL-2.0-or-later */
/* index_run.c -- an indexing run: lock, incremental add/replace/skip,
 * batched commits, prune, and the atomic generation switch of a full
 * rebuild.  Reading inputs is index_input.c's job. */
#include "vn_indexer.h"
#include "vn_buf.h"
#include "vn_clock.h"
#include "vn_docstore.h"
#include "vn_index_dir.h"
#include "vn_schema.h"
#include "vn_xapian.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

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
    ix->doc.live = ix->opts.live;
    return rc;
}

vn_status vn_indexer_open(const char *dir, const vn_index_opts *o, vn_indexer **out, vn_error *err)
{
    VN_CHECK_ARGS(err, dir && out);
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
    ix->t0 = vn_clock_now();
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
    if (ix->opts.threads < 1 || ix->opts.threads > VN_MAX_THREADS) {
        rc = vn_error_set(err, VN_ERR_INVALID, "threads must be 1 to %d, not %d", VN_MAX_THREADS, ix->opts.threads);
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

void vn_indexer_tick(vn_indexer *ix)
{
    if (!ix->progress)
        return;
    double t = vn_clock_now();
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

/* Commit what is pending. */
static vn_status commit_pending(vn_indexer *ix, vn_error *err)
{
    vn_status rc = vn_xdb_commit(ix->db, err);
    if (rc == VN_OK)
        ix->pending = 0;
    return rc;
}

/* One more document written: a commit every opts.batch of them. */
static vn_status count_write(vn_indexer *ix, vn_error *err)
{
    return ++ix->pending < ix->opts.batch ? VN_OK : commit_pending(ix, err);
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

vn_status vn_indexer_add(vn_indexer *ix, const vn_article *a, vn_error *err)
{
    VN_CHECK_ARGS(err, ix && a);
    if (vn_schema_check(a, err) != VN_OK)
        return VN_ERR_INVALID;
    if (ix->par) {
        vn_article copy;
        vn_article_copy(a, &copy);
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
        vn_article_hash(a, ix->spelling, ix->opts.live, hash);
        if ((rc = vn_xdb_get_value(ix->db, idterm, VN_SLOT_HASH, old, sizeof old, NULL, &found, err)) != VN_OK)
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
    } else if ((rc = vn_schema_check(a, err)) == VN_OK) {
        remember_id(ix, a->id);
        rc = vn_parallel_take(ix, a, err);
        vn_indexer_tick(ix);
    }
    vn_article_clear(a);
    return rc;
}

vn_status vn_indexer_delete(vn_indexer *ix, const char *id, vn_error *err)
{
    VN_CHECK_ARGS(err, ix && id);
    if (ix->par || !ix->db)
        return vn_error_set(err, VN_ERR_INVALID, "deleting is not possible during a rebuild");
    char idterm[VN_IDTERM_SIZE];
    if (!vn_idterm(idterm, id))
        return VN_OK; /* no such document can exist */
    int found = 0;
    char old[32];
    vn_status rc = vn_xdb_get_value(ix->db, idterm, VN_SLOT_HASH, old, sizeof old, NULL, &found, err);
    if (rc == VN_OK && found && (rc = vn_xdb_delete(ix->db, idterm, err)) == VN_OK)
        ix->stats.deleted++;
    return rc;
}

vn_status vn_indexer_commit(vn_indexer *ix, vn_error *err)
{
    VN_CHECK_ARGS(err, ix);
    if (ix->par || (ix->fresh && !ix->switched))
        return vn_error_set(err, VN_ERR_INVALID, "a rebuild becomes visible at finish, not before");
    return commit_pending(ix, err);
}

/* ---- what an export run may remove ----
 * An export run (the cron job) owns the documents it brought; it never
 * removes a live write (VN_TERM_LIVE: vnsearchd's ADD), and it refuses to
 * remove more than opts.max_removal percent of the index, or to act on
 * inputs that hold no article, unless told: an unmounted mount point, an
 * empty export or a truncated file must not empty the index. */

typedef struct removal {
    vn_indexer *ix;
    vn_idset *live; /* ids of the live writes of the index read */
    char **gone;    /* ids to delete (prune only) */
    size_t n, cap;
} removal;

/* The articles this run's inputs held (read, found unchanged, or rejected). */
static uint64_t run_articles(const vn_indexer *ix)
{
    const vn_index_stats *st = &ix->stats;
    return st->added + st->replaced + st->unchanged + st->rejected;
}

static int collect_live(const char *id, const char *data, size_t len, void *p)
{
    (void)data, (void)len;
    const char *pf;
    uint64_t pl;
    vn_idset_add(((removal *)p)->live, id, NULL, 0, &pf, &pl);
    return 0;
}

/* An id term of the index read that this run did not bring, and that is
 * no live write: the run removes it (prune deletes it, a --full leaves it
 * out), so it is remembered in c->gone. */
static int collect_unseen(const char *term, size_t len, uint64_t docs, void *p)
{
    (void)docs;
    removal *c = p;
    char *id = vn_xstrndup(term + 1, len - 1);
    if (vn_idset_has(c->ix->ids, id) || vn_idset_has(c->live, id)) {
        free(id);
        return 0;
    }
    VN_GROW(c->gone, c->n, c->cap, 64);
    c->gone[c->n++] = id;
    return 0;
}

static void removal_free(removal *c)
{
    for (size_t i = 0; i < c->n; i++)
        free(c->gone[i]);
    free(c->gone);
    vn_idset_free(c->live);
}

/* Fill c with the documents of `db` (the index as it was) that this run
 * would remove (a prune, or a rebuild: ix->fresh), and refuse
 * (VN_ERR_LIMIT) when they are more than opts.max_removal percent of it. */
static vn_status count_removal(vn_indexer *ix, vn_xdb *db, removal *c, vn_error *err)
{
    c->ix = ix;
    c->live = vn_idset_new();
    vn_xdb_info info;
    vn_status rc = vn_xdb_each_doc_with_term(db, VN_TERM_LIVE, 0, collect_live, c, err);
    if (rc == VN_OK)
        rc = vn_xdb_each_term(db, VN_PREFIX_ID, collect_unseen, c, err);
    if (rc == VN_OK)
        rc = vn_xdb_info_get(db, &info, err);
    if (rc != VN_OK)
        return rc;
    unsigned max = ix->opts.max_removal ? ix->opts.max_removal : VN_DEFAULT_MAX_REMOVAL;
    if (max < 100 && !(ix->opts.allow_empty && run_articles(ix) == 0) && (uint64_t)c->n * 100 > (uint64_t)max * info.doccount)
        return vn_error_set(err, VN_ERR_LIMIT,
                            "%s would remove %zu of the index's %llu documents, more than %u %%: the inputs "
                            "look incomplete; nothing was %s (allow it with --max-removal 100)",
                            ix->fresh ? "this rebuild" : "pruning", c->n, (unsigned long long)info.doccount, max,
                            ix->fresh ? "switched" : "pruned");
    return VN_OK;
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
    /* collect first: deleting while walking the term list is not allowed */
    removal c = {0};
    vn_status rc = count_removal(ix, ix->db, &c, err);
    char idterm[VN_IDTERM_SIZE];
    for (size_t i = 0; rc == VN_OK && i < c.n; i++) {
        if (vn_idterm(idterm, c.gone[i]) && (rc = vn_xdb_delete(ix->db, idterm, err)) == VN_OK)
            ix->stats.deleted++;
    }
    removal_free(&c);
    return rc;
}

typedef struct carry {
    vn_indexer *ix;
    vn_status rc;
    vn_error *err;
} carry;

/* One live write of the index replaced, unless this run brought its id:
 * indexed again from its stored fields, so that it takes the schema of
 * the new index whatever the old one's was. */
static int carry_one(const char *id, const char *data, size_t len, void *p)
{
    carry *c = p;
    vn_indexer *ix = c->ix;
    vn_docview v;
    if (vn_idset_has(ix->ids, id))
        return 0; /* the export's copy is in the new index */
    if (!vn_doc_decode(data, len, &v)) {
        char msg[VN_ID_MAX_BYTES + 96];
        snprintf(msg, sizeof msg, "live write \"%s\" is stored in a format this version cannot read: not kept", id);
        vn_indexer_warn(ix, NULL, 0, msg);
        return 0;
    }
    vn_article a = {0};
    const char **f[VN_DOC_NFIELDS];
    vn_article_slots(&a, f);
    for (int i = 0; i < VN_DOC_NFIELDS; i++)
        *f[i] = vn_doc_field(&v, (vn_docfield)i);
    ix->doc.live = 1;
    ix->doc.input_hash[0] = '\0';
    c->rc = vn_schema_build(&ix->doc, &a, ix->stem, c->err);
    if (c->rc == VN_OK && (c->rc = vn_xdb_replace(ix->db, &ix->doc, c->err)) == VN_OK)
        ix->stats.kept_live++;
    ix->doc.live = 0;
    vn_article_clear(&a);
    return c->rc != VN_OK;
}

/* A --full rebuild over an index that had documents: refuse when it would
 * leave out too many of them, else carry the live writes the export did
 * not bring into the new generation (written by one thread or by the
 * parallel workers, now done: opened again when closed). */
static vn_status carry_live(vn_indexer *ix, const char *path, vn_error *err)
{
    vn_xdb *old = NULL;
    removal c = {0};
    /* the stub still names the generation readers see, of whatever schema */
    vn_status rc = vn_xdb_open(ix->dir, VN_XDB_READ | VN_XDB_ANY_SCHEMA, &old, err);
    if (rc == VN_OK)
        rc = count_removal(ix, old, &c, err);
    if (rc == VN_OK && vn_idset_count(c.live) > 0) {
        carry k = {ix, VN_OK, err};
        if (!ix->db)
            rc = vn_xdb_open_shards(path, ix->nshards, VN_XDB_WRITE, &ix->db, err);
        if (rc == VN_OK)
            rc = vn_xdb_each_doc_with_term(old, VN_TERM_LIVE, 1, carry_one, &k, err);
        if (rc == VN_OK)
            rc = k.rc;
    }
    removal_free(&c);
    vn_xdb_close(old);
    return rc;
}

/* The inputs of an export run that would change what the index holds
 * (--prune, --full) must hold at least one article, unless told. */
static vn_status check_not_empty(const vn_indexer *ix, vn_error *err)
{
    if (ix->brand_new || ix->opts.allow_empty || !(ix->opts.prune || ix->opts.full) || run_articles(ix) > 0)
        return VN_OK;
    return vn_error_set(err, VN_ERR_INVALID,
                        "the inputs hold no article (an unmounted directory, an empty export?): nothing was %s "
                        "(allow it with --allow-empty)",
                        ix->opts.full ? "switched" : "pruned");
}

vn_status vn_indexer_finish(vn_indexer *ix, vn_error *err)
{
    VN_CHECK_ARGS(err, ix);
    vn_status rc = VN_OK, refused = VN_OK;
    char path[4096];
    vn_index_dir_gen_path(ix->dir, ix->gen, path, sizeof path);
    if (ix->par)
        rc = vn_parallel_finish(ix, path, err);
    if (rc == VN_OK)
        rc = refused = check_not_empty(ix, err);
    if (rc == VN_OK && ix->fresh && !ix->switched && !ix->brand_new && !ix->stats.unreadable)
        rc = carry_live(ix, path, err);
    if (rc == VN_OK && ix->opts.prune && !ix->fresh)
        rc = refused = prune(ix, err);
    if (ix->db && (rc == VN_OK || (refused != VN_OK && !ix->fresh))) {
        /* a refused prune still keeps what the run added and replaced */
        vn_error e2;
        vn_status c = vn_xdb_commit(ix->db, rc == VN_OK ? err : &e2);
        if (rc == VN_OK)
            rc = c;
    }
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
    ix->stats.seconds = vn_clock_now() - ix->t0;
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
