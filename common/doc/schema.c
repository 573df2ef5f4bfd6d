/* SPDX-License-Identifier: GPL-2.0-or-later */
/* schema.c -- an article to the terms, values and data of one Xapian
 * document (see vn_schema.h and docs/index-schema.md).
 *
 * One tokenisation pass gives each word's forms; each word then costs the
 * folded term, the exact form when the word has marks, and one pair term
 * with the word before it; with d->spelling, in Vietnamese documents, also
 * its spelling terms, alone and with the one and two words before it
 * (what restore.c reads).  No term carries positions: adjacency is the
 * pair terms, which a query reads like any other term instead of checking
 * positions in every matching document (bench/README.md has the
 * measurement). */
#include "vn_schema.h"
#include "vn_docstore.h"
#include "vn_wordrec.h"
#include "vn_hash.h"

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
    vn_buf_free(&d->scratch2);
    vn_buf_free(&d->source_value);
    vn_buf_free(&d->words_value);
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

static void add_term(vn_docspec *d, const char *prefix, const char *w, size_t wl, int kind, unsigned wdf)
{
    VN_GROW(d->t, d->n, d->cap, 1024);
    size_t pl = strlen(prefix);
    vn_docterm *t = &d->t[d->n++];
    t->off = (uint32_t)d->terms.len;
    t->len = (uint16_t)(pl + wl);
    t->kind = (uint8_t)kind;
    t->wdf = (uint8_t)wdf;
    vn_buf_reserve(&d->terms, pl + wl + 1);
    memcpy(d->terms.data + d->terms.len, prefix, pl);
    memcpy(d->terms.data + d->terms.len + pl, w, wl);
    d->terms.len += pl + wl;
    d->terms.data[d->terms.len++] = '\0';
}

void vn_pair_text(vn_buf *out, const char *a, size_t al, const char *b, size_t bl)
{
    vn_buf_append(out, a, al);
    vn_buf_putc(out, ' ');
    vn_buf_append(out, b, bl);
}

void vn_spelling_text(vn_buf *out, const char *folded, size_t fl, const char *exact, size_t el)
{
    vn_buf_append(out, folded, fl);
    vn_buf_putc(out, VN_SPELLING_SEP);
    if (exact)
        vn_buf_append(out, exact, el);
}

/* Glass refuses terms over 245 bytes; a spelling term that long is a
 * run of very long words, of no use to restoration. */
#define SPELLING_TERM_MAX 240

/* The spelling term of the n tokens ending with t (t - n + 1 .. t), all
 * words: numbers have one spelling and get none. */
static void add_spelling(vn_docspec *d, const vn_token *t, size_t n)
{
    const vn_tokens *ts = &d->toks;
    vn_buf *f = &d->scratch, *e = &d->scratch2;
    vn_buf_reset(f);
    vn_buf_reset(e);
    for (const vn_token *k = t - (n - 1); k <= t; k++) {
        if (k->flags & VN_TOK_NUMERIC)
            return;
        if (k != t - (n - 1)) {
            vn_buf_putc(f, ' ');
            vn_buf_putc(e, ' ');
        }
        vn_buf_append(f, VN_TOK_FOLDED(ts, k), k->folded_len);
        vn_buf_append(e, VN_TOK_EXACT(ts, k), k->exact_len);
    }
    vn_buf_putc(f, VN_SPELLING_SEP);
    vn_buf_append(f, e->data, e->len);
    if (f->len + strlen(VN_PREFIX_SPELLING) <= SPELLING_TERM_MAX)
        add_term(d, VN_PREFIX_SPELLING, f->data, f->len, VN_TERM_PLAIN, 0);
}

/* The pair term (prefix XP or XSP) of tokens p and t. */
static void add_pair(vn_docspec *d, const char *prefix, const vn_token *p, const vn_token *t, unsigned wdf)
{
    vn_buf_reset(&d->scratch);
    vn_pair_text(&d->scratch, VN_TOK_FOLDED(&d->toks, p), p->folded_len, VN_TOK_FOLDED(&d->toks, t), t->folded_len);
    add_term(d, prefix, d->scratch.data, d->scratch.len, VN_TERM_PLAIN, wdf);
}

