/* SPDX-License-Identifier: GPL-2.0-or-later */
/* error.c -- filling in vn_error records (see vn_error.h). */
#include "vn_error.h"
#include "vn_buf.h"

#include <stdarg.h>
#include <stdio.h>

vn_status vn_error_set(vn_error *err, vn_status code, const char *fmt, ...)
{
    if (err) {
        va_list ap;
        va_start(ap, fmt);
        int n = vsnprintf(err->msg, sizeof err->msg, fmt, ap);
        va_end(ap);
        /* a message cut at the buffer's end must not end mid-character */
        if (n >= (int)sizeof err->msg) {
            size_t len = sizeof err->msg - 1;
            err->msg[vn_utf8_cut(err->msg, len, len)] = '\0';
        }
        err->code = code;
    }
    return code;
}

void vn_error_clear(vn_error *err)
{
    if (err) {
        err->code = VN_OK;
        err->msg[0] = '\0';
    }
}

const char *vn_status_name(vn_status code)
{
    switch (code) {
    case VN_OK: return "ok";
    case VN_ERR_INVALID: return "invalid";
    case VN_ERR_IO: return "io";
    case VN_ERR_LOCKED: return "locked";
    case VN_ERR_NOMEM: return "nomem";
    case VN_ERR_NOTFOUND: return "notfound";
    case VN_ERR_CORRUPT: return "corrupt";
    case VN_ERR_ENGINE: return "engine";
    case VN_ERR_LIMIT: return "limit";
    case VN_ERR_UNAVAILABLE: return "unavailable";
    }
    return "unknown";
}
