/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test_client.c -- libvnsearch-client against a real vnsearchd: search,
 * count, get, suggest, stats, the daemon's errors, a daemon restart
 * (transparent reconnect), a timeout and a refused connection.  The
 * daemon and indexer binaries are found beside this test's build. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <arpa/inet.h>
#include <libgen.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <pwd.h>
#include <unistd.h>

#include "vnsearch_client.h"

static char build[512], tmp[] = "/tmp/vn-test-client-XXXXXX", index_dir[600];
static int port;
static pid_t daemon_pid;

static int free_port(void)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in sa = {0};
    sa.sin_family = AF_INET;
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bind(fd, (struct sockaddr *)&sa, sizeof sa);
    socklen_t l = sizeof sa;
    getsockname(fd, (struct sockaddr *)&sa, &l);
    close(fd);
    return ntohs(sa.sin_port);
}

/* vnsearchd on `listen` (with the config file `conf`, or none), once it
 * accepts on `p`: its pid. */
static pid_t spawn_daemon(const char *listen, const char *conf, int p)
{
    char bin[700];
    snprintf(bin, sizeof bin, "%s/bin/vnsearchd", build);
    pid_t pid = fork();
    if (pid == 0) {
        freopen("/dev/null", "w", stderr);
        freopen("/dev/null", "w", stdout);
        /* --user: the daemon refuses to run as root without being told */
        const char *user = getpwuid(geteuid())->pw_name;
        if (conf)
            execl(bin, bin, "--index", index_dir, "--listen", listen, "--config", conf, "--workers", "1", "--user",
                  user, (char *)NULL);
        else
            execl(bin, bin, "--index", index_dir, "--listen", listen, "--workers", "1", "--user", user, (char *)NULL);
        _exit(127);
    }
    for (int i = 0; i < 100; i++) { /* wait until it accepts */
        vnc_context *c = vnc_connect("127.0.0.1", p, 1);
        int e = c->err;
        vnc_free(c);
        if (e == VNC_OK)
            return pid;
        usleep(50000);
    }
    fail_msg("vnsearchd on %s did not start", listen);
    return pid;
}

static void start_daemon(void)
{
    char listen[64];
    snprintf(listen, sizeof listen, "127.0.0.1:%d", port);
    daemon_pid = spawn_daemon(listen, NULL, port);
}

static void stop_daemon(void)
{
    kill(daemon_pid, SIGTERM);
    waitpid(daemon_pid, NULL, 0);
}

static int setup(void **state)
{
    (void)state;
    assert_non_null(mkdtemp(tmp));
    snprintf(index_dir, sizeof index_dir, "%s/index", tmp);
    char cmd[2048];
    snprintf(cmd, sizeof cmd, "%s/bin/vnsearch-indexer --quiet --index %s tests/data/seeds tests/data/demo-corpus.jsonl tests/data/headlines-300.jsonl",
             build, index_dir);
    assert_int_equal(system(cmd), 0);
    port = free_port();
    start_daemon();
    return 0;
}

static void stop_writes_daemon(void);

static int teardown(void **state)
{
    (void)state;
    stop_writes_daemon();
    stop_daemon();
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", tmp);
    return system(cmd);
}

