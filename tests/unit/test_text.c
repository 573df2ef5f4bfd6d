/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test_text.c -- table tests and property tests of the text pipeline
 * (vn_text.h): NFC/NFD, case folding, tone placement, the three forms,
 * tokenisation, UTF-8 repair. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "vn_text.h"

struct form_case {
    const char *in, *exact, *toneless, *folded;
};

/* Input in NFC unless said; \u escapes spell NFD input explicitly. */
static const struct form_case forms[] = {
    {"Lương Cường", "lương cường", "lương cương", "luong cuong"},
    {"Đảng", "đảng", "đang", "dang"},
    {"ĐẢNG", "đảng", "đang", "dang"},
    {"đường", "đường", "đương", "duong"},
    {"Nguyễn", "nguyễn", "nguyên", "nguyen"},
    {"dương", "dương", "dương", "duong"},
    {"Hà Nội", "hà nội", "ha nôi", "ha noi"},
    /* tone placement: both styles give the new style */
    {"hòa", "hoà", "hoa", "hoa"},
    {"hoà", "hoà", "hoa", "hoa"},
    {"hòe", "hoè", "hoe", "hoe"},
    {"thủy", "thuỷ", "thuy", "thuy"},
    {"thuỷ", "thuỷ", "thuy", "thuy"},
    {"Khánh Hòa", "khánh hoà", "khanh hoa", "khanh hoa"},
    {"KHÁNH HOÀ", "khánh hoà", "khanh hoa", "khanh hoa"},
    {"ủy ban", "uỷ ban", "uy ban", "uy ban"},
    {"hóa", "hoá", "hoa", "hoa"},
    /* where both styles agree nothing moves */
    {"hoàn", "hoàn", "hoan", "hoan"},
    {"thuyết", "thuyết", "thuyêt", "thuyet"},
    {"quý", "quý", "quy", "quy"},
    {"giá", "giá", "gia", "gia"},
    {"của", "của", "cua", "cua"},
    {"hoài", "hoài", "hoai", "hoai"},
    {"khuỷu", "khuỷu", "khuyu", "khuyu"},
    {"người", "người", "ngươi", "nguoi"},
    {"giữ", "giữ", "giư", "giu"},
    {"quốc", "quốc", "quôc", "quoc"},
    /* misplaced tones in qu-/gi- words */
    {"qúy", "quý", "quy", "quy"},
    {"gìa", "già", "gia", "gia"},
    /* the i/y spellings of one word: the archive's usual one in every form */
    {"quản lí", "quản lý", "quan ly", "quan ly"},
    {"QUẢN LÍ", "quản lý", "quan ly", "quan ly"},
    {"kĩ thuật kì họp kỉ niệm kí", "kỹ thuật kỳ họp kỷ niệm ký", "ky thuât ky hop ky niêm ky",
     "ky thuat ky hop ky niem ky"},
    {"bác sỹ, mỳ, tỵ nạn, tý", "bác sĩ mì tị nạn tí", "bac si mi ti nan ti", "bac si mi ti nan ti"},
    {"tỉ đồng, hi vọng, Hi", "tỷ đồng hy vọng hy", "ty đông hy vong hy", "ty dong hy vong hy"},
    /* ... not where they are two words, nor y or i alone */
    {"y tế, ý kiến, li, ly, công ty, ti vi, tỉ mỉ, mí mắt", "y tế ý kiến li ly công ty ti vi tỷ mỉ mí mắt",
     "y tê y kiên li ly công ty ti vi ty mi mi măt", "y te y kien li ly cong ty ti vi ty mi mi mat"},
    /* NFD input (macOS, some CMS exports) */
    {"Lu\xcc\x9bo\xcc\x9bng Cu\xcc\x9bo\xcc\x9b\xcc\x80ng", "lương cường", "lương cương", "luong cuong"},
    {"ho\xcc\x80" "a", "hoà", "hoa", "hoa"},
    {"Vie\xcc\xa3\xcc\x82t Nam", "việt nam", "viêt nam", "viet nam"},
    /* tokenisation */
    {"HÀ NỘI — Leaders", "hà nội leaders", "ha nôi leaders", "ha noi leaders"},
    {"date 2024-10-22 ngày 25/2, 3,2 tỷ", "date 2024-10-22 ngày 25/2 3,2 tỷ",
     "date 2024-10-22 ngay 25/2 3,2 ty", "date 2024-10-22 ngay 25/2 3,2 ty"},
    {"TAND TP.HCM và U.S.", "tand tp hcm và u s", "tand tp hcm va u s", "tand tp hcm va u s"},
    {"Diaz-Canel (DPRK) “nổ”", "diaz canel dprk nổ", "diaz canel dprk nô", "diaz canel dprk no"},
    {"G77, COVID-19", "g77 covid 19", "g77 covid 19", "g77 covid 19"},
    {"", "", "", ""},
    {" \t\n—…", "", "", ""},
    /* other languages keep their marks in exact, lose them when folded */
    {"Noël café", "noël café", "noël cafe", "noel cafe"},
};

