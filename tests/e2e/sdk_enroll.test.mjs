// The Firebase JS SDK enrolls second factors against mfaemu as an app
// would: multiFactor(user).getSession(), TotpMultiFactorGenerator
// .generateSecret(session), secret.generateQrCodeUrl() for the authenticator
// app, a code (otplib) from what that URI carries, multiFactor(user).enroll();
// phone factors through PhoneAuthProvider.verifyPhoneNumber({phoneNumber,
// session}) and the SMS outbox; multiFactor(user).unenroll(). Then the new
// factors sign in through the MultiFactorResolver. Errors are checked as the
// AuthError codes the SDK maps the server's CODEs to.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generate } from 'otplib';
import {
  PROJECT, ISSUER, passwordUser,
  useDaemon, loadSdk, fakeVerifier, smsFor, phoneAssertion, firstFactor, hintFor,
  sendSms, expectAuthError, advanceClock, serverNow, decodeJwt, controlRequest, traceReportTest,
} from './harness.mjs';

const USERS = {};
function user(localId, extra = {}) {
  const u = passwordUser(localId, extra);
  USERS[localId] = u;
  return u;
}

// One user per test, no second factor unless stated.
user('totp-flow');
user('qr');
user('phone-flow');
user('both');
user('unenroll');
user('recent');
user('wrong-code');
user('unverified', { emailVerified: false });
user('dup');
user('not-allowed');
user('expired');
user('four', {
  mfaInfo: [1, 2, 3, 4].map((i) => ({ mfaEnrollmentId: `four-phone-${i}`, displayName: `phone ${i}`, phoneInfo: `+1555558100${i}` })),
});
user('not-found');

const d = useDaemon({
  fixtures: [{
    projectId: PROJECT,
    mfa: { phone: true, totp: true },
    testPhoneNumbers: {},
    users: Object.values(USERS),
  }],
});
/** A fresh {app, auth, close}, deleted after the tests. */
const auth = () => d.app();

let phoneSeq = 0;
function freshPhone() {
  phoneSeq += 1;
  return `+1555558${String(2000 + phoneSeq).padStart(4, '0')}`;
}

/** First factor for a user without second factors: the signed-in User. */
async function signIn(a, u) {
  const s = loadSdk();
  const cred = await s.signInWithEmailAndPassword(a.auth, u.email, u.password);
  assert.equal(cred.user.uid, u.localId);
  assert.deepEqual(s.multiFactor(cred.user).enrolledFactors, []);
  return cred.user;
}

/** otplib code for a TotpSecret at the emulator time nowMs. */
async function codeForSecret(secret, nowMs) {
  return generate({
    secret: secret.secretKey,
    algorithm: secret.hashingAlgorithm.toLowerCase(),
    digits: secret.codeLength,
    period: secret.codeIntervalSeconds,
    epoch: Math.floor(nowMs / 1000),
  });
}

/**
 * Check an otpauth:// URI as an authenticator app reads it (Key Uri Format)
 * against the TotpSecret; returns its parameters and label parts.
 */
function checkOtpauthUri(uri, secret, { issuer, accountName }) {
  assert.equal(typeof uri, 'string');
  assert.ok(uri.startsWith('otpauth://totp/'), `not an otpauth://totp/ URI: ${uri}`);
  const u = new URL(uri);
  assert.equal(u.protocol, 'otpauth:', uri);
  assert.equal(u.host, 'totp', uri);
  const label = decodeURIComponent(u.pathname.slice(1));
  const colon = label.indexOf(':');
  assert.ok(colon > 0, `label without issuer prefix: ${label}`);
  const labelIssuer = label.slice(0, colon);
  const labelAccount = label.slice(colon + 1);
  assert.ok(labelAccount.length > 0, `no accountName in ${uri}`);
  assert.equal(labelIssuer, issuer, uri);
  assert.equal(labelAccount, accountName, uri);
  const p = Object.fromEntries(u.searchParams);
  assert.equal(p.secret, secret.secretKey, uri);
  assert.match(p.secret, /^[A-Z2-7]+=*$/, `secret is not base32: ${uri}`);
  assert.equal(p.issuer, issuer, uri);
  if ('algorithm' in p) {
    assert.equal(p.algorithm, secret.hashingAlgorithm, uri);
    assert.equal(p.algorithm, 'SHA1', uri);
  }
  if ('digits' in p) {
    assert.equal(Number(p.digits), secret.codeLength, uri);
    assert.equal(p.digits, '6', uri);
  }
  if ('period' in p) {
    assert.equal(Number(p.period), secret.codeIntervalSeconds, uri);
    assert.equal(p.period, '30', uri);
  }
  return p;
}

