#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# queries_vs_xapian.sh -- the full Vietnamese query in-process (vn_search,
# no snippets) against raw Xapian AND queries (xapian-baseline query) on
# the same 1,000 queries (bench/queries.py: 1-3 words from
# vi-news-small.jsonl, half without marks), at 1 and 2 threads,
# interleaved, RUNS times each; on vi-news.jsonl and on a 10x corpus made
# in /tmp (vi-news.jsonl ten times with new ids; removed afterwards).
# Part of make bench (bench/run.sh); SCALE=1 skips the 10x corpus.
set -eu
BUILD=${1:-build}
CORPUS=${2:-../shared/corpus}
RUNS=${RUNS:-3}
SECS=${SECS:-5}
SCALE=${SCALE:-10}
INPUT=$CORPUS/vi-news.jsonl
if [ ! -f "$INPUT" ]; then
    echo "SKIP: $INPUT not found; query benchmark skipped (set CORPUS=...)"
    exit 0
fi
TMP=$(mktemp -d /tmp/vn-qbench-XXXXXX)
trap 'rm -rf "$TMP"' EXIT
python3 bench/queries.py "$CORPUS/vi-news-small.jsonl" 1000 > "$TMP/queries"
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
field() { sed -n "s/.* $1=\([0-9.]*\).*/\1/p"; }

one_corpus() { # one_corpus LABEL FILE
    rm -rf "$TMP/vn" "$TMP/xb"
    "$BUILD/bin/vnsearch-indexer" --quiet --threads 2 --index "$TMP/vn" "$2"
    "$BUILD/bench/xapian-baseline" "$TMP/xb" "$2" 250 > /dev/null
    for th in 1 2; do
        : > "$TMP/x"; : > "$TMP/v"
        for i in $(seq "$RUNS"); do
            "$BUILD/bench/xapian-baseline" query "$TMP/xb" "$TMP/queries" "$th" "$SECS" >> "$TMP/x"
            "$BUILD/bench/query-bench" inproc "$TMP/vn" "$TMP/queries" "$th" "$SECS" >> "$TMP/v"
        done
        for k in x v; do
            q=$(field qps < "$TMP/$k" | median); p50=$(field p50_ms < "$TMP/$k" | median)
            p99=$(field p99_ms < "$TMP/$k" | median)
            eval "${k}q=$q ${k}50=$p50 ${k}99=$p99"
        done
        printf '%-10s %7s %9s %9s %8s %9s %9s %9s %9s\n' "$1" "$th" "$xq" "$x50" "$x99" "$vq" "$v50" "$v99" \
            "$(awk "BEGIN {printf \"%.2fx\", $vq / $xq}")"
        echo "  runs: xapian qps $(field qps < "$TMP/x" | tr '\n' ' ')| vnsearch qps $(field qps < "$TMP/v" | tr '\n' ' ')"
    done
}

echo "queries: 1,000 of 1-3 words (half without marks); $SECS s per run, $RUNS runs, medians"
printf '%-10s %7s %9s %9s %8s %9s %9s %9s %9s\n' corpus threads "xapian/s" "x p50" "x p99" "vn/s" "vn p50" \
    "vn p99" "vn/xapian"
one_corpus "1x" "$INPUT"
if [ "$SCALE" -gt 1 ]; then
    python3 bench/bigcorpus.py "$INPUT" "$SCALE" > "$TMP/big.jsonl"
    one_corpus "${SCALE}x" "$TMP/big.jsonl"
fi
