/* SPDX-License-Identifier: GPL-2.0-or-later */
/* main.c -- vnsearch-indexer: command-line front-end over libvnsearch.
 *
 * Only argument parsing, the progress display, the summary line and exit
 * codes live here; parsing articles, the index schema, locking and
 * generations are the library's (vn_indexer.h), and --query is vn_search(). */
#include "vn_config.h"
#include "vn_indexer.h"
#include "vn_num.h"
#include "vn_search.h"
#include "vn_text.h"
#include "vn_xapian.h"

#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Exit codes, documented in README.md and --help. */
enum {
    EXIT_DONE = 0,     /* everything indexed */
    EXIT_REJECTED = 1, /* indexed, but some input was rejected */
    EXIT_USAGE = 2,    /* bad arguments or config */
    EXIT_LOCKED = 3,   /* another indexer holds the index */
    EXIT_INDEX = 4     /* the index could not be opened or written */
};

static const char usage[] =
    "Usage: vnsearch-indexer --index DIR [options] [INPUT...]\n"
    "       vnsearch-indexer --index DIR --query TEXT [--limit N]\n"
    "       vnsearch-indexer --index DIR --restore < lines\n"
    "\n"
    "Index Vietnamese news articles into DIR. Each INPUT is a .jsonl file (one\n"
    "article per line: id, title, date, source, url, body), '-' for JSON Lines on\n"
    "stdin, a plain-text article, or a directory of them (searched recursively;\n"
    "a plain article's id is its path relative to that directory). Without\n"
    "INPUT, the config's input (the packaged timer's incoming directory).\n"
    "\n"
    "Options:\n"
    "  --index DIR     index directory (created if missing; default from config)\n"
    "  --config FILE   settings file (default: " VN_CONFIG_DEFAULT_PATH " if present)\n"
    "  --full          rebuild from scratch into a new generation, switched in\n"
    "                  atomically at the end: readers never see a partial index\n"
    "  --prune         delete documents that are not in this run's inputs\n"
    "                  (e.g. article files removed from a directory); only\n"
    "                  when every input was read and every record accepted.\n"
    "                  Live writes (vnsearchd's ADD) are never pruned, and a\n"
    "                  --full rebuild carries them over\n"
    "  --allow-empty   let --prune or --full act on inputs that hold no\n"
    "                  article (refused by default: an unmounted directory)\n"
    "  --max-removal P refuse a --prune or --full that would remove more than\n"
    "                  P %% of the index's documents (default 50; 100: any)\n"
    "  --batch N       documents per commit (default 250)\n"
    "  --threads N     a --full rebuild or a first build writes N partial\n"
    "                  indexes on N threads and merges them (1 to 64; default:\n"
    "                  the cores available, at most 8); updates run on one\n"
    "  --encoding E    auto (default: UTF-8, or TCVN3, VNI or Windows-1258 found\n"
    "                  per article and converted), utf8, tcvn3, vni, cp1258\n"
    "  --shards N      with --full (or a first build): split the index into N\n"
    "                  shards (gen-*/shard-K, each document in the shard of a\n"
    "                  hash of its id) for xapian-tcpsrv to serve; later runs\n"
    "                  keep the number (docs/scale-out.md)\n"
    "  --spelling      with --full (or a first build): keep spelling statistics\n"
    "                  in the index, so that --restore and \"did you mean\" read a\n"
    "                  few terms instead of searching (index about 3.7x bigger);\n"
    "                  later runs keep them current by themselves\n"
    "  --quiet         print only errors (an index locked by another indexer\n"
    "                  is none: exit 3, silently)\n"
    "  --query TEXT    search the index instead; prints id<TAB>score<TAB>title\n"
    "  --limit N       hits for --query (default 10)\n"
    "  --restore       read lines on stdin, print them with their marks put back\n"
    "                  as the index's articles write them (ha noi -> hà nội)\n"
    "  -h, --help      this text\n"
    "  -V, --version   the version, and Xapian's\n"
    "\n"
    "Unchanged documents (same content hash) are skipped, changed ones replaced.\n"
    "A date may be YYYY-MM-DD or an ISO 8601 date-time (its date as written); one\n"
    "that cannot be read is dropped with a warning. An id given twice is a\n"
    "warning naming both places; the later copy wins. A --full rebuild is not\n"
    "switched in when an input could not be read: the old index stays.\n"
    "Exit codes: 0 done; 1 some input rejected or unreadable (the rest is\n"
    "indexed; nothing pruned), or a prune or rebuild refused (inputs with no\n"
    "article, or too much removed: nothing pruned or switched); 2 usage or\n"
    "config error; 3 index locked by another indexer; 4 index error (a\n"
    "--full rebuild not switched in).\n";

