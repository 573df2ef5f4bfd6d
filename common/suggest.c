/* SPDX-License-Identifier: GPL-2.0-or-later */
/* suggest.c -- completions of what a user is typing, from the index.
 *
 * "ha n" is parsed like a query and asked with its last word a prefix
 * (`ha n*`: adjacency over pair terms finds "ha n..." side by side);
 * in the best matching documents every run of words whose folded forms
 * are "ha" then "n..." is a candidate, shown in its exact form ("hà nội"),
 * and candidates are ranked by how often they occur.  Folded-aware both
 * ways: "hà n" and "ha n" give the same completions. */
#include "vn_buf.h"
#include "vn_docstore.h"
#include "vn_query.h"
#include "vn_xapian.h"
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
static void scan(const char *t, size_t tlen, const vn_tokens *p, int last_partial, cand **c, size_t *nc,
                 size_t *cap)
{
    vn_tokens d;
    vn_tokens_init(&d);
    vn_tokenize(&d, t, tlen, 0);
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
    size_t len = strlen(prefix);
    vn_qparse q;
    vn_status rc = vn_query_parse(prefix, len, &q, err);
    if (rc != VN_OK && rc != VN_ERR_LIMIT)
        return vn_error_set(err, VN_ERR_INVALID, "SUGGEST needs 1 to %d words", SUGGEST_WORDS);
    if (rc != VN_OK)
        return rc;
    if (q.toks.n > SUGGEST_WORDS) {
        vn_qparse_free(&q);
        return vn_error_set(err, VN_ERR_INVALID, "SUGGEST needs 1 to %d words", SUGGEST_WORDS);
    }
    /* the words as typed, side by side; a trailing space means the last
     * word is complete, else it is a prefix */
    int last_partial = len > 0 && prefix[len - 1] != ' ';
    for (size_t i = 0; i < q.n; i++) {
        q.items[i].flags &= VN_QI_PHRASE | VN_QI_JOINED;
        q.items[i].field = VN_QF_ANY;
    }
    if (last_partial)
        q.items[q.n - 1].flags |= VN_QI_PREFIX;
    vn_search_opts o = {0};
    o.limit = SUGGEST_DOCS;
    o.no_snippets = 1;
    vn_xresults *r;
    rc = vn_search_parsed(s, &q, &o, &r, err);
    if (rc != VN_OK) {
        vn_qparse_free(&q);
        return rc;
    }
    cand *c = NULL;
    size_t nc = 0, cap = 0;
    for (size_t i = 0; i < r->n; i++) {
        vn_docview v;
        if (!vn_doc_decode(r->hits[i].data, r->hits[i].data_len, &v))
            continue;
        for (int f = 0; f < 2; f++) {
            vn_docfield k = f ? VN_DOC_BODY : VN_DOC_TITLE;
            if (v.f[k])
                scan(v.f[k], v.len[k], &q.toks, last_partial, &c, &nc, &cap);
        }
    }
    vn_xresults_free(r);
    vn_qparse_free(&q);
    if (nc > 1) /* qsort(NULL, 0, ...) is undefined: c is NULL when nothing matched */
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
