// The doc-test's machinery: find the runnable fenced blocks of a markdown
// text and run each as a reader pastes it. tests/doc/readme.test.mjs runs
// README.md with it (the rules are at the top of that file).
//
// Fenced blocks in sh, bash, shell, console, js, mjs, javascript or json
// run, unless the line right before the fence is
//   <!-- doctest: skip (reason) -->
// Other languages (text, yaml, none) are prose.

import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  BIN, DEMO_FIXTURES, SOURCE_ROOT, runDaemon, startDaemon, writeFixture,
} from '../lib/daemon.mjs';

const DEMO_ADDRESS = /\b(?:127\.0\.0\.1|localhost):9099\b/g;
export const BLOCK_TIMEOUT_MS = 60_000;
const SH_LANGS = new Set(['sh', 'bash', 'shell', 'console']);
const JS_LANGS = new Set(['js', 'mjs', 'javascript']);
const JSON_LANGS = new Set(['json']);
const FIXTURE_KEYS = ['users', 'tenants', 'pendingCredentials', 'projectId'];
const SKIP = /^\s*<!--\s*doctest:\s*skip\s*\((.+)\)\s*-->\s*$/;
const MARKER = /^\s*<!--\s*doctest:/;

// ---------------------------------------------------------------- markdown

/**
 * The fenced blocks of a markdown text that the doc-test runs:
 * [{file, heading, index (1-based within the heading), lang, code, line
 * (of the fence), skip (reason or null), error (a malformed marker)}].
 */
