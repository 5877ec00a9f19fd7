// MFA enrollment (accounts.mfaEnrollment.start / finalize / withdraw, v2):
// TOTP and phone factors enrolled with an ID token, the codes computed from
// the returned secret (RFC 6238, for the emulator's clock) or read from the
// SMS outbox, then used to sign in through mfaSignIn; withdrawal; and every
// rule Google applies, with its error CODE.
//
// Each test gets its own users, loaded at run time through
// POST /emulator/v1/fixtures, so the tests share one daemon but no state.
// The clock only moves forward; every test signs in after its last clock
// move that matters.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  PROJECT, GOOGLE_PREFIX, FINALIZE, START,
  startDaemon, call, expectOk, expectError, passwordUser,
  advanceClock, serverNow, freshTotpStep, totp, wrongTotp, wrongCode,
  codeFor, readCodes, verifyIdToken, decodeJwt,
} from './harness.mjs';

const E_START = '/v2/accounts/mfaEnrollment:start';
const E_FINALIZE = '/v2/accounts/mfaEnrollment:finalize';
const E_WITHDRAW = '/v2/accounts/mfaEnrollment:withdraw';
const LOOKUP = '/v1/accounts:lookup';
const SIGN_IN = '/v1/accounts:signInWithPassword';
const SIGN_UP = '/v1/accounts:signUp';

const TEST_PHONE = '+15555550100';
const TEST_PHONE_CODE = '123456';

let d;

before(async () => {
  d = await startDaemon({
    fixtures: [{
      projectId: PROJECT,
      mfa: { phone: true, totp: true },
      testPhoneNumbers: { [TEST_PHONE]: TEST_PHONE_CODE },
      tenants: [
        { tenantId: 'tenant-on', mfa: { phone: true, totp: true } },
        { tenantId: 'tenant-off', mfa: { phone: false, totp: false } },
        { tenantId: 'tenant-short', mfa: { phone: true, totp: true }, smsCodeTtlSeconds: 60 },
      ],
      users: [],
    }],
  });
});

after(async () => {
  await d?.stop();
});

// ------------------------------------------------------------ helpers

let seq = 0;
let phoneSeq = 0;

/** A phone number no other test uses: +1555556NNNN. */
function freshPhone() {
  phoneSeq += 1;
  return `+1555556${String(phoneSeq).padStart(4, '0')}`;
}

/**
 * A new user (email verified, with a password, no second factor unless
 * extra.mfaInfo) loaded through POST /emulator/v1/fixtures.
 */
async function newUser(prefix, extra = {}) {
  seq += 1;
  const localId = `${prefix}-${seq}`;
  const user = passwordUser(localId, extra);
  const res = await call(d.url, '/emulator/v1/fixtures', { users: [user] }, { key: null });
  const counts = expectOk(res);
  assert.equal(counts.users, 1, res.text);
  return user;
}

/** First factor for a user without second factors: {idToken, refreshToken, claims}. */
async function signIn(user) {
  const body = { email: user.email, password: user.password, returnSecureToken: true };
  if (user.tenantId) body.tenantId = user.tenantId;
  const res = await call(d.url, SIGN_IN, body);
  const out = expectOk(res);
  assert.equal(typeof out.idToken, 'string', `no idToken for ${user.email}: ${res.text}`);
  assert.ok(!('mfaPendingCredential' in out), res.text);
  return { idToken: out.idToken, refreshToken: out.refreshToken, claims: decodeJwt(out.idToken).claims };
}

const eStart = (body, prefix = '') => call(d.url, prefix + E_START, body);
const eFinalize = (body, prefix = '') => call(d.url, prefix + E_FINALIZE, body);
const eWithdraw = (body, prefix = '') => call(d.url, prefix + E_WITHDRAW, body);

/** mfaEnrollment:start for TOTP; asserts 200 and the response shape. Returns totpSessionInfo. */
async function startTotp(idToken, { prefix = '', tenantId } = {}) {
  const body = { idToken, totpEnrollmentInfo: {} };
  if (tenantId) body.tenantId = tenantId;
  const res = await eStart(body, prefix);
  const out = expectOk(res);
  assert.deepEqual(Object.keys(out), ['totpSessionInfo'], res.text);
  const info = out.totpSessionInfo;
  assert.deepEqual(Object.keys(info).sort(), ['finalizeEnrollmentTime', 'hashingAlgorithm', 'periodSec',
    'sessionInfo', 'sharedSecretKey', 'verificationCodeLength'], res.text);
  assert.match(info.sharedSecretKey, /^[A-Z2-7]+=*$/, `sharedSecretKey is not base32: ${res.text}`);
  assert.equal(info.verificationCodeLength, 6, res.text);
  assert.equal(info.hashingAlgorithm, 'SHA1', res.text);
  assert.equal(info.periodSec, 30, res.text);
  assert.equal(typeof info.sessionInfo, 'string', res.text);
  assert.ok(info.sessionInfo.length > 0, res.text);
  assert.equal(typeof info.finalizeEnrollmentTime, 'string', res.text);
  assert.ok(!Number.isNaN(Date.parse(info.finalizeEnrollmentTime)), res.text);
  return info;
}

/** The TOTP code for a session's secret at the emulator time nowMs. */
function codeFor_(info, nowMs) {
  return totp(info.sharedSecretKey, {
    algorithm: info.hashingAlgorithm, digits: info.verificationCodeLength, period: info.periodSec, nowMs,
  });
}

function totpFinalizeBody(idToken, info, code, displayName = 'Authenticator') {
  const body = { idToken, totpVerificationInfo: { sessionInfo: info.sessionInfo, verificationCode: code } };
  if (displayName !== undefined) body.displayName = displayName;
  return body;
}

/** mfaEnrollment:start for a phone; asserts 200. Returns {sessionInfo, code} (code from the outbox). */
async function startPhone(idToken, phoneNumber, { prefix = '', tenantId } = {}) {
  const body = { idToken, phoneEnrollmentInfo: { phoneNumber } };
  if (tenantId) body.tenantId = tenantId;
  const res = await eStart(body, prefix);
  const out = expectOk(res);
  assert.deepEqual(Object.keys(out), ['phoneSessionInfo'], res.text);
  const sessionInfo = out.phoneSessionInfo?.sessionInfo;
  assert.equal(typeof sessionInfo, 'string', res.text);
  assert.ok(sessionInfo.length > 0, res.text);
  const entry = await codeFor(d.url, sessionInfo, PROJECT, tenantId);
  assert.equal(entry.phoneNumber, phoneNumber);
  return { sessionInfo, code: entry.code };
}

