/* SPDX-License-Identifier: GPL-2.0-or-later */
/* query_build.c -- parsed query items (query_parse.c) to a vn_qnode tree
 * (vn_query.h).
 *
 * Every word matches on its folded term, all spellings as one word with
 * one IDF (BM25).  A word typed with marks adds constant tier bonuses,
 * exact + toneless for the exact spelling, toneless for the same letters
 * in another tone, nothing for other marks: so exact › toneless › folded
 * strictly, whatever a rare variant's IDF or a document's length.
 * Adjacency is the pair terms of the index (schema.c), weighted by BM25:
 * required inside a phrase, a bonus between neighbouring words.  No
 * positions are read.  docs/ranking.md gives the formula and the
 * measurements.  Pure: no I/O, no Xapian objects (the shim turns the tree
 * into a Xapian::Query); only the English stemmer is Xapian's, reached
 * through the text layer (vn_text.h, text_stem.cc). */
#include "vn_aliases.h"
#include "vn_query.h"
#include "vn_buf.h"
#include "vn_calendar.h"
#include "vn_schema.h"
#include "vn_text.h"

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
    if (n == 1)
        return kids[0];
    vn_qnode *q = vn_qnode_new(a, op, n);
    memcpy(q->kids, kids, n * sizeof *kids);
    return q;
}

static vn_qnode *combine2(vn_qarena *a, vn_qop op, vn_qnode *x, vn_qnode *y)
{
    vn_qnode *k[2] = {x, y};
    return combine(a, op, k, 2);
}

/* Documents matching q, each weighing w whatever its term frequencies
 * (op VN_Q_CONST), or w more than q's own weight (VN_Q_ADD_CONST). */
static vn_qnode *constant(vn_qarena *a, vn_qop op, vn_qnode *q, double w)
{
    vn_qnode *n = vn_qnode_new(a, op, 1);
    n->scale = w;
    n->kids[0] = q;
    return n;
}

/* Words a query's prefixes (word*) may expand to, all of them together:
 * each of n prefixes takes max_wildcard, or VN_WILDCARD_BUDGET / n when
 * that is less (at least VN_WILDCARD_MIN).  32 one-letter prefixes of 100
 * words each took 1.9 s over vi-news.jsonl; bench/README.md has the figures. */
#define VN_WILDCARD_BUDGET 200
#define VN_WILDCARD_MIN 8

static vn_qnode *wildcard(vn_qarena *a, const char *prefix, const char *w, size_t n, unsigned limit)
{
    vn_qnode *q = vn_qnode_term(a, prefix, w, n);
    q->op = VN_Q_WILDCARD;
    q->window = limit;
    return q;
}

/* A growable list of nodes, from the arena. */
typedef struct nodes {
    vn_qnode **k;
    size_t n, cap;
} nodes;

static void push(vn_qarena *a, nodes *l, vn_qnode *q)
{
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 16;
        vn_qnode **k = qalloc(a, cap * sizeof *k);
        if (l->n)
            memcpy(k, l->k, l->n * sizeof *k);
        l->k = k;
        l->cap = cap;
    }
    l->k[l->n++] = q;
}

typedef struct build {
    vn_qarena *a;
    const vn_tokens *ts;
    const vn_query_opts *o;
    nodes bonus; /* weight-only nodes: tier bonuses, pair terms between words */
    unsigned wildcard_limit; /* words each prefix of this query expands to (VN_WILDCARD_BUDGET) */
    int english; /* a word of the query is no Vietnamese syllable: English stems count */
} build;

#define TOK(b, i) (&(b)->ts->tok[i])

/* Does a word typed with marks match only its own spelling (and
 * documents written without marks)?  Unless the caller widened the query
 * to every spelling (vn_search does when that finds too little). */
static int own_spelling(const build *b, const vn_token *t)
{
    return (t->flags & VN_TOK_MARKED) && !(b->o && b->o->all_spellings);
}

/* What a typed word requires: its folded term (every spelling; a word
 * typed with marks only where a document writes it so or has no marks),
 * or, in a query with English in it, its English stem.  Weighted by the
 * folded term's BM25: all spellings one word, one IDF. */
