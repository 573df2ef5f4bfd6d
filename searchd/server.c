/* SPDX-License-Identifier: GPL-2.0-or-later */
/* server.c -- vnsearchd's event loop: accepting, reading request lines,
 * answering what needs no index, handing the rest to the workers, writing
 * replies, limits, timeouts, signals, draining on SIGTERM.
 *
 * One libevent loop on the main thread owns every socket (bufferevents).
 * A connection has at most one request at a worker; lines that arrive
 * meanwhile wait in its input buffer, so pipelined requests are answered
 * in order.  What one client can hold is bounded:
 *   - input: libevent stops reading a connection whose waiting request
 *     bytes reach max_input (a read high-water mark), and resumes once
 *     they are answered;
 *   - output: a client that does not read its replies is not read from
 *     once they pass OUT_HIGH_WATER;
 *   - time: idle_timeout without traffic, line_timeout to finish a line
 *     once begun (a byte a second no longer holds a slot forever);
 *   - slots: max_clients, and max_clients_per_address for one address.
 * Out of descriptors (EMFILE), the loop refuses the waiting clients with
 * a spare descriptor and stops accepting for ACCEPT_RETRY, as memcached
 * does, instead of spinning on a listener that stays readable.
 * Not here: binding and privileges (listen.c), queries (workers.c). */
#include "daemon.h"
#include "vn_num.h"

#include <arpa/inet.h>
#include <errno.h>
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/listener.h>
#include <event2/thread.h>
#include <event2/util.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#define OUT_HIGH_WATER (256u << 10) /* unsent reply bytes before we stop reading a client */
#define DRAIN_GRACE 5.0             /* seconds after SIGTERM, beyond query_time_limit, to finish */
#define DRAIN_FLUSH 1.0             /* seconds, after the deadline, to deliver ERR SHUTDOWN */

struct conn {
    conn *prev, *next;
    vn_daemon *d;
    struct bufferevent *bev;    /* NULL once the socket is closed */
    struct event *line_ev;      /* line_timeout for a line begun and not finished */
    unsigned long id;
    char peer[64];              /* the peer address, for log lines */
    const char *counted_as;     /* peer, or NULL for a Unix socket's: its key in the client table */
    unsigned auth_failures;
    int json;                   /* FORMAT json */
    int scope;                  /* VN_SCOPE_*: what its AUTH tokens allow */
    int busy;                   /* a job is at a worker */
    int closing;                /* close once the output is flushed */
    int discarding;             /* skipping the rest of an over-long line */
    int paused;                 /* reading stopped: too much unsent output */
    int eof;                    /* the client shut its sending side: answer, then close */
    size_t nwatches;            /* standing searches (WATCH): no idle timeout while any */
};

static unsigned long next_conn_id = 1;

static void maybe_drained(vn_daemon *d);

static void conn_free(conn *c)
{
    vn_daemon *d = c->d;
    vn_log_debug("conn %lu from %s: closed", c->id, c->peer);
    if (c->bev)
        bufferevent_free(c->bev);
    c->bev = NULL;
    if (c->line_ev)
        event_free(c->line_ev);
    c->line_ev = NULL;
    if (c->nwatches) /* watches die with their connection */
        vn_watch_drop(d, c->id, 0);
    c->nwatches = 0;
    if (c->busy)
        return; /* freed when its job comes back */
    if (c->prev)
        c->prev->next = c->next;
    else
        d->conns = c->next;
    if (c->next)
        c->next->prev = c->prev;
    pthread_mutex_lock(&d->mu);
    d->nconns--;
    pthread_mutex_unlock(&d->mu);
    vn_clients_leave(d, c->counted_as);
    free(c);
    maybe_drained(d);
}

/* Close after what is queued has been written. */
static void conn_close_soon(conn *c)
{
    c->closing = 1;
    if (c->bev) {
        bufferevent_disable(c->bev, EV_READ);
        if (evbuffer_get_length(bufferevent_get_output(c->bev)) == 0)
            conn_free(c);
    }
}

static void send_buf(conn *c, vn_buf *b)
{
    if (c->bev && b->len)
        bufferevent_write(c->bev, b->data, b->len);
}

