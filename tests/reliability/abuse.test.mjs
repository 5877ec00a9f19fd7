// Abuse limits: lockouts, token entropy, realm isolation, constant-time
// comparisons, and secrets kept out of the logs.
//
//   * Lockouts (defaults: --max-attempts 5): an SMS session dies after 5
//     wrong codes, a pending credential after 5 wrong TOTP codes, a second
//     factor after 2 x 5 wrong codes in a row (fresh credentials and
//     sessions do not help) until 300 s have passed since the last one; a
//     right code resets the run; a replayed TOTP code does not count
//     toward the factor. The same with --max-attempts 3.
//   * Entropy: 200 each of sessionInfo, mfaPendingCredential, refreshToken
//     and androidVerificationProof are a fixed tag plus >= 16 random bytes
//     in base64url, all distinct, with no shared prefix past the tag, every
//     position varying, and no value sharing a substring with another value
//     of the same sign-in.
//   * Isolation: one user `pat` (same localId, email, phone number) lives
//     in the project, in tenant-a and in a second project served by a
//     second daemon on the same store with the same signing key; every
//     credential, session, proof, ID token and refresh token of one realm
//     is tried on every route of the others and must get the documented
//     error, never a 200 (a table, one test per row), and then works in
//     its own realm.
//   * Constant time: the comparisons of codes, password hashes and the
//     control token in the sources use CRYPTO_memcmp (a timing test over
//     loopback cannot see a few nanoseconds).
//   * Logs: a full flow at --log-level debug leaves no password, TOTP
//     secret, TOTP code, refresh token, ID token, pending credential,
//     sessionInfo, proof or control token in stdout/stderr, and the SMS
//     codes only on the "sms:" outbox lines.

import { test, after } from 'node:test';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import {
  assert, startDaemon, call, fixture, tempDir, signingKeyFile, writeFixture,
  mintCredential, startPhone, freshTotpStep, totp, wrongTotp, wrongCode, advanceClock,
  serverNow, expectError, expectOk, decodeJwt, readCodes, TOTP, PROJECT, SOURCE_ROOT,
  START, FINALIZE, outcome, figure,
} from './lib.mjs';

const LOCKOUT_S = 300;

// Flat TAP (meson reads it): no describe() and no subtests. Each section's
// set-up runs once, on first use, and every daemon is stopped at the end.
const daemons = new Set();
after(async () => {
  for (const d of daemons) await d.stop();
});
function once(fn) {
  let p;
  return () => (p ??= fn());
}
async function daemon(opts) {
  const d = await startDaemon(opts);
  daemons.add(d);
  return d;
}

// ================================================================== lockouts

function finalizeSms(url, cred, sessionInfo, code, extra = {}) {
  return call(url, FINALIZE, { mfaPendingCredential: cred, phoneVerificationInfo: { sessionInfo, code }, ...extra });
}

function finalizeTotp(url, cred, enrollmentId, code, extra = {}) {
  return call(url, FINALIZE, { mfaPendingCredential: cred, mfaEnrollmentId: enrollmentId, totpVerificationInfo: { verificationCode: code }, ...extra });
}