function phoneFinalizeBody(idToken, sessionInfo, code, displayName = 'Phone') {
  const body = { idToken, phoneVerificationInfo: { sessionInfo, code } };
  if (displayName !== undefined) body.displayName = displayName;
  return body;
}

/** Asserts a 200 finalize/withdraw answer with fresh tokens; returns {idToken, refreshToken, claims}. */
async function expectTokens(res, user) {
  const out = expectOk(res);
  assert.equal(typeof out.idToken, 'string', res.text);
  assert.equal(typeof out.refreshToken, 'string', res.text);
  assert.ok(out.refreshToken.length > 0, res.text);
  const claims = await verifyIdToken(d.url, out.idToken, PROJECT);
  assert.equal(claims.sub, user.localId, JSON.stringify(claims));
  assert.equal(claims.email, user.email, JSON.stringify(claims));
  assert.equal(claims.firebase.sign_in_provider, 'password', JSON.stringify(claims));
  return { idToken: out.idToken, refreshToken: out.refreshToken, claims };
}

/** The enrollment a successful enrollment finalize made, from its ID token. */
function enrolledId(claims, factor) {
  assert.equal(claims.firebase.sign_in_second_factor, factor, JSON.stringify(claims));
  const id = claims.firebase.second_factor_identifier;
  assert.equal(typeof id, 'string', JSON.stringify(claims));
  assert.ok(id.length > 0, JSON.stringify(claims));
  return id;
}

/** POST /v1/accounts:lookup; asserts 200 and returns the one user. */
async function lookup(idToken) {
  const res = await call(d.url, LOOKUP, { idToken });
  const out = expectOk(res);
  assert.equal(out.users?.length, 1, res.text);
  return out.users[0];
}

/** A whole TOTP enrollment at a fresh step; returns {info, code, nowMs, tokens, enrollmentId}. */
async function enrollTotp(user, idToken, displayName = 'Authenticator') {
  const info = await startTotp(idToken);
  const nowMs = await serverNow(d.url);
  const code = codeFor_(info, nowMs);
  const tokens = await expectTokens(await eFinalize(totpFinalizeBody(idToken, info, code, displayName)), user);
  return { info, code, nowMs, tokens, enrollmentId: enrolledId(tokens.claims, 'totp') };
}

/** A whole phone enrollment; returns {tokens, enrollmentId}. */
async function enrollPhone(user, idToken, phone, displayName = 'Phone') {
  const s = await startPhone(idToken, phone, { tenantId: user.tenantId });
  const body = phoneFinalizeBody(idToken, s.sessionInfo, s.code, displayName);
  const tokens = await expectTokens(await eFinalize(body), user);
  return { tokens, enrollmentId: enrolledId(tokens.claims, 'phone') };
}

async function patchMfa(mfa, tenant) {
  const p = `/emulator/v1/projects/${PROJECT}` + (tenant ? `/tenants/${tenant}` : '') + '/config';
  const res = await call(d.url, p, { mfa }, { key: null, method: 'PATCH' });
  expectOk(res);
}

/** signInWithPassword for a user with factors: asserts the MFA answer and returns it. */
async function mfaRequired(user) {
  const body = { email: user.email, password: user.password, returnSecureToken: true };
  if (user.tenantId) body.tenantId = user.tenantId;
  const res = await call(d.url, SIGN_IN, body);
  const out = expectOk(res);
  assert.equal(typeof out.mfaPendingCredential, 'string', `no mfaPendingCredential: ${res.text}`);
  assert.ok(!('idToken' in out), `tokens before the second factor: ${res.text}`);
  assert.ok(Array.isArray(out.mfaInfo), res.text);
  return out;
}

// ------------------------------------------------------------ TOTP

test('TOTP enrollment: start gives a base32 secret, the RFC 6238 code finalizes, the factor signs in through mfaSignIn', async () => {
  const user = await newUser('totp');
  await freshTotpStep(d.url);
  const first = await signIn(user);

  const startedAt = await serverNow(d.url);
  const info = await startTotp(first.idToken);
  // Google's secrets are 20 random bytes: 32 base32 characters, no padding.
  assert.equal(info.sharedSecretKey.length, 32, info.sharedSecretKey);
  const ttl = Date.parse(info.finalizeEnrollmentTime) - startedAt;
  assert.ok(ttl >= 598_000 && ttl <= 602_000, `finalizeEnrollmentTime ${info.finalizeEnrollmentTime} is ${ttl} ms after start`);

  const now = await serverNow(d.url);
  const code = codeFor_(info, now);
  const res = await eFinalize(totpFinalizeBody(first.idToken, info, code, 'My authenticator'));
  const tok = await expectTokens(res, user);
  assert.notEqual(tok.idToken, first.idToken);
  assert.notEqual(tok.refreshToken, first.refreshToken);
  const id = enrolledId(tok.claims, 'totp');
  assert.ok(Math.abs(tok.claims.iat - now / 1000) <= 5, `iat ${tok.claims.iat} vs emulator ${now}`);
  assert.ok(Number.isInteger(tok.claims.auth_time) && tok.claims.auth_time <= tok.claims.iat, JSON.stringify(tok.claims));

  // accounts:lookup lists the factor at once, without its secret.
  const u = await lookup(tok.idToken);
  assert.equal(u.localId, user.localId);
  assert.equal(u.mfaInfo?.length, 1, JSON.stringify(u));
  const f = u.mfaInfo[0];
  assert.deepEqual(Object.keys(f).sort(), ['displayName', 'enrolledAt', 'mfaEnrollmentId', 'totpInfo'], JSON.stringify(f));
  assert.equal(f.mfaEnrollmentId, id);
  assert.equal(f.displayName, 'My authenticator');
  assert.deepEqual(f.totpInfo, {});
  assert.ok(Math.abs(Date.parse(f.enrolledAt) - now) <= 5000, `enrolledAt ${f.enrolledAt} vs emulator ${now}`);
  assert.ok(!JSON.stringify(u).includes(info.sharedSecretKey), 'lookup leaks the TOTP secret');
  // The old ID token sees the same account.
  assert.deepEqual((await lookup(first.idToken)).mfaInfo, u.mfaInfo);

  // signInWithPassword now stops at the second factor.
  const mfa = await mfaRequired(user);
  assert.equal(mfa.mfaInfo.length, 1, JSON.stringify(mfa));
  assert.equal(mfa.mfaInfo[0].mfaEnrollmentId, id);
  assert.deepEqual(mfa.mfaInfo[0].totpInfo, {});
  assert.equal(mfa.mfaInfo[0].displayName, 'My authenticator');

  // The enrollment code is spent for its step (replay protection)...
  const replay = await call(d.url, FINALIZE, {
    mfaPendingCredential: mfa.mfaPendingCredential, mfaEnrollmentId: id,
    totpVerificationInfo: { verificationCode: code },
  });
  expectError(replay, 400, 'INVALID_CODE');

  // ...and the next step's code signs in.
  await advanceClock(d.url, 30);
  const later = await serverNow(d.url);
  const signed = await call(d.url, FINALIZE, {
    mfaPendingCredential: mfa.mfaPendingCredential, mfaEnrollmentId: id,
    totpVerificationInfo: { verificationCode: codeFor_(info, later) },
  });
  const out = expectOk(signed);
  const claims = await verifyIdToken(d.url, out.idToken, PROJECT);
  assert.equal(claims.sub, user.localId);
  assert.equal(claims.firebase.sign_in_second_factor, 'totp');
  assert.equal(claims.firebase.second_factor_identifier, id);
});

