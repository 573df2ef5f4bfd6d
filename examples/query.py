#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""query.py -- query vnsearchd from any language: here Python's standard
library only (socket, json).  Usage: query.py HOST PORT QUERY..."""
import json
import socket
import sys


def request(f, line):
    f.write((line + "\n").encode("utf-8"))
    f.flush()
    return json.loads(f.readline())


def main():
    host, port, query = sys.argv[1], int(sys.argv[2]), " ".join(sys.argv[3:])
    if "\n" in query or "\r" in query:
        # a line break would end the request and start another one
        print("error: a query may not contain a line break", file=sys.stderr)
        return 2
    with socket.create_connection((host, port), timeout=5) as s:
        f = s.makefile("rwb")
        request(f, "FORMAT json")  # one JSON object per reply from here on
        # "--": whatever the query begins with, it is never read as an option
        reply = request(f, "SEARCH limit=3 -- " + query)
        if not reply["ok"]:
            print("error:", reply["error"]["message"], file=sys.stderr)
            return 2
        print(reply["total"], "matches")
        for hit in reply["hits"]:
            print(hit["id"], hit["score"], hit["title"], sep="\t")
    return 0


if __name__ == "__main__":
    sys.exit(main())
