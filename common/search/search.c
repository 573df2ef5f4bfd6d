/* SPDX-License-Identifier: GPL-2.0-or-later */
/* search.c -- vn_search(): query text -> parsed items -> the searcher's
 * run (searcher.c) -> hits with snippets, facets and did-you-mean.
 * Not here: the handle and its generations (searcher.c). */
#include "vn_search.h"
#include "vn_copies.h"
#include "vn_clock.h"
#include "vn_buf.h"
#include "vn_docstore.h"
#include "vn_snippet.h"
#include "vn_query.h"
#include "vn_schema.h"
#include "vn_rerank.h"
#include "vn_xapian.h"
#include "vn_text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A date typed in the query (parsed p): the query without its words in
 * *without, and the options with the range (intersected with from=/to=)
 * in *dated.  Returns 0 when there is none. */
static int take_date_words(const vn_qparse *p, const vn_search_opts *o, vn_date_words *dw, vn_qparse *without,
                           vn_search_opts *dated)
{
    char today[11];
    vn_searcher_today(o, today);
    if (o->no_date_words || !vn_query_dates(p, today, dw))
        return 0;
    vn_qparse_without(p, dw->tok_from, dw->tok_to, without);
    int positive = without->n == 0; /* only the date: every article of it */
    for (size_t i = 0; i < without->n; i++)
        positive |= vn_qitem_positive(&without->items[i]);
    if (!positive) { /* bão excluded and a date: the words stay words, as the parser wants */
        vn_qparse_free(without);
        return 0;
    }
    *dated = *o;
    if (!o->date_from || strcmp(dw->from, o->date_from) > 0)
        dated->date_from = dw->from;
    if (!o->date_to || strcmp(dw->to, o->date_to) < 0)
        dated->date_to = dw->to;
    return 1;
}

/* Does the parsed query hold a Vietnamese-looking word typed without marks? */
static int unmarked_syllable(const vn_tokens *t)
{
    for (size_t i = 0; i < t->n; i++)
        if (!(t->tok[i].flags & VN_TOK_MARKED) &&
            vn_syllable_plausible(VN_TOK_FOLDED(t, &t->tok[i]), t->tok[i].folded_len))
            return 1;
    return 0;
}

static int term_found(const char *term, size_t len, uint64_t docs, void *p)
{
    (void)docs;
    const char *want = p;
    if (len == strlen(want) && memcmp(term, want, len) == 0)
        *(char *)want = '\0'; /* found: the caller sees an empty string */
    return 1;                 /* the first term at or after it says it all */
}

/* Does the archive hold the exact (marked) word `w`? */
static int archive_has(vn_searcher *s, const char *w, size_t n)
{
    char *probe = vn_xstrndup(w, n);
    vn_error e;
    int found = vn_xdb_each_term(vn_searcher_xdb(s), probe, term_found, probe, &e) == VN_OK && !*probe;
    free(probe);
    return found;
}

/* The query with its marks restored, when that is not what was typed;
 * NULL otherwise.  Only the words change, each where it was typed:
 * operators, quotes and fields stay as they are (was: "bão -báo -bảo"
 * became "báo -bão -báo").  A word typed with marks that the archive holds
 * is never rewritten (was: "bão hôm qua" offered "báo hôm qua"); in a
 * query typed with marks a word without them is meant so ("Bộ Ngoại
 * giao" offered "giáo"). */
