// The daemon harness every black-box suite shares (integration, end-to-end,
// reliability): start the real daemon on an ephemeral port with exactly the
// fixtures a suite needs and stop it with SIGTERM, talk to it over HTTP, and
// drive the emulator's control plane (SMS outbox, clock, pending
// credentials, fixtures, export, faults, events). Nothing here reaches into
// the daemon's internals: codes come from the outbox or the log, time from
// /emulator/v1/clock.
//
// tests/integration/harness.mjs re-exports all of this and adds the
// integration scenario and assertions; tests/e2e/harness.mjs takes what
// its suites use and adds the real clients. Requests made here use the
// fetch of the moment this module loaded, so the e2e client trace (which
// replaces globalThis.fetch) shows only what the clients sent.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, before } from 'node:test';
import { fileURLToPath } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const rawFetch = globalThis.fetch;

export const BIN = process.env.MFAEMU_BIN;
export const SOURCE_ROOT = process.env.MFAEMU_SOURCE_ROOT ?? path.resolve(HERE, '..', '..');
export const DEMO_FIXTURES = path.join(SOURCE_ROOT, 'fixtures', 'demo.json');
export const PROJECT = 'demo-project';

const START_TIMEOUT_MS = 10_000;
const STOP_TIMEOUT_MS = 5_000;
const REQUEST_TIMEOUT_MS = 10_000;
const LISTENING = /^mfaemu listening on (http:\/\/\S+)$/;

/** The URL of the ready line, as text or as a --log-format json line. */
function listeningUrl(line) {
  let text = line;
  if (line.startsWith('{')) {
    try { text = JSON.parse(line).msg ?? ''; } catch { /* not JSON */ }
  }
  return LISTENING.exec(text)?.[1];
}

// ---------------------------------------------------------------- daemon

// Children still alive when the test process exits are killed, so a failed
// assertion never leaves a daemon behind.
const live = new Set();
const tempDirs = new Set();
process.on('exit', () => {
  for (const p of live) {
    try { p.kill('SIGKILL'); } catch { /* already gone */ }
  }
  for (const d of tempDirs) {
    try { fs.rmSync(d, { recursive: true, force: true }); } catch { /* ignore */ }
  }
});

/** A fresh temporary directory, removed when the test process exits. */
export function tempDir(prefix = 'mfaemu-test-') {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  tempDirs.add(d);
  return d;
}

/**
 * A fixture user with a password and a verified email and no second factor:
 * email <localId>@example.com, password <localId>-password; extra adds or
 * replaces fields.
 */
export function passwordUser(localId, extra = {}) {
  return {
    localId,
    email: `${localId}@example.com`,
    password: `${localId}-password`,
    displayName: localId,
    emailVerified: true,
    ...extra,
  };
}

/** Write a fixture object to a temp JSON file and return its path. */
export function writeFixture(obj, dir = tempDir()) {
  const file = path.join(dir, `fixture-${crypto.randomUUID()}.json`);
  fs.writeFileSync(file, typeof obj === 'string' ? obj : JSON.stringify(obj, null, 2));
  return file;
}

/** The child's environment: ours without MFAEMU_* config leaking in. */
function childEnv(extra = {}) {
  const env = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (!k.startsWith('MFAEMU_')) env[k] = v;
  }
  return { ...env, ...extra };
}

function requireBin() {
  assert.ok(BIN, 'MFAEMU_BIN must name the mfaemu binary');
  assert.ok(fs.existsSync(BIN), `MFAEMU_BIN ${BIN} does not exist`);
}

function fixtureArgs(fixtures) {
  const args = [];
  for (const f of fixtures) {
    args.push('--fixtures', typeof f === 'string' ? f : writeFixture(f));
  }
  return args;
}

function watchExit(proc) {
  return new Promise((resolve) => {
    proc.once('exit', (code, signal) => resolve({ code, signal }));
  });
}

/**
 * Start the daemon and wait until it prints its listening line.
 * fixtures: paths or objects (written to temp files), in order; db: a
 * --db file; args: more flags; env: more environment (MFAEMU_* of ours
 * never leak in). Returns {url, proc, stop(), exited, output() (both
 * streams), stdout(), stderr()}.
 */
