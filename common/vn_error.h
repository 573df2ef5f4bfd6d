/* SPDX-License-Identifier: GPL-2.0-or-later */
/* vn_error.h -- status codes and the error record shared by libvnsearch.
 *
 * Every fallible library function returns a vn_status and, when it is
 * given a non-NULL vn_error, fills in a human-readable message.  Reporting
 * an error never allocates (the message lives in a fixed buffer, as in
 * hiredis' errstr). */
#ifndef VN_ERROR_H
#define VN_ERROR_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum vn_status {
    VN_OK = 0,
    VN_ERR_INVALID = -1,  /* the caller's input is bad (query, option, JSON) */
    VN_ERR_IO = -2,       /* a file could not be read or written */
    VN_ERR_LOCKED = -3,   /* another writer holds the index */
    VN_ERR_NOMEM = -4,    /* out of memory */
    VN_ERR_NOTFOUND = -5, /* no such document or index */
    VN_ERR_CORRUPT = -6,  /* the index is damaged or of an unknown format */
    VN_ERR_ENGINE = -7,   /* any other Xapian error */
    VN_ERR_LIMIT = -8     /* a configured limit was hit (time, size) */
} vn_status;

typedef struct vn_error {
    vn_status code;
    char msg[256];
} vn_error;

/* Record `code` and a printf-style message in `err` (which may be NULL).
 * Returns `code`, so that callers can write `return vn_error_set(...)`. */
vn_status vn_error_set(vn_error *err, vn_status code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Reset `err` (may be NULL) to VN_OK with an empty message. */
void vn_error_clear(vn_error *err);

/* A short constant name for a status ("invalid", "locked", ...). */
const char *vn_status_name(vn_status code);

#ifdef __cplusplus
}
#endif

#endif
