// The README's examples, run as a reader pastes them. Every fenced block
// of README.md (and of the docs/*.md files it links) in sh, bash, shell,
// console, js, mjs, javascript or json is one test, named after its
// section and its place there, unless the line right before its fence is
//   <!-- doctest: skip (reason) -->
// which reports it as skipped with that reason. Other languages (text,
// yaml, none) are prose and not run.
//
// - sh (bash, shell, console): a fresh daemon (MFAEMU_BIN, fixtures/
//   demo.json, an ephemeral port) per block; 127.0.0.1:9099 and
//   localhost:9099 are rewritten to its address; the block runs under
//   `bash -e -o pipefail` in a temporary directory that links every entry
//   of the source tree (so fixtures/demo.json resolves and files the block
//   writes stay out of the repo), with the build directory on PATH (as
//   `mfaemu`) and MFAEMU_HOST/MFAEMU_PORT naming the daemon (for
//   `mfaemu --probe`); a failing command fails the block. A comment right
//   after a command whose first line starts with `{` or `[` is the reply
//   the README shows: the command's output must match it (doctest.mjs
//   matchPattern: the keys shown at every level and no others, `...`
//   standing for members, elements, values or part of a string; a reply
//   the daemon pretty-prints shown pretty-printed). curl runs with
//   --fail-with-body, so a reply of 400 or more fails the block unless
//   the README shows that error reply ({"error": ...}) after the command.
//   console blocks: `$ ` lines are commands, the lines after them output.
// - js: written to a temporary .mjs under tests/e2e (whose node_modules
//   hold the packages the README names) with the address rewritten, run
//   with node against a fresh daemon; it must exit 0 within the timeout,
//   so it must end cleanly (deleteApp) and throw on any failure.
// - json: must parse; a fixture document (an object with users, tenants,
//   pendingCredentials or projectId) must pass `mfaemu --check`.
//
// The machinery is tests/doc/doctest.mjs; the last tests here run it on a
// markdown text of its own: a failing block, a stale reply and a skipped
// block must come out fail, fail, skip.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { SOURCE_ROOT } from '../lib/daemon.mjs';
import {
  BLOCK_TIMEOUT_MS, blockName, checkReply, consoleToShell, extractBlocks, linkedDocs,
  runBlock, shellUnits, shownReplies,
} from './doctest.mjs';

// ---------------------------------------------------------------- the README

const readme = fs.readFileSync(path.join(SOURCE_ROOT, 'README.md'), 'utf8');
const docs = [['README.md', readme],
  ...linkedDocs(readme).map((f) => [f, fs.readFileSync(path.join(SOURCE_ROOT, f), 'utf8')])];
const allBlocks = docs.flatMap(([file, text]) => extractBlocks(text, file));

test('README.md has sh, js and json blocks that run (a parse that finds none fails)', () => {
  const readmeBlocks = allBlocks.filter((b) => b.file === 'README.md');
  assert.ok(readmeBlocks.filter((b) => !b.skip).length >= 10,
    `only ${readmeBlocks.length} blocks found: ${readmeBlocks.map(blockName).join('; ')}`);
  for (const lang of ['sh', 'js', 'json']) {
    assert.ok(readmeBlocks.some((b) => b.lang === lang && !b.skip), `no ${lang} block runs`);
  }
});

for (const block of allBlocks) {
  test(blockName(block), { timeout: BLOCK_TIMEOUT_MS + 20_000 }, async (t) => {
    const r = await runBlock(block);
    if (r.status === 'skip') { t.skip(r.reason); return; }
    assert.equal(r.status, 'pass', `${blockName(block)}:\n${r.reason}`);
  });
}

// ---------------------------------------------------------------- the doc-test itself

