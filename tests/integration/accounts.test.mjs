// Account flows around MFA (issue 16, items 2-6): anonymous users and
// linking, accounts:update and accounts:delete with an ID token and the
// recent-login rule, signInWithIdp by the Firebase emulator's fake-IdP
// convention (MFA users get a pending credential), createAuthUri,
// signInWithCustomToken (unsigned and RS256), and the metadata Google
// keeps (lastLoginAt, lastRefreshAt, validSince, passwordHash for admins).
//
// One daemon; each test loads its own users through POST
// /emulator/v1/fixtures, so tests share no state. The clock only moves
// forward.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import {
  PROJECT, GOOGLE_PREFIX, startDaemon, call, expectOk, expectError,
  passwordUser, phoneUser, advanceClock, serverNow, decodeJwt, verifyIdToken,
  loadFixtures, phoneSignIn, exportState,
} from './harness.mjs';

const V1 = `${GOOGLE_PREFIX}/v1/accounts`;
const SIGN_UP = `${V1}:signUp`;
const SIGN_IN = `${V1}:signInWithPassword`;
const LOOKUP = `${V1}:lookup`;
const UPDATE = `${V1}:update`;
const DELETE = `${V1}:delete`;
const IDP = `${V1}:signInWithIdp`;
const AUTH_URI = `${V1}:createAuthUri`;
const CUSTOM = `${V1}:signInWithCustomToken`;
const TOKEN = '/securetoken.googleapis.com/v1/token';
const E_START = `${GOOGLE_PREFIX}/v2/accounts/mfaEnrollment:start`;
const OWNER = { authorization: 'Bearer owner' };
const ADMIN = `${GOOGLE_PREFIX}/v1/projects/${PROJECT}/accounts`;
const CUSTOM_AUD = 'https://identitytoolkit.googleapis.com/google.identity.identitytoolkit.v1.IdentityToolkit';

let d;

before(async () => {
  d = await startDaemon({ fixtures: [{ projectId: PROJECT, mfa: { phone: true, totp: true } }] });
});
after(async () => { await d?.stop(); });

const b64 = (o) => Buffer.from(JSON.stringify(o)).toString('base64url');
/** What the Firebase emulator's fake IdP takes: an unsigned JWT. */
const fakeIdToken = (claims) => `${b64({ alg: 'none', typ: 'JWT' })}.${b64(claims)}.`;
const idpBody = (claims, extra = {}, provider = 'google.com') => ({
  requestUri: 'http://localhost', returnSecureToken: true,
  postBody: `id_token=${fakeIdToken(claims)}&providerId=${provider}`, ...extra,
});
/** firebase-admin's emulator-mode custom token. */
function customToken(payload) {
  const now = Math.floor(Date.now() / 1000);
  return `${b64({ alg: 'none', typ: 'JWT' })}.${b64({
    aud: CUSTOM_AUD, iat: now, exp: now + 3600,
    iss: 'firebase-auth-emulator@example.com', sub: 'firebase-auth-emulator@example.com', ...payload,
  })}.`;
}

const lookupSelf = async (idToken) => expectOk(await call(d.url, LOOKUP, { idToken })).users[0];
const adminLookup = async (localId) => expectOk(await call(d.url, `${ADMIN}:lookup`, { localId: [localId] },
  { key: null, headers: OWNER })).users[0];
const signIn = (email, password) => call(d.url, SIGN_IN, { email, password, returnSecureToken: true });
const refresh = (refreshToken) => call(d.url, TOKEN, { grant_type: 'refresh_token', refresh_token: refreshToken });
const uniq = (p) => `${p}-${crypto.randomUUID().slice(0, 8)}`;

// ------------------------------------------------------------ anonymous

