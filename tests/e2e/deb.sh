#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# deb.sh -- the Debian package as an administrator meets it: make deb
# (debhelper), lintian, apt install ./vnsearch_*.deb, the files, the
# conffile, the vnsearch user, the empty index, vnsearchd --version and a
# PING from the packaged daemon run as its user, then apt purge and nothing
# left.  Runs once, in the plain build's turn, as root (it installs a
# package), and skips, saying so, on a machine that has vnsearch installed
# already or lacks debhelper.
cd "$(dirname "$0")/../.." || exit 1
. tests/tap.sh
skip() { echo "1..0 # SKIP $1"; exit 0; }
[ "$VN_BUILD" = build ] || skip "the package is tested once, in the plain build's turn"
[ "$(id -u)" = 0 ] || skip "installing a package needs root"
command -v dpkg-buildpackage >/dev/null && command -v dh >/dev/null || skip "debhelper is not installed (config/install-deps.sh)"
command -v git >/dev/null && git rev-parse --git-dir >/dev/null 2>&1 || skip "make deb packs the files git tracks: not a git checkout"
dpkg -s vnsearch >/dev/null 2>&1 && skip "a vnsearch package is installed on this machine: not touching it"

make --no-print-directory -s deb >"$TMP/build.log" 2>&1; rc=$?
is "$rc" 0 "make deb builds the packages"
[ "$rc" = 0 ] || { tail -20 "$TMP/build.log" | sed 's/^/# /'; tap_done; exit 0; }
V=$(sed -n 's/^#define VNSEARCH_VERSION "\(.*\)"/\1/p' include/vnsearch.h)
A=$(dpkg --print-architecture)
for p in vnsearch libvnsearch0 libvnsearch-dev; do
    ok "build/deb/${p}_${V}_$A.deb exists" [ -f "build/deb/${p}_${V}_$A.deb" ]
done
errors=$(grep -c '^E: ' build/deb/lintian.txt)
is "$errors" 0 "lintian reports no error (build/deb/lintian.txt)"
grep '^[EW]: ' build/deb/lintian.txt | sed 's/^/# /'

DEBIAN_FRONTEND=noninteractive apt-get install -y -q "./build/deb/vnsearch_${V}_$A.deb" \
    "./build/deb/libvnsearch0_${V}_$A.deb" >"$TMP/install.log" 2>&1; rc=$?
is "$rc" 0 "apt install ./vnsearch_*.deb installs it"
[ "$rc" = 0 ] || tail -20 "$TMP/install.log" | sed 's/^/# /'
for f in /usr/bin/vnsearchd /usr/bin/vnsearch-indexer /usr/bin/vnsearch /etc/vnsearch/vnsearch.conf \
         /lib/systemd/system/vnsearchd.service /usr/lib/sysusers.d/vnsearch.conf /usr/share/man/man1/vnsearchd.1.gz \
         /usr/share/man/man5/vnsearch.conf.5.gz /usr/share/man/man7/vnsearch-protocol.7.gz \
         /usr/share/vnsearch/aliases.txt /usr/share/vnsearch/web/index.html; do
    ok "installed $f" [ -e "$f" ]
done
like "$(dpkg-query -W -f='${Conffiles}' vnsearch)" "/etc/vnsearch/vnsearch.conf" "the config is a conffile"
like "$(getent passwd vnsearch)" "^vnsearch:x:[0-9]+:[0-9]+:.*:/var/lib/vnsearch:" "the vnsearch system user exists"
is "$(stat -c %U /var/lib/vnsearch/index/XAPIANDB 2>/dev/null)" vnsearch "an empty index is ready, the user's"
like "$(vnsearchd --version)" "^vnsearchd $V " "vnsearchd --version"
if command -v systemd-analyze >/dev/null; then
    score=$(systemd-analyze security --offline=true /lib/systemd/system/vnsearchd.service 2>/dev/null |
            sed -n 's/.*Overall exposure level for [^:]*: \([0-9.]*\).*/\1/p')
    ok "systemd-analyze security rates the packaged unit $score (at most 4.0)" \
        [ -n "$score" ] && awk "BEGIN {exit !($score <= 4.0)}"
fi
# the packaged daemon, as the unit runs it (but on a free port)
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
runuser -u vnsearch -- /usr/bin/vnsearchd --config /etc/vnsearch/vnsearch.conf --index /var/lib/vnsearch/index \
    --listen 127.0.0.1:$PORT 2>"$TMP/d.log" &
DPID=$!
reply=""
for i in $(seq 50); do
    reply=$(printf 'PING\r\nQUIT\r\n' | nc -q1 127.0.0.1 $PORT 2>/dev/null | head -1 | tr -d '\r') && [ -n "$reply" ] && break
    sleep 0.1
done
kill $DPID 2>/dev/null; wait $DPID 2>/dev/null
is "$reply" "OK PONG" "the packaged daemon answers, run as vnsearch with the packaged config"

DEBIAN_FRONTEND=noninteractive apt-get purge -y -q vnsearch libvnsearch0 >"$TMP/purge.log" 2>&1; rc=$?
is "$rc" 0 "apt purge removes it"
left=""
for f in /usr/bin/vnsearchd /etc/vnsearch/vnsearch.conf /lib/systemd/system/vnsearchd.service /var/lib/vnsearch; do
    [ -e "$f" ] && left="$left $f"
done
is "$left" "" "nothing of it is left (the user stays, as Debian keeps system users)"
tap_done
