// Out-of-band codes and the outboxes: accounts:sendOobCode (both prefixes
// and the Admin API's form), GET/DELETE .../oobCodes, the routes that apply
// codes (accounts:resetPassword, accounts:signInWithEmailLink,
// accounts:update {oobCode}), and the SMS outbox dropping used codes.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  PROJECT, GOOGLE_PREFIX, useDaemon, call, control, realmPath, expectOk, expectError,
  fixture, passwordUser, phoneUser, signInWithPassword, advanceClock, patchConfig,
  decodeJwt, readCodes, startPhone, finalize, mintCredential,
} from './harness.mjs';

const d = useDaemon({
  fixtures: [fixture({
    extraUsers: [
      passwordUser('rita', { emailVerified: false }),
      passwordUser('otto'),
      passwordUser('tess', { tenantId: 'tenant-a' }),
      phoneUser('mona', '+15555550161'),
      passwordUser('nora', { disabled: true }),
    ],
  })],
});

const SEND = '/v1/accounts:sendOobCode';
const RESET = '/v1/accounts:resetPassword';
const LINK = '/v1/accounts:signInWithEmailLink';
const UPDATE = '/v1/accounts:update';

const send = (body, opts) => call(d.url, SEND, body, opts);

/** The realm's oobCodes (?includeUsed=true with used). */
async function oobCodes({ project = PROJECT, tenant, used = false } = {}) {
  const res = await control(d.url, 'GET', realmPath(project, tenant) + '/oobCodes' +
    (used ? '?includeUsed=true' : ''));
  const json = expectOk(res);
  assert.ok(Array.isArray(json.oobCodes), res.text);
  return json.oobCodes;
}

/** The one listed code for email and type. */
async function codeOf(email, requestType, opts) {
  const hits = (await oobCodes(opts)).filter((c) => c.email === email && c.requestType === requestType);
  assert.equal(hits.length, 1, `${requestType} codes for ${email}: ${JSON.stringify(hits)}`);
  return hits[0];
}

async function idTokenOf(email, password, extra) {
  return expectOk(await signInWithPassword(d.url, email, password, extra)).idToken;
}

async function signUp(email, password = 'secret-password') {
  return expectOk(await call(d.url, '/v1/accounts:signUp', { email, password, returnSecureToken: true }));
}

async function lookup(idToken) {
  const json = expectOk(await call(d.url, '/v1/accounts:lookup', { idToken }));
  return json.users[0];
}

test('VERIFY_EMAIL: the code is listed with its link, inspected, applied by accounts:update', async () => {
  const up = await signUp('vera@example.com');
  const res = await send({ requestType: 'VERIFY_EMAIL', idToken: up.idToken });
  assert.deepEqual(expectOk(res), {
    kind: 'identitytoolkit#GetOobConfirmationCodeResponse', email: 'vera@example.com',
  });
  const oob = await codeOf('vera@example.com', 'VERIFY_EMAIL');
  assert.deepEqual(Object.keys(oob).sort(), ['email', 'oobCode', 'oobLink', 'requestType']);
  assert.match(oob.oobCode, /^[A-Za-z0-9_-]{22,}$/);
  const link = new URL(oob.oobLink);
  assert.equal(link.origin, d.url, 'the link is on the daemon the client reached');
  assert.equal(link.pathname, '/emulator/action');
  assert.deepEqual([...link.searchParams.keys()], ['mode', 'lang', 'oobCode', 'apiKey']);
  assert.equal(link.searchParams.get('mode'), 'verifyEmail');
  assert.equal(link.searchParams.get('oobCode'), oob.oobCode);
  assert.equal(link.searchParams.get('apiKey'), 'test-key');

  // Inspecting (checkActionCode) says what it is and uses nothing up.
  for (let i = 0; i < 2; i++) {
    assert.deepEqual(expectOk(await call(d.url, RESET, { oobCode: oob.oobCode })), {
      kind: 'identitytoolkit#ResetPasswordResponse', requestType: 'VERIFY_EMAIL', email: 'vera@example.com',
    });
  }

  const applied = expectOk(await call(d.url, UPDATE, { oobCode: oob.oobCode }));
  assert.equal(applied.kind, 'identitytoolkit#SetAccountInfoResponse');
  assert.equal(applied.localId, up.localId);
  assert.equal(applied.email, 'vera@example.com');
  assert.equal(applied.emailVerified, true);
  assert.equal(applied.idToken, undefined, 'applying a code issues no tokens');
  assert.equal((await lookup(up.idToken)).emailVerified, true);

  // Single use; and gone from the outbox, kept in its history.
  expectError(await call(d.url, UPDATE, { oobCode: oob.oobCode }), 400, 'INVALID_OOB_CODE');
  expectError(await call(d.url, RESET, { oobCode: oob.oobCode }), 400, 'INVALID_OOB_CODE');
  assert.equal((await oobCodes()).some((c) => c.oobCode === oob.oobCode), false);
  const hist = (await oobCodes({ used: true })).find((c) => c.oobCode === oob.oobCode);
  assert.equal(hist.used, true, JSON.stringify(hist));
});

