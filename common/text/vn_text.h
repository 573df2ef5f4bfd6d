/* SPDX-License-Identifier: GPL-2.0-or-later */
/* vn_text.h -- the Vietnamese text pipeline: UTF-8 repair, normalisation,
 * canonical tone placement, folding and tokenisation.
 *
 * Everything here is a pure function over memory: no I/O, no globals, safe
 * to call from any number of threads on distinct vn_tokens.
 *
 * Every word yields three forms, all derived from one pass:
 *   exact    NFC, case-folded, tone mark at its canonical place
 *            ("Hoà", "HÒA", "ho\u0300a" -> "hoà")
 *   toneless exact minus the five tone marks (grave, acute, hook above,
 *            tilde, dot below); ă â ê ô ơ ư đ are kept ("đường" -> "đương")
 *   folded   every mark removed and đ -> d ("Lương Cường" -> "luong cuong")
 *
 * Invalid UTF-8 never stops the pipeline: each invalid byte is read as
 * U+FFFD, which is not a word character, so it separates words and never
 * reaches a term.  vn_utf8_repair() gives the same repair for text that is
 * stored.  The canonical tone style and the tokenisation rules are written
 * down in docs/text-pipeline.md. */
#ifndef VN_TEXT_H
#define VN_TEXT_H

#include <stddef.h>
#include <stdint.h>

#include "vn_buf.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Longest word kept, in bytes of its exact form.  Longer runs (base64,
 * URLs glued together) are skipped: Xapian refuses terms over 245 bytes,
 * and nobody searches for them. */
#define VN_TOKEN_MAX_BYTES 64

enum {
    VN_TOK_MARKED = 1,  /* exact differs from folded (marks or đ) */
    VN_TOK_TONED = 2,   /* exact differs from toneless (a tone mark) */
    VN_TOK_NUMERIC = 4, /* starts with a digit */
    VN_TOK_ASCII_ALPHA = 8, /* only a-z: candidate for English stemming */
    VN_TOK_IY = 16,         /* written with the other i/y spelling (lí, kĩ, sỹ): its forms are those
                               of the usual one (lý, kỹ, sĩ), which this flag tells apart */
    VN_TOK_IY_WORD = 32     /* one of the words of two i/y spellings, in either (VN_TOK_IY says which) */
};

typedef struct vn_token {
    uint32_t pos;                  /* word position, consecutive */
    uint32_t src_start, src_end;   /* byte range in the input text */
    uint32_t exact, toneless, folded;  /* offsets into vn_tokens.arena */
    uint16_t exact_len, toneless_len, folded_len;
    uint8_t flags;
} vn_token;

typedef struct vn_tokens {
    vn_token *tok;  /* owned array */
    size_t n, cap;
    vn_buf arena;   /* the forms' bytes, each NUL-terminated */
    int folded_only; /* set after init: compute only the folded form (exact
                        and toneless then point at it); about half the cost,
                        for callers that only match (snippets) */
    size_t dropped; /* words skipped as longer than VN_TOKEN_MAX_BYTES */
} vn_tokens;

void vn_tokens_init(vn_tokens *ts);
/* Forget the tokens, keep the memory for reuse. */
void vn_tokens_reset(vn_tokens *ts);
void vn_tokens_free(vn_tokens *ts);

/* Accessors: pointers into the arena, valid until the next call that
 * appends to or resets `ts`. */
#define VN_TOK_EXACT(ts, t) ((ts)->arena.data + (t)->exact)
#define VN_TOK_TONELESS(ts, t) ((ts)->arena.data + (t)->toneless)
#define VN_TOK_FOLDED(ts, t) ((ts)->arena.data + (t)->folded)

/* Split `text` (len bytes, any mix of NFC/NFD, possibly invalid UTF-8)
 * into words and append them to `ts`, numbering positions from
 * `first_pos`.  Returns the position after the last word appended.
 * Words are runs of letters, marks and digits; digits joined by one of
 * . , / - : are one word (2024-10-22, 3,2, 25/2); everything else,
 * hyphens and the dots of TP.HCM included, separates words. */
uint32_t vn_tokenize(vn_tokens *ts, const char *text, size_t len, uint32_t first_pos);

/* Nonzero when token i directly follows token i-1 across exactly one dot
 * and neither is a number: the "TP" and "HCM" of TP.HCM.  `text` is the
 * text the tokens' byte offsets refer to.  i must be at least 1. */
int vn_tokens_dot_joined(const vn_tokens *ts, size_t i, const char *text);

/* A text is written without marks (English, an unmarked copy of a
 * Vietnamese article) when fewer than this percentage of its words (not
 * numbers) have them: the seed articles about 3 %, Vietnamese news over
 * 60 %. */
