/* SPDX-License-Identifier: GPL-2.0-or-later */
/* query_build.c -- what a user typed, to a vn_qnode tree (vn_query.h).
 *
 * Each query word goes through the same text pipeline as the documents,
 * so NFD or NFC, upper or lower case and either tone style give the same
 * terms.  A word matches in three tiers that add up:
 *     folded term (always) + toneless term + exact term (when typed with marks)
 * so a document with the exact word scores on all three, one that differs
 * only in tone on two, one that differs in any mark on one: exact ›
 * toneless › folded.  Adjacency is a bonus on top (AND_MAYBE): the whole
 * query as a phrase of folded terms, and each adjacent pair of words.
 * docs/ranking.md gives the formula.  Pure: no Xapian, no I/O. */
#include "vn_query.h"
#include "vn_buf.h"
#include "vn_schema.h"
#include "vn_text.h"
#include "vn_xapian.h"

#include <stdlib.h>
#include <string.h>

struct qblock {
    struct qblock *next;
    max_align_t align[];
};

void vn_qarena_init(vn_qarena *a) { a->blocks = NULL; }

void vn_qarena_free(vn_qarena *a)
{
    while (a->blocks) {
        struct qblock *b = a->blocks;
        a->blocks = b->next;
        free(b);
    }
}

static void *qalloc(vn_qarena *a, size_t n)
{
    struct qblock *b = vn_xrealloc(NULL, sizeof *b + n);
    b->next = a->blocks;
    a->blocks = b;
    memset(b->align, 0, n);
    return b->align;
}

vn_qnode *vn_qnode_new(vn_qarena *a, vn_qop op, size_t nkids)
{
    vn_qnode *q = qalloc(a, sizeof *q + nkids * sizeof(vn_qnode *));
    q->op = op;
    q->scale = 1.0;
    q->kids = (vn_qnode **)(q + 1);
    q->nkids = nkids;
    return q;
}

const char *vn_qarena_strdup(vn_qarena *a, const char *s, size_t n)
{
    char *d = qalloc(a, n + 1);
    memcpy(d, s, n);
    d[n] = '\0';
    return d;
}

vn_qnode *vn_qnode_term(vn_qarena *a, const char *prefix, const char *word, size_t n)
{
    size_t pl = strlen(prefix);
    char *d = qalloc(a, pl + n + 1);
    memcpy(d, prefix, pl);
    memcpy(d + pl, word, n);
    d[pl + n] = '\0';
    vn_qnode *q = vn_qnode_new(a, VN_Q_TERM, 0);
    q->term = d;
    return q;
}

static vn_qnode *scaled(vn_qarena *a, vn_qnode *q, double s)
{
    if (s == 1.0)
        return q;
    vn_qnode *n = vn_qnode_new(a, VN_Q_SCALE, 1);
    n->scale = s;
    n->kids[0] = q;
    return n;
}

/* A node with the given kids (a single kid is returned as it is). */
static vn_qnode *combine(vn_qarena *a, vn_qop op, vn_qnode **kids, size_t n)
{
    if (n == 1 && op != VN_Q_PHRASE)
        return kids[0];
    vn_qnode *q = vn_qnode_new(a, op, n);
    memcpy(q->kids, kids, n * sizeof *kids);
    return q;
}

