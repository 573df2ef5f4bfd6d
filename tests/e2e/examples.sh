#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# examples.sh -- the examples run (client library, embedding, Python over the
# protocol), and make install into a temporary prefix followed by compiling
# the examples against the installed pkg-config files; make uninstall.
cd "$(dirname "$0")/../.." || exit 1
. tests/tap.sh
EX=$VN_BUILD/examples
$BIN/vnsearch-indexer --quiet --index "$TMP/index" tests/data/seeds tests/data/demo-corpus.jsonl
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
$BIN/vnsearchd --index "$TMP/index" --listen 127.0.0.1:$PORT --workers 1 --user "$(id -un)" 2>/dev/null &
DPID=$!
trap 'kill $DPID 2>/dev/null; rm -rf "$TMP"' EXIT
for i in $(seq 50); do python3 examples/query.py 127.0.0.1 $PORT x >/dev/null 2>&1 && break; sleep 0.1; done

out=$($EX/client_search 127.0.0.1 $PORT "luong cuong"); rc=$?
is "$rc" 0 "client example exits 0"
like "$out" "^00[01]_.*\.txt	[0-9.]+	" "client example prints the seed first"
out=$(python3 examples/query.py 127.0.0.1 $PORT "giả danh công an"); rc=$?
is "$rc" 0 "Python example exits 0"
like "$out" "^vnds-test-000001	" "Python example prints the article first"
python3 examples/query.py 127.0.0.1 $PORT "$(printf 'hà nội\nRELOAD')" >/dev/null 2>&1; rc=$?
is "$rc" 2 "Python example refuses a line break in the query"
out=$(python3 examples/query.py 127.0.0.1 $PORT "limit=1 hà nội" | grep -c '^[^0-9]'); rc=$?
is "$out" 3 "Python example: query text is never read as options"
out=$($EX/embed_index "$TMP/embedded"); rc=$?
is "$rc" 0 "embedding example exits 0"
is "$out" "a1	Khánh Hòa đón khách" "embedding example finds Khánh Hòa by khanh hoa"
# a program linked against the build tree finds its libraries there (the
# SONAME, libvnsearch-client.so.0, is beside the .so)
cc -o "$TMP/csb" examples/client_search.c -Iinclude -L"$VN_BUILD/lib" -lvnsearch-client $(pkg-config --libs jansson) \
    $(case "$VN_BUILD" in *asan*) echo -fsanitize=address,undefined;; esac) 2>"$TMP/cc0"
like "$(LD_LIBRARY_PATH=$VN_BUILD/lib "$TMP/csb" 127.0.0.1 $PORT "ha noi" 2>&1)" "matches" \
    "a program linked against $VN_BUILD/lib starts with LD_LIBRARY_PATH=$VN_BUILD/lib"
ok "example sources stay short (about 30 lines)" [ "$(cat examples/client_search.c | wc -l)" -le 40 ] && \
    [ "$(cat examples/embed_index.c | wc -l)" -le 40 ]

if [ "$VN_BUILD" != build ]; then
    echo "ok $((TAP_N + 1)) # SKIP make install is checked on the plain build only"
    TAP_N=$((TAP_N + 1))
    tap_done
    exit 0
fi
P=$TMP/prefix
make --no-print-directory -s install PREFIX="$P" >/dev/null 2>&1; rc=$?
is "$rc" 0 "make install PREFIX=... succeeds"
for f in bin/vnsearch-indexer bin/vnsearchd bin/vnsearch lib/libvnsearch.so lib/libvnsearch-client.so \
         include/vnsearch.h include/vnsearch_client.h lib/pkgconfig/vnsearch.pc lib/pkgconfig/vnsearch-client.pc \
         share/man/man1/vnsearchd.1 share/vnsearch/vnsearch.cron lib/systemd/system/vnsearchd.service \
         lib/systemd/system/vnsearch-indexer.service lib/systemd/system/vnsearch-indexer.timer \
         share/vnsearch/web/index.html share/vnsearch/web/app.js lib/sysusers.d/vnsearch.conf \
         share/doc/vnsearch/protocol.md share/doc/vnsearch/scale-out.md share/doc/vnsearch/README.md \
         etc/vnsearch/vnsearch.conf etc/vnsearch/aliases.txt lib/pkgconfig/vnsearch-static.pc; do
    ok "installed $f" [ -f "$P/$f" ]
