/* SPDX-License-Identifier: GPL-2.0-or-later */
/* client.c -- libvnsearch-client (see vnsearch_client.h): connection with
 * timeouts and one transparent reconnect, request lines, JSON replies. */
#include "vnsearch_client.h"
#include "vn_clock.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <netdb.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

static int fail(vnc_context *c, int err, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(c->errstr, sizeof c->errstr, fmt, ap);
    va_end(ap);
    c->err = err;
    c->code[0] = '\0'; /* request() sets the daemon's code after this */
    return err;
}

static void disconnect(vnc_context *c)
{
    if (c->fd >= 0)
        close(c->fd);
    c->fd = -1;
    c->len = 0;
    for (size_t i = 0; i < c->nalerts; i++) /* a new connection has no watches */
        free(c->alerts[i]);
    c->nalerts = 0;
}

/* Wait until fd is ready for `events` or the deadline passes. */
static int wait_fd(vnc_context *c, short events, double deadline)
{
    for (;;) {
        double left = deadline - vn_clock_now();
        if (left <= 0)
            return fail(c, VNC_ERR_TIMEOUT, "no answer within %.1f s", c->timeout);
        struct pollfd p = {c->fd, events, 0};
        int r = poll(&p, 1, (int)(left * 1000) + 1);
        if (r > 0)
            return VNC_OK;
        if (r < 0 && errno != EINTR)
            return fail(c, VNC_ERR_IO, "poll: %s", strerror(errno));
    }
}

/* Read one line (without its ending); *line is malloc'd, the caller frees. */
static int read_line(vnc_context *c, char **line, double deadline)
{
    for (;;) {
        char *nl = c->len ? memchr(c->buf, '\n', c->len) : NULL;
        if (nl) {
            size_t n = (size_t)(nl - c->buf), keep = c->len - n - 1;
            size_t l = n > 0 && c->buf[n - 1] == '\r' ? n - 1 : n;
            *line = malloc(l + 1);
            if (!*line)
                return fail(c, VNC_ERR_IO, "out of memory");
            memcpy(*line, c->buf, l);
            (*line)[l] = '\0';
            memmove(c->buf, nl + 1, keep);
            c->len = keep;
            return VNC_OK;
        }
        if (c->len + 4096 > c->cap) {
            size_t cap = c->cap ? c->cap * 2 : 8192;
            char *b = realloc(c->buf, cap);
            if (!b)
                return fail(c, VNC_ERR_IO, "out of memory");
            c->buf = b;
            c->cap = cap;
        }
        int rc = wait_fd(c, POLLIN, deadline);
        if (rc != VNC_OK)
            return rc;
        ssize_t r = read(c->fd, c->buf + c->len, c->cap - c->len);
        if (r == 0)
            return fail(c, VNC_ERR_IO, "connection closed by the daemon");
        if (r < 0) {
            if (errno == EINTR || errno == EAGAIN)
                continue;
            return fail(c, VNC_ERR_IO, "read: %s", strerror(errno));
        }
        c->len += (size_t)r;
    }
}

/* An alert line (WATCH) rather than a reply? */
static int is_alert(const char *line) { return strncmp(line, "{\"alert\":", 9) == 0; }

/* Read the reply to a request: alert lines that come first are kept for
 * vnc_next_alert.  *line is malloc'd, the caller frees. */
static int read_reply(vnc_context *c, char **line, double deadline)
{
    for (;;) {
        int rc = read_line(c, line, deadline);
        if (rc != VNC_OK || !is_alert(*line))
            return rc;
        if (c->nalerts == c->alerts_cap) {
            size_t cap = c->alerts_cap ? 2 * c->alerts_cap : 16;
            char **a = realloc(c->alerts, cap * sizeof *a);
            if (!a) {
                free(*line);
                return fail(c, VNC_ERR_IO, "out of memory");
            }
            c->alerts = a;
            c->alerts_cap = cap;
        }
        c->alerts[c->nalerts++] = *line;
    }
}

