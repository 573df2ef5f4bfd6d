/* SPDX-License-Identifier: GPL-2.0-or-later */
/* index_parallel.c -- the two-core rebuild: parallel partial indexes merged
 * with Xapian's compaction.
 *
 * On a fresh generation (--full, or a brand-new index) with two threads,
 * the calling thread reads and parses the input and hands each article to
 * one of VN_SHARDS workers (chosen by a hash of its id, so a repeated id
 * always meets its earlier copy).  Each worker normalises, builds terms and
 * writes its own Xapian database; at the end the shards are compacted into
 * the new generation, which is then switched in.  Xapian's write path is
 * single-threaded per database, so this is how a second core helps it;
 * a parsing thread feeding one writer measured no gain, since the writer
 * is where 85 % of the time goes (bench/README.md). */
#include "vn_buf.h"
#include "vn_index_dir.h"
#include "vn_indexer_internal.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define VN_SHARDS 2
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
    vn_article q[QUEUE_CAP];
    size_t head, n;
    int closing;
    /* results */
    uint64_t added;
    unsigned pending;
    vn_status rc;
    vn_error err;
} shard;

struct vn_parallel {
    vn_indexer *ix;
    shard s[VN_SHARDS];
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
        vn_article a = s->q[s->head];
        s->head = (s->head + 1) % QUEUE_CAP;
        s->n--;
        pthread_cond_signal(&s->not_full);
        pthread_mutex_unlock(&s->mu);
        if (s->rc == VN_OK) {
            vn_error e;
            vn_status rc = vn_schema_build(&s->doc, &a, s->stem, &e);
            if (rc == VN_ERR_INVALID) {
                vn_indexer_reject(ix, a.id, 0, e.msg);
            } else if (rc == VN_OK && (rc = vn_xdb_replace(s->db, &s->doc, &s->err)) == VN_OK) {
                s->added++;
                if (++s->pending >= ix->opts.batch) {
                    s->pending = 0;
                    rc = vn_xdb_commit(s->db, &s->err);
                }
            }
            if (rc != VN_OK && rc != VN_ERR_INVALID)
                s->rc = rc; /* stop writing; the run will fail at finish */
        }
        vn_article_clear(&a);
    }
    return NULL;
}

static void shard_path(const vn_indexer *ix, int i, char *out, size_t len)
{
    snprintf(out, len, "%s/tmp-gen-%06d-shard%d", ix->dir, ix->gen, i);
}

vn_status vn_parallel_start(vn_indexer *ix, vn_error *err)
{
    vn_parallel *par = vn_xrealloc(NULL, sizeof *par);
    memset(par, 0, sizeof *par);
    par->ix = ix;
    ix->par = par;
    for (int i = 0; i < VN_SHARDS; i++) {
        shard *s = &par->s[i];
        s->par = par;
        shard_path(ix, i, s->path, sizeof s->path);
        vn_docspec_init(&s->doc);
        s->doc.spelling = ix->spelling;
        pthread_mutex_init(&s->mu, NULL);
        pthread_cond_init(&s->not_empty, NULL);
        pthread_cond_init(&s->not_full, NULL);
    }
    for (int i = 0; i < VN_SHARDS; i++) {
        shard *s = &par->s[i];
        vn_status rc = vn_xdb_open(s->path, VN_XDB_CREATE | VN_XDB_NOSYNC, &s->db, err);
        if (rc == VN_OK && ix->spelling) /* compaction keeps the shards' metadata */
            rc = vn_xdb_set_meta(s->db, VN_SPELLING_KEY, "1", err);
        if (rc == VN_OK && !(s->stem = vn_stemmer_new_english()))
            rc = vn_error_set(err, VN_ERR_NOMEM, "cannot create stemmer");
        if (rc != VN_OK)
            return rc;
    }
    for (int i = 0; i < VN_SHARDS; i++) {
        if (pthread_create(&par->s[i].th, NULL, worker, &par->s[i]) != 0)
            return vn_error_set(err, VN_ERR_NOMEM, "cannot start indexing thread");
        par->started = i + 1;
    }
    return VN_OK;
}

vn_status vn_parallel_take(vn_indexer *ix, vn_article *a, vn_error *err)
{
    vn_parallel *par = ix->par;
    shard *s = &par->s[vn_hash64(a->id, strlen(a->id)) % VN_SHARDS];
    if (s->rc != VN_OK)
        return vn_error_set(err, s->rc, "%s", s->err.msg);
    pthread_mutex_lock(&s->mu);
    while (s->n == QUEUE_CAP)
        pthread_cond_wait(&s->not_full, &s->mu);
    s->q[(s->head + s->n) % QUEUE_CAP] = *a;
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
    const char *paths[VN_SHARDS];
    for (int i = 0; i < VN_SHARDS; i++) {
        shard *s = &par->s[i];
        if (s->rc != VN_OK)
            return vn_error_set(err, s->rc, "%s", s->err.msg);
        vn_status rc = vn_xdb_commit(s->db, err);
        if (rc != VN_OK)
            return rc;
        vn_xdb_close(s->db);
        s->db = NULL;
        added += s->added;
        paths[i] = s->path;
    }
    /* documents the workers rejected were counted as added on submit */
    ix->stats.added = added;
    vn_status rc = vn_xdb_compact(paths, VN_SHARDS, dst, err);
    for (int i = 0; i < VN_SHARDS; i++)
        vn_index_dir_remove_path(par->s[i].path);
    return rc;
}

void vn_parallel_free(vn_indexer *ix)
{
    vn_parallel *par = ix->par;
    if (!par)
        return;
    stop_workers(par);
    for (int i = 0; i < VN_SHARDS; i++) {
        shard *s = &par->s[i];
        for (size_t k = 0; k < s->n; k++)
            vn_article_clear(&s->q[(s->head + k) % QUEUE_CAP]);
        vn_xdb_close(s->db);
        if (s->path[0])
            vn_index_dir_remove_path(s->path);
        vn_stemmer_free(s->stem);
        vn_docspec_free(&s->doc);
        pthread_mutex_destroy(&s->mu);
        pthread_cond_destroy(&s->not_empty);
        pthread_cond_destroy(&s->not_full);
    }
    free(par);
    ix->par = NULL;
}
