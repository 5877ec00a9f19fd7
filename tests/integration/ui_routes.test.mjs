// The web inspector's routes: its files (/emulator/ui/...), the redirect
// of a browser asking GET / for HTML, GET /emulator/v1/catalog (what a
// fault rule may name), the rule that a browser may change the emulator
// only from the inspector (same origin, X-Mfaemu-UI: 1) and reach it only
// by a loopback name (DNS rebinding), the clock's reset, and a user's
// refresh tokens.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { PROJECT, startDaemon, useDaemon, call, fixture, expectError, phoneSignIn } from './harness.mjs';

const d = useDaemon({ fixtures: [fixture()] });
const get = (p, headers = {}) => call(d.url, p, undefined, { key: null, method: 'GET', headers });

test('GET /emulator/ui/ serves the page with a CSP, no CORS header and no framing', async () => {
  const res = await get('/emulator/ui/', { origin: 'http://elsewhere.example' });
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type'), /^text\/html/);
  assert.match(res.text, /<title>mfaemu inspector<\/title>/);
  assert.equal(res.headers.get('access-control-allow-origin'), null);
  assert.match(res.headers.get('content-security-policy'), /frame-ancestors 'none'/);
  assert.match(res.headers.get('content-security-policy'), /script-src 'self'/);
  assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
});

test('the page\'s scripts and styles are served with their content types', async () => {
  for (const [file, type] of [['app.js', /^text\/javascript/], ['qr.js', /^text\/javascript/], ['app.css', /^text\/css/]]) {
    const res = await get(`/emulator/ui/${file}`);
    assert.equal(res.status, 200, file);
    assert.match(res.headers.get('content-type'), type, file);
    assert.ok(res.text.length > 100, file);
  }
});

test('an unknown file under /emulator/ui/ is 404 NOT_FOUND', async () => {
  expectError(await get('/emulator/ui/nope.js'), 404, 'NOT_FOUND');
  expectError(await get('/emulator/ui/app.js/x'), 404, 'NOT_FOUND');
});

test('GET /emulator/ui redirects to /emulator/ui/; writes are 405', async () => {
  const res = await call(d.url, '/emulator/ui', undefined, { key: null, method: 'GET' });
  // fetch follows the redirect
  assert.equal(res.status, 200);
  assert.match(res.text, /mfaemu inspector/);
  const post = await call(d.url, '/emulator/ui/', {}, { key: null });
  expectError(post, 405);
});

test('GET / answers JSON to tools and redirects a browser asking for HTML', async () => {
  const tool = await get('/');
  assert.equal(tool.status, 200);
  assert.equal(tool.json.authEmulator.ready, true);
  assert.equal(tool.json.authEmulator.controlTokenRequired, false);
  const res = await fetch(`${d.url}/`, { headers: { accept: 'text/html,application/xhtml+xml' }, redirect: 'manual' });
  assert.equal(res.status, 302);
  assert.equal(res.headers.get('location'), '/emulator/ui/');
});

test('GET /emulator/v1/catalog lists the API routes and every error CODE', async () => {
  const res = await get('/emulator/v1/catalog');
  assert.equal(res.status, 200, res.text);
  const names = res.json.routes.map((r) => r.name);
  assert.ok(names.includes('accounts.mfaSignIn.start'));
  assert.ok(names.includes('securetoken.token'));
  assert.ok(!names.some((n) => n.startsWith('control.') || n.startsWith('emulator.')), 'control routes are never faulted');
  assert.equal(new Set(names).size, names.length, 'one entry per route name');
  const quota = res.json.errors.find((e) => e.code === 'QUOTA_EXCEEDED');
  assert.ok(quota && quota.httpStatus === 400 && quota.status, res.text);
  // Every route and CODE it offers is accepted by POST /faults.
  const add = await call(d.url, '/emulator/v1/faults', { route: names[0], error: 'QUOTA_EXCEEDED', count: 1 }, { key: null });
  assert.equal(add.status, 200, add.text);
  await call(d.url, '/emulator/v1/faults', undefined, { key: null, method: 'DELETE' });
});

test('a browser\'s control-plane write from another origin is 403 CROSS_ORIGIN_WRITE and changes nothing', async () => {
  const before = (await get('/emulator/v1/clock')).json.nowMillis;
  const res = await call(d.url, '/emulator/v1/clock', { advanceSeconds: 3600 },
    { key: null, headers: { origin: 'http://evil.example', 'x-mfaemu-ui': '1' } });
  expectError(res, 403, 'CROSS_ORIGIN_WRITE', { googleStatus: 'PERMISSION_DENIED' });
  assert.match(res.json.error.message, /own inspector/);
  const after = (await get('/emulator/v1/clock')).json.nowMillis;
  assert.ok(after - before < 3_600_000);
  const del = await call(d.url, '/emulator/v1/state', undefined,
    { key: null, method: 'DELETE', headers: { 'sec-fetch-site': 'cross-site' } });
  expectError(del, 403, 'CROSS_ORIGIN_WRITE', { googleStatus: 'PERMISSION_DENIED' });
});

