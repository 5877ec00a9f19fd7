// Self-service account changes through the Firebase JS SDK (accounts:update
// and accounts:delete with the user's ID token): updateProfile,
// updatePassword (recent login required, as Google does), user.delete(),
// checked from the SDK and from firebase-admin in emulator mode.

import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  PROJECT, passwordUser, useDaemon, loadSdk, expectAuthError, decodeJwt,
  advanceClock, newAdmin, resolvePhone, traceReportTest,
} from './harness.mjs';

const PROFILE = passwordUser('acct-profile');
const PASSWORD = passwordUser('acct-password');
const MFA_USER = passwordUser('acct-mfa', {
  mfaInfo: [{ mfaEnrollmentId: 'acct-mfa-phone', displayName: 'phone', phoneInfo: '+15555596001' }],
});
const STALE = passwordUser('acct-stale');
const DOOMED = passwordUser('acct-doomed');

const d = useDaemon({
  fixtures: [{
    projectId: PROJECT,
    mfa: { phone: true, totp: true },
    testPhoneNumbers: {},
    users: [PROFILE, PASSWORD, MFA_USER, STALE, DOOMED],
  }],
});

let admin = null;
/** firebase-admin pointed at this file's daemon (made on first use). */
async function adminAuth() {
  admin ??= await newAdmin(d.url);
  return admin.auth;
}
after(async () => { await admin?.close(); });

async function signIn(auth, u) {
  const s = loadSdk();
  const cred = await s.signInWithEmailAndPassword(auth, u.email, u.password);
  assert.equal(cred.user.uid, u.localId);
  return cred.user;
}

test('updateProfile({displayName, photoURL}) → reload, ID token and firebase-admin show them', async () => {
  const s = loadSdk();
  const { auth } = d.app();
  const user = await signIn(auth, PROFILE);
  const photoURL = 'https://img.example.com/profile.png';

  await s.updateProfile(user, { displayName: 'New Name', photoURL });
  assert.equal(user.displayName, 'New Name');
  await user.reload();
  assert.equal(user.displayName, 'New Name');
  assert.equal(user.photoURL, photoURL);

  const { claims } = await user.getIdTokenResult(true);
  assert.equal(claims.name, 'New Name');
  assert.equal(claims.picture, photoURL);

  const record = await (await adminAuth()).getUser(PROFILE.localId);
  assert.equal(record.displayName, 'New Name');
  assert.equal(record.photoURL, photoURL);

  // null clears an attribute, as in production.
  await s.updateProfile(user, { photoURL: null });
  await user.reload();
  assert.equal(user.photoURL, null);
  assert.equal(user.displayName, 'New Name');
});

test('updatePassword → the new password signs in, the old one fails', async () => {
  const s = loadSdk();
  const { auth } = d.app();
  const user = await signIn(auth, PASSWORD);
  const newPassword = 'acct-password-changed';

  await s.updatePassword(user, newPassword);
  assert.equal(auth.currentUser.uid, PASSWORD.localId, 'still signed in after the change');
  await s.signOut(auth);

  const cred = await s.signInWithEmailAndPassword(auth, PASSWORD.email, newPassword);
  assert.equal(cred.user.uid, PASSWORD.localId);
  await s.signOut(auth);
  await expectAuthError(s.signInWithEmailAndPassword(auth, PASSWORD.email, PASSWORD.password),
    'auth/wrong-password', 'the old password');

  const record = await (await adminAuth()).getUser(PASSWORD.localId);
  assert.notEqual(new Date(record.tokensValidAfterTime).getUTCFullYear(), 1970,
    `tokensValidAfterTime ${record.tokensValidAfterTime}`);
});

test('updatePassword after an MFA sign-in keeps the second factor in the session\'s tokens', async () => {
  const s = loadSdk();
  const { auth } = d.app();
  const err = await expectAuthError(s.signInWithEmailAndPassword(auth, MFA_USER.email, MFA_USER.password),
    'auth/multi-factor-auth-required', 'MFA user');
  const { cred } = await resolvePhone(d.url, auth, err, 'acct-mfa-phone');

  await s.updatePassword(cred.user, 'acct-mfa-changed');
  for (const forced of [false, true]) {
    const { claims } = decodeJwt(await cred.user.getIdToken(forced));
    assert.equal(claims.sub, MFA_USER.localId);
    assert.equal(claims.firebase.sign_in_second_factor, 'phone', `getIdToken(${forced})`);
    assert.equal(claims.firebase.second_factor_identifier, 'acct-mfa-phone');
  }
});

test('updatePassword more than 5 minutes after sign-in → auth/requires-recent-login; after reauthentication it works', async () => {
  const s = loadSdk();
  const { auth } = d.app();
  const user = await signIn(auth, STALE);
  await advanceClock(d.url, 301);
  await user.getIdToken(true);

  await expectAuthError(s.updatePassword(user, 'acct-stale-changed'),
    'auth/requires-recent-login', 'updatePassword on an old sign-in');
  await s.reauthenticateWithCredential(user, s.EmailAuthProvider.credential(STALE.email, STALE.password));
  await s.updatePassword(user, 'acct-stale-changed');
  await s.signOut(auth);
  const cred = await s.signInWithEmailAndPassword(auth, STALE.email, 'acct-stale-changed');
  assert.equal(cred.user.uid, STALE.localId);
});

test('user.delete() → signed out; firebase-admin getUser → auth/user-not-found', async () => {
  const s = loadSdk();
  const { auth } = d.app();
  const user = await signIn(auth, DOOMED);
  assert.equal((await (await adminAuth()).getUser(DOOMED.localId)).uid, DOOMED.localId);

  await user.delete();
  assert.equal(auth.currentUser, null);

  let err;
  try {
    await (await adminAuth()).getUser(DOOMED.localId);
  } catch (e) {
    err = e;
  }
  assert.equal(err?.code, 'auth/user-not-found', `getUser after delete: ${err?.code} ${err?.message}`);
  await expectAuthError(s.signInWithEmailAndPassword(auth, DOOMED.email, DOOMED.password),
    'auth/user-not-found', 'signing in as the deleted user');
});

traceReportTest('sdk_account');
