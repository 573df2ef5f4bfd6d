#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""ranking.py -- what a word typed with marks matches, through vnsearchd
(TAP output; docs/ranking.md, "What matches").

Over the demo corpus plus an unmarked copy of one of its articles: COUNT of
a word typed with marks is the articles that write it so, plus the
unmarked copy (was: every spelling of its letters, 37 more here); the
snippets mark only that spelling; a wrong tone in a name ("Đà Nắng")
lets the other spellings in and says so.  Counts are made here from the
articles' text, independently of the index.
"""
import json
import os
import re
import sys
import unicodedata

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from vnd import DATA, Client, index_data, ok, run, start, stop, workdir  # noqa: E402

WORD = re.compile(r"\w+")


def fold(s):
    d = unicodedata.normalize("NFD", s.lower())
    return "".join(c for c in d if not unicodedata.combining(c)).replace("đ", "d")


def words(doc):
    return set(WORD.findall(unicodedata.normalize("NFC", "%s %s" % (doc.get("title") or "", doc["body"])).lower()))


def main():
    tmp = workdir("ranking")
    docs = [json.loads(line) for line in open(os.path.join(DATA, "demo-corpus.jsonl"), encoding="utf-8")]
    word = "bảo"
    src = next(d for d in docs if word in words(d))
    copy = {"id": "unmarked-copy", "title": fold(src.get("title") or ""), "body": fold(src["body"])}
    extra = os.path.join(tmp, "copy.jsonl")
    with open(extra, "w", encoding="utf-8") as f:
        f.write(json.dumps(copy, ensure_ascii=False) + "\n")
    idx = os.path.join(tmp, "index")
    index_data(idx, "demo-corpus.jsonl", extra)
    p, addr = start(idx)
    c = Client(addr)

    as_typed = sum(word in words(d) for d in docs) + 1  # and the unmarked copy
    any_spelling = sum(any(fold(w) == fold(word) for w in words(d)) for d in docs) + 1
    got = c.cmd("COUNT " + word)[0]
    ok(got == "OK %d" % as_typed, "COUNT %s counts the %d articles that write it so and the unmarked copy (every "
       "spelling: %d)" % (word, as_typed - 1, any_spelling), got)
    got = c.cmd("COUNT " + fold(word))[0]
    ok(got == "OK %d" % any_spelling, "COUNT %s, typed without marks, counts every spelling" % fold(word), got)
    got = c.cmd("COUNT \"%s\"" % word)[0]
    ok(got == "OK %d" % as_typed, "a quoted word likewise", got)

    j = Client(addr)
    j.json("FORMAT json")
    r = j.json("SEARCH limit=100 " + word)
    marked = set()
    for h in r["hits"]:
        marked |= {m.lower() for m in re.findall(r"<b>(.*?)</b>", h["snippet"] or "")}
    ok(r["total"] == as_typed and not r.get("other_spellings") and marked and marked <= {word, fold(word)},
       "SEARCH %s: its total, and snippets marking that spelling or the unmarked one only" % word,
       (r["total"], r.get("other_spellings"), sorted(marked)))
    ids = [h["id"] for h in r["hits"]]
    ok("unmarked-copy" in ids and ids.index("unmarked-copy") > 0 and ids.index(src["id"]) < ids.index("unmarked-copy"),
       "the unmarked copy is found, below the article it copies (spelling as typed first)", ids)

    # a wrong tone in a name: no article says "đà nắng"; Đà Nẵng is in 14
    reply = c.cmd("SEARCH limit=3 Đà Nắng", multiline=True)
    first = j.json("GET " + reply[1].split("\t")[1]) if len(reply) > 1 and reply[1].startswith("HIT") else {}
    first = first.get("doc", {}).get("body", "")
    ok(reply[0].endswith(" other_spellings=true") and "Đà Nẵng" in first,
       "Đà Nắng lets the other spellings in, says so, and finds Đà Nẵng", reply[:2])
    got = c.cmd("COUNT Đà Nắng")[0]
    ok(got.endswith(" other_spellings=true"), "COUNT says so too", got)
    c.close()
    j.close()
    stop(p)


if __name__ == "__main__":
    run(main, 120)
