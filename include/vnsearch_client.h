/* SPDX-License-Identifier: GPL-2.0-or-later */
/* vnsearch_client.h -- libvnsearch-client: talk to vnsearchd from C.
 *
 * Modelled on hiredis: a context that carries the last error (`err`, and
 * `errstr` so that reporting an error never allocates), calls that return
 * VNC_OK or an error code, plain structs for results with one free
 * function each.  It speaks the documented protocol (docs/protocol.md) in
 * its JSON format, parsed with jansson.  A broken connection is reopened
 * once, transparently, before a request is given up (the daemon may have
 * restarted).  Not thread-safe: one context per thread. */
#ifndef VNSEARCH_CLIENT_H
#define VNSEARCH_CLIENT_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define VNC_VERSION "0.1.0"
/* What the shared library exports: the functions of this header, and
 * nothing else (it is built with -fvisibility=hidden). */
#if defined(__GNUC__) && !defined(VNC_EXPORT)
#define VNC_EXPORT __attribute__((visibility("default")))
#elif !defined(VNC_EXPORT)
#define VNC_EXPORT
#endif


enum {
    VNC_OK = 0,
    VNC_ERR_IO = -1,       /* connect, read or write failed (errstr says why) */
    VNC_ERR_TIMEOUT = -2,  /* no answer within the timeout */
    VNC_ERR_PROTOCOL = -3, /* the reply was not what the protocol promises */
    VNC_ERR_REQUEST = -4,  /* the daemon refused the request (BADREQ, LIMIT, NOAUTH) */
    VNC_ERR_SERVER = -5,   /* the daemon failed (SERVER) */
    /* The daemon's state, not the request's fault: the same request may
     * succeed later (vnc_retryable() says so for all three). */
    VNC_ERR_BUSY = -6,        /* every worker busy, or the queue full (BUSY) */
    VNC_ERR_SHUTDOWN = -7,    /* the daemon is draining before it stops (SHUTDOWN) */
    VNC_ERR_UNAVAILABLE = -8, /* the index, or a shard of it, is unreachable (UNAVAILABLE) */
    VNC_ERR_NOTFOUND = -9     /* no document with that id (NOTFOUND) */
};

/* 1 when `err` is a state of the daemon's (BUSY, SHUTDOWN, UNAVAILABLE)
 * under which the same request may be sent again later, else 0. */
VNC_EXPORT int vnc_retryable(int err);

typedef struct vnc_context {
    int err;              /* last error, VNC_OK after a success */
    char errstr[128];     /* its message */
    char code[16];        /* the daemon's error code when it refused the request */
    /* private */
    int fd;
    char *host, *unix_path;
    int port;
    double timeout;
    char *buf;
    size_t len, cap;
    char **alerts;        /* alert lines read while waiting for a reply: vnc_next_alert's */
    size_t nalerts, alerts_cap;
    char *token;          /* vnc_auth's, given again after a reconnect */
} vnc_context;

/* Connect over TCP (host, port) or a Unix socket.  `timeout` (seconds) bounds
 * connecting and every reply; 0 means 10.  Returns a context even when the
 * connection failed (check ->err, it is retried on the first request);
 * NULL only when out of memory.  Free it with vnc_free(). */
VNC_EXPORT vnc_context *vnc_connect(const char *host, int port, double timeout);
VNC_EXPORT vnc_context *vnc_connect_unix(const char *path, double timeout);
VNC_EXPORT void vnc_free(vnc_context *c);

typedef struct vnc_search_opts {
    unsigned limit, offset;  /* 0: the daemon's default (10), 0 */
    const char *sort;        /* "relevance", "date", "-date" or NULL */
    const char *from, *to;   /* YYYY-MM-DD or NULL */
    const char *source;      /* or NULL */
    const char *snippet;     /* "html" (NULL: escaped text, matches in <b>..</b>), "text" or "none" */
    unsigned fresh;          /* newer articles first among equally relevant ones: a half-life
                                in days (1-3650, docs/ranking.md); 0: off */
    const char *now;         /* YYYY-MM-DD: "today" for fresh and dates typed; NULL: the daemon's */
    int collapse;            /* one hit per story: copies of a wire story folded, in vnc_hit.copies */
    const char *facets;      /* "source", "month", "year", comma-separated: counted in vnc_result.facets; NULL: none */
} vnc_search_opts;

typedef struct vnc_hit {
    char *id, *title, *date, *source, *snippet; /* date/source may be NULL */
    char *url;       /* may be NULL */
    double score;
    char **copies;   /* with collapse: the ids of the article's copies (NULL when none) */
    size_t ncopies;
} vnc_hit;

typedef struct vnc_facet_value {
    char *value;     /* a source, "2025-10" (month) or "2025" (year) */
    uint64_t count;
} vnc_facet_value;

typedef struct vnc_facet {
    char *name;      /* "source", "month" or "year" */
    size_t n;
    vnc_facet_value *values; /* most articles first */
} vnc_facet;

