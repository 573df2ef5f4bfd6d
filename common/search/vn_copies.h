/* SPDX-License-Identifier: GPL-2.0-or-later */
/* vn_copies.h -- copies of a wire story folded into one hit (copies.c).
 * Internal to the search layer. */
#ifndef VN_COPIES_H
#define VN_COPIES_H

#include <stddef.h>
#include <stdint.h>

#include "vn_minhash.h"
#include "vn_searcher.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Copies listed per hit, at most. */
#define VN_COPIES_MAX 50
/* Candidates read for a page folded with collapse: this many times the
 * hits up to its end (copies of one story rank side by side). */
#define VN_COLLAPSE_WIDEN 4
/* ... and never more than this: a collapsed ranking ends with the stories
 * of its first this many matches. */
#define VN_COLLAPSE_MAX 4000

/* The page size of o (limit 0 means 10). */
static inline unsigned vn_copies_page_limit(const vn_search_opts *o) { return o->limit ? o->limit : 10; }
/* o, asking for the candidates a page of o is folded from: from the
 * first, enough of them (VN_COLLAPSE_WIDEN, VN_COLLAPSE_MAX). */
vn_search_opts vn_copies_candidates(const vn_search_opts *o);

/* Ids (malloc'd strings) of the copies of one hit. */
typedef struct vn_idlist {
    char **ids;
    size_t n;
} vn_idlist;
void vn_idlists_free(vn_idlist *l, size_t n);

/* r's hits, in rank order and fetched with VN_SP_MINHASH, folded: a hit
 * whose signature is a copy of `self`'s (NULL: none) is left out (and
 * out of r's totals); with
 * `collapse`, a copy of a hit kept before it joins that hit's copies.
 * Then only hits [offset, offset + limit) of those kept stay in r (the
 * others freed) and, with collapse, *copies (malloc'd, one per hit left,
 * free with vn_idlists_free) lists each one's copies: those folded here
 * and those the index holds that share one of its bands (any query). */
vn_status vn_copies_fold(vn_searcher *s, struct vn_xresults *r, const uint32_t *self, int collapse,
                         unsigned offset, unsigned limit, vn_idlist **copies, vn_error *err);

/* Move copies[i] (from vn_copies_fold, one per hit of h; may be NULL)
 * into h->hit[i].copies, and free the array. */
void vn_hits_take_copies(vn_hits *h, vn_idlist *copies);

#ifdef __cplusplus
}
#endif

#endif
