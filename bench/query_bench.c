/* SPDX-License-Identifier: GPL-2.0-or-later */
/* query_bench.c -- query throughput and latency, in-process or against a
 * running vnsearchd (make bench runs both, bench/run.sh).
 *
 *   query-bench inproc DIR QUERIES THREADS SECONDS
 *       THREADS threads, each with its own vn_searcher, run the queries of
 *       the file QUERIES (one per line) round-robin through vn_search().
 *   query-bench daemon HOST PORT QUERIES CLIENTS SECONDS
 *       CLIENTS connections, each sending "SEARCH limit=10 <query>" and
 *       reading the reply through END before the next one.
 *   query-bench http HOST PORT QUERIES CLIENTS SECONDS
 *       the same over HTTP: keep-alive connections, each sending
 *       "GET /search?limit=10&q=<query>" and reading the response
 *       (headers, then Content-Length bytes) before the next one.
 *   query-bench ids DIR QUERIES
 *       each query once, in order: a line of its top 10 ids,
 *       space-separated (the no-hit share and relevance of bench/peers.py).
 * Prints queries/s and the p50/p99 latency in ms.  Benchmark code: plain
 * blocking sockets, one thread per client, the same client for both
 * protocols so that they are compared and not two client libraries (the
 * query goes through libevent's evhttp_uriencode). */
#include "vn_buf.h"
#include "vn_clock.h"
#include "vn_search.h"

#include <arpa/inet.h>
#include <event2/http.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static char **queries;
static size_t nqueries;
static double deadline;
static const char *g_dir, *g_host;
static int g_port, g_http;

typedef struct result {
    size_t n;
    double *lat;
    size_t cap;
    int failed;
} result;

static void record(result *r, double ms)
{
    if (r->n == r->cap) {
        r->cap = r->cap ? r->cap * 2 : 1024;
        r->lat = vn_xrealloc(r->lat, r->cap * sizeof *r->lat);
    }
    r->lat[r->n++] = ms;
}

static void *inproc(void *arg)
{
    result *r = arg;
    vn_searcher *s;
    vn_error err;
    if (vn_searcher_open(g_dir, &s, &err) != VN_OK) {
        fprintf(stderr, "query-bench: %s\n", err.msg);
        r->failed = 1;
        return NULL;
    }
    size_t i = ((uintptr_t)r / sizeof *r) % nqueries;
    vn_search_opts o = {.limit = 10, .no_snippets = 1}; /* raw Xapian makes none either */
    while (vn_clock_now() < deadline) {
        double t0 = vn_clock_now();
        vn_hits *h;
        if (vn_search(s, queries[i++ % nqueries], &o, &h, &err) == VN_OK)
            vn_hits_free(h);
        else
            r->failed++;
        record(r, (vn_clock_now() - t0) * 1000);
    }
    vn_searcher_close(s);
    return NULL;
}

static void *client(void *arg)
{
    result *r = arg;
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in sa = {0};
    sa.sin_family = AF_INET;
    sa.sin_port = htons((uint16_t)g_port);
    inet_pton(AF_INET, g_host, &sa.sin_addr);
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    if (connect(fd, (struct sockaddr *)&sa, sizeof sa) != 0) {
        perror("query-bench: connect");
        r->failed = 1;
        close(fd);
        return NULL;
    }
    char buf[1 << 14]; /* per thread */
    size_t i = (size_t)rand() % nqueries;
    vn_buf req = VN_BUF_INIT, in = VN_BUF_INIT;
    while (vn_clock_now() < deadline) {
        vn_buf_reset(&req);
        if (g_http) {
            char *q = evhttp_uriencode(queries[i++ % nqueries], -1, 1);
            vn_buf_printf(&req, "GET /search?limit=10&q=%s HTTP/1.1\r\nHost: %s\r\n\r\n", q, g_host);
            free(q);
        } else {
            vn_buf_printf(&req, "SEARCH limit=10 %s\n", queries[i++ % nqueries]);
        }
        double t0 = vn_clock_now();
        if (write(fd, req.data, req.len) != (ssize_t)req.len) {
            r->failed++;
            break;
        }
        /* read through the END line (or a one-line ERR) */
        vn_buf_reset(&in);
        for (;;) {
            ssize_t n = read(fd, buf, sizeof buf);
            if (n <= 0) {
                r->failed++;
                goto out;
            }
            vn_buf_append(&in, buf, (size_t)n);
            if (g_http) { /* headers, then Content-Length bytes */
                const char *end = strstr(in.data, "\r\n\r\n"), *cl = strstr(in.data, "Content-Length: ");
                if (end && cl && in.len >= (size_t)(end + 4 - in.data) + strtoul(cl + 16, NULL, 10))
                    break;
            } else if ((in.len >= 5 && memcmp(in.data + in.len - 5, "END\r\n", 5) == 0) ||
                       (memcmp(in.data, "ERR", 3) == 0 && in.data[in.len - 1] == '\n')) {
                break;
            }
        }
        if (g_http ? strncmp(in.data, "HTTP/1.1 200", 12) != 0 : memcmp(in.data, "ERR", 3) == 0)
            r->failed++;
        record(r, (vn_clock_now() - t0) * 1000);
    }
out:
    vn_buf_free(&req);
    vn_buf_free(&in);
    close(fd);
    return NULL;
}

