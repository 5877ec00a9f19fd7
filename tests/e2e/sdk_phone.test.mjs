// The Firebase JS SDK (browser build, in-memory persistence) signs in a
// user with an SMS second factor against mfaemu, exactly as an app would
// after connectAuthEmulator(auth, url): email/password first factor,
// auth/multi-factor-auth-required, MultiFactorResolver, verifyPhoneNumber,
// the code from the emulator's SMS outbox, resolveSignIn; then a forced
// token refresh through securetoken.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  ALICE, CAROL, ERIN, PROJECT, ISSUER,
  useDaemon, loadSdk, firstFactor, hintFor, sendSms, phoneAssertion,
  advanceClock, decodeJwt, expectAuthError, traceReportTest,
} from './harness.mjs';

const d = useDaemon();
const auth = () => d.auth();

test('phone MFA sign-in through the SDK: first factor, SMS from the outbox, resolveSignIn signs alice in', async () => {
  const s = loadSdk();
  const a = auth();

  const resolver = await firstFactor(a, ALICE);
  assert.equal(resolver.hints.length, 1, JSON.stringify(resolver.hints));
  const hint = resolver.hints[0];
  assert.equal(hint.factorId, s.PhoneMultiFactorGenerator.FACTOR_ID);
  assert.equal(hint.factorId, 'phone');
  assert.equal(hint.uid, ALICE.enrollmentId);
  assert.equal(hint.displayName, "Alice's phone");
  assert.equal(typeof hint.phoneNumber, 'string', JSON.stringify(hint));
  assert.ok(hint.phoneNumber.endsWith('0101'), `hint phone number ${hint.phoneNumber}`);
  assert.equal(typeof hint.enrollmentTime, 'string', JSON.stringify(hint));
  assert.equal(resolver.session.type, 'signin');
  assert.equal(a.currentUser, null, 'no user before the second factor');

  const { verificationId, code, phoneNumber } = await sendSms(d.url, a, resolver, hint);
  assert.equal(phoneNumber, ALICE.phoneNumber);
  assert.match(code, /^\d{6}$/);

  const cred = await resolver.resolveSignIn(phoneAssertion(verificationId, code));
  assert.equal(cred.operationType, 'signIn');
  assert.equal(cred.user.uid, 'alice');
  assert.equal(cred.user.email, ALICE.email);
  assert.equal(cred.user.emailVerified, true);
  assert.equal(a.currentUser?.uid, 'alice');
  // accounts:lookup fills in the user's enrolled factors.
  const enrolled = s.multiFactor(cred.user).enrolledFactors;
  assert.deepEqual(enrolled.map((f) => `${f.factorId}:${f.uid}`), ['phone:alice-phone'], JSON.stringify(enrolled));
  assert.equal(enrolled[0].phoneNumber, ALICE.phoneNumber);

  const result = await cred.user.getIdTokenResult();
  assert.equal(result.signInProvider, 'password');
  assert.equal(result.signInSecondFactor, 'phone');
  const { header, claims } = decodeJwt(result.token);
  assert.equal(header.alg, 'RS256');
  assert.equal(typeof header.kid, 'string');
  assert.equal(claims.iss, ISSUER);
  assert.equal(claims.aud, PROJECT);
  assert.equal(claims.sub, 'alice');
  assert.equal(claims.firebase.sign_in_second_factor, 'phone');
  assert.equal(claims.firebase.second_factor_identifier, ALICE.enrollmentId);
});

test('user.getIdToken(true) refreshes through securetoken: a new token, same user, still phone second factor', async () => {
  const s = loadSdk();
  const a = auth();
  const resolver = await firstFactor(a, ALICE);
  const { verificationId, code } = await sendSms(d.url, a, resolver, hintFor(resolver, ALICE.enrollmentId));
  const { user } = await resolver.resolveSignIn(s.PhoneMultiFactorGenerator.assertion(
    s.PhoneAuthProvider.credential(verificationId, code)));

  const first = await user.getIdToken();
  const c1 = decodeJwt(first).claims;
  // Tokens carry whole seconds: move the emulator's clock so the refreshed
  // token's iat differs from the first one's whatever the wall clock does.
  await advanceClock(d.url, 10);
  const second = await user.getIdToken(true);
  assert.notEqual(second, first, 'forced refresh returned the same ID token');
  const c2 = decodeJwt(second).claims;
  assert.equal(c2.sub, 'alice');
  assert.equal(c2.iss, ISSUER);
  assert.equal(c2.aud, PROJECT);
  assert.ok(c2.iat >= c1.iat + 10, `refreshed iat ${c2.iat} vs first ${c1.iat}`);
  assert.equal(c2.auth_time, c1.auth_time, 'auth_time is the sign-in time, kept across refreshes');
  assert.equal(c2.firebase.sign_in_second_factor, 'phone');
  assert.equal(c2.firebase.second_factor_identifier, ALICE.enrollmentId);
  assert.equal(c2.firebase.sign_in_provider, 'password');
  assert.equal(a.currentUser?.uid, 'alice');
  assert.equal((await user.getIdTokenResult()).signInSecondFactor, 'phone');
});