test('an Admin API write from another origin is refused; a Firebase SDK call is not', async () => {
  const res = await call(d.url, `/v1/projects/${PROJECT}/accounts:delete`, { localId: 'alice' },
    { key: null, headers: { origin: 'http://evil.example', authorization: 'Bearer owner' } });
  expectError(res, 403, 'CROSS_ORIGIN_WRITE', { googleStatus: 'PERMISSION_DENIED' });
  const look = await call(d.url, `/v1/projects/${PROJECT}/accounts:lookup`, { localId: ['alice'] },
    { key: null, headers: { authorization: 'Bearer owner' } });
  assert.equal(look.json.users.length, 1, look.text);
  const sdk = await call(d.url, '/v1/accounts:signInWithPassword',
    { email: 'alice@example.com', password: 'alice-password', returnSecureToken: true },
    { headers: { origin: 'http://localhost:3000' } });
  assert.notEqual(sdk.status, 403, sdk.text);
  assert.equal(sdk.headers.get('access-control-allow-origin'), 'http://localhost:3000');
});

test('a same-origin write needs X-Mfaemu-UI: 1; with it the inspector\'s write goes through', async () => {
  const host = new URL(d.url).host;
  const bare = await call(d.url, '/emulator/v1/events', undefined,
    { key: null, method: 'DELETE', headers: { origin: `http://${host}` } });
  expectError(bare, 403, 'CROSS_ORIGIN_WRITE', { googleStatus: 'PERMISSION_DENIED' });
  const ok = await call(d.url, '/emulator/v1/events', undefined,
    { key: null, method: 'DELETE', headers: { origin: `http://${host}`, 'sec-fetch-site': 'same-origin', 'x-mfaemu-ui': '1' } });
  assert.equal(ok.status, 200, ok.text);
  // Reads stay open to other origins (browser test harnesses read codes).
  const read = await get(`/emulator/v1/projects/${PROJECT}/verificationCodes`, { origin: 'http://localhost:3000' });
  assert.equal(read.status, 200);
  // Tools send no Origin and are not concerned.
  const tool = await call(d.url, '/emulator/v1/events', undefined, { key: null, method: 'DELETE' });
  assert.equal(tool.status, 200);
});

test('under --control-token the files are served, GET / says so, and the data needs the token', async () => {
  const locked = await startDaemon({ fixtures: [fixture()], args: ['--control-token', 'tok-123'] });
  try {
    const page = await call(locked.url, '/emulator/ui/', undefined, { key: null, method: 'GET' });
    assert.equal(page.status, 200);
    const root = await call(locked.url, '/', undefined, { key: null, method: 'GET' });
    assert.equal(root.json.authEmulator.controlTokenRequired, true);
    const cat = await call(locked.url, '/emulator/v1/catalog', undefined, { key: null, method: 'GET' });
    expectError(cat, 401, undefined, { googleStatus: 'UNAUTHENTICATED' });
    const exp = await call(locked.url, '/emulator/v1/export', undefined,
      { key: null, method: 'GET', headers: { authorization: 'Bearer tok-123' } });
    assert.equal(exp.status, 200);
  } finally {
    await locked.stop();
  }
});

// ------------------------------------------------------------ DNS rebinding

// fetch() sends its own Host; node:http sends the one given.
function hostRequest(url, p, { host, method = 'GET', headers = {}, body } = {}) {
  const u = new URL(url);
  const data = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
  const h = { host, ...headers };
  if (data) { h['content-type'] = 'application/json'; h['content-length'] = data.length; }
  return new Promise((resolve, reject) => {
    const rq = http.request({ hostname: u.hostname, port: u.port, path: p, method, headers: h }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c) => { text += c; });
      res.on('end', () => {
        let json = null;
        try { json = JSON.parse(text); } catch { /* not JSON */ }
        resolve({ status: res.status ?? res.statusCode, headers: new Headers(res.headers), json, text });
      });
    });
    rq.on('error', reject);
    rq.end(data);
  });
}

const inspector = (origin) => ({ origin, 'sec-fetch-site': 'same-origin', 'x-mfaemu-ui': '1' });