test('signUp without email is an anonymous user: provider anonymous, no email, no providers', async () => {
  const res = expectOk(await call(d.url, SIGN_UP, { returnSecureToken: true }));
  assert.equal(res.kind, 'identitytoolkit#SignupNewUserResponse');
  const claims = await verifyIdToken(d.url, res.idToken);
  assert.equal(claims.firebase.sign_in_provider, 'anonymous');
  assert.equal(claims.provider_id, 'anonymous');
  assert.deepEqual(claims.firebase.identities, {});
  const u = await lookupSelf(res.idToken);
  assert.equal(u.localId, res.localId);
  assert.equal(u.email, undefined);
  assert.deepEqual(u.providerUserInfo, []);
});

test('linking: signUp with the anonymous idToken + email + password updates that user (same uid)', async () => {
  const anon = expectOk(await call(d.url, SIGN_UP, { returnSecureToken: true }));
  const email = `${uniq('link')}@example.com`;
  const linked = expectOk(await call(d.url, SIGN_UP, {
    idToken: anon.idToken, email, password: 'secret-1', returnSecureToken: true, clientType: 'CLIENT_TYPE_WEB',
  }));
  assert.equal(linked.localId, anon.localId);
  assert.equal(linked.email, email);
  const claims = await verifyIdToken(d.url, linked.idToken);
  assert.equal(claims.firebase.sign_in_provider, 'password');
  assert.equal(claims.provider_id, undefined);
  const u = await lookupSelf(linked.idToken);
  assert.equal(u.email, email);
  assert.deepEqual(u.providerUserInfo.map((p) => p.providerId), ['password']);
  const again = expectOk(await signIn(email, 'secret-1'));
  assert.equal(again.localId, anon.localId);
});

test('linking refuses: MISSING_EMAIL, MISSING_PASSWORD, WEAK_PASSWORD, EMAIL_EXISTS, INVALID_ID_TOKEN', async () => {
  await loadFixtures(d.url, { users: [passwordUser('taken1')] });
  const anon = expectOk(await call(d.url, SIGN_UP, { returnSecureToken: true }));
  expectError(await call(d.url, SIGN_UP, { idToken: anon.idToken, password: 'secret-1' }), 400, 'MISSING_EMAIL');
  expectError(await call(d.url, SIGN_UP, { idToken: anon.idToken, email: 'x@example.com' }), 400, 'MISSING_PASSWORD');
  expectError(await call(d.url, SIGN_UP, { idToken: anon.idToken, email: 'x@example.com', password: '123' }), 400, 'WEAK_PASSWORD');
  expectError(await call(d.url, SIGN_UP, { idToken: anon.idToken, email: 'taken1@example.com', password: 'secret-1' }), 400, 'EMAIL_EXISTS');
  expectError(await call(d.url, SIGN_UP, { idToken: 'nope', email: 'y@example.com', password: 'secret-1' }), 400, 'INVALID_ID_TOKEN');
});

test('accounts:update with email + password on an anonymous user links it too (same uid)', async () => {
  const anon = expectOk(await call(d.url, SIGN_UP, { returnSecureToken: true }));
  const email = `${uniq('upd-link')}@example.com`;
  const res = expectOk(await call(d.url, UPDATE, { idToken: anon.idToken, email, password: 'secret-2', returnSecureToken: true }));
  assert.equal(res.localId, anon.localId);
  assert.equal(typeof res.idToken, 'string');
  assert.equal(expectOk(await signIn(email, 'secret-2')).localId, anon.localId);
});

// ------------------------------------------------------------ update

