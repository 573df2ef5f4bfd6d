/* SPDX-License-Identifier: GPL-2.0-or-later */
/* related.c -- vn_related(): the articles most like one of the index,
 * for the "related stories" box under an article.  Xapian's relevance
 * feedback names the terms that tell the article apart (the expand set
 * of an RSet of it: folded words and pairs, vn_xdb_expand); any of them
 * is searched for, each weighted by how much it tells, the article
 * itself and its copies left out (copies.c), under the usual filters.
 * Not here: the terms' choice (the shim, with Xapian), the tree
 * (query_build.c). */
#include "vn_search.h"
#include "vn_copies.h"
#include "vn_schema.h"
#include "vn_xapian.h"

#include <stdlib.h>

vn_status vn_related(vn_searcher *s, const char *id, const vn_search_opts *opts, vn_hits **out, vn_error *err)
{
    VN_CHECK_ARGS(err, s && id && out);
    *out = NULL;
    const vn_search_opts *o = vn_searcher_opts(opts, err);
    if (!o)
        return VN_ERR_INVALID;
    char idterm[VN_IDTERM_SIZE];
    if (!vn_idterm(idterm, id))
        return vn_error_set(err, VN_ERR_INVALID, "document ids are 1 to %d bytes", VN_ID_MAX_BYTES);
    vn_xterm *t;
    size_t n;
    vn_status rc = vn_xdb_expand(vn_searcher_xdb(s), idterm, VN_RELATED_TERMS, &t, &n, err);
    if (rc != VN_OK)
        return rc;
    if (n == 0) { /* an article without a word that tells it apart: none is like it */
        vn_xresults none = {0};
        *out = vn_hits_new(&none, o);
        vn_xterms_free(t, n);
        return VN_OK;
    }
    const char **terms = vn_xcalloc(n ? n : 1, sizeof *terms);
    double *w = vn_xcalloc(n ? n : 1, sizeof *w);
    for (size_t i = 0; i < n; i++) {
        terms[i] = t[i].term;
        w[i] = t[i].weight;
    }
    vn_qarena a;
    vn_qarena_init(&a);
    vn_qtree tree;
    vn_query_opts qo = vn_searcher_query_opts(s, o);
    vn_xresults *r = NULL;
    /* the article's own copies are left out: its signature, and room to
     * fill the page without them */
    char raw[VN_MINHASH_BYTES + 1];
    size_t rawlen = 0;
    int found = 0;
    uint32_t self[VN_MINHASH_K];
    rc = vn_xdb_get_value(vn_searcher_xdb(s), idterm, VN_SLOT_MINHASH, raw, sizeof raw, &rawlen, &found, err);
    int has_self = rc == VN_OK && found && vn_minhash_decode(raw, rawlen, self);
    vn_search_opts wide = vn_copies_candidates(o);
    if (rc == VN_OK)
        rc = vn_query_related(&a, terms, w, n, idterm, &qo, &tree, err);
    if (rc == VN_OK)
        rc = vn_searcher_run(s, tree.root, &wide, VN_SP_MINHASH, &r, err);
    vn_idlist *copies = NULL;
    if (rc == VN_OK)
        rc = vn_copies_fold(s, r, has_self ? self : NULL, o->collapse, o->offset, vn_copies_page_limit(o), &copies,
                            err);
    if (rc == VN_OK) {
        *out = vn_hits_new(r, o);
        vn_hits_take_copies(*out, copies);
    }
    vn_xresults_free(r);
    vn_qarena_free(&a);
    free(terms);
    free(w);
    vn_xterms_free(t, n);
    return rc;
}