static int write_all(vnc_context *c, const char *p, size_t n, double deadline)
{
    while (n > 0) {
        int rc = wait_fd(c, POLLOUT, deadline);
        if (rc != VNC_OK)
            return rc;
        ssize_t w = send(c->fd, p, n, MSG_NOSIGNAL);
        if (w < 0) {
            if (errno == EINTR || errno == EAGAIN)
                continue;
            return fail(c, VNC_ERR_IO, "write: %s", strerror(errno));
        }
        p += w;
        n -= (size_t)w;
    }
    return VNC_OK;
}

/* Open the socket (non-blocking, with the timeout) and switch to JSON. */
/* One exchange of a fresh connection: "CMD ARG" (arg may be NULL) and
 * its one reply line (*reply, malloc'd: the caller frees it). */
static int handshake(vnc_context *c, const char *cmd, const char *arg, double deadline, char **reply)
{
    int rc = write_all(c, cmd, strlen(cmd), deadline);
    if (rc == VNC_OK && arg && (rc = write_all(c, " ", 1, deadline)) == VNC_OK)
        rc = write_all(c, arg, strlen(arg), deadline);
    if (rc == VNC_OK)
        rc = write_all(c, "\n", 1, deadline);
    return rc == VNC_OK ? read_line(c, reply, deadline) : rc;
}

static int connect_now(vnc_context *c)
{
    double deadline = vn_clock_now() + c->timeout;
    disconnect(c);
    int fd = -1;
    if (c->unix_path) {
        struct sockaddr_un un = {0};
        if (strlen(c->unix_path) >= sizeof un.sun_path)
            return fail(c, VNC_ERR_IO, "socket path too long");
        un.sun_family = AF_UNIX;
        strcpy(un.sun_path, c->unix_path);
        fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (fd < 0 || connect(fd, (struct sockaddr *)&un, sizeof un) != 0) {
            int e = errno;
            if (fd >= 0)
                close(fd);
            return fail(c, VNC_ERR_IO, "connect %s: %s", c->unix_path, strerror(e));
        }
    } else {
        char port[16];
        snprintf(port, sizeof port, "%d", c->port);
        struct addrinfo hints = {0}, *ai = NULL;
        hints.ai_socktype = SOCK_STREAM;
        int g = getaddrinfo(c->host, port, &hints, &ai);
        if (g != 0)
            return fail(c, VNC_ERR_IO, "%s: %s", c->host, gai_strerror(g));
        int err = ECONNREFUSED;
        for (struct addrinfo *a = ai; a && fd < 0; a = a->ai_next) {
            fd = socket(a->ai_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
            if (fd < 0)
                continue;
            if (connect(fd, a->ai_addr, a->ai_addrlen) == 0)
                break;
            if (errno == EINPROGRESS) {
                c->fd = fd;
                int rc = wait_fd(c, POLLOUT, deadline);
                c->fd = -1;
                socklen_t sl = sizeof err;
                if (rc == VNC_OK && getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &sl) == 0 && err == 0)
                    break;
                if (rc == VNC_ERR_TIMEOUT)
                    err = ETIMEDOUT;
            } else {
                err = errno;
            }
            close(fd);
            fd = -1;
        }
        freeaddrinfo(ai);
        if (fd < 0)
            return fail(c, VNC_ERR_IO, "connect %s:%d: %s", c->host, c->port, strerror(err));
    }
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
    c->fd = fd;
    char *line = NULL;
    int rc = handshake(c, "FORMAT json", NULL, deadline, &line);
    if (rc == VNC_OK && strstr(line, "\"ok\":true") == NULL)
        rc = fail(c, VNC_ERR_PROTOCOL, "not a vnsearchd: %.60s", line);
    free(line);
    if (rc == VNC_OK && c->token) { /* vnc_auth's token, for this connection too */
        line = NULL;
        rc = handshake(c, "AUTH", c->token, deadline, &line);
        if (rc == VNC_OK && strstr(line, "\"ok\":true") == NULL)
            rc = fail(c, VNC_ERR_REQUEST, "the token was refused on reconnecting");
        free(line);
    }
    if (rc != VNC_OK)
        disconnect(c);
    return rc;
}

