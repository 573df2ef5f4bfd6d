/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test_snippet.c -- excerpts from the parsed query (vn_snippet.h): folded
 * matches marked, phrases marked only where whole and centred on,
 * excluded words never marked, one line always. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "vn_snippet.h"
#include "vn_text.h"

static char *snip(const char *text, const char *query, size_t words, int html)
{
    vn_qparse p;
    vn_error err;
    assert_int_equal(vn_query_parse(query, strlen(query), &p, &err), VN_OK);
    char *s = vn_snippet(text, strlen(text), &p, words, html, html ? "<b>" : "[", html ? "</b>" : "]");
    vn_qparse_free(&p);
    return s;
}

static const struct {
    const char *text, *query;
    size_t words;
    const char *want;
    int html;
} cases[] = {
    /* folded matching both ways, one line */
    {"Chủ tịch nước Lương Cường tiếp\nđoàn.", "luong cuong", 0, "Chủ tịch nước [Lương] [Cường] tiếp đoàn.", 0},
    /* excluded words are never marked (was: công an -"hà nội" marked nội) */
    {"Công an Hà Nội nói rằng", "công an -\"hà nội\"", 0, "[Công] [an] Hà Nội nói rằng", 0},
    {"Công an Hà Nội nói rằng", "công an -nói", 0, "[Công] [an] Hà Nội nói rằng", 0},
    /* a phrase is marked where whole, and the excerpt centres on it (was:
     * "Bác [Hồ]…" for "thành phố hồ chí minh") */
    {"Bác Hồ đi thăm chí sĩ ở thành phố cảng một hai ba bốn năm sáu bảy tám chín mười mười một mười hai "
     "ở Thành phố Hồ Chí Minh hôm nay.",
     "\"thành phố hồ chí minh\"", 8, "… mười hai ở [Thành] [phố] [Hồ] [Chí] [Minh] …", 0},
    /* an abbreviation where it is written in two */
    {"Giá đất ở TP. HCM giảm.", "TPHCM", 0, "Giá đất ở [TP]. [HCM] giảm.", 0},
    /* a prefix */
    {"Phạm Thu Hằng nói", "pham thu hang*", 0, "[Phạm] [Thu] [Hằng] nói", 0},
    /* the operators and field names are not words */
    {"Tiêu đề và title khác", "title:\"tiêu đề\" OR khác", 0, "[Tiêu] [đề] và title [khác]", 0},
    /* HTML: the article's own markup is escaped, only the markers are tags
     * (was: <img ... onerror=alert(1)> verbatim beside <b>tăng</b>) */
    {"<img onerror=x> tăng & \"giảm\" 'nhẹ'", "tăng", 0,
     "img onerror=x&gt; <b>tăng</b> &amp; &quot;giảm&quot; &#39;nhẹ&#39;", 1},
    {"a <b>tăng</b>", "tăng", 0, "a &lt;b&gt;<b>tăng</b>&lt;/b&gt;", 1},
    /* text: as written */
    {"a <b>tăng</b>", "tăng", 0, "a <b>[tăng]</b>", 0},
};

static void test_cases(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *got = snip(cases[i].text, cases[i].query, cases[i].words, cases[i].html);
        if (strcmp(got, cases[i].want) != 0)
            print_error("query \"%s\":\n got  %s\n want %s\n", cases[i].query, got, cases[i].want);
        assert_string_equal(got, cases[i].want);
        free(got);
    }
}

/* An outsized text is read up to VN_SCAN_MAX_BYTES: a word past it is not
 * looked for (was: the whole 0.8 MB tokenised for every hit), one before
 * it is. */
static void test_scan_bound(void **state)
{
    (void)state;
    size_t n = VN_SCAN_MAX_BYTES + 4096;
    char *text = malloc(n + 64);
    for (size_t i = 0; i < n; i += 4)
        memcpy(text + i, "xin ", 4);
    strcpy(text + n, "đà nẵng");
    char *s = snip(text, "đà nẵng", 10, 1);
    assert_null(strstr(s, "<b>"));
    free(s);
    memcpy(text + 1000, "nẵng  ", 8); /* over "xin xin " */
    s = snip(text, "đà nẵng", 10, 1);
    assert_non_null(strstr(s, "<b>nẵng</b>"));
    free(s);
    free(text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_cases), cmocka_unit_test(test_scan_bound)};
    return cmocka_run_group_tests_name("snippet", tests, NULL, NULL);
}
