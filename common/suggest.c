/* SPDX-License-Identifier: GPL-2.0-or-later */
/* suggest.c -- completions of what a user is typing, from the index.
 *
 * "ha n" is asked as the query `ha n*` (folded words, last one a prefix);
 * in the best matching documents every run of words whose folded forms
 * are "ha" then "n..." is a candidate, shown in its exact form ("hà nội"),
 * and candidates are ranked by how often they occur.  Folded-aware both
 * ways: "hà n" and "ha n" give the same completions. */
#include "vn_buf.h"
#include "vn_search.h"
#include "vn_text.h"

#include <stdlib.h>
#include <string.h>

#define SUGGEST_DOCS 50   /* documents scanned for candidates */
#define SUGGEST_WORDS 8   /* words of a prefix considered */

typedef struct cand {
    char *text;
    unsigned count;
} cand;

static int by_count(const void *a, const void *b)
{
    const cand *x = a, *y = b;
    if (x->count != y->count)
        return x->count < y->count ? 1 : -1;
    return strcmp(x->text, y->text);
}

void vn_suggestions_free(char **items, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(items[i]);
    free(items);
}

/* Count, in the text `t`, the runs matching the prefix words `p`. */
static void scan(const char *t, const vn_tokens *p, int last_partial, cand **c, size_t *nc, size_t *cap)
{
    vn_tokens d;
    vn_tokens_init(&d);
    vn_tokenize(&d, t, strlen(t), 0);
    size_t np = p->n;
    for (size_t i = 0; i + np <= d.n; i++) {
        size_t k;
        for (k = 0; k < np; k++) {
            const vn_token *a = &d.tok[i + k], *b = &p->tok[k];
            int partial = last_partial && k == np - 1;
            if (partial ? a->folded_len < b->folded_len : a->folded_len != b->folded_len)
                break;
            if (memcmp(VN_TOK_FOLDED(&d, a), VN_TOK_FOLDED(p, b), b->folded_len) != 0)
                break;
        }
        if (k < np)
            continue;
        vn_buf s = VN_BUF_INIT;
        for (k = 0; k < np; k++) {
            if (k)
                vn_buf_putc(&s, ' ');
            vn_buf_puts(&s, VN_TOK_EXACT(&d, &d.tok[i + k]));
        }
        size_t j;
        for (j = 0; j < *nc; j++)
            if (strcmp((*c)[j].text, s.data) == 0)
                break;
        if (j < *nc) {
            (*c)[j].count++;
            vn_buf_free(&s);
        } else {
            if (*nc == *cap) {
                *cap = *cap ? *cap * 2 : 32;
                *c = vn_xrealloc(*c, *cap * sizeof **c);
            }
            (*c)[(*nc)++] = (cand){vn_buf_take(&s), 1};
        }
    }
    vn_tokens_free(&d);
}

vn_status vn_suggest(vn_searcher *s, const char *prefix, size_t max, char ***items, size_t *n, vn_error *err)
{
    *items = NULL;
    *n = 0;
    vn_tokens p;
    vn_tokens_init(&p);
    size_t len = strlen(prefix);
    vn_tokenize(&p, prefix, len, 0);
    if (p.n == 0 || p.n > SUGGEST_WORDS) {
        vn_tokens_free(&p);
        return vn_error_set(err, VN_ERR_INVALID, "SUGGEST needs 1 to %d words", SUGGEST_WORDS);
    }
    /* a trailing space means the last word is complete */
    int last_partial = len > 0 && prefix[len - 1] != ' ';
    vn_buf q = VN_BUF_INIT;
    for (size_t i = 0; i < p.n; i++) {
        if (i)
            vn_buf_putc(&q, ' ');
        vn_buf_puts(&q, VN_TOK_FOLDED(&p, &p.tok[i]));
    }
    if (last_partial)
        vn_buf_putc(&q, '*');
    vn_search_opts o = {0, SUGGEST_DOCS, 0, NULL, NULL, NULL, 0, 0, 0};
    vn_hits *h;
    vn_status rc = vn_search(s, q.data, &o, &h, err);
    vn_buf_free(&q);
    if (rc != VN_OK) {
        vn_tokens_free(&p);
        return rc;
    }
    cand *c = NULL;
    size_t nc = 0, cap = 0;
    for (size_t i = 0; i < h->n; i++) {
        scan(h->hit[i].title, &p, last_partial, &c, &nc, &cap);
        if (h->hit[i].body)
            scan(h->hit[i].body, &p, last_partial, &c, &nc, &cap);
    }
    vn_hits_free(h);
    vn_tokens_free(&p);
    qsort(c, nc, sizeof *c, by_count);
    size_t keep = nc < max ? nc : max;
    *items = vn_xrealloc(NULL, (keep ? keep : 1) * sizeof **items);
    for (size_t i = 0; i < nc; i++) {
        if (i < keep)
            (*items)[i] = c[i].text;
        else
            free(c[i].text);
    }
    free(c);
    *n = keep;
    return VN_OK;
}
