/* SPDX-License-Identifier: GPL-2.0-or-later */
/* proto_parse.c -- one request line to a vn_request.  Pure.
 *
 *   SEARCH [limit=N] [offset=N] [sort=relevance|date|-date] [from=YYYY-MM-DD]
 *          [to=YYYY-MM-DD] [source=NAME|source="NAME WITH SPACES"]
 *          [snippet=html|text|none] [--] <query>
 *   COUNT [same options] [--] <query>   GET <id>   SUGGEST <prefix>   STATS
 *   PING   HELP   QUIT   RELOAD   FORMAT json|text   AUTH <token>
 * Commands are case-insensitive; options come before the query.  A word of
 * the form name=value before the query that is no option is an error, not
 * a query word; "--" ends the options, so a query may begin with "x=". */
#include "proto.h"
#include "vn_article.h"
#include "vn_text.h"
#include "vn_xapian.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const struct {
    const char *name;
    vn_cmd cmd;
    int arg; /* 0 none, 1 required */
} commands[] = {
    {"SEARCH", VN_CMD_SEARCH, 1}, {"COUNT", VN_CMD_COUNT, 1}, {"GET", VN_CMD_GET, 1},
    {"SUGGEST", VN_CMD_SUGGEST, 1}, {"STATS", VN_CMD_STATS, 0}, {"PING", VN_CMD_PING, 0},
    {"HELP", VN_CMD_HELP, 0}, {"QUIT", VN_CMD_QUIT, 0}, {"RELOAD", VN_CMD_RELOAD, 0},
    {"FORMAT", VN_CMD_FORMAT, 1}, {"AUTH", VN_CMD_AUTH, 1},
};

void vn_request_clear(vn_request *r)
{
    free(r->arg);
    memset(r, 0, sizeof *r);
}

void vn_request_rebind(vn_request *r)
{
    r->opts.date_from = r->strs[0][0] ? r->strs[0] : NULL;
    r->opts.date_to = r->strs[1][0] ? r->strs[1] : NULL;
    r->opts.source = r->strs[2][0] ? r->strs[2] : NULL;
}

static int is_space(char c) { return c == ' ' || c == '\t'; }

static int parse_uint(const char *s, size_t n, unsigned *out)
{
    if (n == 0 || n > 9)
        return 0;
    unsigned v = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return 0;
        v = v * 10 + (unsigned)(s[i] - '0');
    }
    *out = v;
    return 1;
}

/* Try to read one key=value option at s[*i]; returns 1 if it was one, 0 if
 * the query starts here, -1 on a bad option (err set). */
static int parse_option(const char *s, size_t len, size_t *i, const vn_proto_limits *lim, vn_request *r,
                        vn_error *err)
{
    static const char *keys[] = {"limit", "offset", "sort", "from", "to", "source", "snippet"};
    enum { NKEYS = sizeof keys / sizeof keys[0] };
    if (len - *i >= 2 && s[*i] == '-' && s[*i + 1] == '-' && (len - *i == 2 || is_space(s[*i + 2]))) {
        *i += 2;
        return 2; /* end of options */
    }
    size_t k;
    for (k = 0; k < NKEYS; k++) {
        size_t kl = strlen(keys[k]);
        if (len - *i > kl && strncasecmp(s + *i, keys[k], kl) == 0 && s[*i + kl] == '=')
            break;
    }
    if (k == NKEYS) {
        /* name=value that is no option: a typo must not become query words */
        size_t e = *i;
        while (e < len && ((s[e] >= 'a' && s[e] <= 'z') || (s[e] >= 'A' && s[e] <= 'Z') || s[e] == '_'))
            e++;
        if (e > *i && e < len && s[e] == '=') {
            vn_error_set(err, VN_ERR_INVALID,
                         "unknown option \"%.*s=\" (options: limit offset sort from to source snippet; "
                         "put -- before a query that begins with name=)",
                         (int)(e - *i > 32 ? 32 : e - *i), s + *i);
            return -1;
        }
        return 0;
    }
    size_t vs = *i + strlen(keys[k]) + 1, ve;
    if (vs < len && s[vs] == '"') {
        ve = ++vs;
        while (ve < len && s[ve] != '"')
            ve++;
        if (ve >= len) {
            vn_error_set(err, VN_ERR_INVALID, "unbalanced quote in %s=", keys[k]);
            return -1;
        }
        *i = ve + 1;
    } else {
        ve = vs;
        while (ve < len && !is_space(s[ve]))
            ve++;
        *i = ve;
    }
    const char *v = s + vs;
    size_t vl = ve - vs;
    switch (k) {
    case 0:
    case 1: {
        unsigned n;
        if (!parse_uint(v, vl, &n)) {
            vn_error_set(err, VN_ERR_INVALID, "%s= takes a whole number", keys[k]);
            return -1;
        }
        if (k == 0) {
            if (n == 0) {
                vn_error_set(err, VN_ERR_INVALID, "limit= must be at least 1");
                return -1;
            }
            if (n > lim->max_results) {
                vn_error_set(err, VN_ERR_LIMIT, "limit=%u is over the maximum of %u", n, lim->max_results);
                return -1;
            }
            r->opts.limit = n;
        } else {
            if (n > 1000000) {
                vn_error_set(err, VN_ERR_LIMIT, "offset= is over 1000000");
                return -1;
            }
            r->opts.offset = n;
        }
        return 1;
    }
    case 6:
        if (vl == 4 && strncasecmp(v, "html", 4) == 0)
            r->opts.snippet_format = VN_SNIPPET_HTML;
        else if (vl == 4 && strncasecmp(v, "text", 4) == 0)
            r->opts.snippet_format = VN_SNIPPET_TEXT;
        else if (vl == 4 && strncasecmp(v, "none", 4) == 0)
            r->opts.no_snippets = 1;
        else {
            vn_error_set(err, VN_ERR_INVALID, "snippet= takes html, text or none");
            return -1;
        }
        return 1;
    case 2:
        if (vl == 9 && strncasecmp(v, "relevance", 9) == 0)
            r->opts.sort = VN_SORT_RELEVANCE;
        else if (vl == 4 && strncasecmp(v, "date", 4) == 0)
            r->opts.sort = VN_SORT_DATE_ASC;
        else if (vl == 5 && strncasecmp(v, "-date", 5) == 0)
            r->opts.sort = VN_SORT_DATE_DESC;
        else {
            vn_error_set(err, VN_ERR_INVALID, "sort= takes relevance, date or -date");
            return -1;
        }
        return 1;
    default: {
        int slot = (int)k - 3;
        if (vl == 0 || vl >= sizeof r->strs[slot]) {
            vn_error_set(err, VN_ERR_INVALID, "%s= needs a value of at most %zu bytes", keys[k],
                         sizeof r->strs[slot] - 1);
            return -1;
        }
        memcpy(r->strs[slot], v, vl);
        r->strs[slot][vl] = '\0';
        if (k != 5 && !vn_date_valid(r->strs[slot])) {
            vn_error_set(err, VN_ERR_INVALID, "%s= takes a date YYYY-MM-DD", keys[k]);
            return -1;
        }
        vn_request_rebind(r);
        return 1;
    }
    }
}

