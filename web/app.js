// SPDX-License-Identifier: GPL-2.0-or-later
// app.js -- the search page's behaviour: asks the daemon's /search (JSON,
// the line protocol's reply) with the query, the date range, a source,
// the order (relevance or newest first), newer-first (fresh=), copies
// folded (collapse=) and the page; offers completions (/suggest) as the
// query is typed, and alerts of new articles (/watch); shows hits, facets
// (source; months newest first) to click, a date typed in the query as a
// chip, page numbers, and an article without a web address in a reader
// view (/documents/{id}).  Only the snippet is HTML (escaped by the daemon,
// matches in <b>); every other field is put in as text.  The state lives in
// the address, so a search (or an article read) can be bookmarked and the
// back button works.  Messages are Vietnamese; "/" focuses the box.  When
// the daemon asks for an access token (search_token), the page asks the
// user and sends it with every request, alerts included.
"use strict";
const PAGE = 10;
const $ = (id) => document.getElementById(id);
const FRESH_DAYS = 7; // "Tin mới trước": fresh=7, a week's half-life (docs/ranking.md)
// collapse: on unless the address says collapse=off (a newsroom wants one hit per story)
let state = { q: "", from: "", to: "", source: "", sort: "", fresh: "", collapse: true, offset: 0, doc: "", dates: "" };

// The daemon's error codes in Vietnamese (its own message, English, is kept in a title).
const ERRORS = {
  BADREQ: "Câu tìm không hợp lệ.",
  LIMIT: "Câu tìm dài quá hoặc hỏi quá nhiều: hãy bớt từ.",
  NOAUTH: "Máy chủ cần mã truy cập.",
  NOTFOUND: "Không có bài này trong kho.",
  SERVER: "Máy chủ tìm kiếm gặp lỗi; hãy thử lại.",
  BUSY: "Máy chủ đang bận; hãy thử lại sau ít giây.",
  SHUTDOWN: "Máy chủ đang khởi động lại; hãy thử lại sau ít giây.",
  UNAVAILABLE: "Một phần kho bài không trả lời; hãy thử lại sau.",
};
const OFFLINE = "Không kết nối được máy chủ tìm kiếm.";

// An article's url as a link only when it is http(s): a stored
// "javascript:..." url ran its script on a click (stored XSS).
function safeUrl(u) {
  if (!u) return "";
  try {
    const parsed = new URL(u, location.href);
    return parsed.protocol === "http:" || parsed.protocol === "https:" ? parsed.href : "";
  } catch (e) {
    return "";
  }
}

// The access token the user gave when the daemon asked for one
// (search_token), as request headers; the token form shown when refused.
function authHeaders() {
  const token = sessionStorage.getItem("vnsearch-token");
  return token ? { Authorization: "Bearer " + token } : {};
}
function askTokenIfRefused(res) {
  if (res.status === 401 || res.status === 403) $("auth").hidden = false;
}

// A request to the daemon: the reply's JSON, or an error object.
async function api(path) {
  const res = await fetch(path, { headers: authHeaders() });
  askTokenIfRefused(res);
  return res.json();
}

function readAddress() {
  const p = new URLSearchParams(location.search);
  state = { q: p.get("q") || "", from: p.get("from") || "", to: p.get("to") || "",
            source: p.get("source") || "", sort: p.get("sort") === "-date" ? "-date" : "",
            fresh: p.get("fresh") || "", collapse: p.get("collapse") !== "off",
            offset: parseInt(p.get("offset") || "0", 10) || 0, doc: p.get("doc") || "",
            dates: p.get("dates") === "off" ? "off" : "" };
  $("q").value = state.q;
  $("from").value = state.from;
  $("to").value = state.to;
  $("sort").value = state.sort;
  $("fresh").checked = !!state.fresh;
  $("collapse").checked = state.collapse;
}

