/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test_schema.c -- the index schema: which terms an article gets, and that
 * NFD articles get exactly the terms of their NFC twins (the 50 fixture
 * pairs always; the 300 of ../shared/corpus when it is there). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vn_schema.h"
#include "vn_xapian.h"

/* Does the docspec hold `term` (any kind)? */
static int has_term(const vn_docspec *d, const char *term)
{
    for (size_t i = 0; i < d->n; i++)
        if (strlen(term) == d->t[i].len && memcmp(d->terms.data + d->t[i].off, term, d->t[i].len) == 0)
            return 1;
    return 0;
}

static void build(vn_docspec *d, const char *json, vn_stemmer *st)
{
    vn_article a;
    vn_error e;
    assert_int_equal(vn_article_from_json(json, strlen(json), &a, NULL, &e), VN_OK);
    assert_int_equal(vn_schema_build(d, &a, st, &e), VN_OK);
    vn_article_clear(&a);
}

static void test_terms(void **state)
{
    (void)state;
    vn_docspec d;
    vn_docspec_init(&d);
    vn_stemmer *st = vn_stemmer_new_english();
    build(&d, "{\"id\":\"a1\",\"title\":\"Đường về Hà Nội\",\"date\":\"2024-10-22\",\"source\":\"VnExpress - Thời sự\","
              "\"body\":\"Ông Lương Cường hoà giải ở thủy điện.\"}", st);
    assert_string_equal(d.idterm, "Qa1");
    static const char *want[] = {"XFduong", "đường", "XFha", "hà", "XFnoi", "nội",
                                 "Sduong", "Snoi", "Sđường", "Snội", "XSPha noi", "XPduong ve", "XPha noi",
                                 "XFluong", "lương", "XFcuong", "cường", "XPluong cuong",
                                 "hoà", "thuỷ", "XFong", "ông", "D20241022", "M202410", "Y2024",
                                 "XSRCvnexpress thoi su"};
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        if (!has_term(&d, want[i]))
            print_error("missing term %s\n", want[i]);
        assert_true(has_term(&d, want[i]));
    }
    /* no toneless terms (the query asks for the tones of the exact
     * spelling); no exact term for ASCII words */
    assert_false(has_term(&d, "XTđương"));
    assert_false(has_term(&d, "XTnôi"));
    assert_false(has_term(&d, "ong"));
    assert_false(has_term(&d, "hòa"));
    assert_false(has_term(&d, "thủy"));
    assert_false(d.english);
    assert_false(has_term(&d, "Zong"));
    assert_string_equal(d.date_value, "20241022");
    assert_int_equal(strlen(d.hash_value), 16);
    /* no pair spans title and body; pairs are within the body's words */
    assert_false(has_term(&d, "XPnoi ong"));
    /* dotted abbreviations are also one word, and the dateline is searchable */
    build(&d, "{\"id\":\"t\",\"title\":\"\",\"body\":\"Ở TP.HCM và U.S.A, năm 2024.\"}", NULL);
    assert_true(has_term(&d, "XFtphcm"));
    assert_true(has_term(&d, "XPtp hcm"));
    assert_true(has_term(&d, "XFusa"));
    assert_false(has_term(&d, "XFhcmva"));
    vn_article pa;
    vn_error pe;
    const char plain[] = "HÀ NỘI — Công an thành phố cho biết.";
    assert_int_equal(vn_article_from_plain(plain, sizeof plain - 1, "p1", &pa, &pe), VN_OK);
    assert_int_equal(vn_schema_build(&d, &pa, NULL, &pe), VN_OK);
    assert_true(has_term(&d, "XDLha"));
    assert_true(has_term(&d, "XDLnoi"));
    assert_true(has_term(&d, "XPha noi"));
    assert_true(has_term(&d, "nội"));
    assert_false(has_term(&d, "XPnoi cong")); /* dateline and body are apart */
    vn_article_clear(&pa);
    /* English text gets stems */
    build(&d, "{\"id\":\"e\",\"title\":\"\",\"body\":\"Vietnamese State President Lương Cường held meetings with leaders of several countries attending the anniversary in Beijing\"}", st);
    assert_true(d.english);
    assert_true(has_term(&d, "Zmeet"));
    assert_true(has_term(&d, "Zleader"));
    assert_true(has_term(&d, "cường"));
    vn_stemmer_free(st);
    vn_docspec_free(&d);
}

static void test_hash_changes(void **state)
{
    (void)state;
    vn_docspec d;
    vn_docspec_init(&d);
    build(&d, "{\"id\":\"a\",\"title\":\"t\",\"body\":\"một\"}", NULL);
    char h1[17];
    memcpy(h1, d.hash_value, 17);
    build(&d, "{\"id\":\"a\",\"title\":\"t\",\"body\":\"một\"}", NULL);
    assert_string_equal(h1, d.hash_value);
    build(&d, "{\"id\":\"a\",\"title\":\"t\",\"body\":\"mốt\"}", NULL);
    assert_string_not_equal(h1, d.hash_value);
    vn_docspec_free(&d);
}