static vnc_context *new_context(double timeout)
{
    vnc_context *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    c->fd = -1;
    c->timeout = timeout > 0 ? timeout : 10;
    return c;
}

vnc_context *vnc_connect(const char *host, int port, double timeout)
{
    vnc_context *c = new_context(timeout);
    if (!c)
        return NULL;
    c->host = strdup(host ? host : "127.0.0.1");
    c->port = port;
    if (!c->host) {
        free(c);
        return NULL;
    }
    c->err = connect_now(c);
    return c;
}

vnc_context *vnc_connect_unix(const char *path, double timeout)
{
    vnc_context *c = new_context(timeout);
    if (!c)
        return NULL;
    c->unix_path = strdup(path);
    if (!c->unix_path) {
        free(c);
        return NULL;
    }
    c->err = connect_now(c);
    return c;
}

void vnc_free(vnc_context *c)
{
    if (!c)
        return;
    disconnect(c);
    free(c->host);
    free(c->unix_path);
    free(c->buf);
    free(c->alerts);
    free(c->token);
    free(c);
}

/* The client's error for the daemon's error code (docs/protocol.md). */
static int error_of_code(const char *code)
{
    static const struct {
        const char *code;
        int err;
    } map[] = {{"SERVER", VNC_ERR_SERVER},
               {"BUSY", VNC_ERR_BUSY},
               {"SHUTDOWN", VNC_ERR_SHUTDOWN},
               {"UNAVAILABLE", VNC_ERR_UNAVAILABLE},
               {"NOTFOUND", VNC_ERR_NOTFOUND}};
    for (size_t i = 0; code && i < sizeof map / sizeof map[0]; i++)
        if (strcmp(code, map[i].code) == 0)
            return map[i].err;
    return VNC_ERR_REQUEST;
}

int vnc_retryable(int err)
{
    return err == VNC_ERR_BUSY || err == VNC_ERR_SHUTDOWN || err == VNC_ERR_UNAVAILABLE;
}

/* Send one request line, read one JSON reply.  Reconnects once when the
 * connection turns out to be broken (a daemon restart). */
static int request(vnc_context *c, const char *line, json_t **out, char **raw)
{
    *out = NULL;
    c->code[0] = '\0';
    if (strpbrk(line, "\r\n"))
        return fail(c, VNC_ERR_REQUEST, "a request may not contain a line break");
    size_t n = strlen(line);
    char *reply = NULL;
    int rc = VNC_ERR_IO;
    for (int attempt = 0; attempt < 2 && rc == VNC_ERR_IO; attempt++) {
        if (c->fd < 0 && (rc = connect_now(c)) != VNC_OK)
            continue;
        double deadline = vn_clock_now() + c->timeout;
        rc = write_all(c, line, n, deadline);
        if (rc == VNC_OK)
            rc = write_all(c, "\n", 1, deadline);
        if (rc == VNC_OK)
            rc = read_reply(c, &reply, deadline);
        if (rc != VNC_OK)
            disconnect(c);
    }
    if (rc != VNC_OK)
        return rc;
    json_error_t je;
    json_t *j = json_loads(reply, 0, &je);
    if (raw)
        *raw = reply;
    else
        free(reply);
    if (!json_is_object(j)) {
        json_decref(j);
        if (raw) {
            free(*raw);
            *raw = NULL;
        }
        disconnect(c); /* out of step with the daemon: start afresh */
        return fail(c, VNC_ERR_PROTOCOL, "reply is not a JSON object");
    }
    if (!json_is_true(json_object_get(j, "ok"))) {
        json_t *e = json_object_get(j, "error");
        const char *code = json_string_value(json_object_get(e, "code"));
        const char *msg = json_string_value(json_object_get(e, "message"));
        if (raw) {
            free(*raw);
            *raw = NULL;
        }
        rc = fail(c, error_of_code(code), "%s", msg ? msg : "error");
        snprintf(c->code, sizeof c->code, "%s", code ? code : "?");
        json_decref(j);
        return rc;
    }
    c->err = VNC_OK;
    c->errstr[0] = '\0';
    *out = j;
    return VNC_OK;
}