test('sendOobCode: request checks, in order, with Google codes', async () => {
  const tok = await idTokenOf('otto@example.com', 'otto-password');
  expectError(await send({}), 400, 'MISSING_REQ_TYPE');
  expectError(await send({ requestType: 'OOB_REQ_TYPE_UNSPECIFIED', email: 'otto@example.com' }), 400, 'MISSING_REQ_TYPE');
  expectError(await send({ requestType: 'RECOVER_EMAIL', email: 'otto@example.com' }), 400, 'MISSING_REQ_TYPE');
  expectError(await send({ requestType: 5 }), 400, 'INVALID_ARGUMENT');
  expectError(await send({ requestType: 'PASSWORD_RESET', email: ['x'] }), 400, 'INVALID_ARGUMENT');
  expectError(await send({ requestType: 'PASSWORD_RESET', email: 'otto@example.com', returnOobLink: 'yes' }), 400, 'INVALID_ARGUMENT');
  expectError(await send({ requestType: 'PASSWORD_RESET', email: 'otto@example.com', canHandleCodeInApp: 1 }), 400, 'INVALID_ARGUMENT');
  expectError(await send({ requestType: 'PASSWORD_RESET' }), 400, 'MISSING_EMAIL');
  expectError(await send({ requestType: 'PASSWORD_RESET', email: 'not-an-email' }), 400, 'INVALID_EMAIL');
  expectError(await send({ requestType: 'PASSWORD_RESET', email: 'nobody@example.com' }), 400, 'EMAIL_NOT_FOUND');
  expectError(await send({ requestType: 'EMAIL_SIGNIN' }), 400, 'MISSING_EMAIL');
  expectError(await send({ requestType: 'VERIFY_EMAIL' }), 400, 'INVALID_ID_TOKEN');
  expectError(await send({ requestType: 'VERIFY_EMAIL', email: 'otto@example.com' }), 400, 'INVALID_ID_TOKEN');
  expectError(await send({ requestType: 'VERIFY_EMAIL', idToken: 'not-a-token' }), 400, 'INVALID_ID_TOKEN');
  expectError(await send({ requestType: 'VERIFY_AND_CHANGE_EMAIL', idToken: tok }), 400, 'MISSING_NEW_EMAIL');
  expectError(await send({ requestType: 'VERIFY_AND_CHANGE_EMAIL', newEmail: 'x@example.com' }), 400, 'MISSING_ID_TOKEN');
  expectError(await send({ requestType: 'VERIFY_AND_CHANGE_EMAIL', idToken: tok, newEmail: 'nope' }), 400, 'INVALID_EMAIL');
  expectError(await send({ requestType: 'VERIFY_AND_CHANGE_EMAIL', idToken: tok, newEmail: 'alice@example.com' }), 400, 'EMAIL_EXISTS');
  expectError(await send({ requestType: 'PASSWORD_RESET', email: 'otto@example.com', returnOobLink: true }), 400, 'INSUFFICIENT_PERMISSION');
  expectError(await send({ requestType: 'PASSWORD_RESET', email: 'otto@example.com', continueUrl: 'no-scheme/here' }), 400, 'INVALID_CONTINUE_URI');
  expectError(await send({ requestType: 'PASSWORD_RESET', email: 'otto@example.com', continueUrl: `https://x.example/${'a'.repeat(600)}` }), 400, 'INVALID_CONTINUE_URI');
  expectError(await send({ requestType: 'EMAIL_SIGNIN', email: 'x@example.com', tenantId: 'no-such-tenant' }), 400, 'INVALID_TENANT_ID');
  assert.equal((await oobCodes()).some((c) => c.email === 'otto@example.com'), false, 'no refused request left a code');
  // Every accepted field of Google's request, under Google's prefix.
  const ok = expectOk(await call(d.url, GOOGLE_PREFIX + SEND, {
    requestType: 'PASSWORD_RESET', email: 'OTTO@example.com', continueUrl: 'https://app.example.com/done?a=1 b',
    canHandleCodeInApp: false, iOSBundleId: 'com.example', androidPackageName: 'com.example',
    androidInstallApp: true, androidMinimumVersion: '12', dynamicLinkDomain: 'x', linkDomain: 'y',
    targetProjectId: PROJECT, captchaResp: 'c', userIp: '1.2.3.4', clientType: 'CLIENT_TYPE_WEB', recaptchaVersion: 'RECAPTCHA_ENTERPRISE',
  }));
  assert.equal(ok.email, 'otto@example.com', 'the account\'s address');
  const oob = await codeOf('otto@example.com', 'PASSWORD_RESET');
  const link = new URL(oob.oobLink);
  assert.equal(link.searchParams.get('mode'), 'resetPassword');
  assert.equal(link.searchParams.get('continueUrl'), 'https://app.example.com/done?a=1 b');
  assert.ok(oob.oobLink.includes('continueUrl=https%3A%2F%2Fapp.example.com%2Fdone%3Fa%3D1+b'), oob.oobLink);
});

