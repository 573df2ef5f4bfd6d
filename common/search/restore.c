/* SPDX-License-Identifier: GPL-2.0-or-later */
/* restore.c -- marks put back: "ha noi" -> "hà nội", "tong bi thu do muoi"
 * -> "tổng bí thư đỗ mười", "Đà Nắng" -> "đà nẵng" (see vnsearch.h).
 *
 * With an index built with spelling statistics (vn_index_opts.spelling),
 * the statistics are its spelling terms (vn_schema.h), which the indexer
 * writes and incremental runs keep current: how many documents
 * write each folded word, pair and triple of neighbours in each way
 * ("XRha noi\thà nội").  A query reads a few terms per word, no document.
 * The words are a chain scored as a trigram model with "stupid backoff"
 * (Brants et al., 2007): a spelling is worth how often it follows the two
 * chosen before it, or, when that triple was never written, BACKOFF times
 * how often it follows the one before, or BACKOFF times its own share;
 * the best chain is found by a second-order Viterbi.  Context is what
 * single words lack ("thu tuong" is "thủ tướng", not "thu tường"), and a
 * wrong tone or mark typed is replaced like a missing one.
 *
 * Without them (the default: they make the index 3.7 times bigger), the
 * archive is searched instead, a run of up to RESTORE_SPAN words at a
 * time (restore_runs).  Either way, a word no document holds is mended
 * when a word one letter away follows the same word in the archive
 * ("nguyen xuan phuk" -> "nguyễn xuân phúc"), else kept as typed.  Not here: when a search
 * offers it (search.c). */
#include "vn_clock.h"
#include "vn_search.h"
#include "vn_buf.h"
#include "vn_schema.h"
#include "vn_text.h"
#include "vn_xapian.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define FIX_TERMS 5000     /* index terms read to mend one word, at most */
#define RESTORE_SPAN 5     /* words of the longest run tried as one phrase, without statistics */
#define SPELLING_TERMS 256 /* spelling terms read for one word, pair or triple, at most */
/* Spellings of one word weighed, the most written: "day" has 11 (đây,
 * dây, dạy, đầy, ... đáy); 8 lost "dưới đáy sông", 24 restored no more
 * than 16 (make relevance, 2,000 windows). */
#define SPELLINGS 16
/* What a shorter context is worth against a longer one never written:
 * 0.4 (the paper's) restored 0.913 of 2,000 windows, 0.1 0.928, 0.02
 * 0.935, 0.005 no more (make relevance: tuned on it). */
#define BACKOFF 0.02

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

/* The spellings of folded word or pair `f` (fl bytes) in the archive,
 * most written first: *out is the caller's (vn_word_counts_free). */
static vn_status spellings(vn_searcher *s, const char *f, size_t fl, vn_word_count **out, size_t *n, vn_error *err)
{
    vn_buf p = VN_BUF_INIT;
    vn_buf_puts(&p, VN_PREFIX_SPELLING);
    vn_spelling_text(&p, f, fl, NULL, 0);
    vn_status rc = vn_term_phrases(s, p.data, p.len, SPELLING_TERMS, out, n, err);
    vn_buf_free(&p);
    if (rc == VN_OK)
        vn_word_counts_sort(*out, *n);
    return rc;
}

/* One word of the text: its folded form (mended when no document holds
 * it) and its spellings, most written first. */
typedef struct word {
    char folded[VN_TOKEN_MAX_BYTES + 1];
    vn_word_count *c; /* spellings; as typed when no document holds it */
    size_t n;
    double total;     /* documents over all spellings */
} word;

/* P(spelling k of w), smoothed so that no spelling is impossible. */
static double p_word(const word *w, size_t k)
{
    return (w->c[k].count + 0.5) / (w->total + 0.5 * (double)w->n);
}