function lockoutSuite(maxAttempts) {
  const flag = maxAttempts === 5 ? [] : ['--max-attempts', String(maxAttempts)];
  const label = maxAttempts === 5 ? 'default --max-attempts 5' : `--max-attempts ${maxAttempts}`;
  const ctx = {};
  const setup = once(async () => {
    ctx.d = await daemon({ fixtures: [fixture()], args: [...flag, '--signing-key', signingKeyFile(tempDir())] });
  });
  const lt = (name, fn) => test(`lockouts (${label}): ${name}`, async () => {
    await setup();
    await fn(ctx.d);
  });

  const b = TOTP.bob;
  const totpNow = async (d) => {
    const now = await serverNow(d.url);
    return { now, right: totp(b.secret, { ...b, nowMs: now }), wrong: wrongTotp(b.secret, { ...b, nowMs: now }) };
  };

  lt(`an SMS session dies after ${maxAttempts} wrong codes, even for the right code; the credential lives on`, async (d) => {
    const cred = await mintCredential(d.url, PROJECT, 'alice');
    const s = await startPhone(d.url, cred, 'alice-phone');
    for (let i = 0; i < maxAttempts; i++) {
      expectError(await finalizeSms(d.url, cred, s.sessionInfo, wrongCode(s.code)), 400, 'INVALID_CODE');
    }
    expectError(await finalizeSms(d.url, cred, s.sessionInfo, s.code), 400, 'TOO_MANY_ATTEMPTS_TRY_LATER');
    expectError(await finalizeSms(d.url, cred, s.sessionInfo, s.code), 400, 'TOO_MANY_ATTEMPTS_TRY_LATER');
    const s2 = await startPhone(d.url, cred, 'alice-phone');
    expectOk(await finalizeSms(d.url, cred, s2.sessionInfo, s2.code));
  });

  lt(`a pending credential dies after ${maxAttempts} wrong TOTP codes, for start and finalize alike`, async (d) => {
    await freshTotpStep(d.url, b.period);
    const cred = await mintCredential(d.url, PROJECT, 'bob');
    const c = await totpNow(d);
    for (let i = 0; i < maxAttempts; i++) {
      expectError(await finalizeTotp(d.url, cred, b.enrollmentId, c.wrong), 400, 'INVALID_CODE');
    }
    expectError(await finalizeTotp(d.url, cred, b.enrollmentId, c.right), 400, 'TOO_MANY_ATTEMPTS_TRY_LATER');
    expectError(await call(d.url, START, { mfaPendingCredential: cred, mfaEnrollmentId: b.enrollmentId }), 400, 'TOO_MANY_ATTEMPTS_TRY_LATER');
    // The factor is not locked yet (maxAttempts < 2 x maxAttempts): a new credential works.
    const cred2 = await mintCredential(d.url, PROJECT, 'bob');
    expectOk(await finalizeTotp(d.url, cred2, b.enrollmentId, c.right));
  });

  lt(`a TOTP factor locks after ${2 * maxAttempts} wrong codes in a row across fresh credentials, and unlocks ${LOCKOUT_S} s after the last`, async (d) => {
    await freshTotpStep(d.url, b.period);
    let c = await totpNow(d);
    for (let k = 0; k < 2; k++) {
      const cred = await mintCredential(d.url, PROJECT, 'bob');
      for (let i = 0; i < maxAttempts; i++) {
        expectError(await finalizeTotp(d.url, cred, b.enrollmentId, c.wrong), 400, 'INVALID_CODE');
      }
    }
    const locked = await finalizeTotp(d.url, await mintCredential(d.url, PROJECT, 'bob'), b.enrollmentId, c.right);
    expectError(locked, 400, 'TOO_MANY_ATTEMPTS_TRY_LATER');
    await advanceClock(d.url, LOCKOUT_S - 5);
    c = await totpNow(d);
    expectError(await finalizeTotp(d.url, await mintCredential(d.url, PROJECT, 'bob'), b.enrollmentId, c.right),
      400, 'TOO_MANY_ATTEMPTS_TRY_LATER');
    await advanceClock(d.url, 6);
    await freshTotpStep(d.url, b.period);
    c = await totpNow(d);
    expectOk(await finalizeTotp(d.url, await mintCredential(d.url, PROJECT, 'bob'), b.enrollmentId, c.right));
  });

  lt(`an SMS factor locks after ${2 * maxAttempts} wrong codes in a row across fresh sessions, and unlocks ${LOCKOUT_S} s after the last`, async (d) => {
    for (let k = 0; k < 2; k++) {
      const cred = await mintCredential(d.url, PROJECT, 'alice');
      const s = await startPhone(d.url, cred, 'alice-phone');
      for (let i = 0; i < maxAttempts; i++) {
        expectError(await finalizeSms(d.url, cred, s.sessionInfo, wrongCode(s.code)), 400, 'INVALID_CODE');
      }
    }
    let cred = await mintCredential(d.url, PROJECT, 'alice');
    let s = await startPhone(d.url, cred, 'alice-phone');
    expectError(await finalizeSms(d.url, cred, s.sessionInfo, s.code), 400, 'TOO_MANY_ATTEMPTS_TRY_LATER');
    await advanceClock(d.url, LOCKOUT_S + 1);
    cred = await mintCredential(d.url, PROJECT, 'alice');
    s = await startPhone(d.url, cred, 'alice-phone');
    expectOk(await finalizeSms(d.url, cred, s.sessionInfo, s.code));
  });

  lt(`a right code resets the run: ${2 * maxAttempts - 1} wrong, a right one, ${2 * maxAttempts - 1} wrong leave the factor open`, async (d) => {
    const burn = async (n) => {
      let left = n;
      while (left > 0) {
        const cred = await mintCredential(d.url, PROJECT, 'alice');
        const s = await startPhone(d.url, cred, 'alice-phone');
        for (let i = 0; i < Math.min(maxAttempts, left); i++) {
          expectError(await finalizeSms(d.url, cred, s.sessionInfo, wrongCode(s.code)), 400, 'INVALID_CODE');
        }
        left -= maxAttempts;
      }
    };
    const ok = async () => {
      const cred = await mintCredential(d.url, PROJECT, 'alice');
      const s = await startPhone(d.url, cred, 'alice-phone');
      expectOk(await finalizeSms(d.url, cred, s.sessionInfo, s.code));
    };
    await burn(2 * maxAttempts - 1);
    await ok();
    await burn(2 * maxAttempts - 1);
    await ok();
  });

  lt(`replaying a used TOTP code ${3 * maxAttempts} times with fresh credentials does not lock the factor`, async (d) => {
    await freshTotpStep(d.url, b.period);
    const c = await totpNow(d);
    expectOk(await finalizeTotp(d.url, await mintCredential(d.url, PROJECT, 'bob'), b.enrollmentId, c.right));
    for (let i = 0; i < 3 * maxAttempts; i++) {
      const r = await finalizeTotp(d.url, await mintCredential(d.url, PROJECT, 'bob'), b.enrollmentId, c.right);
      expectError(r, 400, 'INVALID_CODE');
    }
    await freshTotpStep(d.url, b.period);
    const c2 = await totpNow(d);
    expectOk(await finalizeTotp(d.url, await mintCredential(d.url, PROJECT, 'bob'), b.enrollmentId, c2.right));
  });
}

lockoutSuite(5);
lockoutSuite(3);

// ================================================================== entropy

const B64URL = /^[A-Za-z0-9_-]+$/;

function commonPrefix(a, b) {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return i;
}

/** Longest substring (>= min chars) that a and b share, or ''. */
function sharedSubstring(a, b, min = 8) {
  for (let i = 0; i + min <= a.length; i++) {
    const piece = a.slice(i, i + min);
    if (b.includes(piece)) return piece;
  }
  return '';
}

function entropyReport(name, values) {
  const tagLen = values.reduce((n, v) => Math.min(n, commonPrefix(values[0], v)), values[0].length);
  const tag = values[0].slice(0, tagLen);
  const rests = values.map((v) => v.slice(tagLen));
  const bytes = rests.map((r) => (B64URL.test(r) ? Buffer.from(r, 'base64url').length : -1));
  const sorted = [...rests].sort();
  let maxShared = 0;
  for (let i = 1; i < sorted.length; i++) maxShared = Math.max(maxShared, commonPrefix(sorted[i - 1], sorted[i]));
  const width = Math.min(...rests.map((r) => r.length));
  let minDistinct = Infinity;
  for (let p = 0; p < width; p++) {
    // The last character of unpadded base64url carries only a few bits.
    if (p === width - 1) continue;
    minDistinct = Math.min(minDistinct, new Set(rests.map((r) => r[p])).size);
  }
  return {
    name, n: values.length, distinct: new Set(values).size, tag, minBytes: Math.min(...bytes),
    notBase64url: rests.filter((r) => !B64URL.test(r)).length, maxSharedPrefix: maxShared, minDistinctPerPosition: minDistinct,
  };
}

