// Error codes, their check order, the Google error envelope and credential
// lifetimes. Each case sends a request with one fault, or two faults where
// the earlier check in the contract's order must win.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import path from 'node:path';
import {
  PROJECT, START, FINALIZE, TOTP,
  startDaemon, call, start, finalize, expectOk, expectError,
  advanceClock, serverNow, mintCredential, totp, fixture, phoneUser,
  tempDir, signInWithPassword,
} from './harness.mjs';

let d;

const UNKNOWN_CRED = 'no-such-credential-0123456789';
const UNKNOWN_SESSION = 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';

before(async () => {
  d = await startDaemon({
    fixtures: [
      fixture({
        extraCredentials: [
          { mfaPendingCredential: 'cred-short', localId: 'alice', expiresIn: 60 },
          { mfaPendingCredential: 'cred-short-fin', localId: 'alice', expiresIn: 60 },
        ],
      }),
      {
        projectId: 'other-project',
        users: [phoneUser('olga', '+15555550107')],
        pendingCredentials: [{ mfaPendingCredential: 'cred-olga', localId: 'olga', expiresIn: 31536000 }],
      },
    ],
  });
});

after(async () => {
  await d?.stop();
});

const phone = (sessionInfo = UNKNOWN_SESSION, code = '123456') => ({ sessionInfo, code });
const totpInfo = (verificationCode = '123456') => ({ verificationCode });

// ------------------------------------------------------------ start

const startCases = [
  ['start with an empty body is MISSING_MFA_PENDING_CREDENTIAL',
    {}, 'MISSING_MFA_PENDING_CREDENTIAL'],
  ['start without mfaPendingCredential is MISSING_MFA_PENDING_CREDENTIAL',
    { mfaEnrollmentId: 'alice-phone' }, 'MISSING_MFA_PENDING_CREDENTIAL'],
  ['start with an empty mfaPendingCredential is MISSING_MFA_PENDING_CREDENTIAL',
    { mfaPendingCredential: '', mfaEnrollmentId: 'alice-phone' }, 'MISSING_MFA_PENDING_CREDENTIAL'],
  ['start without mfaEnrollmentId is MISSING_MFA_ENROLLMENT_ID',
    { mfaPendingCredential: 'cred-alice' }, 'MISSING_MFA_ENROLLMENT_ID'],
  ['start order: a missing enrollment id beats an unknown credential (MISSING_MFA_ENROLLMENT_ID)',
    { mfaPendingCredential: UNKNOWN_CRED }, 'MISSING_MFA_ENROLLMENT_ID'],
  ['start with an unknown credential is INVALID_MFA_PENDING_CREDENTIAL',
    { mfaPendingCredential: UNKNOWN_CRED, mfaEnrollmentId: 'alice-phone' }, 'INVALID_MFA_PENDING_CREDENTIAL'],
  ['start order: an unknown credential beats an unknown tenant (INVALID_MFA_PENDING_CREDENTIAL)',
    { mfaPendingCredential: UNKNOWN_CRED, mfaEnrollmentId: 'alice-phone', tenantId: 'no-such-tenant' }, 'INVALID_MFA_PENDING_CREDENTIAL'],
  ['start with a credential minted for another project is INVALID_PROJECT_ID',
    { mfaPendingCredential: 'cred-olga', mfaEnrollmentId: 'olga-phone' }, 'INVALID_PROJECT_ID'],
  ['start with an unknown tenantId is INVALID_TENANT_ID',
    { mfaPendingCredential: 'cred-alice', mfaEnrollmentId: 'alice-phone', tenantId: 'no-such-tenant' }, 'INVALID_TENANT_ID'],
  ['start with a tenant user\'s credential and an unknown tenantId is INVALID_TENANT_ID',
    { mfaPendingCredential: 'cred-erin', mfaEnrollmentId: 'erin-phone', tenantId: 'no-such-tenant' }, 'INVALID_TENANT_ID'],
  ['start with a project credential and a tenantId is TENANT_ID_MISMATCH',
    { mfaPendingCredential: 'cred-alice', mfaEnrollmentId: 'alice-phone', tenantId: 'tenant-a' }, 'TENANT_ID_MISMATCH'],
  ['start with a tenant-a credential and tenantId tenant-b is TENANT_ID_MISMATCH',
    { mfaPendingCredential: 'cred-erin', mfaEnrollmentId: 'erin-phone', tenantId: 'tenant-b' }, 'TENANT_ID_MISMATCH'],
  ['start order: an unknown tenant beats a disabled user (INVALID_TENANT_ID)',
    { mfaPendingCredential: 'cred-dave', mfaEnrollmentId: 'dave-phone', tenantId: 'no-such-tenant' }, 'INVALID_TENANT_ID'],
  ['start order: a tenant mismatch beats a disabled user (TENANT_ID_MISMATCH)',
    { mfaPendingCredential: 'cred-dave', mfaEnrollmentId: 'dave-phone', tenantId: 'tenant-a' }, 'TENANT_ID_MISMATCH'],
  ['start for a disabled user is USER_DISABLED',
    { mfaPendingCredential: 'cred-dave', mfaEnrollmentId: 'dave-phone' }, 'USER_DISABLED'],
  ['start order: a disabled user beats an unknown enrollment (USER_DISABLED)',
    { mfaPendingCredential: 'cred-dave', mfaEnrollmentId: 'no-such-enrollment' }, 'USER_DISABLED'],
  ['start with an unknown enrollment id is MFA_ENROLLMENT_NOT_FOUND',
    { mfaPendingCredential: 'cred-alice', mfaEnrollmentId: 'no-such-enrollment' }, 'MFA_ENROLLMENT_NOT_FOUND'],
  ['start with another user\'s enrollment id is MFA_ENROLLMENT_NOT_FOUND',
    { mfaPendingCredential: 'cred-alice', mfaEnrollmentId: 'carol-phone' }, 'MFA_ENROLLMENT_NOT_FOUND'],
  ['start with phone MFA disabled for the tenant is OPERATION_NOT_ALLOWED',
    { mfaPendingCredential: 'cred-gail', mfaEnrollmentId: 'gail-phone', tenantId: 'tenant-b' }, 'OPERATION_NOT_ALLOWED'],
  ['start order: an unknown enrollment beats a disabled factor (MFA_ENROLLMENT_NOT_FOUND)',
    { mfaPendingCredential: 'cred-gail', mfaEnrollmentId: 'no-such-enrollment', tenantId: 'tenant-b' }, 'MFA_ENROLLMENT_NOT_FOUND'],
];

