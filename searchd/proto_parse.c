/* SPDX-License-Identifier: GPL-2.0-or-later */
/* proto_parse.c -- a request line, or the parts of an HTTP request, to a
 * vn_request.  Pure.
 *
 *   SEARCH [limit=N] [offset=N] [sort=relevance|date|-date] [from=YYYY-MM-DD]
 *          [to=YYYY-MM-DD] [source=NAME|source="NAME WITH SPACES"]
 *          [snippet=html|text|none] [facets=source,year,month,day]
 *          [dates=on|off] [now=YYYY-MM-DD] [restore=on|off] [fresh=DAYS] [collapse=on|off]
 *          [--] <query>
 *   COUNT [same options] [--] <query>   and the other commands of the table
 *   (commands.c), each with no argument or the rest of the line.
 * Commands are case-insensitive; options come before the query.  A word of
 * the form name=value before the query that is no option is an error, not
 * a query word; "--" ends the options, so a query may begin with "x=".
 * Options are applied by vn_request_option, which HTTP's query parameters
 * go through too: one set of rules for both front-ends. */
#include "proto.h"
#include "vn_article.h"
#include "vn_text.h"
#include "vn_num.h"
#include "vn_xapian.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

void vn_request_clear(vn_request *r)
{
    free(r->arg);
    free(r->from);
    free(r->to);
    free(r->source);
    free(r->today);
    memset(r, 0, sizeof *r);
}

void vn_request_init(vn_request *r, const vn_command *c)
{
    memset(r, 0, sizeof *r);
    r->command = c;
    r->cmd = c ? c->cmd : VN_CMD_PING;
    r->opts.limit = 10;
    r->opts.did_you_mean = 1; /* SEARCH offers the query with marks restored (restore=off: not) */
}

static int is_space(char c) { return c == ' ' || c == '\t'; }

static int is(const char *s, size_t n, const char *word)
{
    return strlen(word) == n && strncasecmp(s, word, n) == 0;
}

/* A string option's value, owned by the request; opts points at it. */
static vn_status set_string(char **slot, const char **opt, const char *key, const char *v, size_t vl, int date,
                            vn_error *err)
{
    if (vl == 0 || vl >= VN_OPTION_MAX || memchr(v, '\0', vl))
        return vn_error_set(err, VN_ERR_INVALID, "%s= needs a value of at most %d bytes", key, VN_OPTION_MAX - 1);
    free(*slot);
    *slot = vn_xstrndup(v, vl);
    *opt = *slot;
    if (date && !vn_date_valid(*slot))
        return vn_error_set(err, VN_ERR_INVALID, "%s= takes a date YYYY-MM-DD", key);
    return VN_OK;
}

/* SEARCH's and COUNT's options, each named once: parsed below, listed by
 * HELP (vn_reply_help) and by the unknown-option error. */
enum { O_LIMIT, O_OFFSET, O_SORT, O_FROM, O_TO, O_SOURCE, O_SNIPPET, O_FACETS, O_DATES, O_NOW, O_RESTORE, O_FRESH, O_COLLAPSE };
const vn_option vn_search_options[VN_NOPTIONS] = {
    [O_LIMIT] = {"limit", "N"},
    [O_OFFSET] = {"offset", "N"},
    [O_SORT] = {"sort", "relevance|date|-date"},
    [O_FROM] = {"from", "YYYY-MM-DD"},
    [O_TO] = {"to", "YYYY-MM-DD"},
    [O_SOURCE] = {"source", "NAME"},
    [O_SNIPPET] = {"snippet", "html|text|none"},
    [O_FACETS] = {"facets", "source,year,month,day"},
    [O_DATES] = {"dates", "on|off"},
    [O_NOW] = {"now", "YYYY-MM-DD"},
    [O_RESTORE] = {"restore", "on|off"},
    [O_FRESH] = {"fresh", "DAYS"},
    [O_COLLAPSE] = {"collapse", "on|off"},
};

