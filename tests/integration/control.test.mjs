// The control plane under /emulator/v1: reset, fixtures at run time,
// export, clock, fault rules, per-realm settings, minting credentials, the
// SMS outbox, the event log, the control token, and all of it under load.
//
// Most tests start their own daemon (a few ms), so state one test leaves
// never leaks into another.

import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import {
  PROJECT, GOOGLE_PREFIX, START, FINALIZE, TOTP, SECRET_SHA1,
  startDaemon, tempDir, call, rawRequest, start, finalize, expectOk, expectError,
  readCodes, advanceClock, getClock, serverNow, mintCredential,
  startPhone, phoneSignIn, verifyIdToken, fixture, phoneUser, totpUser,
  totp, wrongTotp, wrongCode, freshTotpStep,
  control, realmPath, loadFixtures, exportState, setClock, addFault,
  patchConfig, getConfig, listEvents, signInWithPassword,
} from './harness.mjs';

// One RSA key for every daemon here (generating one per daemon costs more
// CPU than the tests); the reset test makes its daemon generate its own.
const KEY_FILE = path.join(tempDir(), 'signing-key.pem');
fs.writeFileSync(KEY_FILE, crypto.generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey
  .export({ type: 'pkcs8', format: 'pem' }));

const daemons = [];
async function fresh({ ownKey = false, args = [], ...opts } = {}) {
  const d = await startDaemon({ ...opts, args: ownKey ? args : ['--signing-key', KEY_FILE, ...args] });
  daemons.push(d);
  return d;
}
after(async () => {
  await Promise.all(daemons.map((d) => d.stop()));
});

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const MINT = `${realmPath()}/pendingCredentials`;

function mint(url, body, project = PROJECT) {
  return control(url, 'POST', `${realmPath(project)}/pendingCredentials`, body);
}

async function faults(url) {
  const body = expectOk(await control(url, 'GET', '/faults'));
  assert.ok(Array.isArray(body.faults), JSON.stringify(body));
  return body.faults;
}

function projectOf(exported, id = PROJECT) {
  const p = exported.projects.find((x) => x.projectId === id);
  assert.ok(p, `no project ${id} in ${JSON.stringify(exported)}`);
  return p;
}

const ALICE_START = { mfaPendingCredential: 'cred-alice', mfaEnrollmentId: 'alice-phone' };

// ------------------------------------------------------------------ reset

test('DELETE /emulator/v1/state empties users, realms, credentials, outbox, fault rules and events, and puts the clock back to real, unfrozen time', async () => {
  const d = await fresh({ fixtures: [fixture()], ownKey: true });
  const { idToken } = await phoneSignIn(d.url, 'cred-alice', 'alice-phone');
  await startPhone(d.url, await mintCredential(d.url, PROJECT, 'alice'), 'alice-phone');
  await addFault(d.url, { route: 'accounts.lookup', error: 'QUOTA_EXCEEDED' });
  await setClock(d.url, { advanceSeconds: 7200, freeze: true });
  assert.ok((await listEvents(d.url)).length > 0);
  // The codes expired with the clock's jump: only the history lists them.
  const history = () => control(d.url, 'GET', realmPath() + '/verificationCodes?includeUsed=true');
  assert.ok(expectOk(await history()).verificationCodes.length > 0);

  assert.deepEqual(expectOk(await control(d.url, 'DELETE', '/state')), {});

  const c = await getClock(d.url);
  assert.equal(c.frozen, false, JSON.stringify(c));
  assert.ok(Math.abs(c.offsetMillis) < 1000, JSON.stringify(c));
  assert.ok(Math.abs(c.nowMillis - Date.now()) < 2000, JSON.stringify(c));
  assert.deepEqual(await faults(d.url), []);
  assert.deepEqual(await listEvents(d.url), []);
  assert.deepEqual(expectOk(await history()).verificationCodes, []);
  assert.deepEqual((await exportState(d.url, { credentials: true, sessions: true })).json, { projects: [] });
  // Every project has a config (the Firebase emulator's rule): the defaults again.
  assert.deepEqual(expectOk(await getConfig(d.url)).testPhoneNumbers, {});
  expectError(await getConfig(d.url, { tenant: 'tenant-a' }), 404, 'NOT_FOUND', { googleStatus: 'NOT_FOUND' });
  expectError(await mint(d.url, { localId: 'alice' }), 400, 'USER_NOT_FOUND');
  expectError(await start(d.url, { mfaPendingCredential: 'cred-carol', mfaEnrollmentId: 'carol-phone' }), 400, 'INVALID_MFA_PENDING_CREDENTIAL');
  // The signing key survives: a token issued before still verifies.
  await verifyIdToken(d.url, idToken, PROJECT);
});

test('DELETE /emulator/v1/projects/{p}/tenants/{t} removes only that tenant: its users, settings and outbox', async () => {
  const d = await fresh({ fixtures: [fixture()] });
  await startPhone(d.url, 'cred-erin', 'erin-phone', { tenantId: 'tenant-a' });
  await startPhone(d.url, await mintCredential(d.url, PROJECT, 'alice'), 'alice-phone');

  assert.deepEqual(expectOk(await control(d.url, 'DELETE', realmPath(PROJECT, 'tenant-a'))), {});

  expectError(await getConfig(d.url, { tenant: 'tenant-a' }), 404, 'NOT_FOUND', { googleStatus: 'NOT_FOUND' });
  expectError(await mint(d.url, { localId: 'erin', tenantId: 'tenant-a' }), 400, 'USER_NOT_FOUND');
  assert.deepEqual(await readCodes(d.url, PROJECT, 'tenant-a'), []);
  // The project, the other tenant and their data are untouched.
  assert.equal((await readCodes(d.url)).length, 1);
  expectOk(await getConfig(d.url));
  expectOk(await getConfig(d.url, { tenant: 'tenant-b' }));
  await mintCredential(d.url, PROJECT, 'gail', 'tenant-b');
  await phoneSignIn(d.url, 'cred-alice', 'alice-phone');
  const p = projectOf((await exportState(d.url)).json);
  assert.deepEqual(p.tenants.map((t) => t.tenantId), ['tenant-b']);
  assert.deepEqual(p.users.map((u) => u.localId).sort(), ['alice', 'bob', 'carol', 'dave', 'gail', 'tina']);
});

test('DELETE /emulator/v1/projects/{p} removes that project with its tenants, and leaves other projects, fault rules, events and the clock', async () => {
  const other = { projectId: 'other-project', tenants: [{ tenantId: 't-x' }], users: [phoneUser('olga', '+15555550150')] };
  const d = await fresh({ fixtures: [fixture(), other] });
  await addFault(d.url, { route: 'accounts.lookup', error: 'QUOTA_EXCEEDED' });
  await setClock(d.url, { advanceSeconds: 1000 });
  await call(d.url, '/v2/accounts/noSuchMethod', {});

  assert.deepEqual(expectOk(await control(d.url, 'DELETE', realmPath(PROJECT))), {});

  const ex = (await exportState(d.url)).json;
  assert.deepEqual(ex.projects.map((p) => p.projectId), ['other-project']);
  assert.deepEqual(ex.projects[0].users.map((u) => u.localId), ['olga']);
  assert.deepEqual(ex.projects[0].tenants.map((t) => t.tenantId), ['t-x']);
  assert.deepEqual(expectOk(await getConfig(d.url)).testPhoneNumbers, {}, 'a project\'s config is back to the defaults');
  expectError(await getConfig(d.url, { tenant: 'tenant-a' }), 404, 'NOT_FOUND', { googleStatus: 'NOT_FOUND' });
  expectError(await mint(d.url, { localId: 'alice' }), 400, 'USER_NOT_FOUND');
  assert.equal((await faults(d.url)).length, 1);
  assert.ok((await listEvents(d.url)).length >= 1);
  assert.ok((await getClock(d.url)).offsetMillis >= 990_000);
});

test("Firebase's DELETE /emulator/v1/projects/{p}/accounts deletes the users and keeps settings, tenants and test numbers", async () => {
  const d = await fresh({ fixtures: [fixture()] });
  expectOk(await patchConfig(d.url, { smsCodeLength: 8, maxAttempts: 3 }));
  assert.deepEqual(expectOk(await control(d.url, 'DELETE', `${realmPath()}/accounts`)), {});

  const p = projectOf((await exportState(d.url)).json);
  for (const id of ['alice', 'bob', 'carol', 'dave', 'tina']) {
    assert.ok(!p.users.some((u) => u.localId === id), `${id} survived: ${JSON.stringify(p.users)}`);
  }
  expectError(await mint(d.url, { localId: 'alice' }), 400, 'USER_NOT_FOUND');
  const cfg = expectOk(await getConfig(d.url));
  assert.equal(cfg.smsCodeLength, 8);
  assert.equal(cfg.maxAttempts, 3);
  assert.deepEqual(cfg.testPhoneNumbers, { '+15555550100': '123456' });
  assert.deepEqual(p.tenants.map((t) => t.tenantId), ['tenant-a', 'tenant-b']);
  // A user loaded again picks the kept settings up.
  await loadFixtures(d.url, { users: [phoneUser('alice', '+15555550101')] });
  const { code } = await startPhone(d.url, await mintCredential(d.url, PROJECT, 'alice'), 'alice-phone');
  assert.match(code, /^\d{8}$/);
});

// --------------------------------------------------------------- fixtures

