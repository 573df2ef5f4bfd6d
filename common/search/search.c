/* SPDX-License-Identifier: GPL-2.0-or-later */
/* search.c -- vn_search(): query text -> parsed items -> vn_qnode tree ->
 * shim -> hits with snippets.
 *
 * It also follows the index directory's generations: an index directory
 * holds a XAPIANDB stub naming the live generation (index_dir.c); when
 * --full switches it, reopen() notices the stub changed and opens the new
 * one, while an ordinary commit is picked up by Xapian's own reopen(). */
#include "vn_search.h"
#include "vn_clock.h"
#include "vn_buf.h"
#include "vn_docstore.h"
#include "vn_snippet.h"
#include "vn_index_dir.h"
#include "vn_query.h"
#include "vn_schema.h"
#include "vn_rerank.h"
#include "vn_xapian.h"
#include "vn_text.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct vn_searcher {
    char *dir;
    vn_xdb *db;
    vn_stemmer *stem;
    unsigned long long stub_id; /* identity of the stub file we opened */
    vn_aliases *aliases;        /* newsroom aliases, or NULL */
    int xmode;                  /* how the index is opened (VN_XDB_PARTIAL or not) */
};

vn_xdb *vn_searcher_xdb(vn_searcher *s)
{
    return s->db;
}

#define ALIASES_MAX_BYTES (4u << 20) /* some thousands of groups; more is no alias file */

vn_status vn_searcher_load_aliases(vn_searcher *s, const char *path, vn_error *err)
{
    VN_CHECK_ARGS(err, s && path);
    vn_buf b = VN_BUF_INIT;
    int got = vn_buf_read_file(&b, path, ALIASES_MAX_BYTES);
    vn_aliases *al = NULL;
    vn_status rc = got < 0  ? vn_error_set(err, VN_ERR_IO, "cannot read %s: %s", path, strerror(errno))
                   : got > 0 ? vn_error_set(err, VN_ERR_INVALID, "%s is over %u bytes: no alias file", path,
                                            ALIASES_MAX_BYTES)
                             : vn_aliases_parse(b.data ? b.data : "", b.len, path, &al, err);
    vn_buf_free(&b);
    if (rc != VN_OK)
        return rc; /* the aliases in force stay */
    vn_aliases_free(s->aliases);
    s->aliases = al;
    return VN_OK;
}

vn_status vn_searcher_open(const char *dir, vn_searcher **out, vn_error *err)
{
    return vn_searcher_open_flags(dir, 0, out, err);
}

vn_status vn_searcher_open_flags(const char *dir, unsigned flags, vn_searcher **out, vn_error *err)
{
    VN_CHECK_ARGS(err, dir && out);
    *out = NULL;
    vn_searcher *s = vn_xrealloc(NULL, sizeof *s);
    memset(s, 0, sizeof *s);
    s->dir = vn_xstrdup(dir);
    s->xmode = VN_XDB_READ | ((flags & VN_OPEN_PARTIAL) ? VN_XDB_PARTIAL : 0) |
               ((flags & VN_OPEN_START_DOWN) ? VN_XDB_START_DOWN : 0);
    s->stub_id = vn_index_dir_stub_id(dir);
    vn_status rc = vn_xdb_open(dir, s->xmode, &s->db, err);
    if (rc == VN_OK && !(s->stem = vn_stemmer_new_english()))
        rc = vn_error_set(err, VN_ERR_NOMEM, "cannot create stemmer");
    if (rc != VN_OK) {
        vn_searcher_close(s);
        return rc;
    }
    *out = s;
    return VN_OK;
}

void vn_searcher_close(vn_searcher *s)
{
    if (!s)
        return;
    vn_xdb_close(s->db);
    vn_stemmer_free(s->stem);
    vn_aliases_free(s->aliases);
    free(s->dir);
    free(s);
}

/* Open the index again from its stub (new connections to remote shards);
 * the old handle stays when that fails. */
