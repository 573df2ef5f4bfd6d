/* SPDX-License-Identifier: GPL-2.0-or-later */
/* vn_query.h -- a query: what the user typed parsed once into items
 * (query_parse.c), then a small tree of C structs (query_build.c) that the
 * shim turns into a Xapian::Query.
 *
 * Keeping the tree in C lets the query language be parsed and tested
 * without Xapian, and keeps Xapian's headers inside one file.  All nodes
 * and strings of a tree live in one vn_qarena and are freed together. */
#ifndef VN_QUERY_H
#define VN_QUERY_H

#include <stddef.h>

#include "vn_error.h"
#include "vn_text.h"

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
    VN_Q_SCALE,       /* kids[0] with its weight multiplied by `scale` */
    VN_Q_VALUE_RANGE, /* value `slot` between term and term2 (inclusive) */
    VN_Q_WILDCARD,    /* every term starting with `term`, at most `window` of them */
    VN_Q_CONST,       /* documents matching kids[0] (unweighted), each weighing `scale` */
    VN_Q_ADD_CONST,   /* kids[0] weighted as usual, plus `scale` for each document it matches */
    VN_Q_SYNONYM,     /* any kid; weighted as one term: one IDF, the kids' wdfs summed */
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

/* ---- parsing: what the user typed, to a list of items (query_parse.c) ----
 * The one reading of the query language.  The Xapian tree (query_build.c),
 * the snippets (snippet.c) and the suggestions (suggest.c) all work from
 * the items; none of them looks at the query text again. */

/* Words in a query, phrases included.  A query is what a person types:
 * 32 words is a long paragraph's worth of keywords, and each word costs
 * a few posting lists, so a pasted article (9,000 words ran 40 s and took
 * 635 MB) is refused with VN_ERR_LIMIT instead of run. */
#define VN_QUERY_MAX_WORDS 32

enum {
    VN_QI_NEGATED = 1,   /* -word, -"phrase": documents with it are excluded */
    VN_QI_PHRASE = 2,    /* "quoted", or a word of several tokens (covid-19): adjacent, in order */
    VN_QI_PREFIX = 4,    /* word*: its last word is a prefix */
    VN_QI_OR_BEFORE = 8, /* joined to the item before by OR */
    VN_QI_JOINED = 16,   /* letters joined by dots (TP.HCM): one word, tphcm */
    VN_QI_ABBREV = 32    /* one word of 3 to VN_QUERY_ABBREV_MAX letters and no vowel
                            (TPHCM): no Vietnamese syllable, so an abbreviation,
                            also found written in two (TP. HCM, TP HCM) */
};

#define VN_QUERY_ABBREV_MAX 10

typedef enum vn_qfield { VN_QF_ANY = 0, VN_QF_TITLE, VN_QF_DATELINE } vn_qfield;

typedef struct vn_qitem {
    size_t from, to;   /* its words: toks.tok[from..to) of the vn_qparse */
    unsigned flags;    /* VN_QI_* */
    vn_qfield field;   /* title:, dateline: or anywhere */
} vn_qitem;

typedef struct vn_qparse {
    vn_tokens toks;    /* every word of the query, in the three forms */
    vn_qitem *items;   /* owned */
    size_t n;
} vn_qparse;

/* The query syntax in one line (vn_query_syntax, for HELP); parsed by
 * query_parse.c only, described in full in docs/protocol.md. */
extern const char vn_query_syntax[];

/* Parse `text` (UTF-8, len bytes) in the syntax of vn_query_syntax.  A
 * word with more than one token (TP.HCM, covid-19) is a phrase.  On success fills *p (free
 * it with vn_qparse_free).  Errors: VN_ERR_INVALID for an empty query, an
 * unbalanced quote, a field with nothing after it, only exclusions;
 * VN_ERR_LIMIT for more than VN_QUERY_MAX_WORDS words or a word longer
 * than VN_TOKEN_MAX_BYTES.  *p needs no freeing after an error. */
vn_status vn_query_parse(const char *text, size_t len, vn_qparse *p, vn_error *err);
void vn_qparse_free(vn_qparse *p);
/* The words of words[0..len) as one phrase item (as if quoted), as
 * the library asks for a phrase it found in the index or a text (not
 * what a user typed: no query syntax is read, a quote or "title:" is a
 * character like another).  Errors as vn_query_parse's. */
