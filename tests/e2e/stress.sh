#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# stress.sh -- the short pass of the stress suite in make test (100 clients,
# 4 kills; make stress runs 1,000 and 30).  Runs once, in the plain build's
# turn: its bounds are about the daemon, not the sanitizers' overhead.
cd "$(dirname "$0")/../.." || exit 1
if [ "${VN_BUILD:-build}" != build ]; then
    echo "1..0 # SKIP the stress pass runs once, in the plain build's turn"
    exit 0
fi
exec python3 tests/stress/stress.py --quick
