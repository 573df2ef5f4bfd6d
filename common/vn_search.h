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
#include "vnsearch.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The stored document (JSON) with id `id`, appended to `out`.
 * VN_ERR_NOTFOUND when there is none.  (vnsearch.h has the malloc'd form.) */
vn_status vn_searcher_get(vn_searcher *s, const char *id, vn_buf *out, vn_error *err);

#ifdef __cplusplus
}
#endif

#endif
