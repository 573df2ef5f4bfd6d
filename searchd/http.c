/* SPDX-License-Identifier: GPL-2.0-or-later */
/* http.c -- vnsearchd's HTTP/JSON front-end, with libevent's evhttp.
 *
 * The same commands as the line protocol, from the same table
 * (commands.c): a path names the command (GET /search?q=..., /count,
 * /documents/{id}, /suggest?q=, /stats, /health, /metrics), query
 * parameters are its options (through vn_request_option, the line
 * protocol's rules), and the reply body is exactly the line protocol's
 * JSON reply, with an HTTP status that matches its error code.  Requests
 * that need the index go to the same worker pool; the reply is sent from
 * the loop when the job comes back (evhttp does not read a connection
 * while its request is pending, so the request stays valid until then).
 * GET / serves the search page: web_root's files, read once at start.
 * GET /watch?q= is a standing search's Server-Sent Events stream.
 * What the line protocol refuses is refused here too: NUL bytes, a
 * doubled Content-Length, clients over their slots (counted from a
 * connection's first request), wrong tokens past the throttle
 * (throttle.c), a request not whole within line_timeout (http_watch);
 * out of descriptors the listener pauses (server.c).
 * Not here: parsing options (proto_parse.c), running commands (workers.c). */
#include "daemon.h"

#include <errno.h>
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <event2/listener.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/queue.h>
#include <sys/socket.h>

#define HTTP_MAX_HEADERS 16384 /* bytes of request headers */
#define PAGE_MAX_BYTES (1u << 20) /* a file of the search page: kilobytes, never megabytes */
#define GZIP_MIN 1024 /* bytes of a reply worth compressing (a header costs ~20) */
#define GZIP_LEVEL 1  /* replies: zlib's fastest (50 hits of JSON: 20 KB to ~5 KB) */

/* The search page's files, read at start. */
static const struct page {
    const char *path, *file, *type;
} pages[] = {
    {"/", "index.html", "text/html; charset=utf-8"},
    {"/app.js", "app.js", "text/javascript; charset=utf-8"},
    {"/style.css", "style.css", "text/css; charset=utf-8"},
};
#define NPAGES (sizeof pages / sizeof pages[0])
static vn_buf page_body[NPAGES], page_gz[NPAGES]; /* as read, and gzipped once */
static char page_etag[NPAGES][24];
static struct evhttp_bound_socket *bound;
static vn_daemon *http_daemon; /* for the listener's error callback, whose argument is evhttp's */

/* HTTP connections, counted from their first request (libevent 2.1's
 * evhttp tells nothing sooner) until they close, against max_clients and
 * max_clients_per_address together with the line protocol's. */
typedef struct http_conn {
    struct http_conn *next;
    struct evhttp_connection *evcon;
    char peer[64];
} http_conn;
static http_conn *http_conns;

/* A deadline on every HTTP connection, from its start and from each
 * reply: the next request must have arrived whole within line_timeout,
 * as a line of the line protocol must (evhttp's own timeout is for
 * silence only, and a client trickling a header byte at a time held its
 * connection for ever).  libevent 2.1 tells nothing of a connection
 * before its first request is complete, but evhttp asks us for each
 * connection's bufferevent (evhttp_set_bevcb): we keep a reference to it
 * (bufferevent_incref) and a timer.  Past the deadline, with no request
 * being answered, its socket is shut down: evhttp reads the end and
 * frees the connection itself, as when a client leaves.
 *
 * Our reference must never outlive the socket's number: evhttp frees a
 * bufferevent without deleting its events, and while ours held it, a new
 * connection given the same descriptor number had its read event shadowed
 * by the old one in libevent's table and hung until line_timeout (1 in
 * 1,000 requests that arrive in two packets, under load).  So the
 * bufferevent closes its socket itself (BEV_OPT_CLOSE_ON_FREE: the number
 * is not reused while we hold it), and we let go as soon as evhttp frees
 * the connection: in its close callback for a connection that made a
 * request (on_http_close), within WATCH_TICK for one that never did. */
typedef struct http_watch {
    struct http_watch *next;
    struct bufferevent *bev;
    struct event *timer;
    double since;  /* start, or the last reply */
    int busy;      /* a request is being answered */
    int cut;       /* its socket was shut down */
    int on_close;  /* evhttp's close callback lets go of it (it made a request): no polling */
    unsigned auth_failures; /* wrong tokens on this connection */
    double req_started;     /* when its request came (for the access log) */
} http_watch;
static http_watch *http_watches;
#define WATCH_TICK 0.1 /* seconds: how soon a freed connection's reference (and socket) goes */

static void watch_arm(http_watch *w, double secs)
{
    struct timeval tv = {(time_t)secs, (suseconds_t)((secs - (double)(time_t)secs) * 1e6)};
    evtimer_add(w->timer, &tv);
}

