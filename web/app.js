// SPDX-License-Identifier: GPL-2.0-or-later
// app.js -- the search page's behaviour: asks the daemon's /search (JSON,
// the line protocol's reply) with the query, the date range, a source,
// newer-first (fresh=), copies folded (collapse=) and the page; offers
// completions (/suggest) as the query is typed, and alerts of new articles
// (/watch); shows hits, facets (source, month) to click, and a pager.
// Only the snippet is HTML (escaped by the daemon, matches in <b>); every
// other field is put in as text.  The state lives in the address, so a
// search can be bookmarked and the back button works.
"use strict";
const PAGE = 10;
const $ = (id) => document.getElementById(id);
const FRESH_DAYS = 7; // "Tin mới trước": fresh=7, a week's half-life (docs/ranking.md)
// collapse: on unless the address says collapse=off (a newsroom wants one hit per story)
let state = { q: "", from: "", to: "", source: "", fresh: "", collapse: true, offset: 0 };

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

function readAddress() {
  const p = new URLSearchParams(location.search);
  state = { q: p.get("q") || "", from: p.get("from") || "", to: p.get("to") || "",
            source: p.get("source") || "", fresh: p.get("fresh") || "", collapse: p.get("collapse") !== "off",
            offset: parseInt(p.get("offset") || "0", 10) || 0 };
  $("q").value = state.q;
  $("from").value = state.from;
  $("to").value = state.to;
  $("fresh").checked = !!state.fresh;
  $("collapse").checked = state.collapse;
}

function writeAddress(push) {
  const p = new URLSearchParams();
  for (const k of ["q", "from", "to", "source", "fresh"]) if (state[k]) p.set(k, state[k]);
  if (!state.collapse) p.set("collapse", "off");
  if (state.offset) p.set("offset", state.offset);
  const url = p.toString() ? "?" + p.toString() : location.pathname;
  (push ? history.pushState : history.replaceState).call(history, null, "", url);
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
  b.addEventListener("click", () => { clear(); state.offset = 0; run(true); });
  return b;
}

// A hit's title as a link: to its url when that is a web address, else
// to the stored document.
function hitLink(h) {
  const a = el("a", "", h.title || h.id);
  const link = safeUrl(h.url);
  a.href = link || ("/documents/" + encodeURIComponent(h.id));
  if (link) a.rel = "noopener";
  return a;
}

// The filters in force, added to request parameters p.
function withFilters(p) {
  if (state.from) p.set("from", state.from);
  if (state.to) p.set("to", state.to);
  if (state.source) p.set("source", state.source);
  if (state.fresh) p.set("fresh", state.fresh);
  p.set("collapse", state.collapse ? "on" : "off");
  return p;
}