/* Append to b (capacity cap, *n used) what fmt formats; returns 0, or -1
 * and leaves b as it was when it does not fit (never writes past cap). */
static int append(char *b, size_t cap, size_t *n, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int w = vsnprintf(b + *n, cap - *n, fmt, ap);
    va_end(ap);
    if (w < 0 || (size_t)w >= cap - *n) {
        b[*n] = '\0';
        return -1;
    }
    *n += (size_t)w;
    return 0;
}

/* The longest option value sent; the daemon's own limit is its line length. */
#define VNC_OPT_MAX 120

/* "SEARCH limit=.. -- <query>" into *buf (malloc'd, the caller frees); the
 * buffer is sized from what goes into it, every append is bounded. */
static int format_query(vnc_context *c, char **buf, const char *cmd, const char *query, const vnc_search_opts *o)
{
    if (!query)
        return fail(c, VNC_ERR_REQUEST, "no query");
    const char *keys[] = {"sort", "from", "to", "source", "snippet", "now", "facets"};
    const char *vals[] = {o ? o->sort : NULL,   o ? o->from : NULL,    o ? o->to : NULL,
                          o ? o->source : NULL, o ? o->snippet : NULL, o ? o->now : NULL,
                          o ? o->facets : NULL};
    enum { NKEYS = sizeof keys / sizeof keys[0] };
    /* cmd, three numeric options, collapse, " -- ", the query, the NUL */
    size_t cap = strlen(cmd) + 3 * sizeof " offset=4294967295" + sizeof " collapse=on" + 4 + strlen(query) + 1;
    for (int i = 0; i < NKEYS; i++) {
        if (!vals[i])
            continue;
        if (strlen(vals[i]) > VNC_OPT_MAX || strchr(vals[i], '"'))
            return fail(c, VNC_ERR_REQUEST, "%s= value too long or holds a quote", keys[i]);
        cap += strlen(keys[i]) + strlen(vals[i]) + sizeof " =\"\"";
    }
    char *b = malloc(cap);
    if (!b)
        return fail(c, VNC_ERR_IO, "out of memory");
    size_t n = 0;
    int bad = append(b, cap, &n, "%s", cmd);
    if (o && o->limit)
        bad |= append(b, cap, &n, " limit=%u", o->limit);
    if (o && o->offset)
        bad |= append(b, cap, &n, " offset=%u", o->offset);
    if (o && o->fresh)
        bad |= append(b, cap, &n, " fresh=%u", o->fresh);
    if (o && o->collapse)
        bad |= append(b, cap, &n, " collapse=on");
    for (int i = 0; i < NKEYS; i++)
        if (vals[i])
            bad |= append(b, cap, &n, " %s=\"%s\"", keys[i], vals[i]);
    /* "--": the query is never read as options, whatever it begins with */
    bad |= append(b, cap, &n, " -- %s", query);
    if (bad) { /* a sizing mistake above: refuse rather than send half a line */
        free(b);
        return fail(c, VNC_ERR_REQUEST, "request too long to format");
    }
    *buf = b;
    return VNC_OK;
}

static char *dup_or_null(json_t *v)
{
    return json_is_string(v) ? strdup(json_string_value(v)) : NULL;
}