/* The three tiers of one word (plus its English stem). */
static vn_qnode *word_tiers(vn_qarena *a, const vn_tokens *ts, const vn_token *t, vn_stemmer *stem)
{
    vn_qnode *k[5];
    size_t n = 0;
    const char *f = VN_TOK_FOLDED(ts, t);
    k[n++] = scaled(a, vn_qnode_term(a, VN_PREFIX_FOLDED, f, t->folded_len), VN_RANK_FOLDED);
    /* The index keeps the toneless term only for words with a tone mark;
     * an untoned word's exact term is its toneless form.  So the toneless
     * tier is XT<toneless> (toned words) plus <toneless> (untoned words). */
    if (t->flags & VN_TOK_MARKED) {
        const char *e = VN_TOK_EXACT(ts, t), *tl = VN_TOK_TONELESS(ts, t);
        int tl_differs = vn_token_toneless_differs(ts, t);
        if (t->flags & VN_TOK_TONED) {
            k[n++] = scaled(a, vn_qnode_term(a, VN_PREFIX_EXACT, e, t->exact_len), VN_RANK_EXACT);
            if (tl_differs) {
                k[n++] = scaled(a, vn_qnode_term(a, VN_PREFIX_TONELESS, tl, t->toneless_len), VN_RANK_TONELESS);
                k[n++] = scaled(a, vn_qnode_term(a, VN_PREFIX_EXACT, tl, t->toneless_len), VN_RANK_TONELESS);
            }
        } else {
            /* exact == toneless: that term is both tiers at once */
            k[n++] = scaled(a, vn_qnode_term(a, VN_PREFIX_EXACT, e, t->exact_len), VN_RANK_EXACT + VN_RANK_TONELESS);
            k[n++] = scaled(a, vn_qnode_term(a, VN_PREFIX_TONELESS, e, t->exact_len), VN_RANK_TONELESS);
        }
    }
    if (stem && (t->flags & VN_TOK_ASCII_ALPHA)) {
        vn_buf b = VN_BUF_INIT;
        if (vn_stemmer_stem(stem, f, t->folded_len, &b) && b.len)
            k[n++] = scaled(a, vn_qnode_term(a, VN_PREFIX_STEM, b.data, b.len), VN_RANK_STEM);
        vn_buf_free(&b);
    }
    return combine(a, VN_Q_OR, k, n);
}

/* A phrase of folded terms over tokens [from, to). */
static vn_qnode *folded_phrase(vn_qarena *a, const vn_tokens *ts, size_t from, size_t to)
{
    vn_qnode *p = vn_qnode_new(a, VN_Q_PHRASE, to - from);
    for (size_t i = from; i < to; i++)
        p->kids[i - from] = vn_qnode_term(a, VN_PREFIX_FOLDED, VN_TOK_FOLDED(ts, &ts->tok[i]),
                                          ts->tok[i].folded_len);
    p->window = (unsigned)(to - from);
    return p;
}

/* One parsed item of the query: a word or a phrase, maybe negated, maybe
 * restricted to the title, maybe a prefix. */
typedef struct item {
    size_t from, to;  /* its tokens in the query's vn_tokens */
    int negated, title, prefix, or_before, phrase;
} item;

#define MAX_ITEMS 64 /* words beyond this are ignored: no one types more */

static vn_qnode *item_query(vn_qarena *a, const vn_tokens *ts, const item *it, const vn_query_opts *o)
{
    size_t n = it->to - it->from;
    const vn_token *t0 = &ts->tok[it->from];
    if (it->title) {
        vn_qnode *k[MAX_ITEMS];
        for (size_t i = 0; i < n && i < MAX_ITEMS; i++)
            k[i] = vn_qnode_term(a, VN_PREFIX_TITLE, VN_TOK_FOLDED(ts, t0 + i), t0[i].folded_len);
        return combine(a, VN_Q_AND, k, n < MAX_ITEMS ? n : MAX_ITEMS);
    }
    if (it->prefix && n == 1) {
        vn_qnode *w = vn_qnode_term(a, VN_PREFIX_FOLDED, VN_TOK_FOLDED(ts, t0), t0->folded_len);
        w->op = VN_Q_WILDCARD;
        w->window = o && o->max_wildcard ? o->max_wildcard : 100;
        return w;
    }
    if (n == 1)
        return word_tiers(a, ts, t0, o ? o->stemmer : NULL);
    /* a phrase: required in order, its words' tiers rank inside it */
    vn_qnode *k[2];
    k[0] = folded_phrase(a, ts, it->from, it->to);
    vn_qnode *tiers = vn_qnode_new(a, VN_Q_OR, n);
    for (size_t i = 0; i < n; i++)
        tiers->kids[i] = word_tiers(a, ts, t0 + i, o ? o->stemmer : NULL);
    k[1] = tiers;
    return combine(a, VN_Q_AND_MAYBE, k, 2);
}

/* The term a -word excludes: the exact form if typed with marks. */
static vn_qnode *exclusion_query(vn_qarena *a, const vn_tokens *ts, const item *it)
{
    size_t n = it->to - it->from;
    const vn_token *t0 = &ts->tok[it->from];
    if (n > 1)
        return folded_phrase(a, ts, it->from, it->to);
    if (t0->flags & VN_TOK_MARKED)
        return vn_qnode_term(a, VN_PREFIX_EXACT, VN_TOK_EXACT(ts, t0), t0->exact_len);
    return vn_qnode_term(a, VN_PREFIX_FOLDED, VN_TOK_FOLDED(ts, t0), t0->folded_len);
}

