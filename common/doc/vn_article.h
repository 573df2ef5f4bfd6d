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

#include "vn_calendar.h"
#include "vn_error.h"
#include "vnsearch.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Parse one JSON Lines record.  On error returns VN_ERR_INVALID with a
 * message naming the field at fault; *out is left zeroed.  A field that
 * only costs display or filtering (a date that cannot be read) is dropped
 * instead: the record is VN_OK and `warn` (may be NULL) says what was
 * dropped; warn->code is VN_OK when nothing was. */
vn_status vn_article_from_json(const char *line, size_t len, vn_article *out, vn_error *warn, vn_error *err);

/* Parse a plain-text article; `id` is copied.  Invalid UTF-8 bytes are
 * replaced by U+FFFD.  Fails only for an empty article or a bad id. */
vn_status vn_article_from_plain(const char *text, size_t len, const char *id, vn_article *out,
                                vn_error *err);

/* The calendar date of an ISO 8601 date or date-time as written
 * ("2025-02-03", "2025-02-03T10:00:00+07:00", "2025-02-03 10:00Z"): the
 * date part, in the article's own time zone (a newsroom dates an article
 * where it was written).  Writes YYYY-MM-DD and a NUL into out[11] and
 * returns 1, or returns 0 when s is neither. */
int vn_date_from_iso(const char *s, char out[11]);

#ifdef __cplusplus
}
#endif

#endif
