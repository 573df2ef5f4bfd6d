/* SPDX-License-Identifier: GPL-2.0-or-later */
/* text_syllable.h -- internal: a word as decomposed letters, and the rule
 * that says which letter of a Vietnamese syllable carries the tone mark.
 * Used by text_tokenize.c; not installed. */
#ifndef VN_TEXT_SYLLABLE_H
#define VN_TEXT_SYLLABLE_H

#include <stddef.h>
#include <stdint.h>

#define VN_LETTER_MAX_MARKS 4

/* One base character with its combining marks, case-folded and
 * decomposed (NFD order within the marks). */
typedef struct vn_letter {
    int32_t base;
    int32_t marks[VN_LETTER_MAX_MARKS];
    uint8_t nmarks;
} vn_letter;

/* Nonzero for the five Vietnamese tone marks as combining characters. */
int vn_is_tone_mark(int32_t cp);

/* Index of the letter that should carry the tone of the syllable
 * L[0..n), by the canonical rule in docs/text-pipeline.md, or -1 when the
 * word is not shaped like one Vietnamese syllable (then nothing moves). */
int vn_tone_target(const vn_letter *L, size_t n);

/* The i/y spellings that are one word (kĩ/kỹ, lí/lý, sỹ/sĩ: the list in
 * text_syllable.c and docs/text-pipeline.md): the word L[0..n), case-folded
 * and decomposed, is rewritten in the archive's usual spelling; returns 2
 * when it was written the other way, 1 when it is one of those words
 * written the usual way, 0 when it is none of them. */
int vn_iy_canonical(vn_letter *L, size_t n);

#endif
