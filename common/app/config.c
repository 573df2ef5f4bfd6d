/* SPDX-License-Identifier: GPL-2.0-or-later */
/* config.c -- the settings file parser and the table of settings. */
#include "vn_config.h"
#include "vn_num.h"
#include "vnsearch.h"

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void vn_config_defaults(vn_config *c)
{
    memset(c, 0, sizeof *c);
    snprintf(c->index, sizeof c->index, "%s", "build/demo-index");
    c->batch = VN_DEFAULT_BATCH; /* see vn_indexer.h: small batches are fastest with Xapian 1.4 */
    c->index_threads = 0;     /* the cores available, at most 8 (vnsearch-indexer) */
    snprintf(c->listen, sizeof c->listen, "%s", "127.0.0.1:7700");
    snprintf(c->web_root, sizeof c->web_root, "%s", "web"); /* the repository's; make install's share/vnsearch/web */
    snprintf(c->aliases, sizeof c->aliases, "%s", "config/aliases.txt");
    snprintf(c->shard_down, sizeof c->shard_down, "%s", "fail"); /* a partial answer is the operator's choice */
    c->max_clients = 1024;    /* to limit connection-related memory */
    c->max_clients_per_address = 256; /* a quarter: one host cannot lock the others out */
    c->max_watches = 10000;   /* each is checked against every new article: 10,000 take ~1 s a batch */
    c->max_watches_per_connection = 100; /* a desk's topics; one client cannot take them all */
    c->max_line = 65536;      /* a query is a line of words, never megabytes */
    c->max_input = 262144;    /* pipelined requests waiting: 4 lines of the longest kind */
    c->idle_timeout = 300;    /* seconds: close forgotten connections */
    c->line_timeout = 30;     /* seconds: a line trickled a byte at a time holds no slot */
    c->query_time_limit = 2.0;/* seconds for a whole request (see vnsearch.conf) */
    c->write_lock_wait = 10;  /* an incremental cron run commits every batch; 10 s covers a --full switch */
    c->max_body = 8u << 20;   /* a POST of a day's articles as JSON Lines */
    c->max_results = 1000;    /* per page */
    c->max_wildcard = 100;    /* word* expansions */
    c->workers = 0;           /* number of cores */
    c->socket_mode = 0660;    /* owner and group: the socket is the access control */
    snprintf(c->log_level, sizeof c->log_level, "%s", "info");
    c->slow_query_ms = 500;   /* a query takes about a millisecond: 500 is something wrong */
}

enum kind { K_STR, K_UINT, K_DOUBLE, K_MODE };

static const struct setting {
    const char *key;
    enum kind kind;
    size_t off, size;
} settings[] = {
#define S(k, t) {#k, t, offsetof(vn_config, k), sizeof(((vn_config *)0)->k)}
    S(index, K_STR), S(batch, K_UINT), S(index_threads, K_UINT), S(input, K_STR), S(listen, K_STR), S(http_listen, K_STR),
    S(http_cors, K_STR), S(web_root, K_STR), S(aliases, K_STR), S(shard_down, K_STR),
    S(max_clients, K_UINT), S(max_clients_per_address, K_UINT), S(max_watches, K_UINT),
    S(max_watches_per_connection, K_UINT), S(max_line, K_UINT),
    S(max_input, K_UINT), S(idle_timeout, K_UINT), S(line_timeout, K_UINT),
    S(query_time_limit, K_DOUBLE), S(write_lock_wait, K_DOUBLE), S(max_body, K_UINT), S(max_results, K_UINT), S(max_wildcard, K_UINT),
    S(workers, K_UINT), S(admin_token, K_STR), S(search_token, K_STR), S(socket_mode, K_MODE), S(user, K_STR),
    S(log_level, K_STR), S(access_log, K_STR), S(slow_query_ms, K_UINT),
#undef S
};

vn_status vn_config_set(vn_config *c, const char *key, const char *value, vn_error *err)
{
    for (size_t i = 0; i < sizeof settings / sizeof settings[0]; i++) {
        const struct setting *s = &settings[i];
        if (strcmp(s->key, key) != 0)
            continue;
        char *p = (char *)c + s->off, *end;
        errno = 0;
        if (s->kind == K_STR) {
            if (strlen(value) >= s->size)
                return vn_error_set(err, VN_ERR_INVALID, "value of %s is too long", key);
            memcpy(p, value, strlen(value) + 1);
        } else if (s->kind == K_MODE) {
            unsigned long v = strtoul(value, &end, 8);
            if (!*value || *end || errno || v > 0777)
                return vn_error_set(err, VN_ERR_INVALID, "%s must be octal permissions such as 0660, not \"%s\"",
                                    key, value);
            *(unsigned *)p = (unsigned)v;
        } else if (s->kind == K_UINT) {
            if (!vn_parse_unsigned(value, 1000000000, (unsigned *)p))
                return vn_error_set(err, VN_ERR_INVALID, "%s must be a whole number, not \"%s\"", key, value);
        } else if (!vn_parse_nonneg(value, (double *)p)) {
            return vn_error_set(err, VN_ERR_INVALID, "%s must be a number >= 0, not \"%s\"", key, value);
        }
        return VN_OK;
    }
    return vn_error_set(err, VN_ERR_INVALID, "unknown setting \"%s\"", key);
}

static char *trim(char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    char *e = s + strlen(s);
    while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\n' || e[-1] == '\r'))
        *--e = '\0';
    return s;
}

/* The value part of a line, in place: "quoted" (may hold '#'; nothing
 * but a comment after the closing quote) or bare up to a '#' comment.
 * Returns NULL with err set on a bad quote. */
static char *value(char *v, vn_error *err)
{
    if (*v != '"') {
        char *hash = strchr(v, '#');
        if (hash)
            *hash = '\0';
        return trim(v);
    }
    char *close = strchr(v + 1, '"');
    if (!close) {
        vn_error_set(err, VN_ERR_INVALID, "unbalanced quote");
        return NULL;
    }
    *close = '\0';
    char *rest = trim(close + 1);
    if (*rest && *rest != '#') {
        vn_error_set(err, VN_ERR_INVALID, "text after the closing quote");
        return NULL;
    }
    return v + 1;
}

vn_status vn_config_load(vn_config *c, const char *path, vn_error *err)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return vn_error_set(err, errno == ENOENT ? VN_ERR_NOTFOUND : VN_ERR_IO, "cannot read %s: %s", path,
                            strerror(errno));
    char line[2048];
    unsigned lineno = 0;
    vn_status rc = VN_OK;
    while (rc == VN_OK && fgets(line, sizeof line, f)) {
        lineno++;
        char *s = trim(line);
        if (*s == '#' || *s == '\0')
            continue;
        char *eq = strchr(s, '=');
        if (!eq) {
            rc = vn_error_set(err, VN_ERR_INVALID, "%s:%u: expected key = value", path, lineno);
            break;
        }
        *eq = '\0';
        vn_error e;
        char *v = value(trim(eq + 1), &e);
        if (!v)
            rc = vn_error_set(err, VN_ERR_INVALID, "%s:%u: %s", path, lineno, e.msg);
        else if ((rc = vn_config_set(c, trim(s), v, &e)) != VN_OK)
            vn_error_set(err, rc, "%s:%u: %s", path, lineno, e.msg);
    }
    fclose(f);
    return rc;
}
