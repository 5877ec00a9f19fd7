// Logs and the health probe, as operators and CI log collectors see them.
//
//   * The access log (on by default at info): one line per request with
//     the UTC time, method, path without its query, status, CODE, project,
//     tenant, user and duration; never a key, code, token, credential or
//     session. Off with --access-log false.
//   * --log-format json: every line one JSON object with time, level, msg
//     and fields (access, sms, fault, the ready line); other values refused.
//   * An injected fault is logged as a fault at info, never as an error,
//     and its access line names the rule.
//   * --probe: exit 0 and one line for mfaemu; exit 1 naming what answers
//     otherwise (another HTTP server, the Firebase Auth Emulator, nothing,
//     a server that never replies).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import {
  PROJECT, START, FINALIZE, useDaemon, startDaemon, runDaemon, call, control,
  expectOk, expectError, fixture, startPhone, wrongCode, addFault, waitForStdout,
} from './harness.mjs';

const TIME = '\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z';
const ACCESS = new RegExp(`^(${TIME}) mfaemu: info: access: (\\S+) (\\S+) (\\d{3}|-) (\\S+) ` +
  'project=(\\S+) tenant=(\\S+) user=(\\S+) (\\d+\\.\\d{3})ms(?: fault=(\\d+))?$');

/** The text access lines of `text`, parsed. */
function accessLines(text) {
  const out = [];
  for (const line of text.split('\n')) {
    const m = ACCESS.exec(line);
    if (m) {
      out.push({
        line, time: m[1], method: m[2], path: m[3], status: m[4], code: m[5], project: m[6],
        tenant: m[7], user: m[8], ms: Number(m[9]), fault: m[10],
      });
    }
  }
  return out;
}

/** Wait for the access line a predicate picks (written as the request completes). */
async function accessLine(daemon, pred) {
  const find = () => accessLines(daemon.stdout()).filter(pred);
  await waitForStdout(daemon, () => find().length > 0);
  const hits = find();
  assert.ok(hits.length > 0, `no such access line in:\n${daemon.stdout()}`);
  return hits[hits.length - 1];
}

const d = useDaemon({ fixtures: [fixture()] });

test('text: every line but the ready banner starts with the UTC time in milliseconds', async () => {
  expectOk(await call(d.url, '/', undefined, { key: null, method: 'GET' }));
  await accessLine(d, (a) => a.path === '/' && a.status === '200');
  const lines = d.stdout().split('\n').filter((l) => l && !/^(mfaemu listening on |ID tokens: | {2})/.test(l));
  assert.ok(lines.length >= 2, d.stdout());
  for (const l of lines) assert.match(l, new RegExp(`^${TIME} mfaemu: (info|debug): `), l);
  const t = Date.parse(lines[lines.length - 1].split(' ')[0]);
  assert.ok(Math.abs(Date.now() - t) < 60_000, `log time ${t} is not now`);
});

test('access log: a success and an error of a finalize carry method, path, status, CODE, project, user and duration', async () => {
  const s = await startPhone(d.url, 'cred-alice', 'alice-phone');
  const info = (code) => ({ mfaPendingCredential: 'cred-alice', phoneVerificationInfo: { sessionInfo: s.sessionInfo, code } });
  expectError(await call(d.url, FINALIZE, info(wrongCode(s.code))), 400, 'INVALID_CODE');
  const bad = await accessLine(d, (a) => a.path === FINALIZE && a.status === '400');
  assert.deepEqual([bad.method, bad.code, bad.project, bad.tenant, bad.user],
    ['POST', 'INVALID_CODE', PROJECT, '-', 'alice'], bad.line);
  expectOk(await call(d.url, FINALIZE, info(s.code)));
  const ok = await accessLine(d, (a) => a.path === FINALIZE && a.status === '200');
  assert.deepEqual([ok.method, ok.code, ok.project, ok.tenant, ok.user],
    ['POST', '-', PROJECT, '-', 'alice'], ok.line);
  assert.ok(ok.ms > 0 && ok.ms < 10_000, ok.line);
});

test('access log: a tenant request names its tenant, a control-plane path its project and tenant', async () => {
  await startPhone(d.url, 'cred-erin', 'erin-phone', { tenantId: 'tenant-a' });
  const a = await accessLine(d, (x) => x.path === START && x.user === 'erin');
  assert.deepEqual([a.status, a.project, a.tenant], ['200', PROJECT, 'tenant-a'], a.line);
  expectOk(await control(d.url, 'GET', `/projects/${PROJECT}/tenants/tenant-b/verificationCodes`));
  const c = await accessLine(d, (x) => x.path.endsWith('/tenants/tenant-b/verificationCodes'));
  assert.deepEqual([c.project, c.tenant, c.user], [PROJECT, 'tenant-b', '-'], c.line);
});

