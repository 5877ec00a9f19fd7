// Crash safety of the SQLite store (--db FILE).
//
// kill -9: ROUNDS times, start the daemon on the same file, drive concurrent
// sign-ins (mint a pending credential, start, sometimes a wrong code, the
// right code, sometimes a refresh), SIGKILL it at a random moment, and check
// the file before and after the restart:
//   * PRAGMA integrity_check is "ok";
//   * no credential is both used and unused: every used credential has
//     exactly one consumed SMS session and one refresh token issued in the
//     same transaction (same user, same time), and every consumed session
//     and every refresh token has its used credential;
//   * no row a 200 promised is lost: every minted credential and started
//     session is still there; every credential a finalize answered 200 for
//     is used (a second finalize gets INVALID_MFA_PENDING_CREDENTIAL), its
//     session consumed, and its refresh token still works.
// Requests in flight at the kill have no known outcome and are not checked
// beyond the invariants. CRASH_SEED reproduces the kill moments.
//
// Full and read-only disks: with the file-size limit at 512 bytes (prlimit,
// soft limit only; the daemon ignores SIGXFSZ) or the files immutable
// (chattr +i), every request that writes gets a clean 503 UNAVAILABLE with
// no internals, reads keep working, the daemon stays up, nothing half
// happens, and writes succeed again once the limit is lifted. A store on a
// read-only mount is refused at start with one message and a non-zero exit.

import { test, after } from 'node:test';
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import {
  assert, startDaemon, runDaemon, keepAliveClient, tempDir, signingKeyFile, outcome, codeOf,
  exportState, figure, sleep,
} from './lib.mjs';

const ROUNDS = Number(process.env.CRASH_ROUNDS ?? 10);
const WORKERS = 16;
const CODE = '123456';
const PROJECT = 'demo-project';
const MINT = `/emulator/v1/projects/${PROJECT}/pendingCredentials`;
const START = '/v2/accounts/mfaSignIn:start?key=crash';
const FINALIZE = '/v2/accounts/mfaSignIn:finalize?key=crash';
const TOKEN = '/v1/token?key=crash';

let seed = Number(process.env.CRASH_SEED ?? (Date.now() % 1_000_000));
const random = () => {
  // mulberry32: reproducible kill moments from CRASH_SEED.
  seed = (seed + 0x6D2B79F5) | 0;
  let t = seed;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};
const SEED = seed;

const live = new Set();
after(async () => {
  for (const d of live) {
    try { d.proc.kill('SIGKILL'); } catch { /* gone */ }
  }
});

function crashFixture(n = WORKERS) {
  const users = [];
  const numbers = {};
  for (let i = 0; i < n; i++) {
    const phone = `+1555561${String(i).padStart(4, '0')}`;
    numbers[phone] = CODE;
    users.push({
      localId: `crash${i}`, email: `crash${i}@example.com`, emailVerified: true,
      mfaInfo: [{ mfaEnrollmentId: `crash${i}-phone`, phoneInfo: phone }],
    });
  }
  return { projectId: PROJECT, testPhoneNumbers: numbers, users };
}

function haveTool(cmd, args = ['--version']) {
  return spawnSync(cmd, args, { stdio: 'ignore' }).status === 0;
}

function sql(db, query) {
  return execFileSync('sqlite3', ['-bail', db, query], { stdio: ['ignore', 'pipe', 'pipe'] }).toString().trim();
}

/** The store's own invariants, read straight from the file. */
function fileInvariants(db) {
  const n = (q) => Number(sql(db, q));
  return {
    integrity: sql(db, 'PRAGMA integrity_check'),
    usedWithoutConsumedSession: n(`SELECT count(*) FROM pending_credentials c WHERE c.used_at IS NOT NULL
      AND (SELECT count(*) FROM sms_sessions s WHERE s.credential = c.credential AND s.consumed_at IS NOT NULL) != 1`),
    consumedWithoutUsedCredential: n(`SELECT count(*) FROM sms_sessions s JOIN pending_credentials c
      ON c.credential = s.credential WHERE s.consumed_at IS NOT NULL AND c.used_at IS NULL`),
    sessionsWithoutCredential: n(`SELECT count(*) FROM sms_sessions s WHERE NOT EXISTS
      (SELECT 1 FROM pending_credentials c WHERE c.credential = s.credential)`),
    usedWithoutRefreshToken: n(`SELECT count(*) FROM pending_credentials c WHERE c.used_at IS NOT NULL
      AND NOT EXISTS (SELECT 1 FROM refresh_tokens r WHERE r.user_id = c.user_id AND r.created_at = c.used_at)`),
    refreshTokenWithoutUsedCredential: n(`SELECT count(*) FROM refresh_tokens r WHERE NOT EXISTS
      (SELECT 1 FROM pending_credentials c WHERE c.user_id = r.user_id AND c.used_at = r.created_at)`),
    used: n('SELECT count(*) FROM pending_credentials WHERE used_at IS NOT NULL'),
    credentials: n('SELECT count(*) FROM pending_credentials'),
  };
}

