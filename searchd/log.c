/* SPDX-License-Identifier: GPL-2.0-or-later */
/* log.c -- vnsearchd's log lines (timestamped, on stderr, which systemd's
 * journal takes) and its monotonic clock.  Used by every file of searchd/;
 * calls nothing of theirs. */
#include "daemon.h"

#include <stdarg.h>
#include <stdio.h>
#include <sys/time.h>
#include <time.h>

double vn_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

void vn_log(const char *fmt, ...)
{
    char stamp[32];
    struct timeval tv;
    gettimeofday(&tv, NULL);
    struct tm tm;
    gmtime_r(&tv.tv_sec, &tm);
    strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%S", &tm);
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    fprintf(stderr, "%s.%03dZ vnsearchd: %s\n", stamp, (int)(tv.tv_usec / 1000), msg);
}