test('PASSWORD_RESET: inspect, confirm; the new password works, old sessions end', async () => {
  const before = expectOk(await signInWithPassword(d.url, 'rita@example.com', 'rita-password'));
  await advanceClock(d.url, 2);
  expectOk(await send({ requestType: 'PASSWORD_RESET', email: 'rita@example.com' }));
  const oob = await codeOf('rita@example.com', 'PASSWORD_RESET');
  for (let i = 0; i < 2; i++) {
    assert.deepEqual(expectOk(await call(d.url, RESET, { oobCode: oob.oobCode })), {
      kind: 'identitytoolkit#ResetPasswordResponse', requestType: 'PASSWORD_RESET', email: 'rita@example.com',
    });
  }
  expectError(await call(d.url, RESET, {}), 400, 'MISSING_OOB_CODE');
  expectError(await call(d.url, RESET, { oobCode: 7 }), 400, 'INVALID_ARGUMENT');
  expectError(await call(d.url, RESET, { oobCode: 'no-such-code' }), 400, 'INVALID_OOB_CODE');
  expectError(await call(d.url, RESET, { oobCode: oob.oobCode, newPassword: 'short' }), 400, 'WEAK_PASSWORD');
  expectError(await call(d.url, RESET, { oobCode: oob.oobCode, newPassword: 'another-one', tenantId: 'tenant-a' }), 400, 'INVALID_OOB_CODE');
  assert.deepEqual(expectOk(await call(d.url, RESET, { oobCode: oob.oobCode, newPassword: 'rita-new-password' })), {
    kind: 'identitytoolkit#ResetPasswordResponse', requestType: 'PASSWORD_RESET', email: 'rita@example.com',
  });
  expectError(await call(d.url, RESET, { oobCode: oob.oobCode, newPassword: 'third-password' }), 400, 'INVALID_OOB_CODE');
  expectError(await signInWithPassword(d.url, 'rita@example.com', 'rita-password'), 400, 'INVALID_PASSWORD');
  const after = expectOk(await signInWithPassword(d.url, 'rita@example.com', 'rita-new-password'));
  assert.equal(after.localId, 'rita');
  const user = await lookup(after.idToken);
  assert.equal(user.emailVerified, true, 'reading the mail proved the address');
  // The reset revoked what was issued before it.
  expectError(await call(d.url, '/v1/token', { grant_type: 'refresh_token', refresh_token: before.refreshToken }), 400, 'TOKEN_EXPIRED');
  expectError(await call(d.url, '/v1/accounts:lookup', { idToken: before.idToken }), 400, 'TOKEN_EXPIRED');
  // A disabled user's reset is refused and the code kept.
  expectOk(await send({ requestType: 'PASSWORD_RESET', email: 'nora@example.com' }));
  const nora = await codeOf('nora@example.com', 'PASSWORD_RESET');
  expectError(await call(d.url, RESET, { oobCode: nora.oobCode, newPassword: 'nora-new-password' }), 400, 'USER_DISABLED');
  assert.ok((await oobCodes()).some((c) => c.oobCode === nora.oobCode));
});

