/* SPDX-License-Identifier: GPL-2.0-or-later */
/* rerank.c -- stage two of the ranking: the top candidates of stage one
 * re-ordered by how a document's forward record (doc/wordrec.c) holds
 * the query's words side by side (see vn_rerank.h).  Deliberately not
 * here: which candidates (the shim asks Xapian), the query language
 * (query_parse.c gives the items), the record's format (wordrec.c). */
#include "vn_rerank.h"
#include "vn_hash.h"

#include <stdlib.h>
#include <string.h>

/* Words [at, q->n) are an alias group whose typed form is form f: the
 * group is one unit, and the group's other forms that fit are followed. */
static void add_group(vn_rerank_q *q, const vn_aliases *al, long f, size_t at)
{
    size_t span = q->n - at;
    for (size_t i = at; i < q->n; i++)
        q->group_first[i] = (uint8_t)at;
    for (size_t g = 0; g < al->n && span; g++) {
        const vn_tokens *ft = &al->forms[g].q.toks;
        if (g == (size_t)f || al->forms[g].group != al->forms[f].group || q->nform == VN_RERANK_FORM_WORDS ||
            ft->n > VN_RERANK_FORM_WORDS - q->nfword)
            continue;
        q->form[q->nform].at = (uint8_t)at;
        q->form[q->nform].span = (uint8_t)span;
        q->form[q->nform].first = (uint8_t)q->nfword;
        q->form[q->nform].n = (uint8_t)ft->n;
        q->nform++;
        for (size_t k = 0; k < ft->n; k++) { /* compared folded: the level is 1 whatever the marks */
            const vn_token *t = &ft->tok[k];
            q->fword[q->nfword++] = vn_wordrec_entry(VN_TOK_FOLDED(ft, t), t->folded_len, "", 0, 0);
        }
    }
}

/* Whether a record can show where item `it` matches. */
static int readable(const vn_qitem *it)
{
    return vn_qitem_positive(it) && !(it->flags & (VN_QI_PREFIX | VN_QI_JOINED | VN_QI_ABBREV));
}

size_t vn_rerank_q_build(const vn_qparse *p, const vn_aliases *al, vn_rerank_q *q)
{
    memset(q, 0, sizeof *q);
    const vn_tokens *ts = &p->toks;
    int brk = 1;
    unsigned cur = 0;
    long group = -1;       /* the alias form being typed, or -1 */
    size_t group_end = 0;  /* its items end */
    size_t group_at = 0;   /* its first word */
    for (size_t k = 0; k < p->n; k++) {
        const vn_qitem *it = &p->items[k];
        /* words a record cannot show as typed: excluded, a prefix, an
         * abbreviation the index joins (TP.HCM, TPHCM) */
        if (!readable(it)) {
            q->unread |= vn_qitem_positive(it);
            brk = 1;
            continue;
        }
        if (it->flags & VN_QI_OR_BEFORE)
            brk = 1;
        size_t span = 0, j;
        long f = group < 0 ? vn_aliases_at(al, p, k, &span) : -1;
        for (j = k; f >= 0 && j < k + span && readable(&p->items[j]); j++)
            ;
        if (f >= 0 && j == k + span) {
            group = f;
            group_end = k + span;
            group_at = q->n;
        }
        size_t first = q->n;
        for (size_t i = it->from; i < it->to && q->n < VN_QUERY_MAX_WORDS; i++) {
            const vn_token *t = &ts->tok[i];
            int marked = (t->flags & VN_TOK_MARKED) != 0;
            q->entry[q->n] = vn_wordrec_token_entry(ts, t);
            q->marked[q->n] = (uint8_t)marked;
            q->item_len[q->n] = (uint8_t)(it->to - it->from);
            q->item_last[q->n] = (uint8_t)(i + 1 == it->to);
            q->brk[q->n] = (uint8_t)brk;
            q->group_first[q->n] = (uint8_t)q->n;
            cur = brk ? 1 : cur + 1;
            if (cur > q->longest)
                q->longest = cur;
            brk = 0;
            q->n++;
        }
        if ((it->flags & VN_QI_PHRASE) && q->n - first >= 3 && q->nphrase < VN_QUERY_MAX_WORDS / 3) {
            q->phrase[q->nphrase].from = (uint8_t)first;
            q->phrase[q->nphrase].to = (uint8_t)q->n;
            q->nphrase++;
        }
        if (group >= 0 && k + 1 == group_end) {
            add_group(q, al, group, group_at);
            group = -1;
        }
    }
    /* units: a word, or the last word of a group; the best key's units
     * and tier are those of the sequence (between breaks) with most units */
    for (size_t i = 0; i < q->n; i++)
        q->units[i + 1] = (uint8_t)(q->units[i] + (i + 1 == q->n || q->group_first[i + 1] != q->group_first[i]));
    for (size_t s = 0, e; s < q->n; s = e) {
        for (e = s + 1; e < q->n && !q->brk[e]; e++)
            ;
        unsigned u = q->units[e] - q->units[s];
        if (u > q->best_units || (u == q->best_units && 3 * (e - s) > q->best_tier)) {
            q->best_units = u;
            q->best_tier = 3 * (unsigned)(e - s);
        }
    }
    return q->n;
}