for (const [name, body, code] of startCases) {
  test(name, async () => {
    expectError(await start(d.url, body), 400, code);
  });
}

test('start on a TOTP enrollment is INVALID_ARGUMENT saying to finalize with totpVerificationInfo', async () => {
  const msg = expectError(await start(d.url, { mfaPendingCredential: 'cred-bob', mfaEnrollmentId: 'bob-totp' }),
    400, 'INVALID_ARGUMENT');
  assert.match(msg, /^INVALID_ARGUMENT : .*totpVerificationInfo/);
});

test('with phone and TOTP disabled for the whole project, start and TOTP finalize are OPERATION_NOT_ALLOWED', async () => {
  const off = await startDaemon({ fixtures: [fixture({ mfa: { phone: false, totp: false } })] });
  try {
    expectError(await start(off.url, { mfaPendingCredential: 'cred-alice', mfaEnrollmentId: 'alice-phone' }),
      400, 'OPERATION_NOT_ALLOWED');
    const now = await serverNow(off.url);
    const b = TOTP.bob;
    const code = totp(b.secret, { ...b, nowMs: now });
    expectError(await finalize(off.url, {
      mfaPendingCredential: 'cred-bob', mfaEnrollmentId: 'bob-totp', totpVerificationInfo: { verificationCode: code },
    }), 400, 'OPERATION_NOT_ALLOWED');
    // tenant-a enables both factors on its own, so its users still sign in.
    expectOk(await start(off.url, { mfaPendingCredential: 'cred-erin', mfaEnrollmentId: 'erin-phone', tenantId: 'tenant-a' }));
  } finally {
    await off.stop();
  }
});

