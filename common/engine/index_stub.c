/* SPDX-License-Identifier: GPL-2.0-or-later */
/* index_stub.c -- reading a Xapian stub file: the list of databases, local
 * and remote, that one index is made of (see vn_index_dir.h).
 *
 * Xapian opens stub files by itself; vnsearch reads them first so that it
 * can open each shard on its own, tell which one is down, and answer from
 * the others when told to (the shim, xapian_shim.cc, does the opening).
 * The lines are Xapian 1.4's: "auto PATH" or "glass PATH" (relative to the
 * stub's directory), "remote HOST:PORT" (a xapian-tcpsrv); vnsearch also
 * reads "remote tcp HOST PORT".  Blank lines and "#" comments are skipped.
 * Not here: the prog remote method (an ssh tunnel is the operator's), and
 * any I/O other than reading the file. */
#include "vn_index_dir.h"
#include "vn_num.h"
#include "vn_buf.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define STUB_MAX_BYTES 65536 /* thousands of shards; more is no stub */

static void add(vn_stub *s, vn_stub_db db)
{
    s->db = vn_xrealloc(s->db, (s->n + 1) * sizeof *s->db);
    s->db[s->n++] = db;
}

/* The next blank-separated word of [*p, end), or 0 when there is none. */
static int word(const char **p, const char *end, const char **w, size_t *wl)
{
    const char *q = *p;
    while (q < end && (*q == ' ' || *q == '\t'))
        q++;
    const char *b = q;
    while (q < end && *q != ' ' && *q != '\t')
        q++;
    *p = q;
    *w = b;
    *wl = (size_t)(q - b);
    return q > b;
}

/* A port: 1 to 65535, digits only. */
static int port_of(const char *s, size_t n, unsigned *port)
{
    unsigned long long v;
    if (!vn_parse_uint(s, n, 65535, &v) || v == 0)
        return 0;
    *port = (unsigned)v;
    return 1;
}

vn_status vn_stub_parse(const char *text, size_t len, const char *base, vn_stub *out, vn_error *err)
{
    memset(out, 0, sizeof *out);
    const char *p = text, *end = text + len;
    for (unsigned line = 1; p < end; line++) {
        const char *eol = memchr(p, '\n', (size_t)(end - p));
        const char *le = eol ? eol : end, *q = p, *w[4];
        size_t wl[4], nw = 0;
        if (le > p && le[-1] == '\r')
            le--;
        while (nw < 4 && word(&q, le, &w[nw], &wl[nw]))
            nw++;
        const char *rest = q;
        const char *dummy;
        size_t dl;
        int extra = word(&rest, le, &dummy, &dl);
        p = eol ? eol + 1 : end;
        if (nw == 0 || w[0][0] == '#')
            continue;
        vn_stub_db db = {0};
        vn_buf name = VN_BUF_INIT;
        if (nw >= 2 && wl[0] == 6 && memcmp(w[0], "remote", 6) == 0 && w[1][0] == ':') {
            vn_stub_free(out);
            return vn_error_set(err, VN_ERR_INVALID,
                                "stub line %u: the prog remote method is not supported: serve the shard "
                                "with xapian-tcpsrv and write remote HOST:PORT", line);
        }
        if (nw == 2 && !extra && ((wl[0] == 4 && memcmp(w[0], "auto", 4) == 0) ||
                                  (wl[0] == 5 && memcmp(w[0], "glass", 5) == 0))) {
            vn_buf path = VN_BUF_INIT;
            if (w[1][0] != '/' && base && *base)
                vn_buf_printf(&path, "%s/", base);
            vn_buf_append(&path, w[1], wl[1]);
            db.path = vn_buf_take(&path);
            vn_buf_append(&name, w[1], wl[1]);
        } else if (wl[0] == 6 && memcmp(w[0], "remote", 6) == 0 &&
                   ((nw == 2 && !extra) || (nw == 4 && !extra && wl[1] == 3 && memcmp(w[1], "tcp", 3) == 0))) {
            const char *h = nw == 2 ? w[1] : w[2], *colon = NULL;
            size_t hl = nw == 2 ? wl[1] : wl[2];
            const char *pt = nw == 4 ? w[3] : NULL;
            size_t pl = nw == 4 ? wl[3] : 0;
            if (nw == 2) { /* HOST:PORT, the last colon (an IPv6 host has others) */
                for (size_t i = 0; i < hl; i++)
                    if (h[i] == ':')
                        colon = h + i;
                if (colon) {
                    pt = colon + 1;
                    pl = (size_t)(h + hl - pt);
                    hl = (size_t)(colon - h);
                }
            }
            if (hl == 0 || !pt || !port_of(pt, pl, &db.port)) {
                vn_stub_free(out);
                return vn_error_set(err, VN_ERR_INVALID, "stub line %u: want remote HOST:PORT (port 1 to 65535)",
                                    line);
            }
            if (hl >= 2 && h[0] == '[' && h[hl - 1] == ']')
                h++, hl -= 2; /* [::1]:7001 */
            db.remote = 1;
            db.host = vn_xstrndup(h, hl);
            vn_buf_printf(&name, "%s:%u", db.host, db.port);
        } else {
            vn_stub_free(out);
            return vn_error_set(err, VN_ERR_INVALID,
                                "stub line %u: want \"auto PATH\", \"glass PATH\" or \"remote HOST:PORT\"", line);
        }
        db.name = vn_buf_take(&name);
        add(out, db);
    }
    if (out->n == 0)
        return vn_error_set(err, VN_ERR_CORRUPT,
                            "the index stub names no database (empty or damaged): rebuild with vnsearch-indexer --full");
    return VN_OK;
}

