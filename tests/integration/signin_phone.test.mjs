// Phone (SMS) second-factor sign-in: mfaSignIn:start, the SMS outbox and
// log, mfaSignIn:finalize, sessions, attempts, proofs and the demo fixtures.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  PROJECT, DEMO_FIXTURES, GOOGLE_PREFIX, START, FINALIZE,
  useDaemon, call, start, finalize, expectOk, expectError,
  readCodes, codeFor, advanceClock, serverNow, mintCredential,
  startPhone, phoneSignIn, verifyIdToken, checkMfaClaims, fixture,
  wrongCode, waitForStdout,
} from './harness.mjs';

const d = useDaemon({ fixtures: [fixture()] });         // default scenario
const demo = useDaemon({ fixtures: [DEMO_FIXTURES] });  // fixtures/demo.json

const SESSION_RE = /^[A-Za-z0-9_-]{22,}$/;

test('phone sign-in: start sends a 6-digit code to the enrolled number and finalize returns a verifiable ID token', async () => {
  const cred = await mintCredential(d.url, PROJECT, 'alice');
  const res = await start(d.url, { mfaPendingCredential: cred, mfaEnrollmentId: 'alice-phone' });
  const body = expectOk(res);
  assert.deepEqual(Object.keys(body), ['phoneResponseInfo'], res.text);
  assert.deepEqual(Object.keys(body.phoneResponseInfo), ['sessionInfo'], res.text);
  const { sessionInfo } = body.phoneResponseInfo;
  assert.match(sessionInfo, SESSION_RE);

  const entry = await codeFor(d.url, sessionInfo);
  assert.equal(entry.phoneNumber, '+15555550101');
  assert.match(entry.code, /^\d{6}$/);

  const now = await serverNow(d.url);
  const fin = await finalize(d.url, {
    mfaPendingCredential: cred,
    phoneVerificationInfo: { sessionInfo, code: entry.code },
  });
  const out = expectOk(fin);
  assert.deepEqual(Object.keys(out).sort(), ['idToken', 'refreshToken'], fin.text);
  assert.equal(typeof out.refreshToken, 'string');
  assert.ok(out.refreshToken.length > 0);
  const claims = await verifyIdToken(d.url, out.idToken, PROJECT);
  checkMfaClaims(claims, {
    localId: 'alice', email: 'alice@example.com', emailVerified: true,
    factor: 'phone', enrollmentId: 'alice-phone', nowMs: now,
  });
});

test('the SMS code is logged on stdout together with the phone number', async () => {
  const cred = await mintCredential(d.url, PROJECT, 'alice');
  const { code } = await startPhone(d.url, cred, 'alice-phone');
  const seen = await waitForStdout(d, (out) => out.split('\n').some(
    (line) => line.includes('+15555550101') && line.includes(code)));
  assert.ok(seen, `no stdout line with +15555550101 and ${code}:\n${d.stdout()}`);
});

test('start under /identitytoolkit.googleapis.com and finalize under the same prefix sign in', async () => {
  const cred = await mintCredential(d.url, PROJECT, 'alice');
  const res = await call(d.url, GOOGLE_PREFIX + START, { mfaPendingCredential: cred, mfaEnrollmentId: 'alice-phone' });
  const { sessionInfo } = expectOk(res).phoneResponseInfo;
  const { code } = await codeFor(d.url, sessionInfo);
  const fin = await call(d.url, GOOGLE_PREFIX + FINALIZE, {
    mfaPendingCredential: cred, phoneVerificationInfo: { sessionInfo, code },
  });
  await verifyIdToken(d.url, expectOk(fin).idToken, PROJECT);
});

test('a session started under the Google prefix finalizes on the bare path', async () => {
  const cred = await mintCredential(d.url, PROJECT, 'alice');
  const { sessionInfo, code } = await startPhone(d.url, cred, 'alice-phone', { prefix: GOOGLE_PREFIX });
  const fin = await call(d.url, FINALIZE, { mfaPendingCredential: cred, phoneVerificationInfo: { sessionInfo, code } });
  await verifyIdToken(d.url, expectOk(fin).idToken, PROJECT);
});

