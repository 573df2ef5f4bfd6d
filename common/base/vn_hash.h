/* SPDX-License-Identifier: GPL-2.0-or-later */
/* vn_hash.h -- the one 64-bit hash of libvnsearch (FNV-1a): shard of an id
 * (vn_index_dir.h), an article's content hash (vn_schema.h), the entries
 * of the forward word record (vn_wordrec.h).  Not cryptographic, not
 * randomised: only for data we write ourselves; a changed hash changes
 * shard assignment and stored records, so it never changes. */
#ifndef VN_HASH_H
#define VN_HASH_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Where a hash starts (FNV-1a's offset basis). */
#define VN_HASH64_INIT 14695981039346656037ULL

/* The hash h carried on over p[0..n): vn_hash64_more(VN_HASH64_INIT, ...)
 * is vn_hash64, and hashing a and then b equals hashing a followed by b. */
uint64_t vn_hash64_more(uint64_t h, const void *p, size_t n);

/* 64-bit FNV-1a of p[0..n). */
uint64_t vn_hash64(const void *p, size_t n);

#ifdef __cplusplus
}
#endif

#endif