{
  const N = 200;
  const flows = [];
  let d;
  const setup = once(async () => {
    d = await daemon({ fixtures: [fixture()], args: ['--signing-key', signingKeyFile(tempDir())] });
    // carol's phone is a test number: code 123456, no outbox round trip.
    for (let i = 0; i < N; i++) {
      const cred = await mintCredential(d.url, PROJECT, 'carol');
      const s = expectOk(await call(d.url, START, { mfaPendingCredential: cred, mfaEnrollmentId: 'carol-phone' }));
      const sessionInfo = s.phoneResponseInfo.sessionInfo;
      const f = expectOk(await finalizeSms(d.url, cred, sessionInfo, '123456', {}));
      flows.push({ cred, sessionInfo, refreshToken: f.refreshToken, idToken: f.idToken });
    }
    // Proofs: a finalize that names its phone number gets one.
    for (let i = 0; i < N; i++) {
      const cred = await mintCredential(d.url, PROJECT, 'carol');
      const s = expectOk(await call(d.url, START, { mfaPendingCredential: cred, mfaEnrollmentId: 'carol-phone' }));
      const f = expectOk(await call(d.url, FINALIZE, {
        mfaPendingCredential: cred,
        phoneVerificationInfo: { sessionInfo: s.phoneResponseInfo.sessionInfo, code: '123456', phoneNumber: '+15555550100' },
      }));
      flows[i].proof = f.phoneAuthInfo.androidVerificationProof;
    }
  });

  for (const kind of ['sessionInfo', 'cred', 'refreshToken', 'proof']) {
    test(`entropy: ${N} ${kind} values: a fixed tag of <= 4 letters, then >= 16 random bytes of base64url; distinct; no shared prefix past the tag`, async () => {
      await setup();
      const r = entropyReport(kind, flows.map((f) => f[kind]));
      figure(`entropy ${kind}`, JSON.stringify(r));
      assert.equal(r.distinct, N, JSON.stringify(r));
      assert.match(r.tag, /^[A-Za-z]{0,4}$/, JSON.stringify(r));
      assert.equal(r.notBase64url, 0, JSON.stringify(r));
      assert.ok(r.minBytes >= 16, JSON.stringify(r));
      // 200 random values: two sharing 6 base64url characters has odds ~3e-7.
      assert.ok(r.maxSharedPrefix < 6, JSON.stringify(r));
      // Every position varies (200 draws from 64 symbols give ~61; a
      // counter or timestamp gives a handful).
      assert.ok(r.minDistinctPerPosition >= 32, JSON.stringify(r));
    });
  }

  test('entropy: the values of one sign-in share no substring of 8+ characters with each other or with the ID token', async () => {
    await setup();
    const hits = [];
    for (const f of flows) {
      const vals = { cred: f.cred.slice(4), sessionInfo: f.sessionInfo, refreshToken: f.refreshToken, proof: f.proof.slice(3) };
      const names = Object.keys(vals);
      for (let i = 0; i < names.length; i++) {
        for (let j = i + 1; j < names.length; j++) {
          const s = sharedSubstring(vals[names[i]], vals[names[j]]);
          if (s) hits.push(`${names[i]} ~ ${names[j]}: ${s}`);
        }
        const s = sharedSubstring(vals[names[i]], f.idToken);
        if (s) hits.push(`${names[i]} ~ idToken: ${s}`);
      }
    }
    // 200 x 10 pairs of ~50 random characters: a chance 8-character
    // overlap is ~1e-8 per pair.
    assert.deepEqual(hits.slice(0, 10), []);
  });

  test('entropy: two sessions started with one credential, and two refresh tokens of one user, are unrelated', async () => {
    await setup();
    const cred = await mintCredential(d.url, PROJECT, 'carol');
    const a = expectOk(await call(d.url, START, { mfaPendingCredential: cred, mfaEnrollmentId: 'carol-phone' })).phoneResponseInfo.sessionInfo;
    const b = expectOk(await call(d.url, START, { mfaPendingCredential: cred, mfaEnrollmentId: 'carol-phone' })).phoneResponseInfo.sessionInfo;
    assert.notEqual(a, b);
    assert.equal(sharedSubstring(a, b, 6), '');
    assert.equal(sharedSubstring(flows[0].refreshToken, flows[1].refreshToken, 6), '');
  });
}

// ================================================================== isolation

const CODES = { P: '170170', T: '171171', O: '172172' };
const PASSWORDS = { P: 'pat-project-password', T: 'pat-tenant-a-password', O: 'pat-other-project-password' };
const SECRETS = { P: 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP', T: 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ', O: '6IJSVADRO4MSOAO2OZINRETRIPWDR6IH' };
const PHONE = '+15555550170';
const OTHER = 'other-project';

function pat(realm, tenantId) {
  return {
    localId: 'pat', email: 'pat@example.com', password: PASSWORDS[realm], emailVerified: true,
    ...(tenantId ? { tenantId } : {}),
    mfaInfo: [
      { mfaEnrollmentId: 'pat-phone', phoneInfo: PHONE },
      { mfaEnrollmentId: 'pat-totp', totpInfo: { sharedSecretKey: SECRETS[realm], hashingAlgorithm: 'SHA1', verificationCodeLength: 6, periodSec: 30 } },
    ],
  };
}

