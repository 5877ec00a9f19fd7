// Google's wire conventions (issue 17, part 2): the API key in the
// X-Goog-Api-Key header, fields= partial responses, X-HTTP-Method-Override,
// malformed JSON and wrong types worded as Google's front end words them,
// messages as Google sends them (bare CODE, or CODE : Google's own detail,
// mfaemu's explanation in error.details), HTTP code and status agreeing,
// Private Network Access preflights, and securetoken's numeric project_id.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  PROJECT, GOOGLE_PREFIX, useDaemon, call, expectOk, expectError,
  errorDebug, fixture, start, finalize, START, passwordUser, patchConfig,
  getConfig, signInWithPassword, startDaemon,
} from './harness.mjs';

const SIGN_UP = `${GOOGLE_PREFIX}/v1/accounts:signUp`;
const LOOKUP = `${GOOGLE_PREFIX}/v1/accounts:lookup`;
const RECAPTCHA = `${GOOGLE_PREFIX}/v2/recaptchaConfig`;
const TOKEN = '/securetoken.googleapis.com/v1/token';
const BATCH_GET = `${GOOGLE_PREFIX}/v1/projects/${PROJECT}/accounts:batchGet`;
const DEBUG_INFO = 'type.googleapis.com/google.rpc.DebugInfo';

const d = useDaemon({ fixtures: [fixture({ extraUsers: [passwordUser('wendy')] })] });

// ------------------------------------------------------------ API key

test('the API key is taken from X-Goog-Api-Key when ?key= is absent', async () => {
  const res = await call(d.url, SIGN_UP, {}, { key: null, headers: { 'x-goog-api-key': 'header-key' } });
  const body = expectOk(res);
  assert.equal(typeof body.idToken, 'string');
});

test('without ?key= or X-Goog-Api-Key the request is 403 PERMISSION_DENIED', async () => {
  const res = await call(d.url, SIGN_UP, {}, { key: null });
  assert.equal(res.status, 403);
  assert.equal(res.json.error.status, 'PERMISSION_DENIED');
  assert.equal(res.json.error.message, 'The request is missing a valid API key.');
  const empty = await call(d.url, SIGN_UP, {}, { key: null, headers: { 'x-goog-api-key': '' } });
  assert.equal(empty.status, 403);
});

// ------------------------------------------------------------ fields=

test('fields= selects top-level fields of a success body', async () => {
  const res = await call(d.url, `${SIGN_UP}?fields=localId,idToken`, {});
  const body = expectOk(res);
  assert.deepEqual(Object.keys(body).sort(), ['idToken', 'localId']);
});

test('fields= takes paths and sub-selections: users(localId,email) and users/emailVerified', async () => {
  const signIn = expectOk(await signInWithPassword(d.url, 'wendy@example.com', 'wendy-password'));
  const a = expectOk(await call(d.url, `${LOOKUP}?fields=${encodeURIComponent('users(localId,email)')}`, { idToken: signIn.idToken }));
  assert.deepEqual(a, { users: [{ localId: 'wendy', email: 'wendy@example.com' }] });
  const b = expectOk(await call(d.url, `${LOOKUP}?fields=${encodeURIComponent('kind,users/emailVerified')}`, { idToken: signIn.idToken }));
  assert.deepEqual(b.users, [{ emailVerified: true }]);
  const all = expectOk(await call(d.url, `${LOOKUP}?fields=*`, { idToken: signIn.idToken }));
  assert.equal(all.users[0].localId, 'wendy');
  assert.ok('passwordUpdatedAt' in all.users[0] || 'createdAt' in all.users[0]);
});

test('fields= does not filter error bodies', async () => {
  const res = await call(d.url, `${LOOKUP}?fields=users`, { idToken: 'not-a-token' });
  expectError(res, 400, 'INVALID_ID_TOKEN');
  assert.deepEqual(Object.keys(res.json.error).sort(), ['code', 'details', 'errors', 'message', 'status']);
  assert.equal(res.json.error.code, 400);
});

