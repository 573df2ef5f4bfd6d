/* SPDX-License-Identifier: GPL-2.0-or-later */
/* wordrec.c -- the forward record of a document's words: written by
 * schema.c into value VN_SLOT_WORDS, read entry by entry (see
 * vn_wordrec.h for the format).  Deliberately not here: what a query
 * makes of it (stage two of the ranking, query/rerank.c). */
#include "vn_wordrec.h"
#include "vn_hash.h"

#include <stdlib.h>
#include <string.h>


/* FNV-1a's high bits hardly depend on the last byte ("ban" and "bao"
 * shared their top 21): mix them all (MurmurHash3's 64-bit finaliser). */
static uint64_t mixed_hash(const char *p, size_t n)
{
    uint64_t h = vn_hash64(p, n);
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdULL;
    h ^= h >> 33;
    h *= 0xc4ceb9fe1a85ec53ULL;
    return h ^ (h >> 33);
}

uint32_t vn_wordrec_entry(const char *folded, size_t fl, const char *exact, size_t el, int marked)
{
    uint32_t f = (uint32_t)(mixed_hash(folded, fl) >> 43); /* 21 bits */
    uint32_t e = (uint32_t)mixed_hash(exact, el) & VN_WORDREC_EXACT_MASK;
    return f << VN_WORDREC_FOLDED_SHIFT | (marked ? VN_WORDREC_MARKED : 0) | e;
}

uint32_t vn_wordrec_token_entry(const vn_tokens *ts, const vn_token *t)
{
    uint32_t e = vn_wordrec_entry(VN_TOK_FOLDED(ts, t), t->folded_len, VN_TOK_EXACT(ts, t), t->exact_len,
                                  (t->flags & VN_TOK_MARKED) != 0);
    return t->flags & VN_TOK_IY ? e ^ VN_WORDREC_IY : e;
}

static void put_varint(vn_buf *out, size_t v)
{
    while (v >= 0x80) {
        vn_buf_putc(out, (char)(0x80 | (v & 0x7F)));
        v >>= 7;
    }
    vn_buf_putc(out, (char)v);
}

/* Open addressing from entry to its index in the record's dictionary:
 * a document has a few hundred distinct words. */
typedef struct dict {
    uint32_t *key;
    uint32_t *idx; /* index + 1; 0 empty */
    size_t mask, n;
} dict;

static uint32_t dict_index(dict *d, uint32_t e, vn_buf *out)
{
    size_t h = (e * 2654435761u) & d->mask;
    while (d->idx[h]) {
        if (d->key[h] == e)
            return d->idx[h] - 1;
        h = (h + 1) & d->mask;
    }
    d->key[h] = e;
    d->idx[h] = (uint32_t)++d->n;
    vn_buf_put_u32le(out, e);
    return (uint32_t)d->n - 1;
}

void vn_wordrec_encode(const vn_tokens *ts, const size_t *ends, size_t nfields, int unmarked, vn_buf *out)
{
    size_t cap = 16;
    while (cap < 2 * ts->n + 2)
        cap <<= 1;
    dict d = {vn_xcalloc(cap, sizeof *d.key), vn_xcalloc(cap, sizeof *d.idx), cap - 1, 0};
    vn_buf entries = VN_BUF_INIT, stream = VN_BUF_INIT;
    size_t items = 0, at = 0;
    for (size_t f = 0; f < nfields; f++) {
        for (; at < ends[f]; at++) {
            const vn_token *t = &ts->tok[at];
            uint32_t e = vn_wordrec_token_entry(ts, t);
            put_varint(&stream, (size_t)dict_index(&d, e, &entries) + 1);
            items++;
        }
        if (f + 1 < nfields) {
            put_varint(&stream, 0);
            items++;
        }
    }
    vn_buf_putc(out, VN_WORDREC_VERSION);
    vn_buf_putc(out, unmarked ? VN_WORDREC_UNMARKED : 0);
    put_varint(out, d.n);
    vn_buf_append(out, entries.data, entries.len);
    put_varint(out, items);
    put_varint(out, stream.len);
    vn_buf_append(out, stream.data, stream.len);
    /* the body's checkpoints */
    size_t body = nfields > 1 ? ends[nfields - 2] : 0, nbody = ts->n - body;
    put_varint(out, (nbody + VN_WORDREC_CHECK - 1) / VN_WORDREC_CHECK);
    size_t prev = 0;
    for (size_t i = body; i < ts->n; i += VN_WORDREC_CHECK) {
        put_varint(out, ts->tok[i].src_start - prev);
        prev = ts->tok[i].src_start;
    }
    vn_buf_free(&entries);
    vn_buf_free(&stream);
    free(d.key);
    free(d.idx);
}

/* ---- reading ---- */

int vn_wordrec_open(vn_wordrec *r, const char *data, size_t len)
{
    r->p = (const unsigned char *)data;
    r->len = len;
    size_t at = 2;
    if (len < 2 || r->p[0] != VN_WORDREC_VERSION || !vn_wordrec_varint(r->p, len, &at, &r->ndict) ||
        r->ndict > (len - at) / 4)
        return 0;
    r->unmarked = (r->p[1] & VN_WORDREC_UNMARKED) != 0;
    r->dict_at = at;
    at += r->ndict * 4;
    size_t bytes;
    if (!vn_wordrec_varint(r->p, len, &at, &r->nitems) || !vn_wordrec_varint(r->p, len, &at, &bytes) || bytes > len - at ||
        r->nitems > bytes)
        return 0;
    r->items_at = at;
    r->checks_at = at + bytes;
    return 1;
}

int vn_wordrec_body_checkpoint(const char *data, size_t len, size_t word, size_t *offset, size_t *at_word)
{
    vn_wordrec r;
    if (!data || !vn_wordrec_open(&r, data, len))
        return 0;
    size_t at = r.checks_at, v, n, off = 0;
    if (!vn_wordrec_varint(r.p, r.len, &at, &n))
        return 0;
    size_t want = word / VN_WORDREC_CHECK;
    for (size_t i = 0; i < n && i <= want; i++) {
        if (!vn_wordrec_varint(r.p, r.len, &at, &v))
            return 0;
        off += v;
    }
    *offset = off;
    *at_word = (want < n ? want : n ? n - 1 : 0) * VN_WORDREC_CHECK;
    return 1;
}