static void test_calls(void **state)
{
    (void)state;
    vnc_context *c = vnc_connect("127.0.0.1", port, 5);
    assert_int_equal(c->err, VNC_OK);
    vnc_result *r;
    vnc_search_opts o = {.limit = 3};
    assert_int_equal(vnc_search(c, "luong cuong", &o, &r), VNC_OK);
    assert_true(r->n >= 2 && r->n <= 3);
    assert_non_null(strstr(r->hits[0].id, ".txt"));
    assert_non_null(strstr(r->hits[0].snippet, "<b>Lương</b>"));
    assert_true(r->total >= r->n);
    assert_true(r->total_min <= r->total && r->total <= r->total_max && r->total_max > 0);
    assert_null(r->hits[0].url); /* the seeds have none */
    vnc_result_free(r);
    /* hits carry their url */
    assert_int_equal(vnc_search(c, "APEC 2027", &o, &r), VNC_OK);
    assert_true(r->n >= 1);
    assert_non_null(r->hits[0].url);
    assert_non_null(strstr(r->hits[0].url, "https://"));
    vnc_result_free(r);
    /* fresh= and now=: the headline of the day asked first, whichever */
    vnc_search_opts aug = {.fresh = 7, .now = "2025-08-31"}, feb = {.fresh = 7, .now = "2026-02-26"};
    assert_int_equal(vnc_search(c, "bão", &aug, &r), VNC_OK);
    assert_true(r->n >= 2);
    assert_string_equal(r->hits[0].id, "rss-0c4185386743c1b0");
    vnc_result_free(r);
    assert_int_equal(vnc_search(c, "bão", &feb, &r), VNC_OK);
    assert_string_equal(r->hits[0].id, "rss-b5000550f2d238a1");
    vnc_result_free(r);
    uint64_t n = 0;
    assert_int_equal(vnc_count(c, "hà nội", NULL, &n), VNC_OK);
    assert_true(n > 10);
    char *doc;
    assert_int_equal(vnc_get(c, "vnds-test-000001", &doc), VNC_OK);
    assert_non_null(strstr(doc, "\"id\":\"vnds-test-000001\""));
    free(doc);
    char **items;
    size_t k;
    assert_int_equal(vnc_suggest(c, "ha n", &items, &k), VNC_OK);
    assert_true(k >= 1);
    assert_string_equal(items[0], "hà nội");
    vnc_strings_free(items, k);
    assert_int_equal(vnc_suggest(c, "đư", &items, &k), VNC_OK); /* the marks typed kept */
    assert_true(k >= 2);
    assert_string_equal(items[0], "được");
    for (size_t i = 0; i < k; i++)
        assert_true(strncmp(items[i], "đư", strlen("đư")) == 0);
    vnc_strings_free(items, k);
    uint64_t docs, queries;
    assert_int_equal(vnc_stats(c, &docs, &queries), VNC_OK);
    assert_int_equal(docs, 605);
    vnc_free(c);
}

/* What a SEARCH reply carries besides hits: facets asked for, the
 * did-you-mean of a query typed without marks, a date typed in it. */
static void test_result_extras(void **state)
{
    (void)state;
    vnc_context *c = vnc_connect("127.0.0.1", port, 5);
    vnc_result *r;
    vnc_search_opts o = {.limit = 2, .facets = "source,month"};
    assert_int_equal(vnc_search(c, "ha noi", &o, &r), VNC_OK);
    assert_int_equal(r->nfacets, 2);
    assert_string_equal(r->facets[0].name, "source");
    assert_string_equal(r->facets[1].name, "month");
    assert_true(r->facets[0].n >= 2 && r->facets[1].n >= 2);
    uint64_t sum = 0;
    for (size_t i = 0; i < r->facets[0].n; i++) {
        assert_non_null(r->facets[0].values[i].value);
        assert_true(r->facets[0].values[i].count > 0);
        if (i)
            assert_true(r->facets[0].values[i].count <= r->facets[0].values[i - 1].count);
        sum += r->facets[0].values[i].count;
    }
    assert_true(sum <= r->total);
    assert_string_equal(r->did_you_mean, "hà nội");
    assert_null(r->date_words);
    vnc_result_free(r);
    vnc_search_opts d = {.limit = 2};
    assert_int_equal(vnc_search(c, "bão tháng 8/2025", &d, &r), VNC_OK);
    assert_non_null(r->date_words);
    assert_string_equal(r->date_from, "2025-08-01");
    assert_string_equal(r->date_to, "2025-08-31");
    assert_null(r->did_you_mean);
    assert_int_equal(r->nfacets, 0);
    vnc_result_free(r);
    vnc_free(c);
}

/* A second daemon, with a config: its pid, killed by teardown too when a
 * check fails half-way. */
static pid_t writes_pid;

static void start_writes_daemon(const char *listen, const char *conf, int wport)
{
    writes_pid = spawn_daemon(listen, conf, wport);
}

static void stop_writes_daemon(void)
{
    if (writes_pid > 0) {
        kill(writes_pid, SIGTERM);
        waitpid(writes_pid, NULL, 0);
    }
    writes_pid = 0;
}

/* Writes and the two tokens, against a daemon with admin_token and
 * search_token set; a token given once is given again after the daemon
 * restarts under the connection. */
