// The integration suites' harness: the shared daemon harness
// (tests/lib/daemon.mjs: daemon start/stop, HTTP, outbox, clock, control
// plane), re-exported whole, plus what only these suites use: the
// mfaSignIn routes, exact error-envelope assertions, an RFC 6238 reference,
// ID token checks, whole sign-in flows and the default fixture scenario.
// tests/reliability/lib.mjs re-exports this module.

import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import {
  PROJECT, call, codeFor, decodeJwt, expectOk, fetchJwks, passwordUser,
} from '../lib/daemon.mjs';

export * from '../lib/daemon.mjs';

export const START = '/v2/accounts/mfaSignIn:start';
export const FINALIZE = '/v2/accounts/mfaSignIn:finalize';
export const GOOGLE_PREFIX = '/identitytoolkit.googleapis.com';

export const start = (url, body, opts) => call(url, START, body, opts);
export const finalize = (url, body, opts) => call(url, FINALIZE, body, opts);

/** The CODE part of an error message ("CODE" or "CODE : detail"). */
export function errorCode(res) {
  return res.json?.error?.message?.split(' : ')[0];
}

/**
 * Assert that res is a Google error envelope with the given HTTP status and
 * CODE. For 400s the whole envelope shape is checked. Returns the message,
 * followed by " : " and mfaemu's explanation when error.details has one.
 */
export function expectError(res, status, code, { xgafv2 = false, googleStatus } = {}) {
  const ctx = `response ${res.status} ${res.text}`;
  assert.equal(res.status, status, ctx);
  assert.ok(res.json && typeof res.json === 'object', `error body is not JSON: ${ctx}`);
  const e = res.json.error;
  assert.ok(e && typeof e === 'object', `no error object: ${ctx}`);
  assert.equal(e.code, status, ctx);
  assert.equal(typeof e.message, 'string', ctx);
  // Google's front end refuses malformed requests with a sentence and no
  // CODE (status INVALID_ARGUMENT): expecting 'INVALID_ARGUMENT' accepts it.
  // So do its authentication errors (status UNAUTHENTICATED).
  const frontEnd = (code === 'INVALID_ARGUMENT' || code === 'UNAUTHENTICATED') &&
    code === e.status && !/^[A-Z_]+( : |$)/.test(e.message);
  if (code !== undefined && !frontEnd) assert.equal(e.message.split(' : ')[0], code, ctx);
  const gs = googleStatus ?? (status === 400 ? 'INVALID_ARGUMENT' : undefined);
  if (gs) assert.equal(e.status, gs, ctx);
  if (xgafv2) {
    assert.ok(!('errors' in e), `errors[] present with $.xgafv=2: ${ctx}`);
  } else if (status === 400) {
    const reasons = ['invalid', 'parseError', 'badRequest'];
    assert.ok(reasons.includes(e.errors?.[0]?.reason), ctx);
    assert.deepEqual(e.errors, [{ message: e.message, domain: 'global', reason: e.errors[0].reason }], ctx);
  }
  if (status === 400) {
    const keys = Object.keys(e).filter((k) => k !== 'details').sort();
    assert.deepEqual(keys, xgafv2 ? ['code', 'message', 'status'] : ['code', 'errors', 'message', 'status'], ctx);
  }
  // mfaemu's own explanation, where Google's message carries none.
  if ('details' in e) {
    assert.ok(Array.isArray(e.details) && e.details.length === 1, ctx);
    assert.equal(e.details[0]['@type'], 'type.googleapis.com/google.rpc.DebugInfo', ctx);
    assert.equal(typeof e.details[0].detail, 'string', ctx);
    return `${e.message} : ${e.details[0].detail}`;
  }
  return e.message;
}

/** mfaemu's explanation of an error, kept in error.details (DebugInfo). */
export function errorDebug(res) {
  return res.json?.error?.details?.find((x) => x['@type'] === 'type.googleapis.com/google.rpc.DebugInfo')?.detail;
}

// ---------------------------------------------------------------- TOTP

const B32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

