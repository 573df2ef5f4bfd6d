#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""http_api.py -- vnsearchd's HTTP/JSON front-end, black-box (TAP output).

Every endpoint against a real daemon: the bodies equal the line
protocol's JSON replies, errors carry matching statuses (404 NOTFOUND,
405 with Allow, 400 for a limit of the request's own, 401 with
WWW-Authenticate, 403), options follow the line protocol's rules, POST
/search with a JSON body, gzip when accepted, /health, /version, /metrics
in Prometheus' format, CORS, the static page (ETag, 304) and favicon;
facets checked against counts computed here from the test data,
independently of the index; writes (JSON Lines or an array, bulk delete,
/reload) and the two tokens (admin, search).
"""
import gzip
import json
import socket
import subprocess
import os
import re
import signal
import sys
import time
import unicodedata
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from vnd import DATA, Client, index_data, ok, run, start_http, stop, workdir  # noqa: E402


def get(base, path, headers=None):
    req = urllib.request.Request(base + path, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            body = r.read()
            if r.headers.get("Content-Encoding") == "gzip":
                body = gzip.decompress(body)
            return r.status, dict(r.headers), body.decode()
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), e.read().decode()


def fold(s):
    s = unicodedata.normalize("NFD", s.replace("đ", "d").replace("Đ", "D"))
    return "".join(c for c in s if unicodedata.category(c) != "Mn").lower()


def expected_facets(word):
    """Sources and months of the test articles holding `word` (folded)."""
    src, month, n = Counter(), Counter(), 0
    for name in ("demo-corpus.jsonl", "headlines-300.jsonl"):
        for line in open(os.path.join(DATA, name), encoding="utf-8"):
            d = json.loads(line)
            text = " ".join(d.get(k) or "" for k in ("title", "body"))
            if word in re.findall(r"\w+", fold(text)):
                n += 1
                if d.get("source"):
                    src[unicodedata.normalize("NFC", d["source"])] += 1
                if d.get("date"):
                    month[d["date"][:7]] += 1
    return n, src, month


def main():
    tmp = workdir("http")
    idx = os.path.join(tmp, "index")
    index_data(idx, "seeds", "demo-corpus.jsonl", "headlines-300.jsonl")
    p, addr, base = start_http(idx, "http_cors = https://cms.example.vn\n")
    line = Client(addr)
    line.json("FORMAT json")

    def same(path, cmd, desc):
        st, _, body = get(base, path)
        a, b = json.loads(body), line.json(cmd)
        for x in (a, b):
            x.pop("took_ms", None)
        ok(st == 200 and a == b, desc, (st, body[:200], b))

    same("/search?q=luong+cuong&limit=3", "SEARCH limit=3 luong cuong", "/search: the line protocol's JSON reply")
    same("/search?q=h%C3%A0+n%E1%BB%99i&limit=5&sort=-date&from=2025-01-01&snippet=text",
         "SEARCH limit=5 sort=-date from=2025-01-01 snippet=text hà nội", "/search with options")
    same("/search?q=vi%E1%BB%87t+nam&fresh=30&now=2026-02-01", "SEARCH fresh=30 now=2026-02-01 việt nam",
         "/search with fresh= and now=")
    same("/search?q=vi%E1%BB%87t+nam&collapse=on", "SEARCH collapse=on việt nam", "/search with collapse=on")
    st, _, body = get(base, "/search?q=vi%E1%BB%87t+nam&collapse=on")
    ok(st == 200 and all(isinstance(h["copies"], list) for h in json.loads(body)["hits"]),
       "collapse=on: every hit lists its copies", body[:300])
    same("/count?q=c%C3%B4ng+an", "COUNT công an", "/count")
    same("/documents/vnds-test-000001", "GET vnds-test-000001", "/documents/{id}")
    same("/documents/vnds-test-000001/related?limit=3&source=VnExpress", "RELATED limit=3 source=VnExpress -- vnds-test-000001",
         "/documents/{id}/related: RELATED's reply, options and all")
    st, _, body = get(base, "/documents/vnds-test-000001/related?limit=5")
    rel = json.loads(body)["hits"] if st == 200 else []
    ok(len(rel) == 5 and "vnds-test-000001" not in [h["id"] for h in rel],
       "related stories: five, never the article itself", (st, body[:300]))
    st, _, body = get(base, "/documents/no-such-doc/related")
    ok(st == 404 and json.loads(body)["error"]["code"] == "NOTFOUND", "related of an unknown document is 404 NOTFOUND",
       (st, body))
    same("/suggest?q=ha+n", "SUGGEST ha n", "/suggest")
    same("/suggest?q=%C4%91%C6%B0", "SUGGEST đư", "/suggest, a prefix with marks")
    same("/search?q=limit%3D3+ha+noi", "SEARCH -- limit=3 ha noi", "q= is never read as options")
    st, hd, body = get(base, "/search?q=x&lmit=1")
    ok(st == 400 and json.loads(body)["error"]["code"] == "BADREQ" and "lmit=" in body,
       "an unknown parameter is 400 BADREQ", (st, body))
    st, _, body = get(base, "/search?q=x&limit=5000")
    ok(st == 400 and json.loads(body)["error"]["code"] == "LIMIT", "limit over max_results is a bad request: 400 LIMIT",
       (st, body))
    st, _, body = get(base, "/search")
    ok(st == 400 and "needs a query" in body, "/search without q is 400", (st, body))
    st, _, body = get(base, "/documents/no-such-doc")
    ok(st == 404 and json.loads(body)["error"]["code"] == "NOTFOUND", "an unknown document is 404 NOTFOUND", (st, body))
    st, _, body = get(base, "/nowhere")
    ok(st == 404 and json.loads(body)["error"]["code"] == "NOTFOUND", "an unknown path is 404 NOTFOUND", (st, body))
    st, _, body = get(base, "/search?q=a%0ARELOAD")
    ok(st == 400 and "line break" in body, "a line break in q is refused", (st, body))
    # POST /search: the parameters as a JSON object, for long queries
    st, _, r = send(base, "POST", "/search", json.dumps({"q": "hà nội", "limit": 3, "facets": ["source", "month"],
                                                          "sort": "-date", "collapse": False}))
    want = line.json("SEARCH limit=3 facets=source,month sort=-date collapse=off hà nội")
    for x in (r, want):
        x.pop("took_ms", None)
    ok(st == 200 and r == want, "POST /search with a JSON body answers as GET with those parameters", (st, str(r)[:200]))
    st, _, r = send(base, "POST", "/count", json.dumps({"q": "công an"}))
    ok(st == 200 and r == line.json("COUNT công an"), "POST /count too", r)
    st, _, r = send(base, "POST", "/search", "x")
    ok(st == 400 and "JSON object" in r["error"]["message"], "POST /search of something else than an object is 400", r)
    st, _, r = send(base, "POST", "/search", json.dumps({"q": "x", "limit": {"a": 1}}))
    ok(st == 400 and "limit" in r["error"]["message"], "a parameter that is an object is 400", r)
    st, hd, r = send(base, "PUT", "/search", "x")
    ok(st == 405 and hd.get("Allow") == "GET, HEAD, POST", "PUT /search is 405 with Allow: GET, HEAD, POST", (st, hd))
    st, hd, r = send(base, "POST", "/documents/vnds-test-000001")
    ok(st == 405 and hd.get("Allow") == "GET, HEAD, DELETE", "POST /documents/{id} is 405 with its Allow", (st, hd))
    st, _, r = send(base, "GET", "/version")
    ok(st == 200 and r["vnsearchd"] and r["xapian"].startswith("1.4") and r["schema"], "/version", r)

    # gzip when the client accepts it, above 1 KB; the same JSON unzipped
    st, hd, plain = get(base, "/search?q=h%C3%A0+n%E1%BB%99i&limit=50")
    req = urllib.request.Request(base + "/search?q=h%C3%A0+n%E1%BB%99i&limit=50", headers={"Accept-Encoding": "gzip"})
    with urllib.request.urlopen(req, timeout=10) as resp:
        zhd, zbody = dict(resp.headers), resp.read()
    a, b = json.loads(gzip.decompress(zbody)), json.loads(plain)
    for x in (a, b):
        x.pop("took_ms", None)
    ok(zhd.get("Content-Encoding") == "gzip" and "Accept-Encoding" in zhd.get("Vary", "") and a == b,
       "Accept-Encoding: gzip: the reply gzipped (%d bytes for %d), the same JSON" % (len(zbody), len(plain)), zhd)
    ok(len(zbody) * 2 < len(plain), "and under half the size (zlib's fastest level)", (len(zbody), len(plain)))
    ok("Content-Encoding" not in hd, "not gzipped when not asked", hd)
    st, zhd, _ = get(base, "/health", {"Accept-Encoding": "gzip"})
    ok("Content-Encoding" not in zhd, "a small reply is not gzipped", zhd)
    req = urllib.request.Request(base + "/search?q=x", headers={"Accept-Encoding": "gzip;q=0"})
    with urllib.request.urlopen(req, timeout=10) as resp:
        ok("Content-Encoding" not in dict(resp.headers), "gzip;q=0 is a refusal", dict(resp.headers))
    st, _, body = get(base, "/health")
    ok(st == 200 and json.loads(body)["documents"] == 605, "/health: 200 with the documents", (st, body))
    st, _, body = get(base, "/stats")
    ok(st == 200 and json.loads(body)["documents"] == 605, "/stats", (st, body))
    st, hd, body = get(base, "/metrics")
    ok(st == 200 and hd.get("Content-Type", "").startswith("text/plain; version=0.0.4"),
       "/metrics in Prometheus' text format", hd)
    m = dict(re.findall(r'^(vnsearch_requests_total\{command="search",outcome="(?:ok|BADREQ)"\}) (\d+)$', body, re.M))
    ok(int(m.get('vnsearch_requests_total{command="search",outcome="ok"}', 0)) >= 3 and
       int(m.get('vnsearch_requests_total{command="search",outcome="BADREQ"}', 0)) >= 2,
       "/metrics counts requests by command and outcome", body[:300])
    ok(re.search(r"^vnsearch_documents 605$", body, re.M) and
       re.search(r'^vnsearch_request_duration_seconds_bucket\{command="search",le="\+Inf"\} [1-9]', body, re.M) and
       re.search(r'^vnsearch_request_duration_seconds_count\{command="count"\} [0-9]', body, re.M),
       "/metrics: documents and a latency histogram per command", body[-400:])
    ok(re.search(r'^vnsearch_build_info\{version="[0-9.]+",xapian="1\.4\.[0-9]+",schema="[0-9]+"\} 1$', body, re.M),
       "/metrics: vnsearch_build_info", None)
    procs = dict(re.findall(r"^(process_[a-z_]+) ([0-9.e+]+)$", body, re.M))
    ok(float(procs.get("process_resident_memory_bytes", 0)) > 1e6 and float(procs.get("process_open_fds", 0)) > 3 and
       float(procs.get("process_max_fds", 0)) >= 1024 and "process_cpu_seconds_total" in procs and
       abs(float(procs.get("process_start_time_seconds", 0)) - time.time()) < 3600,
       "/metrics: process_* (memory, CPU, descriptors, start time)", procs)
    m = dict(re.findall(r'^vnsearch_http_responses_total\{code="(\d+|other)"\} (\d+)$', body, re.M))
    ok(int(m.get("200", 0)) >= 5 and int(m.get("400", 0)) >= 2 and int(m.get("404", 0)) >= 3,
       "/metrics: HTTP replies by status", m)
    m = dict(re.findall(r'^vnsearch_connections\{protocol="(line|http)"\} (\d+)$', body, re.M))
    ok(int(m.get("line", 0)) >= 1 and int(m.get("http", 0)) >= 1, "/metrics: connections of both protocols", m)
    st, hd, _ = get(base, "/search?q=x", {"Origin": "https://cms.example.vn"})
    ok(hd.get("Access-Control-Allow-Origin") == "https://cms.example.vn", "CORS: a listed origin is allowed", hd)
    st, hd, _ = get(base, "/search?q=x", {"Origin": "https://evil.example"})
    ok("Access-Control-Allow-Origin" not in hd, "CORS: any other origin is not", hd)
    st, hd, body = get(base, "/")
    ok(st == 200 and hd.get("Content-Type", "").startswith("text/html") and "vnsearch" in body, "/ serves the page",
       (st, hd))
    ok(hd.get("Cache-Control") == "no-cache" and re.fullmatch(r'"[0-9a-f]{16}"', hd.get("ETag", "")),
       "the page: an ETag, revalidated (Cache-Control: no-cache)", hd)
    st, hd2, body2 = get(base, "/", {"If-None-Match": hd.get("ETag", "")})
    ok(st == 304 and body2 == "", "If-None-Match of its ETag: 304 Not Modified, no body", (st, hd2))
    for asset in ("/app.js", "/style.css"):
        st, ahd, _ = get(base, asset, {"Accept-Encoding": "gzip"})
        ok(st == 200 and ahd.get("ETag") and ahd.get("Content-Encoding") == "gzip", asset + " is served, gzipped", ahd)
    st, hd, body = get(base, "/favicon.ico")
    ok(st == 204 and body == "" and "max-age" in hd.get("Cache-Control", ""),
       "/favicon.ico: 204 No Content, cached (was: a JSON error)", (st, hd))

    # facets against counts computed from the test data
    n, src, month = expected_facets("lu")
    st, _, body = get(base, "/search?q=lu&limit=1&facets=source,month")
    r = json.loads(body)
    got_src = {v["value"]: v["count"] for v in r["facets"]["source"]}
    got_month = {v["value"]: v["count"] for v in r["facets"]["month"]}
    ok(r["total"] == n, "facets make the total exact (%d articles hold \"lũ\")" % n, (r["total"], n))
    ok(got_src == dict(src.most_common(len(got_src))) and len(got_src) == min(10, len(src)),
       "source facet equals counts made from the data", (got_src, src.most_common(12)))
    ok(all(month[k] == v for k, v in got_month.items()) and sorted(got_month.values(), reverse=True) ==
       sorted(month.values(), reverse=True)[:len(got_month)], "month facet equals counts made from the data",
       (got_month, month.most_common(12)))
    c = Client(addr)
    r = c.cmd("COUNT facets=year lu", multiline=False)
    lines = [r[0]]
    while lines[-1] != "END":
        lines.append(c.line())
    ok(lines[0] == "OK %d" % n and all(l.startswith("FACET\tyear\t") for l in lines[1:-1]),
       "COUNT with facets in text: OK n, FACET lines, END", lines)
    top_src = src.most_common(1)[0][0]
    pub = top_src.split(" - ")[0]
    st, _, body = get(base, "/count?q=lu&source=" + urllib.parse.quote(pub))
    want = sum(v for k, v in src.items() if k == pub or k.startswith(pub + " - "))
    ok(json.loads(body)["count"] == want, "source= a publisher counts all its sources (%s: %d)" % (pub, want), body)
    r = c.cmd('ADD {"id":"x","body":"y"}')
    ok(r[0].startswith("ERR NOAUTH") and "admin_token" in r[0], "writes need admin_token configured", r)
    ok(stop(p) == 0, "stops cleanly")
    writes(idx)
    logs(idx, tmp)


def send(base, method, path, body=None, token=None):
    headers = {"Authorization": "Bearer " + token} if token else {}
    req = urllib.request.Request(base + path, data=body.encode() if body is not None else None, method=method,
                                 headers=headers)
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            return r.status, dict(r.headers), json.loads(r.read())
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), json.loads(e.read())


def writes(idx):
    """POST and DELETE /documents, as a CMS pushes articles."""
    token = "cms-token-0123456789abcdef"
    p, addr, base = start_http(idx, "admin_token = %s\n" % token)
    arts = [{"id": "cms-%d" % i, "title": "Tin mới %d" % i, "date": "2026-11-25", "source": "Tòa soạn - Nóng",
             "body": "Bão số %d xqzcms đổ bộ" % i} for i in range(3)]
    body = "\n".join(json.dumps(a, ensure_ascii=False) for a in arts)
    st, hd, r = send(base, "POST", "/documents", body)
    ok(st == 401 and r["error"]["code"] == "NOAUTH" and hd.get("WWW-Authenticate", "").startswith("Bearer"),
       "POST /documents without the token is 401 with WWW-Authenticate: Bearer", (st, r, hd))
    st, _, r = send(base, "POST", "/documents", body, "wrong-token")
    ok(st == 403, "a wrong token is 403", (st, r))
    st, _, r = send(base, "POST", "/documents", body, token)
    ok(st == 200 and r["added"] == 3 and r["committed"] == 1, "POST /documents of JSON Lines adds and commits", r)
    st, _, r = get(base, "/count?q=xqzcms")[0], None, json.loads(get(base, "/count?q=xqzcms")[2])
    ok(r["count"] == 3, "the next search sees them", r)
    st, _, r = send(base, "POST", "/documents", json.dumps(arts[0], ensure_ascii=False, indent=2), token)
    ok(st == 200 and r["unchanged"] == 1, "one pretty-printed JSON article is one article", r)
    st, _, r = send(base, "POST", "/documents", body + "\n{\"id\": 5}", token)
    ok(st == 400 and "line 4" in r["error"]["message"] and "nothing was written" in r["error"]["message"],
       "a bad line refuses the whole request", r)
    st, _, r = send(base, "DELETE", "/documents/cms-1", None, token)
    ok(st == 200 and r["deleted"] == 1, "DELETE /documents/{id}", r)
    r = json.loads(get(base, "/count?q=xqzcms")[2])
    ok(r["count"] == 2, "and it is gone from the next search", r)
    st, _, r = send(base, "PUT", "/documents", body, token)
    ok(st == 405, "PUT /documents is 405", (st, r))
    more = [{"id": "arr-%d" % i, "title": "Mảng %d" % i, "body": "Bài xqzarr số %d" % i} for i in range(4)]
    st, _, r = send(base, "POST", "/documents", json.dumps(more, ensure_ascii=False, indent=1), token)
    ok(st == 200 and r["added"] == 4, "POST /documents of a JSON array adds each article", r)
    st, _, r = send(base, "POST", "/documents", json.dumps(more[:1] + [5]), token)
    ok(st == 400 and "element 2" in r["error"]["message"], "an array with a non-article is refused whole", r)
    st, _, r = send(base, "POST", "/documents/delete", json.dumps(["arr-0", "arr-1", "arr-9"]), token)
    ok(st == 200 and r["deleted"] == 2 and r["committed"] == 1, "POST /documents/delete deletes many in one commit "
       "(an absent id is no error)", r)
    ok(json.loads(get(base, "/count?q=xqzarr")[2])["count"] == 2, "and they are gone", None)
    st, _, r = send(base, "POST", "/documents/delete", json.dumps(["a", 7]), token)
    ok(st == 400 and "element 2" in r["error"]["message"], "a bulk delete with a non-id deletes nothing", r)
    st, _, r = send(base, "POST", "/reload", None, token)
    ok(st == 200 and r["ok"], "POST /reload with the admin token", r)
    st, _, r = send(base, "POST", "/reload")
    ok(st == 401, "POST /reload without it is 401", (st, r))
    c = Client(addr)
    ok(c.cmd("DELETE cms-2")[0].startswith("ERR NOAUTH"), "DELETE on the line protocol needs AUTH")
    c.cmd("AUTH " + token)
    r = c.cmd("DELETE cms-2")
    ok(r[0] == "OK" and "deleted\t1" in r, "DELETE after AUTH", r)
    r = c.cmd('DELETE_MANY ["arr-2", "arr-3"]')
    ok(r[0] == "OK" and "deleted\t2" in r, "DELETE_MANY on the line protocol", r)
    ok(stop(p) == 0, "stops cleanly")
    tokens(idx)


def tokens(idx):
    """search_token: reading needs it (or the admin token); writes the admin one."""
    admin, search = "admin-token-0123456789", "search-token-0123456789"
    p, addr, base = start_http(idx, "admin_token = %s\nsearch_token = %s\n" % (admin, search))
    st, hd, r = send(base, "GET", "/search?q=ha+noi")
    ok(st == 401 and hd.get("WWW-Authenticate", "").startswith("Bearer") and "search_token" in r["error"]["message"],
       "search_token set: /search without a token is 401 with WWW-Authenticate", (st, hd, r))
    ok(send(base, "GET", "/search?q=ha+noi", None, search)[0] == 200, "with the search token: 200")
    ok(send(base, "GET", "/search?q=ha+noi", None, admin)[0] == 200, "with the admin token: 200")
    st, _, r = send(base, "POST", "/documents", '{"id":"t1","body":"x"}', search)
    ok(st == 403 and "admin_token" in r["error"]["message"], "the search token cannot write: 403", (st, r))
    for path in ("/health", "/version"):
        ok(send(base, "GET", path)[0] == 200, path + " stays open")
    ok(get(base, "/")[0] == 200, "the page's files stay open")
    for path in ("/count?q=x", "/suggest?q=ha", "/documents/vnds-test-000001", "/metrics", "/stats"):
        ok(send(base, "GET", path)[0] == 401, path + " needs the token", path)
    c = Client(addr)
    ok(c.cmd("SEARCH ha noi")[0].startswith("ERR NOAUTH"), "the line protocol: SEARCH needs AUTH too")
    ok(c.cmd("PING")[0] == "OK PONG", "PING does not")
    ok(c.cmd("AUTH " + search)[0] == "OK authenticated for search", "AUTH with the search token")
    ok(c.cmd("COUNT ha noi")[0].startswith("OK "), "then SEARCH and COUNT run")
    ok(c.cmd('ADD {"id":"t1","body":"x"}')[0].startswith("ERR NOAUTH"), "but not writes")
    ok(c.cmd("AUTH " + admin)[0] == "OK authenticated", "AUTH with the admin token")
    ok(c.cmd('ADD {"id":"t1","body":"x"}')[0] == "OK", "then writes run")
    c.close()
    # one rule on both front-ends: every wrong token logged, three on one connection close it
    log0 = os.path.getsize(p.log)
    port = int(base.rsplit(":", 1)[1])
    s = socket.create_connection(("127.0.0.1", port), timeout=10)
    req = b"GET /search?q=x HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer nope\r\n\r\n"
    got = b""
    for _ in range(4):
        try:
            s.sendall(req)
            time.sleep(0.3)
            got += s.recv(65536)
        except OSError:
            break
    s.close()
    ok(got.count(b"HTTP/1.1 403") == 3 and got.count(b"Connection: close") == 1,
       "three wrong tokens on one keep-alive connection: 403 each, closed after the third", got.count(b"HTTP/1.1"))
    with open(p.log) as f:
        f.seek(log0)
        log = f.read()
    ok(log.count("wrong bearer token") == 3 and "closing" in log, "each is logged", log[-300:])
    ok(stop(p) == 0, "stops cleanly")


def logs(idx, tmp):
    """log_level, the access log (and its reopening on SIGHUP), slow requests, writes logged."""
    access = os.path.join(tmp, "access.log")
    token = "log-token-0123456789"
    p, addr, base = start_http(idx, "log_level = warning\naccess_log = %s\nslow_query_ms = 0\nadmin_token = %s\n"
                               % (access, token))
    get(base, "/search?q=h%C3%A0+n%E1%BB%99i&limit=2")
    get(base, "/nowhere")
    c = Client(addr)
    c.cmd("AUTH not-the-token")
    c.cmd("SEARCH limit=1 công an")
    c.close()
    time.sleep(0.3)
    lines = [l.rstrip("\n").split("\t") for l in open(access, encoding="utf-8")]
    ok(len(lines) == 4 and all(len(l) == 8 for l in lines), "access log: one line of 8 fields per request", lines)
    if len(lines) == 4:
        ok(lines[0][2:6] == ["http", "GET /search?q=h%C3%A0+n%E1%BB%99i&limit=2", "200", "ok"] and
           float(lines[0][6]) > 0 and int(lines[0][7]) > 100, "an HTTP search: request, status, outcome, ms, bytes",
           lines[0])
        ok(lines[1][4:6] == ["404", "NOTFOUND"], "an unknown path", lines[1])
        ok(lines[2][3] == "AUTH ***" and lines[2][5] == "NOAUTH", "a wrong AUTH: the token is never written",
           lines[2])
        ok(lines[3][2:6] == ["line", "SEARCH limit=1 công an", "200", "ok"], "a line-protocol search", lines[3])
    text = open(access, encoding="utf-8").read()
    ok("not-the-token" not in text, "no token in the access log")
    os.rename(access, access + ".1")
    p.send_signal(signal.SIGHUP)
    time.sleep(0.5)
    get(base, "/health")
    time.sleep(0.3)
    ok(os.path.exists(access) and "GET /health" in open(access).read(), "SIGHUP reopens it (logrotate)", None)
    st, _, r = send(base, "POST", "/documents", '{"id":"log-1","body":"Bài viết ghi nhật ký."}', token)
    ok(st == 200, "a write", r)
    stop(p)
    log = open(p.log).read()
    ok("serving" not in log and "stopped" not in log, "log_level = warning leaves the info lines out", log[:300])
    ok("live write from" not in log, "nor the info line of a write", None)
    p, addr, base = start_http(idx, "slow_query_ms = 0\nadmin_token = %s\n" % token)
    send(base, "POST", "/documents", '{"id":"log-2","body":"Bài viết ghi nhật ký hai."}', token)
    stop(p)
    log = open(p.log).read()
    ok("serving" in log and re.search(r"live write from 127\.0\.0\.1 \(http\): ADD ok in [0-9.]+ ms", log),
       "at info: the start and every HTTP write logged", log[-300:])
    p, addr, base = start_http(idx, "slow_query_ms = 1\nlog_level = debug\n")
    c = Client(addr)
    c.cmd("COUNT a* b* c* d* e* g* h* k* l* m* n*")
    c.close()
    stop(p)
    log = open(p.log).read()
    ok(re.search(r"warning: slow request: [0-9.]+ ms from 127\.0\.0\.1 \(line\): COUNT a\* b\*", log),
       "slow_query_ms: a slow request is a warning with the request", log[-400:])
    ok(re.search(r"debug: conn [0-9]+ from 127\.0\.0\.1: opened", log) and
       re.search(r"debug: conn [0-9]+ from 127\.0\.0\.1: closed", log),
       "log_level = debug: connections opened and closed", log[-400:])
    rc = subprocess.run([os.path.join(os.environ.get("VN_BUILD", "build"), "bin", "vnsearchd"), "--index", idx,
                         "--config", "/dev/stdin"], input="log_level = loud\n", capture_output=True, text=True)
    ok(rc.returncode == 2 and "log_level must be" in rc.stderr, "a bad log_level: exit 2, said", rc.stderr)


if __name__ == "__main__":
    run(main, 120)
