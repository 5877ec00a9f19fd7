// The Admin API (what firebase-admin calls in emulator mode) and its errors,
// route by route, over plain HTTP:
//   POST /v1/projects/{p}[/tenants/{t}]/accounts[:lookup|:update|:delete|:batchCreate|:batchDelete]
//   GET  /v1/projects/{p}[/tenants/{t}]/accounts:batchGet
//   GET/PATCH /v2/projects/{p}/config
//   POST/GET /v2/projects/{p}/tenants, GET/PATCH/DELETE /v2/projects/{p}/tenants/{t}
// Each needs an admin credential: "Authorization: Bearer owner" (what the
// Admin SDK sends to an emulator) or the --control-token.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  PROJECT, GOOGLE_PREFIX, START,
  startDaemon, call, expectError, expectOk, fixture, serverNow, mintCredential,
} from './harness.mjs';

const OWNER = { authorization: 'Bearer owner' };
const CONTROL_TOKEN = 'ctl-token-0123456789';

const v1 = (p) => `${GOOGLE_PREFIX}/v1/projects/${PROJECT}${p}`;
const v1t = (tenant, p) => `${GOOGLE_PREFIX}/v1/projects/${PROJECT}/tenants/${tenant}${p}`;
const v2 = (p) => `${GOOGLE_PREFIX}/v2/projects/${PROJECT}${p}`;

/** An Admin API request: no ?key=, Bearer owner unless headers say otherwise. */
function admin(url, method, p, body, headers = OWNER) {
  return call(url, p, body, { key: null, method, headers });
}

const lookup = (url, body, tenant) =>
  admin(url, 'POST', tenant ? v1t(tenant, '/accounts:lookup') : v1('/accounts:lookup'), body);

/** The users a lookup finds (asserting the response shape); [] when none. */
async function found(url, body, tenant) {
  const json = expectOk(await lookup(url, body, tenant));
  assert.equal(json.kind, 'identitytoolkit#GetAccountInfoResponse');
  if (!('users' in json)) return [];
  assert.ok(Array.isArray(json.users) && json.users.length > 0, JSON.stringify(json));
  return json.users;
}

async function oneUser(url, localId, tenant) {
  const users = await found(url, { localId: [localId] }, tenant);
  assert.equal(users.length, 1, `lookup ${localId}: ${JSON.stringify(users)}`);
  return users[0];
}

/** A 401 in Google's envelope; `missing` for no credential, else an invalid one. */
function expectUnauthenticated(res, missing, ctx = '') {
  const where = `${ctx}: ${res.status} ${res.text}`;
  assert.equal(res.status, 401, where);
  const e = res.json?.error;
  assert.ok(e && typeof e === 'object', where);
  assert.equal(e.code, 401, where);
  assert.equal(e.status, 'UNAUTHENTICATED', where);
  assert.equal(typeof e.message, 'string', where);
  assert.ok(e.message.includes(missing
    ? 'Request is missing required authentication credential'
    : 'Request had invalid authentication credentials'), where);
  assert.ok(Array.isArray(e.errors) && e.errors.length === 1, where);
  assert.equal(e.errors[0].domain, 'global', where);
  // Google's reasons: "required" for a missing credential, "authError" for a bad one.
  assert.equal(e.errors[0].reason, missing ? 'required' : 'authError', where);
  if (missing) assert.equal(res.headers.get('www-authenticate'), 'Bearer', where);
}