static void send_error(conn *c, const char *code, const char *msg)
{
    vn_buf b = VN_BUF_INIT;
    vn_reply_error(&b, c->json, code, msg);
    send_buf(c, &b);
    vn_buf_free(&b);
}

/* ---- the loop's handlers of the command table (commands.def) ---- */

#define VN_THREAD LOOP
#include "handlers.inc"

void vn_cmd_ping(vn_ctx *x) { vn_reply_ok(x->out, x->json, "PONG"); }

void vn_cmd_help(vn_ctx *x) { vn_reply_help(x->out, x->json); }

void vn_cmd_quit(vn_ctx *x)
{
    vn_reply_ok(x->out, x->json, "bye");
    if (x->c)
        x->c->closing = 1;
}

void vn_cmd_format(vn_ctx *x)
{
    x->json = strcasecmp(x->r->arg, "json") == 0;
    if (x->c)
        x->c->json = x->json;
    vn_reply_ok(x->out, x->json, x->json ? "format json" : "format text");
}

void vn_cmd_auth(vn_ctx *x)
{
    conn *c = x->c;
    vn_daemon *d = x->d;
    double wait;
    int t = vn_token_try(d, c->peer, x->r->arg, &wait);
    if (t == -2) { /* closed, as after three failures */
        char msg[128];
        snprintf(msg, sizeof msg, "too many wrong tokens from your address; try again in %.0f s", wait + 0.5);
        vn_ctx_error(x, VN_ERRC_NOAUTH, msg);
        c->closing = 1;
        return;
    }
    if (t > 0) {
        if (t > c->scope)
            c->scope = t;
        vn_reply_ok(x->out, x->json, t == VN_SCOPE_ADMIN ? "authenticated" : "authenticated for search");
        return;
    }
    c->auth_failures++;
    vn_log_warn("conn %lu from %s: AUTH failed (%u)", c->id, c->peer, c->auth_failures);
    if (c->auth_failures >= VN_AUTH_CONN_FAILURES) {
        vn_ctx_error(x, VN_ERRC_NOAUTH, "wrong token; too many failures, closing");
        c->closing = 1;
        return;
    }
    vn_ctx_error(x, VN_ERRC_NOAUTH,
                 d->cfg.admin_token[0] || d->cfg.search_token[0] ? "wrong token" : "no token is configured");
}

/* The connection's timeouts: idle_timeout both ways; while it watches,
 * no read timeout (a desk may wait all day for its topic) and
 * line_timeout to take what is written to it (a slow reader is cut). */
static void set_timeouts(conn *c)
{
    struct timeval idle = {(time_t)c->d->cfg.idle_timeout, 0}, line = {(time_t)c->d->cfg.line_timeout, 0};
    if (c->bev)
        bufferevent_set_timeouts(c->bev, c->nwatches ? NULL : &idle, c->nwatches ? &line : &idle);
}

void vn_cmd_watch(vn_ctx *x)
{
    conn *c = x->c; /* the line protocol's: HTTP's GET /watch is http.c's */
    uint64_t id;
    vn_error err;
    if (vn_watch_add(x->d, c->id, 0, x->json, x->r->arg, &id, &err) != 0) {
        vn_ctx_fail(x, err.code, err.msg);
        return;
    }
    c->nwatches++;
    set_timeouts(c);
    vn_reply_watch(x->out, x->json, id);
}

void vn_cmd_unwatch(vn_ctx *x)
{
    conn *c = x->c;
    unsigned long long id = 0;
    if (!c || !vn_parse_uint(x->r->arg, strlen(x->r->arg), UINT64_MAX, &id) ||
        !vn_watch_remove(x->d, c->id, 0, id)) {
        vn_ctx_error(x, VN_ERRC_BADREQ, "no such standing search on this connection");
        return;
    }
    c->nwatches--;
    set_timeouts(c);
    vn_reply_ok(x->out, x->json, "unwatched");
}

/* Alerts from the watcher: each to its connection, unless it is gone or
 * has let too much pile up unread (its write timeout cuts a reader that
 * takes nothing; this, one that takes too little). */
