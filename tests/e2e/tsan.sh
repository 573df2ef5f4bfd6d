#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# tsan.sh -- the short pass of the ThreadSanitizer run in make test (3 s of
# load; make tsan runs 30).  Runs once, in the plain build's turn: it uses
# build/tsan, which make test builds.
cd "$(dirname "$0")/../.." || exit 1
if [ "${VN_BUILD:-build}" != build ]; then
    echo "1..0 # SKIP the TSan pass runs once, in the plain build's turn"
    exit 0
fi
exec python3 tests/stress/tsan.py --seconds 3
