/* SPDX-License-Identifier: GPL-2.0-or-later */
/* copies.c -- copies of a wire story: the same agency article republished
 * by other outlets, with another headline, first sentence or byline.  The
 * indexer stores each body's MinHash signature and its LSH band terms
 * (doc/minhash.c); here a page's candidates are compared by signature,
 * a copy of a hit ranked before it folded into that hit, and each hit's
 * copies in the whole index found by its band terms (a few postings)
 * and checked by signature.  Clusters are formed when asked, not stored:
 * a document's terms never change when its copies come, go or sit on
 * other shards.  Not here: the signatures (doc/minhash.c), the search
 * (searcher.c). */
#include "vn_copies.h"
#include "vn_docstore.h"
#include "vn_schema.h"
#include "vn_xapian.h"

#include <stdlib.h>
#include <string.h>

void vn_idlists_free(vn_idlist *l, size_t n)
{
    for (size_t i = 0; l && i < n; i++) {
        for (size_t k = 0; k < l[i].n; k++)
            free(l[i].ids[k]);
        free(l[i].ids);
    }
    free(l);
}

vn_search_opts vn_copies_candidates(const vn_search_opts *o)
{
    unsigned long long d = ((unsigned long long)o->offset + vn_copies_page_limit(o)) * VN_COLLAPSE_WIDEN;
    vn_search_opts wide = *o;
    wide.offset = 0;
    wide.limit = d > VN_COLLAPSE_MAX ? VN_COLLAPSE_MAX : (unsigned)d;
    return wide;
}

void vn_hits_take_copies(vn_hits *h, vn_idlist *copies)
{
    h->collapsed = copies != NULL;
    for (size_t i = 0; copies && i < h->n; i++) {
        h->hit[i].copies = copies[i].ids;
        h->hit[i].ncopies = copies[i].n;
    }
    free(copies);
}

static void idlist_add(vn_idlist *l, const char *id)
{
    for (size_t k = 0; k < l->n; k++)
        if (!strcmp(l->ids[k], id))
            return;
    if (l->n == VN_COPIES_MAX)
        return;
    l->ids = vn_xrealloc(l->ids, (l->n + 1) * sizeof *l->ids);
    l->ids[l->n++] = vn_xstrdup(id);
}

/* The id stored in a hit's data, or "" (a damaged document). */
static char *hit_id(const vn_xhit *h)
{
    vn_docview v;
    char *id = vn_doc_decode(h->data, h->data_len, &v) ? vn_doc_field(&v, VN_DOC_ID) : NULL;
    return id ? id : vn_xstrdup("");
}

static void hit_free(vn_xhit *h)
{
    free(h->data);
    free(h->words);
    free(h->minhash);
}

/* The copies of the document with signature sig (docid `self`) that the
 * index holds, by its band terms, into l. */
static vn_status index_copies(vn_searcher *s, const uint32_t *sig, uint32_t self, vn_idlist *l, vn_error *err)
{
    vn_qarena a;
    vn_qarena_init(&a);
    vn_qnode *any = vn_qnode_new(&a, VN_Q_OR, VN_MINHASH_BANDS);
    for (unsigned b = 0; b < VN_MINHASH_BANDS; b++) {
        char band[VN_BAND_TERM_LEN + 1];
        vn_minhash_band(sig, b, band);
        any->kids[b] = vn_qnode_term(&a, VN_PREFIX_BAND, band, VN_BAND_TERM_LEN);
        any->kids[b]->op = VN_Q_BOOL_TERM;
    }
    vn_search_opts o = {.limit = VN_COPIES_MAX + 1};
    vn_xresults *r = NULL;
    vn_status rc = vn_searcher_run(s, any, &o, VN_SP_MINHASH | VN_SP_NO_DATA, &r, err);
    vn_buf data = VN_BUF_INIT;
    for (size_t i = 0; rc == VN_OK && i < r->n; i++) {
        uint32_t other[VN_MINHASH_K];
        vn_docview v;
        if (r->hits[i].docid == self || !vn_minhash_decode(r->hits[i].minhash, r->hits[i].minhash_len, other) ||
            vn_minhash_similar(sig, other) < VN_COPY_SIMILAR)
            continue;
        vn_buf_reset(&data);
        if (vn_xdb_get_data_docid(vn_searcher_xdb(s), r->hits[i].docid, &data, NULL) == VN_OK &&
            vn_doc_decode(data.data, data.len, &v)) {
            char *id = vn_doc_field(&v, VN_DOC_ID);
            if (id)
                idlist_add(l, id);
            free(id);
        }
    }
    vn_buf_free(&data);
    vn_xresults_free(r);
    vn_qarena_free(&a);
    return rc;
}