test('POST /emulator/v1/fixtures loads a document at run time and answers with what it loaded', async () => {
  const d = await fresh();
  const doc = {
    projectId: PROJECT,
    testPhoneNumbers: { '+15555550100': '123456', '+15555550177': '777777' },
    tenants: [
      { tenantId: 'tenant-a', testPhoneNumbers: { '+15555550178': '888888' } },
      { tenantId: 'tenant-b', mfa: { phone: false, totp: true } },
    ],
    users: [
      phoneUser('ann', '+15555550121'),
      totpUser('ben'),
      {
        localId: 'cat', tenantId: 'tenant-a', email: 'cat@example.com', emailVerified: true,
        mfaInfo: [
          { mfaEnrollmentId: 'cat-phone', phoneInfo: '+15555550178' },
          { mfaEnrollmentId: 'cat-totp', totpInfo: { sharedSecretKey: SECRET_SHA1 } },
        ],
      },
    ],
    pendingCredentials: [
      { mfaPendingCredential: 'fx-cred-ann', localId: 'ann' },
      { mfaPendingCredential: 'fx-cred-cat', localId: 'cat', tenantId: 'tenant-a' },
    ],
  };
  const counts = await loadFixtures(d.url, doc);
  await phoneSignIn(d.url, 'fx-cred-ann', 'ann-phone');
  const s = await startPhone(d.url, 'fx-cred-cat', 'cat-phone', { tenantId: 'tenant-a' });
  assert.equal(s.code, '888888');
  const pw = expectOk(await signInWithPassword(d.url, 'ben@example.com', 'ben-password'));
  assert.equal(typeof pw.mfaPendingCredential, 'string');
  assert.deepEqual(expectOk(await getConfig(d.url, { tenant: 'tenant-b' })).mfa, { phone: false, totp: true });
  // Two tenants were declared. (fixtures_ops covers the per-project report.)
  const { projects, warnings, skippedIds, replacedIds, ...top } = counts;
  assert.deepEqual(top, {
    users: 3, enrollments: 4, pendingCredentials: 2, smsSessions: 0, testPhoneNumbers: 3, tenants: 2, skipped: 0,
    replaced: 0,
  });
  assert.equal(projects[PROJECT].users, 3);
  assert.deepEqual([warnings, skippedIds, replacedIds], [[], [], []]);
});

test('a bad fixture document is refused whole: 400 INVALID_ARGUMENT naming $.users[1], and nothing from it is kept', async () => {
  const d = await fresh({ fixtures: [fixture()] });
  const before = (await exportState(d.url, { credentials: true })).text;

  const doc = {
    projectId: 'fx-project',
    testPhoneNumbers: { '+15555550177': '777777' },
    tenants: [{ tenantId: 'fx-tenant' }],
    users: [phoneUser('good', '+15555550131'), phoneUser('bad', 'not-a-phone')],
    pendingCredentials: [{ mfaPendingCredential: 'fx-good', localId: 'good' }],
  };
  const msg = expectError(await control(d.url, 'POST', '/fixtures', doc), 400, 'INVALID_ARGUMENT');
  assert.match(msg, /\$\.users\[1\]/);
  assert.deepEqual(expectOk(await getConfig(d.url, { project: 'fx-project' })).testPhoneNumbers, {}, 'only the defaults');
  expectError(await getConfig(d.url, { project: 'fx-project', tenant: 'fx-tenant' }), 404, 'NOT_FOUND', { googleStatus: 'NOT_FOUND' });
  assert.equal((await exportState(d.url, { credentials: true })).text, before);

  // The same into the existing project: the good user before the bad one is not kept either.
  const doc2 = {
    testPhoneNumbers: { '+15555550179': '999999' },
    users: [phoneUser('good', '+15555550131'),
      { localId: 'bad', mfaInfo: [{ phoneInfo: '+15555550132', totpInfo: { sharedSecretKey: SECRET_SHA1 } }] }],
  };
  const msg2 = expectError(await control(d.url, 'POST', '/fixtures', doc2), 400, 'INVALID_ARGUMENT');
  assert.match(msg2, /\$\.users\[1\]\.mfaInfo\[0\]/);
  expectError(await mint(d.url, { localId: 'good' }), 400, 'USER_NOT_FOUND');
  assert.deepEqual(expectOk(await getConfig(d.url)).testPhoneNumbers, { '+15555550100': '123456' });
  assert.equal((await exportState(d.url, { credentials: true })).text, before);
});

test('"replace": true resets the store before loading, in the same all-or-nothing request', async () => {
  const d = await fresh({ fixtures: [fixture()] });
  expectOk(await patchConfig(d.url, { smsCodeLength: 8 }));

  const counts = await loadFixtures(d.url, { replace: true, users: [{ localId: 'u1', mfaInfo: [{ phoneInfo: '+15555550111' }] }] });
  assert.equal(counts.users, 1, JSON.stringify(counts));
  assert.equal(counts.enrollments, 1, JSON.stringify(counts));
  assert.equal(counts.skipped, 0, JSON.stringify(counts));
  const ex = (await exportState(d.url, { credentials: true })).json;
  assert.deepEqual(ex.projects.map((p) => p.projectId), [PROJECT]);
  const p = ex.projects[0];
  assert.deepEqual(p.users.map((u) => u.localId), ['u1']);
  assert.deepEqual(p.tenants, []);
  assert.deepEqual(p.pendingCredentials, []);
  const cfg = expectOk(await getConfig(d.url));
  assert.equal(cfg.smsCodeLength, 6);
  assert.deepEqual(cfg.testPhoneNumbers, {});
  expectError(await start(d.url, ALICE_START), 400, 'INVALID_MFA_PENDING_CREDENTIAL');
  // u1's enrollment (no id given) signs in.
  assert.equal(p.users[0].mfaInfo.length, 1);
  await phoneSignIn(d.url, await mintCredential(d.url, PROJECT, 'u1'), p.users[0].mfaInfo[0].mfaEnrollmentId);

  // A bad replacing document resets nothing.
  expectError(await control(d.url, 'POST', '/fixtures', { replace: true, users: [{ localId: 'has space' }] }), 400, 'INVALID_ARGUMENT');
  assert.deepEqual(projectOf((await exportState(d.url)).json).users.map((u) => u.localId), ['u1']);
});

test('entries already stored are skipped and keep their stored state: a used credential stays used, a changed user is not overwritten', async () => {
  const d = await fresh();
  const doc = fixture();
  const first = await loadFixtures(d.url, doc);
  assert.equal(first.users, 7, JSON.stringify(first));
  assert.equal(first.pendingCredentials, 7, JSON.stringify(first));
  assert.equal(first.skipped, 0, JSON.stringify(first));
  await phoneSignIn(d.url, 'cred-alice', 'alice-phone');

  const changed = structuredClone(doc);
  changed.users[0].password = 'another-password';
  changed.users[0].displayName = 'Changed';
  const second = await loadFixtures(d.url, changed);
  assert.equal(second.users, 0, JSON.stringify(second));
  assert.equal(second.enrollments, 0, JSON.stringify(second));
  assert.equal(second.pendingCredentials, 0, JSON.stringify(second));
  assert.equal(second.skipped, 14, JSON.stringify(second));

  expectError(await start(d.url, ALICE_START), 400, 'INVALID_MFA_PENDING_CREDENTIAL');
  expectOk(await signInWithPassword(d.url, 'alice@example.com', 'alice-password'));
  expectError(await signInWithPassword(d.url, 'alice@example.com', 'another-password'), 400, 'INVALID_PASSWORD');
  const alice = projectOf((await exportState(d.url)).json).users.find((u) => u.localId === 'alice');
  assert.notEqual(alice.displayName, 'Changed');
});

test('POST /emulator/v1/fixtures takes bodies far past the 64 KiB default; other routes and bodies over 64 MiB get 413', async () => {
  const d = await fresh();
  const users = Array.from({ length: 1500 }, (_, i) => ({
    localId: `bulk-${i}`,
    displayName: `Bulk user number ${i}, padded to make the body large`,
    mfaInfo: [{ mfaEnrollmentId: `bulk-${i}-phone`, phoneInfo: `+1555600${String(i).padStart(4, '0')}` }],
  }));
  assert.ok(JSON.stringify({ users }).length > 128 * 1024);
  const counts = await loadFixtures(d.url, { users });
  assert.equal(counts.users, 1500);
  assert.equal(counts.enrollments, 1500);

  const big = Buffer.from(JSON.stringify({ advanceSeconds: 1, pad: 'x'.repeat(70 * 1024) }));
  const small = await rawRequest(d.url, {
    path: '/emulator/v1/clock', headers: { 'Content-Type': 'application/json' }, body: big,
  });
  expectError(small, 413, undefined, { googleStatus: 'PAYLOAD_TOO_LARGE' });

  const huge = Buffer.alloc(64 * 1024 * 1024 + 16, 0x20);
  const res = await rawRequest(d.url, {
    path: '/emulator/v1/fixtures', headers: { 'Content-Type': 'application/json' }, body: huge,
  });
  expectError(res, 413, undefined, { googleStatus: 'PAYLOAD_TOO_LARGE' });
});

// ----------------------------------------------------------------- export

