#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# cli.sh -- the vnsearch command-line client against a real vnsearchd:
# readable output, highlighting only on a terminal, --json, options, exit codes.
cd "$(dirname "$0")/../.." || exit 1
. tests/tap.sh
$BIN/vnsearch-indexer --quiet --index "$TMP/index" tests/data/seeds tests/data/demo-corpus.jsonl tests/data/headlines-300.jsonl
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
$BIN/vnsearchd --index "$TMP/index" --listen 127.0.0.1:$PORT --workers 1 --user "$(id -un)" 2>"$TMP/log" &
DPID=$!
trap 'kill $DPID 2>/dev/null; rm -rf "$TMP"' EXIT
for i in $(seq 50); do $BIN/vnsearch --port $PORT --limit 1 x >/dev/null 2>&1; [ $? -ne 2 ] && break; sleep 0.1; done
V="$BIN/vnsearch --port $PORT"

out=$($V --limit 2 lương cường); rc=$?
is "$rc" 0 "hits give exit code 0"
like "$out" "^Leaders of China|^Vietnamese State President" "the title comes first"
like "$out" "^  00[01]_.*\.txt · 20[0-9-]+ · VN" "then id, date and source"
like "$out" "Lương Cường" "then the snippet"
unlike "$out" "<b>|$(printf '\033')" "piped output has no markup and no colours"
tty=$(script -qec "$V --limit 1 luong cuong" /dev/null)
like "$tty" "$(printf '\033')\[1;33mLương" "on a terminal the matched words are highlighted"
$V zzqqxxyy >/dev/null 2>"$TMP/err"; rc=$?
is "$rc" 1 "no hits give exit code 1"
like "$(cat "$TMP/err")" "no hits" "and say so on stderr"
out=$($V --json --limit 1 hà nội)
like "$out" '^\{"ok":true,"total":[0-9]+,"total_min":[0-9]+,"total_max":[0-9]+,"took_ms":[0-9.]+,"hits":\[\{"id":' "--json prints the daemon's JSON"
$V --limit 50 --sort=-date --from 2025-09-01 --to 2025-12-31 --source "Tuổi Trẻ" việt nam > "$TMP/f"
lines=$(grep -c '^  ' "$TMP/f")
meta=$(grep -o '^  [^ ]* · 20[0-9-]* · [^·]*' "$TMP/f")
ok "--source/--from/--to: only Tuổi Trẻ of Sept-Dec 2025" [ "$lines" -ge 4 ] && \
    [ "$(printf '%s\n' "$meta" | grep -vc ' · 2025-\(09\|1[012]\)-[0-9]* · Tuổi Trẻ')" = 0 ]
ok "--sort=-date: newest first" sh -c "printf '%s\n' \"\$1\" | cut -d' ' -f5 | sort -r -c" _ "$meta"
n=$($V --limit 3 hà nội | grep -c '^  ')
is "$n" 6 "--limit 3 prints three hits (two lines each)"
$V --sort bogus x >/dev/null 2>"$TMP/err"; rc=$?
is "$rc" 2 "a bad option value gives exit code 2"
like "$(cat "$TMP/err")" "BADREQ sort=" "with the daemon's message"
$BIN/vnsearch --port 1 x >/dev/null 2>"$TMP/err"; rc=$?
is "$rc" 2 "no daemon gives exit code 2"
like "$(cat "$TMP/err")" "Connection refused" "and says why"
$V >/dev/null 2>&1; is "$?" 2 "no query gives exit code 2"
# copies folded: an article with none shows no copies line; --collapse reaches the daemon
like "$($V --limit 1 --collapse giả danh công an)" "^  vnds-test-000" "--collapse prints the hits"
unlike "$($V --limit 3 --collapse giả danh công an)" "^  + [0-9]* cop" "and no copies line when there are none"
# a copy of a wire story from an incremental run, folded and listed with --collapse
python3 -c 'import json, sys; sys.path.insert(0, "tests/lib"); import vnd
print(json.dumps(vnd.wire_copy("vnds-test-000001", "copy-000001"), ensure_ascii=False))' >"$TMP/copy.jsonl"
$BIN/vnsearch-indexer --quiet --index "$TMP/index" "$TMP/copy.jsonl"
for i in $(seq 60); do $V --limit 3 giả danh công an để lừa đảo | grep -q copy-000001 && break; sleep 0.1; done
like "$($V --limit 3 --collapse giả danh công an để lừa đảo)" "^  \+ 1 copy: (copy-000001|vnds-test-000001)$" \
    "--collapse lists the copy under its original"
