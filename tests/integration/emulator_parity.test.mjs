// Behaviours the differential suite (tests/differential) found wrong and
// that mfaemu now shares with Google or the Firebase Auth Emulator:
//   Admin accounts:update checks customAttributes (INVALID_CLAIMS,
//   FORBIDDEN_CLAIM, CLAIMS_TOO_LARGE); Admin create refuses a weak
//   password; batchDelete without force keeps enabled users and lists them
//   in errors[]; v1 accounts:lookup by localId with Bearer owner; missing
//   and unknown-value codes of lookup, update and sendOobCode; update
//   replies carry passwordHash; tenants carry disableAuth and
//   enableAnonymousUser; mfaInfo carries unobfuscatedPhoneInfo.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  PROJECT, GOOGLE_PREFIX, startDaemon, call, expectOk, expectError,
} from './harness.mjs';

const OWNER = { authorization: 'Bearer owner' };
const V1 = `${GOOGLE_PREFIX}/v1/accounts`;
const ADMIN = `${GOOGLE_PREFIX}/v1/projects/${PROJECT}/accounts`;
const TENANTS = `${GOOGLE_PREFIX}/v2/projects/${PROJECT}/tenants`;

let d;
let n = 0;

before(async () => {
  d = await startDaemon({ fixtures: [{ projectId: PROJECT, mfa: { phone: true, totp: true } }] });
});
after(async () => { await d?.stop(); });

const admin = (p, body, method = 'POST') => call(d.url, p, body, { key: null, method, headers: OWNER });

/** A new user made through the Admin API; its localId and email. */
async function user(extra = {}) {
  n += 1;
  const email = `parity-${n}@example.com`;
  const res = expectOk(await admin(ADMIN, { email, password: 'password-1', ...extra }));
  return { localId: res.localId, email };
}

async function signUp() {
  n += 1;
  return expectOk(await call(d.url, `${V1}:signUp`,
    { email: `parity-su-${n}@example.com`, password: 'password-1', returnSecureToken: true }));
}

test('admin update: customAttributes must be a JSON object of at most 1000 bytes without reserved claims', async () => {
  const u = await user();
  const upd = (customAttributes) => admin(`${ADMIN}:update`, { localId: u.localId, customAttributes });
  expectError(await upd('{nope'), 400, 'INVALID_CLAIMS');
  expectError(await upd('[1]'), 400, 'INVALID_CLAIMS');
  for (const claim of ['aud', 'sub', 'firebase', 'auth_time', 'c_hash']) {
    const res = await upd(JSON.stringify({ role: 'x', [claim]: 1 }));
    expectError(res, 400, 'FORBIDDEN_CLAIM');
    assert.equal(res.json.error.message, `FORBIDDEN_CLAIM : ${claim}`);
  }
  expectError(await upd(JSON.stringify({ big: 'x'.repeat(1001) })), 400, 'CLAIMS_TOO_LARGE');
  // A refused update changes nothing; an accepted one replies as usual.
  expectOk(await upd('{"role":"admin"}'));
  expectError(await upd(42), 400, 'INVALID_ARGUMENT');
});

test('admin create: a password under 6 characters is WEAK_PASSWORD, and no user is made', async () => {
  n += 1;
  const email = `parity-weak-${n}@example.com`;
  const res = await admin(ADMIN, { email, password: 'abc' });
  expectError(res, 400, 'WEAK_PASSWORD');
  assert.equal(res.json.error.message, 'WEAK_PASSWORD : Password should be at least 6 characters');
  const found = expectOk(await admin(`${ADMIN}:lookup`, { email: [email] }));
  assert.equal(found.users, undefined);
});

test('batchDelete: without force enabled users stay and are listed; disabled ones go; force deletes all', async () => {
  const on = await user();
  const off = await user({ disabled: true });
  const res = expectOk(await admin(`${ADMIN}:batchDelete`, { localIds: ['nobody', on.localId, off.localId] }));
  assert.deepEqual(res, { errors: [{ index: 1, localId: on.localId,
    message: 'NOT_DISABLED : Disable the account before batch deletion.' }] });
  const left = expectOk(await admin(`${ADMIN}:lookup`, { localId: [on.localId, off.localId] }));
  assert.deepEqual(left.users.map((x) => x.localId), [on.localId]);
  assert.deepEqual(expectOk(await admin(`${ADMIN}:batchDelete`, { localIds: [on.localId], force: true })), {});
  assert.equal(expectOk(await admin(`${ADMIN}:lookup`, { localId: [on.localId] })).users, undefined);
});

test('batchDelete: no localIds or more than 1000 is LOCAL_ID_LIST_EXCEEDS_LIMIT', async () => {
  expectError(await admin(`${ADMIN}:batchDelete`, {}), 400, 'LOCAL_ID_LIST_EXCEEDS_LIMIT');
  expectError(await admin(`${ADMIN}:batchDelete`, { localIds: [] }), 400, 'LOCAL_ID_LIST_EXCEEDS_LIMIT');
  const many = Array.from({ length: 1001 }, (_, i) => `u${i}`);
  expectError(await admin(`${ADMIN}:batchDelete`, { localIds: many, force: true }), 400,
    'LOCAL_ID_LIST_EXCEEDS_LIMIT');
  expectError(await admin(`${ADMIN}:batchDelete`, { localIds: 'x' }), 400, 'INVALID_ARGUMENT');
});