test('TOTP enrollment: the refresh token finalize returns refreshes to a token that keeps the totp factor', async () => {
  const user = await newUser('refresh');
  await freshTotpStep(d.url);
  const first = await signIn(user);
  const { tokens, enrollmentId } = await enrollTotp(user, first.idToken);
  await advanceClock(d.url, 5);
  const res = await call(d.url, '/v1/token', { grant_type: 'refresh_token', refresh_token: tokens.refreshToken });
  const out = expectOk(res);
  const claims = await verifyIdToken(d.url, out.id_token, PROJECT);
  assert.equal(claims.sub, user.localId);
  assert.equal(claims.firebase.sign_in_second_factor, 'totp', JSON.stringify(claims));
  assert.equal(claims.firebase.second_factor_identifier, enrollmentId, JSON.stringify(claims));
});

test('TOTP enrollment: each start issues a new secret and session; two finalized sessions give two factors with distinct ids', async () => {
  const user = await newUser('two-totp');
  await freshTotpStep(d.url);
  const first = await signIn(user);
  const a = await startTotp(first.idToken);
  const b = await startTotp(first.idToken);
  assert.notEqual(a.sharedSecretKey, b.sharedSecretKey);
  assert.notEqual(a.sessionInfo, b.sessionInfo);
  const now = await serverNow(d.url);
  const ta = await expectTokens(await eFinalize(totpFinalizeBody(first.idToken, a, codeFor_(a, now), 'A')), user);
  const tb = await expectTokens(await eFinalize(totpFinalizeBody(first.idToken, b, codeFor_(b, now), 'B')), user);
  const ida = enrolledId(ta.claims, 'totp');
  const idb = enrolledId(tb.claims, 'totp');
  assert.notEqual(ida, idb);
  const u = await lookup(tb.idToken);
  assert.deepEqual(u.mfaInfo.map((f) => [f.mfaEnrollmentId, f.displayName]).sort(),
    [[ida, 'A'], [idb, 'B']].sort());
});

test('TOTP enrollment: the code of the previous step is accepted (±1 step), a code two steps old is not', async () => {
  const user = await newUser('window');
  const now0 = await freshTotpStep(d.url);
  const first = await signIn(user);
  const info = await startTotp(first.idToken);
  const stale = codeFor_(info, now0 - 60_000);
  const prev = codeFor_(info, now0 - 30_000);
  // Only meaningful when the two codes differ from the current one.
  if (stale !== codeFor_(info, now0) && stale !== prev && stale !== codeFor_(info, now0 + 30_000)) {
    expectError(await eFinalize(totpFinalizeBody(first.idToken, info, stale)), 400, 'INVALID_CODE');
  }
  const tok = await expectTokens(await eFinalize(totpFinalizeBody(first.idToken, info, prev)), user);
  enrolledId(tok.claims, 'totp');
});

// ------------------------------------------------------------ phone

test('phone enrollment: start sends an SMS to the new number, the outbox code finalizes, the factor signs in through mfaSignIn', async () => {
  const user = await newUser('phone');
  const phone = freshPhone();
  const first = await signIn(user);

  const s = await startPhone(first.idToken, phone);
  assert.match(s.code, /^\d{6}$/);
  const res = await eFinalize(phoneFinalizeBody(first.idToken, s.sessionInfo, s.code, 'Work phone'));
  const tok = await expectTokens(res, user);
  const id = enrolledId(tok.claims, 'phone');

  const u = await lookup(tok.idToken);
  assert.equal(u.mfaInfo?.length, 1, JSON.stringify(u));
  const f = u.mfaInfo[0];
  assert.deepEqual(Object.keys(f).sort(), ['displayName', 'enrolledAt', 'mfaEnrollmentId', 'phoneInfo', 'unobfuscatedPhoneInfo'], JSON.stringify(f));
  assert.equal(f.mfaEnrollmentId, id);
  assert.equal(f.displayName, 'Work phone');
  assert.equal(f.phoneInfo, phone);
  assert.ok(!Number.isNaN(Date.parse(f.enrolledAt)), f.enrolledAt);

  const mfa = await mfaRequired(user);
  assert.equal(mfa.mfaInfo.length, 1, JSON.stringify(mfa));
  assert.equal(mfa.mfaInfo[0].mfaEnrollmentId, id);
  assert.equal(typeof mfa.mfaInfo[0].phoneInfo, 'string');
  assert.ok(mfa.mfaInfo[0].phoneInfo.endsWith(phone.slice(-4)), JSON.stringify(mfa.mfaInfo));

  // Sign in with the new factor: a fresh SMS to the enrolled number.
  const st = expectOk(await call(d.url, START, { mfaPendingCredential: mfa.mfaPendingCredential, mfaEnrollmentId: id }));
  const sessionInfo = st.phoneResponseInfo?.sessionInfo;
  assert.equal(typeof sessionInfo, 'string');
  const sms = await codeFor(d.url, sessionInfo);
  assert.equal(sms.phoneNumber, phone);
  const out = expectOk(await call(d.url, FINALIZE, {
    mfaPendingCredential: mfa.mfaPendingCredential,
    phoneVerificationInfo: { sessionInfo, code: sms.code },
  }));
  const claims = await verifyIdToken(d.url, out.idToken, PROJECT);
  assert.equal(claims.sub, user.localId);
  assert.equal(claims.firebase.sign_in_second_factor, 'phone');
  assert.equal(claims.firebase.second_factor_identifier, id);
});

