// HTTP-level rules shared by every Identity Toolkit route: API key, routing,
// CORS, system parameters, content types and malformed bodies; the public key
// endpoints; and start-up failures.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import net from 'node:net';
import path from 'node:path';
import {
  PROJECT, DEMO_FIXTURES, GOOGLE_PREFIX, START, FINALIZE, JWKS_PATH, X509_PATH,
  startDaemon, useDaemon, runDaemon, call, start, expectOk, expectError, fixture, writeFixture,
  rawRequest, fetchJwks, phoneSignIn, mintCredential, decodeJwt, phoneUser,
  verifyIdToken,
} from './harness.mjs';

const d = useDaemon({ fixtures: [fixture()] });

const VALID_START = { mfaPendingCredential: 'cred-alice', mfaEnrollmentId: 'alice-phone' };

/** The daemon still answers a valid request. */
async function assertAlive() {
  const res = await start(d.url, VALID_START);
  expectOk(res);
  assert.equal(typeof res.json.phoneResponseInfo?.sessionInfo, 'string', res.text);
}

// ------------------------------------------------------------ API key

test('a call without ?key= is 403 PERMISSION_DENIED "The request is missing a valid API key."', async () => {
  for (const p of [START, FINALIZE, GOOGLE_PREFIX + START]) {
    const res = await call(d.url, p, VALID_START, { key: null });
    assert.equal(res.status, 403, `${p}: ${res.text}`);
    assert.equal(res.json?.error?.code, 403, res.text);
    assert.equal(res.json.error.message, 'The request is missing a valid API key.', res.text);
    assert.equal(res.json.error.status, 'PERMISSION_DENIED', res.text);
  }
});

test('an empty ?key= is 403 PERMISSION_DENIED', async () => {
  const res = await call(d.url, `${START}?key=`, VALID_START, { key: null });
  assert.equal(res.status, 403, res.text);
  assert.equal(res.json?.error?.status, 'PERMISSION_DENIED', res.text);
});

test('Authorization: Bearer owner is accepted without ?key=', async () => {
  const res = await call(d.url, START, VALID_START, { key: null, headers: { authorization: 'Bearer owner' } });
  expectOk(res);
});

test('--require-key false accepts calls without ?key=', async () => {
  const open = await startDaemon({ fixtures: [fixture()], args: ['--require-key', 'false'] });
  try {
    expectOk(await call(open.url, START, VALID_START, { key: null }));
  } finally {
    await open.stop();
  }
});

test('a ?key= after another query parameter is honoured', async () => {
  expectOk(await call(d.url, `${START}?alt=json`, VALID_START));
});

// ------------------------------------------------------------ routing

test('an unknown path is 404 NOT_FOUND in the Google error envelope', async () => {
  for (const p of ['/v2/accounts/mfaSignIn:nope', '/no/such/path', `${GOOGLE_PREFIX}/v2/accounts/nope`]) {
    const res = await call(d.url, p, {});
    assert.equal(res.status, 404, `${p}: ${res.text}`);
    assert.equal(res.json?.error?.code, 404, res.text);
    assert.equal(res.json.error.status, 'NOT_FOUND', res.text);
    assert.equal(typeof res.json.error.message, 'string', res.text);
  }
});

test('GET on mfaSignIn:start and mfaSignIn:finalize is 405 with Allow: POST', async () => {
  for (const p of [START, FINALIZE, GOOGLE_PREFIX + START]) {
    const res = await call(d.url, p, undefined, { method: 'GET' });
    assert.equal(res.status, 405, `${p}: ${res.text}`);
    const allow = (res.headers.get('allow') ?? '').split(',').map((s) => s.trim().toUpperCase()).filter(Boolean);
    assert.ok(allow.includes('POST'), `Allow: ${res.headers.get('allow')}`);
    for (const m of allow) assert.ok(['POST', 'OPTIONS'].includes(m), `Allow: ${res.headers.get('allow')}`);
    assert.equal(res.json?.error?.code, 405, res.text);
  }
});

// ------------------------------------------------------------ CORS