vn_status vn_proto_parse(const char *s, size_t len, const vn_proto_limits *lim, vn_request *r, vn_error *err)
{
    memset(r, 0, sizeof *r);
    r->opts.limit = 10;
    if (!vn_utf8_valid(s, len))
        return vn_error_set(err, VN_ERR_INVALID, "request is not valid UTF-8");
    if (memchr(s, '\0', len))
        return vn_error_set(err, VN_ERR_INVALID, "request contains a NUL byte");
    size_t i = 0;
    while (i < len && is_space(s[i]))
        i++;
    size_t ce = i;
    while (ce < len && !is_space(s[ce]))
        ce++;
    if (ce == i)
        return vn_error_set(err, VN_ERR_INVALID, "empty request; try HELP");
    size_t c;
    for (c = 0; c < sizeof commands / sizeof commands[0]; c++)
        if (strlen(commands[c].name) == ce - i && strncasecmp(s + i, commands[c].name, ce - i) == 0)
            break;
    if (c == sizeof commands / sizeof commands[0])
        return vn_error_set(err, VN_ERR_INVALID, "unknown command \"%.*s\"; try HELP",
                            (int)vn_utf8_cut(s + i, ce - i, 32), s + i);
    r->cmd = commands[c].cmd;
    i = ce;
    while (i < len && is_space(s[i]))
        i++;
    if (r->cmd == VN_CMD_SEARCH || r->cmd == VN_CMD_COUNT) {
        for (;;) {
            int o = parse_option(s, len, &i, lim, r, err);
            if (o < 0)
                return err ? err->code : VN_ERR_INVALID;
            if (o == 0)
                break;
            while (i < len && is_space(s[i]))
                i++;
            if (o == 2)
                break;
        }
    }
    size_t e = len;
    while (e > i && is_space(s[e - 1]))
        e--;
    if (commands[c].arg && e == i)
        return vn_error_set(err, VN_ERR_INVALID, "%s needs %s", commands[c].name,
                            r->cmd == VN_CMD_SEARCH || r->cmd == VN_CMD_COUNT ? "a query"
                            : r->cmd == VN_CMD_GET                            ? "a document id"
                            : r->cmd == VN_CMD_SUGGEST                        ? "a prefix"
                            : r->cmd == VN_CMD_FORMAT                         ? "json or text"
                                                                              : "a token");
    if (!commands[c].arg && e > i)
        return vn_error_set(err, VN_ERR_INVALID, "%s takes no argument", commands[c].name);
    if (e > i)
        r->arg = vn_xstrndup(s + i, e - i);
    if (r->cmd == VN_CMD_FORMAT && strcasecmp(r->arg, "json") != 0 && strcasecmp(r->arg, "text") != 0) {
        vn_request_clear(r);
        return vn_error_set(err, VN_ERR_INVALID, "FORMAT takes json or text");
    }
    if (r->cmd == VN_CMD_GET && strlen(r->arg) > VN_ID_MAX_BYTES) {
        vn_request_clear(r);
        return vn_error_set(err, VN_ERR_INVALID, "document ids are at most %d bytes", VN_ID_MAX_BYTES);
    }
    return VN_OK;
}
