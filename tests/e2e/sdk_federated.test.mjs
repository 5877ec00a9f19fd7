// Federated first factor through the Firebase JS SDK with the Firebase Auth
// Emulator's fake-IdP convention: signInWithCredential(auth,
// GoogleAuthProvider.credential(idToken)) where idToken is an unsigned JWT
// ({"alg":"none"}, empty signature) carrying sub, email and email_verified.
// A user with a second factor gets auth/multi-factor-auth-required and the
// MultiFactorResolver, as with a password; the ID token's
// firebase.sign_in_provider is "google.com".

import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  PROJECT, passwordUser, useDaemon, loadSdk, expectAuthError, decodeJwt,
  fakeIdToken, enrollPhone, resolvePhone, traceReportTest,
} from './harness.mjs';

// A password user with a phone factor who then signs in with Google.
const MFA_USER = passwordUser('fed-mfa', {
  mfaInfo: [{ mfaEnrollmentId: 'fed-mfa-phone', displayName: 'phone', phoneInfo: '+15555594001' }],
});
const PLAIN = passwordUser('fed-plain');

const d = useDaemon({
  fixtures: [{
    projectId: PROJECT,
    mfa: { phone: true, totp: true },
    testPhoneNumbers: {},
    users: [MFA_USER, PLAIN],
  }],
});

function googleCredential(claims) {
  const s = loadSdk();
  return s.GoogleAuthProvider.credential(fakeIdToken(claims));
}

test('Google sign-in creates a user, who enrolls a phone factor and then signs in with Google → resolver', async () => {
  const s = loadSdk();
  const { auth } = d.app();
  const sub = '100000000000000000001';
  const email = 'googler@example.com';
  const claims = { sub, email, email_verified: true, name: 'Goo Gler' };

  const first = await s.signInWithCredential(auth, googleCredential(claims));
  const uid = first.user.uid;
  const info = s.getAdditionalUserInfo(first);
  assert.equal(info.isNewUser, true);
  assert.equal(info.providerId, 'google.com');
  assert.equal(first.user.email, email);
  assert.equal(first.user.emailVerified, true);
  const google = first.user.providerData.find((p) => p.providerId === 'google.com');
  assert.ok(google, JSON.stringify(first.user.providerData));
  assert.equal(google.uid, sub);
  assert.equal(decodeJwt(await first.user.getIdToken()).claims.firebase.sign_in_provider, 'google.com');

  const factor = await enrollPhone(d.url, auth, first.user, '+15555594101', 'phone');
  await s.signOut(auth);

  const err = await expectAuthError(s.signInWithCredential(auth, googleCredential(claims)),
    'auth/multi-factor-auth-required', 'Google sign-in of a user with a second factor');
  assert.equal(auth.currentUser, null);
  const { resolver, cred } = await resolvePhone(d.url, auth, err, factor.uid);
  assert.equal(resolver.hints.length, 1);
  assert.equal(cred.user.uid, uid);
  const after = s.getAdditionalUserInfo(cred);
  assert.equal(after.providerId, 'google.com');
  assert.equal(after.isNewUser, false);

  const tok = decodeJwt(await cred.user.getIdToken()).claims;
  assert.equal(tok.sub, uid);
  assert.equal(tok.email, email);
  assert.equal(tok.email_verified, true);
  assert.equal(tok.firebase.sign_in_provider, 'google.com');
  assert.equal(tok.firebase.sign_in_second_factor, 'phone');
  assert.equal(tok.firebase.second_factor_identifier, factor.uid);
  assert.deepEqual(tok.firebase.identities['google.com'], [sub]);
});

test('Google sign-in with the verified email of a password user with a second factor → resolver → same uid', async () => {
  const s = loadSdk();
  const { auth } = d.app();
  const sub = '100000000000000000002';
  const claims = { sub, email: MFA_USER.email, email_verified: true };

  const err = await expectAuthError(s.signInWithCredential(auth, googleCredential(claims)),
    'auth/multi-factor-auth-required', 'Google sign-in for the MFA user');
  const { resolver, cred } = await resolvePhone(d.url, auth, err, 'fed-mfa-phone');
  assert.ok(resolver.hints[0].phoneNumber.endsWith('4001'), JSON.stringify(resolver.hints[0]));
  assert.equal(cred.user.uid, MFA_USER.localId);

  const providers = cred.user.providerData.map((p) => p.providerId).sort();
  assert.deepEqual(providers, ['google.com', 'password']);
  const tok = decodeJwt(await cred.user.getIdToken()).claims;
  assert.equal(tok.sub, MFA_USER.localId);
  assert.equal(tok.firebase.sign_in_provider, 'google.com');
  assert.equal(tok.firebase.sign_in_second_factor, 'phone');
  assert.equal(tok.firebase.second_factor_identifier, 'fed-mfa-phone');

  const methods = await s.fetchSignInMethodsForEmail(auth, MFA_USER.email);
  assert.deepEqual([...methods].sort(), ['google.com', 'password']);
});

test('Google sign-in with an unverified email of an existing account → auth/account-exists-with-different-credential', async () => {
  const s = loadSdk();
  const { auth } = d.app();
  const claims = { sub: '100000000000000000003', email: PLAIN.email, email_verified: false };
  await expectAuthError(s.signInWithCredential(auth, googleCredential(claims)),
    'auth/account-exists-with-different-credential', 'unverified IdP email of an existing account');
  assert.equal(auth.currentUser, null);
  // The password account is untouched.
  const cred = await s.signInWithEmailAndPassword(auth, PLAIN.email, PLAIN.password);
  assert.equal(cred.user.uid, PLAIN.localId);
  assert.deepEqual(cred.user.providerData.map((p) => p.providerId), ['password']);
});

traceReportTest('sdk_federated');