/* How document entry e matches query word i: 3 as typed, 2 the other
 * i/y spelling of the word (lý for lí) or the word without marks in a
 * document written so (as the search matches it), 1 another spelling
 * ("bao" in a Vietnamese article too), 0 not at all. */
static unsigned level(const vn_rerank_q *q, size_t i, uint32_t e, int unmarked_doc)
{
    uint32_t w = q->entry[i];
    if ((e >> VN_WORDREC_FOLDED_SHIFT) != (w >> VN_WORDREC_FOLDED_SHIFT))
        return 0;
    if (!q->marked[i] || e == w)
        return 3;
    if ((e ^ w) == VN_WORDREC_IY)
        return 2;
    return !(e & VN_WORDREC_MARKED) && unmarked_doc ? 2 : 1;
}

/* Per distinct word of the record: which query words it is (*mask, a bit
 * each), how (*lv, the level in 2 bits each; NULL: not wanted) and which
 * alias form words (*fmask, a bit each; NULL: not wanted).  malloc'd, the
 * caller frees them. */
static void dict_levels(const vn_rerank_q *q, const vn_wordrec *r, uint32_t **mask, uint64_t **lv, uint64_t **fmask)
{
    size_t n = r->ndict ? r->ndict : 1;
    *mask = vn_xrealloc(NULL, n * sizeof **mask);
    if (lv)
        *lv = vn_xrealloc(NULL, n * sizeof **lv);
    if (fmask)
        *fmask = vn_xrealloc(NULL, n * sizeof **fmask);
    for (size_t d = 0; d < r->ndict; d++) {
        uint32_t e = vn_wordrec_dict(r, d);
        uint32_t m = 0;
        uint64_t l2 = 0, fm = 0;
        for (size_t i = 0; i < q->n; i++) {
            unsigned l = level(q, i, e, r->unmarked);
            if (l) {
                m |= 1u << i;
                l2 |= (uint64_t)l << (2 * i);
            }
        }
        for (size_t k = 0; fmask && k < q->nfword; k++)
            if ((e >> VN_WORDREC_FOLDED_SHIFT) == (q->fword[k] >> VN_WORDREC_FOLDED_SHIFT))
                fm |= (uint64_t)1 << k;
        (*mask)[d] = m;
        if (lv)
            (*lv)[d] = l2;
        if (fmask)
            (*fmask)[d] = fm;
    }
}

/* The runs of query words ending at a word of the record, for each query
 * word i (0 where the word is not i). */
typedef struct runs {
    unsigned run[VN_QUERY_MAX_WORDS];   /* query words side by side, in order, ending with i */
    unsigned tier[VN_QUERY_MAX_WORDS];  /* their levels summed */
    unsigned typed[VN_QUERY_MAX_WORDS]; /* the run as typed (or unmarked text) ending with i */
    /* run and tier where another form of an alias group, found whole,
     * stands for the group's words (each one level) */
    unsigned arun[VN_QUERY_MAX_WORDS], atier[VN_QUERY_MAX_WORDS];
} runs;

