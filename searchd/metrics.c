/* SPDX-License-Identifier: GPL-2.0-or-later */
/* metrics.c -- vnsearchd's counters and the METRICS command (/metrics over
 * HTTP) in Prometheus' text exposition format, named by its conventions:
 * requests by command and outcome, a latency histogram per command of the
 * requests that need the index, HTTP replies by status, documents, index
 * revision, connections by protocol, reloads, the build, and the
 * process_* metrics of Prometheus' client libraries (resident memory,
 * CPU seconds, open and allowed descriptors, start time, read from /proc).
 *
 * Counting is a few additions under the daemon's mutex; formatting runs
 * on a worker (it reads the index's document count).  Not here: the
 * latency samples behind STATS' p50/p99 (workers.c). */
#include "daemon.h"
#include "vn_schema.h"
#include "vn_xapian.h"

#include <dirent.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/resource.h>
#include <unistd.h>

static const char *outcomes[VN_METRIC_OUTCOMES] = {"ok",           VN_ERRC_BADREQ,   VN_ERRC_LIMIT,
                                                   VN_ERRC_NOAUTH, VN_ERRC_SERVER,   VN_ERRC_SHUTDOWN,
                                                   VN_ERRC_BUSY,   VN_ERRC_UNAVAILABLE, VN_ERRC_NOTFOUND};
static const int statuses[VN_METRIC_STATUSES] = {200, 204, 304, 400, 401, 403, 404, 405, 413, 429, 500, 503};
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
    if (seconds > 0 && (size_t)cmd < VN_NCOMMANDS) {
        size_t b = 0;
        while (b < VN_METRIC_BUCKETS && seconds > bounds[b])
            b++;
        d->metrics.bucket[cmd][b]++;
        d->metrics.seconds_sum[cmd] += seconds;
    }
    pthread_mutex_unlock(&d->mu);
}

void vn_metrics_http(vn_daemon *d, int status)
{
    size_t i = 0; /* VN_METRIC_STATUSES: any other */
    while (i < VN_METRIC_STATUSES && statuses[i] != status)
        i++;
    pthread_mutex_lock(&d->mu);
    d->metrics.http_status[i]++;
    pthread_mutex_unlock(&d->mu);
}

/* A command's name as a label value: lower case, in out. */
static const char *lower(char out[32], const char *name)
{
    size_t n = 0;
    for (; name[n] && n < 31; n++)
        out[n] = (char)(name[n] >= 'A' && name[n] <= 'Z' ? name[n] | 0x20 : name[n]);
    out[n] = '\0';
    return out;
}