test('access log: no query string, key, oobCode, credential, session or token ever appears', async () => {
  const res = await call(d.url, '/v1/accounts:resetPassword?oobCode=OOBSECRET4711', { newPassword: 'PASSWORDSECRET9' },
    { key: 'KEYSECRET0815', headers: { authorization: 'Bearer BEARERSECRET42' } });
  assert.equal(res.status, 400, res.text);
  const a = await accessLine(d, (x) => x.path === '/v1/accounts:resetPassword');
  assert.ok(!a.line.includes('?'), a.line);
  const p = await startPhone(d.url, 'cred-carol', 'carol-phone');
  const fin = expectOk(await call(d.url, FINALIZE, {
    mfaPendingCredential: 'cred-carol', phoneVerificationInfo: { sessionInfo: p.sessionInfo, code: p.code },
  }));
  await accessLine(d, (x) => x.path === FINALIZE && x.user === 'carol' && x.status === '200');
  const out = d.output();
  for (const secret of ['KEYSECRET0815', 'OOBSECRET4711', 'PASSWORDSECRET9', 'BEARERSECRET42', 'cred-carol',
    p.sessionInfo, fin.idToken, fin.refreshToken]) {
    assert.ok(!out.includes(secret), `${secret.slice(0, 20)}... is in the log:\n` +
      out.split('\n').filter((l) => l.includes(secret)).join('\n'));
  }
});

test('an injected fault is logged as a fault at info, not an error, and its access line names the rule', async () => {
  const rule = await addFault(d.url, { route: 'accounts.mfaSignIn.start', error: 'INTERNAL_ERROR', latencyMs: 120, count: 1 });
  const res = await call(d.url, START, { mfaPendingCredential: 'cred-tina', mfaEnrollmentId: 'tina-totp' });
  expectError(res, 500, 'INTERNAL_ERROR', { googleStatus: 'INTERNAL' });
  const a = await accessLine(d, (x) => x.fault === String(rule.id));
  assert.deepEqual([a.path, a.status, a.code], [START, '500', 'INTERNAL_ERROR'], a.line);
  assert.ok(a.ms >= 120, `the rule's latency is in the duration: ${a.line}`);
  assert.match(d.stdout(), new RegExp(`^${TIME} mfaemu: info: fault injected: rule ${rule.id} on ` +
    'accounts.mfaSignIn.start: error INTERNAL_ERROR, latency 120 ms$', 'm'));
  assert.ok(!/mfaemu: error:/.test(d.output()), `an error line:\n${d.stderr()}`);
  expectOk(await control(d.url, 'DELETE', '/faults'));
});

test('--log-format json: every line is one JSON object with time, level, msg and the fields', async () => {
  const j = await startDaemon({ fixtures: [fixture()], args: ['--log-format', 'json'] });
  try {
    await startPhone(j.url, 'cred-erin', 'erin-phone', { tenantId: 'tenant-a' });
    expectError(await call(j.url, START, { mfaPendingCredential: 'nope', mfaEnrollmentId: 'x' }), 400,
      'INVALID_MFA_PENDING_CREDENTIAL');
    // What a client sends stays inside its field: quotes, backslashes,
    // line breaks and non-ASCII bytes cannot break a line or its JSON.
    const odd = await call(j.url, START, { mfaPendingCredential: 'nope', mfaEnrollmentId: 'x', tenantId: 'a"b\\c\u00e9\n' });
    assert.equal(odd.status, 400, odd.text);
    const rule = await addFault(j.url, { route: 'accounts.mfaSignIn.start', drop: true, count: 1 });
    await assert.rejects(call(j.url, START, { mfaPendingCredential: 'cred-alice', mfaEnrollmentId: 'alice-phone' }));
    const parsed = () => j.output().split('\n').filter(Boolean).map((l) => {
      try { return JSON.parse(l); } catch { assert.fail(`not JSON: ${l}`); }
      return null;
    });
    await waitForStdout(j, () => parsed().some((o) => o.msg === 'access' && o.fault === rule.id));
    const lines = parsed();
    for (const o of lines) {
      assert.match(o.time, new RegExp(`^${TIME}$`), JSON.stringify(o));
      assert.ok(['info', 'warn', 'error', 'debug'].includes(o.level), JSON.stringify(o));
      assert.equal(typeof o.msg, 'string', JSON.stringify(o));
    }
    const ready = lines.find((o) => /listening on http/.test(o.msg));
    assert.equal(ready?.url, j.url);
    const sms = lines.find((o) => o.msg.startsWith('sms: '));
    assert.deepEqual([sms.phoneNumber, sms.projectId, sms.tenantId], ['+15555550104', PROJECT, 'tenant-a'], JSON.stringify(sms));
    assert.match(sms.code, /^\d{6}$/);
    assert.ok(sms.msg.includes(sms.code), sms.msg);
    const access = lines.filter((o) => o.msg === 'access' && o.path === START);
    const ok = access.find((o) => o.status === 200);
    assert.deepEqual({ ...ok, time: 0, durationMs: 0 }, {
      time: 0, level: 'info', msg: 'access', method: 'POST', path: START, status: 200, code: null,
      projectId: PROJECT, tenantId: 'tenant-a', localId: 'erin', fault: null, durationMs: 0,
    });
    assert.equal(typeof ok.durationMs, 'number');
    assert.ok(access.some((o) => o.status === 400 && o.code === 'INVALID_MFA_PENDING_CREDENTIAL' && o.localId === null));
    assert.ok(access.some((o) => o.tenantId === 'a"b\\c???'), JSON.stringify(access.map((o) => o.tenantId)));
    const dropped = access.find((o) => o.fault === rule.id);
    assert.deepEqual([dropped.status, dropped.code], [null, 'DROPPED']);
    const fault = lines.find((o) => o.msg.startsWith('fault injected'));
    assert.deepEqual([fault.level, fault.rule, fault.action, fault.route], ['info', rule.id, 'drop', 'accounts.mfaSignIn.start']);
  } finally {
    await j.stop();
  }
});