test('v1 accounts:lookup with Bearer owner finds users by localId or email, in the project or a tenant', async () => {
  const u = await user();
  const res = expectOk(await call(d.url, `${V1}:lookup`, { localId: [u.localId] }, { headers: OWNER }));
  assert.equal(res.kind, 'identitytoolkit#GetAccountInfoResponse');
  assert.deepEqual(res.users.map((x) => [x.localId, x.email]), [[u.localId, u.email]]);
  const byEmail = expectOk(await call(d.url, `${V1}:lookup`, { email: [u.email] }, { headers: OWNER }));
  assert.equal(byEmail.users[0].localId, u.localId);
  const none = expectOk(await call(d.url, `${V1}:lookup`, { localId: ['nobody'] }, { headers: OWNER }));
  assert.equal(none.users, undefined);
  expectError(await call(d.url, `${V1}:lookup`, { localId: [u.localId], tenantId: 'no-such-tenant' },
    { headers: OWNER }), 400, 'TENANT_NOT_FOUND');
  expectError(await call(d.url, `${V1}:lookup`, { localId: [u.localId], tenantId: 7 },
    { headers: OWNER }), 400, 'INVALID_ARGUMENT');
  // Without the admin credential a localId does not stand in for the token.
  expectError(await call(d.url, `${V1}:lookup`, { localId: [u.localId] }), 400, 'MISSING_ID_TOKEN');
});

test('lookup without idToken is MISSING_ID_TOKEN; update with neither idToken nor oobCode INVALID_REQ_TYPE', async () => {
  expectError(await call(d.url, `${V1}:lookup`, {}), 400, 'MISSING_ID_TOKEN');
  const res = await call(d.url, `${V1}:update`, { displayName: 'x' });
  expectError(res, 400, 'INVALID_REQ_TYPE');
  assert.equal(res.json.error.message, 'INVALID_REQ_TYPE : Unsupported request parameters.');
});

test('sendOobCode: without idToken VERIFY_EMAIL is INVALID_ID_TOKEN, VERIFY_AND_CHANGE_EMAIL MISSING_ID_TOKEN; a requestType outside Google\'s enum is refused by the front end', async () => {
  expectError(await call(d.url, `${V1}:sendOobCode`, { requestType: 'VERIFY_EMAIL' }), 400, 'INVALID_ID_TOKEN');
  expectError(await call(d.url, `${V1}:sendOobCode`, { requestType: 'VERIFY_AND_CHANGE_EMAIL',
    newEmail: 'n@example.com' }), 400, 'MISSING_ID_TOKEN');
  const res = await call(d.url, `${V1}:sendOobCode`, { requestType: 'NOPE', email: 'a@example.com' });
  expectError(res, 400, 'INVALID_ARGUMENT');
  assert.equal(res.json.error.message, 'Invalid value at \'request_type\' (TYPE_ENUM), "NOPE"');
  // In Google's enum but not a code anyone sends: MISSING_REQ_TYPE.
  expectError(await call(d.url, `${V1}:sendOobCode`, { requestType: 'OOB_REQ_TYPE_UNSPECIFIED',
    email: 'a@example.com' }), 400, 'MISSING_REQ_TYPE');
});

test('update: deleteAttribute outside Google\'s enum is refused by the front end; replies carry passwordHash', async () => {
  const s = await signUp();
  const bad = await call(d.url, `${V1}:update`, { idToken: s.idToken, deleteAttribute: ['NOPE'] });
  expectError(bad, 400, 'INVALID_ARGUMENT');
  assert.equal(bad.json.error.message, 'Invalid value at \'delete_attribute[0]\' (TYPE_ENUM), "NOPE"');
  const num = await call(d.url, `${V1}:update`, { idToken: s.idToken, deleteAttribute: [3] });
  assert.equal(num.json.error.message, 'Invalid value at \'delete_attribute[0]\' (TYPE_ENUM), 3');
  // In the enum, without a meaning here: mfaemu's own INVALID_ARGUMENT.
  expectError(await call(d.url, `${V1}:update`, { idToken: s.idToken, deleteAttribute: ['RAW_USER_INFO'] }),
    400, 'INVALID_ARGUMENT');
  const ok = expectOk(await call(d.url, `${V1}:update`, { idToken: s.idToken, displayName: 'Ann' }));
  assert.equal(ok.passwordHash, 'UkVEQUNURUQ=');
  const adminOk = expectOk(await admin(`${ADMIN}:update`, { localId: s.localId, displayName: 'Bo' }));
  assert.equal(typeof adminOk.passwordHash, 'string');
});

test('tenants carry disableAuth and enableAnonymousUser', async () => {
  const t = expectOk(await admin(TENANTS, { displayName: 'parity' }));
  assert.equal(t.disableAuth, false);
  assert.equal(t.enableAnonymousUser, true);
  const id = t.name.split('/').pop();
  const got = expectOk(await admin(`${TENANTS}/${id}`, undefined, 'GET'));
  assert.equal(got.disableAuth, false);
  assert.equal(got.enableAnonymousUser, true);
});

test('mfaInfo shows unobfuscatedPhoneInfo where the number is shown, not in a sign-in\'s obfuscated list', async () => {
  const u = await user({ mfaInfo: [{ phoneInfo: '+15555550199', displayName: 'phone' }] });
  const got = expectOk(await admin(`${ADMIN}:lookup`, { localId: [u.localId] }));
  assert.equal(got.users[0].mfaInfo[0].phoneInfo, '+15555550199');
  assert.equal(got.users[0].mfaInfo[0].unobfuscatedPhoneInfo, '+15555550199');
  const signIn = expectOk(await call(d.url, `${V1}:signInWithPassword`,
    { email: u.email, password: 'password-1' }));
  assert.equal(signIn.mfaInfo[0].unobfuscatedPhoneInfo, undefined);
  assert.notEqual(signIn.mfaInfo[0].phoneInfo, '+15555550199');
});
