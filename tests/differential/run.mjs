// The differential suite: replay the corpus against mfaemu and the Firebase
// Auth Emulator, compare each reply (status, error CODE, field paths) and
// check every difference against differences.json. Prints a TAP-ish line
// per case, then "differential: N passed, N failed".
//
//   node run.mjs                 the suite
//   node run.mjs --only TEXT     cases whose id contains TEXT (no list check)
//   node run.mjs --dump          also print both replies of each difference
//   node run.mjs --stubs         print unlisted differences as JSON entries

import fs from 'node:fs';
import path from 'node:path';
import { CASES, loadDifferences, render, COMPAT_PATH } from './compat.mjs';
import { EMU, Server, diff, shape, startFirebase, startMfaemu } from './lib.mjs';
import { SetupError, uniq } from './flows.mjs';

const args = process.argv.slice(2);
const only = args.includes('--only') ? args[args.indexOf('--only') + 1] : null;
const dump = args.includes('--dump');
const stubs = args.includes('--stubs');

let passed = 0;
let failed = 0;
let n = 0;
function report(good, text, detail) {
  n += 1;
  if (good) passed += 1; else failed += 1;
  console.log(`${good ? 'ok' : 'not ok'} ${n} - ${text}`);
  if (detail) console.log(detail.split('\n').map((l) => `  # ${l}`).join('\n'));
}

/** The replies a case returned, as [[key, reply], ...]. */
function replies(id, result) {
  if (result && typeof result.status === 'number') return [[id, result]];
  return Object.entries(result).map(([label, r]) => [`${id}#${label}`, r]);
}

/** Run one case on one server: its replies, or {setup: message}. */
async function runOn(server, kase, index) {
  try {
    return new Map(replies(kase.id, await kase.run(server, uniq(index))));
  } catch (e) {
    if (e instanceof SetupError) return { setup: `${server.name}: ${e.message}` };
    return { setup: `${server.name}: ${e.stack}` };
  }
}

const canon = (x) => JSON.stringify(sortDeep(x));
const sameDiff = (a, b) => JSON.stringify(sortDeep(a)) === JSON.stringify(sortDeep(b));
function sortDeep(v) {
  if (Array.isArray(v)) return v.map(sortDeep).sort((a, b) =>
    JSON.stringify(a) < JSON.stringify(b) ? -1 : 1);
  if (v && typeof v === 'object') {
    return Object.fromEntries(Object.keys(v).sort().map((k) => [k, sortDeep(v[k])]));
  }
  return v;
}

/** Compare one case's replies against the listed differences. */
function judge(kase, emu, ours, listed, seen, unlisted) {
  if (emu.setup || ours.setup) {
    report(false, `${kase.id} (setup failed)`, [emu.setup, ours.setup]
      .filter(Boolean).join('\n'));
    for (const [k, d] of listed) if (k.split('#')[0] === kase.id) seen.add(k);
    return;
  }
  const problems = [];
  const keys = new Set([...emu.keys(), ...ours.keys()]);
  for (const key of keys) {
    const a = emu.get(key);
    const b = ours.get(key);
    const full = kase.fullEnvelope === true;
    const d = a && b ? diff(shape(a, full), shape(b, full)) : { reply: 'only one side' };
    const entry = listed.get(key);
    if (entry) seen.add(key);
    if (!d && !entry) continue;
    if (!d) { problems.push(`${key}: listed difference no longer occurs`); continue; }
    if (entry && sameDiff(entry.differs, d)) continue;
    problems.push(`${key}: ${entry ? 'differs otherwise than listed' : 'unlisted difference'}: ${canon(d)}`);
    if (entry) problems.push(`  listed: ${canon(entry.differs)}`);
    if (dump) {
      problems.push(`  emulator: ${a?.status} ${JSON.stringify(a?.body)}`);
      problems.push(`  mfaemu:   ${b?.status} ${JSON.stringify(b?.body)}`);
    }
    unlisted.push({ case: key, differs: d, reason: '?', why: '' });
  }
  report(problems.length === 0, `${kase.id} - ${kase.title}`,
    problems.join('\n'));
}

async function main() {
  const listed = new Map(loadDifferences().map((e) => [e.case, e]));
  const cases = CASES.filter((k) => !only || k.id.includes(only));
  let fb;
  let mf;
  try {
    [fb, mf] = await Promise.all([startFirebase(), startMfaemu()]);
  } catch (e) {
    report(false, 'start both servers', e.message);
    await Promise.all([fb?.stop(), mf?.stop()]);
    return;
  }
  const emu = new Server('emulator', fb.url);
  const ours = new Server('mfaemu', mf.url);
  const seen = new Set();
  const unlisted = [];
  try {
    for (const [i, kase] of cases.entries()) {
      await Promise.all([emu, ours].map((s) => s.req('DELETE', EMU('accounts'))));
      const [a, b] = await Promise.all([runOn(emu, kase, i + 1),
        runOn(ours, kase, i + 1)]);
      judge(kase, a, b, listed, seen, unlisted);
    }
  } finally {
    await Promise.all([fb.stop(), mf.stop()]);
  }
  if (!only) {
    const ids = new Set(CASES.map((k) => k.id));
    const stale = [...listed.keys()].filter((k) => !seen.has(k) ||
      !ids.has(k.split('#')[0]));
    report(stale.length === 0, 'every listed difference belongs to a case',
      stale.map((k) => `listed but not seen: ${k}`).join('\n'));
    const want = render();
    const have = fs.existsSync(COMPAT_PATH) ? fs.readFileSync(COMPAT_PATH, 'utf8') : '';
    report(want === have, `${path.relative(process.cwd(), COMPAT_PATH)} is current`,
      want === have ? '' : 'regenerate: node tests/differential/compat.mjs');
  }
  if (stubs && unlisted.length) {
    console.log(JSON.stringify(unlisted, null, 2));
  }
}

await main().catch((e) => report(false, 'runner', e.stack));
console.log(`differential: ${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
