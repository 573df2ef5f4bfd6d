#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""queries.py -- the query benchmark's queries (make bench).

Prints N queries of 1-3 consecutive words taken deterministically from the
bodies of a JSON Lines corpus: query i is 1 + i % 3 words from article
i % len(articles) at a position picked by a fixed arithmetic hash; every
other query has its marks removed (đ -> d), as half of what people type.
Digits-only words are skipped.
"""
import json
import re
import sys
import unicodedata

WORD = re.compile(r"\w+", re.UNICODE)


def fold(s):
    d = unicodedata.normalize("NFD", s.lower())
    return "".join(c for c in d if not unicodedata.combining(c)).replace("đ", "d")


def main():
    path, n = sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 1000
    arts = [json.loads(l) for l in open(path, encoding="utf-8") if l.strip()]
    out = 0
    i = 0
    while out < n and i < n * 4:
        words = [w for w in WORD.findall(arts[i % len(arts)]["body"]) if not w.isdigit()]
        k = 1 + out % 3
        i += 1
        if len(words) < k + 1:
            continue
        start = (i * 2654435761) % (len(words) - k)
        q = " ".join(words[start:start + k])
        print(fold(q) if out % 2 else q)
        out += 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
