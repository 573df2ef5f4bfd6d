#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# shards.sh -- one index against the same documents in two shards, each
# behind its own xapian-tcpsrv on loopback (docs/scale-out.md), searched
# through vnsearchd by 8 clients with the same 1,000 queries
# (bench/queries.py), interleaved, RUNS times each: queries/s, p50, p99.
# On vi-news.jsonl, and with SCALE=10 also on a 10x
# corpus made in /tmp (vi-news.jsonl ten times with new ids; removed
# afterwards).  Part of make bench (bench/run.sh).  Skips, saying so,
# without the corpus or without xapian-tcpsrv.
set -eu
BUILD=${1:-build}
CORPUS=${2:-../shared/corpus}
RUNS=${RUNS:-3}
SECS=${SECS:-8}
SCALE=${SCALE:-1}
INPUT=$CORPUS/vi-news.jsonl
if [ ! -f "$INPUT" ]; then
    echo "SKIP: $INPUT not found; shard benchmark skipped (set CORPUS=...)"
    exit 0
fi
if ! command -v xapian-tcpsrv >/dev/null; then
    echo "SKIP: xapian-tcpsrv not found (Debian's xapian-tools); shard benchmark skipped"
    exit 0
fi
TMP=$(mktemp -d /tmp/vn-shards-bench-XXXXXX)
PIDS=""
cleanup() {
    for p in $PIDS; do kill -- -"$p" 2>/dev/null || kill "$p" 2>/dev/null || true; done
    rm -rf "$TMP"
}
trap cleanup EXIT
python3 bench/queries.py "$CORPUS/vi-news-small.jsonl" 1000 > "$TMP/queries"
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
field() { sed -n "s/.* $1=\([0-9.]*\).*/\1/p"; }
port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_port() { for _ in $(seq 100); do nc -z 127.0.0.1 "$1" 2>/dev/null && return 0; sleep 0.1; done; return 1; }
bg() { # bg COMMAND...: in its own process group (xapian-tcpsrv forks per connection)
    setsid "$@" >/dev/null 2>&1 &
    PIDS="$PIDS $!"
}

one_corpus() { # one_corpus LABEL FILE
    rm -rf "$TMP/one" "$TMP/two"
    s=$(date +%s.%N)
    "$BUILD/bin/vnsearch-indexer" --quiet --threads 2 --index "$TMP/one" "$2"
    m=$(date +%s.%N)
    "$BUILD/bin/vnsearch-indexer" --quiet --threads 2 --shards 2 --index "$TMP/two" "$2"
    e=$(date +%s.%N)
    p0=$(port); bg xapian-tcpsrv --quiet --interface 127.0.0.1 --port "$p0" "$TMP/two/shard-0"
    p1=$(port); bg xapian-tcpsrv --quiet --interface 127.0.0.1 --port "$p1" "$TMP/two/shard-1"
    printf 'remote 127.0.0.1:%s\nremote 127.0.0.1:%s\n' "$p0" "$p1" > "$TMP/two.stub"
    wait_port "$p0"; wait_port "$p1"
    d1=$(port); bg "$BUILD/bin/vnsearchd" --index "$TMP/one" --listen 127.0.0.1:$d1 --workers 2 --user "$(id -un)"
    d2=$(port); bg "$BUILD/bin/vnsearchd" --index "$TMP/two.stub" --listen 127.0.0.1:$d2 --workers 2 --user "$(id -un)"
    wait_port "$d1"; wait_port "$d2"
    : > "$TMP/a"; : > "$TMP/b"
    for i in $(seq "$RUNS"); do
        "$BUILD/bench/query-bench" daemon 127.0.0.1 "$d1" "$TMP/queries" 8 "$SECS" >> "$TMP/a"
        "$BUILD/bench/query-bench" daemon 127.0.0.1 "$d2" "$TMP/queries" 8 "$SECS" >> "$TMP/b"
    done
    for k in a b; do
        q=$(field qps < "$TMP/$k" | median); p50=$(field p50_ms < "$TMP/$k" | median)
        p99=$(field p99_ms < "$TMP/$k" | median)
        eval "${k}q=$q ${k}50=$p50 ${k}99=$p99"
    done
    printf '%-6s %-28s %9s %8s %8s\n' "$1" "one index" "$aq" "$a50" "$a99"
    printf '%-6s %-28s %9s %8s %8s   %s\n' "$1" "2 shards, xapian-tcpsrv" "$bq" "$b50" "$b99" \
        "$(awk "BEGIN {printf \"%.2fx\", $bq / $aq}")"
    echo "  runs: one $(field qps < "$TMP/a" | tr '\n' ' ')| shards $(field qps < "$TMP/b" | tr '\n' ' ')"
    echo "  build s: one $(awk "BEGIN {printf \"%.1f\", $m - $s}"), 2 shards $(awk "BEGIN {printf \"%.1f\", $e - $m}")"
    for p in $PIDS; do kill -- -"$p" 2>/dev/null || true; done
    PIDS=""
    sleep 0.5
}

echo "shards: vnsearchd, 8 clients, 1,000 queries of 1-3 words; $SECS s per run, $RUNS runs, medians"
printf '%-6s %-28s %9s %8s %8s   %s\n' corpus layout "queries/s" "p50 ms" "p99 ms" "shards/one"
one_corpus "1x" "$INPUT"
if [ "$SCALE" -gt 1 ]; then
    python3 bench/bigcorpus.py "$INPUT" "$SCALE" > "$TMP/big.jsonl"
    one_corpus "${SCALE}x" "$TMP/big.jsonl"
fi
