/* SPDX-License-Identifier: GPL-2.0-or-later */
/* vn_search.h -- what vn_search() (search.c) uses beside the
 * searcher: facets (facets.c) and restored marks within a deadline
 * (restore.c).  The handle is vn_searcher.h's, spellings vn_spelling.h's. */
#ifndef VN_SEARCH_H
#define VN_SEARCH_H

#include <stddef.h>
#include <stdint.h>

#include "vn_buf.h"
#include "vn_error.h"
#include "vn_query.h"
#include "vnsearch.h"
#include "vn_searcher.h"
#include "vn_spelling.h"

#ifdef __cplusplus
extern "C" {
#endif

/* vn_restore that stops at `deadline` (vn_clock_now() seconds; 0: none)
 * with VN_ERR_LIMIT and nothing in *out: a run of words costs phrase
 * searches, and did-you-mean keeps to the query's time limit. */
vn_status vn_restore_until(vn_searcher *s, const char *text, double deadline, char **out, vn_error *err);


/* the facets' names, by bit (VN_FACET_SOURCE is bit 0:
 * "source"), as the protocol takes and shows them; the bits of a
 * comma-separated list of them (any case), 0 when one is no facet. */
extern const char *const vn_facet_names[VN_NFACETS];
unsigned vn_facets_parse(const char *s, size_t n);
/* fill h->facet with the facets `which` (VN_FACET_* bits) of
 * result r, `limit` values each (0: 10); vn_facets_free releases them. */
void vn_facets_build(const struct vn_xresults *r, unsigned which, unsigned limit, vn_hits *h);
void vn_facets_free(vn_hits *h);

/* search.c: the hits of result r, fields decoded, no snippets, with
 * facets o->facets; the caller's (vn_hits_free). */
vn_hits *vn_hits_new(const struct vn_xresults *r, const vn_search_opts *o);

#ifdef __cplusplus
}
#endif

#endif
