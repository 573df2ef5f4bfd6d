/* SPDX-License-Identifier: GPL-2.0-or-later */
/* search.c -- vn_search(): query text -> vn_qnode tree -> shim -> hits.
 *
 * It also follows the index directory's generations: an index directory
 * holds a XAPIANDB stub naming the live generation (index_dir.c); when
 * --full switches it, reopen() notices the stub changed and opens the new
 * one, while an ordinary commit is picked up by Xapian's own reopen(). */
#include "vn_search.h"
#include "vn_buf.h"
#include "vn_index_dir.h"
#include "vn_query.h"
#include "vn_schema.h"
#include "vn_xapian.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct vn_searcher {
    char *dir;
    vn_xdb *db;
    vn_stemmer *stem;
    unsigned long long stub_id; /* identity of the stub file we opened */
};

vn_status vn_searcher_open(const char *dir, vn_searcher **out, vn_error *err)
{
    *out = NULL;
    vn_searcher *s = vn_xrealloc(NULL, sizeof *s);
    memset(s, 0, sizeof *s);
    s->dir = vn_xstrdup(dir);
    s->stub_id = vn_index_dir_stub_id(dir);
    vn_status rc = vn_xdb_open(dir, VN_XDB_READ, &s->db, err);
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
    free(s->dir);
    free(s);
}

vn_status vn_searcher_reopen(vn_searcher *s, int *changed, vn_error *err)
{
    unsigned long long id = vn_index_dir_stub_id(s->dir);
    if (id != s->stub_id) {
        vn_xdb *db;
        vn_status rc = vn_xdb_open(s->dir, VN_XDB_READ, &db, err);
        if (rc != VN_OK)
            return rc; /* keep serving the old generation */
        vn_xdb_close(s->db);
        s->db = db;
        s->stub_id = id;
        if (changed)
            *changed = 1;
        return VN_OK;
    }
    return vn_xdb_reopen(s->db, changed, err);
}

vn_status vn_searcher_info(vn_searcher *s, uint64_t *doccount, uint64_t *revision, vn_error *err)
{
    vn_xdb_info info;
    vn_status rc = vn_xdb_info_get(s->db, &info, err);
    if (rc == VN_OK) {
        *doccount = info.doccount;
        *revision = info.revision;
    }
    return rc;
}

vn_status vn_searcher_get(vn_searcher *s, const char *id, vn_buf *out, vn_error *err)
{
    char idterm[VN_IDTERM_SIZE];
    if (!vn_idterm(idterm, id))
        return vn_error_set(err, VN_ERR_NOTFOUND, "no such document");
    return vn_xdb_get_data(s->db, idterm, out, err);
}

vn_status vn_searcher_get_json(vn_searcher *s, const char *id, char **json, vn_error *err)
{
    vn_buf b = VN_BUF_INIT;
    vn_status rc = vn_searcher_get(s, id, &b, err);
    *json = rc == VN_OK ? vn_buf_take(&b) : NULL;
    vn_buf_free(&b);
    return rc;
}

static char *jstr(json_t *o, const char *k)
{
    json_t *v = json_object_get(o, k);
    return json_is_string(v) ? vn_xstrdup(json_string_value(v)) : NULL;
}

vn_status vn_search(vn_searcher *s, const char *query, const vn_search_opts *opts, vn_hits **out, vn_error *err)
{
    *out = NULL;
    vn_search_opts dflt = {0, 10, 0, NULL, NULL, NULL, 0, 0, 0};
    const vn_search_opts *o = opts ? opts : &dflt;
    vn_xsearch_opts xo = {o->offset, o->limit ? o->limit : 10, o->sort, o->time_limit, o->exact_total};
    vn_xresults *r = NULL;
    vn_status rc = VN_OK;
    /* every word required first; if no document has them all, any word */
    for (int any = 0; any < 2 && rc == VN_OK; any++) {
        vn_query_opts qo = {s->stem, o->date_from, o->date_to, o->source, o->max_wildcard, any};
        vn_qarena a;
        vn_qarena_init(&a);
        vn_qnode *q = vn_query_build(&a, query, strlen(query), &qo, err);
        if (!q) {
            vn_qarena_free(&a);
            return err ? err->code : VN_ERR_INVALID;
        }
        vn_xresults_free(r);
        rc = vn_xdb_search(s->db, q, &xo, &r, err);
        vn_qarena_free(&a);
        if (rc == VN_OK && r->total > 0)
            break;
    }
    if (rc != VN_OK)
        return rc;
    vn_hits *h = vn_xrealloc(NULL, sizeof *h);
    h->total = r->total;
    h->n = 0;
    h->hit = vn_xrealloc(NULL, (r->n ? r->n : 1) * sizeof *h->hit);
    for (size_t i = 0; i < r->n; i++) {
        json_t *d = json_loadb(r->hits[i].data, r->hits[i].data_len, 0, NULL);
        vn_hit *x = &h->hit[h->n++];
        memset(x, 0, sizeof *x);
        x->score = r->hits[i].score;
        if (d) {
            x->id = jstr(d, "id");
            x->title = jstr(d, "title");
            x->date = jstr(d, "date");
            x->source = jstr(d, "source");
            x->url = jstr(d, "url");
            x->body = jstr(d, "body");
            json_decref(d);
        }
        if (!x->id)
            x->id = vn_xstrdup("");
        if (!x->title)
            x->title = vn_xstrdup("");
    }
    vn_xresults_free(r);
    *out = h;
    return VN_OK;
}

void vn_hits_free(vn_hits *h)
{
    if (!h)
        return;
    for (size_t i = 0; i < h->n; i++) {
        vn_hit *x = &h->hit[i];
        free(x->id);
        free(x->title);
        free(x->date);
        free(x->source);
        free(x->url);
        free(x->body);
    }
    free(h->hit);
    free(h);
}
