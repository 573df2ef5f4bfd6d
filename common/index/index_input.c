/* SPDX-License-Identifier: GPL-2.0-or-later */
/* index_input.c -- reading the indexer's inputs: JSON Lines files or stdin,
 * plain-text article files, and directories of either.
 *
 * Bad records and unreadable files are reported (file and line) through
 * the reject callback and skipped; the rest is indexed.  An input that
 * cannot be read is also counted as unreadable, which stops --prune and a
 * --full switch (index_run.c).  A dropped date and an id met twice are
 * warnings: the article is indexed.  Directory walks
 * are sorted, so ids and progress are the same on every run. */
#include "vn_indexer.h"
#include "vn_buf.h"
#include "vn_text.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* A plain article file is the article: no bigger than one may be. */
#define PLAIN_MAX_BYTES VN_ARTICLE_MAX_BYTES
/* A JSON line: the article, with room for its escapes ("\u1ea1" is six
 * bytes for three).  A longer line is read to its end in constant memory
 * and rejected (a 300 MB line once took 8 GB). */
#define JSONL_MAX_BYTES (4 * (size_t)VN_ARTICLE_MAX_BYTES)

/* Read one line of f (its newline included) into *line, grown as needed
 * up to max + 1 bytes.  Returns its length, or -1 at the end of input.
 * A line longer than max is read to its end but not kept: *too_long is set
 * and the length returned is what was read. */
static ssize_t read_line(FILE *f, char **line, size_t *cap, size_t max, int *too_long)
{
    size_t n = 0, total = 0;
    int ch;
    *too_long = 0;
    flockfile(f);
    while ((ch = getc_unlocked(f)) != EOF) {
        total++;
        if (!*too_long) {
            VN_GROW(*line, n + 1, *cap, 4096);
            (*line)[n++] = (char)ch;
            if (n > max)
                *too_long = 1;
        }
        if (ch == '\n')
            break;
    }
    funlockfile(f);
    if (total == 0)
        return -1;
    (*line)[*too_long ? 0 : n] = '\0'; /* a byte read: the buffer was grown for it */
    return *too_long ? (ssize_t)total : (ssize_t)n;
}

static int ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcmp(s + n - m, suffix) == 0;
}

/* A text field of an article the parsers filled (malloc'd), from a
 * legacy encoding when it is one: replaced in place; returns whether it was. */
static int convert_field(vn_indexer *ix, const char **field)
{
    if (!*field || ix->opts.encoding == VN_ENC_UTF8)
        return 0;
    size_t n;
    char *u = vn_legacy_to_utf8(*field, strlen(*field), (vn_encoding)ix->opts.encoding, NULL, &n);
    if (!u)
        return 0;
    free((char *)*field);
    *field = u;
    return 1;
}

/* Each text field of `a` (in place), counted once per article. */
static void convert_article(vn_indexer *ix, vn_article *a)
{
    int c = convert_field(ix, &a->title) | convert_field(ix, &a->body) | convert_field(ix, &a->source) |
            convert_field(ix, &a->dateline);
    if (c)
        ix->stats.converted++;
}

/* An article read from a legacy encoding (conv) is counted; one read as
 * Unicode may still hold text converted once already: mended here. */
static void count_or_convert(vn_indexer *ix, vn_article *a, int conv)
{
    if (conv)
        ix->stats.converted++;
    else
        convert_article(ix, a);
}

/* A line of raw legacy bytes (not UTF-8) as UTF-8, before JSON parsing;
 * malloc'd or NULL. */
static char *convert_line(vn_indexer *ix, const char *line, size_t n, size_t *out_n)
{
    if (ix->opts.encoding == VN_ENC_UTF8 || vn_utf8_valid(line, n))
        return NULL;
    return vn_legacy_to_utf8(line, n, ix->opts.encoding == VN_ENC_AUTO ? VN_ENC_AUTO : (vn_encoding)ix->opts.encoding,
                             NULL, out_n);
}

