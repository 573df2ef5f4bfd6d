#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# fuzz.sh -- the short libFuzzer pass of make test: each harness of
# tests/fuzz for FUZZ_SECONDS (5 here; make fuzz runs 60).  Runs once, with
# the plain build's turn (the fuzzers carry ASan and UBSan themselves).
cd "$(dirname "$0")/../.." || exit 1
if [ "${VN_BUILD:-build}" != build ]; then
    echo "1..0 # SKIP the fuzzers run once, in the plain build's turn"
    exit 0
fi
if [ ! -x build/fuzz/fuzz/fuzz_proto ]; then
    echo "1..0 # SKIP fuzzers not built (make test builds them: make FUZZ=1 fuzz-bins)"
    exit 0
fi
exec tests/fuzz/run.sh build/fuzz "${FUZZ_SECONDS:-5}"
