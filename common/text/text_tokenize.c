/* SPDX-License-Identifier: GPL-2.0-or-later */
/* text_tokenize.c -- one pass from raw text to words in three forms.
 *
 * Each input code point is decoded once (ASCII on a fast path), case-folded
 * and decomposed by utf8proc into a base letter plus combining marks.  A
 * word is collected as an array of vn_letter; then, if it is shaped like a
 * Vietnamese syllable, its tone mark is moved to the canonical letter
 * (text_syllable.c), and the exact, toneless and folded forms are composed
 * back to NFC by utf8proc and appended to the token arena.  Words made of
 * plain ASCII skip composition entirely.
 *
 * Deliberately not done here: stemming, stop words, term prefixes (those
 * belong to the index schema, schema.c). */
#include "vn_text.h"
#include "text_syllable.h"

#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

/* Longest word collected, in letters; the rest of a longer run is
 * consumed but the word is dropped (see VN_TOKEN_MAX_BYTES). */
#define WORD_MAX_LETTERS 64

void vn_tokens_init(vn_tokens *ts)
{
    memset(ts, 0, sizeof *ts);
}

void vn_tokens_reset(vn_tokens *ts)
{
    /* folded_only is kept: it is how the caller set the tokens up */
    ts->n = 0;
    ts->dropped = 0;
    vn_buf_reset(&ts->arena);
}

void vn_tokens_free(vn_tokens *ts)
{
    free(ts->tok);
    vn_buf_free(&ts->arena);
    memset(ts, 0, sizeof *ts);
}

enum cls { C_OTHER, C_LETTER, C_DIGIT, C_MARK };