test('codes expire on the emulator clock: EXPIRED_OOB_CODE, then gone from the list', async () => {
  expectOk(await send({ requestType: 'PASSWORD_RESET', email: 'bob@example.com' }));
  const oob = await codeOf('bob@example.com', 'PASSWORD_RESET');
  await advanceClock(d.url, 3590);
  expectOk(await call(d.url, RESET, { oobCode: oob.oobCode }));
  await advanceClock(d.url, 11);
  expectError(await call(d.url, RESET, { oobCode: oob.oobCode }), 400, 'EXPIRED_OOB_CODE');
  expectError(await call(d.url, RESET, { oobCode: oob.oobCode, newPassword: 'bob-new-password' }), 400, 'EXPIRED_OOB_CODE');
  assert.equal((await oobCodes()).some((c) => c.oobCode === oob.oobCode), false);
  const hist = (await oobCodes({ used: true })).find((c) => c.oobCode === oob.oobCode);
  assert.equal(hist.expired, true, JSON.stringify(hist));

  // A verification code lives 3 days; a realm may set one lifetime for all.
  expectOk(await patchConfig(d.url, { oobCodeTtlSeconds: 60 }));
  expectOk(await send({ requestType: 'EMAIL_SIGNIN', email: 'short@example.com' }));
  const short = await codeOf('short@example.com', 'EMAIL_SIGNIN');
  await advanceClock(d.url, 61);
  expectError(await call(d.url, LINK, { email: 'short@example.com', oobCode: short.oobCode }), 400, 'EXPIRED_OOB_CODE');
  expectOk(await patchConfig(d.url, { oobCodeTtlSeconds: null }));
  expectError(await patchConfig(d.url, { oobCodeTtlSeconds: 0 }), 400, 'INVALID_ARGUMENT');
});