test('accounts:update: displayName and photoUrl, tokens with name and picture; JSON null and deleteAttribute delete', async () => {
  const id = uniq('prof');
  await loadFixtures(d.url, { users: [passwordUser(id)] });
  const s = expectOk(await signIn(`${id}@example.com`, `${id}-password`));
  const res = expectOk(await call(d.url, UPDATE, {
    idToken: s.idToken, displayName: 'New Name', photoUrl: 'https://example.com/p.png', returnSecureToken: true,
  }));
  assert.equal(res.kind, 'identitytoolkit#SetAccountInfoResponse');
  assert.equal(res.localId, id);
  assert.equal(res.displayName, 'New Name');
  assert.equal(res.photoUrl, 'https://example.com/p.png');
  assert.equal(res.expiresIn, '3600');
  const claims = await verifyIdToken(d.url, res.idToken);
  assert.equal(claims.name, 'New Name');
  assert.equal(claims.picture, 'https://example.com/p.png');
  assert.equal(claims.auth_time, decodeJwt(s.idToken).claims.auth_time, 'the session keeps its sign-in time');
  const cleared = expectOk(await call(d.url, UPDATE, { idToken: res.idToken, displayName: null, deleteAttribute: ['PHOTO_URL'] }));
  assert.equal(cleared.displayName, undefined);
  assert.equal(cleared.photoUrl, undefined);
  assert.equal(cleared.idToken, undefined, 'no tokens unless asked');
  const u = await lookupSelf(res.idToken);
  assert.equal(u.displayName, undefined);
  assert.equal(u.photoUrl, undefined);
});

test('accounts:update: password change signs in with the new one, revokes the old session, keeps the uid', async () => {
  const id = uniq('pw');
  await loadFixtures(d.url, { users: [passwordUser(id)] });
  const s = expectOk(await signIn(`${id}@example.com`, `${id}-password`));
  await advanceClock(d.url, 2);
  const res = expectOk(await call(d.url, UPDATE, { idToken: s.idToken, password: 'brand-new', returnSecureToken: true }));
  assert.equal(typeof res.refreshToken, 'string');
  const old = await signIn(`${id}@example.com`, `${id}-password`);
  assert.equal(old.status, 400, old.text);
  assert.ok(['INVALID_LOGIN_CREDENTIALS', 'INVALID_PASSWORD'].includes(errorOf(old)), old.text);
  assert.equal(expectOk(await signIn(`${id}@example.com`, 'brand-new')).localId, id);
  expectError(await refresh(s.refreshToken), 400, 'TOKEN_EXPIRED');
  expectOk(await refresh(res.refreshToken));
  const u = await adminLookup(id);
  assert.ok(Number(u.validSince) * 1000 >= (await serverNow(d.url)) - 5000);
  assert.equal(typeof u.passwordUpdatedAt, 'number');
});

/** The CODE of a wrong-password answer (depends on email privacy). */
function errorOf(res) {
  return res.json?.error?.message?.split(' : ')[0];
}

test('accounts:update refuses: INVALID_REQ_TYPE, INVALID_EMAIL, WEAK_PASSWORD, EMAIL_EXISTS, bad deleteAttribute, wrong types', async () => {
  const id = uniq('ref');
  await loadFixtures(d.url, { users: [passwordUser(id), passwordUser(`${id}-b`)] });
  const s = expectOk(await signIn(`${id}@example.com`, `${id}-password`));
  expectError(await call(d.url, UPDATE, { displayName: 'x' }), 400, 'INVALID_REQ_TYPE');
  expectError(await call(d.url, UPDATE, { idToken: s.idToken, email: 'not-an-email' }), 400, 'INVALID_EMAIL');
  expectError(await call(d.url, UPDATE, { idToken: s.idToken, password: '12345' }), 400, 'WEAK_PASSWORD');
  expectError(await call(d.url, UPDATE, { idToken: s.idToken, email: `${id}-b@example.com` }), 400, 'EMAIL_EXISTS');
  expectError(await call(d.url, UPDATE, { idToken: s.idToken, deleteAttribute: ['NOPE'] }), 400, 'INVALID_ARGUMENT');
  expectError(await call(d.url, UPDATE, { idToken: s.idToken, displayName: 5 }), 400, 'INVALID_ARGUMENT');
  expectError(await call(d.url, UPDATE, { idToken: s.idToken, customAttributes: '{}' }), 400, 'INSUFFICIENT_PERMISSION');
});