/* Alias forms, word by word: how far each form has matched up to the
 * word before (prog[k] >= 0: form words up to k did, after a run of
 * prog[k] query words and ptier[k] levels), then where a form ends
 * whole, the run it makes for its group's last word in *nx. */
static void forms_step(const vn_rerank_q *q, uint64_t fm, const runs *cur, runs *nx, int *prog, unsigned *ptier)
{
    for (size_t f = 0; f < q->nform; f++) {
        size_t b = q->form[f].first, n = q->form[f].n, at = q->form[f].at, span = q->form[f].span;
        for (size_t j = n - 1; j > 0; j--) {
            int on = (fm >> (b + j)) & 1 && prog[b + j - 1] >= 0;
            prog[b + j] = on ? prog[b + j - 1] : -1;
            ptier[b + j] = on ? ptier[b + j - 1] : 0;
        }
        int cont = at > 0 && !q->brk[at];
        prog[b] = (fm >> b) & 1 ? (int)(cont ? cur->arun[at - 1] : 0) : -1;
        ptier[b] = cont ? cur->atier[at - 1] : 0;
        if (prog[b + n - 1] < 0)
            continue;
        size_t last = at + span - 1;
        unsigned ar = (unsigned)prog[b + n - 1] + (unsigned)span, at_ = ptier[b + n - 1] + (unsigned)span;
        if (ar > nx->arun[last] || (ar == nx->arun[last] && at_ > nx->atier[last])) {
            nx->arun[last] = ar;
            nx->atier[last] = at_;
        }
    }
}

/* One walk over a record's words: visit() sees each word that matches a
 * query word or an alias form's word, with the runs ending there.
 * `field` counts the field, `word` the word within it.  Returns 0 when
 * the record is damaged; else the last field's number and word count in
 * *last_field, *last_words (may be NULL). */
typedef void (*visit_fn)(void *ctx, size_t field, size_t word, const runs *r, size_t nq);
static int walk(const vn_rerank_q *q, const vn_wordrec *r, visit_fn visit, void *ctx, size_t *last_field,
                size_t *last_words)
{
    uint32_t *mask;
    uint64_t *lv, *fmask = NULL;
    dict_levels(q, r, &mask, &lv, q->nfword ? &fmask : NULL);
    runs cur, nx;
    memset(&cur, 0, sizeof cur);
    int prog[VN_RERANK_FORM_WORDS];
    unsigned ptier[VN_RERANK_FORM_WORDS];
    for (size_t k = 0; k < q->nfword; k++)
        prog[k] = -1;
    int any = 0; /* cur or prog holds something */
    size_t at = r->items_at, field = 0, word = 0, nb = q->n * sizeof(unsigned);
    int ok = 1;
    for (size_t it = 0; it < r->nitems; it++) {
        size_t v;
        if (!vn_wordrec_varint(r->p, r->len, &at, &v) || v > r->ndict) {
            ok = 0;
            break;
        }
        uint32_t m = v ? mask[v - 1] : 0;
        uint64_t fm = v && fmask ? fmask[v - 1] : 0;
        if (!m && !fm) {
            if (any) {
                memset(&cur, 0, sizeof cur);
                for (size_t k = 0; k < q->nfword; k++)
                    prog[k] = -1;
            }
            any = 0;
            if (v == 0) {
                field++;
                word = 0;
            } else {
                word++;
            }
            continue;
        }
        for (size_t i = 0; i < q->n; i++) {
            nx.run[i] = nx.tier[i] = nx.typed[i] = nx.arun[i] = nx.atier[i] = 0;
            if (!(m & (1u << i)))
                continue;
            unsigned l = (unsigned)(lv[v - 1] >> (2 * i)) & 3;
            int cont = i > 0 && !q->brk[i];
            nx.run[i] = cont && cur.run[i - 1] ? cur.run[i - 1] + 1 : 1;
            nx.tier[i] = cont && cur.run[i - 1] ? cur.tier[i - 1] + l : l;
            if (l >= 2) /* as typed, or unmarked text */
                nx.typed[i] = cont && cur.typed[i - 1] ? cur.typed[i - 1] + 1 : 1;
            nx.arun[i] = cont && cur.arun[i - 1] ? cur.arun[i - 1] + 1 : 1;
            nx.atier[i] = cont && cur.arun[i - 1] ? cur.atier[i - 1] + l : l;
        }
        if (q->nform)
            forms_step(q, fm, &cur, &nx, prog, ptier);
        memcpy(cur.run, nx.run, nb);
        memcpy(cur.tier, nx.tier, nb);
        memcpy(cur.typed, nx.typed, nb);
        memcpy(cur.arun, nx.arun, nb);
        memcpy(cur.atier, nx.atier, nb);
        any = 1;
        visit(ctx, field, word, &cur, q->n);
        word++;
    }
    free(mask);
    free(lv);
    free(fmask);
    if (last_field)
        *last_field = field;
    if (last_words)
        *last_words = word;
    return ok;
}

