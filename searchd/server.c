/* SPDX-License-Identifier: GPL-2.0-or-later */
/* server.c -- vnsearchd's event loop: accepting, reading request lines,
 * answering what needs no index, handing the rest to the workers, writing
 * replies, limits, timeouts, signals, draining on SIGTERM.
 *
 * One libevent loop on the main thread owns every socket (bufferevents).
 * A connection has at most one request at a worker; lines that arrive
 * meanwhile wait in its input buffer, so pipelined requests are answered
 * in order.  A client that stops reading is not read from either once its
 * unsent replies pass OUT_HIGH_WATER, and is closed after idle_timeout. */
#include "daemon.h"

#include <arpa/inet.h>
#include <errno.h>
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/listener.h>
#include <event2/thread.h>
#include <event2/util.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#define OUT_HIGH_WATER (4u << 20) /* unsent reply bytes before we stop reading a client */
#define DRAIN_GRACE 5.0           /* seconds after SIGTERM before clients that do not read are cut off */

struct conn {
    conn *prev, *next;
    vn_daemon *d;
    struct bufferevent *bev;    /* NULL once the socket is closed */
    unsigned long id;
    int json;                   /* FORMAT json */
    int authed;                 /* AUTH given (or no token configured) */
    int busy;                   /* a job is at a worker */
    int closing;                /* close once the output is flushed */
    int discarding;             /* skipping the rest of an over-long line */
    int paused;                 /* reading stopped: too much unsent output */
    int eof;                    /* the client shut its sending side: answer, then close */
};

static unsigned long next_conn_id = 1;

static void conn_free(conn *c)
{
    vn_daemon *d = c->d;
    if (c->bev)
        bufferevent_free(c->bev);
    c->bev = NULL;
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
    free(c);
    if (d->draining && d->nconns == 0)
        event_base_loopexit(d->base, NULL);
}

