// ID tokens that mfaemu issues (through the Firebase SDK's phone and TOTP
// flows, its securetoken refresh, and the generated REST client) verify with
// jose against the emulator's JWKS at Google's path, and against its x509
// certificate map as firebase-admin style verifiers use it; a token with
// one byte changed does not.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as jose from 'jose';
import { identitytoolkit } from '@googleapis/identitytoolkit';
import {
  ALICE, API_KEY, BOB, CAROL, PROJECT, ISSUER, JWKS_PATH,
  useDaemon, loadSdk, sdkPhoneSignIn, sdkTotpSignIn, smsFor, advanceClock,
  traceReportTest,
} from './harness.mjs';

const X509_PATH = '/robot/v1/metadata/x509/securetoken@system.gserviceaccount.com';

const d = useDaemon();
const auth = () => d.auth();
let JWKS;
/** The emulator's JWKS for jose, made on first use (the daemon is up by then). */
const jwks = () => (JWKS ??= jose.createRemoteJWKSet(new URL(d.url + JWKS_PATH)));
/** name -> {token, sub, factor, enrollmentId} */
const tokens = new Map();

const VERIFY = { issuer: ISSUER, audience: PROJECT, algorithms: ['RS256'] };

async function verifyAndCheck(name) {
  const t = tokens.get(name);
  assert.ok(t, `no ${name} token: an earlier test in this file failed`);
  const { payload, protectedHeader } = await jose.jwtVerify(t.token, jwks(), VERIFY);
  assert.equal(protectedHeader.alg, 'RS256');
  assert.equal(typeof protectedHeader.kid, 'string');
  assert.equal(payload.sub, t.sub);
  assert.equal(payload.user_id, t.sub);
  assert.equal(payload.exp, payload.iat + 3600);
  assert.equal(payload.firebase?.sign_in_second_factor, t.factor, JSON.stringify(payload));
  assert.equal(payload.firebase?.second_factor_identifier, t.enrollmentId, JSON.stringify(payload));
  return payload;
}

/** Change one byte of the compact token's part (0 header, 1 payload, 2 signature). */
function tamper(token, part) {
  const parts = token.split('.');
  const bytes = Buffer.from(parts[part], 'base64url');
  const i = Math.floor(bytes.length / 2);
  bytes[i] ^= 0x01;
  parts[part] = bytes.toString('base64url');
  const out = parts.join('.');
  assert.notEqual(out, token);
  return out;
}

test('SDK phone sign-in: the ID token verifies with jose (JWKS, issuer, audience)', async () => {
  const cred = await sdkPhoneSignIn(d.url, auth(), ALICE);
  tokens.set('phone', { token: await cred.user.getIdToken(), sub: 'alice', factor: 'phone', enrollmentId: ALICE.enrollmentId });
  const payload = await verifyAndCheck('phone');
  assert.equal(payload.email, ALICE.email);
  assert.equal(payload.firebase.sign_in_provider, 'password');

  // The refreshed token (securetoken) verifies too.
  await advanceClock(d.url, 5);
  tokens.set('refreshed', { token: await cred.user.getIdToken(true), sub: 'alice', factor: 'phone', enrollmentId: ALICE.enrollmentId });
  assert.notEqual(tokens.get('refreshed').token, tokens.get('phone').token);
  await verifyAndCheck('refreshed');
});

test('SDK TOTP sign-in: the ID token verifies with jose', async () => {
  const cred = await sdkTotpSignIn(d.url, auth(), BOB);
  tokens.set('totp', { token: await cred.user.getIdToken(), sub: 'bob', factor: 'totp', enrollmentId: BOB.enrollmentId });
  const payload = await verifyAndCheck('totp');
  assert.equal(payload.email, BOB.email);
});