test('an OPTIONS preflight is 204, echoes the Origin and allows the requested headers', async () => {
  const origin = 'http://localhost:5173';
  const requested = ['content-type', 'x-client-version', 'x-firebase-gmpid'];
  for (const p of [START, GOOGLE_PREFIX + FINALIZE]) {
    const res = await fetch(`${d.url}${p}?key=test-key`, {
      method: 'OPTIONS',
      headers: {
        origin,
        'access-control-request-method': 'POST',
        'access-control-request-headers': requested.join(','),
      },
    });
    await res.arrayBuffer();
    assert.equal(res.status, 204, p);
    assert.equal(res.headers.get('access-control-allow-origin'), origin);
    const allowed = (res.headers.get('access-control-allow-headers') ?? '').toLowerCase().split(',').map((s) => s.trim());
    for (const h of requested) {
      assert.ok(allowed.includes(h) || allowed.includes('*'),
        `Access-Control-Allow-Headers ${res.headers.get('access-control-allow-headers')} lacks ${h}`);
    }
    const methods = (res.headers.get('access-control-allow-methods') ?? '').toUpperCase();
    assert.match(methods, /POST/, `Access-Control-Allow-Methods: ${methods}`);
  }
});

test('successful and error responses carry Access-Control-Allow-Origin', async () => {
  const origin = 'http://localhost:3000';
  const ok = await call(d.url, START, VALID_START, { headers: { origin } });
  expectOk(ok);
  assert.ok([origin, '*'].includes(ok.headers.get('access-control-allow-origin')),
    `ACAO: ${ok.headers.get('access-control-allow-origin')}`);
  const bad = await call(d.url, START, {}, { headers: { origin } });
  expectError(bad, 400, 'MISSING_MFA_PENDING_CREDENTIAL');
  assert.ok([origin, '*'].includes(bad.headers.get('access-control-allow-origin')),
    `ACAO: ${bad.headers.get('access-control-allow-origin')}`);
});

// ------------------------------------------------------------ system parameters

test('responses are pretty-printed JSON by default', async () => {
  const ok = await call(d.url, START, VALID_START);
  expectOk(ok);
  assert.match(ok.headers.get('content-type') ?? '', /^application\/json/);
  assert.ok(ok.text.trimEnd().includes('\n'), ok.text);
  const err = await call(d.url, START, {});
  assert.ok(err.text.trimEnd().includes('\n'), err.text);
});

test('prettyPrint=false gives compact JSON without newlines', async () => {
  const ok = await call(d.url, `${START}?prettyPrint=false`, VALID_START);
  expectOk(ok);
  assert.ok(!ok.text.trimEnd().includes('\n'), ok.text);
  const err = await call(d.url, `${START}?prettyPrint=false`, {});
  expectError(err, 400, 'MISSING_MFA_PENDING_CREDENTIAL');
  assert.ok(!err.text.trimEnd().includes('\n'), err.text);
});

test('alt=json is accepted', async () => {
  expectOk(await call(d.url, `${START}?alt=json`, VALID_START));
});

test('alt=proto is 400 INVALID_ARGUMENT', async () => {
  expectError(await call(d.url, `${START}?alt=proto`, VALID_START), 400, 'INVALID_ARGUMENT');
});

test('a fields= parameter does not make the call fail', async () => {
  expectOk(await call(d.url, `${START}?fields=phoneResponseInfo`, VALID_START));
});

test('unknown body fields and phoneSignInInfo client fields are ignored', async () => {
  expectOk(await start(d.url, {
    ...VALID_START,
    someFutureField: { nested: [1, 2, 3] },
    clientType: 'CLIENT_TYPE_WEB',
    phoneSignInInfo: {
      recaptchaToken: 'token', safetyNetToken: 'sn', playIntegrityToken: 'pi',
      iosReceipt: 'r', iosSecret: 's', autoRetrievalInfo: { appSignatureHash: 'h' },
      captchaResponse: 'c', clientType: 'CLIENT_TYPE_WEB', recaptchaVersion: 'RECAPTCHA_ENTERPRISE',
    },
  }));
});

test('Content-Type application/json; charset=utf-8 is accepted', async () => {
  expectOk(await call(d.url, START, VALID_START, { headers: { 'content-type': 'application/json; charset=utf-8' } }));
});

// ------------------------------------------------------------ malformed bodies

test('malformed JSON is 400 INVALID_ARGUMENT and the daemon keeps serving', async () => {
  expectError(await call(d.url, START, undefined, { raw: '{"mfaPendingCredential": "cred-alice",' }), 400, 'INVALID_ARGUMENT');
  await assertAlive();
});