static vn_status add_jsonl(vn_indexer *ix, FILE *f, const char *name, vn_error *err)
{
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    uint64_t lineno = 0;
    vn_status rc = VN_OK;
    int too_long;
    while (rc == VN_OK && (n = read_line(f, &line, &cap, JSONL_MAX_BYTES, &too_long)) >= 0) {
        lineno++;
        ix->stats.bytes += (uint64_t)n;
        if (too_long) {
            char msg[128];
            snprintf(msg, sizeof msg, "line of %zd bytes: more than the %zu a JSON article may take", n,
                     JSONL_MAX_BYTES);
            vn_indexer_reject(ix, name, lineno, msg);
            continue;
        }
        while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
            n--;
        if (lineno == 1 && n >= 3 && memcmp(line, "\xEF\xBB\xBF", 3) == 0) {
            /* a UTF-8 byte order mark, as some Windows tools write */
            memmove(line, line + 3, (size_t)n - 3);
            n -= 3;
        }
        size_t i = 0;
        while (i < (size_t)n && (line[i] == ' ' || line[i] == '\t'))
            i++;
        if (i == (size_t)n)
            continue; /* blank line */
        ix->at_file = name;
        ix->at_line = lineno;
        int same = vn_indexer_input_unchanged(ix, line, (size_t)n, NULL);
        ix->at_file = NULL;
        if (same)
            continue; /* the index has this very line: not even parsed */
        vn_article a;
        vn_error perr, warn;
        size_t cn = 0;
        char *conv = convert_line(ix, line, (size_t)n, &cn);
        vn_status prc = vn_article_from_json(conv ? conv : line, conv ? cn : (size_t)n, &a, &warn, &perr);
        free(conv);
        if (prc != VN_OK) {
            ix->input_hash[0] = '\0';
            vn_indexer_reject(ix, name, lineno, perr.msg);
            continue;
        }
        count_or_convert(ix, &a, conv != NULL);
        if (warn.code != VN_OK)
            vn_indexer_warn(ix, name, lineno, warn.msg);
        ix->at_file = name;
        ix->at_line = lineno;
        rc = vn_indexer_take(ix, &a, &perr);
        ix->at_file = NULL;
        ix->input_hash[0] = '\0';
        if (rc == VN_ERR_INVALID) {
            vn_indexer_reject(ix, name, lineno, perr.msg);
            rc = VN_OK;
        } else if (rc != VN_OK) {
            vn_error_set(err, rc, "%s:%llu: %s", name, (unsigned long long)lineno, perr.msg);
        }
    }
    if (rc == VN_OK && ferror(f))
        vn_indexer_unreadable(ix, name, strerror(errno));
    free(line);
    return rc;
}

static vn_status add_plain(vn_indexer *ix, const char *path, const char *id, vn_error *err)
{
    vn_buf b = VN_BUF_INIT;
    int got = vn_buf_read_file(&b, path, PLAIN_MAX_BYTES);
    if (got < 0) {
        vn_indexer_unreadable(ix, path, strerror(errno));
        vn_buf_free(&b);
        return VN_OK;
    }
    ix->stats.bytes += b.len;
    vn_status rc = VN_OK;
    ix->at_file = path;
    ix->at_line = 0;
    int same = !got && vn_indexer_input_unchanged(ix, b.data ? b.data : "", b.len, id);
    ix->at_file = NULL;
    if (same) {
        vn_buf_free(&b);
        return VN_OK; /* the index has this very file under this id */
    }
    vn_article a;
    vn_error perr;
    size_t cn = 0;
    char *conv = got ? NULL : convert_line(ix, b.data ? b.data : "", b.len, &cn);
    if (got)
        vn_indexer_reject(ix, path, 0, "file larger than the 1 MiB (VN_ARTICLE_MAX_BYTES) an article may have");
    else if (vn_article_from_plain(conv ? conv : b.data ? b.data : "", conv ? cn : b.len, id, &a, &perr) != VN_OK)
        vn_indexer_reject(ix, path, 0, perr.msg);
    else {
        count_or_convert(ix, &a, conv != NULL);
        ix->at_file = path;
        ix->at_line = 0;
        rc = vn_indexer_take(ix, &a, &perr);
        ix->at_file = NULL;
        ix->input_hash[0] = '\0';
        if (rc == VN_ERR_INVALID) {
            vn_indexer_reject(ix, path, 0, perr.msg);
            rc = VN_OK;
        } else if (rc != VN_OK) {
            vn_error_set(err, rc, "%s: %s", path, perr.msg);
        }
    }
    ix->input_hash[0] = '\0'; /* for whatever is added next (a program's vn_indexer_add) */
    free(conv);
    vn_buf_free(&b);
    return rc;
}