/* Serialise a docspec's terms (kind, wdf, bytes) for comparison. */
static char *term_dump(const vn_docspec *d)
{
    vn_buf b = VN_BUF_INIT;
    for (size_t i = 0; i < d->n; i++)
        vn_buf_printf(&b, "%d %u %s\n", d->t[i].kind, d->t[i].wdf, d->terms.data + d->t[i].off);
    return vn_buf_take(&b);
}

/* Compare every NFD article of `nfd_path` with its twin (same id) among
 * the lines of `nfc_path`.  Returns the number of pairs compared. */
static size_t compare_twins(const char *nfd_path, const char *nfc_path)
{
    FILE *f = fopen(nfd_path, "r");
    assert_non_null(f);
    char *line = NULL;
    size_t cap = 0, pairs = 0;
    ssize_t n;
    /* ids and term dumps of the NFD side */
    char **ids = NULL, **dumps = NULL;
    size_t nids = 0;
    vn_docspec d;
    vn_docspec_init(&d);
    while ((n = getline(&line, &cap, f)) > 0) {
        vn_article a;
        vn_error e;
        assert_int_equal(vn_article_from_json(line, (size_t)n, &a, NULL, &e), VN_OK);
        assert_int_equal(vn_schema_build(&d, &a, NULL, &e), VN_OK);
        ids = realloc(ids, (nids + 1) * sizeof *ids);
        dumps = realloc(dumps, (nids + 1) * sizeof *dumps);
        ids[nids] = strdup(a.id);
        dumps[nids++] = term_dump(&d);
        vn_article_clear(&a);
    }
    fclose(f);
    f = fopen(nfc_path, "r");
    assert_non_null(f);
    while ((n = getline(&line, &cap, f)) > 0) {
        /* cheap id check before parsing: lines start {"id": "..." */
        size_t k;
        for (k = 0; k < nids; k++)
            if (ids[k] && strncmp(line + 8, ids[k], strlen(ids[k])) == 0 && line[8 + strlen(ids[k])] == '"')
                break;
        if (k == nids)
            continue;
        vn_article a;
        vn_error e;
        assert_int_equal(vn_article_from_json(line, (size_t)n, &a, NULL, &e), VN_OK);
        assert_int_equal(vn_schema_build(&d, &a, NULL, &e), VN_OK);
        char *dump = term_dump(&d);
        if (strcmp(dump, dumps[k]) != 0)
            print_error("article %s: NFD and NFC terms differ\n", a.id);
        assert_string_equal(dump, dumps[k]);
        free(dump);
        free(ids[k]);
        ids[k] = NULL; /* each twin once */
        pairs++;
        vn_article_clear(&a);
    }
    fclose(f);
    for (size_t k = 0; k < nids; k++) {
        free(ids[k]);
        free(dumps[k]);
    }
    free(ids);
    free(dumps);
    free(line);
    vn_docspec_free(&d);
    return pairs;
}

static void test_nfd_twins_fixture(void **state)
{
    (void)state;
    assert_int_equal(compare_twins("tests/data/nfd-50.jsonl", "tests/data/nfc-50.jsonl"), 50);
}

static char shared_nfd[1024], shared_nfc[1024];

static void test_nfd_twins_shared(void **state)
{
    (void)state;
    assert_int_equal(compare_twins(shared_nfd, shared_nfc), 300);
}

/* A word of two i/y spellings is indexed in its usual form, with a term
 * saying which spelling was written: the one typed ranks a tier above. */
static void test_iy_terms(void **state)
{
    (void)state;
    vn_article a = {(char *)"iy1", (char *)"Quản lí", NULL, NULL, NULL, NULL, (char *)"Lý do kĩ thuật, lo âu."};
    vn_docspec d;
    vn_docspec_init(&d);
    vn_error err;
    assert_int_equal(vn_schema_build(&d, &a, NULL, &err), VN_OK);
    const char *want[] = {"lý", "XFly", "XYlý1", "XYlý0", "kỹ", "XYkỹ1", "XPquan ly"};
    for (size_t k = 0; k < sizeof want / sizeof want[0]; k++)
        assert_true(has_term(&d, want[k]));
    assert_false(has_term(&d, "lí"));
    assert_false(has_term(&d, "XYkỹ0")); /* kỹ was not written */
    assert_false(has_term(&d, "XYlo0")); /* lo is no word of two spellings */
    vn_docspec_free(&d);
}

/* The signature of a body's words (tokenised here), or 0. */
static int sig_of(const char *text, uint32_t sig[VN_MINHASH_K])
{
    vn_tokens t;
    vn_tokens_init(&t);
    vn_tokenize(&t, text, strlen(text), 0);
    int ok = vn_minhash(&t, 0, t.n, sig);
    vn_tokens_free(&t);
    return ok;
}

/* MinHash: a copy with another first sentence and a paragraph dropped
 * stays alike, marks and case aside; another story does not; a short
 * body has none; band terms in the document; stored and read back. */