// ------------------------------------------------------------ finalize

const finalizeCases = [
  ['finalize with an empty body is MISSING_CREDENTIAL',
    {}, 'MISSING_CREDENTIAL'],
  ['finalize without mfaPendingCredential is MISSING_CREDENTIAL',
    { phoneVerificationInfo: phone() }, 'MISSING_CREDENTIAL'],
  ['finalize order: a missing credential beats missing verification info (MISSING_CREDENTIAL)',
    { mfaEnrollmentId: 'bob-totp' }, 'MISSING_CREDENTIAL'],
  ['finalize with neither phoneVerificationInfo nor totpVerificationInfo is INVALID_ARGUMENT',
    { mfaPendingCredential: 'cred-alice' }, 'INVALID_ARGUMENT', /verificationInfo/i],
  ['finalize with both phoneVerificationInfo and totpVerificationInfo is INVALID_ARGUMENT',
    { mfaPendingCredential: 'cred-alice', mfaEnrollmentId: 'bob-totp', phoneVerificationInfo: phone(), totpVerificationInfo: totpInfo() },
    'INVALID_ARGUMENT', /verificationInfo/i],
  ['finalize order: missing verification info beats an unknown credential (INVALID_ARGUMENT)',
    { mfaPendingCredential: UNKNOWN_CRED }, 'INVALID_ARGUMENT'],
  ['finalize phone without sessionInfo is MISSING_SESSION_INFO',
    { mfaPendingCredential: 'cred-alice', phoneVerificationInfo: { code: '123456' } }, 'MISSING_SESSION_INFO'],
  ['finalize order: a missing sessionInfo beats an unknown credential (MISSING_SESSION_INFO)',
    { mfaPendingCredential: UNKNOWN_CRED, phoneVerificationInfo: { code: '123456' } }, 'MISSING_SESSION_INFO'],
  ['finalize order: a missing sessionInfo beats a missing code (MISSING_SESSION_INFO)',
    { mfaPendingCredential: 'cred-alice', phoneVerificationInfo: {} }, 'MISSING_SESSION_INFO'],
  ['finalize phone without code is MISSING_CODE',
    { mfaPendingCredential: 'cred-alice', phoneVerificationInfo: { sessionInfo: UNKNOWN_SESSION } }, 'MISSING_CODE'],
  ['finalize order: a missing code beats an unknown credential (MISSING_CODE)',
    { mfaPendingCredential: UNKNOWN_CRED, phoneVerificationInfo: { sessionInfo: UNKNOWN_SESSION } }, 'MISSING_CODE'],
  ['finalize TOTP without mfaEnrollmentId is MISSING_MFA_ENROLLMENT_ID',
    { mfaPendingCredential: 'cred-bob', totpVerificationInfo: totpInfo() }, 'MISSING_MFA_ENROLLMENT_ID'],
  ['finalize order: a missing enrollment id beats an unknown credential (MISSING_MFA_ENROLLMENT_ID)',
    { mfaPendingCredential: UNKNOWN_CRED, totpVerificationInfo: totpInfo() }, 'MISSING_MFA_ENROLLMENT_ID'],
  ['finalize order: a missing enrollment id beats a missing TOTP code (MISSING_MFA_ENROLLMENT_ID)',
    { mfaPendingCredential: 'cred-bob', totpVerificationInfo: {} }, 'MISSING_MFA_ENROLLMENT_ID'],
  ['finalize TOTP without verificationCode is MISSING_CODE',
    { mfaPendingCredential: 'cred-bob', mfaEnrollmentId: 'bob-totp', totpVerificationInfo: {} }, 'MISSING_CODE'],
  ['finalize order: a missing TOTP code beats an unknown credential (MISSING_CODE)',
    { mfaPendingCredential: UNKNOWN_CRED, mfaEnrollmentId: 'bob-totp', totpVerificationInfo: {} }, 'MISSING_CODE'],
  ['finalize with an unknown credential is INVALID_MFA_PENDING_CREDENTIAL',
    { mfaPendingCredential: UNKNOWN_CRED, phoneVerificationInfo: phone() }, 'INVALID_MFA_PENDING_CREDENTIAL'],
  ['finalize order: an unknown credential beats an unknown tenant (INVALID_MFA_PENDING_CREDENTIAL)',
    { mfaPendingCredential: UNKNOWN_CRED, tenantId: 'no-such-tenant', phoneVerificationInfo: phone() }, 'INVALID_MFA_PENDING_CREDENTIAL'],
  ['finalize with a credential minted for another project is INVALID_PROJECT_ID',
    { mfaPendingCredential: 'cred-olga', phoneVerificationInfo: phone() }, 'INVALID_PROJECT_ID'],
  ['finalize with an unknown tenantId is INVALID_TENANT_ID',
    { mfaPendingCredential: 'cred-alice', tenantId: 'no-such-tenant', phoneVerificationInfo: phone() }, 'INVALID_TENANT_ID'],
  ['finalize with a project credential and a tenantId is TENANT_ID_MISMATCH',
    { mfaPendingCredential: 'cred-alice', tenantId: 'tenant-a', phoneVerificationInfo: phone() }, 'TENANT_ID_MISMATCH'],
  ['finalize order: a tenant mismatch beats a disabled user (TENANT_ID_MISMATCH)',
    { mfaPendingCredential: 'cred-dave', tenantId: 'tenant-a', phoneVerificationInfo: phone() }, 'TENANT_ID_MISMATCH'],
  ['finalize order: a disabled user beats an unknown sessionInfo (USER_DISABLED)',
    { mfaPendingCredential: 'cred-dave', phoneVerificationInfo: phone() }, 'USER_DISABLED'],
  ['finalize order: a disabled user beats an unknown TOTP enrollment (USER_DISABLED)',
    { mfaPendingCredential: 'cred-dave', mfaEnrollmentId: 'no-such-enrollment', totpVerificationInfo: totpInfo() }, 'USER_DISABLED'],
  ['finalize TOTP with an unknown enrollment id is MFA_ENROLLMENT_NOT_FOUND',
    { mfaPendingCredential: 'cred-bob', mfaEnrollmentId: 'no-such-enrollment', totpVerificationInfo: totpInfo() }, 'MFA_ENROLLMENT_NOT_FOUND'],
  ['finalize TOTP with another user\'s enrollment id is MFA_ENROLLMENT_NOT_FOUND',
    { mfaPendingCredential: 'cred-bob', mfaEnrollmentId: 'carol-totp', totpVerificationInfo: totpInfo() }, 'MFA_ENROLLMENT_NOT_FOUND'],
  ['finalize order: an unknown phone enrollment id beats an unknown sessionInfo (MFA_ENROLLMENT_NOT_FOUND)',
    { mfaPendingCredential: 'cred-alice', mfaEnrollmentId: 'no-such-enrollment', phoneVerificationInfo: phone() }, 'MFA_ENROLLMENT_NOT_FOUND'],
  ['finalize phone with an unknown sessionInfo is INVALID_SESSION_INFO',
    { mfaPendingCredential: 'cred-alice', phoneVerificationInfo: phone() }, 'INVALID_SESSION_INFO'],
  ['finalize TOTP with TOTP disabled for the tenant is OPERATION_NOT_ALLOWED',
    { mfaPendingCredential: 'cred-gail', tenantId: 'tenant-b', mfaEnrollmentId: 'gail-totp', totpVerificationInfo: totpInfo() }, 'OPERATION_NOT_ALLOWED'],
];