function address(s) {
  const p = new URLSearchParams();
  for (const k of ["q", "from", "to", "source", "sort", "fresh", "dates"]) if (s[k]) p.set(k, s[k]);
  if (!s.collapse) p.set("collapse", "off");
  if (s.offset) p.set("offset", s.offset);
  if (s.doc) p.set("doc", s.doc);
  return p.toString() ? "?" + p.toString() : location.pathname;
}

function writeAddress(push) {
  (push ? history.pushState : history.replaceState).call(history, null, "", address(state));
}

function el(tag, cls, text) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}

function lastDay(month) { // "2025-09" -> "2025-09-30"
  const [y, m] = month.split("-").map(Number);
  return month + "-" + String(new Date(Date.UTC(y, m, 0)).getUTCDate()).padStart(2, "0");
}

function facetList(title, values, active, pick) {
  const box = el("div", "facet");
  box.appendChild(el("h2", "", title));
  const ul = el("ul");
  for (const v of values) {
    const li = el("li");
    const a = el("a");
    a.href = "#";
    if (v.value === active) a.classList.add("on");
    a.appendChild(el("span", "v", v.value));
    a.appendChild(el("span", "n", String(v.count)));
    a.addEventListener("click", (ev) => { ev.preventDefault(); pick(v.value); });
    li.appendChild(a);
    ul.appendChild(li);
  }
  box.appendChild(ul);
  return box;
}

function chip(text, clear) {
  const b = el("button", "chip", text + " ✕");
  b.type = "button";
  b.title = "Bỏ điều kiện này";
  b.addEventListener("click", () => { clear(); state.offset = 0; run(true); });
  return b;
}

// A hit's title as a link: to its url when that is a web address, else
// to the article in the reader view of this page.
function hitLink(h) {
  const a = el("a", "", h.title || h.id);
  const link = safeUrl(h.url);
  if (link) {
    a.href = link;
    a.rel = "noopener";
  } else {
    docLink(a, h.id);
  }
  return a;
}

function docLink(a, id) {
  a.href = address(Object.assign({}, state, { doc: id }));
  a.dataset.doc = id;
  a.addEventListener("click", (ev) => {
    if (ev.ctrlKey || ev.metaKey || ev.shiftKey || ev.button !== 0) return; // a new tab opens the address
    ev.preventDefault();
    state.doc = id;
    writeAddress(true);
    showDoc();
  });
}

// The filters in force, added to request parameters p.
function withFilters(p) {
  if (state.from) p.set("from", state.from);
  if (state.to) p.set("to", state.to);
  if (state.source) p.set("source", state.source);
  if (state.sort) p.set("sort", state.sort);
  if (state.fresh) p.set("fresh", state.fresh);
  if (state.dates) p.set("dates", state.dates);
  p.set("collapse", state.collapse ? "on" : "off");
  return p;
}

// The error of a reply, in Vietnamese, into `node`.
function showError(node, r) {
  const code = r && r.error ? r.error.code : "";
  node.textContent = "Lỗi: " + (ERRORS[code] || "máy chủ trả lời bất thường.");
  node.title = r && r.error ? r.error.message : "";
}

// Page numbers: the first, the last, and two either side of this one.
function pager(total) {
  const nav = $("pager");
  const pages = Math.ceil(total / PAGE), cur = Math.floor(state.offset / PAGE);
  if (pages <= 1) return;
  const go = (k) => { state.offset = k * PAGE; run(true); };
  const button = (label, k, cls) => {
    const b = el("button", cls || "", label);
    b.type = "button";
    if (k === cur) {
      b.setAttribute("aria-current", "page");
      b.disabled = true;
    } else if (k < 0 || k >= pages) {
      b.disabled = true;
    } else {
      b.addEventListener("click", () => go(k));
    }
    return b;
  };
  nav.appendChild(button("‹ Trước", cur - 1, "step"));
  let last = -1;
  for (let k = 0; k < pages; k++) {
    if (k !== 0 && k !== pages - 1 && Math.abs(k - cur) > 2) continue;
    if (k - last > 1) nav.appendChild(el("span", "gap", "…"));
    const b = button(String(k + 1), k, "num");
    b.setAttribute("aria-label", "Trang " + (k + 1));
    nav.appendChild(b);
    last = k;
  }
  nav.appendChild(button("Sau ›", cur + 1 < pages ? cur + 1 : -1, "step"));
}