/* Whole units in the run of `len` query words ending with word i: a word,
 * or an alias group (a group cut at the run's start is not whole). */
static unsigned run_units(const vn_rerank_q *q, size_t i, unsigned len)
{
    size_t s = i + 1 - len;
    unsigned u = (unsigned)(q->units[i + 1] - q->units[s]);
    return u - (u > 0 && q->group_first[s] < s);
}

typedef struct key_ctx {
    const vn_rerank_q *q;
    vn_rerank_key *k;
    unsigned found_phrase; /* bit per phrase */
} key_ctx;

static void key_visit(void *p, size_t field, size_t word, const runs *r, size_t nq)
{
    (void)field;
    (void)word;
    key_ctx *c = p;
    const vn_rerank_q *q = c->q;
    for (size_t i = 0; i < nq; i++) {
        if (!r->arun[i])
            continue;
        /* where a unit ends: half a name adds nothing */
        unsigned u = q->units[i + 1] > q->units[i] ? run_units(q, i, r->arun[i]) : 0;
        if (u > c->k->units || (u == c->k->units && u && r->atier[i] > c->k->tier)) {
            c->k->units = u;
            c->k->tier = r->atier[i];
        }
        if (r->run[i] > c->k->run)
            c->k->run = r->run[i];
        if (r->typed[i] > c->k->typed)
            c->k->typed = r->typed[i];
    }
    for (size_t ph = 0; ph < c->q->nphrase; ph++)
        if (r->run[c->q->phrase[ph].to - 1] >= (unsigned)(c->q->phrase[ph].to - c->q->phrase[ph].from))
            c->found_phrase |= 1u << ph;
}

int vn_rerank_key_of(const vn_rerank_q *q, const char *data, size_t len, vn_rerank_key *k)
{
    memset(k, 0, sizeof *k);
    vn_wordrec r;
    if (q->n == 0 || !data || !vn_wordrec_open(&r, data, len))
        return 0;
    key_ctx c = {q, k, 0};
    if (!walk(q, &r, key_visit, &c, NULL, NULL)) {
        memset(k, 0, sizeof *k);
        return 0;
    }
    for (size_t ph = 0; ph < q->nphrase; ph++)
        k->phrases += (c.found_phrase >> ph) & 1;
    return 1;
}

/* Weights of the words of the field being walked; the walk ends in the
 * body, the last field, so they are the body's when c->field is it. */
typedef struct weight_ctx {
    const vn_rerank_q *q;
    size_t field;     /* the field w[] holds */
    unsigned char *w; /* one per stream item: more than any field's words */
    size_t cap;
    unsigned run_weight;
    int all_spellings;
} weight_ctx;

