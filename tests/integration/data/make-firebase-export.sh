#!/bin/sh
# Regenerates tests/integration/data/firebase-export/: a REAL Firebase Auth
# Emulator export, made by firebase-tools, that firebase_data.test.mjs feeds
# to `mfaemu --import`.
#
# How it was made: `tests/integration/data/make-firebase-export.sh` on
# Debian 12 with Node 20.20.2 and npm 11.19.1, firebase-tools 15.34.2
# (`npm install firebase-tools@15`). It runs
#   firebase emulators:exec --only auth --project demo-mfaemu \
#       --export-on-exit ./export "node seed.mjs"
# where seed.mjs creates the users below through the emulator's REST API,
# then copies ./export here. Re-run it after a firebase-tools upgrade and
# commit the result; the tests themselves never need firebase-tools.
#
# Users (project demo-mfaemu, passwords stored by the emulator as
# "fakeHash:salt=...:password=..."):
#   alice@example.com / alice-password  verified; phone MFA +15555550142
#                                       enrolled through mfaEnrollment:start
#                                       and :finalize (random enrollment id)
#   bob@example.com   / bob-password    no second factor
#   carol@example.com / carol-password  verified; phone MFA +15555550143 set
#                                       by an admin accounts:update,
#                                       enrollment id "carol-phone"
#   dave@example.com  / dave-password   disabled
#
# Environment: FIREBASE_TOOLS_DIR (where firebase-tools is installed;
# default ${XDG_CACHE_HOME:-$HOME/.cache}/mfaemu-firebase-tools),
# FIREBASE_TOOLS_VERSION (default 15).
set -eu

here=$(cd "$(dirname "$0")" && pwd)
out="$here/firebase-export"
tools="${FIREBASE_TOOLS_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/mfaemu-firebase-tools}"
version="${FIREBASE_TOOLS_VERSION:-15}"

if [ ! -x "$tools/node_modules/.bin/firebase" ]; then
	mkdir -p "$tools"
	cd "$tools"
	[ -f package.json ] || npm init -y >/dev/null
	npm install --no-audit --no-fund "firebase-tools@$version"
	cd "$here"
fi
firebase="$tools/node_modules/.bin/firebase"
echo "firebase-tools $("$firebase" --version)" >&2

work=$(mktemp -d "${TMPDIR:-/tmp}/mfaemu-fbexport-XXXXXX")
trap 'rm -rf "$work"' EXIT

# Free ports for the auth emulator and the hub/logging helpers it starts.
ports=$(node -e '
const net = require("net");
const get = () => new Promise((r) => { const s = net.createServer().listen(0, "127.0.0.1", () => { const p = s.address().port; s.close(() => r(p)); }); });
(async () => console.log((await Promise.all([get(), get(), get()])).join(" ")))();')
set -- $ports
auth_port=$1 hub_port=$2 log_port=$3

cat > "$work/firebase.json" <<JSON
{"emulators": {"auth": {"host": "127.0.0.1", "port": $auth_port},
               "hub": {"host": "127.0.0.1", "port": $hub_port},
               "logging": {"host": "127.0.0.1", "port": $log_port},
               "ui": {"enabled": false}}}
JSON

cat > "$work/seed.mjs" <<'JS'
// Seed users through the Auth Emulator's REST API.
const base = `http://${process.env.FIREBASE_AUTH_EMULATOR_HOST}`;
const project = 'demo-mfaemu';
const idt = `${base}/identitytoolkit.googleapis.com`;

async function post(path, body, admin = false) {
  const res = await fetch(`${idt}${path}${path.includes('?') ? '&' : '?'}key=fake`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(admin ? { authorization: 'Bearer owner' } : {}) },
    body: JSON.stringify(body),
  });
  const json = await res.json();
  if (!res.ok) throw new Error(`${path}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}

async function signUp(email, password, displayName) {
  return post('/v1/accounts:signUp', { email, password, displayName, returnSecureToken: true });
}
const adminUpdate = (body) => post(`/v1/projects/${project}/accounts:update`, body, true);
const signIn = (email, password) =>
  post('/v1/accounts:signInWithPassword', { email, password, returnSecureToken: true });

// alice: verified email, phone factor enrolled the way an app does it.
const alice = await signUp('alice@example.com', 'alice-password', 'Alice');
await adminUpdate({ localId: alice.localId, emailVerified: true });
const { idToken } = await signIn('alice@example.com', 'alice-password');
const phone = '+15555550142';
const { phoneSessionInfo } = await post('/v2/accounts/mfaEnrollment:start',
  { idToken, phoneEnrollmentInfo: { phoneNumber: phone } });
const codes = await (await fetch(`${base}/emulator/v1/projects/${project}/verificationCodes`)).json();
const entry = codes.verificationCodes.find((c) => c.sessionInfo === phoneSessionInfo.sessionInfo);
if (!entry) throw new Error(`no verification code for ${phone}: ${JSON.stringify(codes)}`);
await post('/v2/accounts/mfaEnrollment:finalize', {
  idToken, displayName: 'Alice phone',
  phoneVerificationInfo: { sessionInfo: phoneSessionInfo.sessionInfo, code: entry.code },
});

// bob: password only.
await signUp('bob@example.com', 'bob-password', 'Bob');

// carol: phone factor set by an admin, with a fixed enrollment id.
const carol = await signUp('carol@example.com', 'carol-password', 'Carol');
await adminUpdate({
  localId: carol.localId, emailVerified: true,
  mfa: { enrollments: [{ mfaEnrollmentId: 'carol-phone', displayName: 'Carol phone', phoneInfo: '+15555550143' }] },
});

// dave: disabled.
const dave = await signUp('dave@example.com', 'dave-password', 'Dave');
await adminUpdate({ localId: dave.localId, disableUser: true });

console.log('seeded alice, bob, carol and dave');
JS

(cd "$work" && "$firebase" emulators:exec --only auth --project demo-mfaemu \
	--export-on-exit ./export "node seed.mjs")

rm -rf "$out"
mkdir -p "$out"
cp -R "$work/export/." "$out/"
echo "wrote $out:" >&2
find "$out" -type f >&2