function assertFileInvariants(inv, when) {
  const ctx = `${when}: ${JSON.stringify(inv)}`;
  assert.equal(inv.integrity, 'ok', ctx);
  assert.equal(inv.usedWithoutConsumedSession, 0, ctx);
  assert.equal(inv.consumedWithoutUsedCredential, 0, ctx);
  assert.equal(inv.sessionsWithoutCredential, 0, ctx);
  assert.equal(inv.usedWithoutRefreshToken, 0, ctx);
  assert.equal(inv.refreshTokenWithoutUsedCredential, 0, ctx);
}

/** Drive sign-ins until the daemon dies; a ledger of what 200s promised. */
async function load(url, ledger) {
  const c = keepAliveClient(url, { sockets: WORKERS, timeoutMs: 5000 });
  let stop = false;
  const unexpected = [];
  const worker = async (i) => {
    const localId = `crash${i}`;
    for (let k = 0; !stop; k++) {
      try {
        const m = await c.request('POST', MINT, { localId });
        if (m.status !== 200) { unexpected.push(`mint ${outcome(m)}`); continue; }
        const cred = m.json.mfaPendingCredential;
        ledger.minted.push(cred);
        const s = await c.request('POST', START, { mfaPendingCredential: cred, mfaEnrollmentId: `${localId}-phone` });
        if (s.status !== 200) { unexpected.push(`start ${outcome(s)}`); continue; }
        const sessionInfo = s.json.phoneResponseInfo.sessionInfo;
        ledger.started.push({ cred, sessionInfo });
        const body = (code) => ({ mfaPendingCredential: cred, phoneVerificationInfo: { sessionInfo, code } });
        if (k % 4 === 1) {
          const w = await c.request('POST', FINALIZE, body('000000'));
          if (outcome(w) !== '400 INVALID_CODE') unexpected.push(`wrong code ${outcome(w)}`);
        }
        const f = await c.request('POST', FINALIZE, body(CODE));
        if (f.status !== 200) { unexpected.push(`finalize ${outcome(f)}`); continue; }
        ledger.finalized.push({ cred, sessionInfo, localId, refreshToken: f.json.refreshToken });
        if (k % 8 === 3) {
          const t = await c.request('POST', TOKEN, { grant_type: 'refresh_token', refresh_token: f.json.refreshToken });
          if (t.status !== 200) unexpected.push(`refresh ${outcome(t)}`);
        }
      } catch {
        // The daemon is gone (or going): this request's outcome is unknown.
        stop = true;
      }
    }
  };
  const done = Promise.all(Array.from({ length: WORKERS }, (_, i) => worker(i)));
  return {
    stop: async () => { stop = true; await done; c.close(); },
    done,
    unexpected,
  };
}

