/* SPDX-License-Identifier: GPL-2.0-or-later */
/* listen.c -- vnsearchd's listening sockets.  At start-up, before the
 * loop runs: the listening socket, the open-file limit fitted to max_clients, and
 * becoming the configured user.
 *
 * A Unix socket path is taken only when nothing is there or a dead
 * daemon's socket is (connect() refused): a regular file is never
 * deleted and a live daemon is never silently replaced.  The socket gets
 * socket_mode from its creation on (umask around bind()).  Root is
 * dropped right after binding, so the index is opened as the user.
 * Blocking calls are fine there; none of them runs once the loop has
 * started.  Also here, on the loop: a client refused before it gets a
 * connection, and a listener out of descriptors (vn_accept_error), for
 * both front-ends.  Not here: accepting a client (server.c, evhttp). */
#include "daemon.h"

#include <arpa/inet.h>
#include <errno.h>
#include <event2/util.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <event2/event.h>
#include <event2/listener.h>

#define ACCEPT_RETRY_MS 100 /* out of descriptors: pause before accepting again */

/* Is the address a loopback one (Unix sockets count as local)? */
static int is_loopback(const struct sockaddr *sa)
{
    if (sa->sa_family == AF_INET)
        return (ntohl(((const struct sockaddr_in *)sa)->sin_addr.s_addr) >> 24) == 127;
    if (sa->sa_family == AF_INET6)
        return memcmp(&((const struct sockaddr_in6 *)sa)->sin6_addr, &in6addr_loopback, sizeof in6addr_loopback) == 0;
    return 1;
}

/* May we bind the Unix socket `path`?  Removes a dead daemon's socket;
 * returns 0, or 3 with a log line. */
static int claim_socket_path(const char *path)
{
    struct stat st;
    if (lstat(path, &st) != 0)
        return errno == ENOENT ? 0 : (vn_log_err("cannot use --socket %s: %s", path, strerror(errno)), 3);
    if (!S_ISSOCK(st.st_mode)) {
        vn_log_err("refusing --socket %s: something that is not a socket is there (remove it yourself)", path);
        return 3;
    }
    struct sockaddr_un un = {.sun_family = AF_UNIX};
    snprintf(un.sun_path, sizeof un.sun_path, "%s", path);
    int t = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (t < 0)
        return vn_log_err("socket: %s", strerror(errno)), 3;
    int live = connect(t, (struct sockaddr *)&un, sizeof un) == 0, e = errno;
    close(t);
    if (live) {
        vn_log_err("refusing --socket %s: another daemon is serving it", path);
        return 3;
    }
    if (e != ECONNREFUSED) {
        vn_log_err("refusing --socket %s: %s", path, strerror(e));
        return 3;
    }
    if (unlink(path) != 0) {
        vn_log_err("cannot remove the dead socket %s: %s", path, strerror(errno));
        return 3;
    }
    vn_log_warn("removed the socket %s that no daemon was serving", path);
    return 0;
}

/* socket(), bind() (with socket_mode for a Unix socket), listen(). */
static int bind_listen(vn_daemon *d, const struct sockaddr_storage *ss, int sslen, const char *where, int *fd_out)
{
    int unix_socket = ss->ss_family == AF_UNIX;
    int fd = socket(ss->ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        vn_log_err("cannot listen on %s: %s", where, strerror(errno));
        return 3;
    }
    int one = 1;
    if (!unix_socket)
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    mode_t old = umask(0777 & ~(mode_t)d->cfg.socket_mode);
    int rc = bind(fd, (const struct sockaddr *)ss, (socklen_t)sslen);
    umask(old);
    if (rc != 0 || listen(fd, 128) != 0) {
        vn_log_err("cannot listen on %s: %s", where, strerror(errno));
        close(fd);
        return 3;
    }
    *fd_out = fd;
    return 0;
}

int vn_listen_tcp(vn_daemon *d, const char *addr, int *fd_out)
{
    struct sockaddr_storage ss;
    int sslen = sizeof ss;
    memset(&ss, 0, sizeof ss);
    if (evutil_parse_sockaddr_port(addr, (struct sockaddr *)&ss, &sslen) != 0 ||
        ((struct sockaddr_in *)&ss)->sin_port == 0) {
        vn_log_err("cannot parse listen address \"%s\" (want HOST:PORT, e.g. 127.0.0.1:7700)", addr);
        return 2;
    }
    if (!is_loopback((struct sockaddr *)&ss) && !d->cfg.admin_token[0]) {
        vn_log_err("refusing to listen on %s, which is not loopback, without admin_token: "
               "set admin_token in the config so that admin commands need it", addr);
        return 2;
    }
    return bind_listen(d, &ss, sslen, addr, fd_out);
}

int vn_listen_open(vn_daemon *d, int *fd_out)
{
    if (!d->socket_path)
        return vn_listen_tcp(d, d->cfg.listen, fd_out);
    struct sockaddr_storage ss;
    memset(&ss, 0, sizeof ss);
    struct sockaddr_un *un = (struct sockaddr_un *)&ss;
    if (strlen(d->socket_path) >= sizeof un->sun_path) {
        vn_log_err("socket path too long: %s", d->socket_path);
        return 2;
    }
    un->sun_family = AF_UNIX;
    strcpy(un->sun_path, d->socket_path);
    int rc = claim_socket_path(d->socket_path);
    if (rc == 0)
        rc = bind_listen(d, &ss, sizeof *un, d->socket_path, fd_out);
    if (rc == 0) {
        d->socket_bound = 1; /* ours to remove at exit */
        if (chmod(d->socket_path, (mode_t)d->cfg.socket_mode) != 0)
            vn_log_err("chmod %s: %s", d->socket_path, strerror(errno));
    }
    return rc;
}

