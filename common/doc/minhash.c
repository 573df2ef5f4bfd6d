/* SPDX-License-Identifier: GPL-2.0-or-later */
/* minhash.c -- MinHash signatures of a body's shingles (runs of
 * VN_MINHASH_SHINGLE folded words) and their LSH bands (vn_minhash.h).
 * Each shingle is hashed once (FNV-1a of its words), then mixed with one
 * constant per signature slot; a slot keeps the least value.  Not here:
 * storing them (schema.c), comparing documents (search/copies.c). */
#include "vn_minhash.h"
#include "vn_hash.h"

#include <stdio.h>
#include <string.h>

/* SplitMix64's finaliser: every bit of x moves every bit of the result. */
static uint64_t mix(uint64_t x)
{
    x ^= x >> 30;
    x *= 0xbf58476d1ce4e5b9ULL;
    x ^= x >> 27;
    x *= 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

int vn_minhash(const vn_tokens *ts, size_t from, size_t to, uint32_t sig[VN_MINHASH_K])
{
    if (to < from || to - from < VN_MINHASH_SHINGLE + VN_MINHASH_MIN - 1)
        return 0;
    uint32_t min[VN_MINHASH_K];
    memset(min, 0xff, sizeof min);
    uint64_t ring[VN_MINHASH_SHINGLE];
    for (size_t i = from; i < to; i++) {
        const vn_token *t = &ts->tok[i];
        ring[(i - from) % VN_MINHASH_SHINGLE] = vn_hash64(VN_TOK_FOLDED(ts, t), t->folded_len);
        if (i + 1 - from < VN_MINHASH_SHINGLE)
            continue;
        uint64_t h = VN_HASH64_INIT;
        for (size_t k = 0; k < VN_MINHASH_SHINGLE; k++) /* the words in order */
            h = mix(h ^ ring[(i + 1 - VN_MINHASH_SHINGLE - from + k) % VN_MINHASH_SHINGLE]);
        for (unsigned k = 0; k < VN_MINHASH_K; k++) {
            uint32_t v = (uint32_t)(mix(h + 0x9e3779b97f4a7c15ULL * (k + 1)) >> 32);
            if (v < min[k])
                min[k] = v;
        }
    }
    memcpy(sig, min, sizeof min);
    return 1;
}

void vn_minhash_band(const uint32_t sig[VN_MINHASH_K], unsigned band, char out[VN_BAND_TERM_LEN + 1])
{
    enum { ROWS = VN_MINHASH_K / VN_MINHASH_BANDS };
    uint64_t h = band + 1;
    for (unsigned r = 0; r < ROWS; r++)
        h = mix(h ^ sig[band * ROWS + r]);
    snprintf(out, VN_BAND_TERM_LEN + 1, "%c%08x", 'a' + (int)band, (unsigned)(h >> 32));
}

void vn_minhash_encode(const uint32_t sig[VN_MINHASH_K], unsigned char out[VN_MINHASH_BYTES])
{
    for (unsigned k = 0; k < VN_MINHASH_K; k++)
        for (unsigned b = 0; b < 4; b++)
            out[4 * k + b] = (unsigned char)(sig[k] >> (8 * b));
}

int vn_minhash_decode(const void *p, size_t n, uint32_t sig[VN_MINHASH_K])
{
    if (!p || n != VN_MINHASH_BYTES)
        return 0;
    const unsigned char *c = p;
    for (unsigned k = 0; k < VN_MINHASH_K; k++)
        sig[k] = (uint32_t)c[4 * k] | (uint32_t)c[4 * k + 1] << 8 | (uint32_t)c[4 * k + 2] << 16 |
                 (uint32_t)c[4 * k + 3] << 24;
    return 1;
}

double vn_minhash_similar(const uint32_t a[VN_MINHASH_K], const uint32_t b[VN_MINHASH_K])
{
    unsigned same = 0;
    for (unsigned k = 0; k < VN_MINHASH_K; k++)
        same += a[k] == b[k];
    return (double)same / VN_MINHASH_K;
}
