// Soak: a bounded run of mixed sign-in traffic over keep-alive connections.
//
// 32 keep-alive sockets each run whole sign-ins in a loop (mint a pending
// credential, start, a wrong code, the right code) interleaved with the
// errors clients really send (a replayed credential, malformed JSON, an
// unknown credential, no API key, an unknown route, a bad or good refresh
// token). Every reply is checked against the one status and CODE it must
// have. The daemon's RSS is read from /proc before, after a warm-up, and at
// the end; growth after the warm-up must stay under RSS_BOUND_KIB, and the
// daemon's descriptors must return to their baseline once the clients go.
//
// Bounds: SOAK_REQUESTS requests (default 200,000) or SOAK_SECONDS seconds
// (default 50) of traffic, whichever comes first; at least MIN_REQUESTS must
// be answered for the run to count.

import { test, after } from 'node:test';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import {
  assert, startDaemon, keepAliveClient, rssKiB, fdCount, outcome, figure,
  tempDir, signingKeyFile, waitUntil, percentile,
} from './lib.mjs';

const TOTAL = Number(process.env.SOAK_REQUESTS ?? 200_000);
const SECONDS = Number(process.env.SOAK_SECONDS ?? 50);
const MIN_REQUESTS = Math.min(TOTAL, Number(process.env.SOAK_MIN_REQUESTS ?? 60_000));
const SOCKETS = 32;
const WARMUP = Math.min(20_000, Math.floor(TOTAL / 10));
const RSS_BOUND_KIB = 16 * 1024;
const CODE = '123456';

const PROJECT = 'demo-project';
const MINT = `/emulator/v1/projects/${PROJECT}/pendingCredentials`;
const START = '/v2/accounts/mfaSignIn:start?key=soak';
const FINALIZE = '/v2/accounts/mfaSignIn:finalize?key=soak';
const TOKEN = '/v1/token?key=soak';

let daemon;
let client;
after(async () => {
  client?.close();
  await daemon?.stop();
});

/** One user per socket, each with its own test number: no shared lockouts. */
function soakFixture() {
  const users = [];
  const numbers = {};
  for (let i = 0; i < SOCKETS; i++) {
    const phone = `+1555560${String(i).padStart(4, '0')}`;
    numbers[phone] = CODE;
    users.push({
      localId: `soak${i}`, email: `soak${i}@example.com`, emailVerified: true,
      mfaInfo: [{ mfaEnrollmentId: `soak${i}-phone`, phoneInfo: phone }],
    });
  }
  return { projectId: PROJECT, testPhoneNumbers: numbers, users };
}