/* SEARCH or COUNT with options: format the line, send it, parse the reply. */
static int query_request(vnc_context *c, const char *cmd, const char *query, const vnc_search_opts *opts,
                         json_t **j, char **raw)
{
    char *line = NULL;
    int rc = format_query(c, &line, cmd, query, opts);
    if (rc != VNC_OK)
        return rc;
    rc = request(c, line, j, raw);
    free(line);
    return rc;
}

/* The reply's "facets" object into r (out of memory: fewer listed). */
static void read_facets(json_t *facets, vnc_result *r)
{
    size_t nf = json_object_size(facets);
    if (!nf || !(r->facets = calloc(nf, sizeof *r->facets)))
        return;
    const char *name;
    json_t *arr;
    json_object_foreach(facets, name, arr)
    {
        vnc_facet *f = &r->facets[r->nfacets];
        size_t nv = json_array_size(arr);
        if (!(f->name = strdup(name)))
            break;
        r->nfacets++;
        if (!nv || !(f->values = calloc(nv, sizeof *f->values)))
            continue;
        for (size_t k = 0; k < nv; k++) {
            json_t *v = json_array_get(arr, k);
            if (!(f->values[f->n].value = dup_or_null(json_object_get(v, "value"))))
                continue; /* a value the daemon gave as null: none to name */
            f->values[f->n++].count = (uint64_t)json_integer_value(json_object_get(v, "count"));
        }
    }
}

/* SEARCH or RELATED (`cmd`) of `arg`: the hits. */
static int hits_request(vnc_context *c, const char *cmd, const char *arg, const vnc_search_opts *opts,
                        vnc_result **out)
{
    if (!c || !out)
        return VNC_ERR_REQUEST; /* nowhere to put the result or the error */
    *out = NULL;
    json_t *j;
    int rc = query_request(c, cmd, arg, opts, &j, NULL);
    if (rc != VNC_OK)
        return rc;
    json_t *hits = json_object_get(j, "hits");
    size_t n = json_array_size(hits);
    vnc_result *r = calloc(1, sizeof *r);
    if (r && !(r->hits = calloc(n ? n : 1, sizeof *r->hits))) {
        free(r);
        r = NULL;
    }
    if (!r) {
        json_decref(j);
        return fail(c, VNC_ERR_IO, "out of memory");
    }
    r->total = (uint64_t)json_integer_value(json_object_get(j, "total"));
    r->total_min = (uint64_t)json_integer_value(json_object_get(j, "total_min"));
    r->total_max = (uint64_t)json_integer_value(json_object_get(j, "total_max"));
    r->took_ms = json_number_value(json_object_get(j, "took_ms"));
    r->did_you_mean = dup_or_null(json_object_get(j, "did_you_mean"));
    json_t *dates = json_object_get(j, "dates");
    r->date_words = dup_or_null(json_object_get(dates, "words"));
    r->date_from = dup_or_null(json_object_get(dates, "from"));
    r->date_to = dup_or_null(json_object_get(dates, "to"));
    r->partial = json_is_true(json_object_get(j, "partial"));
    r->cut = json_is_true(json_object_get(j, "cut"));
    r->other_spellings = json_is_true(json_object_get(j, "other_spellings"));
    read_facets(json_object_get(j, "facets"), r);
    for (size_t i = 0; i < n; i++) {
        json_t *h = json_array_get(hits, i);
        vnc_hit *x = &r->hits[r->n++];
        x->id = dup_or_null(json_object_get(h, "id"));
        x->title = dup_or_null(json_object_get(h, "title"));
        x->date = dup_or_null(json_object_get(h, "date"));
        x->source = dup_or_null(json_object_get(h, "source"));
        x->snippet = dup_or_null(json_object_get(h, "snippet"));
        x->url = dup_or_null(json_object_get(h, "url"));
        x->score = json_number_value(json_object_get(h, "score"));
        json_t *copies = json_object_get(h, "copies");
        size_t nc = json_array_size(copies);
        if (nc && (x->copies = calloc(nc, sizeof *x->copies)) != NULL) /* out of memory: none listed */
            for (size_t k = 0; k < nc; k++)
                if ((x->copies[x->ncopies] = dup_or_null(json_array_get(copies, k))) != NULL)
                    x->ncopies++;
    }
    json_decref(j);
    *out = r;
    return VNC_OK;
}

