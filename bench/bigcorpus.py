#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""bigcorpus.py -- a JSON Lines corpus N times the size of another, each
copy with new ids (x0-..., x1-...), on standard output: the 10x corpus of
make bench-scale (bench/peers.py) and bench/shards.sh, written to /tmp and never
committed.  Usage: bigcorpus.py INPUT N"""
import json
import sys


def main():
    lines = open(sys.argv[1], encoding="utf-8").readlines()
    for k in range(int(sys.argv[2])):
        for l in lines:
            o = json.loads(l)
            o["id"] = "x%d-%s" % (k, o["id"])
            print(json.dumps(o, ensure_ascii=False))


if __name__ == "__main__":
    main()