test('export lists settings, tenants, test numbers and users (hashed passwords, TOTP secrets); credentials and sessions only when asked', async () => {
  const d = await fresh({ fixtures: [fixture()] });
  await phoneSignIn(d.url, 'cred-alice', 'alice-phone');
  const { sessionInfo } = await startPhone(d.url, 'cred-carol', 'carol-phone');

  const { json } = await exportState(d.url);
  const p = projectOf(json);
  assert.ok(!('pendingCredentials' in p), JSON.stringify(p));
  assert.ok(!('smsSessions' in p), JSON.stringify(p));
  assert.deepEqual(p.mfa, { phone: true, totp: true });
  assert.deepEqual(p.testPhoneNumbers, { '+15555550100': '123456' });
  assert.deepEqual(p.tenants.map((t) => [t.tenantId, t.mfa]),
    [['tenant-a', { phone: true, totp: true }], ['tenant-b', { phone: false, totp: false }]]);
  const alice = p.users.find((u) => u.localId === 'alice');
  assert.equal(alice.email, 'alice@example.com');
  assert.ok(!('password' in alice), JSON.stringify(alice));
  assert.equal(typeof alice.passwordHash, 'string');
  assert.ok(!JSON.stringify(json).includes('alice-password'), 'a plain password was exported');
  assert.deepEqual(alice.mfaInfo.map((m) => [m.mfaEnrollmentId, m.phoneInfo]), [['alice-phone', '+15555550101']]);
  const carol = p.users.find((u) => u.localId === 'carol');
  assert.deepEqual(carol.mfaInfo.find((m) => m.mfaEnrollmentId === 'carol-totp').totpInfo,
    { sharedSecretKey: TOTP.carol.secret, hashingAlgorithm: 'SHA256', verificationCodeLength: 8, periodSec: 30 });
  assert.equal(p.users.find((u) => u.localId === 'erin').tenantId, 'tenant-a');
  assert.equal(p.users.find((u) => u.localId === 'dave').disabled, true);

  const full = projectOf((await exportState(d.url, { credentials: true, sessions: true })).json);
  const credAlice = full.pendingCredentials.find((c) => c.mfaPendingCredential === 'cred-alice');
  assert.equal(credAlice.localId, 'alice');
  assert.ok(!Number.isNaN(Date.parse(credAlice.usedTime)), JSON.stringify(credAlice));
  assert.ok(!('usedTime' in full.pendingCredentials.find((c) => c.mfaPendingCredential === 'cred-bob')));
  const sess = full.smsSessions.find((s) => s.sessionInfo === sessionInfo);
  assert.equal(sess.mfaPendingCredential, 'cred-carol');
  assert.equal(sess.mfaEnrollmentId, 'carol-phone');
  assert.equal(sess.code, '123456');
});

test('round trip: export → DELETE state → load the export gives a byte-identical export, and used credentials, pending SMS sessions and passwords keep working', async () => {
  const doc = fixture({
    smsCodeTtlSeconds: 900,
    maxAttempts: 4,
    tenants: [
      { tenantId: 'tenant-a', mfa: { phone: true, totp: true }, totpAdjacentIntervals: 2, testPhoneNumbers: { '+15555550188': '246810' } },
      { tenantId: 'tenant-b', mfa: { phone: false, totp: false } },
    ],
  });
  const d = await fresh({ fixtures: [doc] });

  // Drive some flows: a used credential, a pending SMS session with one
  // wrong code, a wrong TOTP code, a pending session in a tenant.
  await phoneSignIn(d.url, 'cred-alice', 'alice-phone');
  const cred = await mintCredential(d.url, PROJECT, 'alice');
  const pending = await startPhone(d.url, cred, 'alice-phone');
  expectError(await finalize(d.url, {
    mfaPendingCredential: cred, phoneVerificationInfo: { sessionInfo: pending.sessionInfo, code: wrongCode(pending.code) },
  }), 400, 'INVALID_CODE');
  const now = await serverNow(d.url);
  expectError(await finalize(d.url, {
    mfaPendingCredential: 'cred-bob', mfaEnrollmentId: 'bob-totp',
    totpVerificationInfo: { verificationCode: wrongTotp(TOTP.bob.secret, { ...TOTP.bob, nowMs: now }) },
  }), 400, 'INVALID_CODE');
  const erin = await startPhone(d.url, 'cred-erin', 'erin-phone', { tenantId: 'tenant-a' });

  const first = await exportState(d.url, { credentials: true, sessions: true });
  const firstCompact = await exportState(d.url, { credentials: true, sessions: true, query: 'prettyPrint=false' });
  const p1 = projectOf(first.json);
  // Alice's consumed session, the pending one, Erin's.
  assert.equal(p1.smsSessions.length, 3, first.text);
  assert.equal(p1.smsSessions.find((s) => s.sessionInfo === pending.sessionInfo).attempts, 1, first.text);
  assert.equal(p1.pendingCredentials.find((c) => c.mfaPendingCredential === 'cred-bob').failedAttempts, 1, first.text);

  assert.deepEqual(expectOk(await control(d.url, 'DELETE', '/state')), {});
  assert.deepEqual((await exportState(d.url)).json, { projects: [] });
  const counts = await loadFixtures(d.url, first.json);
  assert.equal(counts.users, 7, JSON.stringify(counts));
  assert.equal(counts.pendingCredentials, 8, JSON.stringify(counts));
  assert.equal(counts.smsSessions, 3, JSON.stringify(counts));
  assert.equal(counts.skipped, 0, JSON.stringify(counts));

  const second = await exportState(d.url, { credentials: true, sessions: true });
  const secondCompact = await exportState(d.url, { credentials: true, sessions: true, query: 'prettyPrint=false' });

  // Behaviour survives, not only the text (checked first, as it changes
  // the state; the exports are compared at the end).
  expectError(await start(d.url, ALICE_START), 400, 'INVALID_MFA_PENDING_CREDENTIAL');
  const fin = expectOk(await finalize(d.url, {
    mfaPendingCredential: cred, phoneVerificationInfo: { sessionInfo: pending.sessionInfo, code: pending.code },
  }));
  assert.equal((await verifyIdToken(d.url, fin.idToken, PROJECT)).sub, 'alice');
  expectOk(await finalize(d.url, {
    tenantId: 'tenant-a', mfaPendingCredential: 'cred-erin',
    phoneVerificationInfo: { sessionInfo: erin.sessionInfo, code: erin.code },
  }));
  const pw = expectOk(await signInWithPassword(d.url, 'alice@example.com', 'alice-password'));
  assert.equal(typeof pw.mfaPendingCredential, 'string', JSON.stringify(pw));
  assert.deepEqual(pw.mfaInfo.map((m) => m.mfaEnrollmentId), ['alice-phone']);
  expectError(await signInWithPassword(d.url, 'alice@example.com', 'wrong-password'), 400, 'INVALID_PASSWORD');
  const cfg = expectOk(await getConfig(d.url));
  assert.equal(cfg.smsCodeTtlSeconds, 900);
  assert.equal(cfg.maxAttempts, 4);
  assert.equal(expectOk(await getConfig(d.url, { tenant: 'tenant-a' })).totpAdjacentIntervals, 2);

  // "replace": true over other state gives the same export again.
  await loadFixtures(d.url, { users: [phoneUser('zed', '+15555550199')] });
  await loadFixtures(d.url, { ...first.json, replace: true });
  const third = await exportState(d.url, { credentials: true, sessions: true });

  assert.deepEqual(second.json, first.json);
  assert.equal(second.text, first.text);
  assert.equal(secondCompact.text, firstCompact.text);
  assert.equal(JSON.stringify(second.json), JSON.stringify(first.json));
  assert.equal(third.text, first.text);
});

test('an SMS session exhausted by wrong codes stays exhausted after export and reload', async () => {
  const d = await fresh({ fixtures: [fixture()] });
  const cred = await mintCredential(d.url, PROJECT, 'alice');
  const s = await startPhone(d.url, cred, 'alice-phone');
  const body = (code) => ({ mfaPendingCredential: cred, phoneVerificationInfo: { sessionInfo: s.sessionInfo, code } });
  for (let i = 0; i < 5; i++) expectError(await finalize(d.url, body(wrongCode(s.code))), 400, 'INVALID_CODE');
  expectError(await finalize(d.url, body(s.code)), 400, 'TOO_MANY_ATTEMPTS_TRY_LATER');

  const ex = await exportState(d.url, { credentials: true, sessions: true });
  assert.equal(projectOf(ex.json).smsSessions.find((x) => x.sessionInfo === s.sessionInfo).attempts, 5, ex.text);
  await loadFixtures(d.url, { ...ex.json, replace: true });
  expectError(await finalize(d.url, body(s.code)), 400, 'TOO_MANY_ATTEMPTS_TRY_LATER');
});

// ------------------------------------------------------------------ clock

test('GET /emulator/v1/clock gives now (RFC 3339), nowMillis, offsetMillis and frozen', async () => {
  const d = await fresh();
  const c = await getClock(d.url);
  assert.deepEqual(Object.keys(c).sort(), ['frozen', 'now', 'nowMillis', 'offsetMillis']);
  assert.equal(Date.parse(c.now), c.nowMillis);
  assert.match(c.now, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/);
  assert.ok(Math.abs(c.nowMillis - Date.now()) < 1000, JSON.stringify(c));
  assert.ok(Math.abs(c.offsetMillis) < 50, JSON.stringify(c));
  assert.equal(c.frozen, false);
});

test('POST /emulator/v1/clock advanceSeconds and advanceMillis move the clock either way', async () => {
  const d = await fresh();
  let c = await setClock(d.url, { advanceSeconds: 3600 });
  assert.ok(Math.abs(c.offsetMillis - 3_600_000) < 50, JSON.stringify(c));
  assert.ok(Math.abs(c.nowMillis - (Date.now() + 3_600_000)) < 1000, JSON.stringify(c));
  c = await setClock(d.url, { advanceMillis: -1500 });
  assert.ok(Math.abs(c.offsetMillis - 3_598_500) < 50, JSON.stringify(c));
  c = await setClock(d.url, { advanceSeconds: -7200 });
  assert.ok(Math.abs(c.offsetMillis + 3_601_500) < 50, JSON.stringify(c));
  assert.equal(c.frozen, false);
});

