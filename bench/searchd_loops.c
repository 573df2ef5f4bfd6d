/* SPDX-License-Identifier: GPL-2.0-or-later */
/* searchd_loops.c -- a benchmark-only server: the memcached-style design
 * vnsearchd did not take, to measure it against the one it did.
 *
 * N threads each own an event_base, their connections and a vn_searcher;
 * the main thread accepts and hands each socket to the next thread through
 * a pipe.  A request runs on the loop thread of its connection.  Only
 * SEARCH and PING, text format, no limits, no signals: just enough for
 * query-bench.  Not installed, not part of vnsearchd. */
#include "proto.h"
#include "vn_clock.h"
#include "vn_search.h"

#include <arpa/inet.h>
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

typedef struct loop {
    pthread_t th;
    struct event_base *base;
    struct event *notify;
    int pipe[2];
    vn_searcher *s;
} loop;

static void on_read(struct bufferevent *bev, void *arg)
{
    loop *l = arg;
    struct evbuffer *in = bufferevent_get_input(bev);
    char *line;
    size_t n;
    vn_proto_limits lim = {1000};
    while ((line = evbuffer_readln(in, &n, EVBUFFER_EOL_CRLF))) {
        vn_request r;
        vn_error err;
        vn_buf out = VN_BUF_INIT;
        if (vn_proto_parse(line, n, &lim, &r, &err) != VN_OK) {
            vn_reply_error(&out, 0, VN_ERRC_BADREQ, err.msg);
        } else if (r.cmd == VN_CMD_PING) {
            vn_reply_ok(&out, 0, "PONG");
        } else {
            vn_hits *h;
            double t0 = vn_clock_now();
            if (vn_search(l->s, r.arg ? r.arg : "", &r.opts, &h, &err) == VN_OK) {
                vn_reply_hits(&out, 0, h, (vn_clock_now() - t0) * 1000);
                vn_hits_free(h);
            } else {
                vn_reply_error(&out, 0, VN_ERRC_BADREQ, err.msg);
            }
        }
        vn_request_clear(&r);
        bufferevent_write(bev, out.data, out.len);
        vn_buf_free(&out);
        free(line);
    }
}

static void on_event(struct bufferevent *bev, short what, void *arg)
{
    (void)arg;
    if (what & (BEV_EVENT_EOF | BEV_EVENT_ERROR))
        bufferevent_free(bev);
}

static void on_notify(evutil_socket_t fd, short what, void *arg)
{
    loop *l = arg;
    (void)what;
    int cfd;
    if (read(fd, &cfd, sizeof cfd) != sizeof cfd)
        return;
    struct bufferevent *bev = bufferevent_socket_new(l->base, cfd, BEV_OPT_CLOSE_ON_FREE);
    bufferevent_setcb(bev, on_read, NULL, on_event, l);
    bufferevent_enable(bev, EV_READ | EV_WRITE);
}

static void *run(void *arg)
{
    loop *l = arg;
    event_base_dispatch(l->base);
    return NULL;
}

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: searchd-loops INDEX PORT THREADS\n");
        return 2;
    }
    int nl = atoi(argv[3]);
    loop *loops = calloc((size_t)nl, sizeof *loops);
    for (int i = 0; i < nl; i++) {
        vn_error err;
        if (vn_searcher_open(argv[1], &loops[i].s, &err) != VN_OK) {
            fprintf(stderr, "searchd-loops: %s\n", err.msg);
            return 4;
        }
        if (pipe(loops[i].pipe) != 0)
            return 3;
        loops[i].base = event_base_new();
        loops[i].notify = event_new(loops[i].base, loops[i].pipe[0], EV_READ | EV_PERSIST, on_notify, &loops[i]);
        event_add(loops[i].notify, NULL);
        pthread_create(&loops[i].th, NULL, run, &loops[i]);
    }
    int fd = socket(AF_INET, SOCK_STREAM, 0), one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in sa = {0};
    sa.sin_family = AF_INET;
    sa.sin_port = htons((uint16_t)atoi(argv[2]));
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(fd, (struct sockaddr *)&sa, sizeof sa) != 0 || listen(fd, 128) != 0) {
        perror("searchd-loops");
        return 3;
    }
    for (unsigned next = 0;; next++) {
        int cfd = accept(fd, NULL, NULL);
        if (cfd < 0)
            continue;
        evutil_make_socket_nonblocking(cfd);
        if (write(loops[next % (unsigned)nl].pipe[1], &cfd, sizeof cfd) != sizeof cfd)
            close(cfd);
    }
}
