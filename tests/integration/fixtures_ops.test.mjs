// Operating fixtures: what a load reports per project and tenant, the
// warning for a project that is not the served one, what happens to
// entries already stored (onExisting / --fixtures-on-existing: skip,
// replace, fail), --check as a dry run that writes nothing, -h, and
// MFAEMU_FIXTURES with blanks around the names.

import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import {
  DEMO_FIXTURES, PROJECT, call, control, expectError, expectOk, exportState,
  loadFixtures, passwordUser, runDaemon, signInWithPassword, startDaemon,
  tempDir, withQuery, writeFixture,
} from './harness.mjs';

const daemons = [];
async function daemon(opts) {
  const d = await startDaemon(opts);
  daemons.push(d);
  return d;
}
after(async () => { for (const d of daemons) await d.stop(); });

/** A daemon with nothing loaded. */
const fresh = () => daemon({});

function usersOf(exported, project = PROJECT) {
  return exported.projects.find((p) => p.projectId === project)?.users ?? [];
}

/*
 * The daemon's output once it holds `text`: stderr (the log) and stdout
 * (the listening line) are separate pipes, so the log's last lines may
 * arrive after the listening line.
 */
async function outputWith(d, text, ms = 2000) {
  const until = Date.now() + ms;
  while (!d.output().includes(text) && Date.now() < until) {
    await new Promise((r) => setTimeout(r, 20));
  }
  return d.output();
}

const sha256 = (file) => crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');

const OTHER = 'other-project';
const otherDoc = () => ({
  projectId: OTHER,
  users: [passwordUser('o1'), passwordUser('o2')],
  testPhoneNumbers: { '+15555550199': '123456' },
});

// ---------------------------------------------------------------- reports

test('start-up: per-project lines with singular counts, and a warning naming the file and the fix for a project that is not --project', async () => {
  const file = writeFixture(otherDoc());
  const d = await daemon({ fixtures: [DEMO_FIXTURES, file] });
  const out = await outputWith(d, 'will not see');
  assert.match(out, /fixtures: project demo-project: 5 users, 6 enrollments, 5 pending credentials, 1 test number, 1 tenant\n/, out);
  assert.match(out, /project demo-project, of which tenant tenant-a: 1 user, 1 enrollment, 1 pending credential\n/, out);
  assert.match(out, /fixtures: project other-project: 2 users, 0 enrollments, 1 test number\n/, out);
  const warn = out.split('\n').find((l) => l.includes('warn') && l.includes(OTHER));
  assert.ok(warn, out);
  assert.ok(warn.includes(file), warn);
  assert.ok(warn.includes('apps using --project demo-project will not see these users'), warn);
  assert.ok(warn.includes('"projectId": "demo-project"') && warn.includes('--project other-project'), warn);
  // The served project has no such warning.
  assert.equal(out.split('\n').filter((l) => l.includes('warn')).length, 1, out);
  // What the warning is about: the app's project cannot sign the user in.
  expectError(await signInWithPassword(d.url, 'o1@example.com', 'o1-password'), 400, 'EMAIL_NOT_FOUND');
});

test('POST /emulator/v1/fixtures: top-level counts as before, plus per-project and per-tenant counts and the warnings', async () => {
  const d = await fresh();
  const doc = { projects: [
    { projectId: PROJECT, tenants: [{ tenantId: 't1' }],
      users: [passwordUser('a'), passwordUser('t', { tenantId: 't1' })],
      testPhoneNumbers: { '+15555550100': '111111' } },
    otherDoc(),
  ] };
  const r = await loadFixtures(d.url, doc);
  assert.equal(r.users, 4, JSON.stringify(r));
  assert.equal(r.testPhoneNumbers, 2, JSON.stringify(r));
  assert.equal(r.tenants, 1, JSON.stringify(r));
  assert.equal(r.skipped, 0, JSON.stringify(r));
  assert.equal(r.projects[PROJECT].users, 2, JSON.stringify(r));
  assert.equal(r.projects[PROJECT].tenants, 1, JSON.stringify(r));
  assert.deepEqual(r.projects[PROJECT].byTenant.t1.users, 1, JSON.stringify(r));
  assert.equal(r.projects[OTHER].users, 2, JSON.stringify(r));
  assert.equal(r.projects[OTHER].testPhoneNumbers, 1, JSON.stringify(r));
  assert.equal(r.warnings.length, 1, JSON.stringify(r));
  assert.match(r.warnings[0], /^request loads project 'other-project'.*apps using --project demo-project will not see these users/);
  assert.deepEqual(r.skippedIds, []);
  assert.deepEqual(r.replacedIds, []);
  // The served project alone: no warning.
  const again = await loadFixtures(d.url, { users: [passwordUser('b')] });
  assert.deepEqual(again.warnings, [], JSON.stringify(again));
});