vn_status vn_qparse_phrase(const char *words, size_t len, vn_qparse *p, vn_error *err);
/* *out = a copy of p without its words [from, to), which are whole items
 * (a date taken as a filter); the words after close the gap.  The
 * caller's: vn_qparse_free. */
void vn_qparse_without(const vn_qparse *p, size_t from, size_t to, vn_qparse *out);

/* ---- dates typed in Vietnamese (query_dates.c) ---- */
typedef struct vn_date_words {
    char from[11], to[11];   /* YYYY-MM-DD, inclusive */
    size_t start, end;       /* the bytes of the query text that said it */
    size_t tok_from, tok_to; /* its words: p->toks.tok[tok_from..tok_to) */
} vn_date_words;

/* Find the first date expression among the plain words of parsed query p
 * ("tháng 9/2025", "năm 2024", "ngày 2/9/2025", "2/9", "hôm qua", "tuần
 * trước", "đầu năm nay", ...); relative ones count from `today`
 * (YYYY-MM-DD).  Returns 1 and fills *out, or 0 when there is none. */
int vn_query_dates(const vn_qparse *p, const char *today, vn_date_words *out);

/* Nonzero when item `it` takes part in ranking as typed words (not
 * excluded). */
static inline int vn_qitem_positive(const vn_qitem *it) { return !(it->flags & VN_QI_NEGATED); }

/* Nonzero when a positive item of p holds a word typed with marks; with
 * `anywhere_only`, an item not restricted to a field (title:, dateline:
 * always take such a word as typed). */
int vn_qparse_marked(const vn_qparse *p, int anywhere_only);

/* ---- building: items to a Xapian-shaped tree (query_build.c) ---- */

/* Ranking constants (docs/ranking.md explains them; chosen with make
 * relevance, see there). */
#define VN_RANK_EXACT 4.0     /* constant bonus: the word as typed, marks and all */
#define VN_RANK_EXACT_BM25 0.25 /* ... plus this times the exact term's BM25 */
#define VN_RANK_TONELESS 2.0  /* constant bonus: same letters, any tone (exact has it too) */
#define VN_RANK_IY 2.0        /* constant bonus: a word of two i/y spellings written as typed */
#define VN_RANK_STEM 0.5      /* English stem matches, below any surface form */
#define VN_RANK_PAIR 2.0      /* each adjacent pair of query words (BM25 of the pair term) */
#define VN_RANK_ALIAS_TYPED 2.0 /* constant: the name as typed, a tier above its aliases (aliases.c) */

typedef struct vn_query_opts {
    vn_stemmer *stemmer;             /* English stems for ASCII words, or NULL */
    const char *date_from, *date_to; /* YYYY-MM-DD or NULL */
    const char *source;              /* source name or NULL */
    unsigned max_wildcard;           /* expansion limit for word* (0: 100) */
    const struct vn_aliases *aliases; /* newsroom aliases to add, or NULL */
    int all_spellings;               /* a word typed with marks matches every spelling (else its
                                        own, and documents written without marks) */
    const char *const *only_ids;     /* match only these documents (ids), or NULL */
    size_t nonly_ids;
} vn_query_opts;

typedef struct vn_qtree {
    vn_qnode *root;
    /* The AND that requires every item, or NULL when there is one item:
     * setting its op to VN_Q_OR turns the query into the any-word
     * fallback without building it again. */
    vn_qnode *all;
} vn_qtree;

/* Build the tree of parsed query `p`, allocated from `a`.  Every item (or
 * OR group) is required.  Returns VN_OK and fills *t, or an error
 * (VN_ERR_INVALID: only exclusions, a bad date). */
vn_status vn_query_build(vn_qarena *a, const vn_qparse *p, const vn_query_opts *opts, vn_qtree *t,
                         vn_error *err);
/* The tree of a "related stories" search: any of terms[0..n), n > 0 (index terms
 * with their prefixes, best first, each weighted by weights[i] over the
 * first's), never the document of `idterm` itself, under the filters of
 * `opts` as vn_query_build puts them. */
vn_status vn_query_related(vn_qarena *a, const char *const *terms, const double *weights, size_t n,
                           const char *idterm, const vn_query_opts *opts, vn_qtree *t, vn_error *err);

/* Render a tree for tests and debugging, Xapian-like.  malloc'd; caller frees. */
char *vn_query_describe(const vn_qnode *q);

#ifdef __cplusplus
}
#endif

#endif