test('phone enrollment: a test phone number gets its fixed code', async () => {
  const user = await newUser('testnum');
  const first = await signIn(user);
  const s = await startPhone(first.idToken, TEST_PHONE);
  assert.equal(s.code, TEST_PHONE_CODE);
  const tok = await expectTokens(await eFinalize(phoneFinalizeBody(first.idToken, s.sessionInfo, TEST_PHONE_CODE)), user);
  enrolledId(tok.claims, 'phone');
});

test('a user who enrolled TOTP enrolls a phone with the ID token enrollment returned; both factors are listed', async () => {
  const user = await newUser('both');
  await freshTotpStep(d.url);
  const first = await signIn(user);
  const t = await enrollTotp(user, first.idToken);
  const phone = freshPhone();
  const p = await enrollPhone(user, t.tokens.idToken, phone);
  const u = await lookup(p.tokens.idToken);
  const byId = Object.fromEntries(u.mfaInfo.map((f) => [f.mfaEnrollmentId, f]));
  assert.equal(u.mfaInfo.length, 2, JSON.stringify(u.mfaInfo));
  assert.deepEqual(byId[t.enrollmentId]?.totpInfo, {}, JSON.stringify(u.mfaInfo));
  assert.equal(byId[p.enrollmentId]?.phoneInfo, phone, JSON.stringify(u.mfaInfo));
  const mfa = await mfaRequired(user);
  assert.deepEqual(mfa.mfaInfo.map((f) => f.mfaEnrollmentId).sort(), [t.enrollmentId, p.enrollmentId].sort());
});

// ------------------------------------------------------------ both prefixes

for (const prefix of ['', GOOGLE_PREFIX]) {
  test(`all three enrollment routes answer under ${prefix || 'the bare root'}`, async () => {
    const user = await newUser('prefix');
    await freshTotpStep(d.url);
    const first = await signIn(user);
    const info = await startTotp(first.idToken, { prefix });
    const now = await serverNow(d.url);
    const tok = await expectTokens(await eFinalize(totpFinalizeBody(first.idToken, info, codeFor_(info, now)), prefix), user);
    const tid = enrolledId(tok.claims, 'totp');

    const phone = freshPhone();
    const s = await startPhone(tok.idToken, phone, { prefix });
    const ptok = await expectTokens(await eFinalize(phoneFinalizeBody(tok.idToken, s.sessionInfo, s.code), prefix), user);
    const pid = enrolledId(ptok.claims, 'phone');

    const w1 = await expectTokens(await eWithdraw({ idToken: ptok.idToken, mfaEnrollmentId: tid }, prefix), user);
    assert.deepEqual((await lookup(w1.idToken)).mfaInfo?.map((f) => f.mfaEnrollmentId), [pid]);
    const w2 = await expectTokens(await eWithdraw({ idToken: w1.idToken, mfaEnrollmentId: pid }, prefix), user);
    assert.ok(!('mfaInfo' in (await lookup(w2.idToken))), 'mfaInfo after withdrawing every factor');
  });
}

// ------------------------------------------------------------ withdraw

test('withdraw removes one factor, returns fresh tokens, and lookup and signInWithPassword reflect it at once', async () => {
  const user = await newUser('withdraw');
  await freshTotpStep(d.url);
  const first = await signIn(user);
  const t = await enrollTotp(user, first.idToken);
  const phone = freshPhone();
  const p = await enrollPhone(user, t.tokens.idToken, phone);

  const res = await eWithdraw({ idToken: p.tokens.idToken, mfaEnrollmentId: t.enrollmentId });
  const w = await expectTokens(res, user);
  assert.notEqual(w.idToken, p.tokens.idToken);
  assert.notEqual(w.refreshToken, p.tokens.refreshToken);

  const u = await lookup(w.idToken);
  assert.deepEqual(u.mfaInfo?.map((f) => f.mfaEnrollmentId), [p.enrollmentId], JSON.stringify(u));
  const mfa = await mfaRequired(user);
  assert.deepEqual(mfa.mfaInfo.map((f) => f.mfaEnrollmentId), [p.enrollmentId]);

  // The withdrawn factor cannot sign in any more.
  await advanceClock(d.url, 30);
  const now = await serverNow(d.url);
  const gone = await call(d.url, FINALIZE, {
    mfaPendingCredential: mfa.mfaPendingCredential, mfaEnrollmentId: t.enrollmentId,
    totpVerificationInfo: { verificationCode: codeFor_(t.info, now) },
  });
  expectError(gone, 400, 'MFA_ENROLLMENT_NOT_FOUND');

  // Withdrawing it again: MFA_ENROLLMENT_NOT_FOUND.
  expectError(await eWithdraw({ idToken: w.idToken, mfaEnrollmentId: t.enrollmentId }), 400, 'MFA_ENROLLMENT_NOT_FOUND');

  // The last factor: the user signs in with a password alone again.
  const w2 = await expectTokens(await eWithdraw({ idToken: w.idToken, mfaEnrollmentId: p.enrollmentId }), user);
  assert.ok(!('mfaInfo' in (await lookup(w2.idToken))), 'mfaInfo after withdrawing every factor');
  await signIn(user);
});

test('withdraw: MISSING_ID_TOKEN, MISSING_MFA_ENROLLMENT_ID, MFA_ENROLLMENT_NOT_FOUND (unknown id, another user\'s factor)', async () => {
  const owner = await newUser('owner');
  const other = await newUser('other');
  const o = await signIn(owner);
  const p = await enrollPhone(owner, o.idToken, freshPhone());
  const x = await signIn(other);

  expectError(await eWithdraw({ mfaEnrollmentId: p.enrollmentId }), 400, 'MISSING_ID_TOKEN');
  expectError(await eWithdraw({ idToken: '', mfaEnrollmentId: p.enrollmentId }), 400, 'MISSING_ID_TOKEN');
  expectError(await eWithdraw({ idToken: x.idToken }), 400, 'MISSING_MFA_ENROLLMENT_ID');
  expectError(await eWithdraw({ idToken: x.idToken, mfaEnrollmentId: 'no-such-enrollment' }), 400, 'MFA_ENROLLMENT_NOT_FOUND');
  expectError(await eWithdraw({ idToken: x.idToken, mfaEnrollmentId: p.enrollmentId }), 400, 'MFA_ENROLLMENT_NOT_FOUND');
  // The owner still has it.
  assert.deepEqual((await lookup(p.tokens.idToken)).mfaInfo?.map((f) => f.mfaEnrollmentId), [p.enrollmentId]);
  expectError(await eWithdraw({ idToken: 'not-a-jwt', mfaEnrollmentId: p.enrollmentId }), 400, 'INVALID_ID_TOKEN');
});

