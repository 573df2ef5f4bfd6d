/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test_wordrec.c -- the forward record of a document's words and stage
 * two's key (vn_wordrec.h), on the record vn_schema_build writes: the
 * words side by side as typed rank above the same words apart, above
 * another spelling; fields never join; a quoted phrase counts whole. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vn_schema.h"
#include "vn_rerank.h"

/* The stage-two key of the article (title, body) for `query`, with the
 * aliases `al` (NULL: none). */
static vn_rerank_key key_al(const char *title, const char *body, const char *query, const vn_aliases *al)
{
    vn_docspec d;
    vn_docspec_init(&d);
    char id[] = "t1";
    vn_article a = {id, (char *)title, NULL, NULL, NULL, NULL, (char *)body};
    vn_error e;
    assert_int_equal(vn_schema_build(&d, &a, NULL, &e), VN_OK);
    vn_qparse p;
    assert_int_equal(vn_query_parse(query, strlen(query), &p, &e), VN_OK);
    vn_rerank_q q;
    vn_rerank_q_build(&p, al, &q);
    vn_rerank_key k;
    assert_int_equal(vn_rerank_key_of(&q, d.words_value.data, d.words_value.len, &k), 1);
    vn_qparse_free(&p);
    vn_docspec_free(&d);
    return k;
}

static vn_rerank_key key_of(const char *title, const char *body, const char *query)
{
    return key_al(title, body, query, NULL);
}

/* Pairs of articles (title, body) where the first must rank above the
 * second for the query, and the key either expects. */
static const struct {
    const char *query;
    const char *t1, *b1, *t2, *b2;
    unsigned run1, tier1, run2, tier2;
} above[] = {
    /* the examples, as v2 ranked them on vi-news.jsonl */
    {"hàng hải theo nguyên", "", "Cục hàng hải theo nguyên tắc chung.", "",
     "Luật hàng hải theo luật mới, nguyên văn như sau.", 4, 12, 3, 9},
    {"ông Ushakov cho biết", "", "Ông Ushakov cho biết hôm qua.", "", "Ông Ushakov cho hay rằng biết trước.", 4, 12, 3, 9},
    /* typed with marks: the spelling typed ranks above another spelling */
    {"bảo với", "", "Ông bảo với chúng tôi.", "", "Báo với cơ quan.", 2, 6, 2, 4},
    /* ... and text without marks sits between */
    {"bão", "", "Cơn bão số 3.", "", "Tin du bao thoi tiet.", 1, 3, 1, 2},
    {"bão", "", "tin bao moi", "", "Dự báo thời tiết.", 1, 2, 1, 1},
    /* ... but "bao" in a Vietnamese article is another spelling */
    {"bão", "", "Cơn bão số 3.", "", "Bao nhiêu người đã đến đây rồi.", 1, 3, 1, 1},
    /* typed without marks: every spelling is as typed */
    {"ha noi", "", "Hà Nội mùa thu.", "", "Hà Giang và Nội Bài.", 2, 6, 1, 3},
    /* the title and the body never make one run */
    {"hà nội", "Tin", "Hà Nội hôm nay.", "Về Hà", "Nội dung.", 2, 6, 1, 3},
    /* two words apart are two runs of one */
    {"công an", "", "Công an tỉnh.", "", "Công nhân và an ninh.", 2, 6, 1, 3},
};

static void test_above(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof above / sizeof above[0]; i++) {
        vn_rerank_key a = key_of(above[i].t1, above[i].b1, above[i].query);
        vn_rerank_key b = key_of(above[i].t2, above[i].b2, above[i].query);
        if (a.run != above[i].run1 || a.tier != above[i].tier1 || b.run != above[i].run2 || b.tier != above[i].tier2)
            fail_msg("case %zu (%s): keys %u/%u and %u/%u", i, above[i].query, a.run, a.tier, b.run, b.tier);
        assert_int_equal(a.units, a.run); /* no aliases: a unit is a word */
        assert_int_equal(b.units, b.run);
        assert_true(vn_rerank_key_cmp(&a, &b) > 0);
        assert_true(vn_rerank_key_cmp(&b, &a) < 0);
    }
}

/* A quoted phrase of three words counts whole, not pair by pair; a word
 * after an OR starts a new run. */
