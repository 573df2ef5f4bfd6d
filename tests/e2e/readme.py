#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""readme.py -- the README's netcat session, replayed against the demo
index (the inputs make demo indexes), TAP output.

Each request of the session is sent as written; each reply must be what the
README prints, except took_ms and the text the README cuts with "…"
(titles, snippets): the totals, the hits' ids, scores, dates and sources,
the counts, the suggestions, the JSON fields.  A README that shows figures
the demo does not give fails here."""
import json
import os
import re
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from vnd import ROOT, Client, index_data, ok, run, start, stop, workdir  # noqa: E402

COMMANDS = ("SEARCH", "COUNT", "SUGGEST", "GET", "FORMAT", "STATS", "PING", "QUIT", "RESTORE", "HELP")


def session():
    """The first fenced block of the README that starts with `$ nc`: its
    requests, each with the reply lines printed after it."""
    text = open(os.path.join(ROOT, "README.md"), encoding="utf-8").read()
    block = re.search(r"```\n\$ nc 127\.0\.0\.1 7700\n(.*?)```", text, re.S).group(1).splitlines()
    steps = []
    for line in block:
        if line.split(" ")[0] in COMMANDS:
            steps.append((line, []))
        elif steps:
            steps[-1][1].append(line)
    return steps


def same_text_line(want, got):
    """A text reply line: fields equal, but took_ms, and fields the README
    cuts (with "…") only up to the cut."""
    if want.startswith("OK total="):
        drop = lambda l: [f for f in l.split() if not f.startswith("took_ms=")]  # noqa: E731
        return drop(want) == drop(got)
    w, g = want.split("\t"), got.split("\t")
    if len(w) != len(g):
        return False
    for a, b in zip(w, g):
        if "…" in a:
            pre = a.split("…")[0]
            if not b.startswith(pre.replace("<b>", "<b>")):
                return False
        elif a != b:
            return False
    return True


def same_json(want, got):
    """A JSON reply: every field the README shows, but took_ms and text it
    cuts with "…"."""
    if isinstance(want, dict):
        return isinstance(got, dict) and all(k == "took_ms" or (k in got and same_json(v, got[k]))
                                             for k, v in want.items())
    if isinstance(want, list):
        return isinstance(got, list) and len(want) == len(got) and all(same_json(a, b) for a, b in zip(want, got))
    if isinstance(want, str) and "…" in want:
        return isinstance(got, str) and got.startswith(want.split("…")[0])
    if isinstance(want, float):
        return isinstance(got, (int, float)) and abs(want - got) < 0.001
    return want == got


def main():
    idx = os.path.join(workdir("readme"), "index")
    index_data(idx, "seeds", "demo-corpus.jsonl")
    p, addr = start(idx)
    c = Client(addr)
    steps = session()
    ok(len(steps) >= 5, "the README's netcat session has its requests (%d)" % len(steps))
    json_mode = False
    for req, want in steps:
        c.send(req + "\r\n")
        got = []
        if json_mode or req == "FORMAT json":
            got = [c.line()]
            good = len(want) == 1 and same_json(json.loads(want[0]), json.loads(got[0]))
            json_mode = req != "FORMAT text" and (json_mode or req == "FORMAT json")
        else:  # the whole reply, through END for those of several lines
            c.multiline = req.startswith(("SUGGEST", "GET", "STATS", "HELP", "RESTORE"))
            got = c.reply()
            good = len(got) == len(want) and all(same_text_line(a, b) for a, b in zip(want, got))
        ok(good, "README: %s" % req, "\n".join(["want: " + w for w in want[:4]] + ["got:  " + g for g in got[:4]]))
    c.close()
    stop(p)


if __name__ == "__main__":
    run(main, 60)