// ------------------------------------------------------------ request errors

test('start: MISSING_ID_TOKEN, INVALID_ID_TOKEN, INVALID_ARGUMENT for both or neither info, INVALID_PHONE_NUMBER', async () => {
  const user = await newUser('args');
  const { idToken } = await signIn(user);
  expectError(await eStart({ totpEnrollmentInfo: {} }), 400, 'MISSING_ID_TOKEN');
  expectError(await eStart({ idToken: '', phoneEnrollmentInfo: { phoneNumber: freshPhone() } }), 400, 'MISSING_ID_TOKEN');
  expectError(await eStart({ idToken: 'garbage.token.here', totpEnrollmentInfo: {} }), 400, 'INVALID_ID_TOKEN');
  expectError(await eStart({ idToken }), 400, 'INVALID_ARGUMENT');
  expectError(await eStart({ idToken, totpEnrollmentInfo: {}, phoneEnrollmentInfo: { phoneNumber: freshPhone() } }),
    400, 'INVALID_ARGUMENT');
  expectError(await eStart({ idToken, phoneEnrollmentInfo: {} }), 400, 'INVALID_PHONE_NUMBER');
  expectError(await eStart({ idToken, phoneEnrollmentInfo: { phoneNumber: '' } }), 400, 'INVALID_PHONE_NUMBER');
  expectError(await eStart({ idToken, phoneEnrollmentInfo: { phoneNumber: 'not-a-number' } }), 400, 'INVALID_PHONE_NUMBER');
  expectError(await eStart({ idToken, phoneEnrollmentInfo: { phoneNumber: '5555550123' } }), 400, 'INVALID_PHONE_NUMBER');
  // No SMS was sent for any of them, and nothing was enrolled.
  assert.ok(!('mfaInfo' in (await lookup(idToken))));
});

test('start: phoneEnrollmentInfo is the StartMfaPhoneRequestInfo of mfaSignIn:start: every client field accepted, each checked for its type', async () => {
  const user = await newUser('pinfo');
  const { idToken } = await signIn(user);
  const fields = {
    recaptchaToken: 'token', safetyNetToken: 'sn', playIntegrityToken: 'pi',
    iosReceipt: 'r', iosSecret: 's', autoRetrievalInfo: { appSignatureHash: 'h' },
    captchaResponse: 'c', clientType: 'CLIENT_TYPE_WEB', recaptchaVersion: 'RECAPTCHA_ENTERPRISE',
  };
  const bad = { idToken, phoneEnrollmentInfo: { ...fields, phoneNumber: freshPhone(), autoRetrievalInfo: { appSignatureHash: 5 } } };
  const msg = expectError(await eStart(bad), 400, 'INVALID_ARGUMENT');
  assert.match(msg, /phone_enrollment_info\.auto_retrieval_info\.app_signature_hash/);
  expectOk(await eStart({ idToken, phoneEnrollmentInfo: { ...fields, phoneNumber: freshPhone() } }));
});

test('finalize: MISSING_ID_TOKEN, INVALID_ARGUMENT for both or neither info, MISSING_SESSION_INFO, MISSING_CODE, INVALID_SESSION_INFO', async () => {
  const user = await newUser('fargs');
  const { idToken } = await signIn(user);
  const info = await startTotp(idToken);
  const now = await serverNow(d.url);
  const code = codeFor_(info, now);
  const tv = { sessionInfo: info.sessionInfo, verificationCode: code };
  expectError(await eFinalize({ totpVerificationInfo: tv }), 400, 'MISSING_ID_TOKEN');
  expectError(await eFinalize({ idToken }), 400, 'INVALID_ARGUMENT');
  expectError(await eFinalize({ idToken, totpVerificationInfo: tv, phoneVerificationInfo: { sessionInfo: 'x', code: '123456' } }),
    400, 'INVALID_ARGUMENT');
  expectError(await eFinalize({ idToken, totpVerificationInfo: { verificationCode: code } }), 400, 'MISSING_SESSION_INFO');
  expectError(await eFinalize({ idToken, totpVerificationInfo: { sessionInfo: info.sessionInfo } }), 400, 'MISSING_CODE');
  expectError(await eFinalize({ idToken, phoneVerificationInfo: { code: '123456' } }), 400, 'MISSING_SESSION_INFO');
  expectError(await eFinalize({ idToken, totpVerificationInfo: { sessionInfo: 'never-issued', verificationCode: code } }),
    400, 'INVALID_SESSION_INFO');
  // A TOTP session is not a phone session.
  expectError(await eFinalize({ idToken, phoneVerificationInfo: { sessionInfo: info.sessionInfo, code } }),
    400, 'INVALID_SESSION_INFO');
  // None of this spent the session.
  const tok = await expectTokens(await eFinalize(totpFinalizeBody(idToken, info, code)), user);
  enrolledId(tok.claims, 'totp');
});

test('finalize: a session is single-use, and belongs to the user who started it (INVALID_SESSION_INFO)', async () => {
  const user = await newUser('single');
  const thief = await newUser('thief');
  await freshTotpStep(d.url);
  const a = await signIn(user);
  const b = await signIn(thief);
  const info = await startTotp(a.idToken);
  const now = await serverNow(d.url);
  const code = codeFor_(info, now);
  expectError(await eFinalize(totpFinalizeBody(b.idToken, info, code)), 400, 'INVALID_SESSION_INFO');
  assert.ok(!('mfaInfo' in (await lookup(b.idToken))));
  const tok = await expectTokens(await eFinalize(totpFinalizeBody(a.idToken, info, code)), user);
  enrolledId(tok.claims, 'totp');
  expectError(await eFinalize(totpFinalizeBody(a.idToken, info, code)), 400, 'INVALID_SESSION_INFO');
  expectError(await eFinalize(totpFinalizeBody(tok.idToken, info, code)), 400, 'INVALID_SESSION_INFO');
  assert.equal((await lookup(tok.idToken)).mfaInfo.length, 1);

  const s = await startPhone(a.idToken, freshPhone());
  expectError(await eFinalize(phoneFinalizeBody(b.idToken, s.sessionInfo, s.code)), 400, 'INVALID_SESSION_INFO');
  const p = await expectTokens(await eFinalize(phoneFinalizeBody(a.idToken, s.sessionInfo, s.code)), user);
  enrolledId(p.claims, 'phone');
  expectError(await eFinalize(phoneFinalizeBody(a.idToken, s.sessionInfo, s.code)), 400, 'INVALID_SESSION_INFO');
  assert.equal((await lookup(p.idToken)).mfaInfo.length, 2);
});