/* Fill w from token t (the one after `prev`, NULL for the first). */
static vn_status weigh(vn_searcher *s, const vn_tokens *ts, const vn_token *t, const word *prev, const char *text,
                       word *w, vn_error *err)
{
    memset(w, 0, sizeof *w);
    const char *f = VN_TOK_FOLDED(ts, t);
    memcpy(w->folded, f, t->folded_len);
    w->folded[t->folded_len] = '\0';
    vn_status rc = VN_OK;
    if (!(t->flags & VN_TOK_NUMERIC)) {
        rc = spellings(s, w->folded, t->folded_len, &w->c, &w->n, err);
        if (rc == VN_OK && w->n == 0) { /* no document holds it: one letter away? */
            vn_word_counts_free(w->c, w->n);
            w->c = NULL;
            char fixed[64];
            mend(s, prev ? prev->folded : NULL, prev ? strlen(prev->folded) : 0, f, t->folded_len, fixed);
            if (fixed[0]) {
                strcpy(w->folded, fixed);
                rc = spellings(s, fixed, strlen(fixed), &w->c, &w->n, err);
            }
        }
    }
    if (rc != VN_OK)
        return rc;
    if (w->n == 0) { /* kept as typed */
        vn_word_counts_free(w->c, w->n);
        w->c = vn_xcalloc(1, sizeof *w->c);
        w->c[0].text = vn_xstrndup(text + t->src_start, t->src_end - t->src_start);
        w->n = 1;
    }
    if (w->n > SPELLINGS) {
        for (size_t k = SPELLINGS; k < w->n; k++)
            free(w->c[k].text);
        w->n = SPELLINGS;
    }
    for (size_t k = 0; k < w->n; k++)
        w->total += w->c[k].count;
    return VN_OK;
}

/* How many documents write words w[0..n) (n = 2 or 3) in each
 * combination of their spellings: cnt[(i * SPELLINGS + j) * SPELLINGS +
 * k] for spellings i, j (and k), from the run's spelling terms. */
static vn_status run_counts(vn_searcher *s, const word *w, size_t n, double *cnt, vn_error *err)
{
    vn_buf run = VN_BUF_INIT;
    for (size_t k = 0; k < n; k++) {
        if (k)
            vn_buf_putc(&run, ' ');
        vn_buf_puts(&run, w[k].folded);
    }
    vn_word_count *terms = NULL;
    size_t rn = 0;
    vn_status rc = spellings(s, run.data, run.len, &terms, &rn, err);
    vn_buf_free(&run);
    for (size_t t = 0; rc == VN_OK && t < rn; t++) {
        size_t idx = 0, k = 0;
        for (const char *p = terms[t].text; k < n; k++) {
            const char *e = strchr(p, ' ');
            size_t l = e ? (size_t)(e - p) : strlen(p), j;
            for (j = 0; j < w[k].n; j++)
                if (strlen(w[k].c[j].text) == l && memcmp(w[k].c[j].text, p, l) == 0)
                    break;
            if (j == w[k].n || (!e && k + 1 < n))
                break;
            idx = idx * SPELLINGS + j;
            p = e ? e + 1 : p + l;
        }
        if (k == n)
            cnt[idx] += terms[t].count;
    }
    vn_word_counts_free(terms, rn);
    return rc;
}

static double sum(const double *c, size_t n)
{
    double t = 0;
    for (size_t i = 0; i < n; i++)
        t += c[i];
    return t;
}

/* The best chain of spellings of w[0..n) into pick[]: a second-order
 * Viterbi over pairs of spellings (x y), n >= 1.  The first pair is worth
 * its share of the pair's documents; each later word z after x y its
 * share after x y, or BACKOFF times its share after y, or BACKOFF times
 * that of its own (stupid backoff). */