vn_status vn_copies_fold(vn_searcher *s, vn_xresults *r, const uint32_t *self, int collapse, unsigned offset,
                         unsigned limit, vn_idlist **copies, vn_error *err)
{
    *copies = NULL;
    size_t n = r->n, kept = 0;
    uint32_t (*sig)[VN_MINHASH_K] = vn_xcalloc(n ? n : 1, sizeof *sig);
    int *has = vn_xcalloc(n ? n : 1, sizeof *has);
    size_t *into = vn_xcalloc(n ? n : 1, sizeof *into); /* the kept hit i folds into, or i */
    for (size_t i = 0; i < n; i++) {
        has[i] = vn_minhash_decode(r->hits[i].minhash, r->hits[i].minhash_len, sig[i]);
        into[i] = i;
        if (has[i] && self && vn_minhash_similar(sig[i], self) >= VN_COPY_SIMILAR) {
            into[i] = (size_t)-1; /* the article's own copy: not counted either */
            r->total -= r->total > 0;
            r->total_min -= r->total_min > 0;
            r->total_max -= r->total_max > 0;
            continue;
        }
        for (size_t k = 0; collapse && has[i] && k < i; k++)
            if (into[k] == k && has[k] && vn_minhash_similar(sig[i], sig[k]) >= VN_COPY_SIMILAR) {
                into[i] = k;
                break;
            }
    }
    /* the page: hits [offset, offset + limit) of those kept */
    size_t *rank = vn_xcalloc(n ? n : 1, sizeof *rank); /* a kept hit's place among the kept */
    for (size_t i = 0, k = 0; i < n; i++)
        if (into[i] == i)
            rank[i] = k++;
    vn_idlist *l = collapse ? vn_xcalloc(limit ? limit : 1, sizeof *l) : NULL;
    vn_status rc = VN_OK;
    for (size_t i = 0; i < n; i++) { /* the page's copies folded here, in rank order */
        size_t k = into[i];
        if (!collapse || k == (size_t)-1 || k == i || rank[k] < offset || rank[k] >= (size_t)offset + limit)
            continue;
        char *id = hit_id(&r->hits[i]);
        idlist_add(&l[rank[k] - offset], id);
        free(id);
    }
    vn_xhit *out = vn_xcalloc(n ? n : 1, sizeof *out);
    for (size_t i = 0; i < n; i++) {
        if (into[i] == i && rank[i] >= offset && rank[i] < (size_t)offset + limit) {
            if (collapse && has[i] && rc == VN_OK) /* and those the index holds (itself left out) */
                rc = index_copies(s, sig[i], r->hits[i].docid, &l[kept], err);
            out[kept++] = r->hits[i];
        } else {
            hit_free(&r->hits[i]);
        }
    }
    free(r->hits);
    r->hits = out;
    r->n = kept;
    free(sig);
    free(has);
    free(into);
    free(rank);
    if (rc != VN_OK) {
        vn_idlists_free(l, collapse ? limit : 0);
        return rc;
    }
    *copies = l;
    return VN_OK;
}
