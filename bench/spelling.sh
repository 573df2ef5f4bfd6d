#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# spelling.sh -- what spelling statistics cost and buy (make bench):
# vi-news.jsonl indexed on two threads with and without --spelling,
# interleaved, RUNS times each (median seconds, index MB), then the same
# 2,000 folded windows of vi-news-small.jsonl restored by both indexes
# (vnsearch-indexer --restore: ms per window, share restored exactly).
# Usage: bench/spelling.sh BUILD CORPUS.  Skips, saying so, without CORPUS.
set -eu
BUILD=${1:-build}
CORPUS=${2:-../shared/corpus}
RUNS=${RUNS:-3}
INPUT=$CORPUS/vi-news.jsonl
if [ ! -f "$INPUT" ] || [ ! -f "$CORPUS/vi-news-small.jsonl" ]; then
    echo "SKIP: $INPUT or vi-news-small.jsonl not found; spelling benchmark skipped (set CORPUS=...)"
    exit 0
fi
IX=$BUILD/bin/vnsearch-indexer
TMP=$(mktemp -d /tmp/vn-spelling-XXXXXX)
trap 'rm -rf "$TMP"' EXIT
secs() { s=$(date +%s.%N); "$@" >/dev/null 2>&1; e=$(date +%s.%N); awk "BEGIN {print $e - $s}"; }
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
gen_mb() { du -sm "$1/$(sed -n 's/^glass //p' "$1/XAPIANDB")" | cut -f1; }
: > "$TMP/plain"; : > "$TMP/spell"
for i in $(seq "$RUNS"); do
    rm -rf "$TMP/p"; secs "$IX" --quiet --threads 2 --index "$TMP/p" "$INPUT" >> "$TMP/plain"
    rm -rf "$TMP/s"; secs "$IX" --quiet --threads 2 --spelling --index "$TMP/s" "$INPUT" >> "$TMP/spell"
done
p=$(median < "$TMP/plain"); s=$(median < "$TMP/spell")
echo "spelling statistics: vi-news.jsonl, two threads, $RUNS runs each, interleaved"
printf '%-34s %8s %9s\n' build "median s" "index MB"
printf '%-34s %8.2f %9s\n' "vnsearch-indexer" "$p" "$(gen_mb "$TMP/p")"
printf '%-34s %8.2f %9s\n' "vnsearch-indexer --spelling" "$s" "$(gen_mb "$TMP/s")"
echo "build time ratio: $(awk "BEGIN {printf \"%.2f\", $s / $p}")x; runs (s): $(tr '\n' ' ' < "$TMP/plain")| $(tr '\n' ' ' < "$TMP/spell")"
python3 - "$IX" "$TMP/p" "$TMP/s" "$CORPUS/vi-news-small.jsonl" <<'PY'
import json, random, subprocess, sys, time
sys.path.insert(0, "tests")
import relevance as R
ix, plain, spell, small = sys.argv[1:5]
arts = [json.loads(l) for l in open(small, encoding="utf-8") if l.strip()]
rnd = random.Random(11)
wins = []
while len(wins) < 2000:
    a = rnd.choice(arts)
    ws = [w for w in R.WORD.findall(a["body"]) if not any(c.isdigit() for c in w)]
    if len(ws) < 6:
        continue
    n = rnd.randint(2, 5)
    i = rnd.randrange(len(ws) - n)
    wins.append(ws[i:i + n])
inp = "\n".join(" ".join(R.fold(w) for w in win) for win in wins) + "\n"
for name, idx in (("phrase searches (default)", plain), ("spelling statistics", spell)):
    t = time.time()
    out = subprocess.run([ix, "--index", idx, "--restore"], input=inp, capture_output=True, text=True).stdout.splitlines()
    dt = time.time() - t
    ok = sum([R.tone_key(w) for w in win] == [R.tone_key(w) for w in got.split()] for win, got in zip(wins, out))
    print(f"restore, {name:<26} {1000 * dt / len(wins):.2f} ms a window, {ok / len(wins):.3f} exactly ({len(wins)} windows)")
PY
