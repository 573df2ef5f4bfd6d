/* SPDX-License-Identifier: GPL-2.0-or-later */
/* daemon.h -- vnsearchd's shared state: settings, the loop, the query
 * workers, statistics.  Internal to searchd/. */
#ifndef VN_DAEMON_H
#define VN_DAEMON_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <time.h>

#include "proto.h"
#include "vn_clock.h"
#include "vn_config.h"

struct event_base;
struct event;
struct evconnlistener;
struct evhttp;
struct evhttp_request;
typedef struct conn conn;
typedef struct job job;

#define VN_LATENCY_SAMPLES 4096 /* recent query latencies kept for p50/p99 */

/* Prometheus counters (metrics.c): requests by command and outcome, a
 * latency histogram, reloads. */
#define VN_METRIC_OUTCOMES 9   /* ok BADREQ LIMIT NOAUTH SERVER SHUTDOWN BUSY UNAVAILABLE NOTFOUND */
#define VN_METRIC_BUCKETS 10
#define VN_METRIC_UNKNOWN VN_NCOMMANDS /* the row of request lines naming no command */
#define VN_METRIC_STATUSES 12  /* HTTP statuses counted one by one (metrics.c), then "other" */
typedef struct vn_metrics {
    uint64_t requests[VN_NCOMMANDS + 1][VN_METRIC_OUTCOMES]; /* by vn_cmd, then the unknown */
    uint64_t bucket[VN_NCOMMANDS][VN_METRIC_BUCKETS + 1]; /* by vn_cmd; the last: +Inf */
    double seconds_sum[VN_NCOMMANDS];
    uint64_t http_status[VN_METRIC_STATUSES + 1];
    uint64_t reloads;
} vn_metrics;

/* Wrong admin tokens per client address (throttle.c): VN_AUTH_FAIL_MAX
 * within VN_AUTH_FAIL_WINDOW seconds block the address for VN_AUTH_BLOCK
 * seconds, on both front-ends. */
#define VN_AUTH_FAIL_MAX 10
#define VN_AUTH_FAIL_WINDOW 60.0
#define VN_AUTH_BLOCK 60.0
/* Wrong tokens on one connection, either front-end, that close it. */
#define VN_AUTH_CONN_FAILURES 3
#define VN_THROTTLE_SLOTS 256 /* addresses remembered; the stalest makes room */
typedef struct vn_throttle_entry {
    char addr[64];        /* as the logs write it; "" for a free entry */
    double first;         /* start of the current window */
    double blocked_until;
    unsigned failures;    /* in the current window */
} vn_throttle_entry;
typedef struct vn_throttle {
    vn_throttle_entry e[VN_THROTTLE_SLOTS];
} vn_throttle;
/* Seconds `addr` must still wait before trying a token, 0 if it may. */
double vn_throttle_wait(vn_throttle *t, const char *addr, double now);
/* Count a wrong token from `addr`; 1 when this one blocks it. */
int vn_throttle_fail(vn_throttle *t, const char *addr, double now);

/* Clients open on both front-ends, by address (clients.c). */
struct vn_client_addr {
    char addr[64]; /* as the logs write it */
    unsigned n;
};
typedef struct vn_clients {
    struct vn_client_addr *e; /* the addresses with clients */
    size_t n, cap;
    unsigned total;           /* every client, Unix socket ones too */
} vn_clients;

typedef struct vn_daemon {
    vn_config cfg;
    const char *socket_path;        /* Unix socket instead of TCP, or NULL */
    struct event_base *base;
    struct evconnlistener *listener;
    struct event *done_ev, *sig_term, *sig_int, *sig_hup;
    int done_fd;                    /* eventfd: a worker or the writer has jobs back for the loop */
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
    atomic_int aliases_failing;     /* the edited alias file is refused (logged once) */
    /* the worker pool (workers.c) */
    pthread_mutex_t mu;
    pthread_cond_t cv;
    job *queue_head, *queue_tail;   /* jobs waiting for a worker */
    job *done_head, *done_tail;     /* jobs finished, for the loop */
    int stopping;
    unsigned nworkers;
    pthread_t *workers;
    /* the writer thread (writer.c), under mu */
    job *write_head, *write_tail;
    pthread_cond_t write_cv;
    pthread_t writer;
    int writer_running;
    /* statistics, under mu */
    uint64_t queries;
    double latency[VN_LATENCY_SAMPLES];
    size_t nlatency, latency_pos;
    vn_metrics metrics;
    /* HTTP (http.c), when http_listen is set */
    struct evhttp *http;
    struct evconnlistener *http_listener; /* ours, so that EMFILE pauses it (vn_accept_error) */
    unsigned http_pending;          /* HTTP requests at the workers */
    unsigned http_nconns;           /* HTTP connections open (from their first request) */
    time_t started_wall;            /* the start, in seconds since the epoch (process_start_time_seconds) */
    /* standing searches and their alerts (watch.c), under mu */
    struct vn_watch *watches;
    size_t nwatches, capwatches;
    uint64_t next_watch;            /* the last number given */
    struct vn_alert *alert_head, *alert_tail; /* alerts for the loop to deliver */
    pthread_t watcher;
    pthread_cond_t watch_cv;        /* wakes the watcher: a live write committed, or stopping */
    int watcher_running, watch_kicked;
    vn_searcher *watch_searcher;    /* the watcher's own index handle */
    vn_throttle auth_throttle;      /* wrong tokens by address (the loop's) */
    vn_clients clients;             /* both front-ends' clients (the loop's) */
} vn_daemon;

