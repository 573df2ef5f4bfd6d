#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""watch.py -- standing searches at scale (make bench-watch).

vi-news.jsonl without its last ARTICLES articles is indexed; vnsearchd
gets WATCHES standing searches (bench/queries.py over the held-out
articles, so that they match some), on 10 connections; then the held-out
articles are pushed by live writes, BATCH to a POST /documents.  Reports
the time from each write's acknowledgement to the last alert it caused,
the daemon's CPU and memory over the push, and checks every alert against
SEARCH of the same query over the whole index, cut to the pushed
articles: nothing missing, nothing extra (a query SEARCH widens, to other
spellings or to any word, is counted apart: a watch never widens).
Skips (exit 0) without ../shared/corpus.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
sys.path.insert(0, os.path.join(ROOT, "tests", "lib"))
TOKEN = "bench-watch-token"
SOURCE = "Bench watch"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default=os.environ.get("VN_BUILD", "build"))
    ap.add_argument("--corpus", default=os.environ.get("CORPUS", os.path.join(ROOT, "..", "shared", "corpus")))
    ap.add_argument("--watches", type=int, default=1000)
    ap.add_argument("--articles", type=int, default=1000)
    ap.add_argument("--batch", type=int, default=100)
    args = ap.parse_args()
    path = os.path.join(args.corpus, "vi-news.jsonl")
    if not os.path.exists(path):
        print("SKIP: %s not found" % path)
        return 0
    os.environ["VN_BUILD"] = os.path.relpath(os.path.abspath(args.build), ROOT)
    import vnd
    lines = [l for l in open(path, encoding="utf-8") if l.strip()]
    # the pushed articles carry a source of their own: SEARCH source= cuts a
    # query's matches to them, to check the alerts against
    held = [dict(json.loads(l), source=SOURCE) for l in lines[-args.articles:]]
    with tempfile.TemporaryDirectory() as tmp:
        base_file, held_file = os.path.join(tmp, "base.jsonl"), os.path.join(tmp, "held.jsonl")
        with open(base_file, "w", encoding="utf-8") as f:
            f.writelines(lines[:-args.articles])
        with open(held_file, "w", encoding="utf-8") as f:
            f.writelines(json.dumps(a, ensure_ascii=False) + "\n" for a in held)
        queries = subprocess.run([sys.executable, os.path.join(ROOT, "bench", "queries.py"), held_file,
                                  str(args.watches)], capture_output=True, text=True, check=True).stdout.splitlines()
        idx = os.path.join(tmp, "index")
        subprocess.run([vnd.IX, "--quiet", "--index", idx, base_file], check=True)
        p, addr, base = vnd.start_http(idx, "admin_token = %s\nmax_watches = %d\nworkers = 2\n"
                                       % (TOKEN, args.watches + 10))
        conns = [vnd.Client(addr, timeout=120) for _ in range(10)]
        wid = {}
        for k, q in enumerate(queries):
            c = conns[k % 10]
            r = c.cmd("WATCH " + q)
            if r[0].startswith("OK "):
                wid[r[0].split()[1]] = q
        alerts, last = {}, [0.0]
        stop = threading.Event()

        def reader(c):
            c.s.settimeout(0.5)
            while not stop.is_set():
                try:
                    l = c.line()
                except Exception:  # noqa: BLE001 -- a timeout: look again
                    continue
                if l.startswith("ALERT\t"):
                    f = l.split("\t")
                    alerts.setdefault(f[1], set()).add(f[2])
                    last[0] = time.monotonic()
        threads = [threading.Thread(target=reader, args=(c,)) for c in conns]
        for t in threads:
            t.start()
        rss0, cpu0 = vnd.proc_kb(p.pid), vnd.cpu_s(p.pid)
        lat = []
        t_all = time.monotonic()
        for i in range(0, len(held), args.batch):
            body = "".join(json.dumps(a, ensure_ascii=False) + "\n" for a in held[i:i + args.batch]).encode()
            req = urllib.request.Request(base + "/documents", data=body, method="POST",
                                         headers={"Authorization": "Bearer " + TOKEN})
            urllib.request.urlopen(req, timeout=120).read()
            acked = time.monotonic()
            last[0] = acked
            while time.monotonic() - last[0] < 1.5:  # until no alert has come for 1.5 s
                time.sleep(0.05)
            lat.append((last[0] - acked) * 1000)
        elapsed = time.monotonic() - t_all
        cpu = vnd.cpu_s(p.pid) - cpu0
        rss1, hwm = vnd.proc_kb(p.pid), vnd.proc_kb(p.pid, "VmHWM")
        stop.set()
        for t in threads:
            t.join()
        # every alert against SEARCH of the same query, cut to the pushed articles
        check = vnd.Client(addr, timeout=120)
        same = widened = differ = 0
        examples = []
        for w, q in wid.items():
            r = check.cmd('SEARCH limit=1000 snippet=none restore=off source="%s" -- %s' % (SOURCE, q))
            got = {l.split("\t")[1] for l in r if l.startswith("HIT\t")}
            wide = "other_spellings=true" in r[0]
            mine = alerts.get(w, set())
            if got == mine:
                same += 1
            elif wide or (not mine and got):
                widened += 1  # SEARCH widened (other spellings, or any word): a watch does not
            else:
                differ += 1
                examples.append((q, sorted(got - mine)[:3], sorted(mine - got)[:3]))
        vnd.stop(p)
        vnd.cleanup()
        lat.sort()
        n_alerts = sum(len(v) for v in alerts.values())
        print("watch benchmark: %d standing searches on 10 connections, %d articles pushed in writes of %d "
              "(POST /documents) into %d" % (len(wid), len(held), args.batch, len(lines) - len(held)))
        print("  alerts: %d; from a write's acknowledgement to its last alert: median %.0f ms, max %.0f ms "
              "(%d writes)" % (n_alerts, lat[len(lat) // 2], lat[-1], len(lat)))
        print("  daemon: %.2f s CPU over %.1f s (writes included); memory %d MB -> %d MB (peak %d MB)"
              % (cpu, elapsed, rss0 // 1024, rss1 // 1024, hwm // 1024))
        print("  against SEARCH of the same query over the pushed articles: %d watches the same, %d where SEARCH "
              "widened, %d differ%s" % (same, widened, differ, ": " + str(examples[:3]) if examples else ""))
        return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