// ------------------------------------------------------------ Google's rules

test('CREDENTIAL_TOO_OLD_LOGIN_AGAIN: start needs a sign-in from the last 300 s of the emulator clock', async () => {
  const user = await newUser('old');
  const first = await signIn(user);
  await advanceClock(d.url, 290);
  // 290 s old: still recent.
  const ok = await startTotp(first.idToken);
  assert.ok(ok.sessionInfo);
  await advanceClock(d.url, 11);
  expectError(await eStart({ idToken: first.idToken, totpEnrollmentInfo: {} }), 400, 'CREDENTIAL_TOO_OLD_LOGIN_AGAIN');
  expectError(await eStart({ idToken: first.idToken, phoneEnrollmentInfo: { phoneNumber: freshPhone() } }),
    400, 'CREDENTIAL_TOO_OLD_LOGIN_AGAIN');
  // Signing in again fixes it.
  const again = await signIn(user);
  await startTotp(again.idToken);
});

test('CREDENTIAL_TOO_OLD_LOGIN_AGAIN: finalize checks the ID token it is given, too', async () => {
  const user = await newUser('oldfin');
  const first = await signIn(user);
  // A TOTP session (600 s) outlives the 300 s recent-login window.
  const info = await startTotp(first.idToken);
  await advanceClock(d.url, 301);
  const code = codeFor_(info, await serverNow(d.url));
  expectError(await eFinalize(totpFinalizeBody(first.idToken, info, code)), 400, 'CREDENTIAL_TOO_OLD_LOGIN_AGAIN');
  assert.ok(!('mfaInfo' in (await lookup(first.idToken))));
  // The session is still good with a fresh sign-in.
  const again = await signIn(user);
  const tok = await expectTokens(await eFinalize(totpFinalizeBody(again.idToken, info, code)), user);
  enrolledId(tok.claims, 'totp');
});

test('CREDENTIAL_TOO_OLD_LOGIN_AGAIN: the ID token enrollment returns keeps the original sign-in time', async () => {
  const user = await newUser('oldchain');
  await freshTotpStep(d.url);
  const first = await signIn(user);
  const t = await enrollTotp(user, first.idToken);
  await advanceClock(d.url, 301);
  expectError(await eStart({ idToken: t.tokens.idToken, phoneEnrollmentInfo: { phoneNumber: freshPhone() } }),
    400, 'CREDENTIAL_TOO_OLD_LOGIN_AGAIN');
});

test('UNVERIFIED_EMAIL: a user whose email is not verified cannot enroll either factor', async () => {
  const user = await newUser('unverified', { emailVerified: false });
  const { idToken, claims } = await signIn(user);
  assert.equal(claims.email_verified, false);
  expectError(await eStart({ idToken, totpEnrollmentInfo: {} }), 400, 'UNVERIFIED_EMAIL');
  const phone = freshPhone();
  expectError(await eStart({ idToken, phoneEnrollmentInfo: { phoneNumber: phone } }), 400, 'UNVERIFIED_EMAIL');
  // No SMS went out.
  assert.deepEqual((await readCodes(d.url)).filter((e) => e.phoneNumber === phone), []);
});

test('UNSUPPORTED_FIRST_FACTOR: an anonymous user cannot enroll', async () => {
  const res = await call(d.url, SIGN_UP, { returnSecureToken: true });
  const out = expectOk(res);
  assert.equal(typeof out.idToken, 'string', res.text);
  assert.equal(decodeJwt(out.idToken).claims.firebase.sign_in_provider, 'anonymous');
  expectError(await eStart({ idToken: out.idToken, totpEnrollmentInfo: {} }), 400, 'UNSUPPORTED_FIRST_FACTOR');
  expectError(await eStart({ idToken: out.idToken, phoneEnrollmentInfo: { phoneNumber: freshPhone() } }),
    400, 'UNSUPPORTED_FIRST_FACTOR');
});

test('OPERATION_NOT_ALLOWED: a factor switched off for the project cannot be enrolled; the other still can', async () => {
  const user = await newUser('opna');
  const { idToken } = await signIn(user);
  try {
    await patchMfa({ totp: false });
    expectError(await eStart({ idToken, totpEnrollmentInfo: {} }), 400, 'OPERATION_NOT_ALLOWED');
    await startPhone(idToken, freshPhone());
    await patchMfa({ totp: true, phone: false });
    expectError(await eStart({ idToken, phoneEnrollmentInfo: { phoneNumber: freshPhone() } }), 400, 'OPERATION_NOT_ALLOWED');
    await startTotp(idToken);
  } finally {
    await patchMfa({ totp: true, phone: true });
  }
  await startTotp(idToken);
});

test('OPERATION_NOT_ALLOWED: finalize refuses when the factor was switched off after start', async () => {
  const user = await newUser('opnafin');
  await freshTotpStep(d.url);
  const { idToken } = await signIn(user);
  const info = await startTotp(idToken);
  const code = codeFor_(info, await serverNow(d.url));
  try {
    await patchMfa({ totp: false });
    expectError(await eFinalize(totpFinalizeBody(idToken, info, code)), 400, 'OPERATION_NOT_ALLOWED');
  } finally {
    await patchMfa({ totp: true });
  }
  assert.ok(!('mfaInfo' in (await lookup(idToken))));
});

