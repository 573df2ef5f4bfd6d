#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# run.sh -- run each libFuzzer harness of tests/fuzz for SECONDS, from seed
# corpora made of the repository's own test data (request lines, queries,
# articles) in a temporary directory.  Prints one TAP line per harness with
# its executions; a finding prints the reproducer and fails.
#   tests/fuzz/run.sh BUILD_DIR SECONDS     (make fuzz; make test runs 5 s each)
cd "$(dirname "$0")/../.." || exit 1
B=${1:-build/fuzz}
case $B in /*) ;; *) B=$PWD/$B ;; esac # the fuzzers run in the seeds' directory
S=${2:-60}
W=$(mktemp -d /tmp/vn-fuzz-XXXXXX)
trap 'rm -rf "$W"' EXIT
split_lines() { # FILE DIR: one seed file per line
    mkdir -p "$2"
    n=0
    while IFS= read -r line; do
        n=$((n + 1))
        printf '%s' "$line" > "$2/seed-$n"
    done < "$1"
}
split_lines tests/fuzz/seeds.proto "$W/proto"
split_lines tests/fuzz/seeds.query "$W/query"
head -40 tests/data/demo-corpus.jsonl > "$W/articles"
head -10 tests/data/nfd-50.jsonl >> "$W/articles"
split_lines "$W/articles" "$W/article"
cp tests/data/seeds/*.txt "$W/article/"
n=0
fail=0
for f in proto query article; do
    n=$((n + 1))
    bin=$B/fuzz/fuzz_$f
    if [ ! -x "$bin" ]; then
        echo "not ok $n - fuzz_$f is not built (make FUZZ=1 fuzz-bins)"
        fail=1
        continue
    fi
    (cd "$W" && "$bin" -max_total_time="$S" -max_len=4096 -rss_limit_mb=2048 -timeout=10 \
        -print_final_stats=1 "$W/$f" > "$W/$f.log" 2>&1)
    rc=$?
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$W/$f.log")
    if [ $rc -eq 0 ]; then
        echo "ok $n - fuzz_$f: ${runs:-?} executions in $S s, no finding"
    else
        echo "not ok $n - fuzz_$f found a defect (exit $rc)"
        grep -E "ERROR|SUMMARY|Test unit written|^ *#[0-9]+ " "$W/$f.log" | head -30 | sed 's/^/#   /'
        for crash in "$W"/crash-* "$W"/leak-* "$W"/timeout-*; do
            [ -e "$crash" ] || continue
            mkdir -p build/fuzz/findings
            cp "$crash" build/fuzz/findings/
            echo "#   reproducer kept: build/fuzz/findings/$(basename "$crash")"
        done
        fail=1
    fi
done
echo "1..$n"
exit $fail