static void test_minhash(void **state)
{
    (void)state;
    const char *p1 = "Sáng nay một con cá voi dài khoảng mười lăm mét dạt vào bờ biển xã Bình Hải, huyện Bình Sơn.";
    const char *p2 = "Người dân cùng bộ đội biên phòng đã dùng dây thừng và phao để đưa con vật ra vùng nước sâu, "
                     "sau gần bốn giờ nỗ lực con cá voi đã bơi ra khơi trong sự vui mừng của bà con ngư dân.";
    const char *p3 = "Cơ quan chức năng khuyến cáo người dân không tự ý tiếp cận khi gặp động vật biển quý hiếm "
                     "mắc cạn mà báo ngay cho chính quyền địa phương và đồn biên phòng gần nhất để được hướng dẫn.";
    const char *p4 = "Đây là lần thứ ba trong năm nay cá voi dạt vào bờ biển tỉnh này, các lần trước đều được cứu.";
    char a[2048], b[2048], c[2048];
    snprintf(a, sizeof a, "%s\n\n%s\n\n%s\n\n%s", p1, p2, p3, p4);
    snprintf(b, sizeof b, "MỘT CON CA VOI LON VUA MAC CAN.\n\n%s\n\n%s", p2, p3); /* first sentence, p4 gone, no marks */
    snprintf(c, sizeof c, "%s %s", "Giá vàng hôm nay tăng mạnh khi thị trường thế giới biến động, nhiều người mua vào "
                                   "chờ giá lên thêm trong những ngày tới, các doanh nghiệp kinh doanh vàng cho biết "
                                   "lượng khách đến giao dịch tăng gấp đôi so với tuần trước.", p4);
    uint32_t sa[VN_MINHASH_K], sb[VN_MINHASH_K], sc[VN_MINHASH_K], back[VN_MINHASH_K];
    assert_true(sig_of(a, sa) && sig_of(b, sb) && sig_of(c, sc));
    assert_true(vn_minhash_similar(sa, sb) >= VN_COPY_SIMILAR);
    assert_true(vn_minhash_similar(sa, sc) < 0.3);
    assert_false(sig_of(p4, back)); /* 20 words: too short */
    unsigned char raw[VN_MINHASH_BYTES];
    vn_minhash_encode(sa, raw);
    assert_true(vn_minhash_decode(raw, sizeof raw, back));
    assert_memory_equal(back, sa, sizeof sa);
    assert_false(vn_minhash_decode(raw, sizeof raw - 1, back));
    int shared = 0;
    for (unsigned k = 0; k < VN_MINHASH_BANDS; k++) {
        char x[VN_BAND_TERM_LEN + 1], y[VN_BAND_TERM_LEN + 1];
        vn_minhash_band(sa, k, x);
        vn_minhash_band(sb, k, y);
        assert_int_equal(strlen(x), VN_BAND_TERM_LEN);
        shared += !strcmp(x, y);
    }
    assert_true(shared >= 1); /* the copy finds it by a band */
    vn_article art = {(char *)"m1", (char *)"Cá voi", NULL, NULL, NULL, NULL, a};
    vn_docspec d;
    vn_docspec_init(&d);
    vn_error err;
    assert_int_equal(vn_schema_build(&d, &art, NULL, &err), VN_OK);
    assert_true(d.has_minhash);
    assert_memory_equal(d.minhash_value, raw, sizeof raw); /* the body's signature, the title aside */
    size_t bands = 0;
    for (size_t i = 0; i < d.n; i++)
        bands += d.t[i].len == strlen(VN_PREFIX_BAND) + VN_BAND_TERM_LEN &&
                 !memcmp(d.terms.data + d.t[i].off, VN_PREFIX_BAND, strlen(VN_PREFIX_BAND));
    assert_int_equal(bands, VN_MINHASH_BANDS);
    vn_docspec_free(&d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_terms),
        cmocka_unit_test(test_hash_changes),
        cmocka_unit_test(test_nfd_twins_fixture),
        cmocka_unit_test(test_minhash),
        cmocka_unit_test(test_iy_terms),
        cmocka_unit_test(test_nfd_twins_shared), /* last: left out without ../shared/corpus */
    };
    /* the 300 shared pairs only where ../shared/corpus (or $CORPUS) is there */
    const char *dir = getenv("CORPUS") ? getenv("CORPUS") : "../shared/corpus";
    snprintf(shared_nfd, sizeof shared_nfd, "%s/vi-news-nfd-sample.jsonl", dir);
    snprintf(shared_nfc, sizeof shared_nfc, "%s/vi-news.jsonl", dir);
    size_t n = sizeof tests / sizeof tests[0];
    FILE *probe = fopen(shared_nfd, "r");
    if (probe)
        fclose(probe);
    else {
        printf("# SKIP: %s absent, the shared-corpus twin check is not run\n", shared_nfd);
        n--;
    }
    return _cmocka_run_group_tests("schema", tests, n, NULL, NULL);
}