test('trailing garbage after the JSON object is 400 INVALID_ARGUMENT', async () => {
  expectError(await call(d.url, START, undefined, { raw: `${JSON.stringify(VALID_START)} garbage` }), 400, 'INVALID_ARGUMENT');
  expectError(await call(d.url, START, undefined, { raw: `${JSON.stringify(VALID_START)}{}` }), 400, 'INVALID_ARGUMENT');
  await assertAlive();
});

test('a JSON array body is 400 INVALID_ARGUMENT', async () => {
  expectError(await call(d.url, START, undefined, { raw: JSON.stringify([VALID_START]) }), 400, 'INVALID_ARGUMENT');
  await assertAlive();
});

test('a JSON null or string top-level value is 400 INVALID_ARGUMENT', async () => {
  expectError(await call(d.url, FINALIZE, undefined, { raw: 'null' }), 400, 'INVALID_ARGUMENT');
  expectError(await call(d.url, FINALIZE, undefined, { raw: '"cred-alice"' }), 400, 'INVALID_ARGUMENT');
  await assertAlive();
});

test('a number where mfaPendingCredential must be a string is 400 INVALID_ARGUMENT naming the field', async () => {
  const msg = expectError(await start(d.url, { mfaPendingCredential: 5, mfaEnrollmentId: 'alice-phone' }), 400, 'INVALID_ARGUMENT');
  assert.match(msg, /'mfa_pending_credential' \(TYPE_STRING\), 5/);
  await assertAlive();
});

test('a string where phoneVerificationInfo must be an object is 400 INVALID_ARGUMENT naming the field', async () => {
  const msg = expectError(await call(d.url, FINALIZE, { mfaPendingCredential: 'cred-alice', phoneVerificationInfo: 'x' }),
    400, 'INVALID_ARGUMENT');
  assert.match(msg, /'phone_verification_info'/);
  await assertAlive();
});

test('a number where totpVerificationInfo.verificationCode must be a string is 400 INVALID_ARGUMENT', async () => {
  const msg = expectError(await call(d.url, FINALIZE, {
    mfaPendingCredential: 'cred-bob', mfaEnrollmentId: 'bob-totp', totpVerificationInfo: { verificationCode: 123456 },
  }), 400, 'INVALID_ARGUMENT');
  assert.match(msg, /'totp_verification_info\.verification_code'/);
  await assertAlive();
});

test('an empty body with a JSON content type is treated as {}: MISSING_MFA_PENDING_CREDENTIAL', async () => {
  expectError(await call(d.url, START, undefined, { raw: '' }), 400, 'MISSING_MFA_PENDING_CREDENTIAL');
  expectError(await call(d.url, FINALIZE, undefined, { raw: '' }), 400, 'MISSING_CREDENTIAL');
});

test('a JSON body without a Content-Type is 400 INVALID_ARGUMENT', async () => {
  expectError(await call(d.url, START, VALID_START, { headers: { 'content-type': null } }), 400, 'INVALID_ARGUMENT');
  await assertAlive();
});

test('a text/plain body is 400 INVALID_ARGUMENT', async () => {
  expectError(await call(d.url, START, VALID_START, { headers: { 'content-type': 'text/plain' } }), 400, 'INVALID_ARGUMENT');
  await assertAlive();
});

test('invalid UTF-8 inside a JSON string is 400 INVALID_ARGUMENT', async () => {
  const raw = Buffer.concat([
    Buffer.from('{"mfaPendingCredential":"cred-'),
    Buffer.from([0xff, 0xfe, 0xc3]),
    Buffer.from('","mfaEnrollmentId":"alice-phone"}'),
  ]);
  expectError(await call(d.url, START, undefined, { raw }), 400, 'INVALID_ARGUMENT');
  await assertAlive();
});

test('a 1 MiB body is 413 with a JSON error and the daemon keeps serving', async () => {
  const body = Buffer.from(JSON.stringify({ ...VALID_START, padding: 'x'.repeat(1024 * 1024) }));
  const res = await rawRequest(d.url, {
    path: `${START}?key=test-key`,
    headers: { 'Content-Type': 'application/json' },
    body,
  });
  assert.equal(res.status, 413, res.text.slice(0, 500));
  assert.equal(res.json?.error?.code, 413, res.text.slice(0, 500));
  assert.equal(typeof res.json.error.message, 'string');
  await assertAlive();
});

// ------------------------------------------------------------ public keys