/* A request being answered, by the loop or a worker: what a handler of
 * the command table (commands.c) gets. */
typedef struct vn_ctx {
    vn_daemon *d;
    vn_searcher *s;       /* the worker's index handle; NULL on the loop */
    conn *c;              /* the line-protocol connection; NULL over HTTP */
    const vn_request *r;
    vn_buf *out;          /* the reply, formatted whole */
    int json;
    int status;           /* HTTP status of the reply (200 unless an error set it) */
    const char *outcome;  /* "ok" or the error code, for the metrics */
    const char *peer;     /* the client's address, for log lines */
    const char *type;     /* over HTTP, the reply's Content-Type when not JSON (METRICS), or NULL */
} vn_ctx;

/* A request handed to a worker, and its reply coming back: from a
 * line-protocol connection (c) or an HTTP request (http). */
struct job {
    job *next;
    conn *c;
    struct evhttp_request *http;
    vn_request req;
    int json;
    int status;
    const char *outcome;
    double started;
    vn_buf reply;
    char peer[64];  /* the client's address, for log lines */
    const char *type; /* vn_ctx.type of its handler (static) */
    char what[200]; /* the start of its request line, for the access log (line protocol) */
    size_t what_len;
};

/* request.c: what both front-ends and every thread share of a request. */
/* An error reply, ERR <code> <msg>, with the HTTP status of its code. */
void vn_ctx_error(vn_ctx *x, const char *code, const char *msg);
/* The same for a library status: the client's fault (BADREQ, LIMIT) or
 * the server's (UNAVAILABLE, SERVER). */
void vn_ctx_fail(vn_ctx *x, vn_status rc, const char *msg);
/* The HTTP status of an error code: 400, 401, 404, 503, else 500. */
int vn_http_status(const char *code);
/* Something that is not there (GET of an unknown id): NOTFOUND, 404. */
void vn_ctx_not_found(vn_ctx *x, const char *msg);
/* Why `cmd` may not run for a client whose tokens gave it `scope`
 * (VN_SCOPE_*), or NULL. */
const char *vn_admin_denied(const vn_daemon *d, const vn_command *cmd, int scope);
/* A token given by `peer` (AUTH, or HTTP's bearer): VN_SCOPE_ADMIN or
 * VN_SCOPE_SEARCH when it is admin_token or search_token, -1 wrong
 * (counted against the address, VN_AUTH_FAIL_MAX of them block it), -2
 * the address is blocked for *wait more seconds (not compared); compared
 * in constant time.  The one check of both front-ends; the loop's only. */
int vn_token_try(vn_daemon *d, const char *peer, const char *given, double *wait);
/* A job for request *r (the job takes it over; *r is not to be cleared):
 * from line-protocol connection c or HTTP request http. */
job *vn_job_new(vn_request *r, conn *c, struct evhttp_request *http, int json, const char *peer);
/* The context a handler answers job j in (on searcher s; NULL off a worker). */
vn_ctx vn_job_ctx(vn_daemon *d, vn_searcher *s, job *j);
/* Append a list of jobs to one of the daemon's queues under its mutex,
 * waking one thread waiting on `wake` (may be NULL). */
void vn_jobs_append(vn_daemon *d, job **head, job **tail, job *list, pthread_cond_t *wake);
/* Hand finished jobs (a list) back to the loop, from any thread. */
void vn_jobs_done(vn_daemon *d, job *list);

