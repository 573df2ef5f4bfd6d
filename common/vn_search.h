/* SPDX-License-Identifier: GPL-2.0-or-later */
/* vn_search.h -- ranked search over an index directory: the API the
 * daemon serves and the indexer's --query mode prints.
 *
 * A vn_searcher is one read handle (one Xapian database plus a stemmer);
 * it is not thread-safe: give each thread its own. */
#ifndef VN_SEARCH_H
#define VN_SEARCH_H

#include <stddef.h>
#include <stdint.h>

#include "vn_buf.h"
#include "vn_error.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct vn_searcher vn_searcher;

typedef struct vn_hit {
    char *id, *title, *date, *source, *url; /* date/source/url may be NULL */
    char *body;                             /* the stored body (for snippets) */
    double score;
} vn_hit;

typedef struct vn_hits {
    uint64_t total; /* estimated matches in all */
    size_t n;
    vn_hit *hit;
} vn_hits;

typedef struct vn_search_opts {
    unsigned offset, limit;          /* limit 0 means 10 */
    int sort;                        /* VN_SORT_* of vn_xapian.h: 0 relevance */
    const char *date_from, *date_to; /* YYYY-MM-DD or NULL */
    const char *source;              /* or NULL */
    double time_limit;               /* seconds, 0 for none */
    unsigned max_wildcard;           /* 0 for the default */
    int exact_total;                 /* count every match (COUNT); else total is Xapian's estimate */
} vn_search_opts;

/* Open the index at `dir` for reading.  *out is freed with
 * vn_searcher_close(). */
vn_status vn_searcher_open(const char *dir, vn_searcher **out, vn_error *err);
void vn_searcher_close(vn_searcher *s);

/* Catch up with the indexer: the latest commit, or a new generation after
 * a --full rebuild (then the old handle is replaced).  *changed may be
 * NULL. */
vn_status vn_searcher_reopen(vn_searcher *s, int *changed, vn_error *err);

/* Run `query` (syntax in vn_query.h).  On success *out is malloc'd, free
 * it with vn_hits_free().  VN_ERR_INVALID for an empty or unparsable query. */
vn_status vn_search(vn_searcher *s, const char *query, const vn_search_opts *opts, vn_hits **out,
                    vn_error *err);
void vn_hits_free(vn_hits *h);

/* The stored document (JSON) with id `id`, appended to `out`.
 * VN_ERR_NOTFOUND when there is none. */
vn_status vn_searcher_get(vn_searcher *s, const char *id, vn_buf *out, vn_error *err);

/* Completions of `prefix` (words typed so far, the last one maybe
 * partial), folded-aware: "ha n" gives "hà nội".  Looks at the best
 * matching documents and counts the word sequences that complete the
 * prefix there.  *items is a malloc'd array of malloc'd strings, most
 * frequent first; free with vn_suggestions_free(). */
vn_status vn_suggest(vn_searcher *s, const char *prefix, size_t max, char ***items, size_t *n, vn_error *err);
void vn_suggestions_free(char **items, size_t n);

/* Documents in the index and its revision. */
vn_status vn_searcher_info(vn_searcher *s, uint64_t *doccount, uint64_t *revision, vn_error *err);

#ifdef __cplusplus
}
#endif

#endif