typedef struct ui {
    int quiet, tty;
    uint64_t total_bytes;
    int progress_shown;
} ui;

static void report(ui *u, const char *file, uint64_t line, const char *msg, const char *what)
{
    if (u->progress_shown) {
        fputs("\r\033[K", stderr);
        u->progress_shown = 0;
    }
    if (file && line)
        fprintf(stderr, "vnsearch-indexer: %s:%llu: %s%s\n", file, (unsigned long long)line, msg, what);
    else if (file)
        fprintf(stderr, "vnsearch-indexer: %s: %s%s\n", file, msg, what);
    else
        fprintf(stderr, "vnsearch-indexer: %s%s\n", msg, what);
}

static void on_reject(void *ctx, const char *file, uint64_t line, const char *msg)
{
    report(ctx, file, line, msg, " (skipped)");
}

static void on_warn(void *ctx, const char *file, uint64_t line, const char *msg)
{
    report(ctx, file, line, msg, "");
}

static void on_progress(void *ctx, const vn_index_stats *st)
{
    ui *u = ctx;
    if (u->quiet || !u->tty)
        return;
    /* progress is what was written: with two threads the reader runs ahead
     * of the writers by their queues (counting bytes read said 59 % and
     * ETA 0:00 at 0.6 s of a 6.6 s run) */
    uint64_t read = st->added + st->replaced + st->unchanged, docs = st->written;
    double done = read ? (double)st->bytes * (docs < read ? docs : read) / read : 0; /* bytes written, about */
    double mb = done / 1e6, rate = st->seconds > 0 ? mb / st->seconds : 0;
    fprintf(stderr, "\r\033[K%llu docs  %.1f MB  %.1f MB/s", (unsigned long long)docs, mb, rate);
    if (u->total_bytes && rate > 0 && done <= u->total_bytes) {
        int eta = (int)ceil((u->total_bytes - done) / 1e6 / rate); /* 0:00 means done */
        fprintf(stderr, "  %.0f%%  ETA %d:%02d", 100.0 * done / u->total_bytes, eta / 60, eta % 60);
    }
    u->progress_shown = 1;
}

/* The index at dir for --query and --restore, or NULL after a message. */
static vn_searcher *open_searcher(const char *dir)
{
    vn_searcher *s;
    vn_error err;
    if (vn_searcher_open(dir, &s, &err) != VN_OK) {
        fprintf(stderr, "vnsearch-indexer: %s\n", err.msg);
        return NULL;
    }
    return s;
}

static int run_query(const char *dir, const char *aliases, const char *q, unsigned limit)
{
    vn_searcher *s = open_searcher(dir);
    vn_error err;
    if (!s)
        return EXIT_INDEX;
    if (aliases[0] && vn_searcher_load_aliases(s, aliases, &err) != VN_OK && err.code != VN_ERR_IO) {
        fprintf(stderr, "vnsearch-indexer: %s\n", err.msg);
        vn_searcher_close(s);
        return EXIT_USAGE;
    }
    vn_search_opts o = {.limit = limit, .no_snippets = 1};
    vn_hits *h;
    vn_status rc = vn_search(s, q, &o, &h, &err);
    if (rc != VN_OK) {
        fprintf(stderr, "vnsearch-indexer: %s\n", err.msg);
        vn_searcher_close(s);
        return rc == VN_ERR_INVALID ? EXIT_USAGE : EXIT_INDEX;
    }
    for (size_t i = 0; i < h->n; i++)
        printf("%s\t%.4f\t%s\n", h->hit[i].id, h->hit[i].score, h->hit[i].title);
    vn_hits_free(h);
    vn_searcher_close(s);
    return EXIT_DONE;
}

