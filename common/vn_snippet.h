/* SPDX-License-Identifier: GPL-2.0-or-later */
/* vn_snippet.h -- a short excerpt of a document around what a query asked
 * for, with the matched words marked.
 *
 * It reads the parsed query (vn_query.h), never the query text: matching
 * is on the folded form ("luong cuong" marks "Lương Cường"); a phrase is
 * marked only where its words stand together and in order, and the
 * excerpt centres on it; excluded words are never marked.  Pure: text
 * in, text out. */
#ifndef VN_SNIPPET_H
#define VN_SNIPPET_H

#include <stddef.h>

#include "vn_query.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Default excerpt length, in words. */
#define VN_SNIPPET_WORDS 30

/* The excerpt of text[0..len) (at most about `max_words` words, 0 for
 * VN_SNIPPET_WORDS) where the query's words and phrases weigh most, each
 * matched word wrapped in `open`/`close` (copied as they are); "…" marks
 * cut ends.  With `html`, the article's own text is HTML-escaped (& < > "
 * ') so that only the markers are markup.  Control characters (newlines,
 * tabs) become spaces, so the result fits on one line.  Returns a malloc'd
 * string; the caller frees it. */
char *vn_snippet(const char *text, size_t len, const vn_qparse *q, size_t max_words, int html, const char *open,
                 const char *close);

#ifdef __cplusplus
}
#endif

#endif
