/* SPDX-License-Identifier: GPL-2.0-or-later */
/* daemon.h -- vnsearchd's shared state: settings, the loop, the query
 * workers, statistics.  Internal to searchd/. */
#ifndef VN_DAEMON_H
#define VN_DAEMON_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>

#include "proto.h"
#include "vn_config.h"

struct event_base;
struct event;
struct evconnlistener;
typedef struct conn conn;
typedef struct job job;

#define VN_LATENCY_SAMPLES 4096 /* recent query latencies kept for p50/p99 */

typedef struct vn_daemon {
    vn_config cfg;
    const char *socket_path;        /* Unix socket instead of TCP, or NULL */
    struct event_base *base;
    struct evconnlistener *listener;
    struct event *done_ev, *sig_term, *sig_int, *sig_hup;
    struct event *accept_retry;     /* accepting again after running out of descriptors */
    int spare_fd;                   /* kept open to refuse a client politely on EMFILE */
    int accept_paused;              /* out of descriptors: listener disabled */
    unsigned long refused_nofd;     /* clients refused in the current EMFILE episode */
    int socket_bound;               /* socket_path is ours to remove at exit */
    conn *conns;                    /* all open connections */
    unsigned nconns;
    int draining;                   /* SIGTERM seen: finish and exit */
    int drain_cut;                  /* drain deadline passed: queued requests were refused */
    double started;                 /* monotonic seconds */
    atomic_uint reload_gen;         /* bumped by RELOAD and SIGHUP */
    atomic_int reopen_failing;      /* the new revision cannot be opened (logged once) */
    /* the worker pool (workers.c) */
    pthread_mutex_t mu;
    pthread_cond_t cv;
    job *queue_head, *queue_tail;   /* jobs waiting for a worker */
    job *done_head, *done_tail;     /* jobs finished, for the loop */
    int stopping;
    unsigned nworkers;
    pthread_t *workers;
    /* statistics, under mu */
    uint64_t queries;
    double latency[VN_LATENCY_SAMPLES];
    size_t nlatency, latency_pos;
} vn_daemon;

/* A request handed to a worker, and its reply coming back. */
struct job {
    job *next;
    conn *c;
    vn_request req;
    int json;
    vn_buf reply;
};

/* workers.c */
int vn_workers_start(vn_daemon *d, char *err, size_t errlen);
void vn_workers_submit(vn_daemon *d, job *j);
void vn_workers_stop(vn_daemon *d);
/* Pop every finished job (loop thread); returns a list linked by next. */
job *vn_workers_take_done(vn_daemon *d);
/* Take back every job no worker has started (loop thread). */
job *vn_workers_take_queued(vn_daemon *d);

/* listen.c: start-up, before the loop.  Each returns 0 or an exit code
 * (2 bad settings, 3 cannot listen) after a log line. */
int vn_listen_check_user(const vn_daemon *d);   /* root only with a user */
int vn_listen_open(vn_daemon *d, int *fd);      /* the bound, listening socket */
void vn_listen_fit_fd_limit(vn_daemon *d);      /* raise RLIMIT_NOFILE or lower max_clients */
int vn_listen_become_user(const vn_daemon *d);  /* drop root for cfg.user */

/* server.c */
int vn_server_run(vn_daemon *d);

/* log.c: a timestamped line on stderr; monotonic seconds */
void vn_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
double vn_now(void);

#endif