static void watch_free(http_watch *w)
{
    for (http_watch **p = &http_watches; *p; p = &(*p)->next)
        if (*p == w) {
            *p = w->next;
            break;
        }
    event_free(w->timer);
    bufferevent_decref(w->bev);
    free(w);
}

static void on_watch(evutil_socket_t fd, short what, void *arg)
{
    (void)fd;
    (void)what;
    http_watch *w = arg;
    vn_daemon *d = http_daemon;
    bufferevent_data_cb readcb = NULL;
    bufferevent_getcb(w->bev, &readcb, NULL, NULL, NULL);
    if (!readcb) { /* evhttp freed it: the socket closes with our reference */
        watch_free(w);
        return;
    }
    double left = d->cfg.line_timeout - (vn_clock_now() - w->since);
    if (w->cut || w->busy || left > 0) { /* (cut: evhttp reads the end and frees it) */
        double next = w->cut || w->busy ? d->cfg.line_timeout : left;
        if (!w->on_close && next > WATCH_TICK)
            next = WATCH_TICK; /* no close callback will say when evhttp frees it */
        watch_arm(w, next);
        return;
    }
    evutil_socket_t s = bufferevent_getfd(w->bev);
    if (s >= 0) {
        vn_log_warn("HTTP: a request not finished within %u s; connection closed", d->cfg.line_timeout);
        shutdown(s, SHUT_RDWR);
    }
    w->cut = 1;
    watch_arm(w, WATCH_TICK);
}

/* evhttp is freeing the connection of bev: let go of it now. */
static void watch_release(struct bufferevent *bev)
{
    for (http_watch *w = http_watches; bev && w; w = w->next)
        if (w->bev == bev) {
            watch_free(w);
            return;
        }
}

static struct bufferevent *on_new_bev(struct event_base *base, void *arg)
{
    (void)arg;
    struct bufferevent *bev = bufferevent_socket_new(base, -1, BEV_OPT_CLOSE_ON_FREE);
    http_watch *w = bev ? vn_xcalloc(1, sizeof *w) : NULL;
    if (!w || !(w->timer = evtimer_new(base, on_watch, w))) {
        free(w);
        return bev; /* no deadline for this one rather than no connection */
    }
    bufferevent_incref(bev);
    w->bev = bev;
    w->since = vn_clock_now();
    w->next = http_watches;
    http_watches = w;
    watch_arm(w, WATCH_TICK);
    return bev;
}

/* The watch of the connection of req, or NULL. */
static http_watch *watch_of(struct evhttp_request *req)
{
    struct evhttp_connection *evcon = evhttp_request_get_connection(req);
    struct bufferevent *bev = evcon ? evhttp_connection_get_bufferevent(evcon) : NULL;
    for (http_watch *w = http_watches; bev && w; w = w->next)
        if (w->bev == bev)
            return w;
    return NULL;
}

/* Server-Sent Events streams of standing searches (GET /watch?q=): the
 * reply is begun and never ended; each alert is one event.  A stream
 * ends with its connection (on_http_close), its watch with it. */
typedef struct sse {
    struct sse *next;
    unsigned long id;                /* the watch's owner (vn_watch_add) */
    struct evhttp_request *req;
    struct evhttp_connection *evcon;
} sse;
static sse *sse_streams;
static unsigned long next_sse = 1;
#define SSE_OUT_MAX (4u << 20) /* unsent event bytes before a stream is cut */

/* Drop the streams of evcon (it is closing), and their watches. */
static void sse_forget(vn_daemon *d, struct evhttp_connection *evcon)
{
    for (sse **p = &sse_streams; *p;) {
        if ((*p)->evcon == evcon) {
            sse *gone = *p;
            *p = gone->next;
            vn_watch_drop(d, gone->id, 1);
            /* the client left mid-stream: evhttp let go of the request
             * (its reply is ours to end) and ending it frees it */
            if (!evhttp_request_get_connection(gone->req))
                evhttp_send_reply_end(gone->req);
            free(gone);
        } else {
            p = &(*p)->next;
        }
    }
}

/* One event: "event: NAME", the JSON line as data, a blank line. */
static void sse_event(struct evhttp_request *req, const char *name, const char *json, size_t len)
{
    struct evbuffer *b = evbuffer_new();
    if (!b)
        return;
    while (len && (json[len - 1] == '\n' || json[len - 1] == '\r'))
        len--;
    evbuffer_add_printf(b, "event: %s\ndata: ", name);
    evbuffer_add(b, json, len);
    evbuffer_add(b, "\n\n", 2);
    evhttp_send_reply_chunk(req, b);
    evbuffer_free(b);
}

