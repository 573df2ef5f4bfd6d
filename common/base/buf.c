/* SPDX-License-Identifier: GPL-2.0-or-later */
/* buf.c -- allocation that aborts on failure, the growable byte buffer,
 * array growth and cutting UTF-8 at a character boundary (see vn_buf.h).
 * Not here: reading UTF-8 as characters (text/text_utf8.c). */
#include "vn_buf.h"

#include <errno.h>
#include <stdint.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void *vn_xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (!q) {
        fprintf(stderr, "vnsearch: out of memory allocating %zu bytes\n", n);
        abort();
    }
    return q;
}

void *vn_xcalloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size ? size : 1);
    if (!p) {
        fputs("vnsearch: out of memory\n", stderr);
        abort();
    }
    return p;
}

char *vn_xstrndup(const char *s, size_t n)
{
    char *d = vn_xrealloc(NULL, n + 1);
    memcpy(d, s, n);
    d[n] = '\0';
    return d;
}

char *vn_xstrdup(const char *s)
{
    return vn_xstrndup(s, strlen(s));
}

void vn_buf_reserve(vn_buf *b, size_t extra)
{
    size_t need = b->len + extra + 1;
    if (need <= b->cap)
        return;
    size_t cap = b->cap ? b->cap : 64;
    while (cap < need)
        cap *= 2;
    b->data = vn_xrealloc(b->data, cap);
    b->cap = cap;
}

void vn_buf_append(vn_buf *b, const void *p, size_t n)
{
    vn_buf_reserve(b, n);
    if (n)
        memcpy(b->data + b->len, p, n);
    b->len += n;
    b->data[b->len] = '\0';
}

void vn_buf_puts(vn_buf *b, const char *s) { vn_buf_append(b, s, strlen(s)); }

void vn_buf_putc(vn_buf *b, char c) { vn_buf_append(b, &c, 1); }

void vn_buf_printf(vn_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    vn_buf_reserve(b, (size_t)n);
    va_start(ap, fmt);
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

void vn_buf_append_oneline(vn_buf *b, const char *s, size_t n)
{
    vn_buf_reserve(b, n);
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        b->data[b->len++] = (c < 0x20 || c == 0x7f) ? ' ' : (char)c;
    }
    b->data[b->len] = '\0';
}

void vn_buf_append_html(vn_buf *b, const char *s, size_t n)
{
    size_t from = 0;
    for (size_t i = 0; i < n; i++) {
        const char *ref = s[i] == '&' ? "&amp;" : s[i] == '<' ? "&lt;" : s[i] == '>' ? "&gt;"
                        : s[i] == '"' ? "&quot;" : s[i] == '\'' ? "&#39;" : NULL;
        if (!ref)
            continue;
        vn_buf_append_oneline(b, s + from, i - from);
        vn_buf_puts(b, ref);
        from = i + 1;
    }
    vn_buf_append_oneline(b, s + from, n - from);
}

int vn_buf_read_file(vn_buf *b, const char *path, size_t max)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return -1;
    size_t start = b->len, n;
    char chunk[65536];
    while (b->len - start <= max && (n = fread(chunk, 1, sizeof chunk, f)) > 0)
        vn_buf_append(b, chunk, n);
    int bad = ferror(f), e = errno;
    fclose(f);
    if (bad) {
        errno = e ? e : EIO;
        return -1;
    }
    return b->len - start > max;
}

int vn_buf_dump_cb(const char *buf, size_t size, void *data)
{
    vn_buf_append(data, buf, size);
    return 0;
}

void vn_buf_put_u32le(vn_buf *b, uint32_t v)
{
    unsigned char x[4] = {(unsigned char)v, (unsigned char)(v >> 8), (unsigned char)(v >> 16),
                          (unsigned char)(v >> 24)};
    vn_buf_append(b, x, 4);
}

uint32_t vn_get_u32le(const void *p)
{
    const unsigned char *b = p;
    return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
}

void vn_buf_reset(vn_buf *b)
{
    b->len = 0;
    if (b->data)
        b->data[0] = '\0';
}

void vn_buf_free(vn_buf *b)
{
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
}

char *vn_buf_take(vn_buf *b)
{
    char *d = b->data ? b->data : vn_xstrdup("");
    b->data = NULL;
    b->len = b->cap = 0;
    return d;
}

void *vn_xgrow(void *p, size_t *cap, size_t n, size_t elem, size_t first)
{
    size_t c = *cap ? *cap : first ? first : 1;
    while (c <= n && c <= SIZE_MAX / 2)
        c *= 2;
    if (c <= n || c > SIZE_MAX / elem) {
        fprintf(stderr, "vnsearch: out of memory: an array of %zu elements\n", n);
        abort();
    }
    *cap = c;
    return vn_xrealloc(p, c * elem);
}

size_t vn_utf8_cut(const char *s, size_t len, size_t max)
{
    size_t n = len < max ? len : max;
    if (n == 0)
        return 0;
    /* back over continuation bytes (10xxxxxx) to the last lead byte */
    size_t k = n - 1;
    while (k > 0 && n - k < 4 && ((unsigned char)s[k] & 0xC0) == 0x80)
        k--;
    unsigned char c = (unsigned char)s[k];
    size_t need = c < 0x80 ? 1 : c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
    return k + need > n ? k : n;
}