static void check_form(const char *in, vn_form f, const char *want)
{
    char *got = vn_text_form(in, strlen(in), f);
    if (strcmp(got, want) != 0)
        print_error("input \"%s\" form %d: got \"%s\", want \"%s\"\n", in, (int)f, got, want);
    assert_string_equal(got, want);
    free(got);
}

static void test_forms_table(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof forms / sizeof forms[0]; i++) {
        check_form(forms[i].in, VN_FORM_EXACT, forms[i].exact);
        check_form(forms[i].in, VN_FORM_TONELESS, forms[i].toneless);
        check_form(forms[i].in, VN_FORM_FOLDED, forms[i].folded);
    }
}

static void test_positions_and_offsets(void **state)
{
    (void)state;
    const char *s = "HÀ NỘI — Chủ tịch";
    vn_tokens ts;
    vn_tokens_init(&ts);
    uint32_t next = vn_tokenize(&ts, s, strlen(s), 10);
    assert_int_equal(ts.n, 4);
    assert_int_equal(next, 14);
    for (size_t i = 0; i < ts.n; i++)
        assert_int_equal(ts.tok[i].pos, 10 + i);
    /* source offsets cover the original bytes, marks and all */
    assert_int_equal(ts.tok[1].src_start, 4);
    assert_memory_equal(s + ts.tok[1].src_start, "NỘI", ts.tok[1].src_end - ts.tok[1].src_start);
    assert_true(ts.tok[1].flags & VN_TOK_MARKED);
    assert_true(ts.tok[1].flags & VN_TOK_TONED);
    assert_true(ts.tok[3].flags & VN_TOK_MARKED); /* tịch */
    vn_tokens_free(&ts);
}

static void test_flags(void **state)
{
    (void)state;
    const char *s = "meeting dương 2024 đi";
    vn_tokens ts;
    vn_tokens_init(&ts);
    vn_tokenize(&ts, s, strlen(s), 0);
    assert_int_equal(ts.n, 4);
    assert_int_equal(ts.tok[0].flags, VN_TOK_ASCII_ALPHA);
    assert_int_equal(ts.tok[1].flags, VN_TOK_MARKED); /* no tone: toneless == exact */
    assert_int_equal(ts.tok[2].flags, VN_TOK_NUMERIC);
    assert_int_equal(ts.tok[3].flags, VN_TOK_MARKED);
    vn_tokens_free(&ts);
}

static void test_folded_only(void **state)
{
    (void)state;
    const char *s = "Lương Cường hòa ĐẢNG meeting";
    vn_tokens ts;
    vn_tokens_init(&ts);
    ts.folded_only = 1;
    vn_tokenize(&ts, s, strlen(s), 0);
    static const char *want[] = {"luong", "cuong", "hoa", "dang", "meeting"};
    assert_int_equal(ts.n, 5);
    for (size_t i = 0; i < ts.n; i++) {
        assert_string_equal(VN_TOK_FOLDED(&ts, &ts.tok[i]), want[i]);
        assert_string_equal(VN_TOK_EXACT(&ts, &ts.tok[i]), want[i]);
    }
    vn_tokens_free(&ts);
}

static void test_long_word_dropped(void **state)
{
    (void)state;
    char s[300];
    memset(s, 'a', 200);
    strcpy(s + 200, " ok");
    char *got = vn_text_form(s, strlen(s), VN_FORM_EXACT);
    assert_string_equal(got, "ok");
    free(got);
}

/* The five tones of an untoned word, placed as the index places them
 * (the query's toneless tier asks for these spellings). */
