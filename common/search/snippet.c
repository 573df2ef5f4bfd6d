/* SPDX-License-Identifier: GPL-2.0-or-later */
/* snippet.c -- excerpts with marked query words (see vn_snippet.h).
 *
 * Each word of the text gets a weight: 1 for a lone query word, 3 for
 * each word of a matched run (a phrase, or two words typed side by side,
 * in order), so the window of `max_words` words with the most weight
 * centres on the phrase.  vn_snippet_rec finds the weights in the
 * document's forward record (vn_wordrec.h) and tokenises only around the
 * window; vn_snippet tokenises the whole text and matches the parsed
 * query's items: a word matches a token whose folded form equals it (or
 * starts with it, for word*), a word typed with marks only its own
 * spelling or unmarked text unless other spellings joined.  Not done
 * here: ranking (the excerpt never changes a hit's order), excluded items
 * (never marked). */
#include "vn_snippet.h"
#include "vn_buf.h"
#include "vn_text.h"
#include "vn_rerank.h"

#include <stdlib.h>
#include <string.h>

#define RUN_WEIGHT 3

/* How a word typed with marks matches, as the search matched it
 * (vn_query_opts.all_spellings, VN_TERM_UNMARKED). */
enum { ANY_SPELLING, OWN_SPELLING, OWN_OR_UNMARKED };

/* Does document token t match query word q (last of a prefix item: as a
 * prefix)? */
static int tok_match(const vn_tokens *d, const vn_token *t, const vn_tokens *qs, const vn_token *q, int prefix,
                     int own)
{
    if (prefix ? t->folded_len < q->folded_len : t->folded_len != q->folded_len)
        return 0;
    if (memcmp(VN_TOK_FOLDED(d, t), VN_TOK_FOLDED(qs, q), q->folded_len) != 0)
        return 0;
    if (own == ANY_SPELLING || prefix || !(q->flags & VN_TOK_MARKED))
        return 1;
    if (!(t->flags & VN_TOK_MARKED))
        return own == OWN_OR_UNMARKED;
    return t->exact_len == q->exact_len && memcmp(VN_TOK_EXACT(d, t), VN_TOK_EXACT(qs, q), q->exact_len) == 0;
}

/* Do document tokens i and i+1 spell query word q together? */
static int split_match(const vn_tokens *d, size_t i, const vn_tokens *qs, const vn_token *q)
{
    const vn_token *a = &d->tok[i], *b = &d->tok[i + 1];
    const char *f = VN_TOK_FOLDED(qs, q);
    return a->folded_len + b->folded_len == q->folded_len &&
           memcmp(VN_TOK_FOLDED(d, a), f, a->folded_len) == 0 &&
           memcmp(VN_TOK_FOLDED(d, b), f + a->folded_len, b->folded_len) == 0;
}

/* Mark in w[] every run of document tokens matching query words
 * [from, to) in order; returns how many runs. */
static size_t mark_runs(const vn_tokens *d, const vn_tokens *qs, size_t from, size_t to, int last_prefix, int own,
                        unsigned char *w)
{
    size_t n = to - from, runs = 0;
    for (size_t i = 0; i + n <= d->n; i++) {
        size_t k = 0;
        while (k < n && tok_match(d, &d->tok[i + k], qs, &qs->tok[from + k], last_prefix && k == n - 1, own))
            k++;
        if (k < n)
            continue;
        for (k = 0; k < n; k++)
            w[i + k] = RUN_WEIGHT;
        runs++;
    }
    return runs;
}

/* Is item `it` one whose words are marked alone (not as a run)? */
static int lone_words(const vn_qitem *it)
{
    return it->to - it->from == 1;
}

static void weigh(const vn_tokens *d, const vn_qparse *q, int own, unsigned char *w)
{
    const vn_tokens *qs = &q->toks;
    for (size_t k = 0; k < q->n; k++) {
        const vn_qitem *it = &q->items[k];
        if (!vn_qitem_positive(it))
            continue;
        int prefix = (it->flags & VN_QI_PREFIX) != 0;
        if (!lone_words(it)) {
            mark_runs(d, qs, it->from, it->to, prefix, own, w);
            continue;
        }
        for (size_t i = 0; i < d->n; i++)
            if (!w[i] && tok_match(d, &d->tok[i], qs, &qs->tok[it->from], prefix, own))
                w[i] = 1;
        if (it->flags & VN_QI_ABBREV) /* TPHCM where written TP. HCM */
            for (size_t i = 0; i + 1 < d->n; i++)
                if (split_match(d, i, qs, &qs->tok[it->from]))
                    w[i] = w[i + 1] = 1;
        /* two words typed side by side weigh as a run where they stand so */
        const vn_qitem *prev = k > 0 ? &q->items[k - 1] : NULL;
        if (prev && vn_qitem_positive(prev) && lone_words(prev) && prev->to == it->from &&
            !(it->flags & VN_QI_OR_BEFORE) && !(prev->flags & VN_QI_PREFIX))
            mark_runs(d, qs, prev->from, it->to, prefix, own, w);
    }
}

/* The article's text: one line, and escaped when the snippet is HTML. */
static void put_text(vn_buf *b, int html, const char *s, size_t n)
{
    if (html)
        vn_buf_append_html(b, s, n);
    else
        vn_buf_append_oneline(b, s, n);
}