export function extractBlocks(markdown, file) {
  const lines = markdown.split('\n');
  const blocks = [];
  const perHeading = new Map();
  let heading = '(top)';
  for (let i = 0; i < lines.length; i++) {
    const open = /^\s*(`{3,}|~{3,})\s*([\w+-]*)/.exec(lines[i]);
    if (!open) {
      const h = /^#{1,6}\s+(.*\S)\s*$/.exec(lines[i]);
      if (h) heading = h[1];
      continue;
    }
    const fence = open[1];
    const lang = open[2].toLowerCase();
    const body = [];
    let j = i + 1;
    while (j < lines.length && !new RegExp(`^\\s*${fence[0]}{${fence.length},}\\s*$`).test(lines[j])) {
      body.push(lines[j]);
      j++;
    }
    if (SH_LANGS.has(lang) || JS_LANGS.has(lang) || JSON_LANGS.has(lang)) {
      const n = (perHeading.get(heading) ?? 0) + 1;
      perHeading.set(heading, n);
      const before = i > 0 ? lines[i - 1] : '';
      const skip = SKIP.exec(before);
      blocks.push({
        file, heading, index: n, lang, code: body.join('\n') + '\n', line: i + 1,
        skip: skip ? skip[1].trim() : null,
        error: !skip && MARKER.test(before)
          ? `line ${i}: malformed marker ${before.trim()} (write <!-- doctest: skip (reason) -->)`
          : null,
      });
    }
    i = j;
  }
  return blocks;
}

/** The test name of a block: file, section, place, language, line. */
export function blockName(b) {
  return `${b.file}: ${b.heading} #${b.index} (${b.lang}, line ${b.line})`;
}

/** docs/*.md files a markdown text links to, relative to the source root. */
export function linkedDocs(markdown) {
  const found = new Set();
  for (const m of markdown.matchAll(/\]\((docs\/[\w./-]+\.md)\)/g)) found.add(m[1]);
  return [...found].filter((f) => fs.existsSync(path.join(SOURCE_ROOT, f)));
}

// ---------------------------------------------------------------- shell

/**
 * Scan one line of shell for quotes, $( ) and ( ) nesting, a trailing
 * backslash and a comment, carrying the open contexts (stack) across
 * lines. Returns {continued, code} (code: the line without its comment).
 */
function scanShellLine(line, stack) {
  let continued = false;
  let end = line.length;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    const top = stack[stack.length - 1];
    if (top === "'") {
      if (c === "'") stack.pop();
    } else if (top === '"') {
      if (c === '\\') i++;
      else if (c === '"') stack.pop();
      else if (c === '$' && line[i + 1] === '(') { stack.push('('); i++; }
    } else if (c === '\\') {
      if (i === line.length - 1) continued = true;
      i++;
    } else if (c === '#' && (i === 0 || /[\s;(|&]/.test(line[i - 1]))) {
      end = i;
      break;
    } else if (c === "'" || c === '"' || c === '(') {
      stack.push(c);
    } else if (c === ')' && top === '(') {
      stack.pop();
    }
  }
  return { continued, code: line.slice(0, end) };
}

/** The here-document delimiters a line of shell code opens (<<EOF, <<-'EOF'). */
function heredocs(code) {
  return [...code.matchAll(/(?<!<)<<(-?)\s*(['"]?)(\w+)\2/g)].map((m) => ({ strip: m[1] === '-', word: m[3] }));
}

/**
 * A shell text as units in order: {kind: 'blank' | 'comment' | 'command',
 * lines, first (0-based line)}. A command runs on past quotes, $( ), a
 * trailing backslash, |, && or || and here-documents to the line that
 * completes it.
 */
export function shellUnits(code) {
  const lines = code.replace(/\n$/, '').split('\n');
  const units = [];
  for (let i = 0; i < lines.length; i++) {
    const t = lines[i].trim();
    if (t === '') { units.push({ kind: 'blank', lines: [lines[i]], first: i }); continue; }
    if (t.startsWith('#')) { units.push({ kind: 'comment', lines: [lines[i]], first: i }); continue; }
    const unit = { kind: 'command', lines: [], first: i };
    const stack = [];
    for (; i < lines.length; i++) {
      unit.lines.push(lines[i]);
      const { continued, code: c } = scanShellLine(lines[i], stack);
      for (const doc of stack.length ? [] : heredocs(c)) {
        while (i + 1 < lines.length) {
          unit.lines.push(lines[++i]);
          if ((doc.strip ? lines[i].replace(/^\t+/, '') : lines[i]) === doc.word) break;
        }
      }
      if (stack.length === 0 && !continued && !/(\||&&)\s*$/.test(c)) break;
    }
    units.push(unit);
  }
  return units;
}

/**
 * The replies a shell text shows: for each command followed at once by
 * comment lines whose first starts with { or [, {unit (index of the
 * command), text (the comment without its #), line (0-based)}.
 */
export function shownReplies(units) {
  const replies = [];
  for (let k = 0; k < units.length; k++) {
    if (units[k].kind !== 'command') continue;
    const comments = [];
    for (let j = k + 1; j < units.length && units[j].kind === 'comment'; j++) {
      comments.push(units[j].lines[0].replace(/^\s*# ?/, ''));
    }
    if (comments.length && /^\s*[{[]/.test(comments[0])) {
      replies.push({ unit: k, text: comments.join('\n'), line: units[k + 1].first });
    }
  }
  return replies;
}

/** A console block as a shell text: `$ ` lines are commands, the rest output comments. */
export function consoleToShell(code) {
  const out = [];
  const stack = [];
  let inCommand = false;
  for (const line of code.replace(/\n$/, '').split('\n')) {
    if (!inCommand && !line.startsWith('$ ')) {
      out.push(line.trim() === '' ? '' : `# ${line}`);
      continue;
    }
    const text = inCommand ? line : line.slice(2);
    out.push(text);
    const { continued, code: c } = scanShellLine(text, stack);
    inCommand = stack.length > 0 || continued || /(\||&&)\s*$/.test(c);
  }
  return out.join('\n') + '\n';
}

const replyBegin = (n) => `@@doctest-reply-${n}-begin@@`;
const replyEnd = (n) => `@@doctest-reply-${n}-end@@`;

/** Whether a shown reply is an error envelope ({"error": ...}). */
function showsError(text) {
  try {
    const [first] = parsePatterns(text);
    return first?.t === 'obj' && first.members.some(([k]) => k === 'error');
  } catch {
    return false; // checkReply says what is wrong with it
  }
}

/**
 * The script the doc-test runs for a shell block: curl failing on HTTP
 * errors (but where the README shows the error reply after the command),
 * the README line of a failing command reported, and each command with a
 * shown reply wrapped in markers that delimit its output.
 */
export function instrumentShell(code, lineOffset = 0) {
  const units = shellUnits(code);
  const replies = shownReplies(units);
  const wrapped = new Map(replies.map((r, n) => [r.unit, n]));
  const out = [
    'set -E',
    'curl() {',
    '  if [ -n "${__doctest_error_shown:-}" ]; then command curl --no-progress-meter "$@"',
    '  else command curl --fail-with-body --no-progress-meter "$@"; fi',
    '}',
    "trap 'echo \"doctest: the command at line $__doctest_line failed\" >&2' ERR",
  ];
  units.forEach((u, k) => {
    if (u.kind !== 'command') { out.push(...u.lines); return; }
    out.push(`__doctest_line=${u.first + 1 + lineOffset}`);
    const n = wrapped.get(k);
    if (n === undefined) { out.push(...u.lines); return; }
    const error = showsError(replies[n].text);
    if (error) out.push('__doctest_error_shown=1');
    out.push(`printf '\\n%s\\n' '${replyBegin(n)}'`, ...u.lines, `printf '\\n%s\\n' '${replyEnd(n)}'`);
    if (error) out.push('__doctest_error_shown=');
  });
  return { script: out.join('\n') + '\n', replies };
}

/** The output between the markers of reply n, or null. */
function replyOutput(stdout, n) {
  const a = stdout.indexOf(`${replyBegin(n)}\n`);
  const b = stdout.indexOf(`\n${replyEnd(n)}`);
  if (a < 0 || b < 0 || b < a) return null;
  return stdout.slice(a + replyBegin(n).length + 1, b);
}

// ---------------------------------------------------------------- reply patterns

const ANY = { t: 'any' };
const GAP = { t: 'gap' };

/**
 * Parse a sequence of JSON values in which `...` may stand for a value, an
 * object member or array elements (ellipsis: false refuses it). Returns
 * pattern nodes: {t: 'any'} | {t: 'obj', members: [[key, node]], open} |
 * {t: 'arr', items (GAP for `...`)} | {t: 'str', v} | {t: 'lit', v}.
 */
export function parsePatterns(text, { ellipsis = true } = {}) {
  let i = 0;
  const fail = (what) => {
    throw new Error(`${what} at offset ${i}: ${JSON.stringify(text.slice(i, i + 30))}`);
  };
  const ws = () => { while (i < text.length && /\s/.test(text[i])) i++; };
  const dots = () => {
    if (!text.startsWith('...', i)) return false;
    if (!ellipsis) fail('"..." in a reply');
    i += 3;
    return true;
  };
  const comma = () => { ws(); if (text[i] === ',') i++; ws(); };
  function string() {
    const m = /^"(?:[^"\\\n]|\\.)*"/.exec(text.slice(i));
    if (!m) fail('bad string');
    i += m[0].length;
    return JSON.parse(m[0]);
  }
  function value() {
    ws();
    if (dots()) return ANY;
    const c = text[i];
    if (c === '{') return object();
    if (c === '[') return array();
    if (c === '"') return { t: 'str', v: string() };
    const m = /^(?:true|false|null|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)/.exec(text.slice(i));
    if (!m) fail('expected a JSON value');
    i += m[0].length;
    return { t: 'lit', v: JSON.parse(m[0]) };
  }
  function object() {
    i++;
    const node = { t: 'obj', members: [], open: false };
    for (ws(); text[i] !== '}'; ws()) {
      if (i >= text.length) fail('unterminated object');
      if (dots()) { node.open = true; comma(); continue; }
      if (text[i] !== '"') fail('expected a key');
      const key = string();
      ws();
      if (text[i] !== ':') fail('expected ":"');
      i++;
      node.members.push([key, value()]);
      comma();
    }
    i++;
    return node;
  }
  function array() {
    i++;
    const node = { t: 'arr', items: [] };
    for (ws(); text[i] !== ']'; ws()) {
      if (i >= text.length) fail('unterminated array');
      node.items.push(dots() ? GAP : value());
      comma();
    }
    i++;
    return node;
  }
  const values = [];
  for (ws(); i < text.length; ws()) values.push(value());
  return values;
}

/** A pattern node without wildcards as a plain value. */
function toValue(node) {
  if (node.t === 'obj') return Object.fromEntries(node.members.map(([k, v]) => [k, toValue(v)]));
  if (node.t === 'arr') return node.items.map(toValue);
  return node.v;
}

/** Parse a command's output: one or more JSON values. */
export function parseOutput(text) {
  return parsePatterns(text, { ellipsis: false }).map(toValue);
}

function globMatch(pattern, s) {
  const re = pattern.split('...').map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('[\\s\\S]*');
  return new RegExp(`^${re}$`).test(s);
}

const show = (v) => JSON.stringify(v)?.slice(0, 80);

function matchArray(p, v, where) {
  if (!Array.isArray(v)) return `${where}: expected an array, got ${show(v)}`;
  if (!p.items.includes(GAP)) {
    if (p.items.length !== v.length) {
      return `${where}: expected ${p.items.length} elements, got ${v.length} (write ... for more)`;
    }
    for (let k = 0; k < v.length; k++) {
      const e = matchPattern(p.items[k], v[k], `${where}[${k}]`);
      if (e) return e;
    }
    return null;
  }
  const fits = (pi, vi) => {
    if (pi === p.items.length) return vi === v.length;
    if (p.items[pi] === GAP) return fits(pi + 1, vi) || (vi < v.length && fits(pi, vi + 1));
    return vi < v.length && !matchPattern(p.items[pi], v[vi], '') && fits(pi + 1, vi + 1);
  };
  return fits(0, 0) ? null : `${where}: ${show(v)} does not fit the elements shown`;
}

function matchObject(p, v, where) {
  if (!v || typeof v !== 'object' || Array.isArray(v)) {
    return `${where}: expected an object, got ${show(v)}`;
  }
  for (const [k, node] of p.members) {
    if (!(k in v)) return `${where}: the reply has no "${k}"`;
    const e = matchPattern(node, v[k], `${where}.${k}`);
    if (e) return e;
  }
  if (!p.open) {
    const shown = new Set(p.members.map(([k]) => k));
    const extra = Object.keys(v).filter((k) => !shown.has(k));
    if (extra.length) return `${where}: the reply also has ${extra.map((k) => `"${k}"`).join(', ')} (show it or write ...)`;
  }
  return null;
}

/**
 * Match a value against a pattern node: objects need the keys shown and
 * no others unless the pattern has a `...` member; arrays the elements
 * shown, `...` standing for any run of them; strings are equal or, with
 * `...` in them, match with `...` standing for any text; numbers, booleans
 * and null are equal. Returns null, or where and why they differ.
 */
export function matchPattern(p, v, where = '$') {
  switch (p.t) {
    case 'any': return null;
    case 'obj': return matchObject(p, v, where);
    case 'arr': return matchArray(p, v, where);
    case 'str':
      if (typeof v !== 'string') return `${where}: expected a string, got ${show(v)}`;
      if (p.v.includes('...') ? globMatch(p.v, v) : p.v === v) return null;
      return `${where}: expected ${show(p.v)}, got ${show(v)}`;
    default:
      return Object.is(p.v, v) ? null : `${where}: expected ${show(p.v)}, got ${show(v)}`;
  }
}

/** Check a command's output against the reply shown; null or the difference. */
export function checkReply(shownText, output) {
  let patterns;
  let values;
  try { patterns = parsePatterns(shownText); } catch (e) { return `the reply shown is not JSON: ${e.message}`; }
  try { values = parseOutput(output); } catch (e) {
    return `the output is not JSON (${e.message}):\n${output.slice(0, 400)}`;
  }
  if (patterns.length !== values.length) {
    return `shows ${patterns.length} JSON value(s), the command printed ${values.length}:\n${output.slice(0, 400)}`;
  }
  for (let k = 0; k < values.length; k++) {
    const e = matchPattern(patterns[k], values[k], patterns.length > 1 ? `$${k}` : '$');
    if (e) return `${e}\nthe command printed:\n${output.slice(0, 1500)}`;
  }
  const firstLine = (text) => text.trim().split('\n')[0].trim();
  if (/^[{[]$/.test(firstLine(output)) && !/^[{[]$/.test(firstLine(shownText))) {
    return `the command pretty-prints its reply: show it as printed, "${firstLine(output)}" on a line of its own`;
  }
  return null;
}

// ---------------------------------------------------------------- running

/** A scratch directory linking every entry of the source tree. */
function workDir() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mfaemu-doctest-'));
  for (const name of fs.readdirSync(SOURCE_ROOT)) {
    if (name === '.git' || name.startsWith('build')) continue;
    fs.symlinkSync(path.join(SOURCE_ROOT, name), path.join(dir, name));
  }
  return dir;
}

/**
 * The environment of a block: ours without MFAEMU_* or an emulator host,
 * the build directory on PATH, and MFAEMU_HOST and MFAEMU_PORT naming the
 * block's daemon, so `mfaemu --probe` finds it as it would find the demo's.
 */
function blockEnv(daemonUrl) {
  const env = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (!k.startsWith('MFAEMU_') && k !== 'FIREBASE_AUTH_EMULATOR_HOST') env[k] = v;
  }
  env.PATH = `${path.dirname(path.resolve(BIN))}${path.delimiter}${env.PATH ?? ''}`;
  const u = new URL(daemonUrl);
  return { ...env, MFAEMU_HOST: u.hostname, MFAEMU_PORT: u.port };
}

/** Run a command to completion; kills its process group past timeoutMs. */
function runProcess(cmd, args, { cwd, env, timeoutMs }) {
  return new Promise((resolve) => {
    const proc = spawn(cmd, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let stdout = '';
    let stderr = '';
    proc.stdout.setEncoding('utf8');
    proc.stderr.setEncoding('utf8');
    proc.stdout.on('data', (d) => { stdout += d; });
    proc.stderr.on('data', (d) => { stderr += d; });
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      try { process.kill(-proc.pid, 'SIGKILL'); } catch { /* gone */ }
    }, timeoutMs);
    proc.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, timedOut });
    });
  });
}

const tail = (s, n = 3000) => (s.length > n ? `...${s.slice(-n)}` : s);

function processFailure(r, what, timeoutMs) {
  const output = `stdout:\n${tail(r.stdout)}\nstderr:\n${tail(r.stderr)}`;
  if (r.timedOut) return `${what} did not finish within ${timeoutMs} ms\n${output}`;
  if (r.code !== 0) return `${what} exited ${r.code ?? r.signal}\n${output}`;
  return null;
}

/**
 * fn(code, dir, env) with a fresh demo daemon's address in place of
 * 127.0.0.1:9099 in code, a work directory and the block's environment.
 */
async function withDaemon(code, fn) {
  const daemon = await startDaemon({ fixtures: [DEMO_FIXTURES] });
  const dir = workDir();
  try {
    return await fn(code.replace(DEMO_ADDRESS, new URL(daemon.url).host), dir, blockEnv(daemon.url));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
    await daemon.stop();
  }
}

async function runShell(block, timeoutMs) {
  const code = block.lang === 'console' ? consoleToShell(block.code) : block.code;
  return withDaemon(code, async (text, dir, env) => {
    const { script, replies } = instrumentShell(text, block.line);
    const file = path.join(dir, '.doctest-block.sh');
    fs.writeFileSync(file, script);
    const r = await runProcess('bash', ['-e', '-o', 'pipefail', file], { cwd: dir, env, timeoutMs });
    const failed = processFailure(r, 'the block', timeoutMs);
    if (failed) return failed;
    for (const [n, reply] of replies.entries()) {
      const output = replyOutput(r.stdout, n);
      const where = `the reply shown at line ${block.line + reply.line + 1}`;
      if (output === null) return `${where}: no output captured\n${tail(r.stdout)}`;
      const e = checkReply(reply.text, output);
      if (e) return `${where} is not what the command prints: ${e}`;
    }
    return null;
  });
}

async function runJs(block, timeoutMs) {
  return withDaemon(block.code, async (text, _workDir, env) => {
    const dir = fs.mkdtempSync(path.join(SOURCE_ROOT, 'tests', 'e2e', '.doctest-'));
    try {
      const file = path.join(dir, 'block.mjs');
      fs.writeFileSync(file, text);
      const r = await runProcess(process.execPath, [file], { cwd: dir, env, timeoutMs });
      return processFailure(r, 'node', timeoutMs);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
}

async function runJson(block) {
  let doc;
  try { doc = JSON.parse(block.code); } catch (e) { return `not JSON: ${e.message}`; }
  const isFixture = doc && typeof doc === 'object' && !Array.isArray(doc) &&
    FIXTURE_KEYS.some((k) => k in doc);
  if (!isFixture) return null;
  const r = await runDaemon(['--check', '--fixtures', writeFixture(block.code)]);
  return r.code === 0 ? null : `mfaemu --check refuses this fixture (exit ${r.code}):\n${r.output}`;
}

/**
 * Run one block. Returns {status: 'pass' | 'fail' | 'skip', reason}
 * (reason: the skip's, or what failed).
 */
export async function runBlock(block, { timeoutMs = BLOCK_TIMEOUT_MS } = {}) {
  if (block.error) return { status: 'fail', reason: block.error };
  if (block.skip) return { status: 'skip', reason: block.skip };
  let failure;
  if (SH_LANGS.has(block.lang)) failure = await runShell(block, timeoutMs);
  else if (JS_LANGS.has(block.lang)) failure = await runJs(block, timeoutMs);
  else failure = await runJson(block);
  return failure ? { status: 'fail', reason: failure } : { status: 'pass', reason: null };
}
