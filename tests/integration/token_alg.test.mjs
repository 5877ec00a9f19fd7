// How ID tokens are signed, per daemon, project and tenant: the start-up
// lines that say it (algorithm, key URLs, firebase-admin's setting), the
// "idTokenAlg" setting of PATCH .../config and fixture files ("RS256" or
// "none"; a tenant without one follows its project, a project the
// --id-token-alg flag), tokens issued and refreshed under it, and the
// unsigned tokens the daemon accepts back (only for realms set to none).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  PROJECT, JWKS_PATH, X509_PATH, call, decodeJwt, errorCode, expectOk,
  exportState, getConfig, passwordUser, patchConfig, runDaemon, startDaemon,
  signInWithPassword, useDaemon, verifyIdToken, waitForStdout, writeFixture,
} from './harness.mjs';

const TENANT = 'tenant-a';
const OTHER = 'tenant-b';

const FIXTURE = {
  projectId: PROJECT,
  tenants: [{ tenantId: TENANT }, { tenantId: OTHER }],
  users: [
    passwordUser('ann'),
    passwordUser('tess', { tenantId: TENANT }),
    passwordUser('otto', { tenantId: OTHER }),
  ],
};

const d = useDaemon({ fixtures: [FIXTURE] });

/** Sign a fixture user in; returns {idToken, refreshToken, header}. */
async function signIn(url, localId, tenantId) {
  const res = await signInWithPassword(url, `${localId}@example.com`, `${localId}-password`,
    tenantId ? { tenantId } : {});
  const body = expectOk(res);
  return { ...body, header: decodeJwt(body.idToken).header };
}

/** Exchange a refresh token at securetoken; returns the new ID token. */
async function refresh(url, refreshToken) {
  const res = await call(url, '/securetoken.googleapis.com/v1/token',
    { grant_type: 'refresh_token', refresh_token: refreshToken });
  return expectOk(res).id_token;
}

async function setAlg(url, alg, tenant) {
  const res = await patchConfig(url, { idTokenAlg: alg }, { tenant });
  return expectOk(res);
}

/** An unsigned token's shape: alg none, no kid, an empty signature. */
function assertUnsigned(jwt) {
  const { header, signature } = decodeJwt(jwt);
  assert.equal(header.alg, 'none', JSON.stringify(header));
  assert.equal(header.kid, undefined, JSON.stringify(header));
  assert.equal(signature.length, 0);
}

function lookup(url, idToken) {
  return call(url, '/v1/accounts:lookup', { idToken });
}

// ------------------------------------------------------------ start-up

test('the start-up output names the algorithm, the key URLs and firebase-admin\'s setting', async () => {
  const host = new URL(d.url).host;
  const want = [`${d.url}${JWKS_PATH}`, `${d.url}${X509_PATH}`,
    `FIREBASE_AUTH_EMULATOR_HOST=${host}`];
  assert.ok(await waitForStdout(d, (t) => want.every((w) => t.includes(w))), d.stdout());
  const out = d.stdout();
  assert.match(out, /^ID tokens: RS256/m, out);
  // RS256 is what firebase-admin's emulator mode refuses: say how to switch.
  assert.match(out, /invalid signature/, out);
  assert.match(out, /--id-token-alg none/, out);
  assert.match(out, /idTokenAlg/, out);
  // The printed JWKS URL serves the keys the tokens are signed with.
  const jwks = await (await fetch(`${d.url}${JWKS_PATH}`)).json();
  assert.ok(jwks.keys.length > 0, JSON.stringify(jwks));
});

test('with --id-token-alg none the start-up output says tokens are unsigned', async () => {
  const n = await startDaemon({ args: ['--id-token-alg', 'none'] });
  try {
    const host = new URL(n.url).host;
    assert.ok(await waitForStdout(n, (t) => t.includes(`FIREBASE_AUTH_EMULATOR_HOST=${host}`)), n.stdout());
    const out = n.stdout();
    assert.match(out, /^ID tokens: unsigned, alg none/m, out);
    assert.doesNotMatch(out, /invalid signature/, out);
    assert.ok(out.includes(`${n.url}${JWKS_PATH}`), out);
  } finally {
    await n.stop();
  }
});

// ------------------------------------------------------------ control plane

