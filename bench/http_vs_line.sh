#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# http_vs_line.sh -- the same queries over the line protocol and over HTTP,
# 8 clients each, against one vnsearchd serving both, interleaved RUNS
# times (the machine is shared: compare medians of one go).
#   bench/http_vs_line.sh BUILD INDEX QUERIES [RUNS] [SECONDS]
set -eu
BUILD=$1 INDEX=$2 QUERIES=$3 RUNS=${4:-3} SECS=${5:-8}
QB=$BUILD/bench/query-bench
TMP=$(mktemp -d /tmp/vn-bench-http-XXXXXX)
trap 'kill $DPID 2>/dev/null; rm -rf "$TMP"' EXIT
port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
PORT=$(port)
HPORT=$(port)
printf 'http_listen = 127.0.0.1:%s\n' "$HPORT" > "$TMP/conf"
"$BUILD/bin/vnsearchd" --index "$INDEX" --listen 127.0.0.1:$PORT --config "$TMP/conf" --workers 2 \
    --user "$(id -un)" 2>/dev/null &
DPID=$!
sleep 1
for i in $(seq "$RUNS"); do
    "$QB" daemon 127.0.0.1 "$PORT" "$QUERIES" 8 "$SECS" | tee -a "$TMP/line"
    "$QB" http 127.0.0.1 "$HPORT" "$QUERIES" 8 "$SECS" | tee -a "$TMP/http"
done
median() { sed -n 's/.*qps=\([0-9.]*\).*/\1/p' "$1" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
l=$(median "$TMP/line") h=$(median "$TMP/http")
echo "8 clients, median of $RUNS: line protocol $l q/s, HTTP $h q/s, HTTP/line $(echo "$h $l" | awk '{printf "%.2f", $1/$2}')"
