/* SPDX-License-Identifier: GPL-2.0-or-later */
/* vn_config.h -- settings of the indexer and the daemon, read from
 * config/vnsearch.conf ("key = value" lines; '#' starts a comment, also
 * after a value; a value in double quotes is taken as it is, '#' and
 * spaces included, and "" is empty).
 *
 * Every setting has a default here and a comment saying why; a command-line
 * flag overrides the file.  An unknown key or a bad value is an error with
 * the file and line, never silently ignored. */
#ifndef VN_CONFIG_H
#define VN_CONFIG_H

#include "vn_error.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The file read without --config: the build tree's, for make demo; the
 * installed programs are compiled with SYSCONFDIR's (Makefile, make install). */
#ifndef VN_CONFIG_DEFAULT_PATH
#define VN_CONFIG_DEFAULT_PATH "config/vnsearch.conf"
#endif

typedef struct vn_config {
    char index[1024];        /* index directory */
    /* indexer */
    unsigned batch;          /* documents per commit */
    unsigned index_threads;  /* N: a full or first build on N threads (index_parallel.c); 0: the cores, at most 8 */
    char input[1024];        /* what a run without INPUT reads (the timer's); "" for none */
    /* daemon */
    char listen[256];        /* HOST:PORT */
    char http_listen[256];   /* HOST:PORT of the HTTP front-end; "" for none */
    char http_cors[512];     /* origins allowed by CORS, space-separated; "" for none */
    char web_root[1024];     /* the search page's files (index.html, app.js, style.css) */
    char aliases[1024];      /* newsroom aliases (config/aliases.txt); "" for none */
    char shard_down[16];     /* a shard that does not answer: "fail" (ERR UNAVAILABLE) or "partial" */
    unsigned max_clients;    /* to bound per-connection memory */
    unsigned max_clients_per_address; /* one address may not take every slot; 0: no limit */
    unsigned max_watches;    /* standing searches (WATCH) in all */
    unsigned max_watches_per_connection; /* ... on one connection or HTTP stream */
    unsigned max_line;       /* bytes in one request line */
    unsigned max_input;      /* request bytes a connection may have waiting */
    unsigned idle_timeout;   /* seconds before an idle client is closed */
    unsigned line_timeout;   /* seconds to finish a request line once begun */
    double query_time_limit; /* seconds, Xapian's matcher time limit */
    double write_lock_wait;  /* seconds a live write waits for the index lock before ERR BUSY */
    unsigned max_body;       /* bytes of an HTTP request body (POST /documents) */
    unsigned max_results;    /* largest limit= a client may ask for */
    unsigned max_wildcard;   /* terms a word* may expand to */
    unsigned workers;        /* query threads; 0: number of cores */
    char admin_token[256];   /* "" for none */
    char search_token[256];  /* required for reads when set; "" for none */
    unsigned socket_mode;    /* permissions of a Unix socket (octal in the file) */
    char user[64];           /* run as this user (started as root); "" for none */
    char log_level[16];      /* error, warning, info (default) or debug */
    char access_log[1024];   /* a line per request to this file; "" for none */
    unsigned slow_query_ms;  /* requests slower than this are logged (warning); 0: none */
} vn_config;

/* Fill `c` with the defaults. */
void vn_config_defaults(vn_config *c);

/* Read `path` over the current values of `c`.  A missing file is
 * VN_ERR_NOTFOUND (callers decide whether that matters); a bad line is
 * VN_ERR_INVALID with "path:line: reason". */
vn_status vn_config_load(vn_config *c, const char *path, vn_error *err);

/* Apply one "key", "value" setting (as from the file or a flag). */
vn_status vn_config_set(vn_config *c, const char *key, const char *value, vn_error *err);

#ifdef __cplusplus
}
#endif

#endif