typedef struct vnc_result {
    uint64_t total;  /* matches: exact when total_min == total_max */
    uint64_t total_min, total_max; /* bounds of an estimated total */
    double took_ms;
    size_t n;
    vnc_hit *hits;
    size_t nfacets;
    vnc_facet *facets;     /* the facets asked for (vnc_search_opts.facets) */
    char *did_you_mean;    /* the query with its marks put back, when they were; else NULL */
    char *date_words;      /* a date typed in the query ("tháng 10/2025"), taken as a range; else NULL */
    char *date_from, *date_to; /* that range, YYYY-MM-DD; NULL when none */
    int partial;           /* a shard did not answer (shard_down = partial) */
    int cut;               /* query_time_limit stopped the count: total is an estimate */
    int other_spellings;   /* nothing as typed: these hits match other spellings */
} vnc_result;

/* SEARCH.  On VNC_OK *out is malloc'd; free it with vnc_result_free(). */
VNC_EXPORT int vnc_search(vnc_context *c, const char *query, const vnc_search_opts *opts, vnc_result **out);
VNC_EXPORT void vnc_result_free(vnc_result *r);
/* RELATED: the articles most like the one with id `id` ("related
 * stories"), as vnc_search returns hits (opts: limit, offset, filters,
 * sort; no snippets).  An unknown id gives VNC_ERR_NOTFOUND, as vnc_get. */
VNC_EXPORT int vnc_related(vnc_context *c, const char *id, const vnc_search_opts *opts, vnc_result **out);
/* SEARCH, the daemon's JSON reply as it came (one line, no line ending);
 * *json is malloc'd, free() it. */
VNC_EXPORT int vnc_search_json(vnc_context *c, const char *query, const vnc_search_opts *opts, char **json);
/* RELATED, the same way. */
VNC_EXPORT int vnc_related_json(vnc_context *c, const char *id, const vnc_search_opts *opts, char **json);
/* COUNT: exact number of matches. */
VNC_EXPORT int vnc_count(vnc_context *c, const char *query, const vnc_search_opts *opts, uint64_t *out);
/* GET: the stored document as a JSON object text; *json is malloc'd, free()
 * it.  An unknown id gives VNC_ERR_NOTFOUND. */
VNC_EXPORT int vnc_get(vnc_context *c, const char *id, char **json);
/* SUGGEST: *items is a malloc'd array of malloc'd strings; free with
 * vnc_strings_free(). */
VNC_EXPORT int vnc_suggest(vnc_context *c, const char *prefix, char ***items, size_t *n);
VNC_EXPORT void vnc_strings_free(char **items, size_t n);
/* STATS: documents and queries served. */
VNC_EXPORT int vnc_stats(vnc_context *c, uint64_t *documents, uint64_t *queries);

/* Writes (the admin token) and RELOAD.  vnc_auth gives a token (the
 * admin's, or search_token when the daemon requires one to read) for this
 * connection and every reconnect; a wrong one is VNC_ERR_REQUEST (code
 * "NOAUTH", and the daemon closes the connection after three). */
VNC_EXPORT int vnc_auth(vnc_context *c, const char *token);
typedef struct vnc_write_stats {
    uint64_t added, replaced, unchanged, deleted;
} vnc_write_stats;
/* ADD: one article as a JSON object text ({"id":..,"title":..,"date":..,
 * "source":..,"url":..,"body":..}, any layout), committed before the
 * reply.  `st` may be NULL. */
VNC_EXPORT int vnc_add(vnc_context *c, const char *article_json, vnc_write_stats *st);
/* DELETE of one id, DELETE_MANY of n ids in one commit (an absent id is
 * no error: st->deleted says how many were there).  `st` may be NULL. */
VNC_EXPORT int vnc_delete(vnc_context *c, const char *id, vnc_write_stats *st);
VNC_EXPORT int vnc_delete_many(vnc_context *c, const char *const *ids, size_t n, vnc_write_stats *st);
/* RELOAD: the workers reopen the index, the aliases are read again. */
VNC_EXPORT int vnc_reload(vnc_context *c);

/* Standing searches (WATCH): the daemon tells this connection of each new
 * article matching `query` as it becomes searchable.  *id numbers the
 * watch (for vnc_unwatch).  Watches belong to the connection: a
 * reconnect (after an I/O error) has none.  Past the daemon's limits:
 * VNC_ERR_REQUEST with code "LIMIT". */
VNC_EXPORT int vnc_watch(vnc_context *c, const char *query, uint64_t *id);
VNC_EXPORT int vnc_unwatch(vnc_context *c, uint64_t id);
typedef struct vnc_alert {
    uint64_t watch;  /* which standing search */
    char *id, *title;
    char *date, *source, *url; /* may be NULL */
} vnc_alert;
/* The next alert (those that came while other requests were answered
 * first), waiting up to `timeout` seconds (0: the context's timeout):
 * VNC_OK and *out (free with vnc_alert_free), VNC_ERR_TIMEOUT when none
 * came, VNC_ERR_IO when the connection is gone. */
VNC_EXPORT int vnc_next_alert(vnc_context *c, double timeout, vnc_alert **out);
VNC_EXPORT void vnc_alert_free(vnc_alert *a);

#ifdef __cplusplus
}
#endif

#endif
