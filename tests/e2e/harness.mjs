// Shared helpers for mfaemu's end-to-end tests: REAL clients (the Firebase
// JS SDK, @googleapis/identitytoolkit, jose) against the real daemon.
//
// The daemon, the outbox, the clock and the control plane come from the
// harness every black-box suite shares, tests/lib/daemon.mjs (re-exported
// here under the names these suites use); this file adds the demo users,
// the SDK set-up, TOTP codes from otplib and the client trace. Each test
// file starts its own daemon on an ephemeral port with fixtures/demo.json
// unless it says otherwise (useDaemon() for the usual set-up), reads SMS
// codes from the emulator's outbox, and computes TOTP codes for the
// emulator's clock (nowMillis), never for the wall clock.
//
// Tracing: with MFAEMU_E2E_TRACE=1 the daemon runs with --log-level debug;
// its access-log lines ("... access: METHOD PATH STATUS ...") are collected, and the
// client side records every request the clients make (method, path,
// content type and the shape of the body). traceReportTest() adds a final
// test that prints both as TAP diagnostics.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { generate } from 'otplib';
import {
  DEMO_FIXTURES, PROJECT, codeFor, control, expectOk, freshTotpStep, realmPath,
  mintCredential as mintCredentialFor, startDaemon as startBareDaemon,
  useDaemon as useSharedDaemon,
} from '../lib/daemon.mjs';

export {
  BIN, SOURCE_ROOT, DEMO_FIXTURES, PROJECT, JWKS_PATH,
  writeFixture, passwordUser, readCodes, getClock, serverNow, advanceClock,
  freshTotpStep, wrongCode, decodeJwt,
} from '../lib/daemon.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));

export const API_KEY = 'fake-api-key';
export const FIREBASE_CONFIG = Object.freeze({
  apiKey: API_KEY,
  projectId: PROJECT,
  authDomain: `${PROJECT}.firebaseapp.com`,
});
export const TRACE = process.env.MFAEMU_E2E_TRACE === '1';
export const ISSUER = `https://securetoken.google.com/${PROJECT}`;

/** The demo fixture's users (fixtures/demo.json). */
export const ALICE = Object.freeze({
  localId: 'alice', email: 'alice@example.com', password: 'alice-password',
  enrollmentId: 'alice-phone', phoneNumber: '+15555550101',
});
export const BOB = Object.freeze({
  localId: 'bob', email: 'bob@example.com', password: 'bob-password',
  enrollmentId: 'bob-totp', secret: '6IJSVADRO4MSOAO2OZINRETRIPWDR6IH',
  algorithm: 'sha1', digits: 6, period: 30,
});
export const ERIN = Object.freeze({
  localId: 'erin', email: 'erin@example.com', password: 'erin-password', tenantId: 'tenant-a',
  enrollmentId: 'erin-phone', phoneNumber: '+15555550104',
});
export const CAROL = Object.freeze({
  localId: 'carol', email: 'carol@example.com', password: 'carol-password',
  enrollmentId: 'carol-phone', phoneNumber: '+15555550100', fixedCode: '123456',
  credential: 'demo-cred-carol',
});

const ACCESS_LINE = /^\S+ mfaemu: info: access: ([A-Z]+) (\/\S*) (\d{3}|-) .*$/;

// The harness's own requests (outbox, clock, control plane) go through
// tests/lib/daemon.mjs, which keeps the fetch it found at load time, so the
// client-side trace shows only what the clients did; so does the tracer.
const rawFetch = globalThis.fetch;

// ------------------------------------------------------------ daemon

/** Every daemon this process started: {url, routes} for the trace report. */
const daemons = [];

/** The requests of the daemon's access log in text. */
function accessRoutes(text) {
  const routes = [];
  for (const line of text.split('\n')) {
    const r = ACCESS_LINE.exec(line.replace(/\r$/, ''));
    if (r) routes.push({ method: r[1], path: r[2], status: Number(r[3]), line: r[0] });
  }
  return routes;
}

/**
 * Start the daemon (startDaemon of tests/lib/daemon.mjs) with the demo
 * fixtures unless fixtures are given, with --log-level debug when tracing.
 * Returns its handle ({url, stop(), output(), ...}) with routes(), the
 * requests its access log shows.
 */