static enum cls classify(int32_t cp)
{
    if (cp < 0x80) {
        if ((cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z'))
            return C_LETTER;
        if (cp >= '0' && cp <= '9')
            return C_DIGIT;
        return C_OTHER;
    }
    switch (utf8proc_category(cp)) {
    case UTF8PROC_CATEGORY_LU: case UTF8PROC_CATEGORY_LL: case UTF8PROC_CATEGORY_LT:
    case UTF8PROC_CATEGORY_LM: case UTF8PROC_CATEGORY_LO:
        return C_LETTER;
    case UTF8PROC_CATEGORY_ND:
        return C_DIGIT;
    case UTF8PROC_CATEGORY_MN: case UTF8PROC_CATEGORY_MC: case UTF8PROC_CATEGORY_ME:
        return C_MARK;
    default:
        return C_OTHER;
    }
}

/* Decode the code point at text[i]; invalid bytes read as U+FFFD, length 1. */
static size_t decode(const char *text, size_t len, size_t i, int32_t *cp)
{
    unsigned char c = (unsigned char)text[i];
    if (c < 0x80) {
        *cp = c;
        return 1;
    }
    utf8proc_int32_t v;
    utf8proc_ssize_t n = utf8proc_iterate((const utf8proc_uint8_t *)text + i,
                                          (utf8proc_ssize_t)(len - i), &v);
    if (n <= 0) {
        *cp = 0xFFFD;
        return 1;
    }
    *cp = v;
    return (size_t)n;
}

typedef struct word {
    vn_letter L[WORD_MAX_LETTERS];
    size_t n;
    int overflow;   /* more letters than fit, or too many marks */
    int ascii;      /* every base is a-z and there are no marks */
    int alpha;      /* every base is a letter a-z */
} word;

static void word_push_base(word *w, int32_t base)
{
    if (w->n == WORD_MAX_LETTERS) {
        w->overflow = 1;
        return;
    }
    vn_letter *l = &w->L[w->n++];
    l->base = base;
    l->nmarks = 0;
    if (base >= 0x80)
        w->ascii = 0;
    if (!(base >= 'a' && base <= 'z'))
        w->alpha = 0;
}

static void word_push_mark(word *w, int32_t mark)
{
    if (w->n == 0 || w->overflow)
        return;
    vn_letter *l = &w->L[w->n - 1];
    if (l->nmarks == VN_LETTER_MAX_MARKS) {
        w->overflow = 1;
        return;
    }
    l->marks[l->nmarks++] = mark;
    w->ascii = 0;
}

/* Case-fold and decompose one code point into the word. */
static void word_push(word *w, int32_t cp, enum cls c)
{
    if (cp < 0x80) {
        word_push_base(w, (cp >= 'A' && cp <= 'Z') ? cp + 32 : cp);
        return;
    }
    if (c == C_MARK) {
        word_push_mark(w, cp);
        return;
    }
    utf8proc_int32_t d[16];
    utf8proc_ssize_t n = utf8proc_decompose_char(cp, d, 16, UTF8PROC_DECOMPOSE | UTF8PROC_CASEFOLD, NULL);
    if (n <= 0 || n > 16) {
        word_push_base(w, cp);
        return;
    }
    for (utf8proc_ssize_t k = 0; k < n; k++) {
        if (utf8proc_get_property(d[k])->combining_class != 0)
            word_push_mark(w, d[k]);
        else
            word_push_base(w, d[k]);
    }
}

/* If the word is one Vietnamese syllable with its only tone mark on the
 * wrong letter, move the mark to the canonical letter. */
static void canonical_tone(word *w)
{
    int tone_letter = -1, tone_mark_idx = -1;
    for (size_t i = 0; i < w->n; i++) {
        const vn_letter *l = &w->L[i];
        if (!((l->base >= 'a' && l->base <= 'z') || l->base == 0x111))
            return;
        for (unsigned k = 0; k < l->nmarks; k++) {
            int32_t m = l->marks[k];
            if (vn_is_tone_mark(m)) {
                if (tone_letter >= 0)
                    return; /* two tones: not one syllable */
                tone_letter = (int)i;
                tone_mark_idx = (int)k;
            } else if (m != 0x0302 && m != 0x0306 && m != 0x031B) {
                return; /* a mark Vietnamese does not use */
            }
        }
    }
    if (tone_letter < 0)
        return;
    int target = vn_tone_target(w->L, w->n);
    if (target < 0 || target == tone_letter)
        return;
    vn_letter *from = &w->L[tone_letter], *to = &w->L[target];
    if (to->nmarks == VN_LETTER_MAX_MARKS)
        return;
    int32_t tone = from->marks[tone_mark_idx];
    memmove(&from->marks[tone_mark_idx], &from->marks[tone_mark_idx + 1],
            (size_t)(from->nmarks - tone_mark_idx - 1) * sizeof(int32_t));
    from->nmarks--;
    to->marks[to->nmarks++] = tone;
}

/* Compose one form of the word and append it (NUL-terminated) to the
 * arena.  keep_tone/keep_marks select the form.  Returns its length. */
static size_t emit_form(vn_buf *arena, const word *w, int keep_marks, int keep_tone)
{
    utf8proc_int32_t cps[WORD_MAX_LETTERS * (1 + VN_LETTER_MAX_MARKS)];
    utf8proc_ssize_t n = 0;
    int any_mark = 0;
    for (size_t i = 0; i < w->n; i++) {
        const vn_letter *l = &w->L[i];
        int32_t base = l->base;
        if (!keep_marks && base == 0x111)
            base = 'd'; /* U+0111 đ has no decomposition: fold it by hand */
        cps[n++] = base;
        if (!keep_marks)
            continue;
        utf8proc_ssize_t first = n;
        for (unsigned k = 0; k < l->nmarks; k++) {
            if (!keep_tone && vn_is_tone_mark(l->marks[k]))
                continue;
            /* insertion sort by combining class (stable), as NFD orders */
            int32_t m = l->marks[k];
            int ccc = utf8proc_get_property(m)->combining_class;
            utf8proc_ssize_t j = n++;
            while (j > first && utf8proc_get_property(cps[j - 1])->combining_class > ccc) {
                cps[j] = cps[j - 1];
                j--;
            }
            cps[j] = m;
            any_mark = 1;
        }
    }
    if (any_mark)
        n = utf8proc_normalize_utf32(cps, n, UTF8PROC_COMPOSE | UTF8PROC_STABLE);
    size_t start = arena->len;
    vn_buf_reserve(arena, (size_t)n * 4);
    for (utf8proc_ssize_t k = 0; k < n; k++)
        arena->len += (size_t)utf8proc_encode_char(cps[k], (utf8proc_uint8_t *)arena->data + arena->len);
    vn_buf_putc(arena, '\0');
    return arena->len - 1 - start;
}

static void emit_word(vn_tokens *ts, word *w, uint32_t pos, size_t s, size_t e, int numeric)
{
    VN_GROW(ts->tok, ts->n, ts->cap, 256);
    vn_token *t = &ts->tok[ts->n];
    t->pos = pos;
    t->src_start = (uint32_t)s;
    t->src_end = (uint32_t)e;
    t->flags = numeric ? VN_TOK_NUMERIC : 0;
    int iy = vn_iy_canonical(w->L, w->n); /* lí -> lý, in every form */
    if (iy)
        t->flags |= VN_TOK_IY_WORD | (iy == 2 ? VN_TOK_IY : 0);
    size_t mark = ts->arena.len;
    if (w->ascii) {
        /* plain ASCII: all three forms are the same bytes */
        t->exact = t->toneless = t->folded = (uint32_t)ts->arena.len;
        vn_buf_reserve(&ts->arena, w->n);
        for (size_t i = 0; i < w->n; i++)
            ts->arena.data[ts->arena.len++] = (char)w->L[i].base;
        vn_buf_putc(&ts->arena, '\0');
        t->exact_len = t->toneless_len = t->folded_len = (uint16_t)w->n;
        if (w->alpha)
            t->flags |= VN_TOK_ASCII_ALPHA;
    } else if (ts->folded_only) {
        t->exact = t->toneless = t->folded = (uint32_t)ts->arena.len;
        size_t fl = emit_form(&ts->arena, w, 0, 0);
        t->exact_len = t->toneless_len = t->folded_len = (uint16_t)fl;
        t->flags |= VN_TOK_MARKED;
    } else {
        canonical_tone(w);
        t->exact = (uint32_t)ts->arena.len;
        size_t el = emit_form(&ts->arena, w, 1, 1);
        t->toneless = (uint32_t)ts->arena.len;
        size_t tl = emit_form(&ts->arena, w, 1, 0);
        t->folded = (uint32_t)ts->arena.len;
        size_t fl = emit_form(&ts->arena, w, 0, 0);
        t->exact_len = (uint16_t)el;
        t->toneless_len = (uint16_t)tl;
        t->folded_len = (uint16_t)fl;
        /* share identical forms so consumers can compare offsets */
        if (tl == el && memcmp(ts->arena.data + t->toneless, ts->arena.data + t->exact, el) == 0)
            t->toneless = t->exact;
        else
            t->flags |= VN_TOK_TONED;
        if (fl != el || memcmp(ts->arena.data + t->folded, ts->arena.data + t->exact, el) != 0)
            t->flags |= VN_TOK_MARKED;
    }
    if (t->exact_len > VN_TOKEN_MAX_BYTES) { /* every branch: one length check */
        ts->arena.len = mark;
        ts->dropped++;
        return;
    }
    ts->n++;
}

static int is_digit_joiner(int32_t cp)
{
    return cp == '.' || cp == ',' || cp == '/' || cp == '-' || cp == ':';
}

uint32_t vn_tokenize(vn_tokens *ts, const char *text, size_t len, uint32_t pos)
{
    word w;
    size_t i = 0;
    while (i < len) {
        int32_t cp;
        size_t adv = decode(text, len, i, &cp);
        enum cls c = classify(cp);
        if (c != C_LETTER && c != C_DIGIT) {
            i += adv; /* separators, and marks with no letter before them */
            continue;
        }
        size_t start = i;
        int numeric = (c == C_DIGIT);
        w.n = 0;
        w.overflow = 0;
        w.ascii = 1;
        w.alpha = 1;
        enum cls prev = c;
        while (i < len) {
            adv = decode(text, len, i, &cp);
            c = classify(cp);
            if (c == C_LETTER || c == C_DIGIT || c == C_MARK) {
                word_push(&w, cp, c);
            } else if (prev == C_DIGIT && is_digit_joiner(cp) && i + adv < len &&
                       text[i + adv] >= '0' && text[i + adv] <= '9') {
                word_push_base(&w, cp); /* 2024-10-22, 3,2, 25/2 */
            } else {
                break;
            }
            if (c != C_MARK)
                prev = c;
            if (c == C_OTHER)
                prev = C_OTHER;
            i += adv;
        }
        if (w.overflow)
            ts->dropped++;
        if (!w.overflow && w.n > 0) {
            size_t before = ts->n;
            emit_word(ts, &w, pos, start, i, numeric);
            if (ts->n > before)
                pos++;
        }
    }
    return pos;
}

int vn_tokens_unmarked(const vn_tokens *ts)
{
    size_t marked = 0, words = 0;
    for (size_t i = 0; i < ts->n; i++) {
        if (ts->tok[i].flags & VN_TOK_NUMERIC)
            continue;
        words++;
        marked += (ts->tok[i].flags & VN_TOK_MARKED) != 0;
    }
    return words > 0 && marked * 100 < words * VN_UNMARKED_MAX_PCT;
}

int vn_token_toneless_differs(const vn_tokens *ts, const vn_token *t)
{
    return t->toneless_len != t->folded_len ||
           memcmp(VN_TOK_TONELESS(ts, t), VN_TOK_FOLDED(ts, t), t->folded_len) != 0;
}

int vn_tokens_dot_joined(const vn_tokens *ts, size_t i, const char *text)
{
    const vn_token *p = &ts->tok[i - 1], *t = &ts->tok[i];
    return !((p->flags | t->flags) & VN_TOK_NUMERIC) && t->src_start == p->src_end + 1 && text[p->src_end] == '.';
}

size_t vn_tone_variants(const char *w, size_t n, vn_buf *out)
{
    /* the combining grave, acute, tilde, hook above and dot below */
    static const char *const tones[] = {"\xcc\x80", "\xcc\x81", "\xcc\x83", "\xcc\x89", "\xcc\xa3"};
    vn_tokens ts;
    vn_tokens_init(&ts);
    vn_buf b = VN_BUF_INIT;
    size_t got = 0;
    for (size_t k = 0; k < sizeof tones / sizeof tones[0]; k++) {
        /* a tone mark after the last letter: the tokeniser moves it to
         * the canonical letter, as it does for any misplaced mark */
        vn_buf_reset(&b);
        vn_buf_append(&b, w, n);
        vn_buf_puts(&b, tones[k]);
        vn_tokens_reset(&ts);
        vn_tokenize(&ts, b.data, b.len, 0);
        if (ts.n != 1)
            continue;
        vn_buf_append(out, VN_TOK_EXACT(&ts, &ts.tok[0]), ts.tok[0].exact_len);
        vn_buf_putc(out, '\0');
        got++;
    }
    vn_buf_free(&b);
    vn_tokens_free(&ts);
    return got;
}

char *vn_text_form(const char *text, size_t len, vn_form form)
{
    vn_tokens ts;
    vn_tokens_init(&ts);
    vn_tokenize(&ts, text, len, 0);
    vn_buf out = VN_BUF_INIT;
    for (size_t i = 0; i < ts.n; i++) {
        const vn_token *t = &ts.tok[i];
        if (i)
            vn_buf_putc(&out, ' ');
        if (form == VN_FORM_EXACT)
            vn_buf_append(&out, VN_TOK_EXACT(&ts, t), t->exact_len);
        else if (form == VN_FORM_TONELESS)
            vn_buf_append(&out, VN_TOK_TONELESS(&ts, t), t->toneless_len);
        else
            vn_buf_append(&out, VN_TOK_FOLDED(&ts, t), t->folded_len);
    }
    vn_tokens_free(&ts);
    return vn_buf_take(&out);
}
