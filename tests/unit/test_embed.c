/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test_embed.c -- the public embedding API (vnsearch.h only): add,
 * commit, search, get, delete, reopen, in one process. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "vnsearch.h"

static void test_round_trip(void **state)
{
    (void)state;
    char tmpl[] = "/tmp/vn-test-embed-XXXXXX", dir[64];
    assert_non_null(mkdtemp(tmpl));
    snprintf(dir, sizeof dir, "%s/idx", tmpl);
    assert_string_equal(VNSEARCH_VERSION, "0.1.0");

    vn_error err;
    vn_indexer *ix;
    vn_index_opts o = {.threads = 1};
    assert_int_equal(vn_indexer_open(dir, &o, &ix, &err), VN_OK);
    char id1[] = "e1", t1[] = "Thủy điện Hòa Bình", b1[] = "Nhà máy thủy điện Hòa Bình xả lũ.";
    char id2[] = "e2", t2[] = "Hà Nội", b2[] = "Hà Nội mưa to.";
    vn_article a1 = {id1, t1, NULL, NULL, NULL, NULL, b1}, a2 = {id2, t2, NULL, NULL, NULL, NULL, b2};
    assert_int_equal(vn_indexer_add(ix, &a1, &err), VN_OK);
    assert_int_equal(vn_indexer_add(ix, &a2, &err), VN_OK);
    assert_int_equal(vn_indexer_commit(ix, &err), VN_OK);

    vn_searcher *s;
    assert_int_equal(vn_searcher_open(dir, &s, &err), VN_OK);
    vn_hits *h;
    assert_int_equal(vn_search(s, "thuỷ điện hoà bình", NULL, &h, &err), VN_OK);
    assert_int_equal(h->n, 1);
    assert_string_equal(h->hit[0].id, "e1");
    vn_hits_free(h);
    char *json;
    assert_int_equal(vn_searcher_get_json(s, "e2", &json, &err), VN_OK);
    assert_non_null(strstr(json, "\"body\":\"Hà Nội mưa to.\""));
    free(json);
    assert_int_equal(vn_searcher_get_json(s, "nope", &json, &err), VN_ERR_NOTFOUND);
    assert_null(json);

    /* delete, commit: the reader sees it after reopen */
    assert_int_equal(vn_indexer_delete(ix, "e2", &err), VN_OK);
    assert_int_equal(vn_indexer_delete(ix, "never-there", &err), VN_OK);
    assert_int_equal(vn_indexer_commit(ix, &err), VN_OK);
    int changed = 0;
    assert_int_equal(vn_searcher_reopen(s, &changed, &err), VN_OK);
    assert_true(changed);
    uint64_t docs, rev;
    assert_int_equal(vn_searcher_info(s, &docs, &rev, &err), VN_OK);
    assert_int_equal(docs, 1);
    assert_int_equal(vn_search(s, "ha noi", NULL, &h, &err), VN_OK);
    assert_int_equal(h->n, 0);
    vn_hits_free(h);
    assert_int_equal(vn_indexer_finish(ix, &err), VN_OK);
    assert_int_equal(vn_indexer_stats(ix)->deleted, 1);
    vn_indexer_close(ix);
    assert_string_equal(vn_status_name(VN_ERR_LOCKED), "locked");
    vn_searcher_close(s);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", tmpl);
    assert_int_equal(system(cmd), 0);
}

/* Every public entry point checks its arguments: a NULL where an object is
 * wanted, an article without a body (crashed in strlen), an id holding a
 * tab or newline (written, then never addressable by GET or DELETE). */