test('EMAIL_SIGNIN: a new address becomes a verified user with tokens', async () => {
  expectOk(await send({ requestType: 'EMAIL_SIGNIN', email: 'Newbie@Example.com', continueUrl: 'https://app.example.com/x', canHandleCodeInApp: true }));
  const oob = await codeOf('newbie@example.com', 'EMAIL_SIGNIN');
  assert.equal(new URL(oob.oobLink).searchParams.get('mode'), 'signIn');
  assert.deepEqual(expectOk(await call(d.url, RESET, { oobCode: oob.oobCode })), {
    kind: 'identitytoolkit#ResetPasswordResponse', requestType: 'EMAIL_SIGNIN',
  });
  expectError(await call(d.url, LINK, { oobCode: oob.oobCode }), 400, 'MISSING_EMAIL');
  expectError(await call(d.url, LINK, { email: 'newbie@example.com' }), 400, 'MISSING_OOB_CODE');
  expectError(await call(d.url, LINK, { email: 'newbie@example.com', oobCode: 3 }), 400, 'INVALID_ARGUMENT');
  expectError(await call(d.url, LINK, { email: 'other@example.com', oobCode: oob.oobCode }), 400, 'INVALID_EMAIL');
  expectError(await call(d.url, RESET, { oobCode: oob.oobCode, newPassword: 'not-a-reset' }), 400, 'INVALID_OOB_CODE');
  const res = expectOk(await call(d.url, LINK, { email: 'newbie@example.com', oobCode: oob.oobCode, returnSecureToken: true }));
  assert.equal(res.kind, 'identitytoolkit#EmailLinkSigninResponse');
  assert.equal(res.email, 'newbie@example.com');
  assert.equal(res.isNewUser, true);
  assert.equal(res.expiresIn, '3600');
  assert.equal(typeof res.refreshToken, 'string');
  const { claims } = decodeJwt(res.idToken);
  assert.equal(claims.sub, res.localId);
  assert.equal(claims.email_verified, true);
  assert.equal(claims.firebase.sign_in_provider, 'password');
  assert.equal((await lookup(res.idToken)).emailVerified, true);
  expectError(await call(d.url, LINK, { email: 'newbie@example.com', oobCode: oob.oobCode }), 400, 'INVALID_OOB_CODE');

  // The same address again: the same user, not a new one.
  expectOk(await send({ requestType: 'EMAIL_SIGNIN', email: 'newbie@example.com' }));
  const again = (await oobCodes()).filter((c) => c.email === 'newbie@example.com')[0];
  const res2 = expectOk(await call(d.url, LINK, { email: 'newbie@example.com', oobCode: again.oobCode }));
  assert.equal(res2.localId, res.localId);
  assert.equal(res2.isNewUser, false);
  // A code of another kind is not a sign-in link.
  expectOk(await send({ requestType: 'PASSWORD_RESET', email: 'otto@example.com' }));
  const reset = (await oobCodes()).filter((c) => c.email === 'otto@example.com' && c.requestType === 'PASSWORD_RESET').at(-1);
  expectError(await call(d.url, LINK, { email: 'otto@example.com', oobCode: reset.oobCode }), 400, 'INVALID_OOB_CODE');
});

test('EMAIL_SIGNIN for a user with a second factor: mfaPendingCredential and mfaInfo as password sign-in', async () => {
  const byPassword = expectOk(await signInWithPassword(d.url, 'mona@example.com', 'mona-password'));
  expectOk(await send({ requestType: 'EMAIL_SIGNIN', email: 'mona@example.com' }));
  const oob = await codeOf('mona@example.com', 'EMAIL_SIGNIN');
  const res = expectOk(await call(d.url, LINK, { email: 'mona@example.com', oobCode: oob.oobCode }));
  assert.equal(res.idToken, undefined);
  assert.equal(res.refreshToken, undefined);
  assert.equal(res.localId, 'mona');
  assert.equal(res.isNewUser, false);
  assert.deepEqual(res.mfaInfo, byPassword.mfaInfo);
  assert.equal(typeof res.mfaPendingCredential, 'string');
  const s = await startPhone(d.url, res.mfaPendingCredential, 'mona-phone');
  const done = expectOk(await finalize(d.url, {
    mfaPendingCredential: res.mfaPendingCredential, phoneVerificationInfo: { sessionInfo: s.sessionInfo, code: s.code },
  }));
  const { claims } = decodeJwt(done.idToken);
  assert.equal(claims.sub, 'mona');
  assert.equal(claims.firebase.sign_in_provider, 'password');
  assert.equal(claims.firebase.sign_in_second_factor, 'phone');
  expectError(await call(d.url, LINK, { email: 'mona@example.com', oobCode: oob.oobCode }), 400, 'INVALID_OOB_CODE');
});

