/* SPDX-License-Identifier: GPL-2.0-or-later */
/* schema.c -- an article to the terms, values and data of one Xapian
 * document (see vn_schema.h and docs/index-schema.md).
 *
 * One tokenisation pass gives each word's three forms; each word then
 * costs one positional posting (folded) and at most two plain terms: the
 * exact form when the word has marks, the toneless form when it has a
 * tone mark and still differs from the folded form.  So ASCII text costs
 * what a plain TermGenerator costs, and Vietnamese text far less than
 * three full passes. */
#include "vn_schema.h"
#include "vn_xapian.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

void vn_docspec_init(vn_docspec *d)
{
    memset(d, 0, sizeof *d);
    vn_tokens_init(&d->toks);
}

void vn_docspec_free(vn_docspec *d)
{
    vn_buf_free(&d->terms);
    free(d->t);
    vn_buf_free(&d->data);
    vn_tokens_free(&d->toks);
    vn_buf_free(&d->scratch);
    memset(d, 0, sizeof *d);
}

int vn_idterm(char out[VN_IDTERM_SIZE], const char *id)
{
    size_t n = strlen(id);
    if (n == 0 || n > VN_ID_MAX_BYTES)
        return 0;
    memcpy(out, VN_PREFIX_ID, 1);
    memcpy(out + 1, id, n + 1);
    return 1;
}

uint64_t vn_hash64(const void *p, size_t n)
{
    const unsigned char *s = p;
    uint64_t h = 14695981039346656037ULL;
    for (size_t i = 0; i < n; i++) {
        h ^= s[i];
        h *= 1099511628211ULL;
    }
    return h;
}

static void add_term(vn_docspec *d, const char *prefix, const char *w, size_t wl, int kind,
                     uint32_t pos, unsigned wdf)
{
    if (d->n == d->cap) {
        d->cap = d->cap ? d->cap * 2 : 1024;
        d->t = vn_xrealloc(d->t, d->cap * sizeof *d->t);
    }
    size_t pl = strlen(prefix);
    vn_docterm *t = &d->t[d->n++];
    t->off = (uint32_t)d->terms.len;
    t->len = (uint16_t)(pl + wl);
    t->kind = (uint8_t)kind;
    t->pos = pos;
    t->wdf = (uint8_t)wdf;
    vn_buf_reserve(&d->terms, pl + wl + 1);
    memcpy(d->terms.data + d->terms.len, prefix, pl);
    memcpy(d->terms.data + d->terms.len + pl, w, wl);
    d->terms.len += pl + wl;
    d->terms.data[d->terms.len++] = '\0';
}

/* Terms of the tokens ts->tok[from..to), title words get title terms. */
static void add_words(vn_docspec *d, size_t from, size_t to, int title, vn_stemmer *stem)
{
    const vn_tokens *ts = &d->toks;
    unsigned wdf = title ? VN_TITLE_WDF : 1;
    for (size_t i = from; i < to; i++) {
        const vn_token *t = &ts->tok[i];
        const char *f = VN_TOK_FOLDED(ts, t);
        add_term(d, VN_PREFIX_FOLDED, f, t->folded_len, VN_TERM_POSITIONAL, t->pos, wdf);
        if (t->flags & VN_TOK_MARKED) {
            add_term(d, VN_PREFIX_EXACT, VN_TOK_EXACT(ts, t), t->exact_len, VN_TERM_PLAIN, 0, wdf);
            /* an untoned word's exact term already is its toneless form:
             * the query side looks for both (query_build.c) */
            if ((t->flags & VN_TOK_TONED) && vn_token_toneless_differs(ts, t))
                add_term(d, VN_PREFIX_TONELESS, VN_TOK_TONELESS(ts, t), t->toneless_len, VN_TERM_PLAIN, 0, wdf);
        }
        if (stem && (t->flags & VN_TOK_ASCII_ALPHA)) {
            vn_buf_reset(&d->scratch);
            if (vn_stemmer_stem(stem, f, t->folded_len, &d->scratch) && d->scratch.len)
                add_term(d, VN_PREFIX_STEM, d->scratch.data, d->scratch.len, VN_TERM_PLAIN, 0, wdf);
        }
        if (title)
            add_term(d, VN_PREFIX_TITLE, f, t->folded_len, VN_TERM_PLAIN, 0, 1);
    }
}