static vn_qnode *word_match(build *b, size_t i)
{
    const vn_token *t = TOK(b, i);
    const char *f = VN_TOK_FOLDED(b->ts, t);
    vn_qnode *q = vn_qnode_term(b->a, VN_PREFIX_FOLDED, f, t->folded_len);
    if (own_spelling(b, t)) {
        vn_qnode *as[2] = {vn_qnode_term(b->a, VN_PREFIX_EXACT, VN_TOK_EXACT(b->ts, t), t->exact_len),
                           vn_qnode_term(b->a, VN_TERM_UNMARKED, "", 0)};
        as[0]->op = as[1]->op = VN_Q_BOOL_TERM;
        return combine2(b->a, VN_Q_FILTER, q, combine(b->a, VN_Q_OR, as, 2));
    }
    if (b->english && b->o && b->o->stemmer && (t->flags & VN_TOK_ASCII_ALPHA)) {
        vn_buf s = VN_BUF_INIT;
        if (vn_stemmer_stem(b->o->stemmer, f, t->folded_len, &s) && s.len)
            q = combine2(b->a, VN_Q_OR, q, scaled(b->a, vn_qnode_term(b->a, VN_PREFIX_STEM, s.data, s.len), VN_RANK_STEM));
        vn_buf_free(&s);
    }
    return q;
}

/* The tier bonuses of a word typed with marks: a constant for the exact
 * spelling, plus the exact term's BM25 (which orders the documents that
 * have the word as typed: "bão" by how much they say bão, not báo),
 * and a constant for the same letters in any tone.  The index keeps
 * exact spellings only, so the toneless tier is the word's letters
 * untoned and in each of the five tones (vn_tone_variants). */
static void word_tiers(build *b, size_t i)
{
    const vn_token *t = TOK(b, i);
    if (!(t->flags & VN_TOK_MARKED))
        return;
    push(b->a, &b->bonus,
         constant(b->a, VN_Q_ADD_CONST,
                  scaled(b->a, vn_qnode_term(b->a, VN_PREFIX_EXACT, VN_TOK_EXACT(b->ts, t), t->exact_len),
                         VN_RANK_EXACT_BM25),
                  VN_RANK_EXACT));
    if (t->flags & VN_TOK_IY_WORD) { /* lí and lý match alike: the spelling typed a tier above */
        vn_buf iy = VN_BUF_INIT;
        vn_iy_term(b->ts, t, &iy);
        vn_qnode *q = vn_qnode_term(b->a, "", iy.data, iy.len);
        q->op = VN_Q_BOOL_TERM;
        push(b->a, &b->bonus, constant(b->a, VN_Q_CONST, q, VN_RANK_IY));
        vn_buf_free(&iy);
    }
    if (!vn_token_toneless_differs(b->ts, t) || own_spelling(b, t))
        return; /* the toneless form is the folded one, or no other tone matches: no tier of its own */
    const char *tl = VN_TOK_TONELESS(b->ts, t);
    vn_buf v = VN_BUF_INIT;
    size_t nv = vn_tone_variants(tl, t->toneless_len, &v);
    vn_qnode *tier = vn_qnode_new(b->a, VN_Q_OR, nv + 1);
    tier->kids[0] = vn_qnode_term(b->a, VN_PREFIX_EXACT, tl, t->toneless_len);
    for (size_t k = 0, off = 0; k < nv; k++) {
        size_t n = strlen(v.data + off);
        tier->kids[k + 1] = vn_qnode_term(b->a, VN_PREFIX_EXACT, v.data + off, n);
        off += n + 1;
    }
    vn_buf_free(&v);
    push(b->a, &b->bonus, constant(b->a, VN_Q_CONST, tier, VN_RANK_TONELESS));
}

/* The pair term of words i and i+1 (prefix XP or XSP); a wildcard over
 * pairs when word i+1 is a prefix being typed. */
static vn_qnode *pair(build *b, const char *prefix, size_t i, int last_is_prefix)
{
    const vn_token *x = TOK(b, i), *y = TOK(b, i + 1);
    vn_buf s = VN_BUF_INIT;
    vn_pair_text(&s, VN_TOK_FOLDED(b->ts, x), x->folded_len, VN_TOK_FOLDED(b->ts, y), y->folded_len);
    vn_qnode *q = last_is_prefix ? wildcard(b->a, prefix, s.data, s.len, b->wildcard_limit)
                                 : vn_qnode_term(b->a, prefix, s.data, s.len);
    vn_buf_free(&s);
    return q;
}