const SELF_TEST = `# Self-test

## Fails
\`\`\`sh
C=http://127.0.0.1:9099/emulator/v1
curl -s $C/clock
false
\`\`\`

## Stale reply
\`\`\`sh
curl -s http://127.0.0.1:9099/emulator/v1/clock
# {
#   "now": "...",
#   "millis": ...
# }
\`\`\`

## Skipped
<!-- doctest: skip (needs something this machine lacks) -->
\`\`\`sh
exit 1
\`\`\`

## Fresh reply
\`\`\`sh
C=http://127.0.0.1:9099/emulator/v1
curl -s -X POST $C/clock \\
  -H 'Content-Type: application/json' -d '{"advanceSeconds": 60}'
# {
#   "now": "20...Z", "nowMillis": ..., "offsetMillis": 60000, ...
# }
curl -s $C/projects/demo-project/verificationCodes
# {
#   "verificationCodes": []
# }
mfaemu --probe
\`\`\`

## Client errors
\`\`\`sh
curl -s -X POST http://localhost:9099/emulator/v1/fixtures -d '{"users": []}'
\`\`\`

\`\`\`sh
curl -s -X POST http://localhost:9099/emulator/v1/fixtures -d '{"users": []}'
# {
#   "error": {"code": 400, "message": "Content-Type ...", ...}
# }
curl -s -X POST http://localhost:9099/emulator/v1/fixtures -d '{"users": []}'
\`\`\`

\`\`\`sh
curl -s -X POST http://localhost:9099/emulator/v1/fixtures -d '{"users": []}'
# {
#   "error": {"code": 404, ...}
# }
\`\`\`

## JavaScript
\`\`\`js
const r = await fetch("http://127.0.0.1:9099/emulator/v1/clock");
if (!r.ok) throw new Error(await r.text());
\`\`\`

\`\`\`js
throw new Error("broken example");
\`\`\`

\`\`\`js
setInterval(() => {}, 1000);
\`\`\`

## Fixtures
\`\`\`json
{"users": [{"localId": "x", "mfaInfo": [{"totpInfo": {"sharedSecretKey": "NOT-BASE32"}}]}]}
\`\`\`

\`\`\`json
{"users": [{"localId": "x", "mfaInfo": [{"phoneInfo": "+15555550111"}]}]}
\`\`\`

<!-- doctest: skp (typo) -->
\`\`\`json
{}
\`\`\`

## Files
\`\`\`sh
cat > doctest-users.json <<'EOF'
{"users": [{"localId": "u9"}]}
EOF
curl -s -X POST http://127.0.0.1:9099/emulator/v1/fixtures \\
  -H 'Content-Type: application/json' -d @doctest-users.json
# {
#   "users": 1,
#   ...
# }
mfaemu --check --fixtures doctest-users.json
\`\`\`
`;

test('self-test: a failing block and a stale reply fail, a marked block is skipped', async () => {
  const blocks = extractBlocks(SELF_TEST, 'self.md');
  const names = blocks.map((b) => `${b.heading} #${b.index}`);
  assert.deepEqual(names, ['Fails #1', 'Stale reply #1', 'Skipped #1', 'Fresh reply #1',
    'Client errors #1', 'Client errors #2', 'Client errors #3', 'JavaScript #1',
    'JavaScript #2', 'JavaScript #3', 'Fixtures #1', 'Fixtures #2', 'Fixtures #3', 'Files #1']);
  const results = [];
  for (const b of blocks) results.push(await runBlock(b, { timeoutMs: 5000 }));
  const status = Object.fromEntries(names.map((n, k) => [n, results[k].status]));
  assert.deepEqual(status, {
    'Fails #1': 'fail', 'Stale reply #1': 'fail', 'Skipped #1': 'skip', 'Fresh reply #1': 'pass',
    'Client errors #1': 'fail', 'Client errors #2': 'fail', 'Client errors #3': 'fail',
    'JavaScript #1': 'pass', 'JavaScript #2': 'fail', 'JavaScript #3': 'fail',
    'Fixtures #1': 'fail', 'Fixtures #2': 'pass', 'Fixtures #3': 'fail', 'Files #1': 'pass',
  }, JSON.stringify(results, null, 2));
  const reason = (n) => results[names.indexOf(n)].reason;
  assert.match(reason('Fails #1'), /exited 1/);
  assert.match(reason('Fails #1'), /command at line 7 failed/);
  assert.match(reason('Stale reply #1'), /no "millis"/);
  assert.equal(reason('Skipped #1'), 'needs something this machine lacks');
  // A 400 fails the block unless the README shows the error right after.
  assert.match(reason('Client errors #1'), /exited 22/);
  assert.match(reason('Client errors #2'), /exited 22/);
  assert.match(reason('Client errors #2'), /command at line 50 failed/);
  assert.match(reason('Client errors #3'), /\$\.error\.code: expected 404, got 400/);
  assert.match(reason('JavaScript #2'), /broken example/);
  assert.match(reason('JavaScript #3'), /did not finish within 5000 ms/);
  assert.match(reason('Fixtures #1'), /--check refuses/);
  assert.match(reason('Fixtures #3'), /malformed marker/);
  // A block that writes a file leaves the source tree as it was.
  assert.ok(!fs.existsSync(path.join(SOURCE_ROOT, 'doctest-users.json')));
});