export async function startDaemon({ fixtures = [], args = [], env = {}, db } = {}) {
  requireBin();
  const argv = ['--port', '0', ...fixtureArgs(fixtures)];
  if (db) argv.push('--db', db);
  argv.push(...args);

  const proc = spawn(BIN, argv, { env: childEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
  live.add(proc);
  let out = '';
  let stdoutText = '';
  let stderrText = '';
  proc.stdout.setEncoding('utf8');
  proc.stderr.setEncoding('utf8');
  proc.stderr.on('data', (d) => { out += d; stderrText += d; });
  const exited = watchExit(proc).then((r) => { live.delete(proc); return r; });

  const url = await new Promise((resolve, reject) => {
    let pending = '';
    let done = false;
    const timer = setTimeout(() => {
      if (done) return;
      done = true;
      proc.kill('SIGKILL');
      reject(new Error(`mfaemu did not report listening within ${START_TIMEOUT_MS} ms\n` +
        `argv: ${argv.join(' ')}\noutput:\n${out}`));
    }, START_TIMEOUT_MS);
    proc.stdout.on('data', (d) => {
      out += d;
      stdoutText += d;
      if (done) return;
      pending += d;
      let nl;
      while ((nl = pending.indexOf('\n')) >= 0) {
        const line = pending.slice(0, nl).replace(/\r$/, '');
        pending = pending.slice(nl + 1);
        const ready = listeningUrl(line);
        if (ready) {
          done = true;
          clearTimeout(timer);
          resolve(ready);
          return;
        }
      }
    });
    exited.then(({ code, signal }) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      reject(new Error(`mfaemu exited (code ${code}, signal ${signal}) before listening\n` +
        `argv: ${argv.join(' ')}\noutput:\n${out}`));
    });
  });

  let stopped = null;
  const stop = () => {
    if (stopped) return stopped;
    stopped = (async () => {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGTERM');
      let timer;
      const killed = new Promise((resolve) => {
        timer = setTimeout(() => { proc.kill('SIGKILL'); resolve(null); }, STOP_TIMEOUT_MS);
      });
      const first = await Promise.race([exited, killed]);
      clearTimeout(timer);
      const r = first ?? await exited;
      assert.ok(first !== null, `mfaemu did not exit within ${STOP_TIMEOUT_MS} ms of SIGTERM\n${out}`);
      assert.equal(r.code, 0, `mfaemu exit code after SIGTERM (signal ${r.signal})\n${out}`);
      return r;
    })();
    return stopped;
  };

  return {
    url, proc, stop, exited,
    output: () => out, stdout: () => stdoutText, stderr: () => stderrText,
  };
}

/**
 * The set-up of a test file that drives one daemon for all its tests:
 * started (start(opts), startDaemon by default) before them, stopped after
 * them, beforeStop() first if given. Returns an object that gets the
 * daemon's handle (url, stop(), stdout(), ...) once it has started, so
 * the file's tests read d.url as they would from startDaemon. Node 20
 * starts a file's top-level before() hooks without waiting for the one
 * before, so what needs the daemon belongs in tests, not another hook.
 */
export function useDaemon(opts, { start = startDaemon, beforeStop } = {}) {
  const d = {};
  before(async () => {
    Object.assign(d, await start(opts));
  });
  after(async () => {
    await beforeStop?.();
    await d.stop?.();
  });
  return d;
}

/**
 * Run the daemon to completion (start-up failure tests, --check).
 * Returns {code, signal, output, timedOut}.
 */
export async function runDaemon(args, { env = {}, timeoutMs = 10_000 } = {}) {
  requireBin();
  const proc = spawn(BIN, args, { env: childEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
  live.add(proc);
  let out = '';
  proc.stdout.setEncoding('utf8');
  proc.stderr.setEncoding('utf8');
  proc.stdout.on('data', (d) => { out += d; });
  proc.stderr.on('data', (d) => { out += d; });
  let timedOut = false;
  const timer = setTimeout(() => { timedOut = true; proc.kill('SIGKILL'); }, timeoutMs);
  const { code, signal } = await watchExit(proc);
  clearTimeout(timer);
  live.delete(proc);
  // Let the pipes drain.
  await new Promise((r) => setImmediate(r));
  return { code, signal, output: out, timedOut };
}

/** Poll until pred(text) holds for the daemon's stdout, up to ms. */
export async function waitForStdout(daemon, pred, ms = 2000) {
  const until = Date.now() + ms;
  for (;;) {
    if (pred(daemon.stdout())) return true;
    if (Date.now() > until) return false;
    await new Promise((r) => setTimeout(r, 20));
  }
}

// ---------------------------------------------------------------- HTTP

/** Append a query parameter to a path that may already carry a query. */
export function withQuery(p, name, value) {
  return `${p}${p.includes('?') ? '&' : '?'}${encodeURIComponent(name)}=${encodeURIComponent(value)}`;
}

/**
 * Send a request. body is JSON-encoded unless raw (string or bytes) is
 * given. key=null sends no ?key=. headers may set 'content-type': null to
 * send none. Returns {status, headers, json, text}.
 */
export async function call(url, p, body, { key = 'test-key', headers = {}, method = 'POST', raw } = {}) {
  let target = p;
  if (key !== null && key !== undefined) target = withQuery(target, 'key', key);
  const h = {};
  let payload;
  if (raw !== undefined) {
    payload = typeof raw === 'string' ? Buffer.from(raw, 'utf8') : raw;
  } else if (body !== undefined) {
    payload = Buffer.from(JSON.stringify(body), 'utf8');
  }
  if (payload !== undefined) h['content-type'] = 'application/json';
  for (const [k, v] of Object.entries(headers)) {
    const lk = k.toLowerCase();
    if (v === null) delete h[lk];
    else h[lk] = v;
  }
  const res = await rawFetch(url + target, {
    method,
    headers: h,
    body: payload,
    signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
  });
  const text = await res.text();
  let json = null;
  try { json = JSON.parse(text); } catch { /* not JSON */ }
  return { status: res.status, headers: res.headers, json, text };
}

/**
 * A request over a plain socket, for bodies a server may refuse before
 * reading them all (413): fetch gives up on EPIPE and never shows the
 * reply, a socket keeps reading whatever the server sent. Returns
 * {status, headers (lower-case object), json, text}.
 */
export function rawRequest(url, { method = 'POST', path: p = '/', headers = {}, body = Buffer.alloc(0) } = {}) {
  const u = new URL(url);
  const head = [`${method} ${p} HTTP/1.1`, `Host: ${u.host}`, 'Connection: close',
    `Content-Length: ${body.length}`, ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`), '', ''].join('\r\n');
  return new Promise((resolve, reject) => {
    const chunks = [];
    let settled = false;
    const sock = net.connect(Number(u.port), u.hostname);
    const timer = setTimeout(() => finish(new Error('raw request timed out')), REQUEST_TIMEOUT_MS);
    function finish(err) {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      sock.destroy();
      const data = Buffer.concat(chunks);
      const sep = data.indexOf('\r\n\r\n');
      if (sep < 0) {
        reject(new Error(`no HTTP response (${err ? err.message : 'connection closed'}); got ${data.length} bytes`));
        return;
      }
      const lines = data.subarray(0, sep).toString('latin1').split('\r\n');
      const status = Number(lines[0].split(' ')[1]);
      const hdrs = {};
      for (const l of lines.slice(1)) {
        const i = l.indexOf(':');
        hdrs[l.slice(0, i).trim().toLowerCase()] = l.slice(i + 1).trim();
      }
      let rest = data.subarray(sep + 4);
      if (hdrs['content-length'] !== undefined) rest = rest.subarray(0, Number(hdrs['content-length']));
      const text = rest.toString('utf8');
      let json = null;
      try { json = JSON.parse(text); } catch { /* not JSON */ }
      resolve({ status, headers: hdrs, json, text });
    }
    sock.on('data', (c) => chunks.push(c));
    sock.on('end', () => finish());
    sock.on('close', () => finish());
    // A server that answers early and closes makes our writes fail; the
    // reply it already sent is then in `chunks`.
    sock.on('error', (e) => finish(e));
    sock.on('connect', async () => {
      sock.write(head);
      // Like curl: give the server a moment to refuse on the headers alone,
      // then send in pieces and stop once it has answered, so its reply is
      // read before our writes run into a closed socket.
      await new Promise((r) => {
        const t = setTimeout(r, 200);
        sock.once('data', () => { clearTimeout(t); r(); });
      });
      const CHUNK = 16 * 1024;
      for (let off = 0; off < body.length && !settled; off += CHUNK) {
        if (chunks.length > 0) return;
        if (!sock.write(body.subarray(off, off + CHUNK))) {
          await new Promise((r) => { sock.once('drain', r); sock.once('close', r); });
        } else {
          await new Promise((r) => setImmediate(r));
        }
      }
      if (!settled && chunks.length === 0) sock.end();
    });
  });
}

/** Assert a 200 and return the JSON body. */
export function expectOk(res) {
  assert.equal(res.status, 200, `expected 200, got ${res.status} ${res.text}`);
  assert.ok(res.json && typeof res.json === 'object', `body is not JSON: ${res.text}`);
  return res.json;
}

async function getJson(url, p, init = {}) {
  const res = await rawFetch(url + p, { ...init, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
  const text = await res.text();
  assert.equal(res.status, 200, `${init.method ?? 'GET'} ${p}: ${res.status} ${text}`);
  return JSON.parse(text);
}

// ---------------------------------------------------------------- outbox, clock, credentials

/** The SMS outbox of a project or tenant: [{phoneNumber, code, sessionInfo}]. */
export async function readCodes(url, project = PROJECT, tenant) {
  const p = `/emulator/v1/projects/${encodeURIComponent(project)}` +
    (tenant ? `/tenants/${encodeURIComponent(tenant)}` : '') + '/verificationCodes';
  const body = await getJson(url, p);
  assert.ok(Array.isArray(body.verificationCodes), `verificationCodes: ${JSON.stringify(body)}`);
  return body.verificationCodes;
}

/** The outbox entry for one sessionInfo (the SDK's verificationId). */
export async function codeFor(url, sessionInfo, project = PROJECT, tenant) {
  const codes = await readCodes(url, project, tenant);
  const hits = codes.filter((c) => c.sessionInfo === sessionInfo);
  assert.equal(hits.length, 1, `outbox entries for session ${sessionInfo}: ${JSON.stringify(codes)}`);
  return hits[0];
}

/** Move the emulator's clock by seconds (may be negative). Returns the clock body. */
export async function advanceClock(url, seconds) {
  return getJson(url, '/emulator/v1/clock', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ advanceSeconds: seconds }),
  });
}

/** {nowMillis, offsetMillis, now} from the emulator. */
export async function getClock(url) {
  const c = await getJson(url, '/emulator/v1/clock');
  assert.equal(typeof c.nowMillis, 'number', JSON.stringify(c));
  return c;
}

/** The emulator's clock in milliseconds. */
export async function serverNow(url) {
  return (await getClock(url)).nowMillis;
}

/** Mint a pending credential for a user through the control plane. */
export async function mintCredential(url, project, localId, tenantId) {
  const body = { localId };
  if (tenantId) body.tenantId = tenantId;
  const res = await call(url, `/emulator/v1/projects/${encodeURIComponent(project)}/pendingCredentials`,
    body, { key: null });
  const json = expectOk(res);
  assert.equal(typeof json.mfaPendingCredential, 'string', res.text);
  assert.ok(json.mfaPendingCredential.length > 0, res.text);
  return json.mfaPendingCredential;
}

/**
 * Put the emulator's clock into a fresh TOTP step, a few seconds past its
 * start, so a test can compute codes for now and neighbouring steps without
 * racing a step boundary, and no earlier test used these steps. Returns the
 * server's nowMillis.
 */
export async function freshTotpStep(url, period = 30) {
  let now = await serverNow(url);
  const pos = (now / 1000) % period;
  // Skip at least three whole steps past any step an earlier test used
  // (up to now+1), then land 3 s into a step.
  const advance = Math.ceil(period - pos) + 3 * period + 3;
  await advanceClock(url, advance);
  now = await serverNow(url);
  return now;
}

/** A different SMS code of the same length. */
export function wrongCode(code) {
  const n = (Number(code) + 1) % 10 ** code.length;
  return String(n).padStart(code.length, '0');
}

// ---------------------------------------------------------------- tokens

/** The parts of a compact JWS: {header, claims, signingInput, signature}. */
export function decodeJwt(jwt) {
  assert.equal(typeof jwt, 'string');
  const parts = jwt.split('.');
  assert.equal(parts.length, 3, `not a JWS compact token: ${jwt}`);
  const header = JSON.parse(Buffer.from(parts[0], 'base64url').toString('utf8'));
  const claims = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8'));
  return { header, claims, signingInput: `${parts[0]}.${parts[1]}`, signature: Buffer.from(parts[2], 'base64url') };
}

export const JWKS_PATH = '/service_accounts/v1/jwk/securetoken@system.gserviceaccount.com';
export const X509_PATH = '/robot/v1/metadata/x509/securetoken@system.gserviceaccount.com';

/** The daemon's JWKS (under prefix, e.g. GOOGLE_PREFIX). */
export async function fetchJwks(url, prefix = '') {
  const jwks = await getJson(url, prefix + JWKS_PATH);
  assert.ok(Array.isArray(jwks.keys), `JWKS: ${JSON.stringify(jwks)}`);
  return jwks;
}

// ---------------------------------------------------------------- control plane

export const CONTROL = '/emulator/v1';

/**
 * A control-plane request: `method` on CONTROL + p (no ?key=), with an
 * optional JSON body; token sends "Authorization: Bearer <token>".
 * Returns {status, headers, json, text}.
 */
export function control(url, method, p, body, { token, headers = {} } = {}) {
  const h = { ...headers };
  if (token !== undefined) h.authorization = `Bearer ${token}`;
  return call(url, CONTROL + p, body, { key: null, method, headers: h });
}

/** The realm path of a project or tenant under /emulator/v1. */
export function realmPath(project = PROJECT, tenant) {
  return `/projects/${encodeURIComponent(project)}` +
    (tenant ? `/tenants/${encodeURIComponent(tenant)}` : '');
}

/** POST /emulator/v1/fixtures; asserts 200 and returns the counts. */
export async function loadFixtures(url, doc, opts) {
  return expectOk(await control(url, 'POST', '/fixtures', doc, opts));
}

/**
 * GET /emulator/v1/export; asserts 200. Returns {json, text}.
 * opts: credentials, sessions (booleans), query (extra query string).
 */
export async function exportState(url, { credentials = false, sessions = false, query = '', token } = {}) {
  const q = [];
  if (credentials) q.push('credentials=true');
  if (sessions) q.push('sessions=true');
  if (query) q.push(query);
  const res = await control(url, 'GET', '/export' + (q.length ? `?${q.join('&')}` : ''), undefined, { token });
  const json = expectOk(res);
  assert.ok(Array.isArray(json.projects), `export: ${res.text}`);
  return { json, text: res.text };
}

/** POST /emulator/v1/clock with any body; asserts 200, returns the clock. */
export async function setClock(url, body) {
  return expectOk(await control(url, 'POST', '/clock', body));
}

/** POST /emulator/v1/faults; asserts 200 and returns the rule. */
export async function addFault(url, rule) {
  return expectOk(await control(url, 'POST', '/faults', rule));
}

/** PATCH a realm's config; returns the raw response. */
export function patchConfig(url, body, { project = PROJECT, tenant } = {}) {
  return control(url, 'PATCH', realmPath(project, tenant) + '/config', body);
}

/** GET a realm's config; returns the raw response. */
export function getConfig(url, { project = PROJECT, tenant } = {}) {
  return control(url, 'GET', realmPath(project, tenant) + '/config');
}

/** GET /emulator/v1/events[?query]; asserts 200 and returns the array. */
export async function listEvents(url, query = '') {
  const res = await control(url, 'GET', '/events' + (query ? `?${query}` : ''));
  const json = expectOk(res);
  assert.ok(Array.isArray(json.events), `events: ${res.text}`);
  return json.events;
}