void vn_stub_free(vn_stub *s)
{
    for (size_t i = 0; s && i < s->n; i++) {
        free(s->db[i].path);
        free(s->db[i].host);
        free(s->db[i].name);
    }
    if (s) {
        free(s->db);
        memset(s, 0, sizeof *s);
    }
}

vn_status vn_stub_read(const char *path, vn_stub *out, vn_error *err)
{
    memset(out, 0, sizeof *out);
    struct stat st;
    if (stat(path, &st) != 0)
        return vn_error_set(err, VN_ERR_NOTFOUND, "no index at %s: %s", path, strerror(errno));
    vn_buf file = VN_BUF_INIT, base = VN_BUF_INIT;
    if (S_ISDIR(st.st_mode)) {
        vn_buf_printf(&file, "%s/%s", path, VN_STUB_NAME);
        vn_buf_puts(&base, path);
    } else {
        vn_buf_puts(&file, path);
        const char *slash = strrchr(path, '/');
        vn_buf_append(&base, path, slash ? (size_t)(slash - path) : 0);
        if (!slash)
            vn_buf_puts(&base, ".");
    }
    vn_buf text = VN_BUF_INIT;
    int got = vn_buf_read_file(&text, file.data, STUB_MAX_BYTES);
    vn_status rc;
    if (got < 0 && errno == ENOENT && S_ISDIR(st.st_mode))
        rc = VN_OK; /* a plain database directory: no stub, out->n == 0 */
    else if (got < 0)
        rc = vn_error_set(err, VN_ERR_IO, "cannot read %s: %s", file.data, strerror(errno));
    else if (got > 0)
        rc = vn_error_set(err, VN_ERR_INVALID, "%s is over %u bytes: no stub", file.data, STUB_MAX_BYTES);
    else if ((rc = vn_stub_parse(text.data ? text.data : "", text.len, base.data, out, err)) != VN_OK) {
        char msg[sizeof err->msg];
        snprintf(msg, sizeof msg, "%s", err->msg);
        vn_error_set(err, rc, "%s: %s", file.data, msg);
    }
    vn_buf_free(&text);
    vn_buf_free(&file);
    vn_buf_free(&base);
    return rc;
}
