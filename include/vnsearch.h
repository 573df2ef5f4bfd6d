/* SPDX-License-Identifier: GPL-2.0-or-later */
/* vnsearch.h -- libvnsearch's public API: Vietnamese-aware full-text search
 * embedded in a program, with the same text pipeline and ranking as
 * vnsearchd.  The one installed header of the library.
 *
 *   search:  vn_searcher_open() -> vn_search() -> vn_hits_free()
 *   index:   vn_indexer_open() -> vn_indexer_add()/vn_indexer_delete()
 *            -> vn_indexer_commit() ... -> vn_indexer_finish() -> vn_indexer_close()
 *
 * Every function that can fail returns a vn_status (VN_OK = 0) and fills a
 * caller's vn_error (may be NULL) with a message; reporting never allocates.
 * Out of memory: an allocation that fails in libvnsearch or its programs
 * prints "vnsearch: out of memory" and aborts (as Redis' zmalloc does):
 * every allocation is bounded by a named limit, and a daemon restarted by
 * its supervisor beats one carrying on with half-built state.  The one
 * exception is memory Xapian fails to get inside the engine
 * (std::bad_alloc): that call returns VN_ERR_NOMEM and the handle stays
 * usable.
 * Memory: what a function returns through an out-parameter is the caller's
 * and is freed with the matching *_free/_close function named beside it;
 * strings passed in are copied.  Handles are not thread-safe: one per
 * thread (readers and the writer may be in different threads or processes).
 * Prefix: vn_ for functions and types, VN_ for macros. */
#ifndef VNSEARCH_H
#define VNSEARCH_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define VNSEARCH_VERSION_MAJOR 0
#define VNSEARCH_VERSION_MINOR 1
#define VNSEARCH_VERSION_PATCH 0
#define VNSEARCH_VERSION "0.1.0"
/* What the shared library exports: the functions of this header, and
 * nothing else (it is built with -fvisibility=hidden). */
#if defined(__GNUC__) && !defined(VN_EXPORT)
#define VN_EXPORT __attribute__((visibility("default")))
#elif !defined(VN_EXPORT)
#define VN_EXPORT
#endif


/* ---- errors ---- */
typedef enum vn_status {
    VN_OK = 0,
    VN_ERR_INVALID = -1,  /* the caller's input is bad (query, option, JSON) */
    VN_ERR_IO = -2,       /* a file could not be read or written */
    VN_ERR_LOCKED = -3,   /* another writer holds the index */
    VN_ERR_NOMEM = -4,    /* out of memory */
    VN_ERR_NOTFOUND = -5, /* no such document or index */
    VN_ERR_CORRUPT = -6,  /* the index is damaged or of an unknown format */
    VN_ERR_ENGINE = -7,   /* any other Xapian error */
    VN_ERR_LIMIT = -8,    /* a configured limit was hit (time, size) */
    VN_ERR_UNAVAILABLE = -9 /* a shard of the index does not answer */
} vn_status;

typedef struct vn_error {
    vn_status code;
    char msg[256];
} vn_error;

/* A short constant name for a status ("invalid", "locked", ...). */
VN_EXPORT const char *vn_status_name(vn_status code);

/* ---- articles ---- */
/* Ids become Xapian terms (prefix Q), which may not exceed 245 bytes. */
#define VN_ID_MAX_BYTES 200
/* The most an article may hold, its fields together: 1 MiB, 60 times the
 * longest of vi-news.jsonl's 29,883 (16 KB).  Each document's work (terms,
 * snippets, "did you mean") grows with it: one 8 MB article made every
 * SUGGEST take seconds.  A longer one is refused (VN_ERR_INVALID) by
 * vn_indexer_add, the indexer's inputs, ADD and POST /documents. */
#define VN_ARTICLE_MAX_BYTES (1u << 20)

typedef struct vn_article {
    const char *id;       /* required, 1..VN_ID_MAX_BYTES bytes, no control characters */
    const char *title;    /* may be NULL */
    const char *date;     /* "YYYY-MM-DD" or NULL */
    const char *source;   /* may be NULL */
    const char *url;      /* may be NULL */
    const char *dateline; /* may be NULL */
    const char *body;     /* required, UTF-8 */
} vn_article;

