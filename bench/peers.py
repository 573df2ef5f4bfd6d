#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""peers.py -- vnsearch beside the engines a newsroom would otherwise pick,
on the same articles and the same queries, in one run (make bench-peers):

  raw Xapian   a TermGenerator index, words AND-ed (bench/xapian_baseline.cc)
  SQLite FTS5  unicode61 remove_diacritics 2, ranked by bm25 (Python's sqlite3)
  PostgreSQL   15, to_tsvector('simple', unaccent(...)), a GIN index,
               ts_rank_cd, loaded with COPY; its own server, started from
               Debian's binaries in a temporary directory on a Unix socket,
               stopped at the end

Indexing: seconds (median of RUNS, interleaved), documents/s, MB/s, size.
Queries: the 1,000 of bench/queries.py (1-3 words, half without marks), once
per run, one client: queries/s, p50, p99 (medians of RUNS), and the share
with no hit.  Relevance: the known-item and precision checks of make
relevance (tests/relevance.py), scored for every system over an index of
vi-news-small.jsonl (the same at every fraction: printed with the whole
corpus only).  --fraction takes the first part of vi-news.jsonl
(0.1, 0.3, 1).  Prints a table in Markdown; says SKIP when the corpus, or a
peer's program, is missing.  Standard library only (PostgreSQL through
psql)."""
import argparse
import json
import os
import pwd
import random
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
sys.path.insert(0, os.path.join(ROOT, "tests"))
import relevance as R  # noqa: E402

PG = "/usr/lib/postgresql/15/bin"


def median(xs):
    return statistics.median(xs) if xs else float("nan")


def pct(xs, p):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(len(xs) * p))] if xs else float("nan")


def du_mb(path):
    total = 0
    for d, _, fs in os.walk(path):
        for f in fs:
            total += os.path.getsize(os.path.join(d, f))
    return total / 1e6 if os.path.isdir(path) else os.path.getsize(path) / 1e6


# ---- vnsearch and raw Xapian: their own programs ----

class Vnsearch:
    name = "vnsearch"

    def __init__(self, build, tmp, threads):
        self.ix = os.path.join(build, "bin", "vnsearch-indexer")
        self.qb = os.path.join(build, "bench", "query-bench")
        self.threads = threads
        self.name = "vnsearch (%d thread%s)" % (threads, "s" if threads > 1 else "")
        self.dir = os.path.join(tmp, "vn%d" % threads)

    def build(self, corpus):
        shutil.rmtree(self.dir, ignore_errors=True)
        subprocess.run([self.ix, "--quiet", "--threads", str(self.threads), "--index", self.dir, corpus], check=True)

    def size(self):
        gen = open(os.path.join(self.dir, "XAPIANDB")).read().split()[1]
        return du_mb(os.path.join(self.dir, gen))

    def ids(self, queries):
        out = []
        for q in queries:
            r = subprocess.run([self.ix, "--index", self.dir, "--query", q, "--limit", "10"], capture_output=True,
                               text=True)
            out.append([l.split("\t")[0] for l in r.stdout.splitlines()])
        return out

    def timed(self, qfile, queries):
        """One pass over the queries on one thread (query-bench runs for
        a time: give it what one pass takes, and read its figures)."""
        r = subprocess.run([self.qb, "inproc", self.dir, qfile, "1", "4"], capture_output=True, text=True, check=True)
        f = dict(kv.split("=") for kv in r.stdout.split() if "=" in kv)
        return float(f["qps"]), float(f["p50_ms"]), float(f["p99_ms"])


class Xapian:
    name = "raw Xapian (AND)"

    def __init__(self, build, tmp):
        self.bin = os.path.join(build, "bench", "xapian-baseline")
        self.dir = os.path.join(tmp, "xapian")

    def build(self, corpus):
        shutil.rmtree(self.dir, ignore_errors=True)
        subprocess.run([self.bin, self.dir, corpus, "250"], check=True, stdout=subprocess.DEVNULL)

    def size(self):
        return du_mb(self.dir)

    def ids(self, queries):
        with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as f:
            f.write("\n".join(queries) + "\n")
        r = subprocess.run([self.bin, "ids", self.dir, f.name], capture_output=True, text=True, check=True)
        os.unlink(f.name)
        return [l.split() for l in r.stdout.splitlines()]

    def timed(self, qfile, queries):
        r = subprocess.run([self.bin, "query", self.dir, qfile, "1", "4"], capture_output=True, text=True,
                           check=True)
        f = dict(kv.split("=") for kv in r.stdout.split() if "=" in kv)
        return float(f["qps"]), float(f["p50_ms"]), float(f["p99_ms"])


# ---- SQLite FTS5 ----

def fts5_query(q):
    """The words, each quoted (FTS5 ANDs them); None when there is none."""
    words = [w for w in R.WORD.findall(q)]
    return " ".join('"%s"' % w.replace('"', '""') for w in words) or None


class Fts5:
    name = "SQLite FTS5"

    def __init__(self, tmp):
        self.path = os.path.join(tmp, "fts5.db")

    def build(self, corpus):
        if os.path.exists(self.path):
            os.unlink(self.path)
        db = sqlite3.connect(self.path)
        db.execute("CREATE VIRTUAL TABLE docs USING fts5(id UNINDEXED, title, body, "
                   "tokenize = 'unicode61 remove_diacritics 2')")
        with db:
            db.executemany("INSERT INTO docs VALUES (?, ?, ?)",
                           ((o["id"], o.get("title") or "", o.get("body") or "")
                            for o in map(json.loads, open(corpus, encoding="utf-8"))))
        db.close()

    def size(self):
        return du_mb(self.path)

    def _run(self, queries):
        db = sqlite3.connect(self.path)
        out, lat = [], []
        for q in queries:
            m = fts5_query(q)
            t = time.perf_counter()
            rows = db.execute("SELECT id FROM docs WHERE docs MATCH ? ORDER BY bm25(docs) LIMIT 10",
                              (m,)).fetchall() if m else []
            lat.append((time.perf_counter() - t) * 1000)
            out.append([r[0] for r in rows])
        db.close()
        return out, lat

    def ids(self, queries):
        return self._run(queries)[0]

    def timed(self, qfile, queries):
        t = time.perf_counter()
        _, lat = self._run(queries)
        return len(queries) / (time.perf_counter() - t), pct(lat, 0.5), pct(lat, 0.99)


# ---- PostgreSQL 15 ----

class Postgres:
    name = "PostgreSQL 15"

    def __init__(self, tmp):
        self.dir = os.path.join(tmp, "pg")
        self.user = None
        if os.geteuid() == 0:  # initdb refuses root: run the server as nobody
            self.user = "nobody"

    def _cmd(self, argv, **kw):
        if self.user:
            argv = ["runuser", "-u", self.user, "--"] + argv
        return subprocess.run(argv, **kw)

    def start(self):
        os.makedirs(self.dir, exist_ok=True)
        if self.user:
            pw = pwd.getpwnam(self.user)
            os.chown(self.dir, pw.pw_uid, pw.pw_gid)
        data = os.path.join(self.dir, "data")
        self._cmd([PG + "/initdb", "-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8",
                   "--locale=C.UTF-8"], check=True, stdout=subprocess.DEVNULL)
        self._cmd([PG + "/pg_ctl", "-D", data, "-l", os.path.join(self.dir, "log"), "-w", "-o",
                   "-c listen_addresses='' -k %s" % self.dir, "start"], check=True, stdout=subprocess.DEVNULL)
        self.sql("CREATE EXTENSION unaccent;")

    def stop(self):
        self._cmd([PG + "/pg_ctl", "-D", os.path.join(self.dir, "data"), "-m", "fast", "stop"],
                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def sql(self, text, **kw):
        return self._cmd(["psql", "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-h", self.dir, "-U", "postgres",
                          "-d", "postgres"], input=text, capture_output=True, text=True, check=True, **kw)

    def build(self, corpus):
        tsv = os.path.join(self.dir, "load.tsv")
        esc = lambda s: (s or "").replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")  # noqa: E731
        with open(tsv, "w", encoding="utf-8") as f:
            for o in map(json.loads, open(corpus, encoding="utf-8")):
                f.write("%s\t%s\t%s\n" % (esc(o["id"]), esc(o.get("title")), esc(o.get("body"))))
        os.chmod(tsv, 0o644)
        self.sql("DROP TABLE IF EXISTS docs; CREATE TABLE docs (id text PRIMARY KEY, title text, body text, "
                 "tsv tsvector);\n\\copy docs (id, title, body) FROM '%s'\n"
                 "UPDATE docs SET tsv = to_tsvector('simple', unaccent(coalesce(title, '') || ' ' || body));\n"
                 "CREATE INDEX docs_tsv ON docs USING gin (tsv); VACUUM ANALYZE docs;" % tsv)

    def size(self):
        return float(self.sql("SELECT pg_total_relation_size('docs');").stdout.strip()) / 1e6

    def _script(self, queries):
        lines = ["\\timing on"]
        for q in queries:
            tag = "$q%d$" % random.randrange(10 ** 9)
            lines.append("SELECT id FROM docs, plainto_tsquery('simple', unaccent(%s%s%s)) q WHERE tsv @@ q "
                         "ORDER BY ts_rank_cd(tsv, q) DESC LIMIT 10;" % (tag, q, tag))
            lines.append("\\echo @@END")
        return "\n".join(lines) + "\n"

    def _run(self, queries):
        t = time.perf_counter()
        out = self.sql(self._script(queries)).stdout.splitlines()
        el = time.perf_counter() - t
        ids, lat, cur = [], [], []
        for l in out:
            if l.startswith("Time: "):
                lat.append(float(l.split()[1]))
            elif l == "@@END":
                ids.append(cur)
                cur = []
            elif l:
                cur.append(l)
        return ids, lat, el

    def ids(self, queries):
        return self._run(queries)[0]

    def timed(self, qfile, queries):
        _, lat, el = self._run(queries)
        return len(queries) / el, pct(lat, 0.5), pct(lat, 0.99)


# ---- the run ----

def relevance(system, articles, small):
    """Known-item top-1 (as written, without marks) and P@10 (as written,
    without marks), as make relevance scores them (tests/relevance.py),
    for `system` built over vi-news-small."""
    system.build(small)
    wins = R.windows(articles, 400)
    res = {}
    for form, conv in (("as written", " ".join), ("without marks", lambda w: " ".join(R.fold(x) for x in w))):
        got = system.ids([conv(w) for _, w in wins])
        res[form] = 100.0 * sum(1 for (aid, _), g in zip(wins, got) if g and g[0] == aid) / max(1, len(wins))
    for form, sc in R.precision(articles, lambda q: system.ids([q])[0], 400).items():
        res["P@10 " + form] = sum(sc) / max(1, len(sc))
    return res


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default="build")
    ap.add_argument("--corpus", default=os.environ.get("CORPUS", "../shared/corpus"))
    ap.add_argument("--fraction", type=float, default=1.0)
    ap.add_argument("--runs", type=int, default=int(os.environ.get("RUNS", "3")))
    args = ap.parse_args()
    full = os.path.join(args.corpus, "vi-news.jsonl")
    small = os.path.join(args.corpus, "vi-news-small.jsonl")
    if not os.path.exists(full) or not os.path.exists(small):
        print("SKIP: %s or vi-news-small.jsonl not found; peers benchmark skipped (set CORPUS=...)" % full)
        return 0
    tmp = tempfile.mkdtemp(prefix="vn-peers-")
    os.chmod(tmp, 0o755)
    lines = open(full, encoding="utf-8").readlines()
    part = os.path.join(tmp, "corpus.jsonl")
    with open(part, "w", encoding="utf-8") as f:
        f.writelines(lines[:max(1, int(len(lines) * args.fraction))])
    ndocs, mb = sum(1 for _ in open(part)), os.path.getsize(part) / 1e6
    qfile = os.path.join(tmp, "queries.txt")
    subprocess.run([sys.executable, os.path.join(ROOT, "bench", "queries.py"), small, "1000"], check=True,
                   stdout=open(qfile, "w"))
    queries = open(qfile, encoding="utf-8").read().splitlines()
    systems = [Vnsearch(args.build, tmp, 1), Vnsearch(args.build, tmp, 2), Xapian(args.build, tmp), Fts5(tmp)]
    pg = None
    if os.path.exists(PG + "/initdb") and shutil.which("psql"):
        pg = Postgres(tmp)
        pg.start()
        systems.append(pg)
    else:
        print("SKIP: PostgreSQL 15 not installed (%s/initdb): its column is left out" % PG)
    try:
        print("corpus: %d articles of vi-news.jsonl (%.0f MB, fraction %.2f); %d runs, interleaved, medians"
              % (ndocs, mb, args.fraction, args.runs))
        print("machine: %d cores, %s; date: %s" % (os.cpu_count(), os.uname().machine,
                                                  time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())))
        build_s = {s.name: [] for s in systems}
        for _ in range(args.runs):
            for s in systems:
                t = time.perf_counter()
                s.build(part)
                build_s[s.name].append(time.perf_counter() - t)
        print("\n| indexing | median s | docs/s | MB/s | size MB |\n| --- | --- | --- | --- | --- |")
        for s in systems:
            m = median(build_s[s.name])
            print("| %s | %.2f | %.0f | %.2f | %.0f |" % (s.name, m, ndocs / m, mb / m, s.size()))
        qsys = [systems[0]] + systems[2:]  # one vnsearch index answers for both builds
        timing = {s.name: [] for s in qsys}
        for _ in range(args.runs):
            for s in qsys:
                timing[s.name].append(s.timed(qfile, queries))
        print("\n| queries (1 client) | queries/s | p50 ms | p99 ms | no hit |\n| --- | --- | --- | --- | --- |")
        for s in qsys:
            got = s.ids(queries)
            none = 100.0 * sum(1 for g in got if not g) / max(1, len(got))
            t = timing[s.name]
            print("| %s | %.1f | %.3f | %.3f | %.1f %% |" % (s.name.replace(" (1 thread)", ""), median([x[0] for x in t]),
                                                          median([x[1] for x in t]), median([x[2] for x in t]), none))
        if args.fraction < 1:
            return 0  # relevance is over vi-news-small, the same at every fraction: printed with the whole corpus
        articles = [json.loads(l) for l in open(small, encoding="utf-8")]
        print("\n| relevance (vi-news-small) | known-item top-1, as written | without marks | P@10, as written "
              "| without marks |\n| --- | --- | --- | --- | --- |")
        for s in qsys:
            r = relevance(s, articles, small)
            print("| %s | %.1f %% | %.1f %% | %.3f | %.3f |" % (s.name.replace(" (1 thread)", ""), r["as written"],
                                                               r["without marks"], r["P@10 as written"],
                                                               r["P@10 without marks"]))
    finally:
        if pg:
            pg.stop()
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
