/* SPDX-License-Identifier: GPL-2.0-or-later */
/* spelling.c -- the index read as statistics of how words are written:
 * the words and phrases that index terms hold (vn_term_words,
 * vn_term_phrases), and the spelling documents use for a phrase
 * (vn_phrase_spelling: searched as a phrase, read from the first hits'
 * text) or for a query's words in a result (vn_hits_spelling: read from
 * the hits' forward records).  Under suggestions (suggest.c), restored
 * marks (restore.c) and did-you-mean (search.c); it knows none of them. */
#include "vn_buf.h"
#include "vn_docstore.h"
#include "vn_query.h"
#include "vn_schema.h"
#include "vn_xapian.h"
#include "vn_spelling.h"
#include "vn_text.h"
#include "vn_rerank.h"

#include <stdlib.h>
#include <string.h>

#define SPELLING_DOCS 10 /* documents read for a candidate's spelling (30 restored no more windows) */

typedef vn_word_count cand; /* a completion and how often it occurs */

/* Bytes of s above ASCII: how many marks a spelling carries, roughly. */
static size_t marked_bytes(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        n += (unsigned char)*s >= 0x80;
    return n;
}

/* Most used first; between equals, the spelling with marks (the one to
 * restore), then by bytes. */
static int by_count(const void *a, const void *b)
{
    const cand *x = a, *y = b;
    if (x->count != y->count)
        return x->count < y->count ? 1 : -1;
    size_t mx = marked_bytes(x->text), my = marked_bytes(y->text);
    if (mx != my)
        return mx < my ? 1 : -1;
    return strcmp(x->text, y->text);
}

/* Add `text` (taken) with `count` to the candidates. */
static void cand_push(cand **c, size_t *nc, size_t *cap, char *text, unsigned count)
{
    VN_GROW(*c, *nc, *cap, 32);
    (*c)[(*nc)++] = (cand){text, count};
}

/* The text of the most counted of c[0..nc) (malloc'd; NULL when none);
 * frees the candidates. */
static char *most_counted(cand *c, size_t nc)
{
    char *top = NULL;
    if (nc) {
        qsort(c, nc, sizeof *c, by_count);
        top = c[0].text;
        c[0].text = NULL;
    }
    vn_word_counts_free(c, nc);
    return top;
}

/* Do tokens d[i, i + p->n) spell p's words, folded (the last as the
 * start of a word with `last_partial`)? */
static int spells(const vn_tokens *d, size_t i, const vn_tokens *p, int last_partial)
{
    for (size_t k = 0; k < p->n; k++) {
        const vn_token *a = &d->tok[i + k], *b = &p->tok[k];
        int partial = last_partial && k == p->n - 1;
        if (partial ? a->folded_len < b->folded_len : a->folded_len != b->folded_len)
            return 0;
        if (memcmp(VN_TOK_FOLDED(d, a), VN_TOK_FOLDED(p, b), b->folded_len) != 0)
            return 0;
    }
    return 1;
}

/* Tokens d[i, i + n) as written, joined by spaces (malloc'd). */
static char *exact_words(const vn_tokens *d, size_t i, size_t n)
{
    vn_buf b = VN_BUF_INIT;
    for (size_t k = 0; k < n; k++) {
        if (k)
            vn_buf_putc(&b, ' ');
        vn_buf_append(&b, VN_TOK_EXACT(d, &d->tok[i + k]), d->tok[i + k].exact_len);
    }
    return vn_buf_take(&b);
}

/* Count, in the text `t`, the runs matching the prefix words `p`. */
static void scan(const char *t, size_t tlen, const vn_tokens *p, int last_partial, cand **c, size_t *nc,
                 size_t *cap)
{
    vn_tokens d;
    vn_tokens_init(&d);
    if (tlen > VN_SCAN_MAX_BYTES)
        tlen = vn_utf8_cut(t, tlen, VN_SCAN_MAX_BYTES);
    vn_tokenize(&d, t, tlen, 0);
    for (size_t i = 0; i + p->n <= d.n; i++) {
        if (!spells(&d, i, p, last_partial))
            continue;
        char *s = exact_words(&d, i, p->n);
        size_t j;
        for (j = 0; j < *nc; j++)
            if (strcmp((*c)[j].text, s) == 0)
                break;
        if (j < *nc) {
            (*c)[j].count++;
            free(s);
        } else {
            cand_push(c, nc, cap, s, 1);
        }
    }
    vn_tokens_free(&d);
}