for (const [name, body, code, detail] of finalizeCases) {
  test(name, async () => {
    const msg = expectError(await finalize(d.url, body), 400, code);
    if (detail) assert.match(msg, new RegExp(`^${code} : .*${detail.source}`, detail.flags));
  });
}

// ------------------------------------------------------------ envelope

test('an error is the Google envelope: code, "CODE" or "CODE : detail" message, errors[] and status', async () => {
  const res = await start(d.url, { mfaEnrollmentId: 'alice-phone' });
  assert.equal(res.status, 400);
  assert.match(res.headers.get('content-type') ?? '', /^application\/json/);
  const m = res.json.error.message;
  assert.match(m, /^MISSING_MFA_PENDING_CREDENTIAL( : \S.*)?$/);
  assert.deepEqual(res.json, {
    error: {
      code: 400,
      message: m,
      errors: [{ message: m, domain: 'global', reason: 'invalid' }],
      status: 'INVALID_ARGUMENT',
    },
  });
});

test('$.xgafv=1 keeps the errors[] array', async () => {
  const res = await call(d.url, `${START}?$.xgafv=1`, { mfaEnrollmentId: 'alice-phone' });
  expectError(res, 400, 'MISSING_MFA_PENDING_CREDENTIAL');
});

test('$.xgafv=2 drops the errors[] array', async () => {
  const res = await call(d.url, `${FINALIZE}?$.xgafv=2`, {});
  expectError(res, 400, 'MISSING_CREDENTIAL', { xgafv2: true });
  const { details, ...rest } = res.json.error;
  assert.deepEqual(rest, { code: 400, message: res.json.error.message, status: 'INVALID_ARGUMENT' });
  assert.equal(details?.[0]?.['@type'], 'type.googleapis.com/google.rpc.DebugInfo');
});

