#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""shards.py -- sharded indexes over Xapian's own remote backend (TAP).

The same 605 test articles indexed three ways: one index, two shards (one
thread) and three shards (two threads), searched locally and behind
xapian-tcpsrv processes on free loopback ports (two for two shards, two
beside one local shard for three) through stub files.  A table
of queries in every form must give the same ids in the same order, with the
same scores (documents of equal score in any order among themselves), in process and through vnsearchd (SEARCH, COUNT with facets,
GET, SUGGEST, RESTORE, STATS).  Then a shard is killed under load: with
shard_down = partial the daemon answers from the others with partial=true,
with fail it answers ERR UNAVAILABLE, and both recover when the shard is
back, without a restart.  Last, a replica kept by xapian-replicate catches
up with new commits and serves as a shard.  Every server is stopped at the
end.
"""
import os
import shutil
import signal
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from vnd import IX, Client, free_port, index_data, ok, run, skip, start, stop, workdir  # noqa: E402

SERVERS = []

QUERIES = [
    "hà nội", "ha noi", "hà nội mưa", "công an", "cong an", "thủ tướng", "thu tuong", "Hòa Bình", "hoà bình",
    "\"hà nội\"", "bão OR lũ", "kinh tế -giá", "title:hà", "giáo*", "Vietnam", "president meets",
    "tháng 9/2024", "bóng đá", "xqzzy",
]
OPTIONS = ["", "sort=date", "limit=20 offset=5", "from=2024-01-01 to=2024-12-31"]


def tcpsrv(path, port=None):
    """xapian-tcpsrv serving `path` on a free loopback port; (process, port)."""
    port = port or free_port()
    # its own process group: it forks a child per connection, and a shard
    # "down" is the server and every child
    p = subprocess.Popen(["xapian-tcpsrv", "--quiet", "--interface", "127.0.0.1", "--port", str(port), path],
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    SERVERS.append(p)
    for _ in range(100):
        try:
            Client(("127.0.0.1", port)).close()
            return p, port
        except OSError:
            time.sleep(0.05)
    raise RuntimeError("xapian-tcpsrv did not start on " + path)


def kill(p):
    try:
        os.killpg(p.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    p.wait()


def ties(hits):
    """Hits with each run of equal scores in id order, and the run that
    the page cuts reduced to its score and size: Xapian breaks ties by
    document number, which depends on the layout (a tie-break by a value
    cost 7 % of the queries/s, bench/README.md)."""
    hits = sorted(hits, key=lambda h: (-float(h[1]), h[0]))
    if not hits:
        return hits
    out = []
    for i, h in enumerate(hits):  # a run of ties at either end may be cut by the page
        run = [x for x in hits if x[1] == h[1]]
        edge = h[1] in (hits[0][1], hits[-1][1]) and len(run) > 1
        if not edge:
            out.append(tuple(h))
        elif run[0] is h:
            out.append(("%d hits of" % len(run), h[1]))
    return out


def ids(index, query, limit=20):
    r = subprocess.run([IX, "--index", index, "--query", query, "--limit", str(limit)],
                       capture_output=True, text=True)
    return r.returncode, ties([l.split("\t")[:2] for l in r.stdout.splitlines()])


def date_ties(hits):
    """sort=date hits (id, score, date) with each run of equal date and
    score in id order, a run the page ends in reduced to its size: Xapian
    breaks those ties by document number too."""
    out, i = [], 0
    while i < len(hits):
        j = i
        while j < len(hits) and hits[j][1:] == hits[i][1:]:
            j += 1
        run = sorted(hits[i:j])
        out += [("%d hits of" % len(run),) + hits[i][1:]] if j == len(hits) and len(run) > 1 else run
        i = j
    return out


def hits(c, line):
    """SEARCH reply: the OK line and (id, score) of each hit."""
    r = c.cmd(line)
    h = [tuple(l.split("\t")[1:4]) for l in r[1:-1] if l.startswith("HIT\t")]
    return r[0], date_ties(h) if "sort=date" in line else ties([x[:2] for x in h])


def docs_of(index, k):
    out = subprocess.run(["xapian-delve", os.path.join(index, "shard-%d" % k)], capture_output=True, text=True).stdout
    return int(out.split("number of documents = ")[1].split()[0])


def strip_took(okline):
    """The OK line without took_ms, and without the count when it is an
    estimate (total_min < total_max: past VN_TOTAL_EXACT_UPTO matches):
    Xapian adds up each shard's estimate, which is not one index's."""
    f = dict(x.split("=", 1) for x in okline.split()[1:] if "=" in x)
    exact = f.get("total_min") == f.get("total_max")
    return " ".join(x for x in okline.split() if not x.startswith("took_ms=")
                    and (exact or not x.startswith(("total=", "total_min=", "total_max="))))


def main():
    if not shutil.which("xapian-tcpsrv") or not shutil.which("xapian-replicate"):
        skip("xapian-tools is not installed (config/install-deps.sh installs it)")
        return
    tmp = workdir("shards")
    inputs = ["seeds", "demo-corpus.jsonl", "headlines-300.jsonl"]
    one, two, three = (os.path.join(tmp, n) for n in ("one", "two", "three"))
    index_data(one, *inputs)
    index_data(two, *inputs, args=("--shards", "2", "--threads", "1"))
    # changesets: the replica below catches up by them instead of full copies
    env = dict(os.environ, XAPIAN_MAX_CHANGESETS="10")
    index_data(three, *inputs, args=("--shards", "3"), env=env)
    ok(open(os.path.join(three, "XAPIANDB")).read().count("glass gen-") == 3
       and all(os.path.exists(os.path.join(three, "shard-%d" % k)) for k in range(3)),
       "--shards 3 writes a stub of three shards and a stub per shard")

    # shard 0 local, shards 1 and 2 behind xapian-tcpsrv (both remote syntaxes)
    srv = [tcpsrv(os.path.join(three, "shard-%d" % k)) for k in (1, 2)]
    stub = os.path.join(tmp, "remote.stub")
    with open(stub, "w") as f:
        f.write("# shard 0 here, 1 and 2 over TCP\nauto three/shard-0\nremote 127.0.0.1:%d\nremote tcp 127.0.0.1 %d\n"
                % (srv[0][1], srv[1][1]))
    # and the two-shard index wholly behind two more servers
    srv2 = [tcpsrv(os.path.join(two, "shard-%d" % k)) for k in (0, 1)]
    stub2 = os.path.join(tmp, "two-remote.stub")
    with open(stub2, "w") as f:
        f.write("remote 127.0.0.1:%d\nremote 127.0.0.1:%d\n" % (srv2[0][1], srv2[1][1]))

    same = 0
    total = 0
    for q in QUERIES:
        rc1, want = ids(one, q)
        for idx in (two, three, stub, stub2):
            rc, got = ids(idx, q)
            total += 1
            if rc == rc1 and got == want:
                same += 1
            else:
                ok(False, "same hits for %r in %s" % (q, os.path.basename(idx)), "%s\n%s" % (want[:4], got[:4]))
    ok(same == total, "%d queries x 4 layouts (2 and 3 shards local, 3 with 2 remote, 2 remote): same ids, order "
       "and scores as one index" % len(QUERIES))
    for p, _ in srv2:
        kill(p)

    # the daemon over one index and over the stub: every command alike
    p1, a1 = start(one)
    p2, a2 = start(stub)
    c1, c2 = Client(a1), Client(a2)
    diff = []
    for q in QUERIES:
        for o in OPTIONS:
            line = "SEARCH %s -- %s" % (o, q) if o else "SEARCH -- %s" % q
            r1, r2 = hits(c1, line), hits(c2, line)
            if (strip_took(r1[0]), r1[1]) != (strip_took(r2[0]), r2[1]):
                diff.append((line, r1, r2))
    ok(not diff, "SEARCH over 3 shards (1 local, 2 remote) = one index, %d requests" % (len(QUERIES) * len(OPTIONS)),
       diff[:1])
    for line in ("COUNT facets=source,year -- hà nội", "COUNT -- ha noi", "SUGGEST ha n", "RESTORE ha noi",
                 "GET vnds-test-000001", "GET " + subprocess.run(
                     [IX, "--index", one, "--query", "Vietnam", "--limit", "1"], capture_output=True,
                     text=True).stdout.split("\t")[0]):
        m = line.startswith(("COUNT facets", "SUGGEST", "RESTORE"))
        r1, r2 = c1.cmd(line, multiline=m), c2.cmd(line, multiline=m)
        ok(r1 == r2 and r1[0].startswith("OK"), "%s: same reply over shards" % line, "%s\n%s" % (r1[:3], r2[:3]))
    c1.cmd("FORMAT json")
    c2.cmd("FORMAT json")
    s1, s2 = c1.json("STATS"), c2.json("STATS")
    if "documents" not in s2:
        ok(False, "STATS in JSON", s2)
    c1.cmd("FORMAT text")
    c2.cmd("FORMAT text")
    ok(s1["documents"] == s2["documents"] == 605 and s2["shards"] == 3 and s2["shards_down"] == 0
       and [x["documents"] for x in s2["per_shard"]] == [docs_of(three, k) for k in range(3)],
       "STATS: 605 documents, summed, and each shard's in JSON", s2)
    st = c2.cmd("STATS", multiline=True)
    rows = [l.split("\t") for l in st if l.startswith("shard\t")]
    ok(len(rows) == 3 and sum(int(r[3]) for r in rows) == 605 and all(r[2] == "up" for r in rows),
       "STATS lists each shard, up, their documents summing to 605", rows)
    stop(p1)
    c1.close()
    c2.close()
    stop(p2)

    # a shard killed under load, then back: partial, then fail
    full = None
    for mode in ("partial", "fail"):
        conf = os.path.join(tmp, "%s.conf" % mode)
        with open(conf, "w") as f:
            f.write("shard_down = %s\n" % mode)
        p, a = start(stub, config=conf)
        c = Client(a)
        full = int(c.cmd("COUNT -- hà nội")[0].split()[1])
        errors, partial, answered, stopping = [], [], [0], [False]

        def load():
            lc = Client(a)
            while not stopping[0]:
                r = lc.cmd("SEARCH -- hà nội")
                answered[0] += 1
                if r[0].startswith("ERR"):
                    errors.append(r[0])
                elif "partial=true" in r[0]:
                    partial.append(r[0])
            lc.close()

        th = threading.Thread(target=load)
        th.start()
        time.sleep(0.3)
        port = srv[0][1]
        kill(srv[0][0])
        time.sleep(1.0)
        r = c.cmd("COUNT -- hà nội")
        if mode == "partial":
            ok(r[0].startswith("OK") and "partial=true" in r[0] and int(r[0].split()[1]) < full,
               "partial: a shard down mid-load, COUNT answers from the others with partial=true", r)
            c.cmd("FORMAT json")
            j = c.json("SEARCH -- hà nội")
            ok(j.get("ok") and j.get("partial") is True, "partial: JSON says \"partial\": true", j.get("partial"))
            ok(c.json("STATS")["shards_down"] == 1, "partial: STATS counts the shard down")
            c.cmd("FORMAT text")
        else:
            ok(len(r) == 1 and r[0].startswith("ERR UNAVAILABLE "), "fail: a shard down mid-load gives ERR UNAVAILABLE",
               r)
        srv[0] = tcpsrv(os.path.join(three, "shard-1"), port)
        back = None
        for _ in range(60):  # the daemon tries the shard again about once a second
            time.sleep(0.25)
            r = c.cmd("COUNT -- hà nội")
            if r[0] == "OK %d" % full:
                back = r
                break
        stopping[0] = True
        th.join()
        ok(back is not None, "%s: the shard back, the full count again without a restart" % mode, r)
        if mode == "partial":
            ok(not errors and partial, "partial: %d queries under load, none failed, %d partial"
               % (answered[0], len(partial)), errors[:2])
        else:
            ok(errors and all(e.startswith("ERR UNAVAILABLE") for e in errors),
               "fail: %d of %d queries under load failed with ERR UNAVAILABLE, none partial"
               % (len(errors), answered[0]), errors[:2] or partial[:2])
            ok(not partial, "fail: no answer is partial")
        c.close()
        stop(p)

    # a replica of shard 0 kept current by xapian-replicate while the indexer writes
    rport = free_port()
    rs = subprocess.Popen(["xapian-replicate-server", "-I", "127.0.0.1", "-p", str(rport), three],
                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    SERVERS.append(rs)
    time.sleep(0.3)
    rep = os.path.join(tmp, "replica-0")

    def replicate():
        return subprocess.run(["xapian-replicate", "-h", "127.0.0.1", "-p", str(rport), "-m", "shard-0", "-o", "-q",
                               rep], capture_output=True, text=True, timeout=60)

    def docs(path):
        out = subprocess.run(["xapian-delve", path], capture_output=True, text=True).stdout
        return int(out.split("number of documents = ")[1].split()[0])

    r = replicate()
    ok(r.returncode == 0 and docs(rep) == docs(os.path.join(three, "shard-0")),
       "xapian-replicate copies shard 0 (%d documents)" % docs(os.path.join(three, "shard-0")), r.stderr)
    new = os.path.join(tmp, "new.jsonl")
    with open(new, "w") as f:
        for i in range(60):
            f.write('{"id": "new-%d", "title": "Tin mới %d", "date": "2024-11-01", "body": "Hà Nội có mưa rào '
                    'vào chiều tối, bài số %d."}\n' % (i, i, i))
    subprocess.run([IX, "--quiet", "--index", three, new], check=True, env=env)
    before = docs(rep)
    r = replicate()
    after = docs(rep)
    ok(r.returncode == 0 and after == docs(os.path.join(three, "shard-0")) and after > before,
       "the replica catches up after new commits (%d -> %d documents)" % (before, after), r.stderr)
    # the replica serves as shard 0: the whole index again, with the new articles
    rp, rport2 = tcpsrv(rep)
    rstub = os.path.join(tmp, "replica.stub")
    with open(rstub, "w") as f:
        f.write("remote 127.0.0.1:%d\nauto three/shard-1\nauto three/shard-2\n" % rport2)
    rc_a, a = ids(three, "mưa rào", 100)
    rc_b, b = ids(rstub, "mưa rào", 100)
    ok(rc_a == rc_b == 0 and a == b and sum(int(h[0].split()[0]) if h[0].endswith(" of") else 1 for h in b) >= 60,
       "a stub over the replica finds the 60 new articles as the index does", b[:3])
    shard_down_cases(tmp, two)


def shard_down_cases(tmp, two):
    """A shard server hung (SIGSTOP) or not up yet (the second hardening
    pass: 20 s without an answer; the daemon refused to start), and what
    GET and SUGGEST say when a shard is left out."""
    srv = [tcpsrv(os.path.join(two, "shard-%d" % k)) for k in (0, 1)]
    stub = os.path.join(tmp, "hung.stub")
    with open(stub, "w") as f:
        f.write("remote 127.0.0.1:%d\nremote 127.0.0.1:%d\n" % (srv[0][1], srv[1][1]))
    def shard_of(doc_id, n):  # vn_index_dir_shard_of: FNV-1a 64 of the id, modulo n
        h = 14695981039346656037
        for b in doc_id.encode():
            h = ((h ^ b) * 1099511628211) & 0xFFFFFFFFFFFFFFFF
        return h % n
    on_1 = next("vnds-test-%06d" % i for i in range(1, 100) if shard_of("vnds-test-%06d" % i, 2) == 1)
    for mode in ("fail", "partial"):
        conf = os.path.join(tmp, "hung-%s.conf" % mode)
        with open(conf, "w") as f:
            f.write("shard_down = %s\nquery_time_limit = 1.0\n" % mode)
        p, a = start(stub, config=conf)
        c = Client(a, timeout=30)
        os.killpg(srv[1][0].pid, signal.SIGSTOP)
        worst, replies = 0.0, []
        for q in ("hà nội", "công an", "giá vàng", "bão", "thủ tướng", "hà nội"):
            t = time.time()
            replies.append(c.cmd("COUNT -- " + q)[0])
            worst = max(worst, time.time() - t)
        good = all(r.startswith("ERR UNAVAILABLE") for r in replies) if mode == "fail" else \
            all(r.startswith("OK") and "partial=true" in r for r in replies)
        ok(good and worst < 2.5, "%s: a hung shard server (SIGSTOP): every COUNT answered within %.2f s "
           "(query_time_limit 1 s; was: nothing for 20 s)" % (mode, worst), replies)
        if mode == "partial":
            r = c.cmd("GET " + on_1)
            ok(r[0].startswith("ERR UNAVAILABLE"), "partial: GET of a document on the shard down is UNAVAILABLE, "
               "not \"no document\" (was: 404)", r)
            r = c.cmd("SUGGEST ha n", multiline=True)
            ok(r[0].startswith("OK") and r[0].endswith(" partial=true"), "partial: SUGGEST says partial=true", r)
        os.killpg(srv[1][0].pid, signal.SIGCONT)
        back = None
        for _ in range(40):
            r = c.cmd("COUNT -- hà nội")[0]
            if r.startswith("OK") and "partial" not in r:
                back = r
                break
            time.sleep(0.25)
        ok(back, "%s: the shard resumed, whole answers again" % mode, r)
        c.close()
        stop(p)
    # shard_down = fail: the daemon starts while a shard server is not up yet
    port = srv[1][1]
    kill(srv[1][0])
    conf = os.path.join(tmp, "late.conf")
    with open(conf, "w") as f:
        f.write("shard_down = fail\n")
    p, a = start(stub, config=conf)
    c = Client(a)
    r = c.cmd("COUNT -- hà nội")
    ok(r[0].startswith("ERR UNAVAILABLE"), "fail: started with a shard server down (was: refused to start); "
       "ERR UNAVAILABLE meanwhile", r)
    m = "\n".join(c.cmd("METRICS", multiline=True))
    ok('command="count",outcome="UNAVAILABLE"} 1' in m and 'command="count",outcome="BUSY"' not in m,
       "METRICS counts it as UNAVAILABLE (was: BUSY)", m[:300])
    srv[1] = tcpsrv(os.path.join(two, "shard-1"), port)
    back = None
    for _ in range(40):
        time.sleep(0.25)
        r = c.cmd("COUNT -- hà nội")
        if r[0].startswith("OK"):
            back = r
            break
    ok(back and "partial" not in back[0], "fail: the shard server up, whole answers without a restart", r)
    c.close()
    stop(p)
    for sv in srv:
        kill(sv[0])


def cleanup_servers():
    for p in SERVERS:
        kill(p)


if __name__ == "__main__":
    try:
        run(main, 240)
    finally:
        cleanup_servers()
