#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""peers.py -- vnsearch beside the engines a newsroom would otherwise pick,
on the same articles and the same queries, in one run (make bench runs it
at 10 %, 30 % and 100 % of vi-news.jsonl; make bench-scale at 10 times):

  raw Xapian   a TermGenerator index, words AND-ed, no folding: the
               engine's own limit (bench/xapian_baseline.cc)
  SQLite FTS5  unicode61 remove_diacritics 2, ranked by bm25 (Python's
               sqlite3, in a child process so that its memory is its own)
  PostgreSQL   15, to_tsvector('simple', unaccent(...)), a GIN index,
               ts_rank_cd, loaded with COPY; its own server, started from
               Debian's binaries in a temporary directory on a Unix socket,
               stopped at the end

For each size:
  indexing   a full build (median seconds of RUNS, interleaved), docs/s,
             MB/s, peak RSS; then re-runs over the built index with the
             same export (nothing changed) and with 1 % of the bodies
             changed, each system following the export its own natural
             way; the size after them (what a day of cron leaves)
  queries    the 1,000 of bench/queries.py (1-3 words, half without marks):
             vnsearch in-process on 1 and 2 threads, vnsearchd at 1, 8 and
             64 clients over the line protocol and over HTTP, raw Xapian on
             1 and 2 threads, FTS5 and PostgreSQL on one client; queries/s,
             p50, p99 (medians of RUNS) and the share with no hit.  The
             fast systems run for SECS seconds a run, round-robin; FTS5 and
             PostgreSQL run the queries in order for at most SLOW_SECS
             (all 1,000 up to the whole corpus), a run carrying on where
             the last stopped
  memory     vnsearchd's RSS idle and its peak under that load; the
             PostgreSQL server's (proportional set size, every process)
Then a table of how each cost grows over the sizes, and relevance: the
known-item and precision checks of make relevance (tests/relevance.py),
scored for every system over an index of vi-news-small.jsonl.

A size of at most 1 is the first part of vi-news.jsonl; a size N above 1
is vi-news.jsonl N times with new ids (bench/bigcorpus.py), made in the
temporary directory and removed.  Prints Markdown; says SKIP when the
corpus, or a peer's program, is missing.  Standard library only."""
import argparse
import json
import os
import pwd
import random
import shutil
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
sys.path[:0] = [os.path.join(ROOT, "tests"), os.path.join(ROOT, "tests", "lib")]
import relevance as R  # noqa: E402
from vnd import free_port  # noqa: E402

PG = "/usr/lib/postgresql/15/bin"


def median(xs):
    return statistics.median(xs) if xs else float("nan")


def pct(xs, p):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(len(xs) * p))] if xs else float("nan")


def du_mb(path):
    if not os.path.isdir(path):
        return os.path.getsize(path) / 1e6
    return sum(os.path.getsize(os.path.join(d, f)) for d, _, fs in os.walk(path) for f in fs) / 1e6


GNU_TIME = "/usr/bin/time"


def run_measured(argv):
    """Runs argv to the end, its output discarded: (wall seconds, peak RSS
    in MB, NaN without GNU time).  GNU time tells the peak: a child forked
    from this process would inherit its high-water mark, so wait4's
    ru_maxrss here would be this script's size.  Raises on a non-zero exit."""
    rss = tempfile.NamedTemporaryFile("r", suffix=".rss")
    if os.path.exists(GNU_TIME):
        argv = [GNU_TIME, "-f", "%M", "-o", rss.name] + argv
    t = time.perf_counter()
    subprocess.run(argv, stdout=subprocess.DEVNULL, check=True)
    el = time.perf_counter() - t
    kb = rss.read().split()
    return el, int(kb[-1]) / 1024 if kb else float("nan")


def kv(line):
    """query-bench's and xapian-baseline's "key=value ..." line: (qps, p50, p99)."""
    f = dict(x.split("=") for x in line.split() if "=" in x)
    return float(f["qps"]), float(f["p50_ms"]), float(f["p99_ms"])


def proc_status(pid, key):
    """A /proc/PID/status field in MB (VmRSS, VmHWM)."""
    for l in open("/proc/%d/status" % pid):
        if l.startswith(key + ":"):
            return int(l.split()[1]) / 1024
    return float("nan")