export async function startDaemon({ fixtures = [DEMO_FIXTURES], args = [], ...opts } = {}) {
  const d = await startBareDaemon({
    ...opts, fixtures, args: TRACE ? ['--log-level', 'debug', ...args] : args,
  });
  d.routes = () => [...accessRoutes(d.stdout()), ...accessRoutes(d.stderr())];
  daemons.push(d);
  return d;
}

/**
 * The set-up of a test file that drives one daemon with the SDK: useDaemon
 * of tests/lib/daemon.mjs with this file's startDaemon, and app() and
 * auth() for Firebase apps pointed at it, all deleted after the file's
 * tests before the daemon stops. d.url is there once tests run.
 */
export function useDaemon(opts) {
  const apps = [];
  const d = useSharedDaemon(opts, {
    start: startDaemon,
    beforeStop: async () => {
      for (const a of apps) await a.close();
    },
  });
  /** A fresh {app, auth, close} from newAuth, deleted after the tests. */
  d.app = () => {
    const a = newAuth(d.url);
    apps.push(a);
    return a;
  };
  /** A fresh Auth pointed at the emulator, deleted after the tests. */
  d.auth = () => d.app().auth;
  return d;
}

// ------------------------------------------------------------ control plane

/**
 * The outbox entry whose sessionInfo is the SDK's verificationId (the SDK
 * hands mfaSignIn:start's sessionInfo back as the verification id).
 */
export async function smsFor(url, verificationId, project = PROJECT, tenant = null) {
  return codeFor(url, verificationId, project, tenant);
}

/** Mint a pending credential for a user through the control plane. */
export async function mintCredential(url, localId, project = PROJECT) {
  return mintCredentialFor(url, project, localId);
}

/**
 * A control-plane request (METHOD /emulator/v1 + p, optional JSON body)
 * through the harness's untraced fetch. Returns {status, headers, json, text}.
 */
export function controlRequest(url, method, p, body) {
  return control(url, method, p, body);
}

/**
 * The email outbox of a project or tenant, as the Firebase Auth Emulator
 * keeps it (GET /emulator/v1/projects/{p}[/tenants/{t}]/oobCodes):
 * [{email, requestType, oobCode, oobLink, newEmail?}], oldest first.
 */
export async function readOobCodes(url, project = PROJECT, tenant = null) {
  const body = expectOk(await control(url, 'GET', realmPath(project, tenant ?? undefined) + '/oobCodes'));
  assert.ok(Array.isArray(body.oobCodes), `oobCodes: ${JSON.stringify(body)}`);
  return body.oobCodes;
}

/**
 * The newest outbox entry of requestType for an email (the code the app's
 * last send*Email call produced); asserts there is one.
 */
export async function oobFor(url, email, requestType, project = PROJECT, tenant = null) {
  const codes = await readOobCodes(url, project, tenant);
  const hits = codes.filter((c) => c.email === email && c.requestType === requestType);
  assert.ok(hits.length > 0, `no ${requestType} code for ${email} in ${JSON.stringify(codes)}`);
  const oob = hits[hits.length - 1];
  assert.equal(typeof oob.oobCode, 'string', JSON.stringify(oob));
  assert.equal(typeof oob.oobLink, 'string', JSON.stringify(oob));
  return oob;
}

/**
 * An unsigned IdP ID token as the Firebase Auth Emulator takes it from
 * signInWithCredential (header {"alg":"none"}, empty signature): claims
 * needs at least sub; email and email_verified make it match accounts.
 */
export function fakeIdToken(claims) {
  const enc = (o) => Buffer.from(JSON.stringify(o)).toString('base64url');
  return `${enc({ alg: 'none', typ: 'JWT' })}.${enc({ iss: 'https://accounts.google.com', ...claims })}.`;
}

/**
 * firebase-admin in emulator mode against the daemon at url: sets
 * FIREBASE_AUTH_EMULATOR_HOST (read when the app initializes, process-wide)
 * and returns {auth, close()} for a fresh admin app.
 */
