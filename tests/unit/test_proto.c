/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test_proto.c -- vnsearchd's request parser and reply formats, as pure
 * functions (no socket, no index). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "proto.h"
#include <zlib.h>
#include "vn_text.h"
#include "vn_xapian.h"

static const vn_proto_limits lim = {100};

static void test_parse_ok(void **state)
{
    (void)state;
    vn_request r;
    vn_error e;
    const char *l = "search limit=5 offset=10 sort=-date from=2025-01-01 to=2025-12-31 "
                    "source=\"VnExpress - Công Nghệ\" hà nội  ";
    assert_int_equal(vn_proto_parse(l, strlen(l), &lim, &r, &e), VN_OK);
    assert_int_equal(r.cmd, VN_CMD_SEARCH);
    assert_int_equal(r.opts.limit, 5);
    assert_int_equal(r.opts.offset, 10);
    assert_int_equal(r.opts.sort, VN_SORT_DATE_DESC);
    assert_string_equal(r.opts.date_from, "2025-01-01");
    assert_string_equal(r.opts.date_to, "2025-12-31");
    assert_string_equal(r.opts.source, "VnExpress - Công Nghệ");
    assert_string_equal(r.arg, "hà nội");
    vn_request_clear(&r);

    static const struct { const char *line; vn_cmd cmd; const char *arg; } simple[] = {
        {"PING", VN_CMD_PING, NULL}, {"ping", VN_CMD_PING, NULL}, {"  HELP ", VN_CMD_HELP, NULL},
        {"GET vnds-test-000001", VN_CMD_GET, "vnds-test-000001"}, {"SUGGEST ha n", VN_CMD_SUGGEST, "ha n"},
        {"COUNT \"công an\"", VN_CMD_COUNT, "\"công an\""}, {"FORMAT json", VN_CMD_FORMAT, "json"},
        {"AUTH s3cret", VN_CMD_AUTH, "s3cret"}, {"STATS", VN_CMD_STATS, NULL}, {"RELOAD", VN_CMD_RELOAD, NULL},
        {"QUIT", VN_CMD_QUIT, NULL}, {"SEARCH duong", VN_CMD_SEARCH, "duong"},
        {"SEARCH title:Cường -\"hà nội\" ha n*", VN_CMD_SEARCH, "title:Cường -\"hà nội\" ha n*"},
        /* "--" ends the options: a query may then begin with name= */
        {"SEARCH -- limit=3 ha noi", VN_CMD_SEARCH, "limit=3 ha noi"},
        {"COUNT  --  hà nội", VN_CMD_COUNT, "hà nội"},
        {"SEARCH --x", VN_CMD_SEARCH, "--x"},
        /* name=value after the query's first word is query text */
        {"SEARCH ha noi limit=3", VN_CMD_SEARCH, "ha noi limit=3"},
    };
    for (size_t i = 0; i < sizeof simple / sizeof simple[0]; i++) {
        assert_int_equal(vn_proto_parse(simple[i].line, strlen(simple[i].line), &lim, &r, &e), VN_OK);
        assert_int_equal(r.cmd, simple[i].cmd);
        if (simple[i].arg)
            assert_string_equal(r.arg, simple[i].arg);
        else
            assert_null(r.arg);
        assert_int_equal(r.opts.limit, 10);
        vn_request_clear(&r);
    }
}

