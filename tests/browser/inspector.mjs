// The web inspector (/emulator/ui/) in a real browser: Debian's Chromium
// driven by puppeteer-core (no browser download). Each test drives the page
// like a person and checks the outcome through the API, or the other way
// round. Ends with "browser: N passed, N failed". Screenshots of the main
// views go to tests/browser/out/; with --readme they also replace
// docs/img/*.png, the README's pictures.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import puppeteer from 'puppeteer-core';
import { call, startDaemon, writeFixture } from '../lib/daemon.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const OUT = path.join(HERE, 'out');
const README_IMG = path.join(HERE, '..', '..', 'docs', 'img');
const README = process.argv.includes('--readme');
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const P = 'demo-project';
const FIXTURE = {
  projectId: P,
  mfa: { phone: true, totp: true },
  tenants: [{ tenantId: 'tenant-a' }],
  users: [
    { localId: 'dora', email: 'dora@example.com', password: 'dora-password', emailVerified: true,
      mfaInfo: [{ mfaEnrollmentId: 'dora-phone', displayName: 'Work phone', phoneInfo: '+15555550123' }] },
    { localId: 'erin', email: 'erin@example.com', password: 'erin-password' },
    { localId: 'finn', email: 'finn@example.com', password: 'finn-password', disabled: true,
      mfaInfo: [{ mfaEnrollmentId: 'finn-phone', phoneInfo: '+15555550124' }] },
  ],
};

const tests = [];
const test = (name, fn) => tests.push({ name, fn });

let browser, daemon, consoleErrors = [];

async function openPage(url, { watch = true } = {}) {
  const page = await browser.newPage();
  await page.setViewport({ width: 1200, height: 760 });
  if (watch) {
    page.on('console', (m) => { if (m.type() === 'error') consoleErrors.push(`${url}: ${m.text()}`); });
    page.on('pageerror', (e) => consoleErrors.push(`${url}: ${e.message}`));
  }
  page.on('dialog', (d) => d.accept());
  await page.goto(url, { waitUntil: 'load' });
  return page;
}

async function shot(page, name) {
  fs.mkdirSync(OUT, { recursive: true });
  const file = path.join(OUT, `${name}.png`);
  await page.screenshot({ path: file });
  if (README && ['users', 'user', 'outbox', 'control'].includes(name)) {
    fs.mkdirSync(README_IMG, { recursive: true });
    fs.copyFileSync(file, path.join(README_IMG, `${name}.png`));
  }
}

const api = (p, body, opts) => call(daemon.url, p, body, opts);
const admin = { key: null, headers: { authorization: 'Bearer owner' } };

async function startSms(localId, enrollment) {
  const cred = (await api(`/emulator/v1/projects/${P}/pendingCredentials`, { localId }, { key: null })).json.mfaPendingCredential;
  const r = await api('/v2/accounts/mfaSignIn:start', { mfaPendingCredential: cred, mfaEnrollmentId: enrollment });
  return { cred, r };
}

async function tab(page, view) {
  await page.click(`#tabs button[data-view="${view}"]`);
  await page.waitForSelector(`#view-${view}:not([hidden])`);
}

test('a sign-in started through the API shows its code in the outbox panel', async () => {
  const page = await openPage(`${daemon.url}/emulator/ui/`);
  await tab(page, 'outbox');
  const { r } = await startSms('dora', 'dora-phone');
  assert.equal(r.status, 200, r.text);
  const codes = (await api(`/emulator/v1/projects/${P}/verificationCodes`, undefined, { key: null, method: 'GET' })).json;
  const mine = codes.verificationCodes.find((c) => c.sessionInfo === r.json.phoneResponseInfo.sessionInfo);
  await page.waitForFunction((code) => [...document.querySelectorAll('#sms .sms-code')].some((e) => e.textContent === code),
    { timeout: 5000 }, mine.code);
  await shot(page, 'outbox');
  await page.close();
});

