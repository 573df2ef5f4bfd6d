/* SPDX-License-Identifier: GPL-2.0-or-later */
/* writer.c -- vnsearchd's live writes (ADD, DELETE, DELETE_MANY; POST and
 * DELETE /documents, POST /documents/delete): one thread, the index's one
 * writer while it writes.
 *
 * Writes queue here; the thread takes every write waiting, checks each
 * (a request with a bad article writes nothing), takes the index lock
 * (waiting up to write_lock_wait while the cron indexer holds it, then
 * ERR BUSY), applies them all, commits once and lets the lock go, and only
 * then are the replies sent: an acknowledged write is on disk, and a
 * kill -9 the next instant keeps it.  Requests arriving during a commit
 * share the next one (group commit).  After each commit the workers are
 * told to reopen, so the next search sees the write.  Not here: reading
 * inputs from files (the indexer), searching (workers.c). */
#include "daemon.h"
#include "vn_article.h"
#include "vn_schema.h"

#include <event2/event.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* The articles of one ADD: a whole body that is one JSON object, or one
 * per non-blank line (JSON Lines); the ids of one DELETE_MANY. */
typedef struct batch {
    vn_article *a;
    size_t n, cap;
    json_t *ids; /* DELETE_MANY: an array of strings */
} batch;

static void batch_free(batch *b)
{
    for (size_t i = 0; i < b->n; i++)
        vn_article_clear(&b->a[i]);
    free(b->a);
    json_decref(b->ids);
    memset(b, 0, sizeof *b);
}

/* DELETE_MANY's argument: a JSON array of ids, each one an id a document
 * can have (vn_schema_check_id; a bad one refuses the whole request). */
static vn_status parse_ids(const char *text, batch *b, vn_error *err)
{
    json_error_t je;
    b->ids = json_loads(text, JSON_REJECT_DUPLICATES, &je);
    if (!json_is_array(b->ids))
        return vn_error_set(err, VN_ERR_INVALID, "want a JSON array of document ids; nothing was deleted");
    size_t i;
    json_t *v;
    json_array_foreach(b->ids, i, v)
    {
        vn_error why;
        if (!json_is_string(v) || vn_schema_check_id(json_string_value(v), &why) != VN_OK)
            return vn_error_set(err, VN_ERR_INVALID, "element %zu is not a document id; nothing was deleted", i + 1);
    }
    return VN_OK;
}

static vn_status parse_articles(const char *text, batch *b, vn_error *err)
{
    size_t len = strlen(text);
    vn_article a;
    vn_error perr;
    if (vn_article_from_json(text, len, &a, NULL, &perr) == VN_OK) {
        b->a = vn_xcalloc(1, sizeof *b->a);
        b->a[b->n++] = a;
        return VN_OK;
    }
    unsigned line = 0;
    for (const char *p = text; *p;) {
        const char *e = strchr(p, '\n');
        size_t n = e ? (size_t)(e - p) : strlen(p);
        line++;
        size_t k = 0;
        while (k < n && (p[k] == ' ' || p[k] == '\t' || p[k] == '\r'))
            k++;
        if (k < n) {
            if (vn_article_from_json(p, n, &a, NULL, &perr) != VN_OK) {
                batch_free(b);
                return vn_error_set(err, VN_ERR_INVALID, "line %u: %s; nothing was written", line, perr.msg);
            }
            VN_GROW(b->a, b->n, b->cap, 8);
            b->a[b->n++] = a;
        }
        p = e ? e + 1 : p + n;
    }
    if (!b->n)
        return vn_error_set(err, VN_ERR_INVALID, "no article in the request");
    return VN_OK;
}

/* Every article of a request checked before any is written: a request is
 * written whole or not at all. */
static vn_status check_articles(const batch *b, vn_error *err)
{
    for (size_t k = 0; k < b->n; k++) {
        vn_error e;
        if (vn_schema_check(&b->a[k], &e) != VN_OK)
            return vn_error_set(err, VN_ERR_INVALID, "article %zu: %s; nothing was written", k + 1, e.msg);
    }
    return VN_OK;
}

/* The index lock, waiting while another writer (the cron indexer) has it. */
static vn_status open_writer(vn_daemon *d, vn_indexer **ix, vn_error *err)
{
    double give_up = vn_clock_now() + d->cfg.write_lock_wait;
    /* live: the cron export's --prune and --full keep these documents */
    vn_index_opts o = {.threads = 1, .live = 1};
    for (;;) {
        vn_status rc = vn_indexer_open(d->cfg.index, &o, ix, err);
        if (rc != VN_ERR_LOCKED || vn_clock_now() >= give_up)
            return rc;
        struct timespec pause = {0, 50 * 1000 * 1000};
        nanosleep(&pause, NULL);
    }
}

static void reply(job *j, const char *code, const char *msg)
{
    vn_ctx x = vn_job_ctx(NULL, NULL, j);
    vn_ctx_error(&x, code, msg);
    j->status = x.status;
    j->outcome = x.outcome;
}

