/* SPDX-License-Identifier: GPL-2.0-or-later */
/* suggest.c -- completions of what a user is typing, from the index.
 *
 * A word being typed ("kh", "đư", "d") is completed from the index's own
 * words: the folded terms that start with it (XFkh...) and the exact,
 * marked terms (khí, không...), each spelling counted by its occurrences
 * in the archive (Xapian's collection frequency; a word's spelling
 * without marks is its folded term's occurrences less its marked ones':
 * "khi" 71,530 before "khí" 11,025).  What was typed is kept: a letter
 * typed with marks stands for itself ("đư" -> được, đường, đưa; never
 * dụng), one without for any of its marked forms ("duo" -> được, dưới).
 * A phrase ("ha n", "công a", "hà nội " for the next word) is completed
 * from the pair terms of its last two words (XPha n...), ranked by the
 * pair's occurrences, each searched for as a phrase and shown as the
 * documents holding it write it most ("hà nội"), kept only when that
 * begins as typed.  A completion held by fewer than SUGGEST_MIN_DOCS
 * documents (a fragment of a damaged text, "dướ", or words glued by a
 * missing space, "duongdaynong"), occurring less than 1/SUGGEST_SHARE as
 * often as the first ("công ah" beside "công an"), or a word with marks
 * that is no Vietnamese syllable ("trọngsau") is never offered.  Reading terms and
 * spellings is spelling.c's. */
#include "vn_buf.h"
#include "vn_query.h"
#include "vn_schema.h"
#include "vn_spelling.h"
#include "vn_text.h"
#include "vn_xapian.h"

#include <stdlib.h>
#include <string.h>

#define SUGGEST_WORDS 8      /* words of a prefix considered */
#define SUGGEST_TERMS 20000  /* index terms read per range, at most */
#define SUGGEST_FOLDED 64    /* folded words (most documents first) whose spellings are counted */
#define SUGGEST_PHRASES 3    /* candidates searched per completion asked for */
#define SUGGEST_MIN_DOCS 2   /* documents that must hold a completion */
#define SUGGEST_SHARE 1000   /* a completion occurs at least 1/this as often as the first */

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

static unsigned clamp32(uint64_t v) { return v > 0xffffffffu ? 0xffffffffu : (unsigned)v; }

/* Add text (taken) with count to out. */
static void push(vn_word_count **out, size_t *n, char *text, unsigned count)
{
    *out = vn_xrealloc(*out, (*n + 1) * sizeof **out);
    (*out)[(*n)++] = (vn_word_count){text, count};
}

/* The most documents first, keeping those held by SUGGEST_MIN_DOCS; at
 * most `keep`. */
static void top_by_docs(vn_word_count *w, size_t *n, size_t keep)
{
    vn_word_counts_sort(w, *n);
    size_t k = 0;
    while (k < *n && k < keep && w[k].count >= SUGGEST_MIN_DOCS)
        k++;
    for (size_t i = k; i < *n; i++)
        free(w[i].text);
    *n = k;
}

/* The occurrences in the index of the terms prefix + w[i].text into
 * occ[0..n). */
static vn_status occurrences(vn_searcher *s, const char *prefix, size_t plen, const vn_word_count *w, size_t n,
                             uint64_t *occ, vn_error *err)
{
    if (n == 0)
        return VN_OK;
    vn_buf names = VN_BUF_INIT;
    size_t *at = vn_xcalloc(n, sizeof *at);
    for (size_t i = 0; i < n; i++) {
        at[i] = names.len;
        vn_buf_printf(&names, "%.*s%s", (int)plen, prefix, w[i].text);
        vn_buf_putc(&names, '\0');
    }
    const char **terms = vn_xcalloc(n, sizeof *terms);
    for (size_t i = 0; i < n; i++)
        terms[i] = names.data + at[i];
    vn_status rc = vn_xdb_occurrences(vn_searcher_xdb(s), terms, n, occ, err);
    free(terms);
    free(at);
    vn_buf_free(&names);
    return rc;
}

