// Races: a credential is consumed once under concurrent finalizes, attempt
// counters hold under concurrent wrong codes, TOTP replay protection holds
// under concurrent replays, many independent sign-ins run in parallel, and
// fault rules change while requests are in flight (under a ThreadSanitizer
// build, a data race there makes the daemon's exit code non-zero).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  PROJECT, TOTP,
  startDaemon, useDaemon, start, finalize, expectOk, expectError, errorCode, mintCredential,
  readCodes, startPhone, freshTotpStep, totp, wrongCode, verifyIdToken, fixture,
  control,
} from './harness.mjs';

const d = useDaemon({ fixtures: [fixture()] });

function tally(results) {
  const t = {};
  for (const r of results) {
    const k = r.status === 200 ? '200' : `${r.status} ${errorCode(r)}`;
    t[k] = (t[k] ?? 0) + 1;
  }
  return t;
}

test('32 concurrent finalizes with one credential, session and the right code yield exactly one ID token', async () => {
  const cred = await mintCredential(d.url, PROJECT, 'alice');
  const { sessionInfo, code } = await startPhone(d.url, cred, 'alice-phone');
  const body = { mfaPendingCredential: cred, phoneVerificationInfo: { sessionInfo, code } };
  const results = await Promise.all(Array.from({ length: 32 }, () => finalize(d.url, body)));
  const t = tally(results);
  const ok = results.filter((r) => r.status === 200);
  assert.equal(ok.length, 1, JSON.stringify(t));
  await verifyIdToken(d.url, ok[0].json.idToken, PROJECT);
  for (const r of results.filter((x) => x.status !== 200)) {
    expectError(r, 400, errorCode(r));
    assert.ok(['INVALID_MFA_PENDING_CREDENTIAL', 'INVALID_SESSION_INFO'].includes(errorCode(r)), JSON.stringify(t));
  }
});

test('32 concurrent TOTP finalizes with one credential yield exactly one ID token', async () => {
  const b = TOTP.bob;
  const now = await freshTotpStep(d.url, b.period);
  const cred = await mintCredential(d.url, PROJECT, 'bob');
  const body = {
    mfaPendingCredential: cred, mfaEnrollmentId: 'bob-totp',
    totpVerificationInfo: { verificationCode: totp(b.secret, { ...b, nowMs: now }) },
  };
  const results = await Promise.all(Array.from({ length: 32 }, () => finalize(d.url, body)));
  const t = tally(results);
  assert.equal(results.filter((r) => r.status === 200).length, 1, JSON.stringify(t));
  for (const r of results.filter((x) => x.status !== 200)) {
    expectError(r, 400, errorCode(r));
    assert.ok(['INVALID_MFA_PENDING_CREDENTIAL', 'INVALID_CODE'].includes(errorCode(r)), JSON.stringify(t));
  }
});

test('one TOTP code replayed concurrently with 16 different credentials is accepted exactly once', async () => {
  const b = TOTP.bob;
  const now = await freshTotpStep(d.url, b.period);
  const creds = await Promise.all(Array.from({ length: 16 }, () => mintCredential(d.url, PROJECT, 'bob')));
  const code = totp(b.secret, { ...b, nowMs: now });
  const results = await Promise.all(creds.map((cred) => finalize(d.url, {
    mfaPendingCredential: cred, mfaEnrollmentId: 'bob-totp', totpVerificationInfo: { verificationCode: code },
  })));
  const t = tally(results);
  assert.equal(results.filter((r) => r.status === 200).length, 1, JSON.stringify(t));
  for (const r of results.filter((x) => x.status !== 200)) expectError(r, 400, 'INVALID_CODE');
});

test('20 concurrent wrong SMS codes are each counted: exactly 5 are INVALID_CODE, the rest and the right code TOO_MANY_ATTEMPTS_TRY_LATER', async () => {
  const cred = await mintCredential(d.url, PROJECT, 'alice');
  const { sessionInfo, code } = await startPhone(d.url, cred, 'alice-phone');
  const bad = wrongCode(code);
  const results = await Promise.all(Array.from({ length: 20 }, () => finalize(d.url, {
    mfaPendingCredential: cred, phoneVerificationInfo: { sessionInfo, code: bad },
  })));
  const t = tally(results);
  for (const r of results) {
    expectError(r, 400, errorCode(r));
    assert.ok(['INVALID_CODE', 'TOO_MANY_ATTEMPTS_TRY_LATER'].includes(errorCode(r)), JSON.stringify(t));
  }
  assert.equal(results.filter((r) => errorCode(r) === 'INVALID_CODE').length, 5, JSON.stringify(t));
  expectError(await finalize(d.url, { mfaPendingCredential: cred, phoneVerificationInfo: { sessionInfo, code } }),
    400, 'TOO_MANY_ATTEMPTS_TRY_LATER');
});

