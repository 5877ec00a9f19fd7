// The Firebase Admin SDK (firebase-admin 14.5.1) against mfaemu, the way
// test suites use it with the Firebase Auth Emulator: FIREBASE_AUTH_EMULATOR_HOST
// set before the SDK initializes, users created in a beforeEach, the SDK
// sending "Authorization: Bearer owner". Covers user management with second
// factors (phone through the SDK, TOTP through the REST call the SDK cannot
// make), import and paging, revocation, tenants, the project's MFA config and
// its email privacy switch, and crosses over to the JS SDK for the sign-ins
// the Admin SDK set up.
//
// With MFAEMU_E2E_TRACE=1 the last test lists every route the daemon served,
// which is every route firebase-admin called (its requests go through
// node:http, not fetch, so they appear on the daemon side only).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  PROJECT, DEMO_FIXTURES, ALICE, startDaemon, getClock, serverNow,
  newAuth, loadSdk, firstFactor, hintFor, sendSms, phoneAssertion, freshTotpStep,
  totpAt, decodeJwt, expectAuthError, smsFor, traceReportTest,
} from './harness.mjs';

const ITK = '/identitytoolkit.googleapis.com';
const TOTP_SECRET = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';

let d;
let adminApp;
let adminAuth;
let deleteAdminApp;

before(async () => {
  // firebase-admin in emulator mode accepts only unsigned ID tokens (what
  // the Firebase Auth Emulator issues), so this daemon issues those.
  d = await startDaemon({ fixtures: [DEMO_FIXTURES], args: ['--id-token-alg', 'none'] });
  // The Admin SDK reads the emulator host when it initializes.
  process.env.FIREBASE_AUTH_EMULATOR_HOST = new URL(d.url).host;
  const appMod = await import('firebase-admin/app');
  const authMod = await import('firebase-admin/auth');
  adminApp = appMod.initializeApp({ projectId: PROJECT }, `admin-e2e-${process.pid}`);
  deleteAdminApp = () => appMod.deleteApp(adminApp);
  adminAuth = authMod.getAuth(adminApp);
});

after(async () => {
  await deleteAdminApp?.();
  await d?.stop();
});

// ------------------------------------------------------------ helpers

/** Await a promise that must reject with a FirebaseAuthError code. */
async function expectAdminError(promise, code, what) {
  let err;
  try {
    const v = await promise;
    assert.fail(`${what} resolved (${JSON.stringify(v)?.slice(0, 300)}) but should reject with ${code}`);
  } catch (e) {
    if (e instanceof assert.AssertionError) throw e;
    err = e;
  }
  assert.equal(err?.code, code, `${what}: got ${err?.code}: ${err?.message}`);
  return err;
}

