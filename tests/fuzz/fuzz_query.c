/* SPDX-License-Identifier: GPL-2.0-or-later */
/* fuzz_query.c -- libFuzzer harness: the text pipeline, the query parser,
 * the query builder and snippets (common/text_*.c, query_*.c,
 * snippet.c) on arbitrary bytes.
 *
 * The input is both a query and a document: tokenised, normalised to its
 * three forms, parsed as a query (whose tree is built and described),
 * and excerpted for that query as HTML and as text.  Checks: a parse
 * fails with a message or yields items within the word limit; snippets
 * of valid UTF-8 are valid UTF-8 and one line. */
#include "vn_buf.h"
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