static int print_ids(void)
{
    vn_searcher *s;
    vn_error err;
    if (vn_searcher_open(g_dir, &s, &err) != VN_OK) {
        fprintf(stderr, "query-bench: %s\n", err.msg);
        return 1;
    }
    vn_search_opts o = {.limit = 10, .no_snippets = 1};
    for (size_t i = 0; i < nqueries; i++) {
        vn_hits *h;
        if (vn_search(s, queries[i], &o, &h, &err) == VN_OK) {
            for (size_t k = 0; k < h->n; k++)
                printf("%s%s", k ? " " : "", h->hit[k].id);
            vn_hits_free(h);
        }
        putchar('\n');
    }
    vn_searcher_close(s);
    return 0;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
    int inp = argc == 6 && strcmp(argv[1], "inproc") == 0, ids = argc == 4 && strcmp(argv[1], "ids") == 0;
    g_http = argc == 7 && strcmp(argv[1], "http") == 0;
    int dmn = argc == 7 && (strcmp(argv[1], "daemon") == 0 || g_http);
    if (!inp && !dmn && !ids) {
        fprintf(stderr, "usage: query-bench inproc DIR QUERIES THREADS SECONDS\n"
                        "       query-bench daemon|http HOST PORT QUERIES CLIENTS SECONDS\n"
                        "       query-bench ids DIR QUERIES\n");
        return 2;
    }
    const char *qfile = inp || ids ? argv[3] : argv[4];
    int threads = ids ? 1 : atoi(inp ? argv[4] : argv[5]);
    double secs = ids ? 0 : atof(inp ? argv[5] : argv[6]);
    g_dir = argv[2];
    g_host = argv[2];
    g_port = dmn ? atoi(argv[3]) : 0;
    FILE *f = fopen(qfile, "r");
    if (!f) {
        perror(qfile);
        return 2;
    }
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    while ((n = getline(&line, &cap, f)) > 0) {
        while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
            line[--n] = '\0';
        if (n == 0 && !ids) /* ids answers every line, empty or not */
            continue;
        queries = vn_xrealloc(queries, (nqueries + 1) * sizeof *queries);
        queries[nqueries++] = vn_xstrdup(line);
    }
    free(line);
    fclose(f);
    if (!nqueries || threads < 1) {
        fprintf(stderr, "query-bench: no queries or no threads\n");
        return 2;
    }
    if (ids)
        return print_ids();
    pthread_t *th = calloc((size_t)threads, sizeof *th);
    result *res = calloc((size_t)threads, sizeof *res);
    double t0 = vn_clock_now();
    deadline = t0 + secs;
    for (int i = 0; i < threads; i++)
        pthread_create(&th[i], NULL, inp ? inproc : client, &res[i]);
    size_t total = 0, failed = 0;
    for (int i = 0; i < threads; i++) {
        pthread_join(th[i], NULL);
        total += res[i].n;
        failed += (size_t)res[i].failed;
    }
    double el = vn_clock_now() - t0;
    double *all = malloc((total ? total : 1) * sizeof *all);
    size_t k = 0;
    for (int i = 0; i < threads; i++) {
        memcpy(all + k, res[i].lat, res[i].n * sizeof *all);
        k += res[i].n;
        free(res[i].lat);
    }
    qsort(all, total, sizeof *all, cmp_double);
    printf("%s threads=%d queries=%zu failed=%zu qps=%.1f p50_ms=%.3f p99_ms=%.3f\n",
           inp ? "inproc" : g_http ? "http" : "daemon",
           threads, total, failed, total / el, total ? all[total / 2] : 0, total ? all[total * 99 / 100] : 0);
    free(all);
    free(res);
    free(th);
    return failed ? 1 : 0;
}
