# SPDX-License-Identifier: GPL-2.0-or-later
# tap.sh -- a few TAP helpers for the end-to-end shell tests (sourced).
# Each check prints "ok N - ..." or "not ok N - ..." with what was seen;
# tap_done prints the plan.  prove reads it.
TAP_N=0
VN_BUILD=${VN_BUILD:-build}
BIN=$VN_BUILD/bin

ok() { # ok DESCRIPTION COMMAND...
    desc=$1; shift
    TAP_N=$((TAP_N + 1))
    if "$@"; then echo "ok $TAP_N - $desc"; else echo "not ok $TAP_N - $desc"; fi
}

is() { # is GOT WANT DESCRIPTION
    TAP_N=$((TAP_N + 1))
    if [ "$1" = "$2" ]; then echo "ok $TAP_N - $3"; else
        echo "not ok $TAP_N - $3"
        printf '#   got:  %s\n#   want: %s\n' "$1" "$2"
    fi
}

like() { # like TEXT PATTERN DESCRIPTION  (grep -E pattern)
    TAP_N=$((TAP_N + 1))
    if printf '%s\n' "$1" | grep -Eq -- "$2"; then echo "ok $TAP_N - $3"; else
        echo "not ok $TAP_N - $3"
        printf '%s\n' "$1" | head -5 | sed 's/^/#   got: /'
        printf '#   want match: %s\n' "$2"
    fi
}

unlike() { # unlike TEXT PATTERN DESCRIPTION
    TAP_N=$((TAP_N + 1))
    if printf '%s\n' "$1" | grep -Eq -- "$2"; then
        echo "not ok $TAP_N - $3"
        printf '%s\n' "$1" | head -5 | sed 's/^/#   got: /'
    else echo "ok $TAP_N - $3"; fi
}

tap_done() { echo "1..$TAP_N"; }

# A scratch directory removed on exit.
TMP=$(mktemp -d /tmp/vn-e2e-XXXXXX)
trap 'rm -rf "$TMP"' EXIT