test('a session started on the bare path finalizes under the Google prefix', async () => {
  const cred = await mintCredential(d.url, PROJECT, 'alice');
  const { sessionInfo, code } = await startPhone(d.url, cred, 'alice-phone');
  const fin = await call(d.url, GOOGLE_PREFIX + FINALIZE, { mfaPendingCredential: cred, phoneVerificationInfo: { sessionInfo, code } });
  await verifyIdToken(d.url, expectOk(fin).idToken, PROJECT);
});

test('a configured test phone number always gets its fixed code', async () => {
  const cred = await mintCredential(d.url, PROJECT, 'carol');
  const s = await startPhone(d.url, cred, 'carol-phone');
  assert.equal(s.phoneNumber, '+15555550100');
  assert.equal(s.code, '123456');
  const out = expectOk(await finalize(d.url, {
    mfaPendingCredential: cred, phoneVerificationInfo: { sessionInfo: s.sessionInfo, code: '123456' },
  }));
  const claims = await verifyIdToken(d.url, out.idToken, PROJECT);
  checkMfaClaims(claims, { localId: 'carol', email: 'carol@example.com', factor: 'phone', enrollmentId: 'carol-phone' });
});

test('every start creates a distinct session with its own outbox entry', async () => {
  const cred = await mintCredential(d.url, PROJECT, 'alice');
  const a = await startPhone(d.url, cred, 'alice-phone');
  const b = await startPhone(d.url, cred, 'alice-phone');
  assert.notEqual(a.sessionInfo, b.sessionInfo);
  assert.match(b.sessionInfo, SESSION_RE);
  const codes = await readCodes(d.url);
  for (const c of codes) {
    assert.deepEqual(Object.keys(c).sort(), ['code', 'phoneNumber', 'sessionInfo'], JSON.stringify(c));
  }
});

test('finalize with phoneNumber returns phoneAuthInfo, and its Android proof signs in a new credential without a code', async () => {
  const cred = await mintCredential(d.url, PROJECT, 'alice');
  const { sessionInfo, code } = await startPhone(d.url, cred, 'alice-phone');
  const now = await serverNow(d.url);
  const res = await finalize(d.url, {
    mfaPendingCredential: cred,
    phoneVerificationInfo: { sessionInfo, code, phoneNumber: '+15555550101' },
  });
  const out = expectOk(res);
  assert.deepEqual(Object.keys(out).sort(), ['idToken', 'phoneAuthInfo', 'refreshToken'], res.text);
  const info = out.phoneAuthInfo;
  assert.deepEqual(Object.keys(info).sort(), ['androidVerificationProof', 'androidVerificationProofExpireTime', 'phoneNumber'], res.text);
  assert.equal(info.phoneNumber, '+15555550101');
  assert.equal(typeof info.androidVerificationProof, 'string');
  assert.ok(info.androidVerificationProof.length >= 16, res.text);
  const expires = Date.parse(info.androidVerificationProofExpireTime);
  assert.ok(Number.isFinite(expires), `expire time is not RFC 3339: ${info.androidVerificationProofExpireTime}`);
  assert.ok(expires > now, `proof already expired: ${info.androidVerificationProofExpireTime}`);

  const cred2 = await mintCredential(d.url, PROJECT, 'alice');
  const res2 = await finalize(d.url, {
    mfaPendingCredential: cred2,
    phoneVerificationInfo: { androidVerificationProof: info.androidVerificationProof, phoneNumber: '+15555550101' },
  });
  const out2 = expectOk(res2);
  const claims = await verifyIdToken(d.url, out2.idToken, PROJECT);
  checkMfaClaims(claims, { localId: 'alice', email: 'alice@example.com', factor: 'phone', enrollmentId: 'alice-phone' });
});

test('a pending credential signs in once: finalize and start with it again are INVALID_MFA_PENDING_CREDENTIAL', async () => {
  const cred = await mintCredential(d.url, PROJECT, 'alice');
  const { sessionInfo, code } = await startPhone(d.url, cred, 'alice-phone');
  const body = { mfaPendingCredential: cred, phoneVerificationInfo: { sessionInfo, code } };
  expectOk(await finalize(d.url, body));
  expectError(await finalize(d.url, body), 400, 'INVALID_MFA_PENDING_CREDENTIAL');
  expectError(await start(d.url, { mfaPendingCredential: cred, mfaEnrollmentId: 'alice-phone' }), 400, 'INVALID_MFA_PENDING_CREDENTIAL');
});

