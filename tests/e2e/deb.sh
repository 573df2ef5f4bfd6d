#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# deb.sh -- the Debian packages as an administrator meets them: make deb
# (debhelper), lintian, one SONAME per library package and a client -dev
# without Xapian, apt install, the files and conffiles, the vnsearch user,
# the empty index; then with no hand step: an article dropped in
# /var/lib/vnsearch/incoming is indexed by the timer (or, without a running
# systemd, by the line of /etc/cron.d/vnsearch, run as cron runs it), and
# the packaged daemon, run as the unit runs it, finds it and serves the
# page on 127.0.0.1:7701; edited aliases survive a reinstall; apt purge
# removes the package but keeps the index.  Runs once, in the plain
# build's turn, as root (it installs packages), and skips, saying so, on a
# machine that has vnsearch installed already or lacks debhelper.
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
PKGS="vnsearch libvnsearch0 libvnsearch-client0 libvnsearch-dev libvnsearch-client-dev"
DEBS=""
for p in $PKGS; do
    ok "build/deb/${p}_${V}_$A.deb exists" [ -f "build/deb/${p}_${V}_$A.deb" ]
    DEBS="$DEBS ./build/deb/${p}_${V}_$A.deb"
done
errors=$(grep -c '^E: ' build/deb/lintian.txt)
is "$errors" 0 "lintian reports no error (build/deb/lintian.txt)"
grep '^[EW]: ' build/deb/lintian.txt | sed 's/^/# /'
for p in libvnsearch0 libvnsearch-client0; do
    is "$(dpkg-deb -c "build/deb/${p}_${V}_$A.deb" | grep -c '\.so\.[0-9]* ')" 1 "$p ships one SONAME"
done
unlike "$(dpkg-deb -f "build/deb/libvnsearch-client-dev_${V}_$A.deb" Depends)" "xapian|utf8proc" \
    "libvnsearch-client-dev pulls in neither Xapian nor utf8proc"

DEBIAN_FRONTEND=noninteractive apt-get install -y -q $DEBS >"$TMP/install.log" 2>&1; rc=$?
is "$rc" 0 "apt install of the five packages"
[ "$rc" = 0 ] || tail -20 "$TMP/install.log" | sed 's/^/# /'
for f in /usr/bin/vnsearchd /usr/bin/vnsearch-indexer /usr/bin/vnsearch /etc/vnsearch/vnsearch.conf \
         /etc/vnsearch/aliases.txt /etc/cron.d/vnsearch /lib/systemd/system/vnsearchd.service \
         /lib/systemd/system/vnsearch-indexer.service /lib/systemd/system/vnsearch-indexer.timer \
         /usr/lib/sysusers.d/vnsearch.conf /usr/share/man/man1/vnsearchd.1.gz \
         /usr/share/man/man5/vnsearch.conf.5.gz /usr/share/man/man7/vnsearch-protocol.7.gz \
         /usr/share/doc/vnsearch/protocol.md /usr/share/doc/vnsearch/scale-out.md \
         /usr/share/doc/vnsearch/README.Debian /usr/share/vnsearch/web/index.html; do
    ok "installed $f" [ -e "$f" ]
done
conffiles=$(dpkg-query -W -f='${Conffiles}' vnsearch)
for f in /etc/vnsearch/vnsearch.conf /etc/vnsearch/aliases.txt /etc/cron.d/vnsearch; do
    like "$conffiles" "$f " "$f is a conffile"
done
for d in $(zcat /usr/share/man/man*/vnsearch*.gz | grep -o '/usr/share/doc/vnsearch/[a-z-]*\.md' | sort -u); do
    ok "$d, named by a man page, is installed" [ -e "$d" ]
