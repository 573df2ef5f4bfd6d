#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""hardening.py -- what vnsearchd refuses, black-box (TAP output).

One regression check per defect of the hardening issue, each of which
failed on the daemon before it: options that are no options, error texts
cut inside a character, markup from an article's body, a client that
writes without reading, a line trickled a byte at a time, one address
taking every slot, guessing the token, running out of descriptors, a
Unix socket path holding a file or a live daemon, running as root.
The long, loaded versions are in tests/stress/ (make stress).
"""
import json
import os
import resource
import signal
import socket
import stat
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from vnd import (D, ME, SANITIZED, Client, cpu_s, free_port, index_data, ok, proc_kb,  # noqa: E402
                 run, skip, start, stop, workdir)


def closed(c, wait=3):
    """Has the daemon closed c (after whatever it sent)?"""
    c.s.settimeout(wait)
    try:
        while c.s.recv(65536):
            pass
        return True
    except OSError:
        return False


def protocol(addr):
    c = Client(addr)
    r = c.cmd("SEARCH lmit=1 ha noi")
    ok(r[0].startswith("ERR BADREQ") and "lmit=" in r[0], "an unknown option is BADREQ, not query words", r)
    r = c.cmd("COUNT foo=bar hà nội")
    ok(r[0].startswith("ERR BADREQ"), "COUNT with an unknown option is BADREQ", r)
    r = c.cmd("SEARCH -- limit=3 hà nội")
    ok(r[0].startswith("OK total="), "-- ends the options: the query may begin with name=", r)
    c.send(("Ả" * 40 + "\n").encode())
    raw = b""
    while not raw.endswith(b"\n"):
        raw += c.s.recv(4096)
    try:
        raw.decode("utf-8")
        valid = True
    except UnicodeDecodeError:
        valid = False
    ok(valid and raw.startswith(b"ERR BADREQ"), "an error text is cut at a character: valid UTF-8", raw)
    r = c.cmd("SEARCH limit=1 tăng giá xqzimg")
    hit = r[1].split("\t") if len(r) > 2 else ["", "", "", "", "", "", ""]
    ok(hit[1] == "xss-1" and "&lt;img" in hit[6] and "<img" not in hit[6] and "<b>" in hit[6],
       "the article's markup is escaped in snippets, the highlight is not", r)
    r = c.cmd("SEARCH limit=1 snippet=text tăng giá xqzimg")
    ok(len(r) > 2 and "<img src=x onerror=alert(1)>" in r[1], "snippet=text: the text as written", r)
    c.close()


def flood(p, addr):
    """A client that writes requests and never reads (was: 1.4 GB in 12 s)."""
    before = proc_kb(p.pid)
    s = socket.create_connection(addr)
    s.setblocking(False)
    chunk = b"COUNT xqzqxqzq\n" * 4096
    pushed, t0 = 0, time.time()
    while time.time() - t0 < 3:
        try:
            pushed += s.send(chunk)
        except BlockingIOError:
            time.sleep(0.01)
    grown = (proc_kb(p.pid) - before) / 1024
    ok(pushed < 32 << 20, "a non-reading client cannot push more than the limits (%.1f MB in 3 s)" % (pushed / 1e6))
    if SANITIZED:
        skip("memory growth under ASan (%.1f MB) is its quarantine of freed memory" % grown)
    else:
        ok(grown < 64, "the daemon does not grow with it (%.1f MB)" % grown)
    s.close()
    ok(Client(addr).cmd("PING") == ["OK PONG"], "others are served meanwhile")


def slow_and_many(tmp, idx):
    conf = os.path.join(tmp, "limits.conf")
    with open(conf, "w") as f:
        f.write("line_timeout = 1\nmax_clients_per_address = 3\nadmin_token = s3cret # a comment\n")
    p, addr = start(idx, config=conf)
    # a line trickled a byte at a time is cut at line_timeout
    t = Client(addr)
    t0 = time.time()
    t.send("SEAR")
    time.sleep(0.5)
    t.send("CH ha")
    r = t.line()
    ok(r.startswith("ERR LIMIT") and "not finished" in r and time.time() - t0 < 3,
       "line_timeout: a line not finished in time gets ERR LIMIT", r)
    ok(closed(t), "... and the connection is closed")
    # complete lines keep a connection alive past line_timeout
    k = Client(addr)
    for _ in range(3):
        time.sleep(0.5)
        k.send("PI")
        time.sleep(0.3)
        k.send("NG\n")
        ok(k.line() == "OK PONG", "lines finished in time are answered")
    k.close()
    # one address cannot take every slot
    cs = [Client(addr) for _ in range(3)]
    over = Client(addr)
    try:
        r = over.line()
    except (EOFError, OSError) as e:
        r = repr(e)
    ok("ERR LIMIT" in r and "your address" in r, "max_clients_per_address", r)
    for c in cs:
        c.close()
    time.sleep(0.2)
    # the token: a comment after it is no part of it; three failures close
    a = Client(addr)
    ok(a.cmd("AUTH s3cret")[0].startswith("OK"), "a config comment after the token is not part of it")
    a.close()
    a = Client(addr)
    r = [a.cmd("AUTH wrong%d" % i)[0] for i in range(3)]
    ok(all(x.startswith("ERR NOAUTH") for x in r) and closed(a), "three wrong tokens close the connection", r)
    ok(stop(p) == 0, "stops cleanly")
    log = open(p.log).read()
    ok("AUTH failed" in log and "127.0.0.1" in log, "failed AUTH is logged with the peer address", log[-300:])


def descriptors(idx):
    """Out of descriptors: refuse politely, do not spin (was: 878,587 log
    lines in 7 s at half a core, clients hanging); at start, fit the limit
    to max_clients (was: 1,024 clients against systemd's soft 1,024)."""
    p, addr = start(idx, nofile=(64, 64))
    ok(Client(addr).cmd("PING") == ["OK PONG"] and stop(p) == 0, "serves under a hard limit of 64 descriptors")
    log = open(p.log).read()
    ok("open-file limit 64 is too low for max_clients = 1024: serving at most 16 clients" in log,
       "a limit too low for max_clients lowers it, with a log line", log[-300:])
    p, addr = start(idx, nofile=(64, 4096))
    ok(stop(p) == 0 and "raised the open-file limit to 1072" in open(p.log).read(),
       "a soft limit below max_clients is raised to fit", open(p.log).read()[-300:])
    p, addr = start(idx)
    Client(addr).cmd("PING")  # the loop runs: start-up (which fits max_clients to the limit) is over
    soft, hard = 64, 64
    resource.prlimit(p.pid, resource.RLIMIT_NOFILE, (soft, hard))
    held, refused = [], 0
    for _ in range(80):
        try:
            c = Client(addr, timeout=2)
        except OSError:
            continue
        c.s.settimeout(0.3)
        try:
            line = c.line()
            refused += line.startswith("ERR LIMIT")
            c.close()
        except (socket.timeout, OSError, EOFError):
            held.append(c)  # accepted and waiting for a request
    cpu0 = cpu_s(p.pid)
    time.sleep(2)
    spent = cpu_s(p.pid) - cpu0
    ok(refused > 0, "clients past the descriptors get ERR LIMIT (%d refused, %d held)" % (refused, len(held)))
    ok(spent < 0.3, "no busy loop while out of descriptors (%.2f s CPU in 2 s)" % spent)
    for c in held:
        c.close()
    time.sleep(0.5)
    ok(Client(addr).cmd("PING") == ["OK PONG"], "accepting again once connections close")
    ok(stop(p) == 0, "stops cleanly")
    log = open(p.log).read()
    n = log.count("accept failed")
    ok(0 < n < 20, "out of descriptors is logged once per episode (%d lines)" % n, log[-300:])


def unix_socket(tmp, idx):
    path = os.path.join(tmp, "file.sock")
    with open(path, "w") as f:
        f.write("precious")
    r = subprocess.run([D, "--index", idx, "--socket", path, "--user", ME], capture_output=True, text=True, timeout=10)
    ok(r.returncode == 3 and "not a socket" in r.stderr and open(path).read() == "precious",
       "--socket over a regular file refuses and keeps the file", r.stderr)
    sock = os.path.join(tmp, "live.sock")
    first = subprocess.Popen([D, "--index", idx, "--socket", sock, "--workers", "1", "--user", ME],
                             stderr=subprocess.DEVNULL)
    for _ in range(100):
        if os.path.exists(sock):
            break
        time.sleep(0.05)
    time.sleep(0.1)
    ok(stat.S_IMODE(os.stat(sock).st_mode) == 0o660, "the socket gets socket_mode (0660)",
       oct(os.stat(sock).st_mode))
    r = subprocess.run([D, "--index", idx, "--socket", sock, "--user", ME], capture_output=True, text=True, timeout=10)
    ok(r.returncode == 3 and "another daemon" in r.stderr, "a second daemon does not take over a live socket",
       r.stderr)
    ok(Client(sock).cmd("PING") == ["OK PONG"], "the first daemon still serves it")
    first.kill()  # leaves a dead socket behind
    first.wait()
    second = subprocess.Popen([D, "--index", idx, "--socket", sock, "--workers", "1", "--user", ME],
                              stderr=subprocess.PIPE, text=True)
    up = False
    for _ in range(100):
        try:
            up = Client(sock).cmd("PING") == ["OK PONG"]
            break
        except OSError:
            time.sleep(0.05)
    ok(up, "a dead daemon's socket is replaced")
    second.terminate()
    second.wait(timeout=10)


def broken_stub(tmp):
    """An empty XAPIANDB stub (was: accepted as an empty index, SEARCH
    answered BADREQ "uninitialised Database" on every query)."""
    idx = os.path.join(tmp, "stub-index")
    index_data(idx, "seeds")
    stub = os.path.join(idx, "XAPIANDB")
    good = open(stub).read()
    open(stub, "w").close()
    r = subprocess.run([D, "--index", idx, "--listen", "127.0.0.1:%d" % free_port(), "--user", ME],
                       capture_output=True, text=True, timeout=10)
    ok(r.returncode == 4 and "names no database" in r.stderr, "an empty stub fails at start with exit 4", r.stderr)
    with open(stub, "w") as f:
        f.write(good)
    p, addr = start(idx)
    c = Client(addr)
    ok(c.cmd("SEARCH limit=1 luong cuong")[0].startswith("OK total="), "serving the good index")
    open(stub + ".new", "w").close()  # a broken switch, as the indexer switches: by rename
    os.rename(stub + ".new", stub)
    for _ in range(3):
        p.send_signal(signal.SIGHUP)
        time.sleep(0.6)
    r = [c.cmd("SEARCH limit=1 luong cuong")[0] for _ in range(4)]
    ok(all(x.startswith("OK total=") for x in r), "after a broken reload the old revision still answers", r)
    ok(stop(p) == 0, "stops cleanly")
    log = open(p.log).read()
    ok(log.count("reopen failed") == 1, "the broken revision is logged once (%d lines)" % log.count("reopen failed"),
       log[-400:])


def early_sigterm(idx):
    """SIGTERM as soon as the port accepts, before the loop runs (was: the
    default action killed the daemon half-started, exit -15)."""
    codes = []
    for _ in range(3):
        port = free_port()
        p = subprocess.Popen([D, "--index", idx, "--listen", "127.0.0.1:%d" % port, "--user", ME],
                             stderr=subprocess.DEVNULL)
        for _ in range(400):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.005)
        p.send_signal(signal.SIGTERM)
        codes.append(p.wait(timeout=10))
    ok(codes == [0, 0, 0], "SIGTERM as the daemon starts: a clean exit 0", codes)


