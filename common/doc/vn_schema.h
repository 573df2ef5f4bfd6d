/* SPDX-License-Identifier: GPL-2.0-or-later */
/* vn_schema.h -- the index schema: how an article becomes Xapian terms,
 * values and stored data.  docs/index-schema.md is the prose version.
 *
 * Building a vn_docspec is pure (no I/O, no database): the indexer can do
 * it on one thread while another writes, and tests can compare the terms
 * of two articles without an index. */
#ifndef VN_SCHEMA_H
#define VN_SCHEMA_H

#include <stddef.h>
#include <stdint.h>

#include "vn_article.h"
#include "vn_buf.h"
#include "vn_error.h"
#include "vn_minhash.h"
#include "vn_text.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Term prefixes (Xapian/omega conventions: Q unique id, S title, Z stem,
 * D/M/Y dates, X... our own). */
#define VN_PREFIX_ID "Q"
#define VN_PREFIX_EXACT ""      /* canonical word, only when it has marks */
#define VN_PREFIX_FOLDED "XF"   /* every word (no positions: adjacency is VN_PREFIX_PAIR) */
#define VN_PREFIX_PAIR "XP"     /* two adjacent words, folded, joined by one space */
#define VN_PREFIX_STEM "Z"      /* English stem of folded ASCII words, English documents only */
#define VN_PREFIX_TITLE "S"     /* title words, folded and (marked words) exact, for title: */
#define VN_PREFIX_TITLE_PAIR "XSP" /* two adjacent title words, folded (title:"a b") */
#define VN_PREFIX_DATELINE "XDL" /* dateline words, folded (dateline:) */
#define VN_PREFIX_DAY "D"       /* D20241022 */
#define VN_PREFIX_MONTH "M"     /* M202410 */
#define VN_PREFIX_YEAR "Y"      /* Y2024 */
#define VN_PREFIX_SOURCE "XSRC" /* folded source name, words joined by spaces */
#define VN_PREFIX_PUBLISHER "XPUB" /* folded publisher: the source before " - " (Tuổi Trẻ - Thể thao) */
#define VN_PREFIX_INPUT "XI"    /* hash of the raw input the document came from (vn_input_hash) */
#define VN_PREFIX_SPELLING "XR" /* how folded words are written: "XRha noi\thà nội" (restore.c) */
#define VN_PREFIX_BAND "XB"     /* an LSH band of the body's MinHash signature: "XBa1f2e3d4c" (vn_minhash.h) */
#define VN_PREFIX_IY "XY"       /* a word of two i/y spellings as written: its usual form, then 1 for the
                                   other spelling or 0 ("XYlý1": lí was written) */
/* A live write (vnsearchd's ADD, POST /documents; vn_index_opts.live): a
 * document the export does not own.  --prune never deletes it and a --full
 * rebuild carries it into the new generation, until an export brings the
 * same id (its copy then replaces the live one, which loses this term). */
#define VN_TERM_LIVE "XOlive"
/* A document written without marks (vn_tokens_unmarked: English, an
 * unmarked copy): a word typed with marks matches its own spelling, and
 * its letters in such a document ("President Cuong" for cường), not the
 * other spellings (query_build.c). */
#define VN_TERM_UNMARKED "XOunmarked"

/* A spelling term is a folded word, pair or triple, this byte, then the
 * exact form, so that the spellings of one folded run are one prefix
 * apart ("XRha noi\t") and a term's document frequency is how many
 * documents write it so.  Vietnamese documents only, wdf 0: spellings do
 * not touch document lengths, hence ranking.  Only in an index built with
 * them (vn_index_opts.spelling), which says so in its metadata
 * (VN_SPELLING_KEY = "1"): they make it about 3.7 times bigger
 * (bench/README.md). */
#define VN_SPELLING_KEY "vnsearch:spelling"
#define VN_SPELLING_SEP '\t'
#define VN_SPELLING_WORDS 3 /* longest run of words with spelling terms */

/* The schema an index was built with, kept in its metadata under
 * VN_SCHEMA_KEY.  Version 2: pair terms instead of positions, the binary
 * stored document (vn_docstore.h).  Version 3: the source in a value slot
 * (facets) and publisher terms.  Version 4: the forward record of the
 * words (VN_SLOT_WORDS) that stage two of the ranking reads.  Version 5: the
 * i/y spellings of one word in one form (lí is lý, vn_iy_canonical), and
 * the body's MinHash signature and band terms (copies of a wire story).  An index
 * of another version is refused with a message to rebuild it
 * (vnsearch-indexer --full). */
#define VN_SCHEMA_KEY "vnsearch:schema"
#define VN_SCHEMA_VERSION "5"

/* Bytes of a unique-id term buffer: prefix, id, NUL. */
#define VN_IDTERM_SIZE (VN_ID_MAX_BYTES + 2)

/* Value slots */
#define VN_SLOT_DATE 0 /* YYYYMMDD, sorts as a string */
#define VN_SLOT_HASH 1 /* 16 hex digits of the content hash */
#define VN_SLOT_SOURCE 2 /* the source as written (NFC): the source facet */
#define VN_SLOT_ID 3     /* the id: what an unchanged input's document is, without parsing it */
#define VN_SLOT_WORDS 4  /* the forward record of the document's words (vn_wordrec.h): stage two */
#define VN_SLOT_MINHASH 5 /* the body's MinHash signature (vn_minhash.h): copies of a wire story */