// What to show instead of hits: before any search, and when none match.
function showEmpty(r) {
  const box = $("empty");
  box.replaceChildren();
  box.hidden = false;
  if (!r) {
    box.appendChild(el("p", "", "Gõ từ khoá rồi nhấn Enter; có dấu hay không dấu, kiểu bỏ dấu nào cũng được."));
    const ul = el("ul");
    for (const [q, why] of [["hà nội", "có dấu"], ["ha noi", "không dấu: tìm mọi cách viết"],
                            ["\"công an\"", "cả cụm, đúng thứ tự"], ["bão tháng 10/2025", "ngày tháng gõ thẳng vào câu tìm"],
                            ["lương cường -chủ tịch", "dấu trừ: bỏ bài có từ này"]]) {
      const li = el("li");
      const a = el("a", "", q);
      a.href = address({ q, collapse: true });
      a.addEventListener("click", (ev) => { ev.preventDefault(); state.q = q; $("q").value = q; state.offset = 0; run(true); });
      li.appendChild(a);
      li.appendChild(document.createTextNode(" — " + why));
      ul.appendChild(li);
    }
    box.appendChild(ul);
    box.appendChild(el("p", "meta", "Phím / đưa con trỏ về ô tìm kiếm."));
    return;
  }
  box.appendChild(el("p", "", "Không tìm thấy bài nào cho «" + state.q + "»."));
  const ul = el("ul");
  if (r.did_you_mean) ul.appendChild(el("li", "", "Thử cách viết có dấu ở trên: «" + r.did_you_mean + "»."));
  if (state.source || state.from || state.to) {
    const li = el("li");
    const b = el("button", "chip", "Bỏ mọi bộ lọc (nguồn, ngày)");
    b.type = "button";
    b.addEventListener("click", () => {
      state.source = state.from = state.to = "";
      $("from").value = $("to").value = "";
      state.offset = 0;
      run(true);
    });
    li.appendChild(b);
    ul.appendChild(li);
  }
  ul.appendChild(el("li", "", "Bớt từ, hoặc gõ không dấu để tìm mọi cách viết."));
  box.appendChild(ul);
}

function setDidYouMean(r) {
  const dym = $("didyoumean");
  dym.replaceChildren();
  dym.hidden = !(r && r.did_you_mean);
  if (dym.hidden) return;
  // the query with its marks put back, from the archive
  dym.appendChild(document.createTextNode("Có phải bạn muốn tìm: "));
  const a = el("a", "", r.did_you_mean);
  a.href = address(Object.assign({}, state, { q: r.did_you_mean, offset: 0 }));
  a.addEventListener("click", (ev) => { ev.preventDefault(); state.q = r.did_you_mean; $("q").value = state.q; state.offset = 0; run(true); });
  dym.appendChild(a);
}

function clearResults() {
  for (const id of ["hits", "facets", "pager", "filters"]) $(id).replaceChildren();
  $("empty").hidden = true;
  $("status").textContent = "";
  $("status").title = "";
}

