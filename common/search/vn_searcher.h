/* SPDX-License-Identifier: GPL-2.0-or-later */
/* vn_searcher.h -- the read handle (searcher.c): additions to the
 * vn_searcher API of vnsearch.h for the library's own files and the
 * programs, and vn_search_parsed, one run of a parsed query.
 *
 * A vn_searcher is one read handle (one Xapian database plus a stemmer);
 * it is not thread-safe: give each thread its own. */
#ifndef VN_SEARCHER_H
#define VN_SEARCHER_H

#include <stddef.h>
#include <stdint.h>

#include "vn_buf.h"
#include "vn_error.h"
#include "vn_query.h"
#include "vnsearch.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The stored document (JSON) with id `id`, appended to `out`.
 * VN_ERR_NOTFOUND when there is none.  (vnsearch.h has the malloc'd form.) */
vn_status vn_searcher_get(vn_searcher *s, const char *id, vn_buf *out, vn_error *err);
/* Shards of the index left out because they do not answer (VN_OPEN_PARTIAL):
 * what was just read was read without them.  0 for a plain index. */
size_t vn_searcher_shards_down(vn_searcher *s);

/* Run parsed query `p` with options `o` (not NULL): every item required,
 * any item when nothing has them all.  `how`: VN_SP_RERANK, stage two
 * re-orders the top VN_RERANK_DEPTH (a search; without it stage one's
 * order, for callers that read the hits' words themselves); VN_SP_WORDS,
 * each hit comes with its forward record (snippets, spellings);
 * VN_SP_NO_DATA, without its stored document (vn_xdb_get_data_docid
 * reads the few a caller needs).  *out is
 * the raw result (stored documents undecoded, see vn_docstore.h); free it
 * with vn_xresults_free().  For callers that need more of each hit than
 * vn_hit holds (suggestions read the bodies). */
enum {
    VN_SP_RERANK = 1,
    VN_SP_WORDS = 2,
    VN_SP_NO_DATA = 4, /* hits without their stored documents */
    VN_SP_MINHASH = 8  /* hits with their MinHash signatures (copies) */
};
struct vn_xresults;
vn_status vn_search_parsed(vn_searcher *s, const vn_qparse *p, const vn_search_opts *o, unsigned how,
                           struct vn_xresults **out, vn_error *err);

/* The searcher's Xapian handle, for the library's own readers of the
 * index's terms (spelling.c, restore.c, search.c). */
struct vn_xdb *vn_searcher_xdb(vn_searcher *s);

/* The options a search runs with: opts, or the defaults for NULL; NULL
 * (err says why, VN_ERR_INVALID) when opts holds a value no search takes
 * (now= not a date, fresh= past VN_FRESH_MAX). */
const vn_search_opts *vn_searcher_opts(const vn_search_opts *opts, vn_error *err);

/* "Today" for a search with options o, as YYYY-MM-DD into out: o->today
 * (now=), else the local date.  Relative dates and recency count from it. */
void vn_searcher_today(const vn_search_opts *o, char out[11]);

/* The query builder's options for a search with options o on s (its
 * stemmer, aliases, filters). */
vn_query_opts vn_searcher_query_opts(const vn_searcher *s, const vn_search_opts *o);
/* Run a tree built elsewhere (vn_query_related, copies.c) with o's page,
 * sort, facets and time limit, in stage one's order; `how` and *out as
 * vn_search_parsed's (VN_SP_RERANK aside). */
vn_status vn_searcher_run(vn_searcher *s, const vn_qnode *root, const vn_search_opts *o, unsigned how,
                          struct vn_xresults **out, vn_error *err);

#ifdef __cplusplus
}
#endif

#endif