test('a malformed fields= mask is 400 INVALID_ARGUMENT before the method runs', async () => {
  for (const mask of ['users(localId', 'a,,b', 'a/', '(a)', 'a)b']) {
    const res = await call(d.url, `${SIGN_UP}?fields=${encodeURIComponent(mask)}`, {});
    expectError(res, 400, undefined);
    assert.match(res.json.error.message, /^Invalid field selection/, mask);
  }
});

// ------------------------------------------------------------ X-HTTP-Method-Override

test('a POST with X-HTTP-Method-Override: GET is served as the GET route', async () => {
  const res = await call(d.url, RECAPTCHA, undefined, { method: 'POST', headers: { 'x-http-method-override': 'GET' } });
  const body = expectOk(res);
  assert.equal(typeof body.recaptchaKey === 'string' || typeof body.recaptchaEnforcementState === 'object' || Object.keys(body).length >= 0, true);
  const plain = await call(d.url, RECAPTCHA, undefined, { method: 'POST' });
  expectError(plain, 405, undefined, { googleStatus: 'METHOD_NOT_ALLOWED' });
});

test('an overridden GET reads its query parameters from a form body, as long-URL clients send them', async () => {
  const res = await call(d.url, BATCH_GET, undefined, {
    key: null, method: 'POST', raw: 'maxResults=1&key=form-key',
    headers: { 'x-http-method-override': 'GET', 'content-type': 'application/x-www-form-urlencoded', authorization: 'Bearer owner' },
  });
  const body = expectOk(res);
  assert.equal(body.users.length, 1);
  assert.equal(typeof body.nextPageToken, 'string');
});

test('X-HTTP-Method-Override naming a method the route lacks is 405 with Allow', async () => {
  const res = await call(d.url, SIGN_UP, {}, { headers: { 'x-http-method-override': 'DELETE' } });
  expectError(res, 405, undefined, { googleStatus: 'METHOD_NOT_ALLOWED' });
  assert.equal(res.headers.get('allow'), 'POST');
  const bad = await call(d.url, SIGN_UP, {}, { headers: { 'x-http-method-override': 'GE T' } });
  expectError(bad, 400, undefined);
});

// ------------------------------------------------------------ JSON errors

test('malformed JSON is worded as Google words it, without a CODE prefix', async () => {
  const res = await call(d.url, START, undefined, { raw: '{"mfaPendingCredential": x}' });
  expectError(res, 400, undefined);
  const m = res.json.error.message;
  assert.ok(m.startsWith('Invalid JSON payload received. Unexpected token.\n'), m);
  const raw = '{"mfaPendingCredential": x}';
  assert.equal(m, `Invalid JSON payload received. Unexpected token.\n${raw}\n${' '.repeat(raw.indexOf('x'))}^`);
  assert.equal(res.json.error.errors[0].reason, 'parseError');
  const cut = await call(d.url, START, undefined, { raw: '{"a": ' });
  assert.match(cut.json.error.message, /^Invalid JSON payload received\. Unexpected end of string\./);
  const arr = await call(d.url, START, undefined, { raw: '[1]' });
  assert.equal(arr.json.error.message, 'Invalid JSON payload received. Root element must be a message.');
});

test('a field of the wrong type names its proto path and type, with the value', async () => {
  const res = await start(d.url, { mfaPendingCredential: 'cred-alice', mfaEnrollmentId: 42 });
  expectError(res, 400, undefined);
  assert.equal(res.json.error.message, "Invalid value at 'mfa_enrollment_id' (TYPE_STRING), 42");
  assert.equal(res.json.error.status, 'INVALID_ARGUMENT');
  const nested = await finalize(d.url, { mfaPendingCredential: 'cred-alice', phoneVerificationInfo: { sessionInfo: 's', code: true } });
  assert.equal(nested.json.error.message, "Invalid value at 'phone_verification_info.code' (TYPE_STRING), true");
  const str = await call(d.url, SIGN_UP, { displayName: { a: 1 } });
  assert.equal(str.json.error.message, `Invalid value at 'display_name' (TYPE_STRING), {"a":1}`);
});

// ------------------------------------------------------------ messages