static void test_tone_variants(void **state)
{
    (void)state;
    static const struct {
        const char *w, *want;
    } t[] = {
        {"nôi", "nồi nối nỗi nổi nội"},
        {"đương", "đường đướng đưỡng đưởng đượng"},
        {"hoa", "hoà hoá hoã hoả hoạ"},   /* new style: on the a of oa */
        {"thuy", "thuỳ thuý thuỹ thuỷ thuỵ"},
        {"giưa", "giừa giứa giữa giửa giựa"}, /* gi is a consonant */
        {"quôc", "quồc quốc quỗc quổc quộc"}, /* so is qu */
    };
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
        vn_buf b = VN_BUF_INIT;
        assert_int_equal(vn_tone_variants(t[i].w, strlen(t[i].w), &b), 5);
        for (size_t k = 0; k + 1 < b.len; k++)
            if (b.data[k] == '\0')
                b.data[k] = ' ';
        assert_string_equal(b.data, t[i].want);
        vn_buf_free(&b);
    }
}

static void test_invalid_utf8(void **state)
{
    (void)state;
    /* stray continuation byte, truncated sequence, overlong, surrogate */
    const char bad[] = "Hà\x80Nội \xe1\xba \xc0\xaf x \xed\xa0\x80 cuối";
    size_t n = sizeof bad - 1;
    assert_false(vn_utf8_valid(bad, n));
    char *got = vn_text_form(bad, n, VN_FORM_FOLDED);
    assert_string_equal(got, "ha noi x cuoi");
    free(got);
    size_t rl;
    char *rep = vn_utf8_repair(bad, n, &rl);
    assert_true(vn_utf8_valid(rep, rl));
    assert_non_null(strstr(rep, "Hà\xEF\xBF\xBDNội"));
    free(rep);
    assert_true(vn_utf8_valid("Đảng", strlen("Đảng")));
}

/* Property tests over real sentences: idempotence, fold consistency, no
 * combining marks in any output, ASCII folded form for Vietnamese. */
static const char *sentences[] = {
    "Theo lời khai của Huy tại phiên toà, để có tiền sử dụng cá nhân, Huy “nổ” là sĩ quan",
    "Ông Phan Ngọc Khuê, nguyên Giám đốc khách sạn Công đoàn Hà Tĩnh đã ra cơ quan công an đầu thú",
    "Tổng Bí thư Tô Lâm tiếp Đoàn đại biểu cấp cao Đảng Nhân dân Campuchia tại Hà Nội",
    "Người chơi trung thành 'lung lay' khi giá Pi lập đáy mới; thủy sản, hòa giải, khuya khoắt, ngoằn ngoèo",
    "QUYẾT ĐỊNH CỦA THỦ TƯỚNG CHÍNH PHỦ VỀ VIỆC PHÊ DUYỆT ỦY BAN NHÂN DÂN TỈNH KHÁNH HÒA",
    "Ngày 25/2, TAND TP. Đà Nẵng tuyên phạt Hồ Xuân Huy (SN 1994), 12 năm tù",
    "ơ ư ă â ê ô đ Ơ Ư Ă Â Ê Ô Đ ạ ả ã á à ặ ẳ ẵ ắ ằ ậ ẩ ẫ ấ ầ ẹ ẻ ẽ é è ệ ể ễ ế ề ị ỉ ĩ í ì ọ ỏ õ ó ò ộ ổ ỗ ố ồ ợ ở ỡ ớ ờ ụ ủ ũ ú ù ự ử ữ ứ ừ ỵ ỷ ỹ ý ỳ",
};

static int has_combining_mark(const char *s)
{
    /* U+0300..U+036F encode as CC 80..CD AF */
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if ((p[0] == 0xCC && p[1] >= 0x80) || (p[0] == 0xCD && p[1] <= 0xAF))
            return 1;
    return 0;
}

