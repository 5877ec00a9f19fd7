# shellcheck shell=bash
# Sourced by bench/run for --with-firebase: the Firebase Auth Emulator, as
# tests start it (`firebase emulators:start --only auth`), next to mfaemu.
# Uses run's helpers (record, check, measure, ...) and sets
# DPID to the emulator's pid for them.
#
# firebase-tools@15 is installed with npm into bench/.cache/firebase once.
# The same pool users are imported (an emulator export, --import); pending
# credentials come from the emulator's own accounts:signInWithPassword and
# SMS codes from its outbox, since it cannot pre-mint either.

FIREBASE_TOOLS=firebase-tools@15

# RSS of a process and its descendants, in kB.
tree_rss_kb() {
	local total=0 p
	for p in $1 $(pgrep -P "$1" 2>/dev/null); do
		total=$((total + $(status_kb "$p" VmRSS 2>/dev/null || echo 0)))
	done
	echo "$total"
}

firebase_stop() {
	kill -TERM "$1" 2>/dev/null || true
	local i
	for ((i = 0; i < 200 && $(kill -0 "$1" 2>/dev/null && echo 1 || echo 0); i++)); do
		sleep 0.05
	done
	kill -KILL "$1" 2>/dev/null || true
}

firebase_bench() {
	local dir=$CACHE/firebase fb fbdir=$WORK/fb line users c n
	local auth hub logging
	say "firebase: $FIREBASE_TOOLS (auth emulator)"
	if [ ! -x "$dir/node_modules/.bin/firebase" ]; then
		command -v npm >/dev/null || apt-get install -y -qq npm >/dev/null
		mkdir -p "$dir"
		[ -f "$dir/package.json" ] || echo '{"private": true}' >"$dir/package.json"
		say "firebase: npm install $FIREBASE_TOOLS into $dir (once)"
		(cd "$dir" && npm install --no-audit --no-fund --loglevel=error \
		    "$FIREBASE_TOOLS" >"$dir/npm.log" 2>&1) || {
			check "firebase install" 1 "see $dir/npm.log"
			return
		}
	fi
	fb=$dir/node_modules/.bin/firebase
	export NO_UPDATE_NOTIFIER=1 CI=true FIREBASE_CLI_DISABLE_UPDATE_CHECK=1
	read -r auth hub logging < <(python3 "$HERE/firebase_prime.py" ports 3)
	mkdir -p "$fbdir"
	cat >"$fbdir/firebase.json" <<-EOF
	{"emulators": {
	  "auth": {"host": "127.0.0.1", "port": $auth},
	  "hub": {"host": "127.0.0.1", "port": $hub},
	  "logging": {"host": "127.0.0.1", "port": $logging},
	  "ui": {"enabled": false}, "singleProjectMode": true}}
	EOF
	users=$POOL
	python3 "$HERE/gen_fixtures.py" firebase "$users" "$fbdir/import"
	local runs=$(( STARTUP_RUNS < 5 ? STARTUP_RUNS : 5 ))
	# A project id of our own: the CLI keeps one hub per project (a locator
	# file in the temp dir), so another emulator of demo-project, or one
	# that died, would stop ours from starting.
	FB_PROJECT=demo-bench-$$
	local start_cmd=("$fb" emulators:start --only auth --project "$FB_PROJECT")

	# Start-up: empty, then with the pool users imported.
	for variant in empty pool; do
		local extra=()
		[ "$variant" = pool ] && extra=(--import "$fbdir/import")
		line=$(cd "$fbdir" && "$LOADGEN" first --runs "$runs" \
		    --port "$auth" --log "$fbdir/startup.log" -- \
		    "${start_cmd[@]}" "${extra[@]}" || true)
		if [ "$(field ok "$line")" = "$runs" ]; then
			if [ "$variant" = pool ]; then
				record startup "firebase-pool-$users" - "${line#BENCH }"
			else
				record startup firebase - "${line#BENCH }"
			fi
			printf '  %-34s median %8s ms\n' "firebase ($variant)" \
			    "$(field median_ms "$line")" >&2
			check "firebase startup $variant" 0
		else
			check "firebase startup $variant" 1 "${line:-no result}; see $fbdir"
			return
		fi
	done

	# One emulator for the load runs (a restart costs seconds).
	line=$(cd "$fbdir" && "$LOADGEN" first --runs 1 --keep --port "$auth" \
	    --log "$fbdir/emulator.log" -- "${start_cmd[@]}" \
	    --import "$fbdir/import" || true)
	if [ -z "$(field pid "$line")" ]; then
		check "firebase serve" 1 "did not start; see $fbdir/emulator.log"
		return
	fi
	DPID=$(field pid "$line")
	PIDS+=("$DPID")
	sleep 1
	record idle "firebase-pool-$users" - "rss_kb=$(tree_rss_kb "$DPID")" \
	    "hwm_kb=$(status_kb "$DPID" VmHWM)"

	local creds=$fbdir/creds.txt signins=$(( users < 1000 ? users : 1000 ))
	if ! python3 "$HERE/firebase_prime.py" signin "$auth" "$signins" "$creds"; then
		check "firebase signin" 1
		firebase_stop "$DPID"
		return
	fi
	# One run per figure: the finalize lines are the sessions the start
	# runs made, used once each.
	local REPS=1
	for c in $CONNS; do
		measure firebase-start "$c" wrk "http://127.0.0.1:$auth" firebase.lua \
		    0 "$creds" start
		# The error path: a credential it never issued (a 400).
		measure firebase-start-error "$c" wrk "http://127.0.0.1:$auth" \
		    start_error.lua 1
		# As many sessions again, unmeasured, so finalize cannot run out.
		timeout -s INT "$DUR" wrk -t"$(wrk_threads "$c")" -c"$c" -d3600s \
		    -s "$HERE/wrk/firebase.lua" "http://127.0.0.1:$auth" -- \
		    "$(wrk_threads "$c")" 0 "$creds" start >/dev/null 2>&1 || true
		n=$(python3 "$HERE/firebase_prime.py" codes "$auth" "$FB_PROJECT" \
		    "$creds" "$fbdir/sessions-c$c.txt" "$fbdir/seen.txt")
		if [ "${n:-0}" -gt 0 ]; then
			measure firebase-finalize-sms "$c" wrk "http://127.0.0.1:$auth" \
			    firebase.lua 0 "$fbdir/sessions-c$c.txt" finalize
		else
			check "firebase finalize c=$c" 1 "no SMS sessions to finalize"
		fi
	done
	record idle "firebase-after-load" - "rss_kb=$(tree_rss_kb "$DPID")" \
	    "hwm_kb=$(status_kb "$DPID" VmHWM)"
	firebase_stop "$DPID"
	rm -f "${TMPDIR:-/tmp}/hub-$FB_PROJECT.json"
}