/** Check, on a running daemon, every promise an earlier round's 200s made. */
async function checkPromises(d, ledger) {
  const c = keepAliveClient(d.url, { sockets: 8 });
  try {
    const { json } = await exportState(d.url, { credentials: true, sessions: true });
    const proj = json.projects.find((p) => p.projectId === PROJECT);
    const creds = new Map(proj.pendingCredentials.map((x) => [x.mfaPendingCredential, x]));
    const sessions = new Map(proj.smsSessions.map((x) => [x.sessionInfo, x]));
    const lost = [];
    for (const cred of ledger.minted) if (!creds.has(cred)) lost.push(`minted credential ${cred}`);
    for (const { sessionInfo } of ledger.started) if (!sessions.has(sessionInfo)) lost.push(`started session ${sessionInfo}`);
    for (const f of ledger.finalized) {
      if (!creds.get(f.cred)?.usedTime) lost.push(`used mark of ${f.cred}`);
      if (!sessions.get(f.sessionInfo)?.consumedTime) lost.push(`consumed mark of ${f.sessionInfo}`);
    }
    // Export-level: consumed sessions <-> used credentials.
    for (const s of sessions.values()) {
      if (s.consumedTime && !creds.get(s.mfaPendingCredential)?.usedTime) lost.push(`session ${s.sessionInfo} consumed, credential unused`);
    }
    for (const x of creds.values()) {
      if (!x.usedTime || !x.localId.startsWith('crash')) continue;
      const consumed = [...sessions.values()].filter((s) => s.mfaPendingCredential === x.mfaPendingCredential && s.consumedTime);
      if (consumed.length !== 1) lost.push(`credential ${x.mfaPendingCredential} used with ${consumed.length} consumed sessions`);
    }
    // Over HTTP: a sample of the finalized credentials and refresh tokens.
    const sample = ledger.finalized.filter((_, i) => i % Math.max(1, Math.floor(ledger.finalized.length / 40)) === 0);
    await Promise.all(sample.map(async (f) => {
      const again = await c.request('POST', FINALIZE, { mfaPendingCredential: f.cred, phoneVerificationInfo: { sessionInfo: f.sessionInfo, code: CODE } });
      if (outcome(again) !== '400 INVALID_MFA_PENDING_CREDENTIAL') lost.push(`finalize again ${f.cred}: ${outcome(again)}`);
      const t = await c.request('POST', TOKEN, { grant_type: 'refresh_token', refresh_token: f.refreshToken });
      if (t.status !== 200 || t.json.user_id !== f.localId) lost.push(`refresh token of ${f.cred}: ${outcome(t)}`);
    }));
    return { lost, credentials: creds.size, sessions: sessions.size, sampled: sample.length };
  } finally {
    c.close();
  }
}

test(`kill -9 during a finalize load, ${ROUNDS} rounds: the store stays consistent and keeps every promise a 200 made`, { skip: !haveTool('sqlite3', ['-version']) && 'sqlite3 is not installed' }, async () => {
  const dir = tempDir('mfaemu-crash-');
  const db = path.join(dir, 'crash.db');
  const key = signingKeyFile(dir);
  const fx = crashFixture();
  const ledger = { minted: [], started: [], finalized: [] };
  const rounds = [];
  figure('crash seed', SEED);

  for (let round = 1; round <= ROUNDS; round++) {
    const d = await startDaemon({ fixtures: [fx], db, args: ['--signing-key', key, '--log-level', 'warn'] });
    live.add(d);
    if (round > 1) {
      const chk = await checkPromises(d, ledger);
      assert.deepEqual(chk.lost.slice(0, 20), [], `round ${round}: rows lost after the kill`);
    }
    const before = { minted: ledger.minted.length, finalized: ledger.finalized.length };
    const l = await load(d.url, ledger);
    const killAfter = 150 + Math.floor(random() * 1000);
    await sleep(killAfter);
    d.proc.kill('SIGKILL');
    const exit = await d.exited;
    live.delete(d);
    await l.stop();
    assert.equal(exit.signal, 'SIGKILL', `round ${round}: the daemon died of ${JSON.stringify(exit)} before the kill`);
    assert.deepEqual(l.unexpected, [], `round ${round}: unexpected replies before the kill`);
    const inv = fileInvariants(db);
    assertFileInvariants(inv, `round ${round}, after kill -9`);
    rounds.push({
      round, killAfterMs: killAfter, minted: ledger.minted.length - before.minted,
      finalized: ledger.finalized.length - before.finalized, usedInFile: inv.used,
    });
  }

  // A last start: every promise kept, then a clean stop and a clean file.
  const d = await startDaemon({ fixtures: [fx], db, args: ['--signing-key', key, '--log-level', 'warn'] });
  live.add(d);
  const chk = await checkPromises(d, ledger);
  await d.stop();
  live.delete(d);
  assert.deepEqual(chk.lost.slice(0, 20), [], 'rows lost after the last kill');
  const inv = fileInvariants(db);
  assertFileInvariants(inv, 'after the last clean stop');
  figure('crash rounds', `${rounds.length} kill -9 rounds survived; ${ledger.finalized.length} sign-ins answered 200, ` +
    `${inv.used} credentials used in the file, ${inv.credentials} stored; ` +
    `every restart re-checked ${chk.sampled} of the finalized sign-ins over HTTP`);
  figure('crash round detail', JSON.stringify(rounds));
  assert.ok(ledger.finalized.length > 0, 'no sign-in completed before any kill');
  assert.ok(inv.used >= ledger.finalized.length, `${inv.used} used in the file, ${ledger.finalized.length} promised`);
});

// ------------------------------------------------------------------ full / read-only disks

