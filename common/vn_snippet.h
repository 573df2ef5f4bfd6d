/* SPDX-License-Identifier: GPL-2.0-or-later */
/* vn_snippet.h -- a short excerpt of a document around the words of a
 * query, with the matched words marked.
 *
 * Matching is on the folded form, so "luong cuong" marks "Lương Cường".
 * Pure: text in, text out. */
#ifndef VN_SNIPPET_H
#define VN_SNIPPET_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The excerpt of `text` (at most about `max_words` words) holding the most
 * query words, each wrapped in `open`/`close`; "…" marks cut ends.  Control
 * characters (newlines, tabs) become spaces, so the result fits on one
 * line.  Words of `query` after '-' (exclusions) and the operators OR and
 * title: are not marked.  Returns a malloc'd string; the caller frees it. */
char *vn_snippet(const char *text, const char *query, size_t max_words, const char *open, const char *close);

#ifdef __cplusplus
}
#endif

#endif
