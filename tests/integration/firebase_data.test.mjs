// Firebase Auth Emulator data, both ways: --import DIR reads a
// `firebase emulators:export` directory (tests/integration/data/
// firebase-export, made by a real firebase-tools with
// data/make-firebase-export.sh), --export-on-exit DIR writes that layout at
// SIGTERM, and mfaemu reads its own export back.

import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import {
  SOURCE_ROOT, startDaemon, runDaemon, tempDir, start, finalize, expectOk, expectError,
  codeFor, mintCredential, verifyIdToken, checkMfaClaims, serverNow, signInWithPassword,
  exportState, totpUser, writeFixture, call,
} from './harness.mjs';

const FB_PROJECT = 'demo-mfaemu';
const FB_DIR = path.join(SOURCE_ROOT, 'tests', 'integration', 'data', 'firebase-export');
const FB_ACCOUNTS = JSON.parse(fs.readFileSync(path.join(FB_DIR, 'auth_export', 'accounts.json'), 'utf8'));

/** The exported Firebase user with this email. */
function fbUser(email) {
  const u = FB_ACCOUNTS.users.find((x) => x.email === email);
  assert.ok(u, `no ${email} in the Firebase export`);
  return u;
}

const daemons = [];
async function fresh(opts) {
  const d = await startDaemon(opts);
  daemons.push(d);
  return d;
}
after(async () => {
  await Promise.all(daemons.map((d) => d.stop()));
});

/** Phone MFA after a password sign-in; returns the verified claims. */
async function phoneMfa(url, pending, enrollmentId, phone) {
  const st = expectOk(await start(url, { mfaPendingCredential: pending, mfaEnrollmentId: enrollmentId }));
  const sessionInfo = st.phoneResponseInfo.sessionInfo;
  const entry = await codeFor(url, sessionInfo, FB_PROJECT);
  assert.equal(entry.phoneNumber, phone);
  const now = await serverNow(url);
  const fin = expectOk(await finalize(url, {
    mfaPendingCredential: pending, phoneVerificationInfo: { sessionInfo, code: entry.code },
  }));
  const claims = await verifyIdToken(url, fin.idToken, FB_PROJECT);
  return { claims, now };
}

function readJson(file) {
  return JSON.parse(fs.readFileSync(file, 'utf8'));
}

test('the committed export was made by firebase-tools and holds the seeded users', () => {
  const meta = readJson(path.join(FB_DIR, 'firebase-export-metadata.json'));
  assert.match(meta.version, /^\d+\.\d+\.\d+$/);
  assert.equal(meta.auth.path, 'auth_export');
  assert.ok(fs.existsSync(path.join(FB_DIR, 'auth_export', 'config.json')));
  assert.deepEqual(FB_ACCOUNTS.users.map((u) => u.email).sort(),
    ['alice@example.com', 'bob@example.com', 'carol@example.com', 'dave@example.com']);
  assert.match(fbUser('alice@example.com').passwordHash, /^fakeHash:salt=.*:password=alice-password$/);
});

test('--import: a password user signs in with the password set in the Firebase emulator', async () => {
  const d = await fresh({ args: ['--import', FB_DIR, '--project', FB_PROJECT] });
  const bob = fbUser('bob@example.com');
  const res = await signInWithPassword(d.url, 'bob@example.com', 'bob-password');
  const body = expectOk(res);
  assert.equal(body.localId, bob.localId, res.text);
  assert.ok(!('mfaPendingCredential' in body), res.text);
  const claims = await verifyIdToken(d.url, body.idToken, FB_PROJECT);
  assert.equal(claims.sub, bob.localId);
  assert.equal(claims.email, 'bob@example.com');
  assert.equal(claims.firebase.sign_in_provider, 'password');
  expectError(await signInWithPassword(d.url, 'bob@example.com', 'wrong-password'), 400, 'INVALID_PASSWORD');
});