def root(idx):
    port = "127.0.0.1:%d" % free_port()
    if os.geteuid() == 0:
        r = subprocess.run([D, "--index", idx, "--listen", port], capture_output=True, text=True, timeout=10)
        ok(r.returncode == 2 and "refusing to run as root" in r.stderr, "refuses root without --user", r.stderr)
    else:
        r = subprocess.run([D, "--index", idx, "--listen", port, "--user", "root"], capture_output=True, text=True,
                           timeout=10)
        ok(r.returncode == 2 and "needs the daemon started as root" in r.stderr, "--user needs root", r.stderr)


def journal(tmp, idx):
    """On the journal (stderr is $JOURNAL_STREAM) lines carry a syslog
    priority prefix and no timestamp; elsewhere a timestamp and the level."""
    def run_with(stream_env, *args, wait=False):
        path = os.path.join(tmp, "journal.log")
        with open(path, "w") as err:
            st = os.fstat(err.fileno())
            env = dict(os.environ)
            if stream_env:
                env["JOURNAL_STREAM"] = "%d:%d" % (st.st_dev, st.st_ino)
            port = free_port()
            q = subprocess.Popen([D, "--index", idx, "--listen", "127.0.0.1:%d" % port, "--workers", "1",
                                  "--user", ME, *args], stderr=err, env=env)
            if wait:
                q.wait(timeout=10)
            else:
                for _ in range(100):
                    try:
                        Client(("127.0.0.1", port)).close()
                        break
                    except OSError:
                        time.sleep(0.05)
                stop(q)
        return q.returncode, open(path).read().splitlines()
    rc, lines = run_with(True)
    ok(rc == 0 and any(l.startswith("<6>serving ") for l in lines) and all(l.startswith("<") for l in lines),
       "on the journal: <6> before an info line, no timestamp", lines[:3])
    rc, lines = run_with(True, "--index", "/nonexistent/index", wait=True)
    ok(rc == 4 and any(l.startswith("<3>cannot open index") for l in lines), "on the journal: <3> before an error",
       lines[:3])
    rc, lines = run_with(False)
    ok(rc == 0 and any(l[:4].isdigit() and " vnsearchd: serving " in l for l in lines)
       and not any(l.startswith("<") for l in lines),
       "elsewhere: a timestamp, and no <N>", lines[:2])