test('OPERATION_NOT_ALLOWED: a tenant with MFA off refuses both factors; a tenant with it on enrolls (tenant in the token)', async () => {
  const off = await newUser('t-off', { tenantId: 'tenant-off' });
  const offTok = await signIn(off);
  assert.equal(offTok.claims.firebase.tenant, 'tenant-off');
  expectError(await eStart({ idToken: offTok.idToken, totpEnrollmentInfo: {} }), 400, 'OPERATION_NOT_ALLOWED');
  expectError(await eStart({ idToken: offTok.idToken, phoneEnrollmentInfo: { phoneNumber: freshPhone() } }),
    400, 'OPERATION_NOT_ALLOWED');

  const on = await newUser('t-on', { tenantId: 'tenant-on' });
  const onTok = await signIn(on);
  const phone = freshPhone();
  const p = await enrollPhone(on, onTok.idToken, phone);
  assert.equal(p.tokens.claims.firebase.tenant, 'tenant-on');
  const u = await lookup(p.tokens.idToken);
  assert.equal(u.tenantId, 'tenant-on');
  assert.equal(u.mfaInfo?.[0]?.phoneInfo, phone, JSON.stringify(u));
  // A request naming another tenant than the token's.
  expectError(await eStart({ idToken: onTok.idToken, tenantId: 'tenant-off', totpEnrollmentInfo: {} }),
    400, 'TENANT_ID_MISMATCH');
});

test('SECOND_FACTOR_EXISTS: the same phone number cannot be enrolled twice on one account', async () => {
  const user = await newUser('dup');
  const phone = freshPhone();
  const { idToken } = await signIn(user);
  // Two sessions for the number before either is finalized.
  const s1 = await startPhone(idToken, phone);
  const s2 = await startPhone(idToken, phone);
  const p = await expectTokens(await eFinalize(phoneFinalizeBody(idToken, s1.sessionInfo, s1.code)), user);
  enrolledId(p.claims, 'phone');
  expectError(await eStart({ idToken, phoneEnrollmentInfo: { phoneNumber: phone } }), 400, 'SECOND_FACTOR_EXISTS');
  expectError(await eStart({ idToken: p.idToken, phoneEnrollmentInfo: { phoneNumber: phone } }), 400, 'SECOND_FACTOR_EXISTS');
  expectError(await eFinalize(phoneFinalizeBody(idToken, s2.sessionInfo, s2.code)), 400, 'SECOND_FACTOR_EXISTS');
  assert.equal((await lookup(idToken)).mfaInfo.length, 1);
  // Another account may enroll the same number.
  const other = await newUser('dup-other');
  const o = await signIn(other);
  const q = await enrollPhone(other, o.idToken, phone);
  assert.equal((await lookup(q.tokens.idToken)).mfaInfo?.[0]?.phoneInfo, phone);
});

test('SECOND_FACTOR_LIMIT_EXCEEDED: five factors enrolled through the API, a sixth is refused at start', async () => {
  const user = await newUser('limit');
  await freshTotpStep(d.url);
  let { idToken } = await signIn(user);
  const ids = [];
  for (let i = 0; i < 3; i++) {
    const t = await enrollTotp(user, idToken, `totp ${i}`);
    ids.push(t.enrollmentId);
    idToken = t.tokens.idToken;
  }
  for (let i = 0; i < 2; i++) {
    const p = await enrollPhone(user, idToken, freshPhone(), `phone ${i}`);
    ids.push(p.enrollmentId);
    idToken = p.tokens.idToken;
  }
  assert.equal(new Set(ids).size, 5);
  assert.equal((await lookup(idToken)).mfaInfo.length, 5);
  expectError(await eStart({ idToken, totpEnrollmentInfo: {} }), 400, 'SECOND_FACTOR_LIMIT_EXCEEDED');
  expectError(await eStart({ idToken, phoneEnrollmentInfo: { phoneNumber: freshPhone() } }), 400, 'SECOND_FACTOR_LIMIT_EXCEEDED');
  // Withdrawing one makes room again.
  const w = await expectTokens(await eWithdraw({ idToken, mfaEnrollmentId: ids[0] }), user);
  await startTotp(w.idToken);
});

test('SECOND_FACTOR_LIMIT_EXCEEDED: with four factors, of two open sessions only the first finalize succeeds', async () => {
  const user = await newUser('limit4');
  await freshTotpStep(d.url);
  let { idToken } = await signIn(user);
  for (let i = 0; i < 4; i++) idToken = (await enrollTotp(user, idToken, `t${i}`)).tokens.idToken;
  const a = await startTotp(idToken);
  const b = await startTotp(idToken);
  const now = await serverNow(d.url);
  const ta = await expectTokens(await eFinalize(totpFinalizeBody(idToken, a, codeFor_(a, now))), user);
  expectError(await eFinalize(totpFinalizeBody(ta.idToken, b, codeFor_(b, now))), 400, 'SECOND_FACTOR_LIMIT_EXCEEDED');
  assert.equal((await lookup(ta.idToken)).mfaInfo.length, 5);
});

test('SECOND_FACTOR_LIMIT_EXCEEDED: a user loaded with five factors cannot start a sixth', async () => {
  const mfaInfo = [1, 2, 3, 4, 5].map((i) => ({ mfaEnrollmentId: `f5-${seq + 1}-${i}`, phoneInfo: `+1555557000${i}` }));
  const user = await newUser('five', { mfaInfo });
  // Sign in with the first phone factor.
  const mfa = await mfaRequired(user);
  assert.equal(mfa.mfaInfo.length, 5);
  const st = expectOk(await call(d.url, START, { mfaPendingCredential: mfa.mfaPendingCredential, mfaEnrollmentId: mfaInfo[0].mfaEnrollmentId }));
  const sms = await codeFor(d.url, st.phoneResponseInfo.sessionInfo);
  const out = expectOk(await call(d.url, FINALIZE, {
    mfaPendingCredential: mfa.mfaPendingCredential,
    phoneVerificationInfo: { sessionInfo: st.phoneResponseInfo.sessionInfo, code: sms.code },
  }));
  expectError(await eStart({ idToken: out.idToken, totpEnrollmentInfo: {} }), 400, 'SECOND_FACTOR_LIMIT_EXCEEDED');
});

// ------------------------------------------------------------ sessions and codes

test('SESSION_EXPIRED: a TOTP enrollment session lives 600 s', async () => {
  const user = await newUser('ttl-totp');
  const first = await signIn(user);
  const live = await startTotp(first.idToken);
  const dead = await startTotp(first.idToken);
  // 590 s on, with a fresh sign-in (the first one is too old by then): still open.
  await advanceClock(d.url, 590);
  const again = await signIn(user);
  const tok = await expectTokens(await eFinalize(
    totpFinalizeBody(again.idToken, live, codeFor_(live, await serverNow(d.url)))), user);
  enrolledId(tok.claims, 'totp');
  // 601 s on: expired, though the ID token is 11 s old and the code right.
  await advanceClock(d.url, 11);
  expectError(await eFinalize(totpFinalizeBody(again.idToken, dead, codeFor_(dead, await serverNow(d.url)))),
    400, 'SESSION_EXPIRED');
  assert.equal((await lookup(again.idToken)).mfaInfo.length, 1);
});