static vn_status open_again(vn_searcher *s, unsigned long long stub_id, vn_error *err)
{
    vn_xdb *db;
    vn_status rc = vn_xdb_open(s->dir, s->xmode, &db, err);
    if (rc != VN_OK)
        return rc; /* keep serving the old generation */
    vn_xdb_close(s->db);
    s->db = db;
    s->stub_id = stub_id;
    return VN_OK;
}

vn_status vn_searcher_reopen(vn_searcher *s, int *changed, vn_error *err)
{
    VN_CHECK_ARGS(err, s);
    unsigned long long id = vn_index_dir_stub_id(s->dir);
    if (id != s->stub_id) {
        vn_status rc = open_again(s, id, err);
        if (rc == VN_OK && changed)
            *changed = 1;
        return rc;
    }
    return vn_xdb_reopen(s->db, changed, err);
}

vn_status vn_searcher_reconnect(vn_searcher *s, vn_error *err)
{
    VN_CHECK_ARGS(err, s);
    return open_again(s, vn_index_dir_stub_id(s->dir), err);
}

vn_status vn_searcher_info(vn_searcher *s, uint64_t *doccount, uint64_t *revision, vn_error *err)
{
    VN_CHECK_ARGS(err, s && doccount && revision);
    vn_xdb_info info;
    vn_status rc = vn_xdb_info_get(s->db, &info, err);
    if (rc == VN_OK) {
        *doccount = info.doccount;
        *revision = info.revision;
    }
    return rc;
}

vn_status vn_searcher_shards(vn_searcher *s, vn_shard_info **out, size_t *n, vn_error *err)
{
    VN_CHECK_ARGS(err, s && out && n);
    *out = NULL;
    *n = 0;
    vn_xdb_info info;
    vn_status rc = vn_xdb_info_get(s->db, &info, err);
    if (rc != VN_OK)
        return rc;
    vn_shard_info *a = vn_xcalloc(info.shards ? info.shards : 1, sizeof *a);
    size_t k = 0;
    for (size_t i = 0; info.shards > 1 && i < info.shards; i++) { /* one database: the totals say it all */
        vn_xdb_shard x;
        if (vn_xdb_shard_info(s->db, i, &x, err) != VN_OK)
            continue; /* no stub (a plain index), or a shard that failed just now */
        a[k].name = vn_xstrdup(x.name);
        a[k].remote = x.remote;
        a[k].up = x.up;
        a[k].documents = x.doccount;
        k++;
    }
    *out = a;
    *n = k;
    return VN_OK;
}

size_t vn_searcher_shards_down(vn_searcher *s)
{
    vn_xdb_info info;
    return vn_xdb_info_get(s->db, &info, NULL) == VN_OK ? info.shards_down : 0;
}

void vn_shard_info_free(vn_shard_info *a, size_t n)
{
    for (size_t i = 0; a && i < n; i++)
        free(a[i].name);
    free(a);
}

vn_status vn_searcher_get(vn_searcher *s, const char *id, vn_buf *out, vn_error *err)
{
    char idterm[VN_IDTERM_SIZE];
    if (!vn_idterm(idterm, id))
        return vn_error_set(err, VN_ERR_NOTFOUND, "no such document");
    vn_buf raw = VN_BUF_INIT;
    vn_status rc = vn_xdb_get_data(s->db, idterm, &raw, err);
    vn_docview v;
    if (rc == VN_OK && !(vn_doc_decode(raw.data, raw.len, &v) && vn_doc_json(&v, out)))
        rc = vn_error_set(err, VN_ERR_CORRUPT, "stored document %s is damaged", id);
    vn_buf_free(&raw);
    return rc;
}

vn_status vn_searcher_get_json(vn_searcher *s, const char *id, char **json, vn_error *err)
{
    VN_CHECK_ARGS(err, s && id && json);
    vn_buf b = VN_BUF_INIT;
    vn_status rc = vn_searcher_get(s, id, &b, err);
    *json = rc == VN_OK ? vn_buf_take(&b) : NULL;
    vn_buf_free(&b);
    return rc;
}

