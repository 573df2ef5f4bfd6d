#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""watch.py -- standing searches against a real vnsearchd (TAP output).

WATCH answers a number, then an ALERT line comes for each new article
that matches, from a live write (ADD) or a cron run's commit, and none
for an article replaced or after UNWATCH; watches survive RELOAD and die
with their connection; the limits answer ERR LIMIT; JSON alerts; GET
/watch?q= is a Server-Sent Events stream.  Every alert is checked against
what SEARCH of the same query returns.
"""
import http.client
import json
import os
import socket
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from vnd import Client, index_data, ok, run, start_http, stop, workdir  # noqa: E402

TOKEN = "watch-token-for-tests"


def article(aid, title, body):
    return json.dumps({"id": aid, "title": title, "source": "Báo Mẫu", "body": body}, ensure_ascii=False)


def add(w, aid, title, body):
    r = w.cmd("ADD " + article(aid, title, body), multiline=True)
    return r[0] == "OK" and "committed\t1" in r


def alerts_until_pong(c, wait=0.0):
    """The ALERT lines c has been sent (after `wait` seconds), up to the
    reply of a PING sent now."""
    time.sleep(wait)
    c.send("PING\r\n")
    got = []
    while True:
        l = c.line()
        if l == "OK PONG":
            return got
        got.append(l)


def next_alert(c, timeout=10):
    """The next ALERT line on c, waiting up to `timeout` seconds."""
    c.s.settimeout(timeout)
    try:
        while True:
            l = c.line()
            if l.startswith("ALERT\t") or l.startswith('{"alert"'):
                return l
    except (socket.timeout, EOFError):
        return None
    finally:
        c.s.settimeout(10)


def in_search(c, query, aid):
    r = c.cmd("SEARCH limit=1000 snippet=none restore=off -- " + query)
    return any(l.split("\t")[1] == aid for l in r if l.startswith("HIT\t"))


def main():
    tmp = workdir("watch")
    idx = os.path.join(tmp, "index")
    index_data(idx, "seeds", "demo-corpus.jsonl")
    p, addr, base = start_http(idx, "admin_token = %s\nmax_watches_per_connection = 3\nmax_watches = 5\n" % TOKEN)
    a, w = Client(addr), Client(addr)
    ok(w.cmd("AUTH " + TOKEN)[0].startswith("OK"), "AUTH for the writer")

    r1, r2 = a.cmd("WATCH bão số 3"), a.cmd("WATCH giả danh công an")
    ok(r1[0].startswith("OK ") and r2[0].startswith("OK ") and r1[0] != r2[0], "WATCH answers a number each", (r1, r2))
    storm, fraud = r1[0].split()[1], r2[0].split()[1]
    ok(a.cmd("WATCH")[0].startswith("ERR BADREQ"), "WATCH without a query is refused")
    ok(a.cmd("WATCH " + " ".join("w%d" % i for i in range(40)))[0].startswith("ERR LIMIT"),
       "WATCH of more than 32 words is refused, as SEARCH")

    # a live write: an alert for the watch it matches, at once, none for the other
    t0 = time.monotonic()
    ok(add(w, "live-storm-1", "Bão số 3 đổ bộ", "Cơn bão số 3 đổ bộ vào Quảng Ninh chiều nay, gió giật cấp 12."),
       "ADD of a storm article")
    line = next_alert(a)
    ms = (time.monotonic() - t0) * 1000
    f = line.split("\t") if line else []
    ok(f[:3] == ["ALERT", storm, "live-storm-1"] and f[5] == "Bão số 3 đổ bộ",
       "ALERT<TAB>watch<TAB>id<TAB>date<TAB>source<TAB>title<TAB>url for the matching watch (%.0f ms)" % ms, line)
    ok(in_search(w, "bão số 3", "live-storm-1"), "and SEARCH of the same query finds that article")
    ok(alerts_until_pong(a, 0.8) == [], "no alert for the other watch, nor twice")

    # replaced is not new; no alert for words apart... ; a cron run's commit is seen
    ok(add(w, "live-storm-1", "Bão số 3 suy yếu", "Cơn bão số 3 suy yếu thành áp thấp."), "ADD replacing it")
    ok(alerts_until_pong(a, 1.2) == [], "an article replaced is not new: no alert")
    cron = os.path.join(tmp, "cron.jsonl")
    with open(cron, "w", encoding="utf-8") as fh:
        fh.write(article("cron-fraud-1", "Bắt kẻ giả danh công an", "Kẻ giả danh công an lừa đảo bị bắt giữ.") + "\n")
        fh.write(article("cron-other-1", "Giá vàng", "Giá vàng tăng mạnh.") + "\n")
    index_data(idx, cron)
    line = next_alert(a)
    ok(line and line.split("\t")[:3] == ["ALERT", fraud, "cron-fraud-1"],
       "a cron run's new article: the watcher picks up the commit and alerts", line)
    ok(in_search(w, "giả danh công an", "cron-fraud-1"), "and SEARCH finds it too")

    # RELOAD keeps the watches; UNWATCH ends one
    ok(w.cmd("RELOAD")[0].startswith("OK"), "RELOAD")
    ok(add(w, "live-storm-2", "Bão số 3 lại mạnh lên", "Bão số 3 mạnh lên trên biển."), "ADD after RELOAD")
    line = next_alert(a)
    ok(line and line.split("\t")[:3] == ["ALERT", storm, "live-storm-2"], "watches survive a reload", line)
    ok(a.cmd("UNWATCH " + storm) == ["OK unwatched"], "UNWATCH")
    ok(a.cmd("UNWATCH " + storm)[0].startswith("ERR BADREQ"), "UNWATCH of a number not watched is refused")
    b = Client(addr)
    ok(b.cmd("UNWATCH " + fraud)[0].startswith("ERR BADREQ"), "nor may another connection end it")
    ok(add(w, "live-storm-3", "Bão số 3 tan", "Bão số 3 tan dần."), "ADD after UNWATCH")
    ok(alerts_until_pong(a, 1.2) == [], "no alert once unwatched")

    # limits: 3 on a connection, 5 in all; a closed connection frees its own
    ok(all(a.cmd("WATCH chủ đề %d" % i)[0].startswith("OK") for i in range(2)), "two more on the first connection")
    r = a.cmd("WATCH chủ đề 9")
    ok(r[0].startswith("ERR LIMIT") and "max_watches_per_connection" in r[0], "a fourth: ERR LIMIT", r)
    ok(all(b.cmd("WATCH đề tài %d" % i)[0].startswith("OK") for i in range(2)), "two on another")
    r = b.cmd("WATCH đề tài 9")
    ok(r[0].startswith("ERR LIMIT") and "max_watches" in r[0], "the sixth in all: ERR LIMIT", r)
    a.close()
    time.sleep(0.3)
    ok(b.cmd("WATCH đề tài 9")[0].startswith("OK"), "a closed connection's watches are gone: room again")

    b.close()

    # JSON: the number, and alerts as objects
    c = Client(addr)
    ok(c.cmd("FORMAT json") == ['{"ok":true,"message":"format json"}'], "FORMAT json")
    r = json.loads(c.cmd("WATCH kỳ lân")[0])
    ok(r.get("ok") is True and isinstance(r.get("watch"), int), "JSON WATCH: {\"ok\":true,\"watch\":n}", r)
    ok(add(w, "live-unicorn-1", "Kỳ lân", "Tượng kỳ lân bằng đá được tìm thấy."), "ADD")
    line = next_alert(c)
    j = json.loads(line) if line else {}
    ok(j.get("alert") == r["watch"] and j.get("id") == "live-unicorn-1" and j.get("title") == "Kỳ lân",
       "a JSON alert: {\"alert\":n,\"id\":...,\"title\":...}", line)
    ok(json.loads(c.cmd("UNWATCH 99999")[0])["ok"] is False, "JSON UNWATCH of no such number")
    c.close()

    # HTTP: a Server-Sent Events stream
    host, port = base[len("http://"):].split(":")
    h = http.client.HTTPConnection(host, int(port), timeout=10)
    h.request("GET", "/watch?q=" + "l%E1%BB%91c+xo%C3%A1y")  # lốc xoáy
    resp = h.getresponse()
    ok(resp.status == 200 and resp.getheader("Content-Type", "").startswith("text/event-stream"),
       "GET /watch: 200, text/event-stream", (resp.status, resp.getheaders()))

    def event():
        name = data = None
        while True:
            l = resp.fp.readline().decode().rstrip("\n")
            if l.startswith("event: "):
                name = l[7:]
            elif l.startswith("data: "):
                data = json.loads(l[6:])
            elif l == "" and name:
                return name, data
    name, data = event()
    ok(name == "watch" and data.get("ok") is True, "the first event names the watch", (name, data))
    ok(add(w, "live-tornado-1", "Lốc xoáy ở Hà Tĩnh", "Lốc xoáy làm tốc mái nhiều nhà dân ở Hà Tĩnh."), "ADD")
    name, data = event()
    ok(name == "alert" and data.get("id") == "live-tornado-1" and isinstance(data.get("alert"), int),
       "then an \"alert\" event with the article", (name, data))
    h.close()
    time.sleep(0.3)
    ok(w.cmd("PING") == ["OK PONG"], "the daemon lives on after the stream is closed")
    w.close()
    ok(stop(p) == 0, "stops cleanly")


if __name__ == "__main__":
    run(main, 180)
