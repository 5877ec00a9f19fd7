// The control plane refuses what it would otherwise ignore: unknown keys,
// routes and query parameters are a 400 naming them and what is valid, so
// a typo never becomes a rule that silently never fires (or fires on
// everything). Also the forms users paste as a fault route, how doubles
// are written, the outbox's phoneNumber filter, where a user is when a
// mint misses it, and the project outbox with its tenants' codes.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  PROJECT, GOOGLE_PREFIX, START, call, rawRequest, start, expectOk, expectError, errorDebug,
  startDaemon, fixture, control, realmPath, addFault, patchConfig, getConfig, listEvents,
} from './harness.mjs';

let d;
before(async () => { d = await startDaemon({ fixtures: [fixture()] }); });
after(async () => { await d.stop(); });

const ALICE_START = { mfaPendingCredential: 'cred-alice', mfaEnrollmentId: 'alice-phone' };
const ERIN_START = { mfaPendingCredential: 'cred-erin', mfaEnrollmentId: 'erin-phone', tenantId: 'tenant-a' };

async function rules() {
  return expectOk(await control(d.url, 'GET', '/faults')).faults;
}

async function clearAll() {
  expectOk(await control(d.url, 'DELETE', '/faults'));
  expectOk(await control(d.url, 'DELETE', `${realmPath()}/verificationCodes`));
  expectOk(await control(d.url, 'DELETE', `${realmPath(PROJECT, 'tenant-a')}/verificationCodes`));
}

/** A 400 INVALID_ARGUMENT whose message holds every one of `parts`. */
function refused(res, ...parts) {
  const msg = expectError(res, 400, 'INVALID_ARGUMENT');
  for (const p of parts) assert.ok(msg.includes(p), `"${p}" not in: ${msg}`);
  return msg;
}

// ---------------------------------------------------------------- fault rules

test('a misspelt fault route is 400 naming route, the value, a suggestion and where the valid names are', async () => {
  await clearAll();
  refused(await control(d.url, 'POST', '/faults', { route: 'mfaSignIn.start', error: 'QUOTA_EXCEEDED' }),
    "route: 'mfaSignIn.start'", 'did you mean accounts.mfaSignIn.start?', '/emulator/v1/catalog');
  refused(await control(d.url, 'POST', '/faults', { route: 'accounts.mfaSignin.strat', error: 'QUOTA_EXCEEDED' }),
    'did you mean accounts.mfaSignIn.start?');
  refused(await control(d.url, 'POST', '/faults', { route: '/v2/accounts/mfaSignIn:begin', error: 'QUOTA_EXCEEDED' }),
    "route: '/v2/accounts/mfaSignIn:begin' is not a route");
  // The control plane is never faulted: naming it is a mistake, said so.
  refused(await control(d.url, 'POST', '/faults', { route: '/emulator/v1/clock', error: 'QUOTA_EXCEEDED' }),
    'never apply');
  refused(await control(d.url, 'POST', '/faults', { route: 'control.clock', error: 'QUOTA_EXCEEDED' }), 'never apply');
  assert.deepEqual(await rules(), []);
  expectOk(await start(d.url, ALICE_START));
});

test('the path of an event, with its host prefix, a query or as a URL, is kept as the route name and fires on a real mfaSignIn:start', async () => {
  await clearAll();
  expectOk(await control(d.url, 'DELETE', '/events'));
  expectOk(await call(d.url, GOOGLE_PREFIX + START, ALICE_START));
  const ev = (await listEvents(d.url)).find((e) => e.route === 'accounts.mfaSignIn.start');
  assert.equal(ev.path, GOOGLE_PREFIX + START);

  const forms = [ev.path, START, `${ev.path}?key=test-key`, `http://127.0.0.1:9099${ev.path}?key=x`,
    `POST ${START}`, `https://identitytoolkit.googleapis.com${START}`];
  for (const route of forms) {
    const rule = await addFault(d.url, { route, count: 1, error: 'QUOTA_EXCEEDED' });
    assert.equal(rule.route, 'accounts.mfaSignIn.start', `${route} → ${rule.route}`);
    expectError(await start(d.url, ALICE_START), 400, 'QUOTA_EXCEEDED');
    expectOk(await start(d.url, ALICE_START));
  }
  assert.deepEqual((await rules()).map((r) => r.fired), forms.map(() => 1));
});