function render(r) {
  clearResults();
  setDidYouMean(r && r.ok ? r : null); // an error clears an older did-you-mean
  if (!r.ok) {
    showError($("status"), r);
    return;
  }
  const exact = r.total_min === r.total_max;
  $("status").textContent = (exact ? "" : "khoảng ") + r.total.toLocaleString("vi-VN") + " bài" +
    (r.hits.length ? " · " + (state.offset + 1) + "–" + (state.offset + r.hits.length) : "");
  const filters = $("filters");
  $("from").value = state.from;
  $("to").value = state.to;
  if (r.dates) { // a date typed in the query: a filter, shown in the date boxes too
    $("from").value = r.dates.from;
    $("to").value = r.dates.to;
    filters.appendChild(chip("Ngày trong câu tìm: «" + r.dates.words + "» (" + r.dates.from + " – " + r.dates.to + ")", () => {
      // removed: the words out of the query, or (written otherwise) the dates read as words
      const i = state.q.toLowerCase().indexOf(r.dates.words.toLowerCase());
      if (i < 0) state.dates = "off";
      else state.q = (state.q.slice(0, i) + state.q.slice(i + r.dates.words.length)).replace(/\s+/g, " ").trim();
      $("q").value = state.q;
    }));
  }
  if (state.source) filters.appendChild(chip("Nguồn: " + state.source, () => { state.source = ""; }));
  if (state.from || state.to)
    filters.appendChild(chip("Ngày: " + (state.from || "…") + " – " + (state.to || "…"),
                             () => { state.from = state.to = ""; $("from").value = $("to").value = ""; }));
  if (!r.hits.length) showEmpty(r);
  const hits = $("hits");
  for (const h of r.hits) {
    const li = el("li", "hit");
    const h3 = el("h3");
    h3.appendChild(hitLink(h));
    li.appendChild(h3);
    li.appendChild(el("div", "meta", [h.date, h.source].filter(Boolean).join(" · ")));
    const p = el("p", "snippet");
    p.innerHTML = h.snippet || ""; // HTML from the daemon: the article's text escaped, matches in <b>
    li.appendChild(p);
    if (h.copies && h.copies.length) { // the same story in other outlets
      const c = el("p", "meta copies", "Cùng tin (" + h.copies.length + " bản sao): ");
      h.copies.forEach((id, k) => {
        const a = el("a", "", id);
        docLink(a, id);
        if (k) c.appendChild(document.createTextNode(", "));
        c.appendChild(a);
      });
      li.appendChild(c);
    }
    const more = el("button", "related-toggle", "Tin liên quan");
    more.type = "button";
    more.addEventListener("click", () => toggleRelated(li, h.id));
    li.appendChild(more);
    hits.appendChild(li);
  }
  const f = r.facets || {};
  const facets = $("facets");
  if (f.source && f.source.length)
    facets.appendChild(facetList("Nguồn", f.source, state.source, (v) => { state.source = v; state.offset = 0; run(true); }));
  if (f.month && f.month.length) { // by date, newest first (the daemon lists the most articles first)
    const months = f.month.slice().sort((a, b) => (a.value < b.value ? 1 : a.value > b.value ? -1 : 0));
    facets.appendChild(facetList("Tháng", months, state.from && state.from.slice(0, 7), (m) => {
      state.from = m + "-01"; state.to = lastDay(m); $("from").value = state.from; $("to").value = state.to;
      state.offset = 0; run(true);
    }));
  }
  pager(r.total);
}

// The related stories of hit `id`, in a list under it (a second click
// closes it): GET /documents/{id}/related, the filters in force kept.
async function toggleRelated(li, id) {
  const open = li.querySelector(".related");
  if (open) { open.remove(); return; }
  const box = el("div", "related");
  box.appendChild(el("p", "meta", "Đang tìm tin liên quan…"));
  li.appendChild(box);
  const p = withFilters(new URLSearchParams({ limit: 5 }));
  try {
    const r = await api("/documents/" + encodeURIComponent(id) + "/related?" + p.toString());
    box.replaceChildren();
    if (!r.ok || !r.hits.length) {
      const m = el("p", "meta", "Không có tin liên quan.");
      if (!r.ok) showError(m, r);
      box.appendChild(m);
      return;
    }
    box.appendChild(el("h4", "", "Tin liên quan"));
    const ul = el("ul");
    for (const x of r.hits) {
      const item = el("li");
      item.appendChild(hitLink(x));
      const meta = [x.date, x.source].filter(Boolean).join(" · ");
      if (meta) item.appendChild(el("span", "meta", " " + meta));
      ul.appendChild(item);
    }
    box.appendChild(ul);
  } catch (e) {
    box.replaceChildren(el("p", "meta", OFFLINE));
  }
}