static void send_error(vn_daemon *d, struct evhttp_request *req, const char *code, const char *msg, int status);
static const char *peer_of(struct evhttp_request *req);
static const char *http_method(enum evhttp_cmd_type m);
static void add_cors(vn_daemon *d, struct evhttp_request *req);

/* GET /watch?q=: register the watch, begin the stream, first event
 * "watch" with its number. */
static void sse_start(vn_daemon *d, struct evhttp_request *req, const vn_request *r)
{
    uint64_t id;
    unsigned long owner = next_sse++;
    vn_error err;
    int added = vn_watch_add(d, owner, 1, 1, r->arg, &id, &err);
    if (added != 0) { /* the query refused: as SEARCH's status; too many watches: 429 */
        send_error(d, req, err.code == VN_ERR_LIMIT ? VN_ERRC_LIMIT : VN_ERRC_BADREQ, err.msg, added == 2 ? 429 : 0);
        return;
    }
    sse *st = vn_xcalloc(1, sizeof *st);
    st->id = owner;
    st->req = req;
    st->evcon = evhttp_request_get_connection(req);
    st->next = sse_streams;
    sse_streams = st;
    struct evkeyvalq *h = evhttp_request_get_output_headers(req);
    evhttp_add_header(h, "Content-Type", "text/event-stream; charset=utf-8");
    evhttp_add_header(h, "Cache-Control", "no-store");
    evhttp_add_header(h, "X-Content-Type-Options", "nosniff");
    add_cors(d, req);
    evhttp_send_reply_start(req, 200, "OK");
    /* a stream may be silent for hours: no read timeout, and line_timeout
     * to take what is sent (a reader that takes nothing is cut) */
    struct bufferevent *bev = st->evcon ? evhttp_connection_get_bufferevent(st->evcon) : NULL;
    struct timeval line = {(time_t)d->cfg.line_timeout, 0};
    if (bev)
        bufferevent_set_timeouts(bev, NULL, &line);
    vn_buf first = VN_BUF_INIT;
    vn_reply_watch(&first, 1, id);
    sse_event(req, "watch", first.data, first.len);
    vn_buf_free(&first);
}

int vn_http_alert(vn_daemon *d, const vn_alert *a)
{
    (void)d;
    for (sse *st = sse_streams; st; st = st->next) {
        if (st->id != a->owner)
            continue;
        struct bufferevent *bev = st->evcon ? evhttp_connection_get_bufferevent(st->evcon) : NULL;
        if (bev && evbuffer_get_length(bufferevent_get_output(bev)) > SSE_OUT_MAX) {
            vn_log_warn("HTTP: alerts not read (over %u bytes waiting): stream closed", SSE_OUT_MAX);
            evutil_socket_t fd = bufferevent_getfd(bev);
            if (fd >= 0)
                shutdown(fd, SHUT_RDWR); /* evhttp reads the end and frees it: on_http_close */
            return 0;
        }
        sse_event(st->req, "alert", a->line.data, a->line.len);
        return 1;
    }
    return 0;
}

static void on_http_close(struct evhttp_connection *evcon, void *arg)
{
    vn_daemon *d = arg;
    sse_forget(d, evcon);
    watch_release(evhttp_connection_get_bufferevent(evcon));
    for (http_conn **p = &http_conns; *p; p = &(*p)->next)
        if ((*p)->evcon == evcon) {
            http_conn *gone = *p;
            *p = gone->next;
            vn_clients_leave(d, gone->peer);
            pthread_mutex_lock(&d->mu);
            d->http_nconns--;
            pthread_mutex_unlock(&d->mu);
            free(gone);
            return;
        }
}

/* NULL when the connection of req holds (or may take) a slot, else why not. */
static const char *slot_refused(vn_daemon *d, struct evhttp_request *req, const char *peer)
{
    struct evhttp_connection *evcon = evhttp_request_get_connection(req);
    if (!evcon)
        return NULL;
    for (http_conn *h = http_conns; h; h = h->next)
        if (h->evcon == evcon)
            return NULL; /* counted at its first request */
    const char *full = vn_clients_admit(d, peer);
    if (full)
        return full;
    http_conn *h = vn_xcalloc(1, sizeof *h);
    h->evcon = evcon;
    snprintf(h->peer, sizeof h->peer, "%s", peer);
    h->next = http_conns;
    http_conns = h;
    pthread_mutex_lock(&d->mu);
    d->http_nconns++;
    pthread_mutex_unlock(&d->mu);
    evhttp_connection_set_closecb(evcon, on_http_close, d);
    http_watch *w = watch_of(req);
    if (w)
        w->on_close = 1;
    return NULL;
}

static void on_http_accept_error(struct evconnlistener *l, void *arg)
{
    (void)arg; /* the struct evhttp evhttp_bind_listener gave the listener */
    vn_accept_error(l, http_daemon);
}

