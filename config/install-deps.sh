#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# install-deps.sh -- install the Debian packages vnsearch needs, only those
# missing.  Used by README step 1 and by .ci/run.  Uses sudo when not root.
set -eu

# build: compilers and make; libraries: Xapian, libevent, utf8proc, jansson;
# tests: cmocka (unit tests), perl's prove (the TAP harness), python3
# (relevance check, black-box tests), util-linux's flock (lock test), netcat
# (README demo), clang with its libFuzzer runtime (make fuzz; make test runs
# a short pass: libFuzzer ships with clang, gcc has none), curl (HTTP tests,
# README), chromium and chromium-driver (the search page tested in a real
# browser, driven over WebDriver's HTTP protocol from Python's standard library),
# xapian-tools (xapian-tcpsrv and xapian-replicate: shards and replicas,
# tested and benchmarked on loopback), debhelper and lintian (make deb, and
# the test that builds, installs and purges the package), GNU time (the peak
# memory of each indexer in make bench: a child forked from the benchmark's
# Python inherits its high-water mark, so the benchmark's own wait4 cannot
# tell it).
PKGS="build-essential pkg-config libxapian-dev libevent-dev libutf8proc-dev \
libjansson-dev zlib1g-dev libcmocka-dev perl python3 util-linux netcat-openbsd clang libclang-rt-14-dev \
curl chromium chromium-driver xapian-tools debhelper lintian time"

missing=""
for p in $PKGS; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
        missing="$missing $p"
    fi
done
if [ -z "$missing" ]; then
    echo "install-deps: all packages present"
    exit 0
fi
SUDO=""
if [ "$(id -u)" != 0 ]; then
    SUDO=sudo
fi
echo "install-deps: installing$missing"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq $missing >/dev/null
echo "install-deps: done"
