// SPDX-License-Identifier: GPL-2.0-or-later
// xapian_baseline.cc -- the benchmark's peer: plain Xapian, no folding, no
// tone handling, measuring the engine's own limits so vnsearch's figures
// have a ratio.  Not part of vnsearch (it is the only Xapian user outside
// the shim, on purpose: it must not go through our code).
//   xapian-baseline DBDIR FILE.jsonl [BATCH]
//       a TermGenerator build of the JSON Lines
//   xapian-baseline ids DBDIR QUERIES
//       each query as above, once: a line of the top 10 ids (the "id" of
//       the stored JSON line), space-separated, per query (relevance)
//   xapian-baseline update DBDIR FILE.jsonl [BATCH]
//       the same JSON Lines again over an existing build: a line whose id
//       the index holds with the same stored line is skipped, any other is
//       indexed and replaces it, and ids the file no longer has are
//       deleted (the plain-Xapian way to follow a changed export)
//   xapian-baseline query DBDIR QUERIES THREADS SECONDS
//       each query line's words, lower-cased, joined by OP_AND, top 10
//       with their stored data, round-robin on THREADS threads; prints the
//       same line as query-bench (queries/s, p50, p99).
//   xapian-baseline both DBDIR FILE.jsonl
//       the build above plus each text folded (utf8proc: marks stripped,
//       đ -> d) under prefix F: an index holding both forms
//   xapian-baseline query-both DBDIR QUERIES THREADS SECONDS
//       vnsearch's recall in plain Xapian: the typed words OR their folded
//       forms, each side an AND (over a "both" build).
#include <jansson.h>
#include <utf8proc.h>
#include <xapian.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