test('recent login: password and email changes and delete need a sign-in from the last 300 s; profile edits do not', async () => {
  const id = uniq('old');
  await loadFixtures(d.url, { users: [passwordUser(id)] });
  const s = expectOk(await signIn(`${id}@example.com`, `${id}-password`));
  await advanceClock(d.url, 301);
  expectError(await call(d.url, UPDATE, { idToken: s.idToken, password: 'newer-pass' }), 400, 'CREDENTIAL_TOO_OLD_LOGIN_AGAIN');
  expectError(await call(d.url, UPDATE, { idToken: s.idToken, email: `${id}-new@example.com` }), 400, 'CREDENTIAL_TOO_OLD_LOGIN_AGAIN');
  expectError(await call(d.url, DELETE, { idToken: s.idToken }), 400, 'CREDENTIAL_TOO_OLD_LOGIN_AGAIN');
  expectOk(await call(d.url, UPDATE, { idToken: s.idToken, displayName: 'still fine' }));
});

test('MFA user changing the email directly: EMAIL_CHANGE_NEEDS_VERIFICATION', async () => {
  const id = uniq('mfaem');
  await loadFixtures(d.url, { users: [phoneUser(id, '+15555550177')] });
  const p = expectOk(await signIn(`${id}@example.com`, `${id}-password`));
  const fin = await phoneSignIn(d.url, p.mfaPendingCredential, `${id}-phone`);
  expectError(await call(d.url, UPDATE, { idToken: fin.idToken, email: `${id}-x@example.com` }), 400,
    'EMAIL_CHANGE_NEEDS_VERIFICATION');
});

// ------------------------------------------------------------ delete

test('accounts:delete removes the user; its tokens stop working; MISSING_ID_TOKEN without one', async () => {
  const id = uniq('del');
  await loadFixtures(d.url, { users: [phoneUser(id, '+15555550178')] });
  const p = expectOk(await signIn(`${id}@example.com`, `${id}-password`));
  const fin = await phoneSignIn(d.url, p.mfaPendingCredential, `${id}-phone`);
  expectError(await call(d.url, DELETE, {}), 400, 'MISSING_ID_TOKEN');
  const res = expectOk(await call(d.url, DELETE, { idToken: fin.idToken }));
  assert.deepEqual(res, { kind: 'identitytoolkit#DeleteAccountResponse' });
  expectError(await call(d.url, LOOKUP, { idToken: fin.idToken }), 400, 'USER_NOT_FOUND');
  expectError(await refresh(fin.refreshToken), 400, 'INVALID_REFRESH_TOKEN');
  expectError(await call(d.url, DELETE, { idToken: fin.idToken }), 400, 'USER_NOT_FOUND');
});

// ------------------------------------------------------------ signInWithIdp

test('signInWithIdp: a new Google user, then the same uid again; token says google.com; lookup lists the provider', async () => {
  const sub = uniq('g');
  const email = `${sub}@gmail.com`;
  const claims = { sub, email, email_verified: true, name: 'G User', picture: 'https://x/p.png' };
  const first = expectOk(await call(d.url, IDP, idpBody(claims)));
  assert.equal(first.kind, 'identitytoolkit#VerifyAssertionResponse');
  assert.equal(first.isNewUser, true);
  assert.equal(first.providerId, 'google.com');
  assert.equal(first.federatedId, `https://accounts.google.com/${sub}`);
  assert.equal(first.email, email);
  assert.equal(first.emailVerified, true);
  assert.equal(JSON.parse(first.rawUserInfo).id, sub);
  const t = await verifyIdToken(d.url, first.idToken);
  assert.equal(t.firebase.sign_in_provider, 'google.com');
  assert.deepEqual(t.firebase.identities['google.com'], [sub]);
  const second = expectOk(await call(d.url, IDP, idpBody(claims)));
  assert.equal(second.localId, first.localId);
  assert.equal(second.isNewUser, undefined);
  const u = await lookupSelf(second.idToken);
  assert.deepEqual(u.providerUserInfo.map((p) => [p.providerId, p.rawId]), [['google.com', sub]]);
  assert.equal(u.displayName, 'G User');
});

