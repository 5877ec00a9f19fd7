#!/usr/bin/env python3
"""The CI recipes of docs/ci, run as their CI would run them.

The binary jobs (GitHub Actions' and GitLab CI's mfaemu-binary) run for
real: each in a scratch folder standing for an app's repository, with this
checkout copied to mfaemu/ (what the checkout step with submodules gives),
each GitHub `run:` step in its own `bash -eo pipefail` (later steps skipped
after a failure unless `if: always()`), GitLab's `script:` lines in one
shell and `after_script:` in another, with the job's and step's variables.
Their port 9099 becomes a free one (MFAEMU_PORT and every value naming
9099), since a developer's mfaemu may hold 9099. The app test step is
docker/example-app.mjs signing carol in. The Docker and services jobs
cannot run here (no engine): they are checked statically, with
docker/verify.py docs-check for the docker commands.

Prints TAP lines and ends "ci: N passed, N failed".
"""

import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile

import yaml

SRC = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
GITHUB = os.path.join(SRC, 'docs/ci/github-actions.yml')
GITLAB = os.path.join(SRC, 'docs/ci/gitlab-ci.yml')
BASH = ['bash', '--noprofile', '--norc', '-eo', 'pipefail', '-c']
results = []


def result(ok, name, detail=''):
    results.append(ok)
    print(f'{"ok" if ok else "not ok"} {len(results)} - {name}')
    if not ok and detail:
        for line in detail.rstrip().splitlines()[-25:]:
            print(f'#   {line}')


def free_port():
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


def scratch_app(work, name):
    """A folder standing for the app's repository, with mfaemu/ holding
    the files git knows of, as they are in the working tree."""
    app = os.path.join(work, name)
    dest = os.path.join(app, 'mfaemu')
    files = subprocess.run(['git', 'ls-files', '-co', '--exclude-standard',
                            '-z'], cwd=SRC, capture_output=True,
                           check=True).stdout.decode().split('\0')
    for f in files:
        if f and os.path.isfile(os.path.join(SRC, f)):
            os.makedirs(os.path.join(dest, os.path.dirname(f)),
                        exist_ok=True)
            shutil.copy2(os.path.join(SRC, f), os.path.join(dest, f))
    return app


def job_env(*layers, port):
    env = dict(os.environ)
    for layer in layers:
        for k, v in (layer or {}).items():
            env[k] = str(v).replace('9099', str(port))
    env['MFAEMU_PORT'] = str(port)
    return env


