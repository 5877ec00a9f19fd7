#!/bin/sh
# Run the integration suites (tests/integration/*.test.mjs) against mfaemu
# under valgrind memcheck: no memory error and no definite or indirect leak
# in any daemon a suite starts.
#
#   tests/reliability/valgrind.sh [SUITE...]     (default: every suite)
#
# MFAEMU_BIN names the daemon (default build/mfaemu). The suites start it
# through a wrapper that runs
#   valgrind --error-exitcode=99 --leak-check=full
#     --errors-for-leak-kinds=definite,indirect
#     --show-leak-kinds=definite,indirect
# with one log per process, and adds --signing-key (a 2048-bit key made once
# with openssl) unless the test passes its own: RSA key generation under
# valgrind takes most of a minute. The suites run from a copy of
# tests/integration and tests/lib whose daemon harness (lib/daemon.mjs)
# waits longer (start, stop, requests, runDaemon) since everything is ~20x
# slower; the real harness is untouched.
# A daemon exiting 99 fails its test (the harness checks exit codes), and
# the logs are read here too, so an error is counted even where a test does
# not look at the exit code.
#
# VALGRIND_JOBS suites run at once (default: the number of CPUs, at most 4).
# Prints one line per suite, then "valgrind: N passed, N failed"; exits
# non-zero on any failure.
set -u
cd "$(dirname "$0")/../.." || exit 1
ROOT=$(pwd)
BIN=${MFAEMU_BIN:-$ROOT/build/mfaemu}
case $BIN in /*) ;; *) BIN=$ROOT/$BIN ;; esac

for tool in valgrind node openssl; do
	if ! command -v "$tool" >/dev/null 2>&1; then
		echo "valgrind.sh: $tool is not installed" >&2
		echo "valgrind: 0 passed, 1 failed"
		exit 1
	fi
done
if [ ! -x "$BIN" ]; then
	echo "valgrind.sh: no daemon at $BIN (build first, or set MFAEMU_BIN)" >&2
	echo "valgrind: 0 passed, 1 failed"
	exit 1
fi

W=$(mktemp -d "${TMPDIR:-/tmp}/mfaemu-valgrind.XXXXXX")
trap 'rm -rf "$W"' EXIT INT TERM
mkdir -p "$W/logs" "$W/out"

openssl genrsa -out "$W/signing-key.pem" 2048 2>/dev/null || {
	echo "valgrind.sh: openssl genrsa failed" >&2
	echo "valgrind: 0 passed, 1 failed"
	exit 1
}

# The wrapper the suites start as MFAEMU_BIN. VALGRIND_LOG_DIR (not an
# MFAEMU_ variable, so the harness passes it through) picks the suite's
# log directory.
cat > "$W/mfaemu" <<EOF
#!/bin/sh
key="--signing-key $W/signing-key.pem"
for a in "\$@"; do
	case \$a in
	--signing-key|--signing-key=*|--help|--version|--probe) key= ;;
	esac
done
[ -n "\${MFAEMU_SIGNING_KEY:-}" ] && key=
logdir=\${VALGRIND_LOG_DIR:-$W/logs}
# shellcheck disable=SC2086
exec valgrind --error-exitcode=99 --leak-check=full \\
    --errors-for-leak-kinds=definite,indirect \\
    --show-leak-kinds=definite,indirect \\
    --num-callers=30 --log-file="\$logdir/vg.%p.log" \\
    "$BIN" \$key "\$@"
EOF
chmod +x "$W/mfaemu"

# Our copy of the suites, with the daemon harness's waits stretched.
cp -R tests/integration "$W/integration"
cp -R tests/lib "$W/lib"
H=$W/lib/daemon.mjs
sed -i \
    -e 's/^const START_TIMEOUT_MS = .*/const START_TIMEOUT_MS = 90_000;/' \
    -e 's/^const STOP_TIMEOUT_MS = .*/const STOP_TIMEOUT_MS = 60_000;/' \
    -e 's/^const REQUEST_TIMEOUT_MS = .*/const REQUEST_TIMEOUT_MS = 60_000;/' \
    -e 's/^export async function runDaemon(args, { env = {}, timeoutMs = 10_000 } = {}) {$/&\n  timeoutMs *= 10;/' \
    "$H"
for want in 'START_TIMEOUT_MS = 90_000' 'STOP_TIMEOUT_MS = 60_000' \
    'REQUEST_TIMEOUT_MS = 60_000' 'timeoutMs \*= 10'; do
	grep -q "$want" "$H" ||
	    echo "valgrind.sh: warning: could not stretch '$want' in the harness copy" >&2
done

if [ $# -gt 0 ]; then
	suites=$*
else
	suites=$(cd tests/integration && ls ./*.test.mjs | sed 's|^\./||; s|\.test\.mjs$||')
fi

# One suite: run it; its valgrind logs go to logs/SUITE[TAG].
cat > "$W/one.sh" <<EOF
#!/bin/sh
s=\$1
tag=\${2:-}
mkdir -p "$W/logs/\$s\$tag"
start=\$(date +%s)
VALGRIND_LOG_DIR="$W/logs/\$s\$tag" MFAEMU_BIN="$W/mfaemu" \\
    MFAEMU_SOURCE_ROOT="$ROOT" timeout 900 \\
    node --test --test-reporter=tap "$W/integration/\$s.test.mjs" \\
    > "$W/out/\$s\$tag.tap" 2>&1
echo \$? > "$W/out/\$s\$tag.rc"
echo \$((\$(date +%s) - start)) > "$W/out/\$s\$tag.secs"
EOF

# Valgrind's findings in one log directory: sets daemons, errors, leaked,
# killed and bad_logs.
scan_logs() {
	daemons=0; errors=0; leaked=0; killed=0; bad_logs=""
	for log in "$1"/vg.*.log; do
		[ -f "$log" ] || continue
		daemons=$((daemons + 1))
		e=$(sed -n 's/.*ERROR SUMMARY: \([0-9,]*\) errors.*/\1/p' "$log" |
		    tr -d , | tail -n 1)
		# Bytes definitely or indirectly lost, summed.
		l=$(sed -n 's/.*\(definitely\|indirectly\) lost: \([0-9,]*\) bytes.*/\2/p' "$log" |
		    tr -d , | awk '{ s += $1 } END { print s + 0 }')
		if [ -z "$e" ]; then
			# Killed (SIGKILL) before its summary: count the errors
			# it reported while running.
			killed=$((killed + 1))
			e=$(grep -cE '^==[0-9]+== (Invalid (read|write|free)|Conditional jump|Use of uninitialised|Syscall param|Mismatched free|Source and destination overlap|Argument .* of function)' "$log")
		fi
		if [ "$e" -gt 0 ] || [ "$l" -gt 0 ]; then
			bad_logs="$bad_logs $log"
		fi
		errors=$((errors + e))
		leaked=$((leaked + l))
	done
}

jobs=${VALGRIND_JOBS:-$(nproc 2>/dev/null || echo 2)}
[ "$jobs" -gt 4 ] && jobs=4
# shellcheck disable=SC2086
printf '%s\n' $suites | xargs -P "$jobs" -I{} sh "$W/one.sh" {}

passed=0
failed=0
for s in $suites; do
	rc=$(cat "$W/out/$s.rc" 2>/dev/null || echo 1)
	secs=$(cat "$W/out/$s.secs" 2>/dev/null || echo '?')
	tap=$W/out/$s.tap
	scan_logs "$W/logs/$s"
	note=""
	# Tests that failed while valgrind found nothing are most likely
	# timing assertions that a 20x slower daemon misses: run the suite once
	# more, alone, and count that run (the first run's failures are shown).
	if [ "$rc" -ne 0 ] && [ "$errors" -eq 0 ] && [ "$leaked" -eq 0 ]; then
		grep -E '^ *not ok [0-9]+' "$tap" | head -n 5 |
		    sed "s/^ */  $s, first run: /"
		sh "$W/one.sh" "$s" .retry
		rc=$(cat "$W/out/$s.retry.rc" 2>/dev/null || echo 1)
		secs="$secs+$(cat "$W/out/$s.retry.secs" 2>/dev/null || echo '?')"
		tap=$W/out/$s.retry.tap
		d0=$daemons
		scan_logs "$W/logs/$s.retry"
		daemons=$((daemons + d0))
		note=" (re-run alone after failing tests with clean logs)"
	fi
	tests_ok=$(grep -cE '^ *ok [0-9]+' "$tap" 2>/dev/null)
	tests_bad=$(grep -cE '^ *not ok [0-9]+' "$tap" 2>/dev/null)
	if [ "$rc" -eq 0 ] && [ "$errors" -eq 0 ] && [ "$leaked" -eq 0 ] &&
	    [ "$daemons" -gt 0 ]; then
		passed=$((passed + 1))
		verdict=ok
	else
		failed=$((failed + 1))
		verdict="not ok"
	fi
	echo "$verdict $s: $tests_ok tests passed, $tests_bad failed;" \
	    "$daemons daemons under valgrind ($killed killed before exit)," \
	    "$errors errors, $leaked bytes leaked; ${secs}s$note"
	[ "$verdict" = ok ] && continue
	if [ "$tests_bad" -gt 0 ] || [ "$rc" -ne 0 ]; then
		echo "--- $s: failing tests"
		grep -E '^ *not ok [0-9]+' "$tap" | head -n 20
		# The first failure's detail.
		awk '/^ *not ok [0-9]+/ { p = 1 } p { print; if (++n >= 40) exit }' "$tap"
	fi
	for log in $bad_logs; do
		echo "--- valgrind: $log"
		grep -vE '^==[0-9]+== +(Memcheck|Copyright|Using Valgrind|Command|$)' "$log" |
		    head -n 60
	done
done
echo "valgrind: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
