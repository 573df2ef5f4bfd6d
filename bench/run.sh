#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# run.sh -- benchmarks (make bench).  Indexing: vnsearch-indexer with one
# and with two threads against a plain Xapian TermGenerator build of the
# same JSON Lines (bench/xapian_baseline.cc), interleaved, RUNS times each;
# medians, ratios and index sizes.  Queries: the library in-process against
# vnsearchd over loopback (bench/query_bench.c).  Reads CORPUS/vi-news.jsonl and
# skips, saying so, when it is absent.
set -eu
BUILD=${1:-build}
CORPUS=${2:-../shared/corpus}
RUNS=${RUNS:-3}
INPUT=$CORPUS/vi-news.jsonl
if [ ! -f "$INPUT" ]; then
    echo "SKIP: $INPUT not found; indexing benchmark skipped (set CORPUS=...)"
    exit 0
fi
IX=$BUILD/bin/vnsearch-indexer
BASE=$BUILD/bench/xapian-baseline
TMP=$(mktemp -d /tmp/vn-bench-XXXXXX)
trap 'rm -rf "$TMP"' EXIT
docs=$(wc -l < "$INPUT")
mb=$(du -m "$INPUT" | cut -f1)
echo "input: $INPUT ($docs documents, $mb MB); $RUNS runs each, interleaved"
echo "machine: $(nproc) cores, $(uname -m), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
echo "date: $(date -u +%Y-%m-%dT%H:%MZ)"

secs() { # secs COMMAND... -> wall seconds
    s=$(date +%s.%N)
    "$@" >/dev/null 2>&1
    e=$(date +%s.%N)
    awk "BEGIN {print $e - $s}"
}
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

: > "$TMP/base"; : > "$TMP/one"; : > "$TMP/two"
for i in $(seq "$RUNS"); do
    rm -rf "$TMP/db"; secs "$BASE" "$TMP/db" "$INPUT" 250 >> "$TMP/base"
    size_base=$(du -sm "$TMP/db" | cut -f1)
    rm -rf "$TMP/db"; secs "$IX" --quiet --threads 1 --index "$TMP/db" "$INPUT" >> "$TMP/one"
    size_one=$(du -sm "$TMP/db/$(sed -n 's/^glass //p' "$TMP/db/XAPIANDB")" | cut -f1)
    rm -rf "$TMP/db"; secs "$IX" --quiet --threads 2 --index "$TMP/db" "$INPUT" >> "$TMP/two"
    size_two=$(du -sm "$TMP/db/$(sed -n 's/^glass //p' "$TMP/db/XAPIANDB")" | cut -f1)
done
b=$(median < "$TMP/base"); o=$(median < "$TMP/one"); t=$(median < "$TMP/two")
printf '%-36s %8s %9s %8s %7s %9s\n' build "median s" "docs/s" "MB/s" ratio "index MB"
row() { printf '%-36s %8.2f %9.0f %8.2f %6.2fx %9s\n' "$1" "$2" "$(awk "BEGIN {print $docs / $2}")" \
    "$(awk "BEGIN {print $mb / $2}")" "$(awk "BEGIN {print $b / $2}")" "$3"; }
row "xapian TermGenerator (batch 250)" "$b" "$size_base"
row "vnsearch-indexer --threads 1" "$o" "$size_one"
row "vnsearch-indexer --threads 2" "$t" "$size_two"
echo "runs (s): baseline $(tr '\n' ' ' < "$TMP/base")| one thread $(tr '\n' ' ' < "$TMP/one")| two threads $(tr '\n' ' ' < "$TMP/two")"

# Cron runs: the same input again (nothing changed), and with 1 % of the
# articles changed, over the last two-thread build; against that build.
python3 - "$INPUT" > "$TMP/changed.jsonl" <<'PY'
import json, sys
for i, l in enumerate(open(sys.argv[1], encoding="utf-8")):
    o = json.loads(l)
    if i % 100 == 0:
        o["body"] += " Cập nhật."
    print(json.dumps(o, ensure_ascii=False))