/* The term of word i for a restricting use (title:, dateline:, -word):
 * typed with marks, that spelling (either tone style); without, every
 * spelling. */
static vn_qnode *as_typed(build *b, const char *folded_prefix, const char *exact_prefix, size_t i)
{
    const vn_token *t = TOK(b, i);
    if ((t->flags & VN_TOK_MARKED) && exact_prefix)
        return vn_qnode_term(b->a, exact_prefix, VN_TOK_EXACT(b->ts, t), t->exact_len);
    return vn_qnode_term(b->a, folded_prefix, VN_TOK_FOLDED(b->ts, t), t->folded_len);
}

/* An item restricted to a field, or excluded: its words as typed (or the
 * last one as a prefix), and for a phrase its pair terms. */
static vn_qnode *restricted(build *b, const vn_qitem *it)
{
    const char *fp = VN_PREFIX_FOLDED, *ep = VN_PREFIX_EXACT, *pp = VN_PREFIX_PAIR;
    if (it->field == VN_QF_TITLE) {
        fp = ep = VN_PREFIX_TITLE;
        pp = VN_PREFIX_TITLE_PAIR;
    } else if (it->field == VN_QF_DATELINE) {
        fp = VN_PREFIX_DATELINE;
        ep = NULL; /* dateline words are kept folded only */
        pp = NULL;
    }
    nodes k = {0};
    int pre = (it->flags & VN_QI_PREFIX) != 0;
    for (size_t i = it->from; i < it->to; i++) {
        const vn_token *t = TOK(b, i);
        if (pre && i + 1 == it->to)
            push(b->a, &k, wildcard(b->a, fp, VN_TOK_FOLDED(b->ts, t), t->folded_len, b->wildcard_limit));
        else
            push(b->a, &k, as_typed(b, fp, ep, i));
        if (pp && i + 1 < it->to)
            push(b->a, &k, pair(b, pp, i, pre && i + 2 == it->to));
    }
    return combine(b->a, VN_Q_AND, k.k, k.n);
}

/* An abbreviation typed in one piece also matches where it is written in
 * two, with a dot or a space (TPHCM finds "TP. HCM" and "TP HCM"): the
 * word, or the pair term of any split of it. */
static vn_qnode *abbreviation(build *b, size_t i)
{
    const vn_token *t = TOK(b, i);
    const char *f = VN_TOK_FOLDED(b->ts, t);
    size_t n = t->folded_len;
    vn_qnode *q = vn_qnode_new(b->a, VN_Q_OR, n);
    q->kids[0] = vn_qnode_term(b->a, VN_PREFIX_FOLDED, f, n);
    vn_buf split = VN_BUF_INIT;
    for (size_t k = 1; k < n; k++) {
        vn_buf_reset(&split);
        vn_pair_text(&split, f, k, f + k, n - k);
        q->kids[k] = vn_qnode_term(b->a, VN_PREFIX_PAIR, split.data, split.len);
    }
    vn_buf_free(&split);
    return q;
}

/* A positive item anywhere in the document: what it requires (returned)
 * and the tier bonuses of its words (pushed). */
static vn_qnode *item_query(build *b, const vn_qitem *it)
{
    if (it->field != VN_QF_ANY)
        return restricted(b, it);
    if (it->flags & VN_QI_JOINED) {
        /* TP.HCM: the joined word (as the index keeps TP.HCM and TPHCM)
         * or its letters side by side (TP. HCM, TP HCM) */
        vn_buf s = VN_BUF_INIT;
        nodes k = {0};
        for (size_t i = it->from; i < it->to; i++) {
            vn_buf_append(&s, VN_TOK_FOLDED(b->ts, TOK(b, i)), TOK(b, i)->folded_len);
            if (i + 1 < it->to)
                push(b->a, &k, pair(b, VN_PREFIX_PAIR, i, 0));
        }
        vn_qnode *q = combine2(b->a, VN_Q_OR, vn_qnode_term(b->a, VN_PREFIX_FOLDED, s.data, s.len),
                               combine(b->a, VN_Q_AND, k.k, k.n));
        vn_buf_free(&s);
        return q;
    }
    if (it->flags & VN_QI_ABBREV)
        return abbreviation(b, it->from);
    int pre = (it->flags & VN_QI_PREFIX) != 0;
    nodes k = {0};
    for (size_t i = it->from; i < it->to; i++) {
        const vn_token *t = TOK(b, i);
        if (pre && i + 1 == it->to) {
            push(b->a, &k, wildcard(b->a, VN_PREFIX_FOLDED, VN_TOK_FOLDED(b->ts, t), t->folded_len, b->wildcard_limit));
        } else {
            push(b->a, &k, word_match(b, i));
            word_tiers(b, i);
        }
        if (i + 1 < it->to) /* a phrase: each pair required, and weighted */
            push(b->a, &k, scaled(b->a, pair(b, VN_PREFIX_PAIR, i, pre && i + 2 == it->to), VN_RANK_PAIR));
    }
    return combine(b->a, VN_Q_AND, k.k, k.n);
}