{
  let A; // --project demo-project
  let B; // --project other-project, same store, same signing key
  const art = {};

  const on = (realm) => (realm === 'O' ? B : A);
  const tenantOf = (realm) => (realm === 'T' ? 'tenant-a' : undefined);
  const withTenant = (body, t) => (t === undefined ? body : { ...body, tenantId: t });

  async function signIn(realm) {
    const res = expectOk(await call(on(realm).url, '/v1/accounts:signInWithPassword',
      withTenant({ email: 'pat@example.com', password: PASSWORDS[realm], returnSecureToken: true }, tenantOf(realm))));
    assert.equal(typeof res.mfaPendingCredential, 'string', JSON.stringify(res));
    return res.mfaPendingCredential;
  }

  async function startSession(realm, cred) {
    const res = expectOk(await call(on(realm).url, START,
      withTenant({ mfaPendingCredential: cred, mfaEnrollmentId: 'pat-phone' }, tenantOf(realm))));
    return res.phoneResponseInfo.sessionInfo;
  }

  const setup = once(async () => {
    const dir = tempDir('mfaemu-realms-');
    const db = path.join(dir, 'realms.db');
    const key = signingKeyFile(dir);
    // Email enumeration protection on in every realm: a password sign-in
    // elsewhere then reads INVALID_LOGIN_CREDENTIALS whichever was wrong.
    const eep = { emailPrivacyConfig: { enableImprovedEmailPrivacy: true } };
    const fxA = writeFixture({
      projectId: PROJECT,
      ...eep,
      testPhoneNumbers: { [PHONE]: CODES.P },
      tenants: [
        { tenantId: 'tenant-a', mfa: { phone: true, totp: true }, ...eep, testPhoneNumbers: { [PHONE]: CODES.T } },
        { tenantId: 'tenant-b', mfa: { phone: true, totp: true }, ...eep },
      ],
      users: [pat('P'), pat('T', 'tenant-a')],
    }, dir);
    const fxO = writeFixture({ projectId: OTHER, ...eep, testPhoneNumbers: { [PHONE]: CODES.O }, users: [pat('O')] }, dir);
    A = await daemon({ fixtures: [fxA, fxO], db, args: ['--signing-key', key] });
    B = await daemon({ fixtures: [fxO], db, args: ['--project', OTHER, '--signing-key', key] });

    // For each realm: a finished sign-in (ID token, refresh token, proof)
    // and unused artifacts (a credential with a started session, an
    // enrollment session).
    for (const realm of ['P', 'T', 'O']) {
      const url = on(realm).url;
      const t = tenantOf(realm);
      const cred0 = await signIn(realm);
      const s0 = await startSession(realm, cred0);
      const done = expectOk(await call(url, FINALIZE, withTenant({
        mfaPendingCredential: cred0, phoneVerificationInfo: { sessionInfo: s0, code: CODES[realm], phoneNumber: PHONE },
      }, t)));
      const cred = await signIn(realm);
      const session = await startSession(realm, cred);
      const enroll = expectOk(await call(url, '/v2/accounts/mfaEnrollment:start',
        withTenant({ idToken: done.idToken, totpEnrollmentInfo: {} }, t)));
      art[realm] = {
        cred, session, idToken: done.idToken, refreshToken: done.refreshToken,
        proof: done.phoneAuthInfo.androidVerificationProof,
        enrollSession: enroll.totpSessionInfo.sessionInfo, enrollSecret: enroll.totpSessionInfo.sharedSecretKey,
      };
      const claims = decodeJwt(done.idToken).claims;
      assert.equal(claims.aud, realm === 'O' ? OTHER : PROJECT);
      assert.equal(claims.firebase.tenant, t);
    }

    // A forgery: P's ID token with its tenant claim changed, signature kept.
    const [h, p, s] = art.P.idToken.split('.');
    const claims = JSON.parse(Buffer.from(p, 'base64url').toString());
    claims.firebase.tenant = 'tenant-a';
    art.forged = `${h}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${s}`;

  });

const rowsFor = (x) => {
    const r = [];
    const add = (name, realm, p_, body, status, code) => r.push({ name, on: realm, path: p_, body, status, code });
    const code = (realm) => CODES[realm];
    const nowCode = (realm) => totp(SECRETS[realm], { nowMs: Date.now() });
    // ---- mfaSignIn:start: credentials
    add('P credential, tenantId tenant-a', 'P', START, { mfaPendingCredential: x.P.cred, mfaEnrollmentId: 'pat-phone', tenantId: 'tenant-a' }, 400, 'TENANT_ID_MISMATCH');
    add('T credential, tenantId tenant-b', 'P', START, { mfaPendingCredential: x.T.cred, mfaEnrollmentId: 'pat-phone', tenantId: 'tenant-b' }, 400, 'TENANT_ID_MISMATCH');
    add('T credential, unknown tenantId', 'P', START, { mfaPendingCredential: x.T.cred, mfaEnrollmentId: 'pat-phone', tenantId: 'tenant-zz' }, 400, 'INVALID_TENANT_ID');
    add('other-project credential on demo-project', 'P', START, { mfaPendingCredential: x.O.cred, mfaEnrollmentId: 'pat-phone' }, 400, 'INVALID_PROJECT_ID');
    add('P credential on other-project', 'O', START, { mfaPendingCredential: x.P.cred, mfaEnrollmentId: 'pat-phone' }, 400, 'INVALID_PROJECT_ID');
    add('T credential on other-project', 'O', START, { mfaPendingCredential: x.T.cred, mfaEnrollmentId: 'pat-phone', tenantId: 'tenant-a' }, 400, 'INVALID_PROJECT_ID');
    // ---- mfaSignIn:finalize, phone: credentials and sessions
    const fin = (cred, session, c, extra = {}) => ({ mfaPendingCredential: cred, phoneVerificationInfo: { sessionInfo: session, code: c }, ...extra });
    add('P credential + T session', 'P', FINALIZE, fin(x.P.cred, x.T.session, code('T')), 400, 'INVALID_SESSION_INFO');
    add('P credential + T session, P code', 'P', FINALIZE, fin(x.P.cred, x.T.session, code('P')), 400, 'INVALID_SESSION_INFO');
    add('T credential + P session', 'P', FINALIZE, fin(x.T.cred, x.P.session, code('P'), { tenantId: 'tenant-a' }), 400, 'INVALID_SESSION_INFO');
    add('P credential + P session, tenantId tenant-a', 'P', FINALIZE, fin(x.P.cred, x.P.session, code('P'), { tenantId: 'tenant-a' }), 400, 'TENANT_ID_MISMATCH');
    add('T credential + T session, tenantId tenant-b', 'P', FINALIZE, fin(x.T.cred, x.T.session, code('T'), { tenantId: 'tenant-b' }), 400, 'TENANT_ID_MISMATCH');
    add('other-project credential + session on demo-project', 'P', FINALIZE, fin(x.O.cred, x.O.session, code('O')), 400, 'INVALID_PROJECT_ID');
    add('P credential + session on other-project', 'O', FINALIZE, fin(x.P.cred, x.P.session, code('P')), 400, 'INVALID_PROJECT_ID');
    add('other-project credential + P session on other-project', 'O', FINALIZE, fin(x.O.cred, x.P.session, code('P')), 400, 'INVALID_SESSION_INFO');
    // ---- mfaSignIn:finalize, TOTP
    const tf = (cred, c, extra = {}) => ({ mfaPendingCredential: cred, mfaEnrollmentId: 'pat-totp', totpVerificationInfo: { verificationCode: c }, ...extra });
    add('TOTP: P credential, tenantId tenant-a', 'P', FINALIZE, tf(x.P.cred, nowCode('P'), { tenantId: 'tenant-a' }), 400, 'TENANT_ID_MISMATCH');
    add('TOTP: other-project credential on demo-project', 'P', FINALIZE, tf(x.O.cred, nowCode('O')), 400, 'INVALID_PROJECT_ID');
    add('TOTP: T credential on other-project', 'O', FINALIZE, tf(x.T.cred, nowCode('T'), { tenantId: 'tenant-a' }), 400, 'INVALID_PROJECT_ID');
    // ---- mfaSignIn:finalize, androidVerificationProof (bound to project, tenant, phone)
    const pf = (cred, proof, extra = {}) => ({ mfaPendingCredential: cred, phoneVerificationInfo: { androidVerificationProof: proof, phoneNumber: PHONE }, ...extra });
    add('P credential + T proof (same phone number)', 'P', FINALIZE, pf(x.P.cred, x.T.proof), 400, 'INVALID_ARGUMENT');
    add('T credential + P proof (same phone number)', 'P', FINALIZE, pf(x.T.cred, x.P.proof, { tenantId: 'tenant-a' }), 400, 'INVALID_ARGUMENT');
    add('other-project credential + its proof on demo-project', 'P', FINALIZE, pf(x.O.cred, x.O.proof), 400, 'INVALID_PROJECT_ID');
    add('other-project credential + P proof on other-project', 'O', FINALIZE, pf(x.O.cred, x.P.proof), 400, 'INVALID_ARGUMENT');
    // ---- accounts:lookup: ID tokens
    add('lookup: other-project ID token on demo-project', 'P', '/v1/accounts:lookup', { idToken: x.O.idToken }, 400, 'INVALID_ID_TOKEN');
    add('lookup: P ID token on other-project', 'O', '/v1/accounts:lookup', { idToken: x.P.idToken }, 400, 'INVALID_ID_TOKEN');
    add('lookup: T ID token on other-project', 'O', '/v1/accounts:lookup', { idToken: x.T.idToken }, 400, 'INVALID_ID_TOKEN');
    add('lookup: P ID token with its tenant claim forged to tenant-a', 'P', '/v1/accounts:lookup', { idToken: x.forged }, 400, 'INVALID_ID_TOKEN');
    // ---- mfaEnrollment:start / finalize / withdraw: ID tokens and enrollment sessions
    const ES = '/v2/accounts/mfaEnrollment:start';
    const EF = '/v2/accounts/mfaEnrollment:finalize';
    const EW = '/v2/accounts/mfaEnrollment:withdraw';
    add('enroll start: P ID token, tenantId tenant-a', 'P', ES, { idToken: x.P.idToken, tenantId: 'tenant-a', totpEnrollmentInfo: {} }, 400, 'TENANT_ID_MISMATCH');
    add('enroll start: T ID token, tenantId tenant-b', 'P', ES, { idToken: x.T.idToken, tenantId: 'tenant-b', totpEnrollmentInfo: {} }, 400, 'TENANT_ID_MISMATCH');
    add('enroll start: other-project ID token on demo-project', 'P', ES, { idToken: x.O.idToken, totpEnrollmentInfo: {} }, 400, 'INVALID_ID_TOKEN');
    add('enroll start: P ID token on other-project', 'O', ES, { idToken: x.P.idToken, totpEnrollmentInfo: {} }, 400, 'INVALID_ID_TOKEN');
    add('enroll start: forged tenant claim', 'P', ES, { idToken: x.forged, tenantId: 'tenant-a', totpEnrollmentInfo: {} }, 400, 'INVALID_ID_TOKEN');
    const ef = (idToken, session, secret, extra = {}) => ({ idToken, totpVerificationInfo: { sessionInfo: session, verificationCode: totp(secret, { nowMs: Date.now() }) }, ...extra });
    add('enroll finalize: P ID token + T enrollment session', 'P', EF, ef(x.P.idToken, x.T.enrollSession, x.T.enrollSecret), 400, 'INVALID_SESSION_INFO');
    add('enroll finalize: T ID token + P enrollment session', 'P', EF, ef(x.T.idToken, x.P.enrollSession, x.P.enrollSecret, { tenantId: 'tenant-a' }), 400, 'INVALID_SESSION_INFO');
    add('enroll finalize: P ID token, tenantId tenant-a', 'P', EF, ef(x.P.idToken, x.P.enrollSession, x.P.enrollSecret, { tenantId: 'tenant-a' }), 400, 'TENANT_ID_MISMATCH');
    add('enroll finalize: other-project ID token + session on demo-project', 'P', EF, ef(x.O.idToken, x.O.enrollSession, x.O.enrollSecret), 400, 'INVALID_ID_TOKEN');
    add('enroll finalize: other-project ID token + P session on other-project', 'O', EF, ef(x.O.idToken, x.P.enrollSession, x.P.enrollSecret), 400, 'INVALID_SESSION_INFO');
    add('withdraw: P ID token, tenantId tenant-a', 'P', EW, { idToken: x.P.idToken, mfaEnrollmentId: 'pat-phone', tenantId: 'tenant-a' }, 400, 'TENANT_ID_MISMATCH');
    add('withdraw: T ID token, tenantId tenant-b', 'P', EW, { idToken: x.T.idToken, mfaEnrollmentId: 'pat-phone', tenantId: 'tenant-b' }, 400, 'TENANT_ID_MISMATCH');
    add('withdraw: other-project ID token on demo-project', 'P', EW, { idToken: x.O.idToken, mfaEnrollmentId: 'pat-phone' }, 400, 'INVALID_ID_TOKEN');
    add('withdraw: P ID token on other-project', 'O', EW, { idToken: x.P.idToken, mfaEnrollmentId: 'pat-phone' }, 400, 'INVALID_ID_TOKEN');
    add('withdraw: forged tenant claim', 'P', EW, { idToken: x.forged, mfaEnrollmentId: 'pat-phone' }, 400, 'INVALID_ID_TOKEN');
    // ---- securetoken: refresh tokens
    const tok = (rt) => ({ grant_type: 'refresh_token', refresh_token: rt });
    add('refresh: other-project token on demo-project', 'P', '/v1/token', tok(x.O.refreshToken), 400, 'INVALID_REFRESH_TOKEN');
    add('refresh: P token on other-project', 'O', '/v1/token', tok(x.P.refreshToken), 400, 'INVALID_REFRESH_TOKEN');
    add('refresh: T token on other-project', 'O', '/v1/token', tok(x.T.refreshToken), 400, 'INVALID_REFRESH_TOKEN');
    add('refresh (securetoken host): other-project token on demo-project', 'P', '/securetoken.googleapis.com/v1/token', tok(x.O.refreshToken), 400, 'INVALID_REFRESH_TOKEN');
    // ---- first factor: the same email in every realm, different passwords
    const pw = (realm, extra = {}) => ({ email: 'pat@example.com', password: PASSWORDS[realm], returnSecureToken: true, ...extra });
    add('password: T password in the project', 'P', '/v1/accounts:signInWithPassword', pw('T'), 400, 'INVALID_LOGIN_CREDENTIALS');
    add('password: P password in tenant-a', 'P', '/v1/accounts:signInWithPassword', pw('P', { tenantId: 'tenant-a' }), 400, 'INVALID_LOGIN_CREDENTIALS');
    add('password: P password in tenant-b', 'P', '/v1/accounts:signInWithPassword', pw('P', { tenantId: 'tenant-b' }), 400, 'INVALID_LOGIN_CREDENTIALS');
    add('password: other-project password on demo-project', 'P', '/v1/accounts:signInWithPassword', pw('O'), 400, 'INVALID_LOGIN_CREDENTIALS');
    add('password: P password on other-project', 'O', '/v1/accounts:signInWithPassword', pw('P'), 400, 'INVALID_LOGIN_CREDENTIALS');
    // other-project has no tenant-a, so no privacy setting: the default (off).
    add('password: T password on other-project, tenantId tenant-a', 'O', '/v1/accounts:signInWithPassword', pw('T', { tenantId: 'tenant-a' }), 400, 'EMAIL_NOT_FOUND');
    add('sign-up: unknown tenantId', 'P', '/v1/accounts:signUp', { email: 'new@example.com', password: 'new-password-1', tenantId: 'tenant-zz' }, 400, 'INVALID_TENANT_ID');
    add('sign-up: demo-project tenant on other-project', 'O', '/v1/accounts:signUp', { email: 'new@example.com', password: 'new-password-1', tenantId: 'tenant-a' }, 400, 'INVALID_TENANT_ID');
    return r;
  };

  // The rows are registered before the set-up runs: built once with
  // placeholders for names and count, then again with the artifacts.
  const placeholder = new Proxy({}, {
    get: (_, realm) => (realm === 'forged' ? 'forged' : new Proxy({}, {
      get: (__, f) => (f === 'enrollSecret' ? 'AAAAAAAAAAAAAAAA' : `${String(realm)}.${String(f)}`),
    })),
  });
  const ROWS = rowsFor(placeholder);
  let table;
  const asDocumented = [];
  ROWS.forEach((row, i) => {
    test(`isolation: ${row.on === 'O' ? 'other-project' : 'demo-project'} ${row.path}: ${row.name} -> ${row.status} ${row.code}`, async () => {
      await setup();
      table ??= rowsFor(art);
      const real = table[i];
      const res = await call(on(real.on).url, real.path, real.body);
      assert.notEqual(res.status, 200, `a cross-realm request succeeded: ${res.text}`);
      assert.equal(outcome(res), `${real.status} ${real.code}`, res.text);
      asDocumented.push(i);
      if (i === ROWS.length - 1) figure('isolation table', `${ROWS.length} rows, ${asDocumented.length} as documented`);
    });
  });

  test('isolation: SMS outboxes are per realm: no realm lists another realm\'s codes', async () => {
    await setup();
    const list = async (url, project, tenant) => (await readCodes(url, project, tenant)).map((c) => c.sessionInfo);
    const pOut = await list(A.url, PROJECT);
    const tOut = await list(A.url, PROJECT, 'tenant-a');
    const oOut = await list(A.url, OTHER);
    const oOutB = await list(B.url, OTHER);
    assert.ok(pOut.includes(art.P.session) && tOut.includes(art.T.session) && oOut.includes(art.O.session));
    assert.ok(!pOut.includes(art.T.session) && !pOut.includes(art.O.session), 'project outbox leaks');
    assert.ok(!tOut.includes(art.P.session) && !tOut.includes(art.O.session), 'tenant outbox leaks');
    assert.ok(!oOut.includes(art.P.session) && !oOut.includes(art.T.session), 'other-project outbox leaks');
    assert.ok(!oOutB.includes(art.P.session) && !oOutB.includes(art.T.session), 'other-project outbox on its daemon leaks');
  });

  test('isolation: the admin API keeps tenants apart: a tenant-path lookup does not find the project user, and vice versa', async () => {
    await setup();
    const admin = (url, p, body) => call(url, p, body, { key: null, headers: { authorization: 'Bearer owner' } });
    const tLookup = expectOk(await admin(A.url, `/v1/projects/${PROJECT}/tenants/tenant-b/accounts:lookup`, { localId: ['pat'] }));
    assert.equal((tLookup.users ?? []).length, 0, JSON.stringify(tLookup));
    const pLookup = expectOk(await admin(A.url, `/v1/projects/${PROJECT}/accounts:lookup`, { localId: ['pat'] }));
    assert.equal((pLookup.users ?? []).length, 1, JSON.stringify(pLookup));
    assert.equal(pLookup.users[0].tenantId, undefined, JSON.stringify(pLookup));
  });

  test('isolation: afterwards every artifact still works in its own realm (the table rejected them for the realm, not for being bad)', async () => {
    await setup();
    for (const realm of ['P', 'T', 'O']) {
      const url = on(realm).url;
      const t = tenantOf(realm);
      const x = art[realm];
      const tenantClaim = (jwt) => decodeJwt(jwt).claims.firebase.tenant;
      const look = expectOk(await call(url, '/v1/accounts:lookup', { idToken: x.idToken }));
      assert.equal(look.users[0].localId, 'pat');
      assert.equal(look.users[0].tenantId, t);
      assert.equal((look.users[0].mfaInfo ?? []).length, 2, `a cross-realm withdraw removed a factor: ${JSON.stringify(look)}`);
      const r = expectOk(await call(url, '/v1/token', { grant_type: 'refresh_token', refresh_token: x.refreshToken }));
      // project_id is the project's number, as Google sends it; the
      // token's aud names the project.
      assert.match(r.project_id, /^[0-9]+$/);
      assert.equal(decodeJwt(r.id_token).claims.aud, realm === 'O' ? OTHER : PROJECT);
      assert.equal(tenantClaim(r.id_token), t);
      const f = expectOk(await call(url, FINALIZE, withTenant({ mfaPendingCredential: x.cred, phoneVerificationInfo: { sessionInfo: x.session, code: CODES[realm] } }, t)));
      assert.equal(tenantClaim(f.idToken), t);
      const cred = await signIn(realm);
      const p = expectOk(await call(url, FINALIZE, withTenant({ mfaPendingCredential: cred, phoneVerificationInfo: { androidVerificationProof: x.proof, phoneNumber: PHONE } }, t)));
      assert.equal(tenantClaim(p.idToken), t);
    }
  });

  test('isolation: a tenant credential used without tenantId signs in to its own tenant, never the project', async () => {
    await setup();
    const cred = await signIn('T');
    const session = await startSession('T', cred);
    const res = await call(A.url, FINALIZE, { mfaPendingCredential: cred, phoneVerificationInfo: { sessionInfo: session, code: CODES.T } });
    if (res.status === 200) assert.equal(decodeJwt(res.json.idToken).claims.firebase.tenant, 'tenant-a', res.text);
    else assert.equal(outcome(res), '400 TENANT_ID_MISMATCH', res.text);
  });
}

