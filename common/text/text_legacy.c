/* SPDX-License-Identifier: GPL-2.0-or-later */
/* text_legacy.c -- Vietnamese text from before Unicode, to UTF-8 (see
 * vn_text.h): TCVN3 (ABC), VNI-Windows and Windows-1258.
 *
 * TCVN3 and Windows-1258 are glibc's iconv (TCVN5712-1, CP1258); VNI has
 * no iconv table, so its published one is here: a vowel is written as the
 * base letter followed by a byte for its marks (a + 0xF8 = à, o + 0xE4 =
 * ộ), and đ, ơ, ư and the marked i's are single bytes.  Auto-detection
 * decodes the text each way and keeps the reading with the most words
 * that carry marks and are shaped like Vietnamese syllables; text that is
 * already Vietnamese UTF-8 is left alone.  Archives converted once already
 * by someone who took the bytes for Latin-1 ("Hµ Néi", valid UTF-8 of the
 * wrong letters) are read back to their bytes first.  Not here: where
 * articles are read (index_input.c). */
#include "vn_text.h"
#include "vn_buf.h"

#include <errno.h>
#include <iconv.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

/* VNI-Windows: the marks of the byte after a vowel, as combining
 * characters (lower and upper case bytes). */
static const struct {
    unsigned char lower, upper;
    int32_t mark[2];
} vni_marks[] = {
    {0xF9, 0xD9, {0x0301, 0}},      {0xF8, 0xD8, {0x0300, 0}},      {0xFB, 0xDB, {0x0309, 0}},
    {0xF5, 0xD5, {0x0303, 0}},      {0xEF, 0xCF, {0x0323, 0}},      {0xE2, 0xC2, {0x0302, 0}},
    {0xE1, 0xC1, {0x0302, 0x0301}}, {0xE0, 0xC0, {0x0302, 0x0300}}, {0xE5, 0xC5, {0x0302, 0x0309}},
    {0xE3, 0xC3, {0x0302, 0x0303}}, {0xE4, 0xC4, {0x0302, 0x0323}}, {0xEA, 0xCA, {0x0306, 0}},
    {0xE9, 0xC9, {0x0306, 0x0301}}, {0xE8, 0xC8, {0x0306, 0x0300}}, {0xFA, 0xDA, {0x0306, 0x0309}},
    {0xFC, 0xDC, {0x0306, 0x0303}}, {0xEB, 0xCB, {0x0306, 0x0323}},
};

/* VNI-Windows: letters that are one byte. */
static const struct {
    unsigned char byte;
    int32_t cp;
} vni_single[] = {
    {0xF1, 0x0111}, {0xD1, 0x0110}, {0xF4, 0x01A1}, {0xD4, 0x01A0}, {0xF6, 0x01B0}, {0xD6, 0x01AF},
    {0xEC, 0x00EC}, {0xED, 0x00ED}, {0xE6, 0x1EC9}, {0xF3, 0x0129}, {0xF2, 0x1ECB}, {0xEE, 0x1EF5},
    {0xCC, 0x00CC}, {0xCD, 0x00CD}, {0xC6, 0x1EC8}, {0xD3, 0x0128}, {0xD2, 0x1ECA}, {0xCE, 0x1EF4},
};

static void put_cp(vn_buf *b, int32_t cp)
{
    utf8proc_uint8_t u[4];
    utf8proc_ssize_t n = utf8proc_encode_char(cp, u);
    vn_buf_append(b, u, (size_t)n);
}

static char *nfc(vn_buf *b, size_t *out_len)
{
    char *s = (char *)utf8proc_NFC((const utf8proc_uint8_t *)(b->data ? b->data : ""));
    vn_buf_free(b);
    if (!s)
        return NULL;
    if (out_len)
        *out_len = strlen(s);
    return s;
}