export async function newAdmin(url) {
  process.env.FIREBASE_AUTH_EMULATOR_HOST = new URL(url).host;
  const appMod = await import('firebase-admin/app');
  const authMod = await import('firebase-admin/auth');
  const app = appMod.initializeApp({ projectId: PROJECT }, `admin-${process.pid}-${++appSeq}`);
  return { auth: authMod.getAuth(app), close: () => appMod.deleteApp(app) };
}

// ------------------------------------------------------------ TOTP

/** RFC 6238 code (otplib) for a TOTP enrollment at the emulator time nowMs. */
export async function totpAt(user, nowMs) {
  return generate({
    secret: user.secret,
    algorithm: user.algorithm,
    digits: user.digits,
    period: user.period,
    epoch: Math.floor(nowMs / 1000),
  });
}

/** A code of the right length that is wrong for every step within ±2 of nowMs. */
export async function wrongTotpAt(user, nowMs) {
  const near = new Set();
  for (let k = -2; k <= 2; k++) near.add(await totpAt(user, nowMs + k * user.period * 1000));
  for (let i = 0; ; i++) {
    const c = String((123457 + i * 7919) % 10 ** user.digits).padStart(user.digits, '0');
    if (!near.has(c)) return c;
  }
}

// ------------------------------------------------------------ Firebase JS SDK

const AUTH_BROWSER_CJS = path.join(HERE, 'node_modules', '@firebase', 'auth', 'dist', 'browser-cjs', 'index.js');
let sdk = null;

/**
 * Load the SDK's browser CJS build by file path (its Node build refuses
 * phone auth) together with the @firebase/app instance that build requires,
 * so initializeAuth finds the component it registered. The browser build
 * guards every use of window/document/navigator/self with a typeof check
 * and finds fetch on globalThis, so Node 20 needs no global stubs for the
 * flows used here; none are installed.
 */
export function loadSdk() {
  if (sdk) return sdk;
  assert.ok(fs.existsSync(AUTH_BROWSER_CJS),
    `${AUTH_BROWSER_CJS} missing: run npm ci in tests/e2e`);
  const require = createRequire(AUTH_BROWSER_CJS);
  const authMod = require(AUTH_BROWSER_CJS);
  const appMod = require('@firebase/app');
  sdk = { ...appMod, ...authMod, appMod, authMod };
  return sdk;
}

let appSeq = 0;

/**
 * A fresh Firebase app + Auth pointed at the emulator, as an app developer
 * would set it up. Returns {app, auth, close()}.
 */
export function newAuth(url) {
  const s = loadSdk();
  const app = s.initializeApp({ ...FIREBASE_CONFIG }, `e2e-${process.pid}-${++appSeq}`);
  const auth = s.initializeAuth(app, { persistence: s.inMemoryPersistence });
  s.connectAuthEmulator(auth, url, { disableWarnings: true });
  return { app, auth, close: () => s.deleteApp(app) };
}

/** The application verifier the brief prescribes (a reCAPTCHA v2 stand-in). */
export function fakeVerifier() {
  return { type: 'recaptcha', verify: async () => 'token', _reset() {} };
}

/**
 * Await a promise that must reject with a FirebaseError of the given code;
 * returns the error. Shows the server's message when it is another code.
 */
export async function expectAuthError(promise, code, what = '') {
  let err;
  try {
    const v = await promise;
    assert.fail(`${what} resolved (${describe(v)}) but should have rejected with ${code}`);
  } catch (e) {
    if (e instanceof assert.AssertionError) throw e;
    err = e;
  }
  assert.equal(err?.code, code, `${what}: got ${err?.code} (${err?.message})`);
  return err;
}

function describe(v) {
  if (v && typeof v === 'object' && v.user) return `user ${v.user.uid}`;
  try { return JSON.stringify(v)?.slice(0, 200); } catch { return String(v); }
}

/**
 * First factor with email and password; asserts the SDK rejects with
 * auth/multi-factor-auth-required and returns the MultiFactorResolver.
 */
export async function firstFactor(auth, user) {
  const s = loadSdk();
  const err = await expectAuthError(
    s.signInWithEmailAndPassword(auth, user.email, user.password),
    'auth/multi-factor-auth-required', `signInWithEmailAndPassword(${user.email})`);
  return s.getMultiFactorResolver(auth, err);
}