/* A bare word: takes part in the adjacency bonus. */
static int is_plain(const item *it)
{
    return !it->negated && !it->title && !it->prefix && !it->phrase && !it->or_before && it->to - it->from == 1;
}

static int is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

static vn_status parse_items(const char *s, size_t len, vn_tokens *ts, item *items, size_t *nitems,
                             vn_error *err)
{
    size_t i = 0, n = 0;
    int pending_or = 0;
    while (i < len && n < MAX_ITEMS) {
        while (i < len && is_space(s[i]))
            i++;
        if (i >= len)
            break;
        item it = {0, 0, 0, 0, 0, 0, 0};
        if (s[i] == '-' && i + 1 < len && !is_space(s[i + 1])) {
            it.negated = 1;
            i++;
        }
        if (len - i > 6 && memcmp(s + i, "title:", 6) == 0 && !is_space(s[i + 6])) {
            it.title = 1;
            i += 6;
        }
        size_t ws, we;
        if (s[i] == '"') {
            ws = ++i;
            while (i < len && s[i] != '"')
                i++;
            if (i >= len)
                return vn_error_set(err, VN_ERR_INVALID, "unbalanced quote in query");
            we = i++;
            it.phrase = 1;
        } else {
            ws = i;
            while (i < len && !is_space(s[i]) && s[i] != '"')
                i++;
            we = i;
            if (we - ws == 2 && memcmp(s + ws, "OR", 2) == 0 && n > 0) {
                pending_or = 1;
                continue;
            }
            if (we > ws && s[we - 1] == '*') {
                it.prefix = 1;
                we--;
            }
        }
        it.from = ts->n;
        vn_tokenize(ts, s + ws, we - ws, ts->n ? ts->tok[ts->n - 1].pos + 2 : 0);
        it.to = ts->n;
        if (it.to == it.from) {
            pending_or = 0;
            continue; /* punctuation only */
        }
        it.or_before = pending_or && !it.negated;
        pending_or = 0;
        items[n++] = it;
    }
    *nitems = n;
    return VN_OK;
}