test('signInWithIdp: a verified IdP email joins the password user of that email; an unverified one needs confirmation', async () => {
  const id = uniq('idpj');
  await loadFixtures(d.url, { users: [passwordUser(id), passwordUser(`${id}-u`)] });
  const joined = expectOk(await call(d.url, IDP, idpBody({ sub: `${id}-sub`, email: `${id}@example.com`, email_verified: true })));
  assert.equal(joined.localId, id);
  const conf = expectOk(await call(d.url, IDP, idpBody({ sub: `${id}-sub2`, email: `${id}-u@example.com` })));
  assert.equal(conf.needConfirmation, true);
  assert.equal(conf.idToken, undefined);
});

test('signInWithIdp for an MFA user: the IdP answer plus mfaPendingCredential and mfaInfo, no tokens; finalize says google.com', async () => {
  const id = uniq('idpm');
  await loadFixtures(d.url, { users: [phoneUser(id, '+15555550179')] });
  const res = expectOk(await call(d.url, IDP, idpBody({ sub: `${id}-g`, email: `${id}@example.com`, email_verified: true })));
  assert.equal(res.localId, id);
  assert.equal(res.providerId, 'google.com');
  assert.equal(typeof res.rawUserInfo, 'string');
  assert.equal(typeof res.mfaPendingCredential, 'string');
  assert.equal(res.mfaInfo[0].mfaEnrollmentId, `${id}-phone`);
  assert.equal(res.mfaInfo[0].phoneInfo, '+*******0179');
  assert.equal(res.idToken, undefined);
  assert.equal(res.refreshToken, undefined);
  const before_ = (await adminLookup(id)).lastLoginAt;
  await advanceClock(d.url, 3);
  const fin = await phoneSignIn(d.url, res.mfaPendingCredential, `${id}-phone`);
  const now = await serverNow(d.url);
  const claims = await verifyIdToken(d.url, fin.idToken);
  assert.equal(claims.firebase.sign_in_provider, 'google.com');
  assert.equal(claims.firebase.sign_in_second_factor, 'phone');
  assert.ok(Math.abs(claims.auth_time - Math.floor(now / 1000)) <= 1, 'auth_time is the finalize');
  const after_ = (await adminLookup(id)).lastLoginAt;
  assert.notEqual(after_, before_);
  assert.ok(Number(after_) >= now - 2000);
});

test('signInWithIdp refuses: MISSING_REQUEST_URI, INVALID_CREDENTIAL_OR_PROVIDER_ID, INVALID_IDP_RESPONSE (bad token, no sub)', async () => {
  expectError(await call(d.url, IDP, { postBody: 'id_token=x&providerId=google.com' }), 400, 'MISSING_REQUEST_URI');
  expectError(await call(d.url, IDP, { requestUri: 'http://localhost', postBody: `id_token=${fakeIdToken({ sub: 'a' })}` }),
    400, 'INVALID_CREDENTIAL_OR_PROVIDER_ID');
  expectError(await call(d.url, IDP, { requestUri: 'http://localhost', postBody: 'id_token=garbage&providerId=google.com' }),
    400, 'INVALID_IDP_RESPONSE');
  expectError(await call(d.url, IDP, idpBody({ email: 'nosub@example.com' })), 400, 'INVALID_IDP_RESPONSE');
  expectError(await call(d.url, IDP, { requestUri: 7 }), 400, 'INVALID_ARGUMENT');
});

