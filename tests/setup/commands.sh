#!/bin/sh
# The README's two commands, in either order and repeated, on a copy of
# this checkout: tools/run-demo must serve (it is stopped at its listening
# line) and the build tests/run uses must define its tests afterwards.
# Prints TAP lines and ends "setup: N passed, N failed".
set -u
src=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d)
demo_pid=""
cleanup() {
	[ -n "$demo_pid" ] && kill "$demo_pid" 2>/dev/null
	rm -rf "$work"
}
trap cleanup EXIT INT TERM
. "$src/tests/setup/tap.sh"

# A fresh copy: the files git knows of, as they are in the working tree.
(cd "$src" && git ls-files -co --exclude-standard -z |
    xargs -0 cp --parents -t "$work" 2>/dev/null)
cd "$work" || exit 1

# tools/run-demo until it says it listens (the first build takes a while),
# then stop it as a newcomer does.
run_demo() {
	out="$work/demo.out"
	: > "$out"
	tools/run-demo --port 0 > "$out" 2>&1 &
	demo_pid=$!
	i=0
	while [ $i -lt 600 ]; do
		grep -q 'listening on http' "$out" && break
		kill -0 "$demo_pid" 2>/dev/null || break
		sleep 0.5; i=$((i + 1))
	done
	grep -q 'listening on http' "$out"
	rc=$?
	kill "$demo_pid" 2>/dev/null; wait "$demo_pid" 2>/dev/null
	demo_pid=""
	[ $rc -eq 0 ] || cat "$out" >&2
	return $rc
}

has_tests() {
	meson test -C "$1" --list 2>/dev/null | grep -q 'unit / unit_store'
}

run_demo; result $? "tools/run-demo serves on a fresh copy"
tools/test-build build >/dev/null 2>&1 && has_tests build
result $? "after tools/run-demo, the test build defines the unit suites"
run_demo; result $? "tools/run-demo serves again after the test build"
tools/test-build build >/dev/null 2>&1 && has_tests build
result $? "and the test build still defines its tests (repeated)"

# A build folder an older run-demo configured without tests.
meson setup old -Dtests=false >/dev/null 2>&1
tools/test-build old >/dev/null 2>&1 && has_tests old
result $? "a folder set up with -Dtests=false gets its tests back"

tap_end setup