int vnc_search(vnc_context *c, const char *query, const vnc_search_opts *opts, vnc_result **out)
{
    return hits_request(c, "SEARCH", query, opts, out);
}

int vnc_related(vnc_context *c, const char *id, const vnc_search_opts *opts, vnc_result **out)
{
    return hits_request(c, "RELATED", id, opts, out);
}

/* SEARCH or RELATED, the reply's JSON text as it came. */
static int json_reply(vnc_context *c, const char *cmd, const char *arg, const vnc_search_opts *opts, char **json)
{
    if (!c || !json)
        return VNC_ERR_REQUEST; /* nowhere to put the result or the error */
    *json = NULL;
    json_t *j = NULL;
    int rc = query_request(c, cmd, arg, opts, &j, json);
    json_decref(j);
    return rc;
}

int vnc_search_json(vnc_context *c, const char *query, const vnc_search_opts *opts, char **json)
{
    return json_reply(c, "SEARCH", query, opts, json);
}

int vnc_related_json(vnc_context *c, const char *id, const vnc_search_opts *opts, char **json)
{
    return json_reply(c, "RELATED", id, opts, json);
}

void vnc_result_free(vnc_result *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->n; i++) {
        free(r->hits[i].id);
        free(r->hits[i].title);
        free(r->hits[i].date);
        free(r->hits[i].source);
        free(r->hits[i].snippet);
        free(r->hits[i].url);
        for (size_t k = 0; k < r->hits[i].ncopies; k++)
            free(r->hits[i].copies[k]);
        free(r->hits[i].copies);
    }
    free(r->hits);
    for (size_t i = 0; i < r->nfacets; i++) {
        for (size_t k = 0; k < r->facets[i].n; k++)
            free(r->facets[i].values[k].value);
        free(r->facets[i].values);
        free(r->facets[i].name);
    }
    free(r->facets);
    free(r->did_you_mean);
    free(r->date_words);
    free(r->date_from);
    free(r->date_to);
    free(r);
}

int vnc_count(vnc_context *c, const char *query, const vnc_search_opts *opts, uint64_t *out)
{
    if (!c || !out)
        return VNC_ERR_REQUEST; /* nowhere to put the result or the error */
    json_t *j;
    int rc = query_request(c, "COUNT", query, opts, &j, NULL);
    if (rc != VNC_OK)
        return rc;
    *out = (uint64_t)json_integer_value(json_object_get(j, "count"));
    json_decref(j);
    return VNC_OK;
}

/* "CMD arg": GET and SUGGEST. */
static int arg_request(vnc_context *c, const char *cmd, const char *arg, json_t **j)
{
    if (!arg)
        return fail(c, VNC_ERR_REQUEST, "no %s argument", cmd);
    size_t n = strlen(cmd) + strlen(arg) + 2;
    char *line = malloc(n);
    if (!line)
        return fail(c, VNC_ERR_IO, "out of memory");
    snprintf(line, n, "%s %s", cmd, arg);
    int rc = request(c, line, j, NULL);
    free(line);
    return rc;
}

int vnc_get(vnc_context *c, const char *id, char **json)
{
    if (!c || !json)
        return VNC_ERR_REQUEST; /* nowhere to put the result or the error */
    *json = NULL;
    json_t *j;
    int rc = arg_request(c, "GET", id, &j);
    if (rc != VNC_OK)
        return rc;
    *json = json_dumps(json_object_get(j, "doc"), JSON_COMPACT | JSON_PRESERVE_ORDER);
    json_decref(j);
    return *json ? VNC_OK : fail(c, VNC_ERR_PROTOCOL, "GET reply has no document");
}

void vnc_strings_free(char **items, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(items[i]);
    free(items);
}