/* Free an article's fields (as filled by the library's parsers, which
 * malloc each) and zero it.  Safe on a zeroed struct.  Not for articles
 * whose fields you own: the fields are const so that yours may point at
 * string literals or your own buffers (vn_indexer_add copies them). */
VN_EXPORT void vn_article_clear(vn_article *a);

/* ---- searching ---- */
typedef struct vn_searcher vn_searcher;

enum { VN_SORT_RELEVANCE = 0, VN_SORT_DATE_ASC = 1, VN_SORT_DATE_DESC = 2 };

typedef struct vn_hit {
    char *id, *title, *date, *source, *url; /* date/source/url may be NULL */
    char *snippet;  /* excerpt, one line, in opts.snippet_format; NULL with no_snippets */
    double score;
    /* opts.collapse: the ids of this article's copies (the same story
     * republished: docs/protocol.md), best ranked first; NULL, 0 without */
    char **copies;
    size_t ncopies;
} vn_hit;

/* Facets: counts of the matching documents per source, year, month or
 * day (opts.facets), the top opts.facet_limit values of each by count. */
enum { VN_FACET_SOURCE = 1, VN_FACET_YEAR = 2, VN_FACET_MONTH = 4, VN_FACET_DAY = 8 };
#define VN_NFACETS 4
typedef struct vn_facet_value {
    char *value;    /* the source as written; YYYY, YYYY-MM or YYYY-MM-DD */
    uint64_t count;
} vn_facet_value;
typedef struct vn_facet {
    const char *name;       /* "source", "year", "month", "day" (static) */
    vn_facet_value *values; /* most documents first */
    size_t n;
} vn_facet;

/* total is exact when total_min == total_max: always for up to
 * VN_TOTAL_EXACT_UPTO matches beyond the page asked for, or with
 * exact_total; otherwise Xapian's estimate, and the true count lies in
 * [total_min, total_max]. */
#define VN_TOTAL_EXACT_UPTO 200
typedef struct vn_hits {
    uint64_t total, total_min, total_max;
    size_t n;
    vn_hit *hit;
    vn_facet facet[VN_NFACETS]; /* the facets asked for, in the order above */
    size_t nfacets;
    /* A date typed in the query ("bão tháng 9/2025") became this filter,
     * its words left out of the match; NULL when none did.  When the
     * filtered query finds nothing, the words are searched as words. */
    char *date_words;                  /* the words, as typed */
    char date_from[11], date_to[11];   /* the range they gave (YYYY-MM-DD) */
    /* With opts.did_you_mean: the query with its marks put back
     * (vn_restore) when that differs from what was typed, else NULL. */
    char *did_you_mean;
    /* Shards of the index that did not answer, with VN_OPEN_PARTIAL: the
     * hits are the other shards' (0: the whole index answered). */
    size_t shards_down;
    /* 1 when opts.time_limit stopped an exact count (exact_total, facets)
     * before its end: total is an estimate between total_min and
     * total_max, and the facets count only the matches seen.  The hits
     * are the best found. */
    int cut;
    /* 1 when a word typed with marks matched every spelling of its
     * letters: its own spelling (and text without marks) found fewer
     * than 10 documents, or never the words side by side where other
     * spellings have them ("Đà Nắng" finds Đà Nẵng).  0: such words
     * matched as typed. */
    int other_spellings;
    /* 1 when copies were folded (opts.collapse): each hit lists its copies,
     * perhaps none. */
    int collapsed;
} vn_hits;

