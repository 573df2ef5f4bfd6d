/* SPDX-License-Identifier: GPL-2.0-or-later */
/* vn_rerank.h -- stage two of the ranking, over the forward word record
 * of each candidate (vn_wordrec.h).
 *
 * Stage two (vn_rerank_*) re-orders the top candidates of stage one by the
 * longest run of query words found side by side in a document, in order
 * (an alias group one unit, whichever of its forms is written), then by
 * how the run is spelled (as typed, unmarked text, another spelling),
 * then by stage one's score (docs/ranking.md).
 * Pure: buffers in, numbers out. */
#ifndef VN_RERANK_H
#define VN_RERANK_H

#include <stddef.h>
#include <stdint.h>

#include "vn_aliases.h"
#include "vn_query.h"
#include "vn_wordrec.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Candidates stage two re-orders: the top this many of stage one.  The
 * page is the first page of the ranking as long as offset + limit stays
 * within it (docs/ranking.md has the measurement). */
#define VN_RERANK_DEPTH 50

/* Words of alias forms (aliases.c) stage two follows, all groups of a
 * query together; forms past it are left to stage one. */
#define VN_RERANK_FORM_WORDS 64

/* The query's words as stage two reads them: the positive words in the
 * order typed; brk[i] says word i starts a new sequence (no run spans
 * the words of an OR, an exclusion, a prefix or an abbreviation between
 * them). */
typedef struct vn_rerank_q {
    uint32_t entry[VN_QUERY_MAX_WORDS];
    uint8_t marked[VN_QUERY_MAX_WORDS], brk[VN_QUERY_MAX_WORDS];
    uint8_t item_len[VN_QUERY_MAX_WORDS];  /* words of the item word i is in (1: a lone word) */
    uint8_t item_last[VN_QUERY_MAX_WORDS]; /* word i is its item's last */
    size_t n;
    unsigned longest; /* the longest run a document can hold: words without a break between */
    int unread;       /* a positive item left out (a prefix, a joined word or abbreviation):
                         the record cannot say where it matches */
    /* quoted phrases of 3 or more words: query words [from, to) */
    struct { uint8_t from, to; } phrase[VN_QUERY_MAX_WORDS / 3];
    size_t nphrase;
    /* Alias groups: the words of a group typed count as one unit of a run
     * (units[] is a running count: query words [s, e) hold units[e] -
     * units[s] whole units, group_first[] says where a word's group
     * starts), and another form of the group found whole stands for them,
     * each word one level (another spelling). */
    uint8_t units[VN_QUERY_MAX_WORDS + 1], group_first[VN_QUERY_MAX_WORDS];
    struct { uint8_t at, span, first, n; } form[VN_RERANK_FORM_WORDS]; /* words fword[first, first+n)
                                                                          stand for query words [at, at+span) */
    uint32_t fword[VN_RERANK_FORM_WORDS];
    size_t nform, nfword;
    unsigned best_units, best_tier; /* the best key's (vn_rerank_key_best) */
} vn_rerank_q;

/* Fill *q from a parsed query and the aliases in force (NULL: none).
 * Returns the number of words (0: stage two has nothing to compare,
 * leave the order alone). */
size_t vn_rerank_q_build(const vn_qparse *p, const vn_aliases *al, vn_rerank_q *q);

/* What stage two knows of a document; a larger key ranks first. */
typedef struct vn_rerank_key {
    unsigned phrases; /* quoted phrases of 3+ words found whole */
    unsigned units;   /* the longest run of query words side by side, in order, in units: a word,
                         or an alias group (what was typed, or another form found whole) */
    unsigned tier;    /* of the runs that long, the best spelling: per word 3 as typed,
                         2 unmarked in a document written without marks, 1 another spelling */
    unsigned run;     /* the longest run in words, aliases aside (not compared) */
    unsigned typed;   /* longest run of query words side by side as typed (or unmarked):
                         not in the order, it tells vn_search whether other spellings help */
} vn_rerank_key;

/* The key of the document whose record is rec[0..len).  Returns 0 (key
 * all zero) when the record is missing or damaged. */
int vn_rerank_key_of(const vn_rerank_q *q, const char *rec, size_t len, vn_rerank_key *k);

/* The best key a document can have for q: every quoted phrase, the
 * longest run, every word of it as typed. */
void vn_rerank_key_best(const vn_rerank_q *q, vn_rerank_key *k);

/* <0, 0, >0 as key a ranks after, with, before key b. */
int vn_rerank_key_cmp(const vn_rerank_key *a, const vn_rerank_key *b);

/* The weight of each body word for a snippet: 0 none; 1 a lone query
 * word; run_weight for a word of a phrase found whole, or of two lone
 * words typed side by side and found so (as vn_snippet weighs them).  A
 * word typed with marks counts where spelled so or unmarked, unless
 * `all_spellings`.  Returns the number of body words and *w (malloc'd,
 * caller frees), or -1 (*w NULL) when the record is missing or damaged. */
long vn_rerank_body_weights(const vn_rerank_q *q, const char *rec, size_t len, unsigned run_weight,
                             int all_spellings, unsigned char **w);

/* Where the query's words stand side by side, in order (matched
 * folded), in one field: field 0 title, 1 dateline, 2 body; `word` is the
 * first's number in the field; `spelling` a hash of the words' entries,
 * equal for occurrences spelled alike. */
typedef struct vn_rerank_occ {
    unsigned field, word;
    uint64_t spelling;
} vn_rerank_occ;

/* Up to `max` occurrences of all of q's words into out[]; returns how
 * many (at most max), or -1 when the record is missing or damaged. */
long vn_rerank_occurrences(const vn_rerank_q *q, const char *rec, size_t len, vn_rerank_occ *out, size_t max);

#ifdef __cplusplus
}
#endif

#endif
