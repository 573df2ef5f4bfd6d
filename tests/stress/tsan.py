#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""tsan.py -- vnsearchd and the two-thread build under ThreadSanitizer
(TAP output): the build TSan instruments (make TSAN=1, build/tsan) indexes
with two threads (a first build and a --full), then the daemon serves
queries from several clients over both protocols while live writes,
RELOADs and METRICS go on, and stops on SIGTERM.  Any report of
ThreadSanitizer fails the run.  `make tsan` runs it for 30 s; make test
runs a short pass (--seconds 3).  Only our code is instrumented: Xapian and
libevent are Debian's builds.
"""
import argparse
import glob
import json
import os
import random
import subprocess
import sys
import threading
import time
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import vnd  # noqa: E402
from vnd import DATA, Client, ok, run, skip, workdir  # noqa: E402

TOKEN = "tsan-token"
QUERIES = ["hà nội", "ha noi", "công an", "giá vàng", "bão số", "thủ tướng", '"hà nội"', "tp.hcm", "giáo*",
           "kinh tế -vàng", "bóng đá", "covid"]


def reports(pattern):
    """The ThreadSanitizer reports written to files matching pattern."""
    out = []
    for f in glob.glob(pattern):
        text = open(f, errors="replace").read()
        if "ThreadSanitizer" in text:
            out.append(text)
    return out


def main(seconds):
    tbuild = os.path.join(vnd.ROOT, "build", "tsan")
    ix, d = os.path.join(tbuild, "bin", "vnsearch-indexer"), os.path.join(tbuild, "bin", "vnsearchd")
    if not (os.access(ix, os.X_OK) and os.access(d, os.X_OK)):
        skip("build/tsan is not built (make TSAN=1 all)")
        return
    tmp = workdir("tsan")
    logs = os.path.join(tmp, "tsan")
    supp = os.path.join(os.path.dirname(os.path.abspath(__file__)), "tsan.supp")
    env = dict(os.environ, TSAN_OPTIONS="halt_on_error=0 exitcode=66 log_path=%s second_deadlock_stack=1 "
               "suppressions=%s" % (logs, supp))
    idx = os.path.join(tmp, "index")
    inputs = [os.path.join(DATA, f) for f in ("demo-corpus.jsonl", "headlines-300.jsonl", "seeds")]
    r = subprocess.run([ix, "--quiet", "--threads", "2", "--index", idx, *inputs], env=env, capture_output=True,
                       text=True)
    ok(r.returncode == 0, "two-thread first build under TSan", r.stderr[-300:])
    r = subprocess.run([ix, "--quiet", "--threads", "2", "--full", "--index", idx, *inputs], env=env,
                       capture_output=True, text=True)
    ok(r.returncode == 0, "two-thread --full under TSan", r.stderr[-300:])
    found = reports(logs + "*")
    ok(not found, "the indexer: no ThreadSanitizer report", found[0][:1500] if found else None)

    hport, port = vnd.free_port(), vnd.free_port()
    conf = os.path.join(tmp, "vn.conf")
    with open(conf, "w") as f:
        f.write("admin_token = %s\nhttp_listen = 127.0.0.1:%d\n" % (TOKEN, hport))
    err = open(os.path.join(tmp, "daemon.log"), "w")
    p = subprocess.Popen([d, "--index", idx, "--listen", "127.0.0.1:%d" % port, "--workers", "3", "--user", vnd.ME,
                          "--config", conf], stderr=err, env=env, cwd=vnd.ROOT)
    addr = ("127.0.0.1", port)
    for _ in range(200):
        try:
            Client(addr).close()
            break
        except OSError:
            time.sleep(0.05)
    end = time.time() + seconds
    failures, done = [], [0]
    lock = threading.Lock()

    def line_client(k):
        rnd = random.Random(k)
        try:
            c = Client(addr, timeout=30)
            c.cmd("AUTH " + TOKEN)
            n = 0
            while time.time() < end:
                n += 1
                q = rnd.choice(QUERIES)
                if n % 17 == 0:
                    art = {"id": "tsan-%d-%d" % (k, n), "title": "Tin %d" % n, "body": "Bài viết về %s số %d." % (q, n)}
                    r = c.cmd("ADD " + json.dumps(art, ensure_ascii=False), multiline=True)
                elif n % 29 == 0:
                    r = c.cmd("RELOAD")
                elif n % 23 == 0:
                    r = c.cmd("METRICS", multiline=True)
                elif n % 5 == 0:
                    r = c.cmd("SUGGEST " + rnd.choice(["ha n", "cong", "gia v", "thu t"]), multiline=True)
                else:
                    r = c.cmd("SEARCH limit=5 facets=source " + q, multiline=True)
                if not r[0].startswith("OK"):
                    with lock:
                        failures.append(r[0])
                with lock:
                    done[0] += 1
            c.close()
        except Exception as e:  # noqa: BLE001 -- counted, reported below
            with lock:
                failures.append(repr(e))

    def http_client(k):
        rnd = random.Random(100 + k)
        try:
            while time.time() < end:
                q = urllib.request.quote(rnd.choice(QUERIES))
                with urllib.request.urlopen("http://127.0.0.1:%d/search?q=%s&limit=3" % (hport, q), timeout=30) as r:
                    r.read()
                with lock:
                    done[0] += 1
        except Exception as e:  # noqa: BLE001
            with lock:
                failures.append(repr(e))

    threads = [threading.Thread(target=line_client, args=(k,)) for k in range(4)]
    threads += [threading.Thread(target=http_client, args=(k,)) for k in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    ok(not failures and done[0] > 0, "%d requests from 6 clients, live writes and reloads among them" % done[0],
       failures[:3])
    rc = vnd.stop(p)
    err.close()
    ok(rc == 0, "SIGTERM: exit 0 (66 is TSan's)", rc)
    found = reports(logs + "*")
    if found:
        with open(os.path.join(vnd.BUILD, "tsan-report.txt"), "w") as f:
            f.write("\n".join(found))
    ok(not found, "the daemon: no ThreadSanitizer report (%d; kept in %s/tsan-report.txt)" % (len(found), vnd.BUILD),
       found[0][:3000] if found else None)


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=float, default=float(os.environ.get("VN_TSAN_SECONDS", 30)))
    a = ap.parse_args()
    run(lambda: main(a.seconds), int(a.seconds) + 240)