/** A code computed only from what the URI tells an authenticator app. */
async function codeFromUri(params, nowMs) {
  return generate({
    secret: params.secret,
    algorithm: (params.algorithm ?? 'SHA1').toLowerCase(),
    digits: Number(params.digits ?? 6),
    period: Number(params.period ?? 30),
    epoch: Math.floor(nowMs / 1000),
  });
}

/** Phone enrollment through the SDK; returns {verificationId, code}. */
async function enrollPhone(a, u, phoneNumber, displayName) {
  const s = loadSdk();
  const session = await s.multiFactor(u).getSession();
  assert.equal(session.type, 'enroll');
  const provider = new s.PhoneAuthProvider(a.auth);
  const verificationId = await provider.verifyPhoneNumber({ phoneNumber, session }, fakeVerifier());
  assert.equal(typeof verificationId, 'string');
  const sms = await smsFor(d.url, verificationId);
  assert.equal(sms.phoneNumber, phoneNumber);
  await s.multiFactor(u).enroll(phoneAssertion(verificationId, sms.code), displayName);
  return { verificationId, code: sms.code };
}

/** TOTP enrollment through the SDK at the emulator's current time; returns {secret, code}. */
async function enrollTotp(u, displayName) {
  const s = loadSdk();
  const session = await s.multiFactor(u).getSession();
  const secret = await s.TotpMultiFactorGenerator.generateSecret(session);
  const code = await codeForSecret(secret, await serverNow(d.url));
  await s.multiFactor(u).enroll(s.TotpMultiFactorGenerator.assertionForEnrollment(secret, code), displayName);
  return { secret, code };
}

function factorsOf(u) {
  const s = loadSdk();
  return s.multiFactor(u).enrolledFactors.map((f) => ({ factorId: f.factorId, uid: f.uid, displayName: f.displayName }));
}

// ------------------------------------------------------------ TOTP