static void add_cors(vn_daemon *d, struct evhttp_request *req)
{
    const char *origin = evhttp_find_header(evhttp_request_get_input_headers(req), "Origin");
    if (!origin || !d->cfg.http_cors[0])
        return;
    size_t n = strlen(origin);
    for (const char *p = d->cfg.http_cors; *p;) {
        while (*p == ' ')
            p++;
        size_t w = strcspn(p, " ");
        if (w == n && strncmp(p, origin, n) == 0) {
            struct evkeyvalq *h = evhttp_request_get_output_headers(req);
            evhttp_add_header(h, "Access-Control-Allow-Origin", origin);
            evhttp_add_header(h, "Vary", "Origin");
            return;
        }
        p += w;
    }
}

static const char *reason(int status)
{
    switch (status) {
    case 200: return "OK";
    case 400: return "Bad Request";
    case 204: return "No Content";
    case 304: return "Not Modified";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 413: return "Content Too Large";
    case 429: return "Too Many Requests";
    case 503: return "Service Unavailable";
    default: return "Internal Server Error";
    }
}

/* A reply: `body` gzipped when the client accepts it and it is worth it
 * (`gz`, when given, is body gzipped already), with Cache-Control `cache`. */
static void http_send_full(vn_daemon *d, struct evhttp_request *req, int status, const char *type,
                           const char *body, size_t len, const vn_buf *gz, const char *cache, const char *outcome)
{
    struct evkeyvalq *h = evhttp_request_get_output_headers(req);
    if (type)
        evhttp_add_header(h, "Content-Type", type);
    evhttp_add_header(h, "Cache-Control", cache);
    evhttp_add_header(h, "X-Content-Type-Options", "nosniff");
    /* what follows a refused request is not trusted; a missing or wrong
     * token (counted), an unknown path or a busy server say nothing bad */
    if (status >= 400 && status != 401 && status != 403 && status != 404 && status != 503)
        evhttp_add_header(h, "Connection", "close");
    add_cors(d, req);
    vn_buf zipped = VN_BUF_INIT;
    if (len >= GZIP_MIN) {
        evhttp_add_header(h, "Vary", "Accept-Encoding");
        if (vn_http_accepts_gzip(evhttp_find_header(evhttp_request_get_input_headers(req), "Accept-Encoding")) &&
            (gz || vn_http_gzip(body, len, GZIP_LEVEL, &zipped) == 0)) {
            body = gz ? gz->data : zipped.data;
            len = gz ? gz->len : zipped.len;
            evhttp_add_header(h, "Content-Encoding", "gzip");
        }
    }
    struct evbuffer *b = evbuffer_new();
    if (evhttp_request_get_command(req) == EVHTTP_REQ_HEAD) {
        /* what GET would send, without its body (evhttp wrote the body and
         * no length, and a pipelined request read it as its own) */
        char n[24];
        snprintf(n, sizeof n, "%zu", len);
        evhttp_add_header(h, "Content-Length", n);
    } else if (b) {
        evbuffer_add(b, body, len);
    }
    vn_buf_free(&zipped);
    http_watch *w = watch_of(req);
    double now = vn_clock_now();
    vn_metrics_http(d, status);
    const char *uri = evhttp_request_get_uri(req);
    char what[256];
    int wl = snprintf(what, sizeof what, "%s %s", http_method(evhttp_request_get_command(req)), uri ? uri : "/");
    vn_log_request(d, peer_of(req), 1, what, wl < 0 ? 0 : (size_t)wl < sizeof what ? (size_t)wl : sizeof what - 1,
                   status, outcome, w ? now - w->req_started : 0, len);
    if (w) { /* answered: the next request has line_timeout from now */
        w->busy = 0;
        w->since = now;
    }
    evhttp_send_reply(req, status, reason(status), b);
    if (b)
        evbuffer_free(b);
}

static void http_send(vn_daemon *d, struct evhttp_request *req, int status, const char *type, const char *body,
                      size_t len, const char *outcome)
{
    http_send_full(d, req, status, type, body, len, NULL, "no-store", outcome);
}

static void send_error(vn_daemon *d, struct evhttp_request *req, const char *code, const char *msg, int status)
{
    vn_buf out = VN_BUF_INIT;
    vn_ctx x = {.d = d, .out = &out, .json = 1, .status = 200, .outcome = "ok"};
    vn_ctx_error(&x, code, msg);
    http_send(d, req, status ? status : x.status, "application/json; charset=utf-8", out.data, out.len, code);
    vn_buf_free(&out);
}

void vn_http_reply(vn_daemon *d, job *j)
{
    if (j->outcome && strcmp(j->outcome, VN_ERRC_BUSY) == 0)
        evhttp_add_header(evhttp_request_get_output_headers(j->http), "Retry-After", "5");
    http_send(d, j->http, j->status, j->type ? j->type : "application/json; charset=utf-8",
         j->reply.data ? j->reply.data : "", j->reply.len, j->outcome);
}

