/* SPDX-License-Identifier: GPL-2.0-or-later */
/* workers.c -- vnsearchd's query threads.
 *
 * The loop thread never touches Xapian: requests that need the index go
 * into one queue; each of N workers owns a vn_searcher (its own Xapian
 * database handle), takes the next job, runs it, formats the whole reply
 * into one buffer and hands it back through the done queue and an event
 * the loop wakes on.  A slow query holds one worker, never the loop.
 * Before each job a worker catches up with the index: a new commit or a
 * --full switch is picked up between queries, never in the middle. */
#include "daemon.h"
#include "vn_schema.h"
#include "vn_search.h"
#include "vn_xapian.h"

#include <event2/event.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define REOPEN_INTERVAL 0.5 /* seconds between checks for a new revision */

typedef struct worker_arg {
    vn_daemon *d;
    vn_searcher *s;
} worker_arg;

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static void record_latency(vn_daemon *d, double ms)
{
    pthread_mutex_lock(&d->mu);
    d->queries++;
    d->latency[d->latency_pos] = ms;
    d->latency_pos = (d->latency_pos + 1) % VN_LATENCY_SAMPLES;
    if (d->nlatency < VN_LATENCY_SAMPLES)
        d->nlatency++;
    pthread_mutex_unlock(&d->mu);
}

void vn_cmd_stats(vn_ctx *x)
{
    vn_daemon *d = x->d;
    uint64_t docs = 0, rev = 0;
    vn_error err;
    if (vn_searcher_info(x->s, &docs, &rev, &err) != VN_OK) {
        vn_ctx_fail(x, err.code, err.msg);
        return;
    }
    double lat[VN_LATENCY_SAMPLES];
    pthread_mutex_lock(&d->mu);
    size_t n = d->nlatency;
    memcpy(lat, d->latency, n * sizeof *lat);
    uint64_t q = d->queries;
    unsigned conns = d->nconns;
    pthread_mutex_unlock(&d->mu);
    qsort(lat, n, sizeof *lat, cmp_double);
    vn_shard_info *sh = NULL;
    size_t nsh = 0, down = 0;
    if (vn_searcher_shards(x->s, &sh, &nsh, &err) != VN_OK)
        nsh = 0;
    for (size_t i = 0; i < nsh; i++)
        down += !sh[i].up;
    vn_stat st[] = {
        {"documents", (double)docs},
        {"revision", (double)rev},
        {"shards", (double)(nsh ? nsh : 1)},
        {"shards_down", (double)down},
        {"uptime_s", vn_clock_now() - d->started},
        {"queries", (double)q},
        {"connections", (double)conns},
        {"latency_p50_ms", n ? lat[n / 2] : 0},
        {"latency_p99_ms", n ? lat[(n * 99) / 100 < n ? (n * 99) / 100 : n - 1] : 0},
    };
    vn_reply_stats_shards(x->out, x->json, st, sizeof st / sizeof st[0], sh, nsh);
    vn_shard_info_free(sh, nsh);
}

void vn_cmd_version(vn_ctx *x)
{
    vn_reply_version(x->out, x->json, VNSEARCH_VERSION, vn_xapian_version(), VN_SCHEMA_VERSION);
}

/* 200 with the documents when the index answers, 503 when not. */
void vn_cmd_health(vn_ctx *x)
{
    uint64_t docs = 0, rev = 0;
    vn_error err;
    if (vn_searcher_info(x->s, &docs, &rev, &err) != VN_OK) {
        vn_ctx_error(x, VN_ERRC_SERVER, err.msg);
        x->status = 503;
        return;
    }
    vn_stat st[] = {{"documents", (double)docs}, {"revision", (double)rev}};
    vn_reply_stats(x->out, x->json, st, 2);
}

enum { AS_SEARCH, AS_COUNT, AS_RELATED };

/* SEARCH; COUNT (the total only, exact); RELATED (the hits of the
 * articles most like the one named, an unknown one not found). */
static void search(vn_ctx *x, int as)
{
    vn_daemon *d = x->d;
    vn_search_opts o = x->r->opts;
    vn_error err;
    vn_hits *h;
    double t0 = vn_clock_now();
    o.time_limit = d->cfg.query_time_limit;
    o.max_wildcard = d->cfg.max_wildcard;
    if (as == AS_COUNT) {
        o.limit = 1;
        o.exact_total = 1;
        o.no_snippets = 1;
        o.did_you_mean = 0;
    }
    vn_status rc = as == AS_RELATED ? vn_related(x->s, x->r->arg, &o, &h, &err)
                                    : vn_search(x->s, x->r->arg, &o, &h, &err);
    if (rc == VN_ERR_NOTFOUND && as == AS_RELATED) {
        vn_ctx_not_found(x, err.msg);
        return;
    }
    if (rc != VN_OK) {
        vn_ctx_fail(x, rc, err.msg);
        return;
    }
    double ms = (vn_clock_now() - t0) * 1000;
    if (as == AS_COUNT)
        vn_reply_count(x->out, x->json, h->total, h);
    else
        vn_reply_hits(x->out, x->json, h, ms);
    vn_hits_free(h);
    record_latency(d, ms);
}

