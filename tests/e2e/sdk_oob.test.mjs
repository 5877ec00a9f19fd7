// Email action codes through the Firebase JS SDK, read from the emulator's
// email outbox (GET /emulator/v1/projects/{p}/oobCodes, the Firebase Auth
// Emulator's shape) the way an app's test suite reads them:
// sign-up → sendEmailVerification → applyActionCode → enroll a phone factor
// → sign out → sign in with MFA; sendPasswordResetEmail →
// verifyPasswordResetCode → confirmPasswordReset; sendSignInLinkToEmail →
// signInWithEmailLink for a user with a second factor → resolver.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  PROJECT, passwordUser, useDaemon, loadSdk, fakeVerifier, expectAuthError, decodeJwt,
  advanceClock, readOobCodes, oobFor, enrollPhone, resolvePhone, traceReportTest,
} from './harness.mjs';

const RESET = passwordUser('reset-me');
const LINKED = passwordUser('link-mfa', {
  mfaInfo: [{ mfaEnrollmentId: 'link-mfa-phone', displayName: 'phone', phoneInfo: '+15555593001' }],
});

const d = useDaemon({
  fixtures: [{
    projectId: PROJECT,
    mfa: { phone: true, totp: true },
    testPhoneNumbers: {},
    users: [RESET, LINKED],
  }],
});

const CONTINUE_URL = 'https://app.example.com/finish?from=e2e';

/** The query of an oobLink as the SDK's ActionCodeURL reads it. */
function linkParams(oob) {
  const u = new URL(oob.oobLink);
  assert.equal(u.pathname, '/emulator/action', oob.oobLink);
  const p = Object.fromEntries(u.searchParams);
  assert.equal(p.oobCode, oob.oobCode, oob.oobLink);
  assert.equal(typeof p.apiKey, 'string', oob.oobLink);
  return p;
}

test('sign-up → sendEmailVerification → applyActionCode → enroll phone → sign out → sign in with MFA', async () => {
  const s = loadSdk();
  const { auth } = d.app();
  const email = 'newcomer@example.com';
  const password = 'newcomer-password';

  const created = await s.createUserWithEmailAndPassword(auth, email, password);
  const user = created.user;
  const uid = user.uid;
  assert.equal(user.email, email);
  assert.equal(user.emailVerified, false);

  // Enrolling before the email is verified is what the issue started from.
  await expectAuthError(s.multiFactor(user).getSession()
    .then((session) => new s.PhoneAuthProvider(auth).verifyPhoneNumber(
      { phoneNumber: '+15555593101', session }, fakeVerifier())),
  'auth/unverified-email', 'verifyPhoneNumber for an unverified email');

  await s.sendEmailVerification(user);
  const oob = await oobFor(d.url, email, 'VERIFY_EMAIL');
  assert.equal(linkParams(oob).mode, 'verifyEmail');

  const info = await s.checkActionCode(auth, oob.oobCode);
  assert.equal(info.operation, 'VERIFY_EMAIL');
  assert.equal(info.data.email, email);

  await s.applyActionCode(auth, oob.oobCode);
  await user.reload();
  assert.equal(user.emailVerified, true, 'reload after applyActionCode shows emailVerified');
  assert.equal(user.uid, uid);
  assert.equal((await readOobCodes(d.url)).some((c) => c.oobCode === oob.oobCode), false,
    'an applied code leaves the outbox');
  await expectAuthError(s.applyActionCode(auth, oob.oobCode), 'auth/invalid-action-code', 'applying a used code');

  const factor = await enrollPhone(d.url, auth, user, '+15555593102', 'my phone');
  assert.equal(factor.factorId, 'phone');
  assert.equal(factor.displayName, 'my phone');

  await s.signOut(auth);
  assert.equal(auth.currentUser, null);

  const err = await expectAuthError(s.signInWithEmailAndPassword(auth, email, password),
    'auth/multi-factor-auth-required', 'password sign-in after enrolling');
  const { resolver, cred } = await resolvePhone(d.url, auth, err, factor.uid);
  assert.equal(resolver.hints.length, 1);
  assert.ok(resolver.hints[0].phoneNumber.endsWith('3102'), JSON.stringify(resolver.hints[0]));
  assert.equal(cred.user.uid, uid);
  assert.equal(cred.user.emailVerified, true);
  assert.equal(auth.currentUser.uid, uid);

  const { claims } = decodeJwt(await cred.user.getIdToken());
  assert.equal(claims.sub, uid);
  assert.equal(claims.email, email);
  assert.equal(claims.email_verified, true);
  assert.equal(claims.firebase.sign_in_provider, 'password');
  assert.equal(claims.firebase.sign_in_second_factor, 'phone');
  assert.equal(claims.firebase.second_factor_identifier, factor.uid);
});