static void test_phrases_and_breaks(void **state)
{
    (void)state;
    vn_rerank_key whole = key_of("", "Ông Nguyễn Văn An nói.", "\"nguyễn văn an\"");
    vn_rerank_key pairs = key_of("", "Ông Nguyễn Văn Bình và Văn An.", "\"nguyễn văn an\"");
    assert_int_equal(whole.phrases, 1);
    assert_int_equal(pairs.phrases, 0);
    assert_int_equal(pairs.run, 2);
    assert_true(vn_rerank_key_cmp(&whole, &pairs) > 0);
    /* the run as typed: Đà Nẵng is a run of two for "Đà Nắng", as typed of one */
    vn_rerank_key dn = key_of("", "Biển Đà Nẵng xanh.", "Đà Nắng");
    assert_int_equal(dn.run, 2);
    assert_int_equal(dn.typed, 1);
    dn = key_of("", "Biển Đà Nẵng xanh.", "đà nẵng");
    assert_int_equal(dn.typed, 2);
    vn_rerank_key or = key_of("", "bão lũ về", "bão OR lũ");
    assert_int_equal(or.run, 1);
    vn_rerank_key neg = key_of("", "bão lũ về", "bão -mưa lũ");
    assert_int_equal(neg.run, 1);
}

/* An alias group is one unit of a run, whichever of its forms a document
 * writes; another form counts one level a word (issue 24, item 4: "kẹt xe
 * thành phố hồ chí minh" ranked articles with the name and "kẹt xe" apart
 * above "kẹt xe" at TP.HCM, a run of 5 words against 2). */
static void test_aliases(void **state)
{
    (void)state;
    static const char file[] = "TP.HCM | TPHCM | Thành phố Hồ Chí Minh | Sài Gòn\n";
    vn_aliases *al;
    vn_error e;
    assert_int_equal(vn_aliases_parse(file, strlen(file), "t", &al, &e), VN_OK);
    static const struct {
        const char *query, *body;
        unsigned units, tier;
    } cases[] = {
        {"kẹt xe sài gòn", "Kẹt xe ở TP.HCM.", 2, 6},
        {"kẹt xe sài gòn", "Kẹt xe TP.HCM sáng nay.", 3, 8}, /* TP.HCM stands for sài gòn, one level a word */
        {"kẹt xe sài gòn", "Kẹt xe TP. HCM sáng nay.", 3, 8},
        {"kẹt xe sài gòn", "Kẹt xe TPHCM sáng nay.", 3, 8},
        {"kẹt xe sài gòn", "Kẹt xe Thành phố Hồ Chí Minh.", 3, 8},
        {"kẹt xe sài gòn", "Kẹt xe Sài Gòn.", 3, 12},
        {"kẹt xe sài gòn", "Kẹt xe Sài Hòn.", 2, 6}, /* half a name is none */
        {"kẹt xe sài gòn", "Kẹt xe Thành phố Hồ.", 2, 6},
        {"sài gòn kẹt xe", "Gòn kẹt xe.", 2, 9},     /* a group cut at the run's start: the words only */
        {"sài gòn kẹt xe", "TP.HCM kẹt xe.", 3, 8},
        {"kẹt xe thành phố hồ chí minh", "Thành phố Hồ Chí Minh đẹp. Kẹt xe.", 2, 6},
        {"kẹt xe thành phố hồ chí minh", "Kẹt xe ở TP.HCM.", 2, 6},
        {"kẹt xe thành phố hồ chí minh", "Kẹt xe Sài Gòn.", 3, 11}, /* 5 words stood for */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        vn_rerank_key k = key_al("", cases[i].body, cases[i].query, al);
        if (k.units != cases[i].units || k.tier != cases[i].tier)
            fail_msg("case %zu (%s | %s): units %u tier %u", i, cases[i].query, cases[i].body, k.units, k.tier);
    }
    /* the name with "kẹt xe" apart no longer outranks "kẹt xe" at TP.HCM */
    vn_rerank_key apart = key_al("", "Thành phố Hồ Chí Minh đẹp. Kẹt xe.", "kẹt xe thành phố hồ chí minh", al);
    vn_rerank_key alias = key_al("", "Kẹt xe ở TP.HCM.", "kẹt xe thành phố hồ chí minh", al);
    assert_int_equal(vn_rerank_key_cmp(&apart, &alias), 0);
    /* the best key: the group one unit, every word as typed */
    vn_qparse p;
    assert_int_equal(vn_query_parse("kẹt xe sài gòn", strlen("kẹt xe sài gòn"), &p, &e), VN_OK);
    vn_rerank_q q;
    assert_int_equal(vn_rerank_q_build(&p, al, &q), 4);
    vn_rerank_key best;
    vn_rerank_key_best(&q, &best);
    assert_int_equal(best.units, 3);
    assert_int_equal(best.tier, 12);
    assert_int_equal(best.run, 4);
    vn_qparse_free(&p);
    vn_aliases_free(al);
}