/* process_*: as Prometheus' client libraries name them, from /proc. */
static void process_metrics(vn_daemon *d, vn_buf *t)
{
    long page = sysconf(_SC_PAGESIZE);
    unsigned long long vsize = 0, rss = 0;
    FILE *f = fopen("/proc/self/statm", "r");
    if (f) {
        if (fscanf(f, "%llu %llu", &vsize, &rss) != 2)
            vsize = rss = 0;
        fclose(f);
    }
    double cpu = 0;
    struct rusage ru;
    if (getrusage(RUSAGE_SELF, &ru) == 0)
        cpu = (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 + (double)ru.ru_stime.tv_sec +
              ru.ru_stime.tv_usec / 1e6;
    unsigned fds = 0;
    DIR *dir = opendir("/proc/self/fd");
    if (dir) {
        for (struct dirent *e; (e = readdir(dir));)
            fds += e->d_name[0] != '.';
        closedir(dir);
        fds--; /* the directory's own descriptor */
    }
    struct rlimit rl = {0, 0};
    getrlimit(RLIMIT_NOFILE, &rl);
    vn_buf_printf(t,
                  "# HELP process_cpu_seconds_total Total user and system CPU time spent in seconds.\n"
                  "# TYPE process_cpu_seconds_total counter\nprocess_cpu_seconds_total %.2f\n"
                  "# HELP process_resident_memory_bytes Resident memory size in bytes.\n"
                  "# TYPE process_resident_memory_bytes gauge\nprocess_resident_memory_bytes %llu\n"
                  "# HELP process_virtual_memory_bytes Virtual memory size in bytes.\n"
                  "# TYPE process_virtual_memory_bytes gauge\nprocess_virtual_memory_bytes %llu\n"
                  "# HELP process_open_fds Number of open file descriptors.\n"
                  "# TYPE process_open_fds gauge\nprocess_open_fds %u\n"
                  "# HELP process_max_fds Maximum number of open file descriptors.\n"
                  "# TYPE process_max_fds gauge\nprocess_max_fds %llu\n"
                  "# HELP process_start_time_seconds Start time of the process since unix epoch in seconds.\n"
                  "# TYPE process_start_time_seconds gauge\nprocess_start_time_seconds %lld\n",
                  cpu, rss * (unsigned long long)page, vsize * (unsigned long long)page, fds,
                  (unsigned long long)rl.rlim_cur, (long long)d->started_wall);
}

void vn_cmd_metrics(vn_ctx *x)
{
    vn_daemon *d = x->d;
    uint64_t docs = 0, rev = 0;
    vn_error err;
    int up = vn_searcher_info(x->s, &docs, &rev, &err) == VN_OK;
    pthread_mutex_lock(&d->mu);
    vn_metrics m = d->metrics;
    unsigned conns = d->nconns, http_conns = d->http_nconns;
    pthread_mutex_unlock(&d->mu);
    vn_buf t = VN_BUF_INIT;
    vn_buf_puts(&t, "# HELP vnsearch_requests_total Requests answered, by command and outcome.\n"
                    "# TYPE vnsearch_requests_total counter\n");
    char name[32];
    for (size_t i = 0; i < VN_NCOMMANDS; i++) {
        vn_cmd c = vn_commands[i].cmd;
        for (size_t o = 0; o < VN_METRIC_OUTCOMES; o++)
            if (m.requests[c][o] || o == 0)
                vn_buf_printf(&t, "vnsearch_requests_total{command=\"%s\",outcome=\"%s\"} %llu\n",
                              lower(name, vn_commands[i].name), outcomes[o], (unsigned long long)m.requests[c][o]);
    }
    for (size_t o = 1; o < VN_METRIC_OUTCOMES; o++)
        if (m.requests[VN_METRIC_UNKNOWN][o])
            vn_buf_printf(&t, "vnsearch_requests_total{command=\"unknown\",outcome=\"%s\"} %llu\n", outcomes[o],
                          (unsigned long long)m.requests[VN_METRIC_UNKNOWN][o]);
    vn_buf_puts(&t, "# HELP vnsearch_request_duration_seconds Time to answer requests that need the index, "
                    "by command.\n# TYPE vnsearch_request_duration_seconds histogram\n");
    for (size_t i = 0; i < VN_NCOMMANDS; i++) {
        vn_cmd c = vn_commands[i].cmd;
        if (vn_commands[i].where == VN_AT_LOOP)
            continue; /* answered at once: nothing to time */
        lower(name, vn_commands[i].name);
        uint64_t cum = 0;
        for (size_t b = 0; b <= VN_METRIC_BUCKETS; b++) {
            cum += m.bucket[c][b];
            char le[16] = "+Inf";
            if (b < VN_METRIC_BUCKETS)
                snprintf(le, sizeof le, "%g", bounds[b]);
            vn_buf_printf(&t, "vnsearch_request_duration_seconds_bucket{command=\"%s\",le=\"%s\"} %llu\n", name, le,
                          (unsigned long long)cum);
        }
        vn_buf_printf(&t,
                      "vnsearch_request_duration_seconds_sum{command=\"%s\"} %.6f\n"
                      "vnsearch_request_duration_seconds_count{command=\"%s\"} %llu\n",
                      name, m.seconds_sum[c], name, (unsigned long long)cum);
    }
    vn_buf_puts(&t, "# HELP vnsearch_http_responses_total HTTP replies, by status.\n"
                    "# TYPE vnsearch_http_responses_total counter\n");
    for (size_t i = 0; i < VN_METRIC_STATUSES; i++)
        vn_buf_printf(&t, "vnsearch_http_responses_total{code=\"%d\"} %llu\n", statuses[i],
                      (unsigned long long)m.http_status[i]);
    vn_buf_printf(&t, "vnsearch_http_responses_total{code=\"other\"} %llu\n",
                  (unsigned long long)m.http_status[VN_METRIC_STATUSES]);
    vn_buf_printf(&t,
                  "# HELP vnsearch_up Whether the index can be read.\n# TYPE vnsearch_up gauge\nvnsearch_up %d\n"
                  "# HELP vnsearch_documents Documents in the index.\n# TYPE vnsearch_documents gauge\n"
                  "vnsearch_documents %llu\n"
                  "# HELP vnsearch_index_revision The index revision served.\n# TYPE vnsearch_index_revision gauge\n"
                  "vnsearch_index_revision %llu\n"
                  "# HELP vnsearch_connections Open connections, by protocol (HTTP: from their first request).\n"
                  "# TYPE vnsearch_connections gauge\nvnsearch_connections{protocol=\"line\"} %u\n"
                  "vnsearch_connections{protocol=\"http\"} %u\n"
                  "# HELP vnsearch_reloads_total RELOAD requests and SIGHUPs.\n# TYPE vnsearch_reloads_total counter\n"
                  "vnsearch_reloads_total %llu\n"
                  "# HELP vnsearch_build_info The versions of vnsearchd, Xapian and the index schema.\n"
                  "# TYPE vnsearch_build_info gauge\n"
                  "vnsearch_build_info{version=\"%s\",xapian=\"%s\",schema=\"%s\"} 1\n",
                  up, (unsigned long long)docs, (unsigned long long)rev, conns, http_conns,
                  (unsigned long long)m.reloads, VNSEARCH_VERSION, vn_xapian_version(), VN_SCHEMA_VERSION);
    process_metrics(d, &t);
    if (!x->c) { /* HTTP: the exposition format as it is */
        vn_buf_append(x->out, t.data, t.len);
        x->type = "text/plain; version=0.0.4; charset=utf-8";
    } else { /* the line protocol: one metric line per reply line */
        char *lines[1024];
        size_t n = 0;
        for (char *p = t.data, *nl; p && *p && n < 1024; p = nl + 1) {
            nl = strchr(p, '\n');
            *nl = '\0';
            lines[n++] = p;
        }
        vn_reply_list(x->out, x->json, "metrics", lines, n);
    }
    vn_buf_free(&t);
}