/* Title words are worth this many body words (wdf).  Title, dateline and
 * body are tokenised as separate runs: no pair term spans two of them. */
#define VN_TITLE_WDF 2

enum { VN_TERM_PLAIN = 0, VN_TERM_BOOLEAN = 2 };

typedef struct vn_docterm {
    uint32_t off;   /* into vn_docspec.terms */
    uint16_t len;
    uint8_t kind;
    uint8_t wdf;    /* added to the term's within-document frequency */
} vn_docterm;

typedef struct vn_docspec {
    char idterm[VN_IDTERM_SIZE];
    vn_buf terms;           /* term bytes, each NUL-terminated */
    vn_docterm *t;          /* owned */
    size_t n, cap;
    char date_value[9];     /* "" when the article has no date */
    char hash_value[17];
    vn_buf source_value;    /* NFC source, empty when none */
    vn_buf words_value;     /* the forward record (vn_wordrec.h) */
    unsigned char minhash_value[VN_MINHASH_BYTES]; /* the body's signature (vn_minhash.h) */
    int has_minhash;        /* 0: a body too short for one */
    vn_buf data;            /* the stored document, in docstore.c's binary format */
    int english;            /* written without marks: got stem terms and VN_TERM_UNMARKED */
    int spelling;           /* set by the caller: add spelling terms */
    int live;               /* set by the caller: a live write (VN_TERM_LIVE) */
    char input_hash[17];    /* set by the caller: vn_input_hash of the raw input, or "" */
    vn_tokens toks;         /* scratch reused between articles */
    vn_buf scratch, scratch2;
} vn_docspec;


void vn_docspec_init(vn_docspec *d);
void vn_docspec_free(vn_docspec *d);

/* Whether the index can hold article `a`, before anything else sees it:
 * an id of 1 to VN_ID_MAX_BYTES bytes without control characters (ids
 * become Xapian terms, and GET, DELETE and the replies are lines of
 * tab-separated fields), a body, valid UTF-8 in every field, and at most
 * VN_ARTICLE_MAX_BYTES in all.
 * VN_OK, or VN_ERR_INVALID saying which. */
vn_status vn_schema_check(const vn_article *a, vn_error *err);
/* The id part of it: whether a document can have id `id` (DELETE_MANY
 * checks its ids so). */
vn_status vn_schema_check_id(const char *id, vn_error *err);

/* Fill `d` (reusing its memory) from article `a`, which vn_schema_check
 * accepted (its fields are not checked again).  `stem` may be NULL (no
 * stem terms).  The stored data is the article's fields, the text in NFC
 * (vn_docstore.h).  Returns VN_OK, or VN_ERR_INVALID for an id no term
 * can hold. */
vn_status vn_schema_build(vn_docspec *d, const vn_article *a, vn_stemmer *stem, vn_error *err);

/* Append the VN_PREFIX_IY term of token t (a word of two i/y
 * spellings: VN_TOK_IY_WORD) as written to out: the query's bonus for the
 * spelling typed and the document's term are made here alike. */
void vn_iy_term(const vn_tokens *ts, const vn_token *t, vn_buf *out);

/* Append the text of the pair term of folded words a and b ("ha noi":
 * the two joined by one space) to out; the term is VN_PREFIX_PAIR or
 * VN_PREFIX_TITLE_PAIR before it.  The indexer and the query builder
 * both spell pairs through this. */
void vn_pair_text(vn_buf *out, const char *a, size_t al, const char *b, size_t bl);

/* Append the text of the spelling term of a folded word or pair and one
 * exact form of it ("ha noi", "hà nội": "ha noi\thà nội"); the term is
 * VN_PREFIX_SPELLING before it.  With `exact` NULL, the prefix under
 * which all spellings of `folded` sit ("ha noi\t"). */
void vn_spelling_text(vn_buf *out, const char *folded, size_t fl, const char *exact, size_t el);

/* The unique-id term ("Q" + id) of document `id`, written into `out`.
 * Returns 0 (and writes nothing) when the id is empty or longer than
 * VN_ID_MAX_BYTES: no document can have such an id. */
int vn_idterm(char out[VN_IDTERM_SIZE], const char *id);


/* The content hash behind incremental indexing (value VN_SLOT_HASH): of
 * the article's fields as given, the schema version, `spelling` and
 * `live`, as 16 hex digits into out.  Pure and cheap, so that an
 * unchanged article is recognised before any text processing; `live` in
 * it makes the export's copy of a live write (or a live write of an
 * exported article) a change, so that the document changes owner. */
void vn_article_hash(const vn_article *a, int spelling, int live, char out[17]);

/* The hash of a raw input (a JSON line, a plain article's file and its id)
 * with what shapes its document (schema, `spelling`, `encoding`), as 16
 * hex digits: the term VN_PREFIX_INPUT of the document it gave, so that a
 * cron run over an unchanged export knows each line by its bytes, without
 * parsing it. */
void vn_input_hash(const void *p, size_t n, const char *id, int spelling, int encoding, char out[17]);

#ifdef __cplusplus
}
#endif

#endif
