/* SPDX-License-Identifier: GPL-2.0-or-later */
/* vn_snippet.h -- a short excerpt of a document around what a query asked
 * for, with the matched words marked.
 *
 * It reads the parsed query (vn_query.h), never the query text: matching
 * is as the search matched ("luong cuong" marks "Lương Cường"; "bão"
 * marks bão and unmarked "bao", not "báo", unless other spellings joined
 * the search); a phrase is
 * marked only where its words stand together and in order, and the
 * excerpt centres on it; excluded words are never marked.  Pure: text
 * in, text out. */
#ifndef VN_SNIPPET_H
#define VN_SNIPPET_H

#include <stddef.h>

#include "vn_query.h"
#include "vn_rerank.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Default excerpt length, in words. */
#define VN_SNIPPET_WORDS 30

typedef struct vn_snippet_opts {
    size_t max_words;       /* about this many words; 0 for VN_SNIPPET_WORDS */
    int html;               /* HTML-escape the article's text (& < > " '): only the markers are markup */
    const char *open, *close; /* around each matched word, copied as they are; NULL for "" */
    int all_spellings;      /* a word typed with marks marks every spelling of its letters
                               (vn_hits.other_spellings); else its own and unmarked text */
} vn_snippet_opts;

/* The excerpt of text[0..len) where the query's words and phrases weigh
 * most, each matched word wrapped in the markers; "…" marks cut ends.
 * Control characters (newlines, tabs) become spaces, so the result fits
 * on one line.  Returns a malloc'd string; the caller frees it. */
char *vn_snippet(const char *text, size_t len, const vn_qparse *q, const vn_snippet_opts *o);

/* The same excerpt, the words matched through the document's forward
 * record rec[0..rlen) (vn_wordrec.h) and `rq` (vn_rerank_q_build of q):
 * only the window's neighbourhood of the text is tokenised, not the
 * whole of it.  Falls back to vn_snippet() when the record cannot say
 * (a prefix, an abbreviation, a record missing or damaged). */
struct vn_rerank_q;
char *vn_snippet_rec(const char *text, size_t len, const char *rec, size_t rlen, const vn_qparse *q,
                     const struct vn_rerank_q *rq, const vn_snippet_opts *o);

#ifdef __cplusplus
}
#endif

#endif
