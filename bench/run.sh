#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# run.sh -- make bench, in one run (bench/README.md holds the results):
#   1. vnsearch beside raw Xapian, SQLite FTS5 and PostgreSQL at 10 %, 30 %
#      and 100 % of vi-news.jsonl (bench/peers.py): indexing, re-runs,
#      memory, queries in-process and through vnsearchd, relevance;
#   2. the daemon design not taken (memcached-style loops) against
#      vnsearchd, and the stall test;
#   3. one index against two shards behind xapian-tcpsrv (bench/shards.sh);
#   4. what spelling statistics cost and buy (bench/spelling.sh);
#   5. indexing on 1, 2 and 4 threads (bench/threads.sh).
# The 10x corpus is make bench-scale.  Reads CORPUS/vi-news.jsonl and
# skips, saying so, when it is absent.
set -eu
BUILD=${1:-build}
CORPUS=${2:-../shared/corpus}
RUNS=${RUNS:-3}
SECS=${SECS:-8}
INPUT=$CORPUS/vi-news.jsonl
if [ ! -f "$INPUT" ] || [ ! -f "$CORPUS/vi-news-small.jsonl" ]; then
    echo "SKIP: $INPUT or vi-news-small.jsonl not found; benchmarks skipped (set CORPUS=...)"
    exit 0
fi
START=$(date +%s)
echo "make bench: $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
python3 bench/peers.py --build "$BUILD" --corpus "$CORPUS" --runs "$RUNS" --sizes 0.1,0.3,1

# The design not taken: memcached-style loops (bench/searchd_loops.c)
# against vnsearchd, the same index and queries, then the stall test (one
# slow query, four fast clients) on both.
TMP=$(mktemp -d /tmp/vn-bench-XXXXXX)
trap 'kill $DPID $LPID 2>/dev/null || true; rm -rf "$TMP"' EXIT
DPID="" LPID=""
QB=$BUILD/bench/query-bench
port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
"$BUILD/bin/vnsearch-indexer" --quiet --index "$TMP/db" "$INPUT"
python3 bench/queries.py "$CORPUS/vi-news-small.jsonl" 1000 > "$TMP/queries"
PORT=$(port) LPORT=$(port)
"$BUILD/bin/vnsearchd" --index "$TMP/db" --listen 127.0.0.1:$PORT --workers 2 --user "$(id -un)" 2>/dev/null &
DPID=$!
"$BUILD/bench/searchd-loops" "$TMP/db" "$LPORT" 2 2>/dev/null &
LPID=$!
sleep 1
echo
echo "## vnsearchd (loop + pool) against memcached-style loops: 2 threads each, $SECS s runs, interleaved"
for i in $(seq "$RUNS"); do
    echo "pool:  $("$QB" daemon 127.0.0.1 "$PORT" "$TMP/queries" 8 "$SECS")"
    echo "loops: $("$QB" daemon 127.0.0.1 "$LPORT" "$TMP/queries" 8 "$SECS")"
done
echo "pool:  $("$QB" daemon 127.0.0.1 "$PORT" "$TMP/queries" 64 "$SECS")"
echo "loops: $("$QB" daemon 127.0.0.1 "$LPORT" "$TMP/queries" 64 "$SECS")"
echo "stall test, vnsearchd (pool):   $(python3 bench/stall.py "$PORT" 4)"
echo "stall test, loops:              $(python3 bench/stall.py "$LPORT" 4)"
kill $DPID $LPID; wait $DPID 2>/dev/null || true
DPID="" LPID=""

echo
bench/shards.sh "$BUILD" "$CORPUS"
echo
bench/spelling.sh "$BUILD" "$CORPUS"
echo
bench/threads.sh "$BUILD" "$CORPUS"
echo
echo "make bench took $(( ($(date +%s) - START + 30) / 60 )) minutes"