vn_status vn_request_option(vn_request *r, const char *key, size_t kl, const char *v, size_t vl,
                            const vn_proto_limits *lim, vn_error *err)
{
    int k = 0;
    while (k < VN_NOPTIONS && !is(key, kl, vn_search_options[k].key))
        k++;
    switch (k) {
    case O_LIMIT:
    case O_OFFSET: {
        int limit = k == O_LIMIT;
        unsigned long long big;
        if (!vn_parse_uint(v, vl, 999999999, &big))
            return vn_error_set(err, VN_ERR_INVALID, "%s= takes a whole number", limit ? "limit" : "offset");
        unsigned n = (unsigned)big;
        if (limit && n == 0)
            return vn_error_set(err, VN_ERR_INVALID, "limit= must be at least 1");
        if (limit && n > lim->max_results)
            return vn_error_set(err, VN_ERR_LIMIT, "limit=%u is over the maximum of %u", n, lim->max_results);
        if (!limit && n > 1000000)
            return vn_error_set(err, VN_ERR_LIMIT, "offset= is over 1000000");
        *(limit ? &r->opts.limit : &r->opts.offset) = n;
        return VN_OK;
    }
    case O_SORT:
        if (is(v, vl, "relevance"))
            r->opts.sort = VN_SORT_RELEVANCE;
        else if (is(v, vl, "date"))
            r->opts.sort = VN_SORT_DATE_ASC;
        else if (is(v, vl, "-date"))
            r->opts.sort = VN_SORT_DATE_DESC;
        else
            return vn_error_set(err, VN_ERR_INVALID, "sort= takes relevance, date or -date");
        return VN_OK;
    case O_SNIPPET:
        if (is(v, vl, "html"))
            r->opts.snippet_format = VN_SNIPPET_HTML;
        else if (is(v, vl, "text"))
            r->opts.snippet_format = VN_SNIPPET_TEXT;
        else if (is(v, vl, "none"))
            r->opts.no_snippets = 1;
        else
            return vn_error_set(err, VN_ERR_INVALID, "snippet= takes html, text or none");
        return VN_OK;
    case O_FACETS:
        r->opts.facets = vn_facets_parse(v, vl);
        if (!r->opts.facets)
            return vn_error_set(err, VN_ERR_INVALID, "facets= takes source, year, month and day, comma-separated");
        return VN_OK;
    case O_DATES:
    case O_RESTORE:
    case O_COLLAPSE:
        if (!is(v, vl, "on") && !is(v, vl, "off"))
            return vn_error_set(err, VN_ERR_INVALID, "%s= takes on or off", vn_search_options[k].key);
        if (k == O_DATES)
            r->opts.no_date_words = !is(v, vl, "on");
        else if (k == O_RESTORE)
            r->opts.did_you_mean = is(v, vl, "on");
        else
            r->opts.collapse = is(v, vl, "on");
        return VN_OK;
    case O_FRESH: {
        unsigned long long days;
        if (!vn_parse_uint(v, vl, VN_FRESH_MAX, &days))
            return vn_error_set(err, VN_ERR_INVALID, "fresh= takes a half-life of 0 (off) to %d days",
                                VN_FRESH_MAX);
        r->opts.fresh = (unsigned)days;
        return VN_OK;
    }
    case O_NOW:
        return set_string(&r->today, &r->opts.today, "now", v, vl, 1, err);
    case O_FROM:
        return set_string(&r->from, &r->opts.date_from, "from", v, vl, 1, err);
    case O_TO:
        return set_string(&r->to, &r->opts.date_to, "to", v, vl, 1, err);
    case O_SOURCE:
        return set_string(&r->source, &r->opts.source, "source", v, vl, 0, err);
    default: {
        vn_buf names = VN_BUF_INIT;
        for (int o = 0; o < VN_NOPTIONS; o++)
            vn_buf_printf(&names, "%s%s", o ? " " : "", vn_search_options[o].key);
        vn_error_set(err, VN_ERR_NOTFOUND, "unknown option \"%.*s=\" (options: %s; put -- before a query that "
                     "begins with name=)", (int)vn_utf8_cut(key, kl, 32), key, names.data);
        vn_buf_free(&names);
        return VN_ERR_NOTFOUND;
    }
    }
}

/* Read one option at s[*i] of a request line: 1 if it was one, 2 for the
 * "--" that ends them, 0 if the query starts here, -1 on an error. */