test('DNS rebinding: a browser reaching the daemon as another name is 403 UNTRUSTED_HOST, reads and writes alike', async () => {
  const port = new URL(d.url).port, evil = `evil.example:${port}`;
  const before = (await get('/emulator/v1/clock')).json.nowMillis;
  const w = await hostRequest(d.url, '/emulator/v1/clock', { host: evil, method: 'POST',
    headers: inspector(`http://${evil}`), body: { advanceSeconds: 3600 } });
  expectError(w, 403, 'UNTRUSTED_HOST', { googleStatus: 'PERMISSION_DENIED' });
  assert.match(w.json.error.message, /evil\.example/);
  assert.ok((await get('/emulator/v1/clock')).json.nowMillis - before < 3_600_000, 'the clock moved');
  // Same-origin reads would hand the attacker the whole state.
  for (const p of ['/emulator/v1/export', '/emulator/ui/', `/emulator/v1/projects/${PROJECT}/verificationCodes`]) {
    const r = await hostRequest(d.url, p, { host: evil, headers: { 'sec-fetch-site': 'same-origin' } });
    expectError(r, 403, 'UNTRUSTED_HOST');
  }
  const admin = await hostRequest(d.url, `/v1/projects/${PROJECT}/accounts:lookup`, { host: evil, method: 'POST',
    headers: { ...inspector(`http://${evil}`), authorization: 'Bearer owner' }, body: { localId: ['alice'] } });
  expectError(admin, 403, 'UNTRUSTED_HOST');
  // The Firebase SDK's own calls from any page are not the control plane's.
  const sdk = await hostRequest(d.url, '/v1/accounts:signInWithPassword?key=k', { host: evil, method: 'POST',
    headers: { origin: `http://${evil}` }, body: { email: 'nobody@example.com', password: 'x' } });
  assert.notEqual(sdk.status, 403, sdk.text);
});

test('loopback names and addresses reach the inspector; listening on loopback, nothing else does', async () => {
  const port = new URL(d.url).port;
  for (const name of [`127.0.0.1:${port}`, `127.1.2.3:${port}`, `localhost:${port}`, `app.localhost:${port}`,
    `[::1]:${port}`, 'localhost']) {
    const ok = await hostRequest(d.url, '/emulator/v1/clock', { host: name, method: 'POST',
      headers: inspector(`http://${name}`), body: { advanceSeconds: 0 } });
    assert.equal(ok.status, 200, `${name}: ${ok.text}`);
  }
  for (const name of [`127.0.0.1.evil.example:${port}`, `localhost.evil.example:${port}`, `[::2]:${port}`,
    `127.0.0.1:${port}x`, `evil.example`]) {
    const no = await hostRequest(d.url, '/emulator/v1/clock', { host: name, headers: { 'sec-fetch-site': 'none' } });
    assert.equal(no.status, 403, `${name}: ${no.text}`);
    expectError(no, 403, 'UNTRUSTED_HOST');
  }
  // Over plain HTTP a browser's same-origin GET carries neither Origin nor
  // Sec-Fetch-Site: on loopback, a foreign name is refused without them too.
  const bare = await hostRequest(d.url, '/emulator/v1/export', { host: `evil.example:${port}` });
  expectError(bare, 403, 'UNTRUSTED_HOST');
  // The Identity Toolkit API is not the control plane: any name will do.
  const idt = await hostRequest(d.url, '/v1/accounts:signInWithPassword?key=k', { host: `evil.example:${port}`,
    method: 'POST', body: { email: 'nobody@example.com', password: 'x' } });
  assert.notEqual(idt.status, 403, idt.text);
});

test('listening on 0.0.0.0, a browser must use a loopback name or that --host; a tool may use any name', async () => {
  const wide = await startDaemon({ args: ['--host', '0.0.0.0'] });
  try {
    const port = new URL(wide.url).port, url = `http://127.0.0.1:${port}`;
    const ok = await hostRequest(url, '/emulator/v1/clock', { host: `0.0.0.0:${port}`, method: 'POST',
      headers: inspector(`http://0.0.0.0:${port}`), body: { advanceSeconds: 0 } });
    assert.equal(ok.status, 200, ok.text);
    const named = await hostRequest(url, '/emulator/v1/clock', { host: `mfaemu:${port}`, method: 'POST',
      headers: inspector(`http://mfaemu:${port}`), body: { advanceSeconds: 0 } });
    expectError(named, 403, 'UNTRUSTED_HOST');
    const tool = await hostRequest(url, '/emulator/v1/export', { host: `mfaemu:${port}` });
    assert.equal(tool.status, 200, tool.text);
  } finally {
    await wide.stop();
  }
});

// ------------------------------------------------------------ clock reset