/* Completions of the one word typed, t of tk: every spelling of the
 * words that begin as typed, with its occurrences, into *out.  A marked
 * spelling's count says first which folded word it spells, RARE when
 * fewer than SUGGEST_MIN_DOCS documents hold it. */
#define RARE 0x80000000u
static vn_status word_completions(vn_searcher *s, const vn_tokens *tk, const vn_token *t, vn_word_count **out,
                                  size_t *nout, vn_error *err)
{
    const char *typed = VN_TOK_EXACT(tk, t), *fold = VN_TOK_FOLDED(tk, t);
    size_t tl = t->exact_len, fl = t->folded_len;
    vn_buf tp = VN_BUF_INIT;
    vn_buf_printf(&tp, "%s%.*s", VN_PREFIX_FOLDED, (int)fl, fold);
    vn_word_count *fw = NULL, *ex = NULL; /* folded words; their marked spellings */
    size_t nfw = 0, nex = 0;
    vn_status rc = vn_term_words(s, tp.data, strlen(VN_PREFIX_FOLDED), SUGGEST_TERMS, &fw, &nfw, err);
    vn_buf_free(&tp);
    if (rc == VN_OK)
        top_by_docs(fw, &nfw, SUGGEST_FOLDED);
    /* the marked spellings: exact terms starting with the first letter
     * typed, or (typed without marks) any of its marked forms */
    char first[48][5];
    size_t nfirst = 1, flen = 1;
    while (flen < tl && ((unsigned char)typed[flen] & 0xC0) == 0x80)
        flen++;
    memcpy(first[0], typed, flen);
    first[0][flen] = '\0';
    if (flen == 1)
        nfirst += vn_letter_marked_forms(typed[0], first + 1, 47);
    for (size_t k = 0; rc == VN_OK && k < nfirst; k++) {
        vn_word_count *w = NULL;
        size_t nw = 0;
        rc = vn_term_words(s, first[k], 0, SUGGEST_TERMS, &w, &nw, err);
        for (size_t i = 0; i < nw; i++) {
            char *f = vn_text_form(w[i].text, strlen(w[i].text), VN_FORM_FOLDED);
            size_t j = 0; /* the folded word it spells, if kept */
            while (j < nfw && strcmp(fw[j].text, f) != 0)
                j++;
            free(f);
            if (j < nfw) { /* every spelling, to tell the unmarked one's occurrences */
                push(&ex, &nex, w[i].text, (unsigned)j); /* count: its folded word, for now */
                if (w[i].count < SUGGEST_MIN_DOCS)
                    ex[nex - 1].count |= RARE;
                w[i].text = NULL;
            }
        }
        vn_word_counts_free(w, nw);
    }
    /* occurrences: each folded word's (XF), then each spelling's */
    uint64_t *occ = vn_xcalloc(nfw + nex + 1, sizeof *occ);
    if (rc == VN_OK)
        rc = occurrences(s, VN_PREFIX_FOLDED, strlen(VN_PREFIX_FOLDED), fw, nfw, occ, err);
    if (rc == VN_OK)
        rc = occurrences(s, "", 0, ex, nex, occ + nfw, err);
    int marked = (t->flags & VN_TOK_MARKED) != 0;
    for (size_t i = 0; rc == VN_OK && i < nex; i++) {
        size_t j = ex[i].count & ~RARE;
        occ[j] = occ[j] > occ[nfw + i] ? occ[j] - occ[nfw + i] : 0; /* what is left: unmarked */
        if (!(ex[i].count & RARE) && vn_word_begins_as_typed(typed, tl, ex[i].text, strlen(ex[i].text)) &&
            words_plausible(ex[i].text)) {
            push(out, nout, ex[i].text, clamp32(occ[nfw + i]));
            ex[i].text = NULL;
        }
    }
    for (size_t j = 0; rc == VN_OK && !marked && j < nfw; j++)
        if (occ[j] > 0) { /* written without marks too ("khi", "covid") */
            push(out, nout, fw[j].text, clamp32(occ[j]));
            fw[j].text = NULL;
        }
    free(occ);
    vn_word_counts_free(fw, nfw);
    vn_word_counts_free(ex, nex);
    return rc;
}

