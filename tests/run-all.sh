#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# run-all.sh -- the whole suite in one prove run, so that the output ends in
# one summary line: unit tests (cmocka speaking TAP) and end-to-end scripts,
# first against the optimised build (build/), then against the ASan+UBSan
# build (build/asan/).  `make test` builds both and calls this.
cd "$(dirname "$0")/.." || exit 1
set -e
tests=""
for b in build build/asan; do
    [ -d "$b/tests" ] || { echo "run-all: $b is not built (run make test)" >&2; exit 1; }
    for t in "$b"/tests/test_*; do tests="$tests $t"; done
    # one wrapper per e2e script and build, so prove names each run
    mkdir -p "$b/e2e"
    for s in tests/e2e/*.sh tests/e2e/*.py; do
        w="$b/e2e/$(basename "$s")"
        printf '#!/bin/sh\nVN_BUILD=%s exec %s\n' "$b" "$PWD/$s" > "$w"
        chmod +x "$w"
        tests="$tests $w"
    done
done
export CMOCKA_MESSAGE_OUTPUT=TAP
exec prove --exec '' $tests
