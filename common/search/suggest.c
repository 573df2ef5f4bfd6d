/* SPDX-License-Identifier: GPL-2.0-or-later */
/* suggest.c -- completions of what a user is typing, from the index.
 *
 * Candidates come from the index's own terms, archive-wide: the folded
 * words starting with the prefix ("ha" -> XFha...), or the pair terms of
 * the last word typed and the one being typed ("ha n" -> XPha n...; a
 * trailing space asks for the next word: "ha noi " -> XPnoi ...).  Each
 * candidate phrase is then searched for as a phrase: it is kept only when
 * documents hold it whole, ranked by how many do (exact up to
 * VN_TOTAL_EXACT_UPTO), and shown in the spelling those documents use
 * most ("ha n" -> "hà nội", "hà nam", marks restored).  A word with marks
 * that is no Vietnamese syllable ("trọngsau", glued by a missing space) is
 * never suggested.  Folded-aware both ways: "hà n" and "ha n" agree.
 * Reading terms and spellings is spelling.c's. */
#include "vn_buf.h"
#include "vn_query.h"
#include "vn_schema.h"
#include "vn_spelling.h"
#include "vn_text.h"

#include <stdlib.h>
#include <string.h>

#define SUGGEST_WORDS 8      /* words of a prefix considered */
#define SUGGEST_TERMS 20000  /* index terms read per request, at most */
#define SUGGEST_PHRASES 3    /* candidates searched per completion asked for */

void vn_suggestions_free(char **items, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(items[i]);
    free(items);
}

/* Does every marked word of `s` look like one Vietnamese syllable? */
static int words_plausible(const char *s)
{
    vn_tokens t;
    vn_tokens_init(&t);
    vn_tokenize(&t, s, strlen(s), 0);
    int ok = 1;
    for (size_t i = 0; ok && i < t.n; i++)
        if ((t.tok[i].flags & VN_TOK_MARKED) && !vn_syllable_plausible(VN_TOK_FOLDED(&t, &t.tok[i]), t.tok[i].folded_len))
            ok = 0;
    vn_tokens_free(&t);
    return ok;
}

/* The words [word, word + n) of field text t[0..tlen) in their exact
 * forms, joined by spaces (malloc'd), tokenising from byte `from`, where
 * word `at` starts, to byte `to`; NULL when those words are not the
 * phrase p (a record that is not this text's). */
vn_status vn_suggest(vn_searcher *s, const char *prefix, size_t max, char ***items, size_t *n, vn_error *err)
{
    VN_CHECK_ARGS(err, s && prefix && items && n);
    *items = NULL;
    *n = 0;
    size_t len = strlen(prefix);
    vn_qparse q;
    vn_status rc = vn_query_parse(prefix, len, &q, err);
    if (rc != VN_OK && rc != VN_ERR_LIMIT)
        return vn_error_set(err, VN_ERR_INVALID, "SUGGEST needs 1 to %d words", SUGGEST_WORDS);
    if (rc != VN_OK)
        return rc;
    const vn_tokens *tk = &q.toks;
    if (tk->n == 0 || tk->n > SUGGEST_WORDS) {
        vn_qparse_free(&q);
        return vn_error_set(err, VN_ERR_INVALID, "SUGGEST needs 1 to %d words", SUGGEST_WORDS);
    }
    /* a trailing space: the last word is complete, the next one is asked for */
    int next_word = len > 0 && prefix[len - 1] == ' ';
    size_t k = tk->n;
    vn_buf tp = VN_BUF_INIT, typed = VN_BUF_INIT; /* the term prefix; the words before the completion */
    for (size_t i = 0; i < k; i++) {
        const vn_token *t = &tk->tok[i];
        if (i + 1 < k || next_word) {
            if (typed.len)
                vn_buf_putc(&typed, ' ');
            vn_buf_append(&typed, VN_TOK_FOLDED(tk, t), t->folded_len);
        }
    }
    size_t skip;
    if (k == 1 && !next_word) {
        vn_buf_printf(&tp, "%s%.*s", VN_PREFIX_FOLDED, (int)tk->tok[0].folded_len, VN_TOK_FOLDED(tk, &tk->tok[0]));
        skip = strlen(VN_PREFIX_FOLDED);
    } else {
        const vn_token *a = &tk->tok[next_word ? k - 1 : k - 2];
        vn_buf_printf(&tp, "%s%.*s ", VN_PREFIX_PAIR, (int)a->folded_len, VN_TOK_FOLDED(tk, a));
        skip = tp.len;
        if (!next_word)
            vn_buf_append(&tp, VN_TOK_FOLDED(tk, &tk->tok[k - 1]), tk->tok[k - 1].folded_len);
    }
    vn_word_count *words = NULL;
    size_t nwords = 0;
    rc = vn_term_words(s, tp.data, skip, SUGGEST_TERMS, &words, &nwords, err);
    vn_buf_free(&tp);
    vn_qparse_free(&q);
    if (rc == VN_OK)
        vn_word_counts_sort(words, nwords);
    /* the most frequent completions, each checked as a phrase of the text */
    vn_word_count *out = NULL;
    size_t nout = 0;
    for (size_t i = 0; rc == VN_OK && i < nwords && i < max * SUGGEST_PHRASES && nout < max * SUGGEST_PHRASES; i++) {
        vn_buf phrase = VN_BUF_INIT;
        vn_buf_printf(&phrase, "%s%s%s", typed.data ? typed.data : "", typed.len ? " " : "", words[i].text);
        unsigned docs;
        char *shown;
        rc = vn_phrase_spelling(s, phrase.data, &docs, &shown, err);
        vn_buf_free(&phrase);
        if (rc == VN_OK && shown && words_plausible(shown)) {
            out = vn_xrealloc(out, (nout + 1) * sizeof *out);
            out[nout++] = (vn_word_count){shown, docs};
        } else {
            free(shown);
        }
    }
    vn_word_counts_free(words, nwords);
    vn_buf_free(&typed);
    if (rc != VN_OK) {
        for (size_t i = 0; i < nout; i++)
            free(out[i].text);
        free(out);
        return rc;
    }
    vn_word_counts_sort(out, nout);
    size_t keep = nout < max ? nout : max;
    *items = vn_xrealloc(NULL, (keep ? keep : 1) * sizeof **items);
    for (size_t i = 0; i < nout; i++) {
        if (i < keep)
            (*items)[i] = out[i].text;
        else
            free(out[i].text);
    }
    free(out);
    *n = keep;
    return VN_OK;
}