const TOTP_INFO = { sharedSecretKey: 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP', hashingAlgorithm: 'SHA1', verificationCodeLength: 6, periodSec: 30 };

/** Every Admin route with a body that would change something if it were served. */
function adminRoutes() {
  return [
    ['POST', v1('/accounts'), { localId: 'intruder', email: 'intruder@example.com' }],
    ['POST', v1('/accounts:lookup'), { localId: ['alice'] }],
    ['POST', v1('/accounts:update'), { localId: 'alice', displayName: 'Hacked' }],
    ['POST', v1('/accounts:delete'), { localId: 'alice' }],
    ['POST', v1('/accounts:batchCreate'), { users: [{ localId: 'intruder-2' }] }],
    ['POST', v1('/accounts:batchDelete'), { localIds: ['bob'], force: true }],
    ['GET', v1('/accounts:batchGet')],
    ['POST', v1t('tenant-a', '/accounts'), { localId: 'intruder-t' }],
    ['POST', v1t('tenant-a', '/accounts:lookup'), { localId: ['erin'] }],
    ['POST', v1t('tenant-a', '/accounts:update'), { localId: 'erin', displayName: 'Hacked' }],
    ['POST', v1t('tenant-a', '/accounts:delete'), { localId: 'erin' }],
    ['POST', v1t('tenant-a', '/accounts:batchCreate'), { users: [{ localId: 'intruder-t2' }] }],
    ['POST', v1t('tenant-a', '/accounts:batchDelete'), { localIds: ['erin'], force: true }],
    ['GET', v1t('tenant-a', '/accounts:batchGet')],
    ['GET', v2('/config')],
    ['PATCH', v2('/config'), { mfa: { state: 'DISABLED' } }],
    ['POST', v2('/tenants'), { displayName: 'Intruder' }],
    ['GET', v2('/tenants')],
    ['GET', v2('/tenants/tenant-a')],
    ['PATCH', v2('/tenants/tenant-a'), { displayName: 'Hacked', mfaConfig: { state: 'DISABLED' } }],
    ['DELETE', v2('/tenants/tenant-b')],
    // The same routes without the API prefix, as generated clients with rootUrl call them.
    ['POST', `/v1/projects/${PROJECT}/accounts:lookup`, { localId: ['alice'] }],
    ['GET', `/v2/projects/${PROJECT}/config`],
  ];
}

/** The state the refused requests above must not have touched. */
async function assertUntouched(url) {
  const alice = await oneUser(url, 'alice');
  assert.equal(alice.displayName, 'alice');
  assert.equal((await oneUser(url, 'bob')).localId, 'bob');
  const erin = await oneUser(url, 'erin', 'tenant-a');
  assert.equal(erin.displayName, 'erin');
  assert.deepEqual(await found(url, { localId: ['intruder', 'intruder-2'] }), []);
  assert.deepEqual(await found(url, { localId: ['intruder-t', 'intruder-t2'] }, 'tenant-a'), []);
  const cfg = expectOk(await admin(url, 'GET', v2('/config')));
  assert.equal(cfg.mfa.state, 'ENABLED');
  const tenants = expectOk(await admin(url, 'GET', v2('/tenants')));
  assert.deepEqual(tenants.tenants.map((t) => t.name).sort(),
    [`projects/${PROJECT}/tenants/tenant-a`, `projects/${PROJECT}/tenants/tenant-b`]);
  const ta = expectOk(await admin(url, 'GET', v2('/tenants/tenant-a')));
  assert.equal(ta.mfaConfig.state, 'ENABLED');
}

// ================================================================ credentials

test('admin credential: every Admin route refuses a request without Authorization (401 UNAUTHENTICATED) and changes nothing', async () => {
  const d = await startDaemon({ fixtures: [fixture()] });
  try {
    for (const [method, p, body] of adminRoutes()) {
      expectUnauthenticated(await admin(d.url, method, p, body, {}), true, `${method} ${p}`);
    }
    await assertUntouched(d.url);
  } finally {
    await d.stop();
  }
});

test('admin credential: an API key is not one (?key= alone is 401) and a wrong bearer token is 401 invalid credentials', async () => {
  const d = await startDaemon({ fixtures: [fixture()] });
  try {
    for (const [method, p, body] of adminRoutes()) {
      expectUnauthenticated(await call(d.url, p, body, { method }), true, `${method} ${p}?key=`);
      expectUnauthenticated(await admin(d.url, method, p, body, { authorization: 'Bearer not-the-owner' }),
        false, `${method} ${p} Bearer not-the-owner`);
      expectUnauthenticated(await admin(d.url, method, p, body, { authorization: 'Basic b3duZXI6' }),
        false, `${method} ${p} Basic`);
      expectUnauthenticated(await admin(d.url, method, p, body, { authorization: 'Bearer ownerx' }),
        false, `${method} ${p} Bearer ownerx`);
    }
    await assertUntouched(d.url);
  } finally {
    await d.stop();
  }
});

test('admin credential: Bearer owner is served on every read route, prefixed and bare', async () => {
  const d = await startDaemon({ fixtures: [fixture()] });
  try {
    for (const p of [v1('/accounts:batchGet'), v1t('tenant-a', '/accounts:batchGet'), v2('/config'), v2('/tenants'),
      v2('/tenants/tenant-a'), `/v1/projects/${PROJECT}/accounts:batchGet`, `/v2/projects/${PROJECT}/tenants`]) {
      expectOk(await admin(d.url, 'GET', p));
    }
    assert.equal((await oneUser(d.url, 'alice')).localId, 'alice');
    const bare = expectOk(await admin(d.url, 'POST', `/v1/projects/${PROJECT}/accounts:lookup`, { localId: ['alice'] }));
    assert.equal(bare.users[0].localId, 'alice');
  } finally {
    await d.stop();
  }
});

test('admin credential: with --control-token the token is an admin credential, Bearer owner still is, others are 401', async () => {
  const d = await startDaemon({ fixtures: [fixture()], args: ['--control-token', CONTROL_TOKEN] });
  try {
    const ctl = { authorization: `Bearer ${CONTROL_TOKEN}` };
    for (const [method, p, body] of adminRoutes()) {
      expectUnauthenticated(await admin(d.url, method, p, body, {}), true, `${method} ${p}`);
      expectUnauthenticated(await admin(d.url, method, p, body, { authorization: 'Bearer wrong-token' }),
        false, `${method} ${p} Bearer wrong-token`);
    }
    const viaToken = await admin(d.url, 'POST', v1('/accounts:lookup'), { localId: ['alice'] }, ctl);
    assert.equal(expectOk(viaToken).users[0].localId, 'alice');
    const created = expectOk(await admin(d.url, 'POST', v1('/accounts'), { localId: 'made-with-token' }, ctl));
    assert.equal(created.localId, 'made-with-token');
    expectOk(await admin(d.url, 'GET', v2('/config'), undefined, ctl));
    expectOk(await admin(d.url, 'GET', v2('/tenants/tenant-a'), undefined, ctl));
    const viaOwner = await admin(d.url, 'POST', v1('/accounts:lookup'), { localId: ['made-with-token'] });
    assert.equal(expectOk(viaOwner).users[0].localId, 'made-with-token');
  } finally {
    await d.stop();
  }
});

// ================================================================ the shared daemon

let d;

before(async () => {
  d = await startDaemon({ fixtures: [fixture()] });
});

after(async () => {
  await d?.stop();
});

// ---------------------------------------------------------------- create

test('create: mfaInfo with a phone and a TOTP factor; lookup shows both, never the TOTP secret', async () => {
  const now = await serverNow(d.url);
  const res = expectOk(await admin(d.url, 'POST', v1('/accounts'), {
    localId: 'c-mfa', email: 'c-mfa@example.com', password: 'c-mfa-password', displayName: 'C Mfa',
    emailVerified: true,
    mfaInfo: [
      { mfaEnrollmentId: 'c-mfa-phone', displayName: 'Phone', phoneInfo: '+15555550301' },
      { mfaEnrollmentId: 'c-mfa-totp', displayName: 'App', totpInfo: TOTP_INFO },
    ],
  }));
  assert.equal(res.localId, 'c-mfa');
  assert.equal(res.email, 'c-mfa@example.com');
  const u = await oneUser(d.url, 'c-mfa');
  assert.equal(u.email, 'c-mfa@example.com');
  assert.equal(u.emailVerified, true);
  assert.equal(u.displayName, 'C Mfa');
  assert.equal(u.mfaInfo.length, 2, JSON.stringify(u));
  assert.deepEqual(u.mfaInfo.map((m) => [m.mfaEnrollmentId, m.displayName, m.phoneInfo, m.totpInfo]),
    [['c-mfa-phone', 'Phone', '+15555550301', undefined], ['c-mfa-totp', 'App', undefined, {}]]);
  for (const m of u.mfaInfo) {
    assert.ok(Math.abs(Date.parse(m.enrolledAt) - now) < 10_000, `enrolledAt ${m.enrolledAt}`);
  }
  assert.ok(!JSON.stringify(u).includes(TOTP_INFO.sharedSecretKey));
  // The user signs in with the factors it was created with.
  const cred = await mintCredential(d.url, PROJECT, 'c-mfa');
  expectOk(await call(d.url, START, { mfaPendingCredential: cred, mfaEnrollmentId: 'c-mfa-phone' }));
});

test('create: without localId the emulator makes a 28-character uid', async () => {
  const res = expectOk(await admin(d.url, 'POST', v1('/accounts'), { email: 'c-noid@example.com' }));
  assert.match(res.localId, /^[A-Za-z0-9]{28}$/);
  assert.equal((await found(d.url, { email: ['c-noid@example.com'] }))[0].localId, res.localId);
});

test('create: duplicate email (any case), phone number or localId; invalid email or phone; nothing is created', async () => {
  const cases = [
    [{ localId: 'c-dup-1', email: 'alice@example.com' }, 'EMAIL_EXISTS'],
    [{ localId: 'c-dup-2', email: 'ALICE@Example.COM' }, 'EMAIL_EXISTS'],
    [{ localId: 'c-dup-3', phoneNumber: '+15555550100' }, 'PHONE_NUMBER_EXISTS'],
    [{ localId: 'alice', email: 'other-alice@example.com' }, 'DUPLICATE_LOCAL_ID'],
    [{ localId: 'c-dup-4', email: 'no-at-sign' }, 'INVALID_EMAIL'],
    [{ localId: 'c-dup-5', phoneNumber: '555-0100' }, 'INVALID_PHONE_NUMBER'],
  ];
  for (const [body, code] of cases) {
    expectError(await admin(d.url, 'POST', v1('/accounts'), body), 400, code);
  }
  assert.deepEqual(await found(d.url, { localId: ['c-dup-1', 'c-dup-2', 'c-dup-3', 'c-dup-4', 'c-dup-5'] }), []);
  assert.deepEqual(await found(d.url, { email: ['other-alice@example.com'] }), []);
  assert.equal((await oneUser(d.url, 'alice')).email, 'alice@example.com');
});

test('create: a phone factor whose number is not E.164 is INVALID_MFA_PHONE_NUMBER, nothing is created', async () => {
  for (const phoneInfo of ['5555550100', '+1 555 555 0100', 'not-a-phone']) {
    const res = await admin(d.url, 'POST', v1('/accounts'),
      { localId: 'c-bad-e164', email: 'c-bad-e164@example.com', mfaInfo: [{ phoneInfo }] });
    expectError(res, 400, 'INVALID_MFA_PHONE_NUMBER');
  }
  assert.deepEqual(await found(d.url, { localId: ['c-bad-e164'] }), []);
});

test('create: an unknown second factor, or TOTP without (or with a bad) sharedSecretKey, is INVALID_ARGUMENT naming mfaInfo[0]; nothing is created', async () => {
  const bad = [
    { emailInfo: { emailAddress: 'factor@example.com' } },
    { displayName: 'nothing at all' },
    { phoneInfo: '+15555550302', totpInfo: TOTP_INFO },
    { totpInfo: { hashingAlgorithm: 'SHA1', verificationCodeLength: 6, periodSec: 30 } },
    { totpInfo: { ...TOTP_INFO, sharedSecretKey: '' } },
    { totpInfo: { ...TOTP_INFO, sharedSecretKey: 'not base32!' } },
  ];
  for (const m of bad) {
    const res = await admin(d.url, 'POST', v1('/accounts'),
      { localId: 'c-bad-factor', email: 'c-bad-factor@example.com', mfaInfo: [m] });
    const msg = expectError(res, 400, 'INVALID_ARGUMENT');
    assert.ok(msg.includes('mfaInfo[0]'), `${JSON.stringify(m)}: ${msg}`);
  }
  assert.deepEqual(await found(d.url, { localId: ['c-bad-factor'] }), []);
  assert.deepEqual(await found(d.url, { email: ['c-bad-factor@example.com'] }), []);
});

// ---------------------------------------------------------------- lookup

test('lookup: unknown localId, email and phone answer 200 without users; known ones come back once each', async () => {
  const none = expectOk(await lookup(d.url, { localId: ['nobody'], email: ['nobody@example.com'], phoneNumber: ['+15555559999'] }));
  assert.deepEqual(none, { kind: 'identitytoolkit#GetAccountInfoResponse' });
  const some = await found(d.url, {
    localId: ['alice', 'nobody'], email: ['alice@example.com', 'bob@example.com'], phoneNumber: ['+15555550100'],
  });
  assert.deepEqual(some.map((u) => u.localId).sort(), ['alice', 'bob', 'carol']);
  const carol = some.find((u) => u.localId === 'carol');
  assert.deepEqual(carol.mfaInfo.map((m) => m.mfaEnrollmentId), ['carol-phone', 'carol-totp']);
  assert.equal(carol.mfaInfo[0].phoneInfo, '+15555550100', 'the Admin API sees the whole number');
});

test('lookup: users are scoped to their tenant', async () => {
  assert.deepEqual(await found(d.url, { localId: ['erin'], email: ['erin@example.com'] }), []);
  const erin = await oneUser(d.url, 'erin', 'tenant-a');
  assert.equal(erin.tenantId, 'tenant-a');
  assert.deepEqual(await found(d.url, { localId: ['erin'] }, 'tenant-b'), []);
});

test('lookup: localId, email or phoneNumber that is not an array is INVALID_ARGUMENT', async () => {
  for (const body of [{ localId: 'alice' }, { email: 'alice@example.com' }, { phoneNumber: '+15555550100' }]) {
    expectError(await lookup(d.url, body), 400, 'INVALID_ARGUMENT');
  }
});

// ---------------------------------------------------------------- update

async function makeUser(localId, extra = {}) {
  expectOk(await admin(d.url, 'POST', v1('/accounts'), {
    localId, email: `${localId}@example.com`, password: `${localId}-password`, emailVerified: true,
    displayName: localId,
    mfaInfo: [{ mfaEnrollmentId: `${localId}-phone`, displayName: 'Phone', phoneInfo: extra.mfaPhone ?? '+15555550311' }],
    ...extra.body,
  }));
}

test('update: unknown user is USER_NOT_FOUND, no localId MISSING_LOCAL_ID', async () => {
  expectError(await admin(d.url, 'POST', v1('/accounts:update'), { localId: 'nobody', displayName: 'x' }), 400, 'USER_NOT_FOUND');
  expectError(await admin(d.url, 'POST', v1('/accounts:update'), { displayName: 'x' }), 400, 'MISSING_LOCAL_ID');
  expectError(await admin(d.url, 'POST', v1('/accounts:update'), { localId: '', displayName: 'x' }), 400, 'MISSING_LOCAL_ID');
  // A tenant's user is unknown to the project.
  expectError(await admin(d.url, 'POST', v1('/accounts:update'), { localId: 'erin', displayName: 'x' }), 400, 'USER_NOT_FOUND');
  assert.deepEqual(await found(d.url, { localId: ['nobody'] }), []);
});

test('update: duplicate email or phone, invalid email or phone, short password; the user is unchanged', async () => {
  await makeUser('u-dup');
  const cases = [
    [{ email: 'bob@example.com' }, 'EMAIL_EXISTS'],
    [{ email: 'BOB@example.com' }, 'EMAIL_EXISTS'],
    [{ phoneNumber: '+15555550100' }, 'PHONE_NUMBER_EXISTS'],
    [{ email: 'no-at-sign' }, 'INVALID_EMAIL'],
    [{ phoneNumber: '12345' }, 'INVALID_PHONE_NUMBER'],
    [{ password: '12345' }, 'WEAK_PASSWORD'],
  ];
  for (const [change, code] of cases) {
    expectError(await admin(d.url, 'POST', v1('/accounts:update'), { localId: 'u-dup', displayName: 'Changed', ...change }), 400, code);
  }
  const u = await oneUser(d.url, 'u-dup');
  assert.equal(u.email, 'u-dup@example.com');
  assert.equal(u.displayName, 'u-dup');
  assert.equal(u.phoneNumber, undefined);
  // Its own email and phone are no duplicates.
  expectOk(await admin(d.url, 'POST', v1('/accounts:update'), { localId: 'u-dup', phoneNumber: '+15555550312' }));
  expectOk(await admin(d.url, 'POST', v1('/accounts:update'), { localId: 'u-dup', email: 'u-dup@example.com', phoneNumber: '+15555550312' }));
});

test('update: mfa.enrollments with a non-E.164 phone is INVALID_MFA_PHONE_NUMBER; the enrolled factors stay', async () => {
  await makeUser('u-e164');
  const res = await admin(d.url, 'POST', v1('/accounts:update'),
    { localId: 'u-e164', displayName: 'Changed', mfa: { enrollments: [{ mfaEnrollmentId: 'x', phoneInfo: '555 0100' }] } });
  expectError(res, 400, 'INVALID_MFA_PHONE_NUMBER');
  const u = await oneUser(d.url, 'u-e164');
  assert.equal(u.displayName, 'u-e164');
  assert.deepEqual(u.mfaInfo.map((m) => m.mfaEnrollmentId), ['u-e164-phone']);
});

test('update: mfa.enrollments with an unknown factor or TOTP without a secret is INVALID_ARGUMENT naming mfa.enrollments[i]; nothing changes', async () => {
  await makeUser('u-badf');
  const bad = [
    [{ mfaEnrollmentId: 'e1', emailInfo: { emailAddress: 'x@example.com' } }],
    [{ mfaEnrollmentId: 'e1', phoneInfo: '+15555550313' }, { mfaEnrollmentId: 'e2' }],
    [{ mfaEnrollmentId: 'e1', totpInfo: { hashingAlgorithm: 'SHA1' } }],
    [{ mfaEnrollmentId: 'e1', totpInfo: { ...TOTP_INFO, sharedSecretKey: 'AAAA' } }],
  ];
  for (const enrollments of bad) {
    const res = await admin(d.url, 'POST', v1('/accounts:update'),
      { localId: 'u-badf', displayName: 'Changed', emailVerified: false, mfa: { enrollments } });
    const msg = expectError(res, 400, 'INVALID_ARGUMENT');
    const i = enrollments.length - 1;
    assert.ok(msg.includes(`mfa.enrollments[${i}]`), `${JSON.stringify(enrollments)}: ${msg}`);
  }
  const u = await oneUser(d.url, 'u-badf');
  assert.equal(u.displayName, 'u-badf');
  assert.equal(u.emailVerified, true);
  assert.deepEqual(u.mfaInfo.map((m) => [m.mfaEnrollmentId, m.phoneInfo]), [['u-badf-phone', '+15555550311']]);
});

test('update: mfa.enrollments replaces the factors (phone and TOTP); mfa {} removes them', async () => {
  await makeUser('u-repl');
  expectOk(await admin(d.url, 'POST', v1('/accounts:update'), {
    localId: 'u-repl',
    mfa: { enrollments: [
      { mfaEnrollmentId: 'u-repl-phone', displayName: 'Phone', phoneInfo: '+15555550311', enrolledAt: '2026-01-01T00:00:00Z' },
      { mfaEnrollmentId: 'u-repl-totp', displayName: 'App', totpInfo: TOTP_INFO },
    ] },
  }));
  let u = await oneUser(d.url, 'u-repl');
  assert.deepEqual(u.mfaInfo.map((m) => [m.mfaEnrollmentId, m.phoneInfo ?? null, m.totpInfo ?? null]),
    [['u-repl-phone', '+15555550311', null], ['u-repl-totp', null, {}]]);
  assert.equal(Date.parse(u.mfaInfo[0].enrolledAt), Date.parse('2026-01-01T00:00:00Z'));
  expectOk(await admin(d.url, 'POST', v1('/accounts:update'), { localId: 'u-repl', mfa: {} }));
  u = await oneUser(d.url, 'u-repl');
  assert.equal(u.mfaInfo, undefined, JSON.stringify(u));
});

test('update: disableUser, emailVerified and deleteProvider phone take effect', async () => {
  await makeUser('u-flags', { body: { phoneNumber: '+15555550314' } });
  expectOk(await admin(d.url, 'POST', v1('/accounts:update'),
    { localId: 'u-flags', disableUser: true, emailVerified: false, deleteProvider: ['phone'] }));
  const u = await oneUser(d.url, 'u-flags');
  assert.equal(u.disabled, true);
  assert.equal(u.emailVerified, false);
  assert.equal(u.phoneNumber, undefined);
  assert.deepEqual(await found(d.url, { phoneNumber: ['+15555550314'] }), []);
  expectError(await call(d.url, '/v1/accounts:signInWithPassword',
    { email: 'u-flags@example.com', password: 'u-flags-password', returnSecureToken: true }), 400, 'USER_DISABLED');
});

test('update: validSince revokes refresh tokens and ID tokens issued before it (TOKEN_EXPIRED)', async () => {
  expectOk(await admin(d.url, 'POST', v1('/accounts'),
    { localId: 'u-rev', email: 'u-rev@example.com', password: 'u-rev-password', emailVerified: true }));
  const signIn = expectOk(await call(d.url, '/v1/accounts:signInWithPassword',
    { email: 'u-rev@example.com', password: 'u-rev-password', returnSecureToken: true }));
  assert.equal(typeof signIn.refreshToken, 'string', JSON.stringify(signIn));
  const refresh = () => call(d.url, '/v1/token', { grant_type: 'refresh_token', refresh_token: signIn.refreshToken });
  expectOk(await refresh());
  expectOk(await call(d.url, '/v1/accounts:lookup', { idToken: signIn.idToken }));

  const validSince = Math.floor((await serverNow(d.url)) / 1000) + 1;
  expectOk(await admin(d.url, 'POST', v1('/accounts:update'), { localId: 'u-rev', validSince }));
  assert.equal((await oneUser(d.url, 'u-rev')).validSince, String(validSince));
  expectError(await refresh(), 400, 'TOKEN_EXPIRED');
  expectError(await call(d.url, '/v1/accounts:lookup', { idToken: signIn.idToken }), 400, 'TOKEN_EXPIRED');
});

test('update: a validSince out of range (negative, or too large to hold in ms) is INVALID_ARGUMENT naming validSince; the user is unchanged', async () => {
  expectOk(await admin(d.url, 'POST', v1('/accounts'),
    { localId: 'u-vs', email: 'u-vs@example.com', password: 'u-vs-password', emailVerified: true }));
  const before_ = (await oneUser(d.url, 'u-vs')).validSince;
  // 9223372036854776 s is the first second whose ms overflow an int64.
  for (const validSince of ['9223372036854776', 9223372036854776, '9223372036854775807', -1, '-5']) {
    const msg = expectError(await admin(d.url, 'POST', v1('/accounts:update'),
      { localId: 'u-vs', displayName: 'Changed', validSince }), 400, 'INVALID_ARGUMENT');
    assert.ok(msg.includes('validSince'), `${validSince}: ${msg}`);
    const u = await oneUser(d.url, 'u-vs');
    assert.equal(u.validSince, before_, `${validSince}: ${JSON.stringify(u)}`);
    assert.equal(u.displayName, undefined, `${validSince}: ${JSON.stringify(u)}`);
  }
  // The largest second that still fits is taken, and revokes the tokens.
  const signIn = expectOk(await call(d.url, '/v1/accounts:signInWithPassword',
    { email: 'u-vs@example.com', password: 'u-vs-password', returnSecureToken: true }));
  expectOk(await admin(d.url, 'POST', v1('/accounts:update'), { localId: 'u-vs', validSince: '9223372036854775' }));
  assert.equal((await oneUser(d.url, 'u-vs')).validSince, '9223372036854775');
  expectError(await call(d.url, '/v1/token', { grant_type: 'refresh_token', refresh_token: signIn.refreshToken }),
    400, 'TOKEN_EXPIRED');
});

// ---------------------------------------------------------------- delete

test('delete: unknown user is USER_NOT_FOUND, no localId MISSING_LOCAL_ID; a deleted user is gone', async () => {
  expectError(await admin(d.url, 'POST', v1('/accounts:delete'), { localId: 'nobody' }), 400, 'USER_NOT_FOUND');
  expectError(await admin(d.url, 'POST', v1('/accounts:delete'), {}), 400, 'MISSING_LOCAL_ID');
  expectError(await admin(d.url, 'POST', v1('/accounts:delete'), { localId: 'erin' }), 400, 'USER_NOT_FOUND');
  assert.equal((await oneUser(d.url, 'erin', 'tenant-a')).localId, 'erin');

  await makeUser('d-gone', { mfaPhone: '+15555550321' });
  assert.deepEqual(expectOk(await admin(d.url, 'POST', v1('/accounts:delete'), { localId: 'd-gone' })),
    { kind: 'identitytoolkit#DeleteAccountResponse' });
  assert.deepEqual(await found(d.url, { localId: ['d-gone'], email: ['d-gone@example.com'] }), []);
  expectError(await admin(d.url, 'POST', v1('/accounts:delete'), { localId: 'd-gone' }), 400, 'USER_NOT_FOUND');
  // Its email is free again.
  expectOk(await admin(d.url, 'POST', v1('/accounts'), { localId: 'd-again', email: 'd-gone@example.com' }));
});

// ---------------------------------------------------------------- batchCreate

test('batchCreate: each user stands alone; the refused ones are listed by index and not created', async () => {
  const res = expectOk(await admin(d.url, 'POST', v1('/accounts:batchCreate'), {
    users: [
      { email: 'b-noid@example.com' },                                  // 0: no localId
      { localId: 'b-ok-1', email: 'b-ok-1@example.com' },               // 1
      { localId: 'alice', email: 'b-alice@example.com' },               // 2: localId exists
      { localId: 'b-bad-email', email: 'not#an$email' },                // 3
      { localId: 'b-bad-phone', phoneNumber: 'not#a$phone%number' },   // 4
      { localId: 'b-ok-2', email: 'b-ok-2@example.com', emailVerified: true,
        mfaInfo: [{ mfaEnrollmentId: 'b-ok-2-phone', phoneInfo: '+15555550331' }] },  // 5
    ],
  }));
  assert.equal(res.kind, 'identitytoolkit#UploadAccountResponse');
  assert.deepEqual(res.error.map((e) => e.index), [0, 2, 3, 4], JSON.stringify(res));
  for (const e of res.error) assert.deepEqual(Object.keys(e).sort(), ['index', 'message']);
  assert.deepEqual((await found(d.url, { localId: ['b-ok-1', 'b-ok-2', 'b-bad-email', 'b-bad-phone'] })).map((u) => u.localId),
    ['b-ok-1', 'b-ok-2']);
  assert.deepEqual((await oneUser(d.url, 'b-ok-2')).mfaInfo.map((m) => m.mfaEnrollmentId), ['b-ok-2-phone']);
  assert.deepEqual(await found(d.url, { email: ['b-noid@example.com', 'b-alice@example.com'] }), []);
  assert.equal((await oneUser(d.url, 'alice')).email, 'alice@example.com');
});

test('batchCreate: per-user messages are worded as Google (and the Firebase Auth Emulator) word them', async () => {
  const res = expectOk(await admin(d.url, 'POST', v1('/accounts:batchCreate'), {
    users: [
      { email: 'bm-noid@example.com' },
      { localId: 'bm-ok' },
      { localId: 'bm-bad-email', email: 'not#an$email' },
      { localId: 'bm-bad-phone', phoneNumber: 'not#a$phone%number' },
      { localId: 'alice' },
    ],
  }));
  assert.deepEqual(res.error, [
    { index: 0, message: 'localId is missing' },
    { index: 2, message: 'email is invalid' },
    { index: 3, message: 'phone number format is invalid' },
    { index: 4, message: 'localId belongs to an existing account - can not overwrite.' },
  ]);
});

test('batchCreate: the same localId twice in one request refuses the whole request (DUPLICATE_LOCAL_ID)', async () => {
  const res = await admin(d.url, 'POST', v1('/accounts:batchCreate'),
    { users: [{ localId: 'b-twice-other' }, { localId: 'b-twice' }, { localId: 'b-twice', email: 'b-twice@example.com' }] });
  const msg = expectError(res, 400, 'DUPLICATE_LOCAL_ID');
  assert.equal(msg, 'DUPLICATE_LOCAL_ID : b-twice');
  assert.deepEqual(await found(d.url, { localId: ['b-twice', 'b-twice-other'] }), []);
});

test('batchCreate: no users is MISSING_USER_ACCOUNT, more than 1000 INVALID_ARGUMENT; nothing is created', async () => {
  expectError(await admin(d.url, 'POST', v1('/accounts:batchCreate'), { users: [] }), 400, 'MISSING_USER_ACCOUNT');
  expectError(await admin(d.url, 'POST', v1('/accounts:batchCreate'), {}), 400, 'MISSING_USER_ACCOUNT');
  const users = Array.from({ length: 1001 }, (_, i) => ({ localId: `b-many-${i}` }));
  expectError(await admin(d.url, 'POST', v1('/accounts:batchCreate'), { users }), 400, 'INVALID_ARGUMENT');
  assert.deepEqual(await found(d.url, { localId: ['b-many-0', 'b-many-1000'] }), []);
});

test('batchCreate: a malformed factor refuses that user only', async () => {
  const res = expectOk(await admin(d.url, 'POST', v1('/accounts:batchCreate'), {
    users: [
      { localId: 'bf-phone', email: 'bf-phone@example.com', emailVerified: true, mfaInfo: [{ phoneInfo: '5550100' }] },
      { localId: 'bf-unknown', email: 'bf-unknown@example.com', emailVerified: true, mfaInfo: [{ emailInfo: {} }] },
      { localId: 'bf-nosecret', email: 'bf-nosecret@example.com', emailVerified: true, mfaInfo: [{ totpInfo: {} }] },
      { localId: 'bf-ok', email: 'bf-ok@example.com', emailVerified: true, mfaInfo: [{ totpInfo: TOTP_INFO }] },
    ],
  }));
  assert.deepEqual(res.error.map((e) => e.index), [0, 1, 2], JSON.stringify(res));
  assert.deepEqual((await found(d.url, { localId: ['bf-phone', 'bf-unknown', 'bf-nosecret', 'bf-ok'] })).map((u) => u.localId), ['bf-ok']);
});

// ---------------------------------------------------------------- batchGet

test('batchGet: pages of maxResults with nextPageToken until the last page; bad maxResults or token are refused', async () => {
  const t = expectOk(await admin(d.url, 'POST', v2('/tenants'), { displayName: 'Paging' }));
  const tenant = t.name.split('/').pop();
  const ids = ['p-1', 'p-2', 'p-3', 'p-4', 'p-5'];
  const up = expectOk(await admin(d.url, 'POST', v1t(tenant, '/accounts:batchCreate'), { users: ids.map((localId) => ({ localId })) }));
  assert.equal(up.error, undefined, JSON.stringify(up));

  const seen = [];
  const sizes = [];
  let token;
  for (let i = 0; i < 10; i++) {
    const q = `?maxResults=2${token ? `&nextPageToken=${encodeURIComponent(token)}` : ''}`;
    const page = expectOk(await admin(d.url, 'GET', v1t(tenant, `/accounts:batchGet${q}`)));
    assert.equal(page.kind, 'identitytoolkit#DownloadAccountResponse');
    const users = page.users ?? [];
    sizes.push(users.length);
    for (const u of users) assert.equal(u.tenantId, tenant);
    seen.push(...users.map((u) => u.localId));
    token = page.nextPageToken;
    if (!token) break;
  }
  assert.deepEqual(sizes, [2, 2, 1]);
  assert.deepEqual(seen.sort(), ids);

  for (const q of ['?maxResults=0', '?maxResults=1001', '?maxResults=two', '?maxResults=-1']) {
    expectError(await admin(d.url, 'GET', v1t(tenant, `/accounts:batchGet${q}`)), 400, 'INVALID_ARGUMENT');
  }
  expectError(await admin(d.url, 'GET', v1t(tenant, '/accounts:batchGet?nextPageToken=not-a-token')), 400, 'INVALID_PAGE_SELECTION');
});

// ---------------------------------------------------------------- a tenant that does not exist

test('every tenant-scoped accounts route answers TENANT_NOT_FOUND for a tenant that does not exist, and creates nothing', async () => {
  const T = 'no-such-tenant';
  const routes = [
    ['POST', v1t(T, '/accounts'), { localId: 'ghost', email: 'ghost@example.com' }],
    ['POST', v1t(T, '/accounts:lookup'), { localId: ['ghost'] }],
    ['POST', v1t(T, '/accounts:update'), { localId: 'ghost', displayName: 'x' }],
    ['POST', v1t(T, '/accounts:delete'), { localId: 'ghost' }],
    ['POST', v1t(T, '/accounts:batchCreate'), { users: [{ localId: 'ghost' }] }],
    ['POST', v1t(T, '/accounts:batchDelete'), { localIds: ['ghost'], force: true }],
    ['GET', v1t(T, '/accounts:batchGet')],
  ];
  for (const [method, p, body] of routes) {
    expectError(await admin(d.url, method, p, body), 400, 'TENANT_NOT_FOUND');
  }
  const list = expectOk(await admin(d.url, 'GET', v2('/tenants?pageSize=100')));
  assert.ok(!list.tenants.some((t) => t.name.endsWith(`/${T}`)), 'the tenant must not have been created');
});

test('tenants get, patch and delete answer TENANT_NOT_FOUND for a tenant that does not exist', async () => {
  expectError(await admin(d.url, 'GET', v2('/tenants/no-such-tenant')), 400, 'TENANT_NOT_FOUND');
  expectError(await admin(d.url, 'PATCH', v2('/tenants/no-such-tenant'), { displayName: 'x' }), 400, 'TENANT_NOT_FOUND');
  expectError(await admin(d.url, 'DELETE', v2('/tenants/no-such-tenant')), 400, 'TENANT_NOT_FOUND');
  expectError(await admin(d.url, 'GET', v2('/tenants/no-such-tenant')), 400, 'TENANT_NOT_FOUND');
});

// ---------------------------------------------------------------- tenants

test('tenants: create with mfaConfig, read it back, and the control plane sees the same settings', async () => {
  const created = expectOk(await admin(d.url, 'POST', v2('/tenants'), {
    displayName: 'Tenant-Cfg',
    mfaConfig: { state: 'DISABLED', enabledProviders: [],
      providerConfigs: [{ state: 'ENABLED', totpProviderConfig: { adjacentIntervals: 3 } }] },
  }));
  const id = created.name.split('/').pop();
  assert.equal(created.name, `projects/${PROJECT}/tenants/${id}`);
  assert.equal(created.displayName, 'Tenant-Cfg');
  const expected = { state: 'DISABLED', enabledProviders: [],
    providerConfigs: [{ state: 'ENABLED', totpProviderConfig: { adjacentIntervals: 3 } }] };
  assert.deepEqual(created.mfaConfig, expected);
  assert.deepEqual(expectOk(await admin(d.url, 'GET', v2(`/tenants/${id}`))).mfaConfig, expected);
  const cfg = expectOk(await call(d.url, `/emulator/v1/projects/${PROJECT}/tenants/${id}/config`, undefined, { key: null, method: 'GET' }));
  assert.deepEqual(cfg.mfa, { phone: false, totp: true });
  assert.equal(cfg.totpAdjacentIntervals, 3);

  // And the other way: the control plane's PATCH shows in the Admin API.
  expectOk(await call(d.url, `/emulator/v1/projects/${PROJECT}/tenants/${id}/config`,
    { mfa: { phone: true, totp: false }, totpAdjacentIntervals: 4 }, { key: null, method: 'PATCH' }));
  assert.deepEqual(expectOk(await admin(d.url, 'GET', v2(`/tenants/${id}`))).mfaConfig, {
    state: 'ENABLED', enabledProviders: ['PHONE_SMS'],
    providerConfigs: [{ state: 'DISABLED', totpProviderConfig: { adjacentIntervals: 4 } }],
  });

  // PATCH through the Admin API switches the factors the tenant allows.
  const patched = expectOk(await admin(d.url, 'PATCH', v2(`/tenants/${id}?updateMask=mfaConfig`),
    { mfaConfig: { state: 'DISABLED', enabledProviders: [] } }));
  assert.equal(patched.mfaConfig.state, 'DISABLED');
  const cfg2 = expectOk(await call(d.url, `/emulator/v1/projects/${PROJECT}/tenants/${id}/config`, undefined, { key: null, method: 'GET' }));
  assert.deepEqual(cfg2.mfa, { phone: false, totp: false });
});

test('tenants: list takes firebase-admin\'s default pageSize of 1000', async () => {
  const res = await admin(d.url, 'GET', v2('/tenants?pageSize=1000'));
  const json = expectOk(res);
  assert.ok(json.tenants.some((t) => t.name === `projects/${PROJECT}/tenants/tenant-a`), res.text);
});

test('tenants: list pages with pageSize and pageToken; pageSize outside 1-1000 is INVALID_ARGUMENT', async () => {
  const all = expectOk(await admin(d.url, 'GET', v2('/tenants?pageSize=100'))).tenants.map((t) => t.name);
  assert.ok(all.length >= 3, JSON.stringify(all));
  const seen = [];
  let token;
  for (let i = 0; i < all.length + 2; i++) {
    const q = `?pageSize=1${token ? `&pageToken=${encodeURIComponent(token)}` : ''}`;
    const page = expectOk(await admin(d.url, 'GET', v2(`/tenants${q}`)));
    assert.equal(page.tenants.length, 1, JSON.stringify(page));
    seen.push(page.tenants[0].name);
    token = page.nextPageToken;
    if (!token) break;
  }
  assert.deepEqual(seen, all);
  for (const q of ['?pageSize=0', '?pageSize=1001', '?pageSize=x']) {
    expectError(await admin(d.url, 'GET', v2(`/tenants${q}`)), 400, 'INVALID_ARGUMENT');
  }
});

test('tenants: delete removes the tenant and its users; its routes then answer TENANT_NOT_FOUND', async () => {
  const t = expectOk(await admin(d.url, 'POST', v2('/tenants'), { displayName: 'Doomed' }));
  const id = t.name.split('/').pop();
  expectOk(await admin(d.url, 'POST', v1t(id, '/accounts'), { localId: 'doomed-user', email: 'doomed@example.com' }));
  assert.equal((await oneUser(d.url, 'doomed-user', id)).tenantId, id);
  expectOk(await admin(d.url, 'DELETE', v2(`/tenants/${id}`)));
  expectError(await admin(d.url, 'GET', v2(`/tenants/${id}`)), 400, 'TENANT_NOT_FOUND');
  expectError(await lookup(d.url, { localId: ['doomed-user'] }, id), 400, 'TENANT_NOT_FOUND');
  expectError(await admin(d.url, 'DELETE', v2(`/tenants/${id}`)), 400, 'TENANT_NOT_FOUND');
});

test('tenants: a tenant created with MFA disabled refuses mfaSignIn:start with OPERATION_NOT_ALLOWED', async () => {
  const t = expectOk(await admin(d.url, 'POST', v2('/tenants'),
    { displayName: 'No-Mfa', mfaConfig: { state: 'DISABLED', enabledProviders: [] } }));
  const id = t.name.split('/').pop();
  expectOk(await admin(d.url, 'POST', v1t(id, '/accounts'), {
    localId: 'nm-user', email: 'nm@example.com', emailVerified: true,
    mfaInfo: [{ mfaEnrollmentId: 'nm-phone', phoneInfo: '+15555550341' }],
  }));
  const cred = await mintCredential(d.url, PROJECT, 'nm-user', id);
  expectError(await call(d.url, START, { mfaPendingCredential: cred, mfaEnrollmentId: 'nm-phone', tenantId: id }),
    400, 'OPERATION_NOT_ALLOWED');
});

// ---------------------------------------------------------------- project config

const CONFIG_PATH = `/emulator/v1/projects/${PROJECT}/config`;
const controlConfig = async () => expectOk(await call(d.url, CONFIG_PATH, undefined, { key: null, method: 'GET' }));

test('config: GET answers the project\'s MFA config; PATCH mfa sets the same settings the control plane shows', async () => {
  const initial = expectOk(await admin(d.url, 'GET', v2('/config')));
  assert.deepEqual(initial, {
    name: `projects/${PROJECT}/config`,
    signIn: { allowDuplicateEmails: false },
    emailPrivacyConfig: { enableImprovedEmailPrivacy: false },
    mfa: { state: 'ENABLED', enabledProviders: ['PHONE_SMS'],
      providerConfigs: [{ state: 'ENABLED', totpProviderConfig: { adjacentIntervals: 1 } }] },
    blockingFunctions: {},
  });
  try {
    const patched = expectOk(await admin(d.url, 'PATCH',
      v2('/config?updateMask=mfa.state,mfa.enabledProviders,mfa.providerConfigs'), {
        mfa: { state: 'ENABLED', enabledProviders: ['PHONE_SMS'],
          providerConfigs: [{ state: 'ENABLED', totpProviderConfig: { adjacentIntervals: 7 } }] },
      }));
    assert.equal(patched.mfa.providerConfigs[0].totpProviderConfig.adjacentIntervals, 7);
    assert.equal((await controlConfig()).totpAdjacentIntervals, 7);

    expectOk(await admin(d.url, 'PATCH', v2('/config'), {
      mfa: { state: 'DISABLED', providerConfigs: [{ state: 'DISABLED', totpProviderConfig: {} }] },
    }));
    assert.deepEqual((await controlConfig()).mfa, { phone: false, totp: false });
    assert.equal((await controlConfig()).totpAdjacentIntervals, 7, 'an absent adjacentIntervals keeps the window');

    // The control plane's setting shows in the Admin API.
    expectOk(await call(d.url, CONFIG_PATH, { mfa: { phone: true, totp: true }, totpAdjacentIntervals: 2 }, { key: null, method: 'PATCH' }));
    assert.deepEqual(expectOk(await admin(d.url, 'GET', v2('/config'))).mfa, {
      state: 'ENABLED', enabledProviders: ['PHONE_SMS'],
      providerConfigs: [{ state: 'ENABLED', totpProviderConfig: { adjacentIntervals: 2 } }],
    });
  } finally {
    expectOk(await admin(d.url, 'PATCH', v2('/config'), { mfa: initial.mfa }));
  }
  assert.deepEqual(expectOk(await admin(d.url, 'GET', v2('/config'))), initial);
});

test('config: invalid mfa (adjacentIntervals outside 0-10, unknown state or provider) is INVALID_CONFIG and changes nothing', async () => {
  const before0 = expectOk(await admin(d.url, 'GET', v2('/config')));
  const bad = [
    { providerConfigs: [{ state: 'ENABLED', totpProviderConfig: { adjacentIntervals: 11 } }] },
    { providerConfigs: [{ state: 'ENABLED', totpProviderConfig: { adjacentIntervals: -1 } }] },
    { state: 'SOMETIMES' },
    { enabledProviders: ['EMAIL_OTP'] },
  ];
  for (const mfa of bad) {
    expectError(await admin(d.url, 'PATCH', v2('/config'), { mfa }), 400, 'INVALID_CONFIG');
    assert.deepEqual(expectOk(await admin(d.url, 'GET', v2('/config'))), before0, JSON.stringify(mfa));
  }
  assert.equal((await controlConfig()).totpAdjacentIntervals, 1);
});

test('config: PATCH emailPrivacyConfig under its updateMask switches signInWithPassword to INVALID_LOGIN_CREDENTIALS; GET and the control plane show it', async () => {
  expectOk(await admin(d.url, 'POST', v1('/accounts'),
    { localId: 'u-privacy', email: 'u-privacy@example.com', password: 'u-privacy-password' }));
  const signIn = (email, password) => call(d.url, '/v1/accounts:signInWithPassword',
    { email, password, returnSecureToken: true });
  const PRIVACY = 'emailPrivacyConfig.enableImprovedEmailPrivacy';
  try {
    expectError(await signIn('u-privacy@example.com', 'wrong-password'), 400, 'INVALID_PASSWORD');
    expectError(await signIn('nobody-privacy@example.com', 'whatever1'), 400, 'EMAIL_NOT_FOUND');

    const on = expectOk(await admin(d.url, 'PATCH', v2(`/config?updateMask=${PRIVACY}`),
      { emailPrivacyConfig: { enableImprovedEmailPrivacy: true } }));
    assert.deepEqual(on.emailPrivacyConfig, { enableImprovedEmailPrivacy: true });
    assert.deepEqual(expectOk(await admin(d.url, 'GET', v2('/config'))).emailPrivacyConfig,
      { enableImprovedEmailPrivacy: true });
    assert.deepEqual((await controlConfig()).emailPrivacyConfig, { enableImprovedEmailPrivacy: true });
    expectError(await signIn('u-privacy@example.com', 'wrong-password'), 400, 'INVALID_LOGIN_CREDENTIALS');
    expectError(await signIn('nobody-privacy@example.com', 'whatever1'), 400, 'INVALID_LOGIN_CREDENTIALS');

    // Members outside the mask are ignored; a masked path the body leaves out is reset.
    const kept = expectOk(await admin(d.url, 'PATCH', v2('/config?updateMask=mfa.state'),
      { mfa: { state: 'ENABLED' }, emailPrivacyConfig: { enableImprovedEmailPrivacy: false } }));
    assert.equal(kept.emailPrivacyConfig.enableImprovedEmailPrivacy, true);
    const off = expectOk(await admin(d.url, 'PATCH', v2(`/config?updateMask=${PRIVACY}`), {}));
    assert.equal(off.emailPrivacyConfig.enableImprovedEmailPrivacy, false);
    expectError(await signIn('u-privacy@example.com', 'wrong-password'), 400, 'INVALID_PASSWORD');
  } finally {
    expectOk(await admin(d.url, 'PATCH', v2(`/config?updateMask=${PRIVACY}`),
      { emailPrivacyConfig: { enableImprovedEmailPrivacy: false } }));
  }
});

test('config: PATCH signIn.allowDuplicateEmails under its updateMask; GET and the control plane show it', async () => {
  try {
    const on = expectOk(await admin(d.url, 'PATCH', v2('/config?updateMask=signIn.allowDuplicateEmails'),
      { signIn: { allowDuplicateEmails: true } }));
    assert.deepEqual(on.signIn, { allowDuplicateEmails: true });
    assert.deepEqual(expectOk(await admin(d.url, 'GET', v2('/config'))).signIn, { allowDuplicateEmails: true });
    assert.deepEqual((await controlConfig()).signIn, { allowDuplicateEmails: true });
    // Without a mask, the members given apply (AIP-134's implied mask).
    const off = expectOk(await admin(d.url, 'PATCH', v2('/config'), { signIn: { allowDuplicateEmails: false } }));
    assert.deepEqual(off.signIn, { allowDuplicateEmails: false });
    assert.deepEqual((await controlConfig()).signIn, { allowDuplicateEmails: false });
  } finally {
    expectOk(await admin(d.url, 'PATCH', v2('/config'), { signIn: { allowDuplicateEmails: false } }));
  }
});

test('config: wrong types in signIn, emailPrivacyConfig or blockingFunctions, a malformed updateMask and blocking triggers are 400 and change nothing', async () => {
  const before0 = expectOk(await admin(d.url, 'GET', v2('/config')));
  const bad = [
    [{ signIn: { allowDuplicateEmails: 'yes' } }, "Invalid value at 'config.sign_in.allow_duplicate_emails' (TYPE_BOOL)"],
    [{ signIn: true }, "Invalid value at 'config.sign_in'"],
    [{ emailPrivacyConfig: { enableImprovedEmailPrivacy: 1 } },
      "Invalid value at 'config.email_privacy_config.enable_improved_email_privacy' (TYPE_BOOL)"],
    [{ emailPrivacyConfig: [] }, "Invalid value at 'config.email_privacy_config'"],
    [{ blockingFunctions: 'none' }, "Invalid value at 'config.blocking_functions'"],
  ];
  for (const [body, message] of bad) {
    // Outside the mask too: the front end checks the whole body's types.
    for (const mask of ['', '?updateMask=mfa.state']) {
      const res = await admin(d.url, 'PATCH', v2(`/config${mask}`), body);
      expectError(res, 400, undefined);
      assert.ok(res.json.error.message.startsWith(message), `${JSON.stringify(body)}: ${res.json.error.message}`);
    }
  }
  expectError(await admin(d.url, 'PATCH', v2('/config?updateMask=signIn..allowDuplicateEmails'),
    { signIn: { allowDuplicateEmails: true } }), 400, 'INVALID_ARGUMENT');
  expectError(await admin(d.url, 'PATCH', v2('/config'),
    { blockingFunctions: { triggers: { beforeCreate: { functionUri: 'http://localhost/f' } } } }), 400, 'INVALID_CONFIG');
  expectOk(await admin(d.url, 'PATCH', v2('/config'), { blockingFunctions: {} }));
  assert.deepEqual(expectOk(await admin(d.url, 'GET', v2('/config'))), before0);
});

test('tenants: emailPrivacyConfig is set by create and PATCH, shown once set, and followed by signInWithPassword in the tenant', async () => {
  const t = expectOk(await admin(d.url, 'POST', v2('/tenants'), { displayName: 'Privacy' }));
  const id = t.name.split('/').pop();
  assert.equal(t.emailPrivacyConfig, undefined);
  expectError(await admin(d.url, 'PATCH', v2(`/tenants/${id}`), { emailPrivacyConfig: { enableImprovedEmailPrivacy: 'on' } }),
    400, undefined);
  expectOk(await admin(d.url, 'POST', v1t(id, '/accounts'),
    { localId: 'u-tp', email: 'u-tp@example.com', password: 'u-tp-password' }));
  const signIn = () => call(d.url, '/v1/accounts:signInWithPassword',
    { email: 'u-tp@example.com', password: 'wrong-password', tenantId: id, returnSecureToken: true });
  expectError(await signIn(), 400, 'INVALID_PASSWORD');
  const on = expectOk(await admin(d.url, 'PATCH', v2(`/tenants/${id}?updateMask=emailPrivacyConfig`),
    { emailPrivacyConfig: { enableImprovedEmailPrivacy: true } }));
  assert.deepEqual(on.emailPrivacyConfig, { enableImprovedEmailPrivacy: true });
  assert.deepEqual(expectOk(await admin(d.url, 'GET', v2(`/tenants/${id}`))).emailPrivacyConfig,
    { enableImprovedEmailPrivacy: true });
  expectError(await signIn(), 400, 'INVALID_LOGIN_CREDENTIALS');
  // The project's switch stays off.
  assert.equal(expectOk(await admin(d.url, 'GET', v2('/config'))).emailPrivacyConfig.enableImprovedEmailPrivacy, false);
  const created = expectOk(await admin(d.url, 'POST', v2('/tenants'),
    { displayName: 'Private', emailPrivacyConfig: { enableImprovedEmailPrivacy: true } }));
  assert.deepEqual(created.emailPrivacyConfig, { enableImprovedEmailPrivacy: true });
});
