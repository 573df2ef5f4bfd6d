/* SPDX-License-Identifier: GPL-2.0-or-later */
/* query_parse.c -- what a user typed, to a list of items (vn_query.h).
 *
 * The one place that reads the query language: words, "phrases", -word,
 * OR, title:, dateline:, word*.  Each item's words go through the same
 * text pipeline as the documents, so NFD or NFC, upper or lower case and
 * either tone style give the same words.  Pure: no Xapian, no I/O.  What
 * the items mean for ranking is query_build.c's business, not this
 * file's. */
#include "vn_query.h"
#include "vn_buf.h"

#include <stdlib.h>
#include <string.h>

/* The syntax in one line: shown by the daemon's HELP; docs/protocol.md
 * is the full reference. */
const char vn_query_syntax[] = "query syntax: words, \"phrases\", -word, -\"phrase\", a OR b, title:word, "
                               "title:\"phrase\", title:pre*, dateline:word, prefix*";

static int is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

static const struct {
    const char *name;
    size_t len;
    vn_qfield field;
} fields[] = {{"title:", 6, VN_QF_TITLE}, {"dateline:", 9, VN_QF_DATELINE}};

void vn_qparse_free(vn_qparse *p)
{
    if (!p)
        return;
    vn_tokens_free(&p->toks);
    free(p->items);
    p->items = NULL;
    p->n = 0;
}

void vn_qparse_without(const vn_qparse *p, size_t from, size_t to, vn_qparse *out)
{
    size_t gone = to - from;
    vn_tokens_init(&out->toks);
    out->toks.folded_only = p->toks.folded_only;
    vn_buf_append(&out->toks.arena, p->toks.arena.data, p->toks.arena.len); /* the forms' offsets hold */
    for (size_t i = 0; i < p->toks.n; i++) {
        if (i >= from && i < to)
            continue;
        VN_GROW(out->toks.tok, out->toks.n, out->toks.cap, 16);
        vn_token t = p->toks.tok[i];
        if (i >= to)
            t.pos -= (uint32_t)gone;
        out->toks.tok[out->toks.n++] = t;
    }
    out->items = vn_xcalloc(p->n ? p->n : 1, sizeof *out->items);
    out->n = 0;
    for (size_t k = 0; k < p->n; k++) {
        vn_qitem it = p->items[k];
        if (it.from >= from && it.to <= to)
            continue;
        if (it.from >= to)
            it.from -= gone, it.to -= gone;
        out->items[out->n++] = it;
    }
}

/* Nonzero when the words [from, to) of the query s are letters joined by
 * single dots and nothing else (TP.HCM, U.S.A). */
static int dot_joined(const vn_tokens *ts, const char *s, size_t from, size_t to)
{
    for (size_t i = from + 1; i < to; i++)
        if (!vn_tokens_dot_joined(ts, i, s))
            return 0;
    return to - from > 1;
}

/* A word of 3 to VN_QUERY_ABBREV_MAX plain letters and no vowel is no
 * Vietnamese syllable (every syllable has one): an abbreviation, TPHCM,
 * CSGT, THPT. */
static int is_abbreviation(const vn_tokens *ts, const vn_token *t)
{
    if (!(t->flags & VN_TOK_ASCII_ALPHA) || t->folded_len < 3 || t->folded_len > VN_QUERY_ABBREV_MAX)
        return 0;
    return strpbrk(VN_TOK_FOLDED(ts, t), "aeiouy") == NULL;
}

/* The bounds of a query's words: none longer than VN_TOKEN_MAX_BYTES
 * (the tokeniser drops it), at most VN_QUERY_MAX_WORDS. */
static vn_status within_limits(const vn_tokens *t, vn_error *err)
{
    if (t->dropped)
        return vn_error_set(err, VN_ERR_LIMIT, "a query word is longer than %d bytes", VN_TOKEN_MAX_BYTES);
    if (t->n > VN_QUERY_MAX_WORDS)
        return vn_error_set(err, VN_ERR_LIMIT, "query has more than %d words", VN_QUERY_MAX_WORDS);
    return VN_OK;
}