done
unlike "$(zcat /usr/share/man/man*/vnsearch*.gz | grep -v '^\.\\"' | grep -v '(default: ')" "docs/[a-z-]*\.md|config/aliases" \
    "no man page sends readers to a file of the source tree"
unlike "$(pkg-config --cflags vnsearch vnsearch-client)" "UTF8PROC" "pkg-config --cflags vnsearch adds no other library's flags"
like "$(getent passwd vnsearch)" "^vnsearch:x:[0-9]+:[0-9]+:.*:/var/lib/vnsearch:" "the vnsearch system user exists"
is "$(stat -c %U /var/lib/vnsearch/index/XAPIANDB 2>/dev/null)" vnsearch "an empty index is ready, the user's"
is "$(stat -c %U /var/lib/vnsearch/incoming 2>/dev/null)" vnsearch "so is the incoming directory"
ok "the indexer's timer is enabled" [ -L /etc/systemd/system/timers.target.wants/vnsearch-indexer.timer ]
like "$(vnsearchd --version)" "^vnsearchd $V " "vnsearchd --version"
like "$(vnsearch-indexer --help)" "default: /etc/vnsearch/vnsearch.conf" "the installed programs read /etc/vnsearch/vnsearch.conf by default"
unlike "$(grep '^ExecStart=' /lib/systemd/system/vnsearchd.service)" "--index" "the unit does not override the config's index"
if command -v systemd-analyze >/dev/null; then
    for u in vnsearchd.service vnsearch-indexer.service; do
        score=$(systemd-analyze security --offline=true /lib/systemd/system/$u 2>/dev/null |
                sed -n 's/.*Overall exposure level for [^:]*: \([0-9.]*\).*/\1/p')
        ok "systemd-analyze security rates the packaged $u $score (at most 4.0)" \
            [ -n "$score" ] && awk "BEGIN {exit !($score <= 4.0)}"
    done
fi

# an article dropped in, then no hand step: the timer indexes it, or where
# systemd is not running (a container), cron's line does, run as cron runs
# it (its user, sh -c, the user's home as the directory)
printf '{"id":"deb-drop-1","title":"Bão số 12 đổ bộ Quảng Ngãi","date":"2026-12-01","body":"Cơn bão số 12 đổ bộ vào Quảng Ngãi chiều nay, sức gió cấp 11."}\n' \
    > /var/lib/vnsearch/incoming/today.jsonl
if [ -d /run/systemd/system ]; then
    for i in $(seq 150); do
        [ "$(runuser -u vnsearch -- vnsearch-indexer --query 'bão số 12 quảng ngãi' 2>/dev/null | cut -f1)" = deb-drop-1 ] && break
        sleep 2
    done
    how="the timer"
else
    line=$(grep '^\*/5' /etc/cron.d/vnsearch)
    user=$(echo "$line" | awk '{print $6}')
    cmd=$(echo "$line" | sed 's/^\([^ ]* *\)\{6\}//')
    (cd ~vnsearch && runuser -u "$user" -- sh -c "$cmd") >"$TMP/cron.out" 2>&1
    is "$(cat "$TMP/cron.out")" "" "the cron line prints nothing (cron mails nothing)"
    how="the cron line ($user: $cmd)"
fi
is "$(runuser -u vnsearch -- vnsearch-indexer --query 'bão số 12 quảng ngãi' 2>/dev/null | cut -f1)" deb-drop-1 \
    "$how indexes an article dropped in /var/lib/vnsearch/incoming"
is "$(stat -c %U /var/lib/vnsearch/index/XAPIANDB)" vnsearch "and the index stays the vnsearch user's"

# the packaged daemon, as the unit runs it (the line protocol on a free
# port, the page where the packaged config puts it)
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
if python3 -c 'import socket; socket.create_connection(("127.0.0.1", 7701), 0.5)' 2>/dev/null; then
    echo "# 127.0.0.1:7701 is taken on this machine: the page check below will fail"
fi
runuser -u vnsearch -- /usr/bin/vnsearchd --config /etc/vnsearch/vnsearch.conf --listen 127.0.0.1:$PORT 2>"$TMP/d.log" &
DPID=$!
reply=""
for i in $(seq 50); do
    reply=$(printf 'PING\r\nQUIT\r\n' | nc -q1 127.0.0.1 $PORT 2>/dev/null | head -1 | tr -d '\r') && [ -n "$reply" ] && break
    sleep 0.1
done
is "$reply" "OK PONG" "the packaged daemon answers, run as vnsearch with the packaged config"
like "$(printf 'SEARCH bao so 12\r\nQUIT\r\n' | nc -q1 127.0.0.1 $PORT 2>/dev/null)" "deb-drop-1" \
    "and finds the dropped-in article"
page=$(python3 -c 'import urllib.request; r = urllib.request.urlopen("http://127.0.0.1:7701/", timeout=5); print(r.status, r.headers["Content-Type"])' 2>&1)
like "$page" "^200 text/html" "the search page answers on http://127.0.0.1:7701/"
kill $DPID 2>/dev/null; wait $DPID 2>/dev/null

# edited aliases survive a reinstall (dpkg keeps a changed conffile)
echo "Bão số 12 | Typhoon Twelve" >> /etc/vnsearch/aliases.txt
DEBIAN_FRONTEND=noninteractive apt-get install -y -q --reinstall ./build/deb/vnsearch_${V}_$A.deb >"$TMP/re.log" 2>&1; rc=$?
is "$rc" 0 "apt install --reinstall"
ok "the edited aliases survive the reinstall" grep -q "^Bão số 12 | Typhoon Twelve" /etc/vnsearch/aliases.txt

DEBIAN_FRONTEND=noninteractive apt-get purge -y -q $PKGS >"$TMP/purge.log" 2>&1; rc=$?
is "$rc" 0 "apt purge removes it"
like "$(cat "$TMP/purge.log")" "rm -rf /var/lib/vnsearch" "purge says the index is kept, and how to delete it"
left=""
for f in /usr/bin/vnsearchd /etc/vnsearch /etc/cron.d/vnsearch /lib/systemd/system/vnsearchd.service \
         /lib/systemd/system/vnsearch-indexer.timer; do
    [ -e "$f" ] && left="$left $f"
done
is "$left" "" "purge leaves none of the package (the user stays, as Debian keeps system users)"
ok "purge keeps the index" [ -e /var/lib/vnsearch/index/XAPIANDB ]
rm -rf /var/lib/vnsearch   # the command purge named: this machine is left as found
tap_done