test('TOTP enrollment through the SDK: getSession, generateSecret, otpauth URI, code from the URI, enroll; then sign out and sign in with the resolver', async () => {
  const s = loadSdk();
  const a = auth();
  const u = USERS['totp-flow'];
  const me = await signIn(a, u);

  const session = await s.multiFactor(me).getSession();
  assert.equal(session.type, 'enroll');
  const secret = await s.TotpMultiFactorGenerator.generateSecret(session);
  const startedAt = await serverNow(d.url);
  assert.match(secret.secretKey, /^[A-Z2-7]{32}$/, `secretKey ${secret.secretKey}`);
  assert.equal(secret.hashingAlgorithm, 'SHA1');
  assert.equal(secret.codeLength, 6);
  assert.equal(secret.codeIntervalSeconds, 30);
  const deadline = Date.parse(secret.enrollmentCompletionDeadline);
  assert.ok(!Number.isNaN(deadline), `enrollmentCompletionDeadline ${secret.enrollmentCompletionDeadline}`);
  assert.ok(Math.abs(deadline - (startedAt + 600_000)) <= 3000,
    `deadline ${secret.enrollmentCompletionDeadline} vs emulator now ${new Date(startedAt).toISOString()} + 600 s`);

  const uri = secret.generateQrCodeUrl(u.email, 'MfaemuE2E');
  const params = checkOtpauthUri(uri, secret, { issuer: 'MfaemuE2E', accountName: u.email });

  const now = await serverNow(d.url);
  const code = await codeFromUri(params, now);
  assert.match(code, /^\d{6}$/);
  await s.multiFactor(me).enroll(s.TotpMultiFactorGenerator.assertionForEnrollment(secret, code), 'Authenticator');

  // The SDK reloaded the user: the new factor is listed.
  const enrolled = s.multiFactor(me).enrolledFactors;
  assert.equal(enrolled.length, 1, JSON.stringify(enrolled));
  assert.equal(enrolled[0].factorId, 'totp');
  assert.equal(enrolled[0].displayName, 'Authenticator');
  assert.equal(typeof enrolled[0].uid, 'string');
  assert.ok(enrolled[0].uid.length > 0);
  assert.ok(!Number.isNaN(Date.parse(enrolled[0].enrollmentTime)), JSON.stringify(enrolled[0]));
  const enrollmentId = enrolled[0].uid;

  // The user now holds the tokens enrollment returned.
  const result = await me.getIdTokenResult();
  assert.equal(result.signInSecondFactor, 'totp');
  assert.equal(result.signInProvider, 'password');
  const { claims } = decodeJwt(result.token);
  assert.equal(claims.iss, ISSUER);
  assert.equal(claims.sub, u.localId);
  assert.equal(claims.firebase.second_factor_identifier, enrollmentId);

  // Sign out, sign in again: the resolver offers the new TOTP factor.
  await s.signOut(a.auth);
  assert.equal(a.auth.currentUser, null);
  const resolver = await firstFactor(a.auth, u);
  assert.equal(resolver.hints.length, 1, JSON.stringify(resolver.hints));
  const hint = resolver.hints[0];
  assert.equal(hint.factorId, 'totp');
  assert.equal(hint.uid, enrollmentId);
  assert.equal(hint.displayName, 'Authenticator');
  // The enrollment code is spent for its step; the next step's code signs in.
  await advanceClock(d.url, 30);
  const signInCode = await codeFromUri(params, await serverNow(d.url));
  const cred = await resolver.resolveSignIn(s.TotpMultiFactorGenerator.assertionForSignIn(hint.uid, signInCode));
  assert.equal(cred.user.uid, u.localId);
  assert.equal(a.auth.currentUser?.uid, u.localId);
  const after = await cred.user.getIdTokenResult();
  assert.equal(after.signInSecondFactor, 'totp');
  assert.equal(decodeJwt(after.token).claims.firebase.second_factor_identifier, enrollmentId);
});

test('generateQrCodeUrl() with no arguments: issuer is the app name, accountName the user\'s email; its code enrolls', async () => {
  const s = loadSdk();
  const a = auth();
  const u = USERS.qr;
  const me = await signIn(a, u);
  const secret = await s.TotpMultiFactorGenerator.generateSecret(await s.multiFactor(me).getSession());
  const params = checkOtpauthUri(secret.generateQrCodeUrl(), secret, { issuer: a.app.name, accountName: u.email });
  const code = await codeFromUri(params, await serverNow(d.url));
  await s.multiFactor(me).enroll(s.TotpMultiFactorGenerator.assertionForEnrollment(secret, code), 'QR');
  assert.deepEqual(factorsOf(me).map((f) => [f.factorId, f.displayName]), [['totp', 'QR']]);
});

// ------------------------------------------------------------ phone

