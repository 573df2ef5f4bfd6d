/* SPDX-License-Identifier: GPL-2.0-or-later */
/* snippet.c -- excerpts with marked query words (see vn_snippet.h).
 *
 * Both texts go through the tokeniser; a token of the document matches
 * when its folded form equals a query word's folded form, or starts with
 * it when the query word ended in '*'.  The window of `max_words` tokens
 * with the most matches wins (earliest on ties). */
#include "vn_snippet.h"
#include "vn_buf.h"
#include "vn_text.h"

#include <stdlib.h>
#include <string.h>

#define MAX_QWORDS 32

typedef struct qword {
    const char *f;
    size_t len;
    int prefix;
} qword;

static size_t query_words(const vn_tokens *q, const char *query, qword *out)
{
    size_t n = 0;
    for (size_t i = 0; i < q->n && n < MAX_QWORDS; i++) {
        const vn_token *t = &q->tok[i];
        size_t s = t->src_start, e = t->src_end;
        if (s > 0 && query[s - 1] == '-')
            continue; /* excluded */
        if (e - s == 2 && memcmp(query + s, "OR", 2) == 0)
            continue;
        if (query[e] == ':' && e - s == 5 && memcmp(query + s, "title", 5) == 0)
            continue;
        out[n].f = VN_TOK_FOLDED(q, t);
        out[n].len = t->folded_len;
        out[n].prefix = query[e] == '*';
        n++;
    }
    return n;
}

static int matches(const vn_tokens *d, const vn_token *t, const qword *w, size_t nw)
{
    const char *f = VN_TOK_FOLDED(d, t);
    for (size_t i = 0; i < nw; i++) {
        if (w[i].prefix ? (t->folded_len >= w[i].len && memcmp(f, w[i].f, w[i].len) == 0)
                        : (t->folded_len == w[i].len && memcmp(f, w[i].f, w[i].len) == 0))
            return 1;
    }
    return 0;
}

char *vn_snippet(const char *text, const char *query, size_t max_words, const char *open, const char *close)
{
    vn_tokens d, q;
    vn_tokens_init(&d);
    vn_tokens_init(&q);
    d.folded_only = q.folded_only = 1; /* matching is on the folded form */
    size_t tl = strlen(text);
    vn_tokenize(&d, text, tl, 0);
    vn_tokenize(&q, query, strlen(query), 0);
    qword w[MAX_QWORDS];
    size_t nw = query_words(&q, query, w);
    if (max_words == 0)
        max_words = 30;
    char *hit = calloc(d.n ? d.n : 1, 1);
    for (size_t i = 0; i < d.n; i++)
        hit[i] = (char)matches(&d, &d.tok[i], w, nw);
    /* best window [best, best + max_words) by number of hits */
    size_t best = 0, best_hits = 0, cur = 0;
    for (size_t i = 0; i < d.n; i++) {
        cur += (size_t)hit[i];
        if (i >= max_words)
            cur -= (size_t)hit[i - max_words];
        if (cur > best_hits) {
            best_hits = cur;
            best = i + 1 >= max_words ? i + 1 - max_words : 0;
        }
    }
    /* start the window a little before its first hit, for context */
    size_t first = best;
    while (first < d.n && !hit[first] && first < best + max_words / 3)
        first++;
    best = first > best + 3 ? first - 3 : best;
    size_t end = best + max_words < d.n ? best + max_words : d.n;
    vn_buf out = VN_BUF_INIT;
    if (d.n == 0) {
        vn_buf_append_oneline(&out, text, tl < 200 ? tl : 0);
    } else {
        if (best > 0)
            vn_buf_puts(&out, "… ");
        size_t pos = d.tok[best].src_start;
        for (size_t i = best; i < end; i++) {
            const vn_token *t = &d.tok[i];
            vn_buf_append_oneline(&out, text + pos, t->src_start - pos);
            if (hit[i])
                vn_buf_puts(&out, open);
            vn_buf_append_oneline(&out, text + t->src_start, t->src_end - t->src_start);
            if (hit[i])
                vn_buf_puts(&out, close);
            pos = t->src_end;
        }
        if (end < d.n)
            vn_buf_puts(&out, " …");
        else
            vn_buf_append_oneline(&out, text + pos, tl - pos < 8 ? tl - pos : 0); /* closing punctuation */
    }
    free(hit);
    vn_tokens_free(&d);
    vn_tokens_free(&q);
    return vn_buf_take(&out);
}