// ================================================================== constant time

{
  const src = (f) => fs.readFileSync(path.join(SOURCE_ROOT, 'src', f), 'utf8');
  /** The body of C function `name` in `text`. */
  const fn = (text, name) => {
    const m = new RegExp(`\\n${name}\\([^)]*\\)\\n\\{`).exec(text);
    assert.ok(m, `function ${name} not found`);
    let depth = 0;
    for (let i = m.index + m[0].length - 1; i < text.length; i++) {
      if (text[i] === '{') depth++;
      else if (text[i] === '}' && --depth === 0) return text.slice(m.index, i + 1);
    }
    return text.slice(m.index);
  };

  test('constant time (source): SMS codes are compared with CRYPTO_memcmp (sms_code_equal)', () => {
    const body = fn(src('sms_code.c'), 'sms_code_equal');
    assert.match(body, /CRYPTO_memcmp/);
    assert.doesNotMatch(body, /\bstrn?cmp\(|\bmemcmp\(/);
  });

  test('constant time (source): TOTP codes are compared with CRYPTO_memcmp (totp_verify)', () => {
    const t = src('totp.c');
    assert.match(t, /CRYPTO_memcmp\(cand, code/);
    assert.doesNotMatch(fn(t, 'totp_verify'), /\bstrn?cmp\(|[^_]memcmp\(/);
  });

  test('constant time (source): password hashes are compared with CRYPTO_memcmp (password_verify)', () => {
    const body = fn(src('password.c'), 'password_verify');
    assert.match(body, /CRYPTO_memcmp/);
    assert.doesNotMatch(body, /\bstrn?cmp\(|[^_]memcmp\(/);
  });

  test('constant time (source): sign-in and enrollment codes go through those comparisons only', () => {
    assert.match(src('handlers/mfa_signin_finalize.c'), /sms_code_equal\(s\.code, fr->code\)/);
    assert.match(src('handlers/mfa_enrollment_finalize.c'), /sms_code_equal\(x->code, code\)/);
    for (const f of ['handlers/mfa_signin_finalize.c', 'handlers/mfa_enrollment_finalize.c']) {
      assert.doesNotMatch(src(f), /strn?cmp\([^)]*code/, `${f} compares a code with strcmp`);
    }
  });

  test('constant time (source): the --control-token (a secret) is compared in constant time', () => {
    // router.c bearer_is() compares "Authorization: Bearer <token>" with
    // the configured control token; strcmp stops at the first difference.
    const body = fn(src('router.c'), 'bearer_is');
    assert.ok(!/\bstrcmp\(/.test(body), `bearer_is() compares the control token with strcmp: ${body.replace(/\s+/g, ' ').trim()}`);
    assert.match(body, /CRYPTO_memcmp/);
  });
}

// ================================================================== logs

{
  let d;
  const secrets = {};
  const smsCodes = [];
  const controlToken = `ctl-${crypto.randomBytes(24).toString('base64url')}`;
  const signUpPassword = `signup-${crypto.randomBytes(12).toString('base64url')}`;
  const setup = once(async () => {
    d = await daemon({
      fixtures: [fixture()],
      args: ['--log-level', 'debug', '--control-token', controlToken, '--signing-key', signingKeyFile(tempDir())],
    });
    const url = d.url;
    const ctl = { headers: { authorization: `Bearer ${controlToken}` } };
    const add = (k, v) => { if (v) secrets[k] = v; };
    for (const u of fixture().users) if (u.password) add(`password of ${u.localId}`, u.password);
    add('TOTP secret SHA1', TOTP.bob.secret);
    add('TOTP secret SHA256', TOTP.carol.secret);
    add('TOTP secret SHA512', TOTP.tina.secret);
    add('control token', controlToken);

    // alice: password, SMS (random code from the outbox), a wrong code, a proof.
    const pw = expectOk(await call(url, '/v1/accounts:signInWithPassword', { email: 'alice@example.com', password: 'alice-password', returnSecureToken: true }));
    add('alice credential', pw.mfaPendingCredential);
    const s = expectOk(await call(url, START, { mfaPendingCredential: pw.mfaPendingCredential, mfaEnrollmentId: 'alice-phone' }));
    const sessionInfo = s.phoneResponseInfo.sessionInfo;
    add('alice sessionInfo', sessionInfo);
    const outbox = expectOk(await call(url, `/emulator/v1/projects/${PROJECT}/verificationCodes`, undefined, { key: null, method: 'GET', ...ctl }));
    const code = outbox.verificationCodes.find((c) => c.sessionInfo === sessionInfo).code;
    smsCodes.push(code);
    expectError(await finalizeSms(url, pw.mfaPendingCredential, sessionInfo, wrongCode(code)), 400, 'INVALID_CODE');
    const f = expectOk(await call(url, FINALIZE, { mfaPendingCredential: pw.mfaPendingCredential, phoneVerificationInfo: { sessionInfo, code, phoneNumber: '+15555550101' } }));
    add('alice ID token', f.idToken);
    add('alice ID token signature', f.idToken.split('.')[2]);
    add('alice refresh token', f.refreshToken);
    add('alice proof', f.phoneAuthInfo.androidVerificationProof);
    const r = expectOk(await call(url, '/v1/token', { grant_type: 'refresh_token', refresh_token: f.refreshToken }));
    add('refreshed ID token', r.id_token);
    expectOk(await call(url, '/v1/accounts:lookup', { idToken: f.idToken }));

    // A 500 from an injected fault on a finalize carrying secrets.
    expectOk(await call(url, '/emulator/v1/faults', { route: 'accounts.mfaSignIn.finalize', count: 1, error: 'INTERNAL_ERROR' }, { key: null, ...ctl }));
    const cred2 = expectOk(await call(url, '/v1/accounts:signInWithPassword', { email: 'alice@example.com', password: 'alice-password', returnSecureToken: true })).mfaPendingCredential;
    add('alice credential 2', cred2);
    const faulted = await finalizeSms(url, cred2, sessionInfo, code);
    assert.equal(faulted.status, 500, faulted.text);

    // bob: TOTP, in a fresh step (the clock is on the guarded control plane).
    const clock = async (body) => expectOk(await call(url, '/emulator/v1/clock', body, { key: null, method: body ? 'POST' : 'GET', ...ctl })).nowMillis;
    let now = await clock();
    await clock({ advanceSeconds: Math.ceil(30 - (now / 1000) % 30) + 3 });
    now = await clock();
    const bcred = expectOk(await call(url, '/v1/accounts:signInWithPassword', { email: 'bob@example.com', password: 'bob-password', returnSecureToken: true })).mfaPendingCredential;
    add('bob credential', bcred);
    const bcode = totp(TOTP.bob.secret, { ...TOTP.bob, nowMs: now });
    add('bob TOTP code', bcode);
    const bf = expectOk(await finalizeTotp(url, bcred, 'bob-totp', bcode));
    add('bob ID token', bf.idToken);
    add('bob refresh token', bf.refreshToken);

    // alice enrolls a TOTP factor and a second phone.
    const es = expectOk(await call(url, '/v2/accounts/mfaEnrollment:start', { idToken: f.idToken, totpEnrollmentInfo: {} }));
    add('enrolled TOTP secret', es.totpSessionInfo.sharedSecretKey);
    add('TOTP enrollment sessionInfo', es.totpSessionInfo.sessionInfo);
    const ecode = totp(es.totpSessionInfo.sharedSecretKey, { nowMs: await clock() });
    const ef = expectOk(await call(url, '/v2/accounts/mfaEnrollment:finalize', { idToken: f.idToken, totpVerificationInfo: { sessionInfo: es.totpSessionInfo.sessionInfo, verificationCode: ecode } }));
    add('enrollment ID token', ef.idToken);
    add('enrollment refresh token', ef.refreshToken);
    const ps = expectOk(await call(url, '/v2/accounts/mfaEnrollment:start', { idToken: ef.idToken, phoneEnrollmentInfo: { phoneNumber: '+15555550188' } }));
    const psi = ps.phoneSessionInfo.sessionInfo;
    add('phone enrollment sessionInfo', psi);
    const pcodes = expectOk(await call(url, `/emulator/v1/projects/${PROJECT}/verificationCodes`, undefined, { key: null, method: 'GET', ...ctl }));
    const pcode = pcodes.verificationCodes.find((c) => c.sessionInfo === psi).code;
    smsCodes.push(pcode);
    expectOk(await call(url, '/v2/accounts/mfaEnrollment:finalize', { idToken: ef.idToken, phoneVerificationInfo: { sessionInfo: psi, code: pcode } }));

    // A new user with a password.
    const su = expectOk(await call(url, '/v1/accounts:signUp', { email: 'newbie@example.com', password: signUpPassword, returnSecureToken: true }));
    add('sign-up password', signUpPassword);
    add('sign-up ID token', su.idToken);
    add('sign-up refresh token', su.refreshToken);
    await d.stop();
  });

  test('logs (--log-level debug): no password, TOTP secret or code, token, credential, sessionInfo, proof or control token in stdout or stderr', async () => {
    await setup();
    const out = d.output();
    assert.ok(out.includes('mfaemu: info: access: '), `no access log: ${out.slice(0, 500)}`);
    const leaked = Object.entries(secrets).filter(([, v]) => out.includes(v)).map(([k]) => k);
    figure('log secrecy', `${Object.keys(secrets).length} secrets checked in ${out.split('\n').length} log lines; leaked: ${JSON.stringify(leaked)}`);
    const show = leaked.map((k) => `${k}: ${out.split('\n').find((l) => l.includes(secrets[k]))}`);
    assert.deepEqual(show, []);
  });

  test('logs (--log-level debug): SMS codes appear only on the "sms:" outbox lines', async () => {
    await setup();
    const lines = d.output().split('\n');
    for (const c of smsCodes) {
      const re = new RegExp(`\\b${c}\\b`);
      const hits = lines.filter((l) => re.test(l));
      assert.ok(hits.length >= 1, `code ${c} is not on any sms: line`);
      assert.deepEqual(hits.filter((l) => !/^\S+ mfaemu: info: sms: /.test(l)), [], `code ${c} outside the sms: lines`);
    }
  });
}