test('phone enrollment through the SDK: verifyPhoneNumber({phoneNumber, session}), outbox code, enroll; then sign in with the resolver', async () => {
  const s = loadSdk();
  const a = auth();
  const u = USERS['phone-flow'];
  const me = await signIn(a, u);
  const phone = freshPhone();
  await enrollPhone(a, me, phone, 'Work phone');

  const enrolled = s.multiFactor(me).enrolledFactors;
  assert.equal(enrolled.length, 1, JSON.stringify(enrolled));
  assert.equal(enrolled[0].factorId, 'phone');
  assert.equal(enrolled[0].displayName, 'Work phone');
  assert.equal(enrolled[0].phoneNumber, phone);
  const enrollmentId = enrolled[0].uid;
  const result = await me.getIdTokenResult();
  assert.equal(result.signInSecondFactor, 'phone');
  assert.equal(decodeJwt(result.token).claims.firebase.second_factor_identifier, enrollmentId);

  await s.signOut(a.auth);
  const resolver = await firstFactor(a.auth, u);
  const hint = hintFor(resolver, enrollmentId);
  assert.equal(hint.factorId, 'phone');
  assert.ok(hint.phoneNumber.endsWith(phone.slice(-4)), hint.phoneNumber);
  const sms = await sendSms(d.url, a.auth, resolver, hint);
  assert.equal(sms.phoneNumber, phone);
  const cred = await resolver.resolveSignIn(phoneAssertion(sms.verificationId, sms.code));
  assert.equal(cred.user.uid, u.localId);
  const after = await cred.user.getIdTokenResult();
  assert.equal(after.signInSecondFactor, 'phone');
  assert.equal(decodeJwt(after.token).claims.firebase.second_factor_identifier, enrollmentId);
});

test('a user enrolls TOTP and then a phone in one session; the resolver offers both, and either signs in', async () => {
  const s = loadSdk();
  const a = auth();
  const u = USERS.both;
  const me = await signIn(a, u);
  const { secret } = await enrollTotp(me, 'Authenticator');
  const phone = freshPhone();
  await enrollPhone(a, me, phone, 'Phone');
  const factors = factorsOf(me);
  assert.deepEqual(factors.map((f) => f.factorId).sort(), ['phone', 'totp'], JSON.stringify(factors));
  const totpId = factors.find((f) => f.factorId === 'totp').uid;

  await s.signOut(a.auth);
  const resolver = await firstFactor(a.auth, u);
  assert.deepEqual(resolver.hints.map((h) => h.factorId).sort(), ['phone', 'totp']);
  await advanceClock(d.url, 30);
  const cred = await resolver.resolveSignIn(
    s.TotpMultiFactorGenerator.assertionForSignIn(totpId, await codeForSecret(secret, await serverNow(d.url))));
  assert.equal(cred.user.uid, u.localId);
  assert.equal((await cred.user.getIdTokenResult()).signInSecondFactor, 'totp');
});

// ------------------------------------------------------------ unenroll

test('multiFactor(user).unenroll(info) and unenroll(uid) remove factors; with none left the password alone signs in', async () => {
  const s = loadSdk();
  const a = auth();
  const u = USERS.unenroll;
  const me = await signIn(a, u);
  await enrollTotp(me, 'Authenticator');
  await enrollPhone(a, me, freshPhone(), 'Phone');
  const factors = s.multiFactor(me).enrolledFactors;
  assert.equal(factors.length, 2);
  const totpInfo = factors.find((f) => f.factorId === 'totp');
  const phoneInfo = factors.find((f) => f.factorId === 'phone');

  await s.multiFactor(me).unenroll(totpInfo);
  assert.deepEqual(factorsOf(me).map((f) => f.uid), [phoneInfo.uid]);
  assert.equal(a.auth.currentUser?.uid, u.localId, 'still signed in after unenroll');

  await s.signOut(a.auth);
  const resolver = await firstFactor(a.auth, u);
  assert.deepEqual(resolver.hints.map((h) => h.uid), [phoneInfo.uid]);
  const sms = await sendSms(d.url, a.auth, resolver, resolver.hints[0]);
  const { user: back } = await resolver.resolveSignIn(phoneAssertion(sms.verificationId, sms.code));

  await s.multiFactor(back).unenroll(phoneInfo.uid);
  assert.deepEqual(s.multiFactor(back).enrolledFactors, []);
  await s.signOut(a.auth);
  const plain = await s.signInWithEmailAndPassword(a.auth, u.email, u.password);
  assert.equal(plain.user.uid, u.localId);
  assert.deepEqual(s.multiFactor(plain.user).enrolledFactors, []);
});