static void test_properties(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof sentences / sizeof sentences[0]; i++) {
        const char *s = sentences[i];
        char *ex = vn_text_form(s, strlen(s), VN_FORM_EXACT);
        char *tl = vn_text_form(s, strlen(s), VN_FORM_TONELESS);
        char *fo = vn_text_form(s, strlen(s), VN_FORM_FOLDED);
        char *ex2 = vn_text_form(ex, strlen(ex), VN_FORM_EXACT);
        char *tl2 = vn_text_form(tl, strlen(tl), VN_FORM_TONELESS);
        char *fo_ex = vn_text_form(ex, strlen(ex), VN_FORM_FOLDED);
        char *fo_tl = vn_text_form(tl, strlen(tl), VN_FORM_FOLDED);
        char *tl_ex = vn_text_form(ex, strlen(ex), VN_FORM_TONELESS);
        assert_string_equal(ex, ex2);     /* idempotent */
        assert_string_equal(tl, tl2);
        assert_string_equal(fo, fo_ex);   /* fold(x) == fold(canonical(x)) */
        assert_string_equal(fo, fo_tl);   /* fold(x) == fold(toneless(x)) */
        assert_string_equal(tl, tl_ex);
        assert_false(has_combining_mark(ex));
        assert_false(has_combining_mark(tl));
        for (const unsigned char *p = (const unsigned char *)fo; *p; p++)
            assert_true(*p < 0x80);
        free(ex); free(tl); free(fo); free(ex2); free(tl2); free(fo_ex); free(fo_tl); free(tl_ex);
    }
}

/* Text from before Unicode: real spellings in each legacy encoding, as
 * raw bytes and as the Latin-1 reading archives converted once already
 * hold ("Hµ Néi" from TCVN3, "Haø Noäi" from VNI). */
static void test_legacy(void **state)
{
    (void)state;
    static const struct {
        const char *in, *want;
        vn_encoding used;
    } cases[] = {
        {"B\xb6o Th\xbeng, H\xb5 N\xe9i", "Bảo Thắng, Hà Nội", VN_ENC_TCVN3},
        {"Hµ Néi", "Hà Nội", VN_ENC_TCVN3},
        {"Ha\xf8 No\xe4i, Vie\xe4t Nam, Tr\xf6\xf4\xf8ng", "Hà Nội, Việt Nam, Trường", VN_ENC_VNI},
        {"Haø Noäi", "Hà Nội", VN_ENC_VNI},
        {"Thuû ñoâ Haø Noäi", "Thủ đô Hà Nội", VN_ENC_VNI},
        {"H\xe0 N\xf4\xf2i", "Hà Nội", VN_ENC_CP1258},
        /* nothing to convert */
        {"Hà Nội", NULL, VN_ENC_UTF8},
        {"Café à Paris, élève", NULL, VN_ENC_UTF8},
        {"plain ASCII", NULL, VN_ENC_UTF8},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        vn_encoding used;
        size_t n;
        char *got = vn_legacy_to_utf8(cases[i].in, strlen(cases[i].in), VN_ENC_AUTO, &used, &n);
        if (cases[i].want == NULL) {
            if (got)
                fail_msg("\"%s\" was converted to \"%s\"", cases[i].in, got);
            continue;
        }
        if (!got || strcmp(got, cases[i].want) != 0 || used != cases[i].used)
            fail_msg("case %zu: got \"%s\" (%d), want \"%s\" (%d)", i, got ? got : "(none)", (int)used,
                     cases[i].want, (int)cases[i].used);
        assert_int_equal(n, strlen(got));
        free(got);
    }
    /* forced */
    size_t n;
    char *got = vn_legacy_to_utf8("Ha\xf8", 3, VN_ENC_VNI, NULL, &n);
    assert_string_equal(got, "Hà");
    free(got);
    assert_null(vn_legacy_to_utf8("Hà", 3, VN_ENC_UTF8, NULL, &n));
    vn_encoding e;
    assert_true(vn_encoding_parse("tcvn3", &e) && e == VN_ENC_TCVN3);
    assert_false(vn_encoding_parse("latin1", &e));
}

/* Words shaped like one Vietnamese syllable, and words glued by a missing
 * space (suggestions used to offer "nguyễn phú trọngsau", "tpcũng"). */
static void test_syllable_plausible(void **state)
{
    (void)state;
    static const char *yes[] = {"ha", "noi", "nguyen", "nghieng", "truong", "gi", "gia", "quy", "khuya", "xuyen",
                                "a", "oanh", "uong", "thuong", "chich", "bao"};
    static const char *no[] = {"trongsau", "tpcung", "sn", "hcm", "nguyenn", "tp", "x", "thuy1"};
    for (size_t i = 0; i < sizeof yes / sizeof yes[0]; i++)
        if (!vn_syllable_plausible(yes[i], strlen(yes[i])))
            fail_msg("\"%s\" should be a syllable", yes[i]);
    for (size_t i = 0; i < sizeof no / sizeof no[0]; i++)
        if (vn_syllable_plausible(no[i], strlen(no[i])))
            fail_msg("\"%s\" should not be a syllable", no[i]);
}