test('POST /emulator/v1/clock {"reset": true} puts the clock back to real, running time', async () => {
  const moved = await call(d.url, '/emulator/v1/clock', { advanceSeconds: 86400, freeze: true }, { key: null });
  assert.equal(moved.json.frozen, true, moved.text);
  const before = Date.now();
  const res = await call(d.url, '/emulator/v1/clock', { reset: true }, { key: null });
  const after = Date.now();
  assert.equal(res.status, 200, res.text);
  assert.equal(res.json.offsetMillis, 0);
  assert.equal(res.json.frozen, false);
  assert.ok(res.json.nowMillis >= before - 5 && res.json.nowMillis <= after + 5, res.text);
  await new Promise((r) => { setTimeout(r, 30); });
  assert.ok((await get('/emulator/v1/clock')).json.nowMillis > res.json.nowMillis, 'the clock runs again');
});

test('clock reset with other fields, or not a boolean, is 400 INVALID_ARGUMENT and moves nothing', async () => {
  await call(d.url, '/emulator/v1/clock', { reset: true }, { key: null });
  for (const body of [{ reset: true, advanceSeconds: 60 }, { reset: true, freeze: true }, { reset: 'yes' }, { reset: false }]) {
    const res = await call(d.url, '/emulator/v1/clock', body, { key: null });
    expectError(res, 400, 'INVALID_ARGUMENT');
    assert.match(res.json.error.message, /reset/, res.text);
  }
  const c = (await get('/emulator/v1/clock')).json;
  assert.equal(c.offsetMillis, 0);
  assert.equal(c.frozen, false);
});

// ------------------------------------------------------------ refresh tokens

const tokensPath = (localId, tenant) => `/emulator/v1/projects/${PROJECT}` +
  (tenant ? `/tenants/${tenant}` : '') + `/accounts/${localId}/refreshTokens`;

test('GET .../accounts/{localId}/refreshTokens lists a user\'s refresh tokens by prefix, newest first, with their state', async () => {
  const first = await phoneSignIn(d.url, 'cred-alice', 'alice-phone');
  const res = await get(tokensPath('alice'));
  assert.equal(res.status, 200, res.text);
  assert.equal(res.json.localId, 'alice');
  assert.equal(res.json.refreshTokens.length, 1, res.text);
  const [t] = res.json.refreshTokens;
  assert.equal(t.tokenPrefix, first.refreshToken.slice(0, 8));
  assert.ok(!res.text.includes(first.refreshToken), 'the whole token is never shown');
  assert.equal(t.secondFactor, 'phone');
  assert.equal(t.mfaEnrollmentId, 'alice-phone');
  assert.equal(t.signInProvider, 'password');
  assert.equal(t.state, 'active');
  assert.match(t.createTime, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  assert.match(t.authTime, /^\d{4}-\d\d-\d\dT/);

  // Revoking (validSince past the token) marks it; a later sign-in's is active.
  const now = (await get('/emulator/v1/clock')).json.nowMillis;
  const up = await call(d.url, `/v1/projects/${PROJECT}/accounts:update`,
    { localId: 'alice', validSince: String(Math.floor(now / 1000) + 1) }, { key: null, headers: { authorization: 'Bearer owner' } });
  assert.equal(up.status, 200, up.text);
  await call(d.url, '/emulator/v1/clock', { advanceSeconds: 2 }, { key: null });
  const mint = await call(d.url, `/emulator/v1/projects/${PROJECT}/pendingCredentials`, { localId: 'alice' }, { key: null });
  const second = await phoneSignIn(d.url, mint.json.mfaPendingCredential, 'alice-phone');
  const after = (await get(tokensPath('alice'))).json.refreshTokens;
  assert.deepEqual(after.map((x) => [x.tokenPrefix, x.state]),
    [[second.refreshToken.slice(0, 8), 'active'], [first.refreshToken.slice(0, 8), 'revoked']]);
  await call(d.url, '/emulator/v1/clock', { reset: true }, { key: null });
});

test('refreshTokens of a tenant user go by the tenant path; unknown users and bad ids are refused', async () => {
  await phoneSignIn(d.url, 'cred-erin', 'erin-phone', { tenantId: 'tenant-a' });
  const res = await get(tokensPath('erin', 'tenant-a'));
  assert.equal(res.status, 200, res.text);
  assert.equal(res.json.refreshTokens.length, 1);
  expectError(await get(tokensPath('erin')), 400, 'USER_NOT_FOUND');
  expectError(await get(tokensPath('nobody')), 400, 'USER_NOT_FOUND');
  const bob = await get(tokensPath('bob'));
  assert.deepEqual(bob.json.refreshTokens, [], bob.text);
  expectError(await get(tokensPath('x'.repeat(200))), 400, 'INVALID_ARGUMENT');
  expectError(await call(d.url, tokensPath('alice'), {}, { key: null }), 405);
});