test('unenroll of an unknown factor: auth/multi-factor-info-not-found', async () => {
  const s = loadSdk();
  const a = auth();
  const me = await signIn(a, USERS['not-found']);
  await expectAuthError(s.multiFactor(me).unenroll('no-such-enrollment'), 'auth/multi-factor-info-not-found', 'unenroll');
});

// ------------------------------------------------------------ errors

test('a sign-in older than 5 minutes: generateSecret, verifyPhoneNumber and enroll reject with auth/requires-recent-login', async () => {
  const s = loadSdk();
  const a = auth();
  const u = USERS.recent;
  const me = await signIn(a, u);
  const secret = await s.TotpMultiFactorGenerator.generateSecret(await s.multiFactor(me).getSession());
  await advanceClock(d.url, 301);
  await expectAuthError(s.TotpMultiFactorGenerator.generateSecret(await s.multiFactor(me).getSession()),
    'auth/requires-recent-login', 'generateSecret');
  await expectAuthError(new s.PhoneAuthProvider(a.auth).verifyPhoneNumber(
    { phoneNumber: freshPhone(), session: await s.multiFactor(me).getSession() }, fakeVerifier()),
  'auth/requires-recent-login', 'verifyPhoneNumber');
  const code = await codeForSecret(secret, await serverNow(d.url));
  await expectAuthError(s.multiFactor(me).enroll(s.TotpMultiFactorGenerator.assertionForEnrollment(secret, code), 'x'),
    'auth/requires-recent-login', 'enroll');
  // Signing in again fixes it, with the same secret.
  await s.signOut(a.auth);
  const again = await signIn(a, u);
  await s.multiFactor(again).enroll(s.TotpMultiFactorGenerator.assertionForEnrollment(secret, code), 'x');
  assert.equal(s.multiFactor(again).enrolledFactors.length, 1);
});

test('a wrong TOTP code: enroll rejects with auth/invalid-verification-code, the right one then enrolls', async () => {
  const s = loadSdk();
  const a = auth();
  const me = await signIn(a, USERS['wrong-code']);
  const secret = await s.TotpMultiFactorGenerator.generateSecret(await s.multiFactor(me).getSession());
  const now = await serverNow(d.url);
  const near = new Set(await Promise.all([-2, -1, 0, 1, 2].map((k) => codeForSecret(secret, now + k * 30_000))));
  let wrong = '000000';
  for (let i = 0; near.has(wrong); i++) wrong = String((123457 + i * 7919) % 1e6).padStart(6, '0');
  await expectAuthError(s.multiFactor(me).enroll(s.TotpMultiFactorGenerator.assertionForEnrollment(secret, wrong), 'x'),
    'auth/invalid-verification-code', 'enroll with a wrong code');
  assert.deepEqual(s.multiFactor(me).enrolledFactors, []);
  await s.multiFactor(me).enroll(
    s.TotpMultiFactorGenerator.assertionForEnrollment(secret, await codeForSecret(secret, await serverNow(d.url))), 'x');
  assert.equal(s.multiFactor(me).enrolledFactors.length, 1);
});

test('an unverified email: auth/unverified-email for TOTP and phone', async () => {
  const s = loadSdk();
  const a = auth();
  const me = await signIn(a, USERS.unverified);
  assert.equal(me.emailVerified, false);
  await expectAuthError(s.TotpMultiFactorGenerator.generateSecret(await s.multiFactor(me).getSession()),
    'auth/unverified-email', 'generateSecret');
  await expectAuthError(new s.PhoneAuthProvider(a.auth).verifyPhoneNumber(
    { phoneNumber: freshPhone(), session: await s.multiFactor(me).getSession() }, fakeVerifier()),
  'auth/unverified-email', 'verifyPhoneNumber');
});

test('an anonymous user: auth/unsupported-first-factor', async () => {
  const s = loadSdk();
  const a = auth();
  const { user: anon } = await s.signInAnonymously(a.auth);
  assert.equal(anon.isAnonymous, true);
  await expectAuthError(s.TotpMultiFactorGenerator.generateSecret(await s.multiFactor(anon).getSession()),
    'auth/unsupported-first-factor', 'generateSecret');
});

