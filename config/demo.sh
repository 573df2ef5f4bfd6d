#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# demo.sh -- README step 1 after the build (make demo): index the seed
# articles and the demo corpus shipped in tests/data/, show a query, then
# start the daemon in the foreground on loopback when it is built.
set -eu
BUILD=${1:-build}
INDEX=${2:-build/demo-index}
cd "$(dirname "$0")/.."
# --full: a demo index left by an older vnsearch (another schema) is
# rebuilt, not refused
"$BUILD/bin/vnsearch-indexer" --index "$INDEX" --full tests/data/seeds tests/data/demo-corpus.jsonl || {
    rc=$?
    [ $rc -eq 1 ] || exit $rc # 1: some input rejected, the rest is indexed
}
echo
echo "Query 'luong cuong' (typed without marks):"
"$BUILD/bin/vnsearch-indexer" --index "$INDEX" --query "luong cuong" --limit 3
echo
echo "Query 'giả danh công an':"
"$BUILD/bin/vnsearch-indexer" --index "$INDEX" --query "giả danh công an" --limit 3
if [ -x "$BUILD/bin/vnsearchd" ]; then
    echo
    echo "Starting vnsearchd on 127.0.0.1:7700 (Ctrl-C stops it); try: nc 127.0.0.1 7700"
    exec "$BUILD/bin/vnsearchd" --index "$INDEX" --listen 127.0.0.1:7700 --user "$(id -un)"
fi