static char *from_vni(const unsigned char *s, size_t n, size_t *out_len)
{
    vn_buf b = VN_BUF_INIT;
    for (size_t i = 0; i < n; i++) {
        int32_t cp = s[i];
        for (size_t k = 0; k < sizeof vni_single / sizeof vni_single[0]; k++)
            if (vni_single[k].byte == s[i])
                cp = vni_single[k].cp;
        put_cp(&b, cp); /* other bytes: as Latin-1 */
        int vowel = strchr("aeiouyAEIOUY", s[i]) && s[i] ? 1 : cp == 0x01A1 || cp == 0x01A0 || cp == 0x01B0 || cp == 0x01AF;
        if (!vowel || i + 1 >= n)
            continue;
        for (size_t k = 0; k < sizeof vni_marks / sizeof vni_marks[0]; k++)
            if (vni_marks[k].lower == s[i + 1] || vni_marks[k].upper == s[i + 1]) {
                put_cp(&b, vni_marks[k].mark[0]);
                if (vni_marks[k].mark[1])
                    put_cp(&b, vni_marks[k].mark[1]);
                i++;
                break;
            }
    }
    return nfc(&b, out_len);
}

static char *with_iconv(const char *from, const char *s, size_t n, size_t *out_len)
{
    iconv_t cd = iconv_open("UTF-8", from);
    if (cd == (iconv_t)-1)
        return NULL;
    vn_buf b = VN_BUF_INIT;
    vn_buf_reserve(&b, n * 3 + 16);
    char *in = (char *)s, *out = b.data;
    size_t inleft = n, outleft = b.cap - 1;
    while (inleft > 0) {
        if (iconv(cd, &in, &inleft, &out, &outleft) != (size_t)-1)
            break;
        if (errno != EILSEQ && errno != EINVAL)
            break;
        in++; /* a byte the encoding has no letter for: skipped */
        inleft--;
    }
    iconv(cd, NULL, NULL, &out, &outleft); /* what a stateful decoder still holds (TCVN's last letter) */
    iconv_close(cd);
    b.len = (size_t)(out - b.data);
    b.data[b.len] = '\0';
    return nfc(&b, out_len); /* CP1258 writes marks as combining characters */
}

/* The vowel clusters of Vietnamese syllables, without tones (the letters
 * ă â ê ô ơ ư kept): a wrong decoding makes clusters such as "aư". */
static const char *nuclei[] = {
    "a", "ă", "â", "e", "ê", "i", "o", "ô", "ơ", "u", "ư", "y", "ai", "ao", "au", "ay", "âu", "ây", "eo", "êu",
    "ia", "iê", "iu", "oa", "oă", "oe", "oi", "ôi", "ơi", "oo", "ua", "uâ", "uê", "ui", "uô", "uơ", "uy", "ưa",
    "ưi", "ưu", "ươ", "yê", "iêu", "oai", "oay", "oeo", "uây", "uôi", "uya", "uyê", "uyu", "ươi", "ươu", "yêu",
};

static int is_vowel_at(const char *w, size_t n, size_t i, size_t *len)
{
    static const char *v[] = {"a", "e", "i", "o", "u", "y", "ă", "â", "ê", "ô", "ơ", "ư"};
    for (size_t k = 0; k < sizeof v / sizeof v[0]; k++) {
        size_t l = strlen(v[k]);
        if (i + l <= n && memcmp(w + i, v[k], l) == 0) {
            *len = l;
            return 1;
        }
    }
    return 0;
}

/* Is the toneless word w[0..n) (lower case) a Vietnamese syllable: its
 * vowels one of the nuclei, what follows a final consonant? */
static int toneless_syllable(const char *w, size_t n)
{
    size_t i = 0, l;
    if (n >= 2 && (!memcmp(w, "qu", 2) || (!memcmp(w, "gi", 2) && n > 2 && is_vowel_at(w, n, 2, &l))))
        i = 2; /* the u of qu-, the i of gi- before a vowel belong to the onset */
    while (i < n && !is_vowel_at(w, n, i, &l))
        i++; /* the onset (ASCII consonants and đ) */
    size_t v0 = i;
    while (i < n && is_vowel_at(w, n, i, &l))
        i += l;
    if (i == v0)
        return 0;
    int nucleus = 0;
    for (size_t k = 0; !nucleus && k < sizeof nuclei / sizeof nuclei[0]; k++)
        nucleus = strlen(nuclei[k]) == i - v0 && memcmp(w + v0, nuclei[k], i - v0) == 0;
    static const char *finals[] = {"", "c", "ch", "m", "n", "ng", "nh", "p", "t"};
    for (size_t k = 0; nucleus && k < sizeof finals / sizeof finals[0]; k++)
        if (strlen(finals[k]) == n - i && memcmp(w + i, finals[k], n - i) == 0)
            return 1;
    return 0;
}