test(`soak: up to ${TOTAL} mixed requests over ${SOCKETS} keep-alive sockets; every reply as expected, RSS growth < ${RSS_BOUND_KIB / 1024} MiB`, async () => {
  const dir = tempDir('mfaemu-soak-');
  const db = `${dir}/soak.db`;
  daemon = await startDaemon({
    fixtures: [soakFixture()], db,
    args: ['--signing-key', signingKeyFile(dir), '--log-level', 'warn'],
  });
  const pid = daemon.proc.pid;
  client = keepAliveClient(daemon.url, { sockets: SOCKETS });
  const fdBase = fdCount(pid);
  const rssStart = rssKiB(pid);

  let sent = 0;
  let okFinalizes = 0;
  let rssWarm = NaN;
  let stopAt = Infinity;
  const tally = {};
  const wrong = [];
  const latencies = [];

  // Send one request and check it got exactly `want` ("200" or "STATUS CODE").
  async function expect(want, method, path, body, opts) {
    sent++;
    const res = await client.request(method, path, body, opts);
    const got = outcome(res);
    tally[got] = (tally[got] ?? 0) + 1;
    if (sent % 50 === 0) latencies.push(res.ms);
    if (got !== want && wrong.length < 20) wrong.push(`${method} ${path}: want ${want}, got ${res.status} ${res.text.slice(0, 300)}`);
    if (sent >= WARMUP && Number.isNaN(rssWarm)) rssWarm = rssKiB(pid);
    return got === want ? res.json : null;
  }

  async function worker(i) {
    const localId = `soak${i}`;
    let refresh = null;
    for (let cycle = 0; sent < TOTAL && Date.now() < stopAt && wrong.length === 0; cycle++) {
      const m = await expect('200', 'POST', MINT, { localId });
      const cred = m?.mfaPendingCredential;
      if (!cred) break;
      const s = await expect('200', 'POST', START, { mfaPendingCredential: cred, mfaEnrollmentId: `${localId}-phone` });
      const sessionInfo = s?.phoneResponseInfo?.sessionInfo;
      if (!sessionInfo) break;
      const body = (code) => ({ mfaPendingCredential: cred, phoneVerificationInfo: { sessionInfo, code } });
      await expect('400 INVALID_CODE', 'POST', FINALIZE, body('000000'));
      const f = await expect('200', 'POST', FINALIZE, body(CODE));
      if (f) {
        okFinalizes++;
        if (typeof f.idToken !== 'string' || typeof f.refreshToken !== 'string') {
          wrong.push(`finalize 200 without tokens: ${JSON.stringify(f)}`);
        }
        refresh = f.refreshToken;
      }
      await expect('400 INVALID_MFA_PENDING_CREDENTIAL', 'POST', FINALIZE, body(CODE));
      await expect('400 INVALID_ARGUMENT', 'POST', FINALIZE, undefined, { raw: `{"mfaPendingCredential": "${cred}", ` });
      await expect('400 INVALID_MFA_PENDING_CREDENTIAL', 'POST', FINALIZE,
        { mfaPendingCredential: `AMfa-unknown-${cycle}`, phoneVerificationInfo: { sessionInfo, code: CODE } });
      await expect('403 PERMISSION_DENIED', 'POST', '/v2/accounts/mfaSignIn:start', { mfaPendingCredential: cred });
      await expect('404 NOT_FOUND', 'GET', `/v2/accounts/nothing-here-${cycle}?key=soak`);
      if (cycle % 4 === 0 && refresh) {
        await expect('200', 'POST', TOKEN, undefined,
          { raw: `grant_type=refresh_token&refresh_token=${refresh}`, headers: { 'content-type': 'application/x-www-form-urlencoded' } });
      } else {
        await expect('400 INVALID_REFRESH_TOKEN', 'POST', TOKEN, { grant_type: 'refresh_token', refresh_token: `not-${cycle}` });
      }
    }
  }

  const t0 = Date.now();
  stopAt = t0 + SECONDS * 1000;
  await Promise.all(Array.from({ length: SOCKETS }, (_, i) => worker(i)));
  const secs = (Date.now() - t0) / 1000;
  const rssEnd = rssKiB(pid);

  client.close();
  await waitUntil(() => fdCount(pid) <= fdBase, 5000);
  const fdAfter = fdCount(pid);

  figure('soak requests', `${sent} in ${secs.toFixed(1)} s (${Math.round(sent / secs)}/s), ${okFinalizes} sign-ins`);
  figure('soak outcomes', JSON.stringify(tally));
  figure('soak latency', `p50 ${percentile(latencies, 50).toFixed(2)} ms, p99 ${percentile(latencies, 99).toFixed(2)} ms`);
  figure('soak RSS', `start ${rssStart} KiB, after ${WARMUP} requests ${rssWarm} KiB, end ${rssEnd} KiB, growth after warm-up ${rssEnd - rssWarm} KiB (bound ${RSS_BOUND_KIB} KiB)`);
  figure('soak fds', `baseline ${fdBase}, after the clients closed ${fdAfter}`);

  assert.deepEqual(wrong, [], 'every reply must be the expected one');
  assert.ok(sent >= MIN_REQUESTS, `only ${sent} requests in ${secs} s (floor ${MIN_REQUESTS})`);
  assert.ok(rssEnd - rssWarm < RSS_BOUND_KIB, `RSS grew by ${rssEnd - rssWarm} KiB after the warm-up`);
  assert.ok(fdAfter <= fdBase, `descriptors: ${fdAfter} after, ${fdBase} before`);
  assert.equal(daemon.proc.exitCode, null, 'daemon still running');

  // The store agrees with the replies: one used credential and one consumed
  // session per 200 finalize, none more.
  await daemon.stop();
  daemon = null;
  let sqlite = true;
  try { execFileSync('sqlite3', ['-version'], { stdio: 'ignore' }); } catch { sqlite = false; }
  if (sqlite && fs.existsSync(db)) {
    const q = (sql) => Number(execFileSync('sqlite3', [db, sql]).toString().trim());
    assert.equal(q('SELECT count(*) FROM pending_credentials WHERE used_at IS NOT NULL'), okFinalizes);
    assert.equal(q('SELECT count(*) FROM sms_sessions WHERE consumed_at IS NOT NULL'), okFinalizes);
    assert.equal(execFileSync('sqlite3', [db, 'PRAGMA integrity_check']).toString().trim(), 'ok');
  }
});
