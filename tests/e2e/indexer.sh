#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# indexer.sh -- vnsearch-indexer end to end: the demo data, query mode,
# incremental runs, replace, prune, lock, bad input, stdin, --full, kill -9.
cd "$(dirname "$0")/../.." || exit 1
. tests/tap.sh
IX=$BIN/vnsearch-indexer
D=$TMP/index

# seeds as a directory of plain articles, plus the demo corpus
mkdir -p "$TMP/seeds"
cp tests/data/seeds/*.txt "$TMP/seeds/"
out=$($IX --index "$D" "$TMP/seeds" tests/data/demo-corpus.jsonl 2>&1); rc=$?
is "$rc" 0 "first run exits 0"
like "$out" "added 305, replaced 0, unchanged 0, deleted 0, rejected 0" "first run summary counts 305 added"

q() { $IX --index "$D" --query "$1" --limit "${2:-3}" 2>&1; }
first() { q "$1" 1 | cut -f1; }
like "$(q cuong 5)" "^00[0-4]_.*\.txt" "a seed is found by cuong"
like "$(q 'Cường' 5)" "^00[0-4]_.*\.txt" "a seed is found by Cường"
# the dateline (HÀ NỘI —) is searchable: four seeds have it (was: parsed out, unsearchable)
is "$(q 'dateline:"hà nội"' 10 | grep -c '^00[0-4]_')" 4 "dateline: finds the four Hà Nội datelines"
is "$(q 'dateline:beijing' 10 | cut -f1)" "001_48e29e362bef4779.txt" "dateline: finds the Beijing one"
is "$(q '"hà nội" -"lương cường"' 300 | grep -c '^00[0-4]_')" 3 "plain search finds the datelines too"
# 300 Vietnamese articles say Hà Nội more often than an English wire does
like "$(q 'ha noi' 400)" "^00[34]_.*\.txt" "a seed is found by ha noi"
like "$(q 'Hà Nội' 400)" "^00[34]_.*\.txt" "a seed is found by Hà Nội"
like "$(q 'meeting' 5)" "001_48e29e362bef4779.txt" "English stemming: meeting finds meetings"
is "$(first 'giả danh công an để lừa đảo')" "vnds-test-000001" "Vietnamese phrase finds its article first"
is "$(first 'gia danh cong an de lua dao')" "vnds-test-000001" "the same without marks"
like "$(q 'Hà Nội' 3)" "^[^	]+	[0-9.]+	.+" "query lines are id<TAB>score<TAB>title"

out=$($IX --index "$D" "$TMP/seeds" tests/data/demo-corpus.jsonl 2>&1); rc=$?
is "$rc" 0 "re-run exits 0"
like "$out" "added 0, replaced 0, unchanged 305, deleted 0" "re-run changes nothing"
# the same articles written otherwise (an export that reformats its JSON):
# unchanged, and from then on known by their bytes
python3 -c 'import json,sys
for l in open(sys.argv[1], encoding="utf-8"): print(json.dumps(json.loads(l), ensure_ascii=True, separators=(",", ":")))' \
    tests/data/demo-corpus.jsonl > "$TMP/reformatted.jsonl"
out=$($IX --index "$D" "$TMP/reformatted.jsonl" 2>&1)
like "$out" "added 0, replaced 0, unchanged 300, deleted 0" "a reformatted export is unchanged"
is "$(first 'gia danh cong an de lua dao')" "vnds-test-000001" "and searches as before"
out=$($IX --index "$D" --prune "$TMP/seeds" "$TMP/reformatted.jsonl" 2>&1)
like "$out" "added 0, replaced 0, unchanged 305, deleted 0" "known by their bytes, unparsed, they still count for --prune"
awk 'NR == 7 {sub(/"body":"/, "\"body\":\"Tin cập nhật: ")} {print}' "$TMP/reformatted.jsonl" > "$TMP/one-changed.jsonl"
out=$($IX --index "$D" "$TMP/one-changed.jsonl" 2>&1)
like "$out" "added 0, replaced 1, unchanged 299" "one changed line is replaced, the others skipped"
$IX --quiet --index "$D" tests/data/demo-corpus.jsonl

printf ' date 2025-01-01 HÀ NỘI — A changed seed about Quảng Ninh. — VNS\n' > "$TMP/seeds/002_c1af4d8a964d5a10.txt"
out=$($IX --index "$D" "$TMP/seeds" 2>&1)
like "$out" "added 0, replaced 1, unchanged 4, deleted 0" "a changed file is replaced"
like "$(q 'quang ninh' 5)" "^002_c1af4d8a964d5a10.txt" "the replaced text is searchable"

rm "$TMP/seeds/003_e31831d763d50afe.txt"
out=$($IX --index "$D" --prune "$TMP/seeds" tests/data/demo-corpus.jsonl 2>&1)
like "$out" "unchanged 304, deleted 1" "--prune deletes the removed file's document"
unlike "$(q 'Ouch Borith' 5)" "003_e31831d763d50afe" "the pruned document is gone"
# an input that cannot be read prunes nothing (was: all 303 documents
# deleted by --prune /nonexistent)
out=$($IX --index "$D" --prune /nonexistent "$TMP/seeds" 2>&1); rc=$?
is "$rc" 1 "--prune with a missing input exits 1"
like "$out" "not pruning: 1 inputs could not be read" "and says it did not prune"
like "$out" "deleted 0" "nothing is deleted"
like "$(q 'giả danh công an' 3)" "vnds-test-000001" "the other inputs' documents are still there"

# a second indexer is refused at once while the lock is held
flock "$D/vnsearch.lock" sleep 2 &
holder=$!
sleep 0.3
start=$(date +%s)
out=$($IX --index "$D" "$TMP/seeds" 2>&1); rc=$?
end=$(date +%s)
quiet=$($IX --quiet --index "$D" "$TMP/seeds" 2>&1); qrc=$?
wait $holder
is "$rc" 3 "a locked index gives exit code 3"
like "$out" "another indexer" "and says why"
ok "and does not wait for the lock" [ $((end - start)) -lt 3 ]
is "$qrc:$quiet" "3:" "with --quiet (cron), a locked index is exit 3 and no output: no mail for an overlap"

# malformed lines are reported with file:line, skipped and counted; a date
# that cannot be read is a warning, the article indexed (was: rejected)
printf '%s\n' '{"id":"ok-1","title":"Một","body":"bài tốt"}' '{"id":"bad", "body": ' \
    '{"id":"ok-2","title":"Hai","date":"2024-99-01","body":"ngày sai"}' '' \
    '{"id":"ok-3","title":"Ba","body":"bài tốt nữa"}' \
    '{"id":"ok-4","title":"Bốn","date":"2025-02-03T10:00:00+07:00","body":"giờ ISO"}' > "$TMP/mixed.jsonl"
out=$($IX --index "$TMP/mixed" "$TMP/mixed.jsonl" 2>&1); rc=$?
is "$rc" 1 "rejected input gives exit code 1"
like "$out" "mixed.jsonl:2: malformed JSON" "the malformed line is named with its number"
like "$out" "mixed.jsonl:3: .*date.*indexed without a date" "a bad date is a warning with its line"
like "$out" "added 4, .*rejected 1, warnings 1" "the article with a bad date is indexed, not dropped"
is "$($IX --index "$TMP/mixed" --query 'giờ ISO' --limit 1 | cut -f1)" "ok-4" "an ISO 8601 date-time is accepted"
# an id twice in one input: a warning with both places
printf '%s\n' '{"id":"dup","title":"Một","body":"bản đầu"}' '{"id":"x","body":"khác"}' \
    '{"id":"dup","title":"Hai","body":"bản sau"}' > "$TMP/dup.jsonl"
out=$($IX --index "$TMP/dup" "$TMP/dup.jsonl" 2>&1); rc=$?
is "$rc" 0 "a duplicate id is a warning, not a rejection"
like "$out" "dup.jsonl:3: id \"dup\" again \(first at .*dup.jsonl:1\)" "naming both places"
is "$($IX --index "$TMP/dup" --query 'bản sau' --limit 1 | cut -f1)" "dup" "the later copy wins"
# a --full rebuild with an input missing is not switched in
printf '%s\n' '{"id":"keep","title":"Giữ","body":"chỉ mục cũ"}' > "$TMP/keep.jsonl"
$IX --index "$TMP/keep" --quiet "$TMP/keep.jsonl"
out=$($IX --index "$TMP/keep" --full /nonexistent.jsonl 2>&1); rc=$?
is "$rc" 4 "--full with a missing input exits 4"
like "$out" "not switching to the rebuild" "and says the index is unchanged"
is "$($IX --index "$TMP/keep" --query 'chỉ mục cũ' --limit 1 | cut -f1)" "keep" "the old index still answers"
out=$($IX --index "$TMP/mixed" "$TMP/no-such-file.jsonl" 2>&1); rc=$?
is "$rc" 1 "a missing input is a rejected input"
like "$out" "no-such-file.jsonl: No such file" "and is named"

# archives from before Unicode: TCVN3 bytes in a plain article, VNI taken
# for Latin-1 once already in JSON Lines; found by "hà nội" (was: nothing)
mkdir -p "$TMP/legacy"
printf 'Tin c\373: H\265 N\351i m\255\352a to, B\266o Th\276ng ng\270p n\255\355c.\n' > "$TMP/legacy/tcvn3.txt"
printf '%s\n' '{"id":"vni-1","title":"Tin cuõ","body":"Haø Noäi möa to, Vieät Nam."}' > "$TMP/legacy.jsonl"
out=$($IX --index "$TMP/leg" "$TMP/legacy" "$TMP/legacy.jsonl" 2>&1)
like "$out" "added 2, .*converted 2" "legacy encodings are detected and converted"
is "$($IX --index "$TMP/leg" --query 'hà nội' | cut -f1 | sort | tr '\n' ' ')" "tcvn3.txt vni-1 " \
    "and found by hà nội"
out=$($IX --index "$TMP/leg2" --encoding utf8 "$TMP/legacy.jsonl" 2>&1)
like "$out" "converted 0" "--encoding utf8 takes the text as it is"
$IX --index "$TMP/leg3" --encoding latin1 "$TMP/legacy.jsonl" >/dev/null 2>&1; is "$?" 2 "an unknown --encoding is a usage error"

# bounded inputs: a UTF-8 byte order mark is no article's first byte (was:
# the first article rejected); a line past 4 MiB is read in constant memory
# and rejected, an article past 1 MiB too, an id holding a tab as well (was:
# written, then no GET or DELETE could name it); the rest is indexed
python3 - "$TMP/bounds.jsonl" <<'PY'
import json, sys
with open(sys.argv[1], "wb") as f:
    f.write(b"\xef\xbb\xbf" + json.dumps({"id": "bom-1", "title": "Mở đầu", "body": "dấu BOM ở đầu tệp"}).encode() + b"\n")
    f.write(json.dumps({"id": "huge-line", "body": "x" * (5 << 20)}).encode() + b"\n")
    f.write(json.dumps({"id": "big-article", "body": "ngày " * 300000}, ensure_ascii=False).encode() + b"\n")
    f.write(json.dumps({"id": "tab\there", "body": "mã có tab"}).encode() + b"\n")
    f.write(json.dumps({"id": "after", "title": "Sau", "body": "vẫn được đánh chỉ mục"}).encode() + b"\n")
PY
out=$(/usr/bin/time -f 'maxrss %M' $IX --index "$TMP/bounds" --threads 1 "$TMP/bounds.jsonl" 2>&1); rc=$?
is "$rc" 1 "oversized and bad records make exit 1"
like "$out" "added 2, replaced 0, unchanged 0, deleted 0, rejected 3" "the BOM line and the last are indexed, 3 rejected"
like "$out" "bounds.jsonl:2: line of 5242[0-9]* bytes: more than the 4194304" "the 5 MB line is named and refused"
like "$out" "bounds.jsonl:3: .*more than the 1048576 an article may have" "the 1.5 MB article is refused"
like "$out" "bounds.jsonl:4: document id holds a control character" "the id with a tab is refused"
rss=$(printf '%s\n' "$out" | sed -n 's/^maxrss //p')
ok "reading them took $rss kB (under 80 MB)" [ -n "$rss" ] && [ "$rss" -lt 80000 ]
is "$($IX --index "$TMP/bounds" --query 'dấu BOM' --limit 1 | cut -f1)" "bom-1" "the first article after a BOM is found"
out=$($IX --index "$TMP/bounds2" --threads 2 "$TMP/bounds.jsonl" 2>&1)
like "$out" "added 2, .*rejected 3" "two threads: the same"
like "$out" "bounds.jsonl:4: document id holds a control character" "and rejects are named by file and line (was: by the id)"
# N threads: N partial indexes merged, the same index as one thread builds
$IX --quiet --index "$TMP/t1" --threads 1 tests/data/demo-corpus.jsonl tests/data/headlines-300.jsonl
$IX --quiet --index "$TMP/t4" --threads 4 tests/data/demo-corpus.jsonl tests/data/headlines-300.jsonl
for q in "hà nội" "bão số 3" "công an"; do
    # (hits of equal score come in document-number order, which the merge changes)
    is "$($IX --index "$TMP/t4" --query "$q" --limit 20 | cut -f1,2 | sort)" \
       "$($IX --index "$TMP/t1" --query "$q" --limit 20 | cut -f1,2 | sort)" \
        "--threads 4 builds the index --threads 1 does (\"$q\": the same hits and scores)"
done
ok "and leaves no partial index behind" [ -z "$(ls "$TMP/t4" | grep tmp-gen)" ]
$IX --index "$TMP/t65" --threads 65 tests/data/demo-corpus.jsonl >/dev/null 2>"$TMP/t65.err"
is "$?" 2 "--threads 65 is a usage error"
like "$(cat "$TMP/t65.err")" "threads 1 to 64" "that says the range"

# JSON Lines on stdin
out=$(printf '%s\n' '{"id":"stdin-1","title":"Từ stdin","body":"Thủy điện Hòa Bình"}' | $IX --index "$TMP/stdin" - 2>&1)
like "$out" "added 1" "JSON Lines from stdin"
is "$($IX --index "$TMP/stdin" --query 'thuỷ điện hoà bình' --limit 1 | cut -f1)" "stdin-1" "either tone style finds it"

# --full rebuilds into a new generation and switches
gen() { sed -n 's/^glass gen-0*//p' "$D/XAPIANDB"; }
g0=$(gen)
out=$($IX --index "$D" --full --max-removal 100 "$TMP/seeds" 2>&1)
like "$out" "added 4" "--full indexes only this run's inputs"
is "$(gen)" "$((g0 + 1))" "--full switched the stub to a new generation"
ok "the previous generation is kept for readers" [ -d "$D/$(printf gen-%06d "$g0")" ]
unlike "$(q 'lua dao' 5)" "vnds-test" "the rebuilt index holds only the new inputs"
$IX --index "$D" --full --max-removal 100 --threads 1 "$TMP/seeds" >/dev/null 2>&1
is "$(gen)" "$((g0 + 2))" "a one-thread --full switches too"
ok "older generations are removed at the next switch" [ ! -d "$D/$(printf gen-%06d "$g0")" ]
ok "no shard directories are left behind" [ -z "$(ls "$D" | grep tmp-)" ]