/* The method as the client sent it, for the access log. */
static const char *http_method(enum evhttp_cmd_type m)
{
    switch (m) {
    case EVHTTP_REQ_GET: return "GET";
    case EVHTTP_REQ_HEAD: return "HEAD";
    case EVHTTP_REQ_POST: return "POST";
    case EVHTTP_REQ_DELETE: return "DELETE";
    case EVHTTP_REQ_PUT: return "PUT";
    case EVHTTP_REQ_OPTIONS: return "OPTIONS";
    default: return "OTHER";
    }
}

/* The method the command table knows it by: HEAD is GET without a body
 * (a method no command takes finds none, and the path's Allow). */
static const char *method_name(enum evhttp_cmd_type m)
{
    return m == EVHTTP_REQ_HEAD ? "GET" : http_method(m);
}

/* Whether `path` is the path `pat` of the table: equal, or with "{id}"
 * standing for a non-empty id (*id_at, *id_len: where it is in path). */
static int path_matches(const char *pat, const char *path, size_t *id_at, size_t *id_len)
{
    const char *brace = strstr(pat, "{id}");
    if (!brace)
        return strcmp(pat, path) == 0;
    size_t pre = (size_t)(brace - pat), post = strlen(brace + 4), n = strlen(path);
    if (n <= pre + post || strncmp(path, pat, pre) != 0 || strcmp(path + n - post, brace + 4) != 0)
        return 0;
    *id_at = pre;
    *id_len = n - pre - post;
    return 1;
}

/* Whether command c answers `method`: its own, or POST with a JSON
 * object of parameters for a GET that takes a query (POST /search). */
static int takes_method(const vn_command *c, const char *method, int *json_params)
{
    if (strcmp(method, c->method) == 0)
        return 1;
    *json_params = strcmp(method, "POST") == 0 && strcmp(c->method, "GET") == 0 && c->arg == VN_ARG_QUERY;
    return *json_params;
}

/* The command of a method and path, and the id in the path (decoded,
 * malloc'd) when it has one; the pattern with the longest fixed part wins
 * ("/documents/a/related" is RELATED of "a", not GET of "a/related").
 * *json_params: a POST whose body is the parameters.  NULL when none,
 * with the methods the path takes in `allow` (empty: no such path). */
static const vn_command *route(const char *method, const char *path, char **id, int *json_params, char allow[64])
{
    *id = NULL;
    *json_params = 0;
    allow[0] = '\0';
    const vn_command *best = NULL;
    size_t best_fixed = 0, at = 0, len = 0;
    int best_json = 0;
    for (size_t i = 0; i < VN_NCOMMANDS; i++) {
        const char *p = vn_commands[i].http;
        size_t ia = 0, il = 0;
        if (!p || !path_matches(p, path, &ia, &il))
            continue;
        size_t fixed = strlen(p);
        int jp = 0;
        if (!takes_method(&vn_commands[i], method, &jp)) {
            const char *m = vn_commands[i].method;
            if (!strstr(allow, m)) {
                size_t n = strlen(allow);
                snprintf(allow + n, 64 - n, "%s%s%s", n ? ", " : "", m,
                         strcmp(m, "GET") == 0 ? vn_commands[i].arg == VN_ARG_QUERY ? ", HEAD, POST" : ", HEAD" : "");
            }
            continue;
        }
        if (!best || fixed > best_fixed) {
            best = &vn_commands[i];
            best_fixed = fixed;
            best_json = jp;
            at = ia;
            len = il;
        }
    }
    if (!best)
        return NULL;
    *json_params = best_json;
    if (len) { /* an {id} pattern: the id is never empty */
        char *raw = vn_xstrndup(path + at, len);
        *id = evhttp_uridecode(raw, 0, NULL);
        free(raw);
    }
    return best;
}

/* The request body (POST), NUL-terminated; malloc'd. */
static char *body_of(struct evhttp_request *req)
{
    struct evbuffer *in = evhttp_request_get_input_buffer(req);
    size_t n = evbuffer_get_length(in);
    return vn_xstrndup(n ? (const char *)evbuffer_pullup(in, -1) : "", n);
}

/* The client's address, as the logs and the throttle name it. */
static const char *peer_of(struct evhttp_request *req)
{
    char *host = NULL;
    ev_uint16_t port = 0;
    struct evhttp_connection *evcon = evhttp_request_get_connection(req);
    if (evcon)
        evhttp_connection_get_peer(evcon, &host, &port);
    return host ? host : "?";
}

/* Authorization: Bearer <token>: VN_SCOPE_* of a right one (0: none
 * given), -1 wrong (logged, counted against the address and the
 * connection, which is closed after VN_AUTH_CONN_FAILURES, as the line
 * protocol's), -2 the address may not try now. */