class PssPeak(threading.Thread):
    """The peak, sampled every 0.1 s, of the proportional set size summed
    over a process and all its descendants (a server of many processes:
    shared memory is counted once).  sample() gives the sum now."""

    def __init__(self, pid):
        super().__init__(daemon=True)
        self.pid, self.peak, self.done = pid, 0.0, threading.Event()

    def sample(self):
        kids = {}
        for d in os.listdir("/proc"):
            if d.isdigit():
                try:
                    ppid = int(open("/proc/%s/stat" % d).read().rsplit(")", 1)[1].split()[1])
                except (OSError, IndexError, ValueError):
                    continue
                kids.setdefault(ppid, []).append(int(d))
        todo, total = [self.pid], 0
        while todo:
            p = todo.pop()
            todo += kids.get(p, [])
            try:
                for l in open("/proc/%d/smaps_rollup" % p):
                    if l.startswith("Pss:"):
                        total += int(l.split()[1])
            except OSError:
                pass
        return total / 1024

    def run(self):
        while not self.done.wait(0.1):
            self.peak = max(self.peak, self.sample())

    def stop(self):
        self.done.set()
        self.join()
        return self.peak


# ---- the systems.  Each has build(corpus) and update(corpus), both giving
# (seconds, peak RSS MB); size(); ids(queries) -> the top 10 ids of each;
# rows(): its query rows, (label, run(secs) -> (qps, p50, p99)). ----