/* What stage two cannot read: no words, a damaged record. */
static void test_damaged(void **state)
{
    (void)state;
    vn_qparse p;
    vn_error e;
    assert_int_equal(vn_query_parse("hà nội", 8, &p, &e), VN_OK);
    vn_rerank_q q;
    assert_int_equal(vn_rerank_q_build(&p, NULL, &q), 2);
    vn_rerank_key k;
    static const struct {
        const char *b;
        size_t n;
    } bad[] = {{"", 0},                           /* none */
               {"\x02\x00\x00\x00", 4},          /* another version */
               {"\x01", 1},                       /* no flags */
               {"\x01\x00\x7f", 3},               /* 127 entries, none there */
               {"\x01\x00\x01\x01\x02", 5},       /* an entry cut short */
               {"\x01\x00\xff\xff\xff\xff", 6},  /* a count that never ends */
               {"\x01\x00\x00\x01\x05\x01", 6}}; /* a stream of 5 bytes in 1 */
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_int_equal(vn_rerank_key_of(&q, bad[i].b, bad[i].n, &k), 0);
        assert_int_equal(k.run, 0);
    }
    /* a stream item naming an entry past the dictionary */
    const char past[] = {1, 0, 1, 1, 2, 3, 4, 1, 1, 5};
    assert_int_equal(vn_rerank_key_of(&q, past, sizeof past, &k), 0);
    vn_qparse_free(&p);
    assert_int_equal(vn_query_parse("-bão", 5, &p, &e), VN_ERR_INVALID);
    assert_int_equal(vn_query_parse("tphcm*", 6, &p, &e), VN_OK);
    assert_int_equal(vn_rerank_q_build(&p, NULL, &q), 0); /* a prefix: nothing to compare */
    vn_qparse_free(&p);
}

/* Where the words stand, and how each occurrence is spelled: what
 * "did you mean" counts instead of tokenising the documents. */
static void test_occurrences(void **state)
{
    (void)state;
    vn_docspec d;
    vn_docspec_init(&d);
    char id[] = "t1", title[] = "Hà Nội mùa thu", body[] = "Về Hà Nội, rồi hà nội, rồi Hà Nôi và Hà Nam.";
    vn_article a = {id, title, NULL, NULL, NULL, NULL, body};
    vn_error e;
    assert_int_equal(vn_schema_build(&d, &a, NULL, &e), VN_OK);
    vn_qparse p;
    assert_int_equal(vn_query_parse("\"ha noi\"", 8, &p, &e), VN_OK);
    vn_rerank_q q;
    vn_rerank_q_build(&p, NULL, &q);
    vn_rerank_occ occ[8];
    long n = vn_rerank_occurrences(&q, d.words_value.data, d.words_value.len, occ, 8);
    assert_int_equal(n, 4);
    assert_int_equal(occ[0].field, 0); /* the title's, word 0 */
    assert_int_equal(occ[0].word, 0);
    assert_int_equal(occ[1].field, 2); /* the body's: words 1, 4, 7 */
    assert_int_equal(occ[1].word, 1);
    assert_int_equal(occ[2].word, 4);
    assert_int_equal(occ[3].word, 7);
    assert_true(occ[0].spelling == occ[1].spelling && occ[1].spelling == occ[2].spelling); /* hà nội (case aside) */
    assert_true(occ[3].spelling != occ[1].spelling);                                      /* hà nôi */
    assert_int_equal(vn_rerank_occurrences(&q, d.words_value.data, d.words_value.len, occ, 2), 2);
    assert_int_equal(vn_rerank_occurrences(&q, "\x02", 1, occ, 8), -1);
    vn_qparse_free(&p);
    vn_docspec_free(&d);
}

/* The body's checkpoints: where tokenising may start for a word. */
static void test_checkpoints(void **state)
{
    (void)state;
    vn_buf body = VN_BUF_INIT;
    for (int i = 0; i < 100; i++)
        vn_buf_printf(&body, "%sxin%d", i ? " " : "", i); /* xin0 .. xin99: word i at its own offset */
    vn_docspec d;
    vn_docspec_init(&d);
    char id[] = "t1", title[] = "Tiêu đề dài";
    vn_article a = {id, title, NULL, NULL, NULL, NULL, body.data};
    vn_error e;
    assert_int_equal(vn_schema_build(&d, &a, NULL, &e), VN_OK);
    size_t off, at;
    for (size_t w = 0; w < 100; w += 7) {
        assert_int_equal(vn_wordrec_body_checkpoint(d.words_value.data, d.words_value.len, w, &off, &at), 1);
        assert_int_equal(at, w / VN_WORDREC_CHECK * VN_WORDREC_CHECK);
        char want[16];
        snprintf(want, sizeof want, "xin%zu", at);
        assert_memory_equal(body.data + off, want, strlen(want));
    }
    assert_int_equal(vn_wordrec_body_checkpoint("\x02\x00", 2, 0, &off, &at), 0);
    vn_docspec_free(&d);
    vn_buf_free(&body);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_above), cmocka_unit_test(test_phrases_and_breaks),
                                       cmocka_unit_test(test_damaged), cmocka_unit_test(test_checkpoints),
                                       cmocka_unit_test(test_occurrences), cmocka_unit_test(test_aliases)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
