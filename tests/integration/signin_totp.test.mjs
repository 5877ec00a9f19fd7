// TOTP second-factor sign-in: RFC 6238 codes against the emulator's clock,
// the ±1 step window, replay protection and the attempt limit.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  PROJECT, DEMO_FIXTURES, GOOGLE_PREFIX, FINALIZE, TOTP,
  useDaemon, call, start, finalize, expectOk, expectError,
  advanceClock, getClock, serverNow, mintCredential, freshTotpStep,
  totp, wrongTotp, verifyIdToken, checkMfaClaims, fixture,
} from './harness.mjs';

const d = useDaemon({ fixtures: [fixture()] });         // default scenario
const demo = useDaemon({ fixtures: [DEMO_FIXTURES] });  // fixtures/demo.json

const bob = TOTP.bob;

function codeAt(user, nowMs) {
  return totp(user.secret, { algorithm: user.algorithm, digits: user.digits, period: user.period, nowMs });
}

function totpBody(cred, enrollmentId, verificationCode) {
  return { mfaPendingCredential: cred, mfaEnrollmentId: enrollmentId, totpVerificationInfo: { verificationCode } };
}

test('the emulator clock reports nowMillis, offsetMillis and an RFC 3339 now, and advanceClock moves it forward', async () => {
  const before1 = await getClock(d.url);
  for (const k of ['now', 'nowMillis', 'offsetMillis']) assert.ok(k in before1, `${k} missing: ${JSON.stringify(before1)}`);
  assert.equal(typeof before1.now, 'string');
  assert.ok(Number.isInteger(before1.nowMillis));
  assert.ok(Number.isInteger(before1.offsetMillis));
  assert.ok(Math.abs(Date.parse(before1.now) - before1.nowMillis) < 1000, JSON.stringify(before1));
  const moved = await advanceClock(d.url, 100);
  assert.equal(moved.offsetMillis, before1.offsetMillis + 100_000, JSON.stringify(moved));
  const delta = moved.nowMillis - before1.nowMillis;
  assert.ok(delta >= 100_000 && delta < 105_000, `clock moved by ${delta} ms`);
});

test('TOTP sign-in with the current code returns a verifiable ID token with the totp second factor', async () => {
  const now = await freshTotpStep(d.url, bob.period);
  const cred = await mintCredential(d.url, PROJECT, 'bob');
  const res = await finalize(d.url, totpBody(cred, 'bob-totp', codeAt(bob, now)));
  const out = expectOk(res);
  assert.deepEqual(Object.keys(out).sort(), ['idToken', 'refreshToken'], res.text);
  assert.equal(typeof out.refreshToken, 'string');
  assert.ok(out.refreshToken.length > 0);
  const claims = await verifyIdToken(d.url, out.idToken, PROJECT);
  checkMfaClaims(claims, {
    localId: 'bob', email: 'bob@example.com', factor: 'totp', enrollmentId: 'bob-totp', nowMs: now,
  });
});

test('TOTP finalize works under the /identitytoolkit.googleapis.com prefix', async () => {
  const now = await freshTotpStep(d.url, bob.period);
  const cred = await mintCredential(d.url, PROJECT, 'bob');
  const res = await call(d.url, GOOGLE_PREFIX + FINALIZE, totpBody(cred, 'bob-totp', codeAt(bob, now)));
  await verifyIdToken(d.url, expectOk(res).idToken, PROJECT);
});

test('a TOTP code from the previous step (now - 30 s) is accepted', async () => {
  const now = await freshTotpStep(d.url, bob.period);
  const cred = await mintCredential(d.url, PROJECT, 'bob');
  expectOk(await finalize(d.url, totpBody(cred, 'bob-totp', codeAt(bob, now - 30_000))));
});

test('a TOTP code from the next step (now + 30 s) is accepted', async () => {
  const now = await freshTotpStep(d.url, bob.period);
  const cred = await mintCredential(d.url, PROJECT, 'bob');
  expectOk(await finalize(d.url, totpBody(cred, 'bob-totp', codeAt(bob, now + 30_000))));
});