typedef struct terms {
    size_t skip, max;
    int phrases; /* keep texts with spaces */
    cand *c;
    size_t n, cap, seen;
} terms;

static int take_term(const char *term, size_t len, uint64_t docs, void *p)
{
    terms *t = p;
    if (++t->seen > t->max)
        return 1;
    const char *w = term + t->skip;
    size_t wl = len - t->skip;
    if (wl == 0 || (!t->phrases && memchr(w, ' ', wl)))
        return 0;
    cand_push(&t->c, &t->n, &t->cap, vn_xstrndup(w, wl), docs > 0xffffffffu ? 0xffffffffu : (unsigned)docs);
    return 0;
}

static vn_status term_texts(vn_searcher *s, const char *prefix, size_t skip, size_t max_terms, int phrases,
                           vn_word_count **out, size_t *n, vn_error *err)
{
    terms t = {skip, max_terms, phrases, NULL, 0, 0, 0};
    vn_status rc = vn_xdb_each_term(vn_searcher_xdb(s), prefix, take_term, &t, err);
    if (rc != VN_OK) {
        vn_word_counts_free(t.c, t.n);
        t.c = NULL;
        t.n = 0;
    }
    *out = t.c;
    *n = t.n;
    return rc;
}

vn_status vn_term_words(vn_searcher *s, const char *prefix, size_t skip, size_t max_terms, vn_word_count **out,
                        size_t *n, vn_error *err)
{
    return term_texts(s, prefix, skip, max_terms, 0, out, n, err);
}

vn_status vn_term_phrases(vn_searcher *s, const char *prefix, size_t skip, size_t max_terms, vn_word_count **out,
                          size_t *n, vn_error *err)
{
    return term_texts(s, prefix, skip, max_terms, 1, out, n, err);
}

void vn_word_counts_sort(vn_word_count *w, size_t n)
{
    if (n > 1) /* qsort(NULL, 0, ...) is undefined */
        qsort(w, n, sizeof *w, by_count);
}

void vn_word_counts_free(vn_word_count *w, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(w[i].text);
    free(w);
}

static char *spelled(const char *t, size_t from, size_t to, size_t at, size_t word, const vn_tokens *p)
{
    vn_tokens d;
    vn_tokens_init(&d);
    vn_tokenize(&d, t + from, to - from, 0);
    char *r = p->n && word >= at && word - at + p->n <= d.n && spells(&d, word - at, p, 0)
                  ? exact_words(&d, word - at, p->n)
                  : NULL;
    vn_tokens_free(&d);
    return r;
}

/* The phrase's spellings in the hits, counted from their forward records
 * (vn_wordrec.h): only the words of one occurrence per spelling are
 * tokenised, not the documents.  Returns 0 when a record cannot say (none,
 * damaged, not the text's): the caller then reads the text. */