test('$.xgafv=3 is rejected with 400 INVALID_ARGUMENT', async () => {
  const res = await call(d.url, `${START}?$.xgafv=3`, { mfaPendingCredential: 'cred-alice', mfaEnrollmentId: 'alice-phone' });
  expectError(res, 400, 'INVALID_ARGUMENT');
});

// ------------------------------------------------------------ store failures
// One statement of the store made to fail from outside, with the sqlite3
// shell on the daemon's --db file: a table or column gone (the statement
// no longer compiles) or a trigger that aborts one write. Whatever fails,
// the answer is the one rule: 503 UNAVAILABLE, no internals, nothing done.

const haveSqlite = spawnSync('sqlite3', ['-version'], { stdio: 'ignore' }).status === 0;
const noSqlite = !haveSqlite && 'the sqlite3 shell is not installed';

/** A daemon of its own on a file store, and a way to break that store. */
async function fileDaemon() {
  const db = path.join(tempDir(), 'store.db');
  const dd = await startDaemon({ fixtures: [fixture()], db });
  const sql = (q) => execFileSync('sqlite3', ['-bail', db, q], { stdio: ['ignore', 'pipe', 'pipe'] });
  return { dd, sql };
}

function expectUnavailable(res, ctx) {
  expectError(res, 503, 'SERVICE_UNAVAILABLE', { googleStatus: 'UNAVAILABLE' });
  assert.ok(!/sqlite|no such|column|table|trigger|injected|store/i.test(res.text), `${ctx}: internals in a 503: ${res.text}`);
}

test('a store failure in mfaSignIn:start (reading the test phone numbers) is 503 UNAVAILABLE like every other, not 500', { skip: noSqlite }, async () => {
  const { dd, sql } = await fileDaemon();
  try {
    sql('DROP TABLE test_phone_numbers');
    expectUnavailable(await start(dd.url, { mfaPendingCredential: 'cred-alice', mfaEnrollmentId: 'alice-phone' }), 'start');
  } finally {
    await dd.stop();
  }
});

test('a store failure reading the password in signInWithPassword is 503, never a sign-in with a wrong password', { skip: noSqlite }, async () => {
  const { dd, sql } = await fileDaemon();
  try {
    expectError(await signInWithPassword(dd.url, 'alice@example.com', 'not-her-password'), 400, 'INVALID_PASSWORD');
    sql('ALTER TABLE users DROP COLUMN password_hash');
    expectUnavailable(await signInWithPassword(dd.url, 'alice@example.com', 'not-her-password'), 'wrong password');
    expectUnavailable(await signInWithPassword(dd.url, 'alice@example.com', 'alice-password'), 'right password');
  } finally {
    await dd.stop();
  }
});