/* NFC copy of s when it may hold combining marks (U+0300..U+036F start with
 * byte CC or CD); NULL when s is already fine as it is. */
static char *nfc_if_needed(const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if (*p == 0xCC || *p == 0xCD)
            return (char *)utf8proc_NFC((const utf8proc_uint8_t *)s);
    return NULL;
}

static void json_set_str(json_t *o, const char *k, const char *v)
{
    if (!v)
        return;
    char *n = nfc_if_needed(v);
    json_object_set_new(o, k, json_string(n ? n : v));
    free(n);
}

vn_status vn_schema_build(vn_docspec *d, const vn_article *a, vn_stemmer *stem, vn_error *err)
{
    if (!vn_idterm(d->idterm, a->id))
        return vn_error_set(err, VN_ERR_INVALID, "document id must be 1 to %d bytes", VN_ID_MAX_BYTES);
    d->n = 0;
    vn_buf_reset(&d->terms);
    vn_buf_reset(&d->data);
    vn_tokens_reset(&d->toks);

    const char *title = a->title ? a->title : "";
    uint32_t next = vn_tokenize(&d->toks, title, strlen(title), 0);
    size_t ntitle = d->toks.n;
    vn_tokenize(&d->toks, a->body, strlen(a->body), next + VN_TITLE_GAP);

    size_t marked = 0, words = 0;
    for (size_t i = 0; i < d->toks.n; i++) {
        if (d->toks.tok[i].flags & VN_TOK_NUMERIC)
            continue;
        words++;
        if (d->toks.tok[i].flags & VN_TOK_MARKED)
            marked++;
    }
    d->english = words > 0 && marked * 100 < words * VN_ENGLISH_MAX_MARKED_PCT;
    vn_stemmer *s = d->english ? stem : NULL;
    add_words(d, 0, ntitle, 1, s);
    add_words(d, ntitle, d->toks.n, 0, s);

    d->date_value[0] = '\0';
    if (a->date && vn_date_valid(a->date)) {
        char v[9];
        memcpy(v, a->date, 4);
        memcpy(v + 4, a->date + 5, 2);
        memcpy(v + 6, a->date + 8, 2);
        v[8] = '\0';
        memcpy(d->date_value, v, 9);
        add_term(d, VN_PREFIX_DAY, v, 8, VN_TERM_BOOLEAN, 0, 0);
        add_term(d, VN_PREFIX_MONTH, v, 6, VN_TERM_BOOLEAN, 0, 0);
        add_term(d, VN_PREFIX_YEAR, v, 4, VN_TERM_BOOLEAN, 0, 0);
    }
    if (a->source && *a->source) {
        char *fs = vn_text_form(a->source, strlen(a->source), VN_FORM_FOLDED);
        if (*fs && strlen(fs) <= VN_ID_MAX_BYTES)
            add_term(d, VN_PREFIX_SOURCE, fs, strlen(fs), VN_TERM_BOOLEAN, 0, 0);
        free(fs);
    }

    json_t *o = json_object();
    json_object_set_new(o, "id", json_string(a->id));
    json_set_str(o, "title", title);
    json_set_str(o, "date", a->date);
    json_set_str(o, "source", a->source);
    json_set_str(o, "url", a->url);
    json_set_str(o, "dateline", a->dateline);
    json_set_str(o, "body", a->body);
    int rc = json_dump_callback(o, vn_buf_dump_cb, &d->data, JSON_COMPACT | JSON_PRESERVE_ORDER);
    json_decref(o);
    if (rc != 0)
        return vn_error_set(err, VN_ERR_INVALID, "document %s cannot be stored as JSON (invalid UTF-8?)", a->id);
    snprintf(d->hash_value, sizeof d->hash_value, "%016llx",
             (unsigned long long)vn_hash64(d->data.data, d->data.len));
    return VN_OK;
}