test('setTime and nowMillis set the clock; a frozen clock stands still until unfrozen', async () => {
  const d = await fresh();
  const t2030 = Date.UTC(2030, 0, 1);
  let c = await setClock(d.url, { setTime: '2030-01-01T00:00:00Z', freeze: true });
  assert.equal(c.nowMillis, t2030, JSON.stringify(c));
  assert.equal(Date.parse(c.now), t2030, JSON.stringify(c));
  assert.equal(c.frozen, true);
  await sleep(1100);
  c = await getClock(d.url);
  assert.equal(c.nowMillis, t2030, `a frozen clock moved: ${JSON.stringify(c)}`);
  c = await setClock(d.url, { advanceSeconds: 30 });
  assert.equal(c.nowMillis, t2030 + 30_000, JSON.stringify(c));
  c = await setClock(d.url, { nowMillis: 1_900_000_000_123 });
  assert.equal(c.nowMillis, 1_900_000_000_123, JSON.stringify(c));
  assert.equal(c.frozen, true);
  c = await setClock(d.url, { setTime: '2031-06-15T12:30:00+02:00' });
  assert.equal(c.nowMillis, Date.parse('2031-06-15T12:30:00+02:00'), JSON.stringify(c));

  c = await setClock(d.url, { freeze: false });
  assert.equal(c.frozen, false);
  const unfrozenAt = c.nowMillis;
  assert.ok(Math.abs(unfrozenAt - Date.parse('2031-06-15T12:30:00+02:00')) < 100, JSON.stringify(c));
  await sleep(1100);
  c = await getClock(d.url);
  assert.ok(c.nowMillis - unfrozenAt >= 1000 && c.nowMillis - unfrozenAt < 3000, JSON.stringify(c));

  c = await setClock(d.url, { setTime: '2029-01-01T00:00:00Z' });
  assert.equal(c.frozen, false);
  assert.ok(Math.abs(c.nowMillis - Date.UTC(2029, 0, 1)) < 100, JSON.stringify(c));
});

test('bad clock requests are 400 INVALID_ARGUMENT and leave the clock alone', async () => {
  const d = await fresh();
  for (const body of [{}, { setTime: 'yesterday' }, { setTime: '2030-13-01T00:00:00Z' }, { advanceSeconds: 'soon' },
    { freeze: 'yes' }, { nowMillis: -5 }]) {
    expectError(await control(d.url, 'POST', '/clock', body), 400, 'INVALID_ARGUMENT');
  }
  const msg = expectError(await control(d.url, 'POST', '/clock', { setTime: 'yesterday' }), 400, 'INVALID_ARGUMENT');
  assert.match(msg, /setTime/);
  const c = await getClock(d.url);
  assert.ok(Math.abs(c.offsetMillis) < 50, JSON.stringify(c));
  assert.equal(c.frozen, false);
});

test('moving the clock expires an SMS session: still live at 290 s, SESSION_EXPIRED past 300 s', async () => {
  const d = await fresh({ fixtures: [fixture()] });
  const s = await startPhone(d.url, 'cred-alice', 'alice-phone');
  await advanceClock(d.url, 290);
  expectError(await finalize(d.url, {
    mfaPendingCredential: 'cred-alice', phoneVerificationInfo: { sessionInfo: s.sessionInfo, code: wrongCode(s.code) },
  }), 400, 'INVALID_CODE');
  await advanceClock(d.url, 11);
  expectError(await finalize(d.url, {
    mfaPendingCredential: 'cred-alice', phoneVerificationInfo: { sessionInfo: s.sessionInfo, code: s.code },
  }), 400, 'SESSION_EXPIRED');
});

test('moving the clock shifts the TOTP window: a code for now+60 s is rejected now and accepted 60 s later', async () => {
  const d = await fresh({ fixtures: [fixture()] });
  const b = TOTP.bob;
  const now = await freshTotpStep(d.url, b.period);
  const future = totp(b.secret, { ...b, nowMs: now + 60_000 });
  for (const k of [-1, 0, 1]) {
    if (totp(b.secret, { ...b, nowMs: now + k * 30_000 }) === future) return; // a collision makes the test moot
  }
  const body = (cred) => ({ mfaPendingCredential: cred, mfaEnrollmentId: b.enrollmentId, totpVerificationInfo: { verificationCode: future } });
  expectError(await finalize(d.url, body(await mintCredential(d.url, PROJECT, 'bob'))), 400, 'INVALID_CODE');
  await advanceClock(d.url, 60);
  expectOk(await finalize(d.url, body(await mintCredential(d.url, PROJECT, 'bob'))));
});

test('ID tokens take iat, exp and auth_time from the emulator clock', async () => {
  const d = await fresh({ fixtures: [fixture()] });
  const t = Date.UTC(2030, 0, 1) / 1000;
  await setClock(d.url, { setTime: '2030-01-01T00:00:00Z', freeze: true });
  const cred = await mintCredential(d.url, PROJECT, 'alice');
  const { idToken } = await phoneSignIn(d.url, cred, 'alice-phone');
  const claims = await verifyIdToken(d.url, idToken, PROJECT);
  assert.equal(claims.iat, t, JSON.stringify(claims));
  assert.equal(claims.exp, t + 3600, JSON.stringify(claims));
  assert.equal(claims.auth_time, t, JSON.stringify(claims));
});

// ----------------------------------------------------------------- faults

test('a count=2 QUOTA_EXCEEDED rule on accounts.mfaSignIn.start fires exactly twice, then starts succeed', async () => {
  const d = await fresh({ fixtures: [fixture()] });
  const rule = await addFault(d.url, { route: 'accounts.mfaSignIn.start', count: 2, error: 'QUOTA_EXCEEDED' });
  assert.equal(typeof rule.id, 'number', JSON.stringify(rule));
  assert.equal(rule.route, 'accounts.mfaSignIn.start');
  assert.equal(rule.error, 'QUOTA_EXCEEDED');
  assert.equal(rule.fired, 0);

  for (let i = 0; i < 2; i++) {
    const res = await start(d.url, ALICE_START);
    const msg = expectError(res, 400, 'QUOTA_EXCEEDED');
    assert.ok(msg.startsWith('QUOTA_EXCEEDED'), msg);
  }
  expectOk(await start(d.url, ALICE_START));
  expectOk(await start(d.url, ALICE_START));
  const list = await faults(d.url);
  assert.equal(list.length, 1);
  assert.equal(list[0].id, rule.id);
  assert.equal(list[0].fired, 2);
  // The refused starts sent no SMS.
  assert.equal((await readCodes(d.url)).length, 2);
});

test('a rule may name its route by path (matching under either prefix) or "*"; INTERNAL_ERROR is a bare 500, SERVICE_UNAVAILABLE a 503', async () => {
  const d = await fresh({ fixtures: [fixture()] });
  await addFault(d.url, { route: '/v2/accounts/mfaSignIn:finalize', count: 2, error: 'SERVICE_UNAVAILABLE' });
  const s = await startPhone(d.url, 'cred-alice', 'alice-phone');
  const body = { mfaPendingCredential: 'cred-alice', phoneVerificationInfo: { sessionInfo: s.sessionInfo, code: s.code } };
  for (const p of [FINALIZE, GOOGLE_PREFIX + FINALIZE]) {
    const res = await call(d.url, p, body);
    expectError(res, 503, 'SERVICE_UNAVAILABLE', { googleStatus: 'UNAVAILABLE' });
    assert.equal(res.json.error.message, 'SERVICE_UNAVAILABLE', res.text);
  }
  expectOk(await finalize(d.url, body));

  expectOk(await control(d.url, 'DELETE', '/faults'));
  await addFault(d.url, { route: '*', count: 1, error: 'INTERNAL_ERROR' });
  const res = await signInWithPassword(d.url, 'bob@example.com', 'bob-password');
  expectError(res, 500, 'INTERNAL_ERROR', { googleStatus: 'INTERNAL' });
  assert.equal(res.json.error.message, 'INTERNAL_ERROR', `a 500 leaks detail: ${res.text}`);
  expectOk(await signInWithPassword(d.url, 'bob@example.com', 'bob-password'));
});

test('match.mfaEnrollmentId only hits requests for that enrollment', async () => {
  const d = await fresh({ fixtures: [fixture()] });
  await addFault(d.url, { route: '*', match: { mfaEnrollmentId: 'carol-phone' }, error: 'QUOTA_EXCEEDED' });
  expectOk(await start(d.url, ALICE_START));
  expectError(await start(d.url, { mfaPendingCredential: 'cred-carol', mfaEnrollmentId: 'carol-phone' }), 400, 'QUOTA_EXCEEDED');
  expectError(await start(d.url, { mfaPendingCredential: 'cred-carol', mfaEnrollmentId: 'carol-phone' }), 400, 'QUOTA_EXCEEDED');
  assert.equal((await faults(d.url))[0].fired, 2);
});