test('a store failure consuming the SMS session at finalize is 503, not INVALID_SESSION_INFO; the code works once the store does', { skip: noSqlite }, async () => {
  const { dd, sql } = await fileDaemon();
  try {
    const s = expectOk(await start(dd.url, { mfaPendingCredential: 'cred-carol', mfaEnrollmentId: 'carol-phone' }));
    const body = { mfaPendingCredential: 'cred-carol', phoneVerificationInfo: { sessionInfo: s.phoneResponseInfo.sessionInfo, code: '123456' } };
    sql(`CREATE TRIGGER no_consume BEFORE UPDATE OF consumed_at ON sms_sessions
         BEGIN SELECT RAISE(ABORT, 'injected'); END`);
    expectUnavailable(await finalize(dd.url, body), 'finalize');
    sql('DROP TRIGGER no_consume');
    const done = expectOk(await finalize(dd.url, body));
    assert.equal(typeof done.idToken, 'string', JSON.stringify(done));
  } finally {
    await dd.stop();
  }
});

test('a store failure reading an androidVerificationProof at finalize is 503, not INVALID_ARGUMENT', { skip: noSqlite }, async () => {
  const { dd, sql } = await fileDaemon();
  try {
    const s = expectOk(await start(dd.url, { mfaPendingCredential: 'cred-carol', mfaEnrollmentId: 'carol-phone' }));
    const first = expectOk(await finalize(dd.url, { mfaPendingCredential: 'cred-carol',
      phoneVerificationInfo: { sessionInfo: s.phoneResponseInfo.sessionInfo, code: '123456', phoneNumber: '+15555550100' } }));
    const proof = first.phoneAuthInfo.androidVerificationProof;
    assert.equal(typeof proof, 'string', JSON.stringify(first));
    const cred = await mintCredential(dd.url, PROJECT, 'carol');
    sql('DROP TABLE android_proofs');
    expectUnavailable(await finalize(dd.url, { mfaPendingCredential: cred,
      phoneVerificationInfo: { androidVerificationProof: proof, phoneNumber: '+15555550100' } }), 'finalize with a proof');
  } finally {
    await dd.stop();
  }
});

// ------------------------------------------------------------ lifetimes
// These move the clock and stay at the end of the file.

test('a fixture credential with expiresIn 60 works at first and is INVALID_MFA_PENDING_CREDENTIAL after 61 s', async () => {
  expectOk(await start(d.url, { mfaPendingCredential: 'cred-short', mfaEnrollmentId: 'alice-phone' }));
  await advanceClock(d.url, 61);
  expectError(await start(d.url, { mfaPendingCredential: 'cred-short', mfaEnrollmentId: 'alice-phone' }),
    400, 'INVALID_MFA_PENDING_CREDENTIAL');
  expectError(await finalize(d.url, { mfaPendingCredential: 'cred-short-fin', phoneVerificationInfo: phone() }),
    400, 'INVALID_MFA_PENDING_CREDENTIAL');
});

test('start order: an expired credential beats a tenant mismatch (INVALID_MFA_PENDING_CREDENTIAL)', async () => {
  expectError(await start(d.url, { mfaPendingCredential: 'cred-short', mfaEnrollmentId: 'alice-phone', tenantId: 'tenant-a' }),
    400, 'INVALID_MFA_PENDING_CREDENTIAL');
});

test('a minted credential lives 600 s by default: valid at 595 s, INVALID_MFA_PENDING_CREDENTIAL at 605 s', async () => {
  const cred = await mintCredential(d.url, PROJECT, 'alice');
  await advanceClock(d.url, 595);
  expectOk(await start(d.url, { mfaPendingCredential: cred, mfaEnrollmentId: 'alice-phone' }));
  await advanceClock(d.url, 10);
  expectError(await start(d.url, { mfaPendingCredential: cred, mfaEnrollmentId: 'alice-phone' }),
    400, 'INVALID_MFA_PENDING_CREDENTIAL');
});