static void test_parse_errors(void **state)
{
    (void)state;
    static const struct { const char *line; vn_status rc; const char *msg; } bad[] = {
        {"", VN_ERR_INVALID, "empty request"},
        {"   ", VN_ERR_INVALID, "empty request"},
        {"FETCH x", VN_ERR_INVALID, "unknown command \"FETCH\""},
        {"SEARCH", VN_ERR_INVALID, "needs a query"},
        {"SEARCH limit=5", VN_ERR_INVALID, "needs a query"},
        {"SEARCH limit=0 x", VN_ERR_INVALID, "at least 1"},
        {"SEARCH limit=abc x", VN_ERR_INVALID, "whole number"},
        {"SEARCH limit=101 x", VN_ERR_LIMIT, "maximum of 100"},
        {"SEARCH offset=-1 x", VN_ERR_INVALID, "whole number"},
        {"SEARCH sort=random x", VN_ERR_INVALID, "relevance, date or -date"},
        {"SEARCH from=2025-13-01 x", VN_ERR_INVALID, "YYYY-MM-DD"},
        {"SEARCH to=yesterday x", VN_ERR_INVALID, "YYYY-MM-DD"},
        {"SEARCH source=\"open x", VN_ERR_INVALID, "unbalanced quote"},
        {"GET", VN_ERR_INVALID, "document id"},
        {"PING now", VN_ERR_INVALID, "takes no argument"},
        {"FORMAT xml", VN_ERR_INVALID, "json or text"},
        {"SEARCH h\xe0 n\xf4i", VN_ERR_INVALID, "not valid UTF-8"},
        /* unknown options are errors, not query words (was: lmit=1 searched
         * for "lmit 1 ha noi", foo=bar counted 229 instead of 80) */
        {"SEARCH lmit=1 ha noi", VN_ERR_INVALID, "unknown option \"lmit=\""},
        {"COUNT foo=bar hà nội", VN_ERR_INVALID, "unknown option \"foo=\""},
        {"SEARCH limit=2 Foo_bar=1 x", VN_ERR_INVALID, "unknown option \"Foo_bar=\""},
        /* nor a name with a digit or a hyphen (was: searched as words) */
        {"SEARCH lim1t=2 ha noi", VN_ERR_INVALID, "unknown option \"lim1t=\""},
        {"SEARCH max-results=2 ha noi", VN_ERR_INVALID, "unknown option \"max-results=\""},
        {"SEARCH snippet=xml x", VN_ERR_INVALID, "html, text or none"},
        {"SEARCH --", VN_ERR_INVALID, "needs a query"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        vn_request r;
        vn_error e;
        vn_status rc = vn_proto_parse(bad[i].line, strlen(bad[i].line), &lim, &r, &e);
        if (rc != bad[i].rc || !strstr(e.msg, bad[i].msg))
            print_error("\"%s\": rc %d, \"%s\"\n", bad[i].line, rc, e.msg);
        assert_int_equal(rc, bad[i].rc);
        assert_non_null(strstr(e.msg, bad[i].msg));
        assert_null(r.arg);
    }
    char nul[] = "SEARCH a\0b";
    vn_request r;
    vn_error e;
    assert_int_equal(vn_proto_parse(nul, sizeof nul - 1, &lim, &r, &e), VN_ERR_INVALID);
    /* error texts are cut at a character, never inside one (was: the
     * unknown-command message ended in the bytes e1 ba) */
    const char *many = "ẢẢẢẢẢẢẢẢẢẢẢẢẢẢẢẢ";
    assert_int_equal(vn_proto_parse(many, strlen(many), &lim, &r, &e), VN_ERR_INVALID);
    assert_true(vn_utf8_valid(e.msg, strlen(e.msg)));
    assert_non_null(strstr(e.msg, "\"ẢẢẢẢẢẢẢẢẢẢ\""));
    char longw[600];
    for (size_t i = 0; i + 3 < sizeof longw; i += 3)
        memcpy(longw + i, "Ả", 3);
    longw[597] = '\0';
    vn_error_set(&e, VN_ERR_INVALID, "x%s", longw);
    assert_true(vn_utf8_valid(e.msg, strlen(e.msg)));
    assert_int_equal(strlen(e.msg), 253); /* "x" and 84 whole characters */
}

static void test_options(void **state)
{
    (void)state;
    vn_request r;
    vn_error e;
    const char *l = "SEARCH snippet=text x";
    assert_int_equal(vn_proto_parse(l, strlen(l), &lim, &r, &e), VN_OK);
    assert_int_equal(r.opts.snippet_format, VN_SNIPPET_TEXT);
    vn_request_clear(&r);
    l = "SEARCH snippet=none x";
    assert_int_equal(vn_proto_parse(l, strlen(l), &lim, &r, &e), VN_OK);
    assert_true(r.opts.no_snippets);
    vn_request_clear(&r);
    l = "COUNT facets=month,source -- x";
    assert_int_equal(vn_proto_parse(l, strlen(l), &lim, &r, &e), VN_OK);
    assert_int_equal(r.opts.facets, VN_FACET_MONTH | VN_FACET_SOURCE);
    vn_request_clear(&r);
    l = "SEARCH facets=weekday x";
    assert_int_equal(vn_proto_parse(l, strlen(l), &lim, &r, &e), VN_ERR_INVALID);
    assert_non_null(strstr(e.msg, "facets= takes source, year, month and day"));
    /* a request copied as it is keeps its strings (they are owned, not in the struct) */
    l = "SEARCH source=\"Tuổi Trẻ\" from=2025-01-01 x";
    assert_int_equal(vn_proto_parse(l, strlen(l), &lim, &r, &e), VN_OK);
    vn_request copy = r;
    memset(&r, 0xAB, sizeof r);
    assert_string_equal(copy.opts.source, "Tuổi Trẻ");
    assert_string_equal(copy.opts.date_from, "2025-01-01");
    vn_request_clear(&copy);
    /* the writes and the index's health are commands of the one table */
    l = "ADD {\"id\":\"a\",\"body\":\"b\"}";
    assert_int_equal(vn_proto_parse(l, strlen(l), &lim, &r, &e), VN_OK);
    assert_int_equal(r.cmd, VN_CMD_ADD);
    assert_int_equal(r.command->where, VN_AT_WRITER);
    assert_int_equal(r.command->admin, VN_ADMIN_ALWAYS);
    vn_request_clear(&r);
    l = "health";
    assert_int_equal(vn_proto_parse(l, strlen(l), &lim, &r, &e), VN_OK);
    assert_string_equal(r.command->http, "/health");
    vn_request_clear(&r);
    l = "SEARCH x";
    assert_int_equal(vn_proto_parse(l, strlen(l), &lim, &r, &e), VN_OK);
    assert_int_equal(r.opts.snippet_format, VN_SNIPPET_HTML);
    assert_false(r.opts.no_snippets);
    vn_request_clear(&r);
}

static void test_replies(void **state)
{
    (void)state;
    char id[] = "a1", title[] = "Chủ tịch nước\tLương Cường", date[] = "2024-10-22", src[] = "VNA";
    char snip[] = "Chủ tịch nước <b>Lương</b> <b>Cường</b> tiếp\nđoàn đại biểu.", url[] = "https://x.vn/a1";
    vn_hit hit = {id, title, date, src, url, snip, 1.5, NULL, 0};
    vn_hits h = {.total = 7, .total_min = 5, .total_max = 9, .n = 1, .hit = &hit};
    vn_buf b = VN_BUF_INIT;
    vn_reply_hits(&b, 0, &h, 1.25);
    assert_string_equal(b.data, "OK total=7 hits=1 took_ms=1.250 total_min=5 total_max=9\r\n"
                                "HIT\ta1\t1.5000\t2024-10-22\tVNA\tChủ tịch nước Lương Cường\t"
                                "Chủ tịch nước <b>Lương</b> <b>Cường</b> tiếp đoàn đại biểu.\thttps://x.vn/a1\r\nEND\r\n");
    vn_buf_reset(&b);
    vn_reply_hits(&b, 1, &h, 1.25);
    assert_string_equal(b.data,
                        "{\"ok\":true,\"total\":7,\"total_min\":5,\"total_max\":9,\"took_ms\":1.25,\"hits\":[{\"id\":\"a1\",\"score\":1.5,"
                        "\"date\":\"2024-10-22\",\"source\":\"VNA\",\"title\":\"Chủ tịch nước\\tLương Cường\","
                        "\"url\":\"https://x.vn/a1\",\"snippet\":\"Chủ tịch nước <b>Lương</b> <b>Cường</b> tiếp\\nđoàn đại biểu.\"}]}\r\n");
    /* collapse=on: copies=N and their ids after the url; "copies" in JSON, even empty */
    char c1[] = "b\t2", c2[] = "c3";
    char *cp[] = {c1, c2};
    vn_hit two[2] = {{id, title, date, src, url, snip, 1.5, cp, 2}, {c2, title, NULL, NULL, NULL, NULL, 1, NULL, 0}};
    vn_hits ch = {.total = 2, .total_min = 2, .total_max = 2, .n = 2, .hit = two, .collapsed = 1};
    vn_buf_reset(&b);
    vn_reply_hits(&b, 0, &ch, 1);
    assert_non_null(strstr(b.data, "\thttps://x.vn/a1\tcopies=2\tb 2\tc3\r\n"));
    assert_non_null(strstr(b.data, "\t-\tcopies=0\r\n"));
    vn_buf_reset(&b);
    vn_reply_hits(&b, 1, &ch, 1);
    assert_non_null(strstr(b.data, "\"copies\":[\"b\\t2\",\"c3\"]"));
    assert_non_null(strstr(b.data, "\"copies\":[]"));
    vn_buf_reset(&b);
    vn_reply_error(&b, 0, VN_ERRC_BADREQ, "bad\nthing");
    assert_string_equal(b.data, "ERR BADREQ bad thing\r\n");
    vn_buf_reset(&b);
    vn_reply_error(&b, 0, VN_ERRC_SERVER, "cut \xe1\xba");
    assert_string_equal(b.data, "ERR SERVER cut \xef\xbf\xbd\xef\xbf\xbd\r\n"); /* never invalid UTF-8 */
    vn_buf_reset(&b);
    vn_reply_error(&b, 1, VN_ERRC_LIMIT, "too long");
    assert_string_equal(b.data, "{\"ok\":false,\"error\":{\"code\":\"LIMIT\",\"message\":\"too long\"}}\r\n");
    vn_buf_reset(&b);
    vn_reply_count(&b, 0, 42, NULL);
    assert_string_equal(b.data, "OK 42\r\n");
    vn_buf_reset(&b);
    const char doc[] = "{\"id\":\"a1\",\"title\":\"T\",\"body\":\"x\\ny\"}";
    vn_reply_doc(&b, 0, doc, sizeof doc - 1);
    assert_string_equal(b.data, "OK\r\nid\ta1\r\ntitle\tT\r\nbody\tx y\r\nEND\r\n");
    vn_buf_reset(&b);
    vn_stat st[] = {{"documents", 305}, {"latency_p50_ms", 1.5}};
    vn_reply_stats(&b, 1, st, 2);
    assert_string_equal(b.data, "{\"ok\":true,\"documents\":305,\"latency_p50_ms\":1.5}\r\n");
    /* facets: FACET lines before END, an object in JSON */
    vn_facet_value fv[] = {{(char *)"Tuổi Trẻ", 12}, {(char *)"VNA", 3}};
    vn_hits fh = {.total = 15, .total_min = 15, .total_max = 15, .nfacets = 1};
    fh.facet[0] = (vn_facet){"source", fv, 2};
    vn_buf_reset(&b);
    vn_reply_count(&b, 0, 15, &fh);
    assert_string_equal(b.data, "OK 15\r\nFACET\tsource\tTuổi Trẻ\t12\r\nFACET\tsource\tVNA\t3\r\nEND\r\n");
    vn_buf_reset(&b);
    vn_reply_count(&b, 1, 15, &fh);
    assert_string_equal(b.data, "{\"ok\":true,\"count\":15,\"facets\":{\"source\":[{\"value\":\"Tuổi Trẻ\",\"count\":12},"
                                "{\"value\":\"VNA\",\"count\":3}]}}\r\n");
    /* HELP lists the table: each command's line (SEARCH's with every
     * option of the options table written out), and the query syntax */
    vn_buf_reset(&b);
    vn_reply_help(&b, 0);
    for (size_t i = 0; i < VN_NCOMMANDS; i++) {
        const char *h = vn_commands[i].help, *at = strstr(h, "{options}");
        if (at) { /* the words before and after the options */
            assert_non_null(strstr(b.data, "SEARCH [limit=N] [offset=N] [sort=relevance|date|-date]"));
            assert_non_null(strstr(b.data, "[restore=on|off] [fresh=DAYS] [collapse=on|off] [--] <query>\r\n"));
        } else {
            assert_non_null(strstr(b.data, h));
        }
    }
    for (int o = 0; o < VN_NOPTIONS; o++) {
        char want[64];
        snprintf(want, sizeof want, "[%s=", vn_search_options[o].key);
        assert_non_null(strstr(b.data, want));
    }
    assert_non_null(strstr(b.data, "dateline:word"));
    assert_null(strstr(b.data, "{options}"));
    vn_buf_free(&b);
}

/* http_codec.c: gzip accepted or not, a gzip that inflates back, the
 * JSON bodies of POST /documents and POST /search. */
static vn_status collect(void *ctx, const char *key, const char *value, vn_error *err)
{
    (void)err;
    vn_buf_printf(ctx, "%s=%s;", key, value);
    return VN_OK;
}

static void test_http_codec(void **state)
{
    (void)state;
    assert_true(vn_http_accepts_gzip("gzip"));
    assert_true(vn_http_accepts_gzip("deflate, gzip;q=0.5, br"));
    assert_true(vn_http_accepts_gzip("GZIP"));
    assert_false(vn_http_accepts_gzip("gzip;q=0"));
    assert_false(vn_http_accepts_gzip("deflate, br"));
    assert_false(vn_http_accepts_gzip("x-gzip2"));
    assert_false(vn_http_accepts_gzip(NULL));

    vn_buf text = VN_BUF_INIT, gz = VN_BUF_INIT;
    for (int i = 0; i < 200; i++)
        vn_buf_printf(&text, "{\"id\":\"vnds-%d\",\"title\":\"Bão số %d đổ bộ Hà Nội\"},", i, i % 7);
    assert_int_equal(vn_http_gzip(text.data, text.len, 1, &gz), 0);
    assert_true(gz.len < text.len / 2);
    assert_true((unsigned char)gz.data[0] == 0x1f && (unsigned char)gz.data[1] == 0x8b); /* gzip's magic */
    char back[16384];
    z_stream z;
    memset(&z, 0, sizeof z);
    assert_int_equal(inflateInit2(&z, 15 + 16), Z_OK);
    z.next_in = (Bytef *)gz.data;
    z.avail_in = (uInt)gz.len;
    z.next_out = (Bytef *)back;
    z.avail_out = sizeof back;
    assert_int_equal(inflate(&z, Z_FINISH), Z_STREAM_END);
    assert_int_equal(z.total_out, text.len);
    assert_memory_equal(back, text.data, text.len);
    inflateEnd(&z);

    char e1[24], e2[24];
    vn_http_etag("abc", 3, e1);
    vn_http_etag("abd", 3, e2);
    assert_true(e1[0] == '"' && strlen(e1) == 18 && strcmp(e1, e2) != 0);

    vn_buf lines = VN_BUF_INIT;
    vn_error err;
    assert_int_equal(vn_http_articles_array("[{\"id\":\"a\",\"body\":\"x\\ny\"}, {\"id\":\"b\"}]", &lines, &err), VN_OK);
    vn_buf_putc(&lines, '\0');
    assert_string_equal(lines.data, "{\"id\":\"a\",\"body\":\"x\\ny\"}\n{\"id\":\"b\"}\n");
    lines.len = 0;
    assert_int_equal(vn_http_articles_array("[{\"id\":\"a\"}, 3]", &lines, &err), VN_ERR_INVALID);
    assert_non_null(strstr(err.msg, "element 2"));
    assert_int_equal(vn_http_articles_array("[]", &lines, &err), VN_ERR_INVALID);
    assert_int_equal(vn_http_articles_array("{\"id\":1}", &lines, &err), VN_ERR_INVALID);

    vn_buf got = VN_BUF_INIT;
    assert_int_equal(vn_http_json_params("{\"q\":\"hà nội\",\"limit\":20,\"collapse\":true,\"facets\":[\"source\",\"month\"]}",
                                         collect, &got, &err),
                     VN_OK);
    vn_buf_putc(&got, '\0');
    assert_string_equal(got.data, "q=hà nội;limit=20;collapse=on;facets=source,month;");
    assert_int_equal(vn_http_json_params("{\"q\":{}}", collect, &got, &err), VN_ERR_INVALID);
    assert_int_equal(vn_http_json_params("{\"facets\":[1]}", collect, &got, &err), VN_ERR_INVALID);
    assert_int_equal(vn_http_json_params("[1]", collect, &got, &err), VN_ERR_INVALID);
    assert_int_equal(vn_http_json_params("{\"q\":\"a\",\"q\":\"b\"}", collect, &got, &err), VN_ERR_INVALID);
    vn_buf_free(&text);
    vn_buf_free(&gz);
    vn_buf_free(&lines);
    vn_buf_free(&got);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_ok),
        cmocka_unit_test(test_parse_errors),
        cmocka_unit_test(test_options),
        cmocka_unit_test(test_replies),
        cmocka_unit_test(test_http_codec),
    };
    return cmocka_run_group_tests_name("proto", tests, NULL, NULL);
}
