/* SPDX-License-Identifier: GPL-2.0-or-later */
/* aliases.c -- newsroom aliases (config/aliases.txt): groups of names for
 * the same thing (TP.HCM | TPHCM | Thành phố Hồ Chí Minh | Sài Gòn),
 * parsed once and looked up while a query is built (query_build.c), so
 * that editing the file needs no reindex.
 *
 * Each form is parsed with the query parser, so it is compared with what
 * was typed as queries are: folded, word by word ("tphcm" is not "tp hcm";
 * list both forms when both are written).  Parsing is pure (text in,
 * table out); reading the file is vn_searcher_load_aliases' (search.c).
 * Not here: what a match does to the query (query_build.c) and to stage
 * two (wordrec.c). */
#include "vn_aliases.h"
#include "vn_query.h"
#include "vn_buf.h"
#include "vn_text.h"

#include <stdlib.h>
#include <string.h>

/* Do the folded words of two token runs agree? */
static int same_words(const vn_tokens *a, size_t af, size_t n, const vn_tokens *b, size_t bf)
{
    for (size_t k = 0; k < n; k++) {
        const vn_token *x = &a->tok[af + k], *y = &b->tok[bf + k];
        if (x->folded_len != y->folded_len || memcmp(VN_TOK_FOLDED(a, x), VN_TOK_FOLDED(b, y), x->folded_len))
            return 0;
    }
    return 1;
}

long vn_aliases_lookup(const vn_aliases *al, const vn_tokens *ts, size_t from, size_t n)
{
    for (size_t i = 0; al && i < al->n; i++)
        if (al->forms[i].q.toks.n == n && same_words(&al->forms[i].q.toks, 0, n, ts, from))
            return (long)i;
    return -1;
}

/* Has form f's group another form ("VND | VNĐ" fold alike: one form)? */
static int has_other(const vn_aliases *al, size_t f)
{
    return (f > 0 && al->forms[f - 1].group == al->forms[f].group) ||
           (f + 1 < al->n && al->forms[f + 1].group == al->forms[f].group);
}

long vn_aliases_at(const vn_aliases *al, const vn_qparse *p, size_t i, size_t *span)
{
    size_t n = 0; /* how many items from i could take part */
    if (!al || (p->items[i].flags & VN_QI_OR_BEFORE))
        return -1;
    while (i + n < p->n) {
        const vn_qitem *it = &p->items[i + n];
        if ((it->flags & (VN_QI_NEGATED | VN_QI_PREFIX)) || it->field != VN_QF_ANY ||
            (n > 0 && ((it->flags & VN_QI_OR_BEFORE) || it->from != p->items[i + n - 1].to)))
            break;
        n++;
    }
    for (; n > 0; n--) {
        long f = vn_aliases_lookup(al, &p->toks, p->items[i].from, p->items[i + n - 1].to - p->items[i].from);
        if (f >= 0 && has_other(al, (size_t)f)) {
            *span = n;
            return f;
        }
    }
    return -1;
}

static char *trim(char *s, char *e)
{
    while (s < e && (*s == ' ' || *s == '\t'))
        s++;
    while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
        e--;
    *e = '\0';
    return s;
}

vn_status vn_aliases_parse(const char *text, size_t len, const char *name, vn_aliases **out, vn_error *err)
{
    *out = NULL;
    vn_aliases *al = vn_xcalloc(1, sizeof *al);
    size_t cap = 0;
    unsigned lineno = 0;
    vn_status rc = VN_OK;
    char *copy = vn_xstrndup(text, len);
    for (char *line = copy, *next; rc == VN_OK && line && *line; line = next) {
        next = strchr(line, '\n');
        if (next)
            *next++ = '\0';
        lineno++;
        char *hash = strchr(line, '#');
        if (hash)
            *hash = '\0';
        if (!*trim(line, line + strlen(line)))
            continue;
        size_t first = al->n, forms = 0;
        for (char *f = line, *bar; rc == VN_OK && f; f = bar) {
            bar = strchr(f, '|');
            char *form = trim(f, bar ? bar : f + strlen(f));
            if (bar)
                bar++;
            vn_qparse q;
            vn_error e;
            if (!*form) {
                rc = vn_error_set(err, VN_ERR_INVALID, "%s:%u: an empty form", name, lineno);
            } else if (vn_query_parse(form, strlen(form), &q, &e) != VN_OK) {
                rc = vn_error_set(err, VN_ERR_INVALID, "%s:%u: \"%s\": %s", name, lineno, form, e.msg);
            } else if (q.n == 0 || (q.items[0].flags & VN_QI_NEGATED)) {
                vn_qparse_free(&q);
                rc = vn_error_set(err, VN_ERR_INVALID, "%s:%u: \"%s\" is no name", name, lineno, form);
            } else {
                long dup = vn_aliases_lookup(al, &q.toks, 0, q.toks.n);
                if (dup >= 0 && (size_t)dup < first) {
                    vn_qparse_free(&q);
                    rc = vn_error_set(err, VN_ERR_INVALID, "%s:%u: \"%s\" is already in another group", name,
                                      lineno, form);
                } else if (dup >= 0) {
                    vn_qparse_free(&q); /* the same form twice in a group: once is enough */
                    forms++;
                } else {
                    VN_GROW(al->forms, al->n, cap, 256);
                    al->forms[al->n].q = q;
                    al->forms[al->n++].group = lineno;
                    forms++;
                }
            }
        }
        if (rc == VN_OK && forms < 2)
            rc = vn_error_set(err, VN_ERR_INVALID, "%s:%u: a group needs at least two forms, separated by |", name,
                              lineno);
    }
    free(copy);
    if (rc != VN_OK) {
        vn_aliases_free(al);
        return rc;
    }
    *out = al;
    return VN_OK;
}

void vn_aliases_free(vn_aliases *al)
{
    if (!al)
        return;
    for (size_t i = 0; i < al->n; i++)
        vn_qparse_free(&al->forms[i].q);
    free(al->forms);
    free(al);
}
