/* SPDX-License-Identifier: GPL-2.0-or-later */
/* text_letters.c -- letters with and without their marks, for words
 * typed in part (completions, suggest.c): which marked letters a plain
 * one stands for (d: đ; a: à á ả ã ạ ă ắ ... ậ), and whether a word
 * begins as typed, a letter typed without marks standing for any of its
 * marked forms and one typed with marks for itself.  What a letter's
 * marks are is utf8proc's (its canonical decomposition); đ, which has
 * none, is d.  Pure.  Not here: whole words' forms (text_tokenize.c). */
#include "vn_text.h"

#include <utf8proc.h>

/* The ASCII letter c is written on (lower case), or -1. */
static int base_letter(utf8proc_int32_t c)
{
    if (c == 0x111 || c == 0x110) /* đ Đ: no decomposition */
        return 'd';
    utf8proc_int32_t d[4];
    int last;
    utf8proc_ssize_t n = utf8proc_decompose_char(c, d, 4, UTF8PROC_DECOMPOSE, &last);
    if (n < 1 || d[0] >= 128)
        return -1;
    return d[0] >= 'A' && d[0] <= 'Z' ? d[0] + 32 : d[0];
}

size_t vn_letter_marked_forms(char base, char out[][5], size_t max)
{
    /* Latin-1 Supplement to Latin Extended-B, and Latin Extended
     * Additional: every lower-case letter with marks of the Latin alphabet */
    static const utf8proc_int32_t range[][2] = {{0xC0, 0x24F}, {0x1E00, 0x1EFF}};
    size_t n = 0;
    for (size_t r = 0; r < 2; r++)
        for (utf8proc_int32_t c = range[r][0]; c <= range[r][1] && n < max; c++) {
            if (utf8proc_tolower(c) != c || base_letter(c) != (unsigned char)base)
                continue;
            utf8proc_ssize_t k = utf8proc_encode_char(c, (utf8proc_uint8_t *)out[n]);
            out[n++][k] = '\0';
        }
    return n;
}

int vn_word_begins_as_typed(const char *typed, size_t tn, const char *word, size_t wn)
{
    utf8proc_ssize_t i = 0, j = 0;
    while ((size_t)i < tn) {
        utf8proc_int32_t t, w;
        utf8proc_ssize_t a = utf8proc_iterate((const utf8proc_uint8_t *)typed + i, (utf8proc_ssize_t)tn - i, &t);
        if (a < 1 || (size_t)j >= wn)
            return 0;
        utf8proc_ssize_t b = utf8proc_iterate((const utf8proc_uint8_t *)word + j, (utf8proc_ssize_t)wn - j, &w);
        if (b < 1 || (t != w && !(t < 128 && base_letter(w) == t)))
            return 0;
        i += a;
        j += b;
    }
    return 1;
}
