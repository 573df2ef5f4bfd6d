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

/* Every setting the shipped config/vnsearch.conf writes is what loading it
 * gives: each key is first set to a value other than the file's (so
 * that a line the loader skipped, or read wrong, shows), then the file
 * is loaded, and the result must equal the same start with the file's
 * "key = value" lines applied one by one. */
static void test_example_file(void **state)
{
    (void)state;
    FILE *f = fopen("config/vnsearch.conf", "r");
    assert_non_null(f);
    char keys[64][64], values[64][1100];
    size_t n = 0;
    char line[2048];
    while (fgets(line, sizeof line, f) && n < 64) {
        char *eq = strstr(line, " = ");
        if (line[0] == '#' || line[0] == '\n' || !eq)
            continue;
        *eq = '\0';
        assert_true(strlen(line) < sizeof keys[n] && strlen(eq + 3) < sizeof values[n]);
        memcpy(keys[n], line, strlen(line) + 1);
        memcpy(values[n], eq + 3, strlen(eq + 3) + 1);
        values[n][strcspn(values[n], "\n")] = '\0';
        n++;
    }
    fclose(f);
    assert_true(n >= 20); /* the file sets most settings, not two */
    vn_config got, want;
    vn_error e;
    vn_config_defaults(&got);
    for (size_t i = 0; i < n; i++) {
        /* another value than the file's, of the setting's kind */
        const char *other = strcmp(values[i], "7") ? "7" : "8";
        if (vn_config_set(&got, keys[i], other, &e) != VN_OK) /* a string, or the octal mode */
            assert_int_equal(vn_config_set(&got, keys[i], strcmp(values[i], "0600") ? "0600" : "0644", &e), VN_OK);
    }
    want = got;
    for (size_t i = 0; i < n; i++)
        assert_int_equal(vn_config_set(&want, keys[i], values[i], &e), VN_OK);
    assert_memory_not_equal(&got, &want, sizeof got); /* the file changes something */
    assert_int_equal(vn_config_load(&got, "config/vnsearch.conf", &e), VN_OK);
    assert_memory_equal(&got, &want, sizeof got);
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