#define WATCH_OUT_MAX (4u << 20)
static void deliver_alerts(vn_daemon *d)
{
    for (vn_alert *a = vn_alerts_take(d), *next; a; a = next) {
        next = a->next;
        if (a->http) {
            vn_http_alert(d, a);
        } else {
            conn *c = d->conns;
            while (c && c->id != a->owner)
                c = c->next;
            if (c && c->bev && !c->closing) {
                if (evbuffer_get_length(bufferevent_get_output(c->bev)) > WATCH_OUT_MAX) {
                    vn_log_warn("conn %lu from %s: alerts not read (over %u bytes waiting), closed", c->id, c->peer,
                                WATCH_OUT_MAX);
                    conn_free(c);
                } else {
                    send_buf(c, &a->line);
                }
            }
        }
        vn_alert_free(a);
    }
}

/* A request line answered on the loop: counted and written to the access log. */
static void answered(conn *c, vn_cmd cmd, const char *line, size_t len, const char *outcome, int status,
                     double took, size_t bytes)
{
    vn_metrics_count(c->d, cmd, outcome, 0);
    vn_log_request(c->d, c->peer, 0, line, len, status, outcome, took, bytes);
}

/* Answer one request line; returns 1 if a job went to a worker. */
static int handle_line(conn *c, const char *line, size_t len)
{
    vn_daemon *d = c->d;
    vn_proto_limits lim = {d->cfg.max_results};
    vn_request r;
    vn_error err;
    vn_status rc = vn_proto_parse(line, len, &lim, &r, &err);
    if (rc != VN_OK) {
        const char *code = rc == VN_ERR_LIMIT ? VN_ERRC_LIMIT : VN_ERRC_BADREQ;
        size_t w = 0;
        while (w < len && line[w] != ' ' && line[w] != '\t')
            w++;
        const vn_command *named = vn_command_named(line, w);
        answered(c, named ? named->cmd : (vn_cmd)VN_METRIC_UNKNOWN, line, len, code, vn_http_status(code), 0, 0);
        send_error(c, code, err.msg);
        return 0;
    }
    const vn_command *cmd = r.command;
    const char *denied = vn_admin_denied(d, cmd, c->scope);
    if (denied) {
        answered(c, cmd->cmd, line, len, VN_ERRC_NOAUTH, vn_http_status(VN_ERRC_NOAUTH), 0, 0);
        send_error(c, VN_ERRC_NOAUTH, denied);
        vn_request_clear(&r);
        return 0;
    }
    if (cmd->where != VN_AT_LOOP) {
        c->busy = 1;
        job *j = vn_job_new(&r, c, NULL, c->json, c->peer);
        j->what_len = len < sizeof j->what ? len : sizeof j->what;
        memcpy(j->what, line, j->what_len);
        vn_dispatch(d, j);
        return 1;
    }
    double t0 = vn_clock_now();
    vn_buf b = VN_BUF_INIT;
    vn_ctx x = {.d = d, .c = c, .r = &r, .out = &b, .json = c->json, .status = 200, .outcome = "ok", .peer = c->peer};
    run_here[cmd->cmd](&x);
    answered(c, cmd->cmd, line, len, x.outcome, x.status, vn_clock_now() - t0, b.len);
    send_buf(c, &b);
    vn_buf_free(&b);
    vn_request_clear(&r);
    return 0;
}

static void line_too_long(conn *c)
{
    char msg[96];
    snprintf(msg, sizeof msg, "request line longer than %u bytes", c->d->cfg.max_line);
    vn_log_warn("conn %lu from %s: request line over %u bytes, dropped", c->id, c->peer, c->d->cfg.max_line);
    send_error(c, VN_ERRC_LIMIT, msg);
}

/* Arm line_timeout when a line has begun and is waiting for its end; a
 * new line restarts the clock; no clock while the client waits for us. */
static void watch_partial_line(conn *c, int consumed)
{
    if (!c->bev || !c->line_ev)
        return;
    size_t pending = evbuffer_get_length(bufferevent_get_input(c->bev));
    if (c->busy || c->closing || (pending == 0 && !c->discarding)) {
        event_del(c->line_ev);
        return;
    }
    if (consumed || !event_pending(c->line_ev, EV_TIMEOUT, NULL)) {
        struct timeval tv = {(time_t)c->d->cfg.line_timeout, 0};
        event_add(c->line_ev, &tv);
    }
}

