/* SPDX-License-Identifier: GPL-2.0-or-later */
/* clock.c -- the monotonic clock (vn_clock.h); not wall-clock time, which
 * dates and log lines read themselves. */
#include "vn_clock.h"

#include <time.h>

double vn_clock_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}