test('self-test: replies match by keys at every level, "..." standing for what is elided', () => {
  const out = JSON.stringify({ a: 1, b: { c: 'AMfa123', d: [1, 2, 3] }, e: true }, null, 2);
  assert.equal(checkReply('{\n  "a": 1, "b": {"c": "AMfa...", "d": [1, ...]}, "e": true}', out), null);
  assert.equal(checkReply('{\n  "b": {..."d": [..., 3]}, ...}', out), null);
  assert.equal(checkReply('{\n...}', out), null);
  assert.match(checkReply('{"a": 1, "b": ...}', out), /also has "e"/);
  assert.match(checkReply('{"a": 2, ...}', out), /\$\.a: expected 2, got 1/);
  assert.match(checkReply('{"b": {"c": "XY...", ...}, ...}', out), /\$\.b\.c: expected "XY\.\.\."/);
  assert.match(checkReply('{"b": {"d": [1, 2], ...}, ...}', out), /expected 2 elements, got 3/);
  assert.match(checkReply('{"b": {"d": [..., 4], ...}, ...}', out), /does not fit/);
  assert.match(checkReply('{"a": 1, ...}', `${out}${out}`), /1 JSON value\(s\), the command printed 2/);
  assert.match(checkReply('{"a": 1, ...}', 'curl: (7) Failed to connect'), /output is not JSON/);
  assert.match(checkReply('{"a": 1, ...}', out), /pretty-prints/);
  assert.equal(checkReply('{"a": 1, ...}', JSON.stringify({ a: 1, b: 2 })), null);
  assert.equal(checkReply('{\n"a": 1, ...}\n{"a": 1, ...}', `${out}\n${out}`), null);
});

test('self-test: shell commands run on past quotes, $( ), backslashes and pipes', () => {
  const units = shellUnits([
    'X=$(curl -s "$E" \\',
    "  -d '{\"a\": 1,",
    "       \"b\": 2}' |",
    '  jq -r .a)   # a comment (with a paren',
    '# {"a": 1}',
    '',
    'echo "# not a comment" \'(\'',
    "cat > users.json <<'EOF'",
    '# {"users": []}',
    '',
    'EOF',
    'jq . users.json',
  ].join('\n'));
  assert.deepEqual(units.map((u) => [u.kind, u.lines.length]),
    [['command', 4], ['comment', 1], ['blank', 1], ['command', 1], ['command', 4], ['command', 1]]);
  assert.deepEqual(shownReplies(units).map((r) => [r.unit, r.text]), [[0, '{"a": 1}']]);
  assert.equal(consoleToShell('$ curl -s x \\\n  -d y\n{"a": 1}\n$ true\n'),
    'curl -s x \\\n  -d y\n# {"a": 1}\ntrue\n');
});