static int bearer(vn_daemon *d, struct evhttp_request *req, double *wait)
{
    const char *h = evhttp_find_header(evhttp_request_get_input_headers(req), "Authorization");
    if (!h)
        return 0;
    const char *peer = peer_of(req);
    int t = vn_token_try(d, peer, strncasecmp(h, "Bearer ", 7) == 0 ? h + 7 : "", wait);
    if (t == -1) {
        http_watch *w = watch_of(req);
        unsigned n = w ? ++w->auth_failures : VN_AUTH_CONN_FAILURES;
        vn_log_warn("HTTP from %s: wrong bearer token (%u)%s", peer, n,
                    n >= VN_AUTH_CONN_FAILURES ? "; too many failures, closing" : "");
        if (n >= VN_AUTH_CONN_FAILURES)
            evhttp_add_header(evhttp_request_get_output_headers(req), "Connection", "close");
    }
    return t;
}

/* What evhttp lets through and a request must not carry: a NUL byte
 * anywhere (decoded values are C strings: "victim%00-other" named
 * "victim"), a Content-Length given twice or not a plain number (a proxy
 * that reads the other one would see a request smuggled in the body).
 * The reason, or NULL. */
static const char *refused_request(struct evhttp_request *req)
{
    const char *uri = evhttp_request_get_uri(req);
    if (uri && strstr(uri, "%00"))
        return "a NUL byte (%00) in the address";
    int lengths = 0;
    struct evkeyval *kv;
    TAILQ_FOREACH(kv, evhttp_request_get_input_headers(req), next)
    {
        if (strcasecmp(kv->key, "Content-Length") != 0)
            continue;
        if (++lengths > 1)
            return "Content-Length given more than once";
        if (!*kv->value || strspn(kv->value, "0123456789") != strlen(kv->value))
            return "Content-Length is not a number";
    }
    struct evbuffer *in = evhttp_request_get_input_buffer(req);
    size_t n = evbuffer_get_length(in);
    if (n && evbuffer_search(in, "", 1, NULL).pos >= 0)
        return "a NUL byte in the body";
    return NULL;
}

static vn_status add_param(void *ctx, const char *key, const char *value, vn_error *err)
{
    if (evhttp_add_header(ctx, key, value) != 0)
        return vn_error_set(err, VN_ERR_INVALID, "parameter \"%.32s\" may not contain a line break", key);
    return VN_OK;
}

/* Parameters to the request, from the query string and, for a POST of
 * parameters, the JSON object `json`: q is the argument, the rest options;
 * `id`: the argument from the path or a POSTed body. */
static vn_status fill(vn_daemon *d, vn_request *r, const char *query, const char *json, const char *id,
                      vn_error *err)
{
    struct evkeyvalq params;
    TAILQ_INIT(&params);
    if (query && evhttp_parse_query_str(query, &params) != 0)
        return vn_error_set(err, VN_ERR_INVALID, "malformed query string");
    vn_proto_limits lim = {d->cfg.max_results};
    vn_status rc = json ? vn_http_json_params(json, add_param, &params, err) : VN_OK;
    const char *arg = id;
    struct evkeyval *kv;
    TAILQ_FOREACH(kv, &params, next)
    {
        if (rc != VN_OK)
            break;
        if (strcmp(kv->key, "q") == 0 && !id && r->command->arg != VN_ARG_NONE) {
            arg = kv->value;
            continue;
        }
        if (r->command->arg != VN_ARG_QUERY) {
            rc = vn_error_set(err, VN_ERR_INVALID, "%s takes no parameter \"%.32s\"", r->command->http, kv->key);
            break;
        }
        rc = vn_request_option(r, kv->key, strlen(kv->key), kv->value, strlen(kv->value), &lim, err);
        if (rc == VN_ERR_NOTFOUND) {
            err->code = rc = VN_ERR_INVALID;
        }
    }
    if (rc == VN_OK) {
        /* a query's line break would be a second request on the line protocol; here too it is
         * refused (a POSTed body is JSON Lines: its breaks separate articles) */
        if (arg && r->command->arg != VN_ARG_JSON && strpbrk(arg, "\r\n"))
            rc = vn_error_set(err, VN_ERR_INVALID, "a query may not contain a line break");
        else
            rc = vn_request_arg(r, arg ? arg : "", arg ? strlen(arg) : 0, err);
    }
    evhttp_clear_headers(&params);
    return rc;
}

/* GET of the page's files (ETag, revalidated: a new page is seen at once
 * after a restart) and /favicon.ico (none: 204, cached a day).  0 when
 * `path` is neither. */
