/* SPDX-License-Identifier: GPL-2.0-or-later */
/* vn_clock.h -- internal: the one monotonic clock of vnsearch (deadlines,
 * durations, retry times), for the library, the programs, the client
 * library and the benchmarks alike: header only, so that the client needs
 * no link with libvnsearch.  Not wall-clock time, which dates and log
 * lines read themselves. */
#ifndef VN_CLOCK_H
#define VN_CLOCK_H

#include <time.h>

/* Seconds on CLOCK_MONOTONIC: for differences and deadlines only. */
static inline double vn_clock_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

#endif