#define K SPELLINGS
static vn_status decode(vn_searcher *s, const word *w, size_t n, int *pick, vn_error *err)
{
    if (n == 1) {
        pick[0] = 0; /* the most written */
        return VN_OK;
    }
    double S[K][K], T[K][K], c2[K * K] = {0};
    double *c3 = vn_xcalloc(K * K * K, sizeof *c3);
    int (*back)[K][K] = vn_xcalloc(n, sizeof *back);
    vn_status rc = run_counts(s, w, 2, c2, err);
    double N = sum(c2, K * K);
    for (size_t x = 0; x < K; x++)
        for (size_t y = 0; y < K; y++) {
            double c = c2[x * K + y];
            S[x][y] = x >= w[0].n || y >= w[1].n ? -INFINITY
                      : log(c > 0 ? c / N : BACKOFF * p_word(&w[0], x) * p_word(&w[1], y));
        }
    for (size_t i = 2; rc == VN_OK && i < n; i++) {
        const word *a = &w[i - 2], *b = &w[i - 1], *c = &w[i];
        memset(c2, 0, sizeof c2);
        memset(c3, 0, K * K * K * sizeof *c3);
        if ((rc = run_counts(s, b, 2, c2, err)) != VN_OK || (rc = run_counts(s, a, 3, c3, err)) != VN_OK)
            break;
        for (size_t y = 0; y < K; y++)
            for (size_t z = 0; z < K; z++) {
                T[y][z] = -INFINITY;
                if (y >= b->n || z >= c->n)
                    continue;
                double cyz = c2[y * K + z];
                double after_y = cyz > 0 ? cyz / sum(c2 + y * K, K) : BACKOFF * p_word(c, z);
                for (size_t x = 0; x < a->n; x++) {
                    const double *cxy = c3 + (x * K + y) * K;
                    double q = cxy[z] > 0 ? cxy[z] / sum(cxy, K) : BACKOFF * after_y;
                    double sc = S[x][y] + log(q);
                    if (sc > T[y][z]) { /* strictly: ties stay with the more written spelling */
                        T[y][z] = sc;
                        back[i][y][z] = (int)x;
                    }
                }
            }
        memcpy(S, T, sizeof S);
    }
    if (rc == VN_OK) {
        size_t by = 0, bz = 0;
        for (size_t y = 0; y < K; y++)
            for (size_t z = 0; z < K; z++)
                if (S[y][z] > S[by][bz])
                    by = y, bz = z;
        pick[n - 2] = (int)by;
        pick[n - 1] = (int)bz;
        for (size_t i = n - 1; i >= 2; i--)
            pick[i - 2] = back[i][pick[i - 1]][pick[i]];
    }
    free(c3);
    free(back);
    return rc;
}
#undef K

/* Without spelling statistics: left to right, the longest run of up to
 * RESTORE_SPAN words that documents hold as a phrase (folded) is written
 * as those documents write it most (vn_phrase_spelling); a word none
 * holds is mended, else kept as typed.  The restored text into *b. */