static int serve_page(vn_daemon *d, struct evhttp_request *req, const char *path)
{
    if (strcmp(path, "/favicon.ico") == 0) {
        http_send_full(d, req, 204, NULL, "", 0, NULL, "max-age=86400", "ok");
        return 1;
    }
    for (size_t i = 0; i < NPAGES; i++) {
        if (strcmp(path, pages[i].path) != 0)
            continue;
        if (!page_body[i].data) {
            send_error(d, req, VN_ERRC_NOTFOUND, "the search page is not installed (web_root)", 404);
            return 1;
        }
        struct evkeyvalq *h = evhttp_request_get_output_headers(req);
        evhttp_add_header(h, "ETag", page_etag[i]);
        const char *inm = evhttp_find_header(evhttp_request_get_input_headers(req), "If-None-Match");
        if (inm && strstr(inm, page_etag[i]))
            http_send_full(d, req, 304, NULL, "", 0, NULL, "no-cache", "ok");
        else
            http_send_full(d, req, 200, pages[i].type, page_body[i].data, page_body[i].len,
                           page_gz[i].data ? &page_gz[i] : NULL, "no-cache", "ok");
        return 1;
    }
    return 0;
}

static void on_request(struct evhttp_request *req, void *arg)
{
    vn_daemon *d = arg;
    http_watch *w = watch_of(req);
    if (w) {
        w->busy = 1; /* a job may take a while: no deadline until it is answered */
        w->req_started = vn_clock_now();
    }
    enum evhttp_cmd_type method = evhttp_request_get_command(req);
    const struct evhttp_uri *uri = evhttp_request_get_evhttp_uri(req);
    const char *path = uri ? evhttp_uri_get_path(uri) : NULL;
    if (!path || !*path)
        path = "/";
    if (d->draining) {
        send_error(d, req, VN_ERRC_SHUTDOWN, "the server is stopping", 503);
        return;
    }
    if (method == EVHTTP_REQ_OPTIONS) { /* a browser's CORS preflight */
        struct evkeyvalq *h = evhttp_request_get_output_headers(req);
        evhttp_add_header(h, "Access-Control-Allow-Methods", "GET, POST, DELETE");
        evhttp_add_header(h, "Access-Control-Allow-Headers", "Authorization, Content-Type");
        http_send(d, req, 200, "text/plain", "", 0, "ok");
        return;
    }
    if (method == EVHTTP_REQ_GET || method == EVHTTP_REQ_HEAD) {
        if (serve_page(d, req, path))
            return;
    }
    const char *full = slot_refused(d, req, peer_of(req));
    if (full) {
        vn_log_warn("refused HTTP from %s: %s", peer_of(req), full);
        evhttp_add_header(evhttp_request_get_output_headers(req), "Connection", "close");
        evhttp_add_header(evhttp_request_get_output_headers(req), "Retry-After", "5");
        send_error(d, req, VN_ERRC_LIMIT, full, 503);
        return;
    }
    const char *bad = refused_request(req);
    if (bad) {
        send_error(d, req, VN_ERRC_BADREQ, bad, 400);
        return;
    }
    char *id, allow[64];
    int json_params;
    const vn_command *c = route(method_name(method), path, &id, &json_params, allow);
    if (!c) {
        if (allow[0]) {
            evhttp_add_header(evhttp_request_get_output_headers(req), "Allow", allow);
            send_error(d, req, VN_ERRC_BADREQ, "this path does not take that method (see Allow)", 405);
        } else {
            send_error(d, req, VN_ERRC_NOTFOUND, "no such path; see vnsearch-protocol(7)", 404);
        }
        return;
    }
    double wait = 0;
    int token = bearer(d, req, &wait);
    const char *denied = token == -2   ? "too many wrong tokens from your address; try again later"
                         : token == -1 ? "wrong token"
                                       : vn_admin_denied(d, c, token);
    if (denied) {
        free(id);
        vn_metrics_count(d, c->cmd, VN_ERRC_NOAUTH, 0);
        struct evkeyvalq *h = evhttp_request_get_output_headers(req);
        if (token == -2) {
            char s[24];
            snprintf(s, sizeof s, "%.0f", wait + 0.5);
            evhttp_add_header(h, "Retry-After", s);
        } else if (token == 0) { /* none given: say which kind is wanted */
            evhttp_add_header(h, "WWW-Authenticate", "Bearer realm=\"vnsearch\"");
        }
        /* 401: no token; 403: a wrong one, or one that does not allow this */
        send_error(d, req, VN_ERRC_NOAUTH, denied, token == -2 ? 429 : token == 0 ? 401 : 403);
        return;
    }
    vn_request r;
    vn_request_init(&r, c);
    vn_error err;
    char *body = method == EVHTTP_REQ_POST ? body_of(req) : NULL;
    vn_status rc = VN_OK;
    if (body && c->cmd == VN_CMD_ADD && body[strspn(body, " \t\r\n")] == '[') {
        /* a JSON array of articles: as JSON Lines */
        vn_buf lines = VN_BUF_INIT;
        rc = vn_http_articles_array(body, &lines, &err);
        free(body);
        vn_buf_putc(&lines, '\0');
        body = lines.data;
    }
    if (rc == VN_OK)
        rc = fill(d, &r, uri ? evhttp_uri_get_query(uri) : NULL, json_params ? body : NULL,
                  json_params ? NULL : body ? body : id, &err);
    free(id);
    free(body);
    if (rc != VN_OK) {
        vn_metrics_count(d, c->cmd, rc == VN_ERR_LIMIT ? VN_ERRC_LIMIT : VN_ERRC_BADREQ, 0);
        send_error(d, req, rc == VN_ERR_LIMIT ? VN_ERRC_LIMIT : VN_ERRC_BADREQ, err.msg, 0);
        vn_request_clear(&r);
        return;
    }
    if (c->cmd == VN_CMD_WATCH) { /* a stream, answered here */
        sse_start(d, req, &r);
        vn_request_clear(&r);
        return;
    }
    d->http_pending++;
    vn_dispatch(d, vn_job_new(&r, NULL, req, 1, peer_of(req)));
}