test('match.phoneNumber hits a start for the enrollment with that phone (the number is not in the request) and nothing else', async () => {
  const d = await fresh({ fixtures: [fixture()] });
  await addFault(d.url, { route: 'accounts.mfaSignIn.start', match: { phoneNumber: '+15555550101' }, error: 'QUOTA_EXCEEDED' });
  expectError(await start(d.url, ALICE_START), 400, 'QUOTA_EXCEEDED');
  expectOk(await start(d.url, { mfaPendingCredential: 'cred-carol', mfaEnrollmentId: 'carol-phone' }));
  expectOk(await signInWithPassword(d.url, 'alice@example.com', 'alice-password'));
});

test('match.tenantId only hits requests for that tenant', async () => {
  const d = await fresh({ fixtures: [fixture()] });
  await addFault(d.url, { route: '*', match: { tenantId: 'tenant-a' }, error: 'QUOTA_EXCEEDED' });
  expectError(await start(d.url, { mfaPendingCredential: 'cred-erin', mfaEnrollmentId: 'erin-phone', tenantId: 'tenant-a' }), 400, 'QUOTA_EXCEEDED');
  expectOk(await start(d.url, ALICE_START));
});

test('latencyMs delays a matching request by at least that long, and it still succeeds', async () => {
  const d = await fresh({ fixtures: [fixture()] });
  const rule = await addFault(d.url, { route: 'accounts.mfaSignIn.start', count: 1, latencyMs: 400 });
  assert.equal(rule.latencyMs, 400);
  let t0 = performance.now();
  expectOk(await start(d.url, ALICE_START));
  assert.ok(performance.now() - t0 >= 400, `took ${performance.now() - t0} ms`);
  t0 = performance.now();
  expectOk(await start(d.url, ALICE_START));
  assert.ok(performance.now() - t0 < 300, `the used-up rule still delays: ${performance.now() - t0} ms`);
});

test('drop closes the connection without a response', async () => {
  const d = await fresh({ fixtures: [fixture()] });
  await addFault(d.url, { route: 'accounts.mfaSignIn.start', count: 2, drop: true });
  await assert.rejects(start(d.url, ALICE_START), 'fetch got a response from a dropped request');
  const body = Buffer.from(JSON.stringify(ALICE_START));
  await assert.rejects(rawRequest(d.url, {
    path: `${START}?key=k`, headers: { 'Content-Type': 'application/json' }, body,
  }), /no HTTP response/);
  expectOk(await start(d.url, ALICE_START));
  assert.equal((await faults(d.url))[0].fired, 2);
});

test('probability makes a rule fire on about that share of requests', async () => {
  const d = await fresh();
  await addFault(d.url, { route: '/v2/recaptchaConfig', probability: 0.5, error: 'QUOTA_EXCEEDED' });
  let failed = 0;
  for (let i = 0; i < 100; i++) {
    const res = await call(d.url, '/v2/recaptchaConfig', undefined, { method: 'GET' });
    if (res.status !== 200) {
      expectError(res, 400, 'QUOTA_EXCEEDED');
      failed++;
    }
  }
  assert.ok(failed >= 20 && failed <= 80, `${failed} of 100 failed`);
  assert.equal((await faults(d.url))[0].fired, failed);
});

test('bad fault rules are 400 INVALID_ARGUMENT and add nothing', async () => {
  const d = await fresh({ fixtures: [fixture()] });
  const bad = [
    { route: '*', error: 'NOT_A_CODE' },
    { route: '*' },
    { route: '*', error: 'QUOTA_EXCEEDED', probability: 0 },
    { route: '*', error: 'QUOTA_EXCEEDED', probability: 2 },
    { route: '*', error: 'QUOTA_EXCEEDED', drop: true },
    { error: 'QUOTA_EXCEEDED' },
    { route: '*', error: 'QUOTA_EXCEEDED', count: 0 },
    { route: '*', latencyMs: -1 },
    { route: '*', error: 'QUOTA_EXCEEDED', match: { phoneNumber: 5 } },
  ];
  for (const rule of bad) {
    const res = await control(d.url, 'POST', '/faults', rule);
    assert.equal(res.status, 400, `${JSON.stringify(rule)} → ${res.status} ${res.text}`);
    expectError(res, 400, 'INVALID_ARGUMENT');
  }
  assert.deepEqual(await faults(d.url), []);
  expectOk(await start(d.url, ALICE_START));
});

test('fault rules never apply to /emulator routes', async () => {
  const d = await fresh({ fixtures: [fixture()] });
  await addFault(d.url, { route: '*', error: 'INTERNAL_ERROR' });
  expectError(await start(d.url, ALICE_START), 500, 'INTERNAL_ERROR', { googleStatus: 'INTERNAL' });
  await getClock(d.url);
  await readCodes(d.url);
  await mintCredential(d.url, PROJECT, 'alice');
  await exportState(d.url);
  expectOk(await getConfig(d.url));
  expectOk(await call(d.url, '/', undefined, { method: 'GET', key: null }));
  await listEvents(d.url);
  // Even a rule that names a control route by path leaves it alone.
  const r = await control(d.url, 'POST', '/faults', { route: '/emulator/v1/clock', error: 'QUOTA_EXCEEDED' });
  assert.ok(r.status === 200 || r.status === 400, r.text);
  await getClock(d.url);
  await setClock(d.url, { advanceSeconds: 1 });
});

test('DELETE /emulator/v1/faults/{id} removes one rule; DELETE /emulator/v1/faults removes all', async () => {
  const d = await fresh({ fixtures: [fixture()] });
  const r1 = await addFault(d.url, { route: 'accounts.mfaSignIn.start', error: 'QUOTA_EXCEEDED' });
  const r2 = await addFault(d.url, { route: 'accounts.signInWithPassword', error: 'QUOTA_EXCEEDED' });
  assert.notEqual(r1.id, r2.id);
  assert.deepEqual((await faults(d.url)).map((f) => f.id), [r1.id, r2.id]);

  assert.deepEqual(expectOk(await control(d.url, 'DELETE', `/faults/${r1.id}`)), {});
  assert.deepEqual((await faults(d.url)).map((f) => f.id), [r2.id]);
  expectOk(await start(d.url, ALICE_START));
  expectError(await signInWithPassword(d.url, 'bob@example.com', 'bob-password'), 400, 'QUOTA_EXCEEDED');
  expectError(await control(d.url, 'DELETE', `/faults/${r1.id}`), 404, 'NOT_FOUND', { googleStatus: 'NOT_FOUND' });
  expectError(await control(d.url, 'DELETE', '/faults/abc'), 400, 'INVALID_ARGUMENT');

  await addFault(d.url, { route: '*', latencyMs: 1 });
  assert.deepEqual(expectOk(await control(d.url, 'DELETE', '/faults')), {});
  assert.deepEqual(await faults(d.url), []);
  expectOk(await signInWithPassword(d.url, 'bob@example.com', 'bob-password'));
});

// --------------------------------------------------------------- settings

test('GET config shows the effective settings: the daemon flags where the realm sets nothing', async () => {
  const d = await fresh({ fixtures: [fixture()] });
  const eff = expectOk(await getConfig(d.url));
  assert.match(eff.projectNumber, /^[0-9]{12}$/);
  delete eff.projectNumber;
  assert.deepEqual(eff, {
    projectId: PROJECT, mfa: { phone: true, totp: true }, smsCodeTtlSeconds: 300, smsCodeLength: 6,
    maxAttempts: 5, pendingCredentialTtlSeconds: 600, totpAdjacentIntervals: 1, oobCodeTtlSeconds: null,
    signIn: { allowDuplicateEmails: false }, emailPrivacyConfig: { enableImprovedEmailPrivacy: false },
    idTokenAlg: 'RS256',
    testPhoneNumbers: { '+15555550100': '123456' },
  });
  const b = expectOk(await getConfig(d.url, { tenant: 'tenant-b' }));
  assert.equal(b.tenantId, 'tenant-b');
  assert.deepEqual(b.mfa, { phone: false, totp: false });
  expectError(await getConfig(d.url, { tenant: 'no-such-tenant' }), 404, 'NOT_FOUND', { googleStatus: 'NOT_FOUND' });

  const f = await fresh({ fixtures: [fixture()], args: ['--sms-code-ttl', '120', '--max-attempts', '3', '--credential-ttl', '900'] });
  const cfg = expectOk(await getConfig(f.url));
  assert.equal(cfg.smsCodeTtlSeconds, 120);
  assert.equal(cfg.maxAttempts, 3);
  assert.equal(cfg.pendingCredentialTtlSeconds, 900);
});

test('PATCH config sets the members given, keeps the others, null restores a default, and it creates a missing tenant or project', async () => {
  const d = await fresh({ fixtures: [fixture()] });
  const patch = {
    mfa: { phone: true, totp: false }, smsCodeTtlSeconds: 60, smsCodeLength: 8, maxAttempts: 3,
    pendingCredentialTtlSeconds: 120, totpAdjacentIntervals: 2, testPhoneNumbers: { '+15555550199': '654321' },
  };
  const want = {
    projectId: PROJECT, tenantId: 'tenant-new', oobCodeTtlSeconds: null,
    signIn: { allowDuplicateEmails: false }, emailPrivacyConfig: { enableImprovedEmailPrivacy: false }, ...patch,
    idTokenAlg: 'RS256',
  };
  assert.deepEqual(expectOk(await patchConfig(d.url, patch, { tenant: 'tenant-new' })), want);
  assert.deepEqual(expectOk(await getConfig(d.url, { tenant: 'tenant-new' })), want);

  const kept = expectOk(await patchConfig(d.url, { maxAttempts: 7 }, { tenant: 'tenant-new' }));
  assert.deepEqual(kept, { ...want, maxAttempts: 7 });
  const reset = expectOk(await patchConfig(d.url, { smsCodeLength: null, mfa: { totp: true } }, { tenant: 'tenant-new' }));
  assert.equal(reset.smsCodeLength, 6);
  assert.deepEqual(reset.mfa, { phone: true, totp: true });

  assert.ok(projectOf((await exportState(d.url)).json).tenants.some((t) => t.tenantId === 'tenant-new'));
  await loadFixtures(d.url, { users: [{ localId: 'newbie', tenantId: 'tenant-new', mfaInfo: [{ mfaEnrollmentId: 'newbie-phone', phoneInfo: '+15555550199' }] }] });
  const s = await startPhone(d.url, await mintCredential(d.url, PROJECT, 'newbie', 'tenant-new'), 'newbie-phone', { tenantId: 'tenant-new' });
  assert.equal(s.code, '654321');

  expectOk(await patchConfig(d.url, { maxAttempts: 2 }, { project: 'fresh-project' }));
  assert.equal(expectOk(await getConfig(d.url, { project: 'fresh-project' })).maxAttempts, 2);
});

