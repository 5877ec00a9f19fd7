#!/usr/bin/env python3
"""Count test results from meson's testlog.json files.

Every TAP line counts as one test ("ok" passed, "not ok" failed, "# SKIP"
skipped). A meson test that failed without printing a failing TAP line (a
crash, a timeout, a build error) counts as one failure; one that passed
without TAP counts as one pass. With --extra FILE, each line "P F" of FILE adds P passed and F failed
(counts that other suites printed). Prints "N passed, N failed[, N
skipped]".
"""
import json
import re
import sys

TAP = re.compile(r'^(not ok|ok)\b(.*)$')

passed = failed = skipped = 0
missing = []
args = sys.argv[1:]
if len(args) >= 2 and args[0] == '--extra':
    with open(args[1], encoding='utf-8') as f:
        for row in f:
            p, _, fl = row.strip().partition(' ')
            if p.isdigit() and fl.isdigit():
                passed += int(p)
                failed += int(fl)
    args = args[2:]
for path in args:
    try:
        lines = open(path, encoding='utf-8').read().splitlines()
    except OSError:
        missing.append(path)
        continue
    for line in lines:
        if not line.strip():
            continue
        test = json.loads(line)
        ok_here = fail_here = 0
        for out in (test.get('stdout') or '').splitlines():
            m = TAP.match(out)
            if not m:
                continue
            if '# SKIP' in m.group(2).upper():
                skipped += 1
            elif m.group(1) == 'ok':
                ok_here += 1
            else:
                fail_here += 1
        result = test.get('result', '')
        if result not in ('OK', 'EXPECTEDFAIL', 'SKIP') and fail_here == 0:
            fail_here = 1
        if ok_here == 0 and fail_here == 0 and result == 'OK':
            ok_here = 1
        passed += ok_here
        failed += fail_here

if missing:
    print('no results from: ' + ', '.join(missing), file=sys.stderr)
    failed += len(missing)
line = f'{passed} passed, {failed} failed'
if skipped:
    line += f', {skipped} skipped'
print(line)
sys.exit(1 if failed or passed == 0 else 0)
