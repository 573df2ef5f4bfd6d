/* SPDX-License-Identifier: GPL-2.0-or-later */
/* index_parallel.c -- the rebuild on several cores: parallel partial
 * indexes merged with Xapian's compaction.
 *
 * On a fresh generation (--full, or a brand-new index) with N threads (2
 * to VN_MAX_THREADS), the calling thread reads and parses the input and
 * hands each article to one of N workers (chosen by a hash of its id, so a
 * repeated id always meets its earlier copy).  Each worker normalises, builds terms and
 * writes its own Xapian database; at the end the parts are compacted into
 * the new generation, which is then switched in.  An index of N shards
 * (vnsearch-indexer --shards N) takes N workers instead, each writing its
 * shard in place (vn_index_dir_shard_of picks it), and nothing is merged.  Xapian's write path is
 * single-threaded per database, so this is how a second core helps it;
 * a parsing thread feeding one writer measured no gain, since the writer
 * is where 85 % of the time goes (bench/README.md). */
#include "vn_buf.h"
#include "vn_hash.h"
#include "vn_index_dir.h"
#include "vn_indexer.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define QUEUE_CAP 256 /* articles waiting per shard: bounds memory */

typedef struct shard {
    pthread_t th;
    vn_parallel *par;
    char path[4096];
    vn_xdb *db;
    vn_stemmer *stem;
    vn_docspec doc;
    /* queue */
    pthread_mutex_t mu;
    pthread_cond_t not_empty, not_full;
    struct item {
        vn_article a;
        char input_hash[17]; /* vn_input_hash of its raw input, or "" */
        const char *file;    /* where it was read (interned by ix->ids, which outlives the workers) */
        uint64_t line;
    } q[QUEUE_CAP];
    size_t head, n;
    int closing;
    /* results */
    uint64_t added;   /* atomic: read by the progress line */
    unsigned pending; /* the worker's own */
    vn_status rc;     /* the first write error, under mu; err says it */
    vn_error err;
} shard;

struct vn_parallel {
    vn_indexer *ix;
    shard *s;   /* n */
    unsigned n;
    int direct; /* the workers write the index's own shards: nothing to merge */
    int started;
};

static void *worker(void *p)
{
    shard *s = p;
    vn_indexer *ix = s->par->ix;
    for (;;) {
        pthread_mutex_lock(&s->mu);
        while (s->n == 0 && !s->closing)
            pthread_cond_wait(&s->not_empty, &s->mu);
        if (s->n == 0) {
            pthread_mutex_unlock(&s->mu);
            break;
        }
        struct item it = s->q[s->head];
        int failed = s->rc != VN_OK;
        s->head = (s->head + 1) % QUEUE_CAP;
        s->n--;
        pthread_cond_signal(&s->not_full);
        pthread_mutex_unlock(&s->mu);
        if (!failed) {
            vn_error e;
            memcpy(s->doc.input_hash, it.input_hash, sizeof s->doc.input_hash);
            vn_status rc = vn_schema_build(&s->doc, &it.a, s->stem, &e);
            if (rc == VN_ERR_INVALID) {
                vn_indexer_reject(ix, it.file, it.line, e.msg);
            } else if (rc == VN_OK && (rc = vn_xdb_replace(s->db, &s->doc, &e)) == VN_OK) {
                __atomic_add_fetch(&s->added, 1, __ATOMIC_RELAXED); /* read by the progress line */
                if (++s->pending >= ix->opts.batch) {
                    s->pending = 0;
                    rc = vn_xdb_commit(s->db, &e);
                }
            }
            if (rc != VN_OK && rc != VN_ERR_INVALID) {
                /* stop writing; the reader stops at its next article and
                 * the run fails at finish */
                pthread_mutex_lock(&s->mu);
                s->rc = rc;
                s->err = e;
                pthread_mutex_unlock(&s->mu);
            }
        }
        vn_article_clear(&it.a);
    }
    return NULL;
}

vn_status vn_parallel_start(vn_indexer *ix, vn_error *err)
{
    vn_parallel *par = vn_xcalloc(1, sizeof *par);
    par->ix = ix;
    par->direct = ix->nshards > 1;
    par->n = par->direct ? ix->nshards : (unsigned)ix->opts.threads;
    par->s = vn_xcalloc(par->n, sizeof *par->s);
    ix->par = par;
    char gen[4096];
    vn_index_dir_gen_path(ix->dir, ix->gen, gen, sizeof gen);
    if (par->direct && mkdir(gen, 0755) != 0 && errno != EEXIST)
        return vn_error_set(err, VN_ERR_IO, "cannot create %s: %s", gen, strerror(errno));
    for (unsigned i = 0; i < par->n; i++) {
        shard *s = &par->s[i];
        s->par = par;
        if (par->direct)
            vn_index_dir_shard_path(gen, (int)i, s->path, sizeof s->path);
        else
            vn_index_dir_tmp_path(ix->dir, ix->gen, (int)i, s->path, sizeof s->path);
        vn_docspec_init(&s->doc);
        s->doc.spelling = ix->spelling;
        s->doc.live = ix->opts.live;
        pthread_mutex_init(&s->mu, NULL);
        pthread_cond_init(&s->not_empty, NULL);
        pthread_cond_init(&s->not_full, NULL);
    }
    for (unsigned i = 0; i < par->n; i++) {
        shard *s = &par->s[i];
        /* parts to merge are scratch (no fsync); shards are the index */
        vn_status rc = vn_xdb_open(s->path, VN_XDB_CREATE | (par->direct ? 0 : VN_XDB_NOSYNC), &s->db, err);
        if (rc == VN_OK && ix->spelling) /* compaction keeps the shards' metadata */
            rc = vn_xdb_set_meta(s->db, VN_SPELLING_KEY, "1", err);
        if (rc == VN_OK && !(s->stem = vn_stemmer_new_english()))
            rc = vn_error_set(err, VN_ERR_NOMEM, "cannot create stemmer");
        if (rc != VN_OK)
            return rc;
    }
    for (unsigned i = 0; i < par->n; i++) {
        if (pthread_create(&par->s[i].th, NULL, worker, &par->s[i]) != 0)
            return vn_error_set(err, VN_ERR_NOMEM, "cannot start indexing thread");
        par->started = i + 1;
    }
    return VN_OK;
}