test('VERIFY_AND_CHANGE_EMAIL: the code carries newEmail; applying it changes the email', async () => {
  const up = await signUp('chad@example.com');
  const res = expectOk(await send({ requestType: 'VERIFY_AND_CHANGE_EMAIL', idToken: up.idToken, newEmail: 'chad2@example.com' }));
  assert.equal(res.email, 'chad@example.com', 'the current address');
  const oob = await codeOf('chad@example.com', 'VERIFY_AND_CHANGE_EMAIL');
  assert.equal(oob.newEmail, 'chad2@example.com');
  assert.equal(new URL(oob.oobLink).searchParams.get('mode'), 'verifyAndChangeEmail');
  assert.deepEqual(expectOk(await call(d.url, RESET, { oobCode: oob.oobCode })), {
    kind: 'identitytoolkit#ResetPasswordResponse', requestType: 'VERIFY_AND_CHANGE_EMAIL',
    email: 'chad@example.com', newEmail: 'chad2@example.com',
  });
  await advanceClock(d.url, 2);
  const applied = expectOk(await call(d.url, UPDATE, { oobCode: oob.oobCode }));
  assert.equal(applied.email, 'chad2@example.com');
  assert.equal(applied.newEmail, 'chad2@example.com');
  assert.equal(applied.emailVerified, true);
  // A new email ends the old sessions; the new address signs in.
  expectError(await call(d.url, '/v1/accounts:lookup', { idToken: up.idToken }), 400, 'TOKEN_EXPIRED');
  const again = expectOk(await signInWithPassword(d.url, 'chad2@example.com', 'secret-password'));
  assert.equal(again.localId, up.localId);
});

test('codes are scoped to their project and tenant', async () => {
  expectOk(await send({ requestType: 'PASSWORD_RESET', email: 'tess@example.com', tenantId: 'tenant-a' }));
  assert.equal((await oobCodes()).some((c) => c.email === 'tess@example.com'), false, 'not in the project\'s list');
  const oob = await codeOf('tess@example.com', 'PASSWORD_RESET', { tenant: 'tenant-a' });
  assert.equal(new URL(oob.oobLink).searchParams.get('tenantId'), 'tenant-a');
  expectError(await call(d.url, RESET, { oobCode: oob.oobCode }), 400, 'INVALID_OOB_CODE');
  expectError(await call(d.url, RESET, { oobCode: oob.oobCode, tenantId: 'tenant-b' }), 400, 'INVALID_OOB_CODE');
  expectOk(await call(d.url, RESET, { oobCode: oob.oobCode, tenantId: 'tenant-a' }));
  expectError(await send({ requestType: 'PASSWORD_RESET', email: 'tess@example.com' }), 400, 'EMAIL_NOT_FOUND');
  assert.deepEqual(await oobCodes({ project: 'another-project' }), []);
});

test('the Admin API form: Bearer owner, returnOobLink, the user named by email', async () => {
  const admin = { headers: { authorization: 'Bearer owner' }, key: null };
  const res = expectOk(await call(d.url, `/v1/projects/${PROJECT}/accounts:sendOobCode`,
    { requestType: 'VERIFY_EMAIL', email: 'rita@example.com', returnOobLink: true }, admin));
  assert.equal(res.email, 'rita@example.com');
  assert.match(res.oobCode, /^[A-Za-z0-9_-]{22,}$/);
  assert.equal(new URL(res.oobLink).searchParams.get('oobCode'), res.oobCode);
  assert.equal((await oobCodes()).some((c) => c.oobCode === res.oobCode), true);
  const t = expectOk(await call(d.url, `${GOOGLE_PREFIX}/v1/projects/${PROJECT}/tenants/tenant-a/accounts:sendOobCode`,
    { requestType: 'PASSWORD_RESET', email: 'tess@example.com', returnOobLink: true }, admin));
  assert.equal(new URL(t.oobLink).searchParams.get('tenantId'), 'tenant-a');
  // The end-user route takes the admin credential too.
  const u = expectOk(await call(d.url, SEND, { requestType: 'PASSWORD_RESET', email: 'otto@example.com', returnOobLink: true }, admin));
  assert.equal(typeof u.oobLink, 'string');
  expectError(await call(d.url, `/v1/projects/${PROJECT}/accounts:sendOobCode`,
    { requestType: 'VERIFY_EMAIL', email: 'nobody@example.com' }, admin), 400, 'USER_NOT_FOUND');
  expectError(await call(d.url, `/v1/projects/${PROJECT}/tenants/tenant-a/accounts:sendOobCode`,
    { requestType: 'PASSWORD_RESET', email: 'tess@example.com', tenantId: 'tenant-b' }, admin), 400, 'TENANT_ID_MISMATCH');
  const anon = await call(d.url, `/v1/projects/${PROJECT}/accounts:sendOobCode`, { requestType: 'PASSWORD_RESET', email: 'otto@example.com' });
  expectError(anon, 401, 'UNAUTHENTICATED', { googleStatus: 'UNAUTHENTICATED' });
});