static char *did_you_mean(vn_searcher *s, const char *query, const vn_qparse *p, const vn_xresults *hits,
                          double deadline)
{
    const vn_tokens *t = &p->toks;
    if (t->n == 0 || (deadline > 0 && vn_clock_now() >= deadline))
        return NULL;
    int marked_query = 0;
    for (size_t i = 0; i < t->n; i++)
        marked_query |= (t->tok[i].flags & VN_TOK_MARKED) != 0;
    /* how the hits found write the words side by side, from their
     * records; else the archive, a run of words at a time (restore.c) */
    char *r = NULL;
    if (!vn_hits_spelling(s, hits, p, &r) || !r) {
        vn_buf words = VN_BUF_INIT;
        for (size_t i = 0; i < t->n; i++) {
            if (i)
                vn_buf_putc(&words, ' ');
            vn_buf_append(&words, query + t->tok[i].src_start, t->tok[i].src_end - t->tok[i].src_start);
        }
        vn_status rc = vn_restore_until(s, words.data, deadline, &r, NULL);
        vn_buf_free(&words);
        if (rc != VN_OK)
            return NULL;
    }
    vn_tokens rt;
    vn_tokens_init(&rt);
    vn_tokenize(&rt, r, strlen(r), 0);
    vn_buf out = VN_BUF_INIT;
    int changed = 0;
    size_t at = 0;
    for (size_t i = 0; rt.n == t->n && i < t->n; i++) {
        const vn_token *q = &t->tok[i], *w = &rt.tok[i];
        int keep = (q->flags & VN_TOK_MARKED) ? archive_has(s, VN_TOK_EXACT(t, q), q->exact_len) : marked_query;
        vn_buf_append(&out, query + at, q->src_start - at); /* what lies between words, as typed */
        if (keep || (w->exact_len == q->exact_len && !memcmp(VN_TOK_EXACT(&rt, w), VN_TOK_EXACT(t, q), q->exact_len))) {
            vn_buf_append(&out, query + q->src_start, q->src_end - q->src_start);
        } else {
            vn_buf_append(&out, r + w->src_start, w->src_end - w->src_start);
            changed = 1;
        }
        at = q->src_end;
    }
    vn_buf_puts(&out, query + at);
    int aligned = rt.n == t->n;
    vn_tokens_free(&rt);
    free(r);
    if (!aligned || !changed) {
        vn_buf_free(&out);
        return NULL;
    }
    return vn_buf_take(&out);
}

vn_hits *vn_hits_new(const vn_xresults *r, const vn_search_opts *o)
{
    vn_hits *h = vn_xcalloc(1, sizeof *h);
    vn_facets_build(r, o->facets, o->facet_limit, h);
    h->total = r->total;
    h->total_min = r->total_min;
    h->total_max = r->total_max;
    h->shards_down = r->shards_down;
    h->cut = r->cut;
    h->other_spellings = r->other_spellings;
    h->n = r->n;
    h->hit = vn_xcalloc(r->n ? r->n : 1, sizeof *h->hit);
    for (size_t i = 0; i < r->n; i++) {
        vn_hit *x = &h->hit[i];
        x->score = r->hits[i].score;
        vn_docview v;
        if (vn_doc_decode(r->hits[i].data, r->hits[i].data_len, &v)) {
            x->id = vn_doc_field(&v, VN_DOC_ID);
            x->title = vn_doc_field(&v, VN_DOC_TITLE);
            x->date = vn_doc_field(&v, VN_DOC_DATE);
            x->source = vn_doc_field(&v, VN_DOC_SOURCE);
            x->url = vn_doc_field(&v, VN_DOC_URL);
        }
        if (!x->id)
            x->id = vn_xstrdup("");
        if (!x->title)
            x->title = vn_xstrdup("");
    }
    return h;
}