test('TOTP switched off for the project: generateSecret rejects with auth/operation-not-allowed; phone still enrolls', async () => {
  const s = loadSdk();
  const a = auth();
  const me = await signIn(a, USERS['not-allowed']);
  const off = await controlRequest(d.url, 'PATCH', `/projects/${PROJECT}/config`, { mfa: { totp: false } });
  assert.equal(off.status, 200, off.text);
  try {
    await expectAuthError(s.TotpMultiFactorGenerator.generateSecret(await s.multiFactor(me).getSession()),
      'auth/operation-not-allowed', 'generateSecret');
    await enrollPhone(a, me, freshPhone(), 'Phone');
    assert.deepEqual(factorsOf(me).map((f) => f.factorId), ['phone']);
  } finally {
    const on = await controlRequest(d.url, 'PATCH', `/projects/${PROJECT}/config`, { mfa: { totp: true } });
    assert.equal(on.status, 200, on.text);
  }
});

test('the same phone number twice: verifyPhoneNumber rejects with auth/second-factor-already-in-use', async () => {
  const s = loadSdk();
  const a = auth();
  const me = await signIn(a, USERS.dup);
  const phone = freshPhone();
  await enrollPhone(a, me, phone, 'Phone');
  await expectAuthError(new s.PhoneAuthProvider(a.auth).verifyPhoneNumber(
    { phoneNumber: phone, session: await s.multiFactor(me).getSession() }, fakeVerifier()),
  'auth/second-factor-already-in-use', 'verifyPhoneNumber for an enrolled number');
  assert.equal(s.multiFactor(me).enrolledFactors.length, 1);
});

test('an enrollment session past its 600 s: enroll rejects with auth/code-expired', async () => {
  const s = loadSdk();
  const a = auth();
  const u = USERS.expired;
  const me = await signIn(a, u);
  const secret = await s.TotpMultiFactorGenerator.generateSecret(await s.multiFactor(me).getSession());
  // A fresh sign-in late in the session's life, so the ID token is recent.
  await advanceClock(d.url, 590);
  await s.signOut(a.auth);
  const again = await signIn(a, u);
  await advanceClock(d.url, 11);
  const code = await codeForSecret(secret, await serverNow(d.url));
  await expectAuthError(s.multiFactor(again).enroll(s.TotpMultiFactorGenerator.assertionForEnrollment(secret, code), 'x'),
    'auth/code-expired', 'enroll after 601 s');
  assert.deepEqual(s.multiFactor(again).enrolledFactors, []);
});

test('a user with four factors enrolls a fifth; a sixth is auth/maximum-second-factor-count-exceeded', async () => {
  const s = loadSdk();
  const a = auth();
  const u = { ...USERS.four, enrollmentId: 'four-phone-1' };
  const resolver = await firstFactor(a.auth, u);
  assert.equal(resolver.hints.length, 4);
  const sms = await sendSms(d.url, a.auth, resolver, hintFor(resolver, 'four-phone-1'));
  const { user: me } = await resolver.resolveSignIn(phoneAssertion(sms.verificationId, sms.code));
  assert.equal(s.multiFactor(me).enrolledFactors.length, 4);
  await enrollTotp(me, 'Fifth');
  assert.equal(s.multiFactor(me).enrolledFactors.length, 5);
  await expectAuthError(s.TotpMultiFactorGenerator.generateSecret(await s.multiFactor(me).getSession()),
    'auth/maximum-second-factor-count-exceeded', 'generateSecret for a sixth factor');
  await expectAuthError(new s.PhoneAuthProvider(a.auth).verifyPhoneNumber(
    { phoneNumber: freshPhone(), session: await s.multiFactor(me).getSession() }, fakeVerifier()),
  'auth/maximum-second-factor-count-exceeded', 'verifyPhoneNumber for a sixth factor');
});

traceReportTest('sdk_enroll');
