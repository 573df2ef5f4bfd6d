/* SPDX-License-Identifier: GPL-2.0-or-later */
/* vn_xapian.h -- the C face of the Xapian shim (xapian_shim.cc), the only
 * code in vnsearch that includes Xapian.
 *
 * It exposes just what the indexer and the daemon need: open, replace or
 * delete by unique id term, commit, reopen, look up a document, walk terms
 * by prefix, run a vn_qnode query, stem an English word.  Every C++
 * exception is caught inside and comes out as a vn_status plus message;
 * none crosses into C. */
#ifndef VN_XAPIAN_H
#define VN_XAPIAN_H

#include <stddef.h>
#include <stdint.h>

#include "vn_buf.h"
#include "vn_rerank.h"
#include "vn_error.h"
#include "vnsearch.h"
#include "vn_query.h"
#include "vn_schema.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct vn_xdb vn_xdb;

enum { VN_XDB_READ = 0, VN_XDB_WRITE = 1, VN_XDB_CREATE = 2 };
/* Or'd into a write mode: commit without fsync (for scratch databases that
 * are thrown away if the run dies, like the shards of a rebuild). */
#define VN_XDB_NOSYNC 16
/* Or'd into VN_XDB_READ: a remote shard that does not answer is left out
 * (vn_xdb_info's shards_down counts it) instead of failing the open. */
#define VN_XDB_PARTIAL 32
/* Or'd into VN_XDB_READ: open an index of any schema (a --full rebuild
 * reads the live writes of the index it replaces from their stored data). */
#define VN_XDB_ANY_SCHEMA 64
/* Or'd into VN_XDB_READ: remote shards that do not answer are left out
 * at open, as with VN_XDB_PARTIAL, but without it every read fails with
 * VN_ERR_UNAVAILABLE while one is down. */
#define VN_XDB_START_DOWN 128

/* Remote shards (xapian-tcpsrv): milliseconds to connect, and for any
 * one exchange once connected, unless vn_set_remote_timeout says less. */
#define VN_REMOTE_CONNECT_MS 2000
#define VN_REMOTE_TIMEOUT_MS 10000

/* Open the database at `path` (a glass directory or a stub file or a
 * directory holding XAPIANDB).  A reader opens each database a stub
 * names (vn_stub_read), local or remote; VN_ERR_UNAVAILABLE when a
 * remote one does not answer (unless VN_XDB_PARTIAL).  `mode`: VN_XDB_READ, VN_XDB_WRITE (must
 * exist) or VN_XDB_CREATE (write, created if missing), optionally | VN_XDB_NOSYNC.  On success *out
 * is a handle the caller closes with vn_xdb_close().  A database locked by
 * another writer gives VN_ERR_LOCKED. */
vn_status vn_xdb_open(const char *path, int mode, vn_xdb **out, vn_error *err);
/* Close (committing nothing further) and free; NULL is fine. */
void vn_xdb_close(vn_xdb *db);

/* A writer of an index of `nshards` shards at `path`/shard-K (see
 * vn_index_dir.h): each document goes to, and is looked up, replaced and
 * deleted in, the shard of its id; commits, metadata and term walks
 * cover them all.  nshards <= 1 is vn_xdb_open(path, mode). */
vn_status vn_xdb_open_shards(const char *path, unsigned nshards, int mode, vn_xdb **out, vn_error *err);

/* Set the index metadata `key` of a writable index to `value` (kept at
 * the next commit): VN_SCHEMA_KEY (open records VN_SCHEMA_VERSION in an
 * empty index by itself; tests make an index of an older schema),
 * VN_SPELLING_KEY. */
vn_status vn_xdb_set_meta(vn_xdb *db, const char *key, const char *value, vn_error *err);
/* The metadata `key` ("" when unset) into *value, the caller's: free(). */
vn_status vn_xdb_get_meta(vn_xdb *db, const char *key, char **value, vn_error *err);

/* Add or replace the document whose unique term is d->idterm. */
vn_status vn_xdb_replace(vn_xdb *db, const vn_docspec *d, vn_error *err);
/* Delete the document with unique term `idterm` (absent is not an error). */
vn_status vn_xdb_delete(vn_xdb *db, const char *idterm, vn_error *err);
vn_status vn_xdb_commit(vn_xdb *db, vn_error *err);
/* Readers: move to the latest committed revision; *changed (may be NULL)
 * says whether it moved.  A reader of a stub also tries again, at most
 * once a second, the shards that are down, and *changed says when one
 * came back.  Every read of such a reader reconnects when a shard fails
 * under it: with VN_XDB_PARTIAL, leaving that shard out (then tried again
 * like the others that are down), else failing with VN_ERR_UNAVAILABLE
 * until it answers again. */