test('sendPasswordResetEmail → verifyPasswordResetCode → confirmPasswordReset', async () => {
  const s = loadSdk();
  const { auth } = d.app();
  const newPassword = 'reset-me-new-password';
  // A session from before the reset, on another device.
  const before = d.app();
  const old = await s.signInWithEmailAndPassword(before.auth, RESET.email, RESET.password);
  await advanceClock(d.url, 1);

  await s.sendPasswordResetEmail(auth, RESET.email);
  const oob = await oobFor(d.url, RESET.email, 'PASSWORD_RESET');
  assert.equal(linkParams(oob).mode, 'resetPassword');

  assert.equal(await s.verifyPasswordResetCode(auth, oob.oobCode), RESET.email);
  // Inspecting does not use the code up.
  assert.equal(await s.verifyPasswordResetCode(auth, oob.oobCode), RESET.email);

  await s.confirmPasswordReset(auth, oob.oobCode, newPassword);
  await expectAuthError(old.user.getIdToken(true), 'auth/user-token-expired',
    'refreshing a session from before the reset');

  const cred = await s.signInWithEmailAndPassword(auth, RESET.email, newPassword);
  assert.equal(cred.user.uid, RESET.localId);
  assert.equal(cred.user.emailVerified, true);
  await s.signOut(auth);

  await expectAuthError(s.signInWithEmailAndPassword(auth, RESET.email, RESET.password),
    'auth/wrong-password', 'the old password after a reset');
  await expectAuthError(s.confirmPasswordReset(auth, oob.oobCode, 'another-password'),
    'auth/invalid-action-code', 'a used reset code');
  await expectAuthError(s.verifyPasswordResetCode(auth, oob.oobCode),
    'auth/invalid-action-code', 'inspecting a used reset code');
  await expectAuthError(s.sendPasswordResetEmail(auth, 'nobody@example.com'),
    'auth/user-not-found', 'reset for an unknown email (email enumeration protection off)');
});

test('sendSignInLinkToEmail → signInWithEmailLink for a user with a second factor → resolver', async () => {
  const s = loadSdk();
  const { auth } = d.app();

  await s.sendSignInLinkToEmail(auth, LINKED.email, { url: CONTINUE_URL, handleCodeInApp: true });
  const oob = await oobFor(d.url, LINKED.email, 'EMAIL_SIGNIN');
  const p = linkParams(oob);
  assert.equal(p.mode, 'signIn');
  assert.equal(p.continueUrl, CONTINUE_URL);
  assert.equal(s.isSignInWithEmailLink(auth, oob.oobLink), true);

  const err = await expectAuthError(s.signInWithEmailLink(auth, LINKED.email, oob.oobLink),
    'auth/multi-factor-auth-required', 'signInWithEmailLink for an MFA user');
  assert.equal(auth.currentUser, null, 'no user before the second factor');
  const { resolver, cred } = await resolvePhone(d.url, auth, err, 'link-mfa-phone');
  assert.equal(resolver.hints.length, 1);
  assert.ok(resolver.hints[0].phoneNumber.endsWith('3001'), JSON.stringify(resolver.hints[0]));
  assert.equal(cred.user.uid, LINKED.localId);
  assert.equal(cred.user.email, LINKED.email);

  const { claims } = decodeJwt(await cred.user.getIdToken());
  assert.equal(claims.sub, LINKED.localId);
  assert.equal(claims.firebase.sign_in_provider, 'password');
  assert.equal(claims.firebase.sign_in_second_factor, 'phone');
  assert.equal(claims.firebase.second_factor_identifier, 'link-mfa-phone');

  await s.signOut(auth);
  await expectAuthError(s.signInWithEmailLink(auth, LINKED.email, oob.oobLink),
    'auth/invalid-action-code', 'a used sign-in link');
});

test('signInWithEmailLink for a new address creates a user with a verified email', async () => {
  const s = loadSdk();
  const { auth } = d.app();
  const email = 'link-newcomer@example.com';

  await s.sendSignInLinkToEmail(auth, email, { url: CONTINUE_URL, handleCodeInApp: true });
  const oob = await oobFor(d.url, email, 'EMAIL_SIGNIN');
  await expectAuthError(s.signInWithEmailLink(auth, 'someone-else@example.com', oob.oobLink),
    'auth/invalid-email', 'a link used with another email');

  const cred = await s.signInWithEmailLink(auth, email, oob.oobLink);
  assert.equal(cred.user.email, email);
  assert.equal(cred.user.emailVerified, true);
  assert.equal(s.getAdditionalUserInfo(cred).isNewUser, true);
  const { claims } = decodeJwt(await cred.user.getIdToken());
  assert.equal(claims.sub, cred.user.uid);
  assert.equal(claims.firebase.sign_in_provider, 'password');
  assert.equal(claims.firebase.sign_in_second_factor, undefined);
});

traceReportTest('sdk_oob');