#define OCC_MAX 64
static int record_spellings(vn_searcher *s, const vn_xresults *r, const vn_qparse *p, cand **c, size_t *nc,
                            size_t *cap)
{
    vn_rerank_q rq;
    if (vn_rerank_q_build(p, NULL, &rq) != p->toks.n)
        return 0;
    for (size_t i = 1; i < rq.n; i++)
        if (rq.brk[i])
            return 0; /* not one run of words (an OR between them) */
    typedef struct group {
        uint64_t spelling;
        unsigned count;
        size_t hit;
        vn_rerank_occ occ;
    } group;
    group g[OCC_MAX];
    size_t ng = 0;
    vn_rerank_occ occ[OCC_MAX];
    for (size_t i = 0; i < r->n; i++) {
        long n = vn_rerank_occurrences(&rq, r->hits[i].words, r->hits[i].words_len, occ, OCC_MAX);
        if (n < 0)
            return 0;
        for (long k = 0; k < n; k++) {
            if (occ[k].field == 1)
                continue; /* the dateline: as the text scan, title and body only */
            size_t j = 0;
            while (j < ng && g[j].spelling != occ[k].spelling)
                j++;
            if (j == ng && ng == OCC_MAX)
                continue;
            if (j == ng)
                g[ng++] = (group){occ[k].spelling, 0, i, occ[k]};
            g[j].count++;
        }
    }
    vn_buf data = VN_BUF_INIT;
    int ok = 1;
    for (size_t j = 0; ok && j < ng; j++) {
        vn_docview v;
        const vn_xhit *h = &r->hits[g[j].hit];
        vn_buf_reset(&data);
        if (vn_xdb_get_data_docid(vn_searcher_xdb(s), h->docid, &data, NULL) != VN_OK ||
            !vn_doc_decode(data.data, data.len, &v)) {
            ok = 0;
            break;
        }
        char *text = NULL;
        if (g[j].occ.field == 0 && v.f[VN_DOC_TITLE]) {
            text = spelled(v.f[VN_DOC_TITLE], 0, v.len[VN_DOC_TITLE], 0, g[j].occ.word, &p->toks);
        } else if (g[j].occ.field == 2 && v.f[VN_DOC_BODY]) {
            size_t from, at, to, end_at, w = g[j].occ.word;
            if (vn_wordrec_body_checkpoint(h->words, h->words_len, w, &from, &at) &&
                vn_wordrec_body_checkpoint(h->words, h->words_len, w + p->toks.n + VN_WORDREC_CHECK, &to, &end_at) &&
                from <= v.len[VN_DOC_BODY] && to <= v.len[VN_DOC_BODY])
                text = spelled(v.f[VN_DOC_BODY], from, end_at >= w + p->toks.n ? to : v.len[VN_DOC_BODY], at, w,
                               &p->toks);
        }
        if (!text) {
            ok = 0;
            break;
        }
        cand_push(c, nc, cap, text, g[j].count);
    }
    vn_buf_free(&data);
    return ok;
}

int vn_hits_spelling(vn_searcher *s, const vn_xresults *r, const vn_qparse *p, char **shown)
{
    *shown = NULL;
    cand *c = NULL;
    size_t nc = 0, cap = 0;
    int ok = record_spellings(s, r, p, &c, &nc, &cap);
    if (ok)
        *shown = most_counted(c, nc);
    else
        vn_word_counts_free(c, nc);
    return ok;
}

vn_status vn_phrase_spelling(vn_searcher *s, const char *phrase, unsigned *docs, char **shown, vn_error *err)
{
    *docs = 0;
    *shown = NULL;
    vn_qparse p;
    vn_status rc = vn_qparse_phrase(phrase, strlen(phrase), &p, err);
    if (rc != VN_OK)
        return VN_OK; /* no words, or too many: no candidate */
    vn_search_opts o = {.limit = SPELLING_DOCS, .no_snippets = 1};
    vn_xresults *r;
    if ((rc = vn_search_parsed(s, &p, &o, VN_SP_WORDS | VN_SP_NO_DATA, &r, err)) != VN_OK) {
        vn_qparse_free(&p);
        return rc;
    }
    cand *c = NULL;
    size_t nc = 0, cap = 0;
    int counted = r->total_min > 0 && record_spellings(s, r, &p, &c, &nc, &cap);
    if (!counted) { /* a record could not say: read the text */
        for (size_t i = 0; i < nc; i++)
            free(c[i].text);
        nc = 0;
    }
    vn_buf data = VN_BUF_INIT;
    for (size_t i = 0; !counted && r->total_min > 0 && i < r->n; i++) {
        vn_docview v;
        vn_buf_reset(&data);
        if (vn_xdb_get_data_docid(vn_searcher_xdb(s), r->hits[i].docid, &data, NULL) != VN_OK ||
            !vn_doc_decode(data.data, data.len, &v))
            continue;
        for (int f = 0; f < 2; f++) {
            vn_docfield k = f ? VN_DOC_BODY : VN_DOC_TITLE;
            if (v.f[k])
                scan(v.f[k], v.len[k], &p.toks, 0, &c, &nc, &cap);
        }
    }
    vn_buf_free(&data);
    if (nc)
        *docs = (unsigned)(r->total_min > 0xffffffffu ? 0xffffffffu : r->total_min);
    *shown = most_counted(c, nc);
    vn_xresults_free(r);
    vn_qparse_free(&p);
    return VN_OK;
}