int vnc_suggest(vnc_context *c, const char *prefix, char ***items, size_t *n)
{
    if (!c || !items || !n)
        return VNC_ERR_REQUEST; /* nowhere to put the result or the error */
    *items = NULL;
    *n = 0;
    json_t *j;
    int rc = arg_request(c, "SUGGEST", prefix, &j);
    if (rc != VNC_OK)
        return rc;
    json_t *a = json_object_get(j, "suggestions");
    size_t k = json_array_size(a);
    *items = calloc(k ? k : 1, sizeof **items);
    if (!*items) {
        json_decref(j);
        return fail(c, VNC_ERR_IO, "out of memory");
    }
    for (size_t i = 0; i < k; i++)
        (*items)[(*n)++] = dup_or_null(json_array_get(a, i));
    json_decref(j);
    return VNC_OK;
}

int vnc_stats(vnc_context *c, uint64_t *documents, uint64_t *queries)
{
    if (!c || !documents || !queries)
        return VNC_ERR_REQUEST; /* nowhere to put the result or the error */
    json_t *j;
    int rc = request(c, "STATS", &j, NULL);
    if (rc != VNC_OK)
        return rc;
    *documents = (uint64_t)json_number_value(json_object_get(j, "documents"));
    *queries = (uint64_t)json_number_value(json_object_get(j, "queries"));
    json_decref(j);
    return VNC_OK;
}

int vnc_watch(vnc_context *c, const char *query, uint64_t *id)
{
    if (!c || !query || !id)
        return VNC_ERR_REQUEST;
    json_t *j;
    int rc = arg_request(c, "WATCH", query, &j);
    if (rc != VNC_OK)
        return rc;
    json_t *w = json_object_get(j, "watch");
    int got = json_is_integer(w);
    *id = got ? (uint64_t)json_integer_value(w) : 0;
    json_decref(j);
    return got ? VNC_OK : fail(c, VNC_ERR_PROTOCOL, "WATCH answered no number");
}

int vnc_unwatch(vnc_context *c, uint64_t id)
{
    if (!c)
        return VNC_ERR_REQUEST;
    char arg[24];
    snprintf(arg, sizeof arg, "%llu", (unsigned long long)id);
    json_t *j;
    int rc = arg_request(c, "UNWATCH", arg, &j);
    json_decref(j);
    return rc;
}

void vnc_alert_free(vnc_alert *a)
{
    if (!a)
        return;
    free(a->id);
    free(a->title);
    free(a->date);
    free(a->source);
    free(a->url);
    free(a);
}

int vnc_next_alert(vnc_context *c, double timeout, vnc_alert **out)
{
    if (!c || !out)
        return VNC_ERR_REQUEST;
    *out = NULL;
    char *line = NULL;
    if (c->nalerts) { /* those that came with other replies, oldest first */
        line = c->alerts[0];
        memmove(c->alerts, c->alerts + 1, --c->nalerts * sizeof *c->alerts);
    } else if (c->fd < 0) {
        return fail(c, VNC_ERR_IO, "not connected: watches are gone with their connection");
    } else {
        int rc = read_line(c, &line, vn_clock_now() + (timeout > 0 ? timeout : c->timeout));
        if (rc == VNC_ERR_IO)
            disconnect(c);
        if (rc != VNC_OK)
            return rc;
    }
    json_t *j = is_alert(line) ? json_loads(line, 0, NULL) : NULL;
    free(line);
    vnc_alert *a = j ? calloc(1, sizeof *a) : NULL;
    if (!a) {
        json_decref(j);
        disconnect(c); /* out of step with the daemon */
        return fail(c, j ? VNC_ERR_IO : VNC_ERR_PROTOCOL, j ? "out of memory" : "a line that is no alert");
    }
    a->watch = (uint64_t)json_integer_value(json_object_get(j, "alert"));
    a->id = dup_or_null(json_object_get(j, "id"));
    a->title = dup_or_null(json_object_get(j, "title"));
    a->date = dup_or_null(json_object_get(j, "date"));
    a->source = dup_or_null(json_object_get(j, "source"));
    a->url = dup_or_null(json_object_get(j, "url"));
    json_decref(j);
    if (!a->id || !a->title) {
        vnc_alert_free(a);
        return fail(c, VNC_ERR_PROTOCOL, "an alert without an id or a title");
    }
    *out = a;
    return VNC_OK;
}