static void test_bad_arguments(void **state)
{
    (void)state;
    char tmpl[] = "/tmp/vn-test-embed-XXXXXX", dir[64];
    assert_non_null(mkdtemp(tmpl));
    snprintf(dir, sizeof dir, "%s/idx", tmpl);
    vn_error err;
    vn_indexer *ix;
    vn_index_opts o = {.threads = 1};
    assert_int_equal(vn_indexer_open(NULL, &o, &ix, &err), VN_ERR_INVALID);
    assert_int_equal(vn_indexer_open(dir, &o, NULL, &err), VN_ERR_INVALID);
    assert_int_equal(vn_indexer_open(dir, &o, &ix, &err), VN_OK);
    char id[] = "e1", t[] = "Tiêu đề", b[] = "Nội dung.", tab[] = "a\tb", nl[] = "a\nb";
    vn_article nobody = {id, t, NULL, NULL, NULL, NULL, NULL};
    assert_int_equal(vn_indexer_add(ix, &nobody, &err), VN_ERR_INVALID);
    assert_non_null(strstr(err.msg, "no body"));
    vn_article withtab = {tab, t, NULL, NULL, NULL, NULL, b}, withnl = {nl, t, NULL, NULL, NULL, NULL, b};
    assert_int_equal(vn_indexer_add(ix, &withtab, &err), VN_ERR_INVALID);
    assert_non_null(strstr(err.msg, "control character"));
    assert_int_equal(vn_indexer_add(ix, &withnl, &err), VN_ERR_INVALID);
    assert_int_equal(vn_indexer_add(ix, NULL, &err), VN_ERR_INVALID);
    /* the fields are const: string literals, as a C or C++ caller writes them */
    vn_article lit = {.id = "e9", .title = "Tiêu đề", .body = NULL};
    assert_int_equal(vn_indexer_add(ix, &lit, &err), VN_ERR_INVALID);
    lit.body = "Nội dung.";
    lit.id = NULL;
    assert_int_equal(vn_indexer_add(ix, &lit, &err), VN_ERR_INVALID);
    lit.id = "e9";
    assert_int_equal(vn_indexer_add(ix, &lit, &err), VN_OK);
    assert_int_equal(vn_indexer_add(NULL, &nobody, NULL), VN_ERR_INVALID);
    assert_int_equal(vn_indexer_delete(ix, NULL, &err), VN_ERR_INVALID);
    assert_int_equal(vn_indexer_add_path(ix, NULL, &err), VN_ERR_INVALID);
    assert_int_equal(vn_indexer_commit(NULL, &err), VN_ERR_INVALID);
    assert_int_equal(vn_indexer_finish(ix, &err), VN_OK);
    assert_int_equal(vn_indexer_stats(ix)->added, 1);
    vn_indexer_close(ix);
    /* a first build on two threads (the default) checks the same way */
    char dir2[80];
    snprintf(dir2, sizeof dir2, "%s/idx2", tmpl);
    assert_int_equal(vn_indexer_open(dir2, NULL, &ix, &err), VN_OK);
    lit.body = NULL;
    assert_int_equal(vn_indexer_add(ix, &lit, &err), VN_ERR_INVALID);
    assert_non_null(strstr(err.msg, "no body"));
    vn_indexer_close(ix);
    vn_searcher *s;
    assert_int_equal(vn_searcher_open(NULL, &s, &err), VN_ERR_INVALID);
    assert_int_equal(vn_searcher_open(dir, &s, &err), VN_OK);
    vn_hits *h;
    assert_int_equal(vn_search(s, NULL, NULL, &h, &err), VN_ERR_INVALID);
    assert_int_equal(vn_search(NULL, "x", NULL, &h, &err), VN_ERR_INVALID);
    char **items;
    size_t n;
    assert_int_equal(vn_suggest(s, NULL, 5, &items, &n, &err), VN_ERR_INVALID);
    char *out;
    assert_int_equal(vn_restore(s, NULL, &out, &err), VN_ERR_INVALID);
    assert_int_equal(vn_searcher_get_json(s, NULL, &out, &err), VN_ERR_INVALID);
    vn_searcher_close(s);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", tmpl);
    assert_int_equal(system(cmd), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_round_trip), cmocka_unit_test(test_bad_arguments)};
    return cmocka_run_group_tests_name("embed", tests, NULL, NULL);
}