// ---------------------------------------------------------------- onExisting

const editedAlice = (extra = {}) => ({
  tenants: [{ tenantId: 't1' }],
  users: [passwordUser('alice', { password: 'edited-password', displayName: 'Edited', ...extra }),
    passwordUser('tess', { tenantId: 't1', password: 'tess-edited' })],
});

async function withAlice() {
  const d = await fresh();
  await loadFixtures(d.url, { tenants: [{ tenantId: 't1' }],
    users: [passwordUser('alice'), passwordUser('tess', { tenantId: 't1' })] });
  return d;
}

test('onExisting skip (the default): stored users are kept and listed in skippedIds, realm-qualified', async () => {
  const d = await withAlice();
  for (const body of [editedAlice(), { ...editedAlice(), onExisting: 'skip' }]) {
    const r = await loadFixtures(d.url, body);
    assert.equal(r.skipped, 2, JSON.stringify(r));
    assert.equal(r.users, 0, JSON.stringify(r));
    assert.deepEqual(r.skippedIds, [
      { projectId: PROJECT, localId: 'alice' },
      { projectId: PROJECT, tenantId: 't1', localId: 'tess' },
    ]);
    assert.equal(r.projects[PROJECT].byTenant.t1.skipped, 1, JSON.stringify(r));
  }
  expectOk(await signInWithPassword(d.url, 'alice@example.com', 'alice-password'));
  expectError(await signInWithPassword(d.url, 'alice@example.com', 'edited-password'), 400, 'INVALID_PASSWORD');
});

test('onExisting replace: the edited password signs in, the old one fails, the old session ends, and replacedIds names the users', async () => {
  const d = await withAlice();
  const old = expectOk(await signInWithPassword(d.url, 'alice@example.com', 'alice-password'));
  const r = await loadFixtures(d.url, { ...editedAlice(), onExisting: 'replace' });
  assert.equal(r.replaced, 2, JSON.stringify(r));
  assert.equal(r.users, 0, JSON.stringify(r));
  assert.equal(r.skipped, 0, JSON.stringify(r));
  assert.deepEqual(r.replacedIds, [
    { projectId: PROJECT, localId: 'alice' },
    { projectId: PROJECT, tenantId: 't1', localId: 'tess' },
  ]);
  expectOk(await signInWithPassword(d.url, 'alice@example.com', 'edited-password'));
  expectError(await signInWithPassword(d.url, 'alice@example.com', 'alice-password'), 400, 'INVALID_PASSWORD');
  const alice = usersOf((await exportState(d.url)).json).find((u) => u.localId === 'alice');
  assert.equal(alice.displayName, 'Edited');
  // The refresh token of the session before the replacement is gone.
  const refreshed = await call(d.url, '/v1/token', { grant_type: 'refresh_token', refresh_token: old.refreshToken });
  assert.equal(refreshed.status, 400, refreshed.text);
  // The same mode as a query parameter.
  const q = expectOk(await control(d.url, 'POST', withQuery('/fixtures', 'onExisting', 'replace'),
    { users: [passwordUser('alice', { password: 'third-password' })] }));
  assert.deepEqual(q.replacedIds, [{ projectId: PROJECT, localId: 'alice' }]);
  expectOk(await signInWithPassword(d.url, 'alice@example.com', 'third-password'));
});

