/* SPDX-License-Identifier: GPL-2.0-or-later */
/* vn_article.h -- a news article and the two formats it arrives in.
 *
 *   JSON Lines: one object per line with id, title, date (YYYY-MM-DD or
 *   null), source, url, body -- the format of ../shared/corpus/.
 *   Plain text: an optional leading "date YYYY-MM-DD" marker, an optional
 *   dateline ("HÀ NỘI —"), the body, and an optional trailing source
 *   ("— VNA/VNS", "— VNS" or a bare "VNS" after the last sentence).
 *
 * Parsing is pure: bytes in, article out, no files touched. */
#ifndef VN_ARTICLE_H
#define VN_ARTICLE_H

#include <stddef.h>

#include "vn_error.h"
#include "vnsearch.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Parse one JSON Lines record.  On error returns VN_ERR_INVALID with a
 * message naming the field at fault; *out is left zeroed. */
vn_status vn_article_from_json(const char *line, size_t len, vn_article *out, vn_error *err);

/* Parse a plain-text article; `id` is copied.  Invalid UTF-8 bytes are
 * replaced by U+FFFD.  Fails only for an empty article or a bad id. */
vn_status vn_article_from_plain(const char *text, size_t len, const char *id, vn_article *out,
                                vn_error *err);

/* Nonzero if s is a valid calendar date written YYYY-MM-DD. */
int vn_date_valid(const char *s);

#ifdef __cplusplus
}
#endif

#endif