/* The window of at most max_words of the n weights w[] where they weigh
 * most, started a little before its first match, for context: [*from,
 * *to). */
static void choose(const unsigned char *w, size_t n, size_t max_words, size_t *from, size_t *to)
{
    size_t best = 0, best_w = 0, cur = 0;
    for (size_t i = 0; i < n; i++) {
        cur += w[i];
        if (i >= max_words)
            cur -= w[i - max_words];
        if (cur > best_w) {
            best_w = cur;
            best = i + 1 >= max_words ? i + 1 - max_words : 0;
        }
    }
    size_t first = best;
    while (first < n && !w[first] && first < best + max_words / 3)
        first++;
    best = first > best + 3 ? first - 3 : best;
    *from = best;
    *to = best + max_words < n ? best + max_words : n;
}

/* Write the excerpt of words [from, to) of n: tokens tok[0..] are words
 * base.. of the document, their offsets into text[0..tl), which reaches
 * the end of the document when to == n. */
static char *emit(const char *text, size_t tl, const vn_token *tok, size_t base, const unsigned char *w, size_t from,
                  size_t to, size_t n, const vn_snippet_opts *o)
{
    int html = o->html;
    const char *open = o->open ? o->open : "", *close = o->close ? o->close : "";
    vn_buf out = VN_BUF_INIT;
    if (n == 0) {
        put_text(&out, html, text, vn_utf8_cut(text, tl, 200));
        return vn_buf_take(&out);
    }
    if (from > 0)
        vn_buf_puts(&out, "… ");
    size_t pos = tok[from - base].src_start;
    for (size_t i = from; i < to; i++) {
        const vn_token *t = &tok[i - base];
        put_text(&out, html, text + pos, t->src_start - pos);
        if (w[i])
            vn_buf_puts(&out, open);
        put_text(&out, html, text + t->src_start, t->src_end - t->src_start);
        if (w[i])
            vn_buf_puts(&out, close);
        pos = t->src_end;
    }
    if (to < n)
        vn_buf_puts(&out, " …");
    else
        put_text(&out, html, text + pos, tl - pos < 8 ? tl - pos : 0); /* closing punctuation */
    return vn_buf_take(&out);
}

char *vn_snippet(const char *text, size_t tl, const vn_qparse *q, const vn_snippet_opts *o)
{
    vn_tokens d;
    vn_tokens_init(&d);
    int own = !o->all_spellings && vn_qparse_marked(q, 0);
    d.folded_only = !own; /* matching is on the folded form, and on the exact one for words typed with marks */
    if (tl > VN_SCAN_MAX_BYTES)
        tl = vn_utf8_cut(text, tl, VN_SCAN_MAX_BYTES);
    vn_tokenize(&d, text, tl, 0);
    if (own)
        own = vn_tokens_unmarked(&d) ? OWN_OR_UNMARKED : OWN_SPELLING;
    size_t max_words = o->max_words ? o->max_words : VN_SNIPPET_WORDS;
    unsigned char *w = vn_xrealloc(NULL, d.n ? d.n : 1);
    memset(w, 0, d.n ? d.n : 1);
    weigh(&d, q, own, w);
    size_t from, to;
    choose(w, d.n, max_words, &from, &to);
    char *r = emit(text, tl, d.tok, 0, w, from, to, d.n, o);
    free(w);
    vn_tokens_free(&d);
    return r;
}

char *vn_snippet_rec(const char *text, size_t tl, const char *rec, size_t rlen, const vn_qparse *q,
                     const vn_rerank_q *rq, const vn_snippet_opts *o)
{
    unsigned char *w = NULL;
    /* the record cannot weigh a prefix (word*) nor a word the index joins */
    long n = rq->unread ? -1 : vn_rerank_body_weights(rq, rec, rlen, RUN_WEIGHT, o->all_spellings, &w);
    if (n < 0)
        return vn_snippet(text, tl, q, o);
    size_t max_words = o->max_words ? o->max_words : VN_SNIPPET_WORDS;
    size_t from, to, cp_off, cp_word, end_off, end_word;
    choose(w, (size_t)n, max_words, &from, &to);
    /* tokenise from the checkpoint before the window to the one after it */
    char *r = NULL;
    if (n > 0 && vn_wordrec_body_checkpoint(rec, rlen, from, &cp_off, &cp_word) &&
        vn_wordrec_body_checkpoint(rec, rlen, to + VN_WORDREC_CHECK, &end_off, &end_word) && cp_off <= tl &&
        end_off <= tl) {
        size_t slice_end = end_word >= to ? end_off : tl; /* a checkpoint past the window, or the end */
        vn_tokens d;
        vn_tokens_init(&d);
        d.folded_only = 1;
        vn_tokenize(&d, text + cp_off, slice_end - cp_off, 0);
        /* the words the record counts, or the record is not this text's */
        if (end_word >= to ? d.n == end_word - cp_word : cp_word + d.n == (size_t)n)
            r = emit(text + cp_off, tl - cp_off, d.tok, cp_word, w, from, to, (size_t)n, o);
        vn_tokens_free(&d);
    } else if (n == 0) {
        r = emit(text, tl, NULL, 0, w, 0, 0, 0, o);
    }
    free(w);
    return r ? r : vn_snippet(text, tl, q, o);
}
