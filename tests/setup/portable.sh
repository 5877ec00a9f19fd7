#!/bin/sh
# The daemon built as where the Linux-only calls are absent
# (-Dforce_fallbacks=true: no malloc_trim, sigtimedwait, SOCK_CLOEXEC or
# epoll) in build-fallbacks/, daemon only: it starts, answers, signs a
# user in, exports on the way out and stops gracefully with exit 0 on
# SIGTERM and on SIGINT, as the normal build does.
# Prints TAP lines and ends "portable: N passed, N failed".
set -u
cd "$(dirname "$0")/../.." || exit 1
dir=build-fallbacks
work=$(mktemp -d)
pid=""
cleanup() {
	[ -n "$pid" ] && kill -KILL "$pid" 2>/dev/null
	rm -rf "$work"
}
trap cleanup EXIT INT TERM
. tests/setup/tap.sh
TAP_DETAIL="$work/out"

{ [ -f "$dir/build.ninja" ] ||
    meson setup "$dir" -Dtests=false -Dforce_fallbacks=true \
    -Dwerror=true > "$work/out" 2>&1; } &&
    meson compile -C "$dir" mfaemu:executable >> "$work/out" 2>&1 &&
    ! grep -q '^#define HAVE_' "$dir/sysdeps.h"
result $? "builds with -Dforce_fallbacks=true (sysdeps.h defines no HAVE_*)"
[ -x "$dir/mfaemu" ] || { tap_end portable; exit 1; }

# start: the daemon on an ephemeral port; sets pid and url.
start() {
	: > "$work/out"
	"$dir/mfaemu" --port 0 --fixtures fixtures/demo.json \
	    --export-on-exit "$work/export-$1" > "$work/out" 2>&1 &
	pid=$!
	url=""
	i=0
	while [ $i -lt 100 ] && [ -z "$url" ]; do
		url=$(sed -n 's/^mfaemu listening on \(http:[^ ]*\)$/\1/p' \
		    "$work/out")
		[ -z "$url" ] && sleep 0.1
		i=$((i + 1))
	done
	[ -n "$url" ]
}

# stop SIGNAL: send it and wait; the exit status, 124 if it hangs.
stop() {
	kill -s "$1" "$pid"
	i=0
	while kill -0 "$pid" 2>/dev/null && [ $i -lt 50 ]; do
		sleep 0.1; i=$((i + 1))
	done
	if kill -0 "$pid" 2>/dev/null; then
		kill -KILL "$pid"; wait "$pid"; pid=""; return 124
	fi
	wait "$pid"
	rc=$?
	pid=""
	return $rc
}

signin() {
	e=$url/identitytoolkit.googleapis.com/v2/accounts
	s=$(curl -sf "$e/mfaSignIn:start?key=k" -H 'Content-Type: application/json' \
	    -d "{\"mfaPendingCredential\":\"demo-cred-$1\",\"mfaEnrollmentId\":\"$1-phone\"}" |
	    sed -n 's/.*"sessionInfo": *"\([^"]*\)".*/\1/p')
	[ -n "$s" ] || return 1
	curl -sf "$e/mfaSignIn:finalize?key=k" -H 'Content-Type: application/json' \
	    -d "{\"mfaPendingCredential\":\"demo-cred-$1\",\"phoneVerificationInfo\":{\"sessionInfo\":\"$s\",\"code\":\"123456\"}}" |
	    grep -q '"idToken"'
}

for sig in TERM INT; do
	if start "$sig"; then
		curl -sf "$url/" | grep -q '"ready": *true' &&
		    "$dir/mfaemu" --probe --port "${url##*:}" > /dev/null 2>&1 &&
		    signin carol
		result $? "SIG$sig run: GET / ready, --probe exits 0, carol signs in (code 123456)"
		# Linux shows an epoll set as an anon_inode:[eventpoll] fd.
		if [ -d "/proc/$pid/fd" ]; then
			! ls -l "/proc/$pid/fd" | grep -q eventpoll
			result $? "SIG$sig run: libmicrohttpd polls without epoll"
		fi
		# Two prune ticks pass while it waits for the signal.
		sleep 2.2
		curl -sf "$url/" > /dev/null
		result $? "SIG$sig run: still answering after the prune ticks"
		stop "$sig"
		rc=$?
		[ $rc -eq 0 ] && grep -q "SIG$sig received, shutting down" "$work/out" &&
		    grep -q '"localId": *"carol"' "$work/export-$sig/auth_export/accounts.json"
		result $? "SIG$sig: logged, exported, exit $rc"
	else
		result 1 "SIG$sig run: the daemon starts"
	fi
done

tap_end portable