/* Take complete lines from the input while no job is out. */
static void process_input(conn *c)
{
    vn_daemon *d = c->d;
    int consumed = 0;
    while (c->bev && !c->busy && !c->closing) {
        struct evbuffer *in = bufferevent_get_input(c->bev);
        struct evbuffer *out = bufferevent_get_output(c->bev);
        if (evbuffer_get_length(out) > OUT_HIGH_WATER) {
            if (!c->paused) {
                c->paused = 1;
                bufferevent_disable(c->bev, EV_READ);
            }
            return; /* on_write resumes */
        }
        size_t avail = evbuffer_get_length(in);
        if (avail == 0)
            break;
        struct evbuffer_ptr eol = evbuffer_search_eol(in, NULL, NULL, EVBUFFER_EOL_LF);
        if (c->discarding) {
            if (eol.pos < 0) {
                evbuffer_drain(in, avail);
                break;
            }
            evbuffer_drain(in, (size_t)eol.pos + 1);
            c->discarding = 0;
            consumed = 1;
            continue;
        }
        if (eol.pos < 0) {
            if (avail > d->cfg.max_line) {
                line_too_long(c);
                evbuffer_drain(in, avail);
                c->discarding = 1;
            }
            break; /* wait for the rest of the line */
        }
        size_t n = (size_t)eol.pos;
        consumed = 1;
        if (n > d->cfg.max_line) {
            line_too_long(c);
            evbuffer_drain(in, n + 1);
            continue;
        }
        char *line = vn_xrealloc(NULL, n + 1);
        evbuffer_remove(in, line, n + 1);
        size_t l = n;
        if (l > 0 && line[l - 1] == '\r')
            l--;
        line[l] = '\0';
        handle_line(c, line, l);
        free(line);
    }
    if (c->bev && (c->closing || (c->eof && !c->busy)))
        conn_close_soon(c);
    else
        watch_partial_line(c, consumed);
}

static void on_read(struct bufferevent *bev, void *arg)
{
    (void)bev;
    process_input(arg);
}

static void on_write(struct bufferevent *bev, void *arg)
{
    conn *c = arg;
    (void)bev;
    if (c->closing && !c->busy) {
        conn_free(c);
        return;
    }
    if (c->paused) {
        c->paused = 0;
        bufferevent_enable(c->bev, EV_READ);
    }
    process_input(c);
}

static void on_event(struct bufferevent *bev, short what, void *arg)
{
    conn *c = arg;
    (void)bev;
    if (what & BEV_EVENT_TIMEOUT)
        vn_log_warn("conn %lu from %s: idle for %u s, closed", c->id, c->peer, c->d->cfg.idle_timeout);
    if ((what & BEV_EVENT_EOF) && !(what & BEV_EVENT_ERROR)) {
        /* half-close (nc -N, shutdown(SHUT_WR)): answer what was sent */
        c->eof = 1;
        bufferevent_disable(c->bev, EV_READ);
        process_input(c);
        return;
    }
    if (what & (BEV_EVENT_ERROR | BEV_EVENT_TIMEOUT))
        conn_free(c); /* if a job is out, the conn is freed when it returns */
}

static void on_line_timeout(evutil_socket_t fd, short what, void *arg)
{
    conn *c = arg;
    (void)fd;
    (void)what;
    char msg[96];
    snprintf(msg, sizeof msg, "request line not finished within %u s", c->d->cfg.line_timeout);
    vn_log_warn("conn %lu from %s: %s, closed", c->id, c->peer, msg);
    send_error(c, VN_ERRC_LIMIT, msg);
    c->discarding = 0;
    conn_close_soon(c);
}

/* Nothing left to answer during a drain: the loop may end. */
static void maybe_drained(vn_daemon *d)
{
    if (d->draining && d->nconns == 0 && d->http_pending == 0)
        event_base_loopexit(d->base, NULL);
}