test('GET config shows the daemon default, RS256, for a project and a tenant nobody set', async () => {
  assert.equal(expectOk(await getConfig(d.url)).idTokenAlg, 'RS256');
  assert.equal(expectOk(await getConfig(d.url, { tenant: OTHER })).idTokenAlg, 'RS256');
  const t = await signIn(d.url, 'ann');
  assert.equal(t.header.alg, 'RS256');
  await verifyIdToken(d.url, t.idToken);
});

test('a bad idTokenAlg is a 400 naming the setting, and changes nothing', async () => {
  for (const bad of ['HS256', 'rs256', 'NONE', '', 5, true, {}, ['none']]) {
    const res = await patchConfig(d.url, { idTokenAlg: bad });
    expectCode(res, 'INVALID_ARGUMENT');
    assert.match(res.text, /idTokenAlg/, `${JSON.stringify(bad)}: ${res.text}`);
  }
  const res = await patchConfig(d.url, { idTokenAlg: 'ES256' }, { tenant: TENANT });
  expectCode(res, 'INVALID_ARGUMENT');
  assert.match(res.text, /idTokenAlg: must be \\"RS256\\".*or \\"none\\"/, res.text);
  assert.equal(expectOk(await getConfig(d.url)).idTokenAlg, 'RS256');
});

test('a project set to none issues unsigned tokens, its tenants follow it, and a tenant can opt back into RS256', async () => {
  try {
    assert.equal((await setAlg(d.url, 'none')).idTokenAlg, 'none');
    assertUnsigned((await signIn(d.url, 'ann')).idToken);
    // Neither tenant has its own setting: both follow the project.
    assert.equal(expectOk(await getConfig(d.url, { tenant: TENANT })).idTokenAlg, 'none');
    assertUnsigned((await signIn(d.url, 'tess', TENANT)).idToken);

    assert.equal((await setAlg(d.url, 'RS256', OTHER)).idTokenAlg, 'RS256');
    const o = await signIn(d.url, 'otto', OTHER);
    assert.equal(o.header.alg, 'RS256');
    const claims = await verifyIdToken(d.url, o.idToken);
    assert.equal(claims.firebase.tenant, OTHER);
    // The project and the other tenant are unchanged.
    assertUnsigned((await signIn(d.url, 'tess', TENANT)).idToken);
    assertUnsigned((await signIn(d.url, 'ann')).idToken);

    // The unsigned token's claims are those a signed one carries.
    const a = decodeJwt((await signIn(d.url, 'ann')).idToken).claims;
    assert.equal(a.iss, `https://securetoken.google.com/${PROJECT}`);
    assert.equal(a.aud, PROJECT);
    assert.equal(a.sub, 'ann');
    assert.equal(a.firebase.sign_in_provider, 'password');
  } finally {
    await setAlg(d.url, null);
    await setAlg(d.url, null, OTHER);
  }
  // null restores the default: the daemon's flag.
  assert.equal(expectOk(await getConfig(d.url)).idTokenAlg, 'RS256');
  assert.equal((await signIn(d.url, 'tess', TENANT)).header.alg, 'RS256');
});

test('a tenant set to none issues unsigned tokens while its project stays RS256', async () => {
  try {
    await setAlg(d.url, 'none', TENANT);
    assertUnsigned((await signIn(d.url, 'tess', TENANT)).idToken);
    assert.equal((await signIn(d.url, 'ann')).header.alg, 'RS256');
    assert.equal((await signIn(d.url, 'otto', OTHER)).header.alg, 'RS256');
    assert.equal(expectOk(await getConfig(d.url)).idTokenAlg, 'RS256');
  } finally {
    await setAlg(d.url, null, TENANT);
  }
});

test('refreshed tokens follow the realm\'s setting at the time of the refresh', async () => {
  const t = await signIn(d.url, 'tess', TENANT);
  assert.equal(t.header.alg, 'RS256');
  try {
    await setAlg(d.url, 'none', TENANT);
    const unsigned = await refresh(d.url, t.refreshToken);
    assertUnsigned(unsigned);
    assert.equal(decodeJwt(unsigned).claims.sub, 'tess');
    assert.equal(decodeJwt(unsigned).claims.firebase.tenant, TENANT);
    await setAlg(d.url, 'RS256', TENANT);
    const signed = await refresh(d.url, t.refreshToken);
    await verifyIdToken(d.url, signed);
    // The project's setting reaches a tenant without its own on refresh too.
    await setAlg(d.url, null, TENANT);
    await setAlg(d.url, 'none');
    assertUnsigned(await refresh(d.url, t.refreshToken));
  } finally {
    await setAlg(d.url, null, TENANT);
    await setAlg(d.url, null);
  }
});