test('SESSION_EXPIRED: a phone enrollment session lives the realm\'s SMS code lifetime (300 s)', async () => {
  const user = await newUser('ttl-phone');
  const first = await signIn(user);
  const s1 = await startPhone(first.idToken, freshPhone());
  const s2 = await startPhone(first.idToken, freshPhone());
  await advanceClock(d.url, 290);
  const again = await signIn(user);
  const tok = await expectTokens(await eFinalize(phoneFinalizeBody(again.idToken, s1.sessionInfo, s1.code)), user);
  enrolledId(tok.claims, 'phone');
  await advanceClock(d.url, 11);
  expectError(await eFinalize(phoneFinalizeBody(again.idToken, s2.sessionInfo, s2.code)), 400, 'SESSION_EXPIRED');
  assert.equal((await lookup(again.idToken)).mfaInfo.length, 1);
});

test('SESSION_EXPIRED: a tenant with smsCodeTtlSeconds 60 expires phone enrollment sessions after 60 s', async () => {
  const user = await newUser('ttl-tenant', { tenantId: 'tenant-short' });
  const { idToken } = await signIn(user);
  const s1 = await startPhone(idToken, freshPhone(), { tenantId: 'tenant-short' });
  const s2 = await startPhone(idToken, freshPhone(), { tenantId: 'tenant-short' });
  await advanceClock(d.url, 55);
  const tok = await expectTokens(await eFinalize(phoneFinalizeBody(idToken, s1.sessionInfo, s1.code)), user);
  enrolledId(tok.claims, 'phone');
  await advanceClock(d.url, 6);
  expectError(await eFinalize(phoneFinalizeBody(idToken, s2.sessionInfo, s2.code)), 400, 'SESSION_EXPIRED');
});

test('INVALID_CODE: a wrong TOTP code is refused and the session stays open for the right one', async () => {
  const user = await newUser('badtotp');
  const { idToken } = await signIn(user);
  const info = await startTotp(idToken);
  const now = await serverNow(d.url);
  const wrong = wrongTotp(info.sharedSecretKey, { nowMs: now, period: 30, digits: 6, algorithm: 'SHA1' });
  expectError(await eFinalize(totpFinalizeBody(idToken, info, wrong)), 400, 'INVALID_CODE');
  assert.ok(!('mfaInfo' in (await lookup(idToken))));
  const tok = await expectTokens(await eFinalize(totpFinalizeBody(idToken, info, codeFor_(info, await serverNow(d.url)))), user);
  enrolledId(tok.claims, 'totp');
});

test('INVALID_CODE: a wrong SMS code is refused and the session stays open for the right one', async () => {
  const user = await newUser('badsms');
  const { idToken } = await signIn(user);
  const s = await startPhone(idToken, freshPhone());
  expectError(await eFinalize(phoneFinalizeBody(idToken, s.sessionInfo, wrongCode(s.code))), 400, 'INVALID_CODE');
  assert.ok(!('mfaInfo' in (await lookup(idToken))));
  const tok = await expectTokens(await eFinalize(phoneFinalizeBody(idToken, s.sessionInfo, s.code)), user);
  enrolledId(tok.claims, 'phone');
});

test('TOO_MANY_ATTEMPTS_TRY_LATER: after 5 wrong TOTP codes the session refuses even the right code; a new session works', async () => {
  const user = await newUser('lock-totp');
  const { idToken } = await signIn(user);
  const info = await startTotp(idToken);
  const now = await serverNow(d.url);
  const wrong = wrongTotp(info.sharedSecretKey, { nowMs: now, period: 30, digits: 6, algorithm: 'SHA1' });
  for (let i = 1; i <= 5; i++) {
    const res = await eFinalize(totpFinalizeBody(idToken, info, wrong));
    expectError(res, 400, 'INVALID_CODE');
  }
  expectError(await eFinalize(totpFinalizeBody(idToken, info, codeFor_(info, await serverNow(d.url)))),
    400, 'TOO_MANY_ATTEMPTS_TRY_LATER');
  assert.ok(!('mfaInfo' in (await lookup(idToken))));
  const fresh = await startTotp(idToken);
  const tok = await expectTokens(await eFinalize(totpFinalizeBody(idToken, fresh, codeFor_(fresh, await serverNow(d.url)))), user);
  enrolledId(tok.claims, 'totp');
});

test('TOO_MANY_ATTEMPTS_TRY_LATER: after 5 wrong SMS codes the session refuses even the right code', async () => {
  const user = await newUser('lock-sms');
  const { idToken } = await signIn(user);
  const phone = freshPhone();
  const s = await startPhone(idToken, phone);
  for (let i = 1; i <= 5; i++) {
    expectError(await eFinalize(phoneFinalizeBody(idToken, s.sessionInfo, wrongCode(s.code))), 400, 'INVALID_CODE');
  }
  expectError(await eFinalize(phoneFinalizeBody(idToken, s.sessionInfo, s.code)), 400, 'TOO_MANY_ATTEMPTS_TRY_LATER');
  assert.ok(!('mfaInfo' in (await lookup(idToken))));
  const again = await startPhone(idToken, phone);
  const tok = await expectTokens(await eFinalize(phoneFinalizeBody(idToken, again.sessionInfo, again.code)), user);
  enrolledId(tok.claims, 'phone');
});

test('enrollment requests and their outcomes are recorded as events with the route name', async () => {
  const user = await newUser('events');
  const { idToken } = await signIn(user);
  const p = await enrollPhone(user, idToken, freshPhone());
  expectError(await eWithdraw({ idToken, mfaEnrollmentId: 'nope' }), 400, 'MFA_ENROLLMENT_NOT_FOUND');
  const res = await call(d.url, '/emulator/v1/events?limit=50', undefined, { key: null, method: 'GET' });
  const events = expectOk(res).events;
  assert.ok(Array.isArray(events), res.text);
  const mine = events.filter((e) => JSON.stringify(e).includes(user.localId));
  const text = JSON.stringify(mine);
  assert.ok(text.includes('accounts.mfaEnrollment.start'), text);
  assert.ok(text.includes('accounts.mfaEnrollment.finalize'), text);
  assert.ok(text.includes(p.enrollmentId), text);
  assert.ok(text.includes('MFA_ENROLLMENT_NOT_FOUND'), text);
});