test('the JWKS serves RSA keys with kids, identically under /www.googleapis.com', async () => {
  const bare = await fetchJwks(d.url);
  const prefixed = await fetchJwks(d.url, '/www.googleapis.com');
  assert.deepEqual(prefixed, bare);
  assert.ok(bare.keys.length >= 1, JSON.stringify(bare));
  for (const k of bare.keys) {
    assert.equal(k.kty, 'RSA', JSON.stringify(k));
    assert.equal(typeof k.kid, 'string', JSON.stringify(k));
    assert.equal(typeof k.n, 'string', JSON.stringify(k));
    assert.equal(typeof k.e, 'string', JSON.stringify(k));
    if ('alg' in k) assert.equal(k.alg, 'RS256');
    assert.ok(!('d' in k) && !('p' in k) && !('q' in k), `private key material in the JWKS: ${JSON.stringify(k)}`);
  }
});

test('the x509 map is keyed by the ID token\'s kid and its certificate verifies the token, also under /www.googleapis.com', async () => {
  const cred = await mintCredential(d.url, PROJECT, 'alice');
  const out = await phoneSignIn(d.url, cred, 'alice-phone');
  const { header, signingInput, signature } = decodeJwt(out.idToken);
  const get = async (p) => {
    const r = await fetch(d.url + p);
    assert.equal(r.status, 200, p);
    return r.json();
  };
  const bare = await get(X509_PATH);
  const prefixed = await get('/www.googleapis.com' + X509_PATH);
  assert.deepEqual(prefixed, bare);
  const jwks = await fetchJwks(d.url);
  assert.deepEqual(Object.keys(bare).sort(), jwks.keys.map((k) => k.kid).sort());
  const pem = bare[header.kid];
  assert.equal(typeof pem, 'string', `no certificate for kid ${header.kid}`);
  assert.match(pem, /^-----BEGIN CERTIFICATE-----/);
  const cert = new crypto.X509Certificate(pem);
  assert.ok(crypto.verify('RSA-SHA256', Buffer.from(signingInput), cert.publicKey, signature),
    'ID token does not verify with the x509 certificate');
});

// ------------------------------------------------------------ start-up

test('a fixture file with invalid JSON stops start-up with a non-zero exit naming the file', async () => {
  const file = writeFixture('{"users": [ {"localId": "x",, } ]');
  const r = await runDaemon(['--port', '0', '--fixtures', file], { timeoutMs: 5000 });
  assert.ok(!r.timedOut, `daemon kept running with a broken fixture:\n${r.output}`);
  assert.notEqual(r.code, 0, r.output);
  assert.ok(!/mfaemu listening on/.test(r.output), r.output);
  assert.ok(r.output.includes(path.basename(file)), `message does not name ${file}:\n${r.output}`);
});

test('a user with a phone number that is not E.164 stops start-up naming the file and the JSON path', async () => {
  const file = writeFixture(fixture({ users: [phoneUser('pete', '555-0101')] }));
  const r = await runDaemon(['--port', '0', '--fixtures', file], { timeoutMs: 5000 });
  assert.ok(!r.timedOut, `daemon kept running with a bad phone number:\n${r.output}`);
  assert.notEqual(r.code, 0, r.output);
  assert.ok(r.output.includes(path.basename(file)), `message does not name ${file}:\n${r.output}`);
  assert.match(r.output, /users\[0\]/, `message does not give the JSON path:\n${r.output}`);
});

test('--check --fixtures fixtures/demo.json exits 0 without listening', async () => {
  const r = await runDaemon(['--check', '--fixtures', DEMO_FIXTURES], { timeoutMs: 5000 });
  assert.ok(!r.timedOut, `--check did not exit:\n${r.output}`);
  assert.equal(r.code, 0, r.output);
  assert.ok(!/listening/.test(r.output), r.output);
});

test('--check with a bad fixture exits non-zero', async () => {
  const file = writeFixture('[1, 2');
  const r = await runDaemon(['--check', '--fixtures', file], { timeoutMs: 5000 });
  assert.ok(!r.timedOut, r.output);
  assert.notEqual(r.code, 0, r.output);
  assert.ok(r.output.includes(path.basename(file)), r.output);
});

test('an unknown command-line flag exits non-zero', async () => {
  const r = await runDaemon(['--port', '0', '--no-such-flag'], { timeoutMs: 5000 });
  assert.ok(!r.timedOut, r.output);
  assert.notEqual(r.code, 0, r.output);
  assert.ok(!/mfaemu listening on/.test(r.output), r.output);
});