test('--import: the MFA user enrolled in the Firebase emulator gets mfaPendingCredential and completes phone MFA', async () => {
  const d = await fresh({ args: ['--import', FB_DIR, '--project', FB_PROJECT] });
  const alice = fbUser('alice@example.com');
  const enr = alice.mfaInfo[0];
  const res = await signInWithPassword(d.url, 'alice@example.com', 'alice-password');
  const body = expectOk(res);
  assert.equal(body.localId, alice.localId, res.text);
  assert.equal(typeof body.mfaPendingCredential, 'string', res.text);
  assert.ok(!('idToken' in body), res.text);
  assert.equal(body.mfaInfo.length, 1, res.text);
  assert.equal(body.mfaInfo[0].mfaEnrollmentId, enr.mfaEnrollmentId, res.text);
  assert.equal(body.mfaInfo[0].displayName, 'Alice phone', res.text);
  const { claims, now } = await phoneMfa(d.url, body.mfaPendingCredential, enr.mfaEnrollmentId, '+15555550142');
  checkMfaClaims(claims, {
    localId: alice.localId, email: 'alice@example.com', emailVerified: true,
    factor: 'phone', enrollmentId: enr.mfaEnrollmentId, nowMs: now,
  });
});

test('--import: an enrollment an admin set (fixed id) works, and the disabled user stays disabled', async () => {
  const d = await fresh({ args: ['--import', FB_DIR, '--project', FB_PROJECT] });
  const carol = fbUser('carol@example.com');
  const body = expectOk(await signInWithPassword(d.url, 'carol@example.com', 'carol-password'));
  assert.deepEqual(body.mfaInfo.map((m) => m.mfaEnrollmentId), ['carol-phone']);
  const { claims } = await phoneMfa(d.url, body.mfaPendingCredential, 'carol-phone', '+15555550143');
  assert.equal(claims.sub, carol.localId);
  assert.equal(claims.firebase.second_factor_identifier, 'carol-phone');
  expectError(await signInWithPassword(d.url, 'dave@example.com', 'dave-password'), 400, 'USER_DISABLED');
});

test('--import keeps localId, email, displayName, emailVerified, disabled, createdAt and enrolledAt', async () => {
  const d = await fresh({ args: ['--import', FB_DIR, '--project', FB_PROJECT] });
  const { json } = await exportState(d.url);
  const p = json.projects.find((x) => x.projectId === FB_PROJECT);
  assert.ok(p, JSON.stringify(json));
  assert.equal(p.users.length, FB_ACCOUNTS.users.length);
  for (const fu of FB_ACCOUNTS.users) {
    const u = p.users.find((x) => x.localId === fu.localId);
    assert.ok(u, `${fu.localId} missing: ${JSON.stringify(p.users)}`);
    const ctx = JSON.stringify({ fu, u });
    assert.equal(u.email, fu.email, ctx);
    assert.equal(u.displayName, fu.displayName, ctx);
    assert.equal(u.emailVerified, fu.emailVerified, ctx);
    assert.equal(u.disabled, fu.disabled ?? false, ctx);
    assert.equal(String(u.createdAt), fu.createdAt, ctx);
    assert.ok(!JSON.stringify(u).includes('fakeHash'), ctx);
    const want = (fu.mfaInfo ?? []).map((m) => ({ id: m.mfaEnrollmentId, phone: m.unobfuscatedPhoneInfo, name: m.displayName }));
    const got = (u.mfaInfo ?? []).map((m) => ({ id: m.mfaEnrollmentId, phone: m.phoneInfo, name: m.displayName }));
    assert.deepEqual(got, want, ctx);
  }
  const aliceEnr = p.users.find((x) => x.email === 'alice@example.com').mfaInfo[0];
  assert.equal(Date.parse(aliceEnr.enrolledAt), Date.parse(fbUser('alice@example.com').mfaInfo[0].enrolledAt));
});

