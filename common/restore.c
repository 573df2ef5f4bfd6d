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
 * like a missing one.  Not here: when a search offers it (search.c). */
#include "vn_search.h"
#include "vn_buf.h"
#include "vn_text.h"

#include <stdlib.h>
#include <string.h>

#define RESTORE_SPAN 5 /* words of the longest run tried as one phrase */

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
        if (!shown) { /* no document holds the word: as typed */
            span = 1;
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