/* Completions of a phrase: the words typed (tk, the last one being typed
 * unless next_word) and a next word from the pair terms of the last two,
 * ranked by the pair's occurrences, each shown as the documents holding
 * it write it, kept when that begins as typed. */
static vn_status phrase_completions(vn_searcher *s, const vn_tokens *tk, int next_word, size_t max,
                                    vn_word_count **out, size_t *nout, vn_error *err)
{
    size_t k = tk->n;
    vn_buf tp = VN_BUF_INIT, typed = VN_BUF_INIT, words = VN_BUF_INIT; /* the term prefix; what was typed
                                                                         (exact); the words before the completion */
    for (size_t i = 0; i < k; i++) {
        const vn_token *t = &tk->tok[i];
        vn_buf_printf(&typed, "%s%.*s", i ? " " : "", (int)t->exact_len, VN_TOK_EXACT(tk, t));
        if (i + 1 < k || next_word)
            vn_buf_printf(&words, "%s%.*s", i ? " " : "", (int)t->exact_len, VN_TOK_EXACT(tk, t));
    }
    const vn_token *a = &tk->tok[next_word ? k - 1 : k - 2];
    vn_buf_printf(&tp, "%s%.*s ", VN_PREFIX_PAIR, (int)a->folded_len, VN_TOK_FOLDED(tk, a));
    size_t skip = tp.len;
    if (!next_word)
        vn_buf_append(&tp, VN_TOK_FOLDED(tk, &tk->tok[k - 1]), tk->tok[k - 1].folded_len);
    vn_word_count *w = NULL;
    size_t nw = 0;
    vn_status rc = vn_term_words(s, tp.data, skip, SUGGEST_TERMS, &w, &nw, err);
    if (rc == VN_OK)
        top_by_docs(w, &nw, SUGGEST_FOLDED);
    /* the pairs' occurrences, most first */
    uint64_t *occ = vn_xcalloc(nw + 1, sizeof *occ);
    if (rc == VN_OK)
        rc = occurrences(s, tp.data, skip, w, nw, occ, err);
    for (size_t i = 0; i < nw; i++)
        w[i].count = clamp32(occ[i]);
    vn_word_counts_sort(w, nw);
    size_t tried = 0;
    for (size_t i = 0; rc == VN_OK && i < nw && tried < max * SUGGEST_PHRASES; i++) {
        vn_buf phrase = VN_BUF_INIT;
        vn_buf_printf(&phrase, "%s%s%s", words.data ? words.data : "", words.len ? " " : "", w[i].text);
        unsigned docs;
        char *shown;
        rc = vn_phrase_spelling(s, phrase.data, &docs, &shown, err);
        vn_buf_free(&phrase);
        tried++;
        if (rc == VN_OK && shown && docs >= SUGGEST_MIN_DOCS && words_plausible(shown) &&
            vn_word_begins_as_typed(typed.data, typed.len, shown, strlen(shown)))
            push(out, nout, shown, w[i].count);
        else
            free(shown);
    }
    free(occ);
    vn_buf_free(&tp);
    vn_buf_free(&typed);
    vn_buf_free(&words);
    vn_word_counts_free(w, nw);
    return rc;
}

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
    vn_word_count *out = NULL;
    size_t nout = 0;
    if (tk->n == 1 && !next_word)
        rc = word_completions(s, tk, &tk->tok[0], &out, &nout, err);
    else
        rc = phrase_completions(s, tk, next_word, max, &out, &nout, err);
    vn_qparse_free(&q);
    if (rc != VN_OK) {
        vn_word_counts_free(out, nout);
        return rc;
    }
    vn_word_counts_sort(out, nout);
    size_t keep = 0; /* the rare beside the common: fragments, typos */
    while (keep < nout && keep < max && (uint64_t)out[keep].count * SUGGEST_SHARE >= out[0].count)
        keep++;
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