/* Deliver a job's reply (on the loop) and free the job. */
static void job_finish(vn_daemon *d, job *j)
{
    double took = vn_clock_now() - j->started;
    vn_metrics_count(d, j->req.cmd, j->outcome, took);
    if (vn_commands[j->req.cmd].where == VN_AT_WRITER) /* every live write leaves a line */
        vn_log("live write from %s (%s): %s %s in %.1f ms", j->peer, j->http ? "http" : "line",
               vn_commands[j->req.cmd].name, j->outcome, took * 1000);
    if (!j->http)
        vn_log_request(d, j->peer, 0, j->what, j->what_len, j->status, j->outcome, took, j->reply.len);
    if (j->http) {
        vn_http_reply(d, j);
        d->http_pending--;
    } else {
        conn *c = j->c;
        c->busy = 0;
        if (!c->bev) {
            conn_free(c); /* the client left while its query ran */
        } else {
            send_buf(c, &j->reply);
            if (d->draining)
                conn_close_soon(c);
            else
                process_input(c);
        }
    }
    vn_request_clear(&j->req);
    vn_buf_free(&j->reply);
    free(j);
}

/* Jobs back from the workers: write their replies, go on reading. */
static void on_done(evutil_socket_t fd, short what, void *arg)
{
    vn_daemon *d = arg;
    (void)what;
    uint64_t n;
    ssize_t r = read(fd, &n, sizeof n); /* reset the eventfd; the list holds the jobs */
    (void)r;
    for (job *j = vn_workers_take_done(d), *next; j; j = next) {
        next = j->next;
        job_finish(d, j);
    }
    deliver_alerts(d);
    maybe_drained(d);
}

static void describe_peer(const struct sockaddr *sa, char *out, size_t n)
{
    const void *addr = sa->sa_family == AF_INET    ? (const void *)&((const struct sockaddr_in *)sa)->sin_addr
                       : sa->sa_family == AF_INET6 ? (const void *)&((const struct sockaddr_in6 *)sa)->sin6_addr
                                                   : NULL;
    if (!addr || !inet_ntop(sa->sa_family, addr, out, (socklen_t)n))
        snprintf(out, n, "%s", sa->sa_family == AF_UNIX ? "unix socket" : "?");
}

static void on_accept(struct evconnlistener *l, evutil_socket_t fd, struct sockaddr *sa, int salen, void *arg)
{
    vn_daemon *d = arg;
    (void)l;
    if (d->accept_paused) {
        vn_log("accepting again (refused %lu clients while out of descriptors)", d->refused_nofd);
        d->accept_paused = 0;
        d->refused_nofd = 0;
    }
    char peer[64];
    describe_peer(sa, peer, sizeof peer);
    (void)salen;
    /* Unix-socket peers are never counted against each other */
    const char *who = sa->sa_family == AF_UNIX ? NULL : peer;
    const char *full = vn_clients_admit(d, who);
    if (full) {
        vn_listen_refuse(fd, full);
        vn_log_warn("refused %s: %s (max_clients %u, max_clients_per_address %u)", peer, full, d->cfg.max_clients,
                    d->cfg.max_clients_per_address);
        return;
    }
    conn *c = vn_xcalloc(1, sizeof *c);
    c->d = d;
    c->id = next_conn_id++;
    memcpy(c->peer, peer, sizeof peer);
    c->counted_as = who ? c->peer : NULL;
    c->bev = bufferevent_socket_new(d->base, fd, BEV_OPT_CLOSE_ON_FREE);
    c->line_ev = evtimer_new(d->base, on_line_timeout, c);
    if (!c->bev || !c->line_ev) {
        vn_log_err("out of memory for a connection from %s", peer);
        if (c->bev)
            bufferevent_free(c->bev);
        else
            evutil_closesocket(fd);
        if (c->line_ev)
            event_free(c->line_ev);
        free(c);
        vn_clients_leave(d, who);
        return;
    }
    bufferevent_setcb(c->bev, on_read, on_write, on_event, c);
    bufferevent_setwatermark(c->bev, EV_READ, 0, d->cfg.max_input);
    struct timeval idle = {(time_t)d->cfg.idle_timeout, 0};
    bufferevent_set_timeouts(c->bev, &idle, &idle);
    bufferevent_enable(c->bev, EV_READ | EV_WRITE);
    c->next = d->conns;
    if (d->conns)
        d->conns->prev = c;
    d->conns = c;
    pthread_mutex_lock(&d->mu);
    d->nconns++;
    pthread_mutex_unlock(&d->mu);
    vn_log_debug("conn %lu from %s: opened (%u open)", c->id, c->peer, d->nconns);
}