typedef struct vn_search_opts {
    unsigned offset, limit;          /* limit 0 means 10 */
    int sort;                        /* VN_SORT_* */
    const char *date_from, *date_to; /* YYYY-MM-DD or NULL */
    const char *source;              /* source name, or a publisher: the part before " - " of
                                        sources such as "Tuổi Trẻ - Thể thao" (matched folded), or NULL */
    double time_limit;               /* seconds, 0 for none */
    unsigned max_wildcard;           /* word* expansions; 0 for 100 */
    int exact_total;                 /* count every match; else total is an estimate */
    unsigned snippet_words;          /* excerpt length in words; 0 for 30 */
    int no_snippets;                 /* leave vn_hit.snippet NULL (saves tokenising bodies) */
    int snippet_format;              /* VN_SNIPPET_HTML (default) or VN_SNIPPET_TEXT */
    const char *mark_open, *mark_close; /* around matched words, copied as they are; NULL for
                                           "<b>" "</b>" in HTML, "" in text */
    unsigned facets;                 /* VN_FACET_* bits: counts over every match (total becomes exact) */
    unsigned facet_limit;            /* values per facet; 0 for 10 */
    int no_date_words;               /* take "tháng 9/2025", "hôm qua"... as words, not a date filter */
    int did_you_mean;                /* fill vn_hits.did_you_mean (vn_restore of the query) */
    const char *today;               /* YYYY-MM-DD relative dates and `fresh` count from; NULL:
                                        the local date */
    unsigned fresh;                  /* newer articles first among equally relevant ones: a
                                        half-life in days, 1 to 3650 (docs/ranking.md); 0: off.
                                        Relevance order only (not sort=date) */
    const char *const *only_ids;     /* match only these documents (their ids), NULL: all; and no
                                        widening (other spellings, any word) to fill a page: what
                                        an alert checks new articles with (vn_searcher_new_ids) */
    size_t nonly_ids;
    int collapse;                    /* one hit per story: copies of a wire story (near-duplicate
                                        bodies) folded into the best ranked, their ids in
                                        vn_hit.copies; total still counts every match */
} vn_search_opts;

/* Snippets: HTML is the article's text HTML-escaped (& < > " ') with the
 * matched words between the markers; TEXT is the text as written, with the
 * markers (none by default).  Titles, sources and urls are always plain
 * text: escape them where you put them into HTML. */
enum { VN_SNIPPET_HTML = 0, VN_SNIPPET_TEXT = 1 };

/* Open the index `dir` for reading: an index directory, or a stub file
 * listing its databases, local ("glass PATH") or served by xapian-tcpsrv
 * ("remote HOST:PORT"); *out is closed with vn_searcher_close().
 * VN_ERR_UNAVAILABLE when a shard does not answer. */
VN_EXPORT vn_status vn_searcher_open(const char *dir, vn_searcher **out, vn_error *err);

/* Open the index again from scratch: what a new stub or a rebuilt shard
 * behind xapian-tcpsrv needs (a remote shard otherwise stays on the
 * generation it had when connected).  The old handle stays on failure. */
VN_EXPORT vn_status vn_searcher_reconnect(vn_searcher *s, vn_error *err);

/* vn_searcher_open with flags.  VN_OPEN_PARTIAL: when a remote shard does
 * not answer (at open or later), answer from the others (vn_hits says how
 * many are missing) instead of failing with VN_ERR_UNAVAILABLE; either
 * way a shard that comes back is used again, without reopening. */
#define VN_OPEN_PARTIAL 1u
/* VN_OPEN_START_DOWN: open even when remote shards do not answer (they
 * are tried again about once a second); without VN_OPEN_PARTIAL, searches
 * fail with VN_ERR_UNAVAILABLE until every shard answers.  A daemon starts
 * so while a shard server is still coming up. */
#define VN_OPEN_START_DOWN 2u
/* Seconds any one exchange with a remote shard may take before the shard
 * counts as down (connecting included; default 10).  Applies to shards
 * opened after the call; a daemon sets it from its query_time_limit, so
 * that a hung xapian-tcpsrv cannot hold a request past its deadline. */
VN_EXPORT void vn_set_remote_timeout(double seconds);
VN_EXPORT vn_status vn_searcher_open_flags(const char *dir, unsigned flags, vn_searcher **out, vn_error *err);
VN_EXPORT void vn_searcher_close(vn_searcher *s);