/** The resolver's hint for an enrollment id. */
export function hintFor(resolver, enrollmentId) {
  const hint = resolver.hints.find((h) => h.uid === enrollmentId);
  assert.ok(hint, `no hint ${enrollmentId} in ${JSON.stringify(resolver.hints)}`);
  return hint;
}

/**
 * verifyPhoneNumber for a sign-in hint, then the code from the outbox (the
 * tenant's when auth.tenantId is set); returns {verificationId, code, phoneNumber}.
 */
export async function sendSms(url, auth, resolver, hint) {
  const s = loadSdk();
  const provider = new s.PhoneAuthProvider(auth);
  const verificationId = await provider.verifyPhoneNumber(
    { multiFactorHint: hint, session: resolver.session }, fakeVerifier());
  assert.equal(typeof verificationId, 'string');
  const sms = await smsFor(url, verificationId, PROJECT, auth.tenantId);
  return { verificationId, code: sms.code, phoneNumber: sms.phoneNumber };
}

export function phoneAssertion(verificationId, code) {
  const s = loadSdk();
  return s.PhoneMultiFactorGenerator.assertion(s.PhoneAuthProvider.credential(verificationId, code));
}

/**
 * Enroll a phone second factor for a signed-in User through the SDK:
 * multiFactor(user).getSession(), verifyPhoneNumber({phoneNumber, session}),
 * the code from the outbox, multiFactor(user).enroll(). Returns the
 * enrolled MultiFactorInfo.
 */
export async function enrollPhone(url, auth, user, phoneNumber, displayName = 'phone') {
  const s = loadSdk();
  const session = await s.multiFactor(user).getSession();
  const provider = new s.PhoneAuthProvider(auth);
  const verificationId = await provider.verifyPhoneNumber({ phoneNumber, session }, fakeVerifier());
  const sms = await smsFor(url, verificationId, PROJECT, auth.tenantId);
  assert.equal(sms.phoneNumber, phoneNumber);
  await s.multiFactor(user).enroll(phoneAssertion(verificationId, sms.code), displayName);
  const info = s.multiFactor(user).enrolledFactors.find((f) => f.phoneNumber === phoneNumber);
  assert.ok(info, `no enrolled factor for ${phoneNumber}: ${JSON.stringify(s.multiFactor(user).enrolledFactors)}`);
  return info;
}

/**
 * The second factor of a sign-in the SDK rejected with
 * auth/multi-factor-auth-required (err): the resolver, its only phone hint,
 * the SMS code from the outbox, resolveSignIn. Returns {resolver, cred}.
 */
export async function resolvePhone(url, auth, err, enrollmentId) {
  const s = loadSdk();
  const resolver = s.getMultiFactorResolver(auth, err);
  const hint = hintFor(resolver, enrollmentId);
  assert.equal(hint.factorId, 'phone');
  const { verificationId, code } = await sendSms(url, auth, resolver, hint);
  const cred = await resolver.resolveSignIn(phoneAssertion(verificationId, code));
  return { resolver, cred };
}

/** The whole phone MFA sign-in through the SDK. Returns the UserCredential. */
export async function sdkPhoneSignIn(url, auth, user = ALICE) {
  const resolver = await firstFactor(auth, user);
  const hint = hintFor(resolver, user.enrollmentId);
  const { verificationId, code } = await sendSms(url, auth, resolver, hint);
  return resolver.resolveSignIn(phoneAssertion(verificationId, code));
}

/** The whole TOTP MFA sign-in through the SDK at a fresh step. Returns the UserCredential. */
export async function sdkTotpSignIn(url, auth, user = BOB) {
  const s = loadSdk();
  const resolver = await firstFactor(auth, user);
  const hint = hintFor(resolver, user.enrollmentId);
  const now = await freshTotpStep(url, user.period);
  const code = await totpAt(user, now);
  return resolver.resolveSignIn(s.TotpMultiFactorGenerator.assertionForSignIn(hint.uid, code));
}

// ------------------------------------------------------------ client trace

const clientRequests = [];