test('--export-on-exit writes the Firebase layout at SIGTERM: users with phone mfaInfo, TOTP left out', async () => {
  const out = path.join(tempDir(), 'export');
  const extra = {
    projectId: FB_PROJECT,
    users: [
      totpUser('tom', undefined, { displayName: 'Tom' }),
      {
        localId: 'pat', email: 'pat@example.com', emailVerified: true,
        mfaInfo: [
          { mfaEnrollmentId: 'pat-phone', displayName: 'Pat phone', enrolledAt: '2026-02-03T04:05:06Z', phoneInfo: '+15555550161' },
          { mfaEnrollmentId: 'pat-totp', totpInfo: { sharedSecretKey: 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP' } },
        ],
      },
    ],
  };
  const d = await startDaemon({ fixtures: [writeFixture(extra)], args: ['--import', FB_DIR, '--project', FB_PROJECT, '--export-on-exit', out] });
  await d.stop();

  const meta = readJson(path.join(out, 'firebase-export-metadata.json'));
  assert.equal(meta.auth.path, 'auth_export', JSON.stringify(meta));
  assert.ok(fs.existsSync(path.join(out, 'auth_export', 'config.json')));
  const accounts = readJson(path.join(out, 'auth_export', 'accounts.json'));
  assert.equal(accounts.kind, 'identitytoolkit#DownloadAccountResponse');
  const byId = new Map(accounts.users.map((u) => [u.localId, u]));
  assert.deepEqual([...byId.keys()].sort(),
    [...FB_ACCOUNTS.users.map((u) => u.localId), 'pat', 'tom'].sort());
  for (const fu of FB_ACCOUNTS.users) {
    const u = byId.get(fu.localId);
    assert.equal(u.email, fu.email);
    assert.equal(u.emailVerified, fu.emailVerified);
    assert.equal(u.createdAt, fu.createdAt);
    const want = (fu.mfaInfo ?? []).map((m) => [m.mfaEnrollmentId, m.unobfuscatedPhoneInfo]);
    const got = (u.mfaInfo ?? []).map((m) => [m.mfaEnrollmentId, m.phoneInfo]);
    assert.deepEqual(got, want, JSON.stringify(u));
  }
  assert.equal(byId.get(fbUser('dave@example.com').localId).disabled, true);
  const pat = byId.get('pat');
  assert.deepEqual(pat.mfaInfo, [{
    phoneInfo: '+15555550161', mfaEnrollmentId: 'pat-phone', displayName: 'Pat phone',
    enrolledAt: '2026-02-03T04:05:06.000Z',
  }]);
  assert.ok(!('mfaInfo' in byId.get('tom')) || byId.get('tom').mfaInfo.length === 0, JSON.stringify(byId.get('tom')));
  assert.ok(!JSON.stringify(accounts).includes('totp'), 'a TOTP factor was exported');
});

test("mfaemu --import reads mfaemu's own --export-on-exit output", async () => {
  const out = path.join(tempDir(), 'export');
  const first = await startDaemon({ args: ['--import', FB_DIR, '--project', FB_PROJECT, '--export-on-exit', out] });
  // customAttributes (setCustomUserClaims) travel in the layout too.
  const aliceId = fbUser('alice@example.com').localId;
  expectOk(await call(first.url, `/v1/projects/${FB_PROJECT}/accounts:update`,
    { localId: aliceId, customAttributes: '{"role":"admin"}' },
    { key: null, headers: { authorization: 'Bearer owner' } }));
  const before = (await exportState(first.url)).json.projects.find((p) => p.projectId === FB_PROJECT);
  await first.stop();

  const d = await fresh({ args: ['--import', out, '--project', FB_PROJECT] });
  const after = (await exportState(d.url)).json.projects.find((p) => p.projectId === FB_PROJECT);
  const shape = (p) => p.users.map((u) => ({
    localId: u.localId, email: u.email, displayName: u.displayName, emailVerified: u.emailVerified,
    disabled: u.disabled, createdAt: u.createdAt, customAttributes: u.customAttributes,
    mfaInfo: (u.mfaInfo ?? []).map((m) => [m.mfaEnrollmentId, m.phoneInfo, m.displayName ?? null, m.enrolledAt]),
  })).sort((a, b) => a.localId.localeCompare(b.localId));
  assert.deepEqual(shape(after), shape(before));
  assert.equal(before.users.find((u) => u.localId === aliceId).customAttributes, '{"role":"admin"}');

  // Passwords cannot leave mfaemu, but the phone factor still signs in.
  const alice = fbUser('alice@example.com');
  const cred = await mintCredential(d.url, FB_PROJECT, alice.localId);
  const { claims } = await phoneMfa(d.url, cred, alice.mfaInfo[0].mfaEnrollmentId, '+15555550142');
  assert.equal(claims.sub, alice.localId);
  assert.equal(claims.role, 'admin');
});

const canPrlimit = spawnSync('prlimit', ['--version'], { stdio: 'ignore' }).status === 0;
test('an --export-on-exit that cannot be written (file-size limit hit mid-file) exits non-zero naming the file, leaves no partial file, and the previous export stays whole',
  { skip: !canPrlimit && 'prlimit is not installed' }, async () => {
    const out = path.join(tempDir(), 'export');
    const accounts = path.join(out, 'auth_export', 'accounts.json');
    const first = await startDaemon({ args: ['--import', FB_DIR, '--project', FB_PROJECT, '--export-on-exit', out] });
    await first.stop();
    const good = fs.readFileSync(accounts, 'utf8');
    const files = () => ({ top: fs.readdirSync(out).sort(), auth: fs.readdirSync(path.join(out, 'auth_export')).sort() });
    const before = files();

    // Enough users that accounts.json outgrows any write buffer.
    const users = Array.from({ length: 100 }, (_, i) => ({
      localId: `bulk${i}`, email: `bulk${i}@example.com`, displayName: `Bulk user ${i}`,
    }));
    const d = await startDaemon({
      fixtures: [writeFixture({ projectId: FB_PROJECT, users })],
      args: ['--import', FB_DIR, '--project', FB_PROJECT, '--export-on-exit', out],
    });
    // The soft limit only (the hard one could not be raised again).
    execFileSync('prlimit', ['--pid', String(d.proc.pid), '--fsize=1024:']);
    d.proc.kill('SIGTERM');
    const { code } = await d.exited;
    assert.notEqual(code, 0, d.output());
    assert.match(d.output(), /export failed: .*accounts\.json/, d.output());
    assert.deepEqual(files(), before, 'a partial or temporary file was left behind');
    assert.equal(fs.readFileSync(accounts, 'utf8'), good, 'the previous export was changed');
  });

test('--import with a missing directory exits non-zero naming accounts.json', async () => {
  const dir = path.join(tempDir(), 'no-such-export');
  const r = await runDaemon(['--port', '0', '--import', dir]);
  assert.ok(!r.timedOut, r.output);
  assert.notEqual(r.code, 0, r.output);
  assert.match(r.output, /accounts\.json/, r.output);
  assert.ok(!/listening on/.test(r.output), r.output);
});

test('--import with malformed files exits non-zero naming the file', async () => {
  // accounts.json that is not JSON
  const a = tempDir();
  fs.mkdirSync(path.join(a, 'auth_export'));
  fs.writeFileSync(path.join(a, 'firebase-export-metadata.json'), JSON.stringify({ auth: { path: 'auth_export' } }));
  fs.writeFileSync(path.join(a, 'auth_export', 'accounts.json'), '{"users": [');
  let r = await runDaemon(['--port', '0', '--import', a]);
  assert.notEqual(r.code, 0, r.output);
  assert.match(r.output, /auth_export\/accounts\.json/, r.output);

  // metadata that is not JSON
  const b = tempDir();
  fs.mkdirSync(path.join(b, 'auth_export'));
  fs.writeFileSync(path.join(b, 'firebase-export-metadata.json'), 'not json');
  fs.writeFileSync(path.join(b, 'auth_export', 'accounts.json'), JSON.stringify({ users: [] }));
  r = await runDaemon(['--port', '0', '--import', b]);
  assert.notEqual(r.code, 0, r.output);
  assert.match(r.output, /firebase-export-metadata\.json/, r.output);

  // a user the store cannot take: names the file and the user, and loads nothing
  const c = tempDir();
  fs.mkdirSync(path.join(c, 'auth_export'));
  fs.writeFileSync(path.join(c, 'auth_export', 'accounts.json'), JSON.stringify({
    users: [
      { localId: 'ok-user', email: 'ok@example.com' },
      { localId: 'bad-user', email: 'bad@example.com', mfaInfo: [{ mfaEnrollmentId: 'x', phoneInfo: 'not-a-phone' }] },
    ],
  }));
  r = await runDaemon(['--port', '0', '--import', c]);
  assert.notEqual(r.code, 0, r.output);
  assert.match(r.output, /accounts\.json/, r.output);
  assert.match(r.output, /users\[1\]/, r.output);
});