# a standing search: each new article that matches, as it comes
$V --watch con kỳ lân >"$TMP/watch.out" 2>"$TMP/watch.err" &
WPID=$!
for i in $(seq 50); do grep -q "watching" "$TMP/watch.err" && break; sleep 0.1; done
printf '%s\n' '{"id":"unicorn-1","title":"Con kỳ lân đá","date":"2026-12-01","body":"Tượng con kỳ lân đá được tìm thấy."}' \
    '{"id":"croc-1","title":"Cá sấu","body":"Một con cá sấu xổng chuồng."}' >"$TMP/new.jsonl"
$BIN/vnsearch-indexer --quiet --index "$TMP/index" "$TMP/new.jsonl"
for i in $(seq 50); do grep -q "unicorn-1" "$TMP/watch.out" && break; sleep 0.1; done
kill $WPID 2>/dev/null; wait $WPID 2>/dev/null
like "$(cat "$TMP/watch.out")" "^  unicorn-1 · 2026-12-01$" "--watch prints the new article that matches"
unlike "$(cat "$TMP/watch.out")" "croc-1" "and not the one that does not"
# completions: the marks typed kept, most occurrences first
out=$($V --suggest đư); rc=$?
is "$rc" 0 "--suggest completes a word"
is "$(printf '%s\n' "$out" | sed -n 1p)" "được" "--suggest đư: được first"
unlike "$out" "^d[^đ]" "and nothing the marks typed rule out"
$V --suggest xqzxqzq >/dev/null 2>&1; is "$?" 1 "--suggest with no completion gives exit code 1"
$V --suggest --json đư >/dev/null 2>&1; is "$?" 2 "--suggest and --json together give exit code 2"
# fresh news first: the storm headline of the day asked for, whichever day
like "$($V --limit 1 --fresh 7 --now 2025-08-31 bão)" "^  rss-0c4185386743c1b0 " "--fresh 7 --now: that day's storm first"
like "$($V --limit 1 --fresh 7 --now 2026-02-26 bão)" "^  rss-b5000550f2d238a1 " "and another day's, another"
$V --fresh 0 bão >/dev/null 2>"$TMP/err"; is "$?" 2 "--fresh 0 gives exit code 2"
like "$(cat "$TMP/err")" "half-life" "and says what it takes"
# related stories: the seed articles about Lương Cường are each other's
first=$($V --limit 1 lương cường | sed -n 2p | sed 's/^  \([^ ]*\) .*/\1/')
out=$($V --limit 3 --related "$first"); rc=$?
is "$rc" 0 "--related finds articles like one"
unlike "$out" "^  $first " "never the article itself"
like "$out" "^  00[0-9]_.*\.txt · " "and a seed article about the same man among them"
$V --related no-such-article >/dev/null 2>"$TMP/err"; rc=$?
is "$rc" 2 "--related of an unknown id gives exit code 2"
like "$(cat "$TMP/err")" "NOTFOUND no such document" "and the daemon's message"
$V --related "$first" lương >/dev/null 2>&1; is "$?" 2 "--related and a query together give exit code 2"
out=$($V --json --limit 3 --related "$first"); rc=$?
is "$rc" 0 "--related --json: exit code 0"
like "$out" '^\{"ok":true,"total":[0-9]+,.*"hits":\[\{"id":' "prints RELATED's JSON reply"
unlike "$out" "\"id\":\"$first\"" "never the article itself"
# the user's text never lands where options go (was: 3 hits for --limit 1)
n=$($V --limit 1 'limit=3 ha noi' | grep -c '^  ')
is "$n" 2 "query text that begins with limit= is no option"
$V "$(printf 'hà nội\nRELOAD')" >/dev/null 2>"$TMP/err"; rc=$?
is "$rc" 2 "a line break in the query is refused"
like "$(cat "$TMP/err")" "line break" "and says why"
unlike "$(cat "$TMP/log")" "RELOAD" "nothing was sent for it"
# a daemon that wants a token (search_token): --token or $VNSEARCH_TOKEN
TPORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
printf 'search_token = cli-search-token-42\n' > "$TMP/token.conf"
$BIN/vnsearchd --index "$TMP/index" --listen 127.0.0.1:$TPORT --config "$TMP/token.conf" --workers 1 --user "$(id -un)" 2>/dev/null &
TPID=$!
for i in $(seq 50); do printf 'PING\r\n' | nc -q1 127.0.0.1 $TPORT 2>/dev/null | grep -q PONG && break; sleep 0.1; done
$BIN/vnsearch --port $TPORT --limit 1 hà nội >/dev/null 2>"$TMP/err"; rc=$?
is "$rc" 2 "search_token set: without a token, exit code 2"
like "$(cat "$TMP/err")" "NOAUTH.*search_token" "saying the daemon wants the token"
is "$($BIN/vnsearch --port $TPORT --token cli-search-token-42 --limit 1 hà nội | grep -c '^  ')" 2 "--token TOKEN searches (a hit: two lines)"
is "$(VNSEARCH_TOKEN=cli-search-token-42 $BIN/vnsearch --port $TPORT --limit 1 hà nội | grep -c '^  ')" 2 \
    "and so does \$VNSEARCH_TOKEN"