test('signInWithIdp with an idToken links the identity to that user; FEDERATED_USER_ID_ALREADY_LINKED when another has it', async () => {
  const id = uniq('lnk');
  await loadFixtures(d.url, { users: [passwordUser(id)] });
  const s = expectOk(await signIn(`${id}@example.com`, `${id}-password`));
  const linked = expectOk(await call(d.url, IDP, idpBody({ sub: `${id}-gh` }, { idToken: s.idToken }, 'github.com')));
  assert.equal(linked.localId, id);
  const u = await lookupSelf(linked.idToken);
  assert.deepEqual(u.providerUserInfo.map((p) => p.providerId).sort(), ['github.com', 'password']);
  const other = expectOk(await call(d.url, SIGN_UP, { returnSecureToken: true }));
  expectError(await call(d.url, IDP, idpBody({ sub: `${id}-gh` }, { idToken: other.idToken }, 'github.com')),
    400, 'FEDERATED_USER_ID_ALREADY_LINKED');
  // deleteProvider unlinks it.
  const un = expectOk(await call(d.url, UPDATE, { idToken: linked.idToken, deleteProvider: ['github.com'] }));
  assert.deepEqual(un.providerUserInfo.map((p) => p.providerId), ['password']);
});

// ------------------------------------------------------------ createAuthUri

test('createAuthUri: the sign-in methods of an email; errors for missing or bad fields', async () => {
  const id = uniq('cau');
  await loadFixtures(d.url, { users: [passwordUser(id)] });
  const r = expectOk(await call(d.url, AUTH_URI, { identifier: `${id}@example.com`, continueUri: 'http://localhost' }));
  assert.equal(r.kind, 'identitytoolkit#CreateAuthUriResponse');
  assert.equal(r.registered, true);
  assert.deepEqual(r.signinMethods, ['password']);
  assert.equal(typeof r.sessionId, 'string');
  const g = expectOk(await call(d.url, IDP, idpBody({ sub: `${id}-only`, email: `${id}-g@example.com`, email_verified: true })));
  assert.ok(g.idToken);
  const rg = expectOk(await call(d.url, AUTH_URI, { identifier: `${id}-g@example.com`, continueUri: 'http://localhost' }));
  assert.deepEqual(rg.signinMethods, ['google.com']);
  const none = expectOk(await call(d.url, AUTH_URI, { identifier: `${id}-none@example.com`, continueUri: 'http://localhost' }));
  assert.equal(none.registered, false);
  assert.deepEqual(none.signinMethods, []);
  expectError(await call(d.url, AUTH_URI, { continueUri: 'http://localhost' }), 400, 'MISSING_IDENTIFIER');
  expectError(await call(d.url, AUTH_URI, { identifier: 'a@b.c' }), 400, 'MISSING_CONTINUE_URI');
  expectError(await call(d.url, AUTH_URI, { identifier: 'nope', continueUri: 'http://localhost' }), 400, 'INVALID_IDENTIFIER');
  expectError(await call(d.url, AUTH_URI, { identifier: 'a@b.c', continueUri: 'http://localhost', providerId: 'google.com' }),
    400, 'OPERATION_NOT_ALLOWED');
});

// ------------------------------------------------------------ custom tokens

test('signInWithCustomToken (emulator-mode, unsigned): new user, claims in the ID token and after refresh', async () => {
  const uid = uniq('ct');
  const res = expectOk(await call(d.url, CUSTOM, { token: customToken({ uid, claims: { role: 'admin', n: 3 } }), returnSecureToken: true }));
  assert.equal(res.kind, 'identitytoolkit#VerifyCustomTokenResponse');
  assert.equal(res.isNewUser, true);
  const c = await verifyIdToken(d.url, res.idToken);
  assert.equal(c.sub, uid);
  assert.equal(c.firebase.sign_in_provider, 'custom');
  assert.equal(c.role, 'admin');
  assert.equal(c.n, 3);
  await advanceClock(d.url, 5);
  const r = expectOk(await refresh(res.refreshToken));
  const rc = await verifyIdToken(d.url, r.id_token);
  assert.equal(rc.role, 'admin');
  assert.equal(rc.auth_time, c.auth_time, 'auth_time kept on refresh');
  const again = expectOk(await call(d.url, CUSTOM, { token: customToken({ uid }) }));
  assert.equal(again.isNewUser, false);
  assert.equal((await verifyIdToken(d.url, again.idToken)).role, undefined);
});

