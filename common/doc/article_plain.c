/* SPDX-License-Identifier: GPL-2.0-or-later */
/* article_plain.c -- a plain-text article (the ../shared/seeds/ format) to
 * a vn_article.
 *
 *   [date YYYY-MM-DD] [DATELINE —] body ... last sentence. [— SOURCE | SOURCE]
 *
 * The date, the dateline and the trailing source are parsed out and kept as
 * fields, so they are not indexed as body words.  The title is the first
 * sentence of the body (cut at a word boundary past TITLE_MAX bytes).
 * What this does not do: guess a language or read files. */
#include "vn_article.h"
#include "vn_buf.h"
#include "vn_text.h"

#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#define TITLE_MAX 160    /* bytes of derived title before cutting */
#define DATELINE_MAX 60  /* a dateline is a place name, never longer */
#define SOURCE_MAX 24    /* VNA/VNS, AFP, REUTERS/VNA ... */

static int is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }

/* Length of a dash (em dash, en dash or '-') at s, or 0. */
static size_t dash_len(const char *s, size_t n)
{
    if (n >= 3 && (memcmp(s, "\xE2\x80\x94", 3) == 0 || memcmp(s, "\xE2\x80\x93", 3) == 0))
        return 3;
    if (n >= 1 && s[0] == '-')
        return 1;
    return 0;
}

/* Nonzero if s[0..n) has a letter and no lowercase letter. */
static int all_caps(const char *s, size_t n)
{
    int letters = 0;
    size_t i = 0;
    while (i < n) {
        utf8proc_int32_t cp;
        utf8proc_ssize_t k = utf8proc_iterate((const utf8proc_uint8_t *)s + i, (utf8proc_ssize_t)(n - i), &cp);
        if (k <= 0)
            return 0;
        utf8proc_category_t c = utf8proc_category(cp);
        if (c == UTF8PROC_CATEGORY_LL)
            return 0;
        if (c == UTF8PROC_CATEGORY_LU)
            letters++;
        i += (size_t)k;
    }
    return letters >= 2;
}

/* Find "DATELINE <dash> " at the start of s; return the offset where the
 * body begins (0 if there is no dateline) and the dateline length. */
static size_t find_dateline(const char *s, size_t n, size_t *dl_len)
{
    size_t lim = n < DATELINE_MAX + 8 ? n : DATELINE_MAX + 8;
    for (size_t i = 1; i + 1 < lim; i++) {
        if (s[i] == '\n')
            return 0;
        if (s[i] != ' ')
            continue;
        size_t d = dash_len(s + i + 1, n - i - 1);
        if (d && i + 1 + d < n && is_space(s[i + 1 + d]) && i <= DATELINE_MAX && all_caps(s, i)) {
            *dl_len = i;
            return i + 1 + d + 1;
        }
    }
    return 0;
}

/* Find a trailing source: returns the body length without it, and the
 * source's offset/length, or leaves n unchanged when there is none. */
static size_t strip_source(const char *s, size_t n, size_t *src_off, size_t *src_len)
{
    size_t e = n, b = n;
    while (b > 0 && ((s[b - 1] >= 'A' && s[b - 1] <= 'Z') || s[b - 1] == '/'))
        b--;
    if (e - b < 2 || e - b > SOURCE_MAX || b == 0 || !is_space(s[b - 1]))
        return n;
    size_t w = b;
    while (w > 0 && is_space(s[w - 1]))
        w--;
    size_t cut = 0;
    if (w >= 3 && dash_len(s + w - 3, 3) == 3)
        cut = w - 3;
    else if (w >= 1 && s[w - 1] == '-')
        cut = w - 1;
    else if (w >= 1 && strchr(".!?\")'", s[w - 1]))
        cut = w;
    else if (w >= 3 && (memcmp(s + w - 3, "\xE2\x80\x9D", 3) == 0 || memcmp(s + w - 3, "\xE2\x80\x99", 3) == 0))
        cut = w; /* ” or ’ closing the last sentence */
    else
        return n;
    *src_off = b;
    *src_len = e - b;
    while (cut > 0 && is_space(s[cut - 1]))
        cut--;
    return cut;
}

/* The first sentence of the body, at most about TITLE_MAX bytes. */
static char *derive_title(const char *s, size_t n)
{
    size_t end = 0;
    while (end < n && s[end] != '\n') {
        if (strchr(".!?", s[end]) && (end + 1 == n || is_space(s[end + 1]))) {
            end++;
            break;
        }
        end++;
    }
    if (end <= TITLE_MAX)
        return vn_xstrndup(s, end);
    size_t cut = TITLE_MAX;
    while (cut > 0 && s[cut] != ' ')
        cut--;
    if (cut == 0)
        cut = TITLE_MAX;
    while (cut > 0 && ((unsigned char)s[cut] & 0xC0) == 0x80)
        cut--; /* never split a UTF-8 sequence */
    vn_buf b = VN_BUF_INIT;
    vn_buf_append(&b, s, cut);
    vn_buf_puts(&b, "…");
    return vn_buf_take(&b);
}

vn_status vn_article_from_plain(const char *text, size_t len, const char *id, vn_article *out,
                                vn_error *err)
{
    memset(out, 0, sizeof *out);
    size_t idl = strlen(id);
    if (idl == 0 || idl > VN_ID_MAX_BYTES)
        return vn_error_set(err, VN_ERR_INVALID, "document id must be 1 to %d bytes", VN_ID_MAX_BYTES);
    size_t n;
    char *t = vn_utf8_repair(text, len, &n);
    size_t i = 0;
    while (i < n && is_space(t[i]))
        i++;
    if (n - i >= 15 && memcmp(t + i, "date ", 5) == 0) {
        char d[11];
        memcpy(d, t + i + 5, 10);
        d[10] = '\0';
        if (vn_date_valid(d) && (n - i == 15 || is_space(t[i + 15]))) {
            out->date = vn_xstrdup(d);
            i += 15;
            while (i < n && is_space(t[i]))
                i++;
        }
    }
    size_t dl_len = 0, skip = find_dateline(t + i, n - i, &dl_len);
    if (skip) {
        out->dateline = vn_xstrndup(t + i, dl_len);
        i += skip;
        while (i < n && is_space(t[i]))
            i++;
    }
    size_t e = n;
    while (e > i && is_space(t[e - 1]))
        e--;
    size_t so = 0, sl = 0;
    e = i + strip_source(t + i, e - i, &so, &sl);
    if (sl)
        out->source = vn_xstrndup(t + i + so, sl);
    if (e <= i) {
        free(t);
        vn_article_clear(out);
        return vn_error_set(err, VN_ERR_INVALID, "article has no body text");
    }
    out->id = vn_xstrdup(id);
    out->body = vn_xstrndup(t + i, e - i);
    out->title = derive_title(out->body, e - i);
    free(t);
    return VN_OK;
}