vn_status vn_xdb_reopen(vn_xdb *db, int *changed, vn_error *err);

/* Copy value `slot` of the document with unique term `idterm` into
 * out[0..outlen) (NUL-terminated; *len, if not NULL, its bytes: a value
 * may hold NULs).  *found is 0 when there is no such document. */
vn_status vn_xdb_get_value(vn_xdb *db, const char *idterm, unsigned slot, char *out, size_t outlen, size_t *len,
                           int *found, vn_error *err);
/* The id (value VN_SLOT_ID) of a document holding `term` into
 * id[0..idlen); *found 0 when none does (or it has no id value). */
vn_status vn_xdb_id_by_term(vn_xdb *db, const char *term, char *id, size_t idlen, int *found, vn_error *err);
/* In the document with unique term `idterm`, replace the terms starting
 * with `prefix` by `term` (a boolean term), touching nothing else. */
vn_status vn_xdb_set_unique_prefixed(vn_xdb *db, const char *idterm, const char *prefix, const char *term,
                                     vn_error *err);
/* The stored data of the document with unique term `idterm`, appended to
 * `out`.  VN_ERR_NOTFOUND when absent. */
vn_status vn_xdb_get_data(vn_xdb *db, const char *idterm, vn_buf *out, vn_error *err);

/* The stored data of document `docid` (a hit's, of this same handle),
 * appended to `out`. */
vn_status vn_xdb_get_data_docid(vn_xdb *db, uint32_t docid, vn_buf *out, vn_error *err);

/* Call cb for each term starting with `prefix`, in sorted order, with
 * the number of documents holding it, until cb returns nonzero.  The term
 * pointer is valid during the call only. */
vn_status vn_xdb_each_term(vn_xdb *db, const char *prefix,
                           int (*cb)(const char *term, size_t len, uint64_t docs, void *ctx), void *ctx,
                           vn_error *err);

/* The documents added since `*mark` (NULL at first: the present is
 * marked, nothing is listed; free it with vn_xmark_free): cb gets each
 * one's id, until it returns nonzero.  Added means a new document number
 * in a database seen before (an article replaced keeps its number): a
 * database seen for the first time (a --full rebuild's generation, a
 * shard back from down) is marked, not listed; at most
 * VN_NEW_DOCS_MAX a call, the oldest skipped. */
typedef struct vn_xmark vn_xmark;
#define VN_NEW_DOCS_MAX 100000
vn_status vn_xdb_new_ids(vn_xdb *db, vn_xmark **mark, int (*cb)(const char *id, size_t len, void *ctx), void *ctx,
                         vn_error *err);
void vn_xmark_free(vn_xmark *m);

/* How often each of terms[0..n) occurs in the whole index (Xapian's
 * collection frequency: every occurrence, not documents) into occ[]. */
vn_status vn_xdb_occurrences(vn_xdb *db, const char *const *terms, size_t n, uint64_t *occ, vn_error *err);

/* Call cb with the id (value VN_SLOT_ID) and, with `with_data`, the
 * stored data (else "", 0) of each document holding `term`, until cb
 * returns nonzero.  Both are valid during the call only. */
vn_status vn_xdb_each_doc_with_term(vn_xdb *db, const char *term, int with_data,
                                    int (*cb)(const char *id, const char *data, size_t len, void *ctx), void *ctx,
                                    vn_error *err);

typedef struct vn_xdb_info {
    uint64_t doccount;
    uint64_t revision;    /* of several databases, the sum of theirs */
    double avg_length;
    size_t shards;        /* databases the index is made of */
    size_t shards_down;   /* of which left out (VN_XDB_PARTIAL) */
} vn_xdb_info;
vn_status vn_xdb_info_get(vn_xdb *db, vn_xdb_info *info, vn_error *err);

/* Shard i of a reader opened from a stub (0 <= i < info.shards; none
 * without a stub: VN_ERR_NOTFOUND).  name is valid while db is open. */
typedef struct vn_xdb_shard {
    const char *name;
    int remote, up;
    uint64_t doccount, revision;
} vn_xdb_shard;
vn_status vn_xdb_shard_info(vn_xdb *db, size_t i, vn_xdb_shard *out, vn_error *err);


/* Matches Xapian is asked to rank for a page of fewer: Xapian 1.4.22's
 * matcher, asked for fewer matches than it checks (check_at_least), can
 * leave out of the page a document that ranks in it; asked for this many,
 * the page over 1,000 queries on vi-news.jsonl is the first page of the
 * whole ranking (2 of 1,000 differed with 10, 1 with 20, 0 with 50;
 * queries/s 0.96 of before with 50, 0.80 with 100: bench/README.md). */