test('a configured test phone number gets its fixed code through the SDK (carol, 123456)', async () => {
  const a = auth();
  const resolver = await firstFactor(a, CAROL);
  const ids = resolver.hints.map((h) => `${h.factorId}:${h.uid}`).sort();
  assert.deepEqual(ids, ['phone:carol-phone', 'totp:carol-totp']);
  const { verificationId, code, phoneNumber } = await sendSms(d.url, a, resolver, hintFor(resolver, 'carol-phone'));
  assert.equal(phoneNumber, CAROL.phoneNumber);
  assert.equal(code, CAROL.fixedCode);
  const cred = await resolver.resolveSignIn(phoneAssertion(verificationId, CAROL.fixedCode));
  assert.equal(cred.user.uid, 'carol');
  const { claims } = decodeJwt(await cred.user.getIdToken());
  assert.equal(claims.firebase.sign_in_second_factor, 'phone');
  assert.equal(claims.firebase.second_factor_identifier, 'carol-phone');
});

test('signOut then a second full phone sign-in on the same Auth instance works', async () => {
  const s = loadSdk();
  const a = auth();
  for (let i = 0; i < 2; i++) {
    const resolver = await firstFactor(a, ALICE);
    const { verificationId, code } = await sendSms(d.url, a, resolver, hintFor(resolver, ALICE.enrollmentId));
    const cred = await resolver.resolveSignIn(phoneAssertion(verificationId, code));
    assert.equal(cred.user.uid, 'alice', `round ${i}`);
    await s.signOut(a);
    assert.equal(a.currentUser, null, `round ${i}`);
  }
});

test('reauthenticateWithCredential on a signed-in MFA user asks for the second factor again and resolves', async () => {
  const s = loadSdk();
  const a = auth();
  const resolver = await firstFactor(a, ALICE);
  const sms = await sendSms(d.url, a, resolver, hintFor(resolver, ALICE.enrollmentId));
  const { user } = await resolver.resolveSignIn(phoneAssertion(sms.verificationId, sms.code));

  let err;
  try {
    await s.reauthenticateWithCredential(user, s.EmailAuthProvider.credential(ALICE.email, ALICE.password));
    assert.fail('reauthenticateWithCredential resolved without a second factor');
  } catch (e) {
    if (e instanceof assert.AssertionError) throw e;
    err = e;
  }
  assert.equal(err.code, 'auth/multi-factor-auth-required', String(err));
  const reResolver = s.getMultiFactorResolver(a, err);
  const again = await sendSms(d.url, a, reResolver, hintFor(reResolver, ALICE.enrollmentId));
  const cred = await reResolver.resolveSignIn(phoneAssertion(again.verificationId, again.code));
  assert.equal(cred.operationType, 'reauthenticate');
  assert.equal(cred.user.uid, 'alice');
  assert.equal((await cred.user.getIdTokenResult()).signInSecondFactor, 'phone');
});

test('multi-tenant app: with auth.tenantId = "tenant-a" erin signs in with her phone factor and the token names the tenant', async () => {
  const s = loadSdk();
  const a = auth();
  a.tenantId = ERIN.tenantId;
  const resolver = await firstFactor(a, ERIN);
  const { verificationId, code, phoneNumber } = await sendSms(d.url, a, resolver, hintFor(resolver, ERIN.enrollmentId));
  assert.equal(phoneNumber, ERIN.phoneNumber);
  const cred = await resolver.resolveSignIn(phoneAssertion(verificationId, code));
  assert.equal(cred.user.uid, 'erin');
  assert.equal(cred.user.tenantId, ERIN.tenantId);
  const { claims } = decodeJwt(await cred.user.getIdToken(true));
  assert.equal(claims.firebase.tenant, ERIN.tenantId, JSON.stringify(claims));
  assert.equal(claims.firebase.sign_in_second_factor, 'phone');

  // The same user is not found outside her tenant.
  const other = auth();
  await expectAuthError(s.signInWithEmailAndPassword(other, ERIN.email, ERIN.password),
    'auth/user-not-found', 'erin without the tenant');
});

traceReportTest('sdk_phone');