// The reader view: an article without a web address, from the archive
// (GET /documents/{id}), its body as paragraphs of text.
async function showDoc() {
  const reader = $("reader");
  document.body.classList.add("reading");
  reader.hidden = false;
  $("reader-title").textContent = "Đang mở bài…";
  $("reader-meta").textContent = "";
  $("reader-body").replaceChildren();
  try {
    const r = await api("/documents/" + encodeURIComponent(state.doc));
    if (!r.ok) {
      showError($("reader-title"), r);
      return;
    }
    const d = r.doc;
    $("reader-title").textContent = d.title || d.id;
    $("reader-meta").textContent = [d.date, d.source, d.dateline].filter(Boolean).join(" · ");
    for (const para of (d.body || "").split(/\n+/)) if (para.trim()) $("reader-body").appendChild(el("p", "", para));
    const link = safeUrl(d.url);
    if (link) {
      const a = el("a", "", "Bài gốc");
      a.href = link;
      a.rel = "noopener";
      $("reader-body").appendChild(a);
    }
    reader.focus({ preventScroll: true }); // a screen reader starts at the article
    window.scrollTo(0, 0);
  } catch (e) {
    $("reader-title").textContent = OFFLINE;
  }
}

function closeDoc() {
  document.body.classList.remove("reading");
  $("reader").hidden = true;
}

let seq = 0;
async function run(push) {
  state.doc = "";
  closeDoc();
  writeAddress(push);
  if (!state.q.trim()) {
    clearResults();
    setDidYouMean(null);
    showEmpty(null);
    return;
  }
  const p = withFilters(new URLSearchParams({ q: state.q, limit: PAGE, offset: state.offset, facets: "source,month" }));
  const mine = ++seq;
  const results = $("results");
  results.classList.add("loading");
  results.setAttribute("aria-busy", "true");
  $("status").textContent = "Đang tìm…";
  try {
    const r = await api("/search?" + p.toString());
    if (mine === seq) render(r);
  } catch (e) {
    if (mine === seq) {
      clearResults();
      setDidYouMean(null);
      $("status").textContent = OFFLINE;
    }
  }
  if (mine === seq) {
    results.classList.remove("loading");
    results.setAttribute("aria-busy", "false");
    window.scrollTo(0, 0);
  }
}

// "Theo dõi": a standing search on what is typed (GET /watch, a stream of
// Server-Sent Events, read with fetch so that the access token goes with
// it: an EventSource sends no header); each new article that matches goes
// on top of the list above the hits.  A second click ends it.
let watching = null; // its AbortController
function stopWatching() {
  if (watching) watching.abort();
  watching = null;
  $("watch").textContent = "Theo dõi";
  $("alerts").hidden = true;
}

// Each "event: NAME / data: JSON" block of the stream, to onEvent.
async function readEvents(res, onEvent) {
  const reader = res.body.getReader(), dec = new TextDecoder();
  let buf = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buf += dec.decode(value, { stream: true });
    let end;
    while ((end = buf.indexOf("\n\n")) >= 0) {
      const block = buf.slice(0, end);
      buf = buf.slice(end + 2);
      const name = (block.match(/^event: (.*)$/m) || [])[1], data = (block.match(/^data: (.*)$/m) || [])[1];
      if (name && data) onEvent(name, JSON.parse(data));
    }
  }
}