done
is "$(readlink "$P/lib/libvnsearch.so")" "libvnsearch.so.0" "libvnsearch.so links to the SONAME"
like "$(readelf -d "$P/lib/libvnsearch.so.0" 2>/dev/null)" "Library soname: \[libvnsearch.so.0\]" "the library has its SONAME"
# only what the public headers declare is exported: no other symbol of
# any kind (C++ template copies, type information), by name
for l in "libvnsearch VN_EXPORT vnsearch.h" "libvnsearch-client VNC_EXPORT vnsearch_client.h"; do
    set -- $l
    declared=$(sed -n "s/^$2 .*[ *]\([a-z_0-9]*\)(.*/\1/p" include/$3 | sort)
    exported=$(nm -D --defined-only "$P/lib/$1.so" | awk '{print $3}' | sort)
    is "$exported" "$declared" "$1.so exports the $(printf '%s\n' "$declared" | wc -l) functions $3 declares, and nothing else"
done
is "$(grep '^ExecStart=' "$P/lib/systemd/system/vnsearchd.service")" "ExecStart=$P/bin/vnsearchd --config $P/etc/vnsearch/vnsearch.conf" \
    "the unit starts the installed daemon with the installed config, and nothing that overrides it"
is "$(grep '^ExecStart=' "$P/lib/systemd/system/vnsearch-indexer.service")" "ExecStart=$P/bin/vnsearch-indexer --quiet" \
    "the indexer's unit runs the installed indexer on its config alone"
like "$(grep '^\*/5' "$P/share/vnsearch/vnsearch.cron")" "vnsearch .*$P/bin/vnsearch-indexer --quiet" "the cron file runs it as vnsearch"
like "$(grep '^aliases = ' "$P/etc/vnsearch/vnsearch.conf")" "= $P/etc/vnsearch/aliases.txt" "the installed config names the installed aliases, beside it"
is "$(sed -n 's/^http_listen = //p' "$P/etc/vnsearch/vnsearch.conf")" "127.0.0.1:7701" "the installed config serves the page on loopback"
# the installed programs read the installed config without --config; its
# input is what a run without INPUT indexes
mkdir -p "$TMP/incoming" && cp tests/data/seeds/*.txt "$TMP/incoming/"
cp "$P/etc/vnsearch/vnsearch.conf" "$TMP/conf.orig"
sed -i -e "s|^index = .*|index = $TMP/inst-index|" -e "s|^input = .*|input = $TMP/incoming|" "$P/etc/vnsearch/vnsearch.conf"
(cd "$TMP" && "$P/bin/vnsearch-indexer") 2>"$TMP/ix.err"
is "$?" 0 "the installed indexer, given nothing, runs on its config" "$(cat "$TMP/ix.err")"
like "$(cat "$TMP/ix.err")" "added $(ls "$TMP/incoming" | wc -l)," "and indexes the config's input"
ok "into the config's index" [ -e "$TMP/inst-index/XAPIANDB" ]
cp "$TMP/conf.orig" "$P/etc/vnsearch/vnsearch.conf"
unlike "$(PKG_CONFIG_PATH=$P/lib/pkgconfig pkg-config --cflags vnsearch vnsearch-client)" "UTF8PROC|xapian" \
    "pkg-config --cflags vnsearch brings no other library's flags"
if command -v systemd-analyze >/dev/null; then
    score=$(systemd-analyze security --offline=true "$P/lib/systemd/system/vnsearchd.service" 2>/dev/null |
            sed -n 's/.*Overall exposure level for [^:]*: \([0-9.]*\).*/\1/p')
    ok "systemd-analyze security rates the unit $score (at most 4.0, OK)" \
        [ -n "$score" ] && awk "BEGIN {exit !($score <= 4.0)}"
