/* SPDX-License-Identifier: GPL-2.0-or-later */
/* watch.c -- standing searches: a desk watches topics ("Tô Lâm", "bão số
 * 3") and is told of each new article that matches, as it becomes
 * searchable.
 *
 * The registry (under the daemon's mutex) holds each watch's query and
 * owner.  One watcher thread with its own index handle wakes when a live
 * write commits (vn_watcher_kick) or every WATCH_POLL seconds (a cron
 * run's commits), catches up with the index, asks the library for the
 * documents added since it last looked (vn_searcher_new_ids: a few
 * document numbers, never the archive), and checks every watch against
 * those only (vn_search_opts.only_ids).  Each match becomes an alert
 * line, handed to the loop (the done eventfd), which writes it to its
 * connection or stream.  Not here: the commands (server.c, http.c), what
 * a slow reader costs (server.c cuts it by line_timeout). */
#include "daemon.h"
#include "vn_search.h"
#include "vn_query.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define WATCH_POLL 0.5     /* seconds between looks when nothing wakes the watcher */
#define WATCH_HITS_MAX 1000 /* alerts one watch gives for one batch of new articles */

int vn_watch_add(vn_daemon *d, unsigned long owner, int http, int json, const char *query, uint64_t *id,
                 vn_error *err)
{
    vn_qparse p; /* pure: checked here, once, for both front-ends */
    vn_status qrc = vn_query_parse(query, strlen(query), &p, err);
    if (qrc != VN_OK)
        return 1;
    vn_qparse_free(&p);
    pthread_mutex_lock(&d->mu);
    size_t mine = 0;
    for (size_t i = 0; i < d->nwatches; i++)
        mine += d->watches[i].owner == owner && d->watches[i].http == http;
    int rc = mine >= d->cfg.max_watches_per_connection ? -1 : d->nwatches >= d->cfg.max_watches ? -2 : 0;
    if (rc == 0) {
        VN_GROW(d->watches, d->nwatches, d->capwatches, 16);
        *id = ++d->next_watch;
        d->watches[d->nwatches++] = (vn_watch){*id, owner, http, json, vn_xstrdup(query)};
    }
    pthread_mutex_unlock(&d->mu);
    if (rc == -1)
        vn_error_set(err, VN_ERR_LIMIT, "%u standing searches on this connection already (max_watches_per_connection)",
                     d->cfg.max_watches_per_connection);
    else if (rc == -2)
        vn_error_set(err, VN_ERR_LIMIT, "%u standing searches already (max_watches)", d->cfg.max_watches);
    return rc ? 2 : 0;
}

/* Remove the watches of owner that `id` names (0: all); returns how many. */
static size_t remove_where(vn_daemon *d, unsigned long owner, int http, uint64_t id)
{
    size_t gone = 0;
    pthread_mutex_lock(&d->mu);
    for (size_t i = 0; i < d->nwatches;) {
        vn_watch *w = &d->watches[i];
        if (w->owner == owner && w->http == http && (!id || w->id == id)) {
            free(w->query);
            *w = d->watches[--d->nwatches];
            gone++;
        } else {
            i++;
        }
    }
    pthread_mutex_unlock(&d->mu);
    return gone;
}

int vn_watch_remove(vn_daemon *d, unsigned long owner, int http, uint64_t id)
{
    return id && remove_where(d, owner, http, id) > 0;
}

size_t vn_watch_drop(vn_daemon *d, unsigned long owner, int http) { return remove_where(d, owner, http, 0); }

vn_alert *vn_alerts_take(vn_daemon *d)
{
    pthread_mutex_lock(&d->mu);
    vn_alert *a = d->alert_head;
    d->alert_head = d->alert_tail = NULL;
    pthread_mutex_unlock(&d->mu);
    return a;
}

void vn_alert_free(vn_alert *a)
{
    vn_buf_free(&a->line);
    free(a);
}

void vn_watcher_kick(vn_daemon *d)
{
    pthread_mutex_lock(&d->mu);
    d->watch_kicked = 1;
    pthread_cond_signal(&d->watch_cv);
    pthread_mutex_unlock(&d->mu);
}

/* The watches as they are now, copied: the registry may change while
 * they are checked. */
static vn_watch *snapshot(vn_daemon *d, size_t *n)
{
    pthread_mutex_lock(&d->mu);
    *n = d->nwatches;
    vn_watch *w = vn_xcalloc(*n ? *n : 1, sizeof *w);
    for (size_t i = 0; i < *n; i++) {
        w[i] = d->watches[i];
        w[i].query = vn_xstrdup(d->watches[i].query);
    }
    pthread_mutex_unlock(&d->mu);
    return w;
}

/* Check every watch against the new articles `ids`; hand the alerts to
 * the loop. */
