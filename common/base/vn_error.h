/* SPDX-License-Identifier: GPL-2.0-or-later */
/* vn_error.h -- internal: filling in the vn_error records of vnsearch.h.
 *
 * Every fallible library function returns a vn_status and, when it is
 * given a non-NULL vn_error, fills in a human-readable message.  Reporting
 * an error never allocates (the message lives in a fixed buffer, as in
 * hiredis' errstr). */
#ifndef VN_ERROR_H
#define VN_ERROR_H

#include <stddef.h>

#include "vnsearch.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Record `code` and a printf-style message in `err` (which may be NULL).
 * Returns `code`, so that callers can write `return vn_error_set(...)`. */
vn_status vn_error_set(vn_error *err, vn_status code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* The first line of a public entry point: a NULL where the contract
 * wants an object is VN_ERR_INVALID naming the function, never a crash. */
#define VN_CHECK_ARGS(err, cond)                                                                            \
    do {                                                                                                   \
        if (!(cond))                                                                                       \
            return vn_error_set((err), VN_ERR_INVALID, "%s: a required argument is NULL", __func__);        \
    } while (0)

/* Reset `err` (may be NULL) to VN_OK with an empty message. */
void vn_error_clear(vn_error *err);

#ifdef __cplusplus
}
#endif

#endif
