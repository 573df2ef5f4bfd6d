#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""http_hardening.py -- what the HTTP listener refuses, and the counters and
replies the second hardening pass corrected (TAP output).

Each check failed before: out of descriptors the HTTP listener spun (5 s of
CPU and 51 MB of log in 5 s); NUL bytes cut a body, an id and a query short;
HEAD sent a body without its length; a second Content-Length was ignored;
wrong bearer tokens were never logged, never closed a connection and never
slowed a client down, nor did AUTH over reconnections; METRICS counted
neither the line protocol's parse errors nor its NOAUTH; RELOAD answered OK
when the alias file it reloads was refused.
"""
import os
import resource
import socket
import sys
import time
import urllib.error
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from vnd import (Client, cpu_s, index_data, ok, run, start_http, stop,  # noqa: E402
                 workdir)

TOKEN = "t0ken-for-the-http-tests"


def http(base, method, path, body=None, headers=None):
    req = urllib.request.Request(base + path, data=body, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            return r.status, dict(r.headers), r.read()
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), e.read()


def raw(port, data, wait=2.0):
    """Send bytes, read until the server closes or `wait` passes."""
    s = socket.create_connection(("127.0.0.1", port), timeout=wait)
    s.sendall(data)
    got = b""
    end = time.time() + wait
    try:
        while time.time() < end:
            chunk = s.recv(65536)
            if not chunk:
                break
            got += chunk
    except socket.timeout:
        pass
    s.close()
    return got


def main():
    tmp = workdir("httph")
    idx = os.path.join(tmp, "index")
    index_data(idx, "demo-corpus.jsonl")
    aliases = os.path.join(tmp, "aliases.txt")
    with open(aliases, "w") as f:
        f.write("TP.HCM | Sài Gòn\n")
    p, addr, base = start_http(idx, "admin_token = %s\naliases = %s\n" % (TOKEN, aliases))
    port = int(base.rsplit(":", 1)[1])
    auth = {"Authorization": "Bearer " + TOKEN}

    # NUL bytes are refused, not cut
    st, _, _ = http(base, "POST", "/documents", b'{"id":"n1","body":"a"}\n{"id":"n2","body":"b"}\x00\n'
                    b'{"id":"n3","body":"c"}\n', dict(auth, **{"Content-Type": "application/x-ndjson"}))
    ok(st == 400, "a POSTed body holding a NUL byte is refused (was: 200, lines after it dropped)", st)
    st, _, _ = http(base, "POST", "/documents", '{"id":"victim","body":"nạn nhân"}'.encode(), auth)
    ok(st == 200, "an article is added", st)
    st, _, _ = http(base, "DELETE", "/documents/victim%00-other-id", None, auth)
    ok(st == 400, "DELETE /documents/victim%00-other-id is refused (was: deleted victim)", st)
    st, _, _ = http(base, "GET", "/documents/victim")
    ok(st == 200, "and victim is still there", st)
    st, _, _ = http(base, "GET", "/search?q=ha%00noi")
    ok(st == 400, "q=ha%00noi is refused (was: searched \"ha\")", st)

    # HEAD: the headers GET would send, no body
    got = raw(port, b"HEAD /search?q=ha+noi HTTP/1.1\r\nHost: x\r\n\r\n"
                    b"GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    parts = got.split(b"HTTP/1.1 ")
    head = parts[1] if len(parts) > 1 else b""
    ok(len(parts) == 3 and head.startswith(b"200") and b"Content-Length: " in head and
       head.endswith(b"\r\n\r\n"), "HEAD answers headers with a length and no body; the pipelined GET is answered "
       "on its own (was: the body read as the next reply)", got[:300])

    # a second Content-Length (or one that is no plain number) is refused, and the connection closed
    got = raw(port, b"POST /documents HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + TOKEN.encode() +
              b"\r\nContent-Length: 2\r\nContent-Length: 40\r\n\r\n{}GET /health HTTP/1.1\r\nHost: x\r\n\r\n")
    ok(got.startswith(b"HTTP/1.1 400") and got.count(b"HTTP/1.1") == 1,
       "two Content-Length headers: 400 and closed (was: the first won)", got[:200])
    got = raw(port, b"POST /documents HTTP/1.1\r\nHost: x\r\nContent-Length: +2\r\n\r\n{}")
    ok(got.startswith(b"HTTP/1.1 400"), "Content-Length: +2 is refused", got[:100])

    # wrong bearer tokens: logged, the connection closed after three, the address throttled
    log0 = os.path.getsize(p.log)
    bad = b"DELETE /documents/x HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer wrong\r\n\r\n"
    got = raw(port, bad * 3 + b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n")
    ok(got.startswith(b"HTTP/1.1 403") and got.count(b"HTTP/1.1") == 3,
       "wrong bearer tokens are 403, and the third closes the connection (was: 34,150 tries on one)", got[:200])
    statuses = [http(base, "DELETE", "/documents/x", None, {"Authorization": "Bearer wrong%d" % i})[0] for i in range(12)]
    ok(statuses[:7] == [403] * 7 and statuses[-1] == 429,
       "ten wrong tokens from an address, then 429 Too Many Requests", statuses)
    st, hd, _ = http(base, "DELETE", "/documents/x", None, auth)
    ok(st == 429 and "Retry-After" in hd, "even the right token waits (Retry-After)", (st, hd))
    with open(p.log) as f:
        f.seek(log0)
        log = f.read()
    ok(log.count("wrong bearer token") >= 10 and "no token tried from it" in log, "the failures are logged",
       log[-300:])
    # the line protocol shares the count: this address is blocked there too
    c = Client(addr)
    r = c.cmd("AUTH " + TOKEN)
    ok(r[0].startswith("ERR NOAUTH") and "too many wrong tokens" in r[0],
       "AUTH from the blocked address is refused, right token or not", r)
    c.close()

    # METRICS counts the line protocol's parse errors and NOAUTH
    c = Client(addr)
    c.cmd("SEARCH lmit=1 ha noi")
    c.cmd("FROB x")
    c.cmd("RELOAD")
    m = "\n".join(c.cmd("METRICS", multiline=True))
    ok('command="search",outcome="BADREQ"} 1' in m, "a line-protocol parse error is counted (SEARCH BADREQ)", m[:400])
    ok('command="unknown",outcome="BADREQ"} 1' in m, "an unknown command is counted", m[:400])
    ok('command="reload",outcome="NOAUTH"} 1' in m, "NOAUTH on the line protocol is counted", m[:400])
    c.close()
    stop(p)

    # RELOAD says when the alias file it reloads is refused
    p, addr, base = start_http(idx, "aliases = %s\n" % aliases)
    with open(aliases, "w") as f:
        f.write("TP.HCM | \n")
    c = Client(addr)
    r = c.cmd("RELOAD")
    ok(r[0].startswith("ERR SERVER") and "aliases" in r[0] and "aliases.txt:1" in r[0],
       "RELOAD with a refused alias file answers ERR SERVER saying so (was: OK)", r)
    with open(aliases, "w") as f:
        f.write("TP.HCM | Sài Gòn\n")
    ok(c.cmd("RELOAD")[0].startswith("OK"), "and OK once the file is right")
    c.close()
    stop(p)

    # query_time_limit covers COUNT and facets: a cut answer says so (was:
    # an exact count ran past the limit, 1.1-1.5 s against 2 s of limit... and on)
    q = " OR ".join(x + "*" for x in "abcdeghiklmnopqrstuvxy")
    p, addr, base = start_http(idx, "query_time_limit = 0.001\n")
    c = Client(addr)
    r = c.cmd("COUNT " + q)
    ok(r[0].startswith("OK ") and r[0].endswith(" cut=true"), "a COUNT stopped by query_time_limit says cut=true", r)
    j = c.json("FORMAT json") and c.json("COUNT facets=source " + q)
    ok(j.get("cut") is True and "facets" in j, "and in JSON, with the facets of what was seen", str(j)[:200])
    c.close()
    stop(p)
    p, addr, base = start_http(idx)
    c = Client(addr)
    r = c.cmd("COUNT " + q)
    ok(r[0].startswith("OK ") and "cut" not in r[0], "with time enough, the count is whole", r)
    c.close()
    stop(p)

    # HTTP connections hold slots, with the line protocol's (was: 150
    # keep-alive connections from one address with max_clients_per_address = 20)
    p, addr, base = start_http(idx, "max_clients_per_address = 5\n")
    port = int(base.rsplit(":", 1)[1])
    held, codes = [], []
    for _ in range(8):
        s = socket.create_connection(("127.0.0.1", port), timeout=5)
        s.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n")
        codes.append(s.recv(65536)[:12])
        held.append(s)
    ok(codes[:5] == [b"HTTP/1.1 200"] * 5 and codes[5:] == [b"HTTP/1.1 503"] * 3,
       "the sixth keep-alive HTTP connection from one address is refused (503)", codes)
    c = Client(addr)
    r = c.line()
    ok(r.startswith("ERR LIMIT") and "your address" in r, "and so is a line-protocol client from it", r)
    c.close()
    for s in held:
        s.close()
    time.sleep(0.3)
    ok(http(base, "GET", "/health")[0] == 200, "the slots come back when the connections close")
    stop(p)

    # a request trickled a byte at a time is cut after line_timeout, as a
    # line of the line protocol is (was: it held its connection for as
    # long as bytes came, evhttp's timeout being for silence only)
    p, addr, base = start_http(idx, "line_timeout = 2\n")
    port = int(base.rsplit(":", 1)[1])
    s = socket.create_connection(("127.0.0.1", port), timeout=10)
    s.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\nX-Slow: ")
    t0, closed = time.time(), None
    s.settimeout(0.4)
    while time.time() - t0 < 7:
        try:
            s.sendall(b"a")
            if s.recv(100) == b"":
                closed = time.time() - t0
                break
        except socket.timeout:
            pass
        except OSError:
            closed = time.time() - t0
            break
    s.close()
    ok(closed is not None and closed < 5, "a header trickled a byte every 0.4 s is cut within line_timeout (2 s)",
       closed)
    s = socket.create_connection(("127.0.0.1", port), timeout=5)
    codes = []
    for _ in range(3):  # 3.6 s on one connection, each request in time
        s.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n")
        codes.append(s.recv(65536)[:12])
        time.sleep(1.2)
    s.close()
    ok(codes == [b"HTTP/1.1 200"] * 3, "a keep-alive client whose requests come in time keeps its connection",
       codes)
    ok(http(base, "GET", "/health")[0] == 200, "and the server answers on")
    # Requests that arrive in two packets, each on a new connection: every
    # one answered (was: the watch's reference to a closed connection's
    # bufferevent shadowed the read event of the next connection given the
    # same descriptor, about 6 in 1,000 hung until line_timeout)
    hung = 0
    for i in range(1000):
        s = socket.create_connection(("127.0.0.1", port), timeout=3)
        req = b"GET /nowhere HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
        s.sendall(req[:-3])
        s.sendall(req[-3:])
        got = b""
        try:
            while True:
                d = s.recv(4096)
                if not d:
                    break
                got += d
        except socket.timeout:
            pass
        s.close()
        hung += not got.startswith(b"HTTP/1.1 404")
        if hung > 2:
            break
    ok(hung == 0, "1,000 requests sent in two packets on new connections are all answered", hung)
    stop(p)

    # out of descriptors, the HTTP listener pauses instead of spinning
    p, addr, base = start_http(idx, "max_clients = 2000\nmax_clients_per_address = 0\n")
    port = int(base.rsplit(":", 1)[1])
    lim = 120
    try:
        resource.prlimit(p.pid, resource.RLIMIT_NOFILE, (lim, lim))
    except (OSError, AttributeError) as e:
        ok(True, "# SKIP cannot lower the daemon's open-file limit: %s" % e)
        stop(p)
        return
    socks = []
    for _ in range(lim + 200):
        try:
            socks.append(socket.create_connection(("127.0.0.1", port), timeout=2))
        except OSError:
            break
    log0 = os.path.getsize(p.log)
    c0 = cpu_s(p.pid)
    time.sleep(2)
    spent = cpu_s(p.pid) - c0
    grew = os.path.getsize(p.log) - log0
    ok(len(socks) > lim, "%d connections opened against an open-file limit of %d" % (len(socks), lim))
    ok(spent < 0.5, "%d idle HTTP connections past the open-file limit: %.2f s of CPU in 2 s (was: all of it)"
       % (len(socks), spent))
    ok(grew < 20000, "and %d bytes of log (was: 51 MB in 5 s)" % grew)
    for s in socks:
        s.close()
    time.sleep(0.6)
    st, _, _ = http(base, "GET", "/health")
    ok(st == 200, "with the connections gone, HTTP answers again", st)
    c = Client(addr)
    ok(c.cmd("PING")[0].startswith("OK"), "and so does the line protocol")
    c.close()
    stop(p)


if __name__ == "__main__":
    run(main, 180)