test('a path whose route name covers more paths is kept as its pattern, and fires only there', async () => {
  await clearAll();
  const admin = { headers: { authorization: 'Bearer owner' }, key: null };
  const lookup = (tenant) => call(d.url, `/v1/projects/${PROJECT}${tenant ? `/tenants/${tenant}` : ''}/accounts:lookup`,
    { localId: [tenant ? 'erin' : 'alice'] }, admin);
  const rule = await addFault(d.url, { route: `${GOOGLE_PREFIX}/v1/projects/${PROJECT}/accounts:lookup`, error: 'QUOTA_EXCEEDED' });
  assert.equal(rule.route, '/v1/projects/*/accounts:lookup');
  expectError(await lookup(), 400, 'QUOTA_EXCEEDED');
  expectOk(await lookup('tenant-a'));
  // A method picks one of the routes sharing a path.
  const patch = await addFault(d.url, { route: `PATCH /v2/projects/${PROJECT}/tenants/tenant-a`, error: 'QUOTA_EXCEEDED' });
  assert.equal(patch.route, 'admin.tenants.patch');
});

test('unknown fault rule keys, match keys and bad values are 400 naming the field; nothing is added', async () => {
  await clearAll();
  refused(await control(d.url, 'POST', '/faults', { route: '*', latency: 100 }),
    'latency: unknown field', 'did you mean latencyMs?', 'route, match, count, probability, error, latencyMs, drop');
  refused(await control(d.url, 'POST', '/faults', { route: '*', error: 'QUOTA_EXCEEDED', match: { phone: '+15555550101' } }),
    'match.phone: unknown field', 'mfaEnrollmentId, phoneNumber, tenantId');
  refused(await control(d.url, 'POST', '/faults', { route: '*', error: 'QUOTA_EXCEEDED', match: { phoneNumber: '5555550101' } }),
    'match.phoneNumber', 'E.164');
  refused(await control(d.url, 'POST', '/faults', { route: '*', error: 'QUOTA_EXCEEDED', match: { tenantId: '' } }),
    'match.tenantId');
  refused(await control(d.url, 'POST', '/faults', { route: '*', error: 'QUOTA_EXCEEDED', probability: 'often' }), 'probability');
  refused(await control(d.url, 'POST', '/faults', { route: '*', error: 'QUOTA_EXCEEDED', probability: 1.5 }), 'probability');
  refused(await control(d.url, 'POST', '/faults', { route: '*', error: 'NO_SUCH_CODE' }), "error: 'NO_SUCH_CODE'", 'catalog');
  refused(await control(d.url, 'POST', '/faults', { route: '*', error: 'QUOTA_EXCEEDED', drop: true }), 'drop');
  refused(await control(d.url, 'POST', '/faults', { route: '*', latencyMs: 60001 }), 'latencyMs');
  assert.deepEqual(await rules(), []);
  // Without the refusal, the misspelt match would have faulted every start.
  expectOk(await start(d.url, ALICE_START));
});

test('a probability of 0.1 is written 0.1, in the rule and in the list', async () => {
  await clearAll();
  const added = await control(d.url, 'POST', '/faults', { route: '/v2/recaptchaConfig', probability: 0.1, error: 'QUOTA_EXCEEDED' });
  expectOk(added);
  assert.match(added.text, /"probability": 0\.1\b/);
  assert.doesNotMatch(added.text, /0\.1000/);
  const listed = await control(d.url, 'GET', '/faults?prettyPrint=false');
  assert.match(listed.text, /"probability":0\.1[,}]/);
  assert.match((await control(d.url, 'POST', '/faults', { route: '*', probability: 1, latencyMs: 1 })).text, /"probability": 1[,\n]/);
});

// ---------------------------------------------------------------- config