$("watch").addEventListener("click", async () => {
  const box = $("alerts");
  if (watching) return stopWatching();
  const q = $("q").value.trim();
  if (!q) return;
  const ctrl = new AbortController();
  watching = ctrl;
  $("watch").textContent = "Thôi theo dõi";
  box.querySelector("h2").textContent = "Đang theo dõi «" + q + "»: bài mới sẽ hiện ở đây";
  box.querySelector("ul").replaceChildren();
  box.hidden = false;
  try {
    const res = await fetch("/watch?" + new URLSearchParams({ q }).toString(), { signal: ctrl.signal, headers: authHeaders() });
    if (!res.ok) {
      askTokenIfRefused(res);
      showError(box.querySelector("h2"), await res.json());
      return;
    }
    await readEvents(res, (name, a) => {
      if (name !== "alert") return;
      const li = el("li", "alert");
      li.appendChild(hitLink(a));
      const meta = [a.date, a.source].filter(Boolean).join(" · ");
      if (meta) li.appendChild(el("span", "meta", " " + meta));
      box.querySelector("ul").prepend(li);
    });
    if (watching === ctrl) box.querySelector("h2").textContent = "Mất kết nối theo dõi.";
  } catch (e) {
    if (watching === ctrl) box.querySelector("h2").textContent = "Mất kết nối theo dõi.";
  }
});

// Completions of what is being typed, under the box: GET /suggest (the
// archive's words beginning as typed, marks kept), a moment after the
// last key; an answer to older text is dropped.
let suggestTimer = 0, suggestSeq = 0;
$("q").addEventListener("input", () => {
  clearTimeout(suggestTimer);
  const text = $("q").value;
  if (!text.trim()) { $("completions").replaceChildren(); return; }
  suggestTimer = setTimeout(async () => {
    const mine = ++suggestSeq;
    try {
      const r = await api("/suggest?" + new URLSearchParams({ q: text }).toString());
      if (mine !== suggestSeq || !r.ok) return;
      $("completions").replaceChildren(...r.suggestions.map((w) => { const o = el("option"); o.value = w; return o; }));
    } catch (e) {
      // no completions: the search itself still works
    }
  }, 150);
});

$("form").addEventListener("submit", (ev) => {
  ev.preventDefault();
  state.q = $("q").value;
  state.offset = 0;
  state.dates = "";
  run(true);
});
$("auth").addEventListener("submit", (ev) => {
  ev.preventDefault();
  sessionStorage.setItem("vnsearch-token", $("token").value);
  $("auth").hidden = true;
  if (state.doc) showDoc();
  else run(false);
});
for (const id of ["from", "to"])
  $(id).addEventListener("change", () => { state[id] = $(id).value; state.offset = 0; if (state.q) run(true); });
$("sort").addEventListener("change", () => { state.sort = $("sort").value; state.offset = 0; if (state.q) run(true); });
$("collapse").addEventListener("change", () => {
  state.collapse = $("collapse").checked;
  state.offset = 0;
  if (state.q) run(true);
});
$("fresh").addEventListener("change", () => {
  state.fresh = $("fresh").checked ? String(FRESH_DAYS) : "";
  state.offset = 0;
  if (state.q) run(true);
});
$("back").addEventListener("click", () => history.back());
// "/" anywhere but in a field: to the search box
document.addEventListener("keydown", (ev) => {
  const t = ev.target;
  if (ev.key !== "/" || ev.ctrlKey || ev.metaKey || ev.altKey) return;
  if (t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName))) return;
  ev.preventDefault();
  $("q").focus();
  $("q").select();
});
// on a phone the filters start folded, above the results
const phone = window.matchMedia("(max-width: 720px)");
$("facetbox").open = !phone.matches;
phone.addEventListener("change", () => { $("facetbox").open = !phone.matches; });

function fromAddress() {
  readAddress();
  if (state.doc) {
    // the results behind the article, when the address has a query
    const doc = state.doc;
    if (state.q && !$("hits").children.length) run(false).then(() => { state.doc = doc; writeAddress(false); showDoc(); });
    else showDoc();
  } else {
    run(false);
  }
}
window.addEventListener("popstate", fromAddress);
fromAddress();
