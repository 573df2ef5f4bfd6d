/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cli.c -- vnsearch: search a running vnsearchd from the shell.
 *
 *   vnsearch [options] QUERY...
 * Readable results (title, date, source, snippet with the matched words
 * highlighted on a terminal, plain when piped), or the daemon's JSON with
 * --json.  Exit codes: 0 hits, 1 no hits, 2 error.  A thin front-end over
 * libvnsearch-client, which sends the query after "--" (never read as
 * options) and refuses a line break in it. */
#include "vn_num.h"
#include "vnsearch_client.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char usage[] =
    "Usage: vnsearch [options] QUERY...\n"
    "       vnsearch [options] --related ID\n"
    "       vnsearch [options] --suggest PREFIX...\n"
    "       vnsearch [options] --watch QUERY...\n"
    "Search a running vnsearchd. Words may be typed with or without diacritics.\n"
    "\n"
    "  --host HOST      daemon host (default 127.0.0.1)\n"
    "  --port PORT      daemon port (default 7700)\n"
    "  --socket PATH    Unix socket instead of TCP\n"
    "  --limit N        number of hits (default 10)\n"
    "  --offset N       skip the first N hits\n"
    "  --from DATE      only articles dated YYYY-MM-DD or later\n"
    "  --to DATE        only articles dated YYYY-MM-DD or earlier\n"
    "  --source NAME    only articles from this source\n"
    "  --sort ORDER     relevance (default), date or -date\n"
    "  --fresh DAYS     newer articles first among equally relevant ones\n"
    "                   (a half-life in days, 1-3650)\n"
    "  --now DATE       today, YYYY-MM-DD, for --fresh and dates in the query\n"
    "  --collapse       one hit per story: copies of a wire story folded, listed\n"
    "  --related ID     the articles most like article ID, instead of a query\n"
    "  --suggest        complete the words given (SUGGEST), one per line\n"
    "  --watch          a standing search: print each new article that matches,\n"
    "                   as it comes, until interrupted\n"
    "  --json           print the daemon's JSON reply\n"
    "  --timeout SECS   give up after this long (default 10)\n"
    "  --token TOKEN    the daemon's search_token (or admin_token), when it\n"
    "                   wants one; default: $VNSEARCH_TOKEN, which keeps it out\n"
    "                   of the process list\n"
    "  -h, --help       this text\n"
    "  -V, --version    the version\n"
    "\n"
    "Exit codes: 0 hits found, 1 no hits, 2 error.\n";

/* Print text from an article: control characters (a terminal's escape
 * sequences among them) become spaces. */
static void print_plain(const char *s)
{
    for (; *s; s++)
        putchar((unsigned char)*s < 0x20 || *s == 0x7f ? ' ' : *s);
}

/* Print an HTML snippet as text: <b>..</b> become bold on a terminal,
 * nothing when piped; the escaped characters come back. */
static void print_snippet(const char *s, int tty)
{
    static const struct { const char *ref; char c; } refs[] = {
        {"&lt;", '<'}, {"&gt;", '>'}, {"&amp;", '&'}, {"&quot;", '"'}, {"&#39;", '\''}};
    while (*s) {
        size_t k;
        for (k = 0; k < sizeof refs / sizeof refs[0]; k++)
            if (strncmp(s, refs[k].ref, strlen(refs[k].ref)) == 0)
                break;
        if (k < sizeof refs / sizeof refs[0]) {
            putchar(refs[k].c);
            s += strlen(refs[k].ref);
        } else if (strncmp(s, "<b>", 3) == 0) {
            if (tty)
                fputs("\033[1;33m", stdout);
            s += 3;
        } else if (strncmp(s, "</b>", 4) == 0) {
            if (tty)
                fputs("\033[0m", stdout);
            s += 4;
        } else {
            putchar((unsigned char)*s < 0x20 || *s == 0x7f ? ' ' : *s);
            s++;
        }
    }
}