/** A REST call to the Admin API with the Admin SDK's credential. */
async function adminRest(method, p, body) {
  const res = await fetch(d.url + ITK + p, {
    method,
    headers: { authorization: 'Bearer owner', ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
    signal: AbortSignal.timeout(10_000),
  });
  const text = await res.text();
  let json = null;
  try { json = JSON.parse(text); } catch { /* not JSON */ }
  return { status: res.status, json, text };
}

/** A control-plane or Identity Toolkit call without admin credentials. */
async function plain(method, p, body) {
  const res = await fetch(d.url + p, {
    method,
    headers: body ? { 'content-type': 'application/json' } : {},
    body: body ? JSON.stringify(body) : undefined,
    signal: AbortSignal.timeout(10_000),
  });
  const text = await res.text();
  let json = null;
  try { json = JSON.parse(text); } catch { /* not JSON */ }
  return { status: res.status, json, text };
}

/** Assert an enrollmentTime (UTC string) lies within `slackS` of the emulator's now. */
function assertNearNow(enrollmentTime, nowMs, slackS = 10) {
  assert.equal(typeof enrollmentTime, 'string');
  assert.equal(new Date(enrollmentTime).toUTCString(), enrollmentTime, `not a UTC date string: ${enrollmentTime}`);
  const t = new Date(enrollmentTime).getTime();
  assert.ok(Math.abs(t - nowMs) <= slackS * 1000, `enrollmentTime ${enrollmentTime} vs emulator now ${new Date(nowMs).toUTCString()}`);
}

/** Every user of the project through listUsers pages of `size`; returns {users, pageSizes}. */
async function listAll(auth, size) {
  const users = [];
  const pageSizes = [];
  let token;
  for (let guard = 0; guard < 100; guard++) {
    const page = await auth.listUsers(size, token);
    pageSizes.push(page.users.length);
    users.push(...page.users);
    token = page.pageToken;
    if (!token) return { users, pageSizes };
  }
  assert.fail('listUsers never ended');
}

/** Put the emulator clock back on the wall clock (the Admin SDK stamps validSince with Date.now()). */
async function resetClockOffset() {
  const c = await getClock(d.url);
  if (c.offsetMillis !== 0) {
    const res = await plain('POST', '/emulator/v1/clock', { advanceMillis: -c.offsetMillis });
    assert.equal(res.status, 200, res.text);
  }
  assert.ok(Math.abs((await serverNow(d.url)) - Date.now()) < 1000);
}

const PHONE_USER = {
  uid: 'adm-phone',
  email: 'adm-phone@example.com',
  password: 'adm-phone-password',
  displayName: 'Admin-made phone user',
  phoneNumber: '+15555550202',
  emailVerified: true,
};
let phoneFactorUid;
let phoneUserIdToken;

const TOTP_USER = {
  localId: 'adm-totp',
  email: 'adm-totp@example.com',
  password: 'adm-totp-password',
  secret: TOTP_SECRET, algorithm: 'sha1', digits: 6, period: 30,
};
let totpFactorUid;

// ------------------------------------------------------------ create and read back

test('createUser with a phone second factor; getUser reads back the enrolled factor', async () => {
  const now = await serverNow(d.url);
  const created = await adminAuth.createUser({
    ...PHONE_USER,
    multiFactor: { enrolledFactors: [{ factorId: 'phone', phoneNumber: '+15555550201', displayName: 'Work phone' }] },
  });
  for (const rec of [created, await adminAuth.getUser(PHONE_USER.uid)]) {
    assert.equal(rec.uid, PHONE_USER.uid);
    assert.equal(rec.email, PHONE_USER.email);
    assert.equal(rec.displayName, PHONE_USER.displayName);
    assert.equal(rec.phoneNumber, PHONE_USER.phoneNumber);
    assert.equal(rec.emailVerified, true);
    assert.equal(rec.disabled, false);
    const factors = rec.multiFactor?.enrolledFactors;
    assert.ok(Array.isArray(factors), `multiFactor: ${JSON.stringify(rec.multiFactor)}`);
    assert.equal(factors.length, 1, JSON.stringify(factors));
    const f = factors[0];
    assert.equal(f.factorId, 'phone');
    assert.equal(typeof f.uid, 'string');
    assert.ok(f.uid.length > 0);
    assert.equal(f.displayName, 'Work phone');
    assert.equal(f.phoneNumber, '+15555550201');
    assertNearNow(f.enrollmentTime, now);
    assert.deepEqual(Object.keys(f.toJSON()).sort(), ['displayName', 'enrollmentTime', 'factorId', 'phoneNumber', 'uid']);
    phoneFactorUid ??= f.uid;
    assert.equal(f.uid, phoneFactorUid, 'the enrollment id is stable between reads');
  }
});

test('getUserByEmail, getUserByPhoneNumber and getUsers find users the Admin SDK and fixtures made', async () => {
  const byEmail = await adminAuth.getUserByEmail(PHONE_USER.email);
  assert.equal(byEmail.uid, PHONE_USER.uid);
  assert.equal(byEmail.multiFactor.enrolledFactors[0].uid, phoneFactorUid);
  const byPhone = await adminAuth.getUserByPhoneNumber(PHONE_USER.phoneNumber);
  assert.equal(byPhone.uid, PHONE_USER.uid);
  // The phone of a second factor is not the account's phone number.
  await expectAdminError(adminAuth.getUserByPhoneNumber('+15555550201'), 'auth/user-not-found',
    'getUserByPhoneNumber(second-factor phone)');

  const res = await adminAuth.getUsers([
    { uid: PHONE_USER.uid }, { email: 'alice@example.com' }, { phoneNumber: '+15555550100' }, { uid: 'nobody-here' },
  ]);
  assert.deepEqual(res.users.map((u) => u.uid).sort(), ['adm-phone', 'alice', 'carol']);
  assert.deepEqual(res.notFound, [{ uid: 'nobody-here' }]);
  const carol = res.users.find((u) => u.uid === 'carol');
  assert.deepEqual(carol.multiFactor.enrolledFactors.map((f) => [f.uid, f.factorId]),
    [['carol-phone', 'phone'], ['carol-totp', 'totp']]);
});

test('a TOTP factor created with mfaInfo[].totpInfo (Bearer owner REST) reads back through getUser as factorId totp', async () => {
  const now = await serverNow(d.url);
  const res = await adminRest('POST', `/v1/projects/${PROJECT}/accounts`, {
    localId: TOTP_USER.localId,
    email: TOTP_USER.email,
    password: TOTP_USER.password,
    emailVerified: true,
    mfaInfo: [{
      displayName: 'Authenticator app',
      totpInfo: { sharedSecretKey: TOTP_SECRET, hashingAlgorithm: 'SHA1', verificationCodeLength: 6, periodSec: 30 },
    }],
  });
  assert.equal(res.status, 200, res.text);
  assert.equal(res.json.localId, TOTP_USER.localId);

  const rec = await adminAuth.getUser(TOTP_USER.localId);
  const factors = rec.multiFactor?.enrolledFactors;
  assert.equal(factors?.length, 1, JSON.stringify(rec.toJSON()));
  const f = factors[0];
  assert.equal(f.factorId, 'totp');
  assert.equal(f.constructor.name, 'TotpMultiFactorInfo');
  assert.equal(typeof f.uid, 'string');
  assert.ok(f.uid.length > 0);
  assert.equal(f.displayName, 'Authenticator app');
  assertNearNow(f.enrollmentTime, now);
  assert.deepEqual(f.totpInfo, {});
  assert.equal(f.phoneNumber, undefined);
  assert.ok(!JSON.stringify(rec.toJSON()).includes(TOTP_SECRET), 'the shared secret must not be readable');
  totpFactorUid = f.uid;
});

// ------------------------------------------------------------ sign-in through the JS SDK

test('the JS SDK signs in (phone factor) as the user the Admin SDK created; the ID token names the factor', async () => {
  const { auth, close } = newAuth(d.url);
  try {
    const resolver = await firstFactor(auth, PHONE_USER);
    assert.equal(resolver.hints.length, 1);
    const hint = hintFor(resolver, phoneFactorUid);
    assert.equal(hint.factorId, 'phone');
    assert.equal(hint.displayName, 'Work phone');
    const { verificationId, code, phoneNumber } = await sendSms(d.url, auth, resolver, hint);
    assert.equal(phoneNumber, '+15555550201');
    const cred = await resolver.resolveSignIn(phoneAssertion(verificationId, code));
    assert.equal(cred.user.uid, PHONE_USER.uid);
    phoneUserIdToken = await cred.user.getIdToken();
    const { claims } = decodeJwt(phoneUserIdToken);
    assert.equal(claims.sub, PHONE_USER.uid);
    assert.equal(claims.firebase.sign_in_second_factor, 'phone');
    assert.equal(claims.firebase.second_factor_identifier, phoneFactorUid);
  } finally {
    await close();
  }
});

test('verifyIdToken on that token shows firebase.sign_in_second_factor and second_factor_identifier', async () => {
  assert.ok(phoneUserIdToken, 'needs the sign-in test above');
  const decoded = await adminAuth.verifyIdToken(phoneUserIdToken);
  assert.equal(decoded.uid, PHONE_USER.uid);
  assert.equal(decoded.email, PHONE_USER.email);
  assert.equal(decoded.firebase.sign_in_provider, 'password');
  assert.equal(decoded.firebase.sign_in_second_factor, 'phone');
  assert.equal(decoded.firebase.second_factor_identifier, phoneFactorUid);
});

test('the JS SDK signs in (TOTP factor) as the user created with totpInfo', async () => {
  const s = loadSdk();
  const { auth, close } = newAuth(d.url);
  try {
    const resolver = await firstFactor(auth, TOTP_USER);
    const hint = hintFor(resolver, totpFactorUid);
    assert.equal(hint.factorId, 'totp');
    const now = await freshTotpStep(d.url, 30);
    const cred = await resolver.resolveSignIn(
      s.TotpMultiFactorGenerator.assertionForSignIn(hint.uid, await totpAt(TOTP_USER, now)));
    assert.equal(cred.user.uid, TOTP_USER.localId);
    const { claims } = decodeJwt(await cred.user.getIdToken());
    assert.equal(claims.firebase.sign_in_second_factor, 'totp');
    assert.equal(claims.firebase.second_factor_identifier, totpFactorUid);
  } finally {
    await close();
  }
});

// ------------------------------------------------------------ update

test('updateUser replaces the enrolled factors (keep one as read, add one), then removes them', async () => {
  const uid = 'adm-upd';
  await adminAuth.createUser({
    uid, email: 'adm-upd@example.com', password: 'adm-upd-password', emailVerified: true,
    multiFactor: { enrolledFactors: [
      { factorId: 'phone', phoneNumber: '+15555550211', displayName: 'First' },
      { factorId: 'phone', phoneNumber: '+15555550212', displayName: 'Second' },
    ] },
  });
  const before0 = (await adminAuth.getUser(uid)).multiFactor.enrolledFactors;
  assert.deepEqual(before0.map((f) => f.phoneNumber), ['+15555550211', '+15555550212']);
  assert.notEqual(before0[0].uid, before0[1].uid);

  // Keep the first exactly as read (uid, enrollmentTime), drop the second, add a third.
  const kept = before0[0].toJSON();
  await adminAuth.updateUser(uid, {
    multiFactor: { enrolledFactors: [
      kept,
      { uid: 'adm-upd-backup', factorId: 'phone', phoneNumber: '+15555550213', displayName: 'Backup' },
    ] },
  });
  const after1 = (await adminAuth.getUser(uid)).multiFactor.enrolledFactors.map((f) => f.toJSON());
  assert.equal(after1.length, 2, JSON.stringify(after1));
  assert.deepEqual(after1[0], kept);
  assert.equal(after1[1].uid, 'adm-upd-backup');
  assert.equal(after1[1].factorId, 'phone');
  assert.equal(after1[1].phoneNumber, '+15555550213');
  assert.equal(after1[1].displayName, 'Backup');
  assertNearNow(after1[1].enrollmentTime, await serverNow(d.url));

  // Only the backup left: the JS SDK offers exactly that hint.
  await adminAuth.updateUser(uid, { multiFactor: { enrolledFactors: [after1[1]] } });
  const after2 = (await adminAuth.getUser(uid)).multiFactor.enrolledFactors.map((f) => f.uid);
  assert.deepEqual(after2, ['adm-upd-backup']);
  {
    const { auth, close } = newAuth(d.url);
    try {
      const resolver = await firstFactor(auth, { email: 'adm-upd@example.com', password: 'adm-upd-password' });
      assert.deepEqual(resolver.hints.map((h) => [h.uid, h.factorId, h.displayName]),
        [['adm-upd-backup', 'phone', 'Backup']]);
    } finally {
      await close();
    }
  }

  // null removes every factor: no multiFactor, and the first factor alone signs in.
  const rec = await adminAuth.updateUser(uid, { multiFactor: { enrolledFactors: null } });
  assert.equal(rec.multiFactor, undefined, JSON.stringify(rec.toJSON()));
  assert.equal((await adminAuth.getUser(uid)).multiFactor, undefined);
  {
    const s = loadSdk();
    const { auth, close } = newAuth(d.url);
    try {
      const cred = await s.signInWithEmailAndPassword(auth, 'adm-upd@example.com', 'adm-upd-password');
      assert.equal(cred.user.uid, uid);
    } finally {
      await close();
    }
  }
});

test('updateUser removes the TOTP factor of the REST-made user', async () => {
  const rec = await adminAuth.updateUser(TOTP_USER.localId, { multiFactor: { enrolledFactors: null } });
  assert.equal(rec.multiFactor, undefined, JSON.stringify(rec.toJSON()));
  const s = loadSdk();
  const { auth, close } = newAuth(d.url);
  try {
    const cred = await s.signInWithEmailAndPassword(auth, TOTP_USER.email, TOTP_USER.password);
    assert.equal(cred.user.uid, TOTP_USER.localId);
  } finally {
    await close();
  }
});

test('updateUser: emailVerified, phoneNumber null (deleteProvider phone) and disabled take effect', async () => {
  const uid = 'adm-flags';
  await adminAuth.createUser({
    uid, email: 'adm-flags@example.com', password: 'adm-flags-password', emailVerified: true,
    phoneNumber: '+15555550221',
    multiFactor: { enrolledFactors: [{ factorId: 'phone', phoneNumber: '+15555550222' }] },
  });
  let rec = await adminAuth.updateUser(uid, { emailVerified: false, phoneNumber: null });
  assert.equal(rec.emailVerified, false);
  assert.equal(rec.phoneNumber, undefined);
  await expectAdminError(adminAuth.getUserByPhoneNumber('+15555550221'), 'auth/user-not-found',
    'getUserByPhoneNumber after deleteProvider');
  assert.equal(rec.multiFactor.enrolledFactors.length, 1, 'the second factor stays');

  rec = await adminAuth.updateUser(uid, { disabled: true });
  assert.equal(rec.disabled, true);
  assert.equal((await adminAuth.getUser(uid)).disabled, true);
  const s = loadSdk();
  const { auth, close } = newAuth(d.url);
  try {
    await expectAuthError(s.signInWithEmailAndPassword(auth, 'adm-flags@example.com', 'adm-flags-password'),
      'auth/user-disabled', 'sign-in of a disabled user');
  } finally {
    await close();
  }
  rec = await adminAuth.updateUser(uid, { disabled: false });
  assert.equal(rec.disabled, false);
});

test('setCustomUserClaims: getUser shows the claims, the SDK\'s forced refresh carries them, null clears them', async () => {
  const uid = 'adm-claims';
  await adminAuth.createUser({ uid, email: 'adm-claims@example.com', password: 'adm-claims-password' });
  const s = loadSdk();
  const { auth, close } = newAuth(d.url);
  try {
    const cred = await s.signInWithEmailAndPassword(auth, 'adm-claims@example.com', 'adm-claims-password');
    assert.equal((await cred.user.getIdTokenResult()).claims.role, undefined);
    await adminAuth.setCustomUserClaims(uid, { role: 'admin' });
    assert.deepEqual((await adminAuth.getUser(uid)).customClaims, { role: 'admin' });
    const result = await cred.user.getIdTokenResult(true);
    assert.equal(result.claims.role, 'admin');
    assert.equal((await adminAuth.verifyIdToken(result.token)).role, 'admin');
    await adminAuth.setCustomUserClaims(uid, null);
    assert.equal((await cred.user.getIdTokenResult(true)).claims.role, undefined);
  } finally {
    await close();
  }
});

// ------------------------------------------------------------ import, list, delete

test('importUsers takes 1,000 users in one call; listUsers pages through them 300 at a time; deleteUsers removes them', async () => {
  const before0 = await listAll(adminAuth, 1000);
  const existing = new Set(before0.users.map((u) => u.uid));
  const users = Array.from({ length: 1000 }, (_, i) => {
    const u = { uid: `imp-${String(i).padStart(4, '0')}`, email: `imp-${i}@example.com`, displayName: `Imported ${i}` };
    if (i % 100 === 0) {
      u.emailVerified = true;
      u.multiFactor = { enrolledFactors: [{
        uid: `imp-${i}-phone`, factorId: 'phone', phoneNumber: `+1555556${String(i).padStart(4, '0')}`,
        displayName: 'Imported phone', enrollmentTime: 'Thu, 01 Jan 2026 00:00:00 GMT',
      }] };
    }
    return u;
  });
  const result = await adminAuth.importUsers(users);
  assert.equal(result.failureCount, 0, JSON.stringify(result.errors.slice(0, 5)));
  assert.equal(result.successCount, 1000);
  assert.deepEqual(result.errors, []);

  const { users: listed, pageSizes } = await listAll(adminAuth, 300);
  const total = existing.size + 1000;
  const expectSizes = [];
  for (let left = total; left > 0; left -= 300) expectSizes.push(Math.min(300, left));
  if (total % 300 === 0) expectSizes.push(0);
  assert.deepEqual(pageSizes, expectSizes);
  const uids = listed.map((u) => u.uid);
  assert.equal(new Set(uids).size, uids.length, 'a user listed twice');
  assert.deepEqual([...uids].sort(), [...existing, ...users.map((u) => u.uid)].sort());
  const imp500 = listed.find((u) => u.uid === 'imp-0500');
  assert.equal(imp500.email, 'imp-500@example.com');
  assert.equal(imp500.displayName, 'Imported 500');
  assert.deepEqual(imp500.multiFactor.enrolledFactors.map((f) => f.toJSON()), [{
    uid: 'imp-500-phone', factorId: 'phone', phoneNumber: '+15555560500',
    displayName: 'Imported phone', enrollmentTime: 'Thu, 01 Jan 2026 00:00:00 GMT',
  }]);
  assert.equal(listed.find((u) => u.uid === 'imp-0501').multiFactor, undefined);

  const del = await adminAuth.deleteUsers(users.map((u) => u.uid));
  assert.equal(del.successCount, 1000);
  assert.equal(del.failureCount, 0);
  const after1 = await listAll(adminAuth, 1000);
  assert.deepEqual(after1.users.map((u) => u.uid).sort(), [...existing].sort());
});

test('importUsers reports per-user errors at their indices and imports the rest', async () => {
  const result = await adminAuth.importUsers([
    { uid: 'imp-ok-1', email: 'imp-ok-1@example.com' },
    { uid: 'alice', email: 'not-alice@example.com' },            // the uid exists: refused by the server
    { uid: 'imp-bad-email', email: 'not an email' },             // refused by the SDK before sending
    { uid: 'imp-ok-2', email: 'imp-ok-2@example.com' },
  ]);
  assert.equal(result.successCount, 2, JSON.stringify(result));
  assert.equal(result.failureCount, 2, JSON.stringify(result));
  assert.deepEqual(result.errors.map((e) => [e.index, e.error.code]),
    [[1, 'auth/invalid-user-import'], [2, 'auth/invalid-email']]);
  assert.equal((await adminAuth.getUser('imp-ok-1')).email, 'imp-ok-1@example.com');
  assert.equal((await adminAuth.getUser('imp-ok-2')).email, 'imp-ok-2@example.com');
  assert.equal((await adminAuth.getUser('alice')).email, 'alice@example.com', 'alice is not overwritten');
  await expectAdminError(adminAuth.getUser('imp-bad-email'), 'auth/user-not-found', 'getUser(imp-bad-email)');
});

test('deleteUser removes a user; getUser and a second delete then answer auth/user-not-found', async () => {
  await adminAuth.createUser({ uid: 'adm-del', email: 'adm-del@example.com' });
  assert.equal((await adminAuth.getUser('adm-del')).uid, 'adm-del');
  await adminAuth.deleteUser('adm-del');
  await expectAdminError(adminAuth.getUser('adm-del'), 'auth/user-not-found', 'getUser after delete');
  await expectAdminError(adminAuth.getUserByEmail('adm-del@example.com'), 'auth/user-not-found', 'getUserByEmail after delete');
  await expectAdminError(adminAuth.deleteUser('adm-del'), 'auth/user-not-found', 'second deleteUser');
});

// ------------------------------------------------------------ revocation

/** Sign in ALICE (phone) through the JS SDK; returns {auth, close, user, idToken, claims}. */
async function aliceSession() {
  const { auth, close } = newAuth(d.url);
  const resolver = await firstFactor(auth, ALICE);
  const { verificationId, code } = await sendSms(d.url, auth, resolver, hintFor(resolver, ALICE.enrollmentId));
  const cred = await resolver.resolveSignIn(phoneAssertion(verificationId, code));
  const idToken = await cred.user.getIdToken();
  return { auth, close, user: cred.user, idToken, claims: decodeJwt(idToken).claims };
}

/** Wait until the wall clock is past the second `s` (revokeRefreshTokens stamps whole seconds). */
async function waitPastSecond(s) {
  const wait = (s + 1) * 1000 - Date.now() + 50;
  if (wait > 0) await new Promise((r) => setTimeout(r, wait));
}

let revokedToken;

test('revokeRefreshTokens: tokensValidAfterTime passes the token\'s auth_time and the JS SDK refresh fails (auth/user-token-expired)', async () => {
  await resetClockOffset();
  const s = await aliceSession();
  try {
    assert.ok(Math.abs(s.claims.auth_time * 1000 - Date.now()) < 5000, 'auth_time follows the wall clock');
    // Revocation has second granularity (as Google's validSince): wait
    // past the second the session's tokens were issued in.
    await waitPastSecond(Math.max(s.claims.auth_time, s.claims.iat));
    const t0 = Math.floor(Date.now() / 1000);
    await adminAuth.revokeRefreshTokens(ALICE.localId);
    const t1 = Math.floor(Date.now() / 1000);
    const rec = await adminAuth.getUser(ALICE.localId);
    const validAfter = new Date(rec.tokensValidAfterTime).getTime();
    assert.ok(validAfter >= t0 * 1000 && validAfter <= t1 * 1000,
      `tokensValidAfterTime ${rec.tokensValidAfterTime} is the revocation second`);
    // What verifyIdToken(token, true) compares.
    assert.ok(s.claims.auth_time * 1000 < validAfter, `auth_time ${s.claims.auth_time} vs ${rec.tokensValidAfterTime}`);
    await expectAuthError(s.user.getIdToken(true), 'auth/user-token-expired', 'getIdToken(true) after revocation');
    revokedToken = s.idToken;
  } finally {
    await s.close();
  }
});

test('verifyIdToken(token, true) rejects a token issued before revokeRefreshTokens with auth/id-token-revoked', async () => {
  assert.ok(revokedToken, 'needs the revocation test above');
  await expectAdminError(adminAuth.verifyIdToken(revokedToken, true), 'auth/id-token-revoked',
    'verifyIdToken(revoked token, true)');
});

test('after revocation a new sign-in refreshes again and verifyIdToken(token, true) accepts its token', async () => {
  await resetClockOffset();
  const rec = await adminAuth.getUser(ALICE.localId);
  await waitPastSecond(new Date(rec.tokensValidAfterTime).getTime() / 1000);
  const s = await aliceSession();
  try {
    const fresh = await s.user.getIdToken(true);
    assert.equal(decodeJwt(fresh).claims.sub, ALICE.localId);
    const decoded = await adminAuth.verifyIdToken(s.idToken, true);
    assert.equal(decoded.uid, ALICE.localId);
    assert.equal(decoded.firebase.sign_in_second_factor, 'phone');
  } finally {
    await s.close();
  }
});

// ------------------------------------------------------------ tenants

let tenantId;

test('tenantManager().createTenant with MFA disabled; getTenant reads it back', async () => {
  const tm = adminAuth.tenantManager();
  const t = await tm.createTenant({ displayName: 'MFA-Off', multiFactorConfig: { state: 'DISABLED', factorIds: [] } });
  assert.equal(typeof t.tenantId, 'string');
  assert.ok(t.tenantId.length > 0);
  tenantId = t.tenantId;
  for (const rec of [t, await tm.getTenant(tenantId)]) {
    assert.equal(rec.tenantId, tenantId);
    assert.equal(rec.displayName, 'MFA-Off');
    assert.equal(rec.multiFactorConfig.state, 'DISABLED');
    assert.deepEqual(rec.multiFactorConfig.factorIds, []);
  }
  // The same setting the control plane and fixtures use.
  const cfg = await plain('GET', `/emulator/v1/projects/${PROJECT}/tenants/${tenantId}/config`);
  assert.equal(cfg.status, 200, cfg.text);
  assert.equal(cfg.json.mfa.phone, false);
});

test('a tenant with MFA disabled answers mfaSignIn:start with OPERATION_NOT_ALLOWED until updateTenant enables it', async () => {
  assert.ok(tenantId, 'needs the createTenant test above');
  const tm = adminAuth.tenantManager();
  const tauth = tm.authForTenant(tenantId);
  const user = await tauth.createUser({
    uid: 'tenant-user', email: 'tenant-user@example.com', password: 'tenant-user-password', emailVerified: true,
    multiFactor: { enrolledFactors: [{ factorId: 'phone', phoneNumber: '+15555550231', displayName: 'Tenant phone' }] },
  });
  assert.equal(user.tenantId, tenantId);
  const factorUid = user.multiFactor.enrolledFactors[0].uid;
  assert.equal((await tauth.getUser('tenant-user')).multiFactor.enrolledFactors[0].uid, factorUid);
  await expectAdminError(adminAuth.getUser('tenant-user'), 'auth/user-not-found', 'project-level getUser of a tenant user');

  const mint = async () => {
    const r = await plain('POST', `/emulator/v1/projects/${PROJECT}/pendingCredentials`, { localId: 'tenant-user', tenantId });
    assert.equal(r.status, 200, r.text);
    return r.json.mfaPendingCredential;
  };
  const startBody = async () => ({ mfaPendingCredential: await mint(), mfaEnrollmentId: factorUid, tenantId });

  const refused = await plain('POST', `${ITK}/v2/accounts/mfaSignIn:start?key=k`, await startBody());
  assert.equal(refused.status, 400, refused.text);
  assert.equal(refused.json.error.message.split(' : ')[0], 'OPERATION_NOT_ALLOWED', refused.text);

  const updated = await tm.updateTenant(tenantId, { multiFactorConfig: { state: 'ENABLED', factorIds: ['phone'] } });
  assert.equal(updated.multiFactorConfig.state, 'ENABLED');
  assert.deepEqual(updated.multiFactorConfig.factorIds, ['phone']);
  const ok = await plain('POST', `${ITK}/v2/accounts/mfaSignIn:start?key=k`, await startBody());
  assert.equal(ok.status, 200, ok.text);
  const sessionInfo = ok.json.phoneResponseInfo?.sessionInfo;
  assert.equal(typeof sessionInfo, 'string', ok.text);
  assert.equal((await smsFor(d.url, sessionInfo, PROJECT, tenantId)).phoneNumber, '+15555550231');

  await tm.updateTenant(tenantId, { multiFactorConfig: { state: 'DISABLED', factorIds: [] } });
  const again = await plain('POST', `${ITK}/v2/accounts/mfaSignIn:start?key=k`, await startBody());
  assert.equal(again.status, 400, again.text);
  assert.equal(again.json.error.message.split(' : ')[0], 'OPERATION_NOT_ALLOWED', again.text);
});

test('tenantManager().listTenants() with its default page size lists the tenants', async () => {
  assert.ok(tenantId, 'needs the createTenant test above');
  const res = await adminAuth.tenantManager().listTenants();
  assert.deepEqual(res.tenants.map((t) => t.tenantId).sort(), ['tenant-a', tenantId].sort());
  assert.equal(res.pageToken, undefined);
});

test('tenantManager().listTenants(1) pages with pageToken', async () => {
  assert.ok(tenantId, 'needs the createTenant test above');
  const tm = adminAuth.tenantManager();
  const seen = [];
  let token;
  for (let i = 0; i < 10; i++) {
    const page = await tm.listTenants(1, token);
    assert.ok(page.tenants.length <= 1);
    seen.push(...page.tenants.map((t) => t.tenantId));
    token = page.pageToken;
    if (!token) break;
  }
  assert.deepEqual(seen.sort(), ['tenant-a', tenantId].sort());
});

test('tenantManager().deleteTenant removes the tenant and its users', async () => {
  assert.ok(tenantId, 'needs the createTenant test above');
  const tm = adminAuth.tenantManager();
  await tm.deleteTenant(tenantId);
  await expectAdminError(tm.getTenant(tenantId), 'auth/tenant-not-found', 'getTenant after delete');
  await expectAdminError(tm.authForTenant(tenantId).getUser('tenant-user'), 'auth/tenant-not-found',
    'tenant getUser after delete');
  await expectAdminError(tm.deleteTenant(tenantId), 'auth/tenant-not-found', 'second deleteTenant');
});

// ------------------------------------------------------------ project config: the TOTP window

/** Set the project's MFA config the way the Firebase docs enable TOTP. */
async function setAdjacentIntervals(n) {
  const pc = await adminAuth.projectConfigManager().updateProjectConfig({
    multiFactorConfig: {
      state: 'ENABLED',
      factorIds: ['phone'],
      providerConfigs: [{ state: 'ENABLED', totpProviderConfig: { adjacentIntervals: n } }],
    },
  });
  assert.deepEqual(pc.multiFactorConfig.providerConfigs, [{ state: 'ENABLED', totpProviderConfig: { adjacentIntervals: n } }]);
  const read = await adminAuth.projectConfigManager().getProjectConfig();
  assert.equal(read.multiFactorConfig.state, 'ENABLED');
  assert.deepEqual(read.multiFactorConfig.factorIds, ['phone']);
  assert.deepEqual(read.multiFactorConfig.providerConfigs, [{ state: 'ENABLED', totpProviderConfig: { adjacentIntervals: n } }]);
  const cfg = await plain('GET', `/emulator/v1/projects/${PROJECT}/config`);
  assert.equal(cfg.status, 200, cfg.text);
  assert.equal(cfg.json.totpAdjacentIntervals, n, cfg.text);
  assert.deepEqual(cfg.json.mfa, { phone: true, totp: true });
}

const BOB_TOTP = {
  email: 'bob@example.com', password: 'bob-password', enrollmentId: 'bob-totp',
  secret: '6IJSVADRO4MSOAO2OZINRETRIPWDR6IH', algorithm: 'sha1', digits: 6, period: 30,
};

/**
 * A fresh step where the code of three steps back differs from every code
 * within ±1 step (else a window of 1 would accept it by coincidence).
 * Returns {now, oldCode, currentCode}.
 */
async function stepWithDistinctOldCode() {
  for (;;) {
    const now = await freshTotpStep(d.url, 30);
    const oldCode = await totpAt(BOB_TOTP, now - 3 * 30_000);
    const near = [];
    for (let k = -1; k <= 1; k++) near.push(await totpAt(BOB_TOTP, now + k * 30_000));
    if (!near.includes(oldCode)) return { now, oldCode, currentCode: near[1] };
  }
}

test('getProjectConfig reads the default MFA config: phone on, TOTP on with adjacentIntervals 1', async () => {
  const pc = await adminAuth.projectConfigManager().getProjectConfig();
  assert.deepEqual(pc.multiFactorConfig.toJSON?.() ?? pc.multiFactorConfig, {
    state: 'ENABLED',
    factorIds: ['phone'],
    providerConfigs: [{ state: 'ENABLED', totpProviderConfig: { adjacentIntervals: 1 } }],
  });
});

test('updateProjectConfig adjacentIntervals sets the TOTP window: a code 3 steps old fails with 1 and passes with 5', async () => {
  const s = loadSdk();
  try {
    await setAdjacentIntervals(1);
    {
      const { auth, close } = newAuth(d.url);
      try {
        const resolver = await firstFactor(auth, BOB_TOTP);
        const hint = hintFor(resolver, BOB_TOTP.enrollmentId);
        const { oldCode, currentCode } = await stepWithDistinctOldCode();
        await expectAuthError(
          resolver.resolveSignIn(s.TotpMultiFactorGenerator.assertionForSignIn(hint.uid, oldCode)),
          'auth/invalid-verification-code', 'a code 3 steps old with adjacentIntervals 1');
        // The same resolver with the current code: the refusal was the window.
        const cred = await resolver.resolveSignIn(s.TotpMultiFactorGenerator.assertionForSignIn(hint.uid, currentCode));
        assert.equal(cred.user.uid, 'bob');
      } finally {
        await close();
      }
    }

    await setAdjacentIntervals(5);
    {
      const { auth, close } = newAuth(d.url);
      try {
        const resolver = await firstFactor(auth, BOB_TOTP);
        const hint = hintFor(resolver, BOB_TOTP.enrollmentId);
        const { oldCode } = await stepWithDistinctOldCode();
        const cred = await resolver.resolveSignIn(s.TotpMultiFactorGenerator.assertionForSignIn(hint.uid, oldCode));
        assert.equal(cred.user.uid, 'bob');
        assert.equal(decodeJwt(await cred.user.getIdToken()).claims.firebase.sign_in_second_factor, 'totp');
      } finally {
        await close();
      }
    }

    // Six steps back is outside a window of 5.
    {
      const { auth, close } = newAuth(d.url);
      try {
        const resolver = await firstFactor(auth, BOB_TOTP);
        const hint = hintFor(resolver, BOB_TOTP.enrollmentId);
        let now;
        let code;
        for (;;) {
          now = await freshTotpStep(d.url, 30);
          code = await totpAt(BOB_TOTP, now - 6 * 30_000);
          const near = [];
          for (let k = -5; k <= 5; k++) near.push(await totpAt(BOB_TOTP, now + k * 30_000));
          if (!near.includes(code)) break;
        }
        await expectAuthError(
          resolver.resolveSignIn(s.TotpMultiFactorGenerator.assertionForSignIn(hint.uid, code)),
          'auth/invalid-verification-code', 'a code 6 steps old with adjacentIntervals 5');
      } finally {
        await close();
      }
    }
  } finally {
    await setAdjacentIntervals(1);
  }
});

test('updateProjectConfig with state DISABLED turns phone sign-in off (mfaSignIn:start OPERATION_NOT_ALLOWED)', async () => {
  try {
    const pc = await adminAuth.projectConfigManager().updateProjectConfig({
      multiFactorConfig: { state: 'DISABLED', factorIds: [] },
    });
    assert.equal(pc.multiFactorConfig.state, 'DISABLED');
    const cfg = await plain('GET', `/emulator/v1/projects/${PROJECT}/config`);
    assert.equal(cfg.json.mfa.phone, false, cfg.text);
    const mint = await plain('POST', `/emulator/v1/projects/${PROJECT}/pendingCredentials`, { localId: 'alice' });
    assert.equal(mint.status, 200, mint.text);
    const res = await plain('POST', `${ITK}/v2/accounts/mfaSignIn:start?key=k`,
      { mfaPendingCredential: mint.json.mfaPendingCredential, mfaEnrollmentId: 'alice-phone' });
    assert.equal(res.status, 400, res.text);
    assert.equal(res.json.error.message.split(' : ')[0], 'OPERATION_NOT_ALLOWED', res.text);
  } finally {
    await adminAuth.projectConfigManager().updateProjectConfig({
      multiFactorConfig: { state: 'ENABLED', factorIds: ['phone'] },
    });
  }
  const cfg = await plain('GET', `/emulator/v1/projects/${PROJECT}/config`);
  assert.equal(cfg.json.mfa.phone, true, cfg.text);
});

test('updateProjectConfig emailPrivacyConfig turns on email enumeration protection: signInWithPassword answers INVALID_LOGIN_CREDENTIALS', async () => {
  const wrong = async (email) => {
    const res = await plain('POST', `${ITK}/v1/accounts:signInWithPassword?key=k`,
      { email, password: 'not-the-password', returnSecureToken: true });
    assert.equal(res.status, 400, res.text);
    return res.json.error.message.split(' : ')[0];
  };
  assert.equal((await adminAuth.projectConfigManager().getProjectConfig()).emailPrivacyConfig
    ?.enableImprovedEmailPrivacy, false);
  assert.equal(await wrong('bob@example.com'), 'INVALID_PASSWORD');
  try {
    const pc = await adminAuth.projectConfigManager().updateProjectConfig({
      emailPrivacyConfig: { enableImprovedEmailPrivacy: true },
    });
    assert.deepEqual(pc.emailPrivacyConfig, { enableImprovedEmailPrivacy: true });
    // Only the masked member changed: MFA stays as it was.
    assert.equal(pc.multiFactorConfig.state, 'ENABLED');
    const read = await adminAuth.projectConfigManager().getProjectConfig();
    assert.deepEqual(read.emailPrivacyConfig, { enableImprovedEmailPrivacy: true });
    const cfg = await plain('GET', `/emulator/v1/projects/${PROJECT}/config`);
    assert.deepEqual(cfg.json.emailPrivacyConfig, { enableImprovedEmailPrivacy: true }, cfg.text);
    assert.equal(await wrong('bob@example.com'), 'INVALID_LOGIN_CREDENTIALS');
    assert.equal(await wrong('nobody-at-all@example.com'), 'INVALID_LOGIN_CREDENTIALS');
  } finally {
    await adminAuth.projectConfigManager().updateProjectConfig({
      emailPrivacyConfig: { enableImprovedEmailPrivacy: false },
    });
  }
  assert.equal(await wrong('bob@example.com'), 'INVALID_PASSWORD');
});

traceReportTest('admin_sdk.test.mjs');