/* The terms of the words of one run of text (title, dateline or body),
 * tokenised into ts->tok[from..to).  kind says which. */
enum run { RUN_BODY, RUN_TITLE, RUN_DATELINE };
/* The i/y spelling token t was written in (VN_PREFIX_IY). */
static void add_iy(vn_docspec *d, const vn_tokens *ts, const vn_token *t)
{
    vn_buf_reset(&d->scratch);
    vn_iy_term(ts, t, &d->scratch);
    add_term(d, "", d->scratch.data, d->scratch.len, VN_TERM_BOOLEAN, 0);
}

static void add_words(vn_docspec *d, const char *text, size_t from, size_t to, enum run kind, vn_stemmer *stem)
{
    int spell = d->spelling && !d->english && kind != RUN_DATELINE;
    const vn_tokens *ts = &d->toks;
    unsigned wdf = kind == RUN_TITLE ? VN_TITLE_WDF : 1;
    size_t chain = from; /* first token of the current dot-joined chain */
    for (size_t i = from; i < to; i++) {
        const vn_token *t = &ts->tok[i];
        const char *f = VN_TOK_FOLDED(ts, t);
        add_term(d, VN_PREFIX_FOLDED, f, t->folded_len, VN_TERM_PLAIN, wdf);
        /* no toneless term: the query asks for the six tones of the
         * word's exact spelling instead (query_build.c), which saved 12 %
         * of the postings (bench/README.md) */
        if (t->flags & VN_TOK_MARKED)
            add_term(d, VN_PREFIX_EXACT, VN_TOK_EXACT(ts, t), t->exact_len, VN_TERM_PLAIN, wdf);
        if (t->flags & VN_TOK_IY_WORD) /* which i/y spelling: the one typed ranks a tier above */
            add_iy(d, ts, t);
        if (stem && (t->flags & VN_TOK_ASCII_ALPHA)) {
            vn_buf_reset(&d->scratch);
            if (vn_stemmer_stem(stem, f, t->folded_len, &d->scratch) && d->scratch.len)
                add_term(d, VN_PREFIX_STEM, d->scratch.data, d->scratch.len, VN_TERM_PLAIN, wdf);
        }
        if (kind == RUN_TITLE) {
            add_term(d, VN_PREFIX_TITLE, f, t->folded_len, VN_TERM_PLAIN, 1);
            if (t->flags & VN_TOK_MARKED)
                add_term(d, VN_PREFIX_TITLE, VN_TOK_EXACT(ts, t), t->exact_len, VN_TERM_PLAIN, 1);
        } else if (kind == RUN_DATELINE) {
            add_term(d, VN_PREFIX_DATELINE, f, t->folded_len, VN_TERM_PLAIN, 1);
        }
        for (size_t n = 1; spell && n <= VN_SPELLING_WORDS && n <= i - from + 1; n++)
            add_spelling(d, t, n);
        if (i == from)
            continue;
        /* adjacency: one term per pair of neighbouring words */
        add_pair(d, VN_PREFIX_PAIR, t - 1, t, wdf);
        if (kind == RUN_TITLE)
            add_pair(d, VN_PREFIX_TITLE_PAIR, t - 1, t, 1);
        /* TP.HCM is also indexed as XFtphcm, so TPHCM finds it */
        if (!vn_tokens_dot_joined(ts, i, text)) {
            chain = i;
        } else if (i + 1 == to || !vn_tokens_dot_joined(ts, i + 1, text)) {
            vn_buf_reset(&d->scratch);
            for (size_t k = chain; k <= i; k++)
                vn_buf_append(&d->scratch, VN_TOK_FOLDED(ts, &ts->tok[k]), ts->tok[k].folded_len);
            if (d->scratch.len <= VN_TOKEN_MAX_BYTES)
                add_term(d, VN_PREFIX_FOLDED, d->scratch.data, d->scratch.len, VN_TERM_PLAIN, wdf);
        }
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

void vn_iy_term(const vn_tokens *ts, const vn_token *t, vn_buf *out)
{
    vn_buf_printf(out, "%s%.*s%c", VN_PREFIX_IY, (int)t->exact_len, VN_TOK_EXACT(ts, t),
                  t->flags & VN_TOK_IY ? '1' : '0');
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
    const char *dateline = a->dateline ? a->dateline : "";
    vn_tokenize(&d->toks, title, strlen(title), 0);
    size_t ntitle = d->toks.n;
    vn_tokenize(&d->toks, dateline, strlen(dateline), 0);
    size_t ndateline = d->toks.n;
    vn_tokenize(&d->toks, a->body, strlen(a->body), 0);

    d->english = vn_tokens_unmarked(&d->toks);
    vn_stemmer *s = d->english ? stem : NULL;
    add_words(d, title, 0, ntitle, RUN_TITLE, s);
    add_words(d, dateline, ntitle, ndateline, RUN_DATELINE, s);
    add_words(d, a->body, ndateline, d->toks.n, RUN_BODY, s);
    size_t ends[3] = {ntitle, ndateline, d->toks.n};
    vn_buf_reset(&d->words_value);
    vn_wordrec_encode(&d->toks, ends, 3, d->english, &d->words_value);

    /* the body's signature and its bands: its copies find it by them */
    uint32_t sig[VN_MINHASH_K];
    d->has_minhash = vn_minhash(&d->toks, ndateline, d->toks.n, sig);
    if (d->has_minhash) {
        vn_minhash_encode(sig, d->minhash_value);
        for (unsigned b = 0; b < VN_MINHASH_BANDS; b++) {
            char band[VN_BAND_TERM_LEN + 1];
            vn_minhash_band(sig, b, band);
            add_term(d, VN_PREFIX_BAND, band, VN_BAND_TERM_LEN, VN_TERM_BOOLEAN, 0);
        }
    }

    d->date_value[0] = '\0';
    if (a->date && vn_date_valid(a->date)) {
        char v[9];
        vn_date_key(a->date, v);
        memcpy(d->date_value, v, 9);
        add_term(d, VN_PREFIX_DAY, v, 8, VN_TERM_BOOLEAN, 0);
        add_term(d, VN_PREFIX_MONTH, v, 6, VN_TERM_BOOLEAN, 0);
        add_term(d, VN_PREFIX_YEAR, v, 4, VN_TERM_BOOLEAN, 0);
    }
    if (d->input_hash[0])
        add_term(d, VN_PREFIX_INPUT, d->input_hash, strlen(d->input_hash), VN_TERM_BOOLEAN, 0);
    if (d->live)
        add_term(d, VN_TERM_LIVE, "", 0, VN_TERM_BOOLEAN, 0);
    if (d->english)
        add_term(d, VN_TERM_UNMARKED, "", 0, VN_TERM_BOOLEAN, 0);
    vn_buf_reset(&d->source_value);
    if (a->source && *a->source) {
        char *fs = vn_text_form(a->source, strlen(a->source), VN_FORM_FOLDED);
        if (*fs && strlen(fs) <= VN_ID_MAX_BYTES) {
            add_term(d, VN_PREFIX_SOURCE, fs, strlen(fs), VN_TERM_BOOLEAN, 0);
            /* the publisher: "tuoi tre - the thao" folds to "tuoi tre the thao";
             * cut the folded form where the written one has " - " */
            const char *dash = strstr(a->source, " - ");
            if (dash) {
                char *fp = vn_text_form(a->source, (size_t)(dash - a->source), VN_FORM_FOLDED);
                if (*fp)
                    add_term(d, VN_PREFIX_PUBLISHER, fp, strlen(fp), VN_TERM_BOOLEAN, 0);
                free(fp);
            }
        }
        free(fs);
    }

    /* the stored document: text in NFC (NFD input is normalised here) */
    const char *in[VN_DOC_NFIELDS];
    vn_article_fields(a, in);
    in[VN_DOC_TITLE] = title;
    char *nfc[VN_DOC_NFIELDS] = {0};
    const char *f[VN_DOC_NFIELDS];
    for (int i = 0; i < VN_DOC_NFIELDS; i++) /* valid UTF-8: vn_schema_check said so */
        f[i] = in[i] && (nfc[i] = nfc_if_needed(in[i])) ? nfc[i] : in[i];
    vn_doc_encode(f, &d->data);
    /* the source facet's value: as stored (NFC), never longer than a term */
    const char *src = f[VN_DOC_SOURCE];
    if (src && *src)
        vn_buf_append(&d->source_value, src, vn_utf8_cut(src, strlen(src), VN_ID_MAX_BYTES));
    for (int i = 0; i < VN_DOC_NFIELDS; i++)
        free(nfc[i]);
    vn_article_hash(a, d->spelling, d->live, d->hash_value);
    return VN_OK;
}

/* FNV-1a of len (8 bytes) then p[0..len): fields cannot trade bytes. */
static uint64_t fnv_field(uint64_t h, const void *p, size_t len)
{
    unsigned char n[8];
    for (int k = 0; k < 8; k++)
        n[k] = (unsigned char)(len >> (8 * k));
    return vn_hash64_more(vn_hash64_more(h, n, 8), p, len);
}

vn_status vn_schema_check_id(const char *id, vn_error *err)
{
    if (!id || !*id || strlen(id) > VN_ID_MAX_BYTES)
        return vn_error_set(err, VN_ERR_INVALID, "document id must be 1 to %d bytes", VN_ID_MAX_BYTES);
    for (const unsigned char *p = (const unsigned char *)id; *p; p++)
        if (*p < 0x20 || *p == 0x7f)
            return vn_error_set(err, VN_ERR_INVALID, "document id holds a control character (byte 0x%02x)", *p);
    return VN_OK;
}

vn_status vn_schema_check(const vn_article *a, vn_error *err)
{
    if (vn_schema_check_id(a->id, err) != VN_OK)
        return VN_ERR_INVALID;
    if (!a->body)
        return vn_error_set(err, VN_ERR_INVALID, "article \"%s\" has no body", a->id);
    const char *f[VN_DOC_NFIELDS];
    vn_article_fields(a, f);
    size_t n = 0;
    for (int i = 0; i < VN_DOC_NFIELDS; i++) {
        size_t len = f[i] ? strlen(f[i]) : 0;
        if (f[i] && !vn_utf8_valid(f[i], len))
            return vn_error_set(err, VN_ERR_INVALID, "document %s: field %s is not valid UTF-8", a->id,
                                vn_doc_keys[i]);
        n += len;
    }
    if (n > VN_ARTICLE_MAX_BYTES)
        return vn_error_set(err, VN_ERR_INVALID, "article \"%s\" holds %zu bytes, more than the %u an article may have",
                            a->id, n, VN_ARTICLE_MAX_BYTES);
    return VN_OK;
}

void vn_article_hash(const vn_article *a, int spelling, int live, char out[17])
{
    /* the fields as given, and what else shapes the document: the schema,
     * the spelling terms, the owner (an export's hash is what it was
     * before live writes had one); + 1: "" is not NULL */
    const char *f[VN_DOC_NFIELDS];
    vn_article_fields(a, f);
    char head[64];
    int n = snprintf(head, sizeof head, "vnsearch %s %d%s", VN_SCHEMA_VERSION, spelling != 0, live ? " live" : "");
    uint64_t h = fnv_field(VN_HASH64_INIT, head, (size_t)n);
    for (size_t i = 0; i < sizeof f / sizeof f[0]; i++)
        h = fnv_field(h, f[i] ? f[i] : "", f[i] ? strlen(f[i]) + 1 : 0);
    snprintf(out, 17, "%016llx", (unsigned long long)h);
}

void vn_input_hash(const void *p, size_t n, const char *id, int spelling, int encoding, char out[17])
{
    char head[64];
    int k = snprintf(head, sizeof head, "vnsearch input %s %d %d", VN_SCHEMA_VERSION, spelling != 0, encoding);
    uint64_t h = fnv_field(VN_HASH64_INIT, head, (size_t)k);
    h = fnv_field(h, id ? id : "", id ? strlen(id) + 1 : 0);
    h = fnv_field(h, p, n);
    snprintf(out, 17, "%016llx", (unsigned long long)h);
}