/* --restore: each line of standard input with its marks put back. */
static int run_restore(const char *dir)
{
    vn_searcher *s = open_searcher(dir);
    vn_error err;
    if (!s)
        return EXIT_INDEX;
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    int code = EXIT_DONE;
    while ((n = getline(&line, &cap, stdin)) >= 0) {
        while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
            line[--n] = '\0';
        char *r;
        if (vn_restore(s, line, &r, &err) != VN_OK) {
            fprintf(stderr, "vnsearch-indexer: %s\n", err.msg);
            puts(line);
            code = EXIT_REJECTED;
            continue;
        }
        puts(r);
        free(r);
    }
    free(line);
    vn_searcher_close(s);
    return code;
}

int main(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"index", required_argument, NULL, 'i'}, {"config", required_argument, NULL, 'c'},
        {"full", no_argument, NULL, 'F'},        {"prune", no_argument, NULL, 'P'},
        {"batch", required_argument, NULL, 'b'}, {"threads", required_argument, NULL, 't'},
        {"quiet", no_argument, NULL, 'q'},       {"query", required_argument, NULL, 'Q'},
        {"limit", required_argument, NULL, 'l'}, {"restore", no_argument, NULL, 'R'},
        {"encoding", required_argument, NULL, 'E'}, {"spelling", no_argument, NULL, 'S'},
        {"shards", required_argument, NULL, 'N'},
        {"allow-empty", no_argument, NULL, 'A'}, {"max-removal", required_argument, NULL, 'M'},
        {"help", no_argument, NULL, 'h'}, {"version", no_argument, NULL, 'V'},
        {NULL, 0, NULL, 0}};
    const char *index = NULL, *config = NULL, *query = NULL;
    const char *batch = NULL, *threads = NULL, *shards = NULL;
    unsigned limit = 10;
    int restore = 0;
    vn_index_opts o = {0};
    ui u = {0, isatty(2), 0, 0};
    int c;
    while ((c = getopt_long(argc, argv, "hV", longopts, NULL)) != -1) {
        switch (c) {
        case 'i': index = optarg; break;
        case 'c': config = optarg; break;
        case 'F': o.full = 1; break;
        case 'S': o.spelling = 1; break;
        case 'N': shards = optarg; break;
        case 'P': o.prune = 1; break;
        case 'A': o.allow_empty = 1; break;
        case 'M':
            if (!vn_parse_unsigned(optarg, 100, &o.max_removal) || o.max_removal < 1) {
                fprintf(stderr, "vnsearch-indexer: --max-removal takes a percentage from 1 to 100\n");
                return EXIT_USAGE;
            }
            break;
        case 'b': batch = optarg; break;
        case 't': threads = optarg; break;
        case 'q': u.quiet = 1; break;
        case 'Q': query = optarg; break;
        case 'R': restore = 1; break;
        case 'E': {
            vn_encoding e;
            if (!vn_encoding_parse(optarg, &e)) {
                fprintf(stderr, "vnsearch-indexer: --encoding takes auto, utf8, tcvn3, vni or cp1258\n");
                return EXIT_USAGE;
            }
            o.encoding = (int)e;
            break;
        }
        case 'l':
            if (!vn_parse_unsigned(optarg, 1000000000, &limit) || limit == 0) {
                fprintf(stderr, "vnsearch-indexer: --limit takes a number from 1\n");
                return EXIT_USAGE;
            }
            break;
        case 'h': fputs(usage, stdout); return EXIT_DONE;
        case 'V': printf("vnsearch-indexer %s (Xapian %s)\n", VNSEARCH_VERSION, vn_xapian_version()); return EXIT_DONE;
        default: /* getopt said what was wrong */
            fputs("try 'vnsearch-indexer --help'\n", stderr);
            return EXIT_USAGE;
        }
    }
    vn_config cfg;
    vn_error err;
    vn_config_defaults(&cfg);
    vn_status rc = vn_config_load(&cfg, config ? config : VN_CONFIG_DEFAULT_PATH, &err);
    if (rc != VN_OK && (config || rc != VN_ERR_NOTFOUND)) {
        fprintf(stderr, "vnsearch-indexer: %s\n", err.msg);
        return EXIT_USAGE;
    }
    if ((batch && vn_config_set(&cfg, "batch", batch, &err) != VN_OK) ||
        (threads && vn_config_set(&cfg, "index_threads", threads, &err) != VN_OK) ||
        (index && vn_config_set(&cfg, "index", index, &err) != VN_OK)) {
        fprintf(stderr, "vnsearch-indexer: %s\n", err.msg);
        return EXIT_USAGE;
    }
    if (cfg.batch == 0 || cfg.index_threads > VN_MAX_THREADS) {
        fprintf(stderr, "vnsearch-indexer: batch must be at least 1 and threads 1 to %d (0: the cores)\n",
                VN_MAX_THREADS);
        return EXIT_USAGE;
    }
    o.batch = cfg.batch;
    o.threads = (int)cfg.index_threads;
    if (o.threads == 0) { /* the cores available, at most 8: past that the merge and the disk gain little */
        long cores = sysconf(_SC_NPROCESSORS_ONLN);
        o.threads = cores < 1 ? 1 : cores > 8 ? 8 : (int)cores;
    }
    if (shards) {
        unsigned n;
        if (!vn_parse_unsigned(shards, VN_MAX_SHARDS, &n) || n < 1) {
            fprintf(stderr, "vnsearch-indexer: --shards takes 1 to %d\n", VN_MAX_SHARDS);
            return EXIT_USAGE;
        }
        o.shards = n;
    }
    if (restore)
        return run_restore(cfg.index);
    if (query)
        return run_query(cfg.index, cfg.aliases, query, limit);
    /* no INPUT: the config's input, as the packaged timer runs it */
    char *cfg_input[] = {cfg.input};
    char **inputs = argv + optind;
    int ninputs = argc - optind;
    if (ninputs == 0 && cfg.input[0]) {
        inputs = cfg_input;
        ninputs = 1;
    }
    if (ninputs == 0) {
        fputs("vnsearch-indexer: no INPUT given, and no input = in the config; try 'vnsearch-indexer --help'\n",
              stderr);
        return EXIT_USAGE;
    }
    for (int i = 0; i < ninputs; i++)
        u.total_bytes += vn_input_bytes(inputs[i]);

    vn_indexer *ix;
    if ((rc = vn_indexer_open(cfg.index, &o, &ix, &err)) != VN_OK) {
        /* another indexer at work (an overlapping cron run) is no error
         * worth mail: with --quiet, exit 3 says it, silently */
        if (rc == VN_ERR_LOCKED && u.quiet)
            return EXIT_LOCKED;
        fprintf(stderr, "vnsearch-indexer: %s\n", err.msg);
        return rc == VN_ERR_LOCKED ? EXIT_LOCKED : rc == VN_ERR_INVALID ? EXIT_USAGE : EXIT_INDEX;
    }
    vn_indexer_set_callbacks(ix, on_reject, on_progress, &u);
    vn_indexer_set_warn_callback(ix, on_warn);
    for (int i = 0; rc == VN_OK && i < ninputs; i++)
        rc = vn_indexer_add_path(ix, inputs[i], &err);
    if (rc == VN_OK)
        rc = vn_indexer_finish(ix, &err);
    if (u.progress_shown)
        fputs("\r\033[K", stderr);
    const vn_index_stats *st = vn_indexer_stats(ix);
    if (rc == VN_ERR_LIMIT || rc == VN_ERR_INVALID) {
        /* finish refused to prune or switch: the message says what stayed */
        fprintf(stderr, "vnsearch-indexer: %s\n", err.msg);
        vn_indexer_close(ix);
        return EXIT_REJECTED;
    }
    if (rc != VN_OK) {
        fprintf(stderr, "vnsearch-indexer: %s (the index is left at its last commit)\n", err.msg);
        vn_indexer_close(ix);
        return EXIT_INDEX;
    }
    if (!u.quiet) {
        uint64_t docs = st->added + st->replaced + st->unchanged;
        fprintf(stderr,
                "vnsearch-indexer: added %llu, replaced %llu, unchanged %llu, deleted %llu, rejected %llu, "
                "warnings %llu, converted %llu, live kept %llu in %.2f s (%.0f docs/s, %.1f MB/s)\n",
                (unsigned long long)st->added, (unsigned long long)st->replaced,
                (unsigned long long)st->unchanged, (unsigned long long)st->deleted,
                (unsigned long long)st->rejected, (unsigned long long)st->warnings,
                (unsigned long long)st->converted, (unsigned long long)st->kept_live, st->seconds,
                st->seconds > 0 ? docs / st->seconds : 0,
                st->seconds > 0 ? st->bytes / 1e6 / st->seconds : 0);
    }
    int code = st->rejected ? EXIT_REJECTED : EXIT_DONE;
    vn_indexer_close(ix);
    return code;
}
