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
#include "vn_xapian.h"

#include <stdlib.h>
#include <string.h>

#define RESTORE_SPAN 5 /* words of the longest run tried as one phrase */
#define FIX_TERMS 5000 /* index terms read to mend one word, at most */

/* Edit distance of a and b, capped: 0, 1 or 2 (2 meaning "2 or more"). */
static int distance(const char *a, size_t an, const char *b, size_t bn)
{
    if (an > bn + 1 || bn > an + 1)
        return 2;
    size_t i = 0;
    while (i < an && i < bn && a[i] == b[i])
        i++;
    if (i == an && i == bn)
        return 0;
    /* one substitution, insertion or deletion at i, the rest equal */
    if (an == bn)
        return strcmp(a + i + 1, b + i + 1) == 0 && an - i - 1 == strlen(a + i + 1) ? 1 : 2;
    if (an > bn)
        return memcmp(a + i + 1, b + i, an - i - 1) == 0 ? 1 : 2;
    return memcmp(a + i, b + i + 1, bn - i - 1) == 0 ? 1 : 2;
}

typedef struct fix {
    const char *w;      /* the word no document holds (folded, NUL-terminated) */
    size_t wn, skip;    /* its length; bytes of a term before a candidate */
    char best[64];
    uint64_t best_docs;
    unsigned seen;
} fix;

static int try_term(const char *term, size_t len, uint64_t docs, void *p)
{
    fix *f = p;
    if (++f->seen > FIX_TERMS)
        return 1;
    const char *c = term + f->skip;
    size_t cn = len - f->skip;
    if (cn < sizeof f->best && !memchr(c, ' ', cn) && docs > f->best_docs && distance(f->w, f->wn, c, cn) == 1) {
        memcpy(f->best, c, cn);
        f->best[cn] = '\0';
        f->best_docs = docs;
    }
    return 0;
}

/* A word no document holds, mended: the most used word one letter away
 * that follows `prev` in the archive (pair terms), or, with no word
 * before, one sharing its first letter.  Folded; "" when there is none. */
static void mend(vn_searcher *s, const char *prev, size_t pn, const char *w, size_t wn, char out[64])
{
    fix f = {0};
    char word[64];
    out[0] = '\0';
    if (wn < 3 || wn >= sizeof word)
        return; /* a short word is too easily another word */
    memcpy(word, w, wn);
    word[wn] = '\0';
    f.w = word;
    f.wn = wn;
    vn_buf prefix = VN_BUF_INIT;
    if (prev)
        vn_buf_printf(&prefix, "%s%.*s ", VN_PREFIX_PAIR, (int)pn, prev);
    else
        vn_buf_printf(&prefix, "%s%c", VN_PREFIX_FOLDED, w[0]);
    f.skip = prev ? prefix.len : strlen(VN_PREFIX_FOLDED);
    vn_xdb_each_term(vn_searcher_xdb(s), prefix.data, try_term, &f, NULL);
    vn_buf_free(&prefix);
    memcpy(out, f.best, sizeof f.best);
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
