#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""push_kill.py -- live writes survive kill -9 (make stress; TAP output).

4 clients push 10,000 articles with ADD (--quick: 1,000), while the daemon
is killed with SIGKILL and restarted 3 times (--quick: once) in between;
the clients reconnect and go on.  Afterwards every article whose ADD was
acknowledged must be found (GET), and none may be damaged.  A write that
was not acknowledged may or may not be there: only acknowledgements are
promises.  Also: the cron indexer holding the lock makes a write wait,
then succeed, and past write_lock_wait answer ERR BUSY.
"""
import json
import os
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from vnd import Client, free_port, index_data, ok, run, start, stop, workdir  # noqa: E402

QUICK = "--quick" in sys.argv
PUSHES = 1000 if QUICK else 10000
KILLS = 1 if QUICK else 3
CLIENTS = 4
TOKEN = "push-kill-token-0123456789"


def article(n):
    return {"id": "live-%05d" % n, "title": "Tin nóng số %d" % n, "date": "2025-11-%02d" % (n % 28 + 1),
            "source": "Tòa soạn - Thời sự", "body": "Bài số %d về Hà Nội và TP.HCM, mã xqz%05d." % (n, n)}


def pusher(addr, ids, acked, stop_at, errors):
    c = None
    for n in ids:
        line = "ADD " + json.dumps(article(n), ensure_ascii=False)
        while time.time() < stop_at:
            try:
                if c is None:
                    c = Client(addr, timeout=30)
                    if not c.cmd("AUTH " + TOKEN)[0].startswith("OK"):
                        raise OSError("AUTH refused")
                r = c.cmd(line)
                if r[0] == "OK" and "added\t1" in r and "committed\t1" in r:
                    acked.append(n)
                elif r[0] != "OK":
                    errors.append(r[0])
                break
            except (OSError, EOFError):
                c = None  # the daemon was killed: reconnect once it is back
                time.sleep(0.05)


def main():
    tmp = workdir("pushkill")
    idx = os.path.join(tmp, "index")
    index_data(idx, "seeds")
    conf = os.path.join(tmp, "push.conf")
    with open(conf, "w") as f:
        f.write("admin_token = %s\nwrite_lock_wait = 2\n" % TOKEN)
    port = free_port()
    p, addr = start(idx, config=conf, port=port)
    acked, errors = [], []
    stop_at = time.time() + (120 if QUICK else 600)
    per = PUSHES // CLIENTS
    threads = [threading.Thread(target=pusher, args=(addr, range(k * per, (k + 1) * per), acked, stop_at, errors))
               for k in range(CLIENTS)]
    t0 = time.time()
    for t in threads:
        t.start()
    for k in range(KILLS):
        target = PUSHES * (k + 1) // (KILLS + 1)
        while len(acked) < target and any(t.is_alive() for t in threads):
            time.sleep(0.01)
        p.kill()  # SIGKILL, mid-stream
        p.wait()
        p, addr = start(idx, config=conf, port=port)
    for t in threads:
        t.join()
    took = time.time() - t0
    ok(len(acked) >= PUSHES - CLIENTS * (KILLS + 1) and not errors,
       "%d of %d pushes acknowledged in %.1f s from %d clients, %d kill -9s in between (%.0f writes/s)"
       % (len(acked), PUSHES, took, CLIENTS, KILLS, len(acked) / took), errors[:3])
    # every acknowledged article is there, whole
    c = Client(addr)
    c.json("FORMAT json")
    missing, damaged = [], []
    for start_i in range(0, len(acked), 500):
        chunk = acked[start_i:start_i + 500]
        c.send("".join("GET live-%05d\n" % n for n in chunk))
        for n in chunk:
            r = json.loads(c.line())
            if not r.get("ok"):
                missing.append(n)
            elif r["doc"]["body"] != article(n)["body"]:
                damaged.append(n)
    ok(not missing and not damaged, "every acknowledged article is found after the kills (%d checked)" % len(acked),
       (missing[:5], damaged[:5]))
    r = c.json("COUNT xqz%05d" % acked[-1])
    ok(r.get("count") == 1, "and searchable by its words", r)

    # the cron indexer holds the lock: a write waits, then goes through
    holder = subprocess.Popen(["flock", os.path.join(idx, "vnsearch.lock"), "sleep", "1"])
    time.sleep(0.2)
    w = Client(addr)
    w.cmd("AUTH " + TOKEN)
    t1 = time.time()
    r = w.cmd("ADD " + json.dumps(article(PUSHES + 1), ensure_ascii=False))
    ok(r[0] == "OK" and time.time() - t1 >= 0.5, "a write meeting the indexer's lock waits for it (%.1f s)"
       % (time.time() - t1), r)
    holder.wait()
    holder = subprocess.Popen(["flock", os.path.join(idx, "vnsearch.lock"), "sleep", "4"])
    time.sleep(0.2)
    r = w.cmd("ADD " + json.dumps(article(PUSHES + 2), ensure_ascii=False))
    ok(r[0].startswith("ERR BUSY") and "retry" in r[0], "past write_lock_wait it answers ERR BUSY", r)
    holder.wait()
    ok(stop(p) == 0, "stops cleanly")


if __name__ == "__main__":
    run(main, 300 if QUICK else 900)
