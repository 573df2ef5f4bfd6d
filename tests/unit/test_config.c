/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test_config.c -- the settings file: defaults, the shipped example, bad
 * lines reported with file and line. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "vn_config.h"

static void test_example_file(void **state)
{
    (void)state;
    vn_config c;
    vn_error e;
    vn_config_defaults(&c);
    assert_int_equal(vn_config_load(&c, "config/vnsearch.conf", &e), VN_OK);
    assert_true(c.batch > 0);
    assert_non_null(strstr(c.listen, "127.0.0.1:"));
}

static const char *write_tmp(const char *text)
{
    static char path[] = "/tmp/vn-test-config-XXXXXX";
    strcpy(path, "/tmp/vn-test-config-XXXXXX");
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    close(fd);
    return path;
}

static void test_values(void **state)
{
    (void)state;
    vn_config c;
    vn_error e;
    vn_config_defaults(&c);
    const char *p = write_tmp("# comment\n\n  batch = 50  \nquery_time_limit=0.5\nindex = /srv/idx\n");
    assert_int_equal(vn_config_load(&c, p, &e), VN_OK);
    unlink(p);
    assert_int_equal(c.batch, 50);
    assert_true(c.query_time_limit > 0.49 && c.query_time_limit < 0.51);
    assert_string_equal(c.index, "/srv/idx");
    /* a comment after a value is no part of it (was: the token included
     * "# change me"); quotes keep '#' and make "" empty (was: a token of
     * two quote characters, which then allowed a public address) */
    vn_config_defaults(&c);
    p = write_tmp("admin_token = s3cret  # change me\nlisten = \"127.0.0.1:7701\" # quoted\n");
    assert_int_equal(vn_config_load(&c, p, &e), VN_OK);
    unlink(p);
    assert_string_equal(c.admin_token, "s3cret");
    assert_string_equal(c.listen, "127.0.0.1:7701");
    p = write_tmp("admin_token = \"\"\n");
    assert_int_equal(vn_config_load(&c, p, &e), VN_OK);
    unlink(p);
    assert_string_equal(c.admin_token, "");
    p = write_tmp("admin_token = \" a#b \"\n");
    assert_int_equal(vn_config_load(&c, p, &e), VN_OK);
    unlink(p);
    assert_string_equal(c.admin_token, " a#b ");
}

static void test_errors(void **state)
{
    (void)state;
    static const struct {
        const char *text, *msg;
    } bad[] = {
        {"batch 50\n", ":1: expected key = value"},
        {"\nbatchh = 5\n", ":2: unknown setting \"batchh\""},
        {"batch = -1\n", "whole number"},
        {"batch = 5x\n", "whole number"},
        {"query_time_limit = fast\n", "number"},
        {"admin_token = \"open\n", ":1: unbalanced quote"},
        {"admin_token = \"a\" b\n", "text after the closing quote"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        vn_config c;
        vn_error e;
        vn_config_defaults(&c);
        const char *p = write_tmp(bad[i].text);
        assert_int_equal(vn_config_load(&c, p, &e), VN_ERR_INVALID);
        unlink(p);
        if (!strstr(e.msg, bad[i].msg))
            print_error("got \"%s\"\n", e.msg);
        assert_non_null(strstr(e.msg, bad[i].msg));
    }
    vn_config c;
    vn_error e;
    assert_int_equal(vn_config_load(&c, "/nonexistent/vnsearch.conf", &e), VN_ERR_NOTFOUND);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_example_file),
        cmocka_unit_test(test_values),
        cmocka_unit_test(test_errors),
    };
    return cmocka_run_group_tests_name("config", tests, NULL, NULL);
}