test('a wrong SMS code is INVALID_CODE and the session survives four of them', async () => {
  const cred = await mintCredential(d.url, PROJECT, 'alice');
  const { sessionInfo, code } = await startPhone(d.url, cred, 'alice-phone');
  const bad = wrongCode(code);
  for (let i = 0; i < 4; i++) {
    expectError(await finalize(d.url, { mfaPendingCredential: cred, phoneVerificationInfo: { sessionInfo, code: bad } }),
      400, 'INVALID_CODE');
  }
  const out = expectOk(await finalize(d.url, { mfaPendingCredential: cred, phoneVerificationInfo: { sessionInfo, code } }));
  await verifyIdToken(d.url, out.idToken, PROJECT);
});

test('after five wrong SMS codes the session is dead, even for the right code: TOO_MANY_ATTEMPTS_TRY_LATER', async () => {
  const cred = await mintCredential(d.url, PROJECT, 'alice');
  const { sessionInfo, code } = await startPhone(d.url, cred, 'alice-phone');
  const bad = wrongCode(code);
  for (let i = 0; i < 5; i++) {
    expectError(await finalize(d.url, { mfaPendingCredential: cred, phoneVerificationInfo: { sessionInfo, code: bad } }),
      400, 'INVALID_CODE');
  }
  expectError(await finalize(d.url, { mfaPendingCredential: cred, phoneVerificationInfo: { sessionInfo, code } }),
    400, 'TOO_MANY_ATTEMPTS_TRY_LATER');
  expectError(await finalize(d.url, { mfaPendingCredential: cred, phoneVerificationInfo: { sessionInfo, code: bad } }),
    400, 'TOO_MANY_ATTEMPTS_TRY_LATER');
});

test('a session cannot be finalized with a credential other than the one that started it: INVALID_SESSION_INFO', async () => {
  const credA = await mintCredential(d.url, PROJECT, 'alice');
  const credB = await mintCredential(d.url, PROJECT, 'alice');
  const { sessionInfo, code } = await startPhone(d.url, credA, 'alice-phone');
  expectError(await finalize(d.url, { mfaPendingCredential: credB, phoneVerificationInfo: { sessionInfo, code } }),
    400, 'INVALID_SESSION_INFO');
});

test('a session of another user cannot be used: INVALID_SESSION_INFO', async () => {
  const credAlice = await mintCredential(d.url, PROJECT, 'alice');
  const credCarol = await mintCredential(d.url, PROJECT, 'carol');
  const { sessionInfo } = await startPhone(d.url, credCarol, 'carol-phone');
  expectError(await finalize(d.url, { mfaPendingCredential: credAlice, phoneVerificationInfo: { sessionInfo, code: '123456' } }),
    400, 'INVALID_SESSION_INFO');
});