/* Read newsroom aliases (config/aliases.txt: "TP.HCM | TPHCM | Thành phố
 * Hồ Chí Minh", one group per line) for this searcher's queries: a query
 * naming one form also finds the others, all weighing as one word, the
 * form typed a tier above.
 * Call again to pick up an edited file; on an error (VN_ERR_IO,
 * VN_ERR_INVALID with "file:line: reason") the aliases in force stay. */
VN_EXPORT vn_status vn_searcher_load_aliases(vn_searcher *s, const char *path, vn_error *err);

/* The ids of the documents added to the index since the previous call on
 * s (the first call lists none: it marks the present), for alerts: check
 * a standing query against them with vn_search_opts.only_ids.  Call
 * vn_searcher_reopen first to see the latest commit.  An article
 * replaced is not new; the articles of a --full rebuild's new generation
 * are not listed (it is marked anew), nor more than 100,000 at a time.
 * *ids (NULL when none) is the caller's: free with vn_suggestions_free(). */
VN_EXPORT vn_status vn_searcher_new_ids(vn_searcher *s, char ***ids, size_t *n, vn_error *err);

/* Catch up with the writer: the latest commit, or a new generation after a
 * full rebuild.  *changed (may be NULL) says whether anything moved. */
VN_EXPORT vn_status vn_searcher_reopen(vn_searcher *s, int *changed, vn_error *err);

/* Run `query` (the query syntax of docs/protocol.md: words, "phrases",
 * -excluded, a OR b, fields, prefix*).  Every word is required; if no
 * document has them all, any word.  On success *out is the caller's: free
 * it with vn_hits_free().  An empty or unparsable query is
 * VN_ERR_INVALID; one over VN_QUERY_MAX_WORDS words (32) or with a word
 * over 64 bytes is VN_ERR_LIMIT.  time_limit is the whole call's budget:
 * each search after the first (other spellings, the any-word fallback,
 * did-you-mean's phrase searches) gets what is left and none starts once
 * it is spent; past it Xapian stops counting matches beyond the page
 * (total becomes an estimate), and hits made after it come without a
 * snippet.  Xapian 1.4 cannot cut one match short, so a single match can
 * run past it.  The word
 * limit is what bounds a query's own cost.  opts may be NULL. */
VN_EXPORT vn_status vn_search(vn_searcher *s, const char *query, const vn_search_opts *opts, vn_hits **out,
                    vn_error *err);
VN_EXPORT void vn_hits_free(vn_hits *h);

/* The stored document with id `id` as a JSON object text; *json is the
 * caller's, free() it.  VN_ERR_NOTFOUND when there is none. */
VN_EXPORT vn_status vn_searcher_get_json(vn_searcher *s, const char *id, char **json, vn_error *err);

/* The articles most like the one with id `id` ("related stories"), most
 * alike first: any of the terms that tell it apart (Xapian's relevance
 * feedback, VN_RELATED_TERMS of them), itself left out; opts as
 * vn_search's (limit, offset, filters, facets; sort; no snippets, no
 * did-you-mean, no dates read).  *out as vn_search's.  VN_ERR_NOTFOUND:
 * no such document; VN_ERR_INVALID: not an id. */
#define VN_RELATED_TERMS 40
VN_EXPORT vn_status vn_related(vn_searcher *s, const char *id, const vn_search_opts *opts, vn_hits **out,
                               vn_error *err);

/* Completions of `prefix`, folded-aware ("ha n" gives "hà nội"), most
 * frequent first; *items is the caller's: free with vn_suggestions_free(). */
VN_EXPORT vn_status vn_suggest(vn_searcher *s, const char *prefix, size_t max, char ***items, size_t *n, vn_error *err);
VN_EXPORT void vn_suggestions_free(char **items, size_t n);