test('a TOTP code two steps old (now - 60 s) is INVALID_CODE', async () => {
  const now = await freshTotpStep(d.url, bob.period);
  const cred = await mintCredential(d.url, PROJECT, 'bob');
  const old = codeAt(bob, now - 60_000);
  assert.notEqual(old, codeAt(bob, now));
  expectError(await finalize(d.url, totpBody(cred, 'bob-totp', old)), 400, 'INVALID_CODE');
});

test('a TOTP code two steps ahead (now + 60 s) is INVALID_CODE', async () => {
  const now = await freshTotpStep(d.url, bob.period);
  const cred = await mintCredential(d.url, PROJECT, 'bob');
  const ahead = codeAt(bob, now + 60_000);
  assert.notEqual(ahead, codeAt(bob, now));
  expectError(await finalize(d.url, totpBody(cred, 'bob-totp', ahead)), 400, 'INVALID_CODE');
});

test('an HMAC-SHA256 8-digit TOTP enrollment signs in with its own algorithm and length', async () => {
  const carol = TOTP.carol;
  const now = await freshTotpStep(d.url, carol.period);
  const cred = await mintCredential(d.url, PROJECT, 'carol');
  const code = codeAt(carol, now);
  assert.equal(code.length, 8);
  const out = expectOk(await finalize(d.url, totpBody(cred, 'carol-totp', code)));
  const claims = await verifyIdToken(d.url, out.idToken, PROJECT);
  checkMfaClaims(claims, { localId: 'carol', email: 'carol@example.com', factor: 'totp', enrollmentId: 'carol-totp' });
});

test('an HMAC-SHA1 code is INVALID_CODE for an HMAC-SHA256 enrollment', async () => {
  const carol = TOTP.carol;
  const now = await freshTotpStep(d.url, carol.period);
  const cred = await mintCredential(d.url, PROJECT, 'carol');
  const sha1 = totp(carol.secret, { algorithm: 'SHA1', digits: 8, period: 30, nowMs: now });
  assert.notEqual(sha1, codeAt(carol, now));
  expectError(await finalize(d.url, totpBody(cred, 'carol-totp', sha1)), 400, 'INVALID_CODE');
});

test('an HMAC-SHA512 7-digit enrollment with a 60 s period accepts a code one 60 s step old', async () => {
  const tina = TOTP.tina;
  const now = await freshTotpStep(d.url, tina.period);
  const cred = await mintCredential(d.url, PROJECT, 'tina');
  const code = codeAt(tina, now - 60_000);
  assert.equal(code.length, 7);
  const out = expectOk(await finalize(d.url, totpBody(cred, 'tina-totp', code)));
  const claims = await verifyIdToken(d.url, out.idToken, PROJECT);
  checkMfaClaims(claims, { localId: 'tina', email: 'tina@example.com', factor: 'totp', enrollmentId: 'tina-totp' });
});

test('a 60 s period enrollment rejects a code two 60 s steps old', async () => {
  const tina = TOTP.tina;
  const now = await freshTotpStep(d.url, tina.period);
  const cred = await mintCredential(d.url, PROJECT, 'tina');
  expectError(await finalize(d.url, totpBody(cred, 'tina-totp', codeAt(tina, now - 120_000))), 400, 'INVALID_CODE');
});

test('a TOTP code already accepted is rejected when replayed with a new credential: INVALID_CODE', async () => {
  const now = await freshTotpStep(d.url, bob.period);
  const code = codeAt(bob, now);
  const cred1 = await mintCredential(d.url, PROJECT, 'bob');
  expectOk(await finalize(d.url, totpBody(cred1, 'bob-totp', code)));
  const cred2 = await mintCredential(d.url, PROJECT, 'bob');
  expectError(await finalize(d.url, totpBody(cred2, 'bob-totp', code)), 400, 'INVALID_CODE');
});

