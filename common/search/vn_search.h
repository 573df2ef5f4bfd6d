/* SPDX-License-Identifier: GPL-2.0-or-later */
/* vn_search.h -- internal additions to the search API of vnsearch.h
 * (which the daemon serves and the indexer's --query mode prints).
 *
 * A vn_searcher is one read handle (one Xapian database plus a stemmer);
 * it is not thread-safe: give each thread its own. */
#ifndef VN_SEARCH_H
#define VN_SEARCH_H

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
enum { VN_SP_RERANK = 1, VN_SP_WORDS = 2, VN_SP_NO_DATA = 4 /* hits without their stored documents */ };
struct vn_xresults;
vn_status vn_search_parsed(vn_searcher *s, const vn_qparse *p, const vn_search_opts *o, unsigned how,
                           struct vn_xresults **out, vn_error *err);

/* The searcher's Xapian handle (search.c), for the library's own readers
 * of the index's terms (suggest.c). */
struct vn_xdb *vn_searcher_xdb(vn_searcher *s);
/* vn_restore that stops at `deadline` (vn_clock_now() seconds; 0: none)
 * with VN_ERR_LIMIT and nothing in *out: a run of words costs phrase
 * searches, and did-you-mean keeps to the query's time limit. */
vn_status vn_restore_until(vn_searcher *s, const char *text, double deadline, char **out, vn_error *err);

/* suggest.c: search the words `phrase` as a phrase; *docs is how many
 * documents hold it (exact up to VN_TOTAL_EXACT_UPTO) and *shown the
 * spelling the first of them use most, lower case (malloc'd; NULL when
 * none holds it).  The archive as the statistics of how words are
 * written, read per query: suggestions, and restored marks in an index
 * without spelling statistics (restore.c). */
vn_status vn_phrase_spelling(vn_searcher *s, const char *phrase, unsigned *docs, char **shown, vn_error *err);

/* suggest.c: how the hits r (of a search with VN_SP_WORDS) write the
 * words of p side by side, the spelling most of them use, from their
 * forward records: into *shown (exact forms joined by spaces, malloc'd;
 * NULL when no hit has them so).  Returns 0 when a record cannot say
 * (missing, damaged, p not a plain run of words). */
int vn_hits_spelling(vn_searcher *s, const struct vn_xresults *r, const vn_qparse *p, char **shown);

/* suggest.c: the words that end the index terms starting with `prefix`
 * (the bytes after its first `skip`: "XPha " + "nội"), with how many
 * documents hold each term, reading at most `max_terms` terms.  *out is
 * the caller's: free with vn_word_counts_free. */
typedef struct vn_word_count {
    char *text;
    unsigned count;
} vn_word_count;
vn_status vn_term_words(vn_searcher *s, const char *prefix, size_t skip, size_t max_terms, vn_word_count **out,
                        size_t *n, vn_error *err);
/* The same, keeping texts of several words ("XRha noi\t" + "hà nội"). */
vn_status vn_term_phrases(vn_searcher *s, const char *prefix, size_t skip, size_t max_terms, vn_word_count **out,
                          size_t *n, vn_error *err);
/* Most documents first; between equals, the text with marks (the one to
 * restore), then by bytes. */
void vn_word_counts_sort(vn_word_count *w, size_t n);
void vn_word_counts_free(vn_word_count *w, size_t n);

/* facets.c: the facets' names, by bit (VN_FACET_SOURCE is bit 0:
 * "source"), as the protocol takes and shows them; the bits of a
 * comma-separated list of them (any case), 0 when one is no facet. */
extern const char *const vn_facet_names[VN_NFACETS];
unsigned vn_facets_parse(const char *s, size_t n);
/* facets.c: fill h->facet with the facets `which` (VN_FACET_* bits) of
 * result r, `limit` values each (0: 10); vn_facets_free releases them. */
void vn_facets_build(const struct vn_xresults *r, unsigned which, unsigned limit, vn_hits *h);
void vn_facets_free(vn_hits *h);

#ifdef __cplusplus
}
#endif

#endif