/* Descriptors beside the clients': Xapian's files (a glass database keeps
 * about six open) per worker, the listener, the spare, the log. */
static unsigned fd_reserve(const vn_daemon *d) { return 32 + 8 * d->nworkers; }

void vn_listen_fit_fd_limit(vn_daemon *d)
{
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
        return;
    rlim_t need = (rlim_t)d->cfg.max_clients + fd_reserve(d);
    if (rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur < need) {
        rlim_t want = rl.rlim_max == RLIM_INFINITY || rl.rlim_max >= need ? need : rl.rlim_max;
        struct rlimit nl = {want, rl.rlim_max};
        if (setrlimit(RLIMIT_NOFILE, &nl) == 0)
            rl.rlim_cur = want;
        if (rl.rlim_cur < need) {
            unsigned fit = rl.rlim_cur > fd_reserve(d) + 1 ? (unsigned)(rl.rlim_cur - fd_reserve(d)) : 1;
            vn_log_warn("open-file limit %llu is too low for max_clients = %u: serving at most %u clients "
                   "(raise LimitNOFILE or ulimit -n)",
                   (unsigned long long)rl.rlim_cur, d->cfg.max_clients, fit);
            d->cfg.max_clients = fit;
        } else {
            vn_log("raised the open-file limit to %llu for max_clients = %u", (unsigned long long)rl.rlim_cur,
                   d->cfg.max_clients);
        }
    }
}

int vn_listen_check_user(const vn_daemon *d)
{
    const char *user = d->cfg.user;
    if (geteuid() == 0 && !user[0]) {
        vn_log_err("refusing to run as root: give --user NAME (the daemon binds, then runs as NAME), "
               "or --user root to stay root");
        return 2;
    }
    if (!user[0])
        return 0;
    struct passwd *pw = getpwnam(user);
    if (!pw) {
        vn_log_err("no user \"%s\"", user);
        return 2;
    }
    if (geteuid() != 0 && pw->pw_uid != geteuid()) {
        vn_log_err("--user %s needs the daemon started as root", user);
        return 2;
    }
    return 0;
}

int vn_listen_become_user(const vn_daemon *d)
{
    if (geteuid() != 0 || !d->cfg.user[0])
        return 0;
    struct passwd *pw = getpwnam(d->cfg.user);
    if (!pw) {
        vn_log_err("no user \"%s\"", d->cfg.user);
        return 2;
    }
    if (pw->pw_uid == 0) {
        vn_log("running as root, as told (--user root)");
        return 0;
    }
    if (d->socket_path && chown(d->socket_path, pw->pw_uid, pw->pw_gid) != 0)
        vn_log_err("chown %s: %s", d->socket_path, strerror(errno));
    if (initgroups(pw->pw_name, pw->pw_gid) != 0 || setgid(pw->pw_gid) != 0 || setuid(pw->pw_uid) != 0) {
        vn_log_err("cannot become user %s: %s", d->cfg.user, strerror(errno));
        return 2;
    }
    if (setuid(0) == 0) { /* a setuid that can be undone dropped nothing */
        vn_log_err("could not drop root");
        return 2;
    }
    vn_log("running as user %s", d->cfg.user);
    return 0;
}

/* Refuse a client before it gets a connection: one line, then close. */
void vn_listen_refuse(evutil_socket_t fd, const char *msg)
{
    vn_buf b = VN_BUF_INIT;
    vn_reply_error(&b, 0, VN_ERRC_LIMIT, msg);
    ssize_t w = send(fd, b.data, b.len, MSG_NOSIGNAL | MSG_DONTWAIT);
    (void)w;
    vn_buf_free(&b);
    evutil_closesocket(fd);
}

void vn_accept_retry(evutil_socket_t fd, short what, void *arg)
{
    vn_daemon *d = arg;
    (void)fd;
    (void)what;
    if (d->listener && !d->draining)
        evconnlistener_enable(d->listener);
    if (d->http_listener && !d->draining)
        evconnlistener_enable(d->http_listener);
}

void vn_accept_error(struct evconnlistener *l, void *arg)
{
    vn_daemon *d = arg;
    int e = EVUTIL_SOCKET_ERROR();
    if (e != EMFILE && e != ENFILE && e != ENOBUFS && e != ENOMEM) {
        vn_log_err("accept failed: %s", evutil_socket_error_to_string(e));
        return;
    }
    /* The listener stays readable while clients wait, so carrying on would
     * spin.  Refuse the waiting clients with the spare descriptor, then
     * stop accepting for a moment. */
    if (d->spare_fd >= 0) {
        close(d->spare_fd);
        for (int i = 0; i < 64; i++) {
            int fd = accept(evconnlistener_get_fd(l), NULL, NULL);
            if (fd < 0)
                break;
            if (l == d->http_listener) {
                static const char busy[] = "HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\n"
                                           "Retry-After: 5\r\nConnection: close\r\n\r\n";
                ssize_t w = send(fd, busy, sizeof busy - 1, MSG_NOSIGNAL | MSG_DONTWAIT);
                (void)w;
                evutil_closesocket(fd);
            } else {
                vn_listen_refuse(fd, "server out of file descriptors; try again later");
            }
            d->refused_nofd++;
        }
        d->spare_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
    }
    if (!d->accept_paused)
        vn_log_err("accept failed: %s; refusing new clients until connections close (%u open)",
               evutil_socket_error_to_string(e), d->nconns);
    d->accept_paused = 1;
    evconnlistener_disable(l);
    struct timeval tv = {0, ACCEPT_RETRY_MS * 1000};
    evtimer_add(d->accept_retry, &tv);
}