uint64_t vn_parallel_written(const vn_indexer *ix)
{
    uint64_t n = 0;
    for (unsigned i = 0; ix->par && i < ix->par->n; i++)
        n += __atomic_load_n(&ix->par->s[i].added, __ATOMIC_RELAXED);
    return n;
}

vn_status vn_parallel_take(vn_indexer *ix, vn_article *a, vn_error *err)
{
    vn_parallel *par = ix->par;
    shard *s = &par->s[par->direct ? vn_index_dir_shard_of(a->id, par->n) : vn_hash64(a->id, strlen(a->id)) % par->n];
    pthread_mutex_lock(&s->mu);
    while (s->n == QUEUE_CAP && s->rc == VN_OK)
        pthread_cond_wait(&s->not_full, &s->mu);
    if (s->rc != VN_OK) {
        vn_status rc = vn_error_set(err, s->rc, "%s", s->err.msg);
        pthread_mutex_unlock(&s->mu);
        return rc;
    }
    struct item *it = &s->q[(s->head + s->n) % QUEUE_CAP];
    it->a = *a;
    memcpy(it->input_hash, ix->input_hash, sizeof ix->input_hash);
    it->file = vn_idset_place(ix->ids, a->id, &it->line);
    s->n++;
    pthread_cond_signal(&s->not_empty);
    pthread_mutex_unlock(&s->mu);
    memset(a, 0, sizeof *a); /* the shard owns it now */
    ix->stats.added++;       /* fresh generation: every document is new */
    return VN_OK;
}

/* Stop the workers (after they drain their queues) and join them. */
static void stop_workers(vn_parallel *par)
{
    for (int i = 0; i < par->started; i++) {
        shard *s = &par->s[i];
        pthread_mutex_lock(&s->mu);
        s->closing = 1;
        pthread_cond_signal(&s->not_empty);
        pthread_mutex_unlock(&s->mu);
    }
    for (int i = 0; i < par->started; i++)
        pthread_join(par->s[i].th, NULL);
    par->started = 0;
}

vn_status vn_parallel_finish(vn_indexer *ix, const char *dst, vn_error *err)
{
    vn_parallel *par = ix->par;
    stop_workers(par);
    uint64_t added = 0;
    const char *paths[VN_MAX_THREADS]; /* the parts merged: one per thread (shards are not merged) */
    for (unsigned i = 0; i < par->n; i++) {
        shard *s = &par->s[i];
        if (s->rc != VN_OK)
            return vn_error_set(err, s->rc, "%s", s->err.msg);
        vn_status rc = vn_xdb_commit(s->db, err);
        if (rc != VN_OK)
            return rc;
        vn_xdb_close(s->db);
        s->db = NULL;
        added += s->added;
        if (!par->direct)
            paths[i] = s->path;
    }
    /* documents the workers rejected were counted as added on submit */
    ix->stats.added = added;
    if (par->direct)
        return VN_OK; /* the shards are the generation */
    vn_status rc = vn_xdb_compact(paths, par->n, dst, err);
    for (unsigned i = 0; i < par->n; i++)
        vn_index_dir_remove_path(par->s[i].path);
    return rc;
}

void vn_parallel_free(vn_indexer *ix)
{
    vn_parallel *par = ix->par;
    if (!par)
        return;
    stop_workers(par);
    for (unsigned i = 0; i < par->n; i++) {
        shard *s = &par->s[i];
        for (size_t k = 0; k < s->n; k++)
            vn_article_clear(&s->q[(s->head + k) % QUEUE_CAP].a);
        vn_xdb_close(s->db);
        if (s->path[0] && !par->direct) /* shards are the generation's: removed with it when abandoned */
            vn_index_dir_remove_path(s->path);
        vn_stemmer_free(s->stem);
        vn_docspec_free(&s->doc);
        pthread_mutex_destroy(&s->mu);
        pthread_cond_destroy(&s->not_empty);
        pthread_cond_destroy(&s->not_full);
    }
    free(par->s);
    free(par);
    ix->par = NULL;
}