int main(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"host", required_argument, NULL, 'H'},   {"port", required_argument, NULL, 'p'},
        {"socket", required_argument, NULL, 's'}, {"limit", required_argument, NULL, 'l'},
        {"offset", required_argument, NULL, 'o'}, {"from", required_argument, NULL, 'f'},
        {"to", required_argument, NULL, 't'},     {"source", required_argument, NULL, 'S'},
        {"sort", required_argument, NULL, 'r'},   {"json", no_argument, NULL, 'j'},
        {"timeout", required_argument, NULL, 'T'}, {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, 'V'},      {"related", required_argument, NULL, 'R'},
        {"fresh", required_argument, NULL, 'F'},  {"now", required_argument, NULL, 'N'},
        {"suggest", no_argument, NULL, 'G'},      {"collapse", no_argument, NULL, 'C'},
        {"watch", no_argument, NULL, 'W'},       {"token", required_argument, NULL, 'K'},
        {NULL, 0, NULL, 0}};
    const char *host = "127.0.0.1", *sock = NULL, *related = NULL, *token = getenv("VNSEARCH_TOKEN");
    int port = 7700, json = 0, suggest = 0, watch = 0;
    double timeout = 10;
    vnc_search_opts o = {0};
    int c;
    while ((c = getopt_long(argc, argv, "hV", longopts, NULL)) != -1) {
        switch (c) {
        case 'H': host = optarg; break;
        case 'p': {
            unsigned v;
            if (!vn_parse_unsigned(optarg, 65535, &v) || v == 0) {
                fprintf(stderr, "vnsearch: --port takes 1 to 65535\n");
                return 2;
            }
            port = (int)v;
            break;
        }
        case 's': sock = optarg; break;
        case 'l':
        case 'o': {
            unsigned v;
            if (!vn_parse_unsigned(optarg, 1000000, &v) || v < (c == 'l')) {
                fprintf(stderr, "vnsearch: --%s takes a number\n", c == 'l' ? "limit" : "offset");
                return 2;
            }
            if (c == 'l')
                o.limit = v;
            else
                o.offset = v;
            break;
        }
        case 'f': o.from = optarg; break;
        case 't': o.to = optarg; break;
        case 'S': o.source = optarg; break;
        case 'r': o.sort = optarg; break;
        case 'F':
            if (!vn_parse_unsigned(optarg, 3650, &o.fresh) || o.fresh == 0) {
                fprintf(stderr, "vnsearch: --fresh takes a half-life of 1 to 3650 days\n");
                return 2;
            }
            break;
        case 'N': o.now = optarg; break;
        case 'j': json = 1; break;
        case 'T':
            if (!vn_parse_nonneg(optarg, &timeout) || timeout == 0) {
                fprintf(stderr, "vnsearch: --timeout takes seconds, more than 0\n");
                return 2;
            }
            break;
        case 'h': fputs(usage, stdout); return 0;
        case 'V': printf("vnsearch %s\n", VNC_VERSION); return 0;
        case 'R': related = optarg; break;
        case 'G': suggest = 1; break;
        case 'C': o.collapse = 1; break;
        case 'W': watch = 1; break;
        case 'K': token = optarg; break;
        default: /* getopt said what was wrong */
            fputs("try 'vnsearch --help'\n", stderr);
            return 2;
        }
    }
    if ((suggest || watch) && json) {
        fputs("vnsearch: --json prints a SEARCH or RELATED reply; --suggest and --watch print text\n", stderr);
        return 2;
    }
    if (!!related + suggest + watch > 1) {
        fputs("vnsearch: one of --related, --suggest and --watch\n", stderr);
        return 2;
    }
    if ((optind >= argc) == !related) {
        fputs(related ? "vnsearch: --related takes an id, not a query too; try 'vnsearch --help'\n"
                      : "vnsearch: no query given; try 'vnsearch --help'\n",
              stderr);
        return 2;
    }
    size_t qlen = 0;
    for (int i = optind; i < argc; i++)
        qlen += strlen(argv[i]) + 1;
    char *query = calloc(1, qlen + (related ? strlen(related) : 0) + 1);
    if (related)
        strcpy(query, related);
    for (int i = optind; i < argc; i++) {
        if (i > optind)
            strcat(query, " ");
        strcat(query, argv[i]);
    }
    vnc_context *ctx = sock ? vnc_connect_unix(sock, timeout) : vnc_connect(host, port, timeout);
    if (!ctx) {
        fprintf(stderr, "vnsearch: out of memory\n");
        return 2;
    }
    int code = 2;
    if (token && *token && vnc_auth(ctx, token) != VNC_OK) {
        fprintf(stderr, "vnsearch: %s%s%s\n", ctx->code[0] ? ctx->code : "", ctx->code[0] ? " " : "", ctx->errstr);
        vnc_free(ctx);
        free(query);
        return 2;
    }
    if (watch) {
        uint64_t id;
        if (vnc_watch(ctx, query, &id) == VNC_OK) {
            fprintf(stderr, "vnsearch: watching \"%s\" (standing search %llu); Ctrl-C stops\n", query,
                    (unsigned long long)id);
            for (;;) {
                vnc_alert *a;
                int rc = vnc_next_alert(ctx, 3600, &a);
                if (rc == VNC_ERR_TIMEOUT)
                    continue;
                if (rc != VNC_OK)
                    break; /* the daemon went away: exit code 2, and why */
                print_plain(a->title);
                fputs("\n  ", stdout);
                print_plain(a->id);
                const char *more[] = {a->date, a->source, a->url};
                for (size_t k = 0; k < 3; k++)
                    if (more[k]) {
                        fputs(" · ", stdout);
                        print_plain(more[k]);
                    }
                fputs("\n\n", stdout);
                fflush(stdout);
                vnc_alert_free(a);
            }
        }
    } else if (suggest) {
        char **items;
        size_t n;
        if (vnc_suggest(ctx, query, &items, &n) == VNC_OK) {
            for (size_t i = 0; i < n; i++) {
                print_plain(items[i]);
                putchar('\n');
            }
            if (n == 0)
                fprintf(stderr, "vnsearch: no completions of \"%s\"\n", query);
            code = n ? 0 : 1;
            vnc_strings_free(items, n);
        }
    } else if (json) {
        char *raw;
        if ((related ? vnc_related_json : vnc_search_json)(ctx, query, &o, &raw) == VNC_OK) {
            puts(raw);
            code = strstr(raw, "\"hits\":[]") ? 1 : 0;
            free(raw);
        }
    } else {
        vnc_result *r;
        if ((related ? vnc_related : vnc_search)(ctx, query, &o, &r) == VNC_OK) {
            int tty = isatty(1) && !getenv("NO_COLOR"); /* no-color.org */
            for (size_t i = 0; i < r->n; i++) {
                const vnc_hit *h = &r->hits[i];
                fputs(tty ? "\033[1m" : "", stdout);
                print_plain(h->title && *h->title ? h->title : h->id);
                fputs(tty ? "\033[0m\n  " : "\n  ", stdout);
                print_plain(h->id);
                if (h->date) {
                    fputs(" · ", stdout);
                    print_plain(h->date);
                }
                if (h->source) {
                    fputs(" · ", stdout);
                    print_plain(h->source);
                }
                printf(" · %.2f\n  ", h->score);
                print_snippet(h->snippet ? h->snippet : "", tty);
                if (h->ncopies) {
                    printf("\n  + %zu %s:", h->ncopies, h->ncopies == 1 ? "copy" : "copies");
                    for (size_t k = 0; k < h->ncopies; k++) {
                        putchar(' ');
                        print_plain(h->copies[k]);
                    }
                }
                printf("\n\n");
            }
            if (r->n == 0)
                fprintf(stderr, "vnsearch: no %s \"%s\"\n", related ? "articles related to" : "hits for", query);
            code = r->n ? 0 : 1;
            vnc_result_free(r);
        }
    }
    if (code == 2)
        fprintf(stderr, "vnsearch: %s%s%s\n", ctx->code[0] ? ctx->code : "", ctx->code[0] ? " " : "", ctx->errstr);
    vnc_free(ctx);
    free(query);
    return code;
}