/* What counts a form's occurrences in a document, for its group's
 * synonym: the pair term of its first two words (TP.HCM, "TP. HCM" and
 * TP HCM are all the pair "tp hcm"), or its one word's folded term.  One
 * term a form, so that a five-word name counts as often as it is
 * written, not five times as often (a synonym sums its kids' wdfs). */
static vn_qnode *form_count(build *b, const vn_qitem *items, size_t n)
{
    const vn_qitem *it = &items[0];
    if (it->to - it->from >= 2 || (n > 1 && items[1].from == it->to))
        return pair(b, VN_PREFIX_PAIR, it->from, 0);
    const vn_token *t = TOK(b, it->from);
    return vn_qnode_term(b->a, VN_PREFIX_FOLDED, VN_TOK_FOLDED(b->ts, t), t->folded_len);
}

static void push_count(vn_qarena *a, nodes *counts, vn_qnode *q)
{
    for (size_t k = 0; k < counts->n; k++)
        if (!strcmp(counts->k[k]->term, q->term))
            return; /* two forms with one term (TP HCM, TP.HCM): counted once */
    push(a, counts, q);
}

/* Items [i, i + span), typed, spell form f of an alias group (TP.HCM |
 * Thành phố Hồ Chí Minh | Sài Gòn).  A document matches with what was
 * typed (its words anywhere, as usual) or another form written whole.
 * All forms weigh as one word: a synonym (one IDF; a document's
 * occurrences of every form counted together), so "Kẹt xe ở TP.HCM"
 * weighs for "kẹt xe sài gòn" as much as it would with "Sài Gòn"; the
 * form typed is a constant tier above, in place of its words' own tiers. */
static vn_qnode *alias_group(build *b, const vn_qparse *p, size_t i, size_t span, long f)
{
    const vn_aliases *al = b->o->aliases;
    nodes typed = {0}, others = {0}, counts = {0};
    size_t tiers = b->bonus.n;
    for (size_t j = i; j < i + span; j++)
        push(b->a, &typed, item_query(b, &p->items[j]));
    b->bonus.n = tiers; /* the group's tier replaces its words' */
    push_count(b->a, &counts, form_count(b, p->items + i, span));
    for (size_t g = 0; g < al->n; g++) {
        if (g == (size_t)f || al->forms[g].group != al->forms[f].group)
            continue;
        const vn_qparse *q = &al->forms[g].q;
        build bb = {b->a, &q->toks, b->o, {0}, b->wildcard_limit, b->english};
        nodes parts = {0};
        for (size_t m = 0; m < q->n; m++) {
            push(b->a, &parts, item_query(&bb, &q->items[m]));
            if (m > 0 && q->items[m].from == q->items[m - 1].to)
                push(b->a, &parts, pair(&bb, VN_PREFIX_PAIR, q->items[m].from - 1, 0));
        }
        push(b->a, &others, combine(b->a, VN_Q_AND, parts.k, parts.n));
        push_count(b->a, &counts, form_count(&bb, q->items, q->n));
    }
    vn_qnode *match = constant(b->a, VN_Q_CONST, combine(b->a, VN_Q_AND, typed.k, typed.n), VN_RANK_ALIAS_TYPED);
    if (others.n)
        match = combine2(b->a, VN_Q_OR, match, scaled(b->a, combine(b->a, VN_Q_OR, others.k, others.n), 0.0));
    return combine2(b->a, VN_Q_AND_MAYBE, match, combine(b->a, VN_Q_SYNONYM, counts.k, counts.n));
}