test('unsigned tokens are accepted back only while their realm issues them', async () => {
  const signedBefore = (await signIn(d.url, 'ann')).idToken;
  try {
    await setAlg(d.url, 'none');
    const unsigned = (await signIn(d.url, 'ann')).idToken;
    assert.equal(expectOk(await lookup(d.url, unsigned)).users[0].localId, 'ann');
    // A signed token issued before the switch still verifies.
    assert.equal(expectOk(await lookup(d.url, signedBefore)).users[0].localId, 'ann');
    // An RS256 tenant refuses an unsigned token written for it.
    await setAlg(d.url, 'RS256', TENANT);
    const forged = forgeUnsigned({ ...decodeJwt(unsigned).claims, sub: 'tess', user_id: 'tess',
      firebase: { sign_in_provider: 'password', identities: {}, tenant: TENANT } });
    expectCode(await lookup(d.url, forged), 'INVALID_ID_TOKEN');
    await setAlg(d.url, 'RS256');
    expectCode(await lookup(d.url, unsigned), 'INVALID_ID_TOKEN');
  } finally {
    await setAlg(d.url, null, TENANT);
    await setAlg(d.url, null);
  }
});

/**
 * A 400 with `code`. The detail may sit in the message or error.details:
 * the envelope's shape is the errors suite's to pin.
 */
function expectCode(res, code) {
  assert.equal(res.status, 400, res.text);
  assert.equal(errorCode(res), code, res.text);
}

/** An unsigned JWT with `claims`, as anyone could write one. */
function forgeUnsigned(claims) {
  const enc = (o) => Buffer.from(JSON.stringify(o)).toString('base64url');
  return `${enc({ alg: 'none', typ: 'JWT' })}.${enc(claims)}.`;
}

// ------------------------------------------------------------ fixtures and flag

test('fixtures set idTokenAlg per project and tenant, and exports keep it', async () => {
  const fx = {
    ...FIXTURE,
    idTokenAlg: 'none',
    tenants: [{ tenantId: TENANT }, { tenantId: OTHER, idTokenAlg: 'RS256' }],
  };
  const f = await startDaemon({ fixtures: [fx] });
  try {
    assertUnsigned((await signIn(f.url, 'ann')).idToken);
    assertUnsigned((await signIn(f.url, 'tess', TENANT)).idToken);
    await verifyIdToken(f.url, (await signIn(f.url, 'otto', OTHER)).idToken);
    const { text } = await exportState(f.url);
    const exported = JSON.parse(text);
    const proj = exported.projects.find((p) => p.projectId === PROJECT);
    assert.equal(proj.idTokenAlg, 'none', text);
    assert.equal(proj.tenants.find((t) => t.tenantId === OTHER).idTokenAlg, 'RS256', text);
    assert.equal(proj.tenants.find((t) => t.tenantId === TENANT).idTokenAlg, undefined, text);
  } finally {
    await f.stop();
  }
});

test('a fixture with a bad idTokenAlg stops start-up with its path and reason', async () => {
  const file = writeFixture({ ...FIXTURE, tenants: [{ tenantId: TENANT, idTokenAlg: 'HS256' }] });
  const r = await runDaemon(['--port', '0', '--fixtures', file]);
  assert.notEqual(r.code, 0, r.output);
  assert.match(r.output, /tenants\[0\]\.idTokenAlg/, r.output);
  assert.match(r.output, /must be "RS256"/, r.output);
});

test('with --id-token-alg none the default is unsigned and a realm set to RS256 signs', async () => {
  const n = await startDaemon({ fixtures: [FIXTURE], args: ['--id-token-alg', 'none'] });
  try {
    assert.equal(expectOk(await getConfig(n.url)).idTokenAlg, 'none');
    assertUnsigned((await signIn(n.url, 'ann')).idToken);
    await setAlg(n.url, 'RS256', TENANT);
    await verifyIdToken(n.url, (await signIn(n.url, 'tess', TENANT)).idToken);
    assertUnsigned((await signIn(n.url, 'otto', OTHER)).idToken);
    await setAlg(n.url, 'RS256');
    await verifyIdToken(n.url, (await signIn(n.url, 'otto', OTHER)).idToken);
  } finally {
    await n.stop();
  }
});