test('signInWithCustomToken for an MFA user bypasses the second factor; enrolling from that session is UNSUPPORTED_FIRST_FACTOR', async () => {
  const id = uniq('ctm');
  await loadFixtures(d.url, { users: [phoneUser(id, '+15555550180')] });
  const res = expectOk(await call(d.url, CUSTOM, { token: customToken({ uid: id }) }));
  assert.equal(res.mfaPendingCredential, undefined);
  const c = await verifyIdToken(d.url, res.idToken);
  assert.equal(c.firebase.sign_in_second_factor, undefined);
  expectError(await call(d.url, E_START, { idToken: res.idToken, totpEnrollmentInfo: {} }), 400, 'UNSUPPORTED_FIRST_FACTOR');
});

test('signInWithCustomToken refuses: MISSING_CUSTOM_TOKEN, INVALID_CUSTOM_TOKEN (format, aud, RS256 without a key), MISSING_IDENTIFIER, FORBIDDEN_CLAIM, INVALID_CLAIMS', async () => {
  expectError(await call(d.url, CUSTOM, {}), 400, 'MISSING_CUSTOM_TOKEN');
  expectError(await call(d.url, CUSTOM, { token: 'not.a.token.at.all' }), 400, 'INVALID_CUSTOM_TOKEN');
  expectError(await call(d.url, CUSTOM, { token: customToken({ uid: 'a', aud: 'elsewhere' }) }), 400, 'INVALID_CUSTOM_TOKEN');
  expectError(await call(d.url, CUSTOM, { token: customToken({}) }), 400, 'MISSING_IDENTIFIER');
  expectError(await call(d.url, CUSTOM, { token: customToken({ uid: 'a', claims: { sub: 'x' } }) }), 400, 'FORBIDDEN_CLAIM');
  expectError(await call(d.url, CUSTOM, { token: customToken({ uid: 'a', claims: 'x' }) }), 400, 'INVALID_CLAIMS');
  const rs = `${b64({ alg: 'RS256', typ: 'JWT' })}.${b64({ uid: 'a', aud: CUSTOM_AUD })}.c2ln`;
  expectError(await call(d.url, CUSTOM, { token: rs }), 400, 'INVALID_CUSTOM_TOKEN');
  expectError(await call(d.url, CUSTOM, { token: 5 }), 400, 'INVALID_ARGUMENT');
});