test('a wrong SMS code is the bare INVALID_CODE, as the JS SDK maps to auth/invalid-verification-code', async () => {
  const s = expectOk(await start(d.url, { mfaPendingCredential: 'cred-alice', mfaEnrollmentId: 'alice-phone' }));
  const res = await finalize(d.url, { mfaPendingCredential: 'cred-alice', phoneVerificationInfo: { sessionInfo: s.phoneResponseInfo.sessionInfo, code: '000000' } });
  expectError(res, 400, 'INVALID_CODE');
  assert.equal(res.json.error.message, 'INVALID_CODE');
  assert.equal(res.json.error.errors[0].message, 'INVALID_CODE');
});

test('codes without a Google detail are bare; with no explanation there are no details', async () => {
  const bad = await start(d.url, { mfaPendingCredential: 'no-such-credential', mfaEnrollmentId: 'alice-phone' });
  expectError(bad, 400, 'INVALID_MFA_PENDING_CREDENTIAL');
  assert.equal(bad.json.error.message, 'INVALID_MFA_PENDING_CREDENTIAL');
  const si = await finalize(d.url, { mfaPendingCredential: 'cred-bob', phoneVerificationInfo: { sessionInfo: 'nope', code: '123456' } });
  assert.equal(si.json.error.message.split(' : ').length, 1, si.text);
});

test('codes where Google sends its own detail carry exactly that detail', async () => {
  const weak = await call(d.url, SIGN_UP, { email: 'weak@example.com', password: '123' });
  expectError(weak, 400, 'WEAK_PASSWORD');
  assert.equal(weak.json.error.message, 'WEAK_PASSWORD : Password should be at least 6 characters');
  const missing = await start(d.url, { mfaEnrollmentId: 'alice-phone' });
  assert.equal(missing.json.error.message, 'MISSING_MFA_PENDING_CREDENTIAL : Request does not have MFA pending credential.');
  const noId = await start(d.url, { mfaPendingCredential: 'cred-alice' });
  assert.equal(noId.json.error.message, 'MISSING_MFA_ENROLLMENT_ID : No second factor identifier is provided.');
  const noCred = await finalize(d.url, { phoneVerificationInfo: { sessionInfo: 's', code: '1' } });
  assert.equal(noCred.json.error.message, 'MISSING_CREDENTIAL : Please set MFA Pending Credential.');
});

test('the hidden explanation is logged', async () => {
  await finalize(d.url, { mfaPendingCredential: 'cred-nobody-xyz', phoneVerificationInfo: { sessionInfo: 's', code: '1' } });
  const res = await start(d.url, { mfaPendingCredential: 'cred-alice', mfaEnrollmentId: 'no-such-enrollment' });
  expectError(res, 400, 'MFA_ENROLLMENT_NOT_FOUND');
  assert.equal(res.json.error.message, 'MFA_ENROLLMENT_NOT_FOUND');
  assert.equal(res.json.error.details[0]['@type'], DEBUG_INFO);
  const why = errorDebug(res);
  assert.ok(why, res.text);
  await new Promise((r) => setTimeout(r, 100));
  assert.ok(d.stdout().includes(why), 'the explanation is in the log');
});

// ------------------------------------------------------------ status, CORS

test('HTTP code and status agree: 405 is METHOD_NOT_ALLOWED, 413 PAYLOAD_TOO_LARGE', async () => {
  const res = await call(d.url, SIGN_UP, undefined, { method: 'GET' });
  expectError(res, 405, undefined, { googleStatus: 'METHOD_NOT_ALLOWED' });
  assert.notEqual(res.json.error.status, 'UNIMPLEMENTED');
  assert.match(res.json.error.message, /but its http method is not allowed$/);
  const big = await call(d.url, SIGN_UP, undefined, { raw: `{"displayName":"${'x'.repeat(2 << 20)}"}` });
  assert.equal(big.status, 413);
  assert.equal(big.json.error.status, 'PAYLOAD_TOO_LARGE');
  assert.match(big.json.error.message, /^Request payload size exceeds the limit: \d+ bytes\.$/);
});