/* Last stage of a drain: stop waiting for clients that do not read. */
static void on_drain_exit(evutil_socket_t fd, short what, void *arg)
{
    vn_daemon *d = arg;
    (void)fd;
    (void)what;
    vn_log_warn("drain: closing %u connections that did not take their replies", d->nconns);
    event_base_loopexit(d->base, NULL);
}

/* The drain deadline: requests no worker has started get ERR SHUTDOWN;
 * those running finish (bounded by query_time_limit). */
static void on_drain_deadline(evutil_socket_t fd, short what, void *arg)
{
    vn_daemon *d = arg;
    (void)fd;
    (void)what;
    d->drain_cut = 1;
    unsigned refused = 0;
    for (job *j = vn_workers_take_queued(d), *next; j; j = next) {
        next = j->next;
        vn_ctx x = vn_job_ctx(d, NULL, j);
        vn_ctx_error(&x, VN_ERRC_SHUTDOWN, "the server is stopping; request not run");
        j->status = x.status;
        j->outcome = x.outcome;
        job_finish(d, j); /* draining: the connection closes after it */
        refused++;
    }
    vn_log_warn("drain deadline: %u queued requests answered ERR SHUTDOWN, %u connections left", refused, d->nconns);
    if (d->nconns == 0 && d->http_pending == 0) {
        event_base_loopexit(d->base, NULL);
        return;
    }
    struct timeval flush = {(time_t)DRAIN_FLUSH, 0};
    event_base_once(d->base, -1, EV_TIMEOUT, on_drain_exit, d, &flush);
}

static void on_signal(evutil_socket_t sig, short what, void *arg)
{
    vn_daemon *d = arg;
    (void)what;
    if (sig == SIGHUP) {
        vn_workers_reload(d);
        vn_log_open_access(d); /* logrotate moved it; on failure the old file stays */
        vn_log("SIGHUP: workers reopen the index before their next query");
        return;
    }
    if (d->draining)
        return;
    vn_log("%s: no new connections; finishing %u open ones", sig == SIGTERM ? "SIGTERM" : "SIGINT", d->nconns);
    d->draining = 1;
    if (d->listener) {
        evconnlistener_free(d->listener);
        d->listener = NULL;
    }
    vn_http_stop_accepting(d);
    for (conn *c = d->conns, *next; c; c = next) {
        next = c->next;
        if (!c->busy)
            conn_close_soon(c);
    }
    if (d->nconns == 0 && d->http_pending == 0) {
        event_base_loopexit(d->base, NULL);
        return;
    }
    double g = d->cfg.query_time_limit + DRAIN_GRACE;
    struct timeval grace = {(time_t)g, (suseconds_t)((g - (time_t)g) * 1e6)};
    event_base_once(d->base, -1, EV_TIMEOUT, on_drain_deadline, d, &grace);
}

/* Free what the loop left: jobs never run or never delivered, connections. */
static void server_cleanup(vn_daemon *d)
{
    /* HTTP requests among them are freed with the evhttp (vn_http_stop) */
    job *lists[2] = {vn_workers_take_done(d), vn_workers_take_queued(d)};
    for (int k = 0; k < 2; k++)
        for (job *j = lists[k], *next; j; j = next) {
            next = j->next;
            if (j->c)
                j->c->busy = 0;
            vn_request_clear(&j->req);
            vn_buf_free(&j->reply);
            free(j);
        }
    d->draining = 0; /* conn_free must not ask the finished loop to exit */
    while (d->conns)
        conn_free(d->conns);
    if (d->listener)
        evconnlistener_free(d->listener);
    d->listener = NULL;
}

/* What the loop holds from its start to its end, on either way out: the
 * signal events, the event base, the done eventfd, the socket path, the
 * client table. */