/* Items whose words count for adjacency with their neighbours. */
static int adjacent_kind(const vn_qitem *it)
{
    return !(it->flags & (VN_QI_NEGATED | VN_QI_JOINED)) && it->field == VN_QF_ANY;
}

/* t->root = root under the options' filters: the date range on the date
 * value, the source (or its publisher) as a boolean term. */
static vn_status filtered(vn_qarena *a, vn_qnode *root, const vn_query_opts *o, vn_qtree *t, vn_error *err)
{
    vn_qnode *filt[4];
    size_t nf = 0;
    filt[nf++] = root;
    if (o && o->only_ids) { /* these documents only: their id terms */
        vn_qnode **ids = qalloc(a, (o->nonly_ids ? o->nonly_ids : 1) * sizeof *ids);
        size_t n = 0;
        for (size_t i = 0; i < o->nonly_ids; i++) {
            char idterm[VN_IDTERM_SIZE];
            if (!vn_idterm(idterm, o->only_ids[i]))
                continue; /* no document has such an id */
            ids[n] = vn_qnode_term(a, "", idterm, strlen(idterm));
            ids[n++]->op = VN_Q_BOOL_TERM;
        }
        filt[nf++] = n ? combine(a, VN_Q_OR, ids, n) : vn_qnode_new(a, VN_Q_OR, 0); /* an OR of none: nothing */
    }
    if (o && (o->date_from || o->date_to)) {
        const char *ends[2] = {o->date_from ? o->date_from : "0000-01-01", o->date_to ? o->date_to : "9999-12-31"};
        char v[2][9];
        for (int e = 0; e < 2; e++) {
            if (!vn_date_valid(ends[e]))
                return vn_error_set(err, VN_ERR_INVALID, "date must be YYYY-MM-DD, not \"%.20s\"", ends[e]);
            vn_date_key(ends[e], v[e]);
        }
        vn_qnode *r = vn_qnode_new(a, VN_Q_VALUE_RANGE, 0);
        r->slot = VN_SLOT_DATE;
        r->term = vn_qarena_strdup(a, v[0], 8);
        r->term2 = vn_qarena_strdup(a, v[1], 8);
        filt[nf++] = r;
    }
    if (o && o->source && *o->source) {
        /* the source itself, or every source of that publisher */
        char *fs = vn_text_form(o->source, strlen(o->source), VN_FORM_FOLDED);
        vn_qnode *q[2] = {vn_qnode_term(a, VN_PREFIX_SOURCE, fs, strlen(fs)),
                          vn_qnode_term(a, VN_PREFIX_PUBLISHER, fs, strlen(fs))};
        q[0]->op = q[1]->op = VN_Q_BOOL_TERM;
        filt[nf++] = combine(a, VN_Q_OR, q, 2);
        free(fs);
    }
    t->root = combine(a, VN_Q_FILTER, filt, nf);
    return VN_OK;
}