/* The i/y flag says which spelling was written, the forms do not. */
static void test_iy_flag(void **state)
{
    (void)state;
    const char *s = "lí lý sỹ sĩ ly";
    vn_tokens ts;
    vn_tokens_init(&ts);
    vn_tokenize(&ts, s, strlen(s), 0);
    assert_int_equal(ts.n, 5);
    const int want[] = {1, 0, 1, 0, 0};
    for (size_t i = 0; i < 5; i++)
        assert_int_equal((ts.tok[i].flags & VN_TOK_IY) != 0, want[i]);
    assert_string_equal(VN_TOK_EXACT(&ts, &ts.tok[0]), VN_TOK_EXACT(&ts, &ts.tok[1]));
    assert_string_equal(VN_TOK_EXACT(&ts, &ts.tok[2]), "sĩ");
    vn_tokens_free(&ts);
}

/* Letters typed in part: a plain letter stands for its marked forms, a
 * marked one for itself (completions: "đư" begins được, not dụng). */
static void test_typed_letters(void **state)
{
    (void)state;
    assert_true(vn_word_begins_as_typed("đư", strlen("đư"), "được", strlen("được")));
    assert_true(vn_word_begins_as_typed("du", 2, "được", strlen("được")));
    assert_true(vn_word_begins_as_typed("duo", 3, "dưới", strlen("dưới")));
    assert_false(vn_word_begins_as_typed("đư", strlen("đư"), "dụng", strlen("dụng")));
    assert_false(vn_word_begins_as_typed("được", strlen("được"), "dược", strlen("dược")));
    assert_false(vn_word_begins_as_typed("kha", 3, "kh", 2)); /* shorter than typed */
    assert_true(vn_word_begins_as_typed("công a", strlen("công a"), "công an", strlen("công an")));
    assert_false(vn_word_begins_as_typed("công a", strlen("công a"), "cong an", 7));
    char f[48][5];
    size_t n = vn_letter_marked_forms('d', f, 48);
    int dd = 0;
    for (size_t i = 0; i < n; i++)
        dd |= !strcmp(f[i], "đ");
    assert_true(dd);
    n = vn_letter_marked_forms('a', f, 48);
    const char *viet[] = {"à", "á", "ả", "ã", "ạ", "ă", "ằ", "ắ", "ẳ", "ẵ", "ặ", "â", "ầ", "ấ", "ẩ", "ẫ", "ậ"};
    for (size_t k = 0; k < sizeof viet / sizeof viet[0]; k++) {
        size_t i = 0;
        while (i < n && strcmp(f[i], viet[k]))
            i++;
        assert_true(i < n); /* every Vietnamese a */
    }
    for (size_t i = 0; i < n; i++)
        assert_true(vn_word_begins_as_typed("a", 1, f[i], strlen(f[i])));
    n = vn_letter_marked_forms('k', f, 48); /* ķ ḱ ḳ ḵ: other alphabets' */
    for (size_t i = 0; i < n; i++)
        assert_true(vn_word_begins_as_typed("k", 1, f[i], strlen(f[i])) && strcmp(f[i], "k"));
    assert_int_equal(vn_letter_marked_forms('a', f, 3), 3);  /* at most max */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_legacy),
        cmocka_unit_test(test_syllable_plausible),
        cmocka_unit_test(test_forms_table),
        cmocka_unit_test(test_positions_and_offsets),
        cmocka_unit_test(test_flags),
        cmocka_unit_test(test_folded_only),
        cmocka_unit_test(test_long_word_dropped),
        cmocka_unit_test(test_invalid_utf8),
        cmocka_unit_test(test_tone_variants),
        cmocka_unit_test(test_properties),
        cmocka_unit_test(test_typed_letters),
        cmocka_unit_test(test_iy_flag),
    };
    return cmocka_run_group_tests_name("text", tests, NULL, NULL);
}