test('RS256 custom tokens verify against --custom-token-key (public key PEM); a token from another key is refused', async () => {
  const { privateKey, publicKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
  const other = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
  const pem = publicKey.export({ type: 'spki', format: 'pem' });
  const d2 = await startDaemon({ args: ['--custom-token-key', pem] });
  try {
    const now = Math.floor((await serverNow(d2.url)) / 1000);
    const sign = (key, payload) => {
      const input = `${b64({ alg: 'RS256', typ: 'JWT' })}.${b64(payload)}`;
      return `${input}.${crypto.sign('RSA-SHA256', Buffer.from(input), key).toString('base64url')}`;
    };
    const payload = { aud: CUSTOM_AUD, iat: now, exp: now + 3600, iss: 'sa@x', sub: 'sa@x', uid: 'rs-user', claims: { tier: 'gold' } };
    const res = expectOk(await call(d2.url, CUSTOM, { token: sign(privateKey, payload) }));
    assert.equal((await verifyIdToken(d2.url, res.idToken)).tier, 'gold');
    expectError(await call(d2.url, CUSTOM, { token: sign(other, payload) }), 400, 'INVALID_CUSTOM_TOKEN');
    expectError(await call(d2.url, CUSTOM, { token: sign(privateKey, { ...payload, exp: now - 10, iat: now - 100 }) }),
      400, 'INVALID_CUSTOM_TOKEN');
    // Unsigned emulator-mode tokens still work.
    expectOk(await call(d2.url, CUSTOM, { token: customToken({ uid: 'unsigned' }) }));
  } finally {
    await d2.stop();
  }
});

// ------------------------------------------------------------ metadata

test('metadata: validSince at creation, lastLoginAt on sign-in (not at a pending first factor), lastRefreshAt on refresh', async () => {
  const email = `${uniq('meta')}@example.com`;
  const up = expectOk(await call(d.url, SIGN_UP, { email, password: 'secret-9', returnSecureToken: true }));
  const u0 = await adminLookup(up.localId);
  assert.equal(u0.validSince, String(Math.floor(Number(u0.createdAt) / 1000)));
  assert.equal(u0.lastLoginAt, u0.createdAt);
  assert.equal(typeof u0.lastRefreshAt, 'string');
  await advanceClock(d.url, 10);
  const s = expectOk(await signIn(email, 'secret-9'));
  const u1 = await adminLookup(up.localId);
  assert.ok(Number(u1.lastLoginAt) >= Number(u0.lastLoginAt) + 10000);
  await advanceClock(d.url, 10);
  const r = expectOk(await refresh(s.refreshToken));
  const u2 = await adminLookup(up.localId);
  assert.equal(u2.lastLoginAt, u1.lastLoginAt, 'a refresh is no sign-in');
  assert.ok(Date.parse(u2.lastRefreshAt) >= Date.parse(u1.lastRefreshAt) + 10000);
  assert.equal(decodeJwt(r.id_token).claims.auth_time, decodeJwt(s.idToken).claims.auth_time);
});

test('passwordHash and salt for admin callers; the user\'s own lookup shows the redacted marker and no salt', async () => {
  const id = uniq('hash');
  await loadFixtures(d.url, { users: [passwordUser(id)] });
  const s = expectOk(await signIn(`${id}@example.com`, `${id}-password`));
  const self = await lookupSelf(s.idToken);
  assert.equal(self.passwordHash, 'UkVEQUNURUQ=');
  assert.equal(self.salt, undefined);
  const adm = await adminLookup(id);
  assert.equal(typeof adm.passwordHash, 'string');
  assert.notEqual(adm.passwordHash, 'UkVEQUNURUQ=');
  assert.equal(typeof adm.salt, 'string');
  assert.equal(s.passwordHash, undefined, 'never in a sign-in answer');
});

test('Admin API accounts:update answers with the user\'s fields, providers included', async () => {
  const id = uniq('admu');
  await loadFixtures(d.url, { users: [passwordUser(id)] });
  const res = expectOk(await call(d.url, `${ADMIN}:update`, { localId: id, displayName: 'Admin Set', photoUrl: 'https://x/a.png' },
    { key: null, headers: OWNER }));
  assert.equal(res.kind, 'identitytoolkit#SetAccountInfoResponse');
  assert.equal(res.localId, id);
  assert.equal(res.email, `${id}@example.com`);
  assert.equal(res.displayName, 'Admin Set');
  assert.equal(res.photoUrl, 'https://x/a.png');
  assert.equal(res.emailVerified, true);
  assert.deepEqual(res.providerUserInfo.map((p) => p.providerId), ['password']);
});

test('export and fixtures carry providers, photo and metadata: a user exported and loaded again is the same', async () => {
  const sub = uniq('exp');
  const g = expectOk(await call(d.url, IDP, idpBody({ sub, email: `${sub}@example.com`, email_verified: true, picture: 'https://x/e.png' })));
  const { json } = await exportState(d.url);
  const u = json.projects.find((p) => p.projectId === PROJECT).users.find((x) => x.localId === g.localId);
  assert.ok(u);
  assert.deepEqual(u.providerUserInfo.map((p) => [p.providerId, p.rawId]), [['google.com', sub]]);
  assert.equal(u.photoUrl, 'https://x/e.png');
  assert.equal(typeof u.lastLoginAt, 'string');
  const d3 = await startDaemon({ fixtures: [{ projectId: PROJECT, users: [u] }] });
  try {
    const again = expectOk(await call(d3.url, IDP, idpBody({ sub, email: `${sub}@example.com`, email_verified: true })));
    assert.equal(again.localId, g.localId);
    assert.equal(again.isNewUser, undefined);
  } finally {
    await d3.stop();
  }
});
