// Custom tokens: firebase-admin in emulator mode (FIREBASE_AUTH_EMULATOR_HOST)
// makes them with createCustomToken (unsigned, {"alg":"none"}), the Firebase
// JS SDK signs in with signInWithCustomToken. The developer claims become
// claims of the ID token, sign_in_provider is "custom". A user with second
// factors signs in without one (Google: custom tokens are among the
// providers that do not support MFA), and such a session cannot enroll.

import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  PROJECT, passwordUser, useDaemon, loadSdk, fakeVerifier, expectAuthError, decodeJwt,
  newAdmin, traceReportTest,
} from './harness.mjs';

const MFA_USER = passwordUser('ct-mfa', {
  mfaInfo: [{ mfaEnrollmentId: 'ct-mfa-phone', displayName: 'phone', phoneInfo: '+15555595001' }],
});

const d = useDaemon({
  fixtures: [{
    projectId: PROJECT,
    mfa: { phone: true, totp: true },
    testPhoneNumbers: {},
    users: [MFA_USER],
  }],
});

let admin = null;
/** firebase-admin pointed at this file's daemon (made on first use). */
async function adminAuth() {
  admin ??= await newAdmin(d.url);
  return admin.auth;
}
after(async () => { await admin?.close(); });

test('createCustomToken(uid, {role}) → signInWithCustomToken: uid, role claim, sign_in_provider "custom"', async () => {
  const s = loadSdk();
  const { auth } = d.app();
  const token = await (await adminAuth()).createCustomToken('ct-new-user', { role: 'admin' });
  assert.equal(decodeJwt(token).header.alg, 'none', 'firebase-admin in emulator mode signs nothing');

  const cred = await s.signInWithCustomToken(auth, token);
  assert.equal(cred.user.uid, 'ct-new-user');
  assert.equal(s.getAdditionalUserInfo(cred).isNewUser, true);

  const { claims } = decodeJwt(await cred.user.getIdToken());
  assert.equal(claims.sub, 'ct-new-user');
  assert.equal(claims.role, 'admin');
  assert.equal(claims.firebase.sign_in_provider, 'custom');

  // The claims stay on refreshed tokens of that session.
  const refreshed = await cred.user.getIdTokenResult(true);
  assert.equal(refreshed.claims.role, 'admin');
  assert.equal(refreshed.signInProvider, 'custom');

  const record = await (await adminAuth()).getUser('ct-new-user');
  assert.equal(record.uid, 'ct-new-user');
  assert.ok(record.metadata.lastSignInTime, JSON.stringify(record.metadata));
  assert.notEqual(new Date(record.metadata.creationTime).getUTCFullYear(), 1970);

  // A second sign-in finds the same user.
  await s.signOut(auth);
  const again = await s.signInWithCustomToken(auth, await (await adminAuth()).createCustomToken('ct-new-user'));
  assert.equal(again.user.uid, 'ct-new-user');
  assert.equal(s.getAdditionalUserInfo(again).isNewUser, false);
  assert.equal(decodeJwt(await again.user.getIdToken()).claims.role, undefined);
});

test('custom token for a user with a second factor: signed in without it; that session cannot enroll', async () => {
  const s = loadSdk();
  const { auth } = d.app();
  const token = await (await adminAuth()).createCustomToken(MFA_USER.localId, { tier: 'gold' });

  const cred = await s.signInWithCustomToken(auth, token);
  assert.equal(cred.user.uid, MFA_USER.localId);
  assert.equal(cred.user.email, MFA_USER.email);
  assert.deepEqual(s.multiFactor(cred.user).enrolledFactors.map((f) => f.uid), ['ct-mfa-phone']);

  const { claims } = decodeJwt(await cred.user.getIdToken());
  assert.equal(claims.tier, 'gold');
  assert.equal(claims.firebase.sign_in_provider, 'custom');
  assert.equal(claims.firebase.sign_in_second_factor, undefined);

  const session = await s.multiFactor(cred.user).getSession();
  await expectAuthError(new s.PhoneAuthProvider(auth).verifyPhoneNumber(
    { phoneNumber: '+15555595101', session }, fakeVerifier()),
  'auth/unsupported-first-factor', 'enrolling from a custom-token session');
});

test('signInWithCustomToken with a token that is not one → auth/invalid-custom-token', async () => {
  const s = loadSdk();
  const { auth } = d.app();
  await expectAuthError(s.signInWithCustomToken(auth, 'not-a-token'),
    'auth/invalid-custom-token', 'garbage custom token');
  assert.equal(auth.currentUser, null);
});

traceReportTest('sdk_custom_token');