test('a credential used for a TOTP sign-in cannot sign in again: INVALID_MFA_PENDING_CREDENTIAL', async () => {
  const now = await freshTotpStep(d.url, bob.period);
  const cred = await mintCredential(d.url, PROJECT, 'bob');
  expectOk(await finalize(d.url, totpBody(cred, 'bob-totp', codeAt(bob, now))));
  expectError(await finalize(d.url, totpBody(cred, 'bob-totp', codeAt(bob, now + 30_000))),
    400, 'INVALID_MFA_PENDING_CREDENTIAL');
});

test('four wrong TOTP codes are INVALID_CODE and the right code still signs in', async () => {
  const now = await freshTotpStep(d.url, bob.period);
  const cred = await mintCredential(d.url, PROJECT, 'bob');
  const bad = wrongTotp(bob.secret, { ...bob, nowMs: now });
  for (let i = 0; i < 4; i++) {
    expectError(await finalize(d.url, totpBody(cred, 'bob-totp', bad)), 400, 'INVALID_CODE');
  }
  expectOk(await finalize(d.url, totpBody(cred, 'bob-totp', codeAt(bob, now))));
});

test('after five wrong TOTP codes the credential is locked, even for the right code: TOO_MANY_ATTEMPTS_TRY_LATER', async () => {
  const now = await freshTotpStep(d.url, bob.period);
  const cred = await mintCredential(d.url, PROJECT, 'bob');
  const bad = wrongTotp(bob.secret, { ...bob, nowMs: now });
  for (let i = 0; i < 5; i++) {
    expectError(await finalize(d.url, totpBody(cred, 'bob-totp', bad)), 400, 'INVALID_CODE');
  }
  expectError(await finalize(d.url, totpBody(cred, 'bob-totp', codeAt(bob, now))), 400, 'TOO_MANY_ATTEMPTS_TRY_LATER');
  // The limit is the credential's: a new credential signs in with that code.
  const fresh = await mintCredential(d.url, PROJECT, 'bob');
  expectOk(await finalize(d.url, totpBody(fresh, 'bob-totp', codeAt(bob, now))));
});

test('mfaSignIn:start on a TOTP enrollment is INVALID_ARGUMENT pointing at totpVerificationInfo', async () => {
  const cred = await mintCredential(d.url, PROJECT, 'bob');
  const msg = expectError(await start(d.url, { mfaPendingCredential: cred, mfaEnrollmentId: 'bob-totp' }),
    400, 'INVALID_ARGUMENT');
  assert.match(msg, /^INVALID_ARGUMENT : .*totpVerificationInfo/);
});

// fixtures/demo.json

test('demo: bob signs in with a TOTP code computed from the secret in demo.json', async () => {
  const now = await serverNow(demo.url);
  const code = totp('6IJSVADRO4MSOAO2OZINRETRIPWDR6IH', { algorithm: 'SHA1', digits: 6, period: 30, nowMs: now });
  const out = expectOk(await finalize(demo.url, totpBody('demo-cred-bob', 'bob-totp', code)));
  const claims = await verifyIdToken(demo.url, out.idToken, 'demo-project');
  checkMfaClaims(claims, { localId: 'bob', email: 'bob@example.com', factor: 'totp', enrollmentId: 'bob-totp' });
});

test('demo: carol signs in with her HMAC-SHA256 8-digit TOTP', async () => {
  const now = await serverNow(demo.url);
  const code = totp('6IJSVADRO4MSOAO2OZINRETRIPWDR6IH', { algorithm: 'SHA256', digits: 8, period: 30, nowMs: now });
  const out = expectOk(await finalize(demo.url, totpBody('demo-cred-carol', 'carol-totp', code)));
  const claims = await verifyIdToken(demo.url, out.idToken, 'demo-project');
  checkMfaClaims(claims, { localId: 'carol', email: 'carol@example.com', factor: 'totp', enrollmentId: 'carol-totp' });
});