int vnc_auth(vnc_context *c, const char *token)
{
    if (!c)
        return VNC_ERR_REQUEST;
    if (!token || !*token || strpbrk(token, "\r\n"))
        return fail(c, VNC_ERR_REQUEST, "no token, or one holding a line break");
    free(c->token);
    c->token = NULL; /* a reconnect inside this request gives it below */
    json_t *j;
    int rc = arg_request(c, "AUTH", token, &j);
    if (rc != VNC_OK)
        return rc;
    json_decref(j);
    c->token = strdup(token);
    return c->token ? VNC_OK : fail(c, VNC_ERR_IO, "out of memory");
}

/* A write's reply: its counts into st (may be NULL). */
static int write_reply(int rc, json_t *j, vnc_write_stats *st)
{
    if (rc != VNC_OK)
        return rc;
    if (st) {
        st->added = (uint64_t)json_integer_value(json_object_get(j, "added"));
        st->replaced = (uint64_t)json_integer_value(json_object_get(j, "replaced"));
        st->unchanged = (uint64_t)json_integer_value(json_object_get(j, "unchanged"));
        st->deleted = (uint64_t)json_integer_value(json_object_get(j, "deleted"));
    }
    json_decref(j);
    return VNC_OK;
}

/* `cmd` with a JSON value `v` (stolen) as its argument, on one line. */
static int json_request(vnc_context *c, const char *cmd, json_t *v, vnc_write_stats *st)
{
    char *text = v ? json_dumps(v, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL; /* compact: one line */
    json_decref(v);
    if (!text)
        return fail(c, VNC_ERR_IO, "out of memory");
    json_t *j = NULL;
    int rc = arg_request(c, cmd, text, &j);
    free(text);
    return write_reply(rc, j, st);
}

int vnc_add(vnc_context *c, const char *article_json, vnc_write_stats *st)
{
    if (!c)
        return VNC_ERR_REQUEST;
    json_error_t je;
    json_t *a = article_json ? json_loads(article_json, 0, &je) : NULL;
    if (!json_is_object(a)) {
        json_decref(a);
        return fail(c, VNC_ERR_REQUEST, "the article is not a JSON object");
    }
    return json_request(c, "ADD", a, st);
}

int vnc_delete(vnc_context *c, const char *id, vnc_write_stats *st)
{
    if (!c)
        return VNC_ERR_REQUEST;
    json_t *j = NULL;
    int rc = arg_request(c, "DELETE", id, &j);
    return write_reply(rc, j, st);
}

int vnc_delete_many(vnc_context *c, const char *const *ids, size_t n, vnc_write_stats *st)
{
    if (!c || (n && !ids))
        return c ? fail(c, VNC_ERR_REQUEST, "no ids") : VNC_ERR_REQUEST;
    json_t *a = json_array();
    for (size_t i = 0; a && i < n; i++) {
        json_t *id = ids[i] ? json_string(ids[i]) : NULL;
        if (!id || json_array_append_new(a, id) != 0) {
            json_decref(a);
            return fail(c, VNC_ERR_REQUEST, "id %zu is NULL or not UTF-8", i + 1);
        }
    }
    return json_request(c, "DELETE_MANY", a, st);
}

int vnc_reload(vnc_context *c)
{
    if (!c)
        return VNC_ERR_REQUEST;
    json_t *j = NULL;
    int rc = request(c, "RELOAD", &j, NULL);
    json_decref(j);
    return rc;
}