static vn_status add_file(vn_indexer *ix, const char *path, const char *id, vn_error *err)
{
    if (!ends_with(path, ".jsonl"))
        return add_plain(ix, path, id, err);
    FILE *f = fopen(path, "rb");
    if (!f) {
        vn_indexer_unreadable(ix, path, strerror(errno));
        return VN_OK;
    }
    vn_status rc = add_jsonl(ix, f, path, err);
    fclose(f);
    return rc;
}

static int skip_entry(const struct dirent *e)
{
    return e->d_name[0] != '.'; /* hidden files, . and .. */
}

/* Walk `path` (a directory); `rel` is its path relative to the root. */
static vn_status add_dir(vn_indexer *ix, const char *path, const char *rel, vn_error *err)
{
    struct dirent **list;
    int n = scandir(path, &list, skip_entry, alphasort);
    if (n < 0) {
        vn_indexer_unreadable(ix, path, strerror(errno));
        return VN_OK;
    }
    vn_status rc = VN_OK;
    for (int i = 0; i < n; i++) {
        if (rc == VN_OK) {
            vn_buf p = VN_BUF_INIT, r = VN_BUF_INIT;
            vn_buf_printf(&p, "%s/%s", path, list[i]->d_name);
            if (*rel)
                vn_buf_printf(&r, "%s/%s", rel, list[i]->d_name);
            else
                vn_buf_puts(&r, list[i]->d_name);
            struct stat st;
            if (stat(p.data, &st) != 0)
                vn_indexer_unreadable(ix, p.data, strerror(errno));
            else if (S_ISDIR(st.st_mode))
                rc = add_dir(ix, p.data, r.data, err);
            else if (S_ISREG(st.st_mode))
                rc = add_file(ix, p.data, r.data, err);
            vn_buf_free(&p);
            vn_buf_free(&r);
        }
        free(list[i]);
    }
    free(list);
    return rc;
}

vn_status vn_indexer_add_path(vn_indexer *ix, const char *path, vn_error *err)
{
    VN_CHECK_ARGS(err, ix && path);
    if (strcmp(path, "-") == 0)
        return add_jsonl(ix, stdin, "<stdin>", err);
    struct stat st;
    if (stat(path, &st) != 0) {
        vn_indexer_unreadable(ix, path, strerror(errno));
        return VN_OK;
    }
    if (S_ISDIR(st.st_mode))
        return add_dir(ix, path, "", err);
    const char *base = strrchr(path, '/');
    return add_file(ix, path, base ? base + 1 : path, err);
}

uint64_t vn_input_bytes(const char *path)
{
    struct stat st;
    if (strcmp(path, "-") == 0 || stat(path, &st) != 0)
        return 0;
    if (!S_ISDIR(st.st_mode))
        return S_ISREG(st.st_mode) ? (uint64_t)st.st_size : 0;
    struct dirent **list;
    int n = scandir(path, &list, skip_entry, alphasort);
    uint64_t total = 0;
    for (int i = 0; i < n; i++) {
        vn_buf p = VN_BUF_INIT;
        vn_buf_printf(&p, "%s/%s", path, list[i]->d_name);
        total += vn_input_bytes(p.data);
        vn_buf_free(&p);
        free(list[i]);
    }
    if (n >= 0)
        free(list);
    return total;
}
