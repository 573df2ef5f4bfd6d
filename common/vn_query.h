/* SPDX-License-Identifier: GPL-2.0-or-later */
/* vn_query.h -- a query as a small tree of C structs, built by query_build.c
 * from what a user typed and turned into a Xapian::Query by the shim.
 *
 * Keeping the tree in C lets the query language be parsed and tested
 * without Xapian, and keeps Xapian's headers inside one file.  All nodes
 * and strings of a tree live in one vn_qarena and are freed together. */
#ifndef VN_QUERY_H
#define VN_QUERY_H

#include <stddef.h>

#include "vn_error.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum vn_qop {
    VN_Q_TERM,        /* term, weighted by BM25 */
    VN_Q_BOOL_TERM,   /* term, matched but not weighted (filters) */
    VN_Q_OR,
    VN_Q_AND,
    VN_Q_AND_MAYBE,   /* kids[0] must match; the others only add weight */
    VN_Q_AND_NOT,     /* kids[0] and not kids[1..] */
    VN_Q_FILTER,      /* kids[0] weighted, kids[1..] must match unweighted */
    VN_Q_PHRASE,      /* kids are terms in order within `window` positions */
    VN_Q_SCALE,       /* kids[0] with its weight multiplied by `scale` */
    VN_Q_VALUE_RANGE, /* value `slot` between term and term2 (inclusive) */
    VN_Q_WILDCARD,    /* every term starting with `term`, at most `window` of them */
    VN_Q_MATCH_ALL
} vn_qop;

typedef struct vn_qnode {
    vn_qop op;
    const char *term, *term2;
    unsigned slot, window;
    double scale;
    struct vn_qnode **kids;
    size_t nkids;
} vn_qnode;

typedef struct vn_qarena {
    struct qblock *blocks;
} vn_qarena;

void vn_qarena_init(vn_qarena *a);
/* Free every node and string allocated from `a`. */
void vn_qarena_free(vn_qarena *a);
/* Allocation helpers; memory belongs to the arena. */
vn_qnode *vn_qnode_new(vn_qarena *a, vn_qop op, size_t nkids);
const char *vn_qarena_strdup(vn_qarena *a, const char *s, size_t n);
/* A TERM node for prefix+word. */
vn_qnode *vn_qnode_term(vn_qarena *a, const char *prefix, const char *word, size_t n);

/* Ranking constants (docs/ranking.md explains them). */
#define VN_RANK_EXACT 1.0     /* extra weight for the exact form */
#define VN_RANK_TONELESS 1.0  /* extra weight for the toneless form */
#define VN_RANK_FOLDED 1.0    /* every match starts from the folded form */
#define VN_RANK_STEM 0.5      /* English stem matches, below any surface form */
#define VN_RANK_PHRASE 8.0     /* the whole query, adjacent and in order */
#define VN_RANK_PAIR 3.0       /* each adjacent pair of query words */

struct vn_stemmer;

typedef struct vn_query_opts {
    struct vn_stemmer *stemmer;      /* English stems for ASCII words, or NULL */
    const char *date_from, *date_to; /* YYYY-MM-DD or NULL */
    const char *source;              /* source name or NULL */
    unsigned max_wildcard;           /* expansion limit for word* (0: 100) */
    int match_any;                   /* 0: every word required; 1: any word (the fallback) */
} vn_query_opts;

/* Parse `text` (UTF-8) into a query tree allocated from `a`.  Syntax:
 * words, "quoted phrases", -excluded words or phrases, OR between two
 * words, title:word, word* for a prefix.  Every word (or OR group) is
 * required unless opts->match_any.  Returns the root, or NULL with
 * err set (VN_ERR_INVALID: empty query, unbalanced quote, nothing but
 * exclusions). */
vn_qnode *vn_query_build(vn_qarena *a, const char *text, size_t len, const vn_query_opts *opts,
                         vn_error *err);

/* Render a tree for tests and debugging, Xapian-like.  malloc'd; caller frees. */
char *vn_query_describe(const vn_qnode *q);

#ifdef __cplusplus
}
#endif

#endif
