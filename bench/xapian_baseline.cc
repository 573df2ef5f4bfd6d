// SPDX-License-Identifier: GPL-2.0-or-later
// xapian_baseline.cc -- the benchmark's peer: a plain Xapian TermGenerator
// build of the same JSON Lines, no folding, no tone handling.  It measures
// the engine's own indexing limit so vnsearch's figure has a ratio.  Not
// part of vnsearch (it is the only Xapian user outside the shim, on
// purpose: it must not go through our code).
#include <jansson.h>
#include <xapian.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>

int main(int argc, char **argv)
{
    if (argc != 3 && argc != 4) {
        std::cerr << "usage: xapian-baseline DBDIR FILE.jsonl [BATCH]\n";
        return 2;
    }
    unsigned long batch = argc == 4 ? strtoul(argv[3], nullptr, 10) : 0; // 0: Xapian's own flushing
    auto t0 = std::chrono::steady_clock::now();
    FILE *f = fopen(argv[2], "r");
    if (!f) {
        perror(argv[2]);
        return 2;
    }
    Xapian::WritableDatabase db(argv[1], Xapian::DB_CREATE_OR_OVERWRITE);
    Xapian::TermGenerator tg;
    char *line = nullptr;
    size_t cap = 0;
    ssize_t n;
    unsigned long docs = 0, bytes = 0;
    while ((n = getline(&line, &cap, f)) > 0) {
        bytes += n;
        json_t *o = json_loadb(line, n, 0, nullptr);
        if (!o)
            continue;
        Xapian::Document doc;
        tg.set_document(doc);
        const char *id = json_string_value(json_object_get(o, "id"));
        const char *title = json_string_value(json_object_get(o, "title"));
        const char *body = json_string_value(json_object_get(o, "body"));
        if (title)
            tg.index_text(title, 2);
        tg.increase_termpos(16);
        if (body)
            tg.index_text(body);
        doc.set_data(std::string(line, n));
        std::string idterm = std::string("Q") + (id ? id : "");
        doc.add_boolean_term(idterm);
        db.replace_document(idterm, doc);
        json_decref(o);
        docs++;
        if (batch && docs % batch == 0)
            db.commit();
    }
    db.commit();
    double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    printf("xapian-baseline: %lu docs in %.2f s (%.0f docs/s, %.1f MB/s)\n", docs, s, docs / s, bytes / 1e6 / s);
    free(line);
    fclose(f);
    return 0;
}
