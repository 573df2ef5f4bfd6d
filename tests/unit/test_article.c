/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test_article.c -- the JSON Lines and plain-text article parsers, on the
 * shapes of the real corpus and seed files. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "vn_article.h"

static void test_json_ok(void **state)
{
    (void)state;
    const char *l = "{\"id\": \"rss-1\", \"title\": \"Người chơi\", \"date\": \"2025-08-07\", "
                    "\"source\": \"VnExpress - Công Nghệ\", \"url\": \"https://x/y\", \"body\": \"Một số\\n\\nhai\"}";
    vn_article a;
    vn_error e;
    assert_int_equal(vn_article_from_json(l, strlen(l), &a, NULL, &e), VN_OK);
    assert_string_equal(a.id, "rss-1");
    assert_string_equal(a.title, "Người chơi");
    assert_string_equal(a.date, "2025-08-07");
    assert_string_equal(a.source, "VnExpress - Công Nghệ");
    assert_string_equal(a.body, "Một số\n\nhai");
    vn_article_clear(&a);
    const char *nulls = "{\"id\": \"vnds-1\", \"title\": null, \"date\": null, \"source\": null, \"url\": null, \"body\": \"x\"}";
    assert_int_equal(vn_article_from_json(nulls, strlen(nulls), &a, NULL, &e), VN_OK);
    assert_string_equal(a.title, "");
    assert_null(a.date);
    assert_null(a.source);
    vn_article_clear(&a);
}

static void test_json_bad(void **state)
{
    (void)state;
    static const struct { const char *line, *msg; } bad[] = {
        {"{\"id\": \"a\", \"body\": \"x\"", "malformed JSON"},
        {"[1,2]", "JSON object"},
        {"{\"body\": \"x\"}", "\"id\""},
        {"{\"id\": 7, \"body\": \"x\"}", "\"id\""},
        {"{\"id\": \"\", \"body\": \"x\"}", "\"id\""},
        {"{\"id\": \"a\"}", "\"body\""},
        {"{\"id\": \"a\", \"body\": \"x\", \"title\": 3}", "\"title\""},
        {"{\"id\": \"a\", \"body\": \"\xff\"}", "malformed JSON"},
        {"", "malformed JSON"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        vn_article a;
        vn_error e;
        assert_int_equal(vn_article_from_json(bad[i].line, strlen(bad[i].line), &a, NULL, &e), VN_ERR_INVALID);
        assert_non_null(strstr(e.msg, bad[i].msg));
        assert_null(a.id);
    }
}

static void test_dates(void **state)
{
    (void)state;
    /* ISO 8601 date-times give their date as written (was: the whole
     * article rejected); a date that cannot be read is dropped with a
     * warning, the article kept */
    static const struct { const char *date, *want; } iso[] = {
        {"2025-02-03T10:00:00+07:00", "2025-02-03"}, {"2025-02-03", "2025-02-03"},
        {"2025-02-03 23:59Z", "2025-02-03"},         {"2025-02-03T10:00:00.123-05:30", "2025-02-03"},
        {"22/10/2024", NULL}, {"2024-02-30", NULL},  {"2025-02-03Tnoon", NULL}, {"2025-02-03x", NULL},
        {"", NULL},
    };
    for (size_t i = 0; i < sizeof iso / sizeof iso[0]; i++) {
        char line[256];
        snprintf(line, sizeof line, "{\"id\": \"a\", \"body\": \"x\", \"date\": \"%s\"}", iso[i].date);
        vn_article a;
        vn_error w, e;
        assert_int_equal(vn_article_from_json(line, strlen(line), &a, &w, &e), VN_OK);
        if (iso[i].want) {
            assert_string_equal(a.date, iso[i].want);
            assert_int_equal(w.code, VN_OK);
        } else {
            assert_null(a.date);
            assert_int_equal(w.code, VN_ERR_INVALID);
            assert_non_null(strstr(w.msg, "indexed without a date"));
        }
        assert_string_equal(a.id, "a");
        vn_article_clear(&a);
    }
    assert_true(vn_date_valid("2024-10-22"));
    assert_true(vn_date_valid("2024-02-29"));
    assert_false(vn_date_valid("2023-02-29"));
    assert_false(vn_date_valid("2024-13-01"));
    assert_false(vn_date_valid("2024-1-01"));
    assert_false(vn_date_valid("2024-10-221"));
}

struct plain_case {
    const char *text, *date, *dateline, *source, *title, *body_start, *body_end;
};

static const struct plain_case plain[] = {
    {" date 2024-10-22 HÀ NỘI — Leaders of China sent congratulations to Lương Cường. More text.\n\nLast one. — VNA/VNS",
     "2024-10-22", "HÀ NỘI", "VNA/VNS", "Leaders of China sent congratulations to Lương Cường.", "Leaders", "Last one."},
    {"date 2025-09-03 BEIJING – Vietnamese State President Lương Cường held meetings. Countries (G77). VNS\n",
     "2025-09-03", "BEIJING", "VNS", "Vietnamese State President Lương Cường held meetings.", "Vietnamese", "(G77)."},
    {"HÀ NỘI — China has dispatched a special envoy. Support throughout the Congress. — VNS",
     NULL, "HÀ NỘI", "VNS", "China has dispatched a special envoy.", "China", "Congress."},
    {"No dateline here, and no source at the end", NULL, NULL, NULL,
     "No dateline here, and no source at the end", "No dateline", "at the end"},
    {"The U.S. and the EU — agreed on trade. Talks with NATO", NULL, NULL, NULL, "The U.S.", "The U.S.", "with NATO"},
};

static void test_plain(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof plain / sizeof plain[0]; i++) {
        const struct plain_case *c = &plain[i];
        vn_article a;
        vn_error e;
        assert_int_equal(vn_article_from_plain(c->text, strlen(c->text), "seeds/x.txt", &a, &e), VN_OK);
        assert_string_equal(a.id, "seeds/x.txt");
        if (c->date) assert_string_equal(a.date, c->date); else assert_null(a.date);
        if (c->dateline) assert_string_equal(a.dateline, c->dateline); else assert_null(a.dateline);
        if (c->source) assert_string_equal(a.source, c->source); else assert_null(a.source);
        assert_string_equal(a.title, c->title);
        assert_memory_equal(a.body, c->body_start, strlen(c->body_start));
        size_t bl = strlen(a.body), el = strlen(c->body_end);
        assert_true(bl >= el);
        assert_string_equal(a.body + bl - el, c->body_end);
        vn_article_clear(&a);
    }
}

static void test_plain_bad(void **state)
{
    (void)state;
    vn_article a;
    vn_error e;
    assert_int_equal(vn_article_from_plain(" \n\t", 3, "x", &a, &e), VN_ERR_INVALID);
    assert_int_equal(vn_article_from_plain("text", 4, "", &a, &e), VN_ERR_INVALID);
    /* invalid UTF-8 is repaired, not fatal */
    assert_int_equal(vn_article_from_plain("Hà\xffNội", strlen("Hà\xffNội"), "x", &a, &e), VN_OK);
    assert_string_equal(a.body, "Hà\xEF\xBF\xBDNội");
    vn_article_clear(&a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_json_ok),
        cmocka_unit_test(test_json_bad),
        cmocka_unit_test(test_dates),
        cmocka_unit_test(test_plain),
        cmocka_unit_test(test_plain_bad),
    };
    return cmocka_run_group_tests_name("article", tests, NULL, NULL);
}