test('config PATCH refuses unknown keys at any level by their JSON path; a valid PATCH and a GET sent back still work', async () => {
  refused(await patchConfig(d.url, { smsCodeTTL: 60 }), 'smsCodeTTL: unknown field', 'smsCodeTtlSeconds', 'testPhoneNumbers');
  refused(await patchConfig(d.url, { mfa: { sms: false } }), 'mfa.sms: unknown field', 'phone, totp');
  refused(await patchConfig(d.url, { signIn: { allowDuplicateEmail: true } }, { tenant: 'tenant-a' }),
    'signIn.allowDuplicateEmail', 'did you mean allowDuplicateEmails?');
  refused(await patchConfig(d.url, { maxAttempts: 'five' }), 'maxAttempts');
  refused(await patchConfig(d.url, { projectId: 'another-project' }), "projectId: 'another-project'");
  assert.equal(expectOk(await getConfig(d.url)).maxAttempts, 5, 'nothing changed');

  const changed = expectOk(await patchConfig(d.url, { maxAttempts: 7, mfa: { totp: false } }));
  assert.equal(changed.maxAttempts, 7);
  assert.deepEqual(changed.mfa, { phone: true, totp: false });
  // What GET shows can be sent back as it is.
  const shown = expectOk(await getConfig(d.url, { tenant: 'tenant-a' }));
  assert.deepEqual(expectOk(await patchConfig(d.url, shown, { tenant: 'tenant-a' })), shown);
  expectOk(await patchConfig(d.url, { maxAttempts: null, mfa: { totp: true } }));
});

test('config PATCH takes the Firebase emulator\'s config as its GET shows it (blockingFunctions {}), and refuses triggers it would not call', async () => {
  const firebaseShape = { signIn: { allowDuplicateEmails: false }, blockingFunctions: {},
    emailPrivacyConfig: { enableImprovedEmailPrivacy: false } };
  expectOk(await patchConfig(d.url, firebaseShape));
  const res = await patchConfig(d.url, { blockingFunctions: { triggers: {
    beforeSignIn: { functionUri: 'http://127.0.0.1:5001/p/us-central1/beforeSignIn' } } } });
  assert.equal(res.status, 400, JSON.stringify(res.json));
  assert.match(res.json.error.message, /^INVALID_CONFIG : blockingFunctions\.triggers: mfaemu does not call blocking functions/);
});

test('a fixture document\'s settings objects refuse unknown keys too, by their JSON path', async () => {
  refused(await control(d.url, 'POST', '/fixtures', { projectId: 'fx-strict', mfa: { sms: true } }),
    '$.mfa.sms: unknown field', 'phone, totp');
  refused(await control(d.url, 'POST', '/fixtures', { projectId: 'fx-strict', tenants: [{ tenantId: 't1', signIn: { allowDuplicateEmail: true } }] }),
    '$.tenants[0].signIn.allowDuplicateEmail', 'did you mean allowDuplicateEmails?');
  expectOk(await control(d.url, 'POST', '/fixtures', { projectId: 'fx-strict', mfa: { phone: false }, signIn: { allowDuplicateEmails: true } }));
  assert.deepEqual(expectOk(await getConfig(d.url, { project: 'fx-strict' })).signIn, { allowDuplicateEmails: true });
});

// ---------------------------------------------------------------- other bodies and queries

test('clock and pendingCredentials bodies refuse unknown keys, listing the valid ones', async () => {
  refused(await control(d.url, 'POST', '/clock', { advance: 5 }),
    'advance: unknown field', 'advanceSeconds, advanceMillis, setTime, nowMillis, freeze, reset');
  refused(await control(d.url, 'POST', `${realmPath()}/pendingCredentials`, { localId: 'erin', tenant: 'tenant-a' }),
    'tenant: unknown field', 'did you mean tenantId?', 'localId, tenantId, expiresIn');
});

test('control GETs refuse unknown query parameters; those the inspector and Firebase clients send still work', async () => {
  refused(await control(d.url, 'GET', `${realmPath()}/verificationCodes?phone=%2B15555550101`),
    'phone: unknown query parameter', 'did you mean phoneNumber?', 'phoneNumber, since, includeUsed, includeTenants');
  refused(await control(d.url, 'GET', '/events?limt=5'), 'limt', 'limit, after');
  refused(await control(d.url, 'GET', `${realmPath()}/oobCodes?used=true`), 'used: unknown query parameter');
  refused(await control(d.url, 'GET', '/faults?all=1'), 'all: unknown query parameter');
  expectOk(await control(d.url, 'GET', `${realmPath()}/verificationCodes`));
  expectOk(await control(d.url, 'GET', `${realmPath()}/verificationCodes?includeUsed=true&prettyPrint=false`));
  expectOk(await control(d.url, 'GET', `${realmPath(PROJECT, 'tenant-a')}/oobCodes?includeUsed=true`));
  expectOk(await control(d.url, 'GET', '/events?limit=500'));
  expectOk(await control(d.url, 'GET', '/catalog'));
  expectOk(await control(d.url, 'GET', `${realmPath()}/accounts/alice/refreshTokens`));
});