PY
: > "$TMP/same"; : > "$TMP/pct"
for i in $(seq "$RUNS"); do
    secs "$IX" --quiet --index "$TMP/db" "$INPUT" >> "$TMP/same"
    cp -a "$TMP/db" "$TMP/db1"
    secs "$IX" --quiet --index "$TMP/db1" "$TMP/changed.jsonl" >> "$TMP/pct"
    rm -rf "$TMP/db1"
done
s=$(median < "$TMP/same"); c=$(median < "$TMP/pct")
printf '%-36s %8.2f %9.0f %8.2f   %.1fx faster than the two-thread build\n' "re-run, nothing changed" "$s" \
    "$(awk "BEGIN {print $docs / $s}")" "$(awk "BEGIN {print $mb / $s}")" "$(awk "BEGIN {print $t / $s}")"
printf '%-36s %8.2f %9.0f %8.2f   %.1fx faster than the two-thread build\n' "re-run, 1 % changed" "$c" \
    "$(awk "BEGIN {print $docs / $c}")" "$(awk "BEGIN {print $mb / $c}")" "$(awk "BEGIN {print $t / $c}")"
echo "runs (s): nothing changed $(tr '\n' ' ' < "$TMP/same")| 1 % changed $(tr '\n' ' ' < "$TMP/pct")"

# Queries: 2-4 words from the headlines of vi-news-small.jsonl (quotes and
# leading dashes removed so that every line is a plain query), against the
# index of the last two-thread run: in-process on 2 threads, then vnsearchd
# with 8 and 64 clients, interleaved, SECS seconds each.
SECS=${SECS:-8}
QB=$BUILD/bench/query-bench
python3 - "$CORPUS/vi-news-small.jsonl" > "$TMP/queries" <<'PY'
import json, sys
for i, l in enumerate(open(sys.argv[1], encoding="utf-8")):
    t = json.loads(l)["title"].replace('"', " ").replace("“", " ").replace("”", " ").split()
    if len(t) >= 3:
        print(" ".join(t[i % 3:i % 3 + 2 + i % 3]).lstrip("-"))
PY
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$BUILD/bin/vnsearchd" --index "$TMP/db" --listen 127.0.0.1:$PORT --workers 2 --user "$(id -un)" 2>/dev/null &
DPID=$!
sleep 1
echo "queries: $(wc -l < "$TMP/queries") headline fragments; $SECS s per run"
for i in $(seq "$RUNS"); do
    "$QB" inproc "$TMP/db" "$TMP/queries" 2 "$SECS"
    "$QB" daemon 127.0.0.1 "$PORT" "$TMP/queries" 8 "$SECS"
done
"$QB" daemon 127.0.0.1 "$PORT" "$TMP/queries" 64 "$SECS"

# The same queries over HTTP beside the line protocol, one daemon serving both.
bench/http_vs_line.sh "$BUILD" "$TMP/db" "$TMP/queries" "$RUNS" "$SECS"

# The design not taken: memcached-style loops (bench/searchd_loops.c), same
# queries, then the stall test (one slow query, four fast clients) on both.
LPORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$BUILD/bench/searchd-loops" "$TMP/db" "$LPORT" 2 2>/dev/null &
LPID=$!
sleep 1
echo "memcached-style loops (bench only):"
for i in $(seq "$RUNS"); do "$QB" daemon 127.0.0.1 "$LPORT" "$TMP/queries" 8 "$SECS"; done
"$QB" daemon 127.0.0.1 "$LPORT" "$TMP/queries" 64 "$SECS"
echo "stall test, vnsearchd (pool):   $(python3 bench/stall.py "$PORT" 4)"
echo "stall test, loops:              $(python3 bench/stall.py "$LPORT" 4)"
kill $DPID $LPID; wait $DPID 2>/dev/null || true

# One index against two shards behind xapian-tcpsrv (SCALE=10
# bench/shards.sh adds the 10x corpus).
bench/shards.sh "$BUILD" "$CORPUS"

# Spelling statistics (--spelling): their cost in build time and size,
# and what they buy in restoration speed.
bench/spelling.sh "$BUILD" "$CORPUS"

# The full Vietnamese query against raw Xapian AND, 1x and 10x corpus.
bench/queries_vs_xapian.sh "$BUILD" "$CORPUS"
