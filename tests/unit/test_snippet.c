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
#include "vn_schema.h"
#include "vn_text.h"
#include "vn_rerank.h"

/* The snippet of `text` by tokenising it whole (rec_body NULL), or
 * through the forward record of an article whose body is rec_body. */
static int all_spellings; /* as vn_snippet_opts says */
static char *snip_via(const char *text, const char *rec_body, const char *query, size_t words, int html)
{
    vn_qparse p;
    vn_error err;
    assert_int_equal(vn_query_parse(query, strlen(query), &p, &err), VN_OK);
    vn_snippet_opts so = {words, html, html ? "<b>" : "[", html ? "</b>" : "]", all_spellings};
    char *s;
    if (!rec_body) {
        s = vn_snippet(text, strlen(text), &p, &so);
    } else {
        vn_docspec d;
        vn_docspec_init(&d);
        char id[] = "s1";
        vn_article a = {id, NULL, NULL, NULL, NULL, NULL, (char *)rec_body};
        assert_int_equal(vn_schema_build(&d, &a, NULL, &err), VN_OK);
        vn_rerank_q rq;
        vn_rerank_q_build(&p, NULL, &rq);
        s = vn_snippet_rec(text, strlen(text), d.words_value.data, d.words_value.len, &p, &rq, &so);
        vn_docspec_free(&d);
    }
    vn_qparse_free(&p);
    return s;
}

/* Both ways must give the same excerpt. */
static char *snip(const char *text, const char *query, size_t words, int html)
{
    char *whole = snip_via(text, NULL, query, words, html), *rec = snip_via(text, text, query, words, html);
    if (strcmp(whole, rec) != 0)
        print_error("query \"%s\":\n tokenised %s\n record    %s\n", query, whole, rec);
    assert_string_equal(whole, rec);
    free(rec);
    return whole;
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
    /* a word typed with marks marks its own spelling, and its letters in
     * a text without marks, as it matched (was: "bão" marked "dự báo",
     * "hà nội" marked "nói") */
    {"Dự báo: cơn bão và tin bao", "bão", 0, "Dự báo: cơn [bão] và tin bao", 0},
    {"Tin bao so 3 do bo vao dat lien", "bão", 0, "Tin [bao] so 3 do bo vao dat lien", 0},
    {"Ông nói về Hà Nội", "hà nội", 0, "Ông nói về [Hà] [Nội]", 0},
    {"Ông nói về Hà Nội", "ha noi", 0, "Ông [nói] về [Hà] [Nội]", 0},
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

/* Widened to every spelling (vn_hits.other_spellings: the search let
 * them in), every spelling is marked. */
static void test_all_spellings(void **state)
{
    (void)state;
    all_spellings = 1;
    char *s = snip("Dự báo: cơn bão và tin bao", "bão", 0, 0);
    assert_string_equal(s, "Dự [báo]: cơn [bão] và tin [bao]");
    free(s);
    s = snip("Chủ tịch Đà Nẵng nói", "Đà Nắng", 0, 0);
    assert_string_equal(s, "Chủ tịch [Đà] [Nẵng] nói");
    free(s);
    all_spellings = 0;
    s = snip("Chủ tịch Đà Nẵng nói", "Đà Nắng", 0, 0);
    assert_string_equal(s, "Chủ tịch [Đà] Nẵng nói");
    free(s);
}

/* Tokenising an outsized text reads it up to VN_SCAN_MAX_BYTES: a word
 * past it is not looked for (was: the whole 0.8 MB tokenised for every
 * hit), one before it is.  The record knows every word, and tokenises
 * only around the window, which may lie past that bound. */
static void test_scan_bound(void **state)
{
    (void)state;
    size_t n = VN_SCAN_MAX_BYTES + 4096;
    char *text = malloc(n + 64);
    for (size_t i = 0; i < n; i += 4)
        memcpy(text + i, "xin ", 4);
    strcpy(text + n, "đà nẵng");
    char *s = snip_via(text, NULL, "đà nẵng", 10, 1);
    assert_null(strstr(s, "<b>"));
    free(s);
    s = snip_via(text, text, "đà nẵng", 10, 1);
    assert_string_equal(s, "… xin xin xin xin xin xin xin xin <b>đà</b> <b>nẵng</b>");
    free(s);
    memcpy(text + 1000, "nẵng  ", 8); /* over "xin xin " */
    s = snip_via(text, NULL, "đà nẵng", 10, 1);
    assert_non_null(strstr(s, "<b>nẵng</b>"));
    assert_null(strstr(s, "<b>đà</b>"));
    free(s);
    s = snip_via(text, text, "đà nẵng", 10, 1); /* the two words side by side weigh more */
    assert_non_null(strstr(s, "<b>đà</b> <b>nẵng</b>"));
    free(s);
    free(text);
}

/* A record that is not the text's (its words do not line up) is not
 * trusted: the text is tokenised. */
static void test_record_mismatch(void **state)
{
    (void)state;
    const char *text = "Một hai ba bốn năm sáu bảy tám chín mười, rồi Hà Nội hôm nay.";
    char *whole = snip_via(text, NULL, "hà nội", 6, 0);
    char *other = snip_via(text, "Hà Nội hôm nay.", "hà nội", 6, 0);
    assert_string_equal(whole, "… tám chín mười, rồi [Hà] [Nội] …");
    assert_string_equal(other, whole);
    free(whole);
    free(other);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_cases), cmocka_unit_test(test_scan_bound),
                                       cmocka_unit_test(test_record_mismatch), cmocka_unit_test(test_all_spellings)};
    return cmocka_run_group_tests_name("snippet", tests, NULL, NULL);
}
