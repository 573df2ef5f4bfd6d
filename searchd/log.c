/* SPDX-License-Identifier: GPL-2.0-or-later */
/* log.c -- vnsearchd's log lines (on stderr: with a syslog priority
 * prefix and no timestamp when that is systemd's journal, timestamped
 * otherwise, from log_level up), the access log (a line per request, to
 * access_log) and the slow-request warnings.  Used by every file of
 * searchd/; calls nothing of theirs.  The access log is line-buffered: a
 * write(2) of a line to the page cache per request, from the loop. */
#include "daemon.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <time.h>

/* Is stderr the journal?  systemd sets JOURNAL_STREAM to its device and
 * inode (systemd.exec(5)); checked once. */
static int on_journal(void)
{
    static int known = -1;
    if (known < 0) {
        const char *js = getenv("JOURNAL_STREAM");
        unsigned long long dev, ino;
        struct stat st;
        known = js && sscanf(js, "%llu:%llu", &dev, &ino) == 2 && fstat(2, &st) == 0 &&
                (unsigned long long)st.st_dev == dev && (unsigned long long)st.st_ino == ino;
    }
    return known;
}

static int max_prio = 6; /* info */
static FILE *access_file;

int vn_log_set_level(const char *level)
{
    static const char *names[] = {"error", "warning", "info", "debug"};
    static const int prios[] = {3, 4, 6, 7};
    for (size_t i = 0; i < 4; i++)
        if (strcmp(level, names[i]) == 0) {
            max_prio = prios[i];
            return 0;
        }
    return -1;
}

static void utc_stamp(char out[32])
{
    struct timeval tv;
    gettimeofday(&tv, NULL);
    struct tm tm;
    gmtime_r(&tv.tv_sec, &tm);
    size_t n = strftime(out, 32, "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(out + n, 32 - n, ".%03dZ", (int)(tv.tv_usec / 1000));
}

void vn_logp(int prio, const char *fmt, ...)
{
    if (prio > max_prio)
        return;
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (on_journal()) { /* journald adds the time and the unit's name */
        fprintf(stderr, "<%d>%s\n", prio, msg);
        return;
    }
    char stamp[32];
    utc_stamp(stamp);
    const char *level = prio <= 3 ? "error: " : prio == 4 ? "warning: " : prio == 7 ? "debug: " : "";
    fprintf(stderr, "%s vnsearchd: %s%s\n", stamp, level, msg);
}

int vn_log_open_access(vn_daemon *d)
{
    if (!d->cfg.access_log[0])
        return 0;
    FILE *f = fopen(d->cfg.access_log, "ae");
    if (!f) {
        vn_log_err("cannot open access_log %s: %s", d->cfg.access_log, strerror(errno));
        return -1;
    }
    setvbuf(f, NULL, _IOLBF, 0);
    if (access_file)
        fclose(access_file);
    access_file = f;
    return 0;
}

void vn_log_close_access(void)
{
    if (access_file)
        fclose(access_file);
    access_file = NULL;
}

void vn_log_request(vn_daemon *d, const char *peer, int http, const char *what, size_t what_len, int status,
                    const char *outcome, double seconds, size_t bytes)
{
    int slow = d->cfg.slow_query_ms && seconds * 1000 >= d->cfg.slow_query_ms;
    if (!access_file && !slow)
        return;
    char req[201];
    size_t n = what_len < 200 ? what_len : 200;
    for (size_t i = 0; i < n; i++)
        req[i] = (unsigned char)what[i] < 0x20 || what[i] == 0x7f ? ' ' : what[i];
    req[n] = '\0';
    if (!http && n >= 5 && strncasecmp(req, "AUTH ", 5) == 0)
        snprintf(req + 5, sizeof req - 5, "%s", "***"); /* a token is never written down */
    if (slow)
        vn_log_warn("slow request: %.1f ms from %s (%s): %s", seconds * 1000, peer, http ? "http" : "line", req);
    if (access_file) {
        char stamp[32];
        utc_stamp(stamp);
        fprintf(access_file, "%s\t%s\t%s\t%s\t%d\t%s\t%.3f\t%zu\n", stamp, peer, http ? "http" : "line", req, status,
                outcome ? outcome : "-", seconds * 1000, bytes);
    }
}
