// Shared helpers for mfaemu's reliability suites (soak, hostile clients,
// crash safety, abuse limits).
//
// The daemon is started with the integration harness's startDaemon, so the
// reliability suites run exactly the binary and conventions the integration
// suites do (MFAEMU_BIN, MFAEMU_SOURCE_ROOT). What is added here: keep-alive
// HTTP clients with a fixed socket pool, process figures from /proc, socket
// counts, and latency summaries. Only loopback addresses are ever used.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';

export * from '../integration/harness.mjs';

/** Resident set size of a process in KiB (VmRSS), or NaN when gone. */
export function rssKiB(pid) {
  try {
    const m = /^VmRSS:\s+(\d+) kB$/m.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : NaN;
  } catch {
    return NaN;
  }
}

/** Number of open file descriptors of a process. */
export function fdCount(pid) {
  return fs.readdirSync(`/proc/${pid}/fd`).length;
}

/**
 * Established TCP connections whose local port is `port` (the daemon's side
 * of each connection), from /proc/net/tcp: no dependency on ss, and exact.
 * States counted: ESTABLISHED(01), SYN_RECV(03), CLOSE_WAIT(08).
 */
export function serverSideConnections(port, states = ['01', '03', '08']) {
  let n = 0;
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text;
    try { text = fs.readFileSync(file, 'utf8'); } catch { continue; }
    for (const line of text.split('\n').slice(1)) {
      const f = line.trim().split(/\s+/);
      if (f.length < 4) continue;
      const local = f[1];
      const lport = parseInt(local.slice(local.lastIndexOf(':') + 1), 16);
      if (lport === port && states.includes(f[3])) n++;
    }
  }
  return n;
}

/** Poll pred() every 50 ms until it is true or ms pass; returns its last value. */
export async function waitUntil(pred, ms) {
  const until = Date.now() + ms;
  for (;;) {
    const v = await pred();
    if (v || Date.now() > until) return v;
    await sleep(50);
  }
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** p-th percentile (0-100) of an array of numbers (nearest rank). */
export function percentile(values, p) {
  if (values.length === 0) return NaN;
  const s = [...values].sort((a, b) => a - b);
  const i = Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1));
  return s[i];
}

/**
 * A keep-alive client with a fixed pool of sockets. request() sends one
 * request and resolves {status, json, text, ms}; it never rejects on an HTTP
 * status, only on a transport error or the timeout.
 */
export function keepAliveClient(baseUrl, { sockets = 32, timeoutMs = 10_000, localAddress, keepAlive = true } = {}) {
  const u = new URL(baseUrl);
  const agent = new http.Agent({ keepAlive, maxSockets: sockets, maxFreeSockets: sockets, localAddress });
  function request(method, path, body, { headers = {}, raw } = {}) {
    const payload = raw !== undefined ? Buffer.from(raw) : body !== undefined ? Buffer.from(JSON.stringify(body)) : null;
    const h = { ...headers };
    if (payload) {
      h['content-type'] ??= 'application/json';
      h['content-length'] = payload.length;
    }
    const t0 = process.hrtime.bigint();
    return new Promise((resolve, reject) => {
      const req = http.request({
        host: u.hostname, port: Number(u.port), method, path, headers: h, agent, localAddress,
      }, (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let json = null;
          try { json = JSON.parse(text); } catch { /* not JSON */ }
          resolve({ status: res.statusCode, json, text, ms: Number(process.hrtime.bigint() - t0) / 1e6 });
        });
        res.on('error', reject);
      });
      req.setTimeout(timeoutMs, () => req.destroy(new Error(`${method} ${path}: no reply within ${timeoutMs} ms`)));
      req.on('error', reject);
      req.end(payload ?? undefined);
    });
  }
  return { request, agent, close: () => agent.destroy() };
}

/**
 * The CODE of a Google error envelope ("CODE" or "CODE : detail"), or its
 * status ("PERMISSION_DENIED") when the message is prose; else undefined.
 */
export function codeOf(res) {
  const e = res.json?.error;
  if (!e) return undefined;
  const head = typeof e.message === 'string' ? e.message.split(' : ')[0] : '';
  return /^[A-Z][A-Z0-9_]*$/.test(head) ? head : e.status;
}

/** "200" or "400 INVALID_CODE": one key for tallies and assertions. */
export function outcome(res) {
  return res.status === 200 ? '200' : `${res.status} ${codeOf(res) ?? ''}`.trim();
}

/**
 * Split a byte stream into HTTP/1.1 responses framed by Content-Length
 * (every mfaemu and MHD reply has one). Returns {responses: [{status,
 * headers, body}], rest} where rest is an incomplete tail.
 */
export function parseResponses(buf) {
  const responses = [];
  let off = 0;
  for (;;) {
    const sep = buf.indexOf('\r\n\r\n', off);
    if (sep < 0) break;
    const lines = buf.subarray(off, sep).toString('latin1').split('\r\n');
    const status = Number(lines[0].split(' ')[1]);
    const headers = {};
    for (const l of lines.slice(1)) {
      const i = l.indexOf(':');
      headers[l.slice(0, i).trim().toLowerCase()] = l.slice(i + 1).trim();
    }
    const len = Number(headers['content-length'] ?? 0);
    if (buf.length < sep + 4 + len) break;
    responses.push({ status, headers, body: buf.subarray(sep + 4, sep + 4 + len).toString('utf8') });
    off = sep + 4 + len;
  }
  return { responses, rest: buf.subarray(off) };
}

/** A 2048-bit RSA key in PEM, generated once per process, for --signing-key. */
let keyPem;
export function signingKeyFile(dir) {
  if (!keyPem) {
    keyPem = execFileSync('openssl', ['genrsa', '2048'], { stdio: ['ignore', 'pipe', 'ignore'] }).toString();
  }
  const file = `${dir}/signing-key.pem`;
  fs.writeFileSync(file, keyPem, { mode: 0o600 });
  return file;
}

/** Print a figure line the run script and the report collect. */
export function figure(name, value) {
  const line = `figure ${name}: ${value}`;
  console.log(line);
  return line;
}

export { assert };
