/* SPDX-License-Identifier: GPL-2.0-or-later */
/* vn_minhash.h -- near-duplicate detection: a body's MinHash signature
 * over shingles of its folded words, and the LSH band terms that let a
 * copy find it with a few term look-ups (minhash.c).  The same agency
 * story republished with another headline, another first sentence, a
 * paragraph dropped or another byline keeps most of its shingles.  Pure:
 * tokens in, numbers and term text out; the index stores them
 * (VN_SLOT_MINHASH, VN_PREFIX_BAND) and the search layer folds copies
 * (search/copies.c). */
#ifndef VN_MINHASH_H
#define VN_MINHASH_H

#include <stddef.h>
#include <stdint.h>

#include "vn_text.h"

#ifdef __cplusplus
extern "C" {
#endif

#define VN_MINHASH_K 32       /* hashes in a signature */
#define VN_MINHASH_BANDS 16   /* LSH bands, VN_MINHASH_K / VN_MINHASH_BANDS hashes each */
#define VN_MINHASH_SHINGLE 5  /* folded words a shingle */
#define VN_MINHASH_MIN 20     /* shingles a body needs for a signature (24 words): in a shorter
                                 one, a byline or a stock phrase would be much of the text */
/* Two signatures with at least this share of equal hashes are copies:
 * an estimate of the Jaccard similarity of their shingle sets (its
 * standard error is 0.09 at 0.5 with 32 hashes: bodies a third alike,
 * sharing stock phrases, reach 0.6 once in 1,500). */
#define VN_COPY_SIMILAR 0.6
/* Bytes of a band term's text after its prefix: the band's letter and 8
 * hex digits. */
#define VN_BAND_TERM_LEN 9
/* Bytes of a stored signature (VN_MINHASH_K little-endian 32-bit words). */
#define VN_MINHASH_BYTES (4 * VN_MINHASH_K)

/* The signature of words [from, to) of ts into sig; 0 (sig untouched)
 * when they make fewer than VN_MINHASH_MIN shingles. */
int vn_minhash(const vn_tokens *ts, size_t from, size_t to, uint32_t sig[VN_MINHASH_K]);

/* Band `band` (0 to VN_MINHASH_BANDS - 1) of sig as term text: its letter
 * and 8 hex digits, and a NUL. */
void vn_minhash_band(const uint32_t sig[VN_MINHASH_K], unsigned band, char out[VN_BAND_TERM_LEN + 1]);

/* sig as stored, and back: 0 when p[0..n) is no signature. */
void vn_minhash_encode(const uint32_t sig[VN_MINHASH_K], unsigned char out[VN_MINHASH_BYTES]);
int vn_minhash_decode(const void *p, size_t n, uint32_t sig[VN_MINHASH_K]);

/* The share of equal hashes of two signatures: their shingle sets'
 * Jaccard similarity, estimated. */
double vn_minhash_similar(const uint32_t a[VN_MINHASH_K], const uint32_t b[VN_MINHASH_K]);

#ifdef __cplusplus
}
#endif

#endif