def run(script, cwd, env):
    p = subprocess.run(BASH + [script], cwd=cwd, env=env, timeout=900,
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    return p.returncode, p.stdout.decode(errors='replace')


def stop_leftover(app):
    """A daemon a failed recipe left running."""
    pidfile = os.path.join(app, 'mfaemu.pid')
    out = subprocess.run(['pgrep', '-f', os.path.join(app, 'mfaemu/')],
                         capture_output=True, text=True).stdout.split()
    for pid in out + ([open(pidfile).read().strip()]
                      if os.path.exists(pidfile) else []):
        try:
            os.kill(int(pid), 9)
        except (ProcessLookupError, ValueError):
            pass


def github_binary(work):
    doc = yaml.safe_load(open(GITHUB))
    job = doc['jobs']['mfaemu-binary']
    app = scratch_app(work, 'github')
    port = free_port()
    checkout = [s for s in job['steps'] if 'uses' in s]
    result(bool(checkout) and all(
        s['uses'].startswith('actions/checkout@') and
        (s.get('with') or {}).get('submodules') is True for s in checkout),
        'GitHub mfaemu-binary: checks out with submodules (mfaemu/)')
    failed, log = False, ''
    try:
        for step in job['steps']:
            if 'run' not in step:
                continue
            if failed and step.get('if') != 'always()':
                result(False, f'GitHub step "{step["name"]}": skipped '
                       'after a failure')
                continue
            rc, out = run(step['run'], app, job_env(job.get('env'),
                                                    step.get('env'),
                                                    port=port))
            log += out
            ok = rc == 0
            if step['name'] == 'Test the app':
                ok = ok and 'signed in carol' in out
            result(ok, f'GitHub step "{step["name"]}" passes (port {port})',
                   out)
            failed = failed or not ok
    finally:
        stop_leftover(app)
    result('mfaemu listening on' in log and
           'SIGTERM received, shutting down' in log,
           'GitHub mfaemu-binary: the daemon served and stopped on SIGTERM',
           log)


def gitlab_binary(work):
    doc = yaml.safe_load(open(GITLAB))
    job = doc['mfaemu-binary']
    result(doc.get('variables', {}).get('GIT_SUBMODULE_STRATEGY') ==
           'recursive', 'GitLab: GIT_SUBMODULE_STRATEGY recursive (mfaemu/)')
    app = scratch_app(work, 'gitlab')
    port = free_port()
    env = job_env(doc.get('variables'), job.get('variables'), port=port)
    try:
        rc, out = run('\n'.join(job['script']), app, env)
        result(rc == 0 and 'signed in carol' in out,
               f'GitLab mfaemu-binary script passes, the app signs carol '
               f'in, mfaemu exits 0 on SIGTERM (port {port})', out)
        rc, out = run('\n'.join(job.get('after_script') or []), app, env)
        result(rc == 0 and 'SIGTERM received, shutting down' in out,
               'GitLab after_script shows the log of a graceful stop', out)
    finally:
        stop_leftover(app)


def published_port(script):
    m = re.search(r'docker run [^\n]*-p (?:[\d.]+:)?(\d+):\d+', script)
    return m.group(1) if m else None


def static_checks():
    gh = yaml.safe_load(open(GITHUB))
    gl = yaml.safe_load(open(GITLAB))
    ghtext, gltext = open(GITHUB).read(), open(GITLAB).read()
    svc = gh['jobs']['mfaemu-service']
    result(svc.get('if') is False and
           re.search(r'# NOT USABLE YET: no mfaemu image is published\..*'
                     r'\n  mfaemu-service:', ghtext, re.S) is not None,
           'GitHub mfaemu-service: marked NOT USABLE YET and off (if: false)')
    svc = gl['mfaemu-service']
    result(svc.get('rules') == [{'when': 'never'}] and
           re.search(r'# NOT USABLE YET: no mfaemu image is published\..*'
                     r'\nmfaemu-service:', gltext, re.S) is not None,
           'GitLab mfaemu-service: marked NOT USABLE YET, rules when never')
    # Image jobs: the app is pointed at the port docker run publishes.
    for name, job, script in (
            ('GitHub', gh['jobs']['mfaemu-image'],
             '\n'.join(s.get('run', '') for s in
                       gh['jobs']['mfaemu-image']['steps'])),
            ('GitLab', gl['mfaemu-image'],
             '\n'.join(gl['mfaemu-image']['script']))):
        env = job.get('env') or job.get('variables')
        port = published_port(script)
        result(port is not None and
               env['FIREBASE_AUTH_EMULATOR_HOST'].endswith(f':{port}') and
               env['MFAEMU_URL'].endswith(f':{port}') and
               'node mfaemu/docker/example-app.mjs' in script,
               f'{name} mfaemu-image: the app reaches the published port '
               f'{port} and runs the example app')
    p = subprocess.run(
        [sys.executable, os.path.join(SRC, 'docker/verify.py'), 'docs-check',
         os.path.join(SRC, 'docker/Dockerfile'),
         os.path.join(SRC, 'src/config.c'),
         os.path.join(SRC, 'docker/compose.yaml'),
         os.path.join(SRC, 'docs/CI.md'), GITHUB, GITLAB],
        capture_output=True, text=True)
    result(p.returncode == 0,
           'docker commands and services of docs/ci and docs/CI.md fit the '
           'image (docker/verify.py docs-check: --rm, port 9099, MFAEMU_* '
           'variables, image name, build context)', p.stdout + p.stderr)
    doc = open(os.path.join(SRC, 'docs/CI.md')).read()
    result('(ci/github-actions.yml)' in doc and '(ci/gitlab-ci.yml)' in doc,
           'docs/CI.md links both recipe files')


def main():
    work = tempfile.mkdtemp(prefix='mfaemu-ci-')
    try:
        static_checks()
        github_binary(work)
        gitlab_binary(work)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    passed = sum(results)
    print(f'1..{len(results)}')
    print(f'ci: {passed} passed, {len(results) - passed} failed')
    return 0 if passed == len(results) else 1


if __name__ == '__main__':
    sys.exit(main())