#define VN_UNMARKED_MAX_PCT 20

/* Nonzero when the words of ts are written without marks, as above (no
 * words at all: 0). */
int vn_tokens_unmarked(const vn_tokens *ts);

/* Nonzero if the token's toneless form differs from its folded form (it
 * keeps one of ă â ê ô ơ ư đ). */
int vn_token_toneless_differs(const vn_tokens *ts, const vn_token *t);

/* The five toned spellings of the untoned word w[0..n) (exact form, tone
 * at its canonical place: "nôi" gives nồi nối nỗi nổi nội), appended to
 * out, each NUL-terminated.  Returns how many were appended (fewer when a
 * spelling would be too long to be a word). */
size_t vn_tone_variants(const char *w, size_t n, vn_buf *out);

/* The lower-case letters with marks written on the ASCII letter `base`
 * ('d': đ; 'a': à á ả ã ạ ă ắ ... and the Latin alphabet's others), each
 * as UTF-8 and a NUL into out[], at most max.  Returns how many. */
size_t vn_letter_marked_forms(char base, char out[][5], size_t max);

/* Nonzero when the word (exact form: lower case, NFC) begins with what was
 * typed (the same form), letter by letter: a letter typed without marks
 * stands for any of its marked forms (d: đ, u: ư ứ ...), one typed with
 * marks for itself ("đư" begins "được", not "dụng"). */
int vn_word_begins_as_typed(const char *typed, size_t tn, const char *word, size_t wn);

typedef enum vn_form { VN_FORM_EXACT, VN_FORM_TONELESS, VN_FORM_FOLDED } vn_form;

/* The words of `text` in one form, joined by single spaces.  Returns a
 * malloc'd string; the caller frees it with free(). */
char *vn_text_form(const char *text, size_t len, vn_form form);

/* Nonzero when the folded word w[0..n) (ASCII lower case, as
 * VN_FORM_FOLDED gives) is shaped like one Vietnamese syllable: an onset
 * (b, ch, ngh, qu, ...), one to three vowels, a final (c, ch, m, n, ng,
 * nh, p, t) or none.  "trongsau", "tpcung" are not: words glued by a
 * missing space. */
int vn_syllable_plausible(const char *w, size_t n);

/* ---- text from before Unicode (text_legacy.c) ---- */
typedef enum vn_encoding { VN_ENC_AUTO, VN_ENC_UTF8, VN_ENC_TCVN3, VN_ENC_VNI, VN_ENC_CP1258 } vn_encoding;

/* s[0..n) in `enc` (TCVN3/ABC, VNI-Windows, Windows-1258; AUTO: the one
 * whose reading looks most Vietnamese, including bytes that were taken
 * for Latin-1 once already: "Hµ Néi") as NFC UTF-8: a malloc'd string
 * (its length in *out_len) and the encoding in *used.  NULL when there is
 * nothing to convert (UTF-8, or AUTO finding the text Vietnamese or plain
 * already). */
char *vn_legacy_to_utf8(const char *s, size_t n, vn_encoding enc, vn_encoding *used, size_t *out_len);
/* "auto", "utf8", "tcvn3", "vni", "cp1258" to *out; 0 for another name. */
int vn_encoding_parse(const char *name, vn_encoding *out);

/* Nonzero if s[0..len) is valid UTF-8 (no overlongs, no surrogates). */
int vn_utf8_valid(const char *s, size_t len);

/* The bytes of a document's text that a query-time scan reads (snippets,
 * suggestions, marks restored from phrases): 64 KiB, four times the
 * longest article of vi-news.jsonl.  Past it a query would pay for the
 * whole of an outsized article (0.8 MB: SUGGEST 0.29 s against 0.006 s);
 * a snippet or a suggestion is then made from its first 64 KiB. */
#define VN_SCAN_MAX_BYTES (64u << 10)


/* Copy s[0..len) replacing each invalid byte by U+FFFD.  Returns a
 * malloc'd NUL-terminated string (caller frees) and its length in
 * *out_len (may be NULL). */
char *vn_utf8_repair(const char *s, size_t len, size_t *out_len);

/* text_stem.cc: the English stemmer (Snowball, via Xapian::Stem), for
 * the English words of English articles and queries.  One per thread. */
typedef struct vn_stemmer vn_stemmer;
vn_stemmer *vn_stemmer_new_english(void); /* NULL on failure; free with vn_stemmer_free */
void vn_stemmer_free(vn_stemmer *s);
/* Append the stem of w[0..n) to out.  Returns 0 on error. */
int vn_stemmer_stem(vn_stemmer *s, const char *w, size_t n, vn_buf *out);

#ifdef __cplusplus
}
#endif

#endif