/**
 * Start a daemon on a fresh file with one prepared sign-in, make the store
 * unwritable with `block`, check every write gets a clean 503 and reads
 * still work, lift it with `unblock`, check writes work and nothing half
 * happened.
 */
async function unwritable(label, block, unblock) {
  const dir = tempDir('mfaemu-full-');
  const db = path.join(dir, 'full.db');
  const d = await startDaemon({ fixtures: [crashFixture(2)], db, args: ['--signing-key', signingKeyFile(dir)] });
  live.add(d);
  const c = keepAliveClient(d.url, { sockets: 8 });
  const mint = () => c.request('POST', MINT, { localId: 'crash0' });
  const startOf = (cred) => c.request('POST', START, { mfaPendingCredential: cred, mfaEnrollmentId: 'crash0-phone' });
  const fin = (cred, sessionInfo, code) => c.request('POST', FINALIZE, { mfaPendingCredential: cred, phoneVerificationInfo: { sessionInfo, code } });
  let blocked = false;
  try {
    // Prepared while writable: a credential with a started session, and a
    // finished sign-in whose refresh token must keep working.
    const credA = (await mint()).json.mfaPendingCredential;
    const sA = (await startOf(credA)).json.phoneResponseInfo.sessionInfo;
    const credB = (await mint()).json.mfaPendingCredential;
    const sB = (await startOf(credB)).json.phoneResponseInfo.sessionInfo;
    const done = await fin(credB, sB, CODE);
    assert.equal(done.status, 200, done.text);
    const credC = (await mint()).json.mfaPendingCredential;

    block(d, dir, db);
    blocked = true;
    const writes = [];
    const reads = [];
    for (let i = 0; i < 20; i++) {
      writes.push(['mint', await mint()]);
      writes.push(['start', await startOf(credC)]);
      writes.push(['finalize wrong code', await fin(credA, sA, '000000')]);
      writes.push(['finalize right code', await fin(credA, sA, CODE)]);
      reads.push(['GET /', await c.request('GET', '/')]);
      // A refresh records lastRefreshAt, as Google does: a write.
      writes.push(['refresh', await c.request('POST', TOKEN, { grant_type: 'refresh_token', refresh_token: done.json.refreshToken })]);
      reads.push(['outbox', await c.request('GET', `/emulator/v1/projects/${PROJECT}/verificationCodes`)]);
      reads.push(['used credential', await fin(credB, sB, CODE)]);
    }
    const wtally = {};
    for (const [k, r] of writes) {
      const o = `${k}: ${outcome(r)}`;
      wtally[o] = (wtally[o] ?? 0) + 1;
    }
    const rtally = {};
    for (const [k, r] of reads) {
      const o = `${k}: ${outcome(r)}`;
      rtally[o] = (rtally[o] ?? 0) + 1;
    }
    figure(`${label} while blocked`, `writes ${JSON.stringify(wtally)}; reads ${JSON.stringify(rtally)}`);
    for (const [k, r] of writes) {
      assert.equal(r.status, 503, `${k} while ${label}: ${r.status} ${r.text}`);
      assert.equal(r.json?.error?.status, 'UNAVAILABLE', r.text);
      assert.equal(codeOf(r), 'SERVICE_UNAVAILABLE', r.text);
      assert.ok(!/sqlite|disk|I\/O|store/i.test(r.text), `internals in a 503: ${r.text}`);
    }
    for (const [k, r] of reads) {
      const want = k === 'used credential' ? '400 INVALID_MFA_PENDING_CREDENTIAL' : '200';
      assert.equal(outcome(r), want, `${k} while ${label}: ${r.text}`);
    }
    assert.equal(d.proc.exitCode, null, 'the daemon is still running');
    assert.equal(d.proc.signalCode, null, 'the daemon is still running');

    unblock(d, dir, db);
    blocked = false;
    // Nothing half happened: the session took no wrong attempt and is
    // not consumed, so the right code still signs in; and writes work.
    const after_ = await fin(credA, sA, CODE);
    assert.equal(after_.status, 200, `finalize after ${label} lifted: ${after_.text}`);
    const m = await mint();
    assert.equal(m.status, 200, m.text);
    const s = await startOf(m.json.mfaPendingCredential);
    assert.equal(s.status, 200, s.text);
    const f = await fin(m.json.mfaPendingCredential, s.json.phoneResponseInfo.sessionInfo, CODE);
    assert.equal(f.status, 200, f.text);
    const { json } = await exportState(d.url, { credentials: true, sessions: true });
    const proj = json.projects.find((p) => p.projectId === PROJECT);
    const sessA = proj.smsSessions.find((x) => x.sessionInfo === sA);
    assert.equal(sessA.attempts, undefined, `a 503 wrong code was counted: ${JSON.stringify(sessA)}`);
    c.close();
    await d.stop();
    live.delete(d);
    assert.ok(/SERVICE_UNAVAILABLE/.test(d.output()), 'the store failure is logged');
    assertFileInvariants(fileInvariants(db), `after ${label}`);
  } finally {
    if (blocked) {
      try { unblock(d, dir, db); } catch { /* best effort */ }
    }
    c.close();
  }
}