/* `text` with its marks put back as the archive writes it: "ha noi" ->
 * "hà nội", "thu tuong" -> "thủ tướng", a wrong tone corrected ("Đà Nắng"
 * -> "đà nẵng").  Words are lower case; what is not a word is kept; a
 * word no document holds stays as typed.  *out is the caller's, free()
 * it.  With an index built with spelling statistics (vn_index_opts), reads
 * a few index terms per word (a trigram model of how the archive writes
 * folded words); otherwise searches runs of words as phrases and reads
 * how the matching documents write them. */
VN_EXPORT vn_status vn_restore(vn_searcher *s, const char *text, char **out, vn_error *err);

/* Documents in the index and its revision (of a sharded index, the sum
 * of its shards'). */
VN_EXPORT vn_status vn_searcher_info(vn_searcher *s, uint64_t *doccount, uint64_t *revision, vn_error *err);

/* The shards of an index opened from a stub that lists several databases
 * (local shards, or xapian-tcpsrv servers: docs/scale-out.md), one entry
 * per stub line; none (*n = 0) for an index of one database.  *out is the caller's:
 * vn_shard_info_free(). */
typedef struct vn_shard_info {
    char *name;         /* as the stub writes it: "gen-000003/shard-1", "10.0.0.2:7001" */
    int remote, up;     /* up: answering (else left out, with VN_OPEN_PARTIAL) */
    uint64_t documents;
} vn_shard_info;
VN_EXPORT vn_status vn_searcher_shards(vn_searcher *s, vn_shard_info **out, size_t *n, vn_error *err);
VN_EXPORT void vn_shard_info_free(vn_shard_info *a, size_t n);

/* ---- indexing ---- */
typedef struct vn_indexer vn_indexer;

#define VN_DEFAULT_BATCH 250 /* documents per commit: Xapian 1.4 builds fastest
                                with small batches (measured: 250 -> 33 s,
                                2000 -> 44 s, its own 10,000 -> 101 s on
                                vi-news.jsonl), and a kill -9 loses less */

/* Shards of one index, at most: a writer keeps each open (a dozen files
 * apiece), and a query visits them all. */
#define VN_MAX_SHARDS 64
#define VN_MAX_THREADS 64 /* vn_index_opts.threads */

typedef struct vn_index_opts {
    int full;       /* rebuild from scratch into a new generation */
    int prune;      /* on finish, delete documents absent from this run */
    unsigned batch; /* changed documents per automatic commit; 0 for the default */
    int threads;    /* N (2 to VN_MAX_THREADS): a full or first build writes N partial indexes on N
                       threads and merges them; 1: one thread; 0: 2.  Updates run on one */
    int encoding;   /* of the inputs read by vn_indexer_add_path: 0 (auto: UTF-8, or TCVN3, VNI or
                       Windows-1258 detected per article), or one forced: 1 UTF-8, 2 TCVN3,
                       3 VNI, 4 Windows-1258 (vnsearch-indexer --encoding) */
    unsigned shards; /* a full or first build: split the index into this many shards (each
                        document in the shard of a hash of its id, vn_index_dir.h); 0: keep the
                        index's (1 for a new one).  An incremental run refuses another number */
    int spelling;   /* 1: keep spelling statistics in the index, for vn_restore (an index about
                       3.7 times bigger, a build about 3.5 times longer).  Chosen by a full or first
                       build; incremental runs keep what the index has, and refuse 1 on an index
                       without them (VN_ERR_INVALID: rebuild with full) */
    int live;       /* 1: the documents written are live writes (vnsearchd's ADD): a run of the
                       export never prunes them, and a full rebuild carries them into the new
                       index, until the export brings the same id (its copy then wins) */
    int allow_empty; /* 1: a prune or full run may act on inputs that hold no article (else
                        finish refuses, VN_ERR_INVALID, nothing pruned or switched), and so
                        remove all that the export brought, whatever max_removal says */
    unsigned max_removal; /* a prune, or a full rebuild, that would remove more than this
                             percentage of the index's documents is refused (VN_ERR_LIMIT, nothing
                             pruned or switched); 0: VN_DEFAULT_MAX_REMOVAL; 100: no limit */
} vn_index_opts;

#define VN_DEFAULT_MAX_REMOVAL 50 /* percent: more looks like an incomplete export */

