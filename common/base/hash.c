/* SPDX-License-Identifier: GPL-2.0-or-later */
/* hash.c -- 64-bit FNV-1a (see vn_hash.h).  Only the hash: what is
 * hashed, and how its bits are mixed for a use, is the caller's. */
#include "vn_hash.h"

uint64_t vn_hash64_more(uint64_t h, const void *p, size_t n)
{
    const unsigned char *s = p;
    for (size_t i = 0; i < n; i++) {
        h ^= s[i];
        h *= 1099511628211ULL;
    }
    return h;
}

uint64_t vn_hash64(const void *p, size_t n)
{
    return vn_hash64_more(VN_HASH64_INIT, p, n);
}