test('50 independent phone sign-ins run in parallel and all succeed', async () => {
  const N = 50;
  const creds = await Promise.all(Array.from({ length: N }, () => mintCredential(d.url, PROJECT, 'alice')));
  assert.equal(new Set(creds).size, N, 'minted credentials are not distinct');
  const starts = await Promise.all(creds.map((cred) => start(d.url, { mfaPendingCredential: cred, mfaEnrollmentId: 'alice-phone' })));
  const sessions = starts.map((r) => expectOk(r).phoneResponseInfo.sessionInfo);
  assert.equal(new Set(sessions).size, N, 'sessionInfo values are not distinct');
  const outbox = new Map((await readCodes(d.url)).map((c) => [c.sessionInfo, c]));
  const results = await Promise.all(creds.map((cred, i) => {
    const entry = outbox.get(sessions[i]);
    assert.ok(entry, `no outbox entry for session ${i}`);
    assert.equal(entry.phoneNumber, '+15555550101');
    return finalize(d.url, { mfaPendingCredential: cred, phoneVerificationInfo: { sessionInfo: sessions[i], code: entry.code } });
  }));
  assert.deepEqual(tally(results), { 200: N });
  const refresh = new Set(results.map((r) => r.json.refreshToken));
  assert.equal(refresh.size, N, 'refresh tokens are not distinct');
  for (const r of results) {
    const claims = await verifyIdToken(d.url, r.json.idToken, PROJECT);
    assert.equal(claims.sub, 'alice');
  }
});

test('50 parallel sign-ins across different users, factors and tenants all succeed', async () => {
  const users = [
    { localId: 'alice', enrollmentId: 'alice-phone' },
    { localId: 'carol', enrollmentId: 'carol-phone' },
    { localId: 'erin', enrollmentId: 'erin-phone', tenantId: 'tenant-a' },
  ];
  const jobs = Array.from({ length: 50 }, (_, i) => users[i % users.length]);
  const results = await Promise.all(jobs.map(async (u) => {
    const cred = await mintCredential(d.url, PROJECT, u.localId, u.tenantId);
    const s = await startPhone(d.url, cred, u.enrollmentId, { tenantId: u.tenantId });
    const body = { mfaPendingCredential: cred, phoneVerificationInfo: { sessionInfo: s.sessionInfo, code: s.code } };
    if (u.tenantId) body.tenantId = u.tenantId;
    return { u, res: await finalize(d.url, body) };
  }));
  assert.deepEqual(tally(results.map((r) => r.res)), { 200: 50 });
  for (const { u, res } of results) {
    const claims = await verifyIdToken(d.url, res.json.idToken, PROJECT);
    assert.equal(claims.sub, u.localId);
    assert.equal(claims.firebase.second_factor_identifier, u.enrollmentId);
    if (u.tenantId) assert.equal(claims.firebase.tenant, u.tenantId);
  }
});

test('fault rules added and removed while starts run on other connections: each start gets its own answer or the rule\'s error, and the daemon exits cleanly', async () => {
  // Its own daemon, so that stop() checks the exit code right here.
  const own = await startDaemon({ fixtures: [fixture()] });
  const body = { mfaPendingCredential: 'no-such-credential', mfaEnrollmentId: 'alice-phone' };
  // The rule changes come on new connections, which an idle worker thread
  // accepts, while the starts keep theirs: so they meet on different
  // threads, where a data race can show under ThreadSanitizer.
  const closing = { headers: { connection: 'close' } };
  const rule = { route: 'accounts.mfaSignIn.start', error: 'QUOTA_EXCEEDED' };
  let writing = true;
  const writer = (async () => {
    try {
      for (let i = 0; i < 100; i++) {
        expectOk(await control(own.url, 'POST', '/faults', rule, closing));
        expectOk(await control(own.url, 'DELETE', '/faults', undefined, closing));
      }
    } finally {
      writing = false;
    }
  })();
  const readers = Array.from({ length: 4 }, async () => {
    const seen = [];
    while (writing) seen.push(errorCode(await start(own.url, body)));
    return seen;
  });
  const [, ...seen] = await Promise.all([writer, ...readers]);
  for (const code of seen.flat()) {
    assert.ok(['INVALID_MFA_PENDING_CREDENTIAL', 'QUOTA_EXCEEDED'].includes(code), code);
  }
  await own.stop();
});