# kill -9 in the middle: the index stays at its last commit
head -120 tests/data/demo-corpus.jsonl > "$TMP/part1"
tail -n +121 tests/data/demo-corpus.jsonl > "$TMP/part2"
mkfifo "$TMP/fifo"
$IX --index "$TMP/killed" --threads 1 --batch 50 --quiet - < "$TMP/fifo" &
victim=$!
exec 7>"$TMP/fifo"
cat "$TMP/part1" >&7
sleep 1.5
kill -9 $victim; wait $victim 2>/dev/null
exec 7>&-
like "$($IX --index "$TMP/killed" --query 'giả danh công an' --limit 3 | cut -f1)" "^vnds-test-000001$" \
    "after kill -9 the committed documents are searchable"
out=$($IX --index "$TMP/killed" tests/data/demo-corpus.jsonl 2>&1); rc=$?
is "$rc" 0 "after kill -9 the next run takes the lock and completes"
like "$out" "added 200, replaced 0, unchanged 100" "it adds what the killed run had not committed"

# kill -9 during a two-thread --full: the live index is untouched
exec 7>&-
mkfifo "$TMP/fifo2"
$IX --index "$TMP/killed" --full --threads 2 --quiet - < "$TMP/fifo2" &
victim=$!
exec 8>"$TMP/fifo2"
head -50 tests/data/demo-corpus.jsonl >&8
sleep 1.5
kill -9 $victim; wait $victim 2>/dev/null
exec 8>&-
like "$($IX --index "$TMP/killed" --query 'giả danh công an' --limit 3 | cut -f1)" "^vnds-test-000001$" \
    "after kill -9 of a rebuild the old index still answers"
