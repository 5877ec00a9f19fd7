// The differential suite's machinery: start mfaemu and the Firebase Auth
// Emulator (firebase-tools) fresh on loopback, talk to each over HTTP with
// the same helpers, and reduce each reply to what is compared: the HTTP
// status, the error CODE and the set of JSON field paths.

import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const HERE = path.dirname(fileURLToPath(import.meta.url));
export const ROOT = path.resolve(HERE, '..', '..');
export const PROJECT = 'demo-diff';
const START_TIMEOUT_MS = 60_000;
const REQUEST_TIMEOUT_MS = 10_000;

// ---------------------------------------------------------------- servers

/** A free TCP port on loopback (bound, read, released). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

function sleep(ms) {
  return new Promise((r) => setTimeout(r, ms));
}

/** Spawn a child, collect its output, kill its process group at exit. */
function launch(cmd, args, opts) {
  const proc = spawn(cmd, args, { ...opts, detached: true,
    stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  proc.stdout.setEncoding('utf8');
  proc.stderr.setEncoding('utf8');
  proc.stdout.on('data', (d) => { out += d; });
  proc.stderr.on('data', (d) => { out += d; });
  const kill = (sig) => {
    try { process.kill(-proc.pid, sig); } catch { /* gone */ }
  };
  process.on('exit', () => kill('SIGKILL'));
  const exited = new Promise((r) => proc.once('exit', (code, signal) =>
    r({ code, signal })));
  return { proc, output: () => out, exited,
    async stop() {
      kill('SIGTERM');
      const t = setTimeout(() => kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(t);
    } };
}

/** Start mfaemu (MFAEMU_BIN or build/mfaemu) on an ephemeral port. */
export async function startMfaemu() {
  const bin = process.env.MFAEMU_BIN || path.join(ROOT, 'build', 'mfaemu');
  if (!fs.existsSync(bin)) throw new Error(`no mfaemu binary at ${bin}`);
  const env = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (!k.startsWith('MFAEMU_')) env[k] = v;
  }
  // Unsigned ID tokens, as the Firebase emulator issues; Google's own
  // front end rules otherwise (key required, as the emulator ignores).
  const child = launch(bin, ['--port', '0', '--project', PROJECT,
    '--id-token-alg', 'none', '--log-level', 'error'], { env });
  const deadline = Date.now() + START_TIMEOUT_MS;
  for (;;) {
    const m = /listening on (http:\/\/\S+)/.exec(child.output());
    if (m) return { ...child, url: m[1].replace(/\/$/, '') };
    if (child.proc.exitCode !== null || Date.now() > deadline) {
      await child.stop();
      throw new Error(`mfaemu did not start:\n${child.output()}`);
    }
    await sleep(20);
  }
}

/** Start firebase-tools' auth emulator (auth only, UI off, demo project). */
export async function startFirebase() {
  const bin = path.join(HERE, 'node_modules', '.bin', 'firebase');
  if (!fs.existsSync(bin)) throw new Error(`firebase-tools not installed: ${bin}`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mfaemu-diff-'));
  const [auth, hub, logging] = [await freePort(), await freePort(),
    await freePort()];
  fs.writeFileSync(path.join(dir, 'firebase.json'), JSON.stringify({
    emulators: {
      auth: { host: '127.0.0.1', port: auth },
      hub: { host: '127.0.0.1', port: hub },
      logging: { host: '127.0.0.1', port: logging },
      ui: { enabled: false },
      singleProjectMode: true,
    },
  }));
  const env = { ...process.env, CI: '1', NO_UPDATE_NOTIFIER: '1',
    FIREBASE_CLI_DISABLE_UPDATE_CHECK: '1', TMPDIR: dir };
  const child = launch(process.execPath, [bin, 'emulators:start', '--only',
    'auth', '--project', PROJECT], { cwd: dir, env });
  const url = `http://127.0.0.1:${auth}`;
  const deadline = Date.now() + START_TIMEOUT_MS;
  for (;;) {
    try {
      const r = await fetch(`${url}/`);
      if (r.ok && (await r.json()).authEmulator?.ready) break;
    } catch { /* not yet */ }
    if (child.proc.exitCode !== null || Date.now() > deadline) {
      await child.stop();
      throw new Error(`firebase emulator did not start:\n${child.output()}`);
    }
    await sleep(100);
  }
  const stop = child.stop;
  return { ...child, url,
    async stop() {
      await stop();
      fs.rmSync(dir, { recursive: true, force: true });
    } };
}

// ---------------------------------------------------------------- client

export const ITK = '/identitytoolkit.googleapis.com';
export const V1 = (m) => `${ITK}/v1/accounts:${m}`;
export const V2 = (m) => `${ITK}/v2/accounts/${m}`;
export const ADMIN = (m = '') => `${ITK}/v1/projects/${PROJECT}/accounts${m}`;
export const EMU = (m) => `/emulator/v1/projects/${PROJECT}/${m}`;
export const TOKEN = '/securetoken.googleapis.com/v1/token';

/** The part of a path that selects the API key: Identity Toolkit and
 * securetoken routes outside /v1/projects and /v2/projects. */
function wantsKey(p) {
  return (p.startsWith(ITK) || p.startsWith('/securetoken')) &&
    !/\/v[12]\/projects\//.test(p);
}

/**
 * One server as the cases see it: request helpers that return
 * {status, body (parsed JSON, or the text), json (bool)}.
 */
export class Server {
  constructor(name, url) {
    this.name = name;
    this.url = url;
  }

  /** opts: body (object → JSON), raw (string body), headers, key (false to
   * leave ?key= off), admin (Bearer owner), form (urlencoded object). */
  async req(method, p, opts = {}) {
    let url = this.url + p;
    if (opts.key !== false && wantsKey(p) && !/[?&]key=/.test(p)) {
      url += (p.includes('?') ? '&' : '?') + 'key=fake-api-key';
    }
    const headers = { ...(opts.headers ?? {}) };
    let body;
    if (opts.form !== undefined) {
      body = new URLSearchParams(opts.form).toString();
      headers['content-type'] ??= 'application/x-www-form-urlencoded';
    } else if (opts.raw !== undefined) {
      body = opts.raw;
      headers['content-type'] ??= 'application/json';
    } else if (opts.body !== undefined) {
      body = JSON.stringify(opts.body);
      headers['content-type'] ??= 'application/json';
    }
    if (opts.admin) headers.authorization = 'Bearer owner';
    const r = await fetch(url, { method, headers, body,
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
    const text = await r.text();
    try {
      return { status: r.status, body: JSON.parse(text), json: true };
    } catch {
      return { status: r.status, body: text, json: false };
    }
  }

  post(p, body, opts = {}) { return this.req('POST', p, { ...opts, body }); }
  get(p, opts = {}) { return this.req('GET', p, opts); }
}

// ---------------------------------------------------------------- compare

const UPPER_CODE = /^[A-Z][A-Z0-9_]*$/;

/**
 * The error CODE of a reply: error.message before " : " when that is an
 * UPPER_SNAKE code; otherwise the message's first clause with quoted
 * names and numbers normalised (front-end prose such as "Invalid JSON
 * payload received." or "Invalid value at 'x' (TYPE_STRING), 42").
 * '' for a reply without an error message.
 */
export function errorCode(reply) {
  const e = reply.json && reply.body && typeof reply.body === 'object'
    ? reply.body.error : undefined;
  const msg = typeof e?.message === 'string' ? e.message
    : typeof reply.body?.message === 'string' ? reply.body.message : '';
  if (msg === '') return '';
  const head = msg.split(' : ')[0].trim();
  if (UPPER_CODE.test(head)) return head;
  return head.split(/[.,:]/)[0].replace(/'[^']*'/g, "'…'")
    .replace(/\d+/g, 'N').trim();
}

/** An object key that is data, not a field name: phone numbers, ids. */
function normKey(k) {
  if (/^\+\d+$/.test(k)) return '<phone>';
  if (/^[A-Za-z0-9_-]{20,}$/.test(k) && /\d/.test(k)) return '<id>';
  return k;
}

/** The set of field paths of a JSON value: a.b, arrays as a[].b. */
export function fieldPaths(v, prefix = '', out = new Set()) {
  if (Array.isArray(v)) {
    if (prefix) out.add(prefix + '[]');
    for (const e of v) fieldPaths(e, prefix + '[]', out);
  } else if (v !== null && typeof v === 'object') {
    for (const [k, x] of Object.entries(v)) {
      const p = prefix ? `${prefix}.${normKey(k)}` : normKey(k);
      out.add(p);
      fieldPaths(x, p, out);
    }
  }
  return out;
}

// The envelope fields every error reply of a server carries or lacks
// alike: compared once, in the http.error_envelope case, not per reply.
const ENVELOPE = /^error\.(status|details)(\[\]|\.|$)/;

/** What is compared of one reply; full: keep the error envelope fields. */
export function shape(reply, full = false) {
  let fields = reply.json ? [...fieldPaths(reply.body)] : ['<not JSON>'];
  if (!full && reply.status >= 400) fields = fields.filter((f) => !ENVELOPE.test(f));
  return { status: reply.status, code: errorCode(reply), fields: fields.sort() };
}

/**
 * The difference between the emulator's reply and mfaemu's, or null:
 * {status?: {emulator, mfaemu}, code?: {...}, fieldsAdded?: [...] (mfaemu
 * only), fieldsMissing?: [...] (emulator only)}.
 */
export function diff(emu, ours) {
  const d = {};
  if (emu.status !== ours.status) {
    d.status = { emulator: emu.status, mfaemu: ours.status };
  }
  if (emu.code !== ours.code) d.code = { emulator: emu.code, mfaemu: ours.code };
  const a = new Set(emu.fields);
  const b = new Set(ours.fields);
  const added = [...b].filter((f) => !a.has(f));
  const missing = [...a].filter((f) => !b.has(f));
  if (added.length) d.fieldsAdded = added;
  if (missing.length) d.fieldsMissing = missing;
  return Object.keys(d).length ? d : null;
}
