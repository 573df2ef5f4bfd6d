/* SPDX-License-Identifier: GPL-2.0-or-later */
/* restore.c -- marks put back: "ha noi" -> "hà nội", "tong bi thu do muoi"
 * -> "tổng bí thư đỗ mười", "Đà Nắng" -> "đà nẵng" (see vnsearch.h).
 *
 * The archive is the statistics: the words are taken left to right, the
 * longest run of up to RESTORE_SPAN words that documents hold as a phrase
 * (folded) first, and each run is written as those documents write it
 * most (vn_phrase_spelling).  A word no document holds stays as typed.
 * Runs keep the context that single words lack ("thu tuong" is "thủ
 * tướng", not "thu tường"), and a wrong tone or mark typed is replaced
 * like a missing one.  A word no document holds is mended when a word one
 * letter away follows the same word in the archive ("nguyen xuan phuk" ->
 * "nguyễn xuân phúc"), else kept as typed.  Not here: when a search
 * offers it (search.c). */
#include "vn_search.h"
#include "vn_buf.h"
#include "vn_schema.h"
#include "vn_text.h"

#include <stdlib.h>
#include <string.h>

#define RESTORE_SPAN 5 /* words of the longest run tried as one phrase */
#define FIX_TERMS 5000 /* index terms read to mend one word, at most */

/* Are a and b one edit apart (one letter changed, added or dropped)? */
static int one_edit(const char *a, const char *b)
{
    size_t an = strlen(a), bn = strlen(b), i = 0;
    if (an > bn + 1 || bn > an + 1)
        return 0;
    while (a[i] && a[i] == b[i])
        i++;
    if (an == bn)
        return a[i] && strcmp(a + i + 1, b + i + 1) == 0;
    return an > bn ? strcmp(a + i + 1, b + i) == 0 : strcmp(a + i, b + i + 1) == 0;
}

/* A word no document holds, mended: the most used word one letter away
 * that follows `prev` in the archive (pair terms), or, with no word
 * before, one sharing its first letter.  Folded; "" when there is none. */
static void mend(vn_searcher *s, const char *prev, size_t pn, const char *w, size_t wn, char out[64])
{
    char word[64];
    out[0] = '\0';
    if (wn < 3 || wn >= sizeof word)
        return; /* a short word is too easily another word */
    memcpy(word, w, wn);
    word[wn] = '\0';
    vn_buf prefix = VN_BUF_INIT;
    if (prev)
        vn_buf_printf(&prefix, "%s%.*s ", VN_PREFIX_PAIR, (int)pn, prev);
    else
        vn_buf_printf(&prefix, "%s%c", VN_PREFIX_FOLDED, w[0]);
    vn_word_count *c;
    size_t n;
    if (vn_term_words(s, prefix.data, prev ? prefix.len : strlen(VN_PREFIX_FOLDED), FIX_TERMS, &c, &n, NULL) == VN_OK) {
        unsigned best = 0;
        for (size_t i = 0; i < n; i++)
            if (c[i].count > best && strlen(c[i].text) < 64 && one_edit(word, c[i].text)) {
                best = c[i].count;
                strcpy(out, c[i].text);
            }
        vn_word_counts_free(c, n);
    }
    vn_buf_free(&prefix);
}

vn_status vn_restore(vn_searcher *s, const char *text, char **out, vn_error *err)
{
    *out = NULL;
    size_t len = strlen(text);
    if (!vn_utf8_valid(text, len))
        return vn_error_set(err, VN_ERR_INVALID, "text is not valid UTF-8");
    vn_tokens t;
    vn_tokens_init(&t);
    vn_tokenize(&t, text, len, 0);
    if (t.n > VN_QUERY_MAX_WORDS) {
        vn_tokens_free(&t);
        return vn_error_set(err, VN_ERR_LIMIT, "at most %d words", VN_QUERY_MAX_WORDS);
    }
    vn_buf b = VN_BUF_INIT;
    size_t pos = 0; /* bytes of text copied */
    vn_status rc = VN_OK;
    for (size_t i = 0; rc == VN_OK && i < t.n;) {
        size_t span = t.n - i < RESTORE_SPAN ? t.n - i : RESTORE_SPAN;
        char *shown = NULL;
        for (; span > 0 && rc == VN_OK; span--) {
            vn_buf phrase = VN_BUF_INIT;
            for (size_t k = i; k < i + span; k++) {
                if (k > i)
                    vn_buf_putc(&phrase, ' ');
                vn_buf_append(&phrase, VN_TOK_FOLDED(&t, &t.tok[k]), t.tok[k].folded_len);
            }
            unsigned docs;
            rc = vn_phrase_spelling(s, phrase.data, &docs, &shown, err);
            vn_buf_free(&phrase);
            if (shown)
                break;
        }
        if (rc != VN_OK)
            break;
        if (!shown) { /* no document holds the word: one letter away, or as typed */
            span = 1;
            char fixed[64];
            const vn_token *pt = i > 0 ? &t.tok[i - 1] : NULL;
            mend(s, pt ? VN_TOK_FOLDED(&t, pt) : NULL, pt ? pt->folded_len : 0, VN_TOK_FOLDED(&t, &t.tok[i]),
                 t.tok[i].folded_len, fixed);
            if (fixed[0]) {
                vn_buf phrase = VN_BUF_INIT;
                if (pt)
                    vn_buf_printf(&phrase, "%.*s ", (int)pt->folded_len, VN_TOK_FOLDED(&t, pt));
                vn_buf_puts(&phrase, fixed);
                unsigned docs;
                char *two = NULL;
                rc = vn_phrase_spelling(s, phrase.data, &docs, &two, err);
                vn_buf_free(&phrase);
                /* keep the last word of that spelling: the word before is restored already */
                const char *last = two ? strrchr(two, ' ') : NULL;
                if (two)
                    shown = vn_xstrdup(last ? last + 1 : two);
                free(two);
            }
            if (!shown)
                shown = vn_xstrndup(text + t.tok[i].src_start, t.tok[i].src_end - t.tok[i].src_start);
        }
        /* the run's words, one by one, into the text's own gaps */
        const char *w = shown;
        for (size_t k = i; k < i + span; k++) {
            vn_buf_append(&b, text + pos, t.tok[k].src_start - pos);
            const char *e = strchr(w, ' ');
            size_t wl = e && k + 1 < i + span ? (size_t)(e - w) : strlen(w);
            vn_buf_append(&b, w, wl);
            w += wl + (w[wl] == ' ');
            pos = t.tok[k].src_end;
        }
        free(shown);
        i += span;
    }
    vn_tokens_free(&t);
    if (rc != VN_OK) {
        vn_buf_free(&b);
        return rc;
    }
    vn_buf_append(&b, text + pos, len - pos);
    *out = vn_buf_take(&b);
    return VN_OK;
}