static void loop_free(vn_daemon *d)
{
    event_free(d->sig_term);
    event_free(d->sig_int);
    event_free(d->sig_hup);
    event_base_free(d->base);
    close(d->done_fd);
    if (d->socket_bound)
        unlink(d->socket_path);
    vn_clients_free(d);
}

int vn_server_run(vn_daemon *d)
{
    evthread_use_pthreads();
    d->base = event_base_new();
    d->done_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (!d->base || d->done_fd < 0) {
        vn_log_err("cannot create the event loop");
        if (d->base)
            event_base_free(d->base);
        return 1;
    }
    /* signals first: a SIGTERM during start-up waits for the loop, which
     * then drains and exits 0, instead of killing the process half-started */
    d->sig_term = evsignal_new(d->base, SIGTERM, on_signal, d);
    d->sig_int = evsignal_new(d->base, SIGINT, on_signal, d);
    d->sig_hup = evsignal_new(d->base, SIGHUP, on_signal, d);
    event_add(d->sig_term, NULL);
    event_add(d->sig_int, NULL);
    event_add(d->sig_hup, NULL);
    signal(SIGPIPE, SIG_IGN);
    sigset_t held; /* main() held them until now: what came meanwhile is delivered here, to the handlers */
    sigemptyset(&held);
    sigaddset(&held, SIGTERM);
    sigaddset(&held, SIGINT);
    sigaddset(&held, SIGHUP);
    pthread_sigmask(SIG_UNBLOCK, &held, NULL);
    int fd, rc = vn_listen_open(d, &fd);
    if (rc == 0) {
        d->listener = evconnlistener_new(d->base, on_accept, d, LEV_OPT_CLOSE_ON_FREE | LEV_OPT_CLOSE_ON_EXEC, -1, fd);
        if (!d->listener) {
            vn_log_err("cannot listen: %s", strerror(errno));
            close(fd);
            rc = 3;
        }
    }
    if (rc == 0)
        rc = vn_http_start(d); /* binds before root is dropped, as the line protocol does */
    if (rc == 0)
        rc = vn_listen_become_user(d);
    if (rc == 0 && vn_log_open_access(d) != 0) /* as the user it runs as: SIGHUP reopens it */
        rc = 2;
    char err[256];
    int wr = rc == 0 ? vn_workers_start(d, err, sizeof err) : 0;
    if (wr != 0) {
        if (wr == -1)
            vn_log_err("cannot open index %s: %s", d->cfg.index, err);
        else
            vn_log_err("%s", err);
        rc = wr == -1 ? 4 : 1;
    }
    if (rc == 0 && vn_writer_start(d) != 0) {
        vn_log_err("cannot start the writer thread");
        vn_workers_stop(d);
        rc = 1;
    }
    if (rc == 0 && vn_watcher_start(d, err, sizeof err) != 0) {
        vn_log_err("%s", err);
        vn_workers_stop(d);
        vn_writer_stop(d);
        rc = 1;
    }
    if (rc != 0) {
        vn_http_stop(d);
        if (d->listener)
            evconnlistener_free(d->listener);
        loop_free(d);
        return rc;
    }
    vn_listen_fit_fd_limit(d);
    d->spare_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
    d->accept_retry = evtimer_new(d->base, vn_accept_retry, d);
    d->done_ev = event_new(d->base, d->done_fd, EV_READ | EV_PERSIST, on_done, d);
    event_add(d->done_ev, NULL);
    evconnlistener_set_error_cb(d->listener, vn_accept_error);
    vn_log("serving %s on %s with %u workers", d->cfg.index, d->socket_path ? d->socket_path : d->cfg.listen,
           d->nworkers);
    event_base_dispatch(d->base);
    vn_workers_stop(d);
    vn_writer_stop(d); /* finishes the writes it has: they are committed, replies or not */
    vn_watcher_stop(d);
    server_cleanup(d);
    vn_http_stop(d);
    event_free(d->accept_retry);
    event_free(d->done_ev);
    if (d->spare_fd >= 0)
        close(d->spare_fd);
    loop_free(d);
    vn_log_close_access();
    vn_log("stopped");
    return 0;
}