vn_status vn_query_parse(const char *s, size_t len, vn_qparse *p, vn_error *err)
{
    memset(p, 0, sizeof *p);
    vn_tokens_init(&p->toks);
    size_t i = 0, cap = 0, npos = 0;
    int pending_or = 0;
    vn_status rc = VN_OK;
    while (rc == VN_OK) {
        while (i < len && is_space(s[i]))
            i++;
        if (i >= len)
            break;
        vn_qitem it = {0, 0, 0, VN_QF_ANY};
        if (s[i] == '-' && i + 1 < len && !is_space(s[i + 1])) {
            it.flags |= VN_QI_NEGATED;
            i++;
        }
        for (size_t f = 0; f < sizeof fields / sizeof fields[0]; f++) {
            if (len - i >= fields[f].len && memcmp(s + i, fields[f].name, fields[f].len) == 0) {
                if (len - i == fields[f].len || is_space(s[i + fields[f].len])) {
                    rc = vn_error_set(err, VN_ERR_INVALID, "%s needs a word or a \"phrase\" after it",
                                      fields[f].name);
                    break;
                }
                it.field = fields[f].field;
                i += fields[f].len;
                break;
            }
        }
        if (rc != VN_OK)
            break;
        size_t ws, we;
        if (s[i] == '"') {
            ws = ++i;
            while (i < len && s[i] != '"')
                i++;
            if (i >= len) {
                rc = vn_error_set(err, VN_ERR_INVALID, "unbalanced quote in query");
                break;
            }
            we = i++;
            it.flags |= VN_QI_PHRASE;
            if (i < len && s[i] == '*') { /* "pham thu h"* */
                it.flags |= VN_QI_PREFIX;
                i++;
            }
        } else {
            ws = i;
            while (i < len && !is_space(s[i]) && s[i] != '"')
                i++;
            we = i;
            if (we - ws == 2 && memcmp(s + ws, "OR", 2) == 0 && p->n > 0 && !it.flags && !it.field) {
                pending_or = 1;
                continue;
            }
            if (we > ws && s[we - 1] == '*') {
                it.flags |= VN_QI_PREFIX;
                we--;
            }
        }
        it.from = p->toks.n;
        vn_tokenize(&p->toks, s + ws, we - ws, 0);
        it.to = p->toks.n;
        if ((rc = within_limits(&p->toks, err)) != VN_OK)
            break;
        if (it.to == it.from) {
            pending_or = 0;
            continue; /* punctuation only */
        }
        /* tokens keep offsets into the item's text: make them the query's */
        for (size_t k = it.from; k < it.to; k++) {
            p->toks.tok[k].src_start += (uint32_t)ws;
            p->toks.tok[k].src_end += (uint32_t)ws;
        }
        if (!(it.flags & VN_QI_PHRASE) && dot_joined(&p->toks, s, it.from, it.to))
            it.flags |= VN_QI_JOINED;
        else if (it.to - it.from > 1)
            it.flags |= VN_QI_PHRASE; /* covid-19, "a b": adjacent words */
        else if (!(it.flags & VN_QI_PREFIX) && is_abbreviation(&p->toks, &p->toks.tok[it.from]))
            it.flags |= VN_QI_ABBREV;
        if (pending_or && !(it.flags & VN_QI_NEGATED))
            it.flags |= VN_QI_OR_BEFORE;
        pending_or = 0;
        if (vn_qitem_positive(&it))
            npos++;
        VN_GROW(p->items, p->n, cap, 8);
        p->items[p->n++] = it;
    }
    if (rc == VN_OK && npos == 0)
        rc = vn_error_set(err, VN_ERR_INVALID, p->n ? "query has only excluded words" : "empty query");
    if (rc != VN_OK)
        vn_qparse_free(p);
    return rc;
}

vn_status vn_qparse_phrase(const char *words, size_t len, vn_qparse *p, vn_error *err)
{
    memset(p, 0, sizeof *p);
    vn_tokens_init(&p->toks);
    vn_tokenize(&p->toks, words, len, 0);
    vn_status rc = within_limits(&p->toks, err);
    if (rc == VN_OK && p->toks.n == 0)
        rc = vn_error_set(err, VN_ERR_INVALID, "no words");
    if (rc != VN_OK) {
        vn_qparse_free(p);
        return rc;
    }
    p->items = vn_xcalloc(1, sizeof *p->items);
    p->items[0] = (vn_qitem){0, p->toks.n, VN_QI_PHRASE, VN_QF_ANY}; /* as "quoted" */
    p->n = 1;
    return VN_OK;
}

int vn_qparse_marked(const vn_qparse *p, int anywhere_only)
{
    for (size_t k = 0; k < p->n; k++) {
        const vn_qitem *it = &p->items[k];
        if (!vn_qitem_positive(it) || (anywhere_only && it->field != VN_QF_ANY))
            continue;
        for (size_t i = it->from; i < it->to; i++)
            if (p->toks.tok[i].flags & VN_TOK_MARKED)
                return 1;
    }
    return 0;
}