/* dispatch.c: a job to the writer or to a worker, as its command says. */
void vn_dispatch(vn_daemon *d, job *j);

/* clients.c: admit a new client from `addr` (NULL: a Unix socket) on
 * either front-end: NULL and counted, or why not (max_clients,
 * max_clients_per_address); vn_clients_leave when it is gone. */
const char *vn_clients_admit(vn_daemon *d, const char *addr);
void vn_clients_leave(vn_daemon *d, const char *addr);
void vn_clients_free(vn_daemon *d);

/* What runs a command.  No table holds every handler: the loop (server.c)
 * and the workers (workers.c) each build theirs from commands.def through
 * handlers.inc; VN_RUN_<THREAD>_<WHERE>(h) is vn_cmd_<h> when a command
 * of WHERE runs on THREAD, NULL when it does not. */
typedef void (*vn_handler)(vn_ctx *x);
#define VN_RUN_LOOP_LOOP(h) vn_cmd_##h
#define VN_RUN_LOOP_WORKER(h) NULL
#define VN_RUN_LOOP_WRITER(h) NULL
#define VN_RUN_WORKER_LOOP(h) NULL
#define VN_RUN_WORKER_WORKER(h) vn_cmd_##h
#define VN_RUN_WORKER_WRITER(h) NULL

/* Handlers of the command table: the loop's (server.c)... */
void vn_cmd_ping(vn_ctx *x);
void vn_cmd_version(vn_ctx *x);
void vn_cmd_help(vn_ctx *x);
void vn_cmd_quit(vn_ctx *x);
void vn_cmd_format(vn_ctx *x);
void vn_cmd_auth(vn_ctx *x);
void vn_cmd_watch(vn_ctx *x);
void vn_cmd_unwatch(vn_ctx *x);
/* ... and the workers' (workers.c, metrics.c). */
void vn_cmd_reload(vn_ctx *x);
void vn_cmd_metrics(vn_ctx *x);
void vn_cmd_search(vn_ctx *x);
void vn_cmd_count(vn_ctx *x);
void vn_cmd_related(vn_ctx *x);
void vn_cmd_get(vn_ctx *x);
void vn_cmd_suggest(vn_ctx *x);
void vn_cmd_restore(vn_ctx *x);
void vn_cmd_stats(vn_ctx *x);
void vn_cmd_health(vn_ctx *x);

/* metrics.c: counts for /metrics, under d->mu.  A request answered:
 * its command, outcome and (seconds > 0) its time, in its command's
 * latency histogram. */
void vn_metrics_count(vn_daemon *d, vn_cmd cmd, const char *outcome, double seconds);
/* An HTTP reply's status. */
void vn_metrics_http(vn_daemon *d, int status);

/* workers.c */
/* Open a searcher per worker, then start them: 0; -1 when the index
 * cannot be opened, -2 when no thread could be started (err says why).
 * Some threads started and not all: 0, with fewer workers (logged). */
int vn_workers_start(vn_daemon *d, char *err, size_t errlen);
void vn_workers_submit(vn_daemon *d, job *j);
void vn_workers_stop(vn_daemon *d);
/* RELOAD, SIGHUP: every worker reopens the index (new connections to
 * remote shards) and reads the alias file again before its next job. */
void vn_workers_reload(vn_daemon *d);
/* Pop every finished job (loop thread); returns a list linked by next. */
job *vn_workers_take_done(vn_daemon *d);
/* Take back every job no worker has started (loop thread). */
job *vn_workers_take_queued(vn_daemon *d);

/* writer.c: live writes, one thread, a commit per group of writes. */
int vn_writer_start(vn_daemon *d);
void vn_writer_submit(vn_daemon *d, job *j);
void vn_writer_stop(vn_daemon *d); /* after d->stopping is set: finishes the writes queued */

/* listen.c: start-up, before the loop.  Each returns 0 or an exit code
 * (2 bad settings, 3 cannot listen) after a log line. */
int vn_listen_check_user(const vn_daemon *d);   /* root only with a user */
int vn_listen_open(vn_daemon *d, int *fd);      /* the line protocol's listening socket */
int vn_listen_tcp(vn_daemon *d, const char *addr, int *fd); /* HOST:PORT, loopback or with a token */
void vn_listen_fit_fd_limit(vn_daemon *d);      /* raise RLIMIT_NOFILE or lower max_clients */
int vn_listen_become_user(const vn_daemon *d);  /* drop root for cfg.user */