test('generated REST client sign-in: the ID token verifies with jose', async () => {
  const it = identitytoolkit({ version: 'v2', rootUrl: `${d.url}/`, params: { key: API_KEY } });
  const s = await it.accounts.mfaSignIn.start({
    requestBody: { mfaPendingCredential: CAROL.credential, mfaEnrollmentId: CAROL.enrollmentId },
  });
  const sessionInfo = s.data.phoneResponseInfo.sessionInfo;
  const { code } = await smsFor(d.url, sessionInfo);
  const f = await it.accounts.mfaSignIn.finalize({
    requestBody: { mfaPendingCredential: CAROL.credential, phoneVerificationInfo: { sessionInfo, code } },
  });
  tokens.set('rest', { token: f.data.idToken, sub: 'carol', factor: 'phone', enrollmentId: CAROL.enrollmentId });
  await verifyAndCheck('rest');
});

test('a first-factor-only token (createUserWithEmailAndPassword, no MFA) verifies and names no second factor', async () => {
  const s = loadSdk();
  const a = auth();
  const email = `e2e-${process.pid}-${Date.now()}@example.com`;
  const cred = await s.createUserWithEmailAndPassword(a, email, 'e2e-password-1');
  assert.equal(cred.user.email, email);
  const token = await cred.user.getIdToken();
  tokens.set('signup', { token, sub: cred.user.uid, factor: undefined, enrollmentId: undefined });
  const payload = await verifyAndCheck('signup');
  assert.equal(payload.email, email);
  assert.equal(payload.firebase.sign_in_provider, 'password');
  assert.ok(!('sign_in_second_factor' in payload.firebase), JSON.stringify(payload));
});

test('the same tokens verify against the x509 certificate map (importX509 by kid)', async () => {
  const res = await fetch(d.url + X509_PATH);
  assert.equal(res.status, 200);
  const certs = await res.json();
  assert.ok(Object.keys(certs).length >= 1, JSON.stringify(certs));
  for (const [name, t] of tokens) {
    const { kid } = jose.decodeProtectedHeader(t.token);
    assert.ok(certs[kid], `${name}: no certificate for kid ${kid} in ${Object.keys(certs)}`);
    const key = await jose.importX509(certs[kid], 'RS256');
    const { payload } = await jose.jwtVerify(t.token, key, VERIFY);
    assert.equal(payload.sub, t.sub, name);
  }
  assert.ok(tokens.size >= 5, `tokens verified: ${[...tokens.keys()]}`);
});

test('a token with one byte changed (signature, payload or header) fails verification', async () => {
  const t = tokens.get('phone') ?? tokens.values().next().value;
  assert.ok(t, 'no token from the flows above');
  await assert.rejects(jose.jwtVerify(tamper(t.token, 2), jwks(), VERIFY),
    (e) => e.code === 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED' || assert.fail(`${e.code}: ${e.message}`));
  await assert.rejects(jose.jwtVerify(tamper(t.token, 1), jwks(), VERIFY),
    (e) => e instanceof jose.errors.JOSEError || assert.fail(`${e?.code}: ${e?.message}`));
  await assert.rejects(jose.jwtVerify(tamper(t.token, 0), jwks(), VERIFY),
    (e) => e instanceof jose.errors.JOSEError || assert.fail(`${e?.code}: ${e?.message}`));
});

test('a token for the wrong audience or issuer is refused by the claim checks', async () => {
  const t = tokens.get('phone') ?? tokens.values().next().value;
  assert.ok(t, 'no token from the flows above');
  await assert.rejects(jose.jwtVerify(t.token, jwks(), { ...VERIFY, audience: 'other-project' }),
    (e) => e.code === 'ERR_JWT_CLAIM_VALIDATION_FAILED' && e.claim === 'aud');
  await assert.rejects(jose.jwtVerify(t.token, jwks(), { ...VERIFY, issuer: 'https://securetoken.google.com/other-project' }),
    (e) => e.code === 'ERR_JWT_CLAIM_VALIDATION_FAILED' && e.claim === 'iss');
});

traceReportTest('jose_verify');