static void check(vn_daemon *d, vn_searcher *s, char **ids, size_t nids)
{
    size_t nw;
    vn_watch *w = snapshot(d, &nw);
    vn_alert *head = NULL, **tail = &head;
    for (size_t i = 0; i < nw; i++) {
        vn_search_opts o = {.limit = nids < WATCH_HITS_MAX ? (unsigned)nids : WATCH_HITS_MAX,
                            .no_snippets = 1,
                            .time_limit = d->cfg.query_time_limit,
                            .only_ids = (const char *const *)ids,
                            .nonly_ids = nids};
        vn_hits *h;
        vn_error err;
        vn_status rc = vn_search(s, w[i].query, &o, &h, &err);
        free(w[i].query);
        if (rc != VN_OK) { /* parsed at WATCH: an index error; these articles are not tried again */
            vn_log_warn("standing search %llu not checked: %s", (unsigned long long)w[i].id, err.msg);
            continue;
        }
        for (size_t k = 0; k < h->n; k++) {
            vn_alert *a = vn_xcalloc(1, sizeof *a);
            a->owner = w[i].owner;
            a->http = w[i].http;
            vn_reply_alert(&a->line, w[i].json, w[i].id, &h->hit[k]);
            *tail = a;
            tail = &a->next;
        }
        vn_hits_free(h);
    }
    free(w);
    if (!head)
        return;
    pthread_mutex_lock(&d->mu);
    if (d->alert_tail)
        d->alert_tail->next = head;
    else
        d->alert_head = head;
    for (d->alert_tail = head; d->alert_tail->next; d->alert_tail = d->alert_tail->next)
        ;
    pthread_mutex_unlock(&d->mu);
    uint64_t one = 1; /* the loop's eventfd, as the workers hand back jobs */
    ssize_t r = write(d->done_fd, &one, sizeof one);
    (void)r;
}

static void *watcher_main(void *p)
{
    vn_daemon *d = p;
    vn_searcher *s = d->watch_searcher;
    unsigned seen_gen = atomic_load(&d->reload_gen);
    char **ids;
    size_t n;
    vn_error err;
    if (vn_searcher_new_ids(s, &ids, &n, &err) == VN_OK) /* the present: nothing is new yet */
        vn_suggestions_free(ids, n);
    pthread_mutex_lock(&d->mu);
    while (!d->stopping) {
        if (!d->watch_kicked) {
            struct timespec until;
            clock_gettime(CLOCK_REALTIME, &until);
            until.tv_nsec += (long)(WATCH_POLL * 1e9);
            until.tv_sec += until.tv_nsec / 1000000000L;
            until.tv_nsec %= 1000000000L;
            pthread_cond_timedwait(&d->watch_cv, &d->mu, &until);
        }
        d->watch_kicked = 0;
        if (d->stopping)
            break;
        pthread_mutex_unlock(&d->mu);
        /* RELOAD, SIGHUP, a live write: open again (new shards too) */
        unsigned gen = atomic_load(&d->reload_gen);
        vn_status rc = gen != seen_gen ? vn_searcher_reconnect(s, &err) : vn_searcher_reopen(s, NULL, &err);
        seen_gen = gen;
        if (rc == VN_OK && vn_searcher_new_ids(s, &ids, &n, &err) == VN_OK) {
            if (n)
                check(d, s, ids, n);
            vn_suggestions_free(ids, n);
        }
        pthread_mutex_lock(&d->mu);
    }
    pthread_mutex_unlock(&d->mu);
    return NULL;
}

int vn_watcher_start(vn_daemon *d, char *errbuf, size_t errlen)
{
    vn_error err;
    unsigned flags = (strcmp(d->cfg.shard_down, "partial") == 0 ? VN_OPEN_PARTIAL : 0) | VN_OPEN_START_DOWN;
    if (vn_searcher_open_flags(d->cfg.index, flags, &d->watch_searcher, &err) != VN_OK) {
        snprintf(errbuf, errlen, "%s", err.msg);
        return -1;
    }
    if (d->cfg.aliases[0]) /* a watch matches as SEARCH does: aliases too (a broken file: workers said so) */
        vn_searcher_load_aliases(d->watch_searcher, d->cfg.aliases, &err);
    pthread_cond_init(&d->watch_cv, NULL);
    if (pthread_create(&d->watcher, NULL, watcher_main, d) != 0) {
        snprintf(errbuf, errlen, "cannot start the watcher thread");
        vn_searcher_close(d->watch_searcher);
        d->watch_searcher = NULL;
        return -1;
    }
    d->watcher_running = 1;
    return 0;
}

void vn_watcher_stop(vn_daemon *d)
{
    if (!d->watcher_running)
        return;
    pthread_mutex_lock(&d->mu);
    pthread_cond_broadcast(&d->watch_cv);
    pthread_mutex_unlock(&d->mu);
    pthread_join(d->watcher, NULL);
    d->watcher_running = 0;
    vn_searcher_close(d->watch_searcher);
    d->watch_searcher = NULL;
    for (size_t i = 0; i < d->nwatches; i++)
        free(d->watches[i].query);
    free(d->watches);
    d->watches = NULL;
    d->nwatches = d->capwatches = 0;
    for (vn_alert *a = vn_alerts_take(d), *next; a; a = next) {
        next = a->next;
        vn_alert_free(a);
    }
    pthread_cond_destroy(&d->watch_cv);
}
