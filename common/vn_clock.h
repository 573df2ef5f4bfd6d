/* SPDX-License-Identifier: GPL-2.0-or-later */
/* vn_clock.h -- internal: the one monotonic clock of vnsearch (deadlines,
 * durations, retry times), for the library and the programs alike. */
#ifndef VN_CLOCK_H
#define VN_CLOCK_H

#ifdef __cplusplus
extern "C" {
#endif

/* Seconds on CLOCK_MONOTONIC: for differences and deadlines only. */
double vn_clock_now(void);

#ifdef __cplusplus
}
#endif

#endif