test('an unknown sessionInfo is INVALID_SESSION_INFO', async () => {
  const cred = await mintCredential(d.url, PROJECT, 'alice');
  expectError(await finalize(d.url, {
    mfaPendingCredential: cred,
    phoneVerificationInfo: { sessionInfo: 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', code: '123456' },
  }), 400, 'INVALID_SESSION_INFO');
});

test('a tenant user signs in with tenantId, the code is listed under the tenant and the token carries firebase.tenant', async () => {
  const cred = await mintCredential(d.url, PROJECT, 'erin', 'tenant-a');
  const res = await start(d.url, { mfaPendingCredential: cred, mfaEnrollmentId: 'erin-phone', tenantId: 'tenant-a' });
  const { sessionInfo } = expectOk(res).phoneResponseInfo;
  const entry = await codeFor(d.url, sessionInfo, PROJECT, 'tenant-a');
  assert.equal(entry.phoneNumber, '+15555550104');
  const out = expectOk(await finalize(d.url, {
    mfaPendingCredential: cred, tenantId: 'tenant-a',
    phoneVerificationInfo: { sessionInfo, code: entry.code },
  }));
  const claims = await verifyIdToken(d.url, out.idToken, PROJECT);
  checkMfaClaims(claims, {
    localId: 'erin', email: 'erin@example.com', emailVerified: false,
    factor: 'phone', enrollmentId: 'erin-phone', tenant: 'tenant-a',
  });
});

test('a tenant user\'s credential is accepted when the request omits tenantId', async () => {
  const cred = await mintCredential(d.url, PROJECT, 'erin', 'tenant-a');
  const res = await start(d.url, { mfaPendingCredential: cred, mfaEnrollmentId: 'erin-phone' });
  const { sessionInfo } = expectOk(res).phoneResponseInfo;
  const { code } = await codeFor(d.url, sessionInfo, PROJECT, 'tenant-a');
  const out = expectOk(await finalize(d.url, { mfaPendingCredential: cred, phoneVerificationInfo: { sessionInfo, code } }));
  const claims = await verifyIdToken(d.url, out.idToken, PROJECT);
  assert.equal(claims.firebase.tenant, 'tenant-a');
});

// The tests below move the daemon's clock; they stay at the end of the file.

test('an SMS session still works 290 seconds after start', async () => {
  const cred = await mintCredential(d.url, PROJECT, 'alice');
  const { sessionInfo, code } = await startPhone(d.url, cred, 'alice-phone');
  await advanceClock(d.url, 290);
  const out = expectOk(await finalize(d.url, { mfaPendingCredential: cred, phoneVerificationInfo: { sessionInfo, code } }));
  await verifyIdToken(d.url, out.idToken, PROJECT);
});

test('an SMS session expires after 5 minutes: SESSION_EXPIRED, even with the right code', async () => {
  const cred = await mintCredential(d.url, PROJECT, 'alice');
  const { sessionInfo, code } = await startPhone(d.url, cred, 'alice-phone');
  await advanceClock(d.url, 301);
  expectError(await finalize(d.url, { mfaPendingCredential: cred, phoneVerificationInfo: { sessionInfo, code } }),
    400, 'SESSION_EXPIRED');
});

// fixtures/demo.json, as the README's walkthrough uses it.

test('demo: alice signs in with demo-cred-alice and the code from the outbox', async () => {
  const out = await phoneSignIn(demo.url, 'demo-cred-alice', 'alice-phone');
  const claims = await verifyIdToken(demo.url, out.idToken, 'demo-project');
  checkMfaClaims(claims, { localId: 'alice', email: 'alice@example.com', factor: 'phone', enrollmentId: 'alice-phone' });
});

test('demo: carol signs in through test number +15555550100 with code 123456', async () => {
  const res = await start(demo.url, { mfaPendingCredential: 'demo-cred-carol', mfaEnrollmentId: 'carol-phone' });
  const { sessionInfo } = expectOk(res).phoneResponseInfo;
  const entry = await codeFor(demo.url, sessionInfo);
  assert.deepEqual(entry, { phoneNumber: '+15555550100', code: '123456', sessionInfo });
  const out = expectOk(await finalize(demo.url, {
    mfaPendingCredential: 'demo-cred-carol', phoneVerificationInfo: { sessionInfo, code: '123456' },
  }));
  const claims = await verifyIdToken(demo.url, out.idToken, 'demo-project');
  checkMfaClaims(claims, { localId: 'carol', email: 'carol@example.com', factor: 'phone', enrollmentId: 'carol-phone' });
});

test('demo: dave is disabled, so start is USER_DISABLED', async () => {
  expectError(await start(demo.url, { mfaPendingCredential: 'demo-cred-dave', mfaEnrollmentId: 'dave-phone' }),
    400, 'USER_DISABLED');
});

test('demo: erin signs in through tenant-a and the token names the tenant', async () => {
  const out = await phoneSignIn(demo.url, 'demo-cred-erin', 'erin-phone', { tenantId: 'tenant-a' });
  const claims = await verifyIdToken(demo.url, out.idToken, 'demo-project');
  checkMfaClaims(claims, {
    localId: 'erin', email: 'erin@example.com', factor: 'phone', enrollmentId: 'erin-phone', tenant: 'tenant-a',
  });
});