static void test_writes(void **state)
{
    (void)state;
    char conf[700], listen[64];
    snprintf(conf, sizeof conf, "%s/writes.conf", tmp);
    FILE *f = fopen(conf, "w");
    assert_non_null(f);
    fputs("admin_token = client-admin-token-123\nsearch_token = client-search-token-456\n", f);
    fclose(f);
    int wport = free_port();
    snprintf(listen, sizeof listen, "127.0.0.1:%d", wport);
    start_writes_daemon(listen, conf, wport);
    vnc_context *c = vnc_connect("127.0.0.1", wport, 5);
    uint64_t n = 0;
    assert_int_equal(vnc_count(c, "hà nội", NULL, &n), VNC_ERR_REQUEST);
    assert_string_equal(c->code, "NOAUTH");
    assert_int_equal(vnc_auth(c, "client-search-token-456"), VNC_OK);
    assert_int_equal(vnc_count(c, "hà nội", NULL, &n), VNC_OK);
    vnc_write_stats st;
    assert_int_equal(vnc_add(c, "{\"id\":\"w1\",\"body\":\"x\"}", &st), VNC_ERR_REQUEST);
    assert_string_equal(c->code, "NOAUTH");
    assert_int_equal(vnc_auth(c, "client-admin-token-123"), VNC_OK);
    /* any layout: sent as one line */
    assert_int_equal(vnc_add(c, "{\n  \"id\": \"w1\",\n  \"title\": \"Kỳ lân vàng\",\n  \"body\": \"Tượng xqzkylan vàng ở Huế.\"\n}", &st),
                     VNC_OK);
    assert_int_equal(st.added, 1);
    assert_int_equal(vnc_add(c, "{\"id\":\"w2\",\"title\":\"Kỳ lân bạc\",\"body\":\"Tượng xqzkylan bạc.\"}", &st), VNC_OK);
    assert_int_equal(vnc_count(c, "xqzkylan", NULL, &n), VNC_OK);
    assert_int_equal(n, 2);
    assert_int_equal(vnc_add(c, "{\"id\":\"w1\",\"title\":\"Kỳ lân vàng\",\"body\":\"Tượng xqzkylan vàng ở Huế.\"}", &st), VNC_OK);
    assert_int_equal(st.unchanged, 1);
    assert_int_equal(vnc_add(c, "[1]", &st), VNC_ERR_REQUEST);
    assert_int_equal(vnc_add(c, "{\"id\":\"w3\"}", &st), VNC_ERR_REQUEST); /* no body */
    assert_string_equal(c->code, "BADREQ");
    assert_int_equal(vnc_reload(c), VNC_OK);
    /* the daemon restarts: the next write reconnects and gives the token again */
    stop_writes_daemon();
    start_writes_daemon(listen, conf, wport);
    const char *ids[] = {"w1", "w2", "never-there"};
    assert_int_equal(vnc_delete_many(c, ids, 3, &st), VNC_OK);
    assert_int_equal(st.deleted, 2);
    assert_int_equal(vnc_count(c, "xqzkylan", NULL, &n), VNC_OK);
    assert_int_equal(n, 0);
    assert_int_equal(vnc_delete(c, "w1", &st), VNC_OK);
    assert_int_equal(st.deleted, 0);
    const char *bad[] = {"ok", NULL};
    assert_int_equal(vnc_delete_many(c, bad, 2, &st), VNC_ERR_REQUEST);
    assert_int_equal(vnc_auth(c, "wrong-token"), VNC_ERR_REQUEST);
    assert_string_equal(c->code, "NOAUTH");
    vnc_free(c);
    stop_writes_daemon();
}

static void test_errors(void **state)
{
    (void)state;
    vnc_context *c = vnc_connect("127.0.0.1", port, 5);
    char *doc;
    assert_int_equal(vnc_get(c, "no-such-id", &doc), VNC_ERR_NOTFOUND);
    assert_string_equal(c->code, "NOTFOUND");
    assert_true(strlen(c->errstr) > 0);
    vnc_result *r;
    vnc_search_opts bad = {.sort = "random"};
    assert_int_equal(vnc_search(c, "x", &bad, &r), VNC_ERR_REQUEST);
    assert_int_equal(vnc_search(c, "a\nPING", NULL, &r), VNC_ERR_REQUEST);
    /* still usable after errors */
    uint64_t n;
    assert_int_equal(vnc_count(c, "duong", NULL, &n), VNC_OK);
    vnc_free(c);
}