/* server.c */
int vn_server_run(vn_daemon *d);

/* http.c: the HTTP front-end over the same table and workers. */
int vn_http_start(vn_daemon *d);          /* 0, or an exit code after a log line */
void vn_http_reply(vn_daemon *d, job *j); /* a worker's reply, on the loop */
void vn_http_stop_accepting(vn_daemon *d); /* SIGTERM: no new HTTP connections */
void vn_http_stop(vn_daemon *d);

/* watch.c: standing searches (WATCH, GET /watch).  A watch belongs to a
 * line-protocol connection or an HTTP stream (`owner`, its number; `http`
 * says which), and alerts go back to it through the loop. */
typedef struct vn_watch {
    uint64_t id;
    unsigned long owner;
    int http, json;
    char *query;
} vn_watch;
typedef struct vn_alert {
    struct vn_alert *next;
    unsigned long owner;
    int http;
    vn_buf line; /* one reply line (vn_reply_alert) */
} vn_alert;
/* Open the watcher's own index handle and start it: 0, or -1 (err says why). */
int vn_watcher_start(vn_daemon *d, char *err, size_t errlen);
void vn_watcher_stop(vn_daemon *d); /* after d->stopping is set */
void vn_watcher_kick(vn_daemon *d); /* a live write committed: look now */
/* Register `query` for owner (`json`: its alerts as JSON lines; HTTP's
 * always are): 0 and *id; 1 when the query is refused as SEARCH would
 * refuse it, 2 past max_watches_per_connection or max_watches
 * (VN_ERR_LIMIT); err says why, and nothing is registered. */
int vn_watch_add(vn_daemon *d, unsigned long owner, int http, int json, const char *query, uint64_t *id,
                 vn_error *err);
/* Remove owner's watch `id` (1), or say there is none (0). */
int vn_watch_remove(vn_daemon *d, unsigned long owner, int http, uint64_t id);
/* Remove every watch of owner (it is gone); returns how many. */
size_t vn_watch_drop(vn_daemon *d, unsigned long owner, int http);
/* The alerts waiting for the loop, oldest first (linked by next). */
vn_alert *vn_alerts_take(vn_daemon *d);
void vn_alert_free(vn_alert *a);
/* http.c: deliver an alert to its stream (0: the stream is gone). */
int vn_http_alert(vn_daemon *d, const vn_alert *a);

/* log.c: log lines (vn_logp below); monotonic seconds */
/* A log line of syslog priority `prio` (LOG_ERR, LOG_WARNING, LOG_INFO of
 * <syslog.h>).  On the journal (stderr is $JOURNAL_STREAM) it starts with
 * "<N>", the prefix journald reads the priority from, and carries no
 * timestamp of its own; elsewhere a UTC timestamp and the level when it is
 * not info. */
void vn_logp(int prio, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
#define vn_log_debug(...) vn_logp(7 /* LOG_DEBUG */, __VA_ARGS__)
#define vn_log(...) vn_logp(6 /* LOG_INFO */, __VA_ARGS__)
#define vn_log_warn(...) vn_logp(4 /* LOG_WARNING */, __VA_ARGS__)
#define vn_log_err(...) vn_logp(3 /* LOG_ERR */, __VA_ARGS__)
/* Lines of a priority above `level` (log_level's name) are left out:
 * 0, or -1 for a name that is no level. */
int vn_log_set_level(const char *level);
/* Open access_log (and on SIGHUP again: logrotate moved it); 0, or -1
 * logged.  No file configured: 0, nothing opened. */
int vn_log_open_access(vn_daemon *d);
/* A request answered: a line to the access log, and a warning when it
 * took slow_query_ms or more.  `what` is the request as the client wrote
 * it (at most 200 bytes of it are written, control characters as spaces);
 * `status` the HTTP status, or the line protocol's reply as one. */
void vn_log_request(vn_daemon *d, const char *peer, int http, const char *what, size_t what_len, int status,
                    const char *outcome, double seconds, size_t bytes);
void vn_log_close_access(void);
/* listen.c, on the loop: refuse a client before it gets a connection
 * (one ERR line, then close); a listener's accept failed (arg: the
 * daemon): out of descriptors, refuse the waiting clients and pause both
 * listeners for a moment, until vn_accept_retry (d->accept_retry). */
void vn_listen_refuse(int fd, const char *msg);
void vn_accept_error(struct evconnlistener *l, void *arg);
void vn_accept_retry(int fd, short what, void *arg);

#endif