/* How Vietnamese does UTF-8 text look: words with marks that are
 * Vietnamese syllables, less those that are not. */
static long vietnamese_score(const char *s, size_t n)
{
    vn_tokens t;
    vn_tokens_init(&t);
    vn_tokenize(&t, s, n, 0);
    long score = 0;
    for (size_t i = 0; i < t.n; i++)
        if (t.tok[i].flags & VN_TOK_MARKED)
            score += toneless_syllable(VN_TOK_TONELESS(&t, &t.tok[i]), t.tok[i].toneless_len) ? 2 : -1;
    vn_tokens_free(&t);
    return score;
}

/* Valid UTF-8 made only of code points below 256, with some above 127: the
 * bytes of a legacy encoding taken for Latin-1.  Returns them (malloc'd). */
static unsigned char *latin1_bytes(const char *s, size_t n, size_t *len)
{
    unsigned char *b = malloc(n + 1);
    size_t k = 0;
    int high = 0;
    for (size_t i = 0; b && i < n;) {
        int32_t cp;
        utf8proc_ssize_t l = utf8proc_iterate((const utf8proc_uint8_t *)s + i, (utf8proc_ssize_t)(n - i), &cp);
        if (l <= 0 || cp > 0xFF) {
            free(b);
            return NULL;
        }
        high |= cp > 0x7F;
        b[k++] = (unsigned char)cp;
        i += (size_t)l;
    }
    if (b && !high) {
        free(b);
        return NULL;
    }
    *len = k;
    return b;
}

char *vn_legacy_to_utf8(const char *s, size_t n, vn_encoding enc, vn_encoding *used, size_t *out_len)
{
    if (used)
        *used = VN_ENC_UTF8;
    if (enc == VN_ENC_UTF8)
        return NULL;
    const unsigned char *bytes = (const unsigned char *)s;
    size_t nb = n;
    unsigned char *l1 = NULL;
    int valid = vn_utf8_valid(s, n);
    if (valid) {
        /* already Vietnamese, or plain ASCII: nothing to do */
        if (enc == VN_ENC_AUTO && !(l1 = latin1_bytes(s, n, &nb)))
            return NULL;
        if (l1)
            bytes = l1;
    }
    static const vn_encoding order[] = {VN_ENC_TCVN3, VN_ENC_VNI, VN_ENC_CP1258};
    char *best = NULL;
    size_t best_len = 0;
    long best_score = valid ? vietnamese_score(s, n) : -1000000;
    for (size_t k = 0; k < sizeof order / sizeof order[0]; k++) {
        if (enc != VN_ENC_AUTO && enc != order[k])
            continue;
        size_t len = 0;
        char *t = order[k] == VN_ENC_VNI      ? from_vni(bytes, nb, &len)
                  : order[k] == VN_ENC_TCVN3 ? with_iconv("TCVN5712-1", (const char *)bytes, nb, &len)
                                             : with_iconv("CP1258", (const char *)bytes, nb, &len);
        if (!t)
            continue;
        long sc = enc == VN_ENC_AUTO ? vietnamese_score(t, len) : 0;
        if (enc != VN_ENC_AUTO || sc > best_score) {
            free(best);
            best = t;
            best_len = len;
            best_score = sc;
            if (used)
                *used = order[k];
        } else {
            free(t);
        }
    }
    free(l1);
    if (best && out_len)
        *out_len = best_len;
    return best;
}

int vn_encoding_parse(const char *name, vn_encoding *out)
{
    static const struct { const char *name; vn_encoding e; } names[] = {
        {"auto", VN_ENC_AUTO}, {"utf8", VN_ENC_UTF8}, {"utf-8", VN_ENC_UTF8}, {"tcvn3", VN_ENC_TCVN3},
        {"vni", VN_ENC_VNI},   {"cp1258", VN_ENC_CP1258}, {"windows-1258", VN_ENC_CP1258},
    };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strcmp(name, names[i].name) == 0) {
            *out = names[i].e;
            return 1;
        }
    return 0;
}
