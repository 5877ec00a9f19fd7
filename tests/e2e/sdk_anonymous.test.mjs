// Anonymous users upgraded before they enroll a second factor, through the
// Firebase JS SDK: signInAnonymously → linkWithCredential(EmailAuthProvider
// .credential(email, password)) keeps the uid → sendEmailVerification →
// applyActionCode → enroll a phone factor → sign out → sign in with MFA as
// the same uid.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  PROJECT, useDaemon, loadSdk, fakeVerifier, expectAuthError, decodeJwt,
  oobFor, enrollPhone, resolvePhone, traceReportTest,
} from './harness.mjs';

const d = useDaemon({
  fixtures: [{
    projectId: PROJECT,
    mfa: { phone: true, totp: true },
    testPhoneNumbers: {},
    users: [],
  }],
});

test('signInAnonymously → linkWithCredential(email, password) keeps the uid → verify email → enroll → MFA sign-in', async () => {
  const s = loadSdk();
  const { auth } = d.app();
  const email = 'upgraded@example.com';
  const password = 'upgraded-password';

  const anon = await s.signInAnonymously(auth);
  const uid = anon.user.uid;
  assert.equal(anon.user.isAnonymous, true);
  assert.equal(s.getAdditionalUserInfo(anon).isNewUser, true);
  const anonClaims = decodeJwt(await anon.user.getIdToken()).claims;
  assert.equal(anonClaims.sub, uid);
  assert.equal(anonClaims.firebase.sign_in_provider, 'anonymous');

  // An anonymous session cannot enroll a second factor.
  const anonSession = await s.multiFactor(anon.user).getSession();
  await expectAuthError(new s.PhoneAuthProvider(auth).verifyPhoneNumber(
    { phoneNumber: '+15555597100', session: anonSession }, fakeVerifier()),
  'auth/unsupported-first-factor', 'enrolling from an anonymous session');

  const linked = await s.linkWithCredential(anon.user, s.EmailAuthProvider.credential(email, password));
  assert.equal(linked.user.uid, uid, 'linking keeps the anonymous uid');
  assert.equal(auth.currentUser.uid, uid);
  assert.equal(linked.user.email, email);
  assert.equal(linked.user.isAnonymous, false);
  assert.deepEqual(linked.user.providerData.map((p) => p.providerId), ['password']);
  const linkedClaims = decodeJwt(await linked.user.getIdToken()).claims;
  assert.equal(linkedClaims.sub, uid);
  assert.equal(linkedClaims.email, email);
  assert.equal(linkedClaims.firebase.sign_in_provider, 'password');

  await linked.user.reload();
  assert.equal(linked.user.isAnonymous, false, 'still not anonymous after reload');
  assert.equal(linked.user.emailVerified, false);

  await s.sendEmailVerification(linked.user);
  const oob = await oobFor(d.url, email, 'VERIFY_EMAIL');
  await s.applyActionCode(auth, oob.oobCode);
  await linked.user.reload();
  assert.equal(linked.user.emailVerified, true);

  const factor = await enrollPhone(d.url, auth, linked.user, '+15555597101', 'phone');
  assert.equal(linked.user.uid, uid);
  await s.signOut(auth);

  const err = await expectAuthError(s.signInWithEmailAndPassword(auth, email, password),
    'auth/multi-factor-auth-required', 'the upgraded user signs in');
  const { cred } = await resolvePhone(d.url, auth, err, factor.uid);
  assert.equal(cred.user.uid, uid, 'the email and password sign in to the once-anonymous uid');
  const claims = decodeJwt(await cred.user.getIdToken()).claims;
  assert.equal(claims.firebase.sign_in_provider, 'password');
  assert.equal(claims.firebase.sign_in_second_factor, 'phone');
});

test('linkWithCredential with an email another account has → auth/email-already-in-use, still anonymous', async () => {
  const s = loadSdk();
  const { auth } = d.app();
  const email = 'taken@example.com';
  const other = d.app();
  await s.createUserWithEmailAndPassword(other.auth, email, 'taken-password');

  const anon = await s.signInAnonymously(auth);
  await expectAuthError(s.linkWithCredential(anon.user, s.EmailAuthProvider.credential(email, 'x-password')),
    'auth/email-already-in-use', 'linking a taken email');
  assert.equal(auth.currentUser.uid, anon.user.uid);
  assert.equal(auth.currentUser.isAnonymous, true);
});

traceReportTest('sdk_anonymous');
