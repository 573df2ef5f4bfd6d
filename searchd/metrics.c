/* SPDX-License-Identifier: GPL-2.0-or-later */
/* metrics.c -- vnsearchd's counters and the METRICS command (/metrics over
 * HTTP) in Prometheus' text exposition format: requests by command and
 * outcome, a latency histogram of the requests that need the index,
 * documents, index revision, connections, reloads.
 *
 * Counting is a few additions under the daemon's mutex; formatting runs
 * on a worker (it reads the index's document count).  Not here: the
 * latency samples behind STATS' p50/p99 (workers.c). */
#include "daemon.h"

#include <string.h>
#include <strings.h>

static const char *outcomes[VN_METRIC_OUTCOMES] = {"ok",           VN_ERRC_BADREQ,   VN_ERRC_LIMIT,
                                                   VN_ERRC_NOAUTH, VN_ERRC_SERVER,   VN_ERRC_SHUTDOWN,
                                                   VN_ERRC_BUSY,   VN_ERRC_UNAVAILABLE};
/* upper bounds in seconds: a query takes about a millisecond, the time limit is 2 s */
static const double bounds[VN_METRIC_BUCKETS] = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5, 2.5};

void vn_metrics_count(vn_daemon *d, vn_cmd cmd, const char *outcome, double seconds)
{
    size_t o = 0;
    while (o < VN_METRIC_OUTCOMES && strcmp(outcomes[o], outcome ? outcome : "ok") != 0)
        o++;
    if (o == VN_METRIC_OUTCOMES)
        o = 4; /* an outcome this table does not know is the server's fault: SERVER */
    pthread_mutex_lock(&d->mu);
    if ((size_t)cmd < sizeof d->metrics.requests / sizeof d->metrics.requests[0])
        d->metrics.requests[cmd][o]++;
    else
        d->metrics.requests[VN_METRIC_UNKNOWN][o]++;
    if (seconds > 0) {
        size_t b = 0;
        while (b < VN_METRIC_BUCKETS && seconds > bounds[b])
            b++;
        d->metrics.bucket[b]++;
        d->metrics.seconds_sum += seconds;
    }
    pthread_mutex_unlock(&d->mu);
}

void vn_cmd_metrics(vn_ctx *x)
{
    vn_daemon *d = x->d;
    uint64_t docs = 0, rev = 0;
    vn_error err;
    int up = vn_searcher_info(x->s, &docs, &rev, &err) == VN_OK;
    pthread_mutex_lock(&d->mu);
    vn_metrics m = d->metrics;
    unsigned conns = d->nconns;
    pthread_mutex_unlock(&d->mu);
    vn_buf t = VN_BUF_INIT;
    vn_buf_puts(&t, "# HELP vnsearch_requests_total Requests answered, by command and outcome.\n"
                    "# TYPE vnsearch_requests_total counter\n");
    for (size_t i = 0; i < VN_NCOMMANDS; i++) {
        vn_cmd c = vn_commands[i].cmd;
        for (size_t o = 0; o < VN_METRIC_OUTCOMES; o++)
            if (m.requests[c][o] || o == 0) {
                vn_buf_printf(&t, "vnsearch_requests_total{command=\"");
                for (const char *p = vn_commands[i].name; *p; p++)
                    vn_buf_putc(&t, (char)(*p | 0x20)); /* lower case */
                vn_buf_printf(&t, "\",outcome=\"%s\"} %llu\n", outcomes[o], (unsigned long long)m.requests[c][o]);
            }
    }
    for (size_t o = 1; o < VN_METRIC_OUTCOMES; o++)
        if (m.requests[VN_METRIC_UNKNOWN][o])
            vn_buf_printf(&t, "vnsearch_requests_total{command=\"unknown\",outcome=\"%s\"} %llu\n", outcomes[o],
                          (unsigned long long)m.requests[VN_METRIC_UNKNOWN][o]);
    vn_buf_puts(&t, "# HELP vnsearch_request_duration_seconds Time to answer requests that need the index.\n"
                    "# TYPE vnsearch_request_duration_seconds histogram\n");
    uint64_t cum = 0;
    for (size_t b = 0; b <= VN_METRIC_BUCKETS; b++) {
        cum += m.bucket[b];
        if (b < VN_METRIC_BUCKETS)
            vn_buf_printf(&t, "vnsearch_request_duration_seconds_bucket{le=\"%g\"} %llu\n", bounds[b],
                          (unsigned long long)cum);
        else
            vn_buf_printf(&t, "vnsearch_request_duration_seconds_bucket{le=\"+Inf\"} %llu\n", (unsigned long long)cum);
    }
    vn_buf_printf(&t, "vnsearch_request_duration_seconds_sum %.6f\nvnsearch_request_duration_seconds_count %llu\n",
                  m.seconds_sum, (unsigned long long)cum);
    vn_buf_printf(&t,
                  "# HELP vnsearch_up Whether the index can be read.\n# TYPE vnsearch_up gauge\nvnsearch_up %d\n"
                  "# HELP vnsearch_documents Documents in the index.\n# TYPE vnsearch_documents gauge\n"
                  "vnsearch_documents %llu\n"
                  "# HELP vnsearch_index_revision The index revision served.\n# TYPE vnsearch_index_revision gauge\n"
                  "vnsearch_index_revision %llu\n"
                  "# HELP vnsearch_connections Open line-protocol connections.\n"
                  "# TYPE vnsearch_connections gauge\nvnsearch_connections %u\n"
                  "# HELP vnsearch_reloads_total RELOAD requests and SIGHUPs.\n# TYPE vnsearch_reloads_total counter\n"
                  "vnsearch_reloads_total %llu\n",
                  up, (unsigned long long)docs, (unsigned long long)rev, conns, (unsigned long long)m.reloads);
    if (!x->c) { /* HTTP: the exposition format as it is */
        vn_buf_append(x->out, t.data, t.len);
        x->type = "text/plain; version=0.0.4; charset=utf-8";
    } else { /* the line protocol: one metric line per reply line */
        char *lines[512];
        size_t n = 0;
        for (char *p = t.data, *nl; p && *p && n < 512; p = nl + 1) {
            nl = strchr(p, '\n');
            *nl = '\0';
            lines[n++] = p;
        }
        vn_reply_list(x->out, x->json, "metrics", lines, n);
    }
    vn_buf_free(&t);
}
