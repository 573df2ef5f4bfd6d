/* SPDX-License-Identifier: GPL-2.0-or-later */
/* text_syllable.c -- where the tone mark of a Vietnamese syllable goes.
 *
 * Vietnamese writes the same syllable two ways: the "new" style puts the
 * tone on the second vowel of oa, oe, uy when no consonant follows (hoà,
 * hoè, thuỷ), the traditional style on the first (hòa, hòe, thủy).  We
 * pick the new style as canonical: it is the one the majority of our
 * corpus uses (88,983 tokens against 1,524 in vi-news.jsonl).  Syllables
 * where both styles agree (hoàn, thuyết, quý, giá) come out unchanged.
 *
 * The rule, on the vowel cluster (the vowels after the initial consonant;
 * the u of qu- and the i of gi- before another vowel belong to the
 * initial):
 *   1. one vowel: it carries the tone;
 *   2. otherwise the last vowel with a modifier (ă â ê ô ơ ư) does
 *      (ươ -> ơ, uyê -> ê, ưu -> ư);
 *   3. otherwise, with a final consonant, the last vowel (hoàn, khuỳnh);
 *   4. otherwise two vowels: the second for oa, oe, uy; the first for the
 *      rest (ai, ao, au, ay, eo, ia, iu, oi, ua, ui: của, kìa);
 *   5. otherwise three vowels: the middle one (oai -> hoài, uyu -> khuỷu).
 * This is a pure function; it only decides, text_tokenize.c moves. */
#include "text_syllable.h"
#include "vn_text.h"

#include <string.h>

int vn_is_tone_mark(int32_t cp)
{
    return cp == 0x0300 || cp == 0x0301 || cp == 0x0303 || cp == 0x0309 || cp == 0x0323;
}

static int is_vowel(int32_t b)
{
    return b == 'a' || b == 'e' || b == 'i' || b == 'o' || b == 'u' || b == 'y';
}

/* Nonzero if the letter is one of ă â ê ô ơ ư. */
static int has_modifier(const vn_letter *l)
{
    for (unsigned k = 0; k < l->nmarks; k++) {
        int32_t m = l->marks[k];
        if (m == 0x0302 || m == 0x0306 || m == 0x031B)
            return 1;
    }
    return 0;
}

int vn_tone_target(const vn_letter *L, size_t n)
{
    size_t start = 0;
    while (start < n && !is_vowel(L[start].base))
        start++;
    if (start == n)
        return -1;
    /* qu- and gi- (before another vowel) are initial consonants. */
    if (start > 0 && start + 1 < n && is_vowel(L[start + 1].base) && !has_modifier(&L[start]) &&
        ((L[start - 1].base == 'q' && L[start].base == 'u') ||
         (L[start - 1].base == 'g' && L[start].base == 'i')))
        start++;
    size_t end = start;
    while (end < n && is_vowel(L[end].base))
        end++;
    for (size_t j = end; j < n; j++)
        if (is_vowel(L[j].base))
            return -1; /* two vowel groups: not one syllable */
    size_t nv = end - start;
    if (nv == 1)
        return (int)start;
    int last_mod = -1;
    for (size_t j = start; j < end; j++)
        if (has_modifier(&L[j]))
            last_mod = (int)j;
    if (last_mod >= 0)
        return last_mod;
    if (end < n)
        return (int)end - 1;
    if (nv == 2) {
        int32_t a = L[start].base, b = L[start + 1].base;
        if ((a == 'o' && (b == 'a' || b == 'e')) || (a == 'u' && b == 'y'))
            return (int)start + 1;
        return (int)start;
    }
    if (nv == 3)
        return (int)start + 1;
    return -1;
}

int vn_syllable_plausible(const char *w, size_t n)
{
    static const char *onsets[] = {"ngh", "ng", "nh", "ch", "gh", "gi", "kh", "ph", "qu", "th", "tr", "b", "c", "d",
                                   "g", "h", "k", "l", "m", "n", "p", "r", "s", "t", "v", "x", ""};
    static const char *finals[] = {"", "c", "ch", "m", "n", "ng", "nh", "p", "t"};
    for (size_t o = 0; o < sizeof onsets / sizeof onsets[0]; o++) {
        size_t ol = strlen(onsets[o]);
        if (ol > n || memcmp(w, onsets[o], ol) != 0)
            continue;
        size_t v = ol;
        while (v < n && strchr("aeiouy", w[v]) && w[v])
            v++;
        if (v - ol > 3 || (v == ol && strcmp(onsets[o], "gi") != 0))
            continue; /* no vowel ("gi" alone is gì) or too many */
        for (size_t f = 0; f < sizeof finals / sizeof finals[0]; f++)
            if (n - v == strlen(finals[f]) && memcmp(w + v, finals[f], n - v) == 0)
                return 1;
    }
    return 0;
}

/* The i/y spellings style guides disagree on, where they are one word:
 * an onset, then i or y alone with this tone (0: none), written with
 * `from` in the archive's minority and `to` in its majority (vi-news.jsonl,
 * docs/text-pipeline.md has the counts).  Left alone: y or i with no
 * onset (y tế, ý kiến), and pairs that are two words (li/ly: a millimetre,
 * a glass; mi/my; ti/ty: ti vi, công ty; sỉ, mỉ, mí: always i). */
static const struct iy {
    char onset;
    int32_t tone;
    char from, to;
} iy_pairs[] = {
    {'h', 0, 'i', 'y'},      /* hi vọng / hy vọng, hi sinh / hy sinh */
    {'k', 0x300, 'i', 'y'},  /* kì / kỳ */
    {'k', 0x301, 'i', 'y'},  /* kí / ký */
    {'k', 0x309, 'i', 'y'},  /* kỉ / kỷ */
    {'k', 0x303, 'i', 'y'},  /* kĩ / kỹ */
    {'k', 0x323, 'i', 'y'},  /* kị / kỵ */
    {'l', 0x301, 'i', 'y'},  /* lí / lý */
    {'l', 0x323, 'i', 'y'},  /* lị / lỵ */
    {'l', 0x300, 'y', 'i'},  /* lỳ / lì */
    {'m', 0x303, 'i', 'y'},  /* mĩ / mỹ */
    {'m', 0x300, 'y', 'i'},  /* mỳ / mì */
    {'s', 0x303, 'y', 'i'},  /* sỹ / sĩ */
    {'t', 0x309, 'i', 'y'},  /* tỉ / tỷ */
    {'t', 0x323, 'y', 'i'},  /* tỵ / tị */
    {'t', 0x300, 'i', 'y'},  /* tì / tỳ */
    {'t', 0x301, 'y', 'i'},  /* tý / tí */
};

int vn_iy_canonical(vn_letter *L, size_t n)
{
    if (n != 2 || L[0].nmarks != 0 || L[1].nmarks > 1 || (L[1].base != 'i' && L[1].base != 'y'))
        return 0;
    int32_t tone = L[1].nmarks ? L[1].marks[0] : 0;
    for (size_t k = 0; k < sizeof iy_pairs / sizeof iy_pairs[0]; k++) {
        const struct iy *p = &iy_pairs[k];
        if (p->onset != L[0].base || p->tone != tone)
            continue;
        if (p->from == L[1].base) {
            L[1].base = p->to;
            return 2;
        }
        if (p->to == L[1].base)
            return 1;
    }
    return 0;
}
