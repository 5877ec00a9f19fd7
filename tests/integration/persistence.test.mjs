// --db FILE: users, realm settings, credential state and the token signing
// key survive a SIGTERM and a restart. The tests run in order against one
// database file; later ones depend on the restart done by earlier ones.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import {
  PROJECT, TOTP,
  startDaemon, start, finalize, expectOk, expectError, mintCredential,
  phoneSignIn, startPhone, totp, serverNow, verifyIdToken, checkMfaClaims,
  decodeJwt, fetchJwks, fixture, tempDir,
} from './harness.mjs';

const db = path.join(tempDir(), 'mfaemu.db');
const fixtureObj = fixture();
let d;
let tokenBefore;
let kidsBefore;

before(async () => {
  d = await startDaemon({ fixtures: [fixtureObj], db });
});

after(async () => {
  await d?.stop();
});

test('before the restart: a full phone sign-in with a fixture credential returns an ID token', async () => {
  const out = await phoneSignIn(d.url, 'cred-alice', 'alice-phone');
  await verifyIdToken(d.url, out.idToken, PROJECT);
  tokenBefore = out.idToken;
  kidsBefore = (await fetchJwks(d.url)).keys.map((k) => k.kid).sort();
});

test('the daemon exits 0 on SIGTERM and restarts from the same --db with no fixtures', async () => {
  await d.stop();
  d = await startDaemon({ db });
});

test('after the restart the signing keys are the same and the earlier ID token still verifies', async () => {
  assert.ok(tokenBefore, 'no token from before the restart');
  const kidsAfter = (await fetchJwks(d.url)).keys.map((k) => k.kid).sort();
  assert.ok(kidsAfter.includes(decodeJwt(tokenBefore).header.kid), `kid gone: ${kidsAfter} vs ${kidsBefore}`);
  const claims = await verifyIdToken(d.url, tokenBefore, PROJECT);
  assert.equal(claims.sub, 'alice');
});

test('after the restart a credential used before it is still used: INVALID_MFA_PENDING_CREDENTIAL', async () => {
  expectError(await start(d.url, { mfaPendingCredential: 'cred-alice', mfaEnrollmentId: 'alice-phone' }),
    400, 'INVALID_MFA_PENDING_CREDENTIAL');
});

test('after the restart users are still there: a newly minted credential completes a TOTP sign-in', async () => {
  const b = TOTP.bob;
  const cred = await mintCredential(d.url, PROJECT, 'bob');
  const now = await serverNow(d.url);
  const out = expectOk(await finalize(d.url, {
    mfaPendingCredential: cred, mfaEnrollmentId: 'bob-totp',
    totpVerificationInfo: { verificationCode: totp(b.secret, { ...b, nowMs: now }) },
  }));
  const claims = await verifyIdToken(d.url, out.idToken, PROJECT);
  checkMfaClaims(claims, { localId: 'bob', email: 'bob@example.com', factor: 'totp', enrollmentId: 'bob-totp' });
  const kid = decodeJwt(out.idToken).header.kid;
  assert.equal(kid, decodeJwt(tokenBefore).header.kid, 'tokens before and after the restart use different keys');
});

test('after the restart a newly minted credential completes a phone sign-in', async () => {
  const cred = await mintCredential(d.url, PROJECT, 'alice');
  const out = await phoneSignIn(d.url, cred, 'alice-phone');
  const claims = await verifyIdToken(d.url, out.idToken, PROJECT);
  checkMfaClaims(claims, { localId: 'alice', email: 'alice@example.com', factor: 'phone', enrollmentId: 'alice-phone' });
});

test('after the restart an unused fixture credential and the test phone number still work', async () => {
  const s = await startPhone(d.url, 'cred-carol', 'carol-phone');
  assert.equal(s.code, '123456');
  expectOk(await finalize(d.url, {
    mfaPendingCredential: 'cred-carol', phoneVerificationInfo: { sessionInfo: s.sessionInfo, code: '123456' },
  }));
});

test('after the restart tenants and their MFA settings are still there', async () => {
  const cred = await mintCredential(d.url, PROJECT, 'erin', 'tenant-a');
  const out = await phoneSignIn(d.url, cred, 'erin-phone', { tenantId: 'tenant-a' });
  const claims = await verifyIdToken(d.url, out.idToken, PROJECT);
  assert.equal(claims.firebase.tenant, 'tenant-a');
  expectError(await start(d.url, { mfaPendingCredential: 'cred-gail', mfaEnrollmentId: 'gail-phone', tenantId: 'tenant-b' }),
    400, 'OPERATION_NOT_ALLOWED');
  expectError(await start(d.url, { mfaPendingCredential: 'cred-dave', mfaEnrollmentId: 'dave-phone' }),
    400, 'USER_DISABLED');
});

test('restarting with the same --db and the same fixtures again keeps used credentials used and tokens valid', async () => {
  await d.stop();
  d = await startDaemon({ fixtures: [fixtureObj], db });
  expectError(await start(d.url, { mfaPendingCredential: 'cred-alice', mfaEnrollmentId: 'alice-phone' }),
    400, 'INVALID_MFA_PENDING_CREDENTIAL');
  expectError(await start(d.url, { mfaPendingCredential: 'cred-carol', mfaEnrollmentId: 'carol-phone' }),
    400, 'INVALID_MFA_PENDING_CREDENTIAL');
  await verifyIdToken(d.url, tokenBefore, PROJECT);
});
