#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# push_kill.sh -- the short pass of the live-write kill test in make test
# (1,000 pushes, one kill -9; make stress runs 10,000 and three).  Runs once,
# in the plain build's turn.
cd "$(dirname "$0")/../.." || exit 1
if [ "${VN_BUILD:-build}" != build ]; then
    echo "1..0 # SKIP the push-and-kill pass runs once, in the plain build's turn"
    exit 0
fi
exec python3 tests/stress/push_kill.py --quick
