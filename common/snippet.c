/* SPDX-License-Identifier: GPL-2.0-or-later */
/* snippet.c -- excerpts with marked query words (see vn_snippet.h).
 *
 * The document goes through the tokeniser (folded form only) and is
 * matched against the parsed query's items: a word matches a token whose
 * folded form equals it (or starts with it, for word*); a phrase, or two
 * words typed side by side, match a run of tokens in order.  Each token
 * gets a weight: 1 for a lone word, 3 for each token of a matched run, so
 * the window of `max_words` tokens with the most weight centres on the
 * phrase.  Not done here: ranking (the excerpt never changes a hit's
 * order), excluded items (never marked). */
#include "vn_snippet.h"
#include "vn_buf.h"
#include "vn_text.h"

#include <stdlib.h>
#include <string.h>

#define RUN_WEIGHT 3

/* Does document token t match query word q (last of a prefix item: as a
 * prefix)? */
static int tok_match(const vn_tokens *d, const vn_token *t, const vn_tokens *qs, const vn_token *q, int prefix)
{
    if (prefix ? t->folded_len < q->folded_len : t->folded_len != q->folded_len)
        return 0;
    return memcmp(VN_TOK_FOLDED(d, t), VN_TOK_FOLDED(qs, q), q->folded_len) == 0;
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
static size_t mark_runs(const vn_tokens *d, const vn_tokens *qs, size_t from, size_t to, int last_prefix,
                        unsigned char *w)
{
    size_t n = to - from, runs = 0;
    for (size_t i = 0; i + n <= d->n; i++) {
        size_t k = 0;
        while (k < n && tok_match(d, &d->tok[i + k], qs, &qs->tok[from + k], last_prefix && k == n - 1))
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

static void weigh(const vn_tokens *d, const vn_qparse *q, unsigned char *w)
{
    const vn_tokens *qs = &q->toks;
    for (size_t k = 0; k < q->n; k++) {
        const vn_qitem *it = &q->items[k];
        if (!vn_qitem_positive(it))
            continue;
        int prefix = (it->flags & VN_QI_PREFIX) != 0;
        if (!lone_words(it)) {
            mark_runs(d, qs, it->from, it->to, prefix, w);
            continue;
        }
        for (size_t i = 0; i < d->n; i++)
            if (!w[i] && tok_match(d, &d->tok[i], qs, &qs->tok[it->from], prefix))
                w[i] = 1;
        if (it->flags & VN_QI_ABBREV) /* TPHCM where written TP. HCM */
            for (size_t i = 0; i + 1 < d->n; i++)
                if (split_match(d, i, qs, &qs->tok[it->from]))
                    w[i] = w[i + 1] = 1;
        /* two words typed side by side weigh as a run where they stand so */
        const vn_qitem *prev = k > 0 ? &q->items[k - 1] : NULL;
        if (prev && vn_qitem_positive(prev) && lone_words(prev) && prev->to == it->from &&
            !(it->flags & VN_QI_OR_BEFORE) && !(prev->flags & VN_QI_PREFIX))
            mark_runs(d, qs, prev->from, it->to, prefix, w);
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

char *vn_snippet(const char *text, size_t tl, const vn_qparse *q, size_t max_words, int html, const char *open,
                 const char *close)
{
    vn_tokens d;
    vn_tokens_init(&d);
    d.folded_only = 1; /* matching is on the folded form */
    if (tl > VN_SCAN_MAX_BYTES)
        tl = vn_utf8_cut(text, tl, VN_SCAN_MAX_BYTES);
    vn_tokenize(&d, text, tl, 0);
    if (max_words == 0)
        max_words = VN_SNIPPET_WORDS;
    unsigned char *w = vn_xrealloc(NULL, d.n ? d.n : 1);
    memset(w, 0, d.n ? d.n : 1);
    weigh(&d, q, w);
    /* best window [best, best + max_words) by weight */
    size_t best = 0, best_w = 0, cur = 0;
    for (size_t i = 0; i < d.n; i++) {
        cur += w[i];
        if (i >= max_words)
            cur -= w[i - max_words];
        if (cur > best_w) {
            best_w = cur;
            best = i + 1 >= max_words ? i + 1 - max_words : 0;
        }
    }
    /* start the window a little before its first match, for context */
    size_t first = best;
    while (first < d.n && !w[first] && first < best + max_words / 3)
        first++;
    best = first > best + 3 ? first - 3 : best;
    size_t end = best + max_words < d.n ? best + max_words : d.n;
    vn_buf out = VN_BUF_INIT;
    if (d.n == 0) {
        put_text(&out, html, text, vn_utf8_cut(text, tl, 200));
    } else {
        if (best > 0)
            vn_buf_puts(&out, "… ");
        size_t pos = d.tok[best].src_start;
        for (size_t i = best; i < end; i++) {
            const vn_token *t = &d.tok[i];
            put_text(&out, html, text + pos, t->src_start - pos);
            if (w[i])
                vn_buf_puts(&out, open);
            put_text(&out, html, text + t->src_start, t->src_end - t->src_start);
            if (w[i])
                vn_buf_puts(&out, close);
            pos = t->src_end;
        }
        if (end < d.n)
            vn_buf_puts(&out, " …");
        else
            put_text(&out, html, text + pos, tl - pos < 8 ? tl - pos : 0); /* closing punctuation */
    }
    free(w);
    vn_tokens_free(&d);
    return vn_buf_take(&out);
}