FAIL_THREADS = r"""
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
/* pthread_create fails on the calls listed in VN_FAIL_THREADS ("2,3") */
int pthread_create(pthread_t *t, const pthread_attr_t *a, void *(*f)(void *), void *arg)
{
    static int n;
    static int (*real)(pthread_t *, const pthread_attr_t *, void *(*)(void *), void *);
    if (!real)
        real = (int (*)(pthread_t *, const pthread_attr_t *, void *(*)(void *), void *))dlsym(RTLD_NEXT, "pthread_create");
    char want[16], list[64];
    snprintf(want, sizeof want, ",%d,", ++n);
    snprintf(list, sizeof list, ",%s,", getenv("VN_FAIL_THREADS") ? getenv("VN_FAIL_THREADS") : "");
    return strstr(list, want) ? EAGAIN : real(t, a, f, arg);
}
"""


def thread_failures(tmp, idx):
    """A worker thread that cannot start (was: ignored, then joined)."""
    src, so = os.path.join(tmp, "failthreads.c"), os.path.join(tmp, "failthreads.so")
    with open(src, "w") as f:
        f.write(FAIL_THREADS.replace("#include <string.h>", "#include <string.h>\n#include <stdio.h>"))
    if subprocess.run(["cc", "-shared", "-fPIC", "-o", so, src, "-ldl"]).returncode != 0:
        skip("cannot build the pthread_create shim")
        return
    env = dict(os.environ, LD_PRELOAD=so, ASAN_OPTIONS="verify_asan_link_order=0:detect_leaks=0")
    port = free_port()
    argv = [D, "--index", idx, "--listen", "127.0.0.1:%d" % port, "--workers", "3", "--user", ME]
    log = os.path.join(tmp, "threads.log")
    with open(log, "w") as err:
        q = subprocess.Popen(argv, stderr=err, env=dict(env, VN_FAIL_THREADS="2"))
        up = False
        for _ in range(100):
            try:
                c = Client(("127.0.0.1", port))
                up = c.cmd("SEARCH limit=1 ha noi")[0].startswith("OK total=")
                c.close()
                break
            except OSError:
                time.sleep(0.05)
        rc = stop(q)
    text = open(log).read()
    ok(up and rc == 0 and "started 1 of 3 workers" in text,
       "the second worker thread failing to start: one serves, logged, SIGTERM exits 0", (up, rc, text[-300:]))
    with open(log, "w") as err:
        r = subprocess.run(argv, stderr=err, env=dict(env, VN_FAIL_THREADS="1"), timeout=20)
    text = open(log).read()
    ok(r.returncode == 1 and "cannot start a worker thread" in text, "no worker thread at all: exit 1, said",
       (r.returncode, text[-300:]))


def main():
    tmp = workdir("hardening")
    idx = os.path.join(tmp, "index")
    xss = os.path.join(tmp, "xss.jsonl")
    with open(xss, "w") as f:
        f.write(json.dumps({"id": "xss-1", "title": "Giá tăng", "date": "2025-01-02",
                            "body": "Giá <img src=x onerror=alert(1)> tăng xqzimg."}, ensure_ascii=False) + "\n")
    index_data(idx, "demo-corpus.jsonl", xss)
    p, addr = start(idx)
    protocol(addr)
    flood(p, addr)
    ok(stop(p) == 0, "stops cleanly")
    slow_and_many(tmp, idx)
    descriptors(idx)
    unix_socket(tmp, idx)
    broken_stub(tmp)
    journal(tmp, idx)
    early_sigterm(idx)
    root(idx)
    thread_failures(tmp, idx)


if __name__ == "__main__":
    run(main, 120)
