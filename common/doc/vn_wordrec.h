/* SPDX-License-Identifier: GPL-2.0-or-later */
/* vn_wordrec.h -- the forward record of a document's words, which stage
 * two of the ranking reads (vn_rerank.h).
 *
 * The index has no positions (docs/index-schema.md): pair terms find words
 * that stand side by side somewhere, which on a 30,000-article archive is
 * often not where the query's words stand together.  The record keeps, in
 * value slot VN_SLOT_WORDS, every word of the title, dateline and body in
 * order, each as a 32-bit entry that can be compared with a query word
 * folded and as spelled:
 *
 *   bits 31..11  21 bits of the hash of the folded form ("duong")
 *   bit  10      the word is written with marks
 *   bits  9..0   10 bits of the hash of the exact form ("đường")
 * (FNV-1a, vn_hash64, with MurmurHash3's finaliser over it)
 *
 * Format (version 1): the byte 0x01; a byte of flags (VN_WORDREC_UNMARKED:
 * the document is written without marks); a varint count of distinct entries,
 * then each as 4 bytes little-endian, in order of first appearance; a
 * varint count of stream items and a varint of their bytes (the
 * checkpoints are found without reading them), then each as a varint: 0 ends a field
 * (no run crosses it), k > 0 is entry k-1; then the body's checkpoints: a
 * varint count, then for every VN_WORDREC_CHECK-th body word its byte
 * offset in the body, each a varint added to the one before, so that a
 * snippet tokenises a window of the body instead of all of it.
 *
 * A hash can
 * collide: 1 in 2 million that a word is taken for another of the same
 * document, 1 in 1,024 that a spelling is taken for another of the same
 * folded word; ranking only, never what matches.  Pure: buffers in,
 * numbers out. */
#ifndef VN_WORDREC_H
#define VN_WORDREC_H

#include <stddef.h>
#include <stdint.h>

#include "vn_buf.h"
#include "vn_text.h"

#ifdef __cplusplus
extern "C" {
#endif

#define VN_WORDREC_VERSION 0x01
#define VN_WORDREC_UNMARKED 0x01 /* flag: vn_tokens_unmarked() said so */
/* A body checkpoint every this many words: a snippet tokenises at most
 * this many words before its window. */
#define VN_WORDREC_CHECK 32

/* The entry of a word (see above) from its folded and exact forms. */
uint32_t vn_wordrec_entry(const char *folded, size_t fl, const char *exact, size_t el, int marked);

/* The entry of token t of ts: vn_wordrec_entry of its forms, with
 * VN_WORDREC_IY flipped when it was written with the other i/y spelling
 * (VN_TOK_IY: lí for lý), so that the two spellings of one word differ in
 * that bit only. */
uint32_t vn_wordrec_token_entry(const vn_tokens *ts, const vn_token *t);
#define VN_WORDREC_IY 1u

/* Append the record of `ts`'s tokens to `out`.  ends[0..nfields) are the
 * token indices where each field ends (title, dateline, body: the last is
 * ts->n); the body is the last field, its tokens' offsets are into the
 * body text.  `unmarked`: the document is written without marks. */
void vn_wordrec_encode(const vn_tokens *ts, const size_t *ends, size_t nfields, int unmarked, vn_buf *out);

/* Layout of an entry. */
#define VN_WORDREC_FOLDED_SHIFT 11       /* bits 31..11: the folded form's hash */
#define VN_WORDREC_MARKED (1u << 10)     /* bit 10: written with marks */
#define VN_WORDREC_EXACT_MASK 0x3FFu     /* bits 9..0: the exact form's hash */

/* ---- reading ---- */

/* A record opened for reading; points into the caller's bytes. */
typedef struct vn_wordrec {
    const unsigned char *p;
    size_t len;
    int unmarked;            /* the document is written without marks */
    size_t ndict, dict_at;   /* entries at p + dict_at */
    size_t nitems, items_at; /* stream at p + items_at */
    size_t checks_at;        /* the body's checkpoints, just past the stream */
} vn_wordrec;

/* Open data[0..len) as a record; 0 when it is not one (other version,
 * cut short). */
int vn_wordrec_open(vn_wordrec *r, const char *data, size_t len);
/* Distinct entry i (< r->ndict).  (Inline, as the next: stage two calls
 * them for every word of 50 records a query.) */
static inline uint32_t vn_wordrec_dict(const vn_wordrec *r, size_t i)
{
    return vn_get_u32le(r->p + r->dict_at + 4 * i);
}

/* Read the varint at *at of p[0..len) into *v and move *at past it; 0
 * when it runs past the end or is too long to be one of ours. */
static inline int vn_wordrec_varint(const unsigned char *p, size_t len, size_t *at, size_t *v)
{
    size_t r = 0;
    for (unsigned shift = 0; shift < 35 && *at < len; shift += 7) {
        unsigned char b = p[(*at)++];
        r |= (size_t)(b & 0x7F) << shift;
        if (!(b & 0x80)) {
            *v = r;
            return 1;
        }
    }
    return 0;
}

/* Where snippet tokenising may start for body word `word`: the byte
 * offset in the body of the checkpoint at or before it, and that
 * checkpoint's word number in *at_word.  Returns 0 when the record is
 * missing or damaged. */
int vn_wordrec_body_checkpoint(const char *rec, size_t len, size_t word, size_t *offset, size_t *at_word);

#ifdef __cplusplus
}
#endif

#endif