/* Close after what is queued has been written. */
static void conn_close_soon(conn *c)
{
    c->closing = 1;
    if (c->bev && evbuffer_get_length(bufferevent_get_output(c->bev)) == 0)
        conn_free(c);
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

/* Answer one request line; returns 1 if a job went to a worker. */
static int handle_line(conn *c, const char *line, size_t len)
{
    vn_daemon *d = c->d;
    vn_proto_limits lim = {d->cfg.max_results};
    vn_request r;
    vn_error err;
    vn_status rc = vn_proto_parse(line, len, &lim, &r, &err);
    if (rc != VN_OK) {
        send_error(c, rc == VN_ERR_LIMIT ? VN_ERRC_LIMIT : VN_ERRC_BADREQ, err.msg);
        return 0;
    }
    vn_buf b = VN_BUF_INIT;
    int submitted = 0;
    switch (r.cmd) {
    case VN_CMD_PING: vn_reply_ok(&b, c->json, "PONG"); break;
    case VN_CMD_HELP: vn_reply_help(&b, c->json); break;
    case VN_CMD_QUIT:
        vn_reply_ok(&b, c->json, "bye");
        c->closing = 1;
        break;
    case VN_CMD_FORMAT:
        c->json = strcasecmp(r.arg, "json") == 0;
        vn_reply_ok(&b, c->json, c->json ? "format json" : "format text");
        break;
    case VN_CMD_AUTH:
        if (d->cfg.admin_token[0] && strcmp(r.arg, d->cfg.admin_token) == 0) {
            c->authed = 1;
            vn_reply_ok(&b, c->json, "authenticated");
        } else {
            vn_log("conn %lu: AUTH failed", c->id);
            vn_reply_error(&b, c->json, VN_ERRC_NOAUTH, d->cfg.admin_token[0] ? "wrong token" : "no admin token is configured");
        }
        break;
    case VN_CMD_RELOAD:
        if (d->cfg.admin_token[0] && !c->authed) {
            vn_reply_error(&b, c->json, VN_ERRC_NOAUTH, "RELOAD needs AUTH <token> first");
            break;
        }
        atomic_fetch_add(&d->reload_gen, 1);
        vn_log("conn %lu: RELOAD", c->id);
        vn_reply_ok(&b, c->json, "reload requested: workers reopen before their next query");
        break;
    default: {
        job *j = calloc(1, sizeof *j);
        j->c = c;
        j->req = r;
        vn_request_rebind(&j->req);
        j->json = c->json;
        memset(&r, 0, sizeof r); /* the job owns the request now */
        c->busy = 1;
        vn_workers_submit(d, j);
        submitted = 1;
    }
    }
    send_buf(c, &b);
    vn_buf_free(&b);
    vn_request_clear(&r);
    return submitted;
}

/* Take complete lines from the input while no job is out. */
static void process_input(conn *c)
{
    vn_daemon *d = c->d;
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
            continue;
        }
        char msg[96];
        snprintf(msg, sizeof msg, "request line longer than %u bytes", d->cfg.max_line);
        if (eol.pos < 0) {
            if (avail > d->cfg.max_line) {
                vn_log("conn %lu: request line over %u bytes, dropped", c->id, d->cfg.max_line);
                send_error(c, VN_ERRC_LIMIT, msg);
                evbuffer_drain(in, avail);
                c->discarding = 1;
            }
            break; /* wait for the rest of the line */
        }
        size_t n = (size_t)eol.pos;
        if (n > d->cfg.max_line) {
            vn_log("conn %lu: request line over %u bytes, dropped", c->id, d->cfg.max_line);
            send_error(c, VN_ERRC_LIMIT, msg);
            evbuffer_drain(in, n + 1);
            continue;
        }
        char *line = malloc(n + 1);
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
        vn_log("conn %lu: idle for %u s, closed", c->id, c->d->cfg.idle_timeout);
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

/* Jobs back from the workers: write their replies, go on reading. */
static void on_done(evutil_socket_t fd, short what, void *arg)
{
    vn_daemon *d = arg;
    (void)fd;
    (void)what;
    job *j = vn_workers_take_done(d);
    while (j) {
        job *next = j->next;
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
        vn_request_clear(&j->req);
        vn_buf_free(&j->reply);
        free(j);
        j = next;
    }
}

static void on_accept(struct evconnlistener *l, evutil_socket_t fd, struct sockaddr *sa, int salen, void *arg)
{
    vn_daemon *d = arg;
    (void)l;
    (void)sa;
    (void)salen;
    if (d->nconns >= d->cfg.max_clients) {
        static const char msg[] = "ERR LIMIT too many clients\r\n";
        ssize_t w = send(fd, msg, sizeof msg - 1, MSG_NOSIGNAL | MSG_DONTWAIT);
        (void)w;
        evutil_closesocket(fd);
        vn_log("refused a connection: max_clients (%u) reached", d->cfg.max_clients);
        return;
    }
    conn *c = calloc(1, sizeof *c);
    c->d = d;
    c->id = next_conn_id++;
    c->authed = d->cfg.admin_token[0] == '\0';
    c->bev = bufferevent_socket_new(d->base, fd, BEV_OPT_CLOSE_ON_FREE);
    bufferevent_setcb(c->bev, on_read, on_write, on_event, c);
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
}

static void on_accept_error(struct evconnlistener *l, void *arg)
{
    (void)l;
    (void)arg;
    /* EMFILE and friends: log and carry on; libevent retries on the next readiness */
    vn_log("accept failed: %s", evutil_socket_error_to_string(EVUTIL_SOCKET_ERROR()));
}

static void on_drain_deadline(evutil_socket_t fd, short what, void *arg)
{
    vn_daemon *d = arg;
    (void)fd;
    (void)what;
    vn_log("drain deadline: closing %u connections that did not take their replies", d->nconns);
    event_base_loopexit(d->base, NULL);
}

static void on_signal(evutil_socket_t sig, short what, void *arg)
{
    vn_daemon *d = arg;
    (void)what;
    if (sig == SIGHUP) {
        atomic_fetch_add(&d->reload_gen, 1);
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
    for (conn *c = d->conns, *next; c; c = next) {
        next = c->next;
        if (!c->busy)
            conn_close_soon(c);
    }
    if (d->nconns == 0) {
        event_base_loopexit(d->base, NULL);
        return;
    }
    /* in-flight queries end within query_time_limit; replies then need a reader */
    struct timeval grace = {(time_t)(d->cfg.query_time_limit + DRAIN_GRACE), 0};
    event_base_once(d->base, -1, EV_TIMEOUT, on_drain_deadline, d, &grace);
}

/* Is HOST (of HOST:PORT) a loopback address? */
static int is_loopback(const struct sockaddr *sa)
{
    if (sa->sa_family == AF_INET)
        return (ntohl(((const struct sockaddr_in *)sa)->sin_addr.s_addr) >> 24) == 127;
    if (sa->sa_family == AF_INET6)
        return memcmp(&((const struct sockaddr_in6 *)sa)->sin6_addr, &in6addr_loopback, sizeof in6addr_loopback) == 0;
    return 1;
}

int vn_server_run(vn_daemon *d)
{
    evthread_use_pthreads();
    d->base = event_base_new();
    if (!d->base) {
        vn_log("cannot create the event loop");
        return 1;
    }
    struct sockaddr_storage ss;
    int sslen = sizeof ss;
    memset(&ss, 0, sizeof ss);
    if (d->socket_path) {
        struct sockaddr_un *un = (struct sockaddr_un *)&ss;
        if (strlen(d->socket_path) >= sizeof un->sun_path) {
            vn_log("socket path too long: %s", d->socket_path);
            return 2;
        }
        un->sun_family = AF_UNIX;
        strcpy(un->sun_path, d->socket_path);
        sslen = sizeof *un;
        unlink(d->socket_path);
    } else if (evutil_parse_sockaddr_port(d->cfg.listen, (struct sockaddr *)&ss, &sslen) != 0 ||
               ((struct sockaddr_in *)&ss)->sin_port == 0) {
        vn_log("cannot parse listen address \"%s\" (want HOST:PORT, e.g. 127.0.0.1:7700)", d->cfg.listen);
        return 2;
    } else if (!is_loopback((struct sockaddr *)&ss) && !d->cfg.admin_token[0]) {
        vn_log("refusing to listen on %s, which is not loopback, without admin_token: "
               "set admin_token in the config so that RELOAD needs AUTH", d->cfg.listen);
        return 2;
    }
    char err[256];
    if (vn_workers_start(d, err, sizeof err) != 0) {
        vn_log("cannot open index %s: %s", d->cfg.index, err);
        return 4;
    }
    d->done_ev = event_new(d->base, -1, EV_READ | EV_PERSIST, on_done, d);
    event_add(d->done_ev, NULL);
    d->listener = evconnlistener_new_bind(d->base, on_accept, d, LEV_OPT_CLOSE_ON_FREE | LEV_OPT_REUSEABLE, 128,
                                          (struct sockaddr *)&ss, sslen);
    if (!d->listener) {
        vn_log("cannot listen on %s: %s", d->socket_path ? d->socket_path : d->cfg.listen, strerror(errno));
        vn_workers_stop(d);
        return 3;
    }
    evconnlistener_set_error_cb(d->listener, on_accept_error);
    d->sig_term = evsignal_new(d->base, SIGTERM, on_signal, d);
    d->sig_int = evsignal_new(d->base, SIGINT, on_signal, d);
    d->sig_hup = evsignal_new(d->base, SIGHUP, on_signal, d);
    event_add(d->sig_term, NULL);
    event_add(d->sig_int, NULL);
    event_add(d->sig_hup, NULL);
    signal(SIGPIPE, SIG_IGN);
    vn_log("vnsearchd serving %s on %s with %u workers", d->cfg.index, d->socket_path ? d->socket_path : d->cfg.listen,
           d->nworkers);
    event_base_dispatch(d->base);
    vn_workers_stop(d);
    /* what the drain deadline cut off: replies never taken, requests never run */
    for (job *j = vn_workers_take_done(d), *next; j; j = next) {
        next = j->next;
        j->c->busy = 0;
        vn_request_clear(&j->req);
        vn_buf_free(&j->reply);
        free(j);
    }
    for (job *j = d->queue_head, *next; j; j = next) {
        next = j->next;
        j->c->busy = 0;
        vn_request_clear(&j->req);
        free(j);
    }
    d->queue_head = d->queue_tail = NULL;
    d->draining = 0; /* conn_free must not ask the finished loop to exit */
    while (d->conns)
        conn_free(d->conns);
    if (d->listener)
        evconnlistener_free(d->listener);
    event_free(d->done_ev);
    event_free(d->sig_term);
    event_free(d->sig_int);
    event_free(d->sig_hup);
    event_base_free(d->base);
    if (d->socket_path)
        unlink(d->socket_path);
    vn_log("stopped");
    return 0;
}