#define VN_PAGE_RANKED 50

typedef struct vn_xsearch_opts {
    unsigned offset, limit;
    int sort;            /* VN_SORT_* */
    double time_limit;   /* seconds, 0 = none (Xapian's own matcher limit) */
    int exact_total;     /* make `total` exact (checks every match) */
    unsigned check_at_least; /* count exactly up to this many matches */
    int spies;           /* VN_XSPY_*: count values over every match (makes the count exact) */
    /* Stage two (vn_wordrec.h): re-order the first `rerank_depth` matches
     * of a relevance ranking by vn_rerank_key_of(rerank, ...), then stage
     * one's order; NULL or depth 0: stage one's order. */
    const struct vn_rerank_q *rerank;
    unsigned rerank_depth;
    int words;           /* fetch the hits' forward records too (vn_xhit.words: snippets) */
    int no_data;         /* leave the hits' stored documents unread (vn_xhit.data ""): the
                            caller reads the few it needs with vn_xdb_get_data_docid */
    int minhash;         /* fetch the hits' MinHash signatures too (vn_xhit.minhash: copies) */
    /* Recency (docs/ranking.md), a relevance ranking only: a half-life in
     * days (0: off) and today, as vn_day_number() counts it. */
    unsigned fresh;
    long today;
} vn_xsearch_opts;

/* Recency's share of its bonus for an article dated `days` from today
 * (before or after) at a half-life of `fresh` days: 2^(-|days|/fresh), in
 * (0, 1]; an undated article has none. */
double vn_fresh_share(long days, unsigned fresh);
/* The longest half-life fresh= takes (ten years). */
#define VN_FRESH_MAX 3650


enum { VN_XSPY_SOURCE = 1, VN_XSPY_DATE = 2 };

typedef struct vn_xfacet {
    char *value;         /* malloc'd */
    uint64_t count;
} vn_xfacet;

typedef struct vn_xhit {
    double score;
    uint32_t docid;
    char *data;          /* the stored document (vn_docstore.h), NUL-terminated */
    size_t data_len;
    char *words;         /* its forward record (VN_SLOT_WORDS) when asked, else NULL */
    size_t words_len;
    char *minhash;       /* its signature (VN_SLOT_MINHASH) when asked and it has one, else NULL */
    size_t minhash_len;
} vn_xhit;

typedef struct vn_xresults {
    uint64_t total;      /* Xapian's estimate of all matches */
    uint64_t total_min, total_max; /* its bounds (equal when exact) */
    size_t n;
    vn_xhit *hits;
    vn_xfacet *spy[2];   /* [0] sources, [1] dates (YYYYMMDD), when asked */
    size_t shards_down;  /* shards left out (VN_XDB_PARTIAL): the results are the others' */
    size_t nspy[2];
    int cut;             /* an exact count (or facets) asked for, stopped by time_limit: total
                            is an estimate within its bounds, the facets count what was seen */
    int reranked;        /* stage two ran: best_run and best_typed are of the candidates' records */
    unsigned best_run;   /* stage two: the longest run of query words any candidate holds */
    unsigned best_typed; /* ... spelled as typed (vn_rerank_key.typed) */
    int other_spellings; /* set by vn_search_parsed: words typed with marks matched every spelling */
} vn_xresults;

/* Relevance feedback: the `max` terms that tell the document with id term
 * `idterm` from the rest of the index best (Xapian's expand set of an
 * RSet of that one document), folded words and pairs only, best first.
 * *out is the caller's: vn_xterms_free.  VN_ERR_NOTFOUND: no such
 * document. */
typedef struct vn_xterm {
    char *term;     /* malloc'd, with its prefix */
    double weight;  /* the expand set's weight */
} vn_xterm;
vn_status vn_xdb_expand(vn_xdb *db, const char *idterm, unsigned max, vn_xterm **out, size_t *n, vn_error *err);
void vn_xterms_free(vn_xterm *t, size_t n);

/* Run `q`; *out is malloc'd, free it with vn_xresults_free(). */
vn_status vn_xdb_search(vn_xdb *db, const vn_qnode *q, const vn_xsearch_opts *opts,
                        vn_xresults **out, vn_error *err);
void vn_xresults_free(vn_xresults *r);

/* Merge the databases srcs[0..n) into a new compacted database at `dst`
 * (Xapian's compact, renumbering documents).  The sources are untouched. */
vn_status vn_xdb_compact(const char *const *srcs, size_t n, const char *dst, vn_error *err);

/* The version of the Xapian library in use ("1.4.22"), for --version. */
const char *vn_xapian_version(void);

#ifdef __cplusplus
}
#endif

#endif