vn_qnode *vn_query_build(vn_qarena *a, const char *text, size_t len, const vn_query_opts *o, vn_error *err)
{
    vn_tokens ts;
    vn_tokens_init(&ts);
    item items[MAX_ITEMS];
    size_t n = 0;
    vn_qnode *root = NULL;
    if (parse_items(text, len, &ts, items, &n, err) != VN_OK)
        goto done;

    /* positive items, OR-groups joined; excluded items collected apart */
    vn_qnode *pos[MAX_ITEMS], *neg[MAX_ITEMS];
    size_t npos = 0, nneg = 0;
    for (size_t i = 0; i < n; i++) {
        if (items[i].negated) {
            neg[nneg++] = exclusion_query(a, &ts, &items[i]);
            continue;
        }
        vn_qnode *q = item_query(a, &ts, &items[i], o);
        if (items[i].or_before && npos > 0) {
            vn_qnode *prev = pos[npos - 1];
            vn_qnode *k[2] = {prev, q};
            pos[npos - 1] = combine(a, VN_Q_OR, k, 2);
        } else {
            pos[npos++] = q;
        }
    }
    if (npos == 0) {
        vn_error_set(err, VN_ERR_INVALID, n ? "query has only excluded words" : "empty query");
        goto done;
    }
    /* All words required: precise, and far faster than OR over common
     * syllables (286 against 21 queries/s on vi-news.jsonl); vn_search
     * falls back to match_any when nothing has them all. */
    root = combine(a, o && o->match_any ? VN_Q_OR : VN_Q_AND, pos, npos);

    /* adjacency: runs of plain words that stand next to each other */
    vn_qnode *boost[MAX_ITEMS];
    size_t nb = 0, run_from = 0, run_len = 0;
    for (size_t i = 0; i <= n; i++) {
        int plain = i < n && is_plain(&items[i]);
        if (plain && run_len > 0 && items[i].from == items[i - 1].to) {
            run_len++;
            continue;
        }
        if (run_len >= 2) {
            size_t f = items[run_from].from, t = items[run_from + run_len - 1].to;
            if (t - f > 2 && nb < MAX_ITEMS)
                boost[nb++] = scaled(a, folded_phrase(a, &ts, f, t), VN_RANK_PHRASE);
            for (size_t j = f; j + 1 < t && nb < MAX_ITEMS; j++)
                boost[nb++] = scaled(a, folded_phrase(a, &ts, j, j + 2), VN_RANK_PAIR);
        }
        run_from = i;
        run_len = plain ? 1 : 0;
    }
    /* One AND_MAYBE per boost, nested, not AND_MAYBE(root, OR(boosts)):
     * in Xapian 1.4.22 an OR over phrase subqueries weights a document
     * for a phrase whose terms it has but whose positional check failed
     * (seen on our corpus: a doc without "tả chạy đến" got that phrase's
     * boost).  Nested AND_MAYBE checks each phrase before weighting. */
    for (size_t i = 0; i < nb; i++) {
        vn_qnode *k[2] = {root, boost[i]};
        root = combine(a, VN_Q_AND_MAYBE, k, 2);
    }
    if (nneg) {
        vn_qnode *k[2] = {root, combine(a, VN_Q_OR, neg, nneg)};
        root = combine(a, VN_Q_AND_NOT, k, 2);
    }

    /* filters: date range on the date value, source as a boolean term */
    vn_qnode *filt[3];
    size_t nf = 0;
    if (o && (o->date_from || o->date_to)) {
        const char *ends[2] = {o->date_from ? o->date_from : "0000-01-01", o->date_to ? o->date_to : "9999-12-31"};
        char v[2][9];
        for (int e = 0; e < 2; e++) {
            if (!vn_date_valid(ends[e])) {
                vn_error_set(err, VN_ERR_INVALID, "date must be YYYY-MM-DD, not \"%.20s\"", ends[e]);
                root = NULL;
                goto done;
            }
            memcpy(v[e], ends[e], 4);
            memcpy(v[e] + 4, ends[e] + 5, 2);
            memcpy(v[e] + 6, ends[e] + 8, 2);
            v[e][8] = '\0';
        }
        vn_qnode *r = vn_qnode_new(a, VN_Q_VALUE_RANGE, 0);
        r->slot = VN_SLOT_DATE;
        r->term = vn_qarena_strdup(a, v[0], 8);
        r->term2 = vn_qarena_strdup(a, v[1], 8);
        filt[nf++] = r;
    }
    if (o && o->source && *o->source) {
        char *fs = vn_text_form(o->source, strlen(o->source), VN_FORM_FOLDED);
        vn_qnode *t = vn_qnode_term(a, VN_PREFIX_SOURCE, fs, strlen(fs));
        t->op = VN_Q_BOOL_TERM;
        filt[nf++] = t;
        free(fs);
    }
    if (nf) {
        vn_qnode *k[4] = {root, filt[0], nf > 1 ? filt[1] : NULL, NULL};
        root = combine(a, VN_Q_FILTER, k, nf + 1);
    }
done:
    vn_tokens_free(&ts);
    return root;
}

static void describe(vn_buf *b, const vn_qnode *q)
{
    static const char *names[] = {"", "BOOL", "OR", "AND", "AND_MAYBE", "AND_NOT", "FILTER",
                                  "PHRASE", "SCALE", "RANGE", "WILDCARD", "ALL"};
    switch (q->op) {
    case VN_Q_TERM: vn_buf_puts(b, q->term); return;
    case VN_Q_BOOL_TERM: vn_buf_printf(b, "BOOL(%s)", q->term); return;
    case VN_Q_WILDCARD: vn_buf_printf(b, "%s*", q->term); return;
    case VN_Q_VALUE_RANGE: vn_buf_printf(b, "RANGE(%u %s..%s)", q->slot, q->term, q->term2); return;
    case VN_Q_MATCH_ALL: vn_buf_puts(b, "ALL"); return;
    default: break;
    }
    vn_buf_puts(b, names[q->op]);
    if (q->op == VN_Q_SCALE)
        vn_buf_printf(b, "%g", q->scale);
    if (q->op == VN_Q_PHRASE)
        vn_buf_printf(b, "%u", q->window);
    vn_buf_putc(b, '(');
    for (size_t i = 0; i < q->nkids; i++) {
        if (i)
            vn_buf_putc(b, ' ');
        describe(b, q->kids[i]);
    }
    vn_buf_putc(b, ')');
}

char *vn_query_describe(const vn_qnode *q)
{
    vn_buf b = VN_BUF_INIT;
    describe(&b, q);
    return vn_buf_take(&b);
}