void vn_cmd_search(vn_ctx *x) { search(x, AS_SEARCH); }

void vn_cmd_count(vn_ctx *x) { search(x, AS_COUNT); }

void vn_cmd_related(vn_ctx *x) { search(x, AS_RELATED); }

void vn_cmd_get(vn_ctx *x)
{
    vn_buf doc = VN_BUF_INIT;
    vn_error err;
    vn_status rc = vn_searcher_get(x->s, x->r->arg, &doc, &err);
    if (rc == VN_OK)
        vn_reply_doc(x->out, x->json, doc.data, doc.len);
    else if (rc == VN_ERR_NOTFOUND)
        vn_ctx_not_found(x, "no document with that id");
    else
        vn_ctx_fail(x, rc, err.msg);
    vn_buf_free(&doc);
}

void vn_cmd_restore(vn_ctx *x)
{
    char *r;
    vn_error err;
    vn_status rc = vn_restore(x->s, x->r->arg, &r, &err);
    if (rc != VN_OK) {
        vn_ctx_fail(x, rc, err.msg);
        return;
    }
    vn_reply_list_partial(x->out, x->json, "restored", &r, 1, vn_searcher_shards_down(x->s) > 0);
    free(r);
}

void vn_cmd_suggest(vn_ctx *x)
{
    char **items;
    size_t n;
    vn_error err;
    double t0 = vn_clock_now();
    vn_status rc = vn_suggest(x->s, x->r->arg, 10, &items, &n, &err);
    if (rc != VN_OK) {
        vn_ctx_fail(x, rc, err.msg);
        return;
    }
    vn_reply_list_partial(x->out, x->json, "suggestions", items, n, vn_searcher_shards_down(x->s) > 0);
    vn_suggestions_free(items, n);
    record_latency(x->d, (vn_clock_now() - t0) * 1000);
}

void vn_workers_reload(vn_daemon *d)
{
    atomic_fetch_add(&d->reload_gen, 1);
    pthread_mutex_lock(&d->mu);
    d->metrics.reloads++;
    pthread_mutex_unlock(&d->mu);
}

/* On a worker: every worker reopens before its next query; this one
 * reads the alias file now, so that a file it refuses is the reply's
 * error, not only a log line (the previous aliases stay in force). */
void vn_cmd_reload(vn_ctx *x)
{
    vn_daemon *d = x->d;
    vn_workers_reload(d);
    vn_log("RELOAD from %s", x->peer ? x->peer : "HTTP");
    vn_error err;
    if (d->cfg.aliases[0] && vn_searcher_load_aliases(x->s, d->cfg.aliases, &err) != VN_OK) {
        char msg[400];
        snprintf(msg, sizeof msg, "index reloaded, but the aliases were not (the previous ones stay): %s", err.msg);
        vn_log_warn("%s", msg);
        vn_ctx_error(x, VN_ERRC_SERVER, msg);
        return;
    }
    vn_reply_ok(x->out, x->json, "reload requested: workers reopen before their next query");
}

/* ---- the workers' handlers of the command table (commands.def) ---- */

#define VN_THREAD WORKER
#include "handlers.inc"

static void run_job(vn_daemon *d, vn_searcher *s, job *j)
{
    vn_ctx x = vn_job_ctx(d, s, j);
    run_here[j->req.cmd](&x);
    j->type = x.type;
    j->status = x.status;
    j->outcome = x.outcome;
}