/* Fewer documents than this with the spelling typed, and the other
 * spellings join: a page at the default limit.  Not the page asked for,
 * so that every page (limit=10 or 1000, any offset) is cut from one
 * ranking. */
#define VN_OWN_SPELLING_FEW 10

/* What is left of o's time limit since t0: 0 when there is none, -1
 * when it has passed (a time_limit of 0 would mean none). */
static double time_left(const vn_search_opts *o, double t0)
{
    if (o->time_limit <= 0)
        return 0;
    double left = o->time_limit - (vn_clock_now() - t0);
    return left > 0 ? left : -1;
}

vn_status vn_search_parsed(vn_searcher *s, const vn_qparse *p, const vn_search_opts *o, unsigned how,
                           vn_xresults **out, vn_error *err)
{
    *out = NULL;
    double t0 = vn_clock_now();
    unsigned limit = o->limit ? o->limit : 10;
    vn_xsearch_opts xo = {o->offset, limit, o->sort, o->time_limit, o->exact_total,
                          o->offset + limit + VN_TOTAL_EXACT_UPTO,
                          (o->facets & VN_FACET_SOURCE ? VN_XSPY_SOURCE : 0) |
                              (o->facets & (VN_FACET_YEAR | VN_FACET_MONTH | VN_FACET_DAY) ? VN_XSPY_DATE : 0),
                          NULL, 0, (how & VN_SP_WORDS) != 0, (how & VN_SP_NO_DATA) != 0};
    vn_query_opts qo = {s->stem, o->date_from, o->date_to, o->source, o->max_wildcard, s->aliases, 0};
    vn_rerank_q rq;
    /* one word typed without marks: every candidate holds it as typed,
     * stage two could not tell them apart */
    if (vn_rerank_q_build(p, s->aliases, &rq) && (how & VN_SP_RERANK) && (rq.n > 1 || rq.marked[0])) {
        xo.rerank = &rq;
        xo.rerank_depth = VN_RERANK_DEPTH;
    }
    vn_qarena a;
    vn_qarena_init(&a);
    vn_qtree t;
    vn_xresults *r = NULL;
    vn_status rc = vn_query_build(&a, p, &qo, &t, err);
    if (rc == VN_OK)
        rc = vn_xdb_search(s->db, t.root, &xo, &r, err);
    /* A word typed with marks matched its own spelling.  When that finds
     * fewer than VN_OWN_SPELLING_FEW documents, or never the words side by side as
     * typed, and other spellings hold more of them side by side ("Đà
     * Nắng": no candidate says "đà nắng", Đà Nẵng is everywhere), every
     * spelling joins, and the reply says so; stage two still ranks the
     * spelling typed first among equal runs. */
    int few = rc == VN_OK && r->total_max < VN_OWN_SPELLING_FEW;
    /* (only stage two's records can say where the words stand: without
     * it, sort=date or a caller's own reading, there is nothing to compare) */
    int apart = rc == VN_OK && r->reranked && rq.longest >= 2 && r->best_typed < rq.longest;
    if ((few || apart) && vn_qparse_marked(p, 1) && time_left(o, t0) >= 0) {
        qo.all_spellings = 1;
        xo.time_limit = time_left(o, t0);
        vn_qarena wa;
        vn_qarena_init(&wa);
        vn_qtree wt;
        vn_xresults *w = NULL;
        if (vn_query_build(&wa, p, &qo, &wt, NULL) == VN_OK && vn_xdb_search(s->db, wt.root, &xo, &w, NULL) == VN_OK &&
            (few ? w->total_max > r->total_max : w->best_run > r->best_typed)) {
            vn_xresults_free(r);
            vn_qarena_free(&a);
            r = w;
            a = wa;
            t = wt;
            r->other_spellings = 1;
        } else {
            vn_xresults_free(w);
            vn_qarena_free(&wa);
        }
    }
    /* every item required first; if no document has them all, any item,
     * in what is left of the time limit */
    xo.time_limit = time_left(o, t0);
    if (rc == VN_OK && r->total_max == 0 && t.all && xo.time_limit >= 0) {
        int widened = r->other_spellings;
        t.all->op = VN_Q_OR;
        vn_xresults_free(r);
        r = NULL;
        rc = vn_xdb_search(s->db, t.root, &xo, &r, err);
        if (rc == VN_OK)
            r->other_spellings = widened;
    }
    vn_qarena_free(&a);
    if (rc == VN_OK)
        *out = r;
    return rc;
}