static int line_option(const char *s, size_t len, size_t *i, const vn_proto_limits *lim, vn_request *r,
                       vn_error *err)
{
    size_t ks = *i;
    if (len - ks >= 2 && s[ks] == '-' && s[ks + 1] == '-' && (len - ks == 2 || is_space(s[ks + 2]))) {
        *i += 2;
        return 2;
    }
    /* name=value, the name a letter then letters, digits, _ or -: a typo
     * (lim1t=2, max-results=2) must not become query words */
    size_t ke = ks;
    if (ke < len && ((s[ke] >= 'a' && s[ke] <= 'z') || (s[ke] >= 'A' && s[ke] <= 'Z')))
        while (ke < len && ((s[ke] >= 'a' && s[ke] <= 'z') || (s[ke] >= 'A' && s[ke] <= 'Z') ||
                            (s[ke] >= '0' && s[ke] <= '9') || s[ke] == '_' || s[ke] == '-'))
            ke++;
    if (ke == ks || ke >= len || s[ke] != '=')
        return 0;
    size_t vs = ke + 1, ve;
    if (vs < len && s[vs] == '"') {
        ve = ++vs;
        while (ve < len && s[ve] != '"')
            ve++;
        if (ve >= len) {
            vn_error_set(err, VN_ERR_INVALID, "unbalanced quote in %.*s=", (int)vn_utf8_cut(s + ks, ke - ks, 32),
                         s + ks);
            return -1;
        }
        *i = ve + 1;
    } else {
        ve = vs;
        while (ve < len && !is_space(s[ve]))
            ve++;
        *i = ve;
    }
    vn_status rc = vn_request_option(r, s + ks, ke - ks, s + vs, ve - vs, lim, err);
    if (rc == VN_ERR_NOTFOUND && err)
        err->code = VN_ERR_INVALID; /* an unknown option is a bad request */
    return rc == VN_OK ? 1 : -1;
}

vn_status vn_request_arg(vn_request *r, const char *s, size_t n, vn_error *err)
{
    const vn_command *c = r->command;
    if (c->arg != VN_ARG_NONE && n == 0)
        return vn_error_set(err, VN_ERR_INVALID, "%s needs %s", c->name, c->arg_desc);
    if (c->arg == VN_ARG_NONE && n > 0)
        return vn_error_set(err, VN_ERR_INVALID, "%s takes no argument", c->name);
    if (n == 0)
        return VN_OK;
    if (!vn_utf8_valid(s, n) || memchr(s, '\0', n))
        return vn_error_set(err, VN_ERR_INVALID, "%s: the argument is not valid UTF-8 text", c->name);
    if (c->cmd == VN_CMD_FORMAT && !is(s, n, "json") && !is(s, n, "text"))
        return vn_error_set(err, VN_ERR_INVALID, "FORMAT takes json or text");
    if (c->arg == VN_ARG_ID && n > VN_ID_MAX_BYTES)
        return vn_error_set(err, VN_ERR_INVALID, "document ids are at most %d bytes", VN_ID_MAX_BYTES);
    free(r->arg);
    r->arg = vn_xstrndup(s, n);
    return VN_OK;
}

vn_status vn_proto_parse(const char *s, size_t len, const vn_proto_limits *lim, vn_request *r, vn_error *err)
{
    vn_request_init(r, NULL);
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
    const vn_command *c = vn_command_named(s + i, ce - i);
    if (!c)
        return vn_error_set(err, VN_ERR_INVALID, "unknown command \"%.*s\"; try HELP",
                            (int)vn_utf8_cut(s + i, ce - i, 32), s + i);
    vn_request_init(r, c);
    i = ce;
    while (i < len && is_space(s[i]))
        i++;
    if (c->arg == VN_ARG_QUERY) {
        for (;;) {
            int o = line_option(s, len, &i, lim, r, err);
            if (o < 0) {
                vn_status rc = err ? err->code : VN_ERR_INVALID;
                vn_request_clear(r);
                return rc;
            }
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
    vn_status rc = vn_request_arg(r, s + i, e - i, err);
    if (rc != VN_OK)
        vn_request_clear(r);
    return rc;
}
