#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# threads.sh -- indexing on N threads (vnsearch-indexer --threads N: N
# partial indexes merged): the whole vi-news.jsonl into a new index at 1, 2
# and 4 threads, ROUNDS rounds interleaved; wall and CPU seconds, peak
# memory (GNU time) and index size.  bench/README.md, "Indexing on N
# threads", holds the results.  Usage: bench/threads.sh BUILD CORPUS
set -eu
BUILD=${1:-build}
CORPUS=${2:-../shared/corpus}
ROUNDS=${ROUNDS:-2}
INPUT=$CORPUS/vi-news.jsonl
[ -f "$INPUT" ] || { echo "SKIP: $INPUT not found; the threads benchmark skipped"; exit 0; }
command -v /usr/bin/time >/dev/null || { echo "SKIP: GNU time (/usr/bin/time) not installed"; exit 0; }
TMP=$(mktemp -d /tmp/vn-threads-XXXXXX)
trap 'rm -rf "$TMP"' EXIT
echo "## indexing vi-news.jsonl on 1, 2 and 4 threads ($(nproc) cores), $ROUNDS rounds interleaved"
for r in $(seq "$ROUNDS"); do
    for t in 1 2 4; do
        rm -rf "$TMP/ix$t"
        /usr/bin/time -f "threads=$t round=$r wall_s=%e user_s=%U sys_s=%S maxrss_kb=%M" \
            "$BUILD/bin/vnsearch-indexer" --quiet --threads "$t" --index "$TMP/ix$t" "$INPUT" 2>&1 | tail -1
    done
done
for t in 1 2 4; do
    echo "threads=$t index_mb=$(du -sm "$TMP/ix$t" | cut -f1)"
done
