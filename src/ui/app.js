// The mfaemu inspector: reads and steers the daemon through its own
// control plane (/emulator/v1/...) and Admin API, from the same origin.
// Every request carries X-Mfaemu-UI: 1 (the daemon refuses a browser's
// writes without it) and the control token when the daemon needs one.
'use strict';
(() => {
  const $ = (id) => document.getElementById(id);
  const C = '/emulator/v1';
  const st = { token: sessionStorage.getItem('mfaemu-token') || '', view: 'users', project: '',
    tenant: '', data: null, user: null, tokens: null, clock: null, catalog: null, keys: {} };

  function h(tag, attrs, ...kids) {
    const el = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (k === 'on') Object.entries(v).forEach(([e, f]) => el.addEventListener(e, f));
      else if (v !== undefined && v !== null && v !== false) el.setAttribute(k, v === true ? '' : String(v));
    }
    for (const kid of kids.flat()) if (kid !== null && kid !== undefined) el.append(kid.nodeType ? kid : String(kid));
    return el;
  }

  function status(text, error = false) {
    $('status').textContent = text;
    $('status').className = error ? 'error' : '';
  }

  class ApiError extends Error {
    constructor(res, body) {
      super(body?.error?.message || `HTTP ${res.status}`);
      this.status = res.status;
    }
  }

  async function api(method, path, body) {
    const headers = { 'X-Mfaemu-UI': '1', Authorization: `Bearer ${st.token || 'owner'}` };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    const res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await res.text();
    let json = null;
    try { json = text ? JSON.parse(text) : {}; } catch { json = null; }
    if (res.status === 401 && path.startsWith(C)) locked(true);
    if (!res.ok) throw new ApiError(res, json);
    return json;
  }

  // Run an action and report its outcome; never let a rejection escape.
  async function act(label, fn) {
    try {
      const r = await fn();
      status(label);
      await refresh(true);
      return r;
    } catch (e) {
      status(`${label}: failed: ${e.message}`, true);
      return null;
    }
  }

  const realm = () => `/projects/${encodeURIComponent(st.project)}` +
    (st.tenant ? `/tenants/${encodeURIComponent(st.tenant)}` : '');
  const adminPath = (method) => `/v1${realm()}/accounts:${method}`;
  const when = (ms) => (ms ? new Date(Number(ms)).toISOString().replace('.000Z', 'Z') : '');

  function copyButton(text, what) {
    return h('button', { type: 'button', 'aria-label': `Copy ${what}`, on: { click: async () => {
      try { await navigator.clipboard.writeText(text); status(`Copied ${what}`); } catch { status(`Copy ${what}: ${text}`); }
    } } }, 'Copy');
  }

  function locked(yes) {
    $('token-form').hidden = !yes;
    $('tabs').hidden = yes;
    $('realm').hidden = yes;
    for (const s of document.querySelectorAll('main > section')) s.hidden = true;
    if (yes) { st.data = null; $('clock').textContent = ''; $('token').focus(); } else show(st.view);
  }

  // ------------------------------------------------------------ data

  async function loadState() {
    st.data = await api('GET', `${C}/export?credentials=true&sessions=true`);
    const projects = st.data.projects || [];
    if (!projects.some((p) => p.projectId === st.project)) st.project = projects[0]?.projectId || '';
    fillSelect($('project'), projects.map((p) => [p.projectId, p.projectId]), st.project);
    const proj = projects.find((p) => p.projectId === st.project);
    const tenants = (proj?.tenants || []).map((t) => t.tenantId);
    if (!tenants.includes(st.tenant)) st.tenant = '';
    fillSelect($('tenant'), [['', '(none)'], ...tenants.map((t) => [t, t])], st.tenant);
  }

  function fillSelect(sel, opts, value) {
    const key = JSON.stringify(opts);
    if (sel.dataset.key !== key) {
      sel.replaceChildren(...opts.map(([v, t]) => h('option', { value: v }, t)));
      sel.dataset.key = key;
    }
    sel.value = value;
  }

  const project = () => (st.data?.projects || []).find((p) => p.projectId === st.project) || {};
  const users = () => (project().users || []).filter((u) => (u.tenantId || '') === st.tenant);
  const kind = (f) => (f.totpInfo ? 'totp' : 'phone');
  const factorText = (f) => `${kind(f)} ${f.phoneInfo || ''} ${f.displayName || ''}`.replace(/\s+/g, ' ').trim();

  // Render into `el` only when what it shows changed (keeps focus and selection).
  function render(el, key, build) {
    const k = JSON.stringify(key);
    if (st.keys[el.id] === k) return;
    st.keys[el.id] = k;
    el.replaceChildren(...build());
  }

  // ------------------------------------------------------------ users

  function renderUsers() {
    const q = $('search').value.trim().toLowerCase();
    const list = users().filter((u) => !q || [u.email, u.localId, u.phoneNumber, u.displayName,
      ...(u.mfaInfo || []).map(factorText)].some((s) => s && s.toLowerCase().includes(q)));
    $('users-empty').hidden = list.length > 0;
    render($('users'), [q, list], () => list.map((u) => h('tr', {},
      h('td', {}, u.email || ''),
      h('td', {}, h('button', { type: 'button', class: 'mono', on: { click: () => openUser(u.localId) } }, u.localId)),
      h('td', {}, [u.passwordHash ? 'password' : null, u.phoneNumber ? 'phone' : null,
        ...(u.providerUserInfo || []).map((p) => p.providerId)].filter(Boolean).join(', ')),
      h('td', {}, u.emailVerified ? 'yes' : 'no'),
      h('td', {}, u.disabled ? h('span', { class: 'bad' }, 'disabled') : 'no'),
      h('td', {}, (u.mfaInfo || []).map((f) => h('div', {}, factorText(f)))),
      h('td', {}, when(u.lastLoginAt)))));
  }

  function openUser(localId) {
    st.user = localId;
    show('user');
  }

  function currentUser() { return users().find((u) => u.localId === st.user); }

  function renderUser() {
    const u = currentUser();
    if (!u) { st.user = null; show('users'); return; }
    $('h-user').textContent = `User ${u.email || u.localId}`;
    render($('user-facts'), u, () => [['localId', u.localId], ['email', u.email], ['phone', u.phoneNumber],
      ['display name', u.displayName], ['email verified', u.emailVerified ? 'yes' : 'no'],
      ['disabled', u.disabled ? 'yes' : 'no'], ['created', when(u.createdAt)], ['last login', when(u.lastLoginAt)],
      ['tokens valid since', u.validSince ? when(Number(u.validSince) * 1000) : '']]
      .filter(([, v]) => v).flatMap(([k, v]) => [h('dt', {}, k), h('dd', {}, v)]));
    document.querySelector('[data-act="disable"]').textContent = u.disabled ? 'Enable user' : 'Disable user';
    render($('factors'), u.mfaInfo || [], () => (u.mfaInfo || []).map((f) => factorCard(u, f)));
    if (!(u.mfaInfo || []).length) $('factors').replaceChildren(h('li', { class: 'muted' }, 'No second factors.'));
    const creds = (project().pendingCredentials || []).filter((c) => c.localId === u.localId);
    render($('creds'), creds, () => creds.map((c) => h('tr', {},
      h('td', {}, h('code', {}, c.mfaPendingCredential), ' ', copyButton(c.mfaPendingCredential, 'credential')),
      h('td', {}, c.signInProvider), h('td', {}, c.expireTime),
      h('td', {}, c.usedTime ? 'used' : (c.failedAttempts ? `${c.failedAttempts} failed` : 'open')))));
    const ids = new Set((u.mfaInfo || []).map((f) => f.mfaEnrollmentId));
    const sess = (project().smsSessions || []).filter((s) => ids.has(s.mfaEnrollmentId));
    render($('sessions'), sess, () => sess.map((s) => h('tr', {},
      h('td', {}, h('code', {}, s.sessionInfo.slice(0, 24) + '…')), h('td', {}, s.phoneNumber),
      h('td', {}, h('code', {}, s.code), ' ', copyButton(s.code, 'code')), h('td', {}, s.expireTime),
      h('td', {}, s.attempts || 0), h('td', {}, sessionState(s)))));
    const toks = st.tokens?.localId === u.localId ? st.tokens.refreshTokens : [];
    $('tokens-more').hidden = !st.tokens?.truncated;
    render($('tokens'), toks, () => (toks.length ? toks.map((t) => h('tr', {},
      h('td', {}, h('code', { class: 'token-prefix' }, `${t.tokenPrefix}…`)), h('td', {}, t.createTime),
      h('td', {}, t.authTime || ''), h('td', {}, t.secondFactor ? `${t.secondFactor} ${t.mfaEnrollmentId || ''}` : ''),
      h('td', {}, t.state === 'revoked' ? h('span', { class: 'bad' }, 'revoked') : t.state)))
      : [h('tr', {}, h('td', { colspan: 5, class: 'muted' }, 'No refresh tokens.'))]));
    tickTotp();
  }

  // The user's refresh tokens (prefixes only; the daemon never shows more).
  async function loadTokens() {
    if (!currentUser()) { st.tokens = null; return; }
    st.tokens = await api('GET', `${C}${realm()}/accounts/${encodeURIComponent(st.user)}/refreshTokens`);
  }

  function sessionState(s) {
    if (s.consumedTime) return 'used';
    if (st.clock && Date.parse(s.expireTime) <= st.clock.nowMillis) return 'expired';
    return 'open';
  }

  function otpauth(u, t) {
    const label = encodeURIComponent(`mfaemu:${u.email || u.localId}`);
    return `otpauth://totp/${label}?secret=${t.sharedSecretKey}&issuer=mfaemu` +
      `&algorithm=${t.hashingAlgorithm || 'SHA1'}&digits=${t.verificationCodeLength || 6}&period=${t.periodSec || 30}`;
  }

  function factorCard(u, f) {
    const li = h('li', { 'data-enrollment': f.mfaEnrollmentId },
      h('strong', {}, `${kind(f) === 'totp' ? 'TOTP' : 'Phone'}: ${f.displayName || '(no name)'}`),
      h('div', { class: 'mono muted' }, f.mfaEnrollmentId),
      f.phoneInfo ? h('div', {}, f.phoneInfo) : null);
    if (f.totpInfo) {
      const uri = otpauth(u, f.totpInfo);
      li.append(h('div', { 'aria-label': 'current TOTP code' },
        h('span', { class: 'code totp-code', 'data-secret': f.totpInfo.sharedSecretKey,
          'data-alg': f.totpInfo.hashingAlgorithm || 'SHA1', 'data-digits': f.totpInfo.verificationCodeLength || 6,
          'data-period': f.totpInfo.periodSec || 30 }, '……'),
        ' ', h('span', { class: 'totp-left muted' })));
      li.append(mfaemuQr.svg(uri, 3), h('div', { class: 'mono' }, h('small', {}, uri)), copyButton(uri, 'otpauth URI'), ' ');
    }
    li.append(h('button', { type: 'button', class: 'danger', on: { click: () => setFactors(u,
      (u.mfaInfo || []).filter((x) => x.mfaEnrollmentId !== f.mfaEnrollmentId), 'Factor removed') } }, 'Remove factor'));
    return li;
  }

  function setFactors(u, list, label) {
    return act(label, () => api('POST', adminPath('update'), { localId: u.localId, mfa: { enrollments: list } }));
  }

  // ------------------------------------------------------------ TOTP

  function base32(bytes) {
    const A = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
    let bits = 0, val = 0, out = '';
    for (const b of bytes) {
      val = (val << 8) | b; bits += 8;
      while (bits >= 5) { out += A[(val >>> (bits - 5)) & 31]; bits -= 5; }
    }
    return bits ? out + A[(val << (5 - bits)) & 31] : out;
  }

  function unbase32(s) {
    const A = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567', out = [];
    let bits = 0, val = 0;
    for (const c of s.replace(/=+$/, '').toUpperCase()) {
      val = (val << 5) | A.indexOf(c); bits += 5;
      if (bits >= 8) { out.push((val >>> (bits - 8)) & 255); bits -= 8; }
    }
    return new Uint8Array(out);
  }

  // RFC 6238 at the emulator's clock (not the browser's: tests move it).
  async function totp(secret, alg, digits, step) {
    const hash = { SHA1: 'SHA-1', SHA256: 'SHA-256', SHA512: 'SHA-512' }[alg] || 'SHA-1';
    const key = await crypto.subtle.importKey('raw', unbase32(secret), { name: 'HMAC', hash }, false, ['sign']);
    const msg = new DataView(new ArrayBuffer(8));
    msg.setUint32(0, Math.floor(step / 2 ** 32)); msg.setUint32(4, step >>> 0);
    const mac = new Uint8Array(await crypto.subtle.sign('HMAC', key, msg.buffer));
    const o = mac[mac.length - 1] & 15;
    const n = ((mac[o] & 127) << 24) | (mac[o + 1] << 16) | (mac[o + 2] << 8) | mac[o + 3];
    return String(n % 10 ** digits).padStart(digits, '0');
  }

  function tickTotp() {
    if (!st.clock || !globalThis.crypto?.subtle) return;
    for (const el of document.querySelectorAll('.totp-code')) {
      const period = Number(el.dataset.period), sec = st.clock.nowMillis / 1000;
      const step = Math.floor(sec / period);
      el.nextElementSibling.textContent = `${Math.ceil(period - (sec % period))} s left`;
      if (el.dataset.step === String(step)) continue;
      el.dataset.step = String(step);
      totp(el.dataset.secret, el.dataset.alg, Number(el.dataset.digits), step)
        .then((c) => { el.textContent = c; }, () => { el.textContent = '(no code)'; });
    }
  }

  function userAction(name) {
    const u = currentUser();
    if (!u) return null;
    const up = (body, label) => act(label, () => api('POST', adminPath('update'), { localId: u.localId, ...body }));
    switch (name) {
      case 'disable': return up({ disableUser: !u.disabled }, u.disabled ? 'User enabled' : 'User disabled');
      case 'verify': return up({ emailVerified: true }, 'Email verified');
      case 'revoke': return up({ validSince: Math.ceil((st.clock?.nowMillis || Date.now()) / 1000) }, 'Tokens revoked');
      case 'mint': return act('Pending credential minted', () => api('POST', `${C}/projects/${encodeURIComponent(st.project)}/pendingCredentials`,
        st.tenant ? { localId: u.localId, tenantId: st.tenant } : { localId: u.localId }));
      case 'delete':
        if (!confirm(`Delete user ${u.localId}?`)) return null;
        return act('User deleted', () => api('POST', adminPath('delete'), { localId: u.localId }));
      default: return null;
    }
  }

  // ------------------------------------------------------------ live views

  async function refreshOutbox() {
    const [sms, oob] = await Promise.all([api('GET', `${C}${realm()}/verificationCodes?includeUsed=true`),
      api('GET', `${C}${realm()}/oobCodes?includeUsed=true`)]);
    const state = (x) => (x.used ? 'used' : x.expired ? 'expired' : x.exhausted ? 'exhausted' : 'open');
    const codes = (sms.verificationCodes || []).slice().reverse();
    render($('sms'), codes, () => codes.map((c) => h('tr', {},
      h('td', {}, c.phoneNumber), h('td', {}, h('code', { class: 'sms-code' }, c.code), ' ', copyButton(c.code, 'code')),
      h('td', {}, h('code', {}, (c.sessionInfo || '').slice(0, 24) + '…')), h('td', {}, state(c)))));
    const oobs = (oob.oobCodes || []).slice().reverse();
    render($('oob'), oobs, () => oobs.map((c) => h('tr', {},
      h('td', {}, c.email), h('td', {}, c.requestType), h('td', {}, h('code', {}, c.oobCode), ' ', copyButton(c.oobCode, 'code')),
      h('td', {}, copyButton(c.oobLink, 'link')), h('td', {}, state(c)))));
  }

  async function refreshEvents() {
    const r = await api('GET', `${C}/events?limit=500`);
    const all = (r.events || []).slice().sort((a, b) => b.seq - a.seq);
    const routes = [...new Set(all.map((e) => e.route).filter(Boolean))].sort();
    const sel = $('f-route'), keep = sel.value;
    fillSelect(sel, [['', 'any'], ...routes.map((x) => [x, x])], routes.includes(keep) ? keep : '');
    const fr = sel.value, fp = $('f-project').value.trim(), fs = $('f-status').value;
    const list = all.filter((e) => (!fr || e.route === fr) && (!fp || (e.path || '').includes(fp)) &&
      (!fs || String(e.status).startsWith(fs)));
    render($('events'), list, () => list.map((e) => h('tr', {},
      h('td', {}, e.time || ''), h('td', {}, e.method), h('td', {}, e.route || ''),
      h('td', { class: e.status >= 400 ? 'bad' : 'ok' }, e.status), h('td', {}, e.code || ''),
      h('td', {}, e.localId || ''), h('td', { class: 'mono' }, e.path || ''))));
  }

  async function refreshControl() {
    if (!st.catalog) {
      st.catalog = await api('GET', `${C}/catalog`);
      const f = $('fault-form');
      fillSelect(f.route, [['*', '* (every route)'], ...st.catalog.routes.map((r) => [r.name, r.name])], '*');
      fillSelect(f.error, [['', 'none'], ...st.catalog.errors.map((e) => [e.code, `${e.code} (${e.httpStatus})`])], '');
    }
    const r = await api('GET', `${C}/faults`);
    const list = r.faults || [];
    render($('faults'), list, () => list.map((x) => h('tr', {},
      h('td', {}, x.id), h('td', {}, x.route), h('td', {}, x.match ? JSON.stringify(x.match) : ''),
      h('td', {}, x.error || (x.drop ? 'drop' : '')), h('td', {}, x.latencyMs || ''),
      h('td', {}, x.count ?? x.remaining ?? '∞'), h('td', {}, x.fired),
      h('td', {}, h('button', { type: 'button', 'aria-label': `Remove fault rule ${x.id}`,
        on: { click: () => act('Fault rule removed', () => api('DELETE', `${C}/faults/${x.id}`)) } }, 'Remove')))));
  }

  async function refreshClock() {
    st.clock = await api('GET', `${C}/clock`);
    $('clock').textContent = `emulator time ${st.clock.now}${st.clock.frozen ? ' (frozen)' : ''}`;
    $('clock-now').textContent = st.clock.now;
    $('clock-frozen').textContent = st.clock.frozen ? '(frozen)' : '';
    $('clock-freeze').textContent = st.clock.frozen ? 'Thaw' : 'Freeze';
  }

  let busy = false;
  async function refresh(force = false) {
    if (busy && !force) return;
    busy = true;
    try {
      await refreshClock();
      if (st.view === 'users' || st.view === 'user') {
        await loadState();
        if (st.view === 'user') await loadTokens();
        if (st.view === 'users') renderUsers(); else renderUser();
      } else if (st.view === 'outbox') {
        await loadState();
        await refreshOutbox();
      } else if (st.view === 'events') await refreshEvents();
      else if (st.view === 'control') await refreshControl();
      if ($('status').className === 'error' && $('status').dataset.poll) status('');
    } catch (e) {
      if (e.status !== 401) { status(`Could not reach the emulator: ${e.message}`, true); $('status').dataset.poll = '1'; }
    } finally {
      busy = false;
    }
  }

  function show(view) {
    st.view = view;
    for (const s of document.querySelectorAll('main > section')) s.hidden = s.id !== `view-${view}`;
    for (const b of document.querySelectorAll('#tabs button')) {
      b.setAttribute('aria-pressed', String(b.dataset.view === view || (view === 'user' && b.dataset.view === 'users')));
    }
    st.keys = {};
    refresh(true);
  }

  // ------------------------------------------------------------ control

  async function loadFixture(file) {
    let doc;
    try { doc = JSON.parse(await file.text()); } catch (e) { status(`${file.name}: not JSON: ${e.message}`, true); return; }
    if ($('fixture-replace').checked && doc && typeof doc === 'object' && !Array.isArray(doc)) doc.replace = true;
    const r = await act(`Loaded ${file.name}`, () => api('POST', `${C}/fixtures`, doc));
    if (r) status(`Loaded ${file.name}: ${Object.entries(r).map(([k, v]) => `${v} ${k}`).join(', ')}`);
  }

  function wire() {
    $('token-form').addEventListener('submit', async (ev) => {
      ev.preventDefault();
      st.token = $('token').value;
      try {
        await api('GET', `${C}/clock`);
        sessionStorage.setItem('mfaemu-token', st.token);
        status('');
        locked(false);
      } catch (e) { status(`Token refused: ${e.message}`, true); }
    });
    for (const b of document.querySelectorAll('#tabs button')) b.addEventListener('click', () => show(b.dataset.view));
    $('project').addEventListener('change', () => { st.project = $('project').value; st.tenant = ''; st.keys = {}; refresh(true); });
    $('tenant').addEventListener('change', () => { st.tenant = $('tenant').value; st.keys = {}; refresh(true); });
    $('search').addEventListener('input', renderUsers);
    $('back').addEventListener('click', () => show('users'));
    for (const b of document.querySelectorAll('#user-actions button, #token-actions button')) b.addEventListener('click', () => userAction(b.dataset.act));
    $('add-phone').addEventListener('submit', (ev) => {
      ev.preventDefault();
      const u = currentUser(), f = ev.target;
      const e = { phoneInfo: f.phone.value.trim() };
      if (f.name.value) e.displayName = f.name.value;
      setFactors(u, [...(u.mfaInfo || []), e], 'Phone factor added');
    });
    $('add-totp').addEventListener('submit', (ev) => {
      ev.preventDefault();
      const u = currentUser(), f = ev.target;
      const e = { totpInfo: { sharedSecretKey: base32(crypto.getRandomValues(new Uint8Array(20))),
        hashingAlgorithm: f.alg.value, verificationCodeLength: Number(f.digits.value), periodSec: Number(f.period.value) } };
      if (f.name.value) e.displayName = f.name.value;
      setFactors(u, [...(u.mfaInfo || []), e], 'TOTP factor added');
    });
    for (const id of ['f-route', 'f-project', 'f-status']) $(id).addEventListener('input', () => refresh(true));
    $('events-clear').addEventListener('click', () => act('Request log cleared', () => api('DELETE', `${C}/events`)));
    $('clock-form').addEventListener('submit', (ev) => {
      ev.preventDefault();
      const s = Number(ev.target.seconds.value);
      act(`Clock advanced ${s} s`, () => api('POST', `${C}/clock`, { advanceSeconds: s }));
    });
    $('clock-freeze').addEventListener('click', () => act(st.clock?.frozen ? 'Clock thawed' : 'Clock frozen',
      () => api('POST', `${C}/clock`, { freeze: !st.clock?.frozen })));
    $('clock-reset').addEventListener('click', () => act('Clock back to real time',
      () => api('POST', `${C}/clock`, { reset: true })));
    $('fault-form').addEventListener('submit', (ev) => {
      ev.preventDefault();
      const f = ev.target, rule = { route: f.route.value };
      if (f.error.value) rule.error = f.error.value;
      if (Number(f.latency.value) > 0) rule.latencyMs = Number(f.latency.value);
      if (f.phone.value.trim()) rule.match = { phoneNumber: f.phone.value.trim() };
      if (f.count.value) rule.count = Number(f.count.value);
      if (f.probability.value !== '' && Number(f.probability.value) !== 1) rule.probability = Number(f.probability.value);
      act('Fault rule added', () => api('POST', `${C}/faults`, rule));
    });
    $('reset').addEventListener('click', () => {
      if (confirm('Reset everything: users, codes, fault rules, events and the clock?')) {
        act('State reset', () => api('DELETE', `${C}/state`));
      }
    });
    $('export').addEventListener('click', async () => {
      try {
        const doc = await api('GET', `${C}/export?credentials=true&sessions=true`);
        const a = h('a', { href: URL.createObjectURL(new Blob([JSON.stringify(doc, null, 2)], { type: 'application/json' })),
          download: 'mfaemu-state.json' });
        a.click();
        URL.revokeObjectURL(a.href);
        status('Exported mfaemu-state.json');
      } catch (e) { status(`Export failed: ${e.message}`, true); }
    });
    $('fixture-file').addEventListener('change', (ev) => { if (ev.target.files[0]) loadFixture(ev.target.files[0]); });
    const drop = $('drop');
    drop.addEventListener('dragover', (ev) => { ev.preventDefault(); drop.classList.add('over'); });
    drop.addEventListener('dragleave', () => drop.classList.remove('over'));
    drop.addEventListener('drop', (ev) => {
      ev.preventDefault();
      drop.classList.remove('over');
      if (ev.dataTransfer.files[0]) loadFixture(ev.dataTransfer.files[0]);
    });
  }

  async function boot() {
    wire();
    try {
      // GET / says whether a token is needed: ask before any 401.
      const root = await (await fetch('/', { headers: { Accept: 'application/json' } })).json();
      if (root.authEmulator?.controlTokenRequired && !st.token) { locked(true); return; }
      await api('GET', `${C}/clock`);
      locked(false);
    } catch (e) {
      if (e.status !== 401) status(`Could not reach the emulator: ${e.message}`, true);
    } finally {
      setInterval(() => { if ($('token-form').hidden) refresh(); tickTotp(); }, 1000);
    }
  }

  boot();
})();