/* Option values at the client's limit (120 bytes each, five of them) once
 * wrote past the request buffer (ASan); one byte over is refused before
 * anything is sent, and NULL arguments are refused, not dereferenced. */
static void test_option_limits(void **state)
{
    (void)state;
    vnc_context *c = vnc_connect("127.0.0.1", port, 5);
    char v120[121], v121[122];
    memset(v120, 'x', 120);
    v120[120] = '\0';
    memset(v121, 'x', 121);
    v121[121] = '\0';
    vnc_search_opts o = {.limit = 4294967295u, .offset = 4294967295u, .sort = v120, .from = v120,
                         .to = v120, .source = v120, .snippet = v120};
    vnc_result *r = NULL;
    /* sent whole: the daemon answers (it refuses sort=xxx…), the client wrote nothing out of bounds */
    assert_int_equal(vnc_search(c, "hà nội", &o, &r), VNC_ERR_REQUEST);
    assert_string_equal(c->code, "BADREQ");
    assert_null(r);
    o.sort = NULL;
    o.limit = 2;
    o.offset = 0;
    o.source = v121;
    assert_int_equal(vnc_search(c, "hà nội", &o, &r), VNC_ERR_REQUEST);
    assert_string_equal(c->code, ""); /* refused here: the daemon never saw it */
    assert_non_null(strstr(c->errstr, "source="));
    uint64_t n;
    assert_int_equal(vnc_count(c, NULL, NULL, &n), VNC_ERR_REQUEST);
    char *doc;
    assert_int_equal(vnc_get(c, NULL, &doc), VNC_ERR_REQUEST);
    assert_int_equal(vnc_search(NULL, "x", NULL, &r), VNC_ERR_REQUEST);
    assert_int_equal(vnc_count(c, "hà nội", NULL, NULL), VNC_ERR_REQUEST);
    assert_int_equal(vnc_count(c, "hà nội", NULL, &n), VNC_OK); /* still usable */
    vnc_free(c);
}

/* BUSY, SHUTDOWN and UNAVAILABLE are the daemon's state: their own codes,
 * and retryable; a bad request is not. */
static void test_retryable(void **state)
{
    (void)state;
    assert_true(vnc_retryable(VNC_ERR_BUSY));
    assert_true(vnc_retryable(VNC_ERR_SHUTDOWN));
    assert_true(vnc_retryable(VNC_ERR_UNAVAILABLE));
    assert_false(vnc_retryable(VNC_ERR_REQUEST));
    assert_false(vnc_retryable(VNC_ERR_SERVER));
    assert_false(vnc_retryable(VNC_OK));
}

static void test_restart(void **state)
{
    (void)state;
    vnc_context *c = vnc_connect("127.0.0.1", port, 5);
    uint64_t n1, n2;
    assert_int_equal(vnc_count(c, "công an", NULL, &n1), VNC_OK);
    stop_daemon();
    start_daemon();
    assert_int_equal(vnc_count(c, "công an", NULL, &n2), VNC_OK); /* reconnected */
    assert_int_equal(n1, n2);
    vnc_free(c);
}

static void test_timeout_and_refused(void **state)
{
    (void)state;
    /* a socket that accepts (in the kernel) but never answers */
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in sa = {0};
    sa.sin_family = AF_INET;
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof sa), 0);
    listen(fd, 4);
    socklen_t l = sizeof sa;
    getsockname(fd, (struct sockaddr *)&sa, &l);
    vnc_context *c = vnc_connect("127.0.0.1", ntohs(sa.sin_port), 0.3);
    assert_int_equal(c->err, VNC_ERR_TIMEOUT);
    vnc_free(c);
    close(fd);
    c = vnc_connect("127.0.0.1", free_port(), 0.3);
    assert_int_equal(c->err, VNC_ERR_IO);
    uint64_t n;
    assert_int_equal(vnc_count(c, "x", NULL, &n), VNC_ERR_IO);
    vnc_free(c);
}