// ---------------------------------------------------------------- the outbox

test('an unencoded + in the outbox phoneNumber filter still finds the code', async () => {
  await clearAll();
  expectOk(await start(d.url, ALICE_START));
  expectOk(await start(d.url, { mfaPendingCredential: 'cred-carol', mfaEnrollmentId: 'carol-phone' }));
  const res = await rawRequest(d.url, { method: 'GET', path: `/emulator/v1${realmPath()}/verificationCodes?phoneNumber=+15555550101` });
  assert.equal(res.status, 200, res.text);
  const codes = JSON.parse(res.text).verificationCodes;
  assert.equal(codes.length, 1, res.text);
  assert.equal(codes[0].phoneNumber, '+15555550101');
});

test('a tenant user\'s code is only in the tenant\'s outbox, unless the project\'s is asked with includeTenants=true', async () => {
  await clearAll();
  expectOk(await start(d.url, ALICE_START));
  expectOk(await start(d.url, ERIN_START));
  const project = expectOk(await control(d.url, 'GET', `${realmPath()}/verificationCodes`)).verificationCodes;
  assert.deepEqual(project.map((c) => c.phoneNumber), ['+15555550101']);
  const all = expectOk(await control(d.url, 'GET', `${realmPath()}/verificationCodes?includeTenants=true`)).verificationCodes;
  assert.deepEqual(all.map((c) => [c.phoneNumber, c.tenantId]), [['+15555550101', undefined], ['+15555550104', 'tenant-a']]);
  const tenant = expectOk(await control(d.url, 'GET', `${realmPath(PROJECT, 'tenant-a')}/verificationCodes`)).verificationCodes;
  assert.equal(tenant[0].code, all[1].code);
  refused(await control(d.url, 'GET', `${realmPath(PROJECT, 'tenant-a')}/verificationCodes?includeTenants=true`), 'includeTenants');

  // The email outbox alike.
  expectOk(await call(d.url, '/v1/accounts:sendOobCode', { requestType: 'PASSWORD_RESET', email: 'erin@example.com', tenantId: 'tenant-a' }));
  assert.deepEqual(expectOk(await control(d.url, 'GET', `${realmPath()}/oobCodes`)).oobCodes, []);
  const oob = expectOk(await control(d.url, 'GET', `${realmPath()}/oobCodes?includeTenants=true`)).oobCodes;
  assert.deepEqual(oob.map((c) => [c.email, c.tenantId]), [['erin@example.com', 'tenant-a']]);
});

// ---------------------------------------------------------------- minting

test('minting for a user who is in another realm says where the user is and how to ask', async () => {
  const mint = (body) => control(d.url, 'POST', `${realmPath()}/pendingCredentials`, body);
  let res = await mint({ localId: 'erin' });
  expectError(res, 400, 'USER_NOT_FOUND');
  assert.equal(errorDebug(res), `no user 'erin' in project '${PROJECT}'; a user 'erin' is in tenant 'tenant-a': pass "tenantId": "tenant-a"`);
  res = await mint({ localId: 'alice', tenantId: 'tenant-a' });
  expectError(res, 400, 'USER_NOT_FOUND');
  assert.equal(errorDebug(res), `no user 'alice' in tenant 'tenant-a' of project '${PROJECT}'; a user 'alice' is in the project itself: leave out "tenantId"`);
  res = await mint({ localId: 'gail', tenantId: 'tenant-a' });
  assert.match(errorDebug(res), /a user 'gail' is in tenant 'tenant-b': pass "tenantId": "tenant-b"$/);
  res = await mint({ localId: 'nobody' });
  assert.equal(errorDebug(res), `no user 'nobody' in project '${PROJECT}'`);
  assert.equal(expectOk(await mint({ localId: 'erin', tenantId: 'tenant-a' })).tenantId, 'tenant-a');
});