test('--log-format and MFAEMU_LOG_FORMAT accept only text or json', async () => {
  const r = await runDaemon(['--port', '0', '--log-format', 'xml']);
  assert.equal(r.code, 2, r.output);
  assert.match(r.output, /--log-format: expected text or json, got 'xml'/);
  const e = await runDaemon(['--port', '0'], { env: { MFAEMU_LOG_FORMAT: 'JSONL' } });
  assert.equal(e.code, 2, e.output);
  assert.match(e.output, /MFAEMU_LOG_FORMAT: expected text or json, got 'JSONL'/);
});

test('--access-log false: no access lines, other info lines stay', async () => {
  const q = await startDaemon({ fixtures: [fixture()], args: ['--access-log', 'false'] });
  try {
    await startPhone(q.url, 'cred-alice', 'alice-phone');
    assert.ok(await waitForStdout(q, (t) => / mfaemu: info: sms: code /.test(t)), q.stdout());
    assert.deepEqual(accessLines(q.stdout()), []);
    assert.ok(!q.stdout().includes('access:'), q.stdout());
  } finally {
    await q.stop();
  }
});

// ---------------------------------------------------------------- --probe

/** An HTTP server on an ephemeral loopback port; returns {port, close()}. */
async function serve(handler) {
  const srv = handler instanceof net.Server ? handler : http.createServer(handler);
  const sockets = new Set();
  srv.on('connection', (c) => { sockets.add(c); c.on('close', () => sockets.delete(c)); });
  await new Promise((r) => srv.listen(0, '127.0.0.1', r));
  return {
    port: srv.address().port,
    close: () => new Promise((r) => {
      for (const c of sockets) c.destroy();
      srv.close(r);
    }),
  };
}

const probe = (port) => runDaemon(['--probe', '--port', String(port)]);

test('--probe: mfaemu answers: exit 0 and one line with version, URL and project', async () => {
  const port = new URL(d.url).port;
  const r = await probe(port);
  assert.equal(r.code, 0, r.output);
  assert.match(r.output, new RegExp(`^mfaemu \\S+ ready at http://127\\.0\\.0\\.1:${port} \\(project ${PROJECT}\\)\\n$`));
});

test('--probe: another HTTP server: exit 1 with its status, Server header and first bytes', async () => {
  const s = await serve((req, res) => {
    res.writeHead(200, { 'content-type': 'application/json', server: 'other-server/1.2' });
    res.end('{}');
  });
  try {
    const r = await probe(s.port);
    assert.equal(r.code, 1, r.output);
    assert.match(r.output, /is an HTTP server but not mfaemu: 'HTTP\/1\.1 200 OK', Server: other-server\/1\.2, body '\{\}'/);
  } finally {
    await s.close();
  }
});

test('--probe: the Firebase Auth Emulator: exit 1 saying so', async () => {
  const s = await serve((req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ authEmulator: { ready: true, docs: 'https://firebase.google.com/docs/emulator-suite' } }));
  });
  try {
    const r = await probe(s.port);
    assert.equal(r.code, 1, r.output);
    assert.match(r.output, /is the Firebase Auth Emulator/);
  } finally {
    await s.close();
  }
});

test('--probe: nothing listening, or a server that never replies: exit 1 saying which', async () => {
  const s = await serve(() => {});
  const port = s.port;
  await s.close();
  const r = await probe(port);
  assert.equal(r.code, 1, r.output);
  assert.match(r.output, new RegExp(`nothing listening at http://127\\.0\\.0\\.1:${port} \\(connection refused\\)`));

  const mute = await serve(net.createServer(() => {}));
  try {
    const t0 = Date.now();
    const m = await probe(mute.port);
    assert.equal(m.code, 1, m.output);
    assert.match(m.output, /no reply from http:\/\/127\.0\.0\.1:\d+ within 2000 ms \(timeout\)/);
    assert.ok(Date.now() - t0 < 5000, 'the probe gave up in about 2 s');
  } finally {
    await mute.close();
  }
});