test('DELETE oobCodes forgets the realm\'s codes, which stop working', async () => {
  expectOk(await send({ requestType: 'EMAIL_SIGNIN', email: 'gone@example.com' }));
  const oob = await codeOf('gone@example.com', 'EMAIL_SIGNIN');
  assert.deepEqual(expectOk(await control(d.url, 'DELETE', realmPath() + '/oobCodes')), {});
  assert.deepEqual(await oobCodes({ used: true }), []);
  expectError(await call(d.url, LINK, { email: 'gone@example.com', oobCode: oob.oobCode }), 400, 'INVALID_OOB_CODE');
  expectError(await control(d.url, 'GET', realmPath() + '/oobCodes?includeUsed=maybe'), 400, 'INVALID_ARGUMENT');
});

test('SMS outbox: a used code leaves verificationCodes; includeUsed keeps the history', async () => {
  const phone = '+15555550101';
  const first = await mintCredential(d.url, PROJECT, 'alice');
  const s1 = await startPhone(d.url, first, 'alice-phone');
  expectOk(await finalize(d.url, { mfaPendingCredential: first, phoneVerificationInfo: { sessionInfo: s1.sessionInfo, code: s1.code } }));
  assert.equal((await readCodes(d.url)).some((c) => c.sessionInfo === s1.sessionInfo), false, 'the used code left');

  // Signing the same phone in again: the first entry for the number is the live one.
  const second = await mintCredential(d.url, PROJECT, 'alice');
  const s2 = await startPhone(d.url, second, 'alice-phone');
  const live = (await readCodes(d.url)).filter((c) => c.phoneNumber === phone);
  assert.equal(live.length, 1, JSON.stringify(live));
  assert.equal(live[0].sessionInfo, s2.sessionInfo);
  assert.equal(live[0].used, undefined);

  const res = await control(d.url, 'GET', realmPath() + '/verificationCodes?includeUsed=true');
  const all = expectOk(res).verificationCodes.filter((c) => c.phoneNumber === phone);
  const old = all.find((c) => c.sessionInfo === s1.sessionInfo);
  assert.equal(old.used, true, JSON.stringify(all));
  assert.equal(all.find((c) => c.sessionInfo === s2.sessionInfo).used, undefined);

  // A session whose sign-in completed another way (its credential used) is gone too.
  const third = await mintCredential(d.url, PROJECT, 'alice');
  const s3 = await startPhone(d.url, third, 'alice-phone');
  const s4 = await startPhone(d.url, third, 'alice-phone');
  expectOk(await finalize(d.url, { mfaPendingCredential: third, phoneVerificationInfo: { sessionInfo: s4.sessionInfo, code: s4.code } }));
  const after = (await readCodes(d.url)).map((c) => c.sessionInfo);
  assert.equal(after.includes(s3.sessionInfo), false);
  assert.equal(after.includes(s4.sessionInfo), false);
  assert.equal(after.includes(s2.sessionInfo), true);

  // Expired codes leave the list too.
  await advanceClock(d.url, 3600);
  assert.equal((await readCodes(d.url)).some((c) => c.sessionInfo === s2.sessionInfo), false);
  const hist = expectOk(await control(d.url, 'GET', realmPath() + '/verificationCodes?includeUsed=1')).verificationCodes;
  assert.equal(hist.find((c) => c.sessionInfo === s2.sessionInfo)?.expired, true, JSON.stringify(hist));
  expectError(await control(d.url, 'GET', realmPath() + '/verificationCodes?includeUsed=yes'), 400, 'INVALID_ARGUMENT');
});