test('onExisting fail: 409 ALREADY_EXISTS naming the stored ids, and nothing of the document is loaded', async () => {
  const d = await withAlice();
  const res = await control(d.url, 'POST', '/fixtures',
    { ...editedAlice(), users: [passwordUser('newbie'), ...editedAlice().users], onExisting: 'fail' });
  const msg = expectError(res, 409, 'ALREADY_EXISTS', { googleStatus: 'ALREADY_EXISTS' });
  assert.ok(msg.includes('localId alice in demo-project'), msg);
  assert.ok(msg.includes('localId tess in demo-project/t1'), msg);
  const users = usersOf((await exportState(d.url)).json).map((u) => u.localId).sort();
  assert.deepEqual(users, ['alice', 'tess']);
  expectOk(await signInWithPassword(d.url, 'alice@example.com', 'alice-password'));
  // With nothing stored already, fail loads as usual.
  const ok = await loadFixtures(d.url, { users: [passwordUser('newbie')], onExisting: 'fail' });
  assert.equal(ok.users, 1, JSON.stringify(ok));
});

test('an unknown onExisting (body or query) is 400 naming the field and the valid modes; an unknown top-level member is 400 naming it', async () => {
  const d = await fresh();
  for (const res of [
    await control(d.url, 'POST', '/fixtures', { users: [passwordUser('x')], onExisting: 'overwrite' }),
    await control(d.url, 'POST', withQuery('/fixtures', 'onExisting', 'overwrite'), { users: [passwordUser('x')] }),
  ]) {
    const msg = expectError(res, 400, 'INVALID_ARGUMENT');
    assert.ok(msg.includes('onExisting') && msg.includes('skip, replace or fail') && msg.includes('overwrite'), msg);
  }
  const bad = expectError(await control(d.url, 'POST', '/fixtures', { users: [], onExisitng: 'replace' }),
    400, 'INVALID_ARGUMENT');
  assert.ok(bad.includes('$.onExisitng: unknown field') && bad.includes('did you mean onExisting?'), bad);
  assert.deepEqual(usersOf((await exportState(d.url)).json), []);
  // users[] entries keep ignoring members mfaemu does not know (exports).
  const r = await loadFixtures(d.url, { users: [{ ...passwordUser('x'), someExportField: 1 }] });
  assert.equal(r.users, 1, JSON.stringify(r));
});

test('--fixtures-on-existing replace with --db: a restart applies an edited password; the default keeps the stored one', async () => {
  const db = path.join(tempDir(), 'state.db');
  const first = await startDaemon({ db, fixtures: [{ users: [passwordUser('alice')] }] });
  await first.stop();
  const edited = { users: [passwordUser('alice', { password: 'edited-password' })] };
  const kept = await startDaemon({ db, fixtures: [edited] });
  assert.match(await outputWith(kept, 'kept'), /1 already stored, kept/, kept.output());
  expectOk(await signInWithPassword(kept.url, 'alice@example.com', 'alice-password'));
  await kept.stop();
  const d = await startDaemon({ db, fixtures: [edited], env: { MFAEMU_FIXTURES_ON_EXISTING: 'replace' } });
  daemons.push(d);
  assert.match(await outputWith(d, 'replaced'), /1 already stored, replaced/, d.output());
  expectOk(await signInWithPassword(d.url, 'alice@example.com', 'edited-password'));
  const r = await runDaemon(['--check', '--db', db, '--fixtures', writeFixture(edited),
    '--fixtures-on-existing', 'fail'], { timeoutMs: 5000 });
  assert.equal(r.code, 1, r.output);
  assert.ok(r.output.includes('localId alice in demo-project') && r.output.includes('--fixtures-on-existing'), r.output);
});

// ---------------------------------------------------------------- --check