/* Apply every job of the list in one transaction; set each reply. */
static void write_all(vn_daemon *d, job *list)
{
    size_t njobs = 0;
    for (job *j = list; j; j = j->next)
        njobs++;
    batch *b = vn_xcalloc(njobs, sizeof *b);
    vn_index_stats *delta = vn_xcalloc(njobs, sizeof *delta);
    int *ok = vn_xcalloc(njobs, sizeof *ok);
    size_t i = 0, nok = 0;
    vn_error err;
    for (job *j = list; j; j = j->next, i++) {
        if ((j->req.cmd == VN_CMD_ADD &&
             (parse_articles(j->req.arg, &b[i], &err) != VN_OK || check_articles(&b[i], &err) != VN_OK)) ||
            (j->req.cmd == VN_CMD_DELETE_MANY && parse_ids(j->req.arg, &b[i], &err) != VN_OK))
            reply(j, VN_ERRC_BADREQ, err.msg);
        else
            ok[i] = 1, nok++;
    }
    vn_indexer *ix = NULL;
    vn_status rc = nok ? open_writer(d, &ix, &err) : VN_OK;
    i = 0;
    for (job *j = list; rc == VN_OK && ix && j; j = j->next, i++) {
        if (!ok[i])
            continue;
        vn_index_stats s0 = *vn_indexer_stats(ix);
        if (j->req.cmd == VN_CMD_DELETE) {
            rc = vn_indexer_delete(ix, j->req.arg, &err);
        } else if (j->req.cmd == VN_CMD_DELETE_MANY) {
            for (size_t k = 0; rc == VN_OK && k < json_array_size(b[i].ids); k++)
                rc = vn_indexer_delete(ix, json_string_value(json_array_get(b[i].ids, k)), &err);
        } else {
            for (size_t k = 0; rc == VN_OK && k < b[i].n; k++)
                rc = vn_indexer_add(ix, &b[i].a[k], &err);
            if (rc == VN_ERR_INVALID) { /* an article the schema cannot hold */
                reply(j, VN_ERRC_BADREQ, err.msg);
                ok[i] = 0;
                rc = VN_OK;
            }
        }
        const vn_index_stats *s1 = vn_indexer_stats(ix);
        delta[i].added = s1->added - s0.added;
        delta[i].replaced = s1->replaced - s0.replaced;
        delta[i].unchanged = s1->unchanged - s0.unchanged;
        delta[i].deleted = s1->deleted - s0.deleted;
    }
    if (rc == VN_OK && ix)
        rc = vn_indexer_finish(ix, &err); /* the commit: durable from here on */
    int wrote = ix != NULL;
    vn_indexer_close(ix);
    if (rc == VN_OK && wrote) {
        atomic_fetch_add(&d->reload_gen, 1); /* the next search reopens and sees it */
        vn_watcher_kick(d);                  /* and the standing searches look at once */
    }
    else if (rc != VN_OK)
        vn_log_err("live write failed: %s", err.msg);
    i = 0;
    for (job *j = list; j; j = j->next, i++) {
        if (!ok[i])
            continue;
        if (rc == VN_ERR_LOCKED) {
            char msg[160];
            snprintf(msg, sizeof msg, "another writer (the indexer) holds the index; waited %.1f s, retry later",
                     d->cfg.write_lock_wait);
            reply(j, VN_ERRC_BUSY, msg);
        } else if (rc != VN_OK) {
            reply(j, VN_ERRC_SERVER, err.msg);
        } else {
            vn_stat st[] = {{"added", (double)delta[i].added},     {"replaced", (double)delta[i].replaced},
                            {"unchanged", (double)delta[i].unchanged}, {"deleted", (double)delta[i].deleted},
                            {"committed", 1}};
            vn_reply_stats(&j->reply, j->json, st, sizeof st / sizeof st[0]);
        }
    }
    for (i = 0; i < njobs; i++)
        batch_free(&b[i]);
    free(b);
    free(delta);
    free(ok);
}

static void *writer_main(void *p)
{
    vn_daemon *d = p;
    for (;;) {
        pthread_mutex_lock(&d->mu);
        while (!d->write_head && !d->stopping)
            pthread_cond_wait(&d->write_cv, &d->mu);
        job *list = d->write_head; /* every write waiting: one commit for all */
        d->write_head = d->write_tail = NULL;
        pthread_mutex_unlock(&d->mu);
        if (!list)
            break;
        write_all(d, list);
        vn_jobs_done(d, list);
    }
    return NULL;
}

void vn_writer_submit(vn_daemon *d, job *j)
{
    j->next = NULL;
    vn_jobs_append(d, &d->write_head, &d->write_tail, j, &d->write_cv);
}

int vn_writer_start(vn_daemon *d)
{
    pthread_cond_init(&d->write_cv, NULL);
    if (pthread_create(&d->writer, NULL, writer_main, d) != 0)
        return -1;
    d->writer_running = 1;
    return 0;
}

void vn_writer_stop(vn_daemon *d)
{
    if (!d->writer_running)
        return;
    pthread_mutex_lock(&d->mu);
    pthread_cond_broadcast(&d->write_cv); /* d->stopping was set by vn_workers_stop */
    pthread_mutex_unlock(&d->mu);
    pthread_join(d->writer, NULL);
    d->writer_running = 0;
}