test('a TOTP factor added in the page and the code it shows finalize a sign-in', async () => {
  const page = await openPage(`${daemon.url}/emulator/ui/`);
  await page.waitForSelector('#users button');
  await shot(page, 'users');
  await page.$$eval('#users button', (bs) => bs.find((b) => b.textContent === 'erin').click());
  await page.waitForSelector('#view-user:not([hidden])');
  await page.click('#add-totp button[type="submit"]');
  await page.waitForFunction(() => /^\d{6}$/.test(document.querySelector('.totp-code')?.textContent || ''), { timeout: 5000 });
  const code = await page.$eval('.totp-code', (e) => e.textContent);
  const enrollment = await page.$eval('#factors li[data-enrollment]', (e) => e.dataset.enrollment);
  await shot(page, 'user');
  if (fs.existsSync('/usr/bin/zbarimg')) {
    const file = path.join(OUT, 'qr.png');
    await (await page.$('#factors svg')).screenshot({ path: file });
    const text = execFileSync('/usr/bin/zbarimg', ['-q', '--raw', file], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    assert.match(text, /^otpauth:\/\/totp\/mfaemu%3Aerin%40example\.com\?secret=[A-Z2-7]{32}&issuer=mfaemu/);
  }
  const cred = (await api(`/emulator/v1/projects/${P}/pendingCredentials`, { localId: 'erin' }, { key: null })).json.mfaPendingCredential;
  const fin = await api('/v2/accounts/mfaSignIn:finalize', { mfaPendingCredential: cred, mfaEnrollmentId: enrollment,
    totpVerificationInfo: { verificationCode: code } });
  assert.equal(fin.status, 200, fin.text);
  assert.ok(fin.json.idToken);
  await page.close();
});

test('advancing the clock in the page makes an SMS session expire', async () => {
  const { cred, r } = await startSms('dora', 'dora-phone');
  const sessionInfo = r.json.phoneResponseInfo.sessionInfo;
  const codes = (await api(`/emulator/v1/projects/${P}/verificationCodes`, undefined, { key: null, method: 'GET' })).json;
  const code = codes.verificationCodes.find((c) => c.sessionInfo === sessionInfo).code;
  const page = await openPage(`${daemon.url}/emulator/ui/`);
  await tab(page, 'control');
  const before = (await api('/emulator/v1/clock', undefined, { key: null, method: 'GET' })).json.nowMillis;
  await page.$eval('#clock-form input[name="seconds"]', (e) => { e.value = ''; });
  await page.type('#clock-form input[name="seconds"]', '301');
  await page.click('#clock-form button[type="submit"]');
  await page.waitForFunction(() => /Clock advanced/.test(document.getElementById('status').textContent));
  const after = (await api('/emulator/v1/clock', undefined, { key: null, method: 'GET' })).json.nowMillis;
  assert.ok(after - before >= 301_000, `clock moved ${after - before} ms`);
  const fin = await api('/v2/accounts/mfaSignIn:finalize', { mfaPendingCredential: cred, mfaEnrollmentId: 'dora-phone',
    phoneVerificationInfo: { sessionInfo, code } });
  assert.equal(fin.status, 400, fin.text);
  assert.match(fin.json.error.message, /^SESSION_EXPIRED/);
  await page.click('#clock-reset');
  await page.waitForFunction(() => /Clock back to real time/.test(document.getElementById('status').textContent));
  const real = (await api('/emulator/v1/clock', undefined, { key: null, method: 'GET' })).json;
  assert.equal(real.offsetMillis, 0, JSON.stringify(real));
  assert.equal(real.frozen, false);
  await page.close();
});

test('a sign-in through the API shows its refresh token on the user page, and the page revokes it', async () => {
  const { cred, r } = await startSms('dora', 'dora-phone');
  const sessionInfo = r.json.phoneResponseInfo.sessionInfo;
  const codes = (await api(`/emulator/v1/projects/${P}/verificationCodes`, undefined, { key: null, method: 'GET' })).json;
  const code = codes.verificationCodes.find((c) => c.sessionInfo === sessionInfo).code;
  const fin = await api('/v2/accounts/mfaSignIn:finalize', { mfaPendingCredential: cred, mfaEnrollmentId: 'dora-phone',
    phoneVerificationInfo: { sessionInfo, code } });
  assert.equal(fin.status, 200, fin.text);
  const prefix = `${fin.json.refreshToken.slice(0, 8)}…`;
  const page = await openPage(`${daemon.url}/emulator/ui/`);
  await page.waitForSelector('#users button');
  await page.$$eval('#users button', (bs) => bs.find((b) => b.textContent === 'dora').click());
  await page.waitForFunction((p) => [...document.querySelectorAll('#tokens tr')].some((tr) =>
    tr.querySelector('.token-prefix')?.textContent === p && /active/.test(tr.textContent)), { timeout: 5000 }, prefix);
  assert.ok(!(await page.content()).includes(fin.json.refreshToken), 'the page shows the whole token');
  await page.click('#token-actions button[data-act="revoke"]');
  await page.waitForFunction((p) => [...document.querySelectorAll('#tokens tr')].some((tr) =>
    tr.querySelector('.token-prefix')?.textContent === p && /revoked/.test(tr.textContent)), { timeout: 5000 }, prefix);
  const ex = await api('/v1/token', { grant_type: 'refresh_token', refresh_token: fin.json.refreshToken });
  assert.equal(ex.status, 400, ex.text);
  assert.match(ex.json.error.message, /^TOKEN_EXPIRED/);
  await page.close();
});

test('a fault added in the form fires on the next request and stops when removed', async () => {
  const page = await openPage(`${daemon.url}/emulator/ui/`);
  await tab(page, 'control');
  await page.waitForSelector('#fault-form select[name="route"] option[value="accounts.mfaSignIn.start"]');
  await page.select('#fault-form select[name="route"]', 'accounts.mfaSignIn.start');
  await page.select('#fault-form select[name="error"]', 'QUOTA_EXCEEDED');
  await page.click('#fault-form button[type="submit"]');
  await page.waitForSelector('#faults tr');
  await shot(page, 'control');
  let { r } = await startSms('dora', 'dora-phone');
  assert.equal(r.status, 400, r.text);
  assert.match(r.json.error.message, /^QUOTA_EXCEEDED/);
  await page.click('#faults tr button');
  await page.waitForFunction(() => document.querySelectorAll('#faults tr').length === 0, { timeout: 5000 });
  ({ r } = await startSms('dora', 'dora-phone'));
  assert.equal(r.status, 200, r.text);
  await tab(page, 'events');
  await page.waitForFunction(() => document.querySelector('#events')?.textContent.includes('QUOTA_EXCEEDED'), { timeout: 5000 });
  await page.select('#f-status', '4');
  await shot(page, 'requests');
  await page.close();
});

test('with --control-token the page shows nothing until the token is given', async () => {
  const fx = writeFixture(FIXTURE);
  const locked = await startDaemon({ fixtures: [fx], args: ['--control-token', 'sesame-4411'] });
  try {
    const page = await openPage(`${locked.url}/emulator/ui/`);
    await page.waitForSelector('#token-form:not([hidden])');
    await new Promise((r) => setTimeout(r, 1500)); // a poll would have run
    const text = await page.$eval('body', (b) => b.innerText);
    assert.ok(!text.includes('dora'), 'user data shown without the token');
    assert.equal(await page.$eval('#tabs', (e) => e.hidden), true);
    await shot(page, 'token');
    await page.type('#token', 'sesame-4411');
    await page.click('#token-form button[type="submit"]');
    await page.waitForFunction(() => document.querySelector('#users')?.textContent.includes('dora@example.com'), { timeout: 5000 });
    await page.close();
  } finally {
    await locked.stop();
  }
});

test('a write from another origin is refused and changes nothing', async () => {
  const evil = http.createServer((req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/html' });
    res.end('<!doctype html><title>elsewhere</title><p>elsewhere</p>');
  });
  await new Promise((r) => evil.listen(0, '127.0.0.1', r));
  try {
    const page = await openPage(`http://127.0.0.1:${evil.address().port}/`, { watch: false });
    const status = await page.evaluate(async (target) => {
      const tries = [
        fetch(`${target}/emulator/v1/state`, { method: 'DELETE', headers: { 'X-Mfaemu-UI': '1' } }),
        fetch(`${target}/v1/projects/demo-project/accounts:delete`, { method: 'POST',
          headers: { 'X-Mfaemu-UI': '1', 'Content-Type': 'application/json', Authorization: 'Bearer owner' },
          body: JSON.stringify({ localId: 'dora' }) }),
        fetch(`${target}/emulator/v1/clock`, { method: 'POST', mode: 'no-cors', body: '{"advanceSeconds": 9999}' }),
      ];
      return Promise.all(tries.map((p) => p.then((r) => r.status, (e) => `error ${e.message}`)));
    }, daemon.url);
    assert.equal(status[0], 403, JSON.stringify(status));
    assert.equal(status[1], 403, JSON.stringify(status));
    const users = await api(`/v1/projects/${P}/accounts:lookup`, { localId: ['dora'] }, admin);
    assert.equal(users.json.users?.length, 1, users.text);
    await page.close();
  } finally {
    evil.close();
  }
});

// Chromium resolves rebind.test to 127.0.0.1 (--host-resolver-rules), as
// an attacker's DNS would after the page loaded: to the browser the page
// and the daemon are then one origin.
test('DNS rebinding: the daemon reached as another name serves neither the page nor the control plane', async () => {
  const port = new URL(daemon.url).port;
  const page = await openPage(`http://rebind.test:${port}/emulator/ui/`, { watch: false });
  assert.match(await page.content(), /UNTRUSTED_HOST/);
  const status = await page.evaluate(async () => {
    const tries = [
      fetch('/emulator/v1/state', { method: 'DELETE', headers: { 'X-Mfaemu-UI': '1' } }),
      fetch('/emulator/v1/export'),
      fetch('/v1/projects/demo-project/accounts:lookup', { method: 'POST',
        headers: { 'X-Mfaemu-UI': '1', 'Content-Type': 'application/json', Authorization: 'Bearer owner' },
        body: JSON.stringify({ localId: ['dora'] }) }),
    ];
    return Promise.all(tries.map((p) => p.then((r) => r.status, (e) => `error ${e.message}`)));
  });
  assert.deepEqual(status, [403, 403, 403]);
  const users = await api(`/v1/projects/${P}/accounts:lookup`, { localId: ['dora'] }, admin);
  assert.equal(users.json.users?.length, 1, users.text);
  await page.close();
});

async function main() {
  const fx = writeFixture(FIXTURE);
  daemon = await startDaemon({ fixtures: [fx] });
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'mfaemu-chromium-'));
  browser = await puppeteer.launch({
    executablePath: CHROMIUM,
    headless: true,
    userDataDir: profile,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
      '--host-resolver-rules=MAP rebind.test 127.0.0.1'],
  });
  let passed = 0, failed = 0;
  for (const t of tests) {
    consoleErrors = [];
    try {
      await t.fn();
      assert.deepEqual(consoleErrors, [], 'console errors on the inspector');
      passed++;
      console.log(`ok - ${t.name}`);
    } catch (e) {
      failed++;
      console.log(`not ok - ${t.name}\n  ${String(e.stack || e).split('\n').join('\n  ')}`);
    }
  }
  await browser.close();
  await daemon.stop();
  fs.rmSync(profile, { recursive: true, force: true });
  console.log(`browser: ${passed} passed, ${failed} failed`);
  process.exit(failed ? 1 : 0);
}

main().catch((e) => {
  console.log(String(e.stack || e));
  console.log('browser: 0 passed, 1 failed');
  process.exit(1);
});