test('--check with a --db that does not exist reports what it would load and creates no file', async () => {
  const dir = tempDir();
  const db = path.join(dir, 'new.db');
  const r = await runDaemon(['--check', '--db', db, '--fixtures', DEMO_FIXTURES], { timeoutMs: 5000 });
  assert.equal(r.code, 0, r.output);
  assert.match(r.output, /check: would load project demo-project: 5 users/, r.output);
  assert.match(r.output, /check: ok\n/, r.output);
  assert.deepEqual(fs.readdirSync(dir), []);
});

test('--check with an existing --db leaves it byte-identical (no -wal/-shm added) and does not add the fixtures\' users', async () => {
  const dir = tempDir();
  const db = path.join(dir, 'state.db');
  const first = await startDaemon({ db, fixtures: [{ users: [passwordUser('kept')] }] });
  await first.stop();
  const before = { hash: sha256(db), mtime: fs.statSync(db).mtimeMs, files: fs.readdirSync(dir).sort() };
  const extra = writeFixture({ users: [passwordUser('added')] });
  const r = await runDaemon(['--check', '--db', db, '--fixtures', extra], { timeoutMs: 5000 });
  assert.equal(r.code, 0, r.output);
  assert.match(r.output, /check: would load project demo-project: 1 user, 0 enrollments\n/, r.output);
  assert.match(r.output, /check: ok/, r.output);
  assert.equal(sha256(db), before.hash);
  assert.equal(fs.statSync(db).mtimeMs, before.mtime);
  assert.deepEqual(fs.readdirSync(dir).sort(), before.files);
  const d = await daemon({ db });
  const users = usersOf((await exportState(d.url)).json).map((u) => u.localId);
  assert.deepEqual(users, ['kept']);
});

test('--check fails naming an --export-on-exit folder that cannot be created (its parent is a regular file: fails even for root)', async () => {
  const file = writeFixture({});
  const target = path.join(file, 'export');
  const r = await runDaemon(['--check', '--export-on-exit', target], { timeoutMs: 5000 });
  assert.equal(r.code, 1, r.output);
  assert.ok(r.output.includes(`--export-on-exit ${target}`), r.output);
  assert.match(r.output, /check: failed/, r.output);
  // A folder that can be created passes, and is not created by the check.
  const fine = path.join(tempDir(), 'later');
  const ok = await runDaemon(['--check', '--export-on-exit', fine], { timeoutMs: 5000 });
  assert.equal(ok.code, 0, ok.output);
  assert.ok(!fs.existsSync(fine));
});

test('a fixture file with a misspelt top-level member ("user") stops the check and the daemon naming it, rather than loading nothing', async () => {
  const typo = writeFixture({ user: [passwordUser('x')] });
  for (const args of [['--check', '--fixtures', typo], ['--port', '0', '--fixtures', typo]]) {
    const r = await runDaemon(args, { timeoutMs: 5000 });
    assert.equal(r.code, 1, r.output);
    assert.ok(r.output.includes('$.user: unknown field (did you mean users?)'), r.output);
  }
  const nested = writeFixture({ projects: [{ projectId: 'p', users: [] }], tenants: [] });
  const r = await runDaemon(['--check', '--fixtures', nested], { timeoutMs: 5000 });
  assert.equal(r.code, 1, r.output);
  assert.ok(r.output.includes('$.tenants: unknown field'), r.output);
});

// ---------------------------------------------------------------- flags

test('-h prints the help, like --help', async () => {
  const r = await runDaemon(['-h'], { timeoutMs: 5000 });
  assert.equal(r.code, 0, r.output);
  assert.match(r.output, /^usage: mfaemu/m);
  assert.match(r.output, /--fixtures-on-existing MODE/);
});

test('MFAEMU_FIXTURES="a.json, b.json" loads both files', async () => {
  const a = writeFixture({ users: [passwordUser('from-a')] });
  const b = writeFixture({ users: [passwordUser('from-b')] });
  const d = await daemon({ env: { MFAEMU_FIXTURES: `${a}, ${b}` } });
  expectOk(await signInWithPassword(d.url, 'from-a@example.com', 'from-a-password'));
  expectOk(await signInWithPassword(d.url, 'from-b@example.com', 'from-b-password'));
});