vn_status vn_search(vn_searcher *s, const char *query, const vn_search_opts *opts, vn_hits **out, vn_error *err)
{
    VN_CHECK_ARGS(err, s && query && out);
    *out = NULL;
    const vn_search_opts *o = vn_searcher_opts(opts, err);
    if (!o)
        return VN_ERR_INVALID;
    double deadline = o->time_limit > 0 ? vn_clock_now() + o->time_limit : 0;
    vn_date_words dw;
    vn_search_opts dated;
    unsigned how = VN_SP_RERANK | (o->no_snippets ? 0 : VN_SP_WORDS);
    /* collapse: the page is cut from the candidates once copies are folded */
    unsigned limit = vn_copies_page_limit(o), offset = o->offset;
    vn_search_opts wide = vn_copies_candidates(o);
    if (o->collapse) {
        how |= VN_SP_MINHASH;
        o = &wide;
    }
    vn_qparse p, without;
    vn_status rc = vn_query_parse(query, strlen(query), &p, err);
    if (rc != VN_OK)
        return rc;
    vn_xresults *r = NULL;
    int date = take_date_words(&p, o, &dw, &without, &dated);
    if (date) { /* the date as a filter (only the date: every article of it); if that finds nothing, words */
        rc = vn_search_parsed(s, &without, &dated, how, &r, err);
        if (rc == VN_OK && (r->total_max > 0 || o->only_ids)) { /* given documents: no widening */
            vn_qparse_free(&p);
            p = without;
        } else {
            vn_xresults_free(r);
            r = NULL;
            vn_qparse_free(&without);
            date = 0;
        }
    }
    if (!date) {
        /* after a date filter that found nothing: what is left of the
         * time limit, not the whole of it again */
        vn_search_opts left = *o;
        if (deadline > 0)
            left.time_limit = deadline - vn_clock_now() > 0.001 ? deadline - vn_clock_now() : 0.001;
        rc = vn_search_parsed(s, &p, &left, how, &r, err);
    }
    if (rc != VN_OK) {
        vn_qparse_free(&p);
        return rc;
    }
    if (date)
        o = &dated;
    vn_idlist *copies = NULL;
    if (o->collapse && (rc = vn_copies_fold(s, r, NULL, 1, offset, limit, &copies, err)) != VN_OK) {
        vn_xresults_free(r);
        vn_qparse_free(&p);
        return rc;
    }
    vn_rerank_q rq;
    vn_rerank_q_build(&p, NULL, &rq); /* for the snippets: what was typed, aliases aside */
    vn_hits *h = vn_hits_new(r, o);
    vn_hits_take_copies(h, copies);
    if (date) {
        h->date_words = vn_xstrndup(query + dw.start, dw.end - dw.start);
        snprintf(h->date_from, sizeof h->date_from, "%s", o->date_from);
        snprintf(h->date_to, sizeof h->date_to, "%s", o->date_to);
    }
    for (size_t i = 0; i < r->n && !o->no_snippets; i++) {
        vn_docview v;
        /* the time limit covers snippets too: past it, hits come without */
        if ((deadline && vn_clock_now() >= deadline) || !vn_doc_decode(r->hits[i].data, r->hits[i].data_len, &v))
            continue;
        vn_docfield f = v.f[VN_DOC_BODY] && v.len[VN_DOC_BODY] ? VN_DOC_BODY : VN_DOC_TITLE;
        int html = o->snippet_format != VN_SNIPPET_TEXT;
        vn_snippet_opts so = {o->snippet_words, html, o->mark_open ? o->mark_open : html ? "<b>" : "",
                              o->mark_close ? o->mark_close : html ? "</b>" : "", h->other_spellings};
        /* the body's words are in the record: no tokenising it whole */
        h->hit[i].snippet = f == VN_DOC_BODY
                                ? vn_snippet_rec(v.f[f], v.len[f], r->hits[i].words, r->hits[i].words_len, &p, &rq, &so)
                                : vn_snippet(v.f[f] ? v.f[f] : "", v.len[f], &p, &so);
    }
    /* offered when a word lacks its marks, or when few documents match
     * (a wrong tone: "Đà Nắng"); from the hits' records when they hold
     * the words side by side, else a phrase search per run of words */
    if (o->did_you_mean && (unmarked_syllable(&p.toks) || h->total < 10))
        h->did_you_mean = did_you_mean(s, query, &p, r, deadline);
    vn_xresults_free(r);
    vn_qparse_free(&p);
    *out = h;
    return VN_OK;
}

void vn_hits_free(vn_hits *h)
{
    if (!h)
        return;
    vn_facets_free(h);
    free(h->date_words);
    free(h->did_you_mean);
    for (size_t i = 0; i < h->n; i++) {
        vn_hit *x = &h->hit[i];
        free(x->id);
        free(x->title);
        free(x->date);
        free(x->source);
        free(x->url);
        free(x->snippet);
        for (size_t k = 0; k < x->ncopies; k++)
            free(x->copies[k]);
        free(x->copies);
    }
    free(h->hit);
    free(h);
}
