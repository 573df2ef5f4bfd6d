#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""relevance.py -- known-item and precision checks (make relevance).

Indexes ../shared/corpus/vi-news.jsonl, the whole archive (29,883 articles;
--quick: vi-news-small.jsonl, 1,000, where a pair of words side by side
almost always means the words, and figures look better than they are),
then asks a
few hundred windows of 2-4 consecutive syllables taken deterministically
from the articles' bodies, each in three forms:
  as written         the syllables as the article has them
  without marks      every mark removed, đ -> d
  other tone style   hoà <-> hòa, thuỷ <-> thủy ... on separate windows
                     chosen around such a syllable
and reports how often the source article comes first (top-1) and in the
first ten (top-10).  A window whose folded text occurs in more than one
article (title or body) is skipped: no engine can know which of them the user means.

Then the precision check: n-grams of 1-3 words (at least one with marks)
taken deterministically from the bodies, asked as written and without
marks; P@10 is the share of the top 10 that hold what was typed (the words
adjacent and in order; in either tone style as written, folded without
marks) over min(10, documents that hold it), averaged over the queries.
Skips cleanly (exit 0, a SKIP line) when the corpus is absent.
"""
import argparse
import bisect
import json
import os
import re
import random
import subprocess
import sys
import tempfile
import unicodedata

TONES = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}


# The i/y spellings of one word, as the tokenizer writes them
# (common/text/text_syllable.c): what was typed is either.
IY = {"hi": "hy", "kì": "kỳ", "kí": "ký", "kỉ": "kỷ", "kĩ": "kỹ", "kị": "kỵ", "lí": "lý", "lị": "lỵ", "lỳ": "lì",
      "mĩ": "mỹ", "mỳ": "mì", "sỹ": "sĩ", "tỉ": "tỷ", "tỵ": "tị", "tì": "tỳ", "tý": "tí"}


def iy(s):
    """s (lower case) with the i/y spellings of one word made one."""
    return re.sub(r"\w+", lambda m: IY.get(m.group(0), m.group(0)), unicodedata.normalize("NFC", s))


def fold(s):
    d = unicodedata.normalize("NFD", iy(s.lower()))
    d = "".join(c for c in d if not unicodedata.combining(c))
    return d.replace("đ", "d")


def swap_tone_style(word):
    """hoà <-> hòa, hoè <-> hòe, thuỷ <-> thủy for open oa/oe/uy syllables."""
    d = unicodedata.normalize("NFD", word)
    base = [c for c in d if not unicodedata.combining(c)]
    tone = [c for c in d if c in TONES]
    if len(tone) != 1:
        return word
    b = "".join(base).lower()
    for pair in ("oa", "oe", "uy"):
        if b.endswith(pair) and not (pair == "uy" and b.endswith("quy")):
            # rebuild with the tone on the other vowel of the pair
            out, i, placed = [], 0, False
            letters = []  # (base, marks)
            for c in d:
                if unicodedata.combining(c):
                    letters[-1][1].append(c)
                else:
                    letters.append([c, []])
            cur = next(k for k, l in enumerate(letters) if tone[0] in l[1])
            first, second = len(letters) - 2, len(letters) - 1
            target = first if cur == second else second if cur == first else None
            if target is None:
                return word
            letters[cur][1].remove(tone[0])
            letters[target][1].append(tone[0])
            return unicodedata.normalize("NFC", "".join(l[0] + "".join(l[1]) for l in letters))
    return word


WORD = re.compile(r"\w+", re.UNICODE)


def folded_texts(articles):
    """Title and body of each article, folded, words separated by spaces
    (the index has both, so uniqueness is judged on both)."""
    return [" ".join(fold(w) for w in WORD.findall(a.get("title") or "")) + " | " +
            " ".join(fold(w) for w in WORD.findall(a["body"])) for a in articles]


class Haystack:
    """Texts joined into one string, so that which of them hold a key is a
    few str.find calls, not one scan per text (30,000 texts of the whole
    archive made that minutes)."""

    def __init__(self, texts):
        self.starts, parts, at = [], [], 0
        for t in texts:
            self.starts.append(at)
            parts.append(t)
            at += len(t) + 1
        self.big = "\x00".join(parts)

    def holders(self, key):
        """Indices of the texts holding key (key holds no NUL)."""
        out, at = set(), self.big.find(key)
        while at >= 0:
            out.add(bisect.bisect_right(self.starts, at) - 1)
            at = self.big.find(key, at + 1)
        return out


_HAYS = {}


def archive_hay(articles):
    """The folded titles and bodies as one Haystack, made once per corpus."""
    if id(articles) not in _HAYS:
        _HAYS[id(articles)] = Haystack(" " + fb + " " for fb in folded_texts(articles))
    return _HAYS[id(articles)]


def exact_windows(articles, count, n, mult):
    """About `count` windows of exactly n words (digits left out), each
    held by one article only (title or body, folded): (id, words)."""
    hay, out = archive_hay(articles), []
    step = max(1, len(articles) // count)
    for i in range(0, len(articles), step):
        words = [w for w in WORD.findall(articles[i]["body"]) if not w.isdigit()]
        if len(words) < n + 10:
            continue
        start = (i * mult) % (len(words) - n)
        win = words[start:start + n]
        if len(hay.holders(" " + " ".join(fold(w) for w in win) + " ")) == 1:
            out.append((articles[i]["id"], win))
    return out


def first_rate(binary, idx, queries):
    """The share of (id, query) whose article comes first."""
    first = 0
    for aid, q in queries:
        r = subprocess.run([binary, "--index", idx, "--query", q, "--limit", "1"], capture_output=True, text=True)
        first += r.stdout.split("\t", 1)[0] == aid
    return first / max(1, len(queries))


def issue_checks(binary, idx, articles, count):
    """The held-out checks of the ranking issue: a unique 4-word window's
    article first, in three forms, and a unique 2-word pair's article
    first, as written and without marks."""
    four = exact_windows(articles, count, 4, 2246822519)
    swapped = [(aid, w) for aid, w in four if any(swap_tone_style(x) != x for x in w)]
    two = exact_windows(articles, count, 2, 3266489917)
    rows = [("4 words as written", [(a, " ".join(w)) for a, w in four]),
            ("4 words without marks", [(a, " ".join(fold(x) for x in w)) for a, w in four]),
            ("4 words other tone style", [(a, " ".join(swap_tone_style(x) for x in w)) for a, w in swapped]),
            ("2 words as written", [(a, " ".join(w)) for a, w in two]),
            ("2 words without marks", [(a, " ".join(fold(x) for x in w)) for a, w in two])]
    print("unique windows, their article first (targets: 4 words 0.99, 2 words 0.95)")
    print(f"{'check':<26} {'queries':>7} {'first':>7}")
    for name, qs in rows:
        print(f"{name:<26} {len(qs):>7} {first_rate(binary, idx, qs):>7.3f}")


def sampled(articles, count, shortest, mult):
    """Deterministic windows, about `count`: for article i, shortest + i % 3
    words of its body (digits left out) at a position picked by a fixed
    arithmetic hash.  Yields (i, words)."""
    step = max(1, len(articles) // count)
    for i in range(0, len(articles), step):
        words = [w for w in WORD.findall(articles[i]["body"]) if not w.isdigit()]
        n = shortest + i % 3
        if len(words) < n + 10:
            continue
        start = (i * mult) % (len(words) - n)
        yield i, words[start:start + n]


def windows(articles, count):
    """Known-item windows of 2-4 syllables (see sampled)."""
    hay = archive_hay(articles)
    out = []
    for i, win in sampled(articles, count, 2, 2654435761):
        key = " ".join(fold(w) for w in win)
        hits = len(hay.holders(" " + key + " "))
        if hits != 1:
            continue
        out.append((articles[i]["id"], win))
    return out


def tone_windows(articles, count):
    """Windows of 2-3 syllables around a word written in one tone style
    (hoà or hòa ...), so the other style really differs from the text."""
    hay = archive_hay(articles)
    out = []
    for i, a in enumerate(articles):
        words = [w for w in WORD.findall(a["body"]) if not w.isdigit()]
        k = next((j for j in range((i * 7919) % max(1, len(words)), len(words))
                  if swap_tone_style(words[j]) != words[j]), None)
        if k is None or k == 0 or k + 1 >= len(words):
            continue
        win = words[k - 1:k + 1] if i % 2 else words[k - 1:k + 2]
        key = " ".join(fold(w) for w in win)
        if len(hay.holders(" " + key + " ")) != 1:
            continue
        out.append((a["id"], win))
        if len(out) >= count:
            break
    return out


def tone_key(word):
    """One spelling for both tone styles (hoà and hòa give the same key)."""
    w = iy(unicodedata.normalize("NFC", word.lower()))
    return min(w, swap_tone_style(w))


def has_marks(word):
    w = word.lower()
    return "đ" in w or any(unicodedata.combining(c) for c in unicodedata.normalize("NFD", w))


def ngrams(articles, count):
    """Deterministic n-grams of 1-3 words, at least one with marks: for
    article i, 1 + i % 3 words at a position picked by a fixed hash."""
    return [win for _, win in sampled(articles, count, 1, 40503) if any(has_marks(w) for w in win)]


def vnsearch_ids(binary, idx):
    """A search function over a vnsearch index: query -> top 10 ids."""
    def search(q):
        r = subprocess.run([binary, "--index", idx, "--query", q, "--limit", "10"], capture_output=True, text=True)
        return [line.split("\t")[0] for line in r.stdout.splitlines()]
    return search


def precision(articles, search, count):
    """P@10: the share of the top 10 holding what was typed (adjacent, in
    order; either tone style as written, folded without marks), over
    min(10, documents that hold it).  search(query) gives the top 10 ids of
    the system scored (bench/peers.py scores the peers with it)."""
    texts = {}
    for a in articles:
        ws = WORD.findall((a.get("title") or "") + " \n " + a["body"])
        texts[a["id"]] = (" " + " ".join(tone_key(w) for w in ws) + " ",
                          " " + " ".join(fold(w) for w in ws) + " ")
    ids_in_order = list(texts)
    hays = [Haystack(texts[d][k] for d in ids_in_order) for k in (0, 1)]
    res = {}
    for form in ("as written", "without marks"):
        scores = []
        for win in ngrams(articles, count):
            if form == "as written":
                key, k = " " + " ".join(tone_key(w) for w in win) + " ", 0
                q = " ".join(win)
            else:
                key, k = " " + " ".join(fold(w) for w in win) + " ", 1
                q = " ".join(fold(w) for w in win)
            holders = {ids_in_order[j] for j in hays[k].holders(key)}
            have = len(holders)
            if have == 0:
                continue
            ids = search(q)[:10]
            good = sum(1 for d in ids if d in holders)
            scores.append(good / min(10, have))
        res[form] = scores
    return res


def restoration(articles, idx, binary, count, label):
    """Marks restored: windows of 2-5 words, folded, put back by the index
    (vnsearch-indexer --restore), compared with the original (tone style
    and case aside).  Target: 0.95 of windows exactly."""
    rnd = random.Random(11)
    wins = []
    while len(wins) < count:
        a = rnd.choice(articles)
        ws = [w for w in WORD.findall(a["body"]) if not any(c.isdigit() for c in w)]
        if len(ws) < 6:
            continue
        n = rnd.randint(2, 5)
        i = rnd.randrange(len(ws) - n)
        wins.append(ws[i:i + n])
    inp = "\n".join(" ".join(fold(w) for w in win) for win in wins) + "\n"
    r = subprocess.run([binary, "--index", idx, "--restore"], input=inp, capture_output=True, text=True)
    out = r.stdout.splitlines()
    exact = syl = total = 0
    for win, got in zip(wins, out):
        want = [tone_key(w) for w in win]
        have = [tone_key(w) for w in got.split()]
        exact += want == have
        syl += sum(1 for x, y in zip(want, have) if x == y)
        total += len(want)
    print(f"marks restored ({label}): {len(wins)} windows of 2-5 words, folded then restored")
    print(f"windows exactly: {exact / max(1, len(wins)):.3f} (target 0.95)   syllables: {syl / max(1, total):.3f}")
    print()


def page_check(binary, idx, path, count):
    """The page is the first page of the whole ranking: over the index of
    the whole archive, SEARCH limit=10 against the first 10 of limit=1000
    (ids and scores), for `count` queries of bench/queries.py.  Returns the
    number of pages that differ."""
    vnd = vnd_module(binary)
    qfile = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "bench", "queries.py")
    queries = subprocess.run([sys.executable, qfile, path, str(count)], capture_output=True, text=True,
                             check=True).stdout.splitlines()
    p, addr = vnd.start(idx)
    c = vnd.Client(addr, timeout=60)
    c.json("FORMAT json")
    bad = []
    for q in queries:
        a = c.json("SEARCH limit=10 snippet=none -- " + q)
        b = c.json("SEARCH limit=1000 snippet=none -- " + q)
        ta = [(h["id"], round(h["score"], 4)) for h in a.get("hits", [])]
        tb = [(h["id"], round(h["score"], 4)) for h in b.get("hits", [])][:10]
        # equal scores may come in either order: same scores, same ids
        if [s for _, s in ta] != [s for _, s in tb] or sorted(ta) != sorted(tb):
            bad.append(q)
    c.close()
    vnd.stop(p)
    vnd.cleanup()
    print(f"page check over {path}: {len(queries)} queries, top 10 at limit=10 against limit=1000 "
          f"(ids and scores): {len(bad)} differ (target 0){': ' + ', '.join(bad[:5]) if bad else ''}")
    return len(bad)


def vnd_module(binary):
    """tests/lib/vnd.py (a vnsearchd to talk to), for the build of `binary`."""
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
    os.environ["VN_BUILD"] = os.path.relpath(os.path.dirname(os.path.dirname(os.path.abspath(binary))),
                                             os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
    import vnd
    return vnd


def fresh_check(binary, path, tmp, count, now="2026-08-23", days=7):
    """Fresh news first: the dated headlines (`path`) indexed, n-grams of
    1-3 words asked through vnsearchd with and without fresh=`days`
    (now=`now`, the corpus's last day): the median age in days of the top
    10 (of every query's hits together) and P@10 of what was typed, as
    precision() scores it.  Returns P@10 with fresh, as written."""
    import datetime
    import statistics
    vnd = vnd_module(binary)
    articles = [json.loads(l) for l in open(path, encoding="utf-8") if l.strip()]
    dated = {a["id"]: a.get("date") for a in articles}
    idx = os.path.join(tmp, "headlines")
    subprocess.run([binary, "--index", idx, "--quiet", path], check=True)
    p, addr = vnd.start(idx)
    c = vnd.Client(addr, timeout=60)
    c.json("FORMAT json")
    today = datetime.date.fromisoformat(now)
    out = {}
    for opt in ("", f"fresh={days} "):
        ages = []

        def search(q):
            r = c.json(f"SEARCH limit=10 snippet=none restore=off now={now} {opt}-- {q}")
            ids = [h["id"] for h in r.get("hits", [])]
            ages.extend((today - datetime.date.fromisoformat(dated[d])).days for d in ids if dated.get(d))
            return ids
        res = precision(articles, search, count)
        out[opt] = (statistics.median(ages) if ages else float("nan"), res)
    c.close()
    vnd.stop(p)
    vnd.cleanup()
    print(f"fresh news first: {path}, n-grams of 1-3 words, now={now}")
    print(f"{'ranking':<10} {'median age of the top 10 (days)':>32} {'P@10 as written':>16} {'without marks':>14}")
    for opt, (age, res) in out.items():
        pa, pw = (sum(res[f]) / max(1, len(res[f])) for f in ("as written", "without marks"))
        print(f"{opt.strip() or 'plain':<10} {age:>32.0f} {pa:>16.3f} {pw:>14.3f}   ({len(res['as written'])} queries)")
    res = out[f"fresh={days} "][1]["as written"]
    return sum(res) / max(1, len(res))


def shingles(text, n=5):
    """The set of runs of n folded words of text (as the indexer's MinHash)."""
    ws = [fold(w) for w in WORD.findall(text)]
    return {" ".join(ws[i:i + n]) for i in range(len(ws) - n + 1)}


def jaccard(a, b):
    return len(a & b) / max(1, len(a | b))


def copies_check(binary, articles, tmp, count):
    """Copies of a wire story: `count` articles of 3 paragraphs or more are
    republished the way outlets do (another title, another first
    sentence, a middle paragraph dropped, another source) beside the
    whole archive.  A phrase of 6 words from the kept second paragraph is
    asked with collapse=on: the share where the original and its copy are
    one hit (one listed under the other).
    Also the indexing time and size with the copies' signatures.  (The
    wrong folds: wrong_folds.)"""
    import time
    vnd = vnd_module(binary)
    rng = random.Random(4)
    pool = [a for a in articles if len(a["body"].split("\n\n")) >= 3 and len(a["body"]) >= 800]
    chosen = rng.sample(pool, min(count, len(pool)))
    path = os.path.join(tmp, "planted.jsonl")
    firsts = [a["body"].split(". ")[0] for a in rng.sample(articles, len(chosen))]
    pairs = []
    with open(path, "w", encoding="utf-8") as f:
        for a in articles:
            f.write(json.dumps(a, ensure_ascii=False) + "\n")
        for a, other in zip(chosen, firsts):
            paras = a["body"].split("\n\n")
            rest = paras[0].split(". ", 1)
            paras[0] = other + ". " + (rest[1] if len(rest) > 1 else "")
            if len(paras) >= 4:
                del paras[rng.randrange(2, len(paras))]  # a paragraph after the second
            words = (a.get("title") or "").split()
            copy = dict(a, id=a["id"] + "-copy", title="Tin nóng: " + " ".join(words[: max(3, len(words) - 2)]),
                        source="Báo khác", body="\n\n".join(paras))
            f.write(json.dumps(copy, ensure_ascii=False) + "\n")
            second = WORD.findall(a["body"].split("\n\n")[1])
            if len(second) >= 10:
                k = rng.randrange(0, len(second) - 6)
                pairs.append((a["id"], copy["id"], '"' + " ".join(second[k:k + 6]) + '"'))
    idx = os.path.join(tmp, "planted")
    t0 = time.monotonic()
    subprocess.run([binary, "--index", idx, "--quiet", path], check=True)
    secs = time.monotonic() - t0
    size = sum(os.path.getsize(os.path.join(d, f)) for d, _, fs in os.walk(idx) for f in fs) / 1e6
    p, addr = vnd.start(idx)
    c = vnd.Client(addr, timeout=60)
    c.json("FORMAT json")
    folded = found = 0
    for orig, copy, q in pairs:
        for h in c.json("SEARCH limit=10 snippet=none restore=off collapse=on -- " + q).get("hits", []):
            if h["id"] in (orig, copy):
                found += 1
                folded += ({orig, copy} - {h["id"]}) <= set(h["copies"])
                break
    c.close()
    vnd.stop(p)
    print(f"copies: {len(chosen)} articles republished (other title, first sentence, source; a paragraph dropped) "
          f"beside {len(articles)}; a phrase of each asked with collapse=on finds the original or its copy in the "
          f"top 10 for {found} of {len(pairs)}, and they are one hit for {folded} of those "
          f"({folded / max(1, found):.3f}); indexed in {secs:.1f} s "
          f"({(len(articles) + len(chosen)) / secs:.0f} docs/s), {size:.0f} MB")
    vnd.cleanup()
    return folded / max(1, found)


def wrong_folds(binary, idx, articles, path, count):
    """Over the archive's own index, `count` queries of bench/queries.py
    with collapse=on: the (hit, copy) pairs folded, and those that are
    distinct articles (Jaccard of 5-word shingles under 0.3)."""
    vnd = vnd_module(binary)
    qfile = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "bench", "queries.py")
    queries = subprocess.run([sys.executable, qfile, path, str(count)], capture_output=True, text=True,
                             check=True).stdout.splitlines()
    body = {a["id"]: a["body"] for a in articles}
    p, addr = vnd.start(idx)
    c = vnd.Client(addr, timeout=60)
    c.json("FORMAT json")
    seen, wrong, hits, sims = set(), [], 0, []
    for q in queries:
        for h in c.json("SEARCH limit=10 snippet=none restore=off collapse=on -- " + q).get("hits", []):
            hits += 1
            for other in h["copies"]:
                key = tuple(sorted((h["id"], other)))
                if key in seen:
                    continue
                seen.add(key)
                sims.append(jaccard(shingles(body[h["id"]]), shingles(body[other])))
                if sims[-1] < 0.3:
                    wrong.append(key)
    c.close()
    vnd.stop(p)
    vnd.cleanup()
    print(f"copies over {path} alone, {len(queries)} queries with collapse=on: {hits} hits, {len(seen)} pairs folded, "
          f"{len(wrong)} of them distinct articles (shingles' Jaccard < 0.3){': ' + str(wrong[:3]) if wrong else ''}"
          f"{'; Jaccard of the pairs folded: %.2f to %.2f' % (min(sims), max(sims)) if sims else ''}")
    return len(wrong)


def related_check(binary, articles, tmp, count):
    """Related stories: `count` articles of 3 paragraphs or more, taken
    deterministically, are each split in two at a paragraph (the first
    half keeps the title); the archive is indexed with the halves in place
    of those articles, and RELATED asked for each first half.  Reports how
    often the second half comes first and in the top 5, and the time per
    call (through vnsearchd, one client)."""
    import time
    vnd = vnd_module(binary)
    rng = random.Random(21)
    pool = [a for a in articles if len(a.get("body", "").split("\n\n")) >= 3 and len(a["body"]) >= 800]
    chosen = {a["id"] for a in rng.sample(pool, min(count, len(pool)))}
    path = os.path.join(tmp, "halves.jsonl")
    with open(path, "w", encoding="utf-8") as f:
        for a in articles:
            if a["id"] not in chosen:
                f.write(json.dumps(a, ensure_ascii=False) + "\n")
                continue
            paras = a["body"].split("\n\n")
            mid = len(paras) // 2
            first = dict(a, id=a["id"] + "-a", body="\n\n".join(paras[:mid]))
            second = dict(a, id=a["id"] + "-b", title=None, body="\n\n".join(paras[mid:]))
            f.write(json.dumps(first, ensure_ascii=False) + "\n")
            f.write(json.dumps(second, ensure_ascii=False) + "\n")
    idx = os.path.join(tmp, "halves")
    subprocess.run([binary, "--index", idx, "--quiet", path], check=True)
    p, addr = vnd.start(idx)
    c = vnd.Client(addr, timeout=60)
    c.json("FORMAT json")
    first = top5 = 0
    ms = []
    for aid in sorted(chosen):
        t0 = time.monotonic()
        r = c.json("RELATED limit=5 -- %s-a" % aid)
        ms.append((time.monotonic() - t0) * 1000)
        ids = [h["id"] for h in r.get("hits", [])]
        first += bool(ids) and ids[0] == aid + "-b"
        top5 += aid + "-b" in ids
    c.close()
    vnd.stop(p)
    vnd.cleanup()
    n = len(chosen) or 1
    ms.sort()
    print(f"related stories: {len(chosen)} articles split in two at a paragraph, RELATED of the first half: "
          f"the second half first {first / n:.3f}, in the top 5 {top5 / n:.3f}; "
          f"{ms[len(ms) // 2]:.1f} ms a call at the median, {ms[int(len(ms) * 0.99)]:.1f} at p99 (vnsearchd, one client)")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default="build/bin/vnsearch-indexer")
    ap.add_argument("--corpus", default=os.environ.get("CORPUS", "../shared/corpus"))
    ap.add_argument("--windows", type=int, default=400)
    ap.add_argument("--ngrams", type=int, default=400)
    ap.add_argument("--restore", type=int, default=400)
    ap.add_argument("--pages", type=int, default=1000)
    ap.add_argument("--related", type=int, default=300)
    ap.add_argument("--only-related", action="store_true", help="the related-stories check alone")
    ap.add_argument("--fresh", type=int, default=300, help="n-grams the fresh-news check asks")
    ap.add_argument("--only-fresh", action="store_true", help="the fresh-news check alone")
    ap.add_argument("--copies", type=int, default=300, help="articles republished by the copies check")
    ap.add_argument("--only-copies", action="store_true", help="the copies checks alone")
    ap.add_argument("--quick", action="store_true", help="vi-news-small.jsonl (1,000 articles), no page check")
    args = ap.parse_args()
    path = os.path.join(args.corpus, "vi-news-small.jsonl" if args.quick else "vi-news.jsonl")
    if not os.path.exists(path):
        print(f"SKIP: {path} not found; relevance check skipped (set CORPUS=...)")
        return 0
    headlines = os.path.join(args.corpus, "vi-headlines-dated.jsonl")
    if args.only_fresh:
        with tempfile.TemporaryDirectory() as tmp:
            fresh_check(args.bin, headlines, tmp, args.fresh)
        return 0
    articles = [json.loads(l) for l in open(path, encoding="utf-8") if l.strip()]
    if args.only_copies:
        with tempfile.TemporaryDirectory() as tmp:
            copies_check(args.bin, articles, tmp, args.copies)
            idx = os.path.join(tmp, "index")
            subprocess.run([args.bin, "--index", idx, "--quiet", path], check=True)
            wrong_folds(args.bin, idx, articles, path, args.pages)
        return 0
    if args.only_related:
        with tempfile.TemporaryDirectory() as tmp:
            related_check(args.bin, articles, tmp, args.related)
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        idx = os.path.join(tmp, "index")
        subprocess.run([args.bin, "--index", idx, "--quiet", path], check=True)
        wins = windows(articles, args.windows)
        forms = {"as written": [], "without marks": [], "other tone style": []}
        for aid, win in wins:
            forms["as written"].append((aid, " ".join(win)))
            forms["without marks"].append((aid, " ".join(fold(w) for w in win)))
        for aid, win in tone_windows(articles, args.windows // 2):
            forms["other tone style"].append((aid, " ".join(swap_tone_style(w) for w in win)))
        print(f"known-item relevance over {path}: {len(articles)} articles, {len(wins)} unique windows of 2-4 syllables")
        print(f"{'form':<18} {'queries':>7} {'top-1':>7} {'top-10':>7}")
        worst = 100.0
        for name, qs in forms.items():
            top1 = top10 = 0
            for aid, q in qs:
                r = subprocess.run([args.bin, "--index", idx, "--query", q, "--limit", "10"],
                                   capture_output=True, text=True)
                ids = [line.split("\t")[0] for line in r.stdout.splitlines()]
                top1 += bool(ids) and ids[0] == aid
                top10 += aid in ids
            n = len(qs) or 1
            print(f"{name:<18} {len(qs):>7} {100.0 * top1 / n:>6.1f}% {100.0 * top10 / n:>6.1f}%")
            if qs:
                worst = min(worst, 100.0 * top1 / n)
        print(f"lowest top-1: {worst:.1f}%")
        print()
        issue_checks(args.bin, idx, articles, args.windows)
        print()
        restoration(articles, idx, args.bin, args.restore, "phrase searches, the default index")
        spelled = os.path.join(tmp, "spelling")
        subprocess.run([args.bin, "--index", spelled, "--quiet", "--spelling", path], check=True)
        restoration(articles, spelled, args.bin, args.restore, "spelling statistics, --spelling")
        res = precision(articles, vnsearch_ids(args.bin, idx), args.ngrams)
        print(f"precision: n-grams of 1-3 words with marks, P@10 = share of the top 10 holding what was typed")
        print(f"{'form':<18} {'queries':>7} {'P@10':>7}")
        for name, sc in res.items():
            print(f"{name:<18} {len(sc):>7} {sum(sc) / max(1, len(sc)):>7.3f}")
        print()
        related_check(args.bin, articles, tmp, args.related)
        print()
        copies_check(args.bin, articles, tmp, args.copies)
        wrong_folds(args.bin, idx, articles, path, args.pages)
        print()
        if os.path.exists(headlines) and not args.quick:
            fresh_check(args.bin, headlines, tmp, args.fresh)
        else:
            print(f"SKIP: fresh-news check ({headlines} not found, or --quick)")
        if args.quick:
            return 0
        print()
        return 1 if page_check(args.bin, idx, path, args.pages) else 0


if __name__ == "__main__":
    sys.exit(main())
