/* SPDX-License-Identifier: GPL-2.0-or-later */
/* text_utf8.c -- UTF-8 validation and repair, on top of utf8proc's decoder.
 *
 * The policy (see vn_text.h): an invalid byte is replaced by U+FFFD; the
 * rest of the text survives.  JSON input is stricter because jansson
 * rejects invalid UTF-8 in a document, and the indexer reports that line. */
#include "vn_text.h"

#include <utf8proc.h>

/* Offset of the first invalid byte in s[from..len), or len if none. */
static size_t first_invalid(const char *s, size_t from, size_t len)
{
    const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)s;
    size_t i = from;
    while (i < len) {
        if (p[i] < 0x80) {
            i++;
            continue;
        }
        utf8proc_int32_t cp;
        utf8proc_ssize_t n = utf8proc_iterate(p + i, (utf8proc_ssize_t)(len - i), &cp);
        if (n < 0)
            return i;
        i += (size_t)n;
    }
    return len;
}

int vn_utf8_valid(const char *s, size_t len)
{
    return first_invalid(s, 0, len) == len;
}

char *vn_utf8_repair(const char *s, size_t len, size_t *out_len)
{
    static const char fffd[] = "\xEF\xBF\xBD";
    vn_buf b = VN_BUF_INIT;
    vn_buf_reserve(&b, len);
    size_t i = 0;
    for (;;) {
        size_t bad = first_invalid(s, i, len);
        vn_buf_append(&b, s + i, bad - i);
        if (bad == len)
            break;
        vn_buf_append(&b, fffd, 3);
        i = bad + 1;
    }
    if (out_len)
        *out_len = b.len;
    return vn_buf_take(&b);
}
