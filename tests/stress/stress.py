#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""stress.py -- the bounded stress suite (make stress; TAP output).

Loopback only; every loop is bounded in count and in time.  Against a
real vnsearchd over the test data (tests/data): many concurrent clients
with every reply checked, a client that writes and never reads, clients
that trickle bytes, descriptor exhaustion, SIGTERM under load; and kill -9
of the indexer at random moments, every committed document checked by its
content hash.  Prints its figures (memory peak, probe latency, documents
kept) and fails past the bounds named below.  --quick is the short pass of
make test (fewer clients and kills, same checks).
"""
import json
import os
import random
import resource
import re
import signal
import socket
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from vnd import DATA, IX, Client, cpu_s, index_data, ok, proc_kb, run, start, stop, workdir  # noqa: E402

QUICK = "--quick" in sys.argv
CLIENTS = 100 if QUICK else 1000          # concurrent clients, every reply checked
FLOOD_S = 3 if QUICK else 10              # seconds of a client writing without reading
SLOW = 100 if QUICK else 1000             # clients trickling bytes
KILLS = 4 if QUICK else 30                # kill -9 of the indexer
TERM_CONNS = 60 if QUICK else 300         # connections queueing work at SIGTERM

# bounds
MAX_GROWTH_MB = 100       # daemon peak memory over its start, through everything
MAX_PROBE_MS = 500        # a PING from another client, during any of it
MAX_IDLE_CPU_S = 0.3      # CPU in 2 s while out of descriptors (no busy loop)
LINE_TIMEOUT = 2
QUERY_TIME_LIMIT = 0.5
DRAIN_BOUND_S = QUERY_TIME_LIMIT + 5 + 1 + 3  # deadline, ERR SHUTDOWN flush, slack

QUERIES = ["hà nội", "luong cuong", '"giả danh công an"', "công an -hà", "việt nam", "thuỷ điện hoà bình",
           "TP.HCM", "kinh tế OR giáo dục", "title:bão", "giá vàng"]


def connect_from(src, addr, timeout=5):
    """A client whose source address is src (another loopback address)."""
    c = Client.__new__(Client)
    c.s = socket.socket()
    c.s.settimeout(timeout)
    c.s.bind((src, 0))
    c.s.connect(addr)
    c.buf = b""
    return c


def probe_ms(addr, src="127.0.0.2"):
    t0 = time.time()
    try:
        c = connect_from(src, addr)
        r = c.cmd("PING")
        c.close()
    except OSError as e:
        return float("inf"), repr(e)
    return (time.time() - t0) * 1000, r


def hit_ids(reply):
    return [l.split("\t")[1] for l in reply[1:-1]]


def concurrency(addr):
    ref = {}
    c = Client(addr)
    for q in QUERIES:
        r = c.cmd("SEARCH limit=20 " + q)
        ref[q] = (r[0].split()[1], hit_ids(r))
    c.close()
    barrier = threading.Barrier(CLIENTS, timeout=60)
    bad, errors = [], []

    def client(i):
        try:
            c = Client(addr, timeout=60)
            barrier.wait()
            qs = [QUERIES[(i + k) % len(QUERIES)] for k in range(3)]
            c.send("".join("SEARCH limit=20 %s\n" % q for q in qs))  # pipelined
            for q in qs:
                r = c.reply()
                if (r[0].split()[1], hit_ids(r)) != ref[q]:
                    bad.append((i, q, r[:2]))
            c.close()
        except Exception as e:  # noqa: BLE001 -- counted, reported below
            errors.append(repr(e))

    threading.stack_size(256 << 10)
    t0 = time.time()
    ts = [threading.Thread(target=client, args=(i,)) for i in range(CLIENTS)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    took = time.time() - t0
    ok(not bad and not errors, "%d concurrent clients, 3 pipelined queries each, every reply as a lone client "
       "gets it (%.1f s)" % (CLIENTS, took), (bad + errors)[:3])


def flood(p, addr):
    s = socket.create_connection(addr)
    s.setblocking(False)
    chunk = b"COUNT xqzqxqzq\n" * 4096
    pushed, worst, t0 = 0, 0.0, time.time()
    next_probe = t0
    while time.time() - t0 < FLOOD_S:
        try:
            pushed += s.send(chunk)
        except BlockingIOError:
            time.sleep(0.005)
        if time.time() >= next_probe:
            worst = max(worst, probe_ms(addr)[0])
            next_probe += 0.5
    s.close()
    ok(pushed < 64 << 20, "non-reading flood: %.1f MB accepted in %d s (bound 64 MB)" % (pushed / 1e6, FLOOD_S))
    ok(worst < MAX_PROBE_MS, "probe during the flood: worst %.0f ms (bound %d ms)" % (worst, MAX_PROBE_MS))


def sigterm_under_load(p, addr):
    conns = []
    for _ in range(TERM_CONNS):
        c = Client(addr, timeout=30)
        c.send("SEARCH limit=1000 a* t* h* n* c*\nSEARCH limit=1000 a* t* h* n* c*\n")
        conns.append(c)
    time.sleep(1.0)
    t0 = time.time()
    p.send_signal(signal.SIGTERM)
    full = shut = none = 0
    for c in conns:
        try:
            r = c.line()
            if r.startswith("OK total="):
                while c.line() != "END":
                    pass
                full += 1
            elif r.startswith("ERR SHUTDOWN"):
                shut += 1
            else:
                none += 1
        except (EOFError, OSError):
            none += 1
        c.close()
    try:
        rc = p.wait(timeout=DRAIN_BOUND_S + 30)
    except subprocess.TimeoutExpired:
        p.kill()
        rc = -1
    took = time.time() - t0
    ok(rc == 0 and took < DRAIN_BOUND_S, "SIGTERM with %d connections queueing: exit 0 in %.1f s (bound %.1f s)"
       % (TERM_CONNS, took, DRAIN_BOUND_S), rc)
    ok(full + shut == TERM_CONNS, "every queued request got its reply (%d) or ERR SHUTDOWN (%d); %d got neither"
       % (full, shut, none))


def slow_clients(idx, tmp):
    conf = os.path.join(tmp, "slow.conf")
    with open(conf, "w") as f:
        f.write("line_timeout = %d\nmax_clients = 2048\nmax_clients_per_address = 256\n" % LINE_TIMEOUT)
    p, addr = start(idx, config=conf)
    held, refused = [], 0
    for _ in range(SLOW):
        try:
            c = Client(addr, timeout=5)
        except OSError:
            refused += 1
            continue
        c.send("SEAR")
        held.append(c)
    time.sleep(0.3)
    ms, r = probe_ms(addr)
    ok(ms < MAX_PROBE_MS, "with %d slow clients another address is served in %.0f ms" % (SLOW, ms), r)
    t0 = time.time()
    cut = per_address = 0
    for c in held:
        c.s.settimeout(LINE_TIMEOUT + 5 - min(time.time() - t0, LINE_TIMEOUT + 4))
        try:
            data = c.s.recv(4096)
            while data and not data.endswith(b"\n"):
                data += c.s.recv(4096)
            cut += data.startswith(b"ERR LIMIT request line not finished")
            per_address += data.startswith(b"ERR LIMIT too many connections from your address")
        except OSError:
            pass
        c.close()
    # slots freed by the first cuts are taken again while later clients connect
    slots = min(SLOW, 256)
    ok(cut + per_address == len(held) and cut >= slots and (SLOW <= slots or per_address > 0)
       and time.time() - t0 < LINE_TIMEOUT + 5,
       "slow clients: %d cut at line_timeout, %d refused past max_clients_per_address (256), %d refused at connect"
       % (cut, per_address, refused))
    ms, r = probe_ms(addr, "127.0.0.1")
    ok(ms < MAX_PROBE_MS, "afterwards the same address is served again (%.0f ms)" % ms, r)
    peak = proc_kb(p.pid, "VmHWM") / 1024
    ok(stop(p) == 0, "slow clients: stops cleanly (peak %.0f MB)" % peak)


def descriptors(idx):
    p, addr = start(idx)
    Client(addr).cmd("PING")
    resource.prlimit(p.pid, resource.RLIMIT_NOFILE, (128, 128))
    held, refused = [], 0
    for _ in range(300):
        try:
            c = Client(addr, timeout=2)
        except OSError:
            refused += 1
            continue
        c.s.settimeout(0.2)
        try:
            if c.line().startswith("ERR LIMIT"):
                refused += 1
            c.close()
        except (socket.timeout, OSError, EOFError):
            held.append(c)
    c0 = cpu_s(p.pid)
    time.sleep(2)
    spent = cpu_s(p.pid) - c0
    ok(refused > 0 and spent < MAX_IDLE_CPU_S, "out of descriptors: %d held, %d refused with ERR LIMIT, "
       "%.2f s CPU in 2 s (bound %.1f)" % (len(held), refused, spent, MAX_IDLE_CPU_S))
    for c in held:
        c.close()
    time.sleep(0.5)
    ms, r = probe_ms(addr, "127.0.0.1")
    ok(ms < MAX_PROBE_MS, "descriptors back: served again (%.0f ms)" % ms, r)
    ok(stop(p) == 0, "descriptors: stops cleanly")
    n = open(p.log).read().count("accept failed")
    ok(n < 20, "out of descriptors logged %d times (bound 20)" % n)


def summary(text):
    m = re.search(r"added (\d+), replaced (\d+), unchanged (\d+), deleted (\d+), rejected (\d+)", text)
    return tuple(int(x) for x in m.groups()) if m else None


def corpus(tmp, copies=5):
    """The test articles, `copies` times under new ids (3,000 articles):
    enough work that kills land mid-run and SIGTERM meets a queue."""
    src = os.path.join(tmp, "corpus.jsonl")
    with open(src, "w") as out:
        for k in range(copies):
            for name in ("demo-corpus.jsonl", "headlines-300.jsonl"):
                for line in open(os.path.join(DATA, name)):
                    d = json.loads(line)
                    d["id"] = "%s-%d" % (d["id"], k)
                    out.write(json.dumps(d, ensure_ascii=False) + "\n")
    return src


def kill_indexer(tmp, src):
    total = sum(1 for _ in open(src))
    batch = 50
    rng = random.Random(9)
    kept_all, bad = [], []
    for k in range(KILLS):
        idx = os.path.join(tmp, "kill-%d" % k)
        full = k % 3 == 2  # every third: kill a two-thread --full over a complete index
        if full:
            subprocess.run([IX, "--quiet", "--index", idx, src], check=True)
            argv = [IX, "--quiet", "--index", idx, "--full", "--threads", "2", src]
        else:
            argv = [IX, "--quiet", "--index", idx, "--threads", "1", "--batch", str(batch), src]
        v = subprocess.Popen(argv, stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0.05, 2.5))
        v.kill()
        v.wait()
        out = subprocess.run([IX, "--index", idx, "--threads", "1", src], capture_output=True, text=True).stderr
        s = summary(out)
        if not s:
            bad.append((k, out[-200:]))
            continue
        added, replaced, unchanged = s[0], s[1], s[2]
        kept_all.append(unchanged)
        whole = unchanged == total if full else unchanged % batch == 0 or unchanged == total
        if replaced or added + unchanged != total or not whole:
            bad.append((k, "full" if full else "incremental", s))
        subprocess.run(["rm", "-rf", idx])
    ok(not bad, "kill -9 of the indexer %d times: every committed document intact (content hash), commits whole "
       "batches, a killed rebuild leaves the live index whole; kept %s of %d" % (KILLS, kept_all, total), bad[:3])


def main():
    tmp = workdir("stress")
    idx = os.path.join(tmp, "index")
    src = corpus(tmp)
    index_data(idx, src)
    conf = os.path.join(tmp, "load.conf")
    with open(conf, "w") as f:
        f.write("max_clients = 4096\nmax_clients_per_address = 0\nquery_time_limit = %s\n" % QUERY_TIME_LIMIT)
    p, addr = start(idx, config=conf)
    base = proc_kb(p.pid, "VmRSS") / 1024
    concurrency(addr)
    flood(p, addr)
    peak = proc_kb(p.pid, "VmHWM") / 1024
    ok(peak - base < MAX_GROWTH_MB, "daemon memory: %.0f MB at start, peak %.0f MB (bound +%d MB)"
       % (base, peak, MAX_GROWTH_MB))
    sigterm_under_load(p, addr)
    slow_clients(idx, tmp)
    descriptors(idx)
    kill_indexer(tmp, src)


if __name__ == "__main__":
    run(main, 300 if QUICK else 900)
