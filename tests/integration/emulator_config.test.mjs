// GET/PATCH /emulator/v1/projects/{p}[/tenants/{t}]/config: every project
// has one (a fresh daemon too), with the Firebase Auth Emulator's keys
// beside mfaemu's; emailPrivacyConfig.enableImprovedEmailPrivacy switches
// what password sign-in and a password reset say of unknown accounts.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  PROJECT, useDaemon, startDaemon, call, control, realmPath, expectOk, expectError,
  passwordUser, signInWithPassword, getConfig, patchConfig, exportState, loadFixtures,
} from './harness.mjs';

const d = useDaemon({
  fixtures: [{
    projectId: PROJECT,
    tenants: [
      { tenantId: 'tenant-a', emailPrivacyConfig: { enableImprovedEmailPrivacy: true } },
      { tenantId: 'tenant-b' },
    ],
    users: [
      passwordUser('pam'),
      passwordUser('tia', { tenantId: 'tenant-a' }),
      passwordUser('ted', { tenantId: 'tenant-b' }),
    ],
  }],
});

const FIREBASE_DEFAULTS = {
  signIn: { allowDuplicateEmails: false },
  emailPrivacyConfig: { enableImprovedEmailPrivacy: false },
};

test('a fresh daemon answers its project\'s config (--project demo-bench, no fixtures)', async () => {
  const fresh = await startDaemon({ args: ['--project', 'demo-bench'] });
  try {
    const cfg = expectOk(await getConfig(fresh.url, { project: 'demo-bench' }));
    assert.equal(cfg.projectId, 'demo-bench');
    assert.deepEqual(cfg.signIn, FIREBASE_DEFAULTS.signIn);
    assert.deepEqual(cfg.emailPrivacyConfig, FIREBASE_DEFAULTS.emailPrivacyConfig);
    assert.deepEqual(cfg.mfa, { phone: true, totp: true });
    assert.equal(typeof cfg.smsCodeTtlSeconds, 'number');
    assert.equal(cfg.oobCodeTtlSeconds, null);
    assert.deepEqual(cfg.testPhoneNumbers, {});
    // As in the Firebase emulator, any project id has one; GET makes nothing.
    expectOk(await getConfig(fresh.url, { project: 'someone-else' }));
    const exported = await exportState(fresh.url);
    assert.equal(exported.json.projects.some((p) => p.projectId === 'someone-else'), false, exported.text);
    // A tenant must exist.
    expectError(await getConfig(fresh.url, { project: 'demo-bench', tenant: 'nope' }), 404, 'NOT_FOUND', { googleStatus: 'NOT_FOUND' });
    // Unknown email on the fresh daemon: the Firebase emulator's default answer.
    expectError(await signInWithPassword(fresh.url, 'nobody@example.com', 'whatever-1'), 400, 'EMAIL_NOT_FOUND');
  } finally {
    await fresh.stop();
  }
});

test('password sign-in: EMAIL_NOT_FOUND / INVALID_PASSWORD off, INVALID_LOGIN_CREDENTIALS on', async () => {
  expectError(await signInWithPassword(d.url, 'nobody@example.com', 'whatever-1'), 400, 'EMAIL_NOT_FOUND');
  expectError(await signInWithPassword(d.url, 'pam@example.com', 'not-pams'), 400, 'INVALID_PASSWORD');
  expectError(await signInWithPassword(d.url, 'ted@example.com', 'not-teds', { tenantId: 'tenant-b' }), 400, 'INVALID_PASSWORD');
  // tenant-a's fixture turned protection on: the tenant has its own switch.
  expectError(await signInWithPassword(d.url, 'tia@example.com', 'not-tias', { tenantId: 'tenant-a' }), 400, 'INVALID_LOGIN_CREDENTIALS');
  expectError(await signInWithPassword(d.url, 'nobody@example.com', 'whatever-1', { tenantId: 'tenant-a' }), 400, 'INVALID_LOGIN_CREDENTIALS');
  const t = expectOk(await getConfig(d.url, { tenant: 'tenant-a' }));
  assert.deepEqual(t.emailPrivacyConfig, { enableImprovedEmailPrivacy: true });
  assert.equal(t.tenantId, 'tenant-a');

  const on = expectOk(await patchConfig(d.url, { emailPrivacyConfig: { enableImprovedEmailPrivacy: true } }));
  assert.deepEqual(on.emailPrivacyConfig, { enableImprovedEmailPrivacy: true });
  assert.deepEqual(on.signIn, { allowDuplicateEmails: false }, 'keys not given are kept');
  expectError(await signInWithPassword(d.url, 'nobody@example.com', 'whatever-1'), 400, 'INVALID_LOGIN_CREDENTIALS');
  expectError(await signInWithPassword(d.url, 'pam@example.com', 'not-pams'), 400, 'INVALID_LOGIN_CREDENTIALS');
  expectOk(await signInWithPassword(d.url, 'pam@example.com', 'pam-password'));
  // A password reset for an unknown address: 200 and nothing sent.
  const reset = expectOk(await call(d.url, '/v1/accounts:sendOobCode', { requestType: 'PASSWORD_RESET', email: 'ghost@example.com' }));
  assert.deepEqual(reset, { kind: 'identitytoolkit#GetOobConfirmationCodeResponse', email: 'ghost@example.com' });
  const codes = expectOk(await control(d.url, 'GET', realmPath() + '/oobCodes?includeUsed=true')).oobCodes;
  assert.equal(codes.some((c) => c.email === 'ghost@example.com'), false, JSON.stringify(codes));

  // null is the default again (off).
  const off = expectOk(await patchConfig(d.url, { emailPrivacyConfig: { enableImprovedEmailPrivacy: null } }));
  assert.deepEqual(off.emailPrivacyConfig, { enableImprovedEmailPrivacy: false });
  expectError(await signInWithPassword(d.url, 'nobody@example.com', 'whatever-1'), 400, 'EMAIL_NOT_FOUND');
  expectError(await call(d.url, '/v1/accounts:sendOobCode', { requestType: 'PASSWORD_RESET', email: 'ghost@example.com' }), 400, 'EMAIL_NOT_FOUND');
});