static vn_status restore_runs(vn_searcher *s, const char *text, size_t len, const vn_tokens *t, double deadline,
                              vn_buf *b, vn_error *err)
{
    size_t pos = 0; /* bytes of text copied */
    vn_status rc = VN_OK;
    for (size_t i = 0; rc == VN_OK && i < t->n;) {
        if (deadline > 0 && vn_clock_now() >= deadline) { /* each run costs phrase searches */
            rc = vn_error_set(err, VN_ERR_LIMIT, "marks not restored within the time limit");
            break;
        }
        size_t span = t->n - i < RESTORE_SPAN ? t->n - i : RESTORE_SPAN;
        char *shown = NULL;
        for (; span > 0 && rc == VN_OK; span--) {
            vn_buf phrase = VN_BUF_INIT;
            for (size_t k = i; k < i + span; k++) {
                if (k > i)
                    vn_buf_putc(&phrase, ' ');
                vn_buf_append(&phrase, VN_TOK_FOLDED(t, &t->tok[k]), t->tok[k].folded_len);
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
            const vn_token *pt = i > 0 ? &t->tok[i - 1] : NULL;
            mend(s, pt ? VN_TOK_FOLDED(t, pt) : NULL, pt ? pt->folded_len : 0, VN_TOK_FOLDED(t, &t->tok[i]),
                 t->tok[i].folded_len, fixed);
            if (fixed[0]) {
                vn_buf phrase = VN_BUF_INIT;
                if (pt)
                    vn_buf_printf(&phrase, "%.*s ", (int)pt->folded_len, VN_TOK_FOLDED(t, pt));
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
                shown = vn_xstrndup(text + t->tok[i].src_start, t->tok[i].src_end - t->tok[i].src_start);
        }
        /* the run's words, one by one, into the text's own gaps */
        const char *w = shown;
        for (size_t k = i; k < i + span; k++) {
            vn_buf_append(b, text + pos, t->tok[k].src_start - pos);
            const char *e = strchr(w, ' ');
            size_t wl = e && k + 1 < i + span ? (size_t)(e - w) : strlen(w);
            vn_buf_append(b, w, wl);
            w += wl + (w[wl] == ' ');
            pos = t->tok[k].src_end;
        }
        free(shown);
        i += span;
    }
    vn_buf_append(b, text + pos, len - pos);
    return rc;
}

/* With spelling statistics: the likeliest chain (decode) into *b. */
static vn_status restore_chain(vn_searcher *s, const char *text, size_t len, const vn_tokens *t, vn_buf *b,
                               vn_error *err)
{
    word *w = vn_xcalloc(t->n ? t->n : 1, sizeof *w);
    int *pick = vn_xcalloc(t->n ? t->n : 1, sizeof *pick);
    vn_status rc = VN_OK;
    for (size_t i = 0; rc == VN_OK && i < t->n; i++)
        rc = weigh(s, t, &t->tok[i], i ? &w[i - 1] : NULL, text, &w[i], err);
    if (rc == VN_OK && t->n)
        rc = decode(s, w, t->n, pick, err);
    size_t pos = 0;
    for (size_t i = 0; rc == VN_OK && i < t->n; i++) { /* the chain's words into the text's own gaps */
        vn_buf_append(b, text + pos, t->tok[i].src_start - pos);
        vn_buf_puts(b, w[i].c[pick[i]].text);
        pos = t->tok[i].src_end;
    }
    vn_buf_append(b, text + pos, len - pos);
    for (size_t i = 0; i < t->n; i++)
        vn_word_counts_free(w[i].c, w[i].n);
    free(w);
    free(pick);
    return rc;
}

vn_status vn_restore(vn_searcher *s, const char *text, char **out, vn_error *err)
{
    return vn_restore_until(s, text, 0, out, err);
}

vn_status vn_restore_until(vn_searcher *s, const char *text, double deadline, char **out, vn_error *err)
{
    VN_CHECK_ARGS(err, s && text && out);
    *out = NULL;
    size_t len = strlen(text);
    if (!vn_utf8_valid(text, len))
        return vn_error_set(err, VN_ERR_INVALID, "text is not valid UTF-8");
    char *stats;
    vn_status rc = vn_xdb_get_meta(vn_searcher_xdb(s), VN_SPELLING_KEY, &stats, err);
    if (rc != VN_OK)
        return rc;
    int chain = strcmp(stats, "1") == 0;
    free(stats);
    vn_tokens t;
    vn_tokens_init(&t);
    vn_tokenize(&t, text, len, 0);
    if (t.n > VN_QUERY_MAX_WORDS) {
        vn_tokens_free(&t);
        return vn_error_set(err, VN_ERR_LIMIT, "at most %d words", VN_QUERY_MAX_WORDS);
    }
    vn_buf b = VN_BUF_INIT;
    rc = chain ? restore_chain(s, text, len, &t, &b, err) : restore_runs(s, text, len, &t, deadline, &b, err);
    vn_tokens_free(&t);
    if (rc != VN_OK) {
        vn_buf_free(&b);
        return rc;
    }
    *out = vn_buf_take(&b);
    return VN_OK;
}
