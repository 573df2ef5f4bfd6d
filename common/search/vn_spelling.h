/* SPDX-License-Identifier: GPL-2.0-or-later */
/* vn_spelling.h -- the index read as statistics of how words are
 * written (spelling.c): the words and phrases its terms hold, and the
 * spelling documents use for a phrase or a result's words. */
#ifndef VN_SPELLING_H
#define VN_SPELLING_H

#include <stddef.h>
#include <stdint.h>

#include "vn_buf.h"
#include "vn_error.h"
#include "vn_query.h"
#include "vnsearch.h"
#include "vn_searcher.h"

#ifdef __cplusplus
extern "C" {
#endif

/* search the words `phrase` as a phrase; *docs is how many
 * documents hold it (exact up to VN_TOTAL_EXACT_UPTO) and *shown the
 * spelling the first of them use most, lower case (malloc'd; NULL when
 * none holds it).  The archive as the statistics of how words are
 * written, read per query: suggestions, and restored marks in an index
 * without spelling statistics (restore.c). */
vn_status vn_phrase_spelling(vn_searcher *s, const char *phrase, unsigned *docs, char **shown, vn_error *err);

/* how the hits r (of a search with VN_SP_WORDS) write the
 * words of p side by side, the spelling most of them use, from their
 * forward records: into *shown (exact forms joined by spaces, malloc'd;
 * NULL when no hit has them so).  Returns 0 when a record cannot say
 * (missing, damaged, p not a plain run of words). */
int vn_hits_spelling(vn_searcher *s, const struct vn_xresults *r, const vn_qparse *p, char **shown);

/* the words that end the index terms starting with `prefix`
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

#ifdef __cplusplus
}
#endif

#endif