class Vnsearch:
    def __init__(self, build, tmp, threads, queries_file):
        self.ix = os.path.join(build, "bin", "vnsearch-indexer")
        self.qb = os.path.join(build, "bench", "query-bench")
        self.searchd = os.path.join(build, "bin", "vnsearchd")
        self.threads, self.qfile = threads, queries_file
        self.name = "vnsearch (%d thread%s)" % (threads, "s" if threads > 1 else "")
        self.dir = os.path.join(tmp, "vn%d" % threads)
        self.daemon = None

    def build(self, corpus):
        shutil.rmtree(self.dir, ignore_errors=True)
        return self.update(corpus)

    def update(self, corpus):
        return run_measured([self.ix, "--quiet", "--threads", str(self.threads), "--index", self.dir, corpus])

    def size(self):
        gen = open(os.path.join(self.dir, "XAPIANDB")).read().split()[1]
        return du_mb(os.path.join(self.dir, gen))

    def ids(self, queries):
        with tempfile.NamedTemporaryFile("w", suffix=".txt") as f:
            f.write("\n".join(queries) + "\n")
            f.flush()
            return [l.split() for l in self.query_bench("ids", self.dir, f.name).splitlines()]

    def query_bench(self, *args):
        return subprocess.run([self.qb] + [str(a) for a in args], capture_output=True, text=True, check=True).stdout

    def start_daemon(self):
        """vnsearchd (2 workers) over this index, line protocol and HTTP."""
        self.port, self.hport = free_port(), free_port()
        conf = os.path.join(os.path.dirname(self.dir), "vnsearchd.conf")
        with open(conf, "w") as f:
            f.write("http_listen = 127.0.0.1:%d\n" % self.hport)
        self.daemon = subprocess.Popen([self.searchd, "--index", self.dir, "--listen", "127.0.0.1:%d" % self.port,
                                        "--config", conf, "--workers", "2", "--user", pwd.getpwuid(os.getuid())[0]],
                                       stderr=subprocess.DEVNULL)
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", self.hport), 0.2).close()
                socket.create_connection(("127.0.0.1", self.port), 0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        self.rss_idle = proc_status(self.daemon.pid, "VmRSS")

    def stop_daemon(self):
        """The daemon's RSS after the load and its peak (MB)."""
        after, peak = proc_status(self.daemon.pid, "VmRSS"), proc_status(self.daemon.pid, "VmHWM")
        self.daemon.terminate()
        self.daemon.wait()
        return after, peak

    def rows(self):
        r = [("vnsearch, in-process, %d thread%s" % (t, "s" if t > 1 else ""),
              lambda secs, t=t: kv(self.query_bench("inproc", self.dir, self.qfile, t, secs))) for t in (1, 2)]
        for proto, port in (("line protocol", "port"), ("HTTP", "hport")):
            for c in (1, 8, 64):
                r.append(("vnsearchd, %s, %d client%s" % (proto, c, "s" if c > 1 else ""),
                          lambda secs, c=c, proto=proto, port=port: kv(self.query_bench(
                              "daemon" if proto == "line protocol" else "http", "127.0.0.1", getattr(self, port),
                              self.qfile, c, secs))))
        return r


class Xapian:
    name = "raw Xapian (AND)"

    def __init__(self, build, tmp, queries_file):
        self.bin = os.path.join(build, "bench", "xapian-baseline")
        self.dir = os.path.join(tmp, "xapian")
        self.qfile = queries_file

    def build(self, corpus):
        shutil.rmtree(self.dir, ignore_errors=True)
        return run_measured([self.bin, self.dir, corpus, "250"])

    def update(self, corpus):
        return run_measured([self.bin, "update", self.dir, corpus, "250"])

    def size(self):
        return du_mb(self.dir)

    def ids(self, queries):
        with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as f:
            f.write("\n".join(queries) + "\n")
        r = subprocess.run([self.bin, "ids", self.dir, f.name], capture_output=True, text=True, check=True)
        os.unlink(f.name)
        return [l.split() for l in r.stdout.splitlines()]

    def rows(self):
        return [("raw Xapian (AND), %d thread%s" % (t, "s" if t > 1 else ""),
                 lambda secs, t=t: kv(subprocess.run([self.bin, "query", self.dir, self.qfile, str(t), str(secs)],
                                                     capture_output=True, text=True, check=True).stdout))
                for t in (1, 2)]


class Slow:
    """FTS5 and PostgreSQL answer a query in milliseconds to seconds: a
    timed run answers the queries in order, from where the last run
    stopped, for at most slow_secs (chunks of queries, so that a run can
    stop), and its answers count for the no-hit share."""
    slow_secs = 90.0

    def prepare(self, queries):
        self.queries, self.next, self.answered = queries, 0, {}

    def timed(self, _secs):
        lat, t0, n = [], time.perf_counter(), 0
        while n < len(self.queries):
            left = self.slow_secs - (time.perf_counter() - t0)
            if left <= 0:
                break
            per = (time.perf_counter() - t0) / n if n else None  # the first 10 tell the pace
            chunk = int(max(1, min(200, len(self.queries) - n, left / max(per, 1e-4) if per else 10)))
            idx = [(self.next + k) % len(self.queries) for k in range(chunk)]
            got, l = self.answer([self.queries[i] for i in idx])
            for i, g in zip(idx, got):
                self.answered[i] = g
            lat += l
            n += chunk
            self.next = (self.next + chunk) % len(self.queries)
        return n / (time.perf_counter() - t0), pct(lat, 0.5), pct(lat, 0.99)

    def ids(self, queries):
        return self.answer(queries)[0]

    def rows(self):
        return [(self.name, self.timed)]


def fts5_query(q):
    """The words, each quoted (FTS5 ANDs them); None when there is none."""
    return " ".join('"%s"' % w.replace('"', '""') for w in R.WORD.findall(q)) or None


def fts5_build(path, corpus):
    """A fresh FTS5 table of the articles (run in a child process)."""
    if os.path.exists(path):
        os.unlink(path)
    db = sqlite3.connect(path)
    db.execute("CREATE VIRTUAL TABLE docs USING fts5(id UNINDEXED, title, body, "
               "tokenize = 'unicode61 remove_diacritics 2')")
    with db:
        db.executemany("INSERT INTO docs VALUES (?, ?, ?)", ((o["id"], o.get("title") or "", o.get("body") or "")
                                                            for o in map(json.loads, open(corpus, encoding="utf-8"))))
    db.close()


def fts5_update(path, corpus):
    """The export again over the table: changed articles updated, new
    ones added, gone ones deleted (run in a child process)."""
    db = sqlite3.connect(path)
    with db:
        db.execute("CREATE TEMP TABLE new (id TEXT PRIMARY KEY, title TEXT, body TEXT)")
        db.executemany("INSERT OR REPLACE INTO new VALUES (?, ?, ?)",
                       ((o["id"], o.get("title") or "", o.get("body") or "")
                        for o in map(json.loads, open(corpus, encoding="utf-8"))))
        changed = db.execute("SELECT d.rowid, n.title, n.body FROM docs d JOIN new n ON n.id = d.id "
                             "WHERE d.title IS NOT n.title OR d.body IS NOT n.body").fetchall()
        db.executemany("UPDATE docs SET title = ?, body = ? WHERE rowid = ?", ((t, b, r) for r, t, b in changed))
        db.execute("DELETE FROM docs WHERE id NOT IN (SELECT id FROM new)")
        db.execute("INSERT INTO docs SELECT id, title, body FROM new WHERE id NOT IN (SELECT id FROM docs)")
    db.close()


class Fts5(Slow):
    name = "SQLite FTS5"

    def __init__(self, tmp):
        self.path = os.path.join(tmp, "fts5.db")

    def build(self, corpus):
        return run_measured([sys.executable, __file__, "--fts5", "build", self.path, corpus])

    def update(self, corpus):
        return run_measured([sys.executable, __file__, "--fts5", "update", self.path, corpus])

    def size(self):
        return du_mb(self.path)

    def answer(self, queries):
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


class Postgres(Slow):
    name = "PostgreSQL 15"
    TSV = "to_tsvector('simple', unaccent(coalesce(%s.title, '') || ' ' || coalesce(%s.body, '')))"

    def __init__(self, tmp):
        self.dir = os.path.join(tmp, "pg")
        self.user = "nobody" if os.geteuid() == 0 else None  # initdb refuses root

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
        self.pid = int(open(os.path.join(data, "postmaster.pid")).readline())
        self.sql("CREATE EXTENSION unaccent;")

    def stop(self):
        self._cmd([PG + "/pg_ctl", "-D", os.path.join(self.dir, "data"), "-m", "fast", "stop"],
                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def sql(self, text):
        return self._cmd(["psql", "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-h", self.dir, "-U", "postgres",
                          "-d", "postgres"], input=text, capture_output=True, text=True, check=True)

    def _tsv_file(self, corpus):
        tsv = os.path.join(self.dir, "load.tsv")
        esc = lambda s: (s or "").replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")  # noqa: E731
        with open(tsv, "w", encoding="utf-8") as f:
            for o in map(json.loads, open(corpus, encoding="utf-8")):
                f.write("%s\t%s\t%s\n" % (esc(o["id"]), esc(o.get("title")), esc(o.get("body"))))
        os.chmod(tsv, 0o644)
        return tsv

    def _measured(self, script_of):
        """Runs the SQL made from the corpus's TSV file: (seconds, the
        server's peak memory) -- the server does the work, not psql."""
        peak = PssPeak(self.pid)
        peak.start()
        t = time.perf_counter()
        self.sql(script_of())
        return time.perf_counter() - t, peak.stop()

    def build(self, corpus):
        return self._measured(lambda: (
            "DROP TABLE IF EXISTS docs; CREATE TABLE docs (id text PRIMARY KEY, title text, body text, "
            "tsv tsvector);\n\\copy docs (id, title, body) FROM '%s'\n"
            "UPDATE docs SET tsv = %s;\n"
            "CREATE INDEX docs_tsv ON docs USING gin (tsv); VACUUM ANALYZE docs;"
            % (self._tsv_file(corpus), self.TSV % ("docs", "docs"))))

    def update(self, corpus):
        return self._measured(lambda: (
            "CREATE TEMP TABLE new (id text PRIMARY KEY, title text, body text);\n"
            "\\copy new FROM '%s'\n"
            "UPDATE docs d SET title = n.title, body = n.body, tsv = %s FROM new n "
            "WHERE d.id = n.id AND (d.title, d.body) IS DISTINCT FROM (n.title, n.body);\n"
            "DELETE FROM docs d WHERE NOT EXISTS (SELECT 1 FROM new n WHERE n.id = d.id);\n"
            "INSERT INTO docs SELECT n.id, n.title, n.body, %s FROM new n "
            "WHERE NOT EXISTS (SELECT 1 FROM docs d WHERE d.id = n.id);"
            % (self._tsv_file(corpus), self.TSV % ("n", "n"), self.TSV % ("n", "n"))))

    def size(self):
        return float(self.sql("SELECT pg_total_relation_size('docs');").stdout.strip()) / 1e6

    def answer(self, queries):
        """One psql session for the queries, each timed by the server
        (\\timing): (ids, ms)."""
        lines = ["\\timing on"]
        for q in queries:
            tag = "$q%d$" % random.randrange(10 ** 9)
            lines.append("SELECT id FROM docs, plainto_tsquery('simple', unaccent(%s%s%s)) q WHERE tsv @@ q "
                         "ORDER BY ts_rank_cd(tsv, q) DESC LIMIT 10;" % (tag, q, tag))
            lines.append("\\echo @@END")
        ids, lat, cur = [], [], []
        for l in self.sql("\n".join(lines) + "\n").stdout.splitlines():
            if l.startswith("Time: "):
                lat.append(float(l.split()[1]))
            elif l == "@@END":
                ids.append(cur)
                cur = []
            elif l:
                cur.append(l)
        return ids, lat


# ---- the run ----

def changed_export(src, dst):
    """src with 1 % of the bodies changed (every 100th article)."""
    with open(dst, "w", encoding="utf-8") as f:
        for i, l in enumerate(open(src, encoding="utf-8")):
            if i % 100 == 0:
                o = json.loads(l)
                o["body"] = (o.get("body") or "") + " Cập nhật."
                l = json.dumps(o, ensure_ascii=False) + "\n"
            f.write(l)


def one_size(size, args, systems, vn, pg, tmp, queries):
    """Builds, re-runs and queries at one size; prints its tables and
    returns its figures for the growth table."""
    full = os.path.join(args.corpus, "vi-news.jsonl")
    part = os.path.join(tmp, "corpus.jsonl")
    if size <= 1:
        lines = open(full, encoding="utf-8").readlines()
        with open(part, "w", encoding="utf-8") as f:
            f.writelines(lines[:max(1, int(len(lines) * size))])
        label = "%d %% of vi-news.jsonl" % round(size * 100)
    else:
        subprocess.run([sys.executable, os.path.join(ROOT, "bench", "bigcorpus.py"), full, str(int(size))],
                       check=True, stdout=open(part, "w"))
        label = "vi-news.jsonl %d times (new ids)" % size
    changed = os.path.join(tmp, "changed.jsonl")
    changed_export(part, changed)
    ndocs, mb = sum(1 for _ in open(part)), os.path.getsize(part) / 1e6
    build_runs = args.build_runs or (args.runs if size <= 1 else 1)
    print("\n## %s: %d articles, %.0f MB\n\n%d build%s, %d query run%s, interleaved; medians. %s"
          % (label, ndocs, mb, build_runs, "s" if build_runs > 1 else "", args.runs, "s" if args.runs > 1 else "",
             time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())))
    fig = {s.name: {"build": [], "rss": [], "same": [], "same_rss": [], "changed": [], "changed_rss": []}
           for s in systems}
    for _ in range(build_runs):
        for s in systems:
            f = fig[s.name]
            for key, corpus in (("build", part), ("same", part), ("changed", changed)):
                secs, rss = (s.build if key == "build" else s.update)(corpus)
                f[key].append(secs)
                f[key + "_rss" if key != "build" else "rss"].append(rss)
    print("\n| indexing | build s | docs/s | MB/s | size MB | peak MB | re-run, nothing changed: s (peak MB) "
          "| re-run, 1 % changed: s (peak MB) |\n| --- | --- | --- | --- | --- | --- | --- | --- |")
    for s in systems:
        f = fig[s.name]
        m = median(f["build"])
        f["size"] = s.size()
        print("| %s | %.2f | %.0f | %.2f | %.0f | %.0f | %.2f (%.0f) | %.2f (%.0f) |"
              % (s.name, m, ndocs / m, mb / m, f["size"], max(f["rss"]), median(f["same"]), max(f["same_rss"]),
                 median(f["changed"]), max(f["changed_rss"])))
    print("\nRe-runs are over the build just made: vnsearch-indexer on the same export; raw Xapian looks each "
          "id up and compares the stored line; FTS5 and PostgreSQL load the export into a temporary table and "
          "update what differs. Peak MB is the process's peak RSS; for PostgreSQL the server's, summed over its "
          "processes as proportional set size, sampled every 0.1 s.")

    qsys = [vn] + [s for s in systems if not isinstance(s, Vnsearch)]
    for s in qsys:
        if isinstance(s, Slow):
            s.prepare(queries)
    vn.start_daemon()
    pg_peak = PssPeak(pg.pid) if pg else None
    if pg:
        pg_idle = pg_peak.sample()
        pg_peak.start()
    rows = [r for s in qsys for r in s.rows()]
    timing = {label: [] for label, _ in rows}
    for _ in range(args.runs):
        for label, run in rows:
            timing[label].append(run(args.secs))
    rss_after, rss_peak = vn.stop_daemon()
    pg_top = pg_peak.stop() if pg else 0
    nohit = {}
    for s in qsys:
        got = list(s.answered.values()) if isinstance(s, Slow) else s.ids(queries)
        nohit[s.name] = (100.0 * sum(1 for g in got if not g) / max(1, len(got)), len(got))
    xq = {t: median([x[0] for x in timing["raw Xapian (AND), %d thread%s" % (t, "s" if t > 1 else "")]])
          for t in (1, 2)}
    print("\n| queries | queries/s | p50 ms | p99 ms | no hit | vs raw Xapian |\n| --- | --- | --- | --- | --- | --- |")
    out = {"docs": ndocs, "build": {s.name: median(fig[s.name]["build"]) for s in systems}, "q": {}}
    for s in qsys:
        for label, _ in s.rows():
            t = timing[label]
            q, p50, p99 = median([x[0] for x in t]), median([x[1] for x in t]), median([x[2] for x in t])
            out["q"][label] = (q, p99)
            h, n = nohit[s.name]
            ratio = ""
            if label.startswith("vnsearch, in-process"):
                ratio = "%.2f×" % (q / xq[int(label.split(", ")[-1].split()[0])])
            print("| %s | %.1f | %.3f | %.3f | %.1f %%%s | %s |" % (label, q, p50, p99, h, "" if n == len(queries)
                                                                   else " (of %d)" % n, ratio))
    print("\nvnsearchd (2 workers, snippets on, restore on) RSS: %.0f MB idle, %.0f MB after the load, peak %.0f MB."
          % (vn.rss_idle, rss_after, rss_peak))
    if pg:
        print("PostgreSQL server (shared buffers 128 MB, its default) proportional set size: %.0f MB idle, peak "
              "%.0f MB under its queries." % (pg_idle, pg_top))
    print("FTS5 and PostgreSQL: the queries in order for at most %.0f s a run (all 1,000 when they fit)."
          % Slow.slow_secs)
    return out


def relevance(systems, articles, small):
    """Known-item top-1 (as written, without marks) and P@10 (as written,
    without marks), as make relevance scores them, for each system built
    over vi-news-small."""
    print("\n## Relevance over vi-news-small.jsonl\n\n| relevance | known-item top-1, as written | without marks "
          "| P@10, as written | without marks |\n| --- | --- | --- | --- | --- |")
    wins = R.windows(articles, 400)
    for s in systems:
        s.build(small)
        res = {}
        for form, conv in (("as written", " ".join), ("without marks", lambda w: " ".join(R.fold(x) for x in w))):
            got = s.ids([conv(w) for _, w in wins])
            res[form] = 100.0 * sum(1 for (aid, _), g in zip(wins, got) if g and g[0] == aid) / max(1, len(wins))
        for form, sc in R.precision(articles, lambda q: s.ids([q])[0], 400).items():
            res["P@10 " + form] = sum(sc) / max(1, len(sc))
        print("| %s | %.1f %% | %.1f %% | %.3f | %.3f |" % (s.name.split(" (")[0] if isinstance(s, Vnsearch)
                                                           else s.name, res["as written"], res["without marks"],
                                                           res["P@10 as written"], res["P@10 without marks"]))


def growth(results, systems):
    """One line per size: queries/s (p99) of each system on one thread or
    client, and build seconds."""
    names = [("vnsearch", "vnsearch, in-process, 1 thread"), ("vnsearchd 8", "vnsearchd, line protocol, 8 clients"),
             ("raw Xapian", "raw Xapian (AND), 1 thread")] + [(s.name, s.name) for s in systems
                                                              if isinstance(s, Slow)]
    print("\n## How each cost grows\n\n| articles | %s | %s |\n| --- %s|"
          % (" | ".join("%s q/s (p99 ms)" % n for n, _ in names), " | ".join("%s build s" % s.name for s in systems),
             "| --- " * (len(names) + len(systems))))
    for r in results:
        print("| {:,} | {} | {} |".format(r["docs"], " | ".join("%.1f (%.2f)" % r["q"][k] for _, k in names),
                                          " | ".join("%.2f" % r["build"][s.name] for s in systems)))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default="build")
    ap.add_argument("--corpus", default=os.environ.get("CORPUS", "../shared/corpus"))
    ap.add_argument("--sizes", default="0.1,0.3,1", help="fractions of vi-news.jsonl (<= 1) or multiples (> 1)")
    ap.add_argument("--runs", type=int, default=int(os.environ.get("RUNS", "3")))
    ap.add_argument("--build-runs", type=int, default=int(os.environ.get("BUILD_RUNS", "0")),
                    help="full builds per system (default: RUNS, and 1 above the whole corpus)")
    ap.add_argument("--secs", type=float, default=float(os.environ.get("SECS", "4")))
    ap.add_argument("--slow-secs", type=float, default=float(os.environ.get("SLOW_SECS", "90")))
    ap.add_argument("--no-relevance", action="store_true")
    ap.add_argument("--fts5", nargs=3, metavar=("build|update", "DB", "CORPUS"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.fts5:  # the child process of Fts5.build and Fts5.update
        (fts5_build if args.fts5[0] == "build" else fts5_update)(args.fts5[1], args.fts5[2])
        return 0
    Slow.slow_secs = args.slow_secs
    full = os.path.join(args.corpus, "vi-news.jsonl")
    small = os.path.join(args.corpus, "vi-news-small.jsonl")
    if not os.path.exists(full) or not os.path.exists(small):
        print("SKIP: %s or vi-news-small.jsonl not found; peers benchmark skipped (set CORPUS=...)" % full)
        return 0
    tmp = tempfile.mkdtemp(prefix="vn-peers-")
    os.chmod(tmp, 0o755)
    qfile = os.path.join(tmp, "queries.txt")
    subprocess.run([sys.executable, os.path.join(ROOT, "bench", "queries.py"), small, "1000"], check=True,
                   stdout=open(qfile, "w"))
    queries = open(qfile, encoding="utf-8").read().splitlines()
    vn = Vnsearch(args.build, tmp, 2, qfile)  # the default build answers the queries
    systems = [Vnsearch(args.build, tmp, 1, qfile), vn, Xapian(args.build, tmp, qfile), Fts5(tmp)]
    pg = None
    if os.path.exists(PG + "/initdb") and shutil.which("psql"):
        pg = Postgres(tmp)
        pg.start()
        systems.append(pg)
    else:
        print("SKIP: PostgreSQL 15 not installed (%s/initdb): its column is left out" % PG)
    try:
        print("# vnsearch beside its peers\n\nmachine: %d cores, %s, %s; Xapian %s; SQLite %s"
              % (os.cpu_count(), os.uname().machine, os.uname().release,
                 subprocess.run(["xapian-config", "--version"], capture_output=True, text=True).stdout.split()[-1]
                 if shutil.which("xapian-config") else "?", sqlite3.sqlite_version))
        results = [one_size(float(x), args, systems, vn, pg, tmp, queries) for x in args.sizes.split(",")]
        if len(results) > 1:
            growth(results, systems)
        if not args.no_relevance:
            relevance([vn] + systems[2:], [json.loads(l) for l in open(small, encoding="utf-8")], small)
    finally:
        if pg:
            pg.stop()
        if vn.daemon and vn.daemon.poll() is None:
            vn.daemon.kill()
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