typedef struct vn_index_stats {
    uint64_t added, replaced, unchanged, deleted, rejected;
    uint64_t unreadable; /* inputs that could not be read (counted in rejected too) */
    uint64_t warnings;   /* articles indexed with a change: a date dropped, an id again */
    uint64_t converted;  /* articles converted from a legacy encoding (TCVN3, VNI, Windows-1258) */
    uint64_t kept_live;  /* a full rebuild: live writes carried into the new index */
    uint64_t bytes;   /* input bytes consumed so far */
    uint64_t written; /* documents written (or found unchanged) so far: with two threads, behind
                         the documents read by up to the workers' queues (progress callback only) */
    double seconds;   /* since vn_indexer_open */
} vn_index_stats;

/* Called for each rejected input (file, line or 0, reason), serialised;
 * the same type reports warnings (file may be NULL for an article a
 * program added). */
typedef void (*vn_reject_fn)(void *ctx, const char *file, uint64_t line, const char *msg);
/* Called about twice a second while indexing. */
typedef void (*vn_progress_fn)(void *ctx, const vn_index_stats *st);

/* Lock the index directory `dir` (created if missing) for writing; a second
 * writer gets VN_ERR_LOCKED at once.  *out is closed with
 * vn_indexer_close().  o may be NULL (incremental, one writer thread). */
VN_EXPORT vn_status vn_indexer_open(const char *dir, const vn_index_opts *o, vn_indexer **out, vn_error *err);
VN_EXPORT void vn_indexer_set_callbacks(vn_indexer *ix, vn_reject_fn reject, vn_progress_fn progress, void *ctx);
/* Warnings: an article indexed with a change (a date that could not be
 * read dropped; an id given again in the run, the later copy winning). */
VN_EXPORT void vn_indexer_set_warn_callback(vn_indexer *ix, vn_reject_fn warn);

/* Add or replace one article (its fields are copied).  An article whose
 * content is unchanged is skipped. */
VN_EXPORT vn_status vn_indexer_add(vn_indexer *ix, const vn_article *a, vn_error *err);
/* Delete the document with id `id` (absent is not an error). */
VN_EXPORT vn_status vn_indexer_delete(vn_indexer *ix, const char *id, vn_error *err);
/* Make what was added or deleted so far visible to readers.  Not available
 * during a full or two-thread rebuild (those become visible at finish). */
VN_EXPORT vn_status vn_indexer_commit(vn_indexer *ix, vn_error *err);

/* Index an input: a .jsonl file, "-" for JSON Lines on stdin, a plain-text
 * article, or a directory of them.  Bad records and inputs that cannot be
 * read are reported through the reject callback and counted; only an
 * index error makes this fail. */
VN_EXPORT vn_status vn_indexer_add_path(vn_indexer *ix, const char *path, vn_error *err);

/* Prune (if asked), commit, and for a rebuild carry the live writes over
 * and switch generations.  Nothing is lost because an input was missing:
 * prune deletes nothing (and says so through the warn callback) unless
 * every input was read and every record accepted; a rebuild that replaces
 * an index is not switched in (VN_ERR_IO, the old one stays) when an input
 * could not be read.  A prune or rebuild over inputs that held no article
 * is refused (VN_ERR_INVALID, unless opts.allow_empty), and so is one that
 * would remove more than opts.max_removal percent of the documents
 * (VN_ERR_LIMIT): a refused prune still commits what the run added; a
 * refused rebuild leaves the old index as it was. */
VN_EXPORT vn_status vn_indexer_finish(vn_indexer *ix, vn_error *err);
VN_EXPORT const vn_index_stats *vn_indexer_stats(const vn_indexer *ix);
/* Release the lock; what was not committed is dropped. */
VN_EXPORT void vn_indexer_close(vn_indexer *ix);

/* Bytes an input would read (file sizes, recursively), 0 for stdin. */
VN_EXPORT uint64_t vn_input_bytes(const char *path);

#ifdef __cplusplus
}
#endif

#endif
