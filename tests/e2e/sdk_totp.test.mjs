// The Firebase JS SDK signs in users with a TOTP second factor against
// mfaemu: email/password first factor, a "totp" hint in the resolver,
// TotpMultiFactorGenerator.assertionForSignIn with a code computed (otplib)
// for the emulator's clock.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  BOB, CAROL, PROJECT, ISSUER,
  useDaemon, loadSdk, firstFactor, hintFor, freshTotpStep, totpAt,
  advanceClock, decodeJwt, traceReportTest,
} from './harness.mjs';

const d = useDaemon();
const auth = () => d.auth();

test('TOTP MFA sign-in through the SDK: resolver hint "totp", assertionForSignIn signs bob in', async () => {
  const s = loadSdk();
  const a = auth();

  const resolver = await firstFactor(a, BOB);
  assert.equal(resolver.hints.length, 1, JSON.stringify(resolver.hints));
  const hint = resolver.hints[0];
  assert.equal(hint.factorId, s.TotpMultiFactorGenerator.FACTOR_ID);
  assert.equal(hint.factorId, 'totp');
  assert.equal(hint.uid, BOB.enrollmentId);
  assert.equal(hint.displayName, 'Authenticator');
  assert.equal(typeof hint.enrollmentTime, 'string', JSON.stringify(hint));

  const now = await freshTotpStep(d.url, BOB.period);
  const code = await totpAt(BOB, now);
  const cred = await resolver.resolveSignIn(s.TotpMultiFactorGenerator.assertionForSignIn(hint.uid, code));
  assert.equal(cred.operationType, 'signIn');
  assert.equal(cred.user.uid, 'bob');
  assert.equal(cred.user.email, BOB.email);
  assert.equal(a.currentUser?.uid, 'bob');

  const result = await cred.user.getIdTokenResult();
  assert.equal(result.signInSecondFactor, 'totp');
  assert.equal(result.signInProvider, 'password');
  const { claims } = decodeJwt(result.token);
  assert.equal(claims.iss, ISSUER);
  assert.equal(claims.aud, PROJECT);
  assert.equal(claims.sub, 'bob');
  assert.equal(claims.firebase.sign_in_second_factor, 'totp');
  assert.equal(claims.firebase.second_factor_identifier, BOB.enrollmentId);
  assert.ok(Math.abs(claims.iat - now / 1000) <= 5, `iat ${claims.iat} vs emulator now ${now}`);
});

test('a TOTP-signed-in user refreshes (getIdToken(true)) and keeps the totp second factor', async () => {
  const s = loadSdk();
  const a = auth();
  const resolver = await firstFactor(a, BOB);
  const hint = hintFor(resolver, BOB.enrollmentId);
  const now = await freshTotpStep(d.url, BOB.period);
  const { user } = await resolver.resolveSignIn(
    s.TotpMultiFactorGenerator.assertionForSignIn(hint.uid, await totpAt(BOB, now)));
  const first = await user.getIdToken();
  await advanceClock(d.url, 10);
  const second = await user.getIdToken(true);
  assert.notEqual(second, first);
  const c = decodeJwt(second).claims;
  assert.equal(c.sub, 'bob');
  assert.equal(c.firebase.sign_in_second_factor, 'totp');
  assert.equal(c.firebase.second_factor_identifier, BOB.enrollmentId);
});

test('an 8-digit SHA256 TOTP factor (carol-totp) signs in through the SDK', async () => {
  const s = loadSdk();
  const a = auth();
  const carolTotp = {
    secret: '6IJSVADRO4MSOAO2OZINRETRIPWDR6IH', algorithm: 'sha256', digits: 8, period: 30,
  };
  const resolver = await firstFactor(a, CAROL);
  const hint = hintFor(resolver, 'carol-totp');
  assert.equal(hint.factorId, 'totp');
  const now = await freshTotpStep(d.url, carolTotp.period);
  const code = await totpAt(carolTotp, now);
  assert.match(code, /^\d{8}$/);
  const cred = await resolver.resolveSignIn(s.TotpMultiFactorGenerator.assertionForSignIn(hint.uid, code));
  assert.equal(cred.user.uid, 'carol');
  const { claims } = decodeJwt(await cred.user.getIdToken());
  assert.equal(claims.firebase.sign_in_second_factor, 'totp');
  assert.equal(claims.firebase.second_factor_identifier, 'carol-totp');
});

test('the code of the previous TOTP step is still accepted through the SDK (±1 step window)', async () => {
  const s = loadSdk();
  const a = auth();
  const resolver = await firstFactor(a, BOB);
  const now = await freshTotpStep(d.url, BOB.period);
  const code = await totpAt(BOB, now - BOB.period * 1000);
  const cred = await resolver.resolveSignIn(
    s.TotpMultiFactorGenerator.assertionForSignIn(BOB.enrollmentId, code));
  assert.equal(cred.user.uid, 'bob');
});

traceReportTest('sdk_totp');