test('a preflight asking for Private Network Access gets Access-Control-Allow-Private-Network: true', async () => {
  const res = await call(d.url, SIGN_UP, undefined, {
    method: 'OPTIONS',
    headers: { origin: 'https://app.example.com', 'access-control-request-method': 'POST', 'access-control-request-private-network': 'true' },
  });
  assert.equal(res.status, 204);
  assert.equal(res.headers.get('access-control-allow-private-network'), 'true');
  const plain = await call(d.url, SIGN_UP, undefined, { method: 'OPTIONS', headers: { origin: 'https://app.example.com' } });
  assert.equal(plain.status, 204);
  assert.equal(plain.headers.get('access-control-allow-private-network'), null);
});

// ------------------------------------------------------------ project number

async function refreshedProjectId(url, project) {
  const up = expectOk(await call(url, SIGN_UP, {}));
  const res = await call(url, TOKEN, { grant_type: 'refresh_token', refresh_token: up.refreshToken });
  const body = expectOk(res);
  assert.ok(/^[0-9]+$/.test(body.project_id), `project_id ${body.project_id} is not a number`);
  assert.notEqual(body.project_id, project);
  return body.project_id;
}

test("securetoken's project_id is a stable number per project, settable by the control plane", async () => {
  const first = await refreshedProjectId(d.url, PROJECT);
  assert.equal(first.length, 12);
  assert.equal(await refreshedProjectId(d.url, PROJECT), first);
  const cfg = expectOk(await getConfig(d.url));
  assert.equal(cfg.projectNumber, first);
  expectOk(await patchConfig(d.url, { projectNumber: '123456789012' }));
  assert.equal(await refreshedProjectId(d.url, PROJECT), '123456789012');
  expectError(await patchConfig(d.url, { projectNumber: 'abc' }), 400, 'INVALID_ARGUMENT');
  expectError(await patchConfig(d.url, { projectNumber: '1' }, { tenant: 'tenant-a' }), 400, 'INVALID_ARGUMENT');
  expectOk(await patchConfig(d.url, { projectNumber: null }));
  assert.equal(await refreshedProjectId(d.url, PROJECT), first);
});

test('a fixture sets the project number; another project gets another default', async () => {
  const other = await startDaemon({ fixtures: [{ projectId: PROJECT, projectNumber: '42' }], args: [] });
  try {
    assert.equal(await refreshedProjectId(other.url, PROJECT), '42');
  } finally {
    await other.stop();
  }
  const third = await startDaemon({ args: ['--project', 'demo-other'] });
  try {
    const n = await refreshedProjectId(third.url, 'demo-other');
    assert.notEqual(n, await refreshedProjectId(d.url, PROJECT));
  } finally {
    await third.stop();
  }
});

// ------------------------------------------------------------ pretty printing

test('pretty replies read as Google prints them: {} and [] for empty containers, a closing newline; prettyPrint=false is compact', async () => {
  await fetch(`${d.url}/emulator/v1/faults`, { method: 'DELETE' });
  const add = await fetch(`${d.url}/emulator/v1/faults`, {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ route: 'accounts.mfaSignIn.start', latencyMs: 1, count: 1 }),
  });
  const text = await add.text();
  assert.match(text, /\n  "match": \{\},\n/, text);
  assert.ok(text.endsWith('}\n'), JSON.stringify(text));
  const list = await (await fetch(`${d.url}/emulator/v1/projects/empty-project/verificationCodes`)).text();
  assert.equal(list, '{\n  "verificationCodes": []\n}\n');
  const compact = await (await fetch(`${d.url}/emulator/v1/faults?prettyPrint=false`)).text();
  assert.ok(compact.startsWith('{"faults":[{') && compact.endsWith('}]}'), compact);
  const jwks = await (await fetch(`${d.url}/service_accounts/v1/jwk/securetoken@system.gserviceaccount.com`)).text();
  assert.ok(jwks.endsWith(']\n}\n'), JSON.stringify(jwks.slice(-8)));
  await fetch(`${d.url}/emulator/v1/faults`, { method: 'DELETE' });
});
