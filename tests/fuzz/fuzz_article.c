/* SPDX-License-Identifier: GPL-2.0-or-later */
/* fuzz_article.c -- libFuzzer harness: the article parsers and the
 * document schema (common/doc/article_json.c, article_plain.c, schema.c,
 * docstore.c) on arbitrary bytes.
 *
 * The input is read as a JSON Lines record and as a plain-text article;
 * what parses becomes the terms, values and stored data of a Xapian
 * document; it is also read as legacy text (TCVN3, VNI, Windows-1258).
 * Checks: a record either parses with an id and a body or is refused with
 * a message; a date kept is a valid YYYY-MM-DD; a legacy conversion is
 * valid UTF-8 of the length it says. */
#include "vn_article.h"
#include "vn_schema.h"
#include "vn_text.h"
#include "vn_xapian.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void build(const vn_article *a)
{
    static vn_stemmer *stem;
    if (!stem)
        stem = vn_stemmer_new_english(); /* kept for the whole run */
    if (!a->id || !a->body || (a->date && !vn_date_valid(a->date)))
        abort();
    vn_docspec d;
    vn_docspec_init(&d);
    vn_error err;
    if (vn_schema_check(a, &err) == VN_OK) /* as the indexer does */
        vn_schema_build(&d, a, stem, &err);
    vn_docspec_free(&d);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *s = (const char *)data;
    vn_article a;
    vn_error warn, err;
    if (vn_article_from_json(s, size, &a, &warn, &err) == VN_OK) {
        build(&a);
        vn_article_clear(&a);
    } else if (!err.msg[0]) {
        abort();
    }
    if (vn_article_from_plain(s, size, "fuzz/article.txt", &a, &err) == VN_OK) {
        build(&a);
        vn_article_clear(&a);
    }
    /* auto tries every decoder (iconv_open is slow: once per input, not per encoding) */
    size_t n = 0;
    char *u = vn_legacy_to_utf8(s, size, VN_ENC_AUTO, NULL, &n);
    if (u && (strlen(u) != n || !vn_utf8_valid(u, n)))
        abort();
    free(u);
    return 0;
}
