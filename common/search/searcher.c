/* SPDX-License-Identifier: GPL-2.0-or-later */
/* searcher.c -- the read handle (vn_searcher): open, reopen, info, the
 * stored documents, and vn_search_parsed(), one run of a parsed query
 * through the shim (stage one, then stage two).  It follows the index
 * directory's generations: an index directory holds a XAPIANDB stub
 * naming the live generation (index_dir.c); when --full switches it,
 * reopen() notices the stub changed and opens the new one, while an
 * ordinary commit is picked up by Xapian's own reopen().  Not here: what
 * a request makes of the hits (search.c: snippets, did-you-mean, dates
 * in the query), nor reading the index's terms (spelling.c). */
#include "vn_searcher.h"
#include "vn_clock.h"
#include "vn_calendar.h"
#include "vn_buf.h"
#include "vn_docstore.h"
#include "vn_index_dir.h"
#include "vn_aliases.h"
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
    vn_xmark *mark;             /* the documents vn_searcher_new_ids has seen */
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
    vn_xmark_free(s->mark);
    vn_stemmer_free(s->stem);
    vn_aliases_free(s->aliases);
    free(s->dir);
    free(s);
}

typedef struct idlist {
    char **ids;
    size_t n, cap;
} idlist;

static int take_id(const char *id, size_t len, void *p)
{
    idlist *l = p;
    VN_GROW(l->ids, l->n, l->cap, 16);
    l->ids[l->n++] = vn_xstrndup(id, len);
    return 0;
}

vn_status vn_searcher_new_ids(vn_searcher *s, char ***ids, size_t *n, vn_error *err)
{
    VN_CHECK_ARGS(err, s && ids && n);
    idlist l = {NULL, 0, 0};
    vn_status rc = vn_xdb_new_ids(s->db, &s->mark, take_id, &l, err);
    if (rc != VN_OK) {
        for (size_t i = 0; i < l.n; i++)
            free(l.ids[i]);
        free(l.ids);
        l.ids = NULL;
        l.n = 0;
    }
    *ids = l.ids;
    *n = l.n;
    return rc;
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

const vn_search_opts *vn_searcher_opts(const vn_search_opts *opts, vn_error *err)
{
    static const vn_search_opts defaults;
    if (!opts)
        return &defaults;
    if (opts->today && !vn_date_valid(opts->today)) {
        vn_error_set(err, VN_ERR_INVALID, "today is not a date YYYY-MM-DD");
        return NULL;
    }
    if (opts->fresh > VN_FRESH_MAX) {
        vn_error_set(err, VN_ERR_INVALID, "fresh is a half-life of 0 to %d days", VN_FRESH_MAX);
        return NULL;
    }
    return opts;
}

void vn_searcher_today(const vn_search_opts *o, char out[11])
{
    if (o->today) {
        snprintf(out, 11, "%s", o->today);
        return;
    }
    time_t t = time(NULL);
    struct tm tm;
    localtime_r(&t, &tm);
    strftime(out, 11, "%Y-%m-%d", &tm);
}

/* The shim's options for a search with options o (`how` as below). */
static vn_xsearch_opts xopts(const vn_search_opts *o, unsigned how)
{
    unsigned limit = o->limit ? o->limit : 10;
    vn_xsearch_opts xo = {o->offset, limit, o->sort, o->time_limit, o->exact_total,
                          o->offset + limit + VN_TOTAL_EXACT_UPTO,
                          (o->facets & VN_FACET_SOURCE ? VN_XSPY_SOURCE : 0) |
                              (o->facets & (VN_FACET_YEAR | VN_FACET_MONTH | VN_FACET_DAY) ? VN_XSPY_DATE : 0),
                          NULL, 0, (how & VN_SP_WORDS) != 0, (how & VN_SP_NO_DATA) != 0, (how & VN_SP_MINHASH) != 0,
                          o->fresh, 0};
    if (o->fresh) { /* today read only for recency: no clock on every search */
        vn_day today;
        char iso[11];
        vn_searcher_today(o, iso);
        if (vn_day_parse(iso, &today))
            xo.today = vn_day_number(today);
        else
            xo.fresh = 0;
    }
    return xo;
}

vn_query_opts vn_searcher_query_opts(const vn_searcher *s, const vn_search_opts *o)
{
    vn_query_opts qo = {s->stem,       o->date_from, o->date_to, o->source, o->max_wildcard,
                        s->aliases,    0,            o->only_ids, o->nonly_ids};
    return qo;
}

vn_status vn_searcher_run(vn_searcher *s, const vn_qnode *root, const vn_search_opts *o, unsigned how,
                          vn_xresults **out, vn_error *err)
{
    vn_xsearch_opts xo = xopts(o, how & ~VN_SP_RERANK);
    return vn_xdb_search(s->db, root, &xo, out, err);
}

vn_status vn_search_parsed(vn_searcher *s, const vn_qparse *p, const vn_search_opts *o, unsigned how,
                           vn_xresults **out, vn_error *err)
{
    *out = NULL;
    double t0 = vn_clock_now();
    vn_xsearch_opts xo = xopts(o, how);
    vn_query_opts qo = vn_searcher_query_opts(s, o);
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
    if ((few || apart) && !o->only_ids && vn_qparse_marked(p, 1) && time_left(o, t0) >= 0) {
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
    if (rc == VN_OK && r->total_max == 0 && t.all && !o->only_ids && xo.time_limit >= 0) {
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
