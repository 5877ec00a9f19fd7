// Custom claims (the Admin API's customAttributes, firebase-admin
// setCustomUserClaims): stored on the user by accounts:update and by
// accounts:batchCreate and fixtures, shown by accounts:lookup (Admin and
// the user's own), carried as top-level claims by every ID token issued
// afterwards (sign-in, MFA finalize, refresh), kept by the export, and
// cleared by "{}" or "".

import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  PROJECT, GOOGLE_PREFIX,
  useDaemon, call, expectOk, fixture, passwordUser, phoneUser, decodeJwt,
  signInWithPassword, phoneSignIn, mintCredential, exportState, loadFixtures,
} from './harness.mjs';

const OWNER = { authorization: 'Bearer owner' };
const v1 = (p) => `${GOOGLE_PREFIX}/v1/projects/${PROJECT}${p}`;
const admin = (p, body) => call(d.url, v1(p), body, { key: null, headers: OWNER });

const d = useDaemon({
  fixtures: [fixture({ extraUsers: [
    passwordUser('cc-plain'),
    phoneUser('cc-mfa', '+15555550121'),
    passwordUser('cc-fixture', { customAttributes: '{"plan":"gold"}' }),
  ] })],
});

async function lookupAdmin(localId) {
  const json = expectOk(await admin('/accounts:lookup', { localId: [localId] }));
  return json.users[0];
}

const claimsOf = (idToken) => decodeJwt(idToken).claims;

async function refreshed(refreshToken) {
  const json = expectOk(await call(d.url, '/v1/token',
    { grant_type: 'refresh_token', refresh_token: refreshToken }));
  return claimsOf(json.id_token);
}

test('update customAttributes: lookups show them, new and refreshed ID tokens carry them, {} clears them', async () => {
  const before = expectOk(await signInWithPassword(d.url, 'cc-plain@example.com', 'cc-plain-password'));
  assert.equal(claimsOf(before.idToken).role, undefined);
  assert.equal((await lookupAdmin('cc-plain')).customAttributes, undefined);

  const attrs = '{"role":"admin","level":3}';
  expectOk(await admin('/accounts:update', { localId: 'cc-plain', customAttributes: attrs }));
  assert.equal((await lookupAdmin('cc-plain')).customAttributes, attrs);

  const s = expectOk(await signInWithPassword(d.url, 'cc-plain@example.com', 'cc-plain-password'));
  const c = claimsOf(s.idToken);
  assert.equal(c.role, 'admin');
  assert.equal(c.level, 3);
  assert.equal(c.sub, 'cc-plain');
  const own = expectOk(await call(d.url, '/v1/accounts:lookup', { idToken: s.idToken }));
  assert.equal(own.users[0].customAttributes, attrs);
  // A refresh token from before the claims were set gets them too.
  assert.equal((await refreshed(before.refreshToken)).role, 'admin');

  expectOk(await admin('/accounts:update', { localId: 'cc-plain', customAttributes: '{}' }));
  assert.equal((await lookupAdmin('cc-plain')).customAttributes, undefined);
  assert.equal((await refreshed(s.refreshToken)).role, undefined);
});

test('update customAttributes "" clears them too', async () => {
  expectOk(await admin('/accounts:update', { localId: 'cc-plain', customAttributes: '{"tmp":true}' }));
  assert.equal((await lookupAdmin('cc-plain')).customAttributes, '{"tmp":true}');
  expectOk(await admin('/accounts:update', { localId: 'cc-plain', customAttributes: '' }));
  assert.equal((await lookupAdmin('cc-plain')).customAttributes, undefined);
});

test('an MFA sign-in\'s ID token carries the custom claims', async () => {
  expectOk(await admin('/accounts:update', { localId: 'cc-mfa', customAttributes: '{"role":"ops"}' }));
  const cred = await mintCredential(d.url, PROJECT, 'cc-mfa');
  const fin = await phoneSignIn(d.url, cred, 'cc-mfa-phone');
  const c = claimsOf(fin.idToken);
  assert.equal(c.role, 'ops');
  assert.equal(c.firebase.sign_in_second_factor, 'phone');
});

test('a custom token\'s claims win over the user\'s custom attributes; both appear', async () => {
  expectOk(await admin('/accounts', { localId: 'cc-custom' }));
  expectOk(await admin('/accounts:update',
    { localId: 'cc-custom', customAttributes: '{"role":"user","team":"red"}' }));
  const header = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url');
  const payload = Buffer.from(JSON.stringify({
    aud: 'https://identitytoolkit.googleapis.com/google.identity.identitytoolkit.v1.IdentityToolkit',
    iss: 'firebase-auth-emulator@example.com', sub: 'firebase-auth-emulator@example.com',
    uid: 'cc-custom', claims: { role: 'boss' },
    iat: Math.floor(Date.now() / 1000), exp: Math.floor(Date.now() / 1000) + 3600,
  })).toString('base64url');
  const s = expectOk(await call(d.url, '/v1/accounts:signInWithCustomToken',
    { token: `${header}.${payload}.`, returnSecureToken: true }));
  const c = claimsOf(s.idToken);
  assert.equal(c.role, 'boss');
  assert.equal(c.team, 'red');
});

test('batchCreate and fixtures store customAttributes; the export carries them', async () => {
  const res = expectOk(await admin('/accounts:batchCreate',
    { users: [{ localId: 'cc-batch', customAttributes: '{"tier":1}' }] }));
  assert.equal(res.error, undefined, JSON.stringify(res));
  assert.equal((await lookupAdmin('cc-batch')).customAttributes, '{"tier":1}');
  assert.equal((await lookupAdmin('cc-fixture')).customAttributes, '{"plan":"gold"}');
  const s = expectOk(await signInWithPassword(d.url, 'cc-fixture@example.com', 'cc-fixture-password'));
  assert.equal(claimsOf(s.idToken).plan, 'gold');

  const { json } = await exportState(d.url);
  const users = json.projects.find((p) => p.projectId === PROJECT).users;
  const byId = (id) => users.find((u) => u.localId === id);
  assert.equal(byId('cc-batch').customAttributes, '{"tier":1}');
  assert.equal(byId('cc-fixture').customAttributes, '{"plan":"gold"}');
  assert.equal(byId('cc-plain').customAttributes, undefined);
});

test('batchCreate refuses customAttributes that are not a JSON object or name a reserved claim, that user only', async () => {
  const res = expectOk(await admin('/accounts:batchCreate', { users: [
    { localId: 'cc-bad1', customAttributes: '{nope' },
    { localId: 'cc-bad2', customAttributes: '{"sub":"x"}' },
    { localId: 'cc-good', customAttributes: '{"ok":true}' },
  ] }));
  assert.deepEqual(res.error.map((e) => e.index), [0, 1], JSON.stringify(res));
  const found = expectOk(await admin('/accounts:lookup', { localId: ['cc-bad1', 'cc-bad2', 'cc-good'] }));
  assert.deepEqual(found.users.map((u) => u.localId), ['cc-good']);
});

test('fixtures loaded through the control plane keep customAttributes', async () => {
  await loadFixtures(d.url, { projectId: PROJECT, users: [passwordUser('cc-loaded', { customAttributes: '{"x":1}' })] });
  assert.equal((await lookupAdmin('cc-loaded')).customAttributes, '{"x":1}');
});