vn_status vn_query_build(vn_qarena *a, const vn_qparse *p, const vn_query_opts *o, vn_qtree *t, vn_error *err)
{
    t->root = t->all = NULL;
    unsigned prefixes = 0, each = o && o->max_wildcard ? o->max_wildcard : 100;
    for (size_t i = 0; i < p->n; i++)
        prefixes += (p->items[i].flags & VN_QI_PREFIX) != 0;
    if (prefixes && VN_WILDCARD_BUDGET / prefixes < each)
        each = VN_WILDCARD_BUDGET / prefixes > VN_WILDCARD_MIN ? VN_WILDCARD_BUDGET / prefixes : VN_WILDCARD_MIN;
    /* English stems only where the query is English: every word of "to
     * lam" and "pham thu hang" is a Vietnamese syllable typed without marks
     * (Tô Lâm, Phạm Thu Hằng), and the stem bonus ranked English articles
     * ("to") and "nghi phạm thứ 4" above them */
    int english = 0;
    for (size_t i = 0; i < p->toks.n && !english; i++) {
        const vn_token *t = &p->toks.tok[i];
        english = (t->flags & VN_TOK_ASCII_ALPHA) && !vn_syllable_plausible(VN_TOK_FOLDED(&p->toks, t), t->folded_len);
    }
    build b = {a, &p->toks, o, {0}, each, english};
    nodes req = {0}, neg = {0};
    for (size_t i = 0; i < p->n; i++) {
        const vn_qitem *it = &p->items[i];
        if (!vn_qitem_positive(it)) {
            push(a, &neg, restricted(&b, it));
            continue;
        }
        size_t span = 0;
        long f = o ? vn_aliases_at(o->aliases, p, i, &span) : -1;
        vn_qnode *q = f >= 0 ? alias_group(&b, p, i, span, f) : item_query(&b, it);
        if ((it->flags & VN_QI_OR_BEFORE) && req.n > 0)
            req.k[req.n - 1] = combine2(a, VN_Q_OR, req.k[req.n - 1], q);
        else
            push(a, &req, q);
        /* adjacency with the item before: the pair of the words that meet */
        const vn_qitem *prev = i > 0 ? &p->items[i - 1] : NULL;
        if (prev && adjacent_kind(prev) && adjacent_kind(it) && !(it->flags & VN_QI_OR_BEFORE) &&
            !(prev->flags & VN_QI_PREFIX) && prev->to == it->from)
            push(a, &b.bonus,
                 scaled(a, pair(&b, VN_PREFIX_PAIR, prev->to - 1, (it->flags & VN_QI_PREFIX) && it->to - it->from == 1),
                        VN_RANK_PAIR));
        if (span > 1)
            i += span - 1; /* the rest of the alias run is in q */
    }
    if (req.n == 0 && p->n > 0)
        return vn_error_set(err, VN_ERR_INVALID, "query has only excluded words");
    if (req.n == 0) /* no words at all: every document, for the filters alone (a date typed as the query) */
        push(a, &req, vn_qnode_new(a, VN_Q_MATCH_ALL, 0));
    /* All items required: precise, and far faster than OR over common
     * syllables (286 against 21 queries/s on vi-news.jsonl); vn_search
     * flips t->all to OR when nothing has them all. */
    vn_qnode *root = combine(a, VN_Q_AND, req.k, req.n);
    t->all = req.n > 1 ? root : NULL;
    if (b.bonus.n)
        root = combine2(a, VN_Q_AND_MAYBE, root, combine(a, VN_Q_OR, b.bonus.k, b.bonus.n));
    if (neg.n)
        root = combine2(a, VN_Q_AND_NOT, root, combine(a, VN_Q_OR, neg.k, neg.n));

    return filtered(a, root, o, t, err);
}

static void describe(vn_buf *b, const vn_qnode *q)
{
    static const char *names[] = {"", "BOOL", "OR", "AND", "AND_MAYBE", "AND_NOT", "FILTER",
                                  "SCALE", "RANGE", "WILDCARD", "CONST", "ADD_CONST", "SYNONYM", "ALL"};
    switch (q->op) {
    case VN_Q_TERM: vn_buf_puts(b, q->term); return;
    case VN_Q_BOOL_TERM: vn_buf_printf(b, "BOOL(%s)", q->term); return;
    case VN_Q_WILDCARD: vn_buf_printf(b, "%s*", q->term); return;
    case VN_Q_VALUE_RANGE: vn_buf_printf(b, "RANGE(%u %s..%s)", q->slot, q->term, q->term2); return;
    case VN_Q_MATCH_ALL: vn_buf_puts(b, "ALL"); return;
    default: break;
    }
    vn_buf_puts(b, names[q->op]);
    if (q->op == VN_Q_SCALE || q->op == VN_Q_CONST || q->op == VN_Q_ADD_CONST)
        vn_buf_printf(b, "%g", q->scale);
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

vn_status vn_query_related(vn_qarena *a, const char *const *terms, const double *weights, size_t n,
                           const char *idterm, const vn_query_opts *o, vn_qtree *t, vn_error *err)
{
    t->all = NULL;
    vn_qnode **k = qalloc(a, n * sizeof *k);
    for (size_t i = 0; i < n; i++) /* each term as much as it tells the document apart */
        k[i] = scaled(a, vn_qnode_term(a, "", terms[i], strlen(terms[i])), weights[i] / weights[0]);
    vn_qnode *self = vn_qnode_term(a, "", idterm, strlen(idterm));
    self->op = VN_Q_BOOL_TERM;
    return filtered(a, combine2(a, VN_Q_AND_NOT, combine(a, VN_Q_OR, k, n), self), o, t, err);
}