static double now_s()
{
    return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

// Each query line's words, lower-cased (Xapian's word characters).
static std::vector<std::vector<std::string>> read_queries(const char *qfile, bool keep_empty)
{
    std::vector<std::vector<std::string>> queries;
    std::ifstream in(qfile);
    std::string line;
    while (std::getline(in, line)) {
        std::istringstream ws(line);
        std::vector<std::string> terms;
        std::string w;
        while (ws >> w) {
            std::string lw;
            for (Xapian::Utf8Iterator u(w); u != Xapian::Utf8Iterator(); ++u)
                if (Xapian::Unicode::is_wordchar(*u))
                    Xapian::Unicode::append_utf8(lw, Xapian::Unicode::tolower(*u));
            if (!lw.empty())
                terms.push_back(lw);
        }
        if (!terms.empty() || keep_empty)
            queries.push_back(terms);
    }
    return queries;
}

static int ids(const char *dir, const char *qfile)
{
    Xapian::Database db(dir);
    Xapian::Enquire enq(db);
    for (const auto &w : read_queries(qfile, true)) {
        std::string out;
        if (!w.empty()) {
            enq.set_query(Xapian::Query(Xapian::Query::OP_AND, w.begin(), w.end()));
            Xapian::MSet m = enq.get_mset(0, 10);
            for (Xapian::MSetIterator it = m.begin(); it != m.end(); ++it) {
                std::string data = it.get_document().get_data();
                json_t *o = json_loadb(data.data(), data.size(), 0, nullptr);
                const char *id = o ? json_string_value(json_object_get(o, "id")) : nullptr;
                out += (out.empty() ? "" : " ") + std::string(id ? id : "?");
                json_decref(o);
            }
        }
        printf("%s\n", out.c_str());
    }
    return 0;
}

// s folded: lower case, marks stripped, đ -> d (U+0111 has no decomposition).
static std::string fold(const std::string &s)
{
    utf8proc_uint8_t *out = nullptr;
    utf8proc_ssize_t n = utf8proc_map((const utf8proc_uint8_t *)s.data(), (utf8proc_ssize_t)s.size(), &out,
                                      (utf8proc_option_t)(UTF8PROC_DECOMPOSE | UTF8PROC_STRIPMARK |
                                                          UTF8PROC_CASEFOLD));
    std::string r = n >= 0 ? std::string((const char *)out, (size_t)n) : s;
    free(out);
    for (size_t at; (at = r.find("\xc4\x91")) != std::string::npos;)
        r.replace(at, 2, "d");
    return r;
}

static int query_bench(const char *dir, const char *qfile, int threads, double secs, bool both)
{
    // Query objects share reference counts that are not thread-safe:
    // keep the words, and let each thread build its own queries
    std::vector<std::vector<std::string>> queries = read_queries(qfile, false);
    if (queries.empty() || threads < 1) {
        std::cerr << "xapian-baseline: no queries or no threads\n";
        return 2;
    }
    std::vector<std::vector<double>> lat(threads);
    double deadline = now_s() + secs, t0 = now_s();
    std::vector<std::thread> th;
    for (int t = 0; t < threads; t++)
        th.emplace_back([&, t]() {
            Xapian::Database db(dir);
            Xapian::Enquire enq(db);
            size_t i = (size_t)t * 7919 % queries.size();
            while (now_s() < deadline) {
                double q0 = now_s();
                const std::vector<std::string> &w = queries[i++ % queries.size()];
                Xapian::Query q(Xapian::Query::OP_AND, w.begin(), w.end());
                if (both) {
                    std::vector<std::string> f;
                    for (const auto &x : w)
                        f.push_back("F" + fold(x));
                    q = Xapian::Query(Xapian::Query::OP_OR, q, Xapian::Query(Xapian::Query::OP_AND, f.begin(), f.end()));
                }
                enq.set_query(q);
                Xapian::MSet m = enq.get_mset(0, 10);
                for (Xapian::MSetIterator it = m.begin(); it != m.end(); ++it)
                    (void)it.get_document().get_data();
                lat[t].push_back((now_s() - q0) * 1000);
            }
        });
    for (auto &x : th)
        x.join();
    double el = now_s() - t0;
    std::vector<double> all;
    for (auto &v : lat)
        all.insert(all.end(), v.begin(), v.end());
    std::sort(all.begin(), all.end());
    size_t n = all.size();
    printf("xapian threads=%d queries=%zu failed=0 qps=%.1f p50_ms=%.3f p99_ms=%.3f\n", threads, n, n / el,
           n ? all[n / 2] : 0, n ? all[n * 99 / 100] : 0);
    return 0;
}

// One JSON line as a TermGenerator document (title weighted 2, stored
// whole as data), replacing the document of its id; false when the line
// is not JSON.  Adds the id to *seen when given.
static bool index_line(Xapian::WritableDatabase &db, Xapian::TermGenerator &tg, const char *line, size_t n,
                       bool update, std::vector<std::string> *seen, bool both)
{
    json_t *o = json_loadb(line, n, 0, nullptr);
    if (!o)
        return false;
    const char *id = json_string_value(json_object_get(o, "id"));
    std::string idterm = std::string("Q") + (id ? id : "");
    if (seen)
        seen->push_back(idterm);
    if (update) {
        Xapian::PostingIterator p = db.postlist_begin(idterm);
        if (p != db.postlist_end(idterm) && db.get_document(*p).get_data() == std::string(line, n)) {
            json_decref(o);
            return true;
        }
    }
    Xapian::Document doc;
    tg.set_document(doc);
    const char *title = json_string_value(json_object_get(o, "title"));
    const char *body = json_string_value(json_object_get(o, "body"));
    if (title)
        tg.index_text(title, 2);
    tg.increase_termpos(16);
    if (body)
        tg.index_text(body);
    if (both) {
        tg.increase_termpos(16);
        if (title)
            tg.index_text(fold(title), 2, "F");
        tg.increase_termpos(16);
        if (body)
            tg.index_text(fold(body), 1, "F");
    }
    doc.set_data(std::string(line, n));
    doc.add_boolean_term(idterm);
    db.replace_document(idterm, doc);
    json_decref(o);
    return true;
}

int main(int argc, char **argv)
{
    if (argc == 6 && (strcmp(argv[1], "query") == 0 || strcmp(argv[1], "query-both") == 0))
        return query_bench(argv[2], argv[3], atoi(argv[4]), atof(argv[5]), strcmp(argv[1], "query-both") == 0);
    if (argc == 4 && strcmp(argv[1], "ids") == 0)
        return ids(argv[2], argv[3]);
    bool update = argc >= 2 && strcmp(argv[1], "update") == 0;
    bool both = argc >= 2 && strcmp(argv[1], "both") == 0;
    if (update || both) {
        argv++;
        argc--;
    }
    if (argc != 3 && argc != 4) {
        std::cerr << "usage: xapian-baseline DBDIR FILE.jsonl [BATCH]\n"
                     "       xapian-baseline update DBDIR FILE.jsonl [BATCH]\n"
                     "       xapian-baseline ids DBDIR QUERIES\n"
                     "       xapian-baseline query DBDIR QUERIES THREADS SECONDS\n"
                     "       xapian-baseline both DBDIR FILE.jsonl [BATCH]\n"
                     "       xapian-baseline query-both DBDIR QUERIES THREADS SECONDS\n";
        return 2;
    }
    unsigned long batch = argc == 4 ? strtoul(argv[3], nullptr, 10) : 0; // 0: Xapian's own flushing
    auto t0 = std::chrono::steady_clock::now();
    FILE *f = fopen(argv[2], "r");
    if (!f) {
        perror(argv[2]);
        return 2;
    }
    Xapian::WritableDatabase db(argv[1], update ? Xapian::DB_OPEN : Xapian::DB_CREATE_OR_OVERWRITE);
    Xapian::TermGenerator tg;
    std::vector<std::string> seen;
    char *line = nullptr;
    size_t cap = 0;
    ssize_t n;
    unsigned long docs = 0, bytes = 0;
    while ((n = getline(&line, &cap, f)) > 0) {
        bytes += n;
        if (!index_line(db, tg, line, n, update, update ? &seen : nullptr, both))
            continue;
        docs++;
        if (batch && docs % batch == 0)
            db.commit();
    }
    if (update) { // ids the export no longer has
        std::sort(seen.begin(), seen.end());
        std::vector<std::string> gone;
        for (Xapian::TermIterator t = db.allterms_begin("Q"); t != db.allterms_end("Q"); ++t)
            if (!std::binary_search(seen.begin(), seen.end(), *t))
                gone.push_back(*t);
        for (const auto &t : gone)
            db.delete_document(t);
    }
    db.commit();
    double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    printf("xapian-baseline: %lu docs in %.2f s (%.0f docs/s, %.1f MB/s)\n", docs, s, docs / s, bytes / 1e6 / s);
    free(line);
    fclose(f);
    return 0;
}
