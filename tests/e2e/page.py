#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""page.py -- the search page in a real browser (TAP output).

Debian's headless Chromium, driven through chromedriver's WebDriver HTTP
protocol from Python's standard library, loads the page from a test
daemon, types a query without marks, and checks the rendered hits (title,
link, highlighted snippet), a source-facet click, a month-facet click,
paging and page numbers, months by date, the results before the filters
for the keyboard, "/" to the box, newest first, the loading state, the
reader view of an article without a url, a date typed as a chip, the
empty, no-result and error states in Vietnamese, and the phone width
(filters a folded bar above the results); screenshots go to
BUILD/page-test/.  Runs
once, in the plain build's turn.
"""
import base64
import datetime
import json
import os
import shutil
import subprocess
import sys
import time
import urllib.parse
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from vnd import BUILD, free_port, index_data, ok, run, start_http, stop, wire_copy, workdir  # noqa: E402

ELEMENT = "element-6066-11e4-a52e-4f735466cecf"  # WebDriver's key for an element reference


class Browser:
    def __init__(self, port):
        self.base = "http://127.0.0.1:%d" % port
        caps = {"capabilities": {"alwaysMatch": {"browserName": "chrome", "goog:chromeOptions": {
            "binary": shutil.which("chromium"),
            "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                     "--window-size=1280,900"]}}}}
        self.sid = self.call("POST", "/session", caps)["sessionId"]

    def call(self, method, path, body=None):
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(self.base + path, data=data, method=method,
                                     headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=60) as r:
            return json.loads(r.read())["value"]

    def s(self, method, path, body=None):
        data = json.dumps(body if body is not None else {}).encode() if method == "POST" else None
        req = urllib.request.Request("%s/session/%s%s" % (self.base, self.sid, path), data=data, method=method,
                                     headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=60) as r:
            return json.loads(r.read())["value"]

    def go(self, url):
        self.s("POST", "/url", {"url": url})

    def find(self, css):
        return self.s("POST", "/element", {"using": "css selector", "value": css})[ELEMENT]

    def js(self, script, *args):
        return self.s("POST", "/execute/sync", {"script": script, "args": list(args)})

    def wait(self, script, timeout=10):
        t0 = time.time()
        while time.time() - t0 < timeout:
            v = self.js(script)
            if v:
                return v
            time.sleep(0.1)
        return None

    def shot(self, path):
        with open(path, "wb") as f:
            f.write(base64.b64decode(self.s("GET", "/screenshot")))

    def quit(self):
        try:
            self.s("DELETE", "")
        except Exception:  # noqa: BLE001 -- closing is best effort
            pass


def watch_new_article(b, url, tmp, idx, article):
    """Open `url`, click "Theo dõi", index `article` (a dict) into idx: the
    id the first alert links to (None within 15 s)."""
    b.go(url)
    b.wait("return document.getElementById('status').textContent.includes('bài') ? 1 : null")
    b.js("document.getElementById('watch').click()")
    b.wait("return document.getElementById('alerts').hidden ? null : 1")
    time.sleep(0.5)
    new = os.path.join(tmp, article["id"] + ".jsonl")
    with open(new, "w") as f:
        f.write(json.dumps(article, ensure_ascii=False) + "\n")
    index_data(idx, new)
    return b.wait("const a = document.querySelector('#alerts li a'); return a ? a.dataset.doc : null", 15)


def skip_reason():
    if os.environ.get("VN_BUILD", "build") != "build":
        return "the page is tested once, in the plain build's turn"
    if not shutil.which("chromium") or not shutil.which("chromedriver"):
        return "chromium and chromium-driver are not installed (config/install-deps.sh installs them)"
    return None


def main():
    tmp = workdir("page")
    idx = os.path.join(tmp, "index")
    xss = os.path.join(tmp, "xss.jsonl")
    with open(xss, "w") as f:  # a stored url that is a script
        f.write(json.dumps({"id": "xss-url", "title": "Bài có đường dẫn lạ", "url": "javascript:document.title='pwned'",
                            "body": "zyxwtest đường dẫn độc hại"}) + "\n")
        # a copy of a demo article, as another outlet runs it
        f.write(json.dumps(wire_copy("vnds-test-000001", "copy-000001"), ensure_ascii=False) + "\n")
        # dated today, "bão" once in a long text: last by relevance, first when fresh
        f.write(json.dumps({"id": "storm-today", "title": "Tin trong ngày", "date": datetime.date.today().isoformat(),
                            "body": "Thời tiết hôm nay có mưa rào rải rác. " * 40 + "Gió mạnh do bão."}) + "\n")
    index_data(idx, "demo-corpus.jsonl", "headlines-300.jsonl", xss)
    p, _, site = start_http(idx)
    shots = os.path.join(BUILD, "page-test")
    os.makedirs(shots, exist_ok=True)
    dport = free_port()
    driver = subprocess.Popen(["chromedriver", "--port=%d" % dport], stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    b = None
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen("http://127.0.0.1:%d/status" % dport, timeout=1)
                break
            except OSError:
                time.sleep(0.1)
        b = Browser(dport)
        b.go(site + "/")
        # completions as the query is typed: the marks typed kept, the commonest first
        b.s("POST", "/element/%s/value" % b.find("#q"), {"text": "đư"})
        opts = b.wait("const o = [...document.querySelectorAll('#completions option')].map(x => x.value);"
                      " return o.length ? o : null")
        ok(opts and opts[0] == "được" and all(w.startswith("đư") for w in opts),
           "typing \"đư\" offers được first, and only words beginning so", opts)
        b.s("POST", "/element/%s/clear" % b.find("#q"), {})
        b.s("POST", "/element/%s/value" % b.find("#q"), {"text": "ha noi\ue007"})  # typed without marks, Enter
        n = b.wait("return document.querySelectorAll('.hit').length")
        ok(n == 10, "a query typed without marks shows a page of hits (%s)" % n)
        first = b.js("const h = document.querySelector('.hit'); return {title: h.querySelector('h3').textContent,"
                     " href: h.querySelector('h3 a').href, marked: h.querySelector('.snippet b') ?"
                     " h.querySelector('.snippet b').textContent : ''}")
        ok(first["title"] and first["href"] and first["marked"].lower() in ("hà", "nội"),
           "a hit has its title, a link and the matched words highlighted", first)
        status = b.js("return document.getElementById('status').textContent")
        ok("1–10" in status, "the status line counts the hits", status)
        ok(b.js("return document.getElementById('auth').offsetHeight === 0 && document.getElementById('empty').offsetHeight === 0"),
           "no token form and no hint box while the daemon answers")
        dym = b.js("return document.querySelector('#didyoumean a') ? document.querySelector('#didyoumean a').textContent : ''")
        ok(dym == "hà nội", "the did-you-mean line offers the marks put back", dym)
        b.shot(os.path.join(shots, "search.png"))
        # related stories under a hit: five links, none of them the hit itself; a second click closes them
        own = b.js("const h = document.querySelector('.hit'); h.querySelector('.related-toggle').click();"
                   " return h.querySelector('h3 a').dataset.doc || h.querySelector('h3 a').getAttribute('href')")
        rel = b.wait("const l = [...document.querySelectorAll('.hit .related li a')].map(a => a.dataset.doc || a.getAttribute('href'));"
                     " return l.length ? l : null")
        ok(rel and len(rel) == 5 and own not in rel, "\"Tin liên quan\" lists five related stories under a hit", (own, rel))
        b.shot(os.path.join(shots, "related.png"))
        b.js("document.querySelector('.hit .related-toggle').click()")
        ok(b.wait("return document.querySelector('.hit .related') === null ? 'closed' : null") == "closed",
           "and a second click closes them")
        # a source facet narrows the hits to that source
        facet = b.js("const a = document.querySelector('#facets .facet a'); a.click();"
                     " return a.querySelector('.v').textContent")
        b.wait("return document.querySelector('.chip') !== null")
        metas = b.wait("const m = [...document.querySelectorAll('.hit .meta')].map(e => e.textContent);"
                       " return m.length && m.every(t => t.includes(%s)) ? m : null" % json.dumps(facet))
        ok(metas, "a click on the source facet \"%s\" keeps only its hits" % facet)
        b.js("document.querySelector('.chip').click()")
        b.wait("return document.querySelector('.chip') === null")
        # a month facet sets the date range
        month = b.js("const f = document.querySelectorAll('#facets .facet')[1]; const a = f.querySelector('a');"
                     " a.click(); return a.querySelector('.v').textContent")
        ok(b.wait("return document.getElementById('from').value.startsWith(%s)" % json.dumps(month)) and
           b.wait("const d = [...document.querySelectorAll('.hit .meta')].map(e => e.textContent.slice(0, 7));"
                  " return d.length && d.every(x => x === %s)" % json.dumps(month)),
           "a click on the month facet %s shows that month's hits" % month)
        b.js("document.querySelector('.chip').click()")
        b.wait("return document.querySelector('.chip') === null")
        # paging
        b.js("[...document.querySelectorAll('#pager button')].pop().click()")
        status = b.wait("const s = document.getElementById('status').textContent; return s.includes('11–') ? s : null")
        ok(status, "the next page shows hits 11 to 20", status)
        ok("offset=10" in b.s("GET", "/url"), "the page is in the address (bookmarkable)")
        # page numbers: the first, the last, and two either side of this one
        nums = b.js("return [...document.querySelectorAll('#pager button.num')].map(x => x.textContent)")
        ok(nums and nums[0] == "1" and "2" in nums and len(nums) >= 4, "numbered pages under the hits", nums)
        b.js("[...document.querySelectorAll('#pager button.num')].find(x => x.textContent === '3').click()")
        status = b.wait("const s = document.getElementById('status').textContent; return s.includes('21–30') ? s : null")
        cur = b.js("const c = document.querySelector('#pager [aria-current=page]'); return c ? c.textContent : null")
        ok(status and cur == "3", "page 3 shows hits 21 to 30 and is marked as the current page", (status, cur))
        # months by date, newest first
        months = b.js("const f = document.querySelectorAll('#facets .facet')[1];"
                      " return f ? [...f.querySelectorAll('.v')].map(x => x.textContent) : []")
        ok(len(months) >= 3 and months == sorted(months, reverse=True), "months listed by date, newest first", months)
        # the results come before the filters for the keyboard
        order = b.js("const h = document.querySelector('#hits a'), f = document.querySelector('#facets a');"
                     " return h && f && (h.compareDocumentPosition(f) & Node.DOCUMENT_POSITION_FOLLOWING) &&"
                     " ![...document.querySelectorAll('[tabindex]')].some(e => e.tabIndex > 0) ? 'results first' : null")
        ok(order == "results first", "Tab reaches the hits before the facet links")
        # "/" focuses the search box
        b.js("document.activeElement.blur()")
        b.s("POST", "/actions", {"actions": [{"type": "key", "id": "k", "actions": [
            {"type": "keyDown", "value": "/"}, {"type": "keyUp", "value": "/"}]}]})
        ok(b.wait("return document.activeElement && document.activeElement.id === 'q' ? 1 : null") == 1 and
           "/" not in b.js("return document.getElementById('q').value"), "\"/\" puts the cursor in the search box")
        # newest first: the switch sorts by date and goes into the address
        b.js("const s = document.getElementById('sort'); s.value = '-date'; s.dispatchEvent(new Event('change'))")
        dates = b.wait("if (!location.search.includes('sort=-date') || document.getElementById('results').getAttribute('aria-busy') === 'true') return null;"
                       " const d = [...document.querySelectorAll('.hit .meta')].map(e => e.textContent.slice(0, 10))"
                       ".filter(x => /^\\d{4}-/.test(x)); return d.length >= 5 ? d : null")
        ok(dates and dates == sorted(dates, reverse=True), "\"Xếp theo: mới nhất\" lists the newest first", dates)
        b.js("const s = document.getElementById('sort'); s.value = ''; s.dispatchEvent(new Event('change'))")
        # a visible loading state while the daemon answers (the answer held back 1.5 s here)
        b.js("window._f = window.fetch; window.fetch = (...a) => new Promise(r => setTimeout(() => r(window._f(...a)), 1500));"
             " document.querySelector('#form button[type=submit]').click()")
        busy = b.wait("const r = document.getElementById('results'); return r.getAttribute('aria-busy') === 'true' &&"
                      " r.classList.contains('loading') && document.getElementById('status').textContent.includes('Đang tìm') ? 1 : null", 1)
        done = b.wait("return document.getElementById('results').getAttribute('aria-busy') === 'false' ? 1 : null", 10)
        b.js("window.fetch = window._f")
        ok(busy == 1 and done == 1, "a visible loading state (Đang tìm…, aria-busy) while the answer comes, gone after")
        # an article without a web address opens in the page, as text; back returns to the hits
        b.go(site + "/?q=" + urllib.parse.quote("hà nội"))
        b.wait("return document.querySelectorAll('.hit').length")
        title = b.js("const a = [...document.querySelectorAll('.hit h3 a')].find(x => x.dataset.doc); a.click(); return a.textContent")
        body = b.wait("const r = document.getElementById('reader'); const t = document.getElementById('reader-title').textContent;"
                      " return !r.hidden && t !== 'Đang mở bài…' && document.querySelectorAll('#reader-body p').length ?"
                      " {title: t, paras: document.querySelectorAll('#reader-body p').length,"
                      " json: document.body.innerText.includes('\"ok\":true')} : null")
        ok(body and body["title"] == title and body["paras"] >= 1 and not body["json"] and "doc=" in b.s("GET", "/url"),
           "an article without a url opens in a reader view on the page (was: raw JSON)", body)
        b.shot(os.path.join(shots, "reader.png"))
        b.s("POST", "/back", {})
        ok(b.wait("return document.getElementById('reader').hidden && document.querySelectorAll('.hit').length ? 1 : null") == 1,
           "the back button returns to the hits")
        # a date typed in the query: a chip and the date boxes; removing it searches the words alone
        b.go(site + "/?q=" + urllib.parse.quote("bão tháng 8/2025"))
        chipt = b.wait("const c = [...document.querySelectorAll('.chip')].find(x => x.textContent.includes('tháng 8/2025'));"
                       " return c ? c.textContent : null")
        boxes = b.js("return [document.getElementById('from').value, document.getElementById('to').value]")
        ok(chipt and boxes == ["2025-08-01", "2025-08-31"], "a date typed in the query: a chip, and the date boxes filled",
           (chipt, boxes))
        b.js("[...document.querySelectorAll('.chip')].find(x => x.textContent.includes('tháng 8/2025')).click()")
        after = b.wait("const q = document.getElementById('q').value; return q === 'bão' && !document.querySelector('.chip') ?"
                       " [q, document.getElementById('from').value] : null")
        ok(after == ["bão", ""], "its ✕ takes the date out of the query and the boxes", after)
        # empty and no-result states, errors in Vietnamese, a stale did-you-mean cleared
        b.go(site + "/")
        hint = b.wait("const e = document.getElementById('empty'); return e.hidden ? null : e.textContent")
        ok(hint and "không dấu" in hint and "bão tháng 10/2025" in hint, "before a search: how to search, with examples", hint)
        b.go(site + "/?q=ha+noi")
        b.wait("return document.querySelector('#didyoumean a') ? 1 : null")
        b.go(site + "/?q=" + urllib.parse.quote("ha noi") + "&source=" + urllib.parse.quote("Không có báo này"))
        none = b.wait("const e = document.getElementById('empty'); return e.hidden ? null : e.textContent")
        ok(none and "Không tìm thấy bài nào" in none and "Bỏ mọi bộ lọc" in none,
           "no hits: said, with hints and a button to drop the filters", none)
        b.js("document.querySelector('#empty .chip').click()")
        ok(b.wait("return document.querySelectorAll('.hit').length ? 1 : null") == 1, "which brings hits back")
        long_q = " ".join("từ%d" % i for i in range(40))
        b.js("document.getElementById('q').value = arguments[0]; document.querySelector('#form button[type=submit]').click()", long_q)
        err = b.wait("const s = document.getElementById('status').textContent; return s.startsWith('Lỗi') ? s : null")
        ok(err and "bớt từ" in err and b.js("return document.getElementById('didyoumean').hidden"),
           "an error is said in Vietnamese, and the previous did-you-mean is gone", err)
        # "Gộp bản sao" (on by default): the copy under its original, not a hit of its own
        b.go(site + "/?q=" + urllib.parse.quote("bản án giả danh công an"))
        hrefs = b.wait("const l = [...document.querySelectorAll('.hit h3 a')].map(a => a.dataset.doc || a.getAttribute('href'));"
                       " return l.length ? l : null")
        copies = b.js("return [...document.querySelectorAll('.hit .copies a')].map(a => a.dataset.doc || a.getAttribute('href'))")
        ok(len([h for h in hrefs if h in ("vnds-test-000001", "copy-000001")]) == 1 and
           len(copies) == 1 and copies[0] in ("vnds-test-000001", "copy-000001"),
           "\"Gộp bản sao\": the copy is listed under its original, not a hit of its own", (hrefs, copies))
        b.js("document.getElementById('collapse').click()")
        both = b.wait("const l = [...document.querySelectorAll('.hit h3 a')].map(a => a.dataset.doc || a.getAttribute('href'));"
                      " return l.includes('copy-000001') && l.includes('vnds-test-000001') ? l : null")
        ok(both and "collapse=off" in b.s("GET", "/url"), "unticked, both are hits, and the address says so", both)
        # "Theo dõi": a standing search; a new article from an indexer run appears on top
        got = watch_new_article(b, site + "/?q=" + urllib.parse.quote("kỳ lân"), tmp, idx,
                                {"id": "unicorn-1", "title": "Con kỳ lân đá", "body": "Tượng kỳ lân đá được tìm thấy."})
        ok(got == "unicorn-1", "\"Theo dõi\": a new article that matches appears above the hits", got)
        b.js("document.getElementById('watch').click()")
        ok(b.wait("return document.getElementById('alerts').hidden ? 1 : null") == 1, "and a second click stops it")
        # "Tin mới trước": fresh=7 asked, and today's article comes first
        b.go(site + "/?q=b%C3%A3o")
        plain = b.wait("const a = document.querySelector('.hit h3 a'); return a ? a.dataset.doc || a.getAttribute('href') : null")
        b.js("document.getElementById('fresh').click()")
        fresh = b.wait("const a = document.querySelector('.hit h3 a');"
                       " return a && a.dataset.doc === 'storm-today' ? a.dataset.doc : null")
        ok(plain != "storm-today" and fresh and "fresh=7" in b.s("GET", "/url"),
           "\"Tin mới trước\" puts today's storm first, and goes into the address", (plain, fresh))
        b.go(site + "/?q=b%C3%A3o&fresh=7")
        ok(b.wait("return document.getElementById('fresh').checked ? 'on' : null") == "on",
           "a bookmarked fresh=7 ticks the box")
        # an article's javascript: url is no link (was: the title's href, run on a click)
        b.go(site + "/?q=zyxwtest")
        href = b.wait("const a = document.querySelector('.hit h3 a'); return a ? a.dataset.doc || a.getAttribute('href') : null")
        ok(href == "xss-url", "a javascript: url is not made a link (the document's own is)", href)
        b.js("document.querySelector('.hit h3 a').click()")
        time.sleep(0.5)
        ok(b.js("return document.title") != "pwned", "and a click runs no script")
        b.go(site + "/?q=ha+noi")
        b.wait("return document.querySelectorAll('.hit').length")
        # a phone's width: one column, nothing wider than the screen
        b.s("POST", "/window/rect", {"width": 390, "height": 844})
        wide = b.wait("return document.documentElement.scrollWidth <= window.innerWidth + 1 ? 'fits' : null")
        ok(wide == "fits", "at a phone's width nothing overflows sideways")
        bar = b.js("const f = document.getElementById('facetbox'), h = document.getElementById('hits');"
                   " return {open: f.open, above: f.getBoundingClientRect().top < h.getBoundingClientRect().top}")
        ok(bar["above"] and not bar["open"], "on a phone the filters are a folded bar above the results", bar)
        b.shot(os.path.join(shots, "phone.png"))
        b.js("document.querySelector('#facetbox summary').click()")
        ok(b.wait("return document.getElementById('facetbox').open && document.querySelector('#facets a').offsetHeight > 0 ? 1 : null") == 1,
           "which opens on a tap")
        b.shot(os.path.join(shots, "phone-filters.png"))
        ok(os.path.getsize(os.path.join(shots, "search.png")) > 10000, "screenshots saved in %s" % shots)
        # a daemon that wants a token (search_token): the page asks for it once, then searches and
        # watches with it
        b.s("POST", "/window/rect", {"width": 1280, "height": 900})
        p2, _, site2 = start_http(idx, "search_token = page-search-token-123\n")
        try:
            b.go(site2 + "/?q=ha+noi")
            asked = b.wait("return document.getElementById('auth').offsetHeight > 0 &&"
                           " document.getElementById('status').textContent.includes('mã truy cập') ? 1 : null")
            ok(asked == 1, "search_token set: the page asks for the token, in Vietnamese")
            b.s("POST", "/element/%s/value" % b.find("#token"), {"text": "page-search-token-123"})
            b.js("document.querySelector('#auth button').click()")
            n = b.wait("return document.querySelectorAll('.hit').length")
            ok(n == 10 and b.js("return document.getElementById('auth').offsetHeight === 0"),
               "given, it searches with it (%s hits) and the form goes" % n)
            got = watch_new_article(b, site2 + "/?q=" + urllib.parse.quote("kỳ lân vàng"), tmp, idx,
                                    {"id": "unicorn-2", "title": "Kỳ lân vàng", "body": "Tượng kỳ lân vàng ở Huế."})
            ok(got == "unicorn-2", "and alerts come with the token too (was: an EventSource, which sends none)", got)
            b.js("document.getElementById('watch').click()")
        finally:
            stop(p2)
    finally:
        if b:
            b.quit()
        driver.kill()
        driver.wait()
    ok(stop(p) == 0, "stops cleanly")


if __name__ == "__main__":
    if skip_reason():
        print("1..0 # SKIP " + skip_reason())
    else:
        run(main, 180)