VNSEARCH_TOKEN=wrong $BIN/vnsearch --port $TPORT --limit 1 hà nội >/dev/null 2>"$TMP/err"; rc=$?
is "$rc" 2 "a wrong token: exit code 2"
like "$(cat "$TMP/err")" "NOAUTH wrong token" "and says so"
kill $TPID 2>/dev/null; wait $TPID 2>/dev/null
# --- the command lines and their pages (the same for every program) ---
for p in vnsearch-indexer vnsearchd vnsearch; do
    like "$($BIN/$p --version)" "^$p [0-9]+\.[0-9]+\.[0-9]+" "$p --version"
    like "$($BIN/$p -h)" "^Usage: $p" "$p -h prints the usage on stdout"
    $BIN/$p --no-such-option >/dev/null 2>"$TMP/err"; rc=$?
    is "$rc" 2 "$p: a usage error exits 2"
    is "$(grep -vc 'unrecognized option' "$TMP/err")" 1 "$p: ... with one line besides getopt's"
    like "$(cat "$TMP/err")" "try '$p --help'" "$p: ... which says where help is"
    page=docs/man/$p.1
    for sec in NAME SYNOPSIS DESCRIPTION OPTIONS FILES SIGNALS "EXIT STATUS" EXAMPLES; do
        ok "$p.1 has a $sec section" grep -q "^\.SH $sec" "$page"
    done
    missing=""
    for o in $($BIN/$p --help | grep -oE -- '--[a-z][a-z-]*' | sort -u); do
        grep -q -- "$(printf '%s' "$o" | sed 's/-/\\\\-/g')" "$page" || missing="$missing $o"
    done
    is "$missing" "" "$p.1 documents every option of $p --help"
done
# vnsearch.conf(5) and vnsearch-protocol(7) are written from their sources
python3 docs/man/mkman.py conf config/vnsearch.conf | cmp -s - docs/man/vnsearch.conf.5
is "$?" 0 "docs/man/vnsearch.conf.5 is up to date with config/vnsearch.conf (make man)"
python3 docs/man/mkman.py protocol docs/protocol.md | cmp -s - docs/man/vnsearch-protocol.7
is "$?" 0 "docs/man/vnsearch-protocol.7 is up to date with docs/protocol.md (make man)"
missing=""
for k in $(grep -oE 'S\([a-z_]{2,},' common/app/config.c | sed 's/S(//; s/,//'); do
    grep -qF "\\fB$k\\fR (default" docs/man/vnsearch.conf.5 || missing="$missing $k"
done
is "$missing" "" "vnsearch.conf.5 has every setting, with its default"
tap_done