test('bad settings are 400 INVALID_ARGUMENT naming the member, and change nothing', async () => {
  const d = await fresh({ fixtures: [fixture()] });
  const before = expectOk(await getConfig(d.url));
  const cases = [
    [{ smsCodeLength: 9 }, 'smsCodeLength'],
    [{ smsCodeLength: 3 }, 'smsCodeLength'],
    [{ smsCodeLength: 6.5 }, 'smsCodeLength'],
    [{ totpAdjacentIntervals: 11 }, 'totpAdjacentIntervals'],
    [{ totpAdjacentIntervals: -1 }, 'totpAdjacentIntervals'],
    [{ maxAttempts: 0 }, 'maxAttempts'],
    [{ smsCodeTtlSeconds: 'ten' }, 'smsCodeTtlSeconds'],
    [{ pendingCredentialTtlSeconds: 0 }, 'pendingCredentialTtlSeconds'],
    [{ mfa: { phone: 'yes' } }, 'phone'],
    [{ mfa: true }, 'mfa'],
    [{ testPhoneNumbers: { 5550100: '123456' } }, 'testPhoneNumbers'],
    [{ testPhoneNumbers: { '+15555550100': '12' } }, 'testPhoneNumbers'],
    [{ maxAttempts: 2, smsCodeLength: 99 }, 'smsCodeLength'],
  ];
  for (const [body, member] of cases) {
    const res = await patchConfig(d.url, body);
    assert.equal(res.status, 400, `${JSON.stringify(body)} → ${res.status} ${res.text}`);
    const msg = expectError(res, 400, 'INVALID_ARGUMENT');
    assert.ok(msg.includes(member), `${JSON.stringify(body)}: message does not name ${member}: ${msg}`);
  }
  assert.deepEqual(expectOk(await getConfig(d.url)), before);
});

test('smsCodeLength sets the length of the codes sent, per realm', async () => {
  const d = await fresh({ fixtures: [fixture()] });
  expectOk(await patchConfig(d.url, { smsCodeLength: 8 }));
  expectOk(await patchConfig(d.url, { smsCodeLength: 4 }, { tenant: 'tenant-a' }));
  const s = await startPhone(d.url, 'cred-alice', 'alice-phone');
  assert.match(s.code, /^\d{8}$/);
  const e = await startPhone(d.url, 'cred-erin', 'erin-phone', { tenantId: 'tenant-a' });
  assert.match(e.code, /^\d{4}$/);
  expectOk(await finalize(d.url, { mfaPendingCredential: 'cred-alice', phoneVerificationInfo: { sessionInfo: s.sessionInfo, code: s.code } }));
  expectOk(await finalize(d.url, { tenantId: 'tenant-a', mfaPendingCredential: 'cred-erin', phoneVerificationInfo: { sessionInfo: e.sessionInfo, code: e.code } }));
});

test('maxAttempts 2: the SMS session dies after two wrong codes', async () => {
  const d = await fresh({ fixtures: [fixture()] });
  expectOk(await patchConfig(d.url, { maxAttempts: 2 }));
  const s = await startPhone(d.url, 'cred-alice', 'alice-phone');
  const body = (code) => ({ mfaPendingCredential: 'cred-alice', phoneVerificationInfo: { sessionInfo: s.sessionInfo, code } });
  expectError(await finalize(d.url, body(wrongCode(s.code))), 400, 'INVALID_CODE');
  expectError(await finalize(d.url, body(wrongCode(s.code))), 400, 'INVALID_CODE');
  expectError(await finalize(d.url, body(s.code)), 400, 'TOO_MANY_ATTEMPTS_TRY_LATER');
});

test('smsCodeTtlSeconds 10: a code is good at 9 s and expired at 11 s of emulator clock', async () => {
  const d = await fresh({ fixtures: [fixture()] });
  expectOk(await patchConfig(d.url, { smsCodeTtlSeconds: 10 }));
  const a = await startPhone(d.url, 'cred-alice', 'alice-phone');
  const c = await startPhone(d.url, 'cred-carol', 'carol-phone');
  await advanceClock(d.url, 9);
  expectOk(await finalize(d.url, { mfaPendingCredential: 'cred-alice', phoneVerificationInfo: { sessionInfo: a.sessionInfo, code: a.code } }));
  await advanceClock(d.url, 2);
  expectError(await finalize(d.url, { mfaPendingCredential: 'cred-carol', phoneVerificationInfo: { sessionInfo: c.sessionInfo, code: c.code } }), 400, 'SESSION_EXPIRED');
});

// The pruner runs every second on the emulator's clock. A canary row that
// must go on that clock tells the test a prune ran after an advance: poll
// for it (bounded) instead of sleeping and hoping.
async function until(pred, ms = 5000) {
  const end = Date.now() + ms;
  while (!(await pred())) {
    if (Date.now() > end) return false;
    await sleep(50);
  }
  return true;
}

test('smsCodeTtlSeconds 3600: the pruner keeps the code in verificationCodes past the daemon-wide --sms-code-ttl, and it finalizes', async () => {
  const d = await fresh({ fixtures: [fixture()], args: ['--sms-code-ttl', '300'] });
  expectOk(await patchConfig(d.url, { smsCodeTtlSeconds: 3600 }));
  // The canary: tenant-a's codes live 1 s, so theirs is pruned 301 s on.
  expectOk(await patchConfig(d.url, { smsCodeTtlSeconds: 1 }, { tenant: 'tenant-a' }));
  const a = await startPhone(d.url, 'cred-alice', 'alice-phone');
  await startPhone(d.url, 'cred-erin', 'erin-phone', { tenantId: 'tenant-a' });
  await advanceClock(d.url, 400);
  assert.ok(await until(async () => (await readCodes(d.url, PROJECT, 'tenant-a')).length === 0),
    'the pruner did not run within 5 s of advancing the clock');
  assert.deepEqual(await readCodes(d.url), [{ phoneNumber: '+15555550101', code: a.code, sessionInfo: a.sessionInfo }]);
  expectOk(await finalize(d.url, { mfaPendingCredential: 'cred-alice', phoneVerificationInfo: { sessionInfo: a.sessionInfo, code: a.code } }));
});

test('pendingCredentialTtlSeconds applies to credentials minted after the change', async () => {
  const d = await fresh({ fixtures: [fixture()] });
  const old = await mintCredential(d.url, PROJECT, 'alice');
  expectOk(await patchConfig(d.url, { pendingCredentialTtlSeconds: 60 }));
  const now = await serverNow(d.url);
  const minted = expectOk(await mint(d.url, { localId: 'alice' }));
  assert.ok(Math.abs(Date.parse(minted.expireTime) - (now + 60_000)) < 2000, JSON.stringify(minted));
  const pw = expectOk(await signInWithPassword(d.url, 'alice@example.com', 'alice-password')).mfaPendingCredential;
  await advanceClock(d.url, 61);
  for (const cred of [minted.mfaPendingCredential, pw]) {
    expectError(await start(d.url, { mfaPendingCredential: cred, mfaEnrollmentId: 'alice-phone' }), 400, 'INVALID_MFA_PENDING_CREDENTIAL');
  }
  expectOk(await start(d.url, { mfaPendingCredential: old, mfaEnrollmentId: 'alice-phone' }));
});

test('totpAdjacentIntervals 0 rejects the previous step; 3 accepts a code three steps back but not four', async () => {
  const d = await fresh({ fixtures: [fixture()] });
  const b = TOTP.bob;
  const fin = async (nowMs) => finalize(d.url, {
    mfaPendingCredential: await mintCredential(d.url, PROJECT, 'bob'), mfaEnrollmentId: b.enrollmentId,
    totpVerificationInfo: { verificationCode: totp(b.secret, { ...b, nowMs }) },
  });
  expectOk(await patchConfig(d.url, { totpAdjacentIntervals: 0 }));
  let now = await freshTotpStep(d.url, b.period);
  expectError(await fin(now - 30_000), 400, 'INVALID_CODE');
  expectOk(await fin(now));

  expectOk(await patchConfig(d.url, { totpAdjacentIntervals: 3 }));
  now = await freshTotpStep(d.url, b.period);
  now = await freshTotpStep(d.url, b.period);
  expectError(await fin(now - 120_000), 400, 'INVALID_CODE');
  expectOk(await fin(now - 90_000));
});

