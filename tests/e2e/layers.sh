#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# layers.sh -- make check-layers inside make test: the layers of common/
# hold in the build under test (tests/check_layers.py: includes, calls
# between layers, no circle between files), and the checker fails on a
# call that breaks them (a copy of the objects with one planted).
. "$(dirname "$0")/../tap.sh"
B=${VN_BUILD:-build}
cd "$(dirname "$0")/../.." || exit 1
out=$(python3 tests/check_layers.py "$B" 2>&1); rc=$?
[ $rc -eq 0 ] || printf '%s\n' "$out" | sed 's/^/# /'
is "$rc" 0 "check_layers: $(printf '%s' "$out" | tail -1)"
# Plant a call from the base layer up into the search layer and a call
# back (buf.o calling vn_search, searcher.o calling vn_buf_free is there
# already): the checker must name the layer and the circle.
cp -r "$B/obj" "$TMP/obj"
printf 'void vn_search(void);\nvoid vn_planted(void);\nvoid vn_planted(void) { vn_search(); }\n' > "$TMP/p.c"
cc -c -o "$TMP/p.o" "$TMP/p.c" && ld -r -o "$TMP/obj/common/base/buf.o" "$B/obj/common/base/buf.o" "$TMP/p.o"
out=$(python3 tests/check_layers.py "$TMP" 2>&1)
like "$out" "base calls vn_search of common/search/search.c" "a planted call from base up to search is named"
like "$out" "^circle: .*common/base/buf.c.*common/search/search.c" "and so is the circle it closes"
tap_done