function render(r) {
  const hits = $("hits"), facets = $("facets"), pager = $("pager"), filters = $("filters");
  hits.replaceChildren();
  facets.replaceChildren();
  pager.replaceChildren();
  filters.replaceChildren();
  if (!r.ok) {
    $("status").textContent = "Lỗi: " + r.error.message;
    return;
  }
  const dym = $("didyoumean");
  dym.replaceChildren();
  dym.hidden = !r.did_you_mean;
  if (r.did_you_mean) { // the query with its marks put back, from the archive
    dym.appendChild(document.createTextNode("Có phải bạn muốn tìm: "));
    const a = el("a", "", r.did_you_mean);
    a.href = "#";
    a.addEventListener("click", (ev) => { ev.preventDefault(); state.q = r.did_you_mean; $("q").value = state.q; state.offset = 0; run(true); });
    dym.appendChild(a);
  }
  const exact = r.total_min === r.total_max;
  $("status").textContent = (exact ? "" : "khoảng ") + r.total.toLocaleString("vi-VN") + " bài" +
    (r.hits.length ? " · " + (state.offset + 1) + "–" + (state.offset + r.hits.length) : "");
  if (state.source) filters.appendChild(chip("Nguồn: " + state.source, () => { state.source = ""; }));
  if (state.from || state.to)
    filters.appendChild(chip("Ngày: " + (state.from || "…") + " – " + (state.to || "…"),
                             () => { state.from = state.to = ""; $("from").value = $("to").value = ""; }));
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
        a.href = "/documents/" + encodeURIComponent(id);
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
  if (f.source && f.source.length)
    facets.appendChild(facetList("Nguồn", f.source, state.source, (v) => { state.source = v; state.offset = 0; run(true); }));
  if (f.month && f.month.length)
    facets.appendChild(facetList("Tháng", f.month, state.from && state.from.slice(0, 7), (m) => {
      state.from = m + "-01"; state.to = lastDay(m); $("from").value = state.from; $("to").value = state.to;
      state.offset = 0; run(true);
    }));
  const prev = el("button", "", "‹ Trước"), next = el("button", "", "Sau ›");
  prev.type = next.type = "button";
  prev.disabled = state.offset === 0;
  next.disabled = state.offset + r.hits.length >= r.total;
  prev.addEventListener("click", () => { state.offset = Math.max(0, state.offset - PAGE); run(true); });
  next.addEventListener("click", () => { state.offset += PAGE; run(true); });
  if (r.total > PAGE) { pager.appendChild(prev); pager.appendChild(next); }
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
    const res = await fetch("/documents/" + encodeURIComponent(id) + "/related?" + p.toString());
    const r = await res.json();
    box.replaceChildren();
    if (!r.ok || !r.hits.length) {
      box.appendChild(el("p", "meta", r.ok ? "Không có tin liên quan." : "Lỗi: " + r.error.message));
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
    box.replaceChildren(el("p", "meta", "Không kết nối được máy chủ tìm kiếm."));
  }
}

let seq = 0;
async function run(push) {
  writeAddress(push);
  if (!state.q.trim()) {
    $("status").textContent = "";
    $("hits").replaceChildren();
    $("facets").replaceChildren();
    $("pager").replaceChildren();
    return;
  }
  const p = withFilters(new URLSearchParams({ q: state.q, limit: PAGE, offset: state.offset, facets: "source,month" }));
  const mine = ++seq;
  $("status").textContent = "Đang tìm…";
  try {
    const res = await fetch("/search?" + p.toString());
    const r = await res.json();
    if (mine === seq) render(r);
  } catch (e) {
    if (mine === seq) $("status").textContent = "Không kết nối được máy chủ tìm kiếm.";
  }
  if (mine === seq) window.scrollTo(0, 0);
}

// "Theo dõi": a standing search on what is typed (GET /watch, Server-Sent
// Events); each new article that matches goes on top of the list above
// the hits.  A second click, or watching another query, ends it.
let watching = null;
$("watch").addEventListener("click", () => {
  const box = $("alerts");
  if (watching) {
    watching.close();
    watching = null;
    $("watch").textContent = "Theo dõi";
    box.hidden = true;
    return;
  }
  const q = $("q").value.trim();
  if (!q) return;
  watching = new EventSource("/watch?" + new URLSearchParams({ q }).toString());
  $("watch").textContent = "Thôi theo dõi";
  box.querySelector("h2").textContent = "Đang theo dõi «" + q + "»: bài mới sẽ hiện ở đây";
  box.querySelector("ul").replaceChildren();
  box.hidden = false;
  watching.addEventListener("alert", (ev) => {
    const a = JSON.parse(ev.data);
    const li = el("li", "alert");
    li.appendChild(hitLink(a));
    const meta = [a.date, a.source].filter(Boolean).join(" · ");
    if (meta) li.appendChild(el("span", "meta", " " + meta));
    box.querySelector("ul").prepend(li);
  });
  watching.addEventListener("error", () => {
    if (watching && watching.readyState === EventSource.CLOSED) box.querySelector("h2").textContent = "Mất kết nối theo dõi.";
  });
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
      const res = await fetch("/suggest?" + new URLSearchParams({ q: text }).toString());
      const r = await res.json();
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
  run(true);
});
for (const id of ["from", "to"])
  $(id).addEventListener("change", () => { state[id] = $(id).value; state.offset = 0; if (state.q) run(true); });
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
window.addEventListener("popstate", () => { readAddress(); run(false); });
readAddress();
if (state.q) run(false);