test('periodSec 300 and totpAdjacentIntervals 6: a used code stays used past an hour while the window still accepts its step', async () => {
  const pat = { enrollmentId: 'pat-totp', secret: SECRET_SHA1, algorithm: 'SHA1', digits: 6, period: 300 };
  const d = await fresh({ fixtures: [fixture({ extraUsers: [totpUser('pat', pat)] })] });
  expectOk(await patchConfig(d.url, { totpAdjacentIntervals: 6 }));
  const now = await freshTotpStep(d.url, pat.period);
  // The code of step n + 6, used 3 s into step n: the window accepts it
  // until step n + 12 ends, 65 minutes on.
  const code = totp(pat.secret, { ...pat, nowMs: now + 6 * 300_000 });
  const fin = async () => finalize(d.url, {
    mfaPendingCredential: await mintCredential(d.url, PROJECT, 'pat'), mfaEnrollmentId: pat.enrollmentId,
    totpVerificationInfo: { verificationCode: code },
  });
  expectOk(await fin());
  // The canary: a code of the daemon's 300 s TTL, pruned 600 s on.
  await startPhone(d.url, 'cred-alice', 'alice-phone');
  await advanceClock(d.url, 3700);
  assert.ok(await until(async () => (await readCodes(d.url)).length === 0),
    'the pruner did not run within 5 s of advancing the clock');
  const msg = expectError(await fin(), 400, 'INVALID_CODE');
  assert.match(msg, /already been used/);
});

test('mfa.totp false refuses TOTP finalize and mfa.phone false refuses start, with OPERATION_NOT_ALLOWED', async () => {
  const d = await fresh({ fixtures: [fixture()] });
  expectOk(await patchConfig(d.url, { mfa: { totp: false } }));
  const now = await freshTotpStep(d.url);
  expectError(await finalize(d.url, {
    mfaPendingCredential: 'cred-bob', mfaEnrollmentId: 'bob-totp',
    totpVerificationInfo: { verificationCode: totp(TOTP.bob.secret, { ...TOTP.bob, nowMs: now }) },
  }), 400, 'OPERATION_NOT_ALLOWED');
  expectOk(await start(d.url, ALICE_START));
  expectOk(await patchConfig(d.url, { mfa: { phone: false, totp: true } }));
  expectError(await start(d.url, { mfaPendingCredential: 'cred-carol', mfaEnrollmentId: 'carol-phone' }), 400, 'OPERATION_NOT_ALLOWED');
});

test('testPhoneNumbers replaces the realm\'s fixed codes', async () => {
  const d = await fresh({ fixtures: [fixture()] });
  const cfg = expectOk(await patchConfig(d.url, { testPhoneNumbers: { '+15555550101': '654321' } }));
  assert.deepEqual(cfg.testPhoneNumbers, { '+15555550101': '654321' });
  assert.equal((await startPhone(d.url, 'cred-alice', 'alice-phone')).code, '654321');
  // Carol's number is no longer a test number.
  const codes = new Set();
  for (let i = 0; i < 3; i++) codes.add((await startPhone(d.url, 'cred-carol', 'carol-phone')).code);
  assert.ok([...codes].some((c) => c !== '123456'), `carol still gets 123456: ${[...codes]}`);
  assert.deepEqual(expectOk(await patchConfig(d.url, { testPhoneNumbers: {} })).testPhoneNumbers, {});
});

// ------------------------------------------------------------------- mint

test('minting a pending credential: the shape, tenant users, expiresIn, and USER_NOT_FOUND', async () => {
  const d = await fresh({ fixtures: [fixture()] });
  const now = await serverNow(d.url);
  const a = expectOk(await mint(d.url, { localId: 'alice' }));
  assert.deepEqual(Object.keys(a).sort(), ['expireTime', 'localId', 'mfaPendingCredential']);
  assert.equal(a.localId, 'alice');
  assert.ok(Math.abs(Date.parse(a.expireTime) - (now + 600_000)) < 2000, JSON.stringify(a));
  await phoneSignIn(d.url, a.mfaPendingCredential, 'alice-phone');

  const e = expectOk(await mint(d.url, { localId: 'erin', tenantId: 'tenant-a', expiresIn: 120 }));
  assert.equal(e.tenantId, 'tenant-a');
  assert.ok(Math.abs(Date.parse(e.expireTime) - (now + 120_000)) < 2000, JSON.stringify(e));
  await phoneSignIn(d.url, e.mfaPendingCredential, 'erin-phone', { tenantId: 'tenant-a' });

  expectError(await mint(d.url, { localId: 'nobody' }), 400, 'USER_NOT_FOUND');
  expectError(await mint(d.url, { localId: 'erin' }), 400, 'USER_NOT_FOUND');
  expectError(await mint(d.url, {}), 400, 'INVALID_ARGUMENT');
  expectError(await mint(d.url, { localId: 'alice', expiresIn: -1 }), 400, 'INVALID_ARGUMENT');
});

// ----------------------------------------------------------------- outbox

test('GET verificationCodes filters by ?phoneNumber= and ?since=', async () => {
  const d = await fresh({ fixtures: [fixture()] });
  const a = await startPhone(d.url, 'cred-alice', 'alice-phone');
  await advanceClock(d.url, 5);
  const since = (await getClock(d.url)).now;
  await advanceClock(d.url, 1);
  const c = await startPhone(d.url, 'cred-carol', 'carol-phone');
  const a2 = await startPhone(d.url, await mintCredential(d.url, PROJECT, 'alice'), 'alice-phone');
  const base = `${realmPath()}/verificationCodes`;

  const byPhone = expectOk(await control(d.url, 'GET', `${base}?phoneNumber=${encodeURIComponent('+15555550101')}`)).verificationCodes;
  assert.deepEqual(byPhone.map((x) => x.sessionInfo), [a.sessionInfo, a2.sessionInfo]);
  const bySince = expectOk(await control(d.url, 'GET', `${base}?since=${encodeURIComponent(since)}`)).verificationCodes;
  assert.deepEqual(bySince.map((x) => x.sessionInfo), [c.sessionInfo, a2.sessionInfo]);
  const both = expectOk(await control(d.url, 'GET', `${base}?phoneNumber=${encodeURIComponent('+15555550101')}&since=${encodeURIComponent(since)}`)).verificationCodes;
  assert.deepEqual(both.map((x) => x.sessionInfo), [a2.sessionInfo]);
  assert.deepEqual(both[0], { phoneNumber: '+15555550101', code: a2.code, sessionInfo: a2.sessionInfo });
  expectError(await control(d.url, 'GET', `${base}?since=yesterday`), 400, 'INVALID_ARGUMENT');
});

test('DELETE verificationCodes empties that realm\'s outbox only, and sessions still finalize', async () => {
  const d = await fresh({ fixtures: [fixture()] });
  const a = await startPhone(d.url, 'cred-alice', 'alice-phone');
  await startPhone(d.url, 'cred-erin', 'erin-phone', { tenantId: 'tenant-a' });
  assert.deepEqual(expectOk(await control(d.url, 'DELETE', `${realmPath()}/verificationCodes`)), {});
  assert.deepEqual(await readCodes(d.url), []);
  assert.equal((await readCodes(d.url, PROJECT, 'tenant-a')).length, 1);
  expectOk(await finalize(d.url, { mfaPendingCredential: 'cred-alice', phoneVerificationInfo: { sessionInfo: a.sessionInfo, code: a.code } }));
  expectOk(await control(d.url, 'DELETE', `${realmPath(PROJECT, 'tenant-a')}/verificationCodes`));
  assert.deepEqual(await readCodes(d.url, PROJECT, 'tenant-a'), []);
});

// ----------------------------------------------------------------- events

test('events record API requests (not /emulator ones) with route, status, CODE, user and enrollment', async () => {
  const d = await fresh({ fixtures: [fixture()] });
  const s = await startPhone(d.url, 'cred-alice', 'alice-phone');
  // A wrong code as SDKs send it: no mfaEnrollmentId in the request.
  expectError(await finalize(d.url, {
    mfaPendingCredential: 'cred-alice', phoneVerificationInfo: { sessionInfo: s.sessionInfo, code: wrongCode(s.code) },
  }), 400, 'INVALID_CODE');
  const lost = await call(d.url, '/v2/accounts/noSuchMethod', {});
  assert.equal(lost.status, 404);
  await getClock(d.url);
  await call(d.url, '/', undefined, { method: 'GET', key: null });

  const events = await listEvents(d.url);
  assert.ok(events.every((e) => !e.path.startsWith('/emulator/') && e.path !== '/'), JSON.stringify(events));
  assert.equal(events.length, 3, JSON.stringify(events));
  const [st, fin, nf] = events;
  assert.ok(st.seq < fin.seq && fin.seq < nf.seq, JSON.stringify(events));
  for (const e of events) {
    assert.equal(e.method, 'POST');
    assert.ok(!Number.isNaN(Date.parse(e.time)), JSON.stringify(e));
  }
  assert.equal(st.route, 'accounts.mfaSignIn.start');
  assert.equal(st.status, 200);
  assert.ok(!('code' in st), JSON.stringify(st));
  assert.equal(st.localId, 'alice');
  assert.equal(st.mfaEnrollmentId, 'alice-phone');
  assert.match(st.path, /^\/v2\/accounts\/mfaSignIn:start/);

  assert.equal(nf.status, 404);
  assert.equal(nf.code, 'NOT_FOUND');
  assert.match(nf.path, /^\/v2\/accounts\/noSuchMethod/);

  assert.equal(fin.route, 'accounts.mfaSignIn.finalize');
  assert.equal(fin.status, 400);
  assert.equal(fin.code, 'INVALID_CODE');
  assert.equal(fin.localId, 'alice', JSON.stringify(fin));
  assert.equal(fin.mfaEnrollmentId, 'alice-phone', `a failed phone finalize does not name its enrollment: ${JSON.stringify(fin)}`);
});