export function base32Decode(s) {
  const clean = s.replace(/[\s=]/g, '').toUpperCase();
  let bits = 0;
  let value = 0;
  const out = [];
  for (const ch of clean) {
    const v = B32.indexOf(ch);
    if (v < 0) throw new Error(`bad base32 character ${JSON.stringify(ch)}`);
    value = (value << 5) | v;
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return Buffer.from(out);
}

/** RFC 6238 code for a base32 secret at nowMs. */
export function totp(secret, { algorithm = 'SHA1', digits = 6, period = 30, nowMs = Date.now() } = {}) {
  const key = base32Decode(secret);
  const counter = Math.floor(nowMs / 1000 / period);
  const msg = Buffer.alloc(8);
  msg.writeBigUInt64BE(BigInt(counter));
  const mac = crypto.createHmac(algorithm.toLowerCase().replace('-', ''), key).update(msg).digest();
  const off = mac[mac.length - 1] & 0x0f;
  const bin = ((mac[off] & 0x7f) << 24) | (mac[off + 1] << 16) | (mac[off + 2] << 8) | mac[off + 3];
  return String(bin % 10 ** digits).padStart(digits, '0');
}

/** A code that is wrong for every step within ±2 of nowMs. */
export function wrongTotp(secret, opts) {
  const near = new Set();
  for (let k = -2; k <= 2; k++) {
    near.add(totp(secret, { ...opts, nowMs: opts.nowMs + k * opts.period * 1000 }));
  }
  const digits = opts.digits ?? 6;
  for (let i = 0; ; i++) {
    const c = String((123457 + i * 7919) % 10 ** digits).padStart(digits, '0');
    if (!near.has(c)) return c;
  }
}

// ---------------------------------------------------------------- tokens

/**
 * Verify an ID token's RS256 signature against the daemon's JWKS and check
 * iss and aud. Returns the claims.
 */
export async function verifyIdToken(url, jwt, project = PROJECT) {
  const { header, claims, signingInput, signature } = decodeJwt(jwt);
  assert.equal(header.alg, 'RS256', `alg: ${JSON.stringify(header)}`);
  assert.equal(typeof header.kid, 'string', `kid: ${JSON.stringify(header)}`);
  const jwks = await fetchJwks(url);
  const jwk = jwks.keys.find((k) => k.kid === header.kid);
  assert.ok(jwk, `no JWKS key with kid ${header.kid}: ${JSON.stringify(jwks)}`);
  const pub = crypto.createPublicKey({ key: jwk, format: 'jwk' });
  const ok = crypto.verify('RSA-SHA256', Buffer.from(signingInput), pub, signature);
  assert.ok(ok, 'ID token signature does not verify against the JWKS');
  assert.equal(claims.iss, `https://securetoken.google.com/${project}`);
  assert.equal(claims.aud, project);
  return claims;
}

/**
 * Assert the claims every MFA ID token carries. expect: {localId, email,
 * emailVerified, factor, enrollmentId, tenant, nowMs}.
 */
export function checkMfaClaims(claims, { localId, email, emailVerified = true, factor, enrollmentId, tenant, nowMs }) {
  const ctx = JSON.stringify(claims);
  assert.equal(claims.sub, localId, ctx);
  assert.equal(claims.user_id, localId, ctx);
  assert.ok(Number.isInteger(claims.iat), ctx);
  assert.equal(claims.exp, claims.iat + 3600, ctx);
  assert.ok(Number.isInteger(claims.auth_time), ctx);
  if (nowMs !== undefined) {
    assert.ok(Math.abs(claims.iat - nowMs / 1000) <= 5, `iat ${claims.iat} vs server now ${nowMs}: ${ctx}`);
  }
  if (email !== undefined) assert.equal(claims.email, email, ctx);
  assert.equal(claims.email_verified, emailVerified, ctx);
  assert.ok(claims.firebase && typeof claims.firebase === 'object', ctx);
  assert.equal(claims.firebase.sign_in_second_factor, factor, ctx);
  assert.equal(claims.firebase.second_factor_identifier, enrollmentId, ctx);
  assert.equal(claims.firebase.sign_in_provider, 'password', ctx);
  if (tenant === undefined) assert.ok(!('tenant' in claims.firebase), `unexpected tenant: ${ctx}`);
  else assert.equal(claims.firebase.tenant, tenant, ctx);
}

// ---------------------------------------------------------------- flows

/**
 * mfaSignIn:start for a phone enrollment; asserts 200 and returns
 * {sessionInfo, code, phoneNumber} from the outbox.
 */
export async function startPhone(url, cred, enrollmentId, { tenantId, project = PROJECT, prefix = '' } = {}) {
  const body = { mfaPendingCredential: cred, mfaEnrollmentId: enrollmentId };
  if (tenantId) body.tenantId = tenantId;
  const res = await call(url, prefix + START, body);
  const json = expectOk(res);
  const sessionInfo = json.phoneResponseInfo?.sessionInfo;
  assert.equal(typeof sessionInfo, 'string', res.text);
  const entry = await codeFor(url, sessionInfo, project, tenantId);
  return { sessionInfo, code: entry.code, phoneNumber: entry.phoneNumber };
}

/** A whole phone sign-in: start, read the code, finalize. Returns the finalize JSON. */
export async function phoneSignIn(url, cred, enrollmentId, opts = {}) {
  const s = await startPhone(url, cred, enrollmentId, opts);
  const body = { mfaPendingCredential: cred, phoneVerificationInfo: { sessionInfo: s.sessionInfo, code: s.code } };
  if (opts.tenantId) body.tenantId = opts.tenantId;
  return expectOk(await finalize(url, body));
}

// ---------------------------------------------------------------- fixtures

export const SECRET_SHA1 = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';
export const SECRET_SHA256 = '6IJSVADRO4MSOAO2OZINRETRIPWDR6IH';
export const SECRET_SHA512 = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ';

/** A user with one phone enrollment `<localId>-phone`. */
export function phoneUser(localId, phone, extra = {}) {
  return passwordUser(localId, {
    mfaInfo: [{ mfaEnrollmentId: `${localId}-phone`, displayName: 'phone', phoneInfo: phone }],
    ...extra,
  });
}

/** A user with one TOTP enrollment `<localId>-totp`. */
export function totpUser(localId, { secret = SECRET_SHA1, algorithm = 'SHA1', digits = 6, period = 30 } = {}, extra = {}) {
  return passwordUser(localId, {
    mfaInfo: [{
      mfaEnrollmentId: `${localId}-totp`,
      displayName: 'Authenticator',
      enrolledAt: '2026-01-01T00:00:00Z',
      totpInfo: { sharedSecretKey: secret, hashingAlgorithm: algorithm, verificationCodeLength: digits, periodSec: period },
    }],
    ...extra,
  });
}

/** TOTP parameters of the users the default fixture declares. */
export const TOTP = {
  bob: { enrollmentId: 'bob-totp', secret: SECRET_SHA1, algorithm: 'SHA1', digits: 6, period: 30 },
  carol: { enrollmentId: 'carol-totp', secret: SECRET_SHA256, algorithm: 'SHA256', digits: 8, period: 30 },
  tina: { enrollmentId: 'tina-totp', secret: SECRET_SHA512, algorithm: 'SHA512', digits: 7, period: 60 },
};

/** The default scenario's users. */
export function defaultUsers() {
  return [
    phoneUser('alice', '+15555550101', { mfaInfo: [{ mfaEnrollmentId: 'alice-phone', displayName: "Alice's phone", enrolledAt: '2026-01-01T00:00:00Z', phoneInfo: '+15555550101' }] }),
    totpUser('bob', TOTP.bob),
    {
      localId: 'carol',
      email: 'carol@example.com',
      password: 'carol-password',
      phoneNumber: '+15555550100',
      emailVerified: true,
      mfaInfo: [
        { mfaEnrollmentId: 'carol-phone', phoneInfo: '+15555550100' },
        { mfaEnrollmentId: 'carol-totp', totpInfo: { sharedSecretKey: SECRET_SHA256, hashingAlgorithm: 'SHA256', verificationCodeLength: 8, periodSec: 30 } },
      ],
    },
    phoneUser('dave', '+15555550103', { disabled: true }),
    phoneUser('erin', '+15555550104', { tenantId: 'tenant-a', emailVerified: false }),
    {
      localId: 'gail',
      tenantId: 'tenant-b',
      email: 'gail@example.com',
      password: 'gail-password',
      emailVerified: true,
      mfaInfo: [
        { mfaEnrollmentId: 'gail-phone', phoneInfo: '+15555550106' },
        { mfaEnrollmentId: 'gail-totp', totpInfo: { sharedSecretKey: SECRET_SHA1, hashingAlgorithm: 'SHA1', verificationCodeLength: 6, periodSec: 30 } },
      ],
    },
    totpUser('tina', TOTP.tina),
  ];
}

/**
 * A fixture object like fixtures/demo.json. The default scenario:
 *   alice  phone +15555550101 (alice-phone)
 *   bob    TOTP SHA1/6/30 (bob-totp)
 *   carol  test number +15555550100 code 123456 (carol-phone), TOTP SHA256/8 (carol-totp)
 *   dave   disabled, phone (dave-phone)
 *   erin   tenant-a, phone (erin-phone), email not verified
 *   gail   tenant-b (phone and TOTP disabled), gail-phone, gail-totp
 *   tina   TOTP SHA512/7 digits/60 s (tina-totp)
 * and a pending credential `cred-<localId>` for each, valid for a year.
 * overrides replace top-level keys; extraUsers / extraCredentials append.
 */
export function fixture(overrides = {}) {
  const { extraUsers = [], extraCredentials = [], ...rest } = overrides;
  const users = rest.users ?? defaultUsers();
  const base = {
    projectId: PROJECT,
    mfa: { phone: true, totp: true },
    testPhoneNumbers: { '+15555550100': '123456' },
    tenants: [
      { tenantId: 'tenant-a', mfa: { phone: true, totp: true } },
      { tenantId: 'tenant-b', mfa: { phone: false, totp: false } },
    ],
    users,
    pendingCredentials: users.map((u) => ({
      mfaPendingCredential: `cred-${u.localId}`,
      localId: u.localId,
      ...(u.tenantId ? { tenantId: u.tenantId } : {}),
      expiresIn: 31536000,
    })),
  };
  const out = { ...base, ...rest, users: [...users, ...extraUsers] };
  out.pendingCredentials = [...(rest.pendingCredentials ?? base.pendingCredentials), ...extraCredentials];
  return out;
}

/** POST /v1/accounts:signInWithPassword; returns the raw response. */
export function signInWithPassword(url, email, password, extra = {}, opts) {
  return call(url, '/v1/accounts:signInWithPassword', { email, password, returnSecureToken: true, ...extra }, opts);
}