/* Whether the query's bytes [start, end) are words a date filter may take
 * over: none of them excluded (bão -năm 2024) nor quoted (bão "năm
 * 2024"), as the parsed items say. */
static int date_words_free(const char *query, size_t start, size_t end)
{
    vn_qparse p;
    if (vn_query_parse(query, strlen(query), &p, NULL) != VN_OK)
        return 1; /* what the parser refuses is refused later anyway */
    int free_words = 1;
    for (size_t i = 0; i < p.n && free_words; i++) {
        const vn_qitem *it = &p.items[i];
        if (it->to <= it->from)
            continue;
        size_t s = p.toks.tok[it->from].src_start, e = p.toks.tok[it->to - 1].src_end;
        if (e <= start || s >= end)
            continue;
        int quoted = s > 0 && query[s - 1] == '"';
        if ((it->flags & VN_QI_NEGATED) || quoted)
            free_words = 0;
    }
    vn_qparse_free(&p);
    return free_words;
}

/* A date typed in the query: the query without its words, and the options
 * with the range (intersected with from=/to=).  Returns the query to run
 * (malloc'd) or NULL when there is no date, or nothing but it. */
static char *take_date_words(const char *query, const vn_search_opts *o, vn_date_words *dw, vn_search_opts *dated)
{
    char today[11];
    if (o->today) {
        snprintf(today, sizeof today, "%s", o->today);
    } else {
        time_t t = time(NULL);
        struct tm tm;
        localtime_r(&t, &tm);
        strftime(today, sizeof today, "%Y-%m-%d", &tm);
    }
    size_t len = strlen(query);
    if (o->no_date_words || !vn_query_dates(query, len, today, dw) || !date_words_free(query, dw->start, dw->end))
        return NULL;
    char *rest = vn_xstrdup(query);
    memset(rest + dw->start, ' ', dw->end - dw->start);
    *dated = *o;
    if (!o->date_from || strcmp(dw->from, o->date_from) > 0)
        dated->date_from = dw->from;
    if (!o->date_to || strcmp(dw->to, o->date_to) < 0)
        dated->date_to = dw->to;
    return rest;
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
    int found = vn_xdb_each_term(s->db, probe, term_found, probe, &e) == VN_OK && !*probe;
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

vn_status vn_search(vn_searcher *s, const char *query, const vn_search_opts *opts, vn_hits **out, vn_error *err)
{
    VN_CHECK_ARGS(err, s && query && out);
    *out = NULL;
    vn_search_opts dflt = {0};
    const vn_search_opts *o = opts ? opts : &dflt;
    double deadline = o->time_limit > 0 ? vn_clock_now() + o->time_limit : 0;
    vn_date_words dw;
    vn_search_opts dated;
    unsigned how = VN_SP_RERANK | (o->no_snippets ? 0 : VN_SP_WORDS);
    char *rest = take_date_words(query, o, &dw, &dated);
    vn_qparse p;
    vn_xresults *r = NULL;
    vn_status rc = VN_ERR_INVALID;
    if (rest) { /* the date as a filter; if that finds nothing, the date as words */
        vn_error perr;
        vn_status prc = vn_query_parse(rest, strlen(rest), &p, &perr);
        if (prc != VN_OK && strspn(rest, " \t") == strlen(rest)) { /* only the date: every article of it */
            memset(&p, 0, sizeof p);
            vn_tokens_init(&p.toks);
            prc = VN_OK;
        }
        if (prc == VN_OK) {
            rc = vn_search_parsed(s, &p, &dated, how, &r, err);
            if (rc != VN_OK || r->total_max == 0) {
                vn_xresults_free(r);
                r = NULL;
                vn_qparse_free(&p);
                rc = VN_ERR_INVALID;
            }
        }
        if (rc != VN_OK) {
            free(rest);
            rest = NULL;
        }
    }
    if (!rest) {
        rc = vn_query_parse(query, strlen(query), &p, err);
        if (rc != VN_OK)
            return rc;
        /* after a date filter that found nothing: what is left of the
         * time limit, not the whole of it again */
        vn_search_opts left = *o;
        if (deadline > 0)
            left.time_limit = deadline - vn_clock_now() > 0.001 ? deadline - vn_clock_now() : 0.001;
        rc = vn_search_parsed(s, &p, &left, how, &r, err);
    }
    if (rc != VN_OK) {
        vn_qparse_free(&p);
        free(rest);
        return rc;
    }
    if (rest)
        o = &dated;
    vn_rerank_q rq;
    vn_rerank_q_build(&p, NULL, &rq); /* for the snippets: what was typed, aliases aside */
    vn_hits *h = vn_xcalloc(1, sizeof *h);
    if (rest) {
        h->date_words = vn_xstrndup(query + dw.start, dw.end - dw.start);
        snprintf(h->date_from, sizeof h->date_from, "%s", o->date_from);
        snprintf(h->date_to, sizeof h->date_to, "%s", o->date_to);
        free(rest);
    }
    vn_facets_build(r, o->facets, o->facet_limit, h);
    h->total = r->total;
    h->total_min = r->total_min;
    h->total_max = r->total_max;
    h->shards_down = r->shards_down;
    h->cut = r->cut;
    h->other_spellings = r->other_spellings;
    h->n = 0;
    h->hit = vn_xrealloc(NULL, (r->n ? r->n : 1) * sizeof *h->hit);
    for (size_t i = 0; i < r->n; i++) {
        vn_hit *x = &h->hit[h->n++];
        memset(x, 0, sizeof *x);
        x->score = r->hits[i].score;
        vn_docview v;
        if (vn_doc_decode(r->hits[i].data, r->hits[i].data_len, &v)) {
            x->id = vn_doc_field(&v, VN_DOC_ID);
            x->title = vn_doc_field(&v, VN_DOC_TITLE);
            x->date = vn_doc_field(&v, VN_DOC_DATE);
            x->source = vn_doc_field(&v, VN_DOC_SOURCE);
            x->url = vn_doc_field(&v, VN_DOC_URL);
            /* the time limit covers snippets too: past it, hits come without */
            if (!o->no_snippets && (!deadline || vn_clock_now() < deadline)) {
                vn_docfield f = v.f[VN_DOC_BODY] && v.len[VN_DOC_BODY] ? VN_DOC_BODY : VN_DOC_TITLE;
                int html = o->snippet_format != VN_SNIPPET_TEXT;
                vn_snippet_opts so = {o->snippet_words, html,
                                      o->mark_open ? o->mark_open : html ? "<b>" : "",
                                      o->mark_close ? o->mark_close : html ? "</b>" : "", h->other_spellings};
                /* the body's words are in the record: no tokenising it whole */
                x->snippet = f == VN_DOC_BODY
                                 ? vn_snippet_rec(v.f[f], v.len[f], r->hits[i].words, r->hits[i].words_len, &p, &rq, &so)
                                 : vn_snippet(v.f[f] ? v.f[f] : "", v.len[f], &p, &so);
            }
        }
        if (!x->id)
            x->id = vn_xstrdup("");
        if (!x->title)
            x->title = vn_xstrdup("");
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
    }
    free(h->hit);
    free(h);
}
