// One daemon, two kinds of backend: firebase-admin 14.5.1 in emulator mode
// (FIREBASE_AUTH_EMULATOR_HOST set) verifies the ID tokens of a project
// set to "idTokenAlg": "none", and refuses, with "invalid signature", the
// RS256 tokens of a tenant left signed; jose verifies those against the
// daemon's JWKS and refuses the unsigned ones. The daemon runs with the
// default --id-token-alg RS256; both settings are made at run time with
// PATCH /emulator/v1/projects/{p}[/tenants/{t}]/config.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as jose from 'jose';
import {
  PROJECT, ISSUER, JWKS_PATH, API_KEY, startDaemon, newAdmin, controlRequest,
  passwordUser, decodeJwt,
} from './harness.mjs';

const TENANT = 'jwks-tenant';
const FIXTURE = {
  projectId: PROJECT,
  tenants: [{ tenantId: TENANT }],
  users: [passwordUser('pam'), passwordUser('jay', { tenantId: TENANT })],
};

let d;
let admin;

before(async () => {
  d = await startDaemon({ fixtures: [FIXTURE] });
  for (const [p, alg] of [[`/projects/${PROJECT}/config`, 'none'],
    [`/projects/${PROJECT}/tenants/${TENANT}/config`, 'RS256']]) {
    const res = await controlRequest(d.url, 'PATCH', p, { idTokenAlg: alg });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.json.idTokenAlg, alg, res.text);
  }
  admin = await newAdmin(d.url);
});

after(async () => {
  await admin?.close();
  await d?.stop();
});

/** REST sign-in as a backend's test would do it; returns the token pair. */
async function signIn(localId, tenantId) {
  const res = await fetch(`${d.url}/identitytoolkit.googleapis.com/v1/accounts:signInWithPassword?key=${API_KEY}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      email: `${localId}@example.com`, password: `${localId}-password`, returnSecureToken: true,
      ...(tenantId ? { tenantId } : {}),
    }),
  });
  const body = await res.json();
  assert.equal(res.status, 200, JSON.stringify(body));
  return body;
}

async function refresh(refreshToken) {
  const res = await fetch(`${d.url}/securetoken.googleapis.com/v1/token?key=${API_KEY}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refreshToken }),
  });
  const body = await res.json();
  assert.equal(res.status, 200, JSON.stringify(body));
  return body.id_token;
}

const jwks = () => jose.createRemoteJWKSet(new URL(d.url + JWKS_PATH));
const VERIFY = { issuer: ISSUER, audience: PROJECT, algorithms: ['RS256'] };

test('firebase-admin verifyIdToken accepts the unsigned tokens of a project set to none', async () => {
  const { idToken, refreshToken } = await signIn('pam');
  assert.equal(decodeJwt(idToken).header.alg, 'none');
  const decoded = await admin.auth.verifyIdToken(idToken);
  assert.equal(decoded.uid, 'pam');
  assert.equal(decoded.aud, PROJECT);
  assert.equal(decoded.firebase.sign_in_provider, 'password');
  // checkRevoked reads the user back through the Admin API.
  assert.equal((await admin.auth.verifyIdToken(idToken, true)).uid, 'pam');
  // A refreshed token is unsigned too, so it verifies alike.
  const again = await refresh(refreshToken);
  assert.equal(decodeJwt(again).header.alg, 'none');
  assert.equal((await admin.auth.verifyIdToken(again)).uid, 'pam');
});

test('firebase-admin verifyIdToken refuses an RS256 token with "invalid signature"', async () => {
  const { idToken } = await signIn('jay', TENANT);
  assert.equal(decodeJwt(idToken).header.alg, 'RS256');
  for (const auth of [admin.auth, admin.auth.tenantManager().authForTenant(TENANT)]) {
    await assert.rejects(auth.verifyIdToken(idToken), (e) => {
      assert.equal(e.code, 'auth/argument-error', e.message);
      assert.match(e.message, /invalid signature/);
      return true;
    });
  }
});

test('jose verifies the tenant\'s RS256 tokens against the JWKS and refuses the unsigned ones', async () => {
  const jay = await signIn('jay', TENANT);
  const { payload, protectedHeader } = await jose.jwtVerify(jay.idToken, jwks(), VERIFY);
  assert.equal(protectedHeader.alg, 'RS256');
  assert.equal(payload.sub, 'jay');
  assert.equal(payload.firebase.tenant, TENANT);
  const refreshed = await refresh(jay.refreshToken);
  assert.equal((await jose.jwtVerify(refreshed, jwks(), VERIFY)).payload.sub, 'jay');

  const pam = await signIn('pam');
  await assert.rejects(jose.jwtVerify(pam.idToken, jwks(), VERIFY), (e) => {
    assert.match(e.code, /^ERR_JOSE_ALG_NOT_ALLOWED|ERR_JWS_INVALID$/, `${e.code}: ${e.message}`);
    return true;
  });
});