/* Read the search page's files; a missing one is logged, not fatal. */
static void load_pages(vn_daemon *d)
{
    for (size_t i = 0; i < NPAGES; i++) {
        char path[1200];
        snprintf(path, sizeof path, "%s/%s", d->cfg.web_root, pages[i].file);
        int got = vn_buf_read_file(&page_body[i], path, PAGE_MAX_BYTES);
        if (got != 0) {
            vn_log_warn("search page: cannot read %s (%s); it answers 404", path,
                   got < 0 ? strerror(errno) : "over 1 MB");
            vn_buf_free(&page_body[i]);
            continue;
        }
        vn_http_etag(page_body[i].data, page_body[i].len, page_etag[i]);
        if (vn_http_gzip(page_body[i].data, page_body[i].len, 9, &page_gz[i]) != 0)
            vn_buf_free(&page_gz[i]); /* sent as it is */
    }
}

int vn_http_start(vn_daemon *d)
{
    if (!d->cfg.http_listen[0])
        return 0;
    int fd, rc = vn_listen_tcp(d, d->cfg.http_listen, &fd);
    if (rc)
        return rc;
    d->http = evhttp_new(d->base);
    /* our own listener: evhttp's logs every failed accept and spins on
     * EMFILE (5 s of CPU and 51 MB of log in 5 s); ours pauses instead */
    d->http_listener = d->http ? evconnlistener_new(d->base, NULL, NULL, LEV_OPT_CLOSE_ON_FREE, 0, fd) : NULL;
    if (!d->http_listener || !(bound = evhttp_bind_listener(d->http, d->http_listener))) {
        vn_log_err("cannot serve HTTP on %s", d->cfg.http_listen);
        return 3;
    }
    http_daemon = d;
    evconnlistener_set_error_cb(d->http_listener, on_http_accept_error);
    evhttp_set_gencb(d->http, on_request, d);
    evhttp_set_allowed_methods(d->http, EVHTTP_REQ_GET | EVHTTP_REQ_HEAD | EVHTTP_REQ_POST | EVHTTP_REQ_DELETE |
                                            EVHTTP_REQ_PUT | EVHTTP_REQ_OPTIONS);
    evhttp_set_max_headers_size(d->http, HTTP_MAX_HEADERS);
    evhttp_set_max_body_size(d->http, d->cfg.max_body > d->cfg.max_line ? d->cfg.max_body : d->cfg.max_line);
    evhttp_set_timeout(d->http, (int)d->cfg.line_timeout);
    evhttp_set_bevcb(d->http, on_new_bev, d);
    load_pages(d);
    vn_log("HTTP on %s", d->cfg.http_listen);
    return 0;
}

void vn_http_stop_accepting(vn_daemon *d)
{
    if (d->http && bound) {
        evhttp_del_accept_socket(d->http, bound); /* frees the listener */
        bound = NULL;
        d->http_listener = NULL;
    }
}

void vn_http_stop(vn_daemon *d)
{
    if (d->http)
        evhttp_free(d->http); /* each connection's close callback forgets it */
    while (http_watches) /* their bufferevents are freed by now: drop our references */
        watch_free(http_watches);
    while (sse_streams) { /* their connections are gone with the evhttp */
        sse *next = sse_streams->next;
        free(sse_streams);
        sse_streams = next;
    }
    while (http_conns) {
        http_conn *next = http_conns->next;
        free(http_conns);
        http_conns = next;
    }
    d->http = NULL;
    bound = NULL;
    d->http_listener = NULL;
    for (size_t i = 0; i < NPAGES; i++) {
        vn_buf_free(&page_body[i]);
        vn_buf_free(&page_gz[i]);
    }
}