static void test_unix_socket(void **state)
{
    (void)state;
    char bin[700], sock[700];
    snprintf(bin, sizeof bin, "%s/bin/vnsearchd", build);
    snprintf(sock, sizeof sock, "%s/vn.sock", tmp);
    pid_t pid = fork();
    if (pid == 0) {
        freopen("/dev/null", "w", stderr);
        execl(bin, bin, "--index", index_dir, "--socket", sock, "--workers", "1", "--user",
              getpwuid(geteuid())->pw_name, (char *)NULL);
        _exit(127);
    }
    vnc_context *c = NULL;
    for (int i = 0; i < 100; i++) {
        vnc_free(c);
        c = vnc_connect_unix(sock, 1);
        if (c->err == VNC_OK)
            break;
        usleep(50000);
    }
    assert_int_equal(c->err, VNC_OK);
    uint64_t n;
    assert_int_equal(vnc_count(c, "hà nội", NULL, &n), VNC_OK);
    assert_true(n > 10);
    vnc_free(c);
    kill(pid, SIGTERM);
    waitpid(pid, NULL, 0);
}

/* WATCH: a number, an alert for a new article from an indexer run (one
 * that came while another request was answered is kept for
 * vnc_next_alert), none after vnc_unwatch; nothing within a timeout is
 * VNC_ERR_TIMEOUT. */
static void test_watch(void **state)
{
    (void)state;
    vnc_context *c = vnc_connect("127.0.0.1", port, 5);
    uint64_t id = 0, other = 0;
    assert_int_equal(vnc_watch(c, "kỳ lân đá", &id), VNC_OK);
    assert_int_equal(vnc_watch(c, "cá sấu", &other), VNC_OK);
    assert_true(id > 0 && other > id);
    vnc_alert *a = NULL;
    assert_int_equal(vnc_next_alert(c, 0.3, &a), VNC_ERR_TIMEOUT);
    assert_null(a);
    char cmd[2048], path[600];
    snprintf(path, sizeof path, "%s/unicorn.jsonl", tmp);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs("{\"id\":\"unicorn-1\",\"title\":\"Kỳ lân đá\",\"body\":\"Tượng kỳ lân đá được tìm thấy ở Huế.\"}\n", f);
    fclose(f);
    snprintf(cmd, sizeof cmd, "%s/bin/vnsearch-indexer --quiet --index %s %s", build, index_dir, path);
    assert_int_equal(system(cmd), 0);
    usleep(1500000); /* the daemon's watcher looks every 0.5 s */
    uint64_t n;
    assert_int_equal(vnc_count(c, "huế", NULL, &n), VNC_OK); /* the alert came first: kept */
    assert_int_equal(vnc_next_alert(c, 5, &a), VNC_OK);
    assert_int_equal(a->watch, id);
    assert_string_equal(a->id, "unicorn-1");
    assert_string_equal(a->title, "Kỳ lân đá");
    assert_null(a->url);
    vnc_alert_free(a);
    assert_int_equal(vnc_unwatch(c, id), VNC_OK);
    assert_int_equal(vnc_unwatch(c, id), VNC_ERR_REQUEST);
    assert_int_equal(vnc_next_alert(c, 0.3, &a), VNC_ERR_TIMEOUT);
    assert_int_equal(vnc_watch(c, "", &id), VNC_ERR_REQUEST);
    vnc_free(c);
}

int main(int argc, char **argv)
{
    (void)argc;
    /* this binary is BUILD/tests/test_client */
    char self[512];
    snprintf(self, sizeof self, "%s", argv[0]);
    snprintf(build, sizeof build, "%s", dirname(dirname(self)));
    signal(SIGPIPE, SIG_IGN);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_calls),
        cmocka_unit_test(test_result_extras),
        cmocka_unit_test(test_writes),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_option_limits),
        cmocka_unit_test(test_watch),
        cmocka_unit_test(test_retryable),
        cmocka_unit_test(test_restart),
        cmocka_unit_test(test_timeout_and_refused),
        cmocka_unit_test(test_unix_socket),
    };
    return cmocka_run_group_tests_name("client", tests, setup, teardown);
}