else
    echo "ok $((TAP_N + 1)) # SKIP systemd-analyze is not installed"
    TAP_N=$((TAP_N + 1))
fi
echo "# edited" >> "$P/etc/vnsearch/vnsearch.conf"
echo "# edited" >> "$P/etc/vnsearch/aliases.txt"
make --no-print-directory -s install PREFIX="$P" >/dev/null 2>&1
ok "a second make install keeps an edited config" grep -q "^# edited" "$P/etc/vnsearch/vnsearch.conf"
ok "and edited aliases" grep -q "^# edited" "$P/etc/vnsearch/aliases.txt"
ok "internal headers are not installed" [ ! -e "$P/include/vn_text.h" ]
unlike "$(grep -n 'vn_text.h' "$P/include/vnsearch.h")" "." "vnsearch.h names no header that is not installed"
printf '#include <vnsearch.h>\nint main() { vn_article a = {}; a.id = "x"; a.body = "y"; return a.id[0] == 0; }\n' |
    c++ -std=c++17 -Wall -Wextra -Werror -I"$P/include" -x c++ -c - -o "$TMP/cxx.o" 2>"$TMP/cxx.err"
is "$?" 0 "vnsearch.h in C++: an article's fields take string literals (const)"
printf '#include <vnsearch.h>\nint main(void) { vn_article a = {.id = "x", .body = "y"}; return a.id[0] == 0; }\n' |
    cc -std=c11 -Wall -Wextra -Wwrite-strings -Werror -I"$P/include" -x c -c - -o "$TMP/c.o" 2>"$TMP/c.err"
is "$?" 0 "and in C with -Wwrite-strings"
export PKG_CONFIG_PATH=$P/lib/pkgconfig
cc -o "$TMP/cs" examples/client_search.c $(pkg-config --cflags --libs vnsearch-client) -Wl,-rpath,"$P/lib" 2>"$TMP/cc1"
is "$?" 0 "the client example compiles against the installed pkg-config file"
like "$("$TMP/cs" 127.0.0.1 $PORT "ha noi")" "matches" "and runs"
cc -o "$TMP/ei" examples/embed_index.c $(pkg-config --cflags --libs vnsearch) -Wl,-rpath,"$P/lib" 2>"$TMP/cc2"
is "$?" 0 "the embedding example compiles against the installed pkg-config file"
is "$("$TMP/ei" "$TMP/emb2")" "a1	Khánh Hòa đón khách" "and runs"
cc -o "$TMP/eis" examples/embed_index.c $(pkg-config --cflags --libs vnsearch-static) 2>"$TMP/cc3"
is "$?" 0 "the embedding example links statically through vnsearch-static.pc"
unlike "$(ldd "$TMP/eis")" "libvnsearch" "and needs no libvnsearch.so (Xapian stays shared: Debian has no static one)"
is "$("$TMP/eis" "$TMP/emb3")" "a1	Khánh Hòa đón khách" "and runs"
for m in vnsearch-indexer vnsearchd vnsearch; do
    up=$(echo $m | tr a-z A-Z)
    ok "man page $m.1 starts with its .TH header" grep -q "^\.TH $up 1" "$P/share/man/man1/$m.1"
done
make --no-print-directory -s uninstall PREFIX="$P" >/dev/null 2>&1
is "$(find "$P" -type f -o -type l | grep -v '/etc/vnsearch/vnsearch.conf$\|/etc/vnsearch/aliases.txt$' | wc -l)" 0 \
    "make uninstall removes every installed file but the config and the aliases"
tap_done
