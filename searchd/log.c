/* SPDX-License-Identifier: GPL-2.0-or-later */
/* log.c -- vnsearchd's log lines (on stderr: with a syslog priority
 * prefix and no timestamp when that is systemd's journal, timestamped
 * otherwise) and its monotonic clock.  Used by every file of searchd/;
 * calls nothing of theirs. */
#include "daemon.h"

#include <stdarg.h>
#include <stdio.h>
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

void vn_logp(int prio, const char *fmt, ...)
{
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
    struct timeval tv;
    gettimeofday(&tv, NULL);
    struct tm tm;
    gmtime_r(&tv.tv_sec, &tm);
    strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%S", &tm);
    const char *level = prio <= 3 ? "error: " : prio == 4 ? "warning: " : "";
    fprintf(stderr, "%s.%03dZ vnsearchd: %s%s\n", stamp, (int)(tv.tv_usec / 1000), level, msg);
}