// A private key for the inline-PEM tests: MFAEMU_SIGNING_KEY="$(cat k.pem)".
const INLINE_PEM = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey
  .export({ type: 'pkcs1', format: 'pem' });

/** Assert `output` quotes no line of the key's base64 body, nor its header. */
function assertNoKeyMaterial(output, pem, ctx) {
  assert.ok(!/PRIVATE KEY/.test(output), `${ctx}: the PEM header is in the message:\n${output}`);
  for (const line of pem.split('\n').filter((l) => l.length >= 16 && !l.startsWith('-----'))) {
    for (let i = 0; i + 16 <= line.length; i += 8) {
      assert.ok(!output.includes(line.slice(i, i + 16)), `${ctx}: key material in the message:\n${output}`);
    }
  }
}

test('--signing-key or MFAEMU_SIGNING_KEY holding the PEM text itself is the key: ID tokens verify against the JWKS, which serves that key', async () => {
  const want = crypto.createPublicKey(INLINE_PEM).export({ format: 'jwk' });
  for (const how of ['flag', 'env']) {
    const dd = await startDaemon({
      fixtures: [fixture()],
      args: how === 'flag' ? ['--signing-key', INLINE_PEM] : [],
      env: how === 'env' ? { MFAEMU_SIGNING_KEY: INLINE_PEM } : {},
    });
    try {
      const cred = await mintCredential(dd.url, PROJECT, 'alice');
      const out = await phoneSignIn(dd.url, cred, 'alice-phone');
      const claims = await verifyIdToken(dd.url, out.idToken);
      assert.equal(claims.sub, 'alice', how);
      const jwks = await fetchJwks(dd.url);
      assert.deepEqual(jwks.keys.map((k) => [k.n, k.e]), [[want.n, want.e]], `${how}: ${JSON.stringify(jwks)}`);
      assertNoKeyMaterial(dd.output(), INLINE_PEM, how);
    } finally {
      await dd.stop();
    }
  }
});

test('a broken inline PEM stops start-up with a message that names the setting and holds no key material', async () => {
  const lines = INLINE_PEM.trimEnd().split('\n');
  // Base64 lines dropped from the middle: still PEM-shaped, not a key.
  const broken = [...lines.slice(0, 4), ...lines.slice(9)].join('\n') + '\n';
  const cases = [
    ['flag', ['--signing-key', broken], {}],
    ['env', [], { MFAEMU_SIGNING_KEY: broken }],
    // A leading blank line, as "$(printf '\n'; cat k.pem)" gives.
    ['env, leading newline', [], { MFAEMU_SIGNING_KEY: `\n${broken}` }],
  ];
  for (const [how, args, env] of cases) {
    const r = await runDaemon(['--port', '0', ...args], { env, timeoutMs: 5000 });
    assert.ok(!r.timedOut, `${how}: daemon kept running with a broken key:\n${r.output}`);
    assert.notEqual(r.code, 0, `${how}: ${r.output}`);
    assert.ok(!/mfaemu listening on/.test(r.output), `${how}: ${r.output}`);
    assert.match(r.output, /signing-key|SIGNING_KEY/, `${how}: the message does not name the setting`);
    assert.match(r.output, /PEM/, `${how}: the message does not say what is wrong`);
    assertNoKeyMaterial(r.output, INLINE_PEM, how);
  }
});

test('a misspelt flag given the PEM text (--signing_key=PEM) is refused without quoting the key', async () => {
  const r = await runDaemon(['--port', '0', `--signing_key=${INLINE_PEM}`], { timeoutMs: 5000 });
  assert.ok(!r.timedOut, r.output);
  assert.notEqual(r.code, 0, r.output);
  assert.match(r.output, /--signing_key/, r.output);
  assertNoKeyMaterial(r.output, INLINE_PEM, 'misspelt flag');
});

test('a port already in use makes the daemon exit non-zero', async () => {
  const server = net.createServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  try {
    const r = await runDaemon(['--host', '127.0.0.1', '--port', String(port)],
      { timeoutMs: 5000 });
    assert.ok(!r.timedOut, `daemon kept running on a busy port:\n${r.output}`);
    assert.notEqual(r.code, 0, r.output);
    assert.ok(!/mfaemu listening on/.test(r.output), r.output);
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
});