static void weight_visit(void *p, size_t field, size_t word, const runs *rs, size_t nq)
{
    weight_ctx *c = p;
    if (field != c->field) { /* a new field: the last one's weights are not the body's */
        memset(c->w, 0, c->cap);
        c->field = field;
    }
    if (word >= c->cap)
        return;
    const vn_rerank_q *q = c->q;
    const unsigned *r = c->all_spellings ? rs->run : rs->typed; /* what the search matched */
    for (size_t i = 0; i < nq; i++) {
        if (!r[i])
            continue;
        unsigned len = q->item_len[i];
        if (len == 1) { /* a lone word; two typed side by side weigh as a run where they stand so */
            if (!c->w[word])
                c->w[word] = 1;
            if (r[i] >= 2 && q->item_len[i - 1] == 1 && word > 0)
                c->w[word] = c->w[word - 1] = (unsigned char)c->run_weight;
        } else if (q->item_last[i] && r[i] >= len && word + 1 >= len) { /* a phrase, where whole */
            for (size_t k = word + 1 - len; k <= word; k++)
                c->w[k] = (unsigned char)c->run_weight;
        }
    }
}

long vn_rerank_body_weights(const vn_rerank_q *q, const char *data, size_t len, unsigned run_weight,
                             int all_spellings, unsigned char **w)
{
    *w = NULL;
    vn_wordrec r;
    if (!data || !vn_wordrec_open(&r, data, len))
        return -1;
    size_t cap = r.nitems ? r.nitems : 1, body, words;
    weight_ctx c = {q, 0, vn_xcalloc(cap, 1), cap, run_weight, all_spellings};
    if (!walk(q, &r, weight_visit, &c, &body, &words)) {
        free(c.w);
        return -1;
    }
    if (c.field != body) /* no word of the body matched */
        memset(c.w, 0, cap);
    *w = c.w;
    return (long)words;
}

void vn_rerank_key_best(const vn_rerank_q *q, vn_rerank_key *k)
{
    k->phrases = (unsigned)q->nphrase;
    k->units = q->best_units;
    k->tier = q->best_tier;
    k->run = k->typed = q->longest;
}

int vn_rerank_key_cmp(const vn_rerank_key *a, const vn_rerank_key *b)
{
    if (a->phrases != b->phrases)
        return a->phrases < b->phrases ? -1 : 1;
    if (a->units != b->units)
        return a->units < b->units ? -1 : 1;
    if (a->tier != b->tier)
        return a->tier < b->tier ? -1 : 1;
    return 0;
}

long vn_rerank_occurrences(const vn_rerank_q *q, const char *data, size_t len, vn_rerank_occ *out, size_t max)
{
    vn_wordrec r;
    if (!data || !vn_wordrec_open(&r, data, len))
        return -1;
    if (q->n == 0)
        return 0;
    uint32_t *mask; /* which query words each entry is, folded */
    dict_levels(q, &r, &mask, NULL, NULL);
    /* the last q->n entries of the current field, as a ring */
    size_t ring[VN_QUERY_MAX_WORDS];
    size_t at = r.items_at, field = 0, word = 0, v;
    long found = 0;
    for (size_t it = 0; it < r.nitems; it++) {
        if (!vn_wordrec_varint(r.p, r.len, &at, &v) || v > r.ndict) {
            found = -1;
            break;
        }
        if (v == 0) {
            field++;
            word = 0;
            continue;
        }
        ring[word % q->n] = v - 1;
        word++;
        if (word < q->n || (size_t)found >= max)
            continue;
        size_t first = word - q->n, k;
        uint32_t seq[VN_QUERY_MAX_WORDS]; /* the run's entries: its spelling */
        for (k = 0; k < q->n; k++) {
            size_t e = ring[(first + k) % q->n];
            if (!(mask[e] & (1u << k)))
                break;
            seq[k] = vn_wordrec_dict(&r, e);
        }
        if (k == q->n)
            out[found++] = (vn_rerank_occ){(unsigned)field, (unsigned)first, vn_hash64(seq, k * sizeof *seq)};
    }
    free(mask);
    return found;
}