function bodyShape(v, depth = 0) {
  if (Array.isArray(v)) return v.length ? [bodyShape(v[0], depth + 1)] : [];
  if (v && typeof v === 'object') {
    if (depth > 3) return '{...}';
    const o = {};
    for (const [k, x] of Object.entries(v)) o[k] = bodyShape(x, depth + 1);
    return o;
  }
  return v === null ? 'null' : typeof v;
}

function describeBody(body, contentType) {
  if (body === undefined || body === null) return undefined;
  let text;
  if (typeof body === 'string') text = body;
  else if (body instanceof URLSearchParams) text = body.toString();
  else if (body instanceof Uint8Array || body instanceof ArrayBuffer) text = Buffer.from(body).toString('utf8');
  else return `<${body?.constructor?.name ?? typeof body}>`;
  if (/json/i.test(contentType ?? '') || /^\s*[{[]/.test(text)) {
    try { return bodyShape(JSON.parse(text)); } catch { /* not JSON */ }
  }
  if (/x-www-form-urlencoded/i.test(contentType ?? '')) {
    return Object.fromEntries([...new URLSearchParams(text).keys()].map((k) => [k, 'string']));
  }
  return `<${text.length} bytes>`;
}

function headerValue(headers, name) {
  if (!headers) return undefined;
  if (typeof headers.get === 'function') return headers.get(name) ?? undefined;
  for (const [k, v] of Object.entries(headers)) if (k.toLowerCase() === name) return String(v);
  return undefined;
}

if (TRACE) {
  // Record what the clients send (the SDK and gaxios both use fetch).
  globalThis.fetch = async function tracedFetch(input, init = {}) {
    const req = input instanceof Request ? input : null;
    const target = new URL(req ? req.url : String(input));
    const method = (init.method ?? req?.method ?? 'GET').toUpperCase();
    const contentType = headerValue(init.headers ?? req?.headers, 'content-type');
    const entry = {
      method,
      path: target.pathname,
      query: [...target.searchParams.keys()],
      contentType,
      body: describeBody(init.body, contentType),
      status: null,
    };
    clientRequests.push(entry);
    const res = await rawFetch(input, init);
    entry.status = res.status;
    return res;
  };
}

/**
 * Add this file's last top-level test: with MFAEMU_E2E_TRACE=1 it prints
 * every route the daemon served (from its debug log) and every request the
 * clients sent, as TAP diagnostics; routes the daemon did not know (404)
 * are listed apart. Without tracing it is skipped.
 */
export function traceReportTest(label) {
  test(`trace: routes the clients called in ${label} (MFAEMU_E2E_TRACE=1)`,
    { skip: TRACE ? false : 'set MFAEMU_E2E_TRACE=1 to list the routes' }, (t) => {
      const served = new Map();
      for (const d of daemons) {
        for (const r of d.routes()) {
          const k = `${r.method} ${r.path} -> ${r.status}`;
          served.set(k, (served.get(k) ?? 0) + 1);
        }
      }
      t.diagnostic(`daemon routes (${label}):`);
      for (const [k, n] of [...served].sort()) t.diagnostic(`  route ${k} x${n}`);
      const missing = [...served.keys()].filter((k) => /-> (404|405|501)$/.test(k));
      for (const k of missing) t.diagnostic(`  MISSING ${k}`);
      const shapes = new Map();
      for (const r of clientRequests) {
        const body = r.body === undefined ? '-' : JSON.stringify(r.body);
        const k = `${r.method} ${r.path}?${r.query.join('&')} [${r.contentType ?? '-'}] -> ${r.status} body ${body}`;
        if (!shapes.has(k)) shapes.set(k, r.body);
      }
      t.diagnostic(`client requests (${label}):`);
      for (const k of [...shapes.keys()].sort()) t.diagnostic(`  request ${k}`);
      if (TRACE_FILE) {
        fs.appendFileSync(TRACE_FILE, JSON.stringify({
          label,
          served: Object.fromEntries(served),
          clientRequests: [...shapes].map(([k, b]) => ({ request: k.replace(/ body .*$/, ''), body: b })),
        }) + '\n');
      }
    });
}

/** Optional JSON-lines file the trace report also appends to. */
const TRACE_FILE = process.env.MFAEMU_E2E_TRACE_FILE;