const canPrlimit = haveTool('prlimit');
test('a full disk (file-size limit below the store) gives clean 503s, never a crash, and writes resume when space returns',
  { skip: (!canPrlimit && 'prlimit is not installed') || (!haveTool('sqlite3', ['-version']) && 'sqlite3 is not installed') }, async () => {
    // The soft limit only: lowering the hard limit could not be undone
    // without CAP_SYS_RESOURCE. 512 bytes, not "the current size + a
    // little": SQLite rewrites its WAL from the start after a checkpoint,
    // so writes below the current size would still succeed.
    await unwritable('disk full',
      (d) => execFileSync('prlimit', ['--pid', String(d.proc.pid), '--fsize=512:']),
      (d) => execFileSync('prlimit', ['--pid', String(d.proc.pid), '--fsize=unlimited:']));
  });

function chattrWorks() {
  const dir = tempDir('mfaemu-chattr-');
  const f = path.join(dir, 'probe');
  fs.writeFileSync(f, 'x');
  const ok = spawnSync('chattr', ['+i', f], { stdio: 'ignore' }).status === 0;
  if (ok) spawnSync('chattr', ['-i', f], { stdio: 'ignore' });
  return ok;
}

test('a store made read-only at run time (chattr +i) gives clean 503s, never a crash, and recovers when writable again',
  { skip: (!chattrWorks() && 'chattr +i is not supported here (needs root and ext4/xfs/btrfs)') || (!haveTool('sqlite3', ['-version']) && 'sqlite3 is not installed') }, async () => {
    const files = (db) => [db, `${db}-wal`].filter((f) => fs.existsSync(f));
    await unwritable('read-only',
      (d, dir, db) => execFileSync('chattr', ['+i', ...files(db)]),
      (d, dir, db) => execFileSync('chattr', ['-i', ...files(db)]));
  });

function bindMountReadOnly(dir) {
  const a = spawnSync('mount', ['--bind', dir, dir], { stdio: 'ignore' });
  if (a.status !== 0) return false;
  const b = spawnSync('mount', ['-o', 'remount,bind,ro', dir], { stdio: 'ignore' });
  if (b.status !== 0) {
    spawnSync('umount', [dir], { stdio: 'ignore' });
    return false;
  }
  return true;
}

test('a store on a read-only mount is refused at start with one clear message and a non-zero exit', async (t) => {
  const dir = tempDir('mfaemu-ro-');
  const db = path.join(dir, 'ro.db');
  // A valid store first (a daemon makes it: --check writes nothing), then
  // the directory goes read-only.
  const d0 = await startDaemon({ db, args: ['--fixtures', writeFixtureFile(dir), '--log-level', 'warn'] });
  await d0.stop();
  assert.ok(fs.statSync(db).size > 0);
  if (!bindMountReadOnly(dir)) {
    t.skip('cannot bind-mount read-only here (needs CAP_SYS_ADMIN)');
    return;
  }
  try {
    const r = await runDaemon(['--port', '0', '--db', db], { timeoutMs: 10_000 });
    figure('read-only mount at start', JSON.stringify({ code: r.code, signal: r.signal, output: r.output.trim() }));
    assert.equal(r.timedOut, false, `the daemon served from a read-only store: ${r.output}`);
    assert.equal(r.signal, null, r.output);
    assert.notEqual(r.code, 0, r.output);
    const lines = r.output.trim().split('\n');
    assert.equal(lines.length, 1, `one message: ${r.output}`);
    assert.match(lines[0], /^\S+ mfaemu: error: .*ro\.db/, r.output);
  } finally {
    spawnSync('umount', [dir], { stdio: 'ignore' });
  }
});

function writeFixtureFile(dir) {
  const f = path.join(dir, 'fx.json');
  fs.writeFileSync(f, JSON.stringify(crashFixture(2)));
  return f;
}