test('PATCH validates the Firebase keys and keeps mfaemu\'s', async () => {
  const before = expectOk(await getConfig(d.url));
  expectError(await patchConfig(d.url, { emailPrivacyConfig: { enableImprovedEmailPrivacy: 'yes' } }), 400, 'INVALID_ARGUMENT');
  expectError(await patchConfig(d.url, { emailPrivacyConfig: true }), 400, 'INVALID_ARGUMENT');
  expectError(await patchConfig(d.url, { signIn: { allowDuplicateEmails: 1 } }), 400, 'INVALID_ARGUMENT');
  expectError(await patchConfig(d.url, { signIn: [] }), 400, 'INVALID_ARGUMENT');
  assert.deepEqual(expectOk(await getConfig(d.url)), before, 'a refused PATCH changes nothing');

  const dup = expectOk(await patchConfig(d.url, { signIn: { allowDuplicateEmails: true }, maxAttempts: 7 }));
  assert.deepEqual(dup.signIn, { allowDuplicateEmails: true });
  assert.equal(dup.maxAttempts, 7);
  assert.deepEqual(dup.mfa, before.mfa);
  const again = expectOk(await getConfig(d.url));
  assert.deepEqual(again.signIn, { allowDuplicateEmails: true });
  expectOk(await patchConfig(d.url, { signIn: { allowDuplicateEmails: false }, maxAttempts: null }));
});

test('the keys travel with mfaemu\'s export and fixtures', async () => {
  expectOk(await patchConfig(d.url, { signIn: { allowDuplicateEmails: true }, oobCodeTtlSeconds: 120 }));
  const { json } = await exportState(d.url);
  const project = json.projects.find((p) => p.projectId === PROJECT);
  assert.deepEqual(project.signIn, { allowDuplicateEmails: true });
  assert.equal(project.oobCodeTtlSeconds, 120);
  const tenantA = project.tenants.find((t) => t.tenantId === 'tenant-a');
  assert.deepEqual(tenantA.emailPrivacyConfig, { enableImprovedEmailPrivacy: true });

  // Loading it into a fresh daemon gives the same config.
  const fresh = await startDaemon();
  try {
    await loadFixtures(fresh.url, json);
    const cfg = expectOk(await getConfig(fresh.url));
    assert.deepEqual(cfg.signIn, { allowDuplicateEmails: true });
    assert.equal(cfg.oobCodeTtlSeconds, 120);
    const t = expectOk(await getConfig(fresh.url, { tenant: 'tenant-a' }));
    assert.deepEqual(t.emailPrivacyConfig, { enableImprovedEmailPrivacy: true });
    // A bad value in a fixture fails the load with its path.
    const bad = await control(fresh.url, 'POST', '/fixtures', { projectId: PROJECT, emailPrivacyConfig: { enableImprovedEmailPrivacy: 'on' } });
    expectError(bad, 400, 'INVALID_ARGUMENT');
    assert.match(bad.json.error.message, /emailPrivacyConfig/);
  } finally {
    await fresh.stop();
  }
});