test('a failed TOTP finalize records INVALID_CODE with localId, tenantId and mfaEnrollmentId', async () => {
  const d = await fresh({ fixtures: [fixture({ extraUsers: [totpUser('tess', TOTP.bob, { tenantId: 'tenant-a' })], extraCredentials: [{ mfaPendingCredential: 'cred-tess', localId: 'tess', tenantId: 'tenant-a' }] })] });
  const now = await serverNow(d.url);
  expectError(await finalize(d.url, {
    tenantId: 'tenant-a', mfaPendingCredential: 'cred-tess', mfaEnrollmentId: 'tess-totp',
    totpVerificationInfo: { verificationCode: wrongTotp(TOTP.bob.secret, { ...TOTP.bob, nowMs: now }) },
  }), 400, 'INVALID_CODE');
  const [e] = await listEvents(d.url);
  assert.equal(e.code, 'INVALID_CODE', JSON.stringify(e));
  assert.equal(e.localId, 'tess');
  assert.equal(e.tenantId, 'tenant-a');
  assert.equal(e.mfaEnrollmentId, 'tess-totp');
});

test('events: ?limit=N gives the newest N, ?after=SEQ the ones after it, DELETE clears', async () => {
  const d = await fresh({ fixtures: [fixture()] });
  for (let i = 0; i < 5; i++) await call(d.url, '/v2/recaptchaConfig', undefined, { method: 'GET' });
  const all = await listEvents(d.url);
  assert.equal(all.length, 5);
  const last2 = await listEvents(d.url, 'limit=2');
  assert.deepEqual(last2.map((e) => e.seq), all.slice(3).map((e) => e.seq));
  const after = await listEvents(d.url, `after=${all[1].seq}`);
  assert.deepEqual(after.map((e) => e.seq), all.slice(2).map((e) => e.seq));
  assert.deepEqual(await listEvents(d.url, `after=${all[1].seq}&limit=1`), [all[4]]);
  expectError(await control(d.url, 'GET', '/events?limit=-1'), 400, 'INVALID_ARGUMENT');

  assert.deepEqual(expectOk(await control(d.url, 'DELETE', '/events')), {});
  assert.deepEqual(await listEvents(d.url), []);
  await signInWithPassword(d.url, 'bob@example.com', 'bob-password');
  const fresh1 = await listEvents(d.url);
  assert.equal(fresh1.length, 1);
  assert.equal(fresh1[0].route, 'accounts.signInWithPassword');
  assert.equal(fresh1[0].localId, 'bob');
  assert.ok(fresh1[0].seq > all[4].seq, 'seq went backwards after a clear');
});

// ---------------------------------------------------------- control token

test('--control-token: /emulator/v1 needs the bearer token (401 with WWW-Authenticate otherwise); GET / stays open', async () => {
  const T = 'ctl-secret-1';
  const d = await fresh({ fixtures: [fixture()], args: ['--control-token', T] });
  const guarded = [
    ['GET', '/clock'], ['POST', '/clock', { advanceSeconds: 1 }], ['GET', '/faults'], ['GET', '/events'],
    ['GET', '/export'], ['DELETE', '/state'], ['POST', '/fixtures', { users: [] }],
    ['GET', `${realmPath()}/verificationCodes`], ['POST', MINT, { localId: 'alice' }], ['GET', `${realmPath()}/config`],
  ];
  for (const [method, p, body] of guarded) {
    for (const token of [undefined, 'wrong', 'owner']) {
      const res = await control(d.url, method, p, body, { token });
      assert.equal(res.status, 401, `${method} ${p} with ${token}: ${res.status} ${res.text}`);
      expectError(res, 401, 'UNAUTHENTICATED', { googleStatus: 'UNAUTHENTICATED' });
      assert.match(res.headers.get('www-authenticate') ?? '', /^Bearer/, `${method} ${p}`);
    }
  }
  // Nothing happened: alice is still there.
  const cred = expectOk(await control(d.url, 'POST', MINT, { localId: 'alice' }, { token: T })).mfaPendingCredential;
  expectOk(await control(d.url, 'GET', '/clock', undefined, { token: T }));
  expectOk(await control(d.url, 'GET', `${realmPath()}/verificationCodes`, undefined, { token: T }));
  expectOk(await call(d.url, '/', undefined, { method: 'GET', key: null }));

  // Identity Toolkit routes are not guarded, and "Bearer owner" still stands in for ?key=.
  const st = await call(d.url, START, { mfaPendingCredential: cred, mfaEnrollmentId: 'alice-phone' }, { key: null, headers: { authorization: 'Bearer owner' } });
  expectOk(st);
  const denied = await call(d.url, START, { mfaPendingCredential: cred, mfaEnrollmentId: 'alice-phone' }, { key: null });
  assert.equal(denied.status, 403, denied.text);
  assert.equal(denied.json.error.status, 'PERMISSION_DENIED', denied.text);
  expectOk(await start(d.url, { mfaPendingCredential: cred, mfaEnrollmentId: 'alice-phone' }));
});

test('without --control-token the control plane is open to any caller', async () => {
  const d = await fresh({ fixtures: [fixture()] });
  expectOk(await control(d.url, 'GET', '/faults'));
  expectOk(await control(d.url, 'GET', '/faults', undefined, { token: 'anything' }));
  expectOk(await control(d.url, 'POST', MINT, { localId: 'alice' }, { token: 'anything' }));
});

// ------------------------------------------------------------ concurrency

test('200 parallel sign-ins while fixtures load and exports run: every flow succeeds and the store stays consistent', async () => {
  const N = 200;
  const flowUsers = Array.from({ length: N }, (_, i) => (i % 2 === 0
    ? phoneUser(`flow-${i}`, `+1555700${String(i).padStart(4, '0')}`)
    : totpUser(`flow-${i}`, TOTP.bob)));
  for (const u of flowUsers) delete u.password; // hashing is not what this test measures
  const d = await fresh({ fixtures: [fixture({ extraUsers: flowUsers })], args: ['--threads', '4'] });
  const now = await freshTotpStep(d.url);
  const code = totp(TOTP.bob.secret, { ...TOTP.bob, nowMs: now });

  async function flow(i) {
    const cred = await mintCredential(d.url, PROJECT, `flow-${i}`);
    if (i % 2 === 0) {
      const st = expectOk(await start(d.url, { mfaPendingCredential: cred, mfaEnrollmentId: `flow-${i}-phone` }));
      const sessionInfo = st.phoneResponseInfo.sessionInfo;
      const phone = `+1555700${String(i).padStart(4, '0')}`;
      const list = expectOk(await control(d.url, 'GET', `${realmPath()}/verificationCodes?phoneNumber=${encodeURIComponent(phone)}`)).verificationCodes;
      const entry = list.find((c) => c.sessionInfo === sessionInfo);
      assert.ok(entry, `no code for ${phone}`);
      expectOk(await finalize(d.url, { mfaPendingCredential: cred, phoneVerificationInfo: { sessionInfo, code: entry.code } }));
    } else {
      expectOk(await finalize(d.url, {
        mfaPendingCredential: cred, mfaEnrollmentId: `flow-${i}-totp`, totpVerificationInfo: { verificationCode: code },
      }));
    }
    return cred;
  }

  const LOADS = 10;
  const PER_LOAD = 20;
  const loads = Array.from({ length: LOADS }, async (_, k) => loadFixtures(d.url, {
    users: Array.from({ length: PER_LOAD }, (_, j) => ({
      localId: `bulk-${k}-${j}`, email: `bulk-${k}-${j}@example.com`,
      mfaInfo: [{ mfaEnrollmentId: `bulk-${k}-${j}-phone`, phoneInfo: `+1555800${String(k * PER_LOAD + j).padStart(4, '0')}` }],
    })),
  }));
  const exports = Array.from({ length: 10 }, () => exportState(d.url, { credentials: true }));
  const [flows, loaded, exported] = await Promise.all([
    Promise.allSettled(Array.from({ length: N }, (_, i) => flow(i))),
    Promise.all(loads),
    Promise.all(exports),
  ]);
  const failures = flows.filter((r) => r.status === 'rejected');
  assert.equal(failures.length, 0, failures.slice(0, 3).map((f) => f.reason?.message).join('\n---\n'));
  for (const c of loaded) assert.equal(c.users, PER_LOAD, JSON.stringify(c));
  assert.equal(exported.length, 10);

  const p = projectOf((await exportState(d.url, { credentials: true })).json);
  const ids = p.users.map((u) => u.localId);
  assert.equal(new Set(ids).size, ids.length, 'a user is listed twice');
  const want = [...fixture().users.map((u) => u.localId), ...flowUsers.map((u) => u.localId)];
  for (let k = 0; k < LOADS; k++) for (let j = 0; j < PER_LOAD; j++) want.push(`bulk-${k}-${j}`);
  assert.deepEqual([...ids].sort(), want.sort());
  const creds = new Map(p.pendingCredentials.map((c) => [c.mfaPendingCredential, c]));
  for (const r of flows) {
    const c = creds.get(r.value);
    assert.ok(c, `credential ${r.value} missing from the export`);
    assert.ok(c.usedTime, `credential of a successful finalize is not used: ${JSON.stringify(c)}`);
  }
});
