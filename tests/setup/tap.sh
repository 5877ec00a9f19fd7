# TAP for the tests/setup scripts (sourced): `result STATUS NAME` prints
# "ok N - NAME" when STATUS is 0, else "not ok N - NAME" and the last lines
# of the files named in TAP_DETAIL; `tap_end NAME` prints the plan and the
# line tests/run counts, "NAME: N passed, N failed", and fails if any did.
pass=0 fail=0 n=0
result() {
	n=$((n + 1))
	if [ "$1" -eq 0 ]; then
		pass=$((pass + 1)); echo "ok $n - $2"
	else
		fail=$((fail + 1)); echo "not ok $n - $2"
		# shellcheck disable=SC2086
		[ -n "${TAP_DETAIL:-}" ] &&
		    tail -q -n 20 $TAP_DETAIL 2>/dev/null | sed 's/^/#   /'
	fi
	return 0
}
tap_end() {
	echo "1..$n"
	echo "$1: $pass passed, $fail failed"
	[ "$fail" -eq 0 ]
}
