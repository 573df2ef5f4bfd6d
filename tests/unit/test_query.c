/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test_query.c -- the query builder's trees (vn_query.h), without an
 * index: tiers per word, adjacency boosts, syntax, filters, errors. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "vn_query.h"

static void expect_tree(const char *q, const vn_query_opts *o, const char *want)
{
    vn_qarena a;
    vn_qarena_init(&a);
    vn_error err;
    vn_qnode *n = vn_query_build(&a, q, strlen(q), o, &err);
    if (!n)
        print_error("query \"%s\": %s\n", q, err.msg);
    assert_non_null(n);
    char *got = vn_query_describe(n);
    if (strcmp(got, want) != 0)
        print_error("query \"%s\":\n got  %s\n want %s\n", q, got, want);
    assert_string_equal(got, want);
    free(got);
    vn_qarena_free(&a);
}

/* A toned word asks for exact, XT<toneless> and <toneless> (the exact term
 * of untoned words); an untoned marked word's exact term is both tiers. */
static const struct {
    const char *q, *tree;
} cases[] = {
    {"duong", "XFduong"},
    {"dương", "OR(XFduong SCALE2(dương) XTdương)"},
    {"Đường", "OR(XFduong đường XTđương đương)"},
    {"hòa", "OR(XFhoa hoà)"},
    {"hoà", "OR(XFhoa hoà)"},
    {"ha noi", "AND_MAYBE(AND(XFha XFnoi) SCALE3(PHRASE2(XFha XFnoi)))"},
    /* boosts nest (see query_build.c for the Xapian 1.4 reason) */
    {"công an tỉnh",
     "AND_MAYBE(AND_MAYBE(AND_MAYBE(AND(OR(XFcong SCALE2(công) XTcông) XFan OR(XFtinh tỉnh)) "
     "SCALE8(PHRASE3(XFcong XFan XFtinh))) SCALE3(PHRASE2(XFcong XFan))) SCALE3(PHRASE2(XFan XFtinh)))"},
    {"\"hà nội\"", "AND_MAYBE(PHRASE2(XFha XFnoi) OR(OR(XFha hà) OR(XFnoi nội XTnôi nôi)))"},
    {"TP.HCM", "AND_MAYBE(PHRASE2(XFtp XFhcm) OR(XFtp XFhcm))"},
    {"mưa -tĩnh", "AND_NOT(OR(XFmua SCALE2(mưa) XTmưa) tĩnh)"},
    {"mưa -tinh", "AND_NOT(OR(XFmua SCALE2(mưa) XTmưa) XFtinh)"},
    {"title:Cường", "Scuong"},
    {"ha n*", "AND(XFha XFn*)"},
    {"a OR b", "OR(XFa XFb)"},
};

static void test_trees(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        expect_tree(cases[i].q, NULL, cases[i].tree);
}

static void test_filters(void **state)
{
    (void)state;
    vn_query_opts o = {NULL, "2024-01-01", NULL, "Tuổi Trẻ", 0, 0};
    expect_tree("duong", &o, "FILTER(XFduong RANGE(0 20240101..99991231) BOOL(XSRCtuoi tre))");
}

static void test_match_any(void **state)
{
    (void)state;
    vn_query_opts o = {NULL, NULL, NULL, NULL, 0, 1};
    expect_tree("ha noi", &o, "AND_MAYBE(OR(XFha XFnoi) SCALE3(PHRASE2(XFha XFnoi)))");
}

static void test_errors(void **state)
{
    (void)state;
    static const struct {
        const char *q, *msg;
    } bad[] = {{"", "empty"}, {"  \t ", "empty"}, {"!!! ...", "empty"}, {"\"open", "quote"}, {"-x -y", "excluded"}};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        vn_qarena a;
        vn_qarena_init(&a);
        vn_error err;
        assert_null(vn_query_build(&a, bad[i].q, strlen(bad[i].q), NULL, &err));
        assert_int_equal(err.code, VN_ERR_INVALID);
        assert_non_null(strstr(err.msg, bad[i].msg));
        vn_qarena_free(&a);
    }
    vn_query_opts o = {NULL, "22/10/2024", NULL, NULL, 0, 0};
    vn_qarena a;
    vn_qarena_init(&a);
    vn_error err;
    assert_null(vn_query_build(&a, "x", 1, &o, &err));
    assert_non_null(strstr(err.msg, "YYYY-MM-DD"));
    vn_qarena_free(&a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_trees),
        cmocka_unit_test(test_filters),
        cmocka_unit_test(test_match_any),
        cmocka_unit_test(test_errors),
    };
    return cmocka_run_group_tests_name("query", tests, NULL, NULL);
}