static void *worker_main(void *p)
{
    worker_arg *a = p;
    vn_daemon *d = a->d;
    unsigned seen_gen = atomic_load(&d->reload_gen);
    double last_check = vn_clock_now();
    for (;;) {
        pthread_mutex_lock(&d->mu);
        while (!d->queue_head && !d->stopping)
            pthread_cond_wait(&d->cv, &d->mu);
        job *j = d->stopping ? NULL : d->queue_head; /* stopping: what is queued is answered by the loop */
        if (!j) {
            pthread_mutex_unlock(&d->mu);
            break;
        }
        d->queue_head = j->next;
        if (!d->queue_head)
            d->queue_tail = NULL;
        pthread_mutex_unlock(&d->mu);

        unsigned gen = atomic_load(&d->reload_gen);
        double t = vn_clock_now();
        if (gen != seen_gen || t - last_check > REOPEN_INTERVAL) {
            vn_error err;
            int changed = 0;
            /* a broken new revision is logged once, not at every check;
             * RELOAD, SIGHUP: new connections to remote shards too (a
             * rebuilt shard is served to new connections only) */
            vn_status rc = gen != seen_gen ? vn_searcher_reconnect(a->s, &err) : vn_searcher_reopen(a->s, &changed, &err);
            if (gen != seen_gen && rc == VN_OK)
                changed = 1;
            if (rc != VN_OK) {
                if (!atomic_exchange(&d->reopen_failing, 1))
                    vn_log_err("reopen failed, still serving the previous revision: %s", err.msg);
            } else {
                if (atomic_exchange(&d->reopen_failing, 0))
                    vn_log("reopen works again");
                if (changed)
                    vn_log("index reopened");
            }
            if (gen != seen_gen && d->cfg.aliases[0]) { /* RELOAD, SIGHUP: the alias file too */
                if (vn_searcher_load_aliases(a->s, d->cfg.aliases, &err) != VN_OK) {
                    if (!atomic_exchange(&d->aliases_failing, 1))
                        vn_log_warn("aliases not reloaded, the previous ones stay: %s", err.msg);
                } else if (atomic_exchange(&d->aliases_failing, 0)) {
                    vn_log("aliases reloaded");
                }
            }
            seen_gen = gen;
            last_check = t;
        }
        run_job(d, a->s, j);
        j->next = NULL;
        vn_jobs_done(d, j);
    }
    vn_searcher_close(a->s);
    free(a);
    return NULL;
}

int vn_workers_start(vn_daemon *d, char *errbuf, size_t errlen)
{
    d->workers = vn_xcalloc(d->nworkers, sizeof *d->workers);
    /* a hung shard server costs a request at most about its time limit */
    vn_set_remote_timeout(d->cfg.query_time_limit / 2);
    /* open every handle first: a bad index fails start-up, not a query */
    worker_arg **args = vn_xcalloc(d->nworkers, sizeof *args);
    for (unsigned i = 0; i < d->nworkers; i++) {
        vn_error err;
        args[i] = vn_xcalloc(1, sizeof **args);
        args[i]->d = d;
        /* a shard server not up yet does not stop the daemon: it answers
         * UNAVAILABLE (or partially) until the shard answers */
        unsigned flags = (strcmp(d->cfg.shard_down, "partial") == 0 ? VN_OPEN_PARTIAL : 0) | VN_OPEN_START_DOWN;
        vn_status rc = vn_searcher_open_flags(d->cfg.index, flags, &args[i]->s, &err);
        if (rc == VN_OK && d->cfg.aliases[0] && vn_searcher_load_aliases(args[i]->s, d->cfg.aliases, &err) != VN_OK) {
            if (err.code == VN_ERR_IO) { /* no alias file: search without */
                if (i == 0)
                    vn_log_warn("no aliases: %s", err.msg);
            } else {
                rc = err.code; /* a file with a mistake is a bad setting: say so at start */
            }
        }
        if (rc != VN_OK) {
            snprintf(errbuf, errlen, "%s", err.msg);
            for (unsigned k = 0; k <= i; k++) {
                vn_searcher_close(args[k]->s);
                free(args[k]);
            }
            free(args);
            return -1;
        }
    }
    unsigned want = d->nworkers, started = 0;
    int e = 0;
    for (; started < want; started++)
        if ((e = pthread_create(&d->workers[started], NULL, worker_main, args[started])) != 0)
            break;
    /* vn_workers_stop joins the threads that started, no others */
    d->nworkers = started;
    for (unsigned k = started; k < want; k++) {
        vn_searcher_close(args[k]->s);
        free(args[k]);
    }
    free(args);
    if (started == 0) {
        snprintf(errbuf, errlen, "cannot start a worker thread: %s", strerror(e));
        return -2;
    }
    if (started < want)
        vn_log_warn("started %u of %u workers (%s): serving with fewer", started, want, strerror(e));
    return 0;
}

void vn_workers_submit(vn_daemon *d, job *j)
{
    j->next = NULL;
    vn_jobs_append(d, &d->queue_head, &d->queue_tail, j, &d->cv);
}


/* Empty one of the daemon's job lists under the lock; returns its head. */
static job *take_all(vn_daemon *d, job **head, job **tail)
{
    pthread_mutex_lock(&d->mu);
    job *j = *head;
    *head = *tail = NULL;
    pthread_mutex_unlock(&d->mu);
    return j;
}

job *vn_workers_take_done(vn_daemon *d) { return take_all(d, &d->done_head, &d->done_tail); }

job *vn_workers_take_queued(vn_daemon *d) { return take_all(d, &d->queue_head, &d->queue_tail); }

void vn_workers_stop(vn_daemon *d)
{
    pthread_mutex_lock(&d->mu);
    d->stopping = 1;
    pthread_cond_broadcast(&d->cv);
    pthread_mutex_unlock(&d->mu);
    for (unsigned i = 0; i < d->nworkers; i++)
        pthread_join(d->workers[i], NULL);
    free(d->workers);
    d->workers = NULL;
}
