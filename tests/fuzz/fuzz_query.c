/* SPDX-License-Identifier: GPL-2.0-or-later */
/* fuzz_query.c -- libFuzzer harness: the text pipeline, the query parser,
 * the dates typed in a query, the query builder and snippets
 * (common/text/, common/query/, common/search/snippet.c) on arbitrary
 * bytes.
 *
 * The input is both a query and a document: tokenised, normalised to its
 * three forms, parsed as a query (its date found and taken out, its tree
 * built and described), and excerpted for that query as HTML and as
 * text.  Checks: a parse fails with a message or yields items within the
 * word limit; a date found is a valid range within the query's words and
 * bytes; snippets of valid UTF-8 are valid UTF-8 and one line. */
#include "vn_buf.h"
#include "vn_calendar.h"
#include "vn_query.h"
#include "vn_snippet.h"
#include "vn_text.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *s = (const char *)data;
    for (int f = VN_FORM_EXACT; f <= VN_FORM_FOLDED; f++)
        free(vn_text_form(s, size, (vn_form)f));
    vn_qparse p;
    vn_error err;
    if (vn_query_parse(s, size, &p, &err) != VN_OK) {
        if (!err.msg[0])
            abort();
        return 0;
    }
    size_t words = 0;
    for (size_t i = 0; i < p.n; i++)
        words += p.items[i].to - p.items[i].from;
    if (words > VN_QUERY_MAX_WORDS)
        abort();
    /* a fixed today (the date finder reads no clock), and one near the
     * calendar's ends */
    static const char *const todays[] = {"2026-04-13", "1900-01-01", "2100-12-31"};
    for (size_t k = 0; k < sizeof todays / sizeof todays[0]; k++) {
        vn_date_words dw;
        if (!vn_query_dates(&p, todays[k], &dw))
            continue;
        if (!vn_date_valid(dw.from) || !vn_date_valid(dw.to) || strcmp(dw.from, dw.to) > 0 ||
            dw.tok_from >= dw.tok_to || dw.tok_to > p.toks.n || dw.start >= dw.end || dw.end > size)
            abort();
        vn_qparse w;
        vn_qparse_without(&p, dw.tok_from, dw.tok_to, &w);
        if (w.toks.n != p.toks.n - (dw.tok_to - dw.tok_from) || w.n >= p.n)
            abort();
        vn_qparse_free(&w);
    }
    vn_qarena a;
    vn_qarena_init(&a);
    vn_query_opts o = {0};
    vn_qtree t;
    if (vn_query_build(&a, &p, &o, &t, &err) == VN_OK)
        free(vn_query_describe(t.root));
    vn_qarena_free(&a);
    int valid = vn_utf8_valid(s, size);
    for (int html = 0; html < 2; html++) {
        vn_snippet_opts so = {0, html, "<b>", "</b>", 0};
        char *snip = vn_snippet(s, size, &p, &so);
        if (strchr(snip, '\n') || (valid && !vn_utf8_valid(snip, strlen(snip))))
            abort();
        free(snip);
    }
    vn_qparse_free(&p);
    return 0;
}
