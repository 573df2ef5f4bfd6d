#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""daemon.py -- vnsearchd end to end, over real sockets (TAP output).

Starts the real daemon on a free loopback port over a test index and
speaks the protocol: every command, text and JSON, pipelining, diacritics
and folding, filters, paging, sorting, snippets, bad requests of each kind,
a 1 MB line, invalid UTF-8, a client leaving mid-reply, limits, AUTH,
SIGHUP and live reindexing under load, SIGTERM drain, a Unix socket.
"""
import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import unicodedata
from collections import Counter

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from vnd import D, DAEMONS, DATA, ME, Client, free_port, index_data, ok, run, start, stop, wire_copy, workdir  # noqa: E402


def counts_at_once(addr, req, conns=8, each=10):
    """The replies to `req` sent `each` times, pipelined, on `conns`
    connections at once: 80 requests that both workers of start() share
    (each takes the next from one queue), so a worker that kept stale state
    shows as a second reply."""
    cs = [Client(addr) for _ in range(conns)]
    for c in cs:
        c.send((req + "\n") * each)
    seen = set()
    for c in cs:
        for _ in range(each):
            seen.add(c.line())
        c.close()
    return seen


def fold_letter(ch):
    """The letter ch is written on, without marks."""
    return "d" if ch == "đ" else unicodedata.normalize("NFD", ch)[0]


def begins_as_typed(typed, word):
    """word begins with typed, a letter typed without marks standing for any of its marked forms."""
    return len(word) >= len(typed) and all(t == w or (t.isascii() and fold_letter(w) == t) for t, w in zip(typed, word))


def phrase_holders(phrases):
    """The test articles holding each phrase (lower case, NFC), by id."""
    found = {p: set() for p in phrases}
    for name in ("demo-corpus.jsonl", "headlines-300.jsonl"):
        for line in open(os.path.join(DATA, name), encoding="utf-8"):
            d = json.loads(line)
            text = " " + " ".join(re.findall(r"\w+", unicodedata.normalize("NFC", ((d.get("title") or "") + " " + d["body"]).lower()))) + " "
            for p in phrases:
                if " " + p + " " in text:
                    found[p].add(d["id"])
    return found


def word_counts():
    """Occurrences and documents of each lower-case word of the test
    articles (bodies, and titles twice as the index weighs them; the
    seeds' whole text)."""
    texts = [open(os.path.join(DATA, "seeds", f), encoding="utf-8").read() for f in os.listdir(os.path.join(DATA, "seeds"))]
    for name in ("demo-corpus.jsonl", "headlines-300.jsonl"):
        for line in open(os.path.join(DATA, name), encoding="utf-8"):
            d = json.loads(line)
            texts.append(2 * ((d.get("title") or "") + " ") + d["body"])
    occ, docs = Counter(), Counter()
    for t in texts:
        ws = re.findall(r"\w+", unicodedata.normalize("NFC", t.lower()))
        occ.update(ws)
        docs.update(set(ws))
    return occ, docs


def copies_checks(tmp):
    """Copies of a wire story: one comes with an incremental run and is
    folded under its original (collapse=on), listed, left out of RELATED,
    and counted in totals."""
    idx = os.path.join(tmp, "copies-index")
    index_data(idx, "seeds", "demo-corpus.jsonl")
    p, addr = start(idx)
    c = Client(addr)
    q = "SEARCH limit=5 snippet=none collapse=on -- giả danh công an để lừa đảo"
    first = c.cmd(q)
    ok(any(l.startswith("HIT\tvnds-test-000001\t") and l.endswith("\tcopies=0") for l in first),
       "collapse=on: copies=0 when an article has none", first)
    path = os.path.join(tmp, "copy.jsonl")
    with open(path, "w", encoding="utf-8") as f:
        f.write(json.dumps(wire_copy("vnds-test-000001", "copy-000001"), ensure_ascii=False) + "\n")
    index_data(idx, path)  # an incremental run: the daemon picks it up
    for _ in range(100):
        r = c.cmd(q)
        if any("copy-000001" in l for l in r):
            break
        time.sleep(0.1)
    hits = [l.split("\t") for l in r if l.startswith("HIT")]
    pair = {"vnds-test-000001", "copy-000001"}
    ok(sum(h[1] in pair for h in hits) == 1 and any(h[1] in pair and h[8] == "copies=1" and h[9] in pair - {h[1]}
                                                   for h in hits),
       "a copy from an incremental run is folded under its original: one hit, copies=1 and its id", r)
    c.json("FORMAT json")
    j = c.json(q)
    jh = [h for h in j["hits"] if h["id"] in pair]
    ok(len(jh) == 1 and jh[0]["copies"] == sorted(pair - {jh[0]["id"]}) and all("copies" in h for h in j["hits"]),
       "JSON: \"copies\" lists them, on every hit", j)
    plain = c.json("SEARCH limit=5 snippet=none -- giả danh công an để lừa đảo")
    ok(j["total"] == plain["total"] and {"vnds-test-000001", "copy-000001"} <= {h["id"] for h in plain["hits"]} and
       all("copies" not in h for h in plain["hits"]),
       "without collapse each is a hit, no \"copies\"; the total is the same", (j["total"], plain))
    for a, b in (("vnds-test-000001", "copy-000001"), ("copy-000001", "vnds-test-000001")):
        rel = c.json("RELATED limit=10 -- " + a)
        ok(rel["ok"] and b not in [h["id"] for h in rel["hits"]], "RELATED %s leaves out its copy %s" % (a, b), rel)
    bad = c.json("SEARCH collapse=maybe x")
    ok(not bad["ok"] and "collapse=" in bad["error"]["message"], "collapse= takes on or off", bad)
    c.close()
    stop(p)


def main():
    tmp = workdir("daemon")
    idx = os.path.join(tmp, "index")
    index_data(idx, "seeds", "demo-corpus.jsonl", "headlines-300.jsonl")
    p, addr = start(idx)
    c = Client(addr)

    # simple commands
    ok(c.cmd("PING") == ["OK PONG"], "PING")
    h = c.cmd("HEALTH", multiline=True)
    ok(h[0] == "OK" and "documents\t605" in h and h[-1] == "END", "HEALTH", h)
    m = c.cmd("METRICS", multiline=True)
    ok(m[0].startswith("OK") and any(l.startswith("vnsearch_documents 605") for l in m), "METRICS", m[:4])
    h = c.cmd("HELP", multiline=True)
    ok(h[0].startswith("OK") and h[-1] == "END" and any("SEARCH" in l for l in h), "HELP lists commands", h)
    st = c.cmd("STATS")
    stats = dict(l.split("\t") for l in st[1:-1])
    ok(st[0] == "OK" and int(float(stats["documents"])) == 605, "STATS counts the documents", st)
    ok({"revision", "uptime_s", "queries", "latency_p50_ms", "latency_p99_ms"} <= set(stats), "STATS fields", st)

    # search, text format
    r = c.cmd("SEARCH limit=3 luong cuong")
    ok(r[0].startswith("OK total=") and r[-1] == "END", "SEARCH text reply ends with END", r)
    hits = [l.split("\t") for l in r[1:-1] if l.startswith("HIT\t")]
    ok(hits and all(len(x) == 8 for x in hits), "HIT lines have 8 tab-separated fields", r)
    ok("DIDYOUMEAN\tlương cường" in r, "typed without marks: the marks restored are offered (DIDYOUMEAN)", r)
    r2 = c.cmd("SEARCH limit=3 restore=off luong cuong")
    ok(not any(l.startswith("DIDYOUMEAN") for l in r2), "restore=off: none", r2)
    r2 = c.cmd("RESTORE tong bi thu to lam", multiline=True)
    ok(r2 == ["OK 1", "tổng bí thư tô lâm", "END"], "RESTORE puts the marks back", r2)
    ok(hits and hits[0][1].startswith("00") and hits[0][1].endswith(".txt"), "folded query finds the seed first", r)
    ok(hits and "<b>Lương</b> <b>Cường</b>" in hits[0][6], "folded match highlighted in the snippet", r)
    r = c.cmd("SEARCH limit=3 Lương Cường")
    ok(r[1].split("\t")[1].endswith(".txt"), "query with marks finds the seed first", r)
    r = c.cmd('SEARCH limit=1 "giả danh công an"')
    ok(r[1].split("\t")[1] == "vnds-test-000001", "phrase query finds its article first", r)
    r = c.cmd("SEARCH limit=1 gia danh cong an de lua dao")
    ok(r[1].split("\t")[1] == "vnds-test-000001", "the same without marks", r)
    r = c.cmd("COUNT hà nội")
    ok(r[0].startswith("OK ") and int(r[0][3:]) > 10, "COUNT", r)
    r = c.cmd("GET vnds-test-000001", multiline=True)
    ok(r[0] == "OK" and "id\tvnds-test-000001" in r and any(l.startswith("body\t") for l in r), "GET", r)
    r = c.cmd("GET no-such-doc")
    ok(r[0].startswith("ERR NOTFOUND"), "GET of an unknown id is ERR NOTFOUND", r)
    r = c.cmd("SUGGEST ha n", multiline=True)
    ok(r[0].startswith("OK") and "hà nội" in r[1:-1], "SUGGEST ha n gives hà nội", r)
    # completions: words of the text beginning as typed (marks typed kept),
    # most occurrences first, none held by one article only; counted here
    # from the test data, independently of the index
    occ, docs = word_counts()
    for prefix in ("kh", "ng", "đư", "ngư", "nh"):  # no English word begins so (the seeds)
        r = c.cmd("SUGGEST " + prefix, multiline=True)
        got = r[1:-1]
        want = sorted((w for w in occ if begins_as_typed(prefix, w) and docs[w] >= 2), key=lambda w: (-occ[w], w))
        ok(r[0].startswith("OK") and got[:3] == want[:3] and all(docs[w] >= 2 for w in got) and
           all(begins_as_typed(prefix, w) for w in got) and [occ[w] for w in got] == sorted((occ[w] for w in got), reverse=True),
           "SUGGEST %s: the words beginning as typed, most occurrences first" % prefix,
           (got, [(w, occ[w]) for w in want[:5]]))
    # English forms in the shipped aliases: the Vietnamese name finds the
    # English seed articles, and the other way round, the form typed first
    vi = c.cmd("SEARCH limit=20 snippet=none Chủ tịch nước Lương Cường", multiline=True)
    ids = [l.split("\t")[1] for l in vi[1:] if l.startswith("HIT")]
    seeds = [i for i in ids if i.endswith(".txt")]
    ok(len(seeds) >= 2 and not ids[0].endswith(".txt"),
       "Chủ tịch nước Lương Cường finds the English seed articles (State President Lương Cường), a Vietnamese one first", ids)
    en = c.cmd("SEARCH limit=20 snippet=none State President Lương Cường", multiline=True)
    ids = [l.split("\t")[1] for l in en[1:] if l.startswith("HIT")]
    ok(ids and ids[0].endswith(".txt") and any(not i.endswith(".txt") for i in ids),
       "State President Lương Cường finds the Vietnamese articles too, an English one first", ids)
    ok(c.cmd("COUNT HCM City") == c.cmd("COUNT TP.HCM") and int(c.cmd("COUNT HCM City")[0][3:]) > 10,
       "HCM City finds every TP.HCM article", (c.cmd("COUNT HCM City"), c.cmd("COUNT TP.HCM")))
    # i/y spellings of one word: both found, the one typed first
    holders = phrase_holders(("tỉ đồng", "tỷ đồng", "kỉ niệm", "kỷ niệm", "bác sĩ", "bác sỹ"))
    for a, b in (("tỉ đồng", "tỷ đồng"), ("kỉ niệm", "kỷ niệm"), ("bác sỹ", "bác sĩ")):
        both = holders[a] | holders[b]
        ok(c.cmd('COUNT "%s"' % a) == c.cmd('COUNT "%s"' % b) == ["OK %d" % len(both)],
           "%s and %s find each other: %d articles" % (a, b, len(both)), (c.cmd('COUNT "%s"' % a), len(both)))
        for typed in (a, b):
            got = [l.split("\t")[1] for l in c.cmd("SEARCH limit=%d snippet=none %s" % (len(holders[typed]), typed),
                                                   multiline=True) if l.startswith("HIT")]
            ok(set(got) == holders[typed], "SEARCH %s: the %d articles that write it so first" % (typed, len(holders[typed])),
               (got, holders[typed]))
    r = c.cmd("SUGGEST được", multiline=True)
    ok(r[1] == "được", "SUGGEST được keeps the marks typed (was: dược)", r)

    # JSON format
    j = c.json("FORMAT json")
    ok(j == {"ok": True, "message": "format json"}, "FORMAT json", j)
    j = c.json("SEARCH limit=2 luong cuong")
    ok(j["ok"] is True and isinstance(j["total"], int) and isinstance(j["took_ms"], float), "JSON SEARCH envelope", j)
    ok(set(j["hits"][0]) == {"id", "score", "date", "source", "title", "url", "snippet"}, "JSON hit fields", j)
    ok(j["total_min"] <= j["total"] <= j["total_max"], "total lies within its bounds", j)
    # issue 8 defects, as the daemon answers them
    j = c.json('SEARCH "Lương Cường"')
    ok(j["total_min"] == j["total_max"] == j["total"] == c.json('COUNT "Lương Cường"')["count"],
       "a small result set has an exact total, equal to COUNT", j)
    long_phrase = '"' + " ".join(["từ"] * 9000) + '"'
    j = c.json("SEARCH " + long_phrase)
    ok(j["ok"] is False and j["error"]["code"] == "LIMIT" and "32 words" in j["error"]["message"],
       "a 9,000-word phrase is ERR LIMIT, not run", j)
    j = c.json("SEARCH title:")
    ok(j["ok"] is False and "title:" in j["error"]["message"], "title: with nothing after it is an error", j)
    j = c.json('SEARCH limit=5 công an -"hà nội"')
    ok(j["ok"] and all("<b>nội</b>" not in h["snippet"] and "<b>nói</b>" not in h["snippet"]
                       for h in j["hits"]), "excluded words are never highlighted", j)
    j = c.json("BOGUS")
    ok(j["ok"] is False and j["error"]["code"] == "BADREQ", "JSON error object", j)
    j = c.json("COUNT hà nội")
    ok(j["ok"] and j["count"] > 10, "JSON COUNT", j)
    c.send("FORMAT text\n")
    ok(c.line() == "OK format text" and c.cmd("PING") == ["OK PONG"], "FORMAT text switches back")

    # filters, sorting, paging over the dated headlines
    c.send("FORMAT json\n"); c.line()
    all_hits = c.json("SEARCH limit=50 sort=-date from=2025-09-01 to=2026-03-31 việt nam")["hits"]
    dates = [h["date"] for h in all_hits]
    ok(len(dates) > 3 and dates == sorted(dates, reverse=True), "sort=-date orders by date, newest first", dates)
    ok(all("2025-09-01" <= d <= "2026-03-31" for d in dates), "from=/to= filter the dates", dates)
    asc = [h["date"] for h in c.json("SEARCH limit=50 sort=date from=2025-01-01 việt nam")["hits"]]
    ok(len(asc) > 3 and asc == sorted(asc), "sort=date ascending", asc)
    src = c.json('SEARCH limit=50 source="Tuổi Trẻ" việt nam')["hits"]
    ok(src and all(h["source"] == "Tuổi Trẻ" for h in src), "source= filters", [h["source"] for h in src])
    src2 = c.json("SEARCH limit=50 source=tuoi_tre việt nam")["hits"]
    src3 = c.json('SEARCH limit=50 source="tuoi tre" việt nam')["hits"]
    ok(src and [h["id"] for h in src3] == [h["id"] for h in src] == [h["id"] for h in src2],
       "source= is folded too: \"tuoi tre\" and tuoi_tre find what \"Tuổi Trẻ\" finds", (src2, src3))
    # fresh=: the same matches, those near now= first
    import datetime
    now = datetime.date(2026, 2, 1)

    def days(hits):
        return sorted(abs((datetime.date.fromisoformat(h["date"]) - now).days) for h in hits if h["date"])
    plain = c.json("SEARCH limit=10 now=2026-02-01 việt nam")
    fresh = c.json("SEARCH limit=10 now=2026-02-01 fresh=30 việt nam")
    ok(fresh["total"] == plain["total"] and len(days(fresh["hits"])) >= 5 and days(fresh["hits"])[4] <= 30 and
       days(fresh["hits"])[:5] < days(plain["hits"])[:5],
       "fresh=30: the same matches, half the page within a half-life of now=", (days(plain["hits"]), days(fresh["hits"])))
    bad = c.json("SEARCH fresh=3651 việt nam")
    ok(not bad["ok"] and "fresh=" in bad["error"]["message"], "fresh= past ten years is refused", bad)
    p1 = c.json("SEARCH limit=3 hà nội")["hits"]
    p2 = c.json("SEARCH limit=3 offset=3 hà nội")["hits"]
    ok(len(p1) == 3 and len(p2) == 3 and not {h["id"] for h in p1} & {h["id"] for h in p2}, "offset pages")
    c.send("FORMAT text\n"); c.line()

    copies_checks(tmp)

    # pipelining: five requests in one write, answered in order
    c.send("PING\r\nCOUNT hà nội\nSEARCH limit=1 luong cuong\nBOGUS\nPING\n")
    got = [c.reply() for _ in range(2)]
    c.multiline = False
    got.append(c.reply())
    got += [c.reply(), c.reply()]
    ok(got[0] == ["OK PONG"] and got[1][0].startswith("OK ") and got[2][0].startswith("OK total=")
       and got[3][0].startswith("ERR BADREQ") and got[4] == ["OK PONG"], "pipelined requests answered in order", got)

    # bad requests: each gets ERR, the connection stays usable
    for req, code, what in [("FETCH x", "BADREQ", "unknown command"), ("SEARCH limit=x y", "BADREQ", "bad option value"),
                            ('SEARCH "unbalanced', "BADREQ", "unparsable query"), ("SEARCH    ", "BADREQ", "empty query"),
                            ("SEARCH -only", "BADREQ", "query of exclusions only"), ("SEARCH limit=100000 x", "LIMIT", "limit over max_results")]:
        r = c.cmd(req)
        ok(r[0].startswith("ERR %s " % code), "%s gives ERR %s" % (what, code), r)
    c.send(b"SEARCH h\xe0 n\xf4i\n")
    r = c.reply()
    ok(r[0].startswith("ERR BADREQ") and "UTF-8" in r[0], "invalid UTF-8 gives ERR BADREQ", r)
    c.send(b"SEARCH " + b"a" * (1 << 20) + b"\n")
    r = c.reply()
    ok(r[0].startswith("ERR LIMIT"), "a 1 MB line gives ERR LIMIT", r)
    ok(c.cmd("PING") == ["OK PONG"], "and the connection is still usable")

    # a client that leaves in the middle of a large reply
    q = Client(addr)
    q.send("SEARCH limit=1000 a\n" * 20)
    q.s.shutdown(socket.SHUT_RDWR)
    q.close()
    time.sleep(0.3)
    ok(Client(addr).cmd("PING") == ["OK PONG"] and p.poll() is None, "a client leaving mid-reply harms nobody")

    # never-reading client does not stall others
    slow = Client(addr)
    slow.send("SEARCH limit=1000 hà nội\n" * 200)
    t0 = time.time()
    ok(Client(addr).cmd("PING") == ["OK PONG"] and time.time() - t0 < 2, "a client that never reads stalls no one")

    # half-close: answered before closing
    h2 = Client(addr)
    h2.send("PING\nCOUNT hà nội\n")
    h2.s.shutdown(socket.SHUT_WR)
    ok(h2.reply() == ["OK PONG"] and h2.reply()[0].startswith("OK "), "requests before a half-close are answered")

    # live reindex and SIGHUP while queries run: no query may fail
    failures, done, seen_new = [], threading.Event(), threading.Event()

    def hammer():
        cl = Client(addr)
        while not done.is_set():
            try:
                r = cl.cmd("SEARCH limit=5 zyxwv quokka hà nội")
                if not r[0].startswith("OK total="):
                    failures.append(r)
                if any("\tnew-doc\t" in l for l in r):
                    seen_new.set()
            except Exception as e:  # noqa: BLE001 -- any failure counts
                failures.append(repr(e))
                cl = Client(addr)
    threads = [threading.Thread(target=hammer) for _ in range(4)]
    for t in threads:
        t.start()
    newdoc = os.path.join(tmp, "new.jsonl")
    with open(newdoc, "w") as f:
        f.write(json.dumps({"id": "new-doc", "title": "Zyxwv quokka", "body": "Zyxwv quokka ở Hà Nội."}) + "\n")
    index_data(idx, newdoc)
    for _ in range(60):
        if seen_new.is_set():
            break
        time.sleep(0.1)
    ok(seen_new.is_set(), "an incremental commit is picked up without restart")
    p.send_signal(signal.SIGHUP)
    index_data(idx, "seeds", newdoc, "demo-corpus.jsonl", args=("--full",))
    p.send_signal(signal.SIGHUP)
    time.sleep(1.0)
    ok(Client(addr).cmd("RELOAD")[0].startswith("OK"), "RELOAD")
    time.sleep(0.5)
    done.set()
    for t in threads:
        t.join()
    ok(not failures, "no query failed during reindex, --full switch and SIGHUP", failures[:3])
    st = Client(addr).cmd("STATS")
    ok("documents\t306" in st, "after the --full switch the daemon serves the new generation", st)

    # SIGTERM drains: an in-flight request is answered, then exit 0
    d = Client(addr)
    d.send("SEARCH limit=1000 hà nội\n")
    time.sleep(0.05)
    p.send_signal(signal.SIGTERM)
    r = d.reply()
    ok(r[0].startswith("OK total="), "SIGTERM: the in-flight request is answered", r[:1])
    ok(p.wait(timeout=10) == 0, "SIGTERM: the daemon exits 0")
    try:
        Client(addr, timeout=1)
        refused = False
    except OSError:
        refused = True
    ok(refused, "after SIGTERM no new connections are accepted")

    # aliases: an edited file is picked up by RELOAD, a broken one refused
    al = os.path.join(tmp, "aliases.txt")
    with open(al, "w") as f:
        f.write("TPHCM | Thành phố Hồ Chí Minh\n")
    aconf = os.path.join(tmp, "aliases.conf")
    with open(aconf, "w") as f:
        f.write("aliases = %s\n" % al)
    p, addr = start(idx, config=aconf)
    a = Client(addr)
    n_hn = int(a.cmd('COUNT "hà nội"')[0][3:])  # another form counts where its words stand together
    ok(a.cmd("COUNT xqzthudo") == ["OK 0"], "an unknown word before the alias exists")
    with open(al, "w") as f:
        f.write("TPHCM | Thành phố Hồ Chí Minh\nxqzthudo | Hà Nội\n")
    a.cmd("RELOAD")
    time.sleep(0.2)
    r = counts_at_once(addr, "COUNT xqzthudo")
    ok(n_hn > 0 and r == {"OK %d" % n_hn}, "RELOAD picks up an edited alias file (no reindex), in both workers",
       (r, n_hn))
    with open(al, "w") as f:
        f.write("xqzthudo | Hà Nội\nbroken line without a bar\n")
    p.send_signal(signal.SIGHUP)
    time.sleep(0.2)
    r = counts_at_once(addr, "COUNT xqzthudo")
    ok(r == {"OK %d" % n_hn}, "a broken alias file is refused: the old aliases stay", r)
    ok(stop(p) == 0, "stops cleanly")
    log = open(p.log).read()
    ok(log.count("aliases not reloaded") == 1 and "aliases.txt:2:" in log, "and it is logged once, with its line",
       log[-300:])
    with open(aconf, "w") as f:
        f.write("aliases = %s\n" % al)
    r = subprocess.run([D, "--index", idx, "--listen", "127.0.0.1:%d" % free_port(), "--config", aconf, "--user", ME],
                       capture_output=True, text=True, timeout=10)
    ok(r.returncode == 4 and "aliases.txt:2:" in r.stderr, "at start, a broken alias file stops the daemon", r.stderr)

    # limits and auth, from a config file
    conf = os.path.join(tmp, "vnsearch.conf")
    with open(conf, "w") as f:
        f.write("admin_token = s3cret\nmax_clients = 3\nidle_timeout = 1\nmax_line = 64\n")
    p, addr = start(idx, config=conf)
    a = Client(addr)
    ok(a.cmd("RELOAD")[0].startswith("ERR NOAUTH"), "RELOAD needs AUTH when a token is set")
    ok(a.cmd("AUTH wrong")[0].startswith("ERR NOAUTH"), "a wrong token is refused")
    ok(a.cmd("AUTH s3cret")[0].startswith("OK") and a.cmd("RELOAD")[0].startswith("OK"), "AUTH then RELOAD")
    r = a.cmd("SEARCH " + "x" * 100)
    ok(r[0].startswith("ERR LIMIT") and "64 bytes" in r[0], "max_line from the config", r)
    b, c3 = Client(addr), Client(addr)
    over = Client(addr)
    try:
        r = over.line()
    except (EOFError, OSError) as e:
        r = repr(e)
    ok("ERR LIMIT" in r, "max_clients: one more connection gets ERR LIMIT", r)
    time.sleep(1.6)
    try:
        a.line()
        closed = False
    except (EOFError, OSError):
        closed = True
    ok(closed, "idle_timeout closes an idle connection")
    for x in (b, c3):
        x.close()
    ok(stop(p) == 0, "stops cleanly")
    err = open(p.log).read()
    ok("idle for 1 s" in err and "max_clients" in err, "limits are logged", err)

    # refuses a non-loopback address without a token
    r = subprocess.run([D, "--index", idx, "--listen", "0.0.0.0:%d" % free_port(), "--user", ME], capture_output=True, text=True,
                       timeout=10, cwd=tmp)
    ok(r.returncode == 2 and "admin_token" in r.stderr, "non-loopback without admin_token refuses to start", r.stderr)
    r = subprocess.run([D, "--index", os.path.join(tmp, "none"), "--listen", "127.0.0.1:%d" % free_port(), "--user", ME],
                       capture_output=True, text=True, timeout=10, cwd=tmp)
    ok(r.returncode == 4 and "cannot open index" in r.stderr, "a missing index fails at start-up", r.stderr)

    # Unix socket
    sock = os.path.join(tmp, "vn.sock")
    p = subprocess.Popen([D, "--index", idx, "--socket", sock, "--workers", "1", "--user", ME], stdout=subprocess.DEVNULL,
                         stderr=subprocess.DEVNULL, cwd=tmp)
    DAEMONS.append(p)
    for _ in range(100):
        if os.path.exists(sock):
            break
        time.sleep(0.05)
    time.sleep(0.1)
    u = Client(sock)
    ok(u.cmd("PING") == ["OK PONG"], "Unix socket")
    u.close()
    ok(stop(p) == 0 and not os.path.exists(sock), "the socket file is removed on exit")

    subprocess.run(["rm", "-rf", tmp])


if __name__ == "__main__":
    run(main, 240)
