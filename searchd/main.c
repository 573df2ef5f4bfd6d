/* SPDX-License-Identifier: GPL-2.0-or-later */
/* main.c -- vnsearchd: arguments, settings, logging; then the server loop
 * (server.c) with its query workers (workers.c). */
#include "daemon.h"
#include "vn_xapian.h"

#include <event2/event.h>

#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static const char usage[] =
    "Usage: vnsearchd [--index DIR] [--listen HOST:PORT | --socket PATH] [--config FILE]\n"
    "                 [--workers N] [--user NAME]\n"
    "       vnsearchd -h | --help | -V | --version\n"
    "\n"
    "Serve the vnsearch index DIR (default: index= of " VN_CONFIG_DEFAULT_PATH ")\n"
    "over a text line protocol (vnsearch-protocol(7)).\n"
    "Runs in the foreground and logs to stderr. Listens on 127.0.0.1:7700 by\n"
    "default (listen= in the config); a non-loopback address needs admin_token.\n"
    "SIGHUP or RELOAD: pick up a new index revision; SIGTERM: stop accepting,\n"
    "finish open requests, exit 0 (requests still queued after query_time_limit\n"
    "+ 5 s get ERR SHUTDOWN).  Started as root, it refuses to run without\n"
    "--user NAME: it binds, then runs as NAME (--user root stays root).\n"
    "\n"
    "Exit codes: 0 stopped cleanly; 2 bad arguments, config or address, or root\n"
    "without --user; 3 cannot listen (also: the socket path holds a file or a\n"
    "live daemon's socket); 4 cannot open the index, or the alias file is\n"
    "refused (the line at fault is logged).\n";

int main(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"index", required_argument, NULL, 'i'}, {"listen", required_argument, NULL, 'l'},
        {"socket", required_argument, NULL, 's'}, {"config", required_argument, NULL, 'c'},
        {"workers", required_argument, NULL, 'w'}, {"user", required_argument, NULL, 'u'},
        {"help", no_argument, NULL, 'h'},        {"version", no_argument, NULL, 'V'},
        {NULL, 0, NULL, 0}};
    const char *index = NULL, *listen = NULL, *config = NULL, *workers = NULL, *user = NULL;
    static vn_daemon d;
    int c;
    /* held until the loop's handlers are in place (server.c): a SIGTERM
     * while starting waits for them, and the daemon drains and exits 0 */
    sigset_t hold;
    sigemptyset(&hold);
    sigaddset(&hold, SIGTERM);
    sigaddset(&hold, SIGINT);
    sigaddset(&hold, SIGHUP);
    pthread_sigmask(SIG_BLOCK, &hold, NULL);
    while ((c = getopt_long(argc, argv, "hV", longopts, NULL)) != -1) {
        switch (c) {
        case 'i': index = optarg; break;
        case 'l': listen = optarg; break;
        case 's': d.socket_path = optarg; break;
        case 'c': config = optarg; break;
        case 'w': workers = optarg; break;
        case 'u': user = optarg; break;
        case 'h': fputs(usage, stdout); return 0;
        case 'V': printf("vnsearchd %s (Xapian %s, libevent %s)\n", VNSEARCH_VERSION, vn_xapian_version(),
                         event_get_version());
            return 0;
        default: /* getopt said what was wrong */
            fputs("try 'vnsearchd --help'\n", stderr);
            return 2;
        }
    }
    if (optind < argc) {
        fprintf(stderr, "vnsearchd: unexpected argument \"%s\"; try 'vnsearchd --help'\n", argv[optind]);
        return 2;
    }
    vn_error err;
    vn_config_defaults(&d.cfg);
    vn_status rc = vn_config_load(&d.cfg, config ? config : VN_CONFIG_DEFAULT_PATH, &err);
    if (rc != VN_OK && (config || rc != VN_ERR_NOTFOUND)) {
        fprintf(stderr, "vnsearchd: %s\n", err.msg);
        return 2;
    }
    if ((index && vn_config_set(&d.cfg, "index", index, &err) != VN_OK) ||
        (listen && vn_config_set(&d.cfg, "listen", listen, &err) != VN_OK) ||
        (workers && vn_config_set(&d.cfg, "workers", workers, &err) != VN_OK) ||
        (user && vn_config_set(&d.cfg, "user", user, &err) != VN_OK)) {
        fprintf(stderr, "vnsearchd: %s\n", err.msg);
        return 2;
    }
    if (d.cfg.max_line < 16 || d.cfg.max_results < 1 || d.cfg.max_clients < 1 || d.cfg.line_timeout < 1) {
        fprintf(stderr, "vnsearchd: max_line must be at least 16, max_results, max_clients and line_timeout "
                        "at least 1\n");
        return 2;
    }
    if (d.cfg.max_input < d.cfg.max_line + 2) {
        fprintf(stderr, "vnsearchd: max_input (%u) must be at least max_line + 2 (%u)\n", d.cfg.max_input,
                d.cfg.max_line + 2);
        return 2;
    }
    if (strcmp(d.cfg.shard_down, "fail") != 0 && strcmp(d.cfg.shard_down, "partial") != 0) {
        fprintf(stderr, "vnsearchd: shard_down must be fail or partial, not \"%s\"\n", d.cfg.shard_down);
        return 2;
    }
    if (vn_log_set_level(d.cfg.log_level) != 0) {
        fprintf(stderr, "vnsearchd: log_level must be error, warning, info or debug, not \"%s\"\n", d.cfg.log_level);
        return 2;
    }
    int urc = vn_listen_check_user(&d);
    if (urc)
        return urc;
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    d.nworkers = d.cfg.workers ? d.cfg.workers : (unsigned)(cores > 0 ? cores : 2);
    if (d.nworkers > 256)
        d.nworkers = 256;
    d.started = vn_clock_now();
    d.started_wall = time(NULL);
    pthread_mutex_init(&d.mu, NULL);
    pthread_cond_init(&d.cv, NULL);
    return vn_server_run(&d);
}