ok "the killed rebuild left its shards" [ -n "$(ls "$TMP/killed" | grep tmp-)" ]
out=$($IX --index "$TMP/killed" tests/data/demo-corpus.jsonl 2>&1)
like "$out" "unchanged 300" "the next (incremental) run completes on the old index"
ok "and clears the killed rebuild's shards" [ -z "$(ls "$TMP/killed" | grep tmp-)" ]

# usage errors
$IX --bogus >/dev/null 2>&1; is "$?" 2 "an unknown option gives exit code 2"
$IX --index "$D" --limit 0 --query x >/dev/null 2>&1; is "$?" 2 "--limit 0 gives exit code 2"
$IX --index "$D" >/dev/null 2>&1; is "$?" 2 "no INPUT gives exit code 2"
out=$($IX --index "$TMP/none" --query x 2>&1); is "$?" 4 "querying a missing index gives exit code 4"
$IX --index "$D" --query '   ' >/dev/null 2>&1; is "$?" 2 "an empty query gives exit code 2"
printf 'batch = lots\n' > "$TMP/bad.conf"
out=$($IX --config "$TMP/bad.conf" --index "$D" "$TMP/seeds" 2>&1); rc=$?
is "$rc" 2 "a bad config gives exit code 2"
like "$out" "bad.conf:1: batch must be a whole number" "naming file and line"
like "$($IX --help)" "--prune" "--help documents the options"

# the progress line on a terminal, two threads: its percentage follows the
# documents written, not the bytes read ahead of them (was: 59 % and
# "ETA 0:00" at 0.6 s of a 6.6 s run)
if [ "$VN_BUILD" = build ] && command -v script >/dev/null; then
    python3 -c 'import json,sys
for k in range(8):
    for l in open(sys.argv[1], encoding="utf-8"):
        o = json.loads(l); o["id"] = "p%d-%s" % (k, o["id"]); print(json.dumps(o, ensure_ascii=False))' \
        tests/data/demo-corpus.jsonl > "$TMP/progress.jsonl"
    script -qc "$IX --threads 2 --index $TMP/progress-index $TMP/progress.jsonl" /dev/null | tr '\r' '\n' |
        sed 's/\x1b\[K//g' | grep ' ETA ' > "$TMP/progress.txt"
    bad=$(awk '{p = $(NF - 2) + 0; if (p > 100 || ($NF == "0:00" && p < 99)) print}' "$TMP/progress.txt")
    ok "the progress line shows ETAs ($(wc -l < "$TMP/progress.txt") lines)" [ -s "$TMP/progress.txt" ]
    is "$bad" "" "no ETA 0:00 before the end, no percentage over 100"
fi
tap_done
