#!/usr/bin/env python3
"""Helpers for docker/verify, which proves docker/Dockerfile without a
Docker engine. Subcommands:

  parse DOCKERFILE        print the Dockerfile as bash assignments
  context-check IGNORE    read repo-relative paths on stdin; fail on any
                          that .dockerignore keeps out of the build context
  exec --root R --wd D --user UID:GID --env-file F -- ARGV...
                          chroot, chdir, drop to the user, exec with exactly
                          that environment (what Docker does to start a
                          container's process)
  oci-healthcheck LAYOUT TAG ARGV_JSON INTERVAL TIMEOUT START RETRIES
                          add Docker's Healthcheck to an OCI image's config
                          (umoci has no flag for it)
  oci-check LAYOUT TAG    the image config has no Volumes and a Healthcheck
  json-get PATH           print a field of the JSON on stdin (a.b.c)
  compose FILE            print the mfaemu and app services of compose.yaml
                          as bash assignments (needs python3-yaml)
  docs-check DOCKERFILE CONFIG_C COMPOSE FILE...
                          the docker commands of README-like FILEs (sh
                          fences; CI YAML run/script steps and services)
                          and COMPOSE's mfaemu service against the image:
                          --rm, ports, MFAEMU_* variables, image name,
                          `compose up -f docker/compose.yaml
                          --abort-on-container-exit`

Only the Dockerfile shapes that mfaemu's uses are understood; anything else
is an error, so the verification never silently skips an instruction.
"""

import hashlib
import json
import os
import re
import shlex
import sys


class DockerfileError(Exception):
    pass


def logical_lines(text):
    """Yield (line number, instruction text) with continuations joined and
    comment lines dropped, as Docker's parser does."""
    buf, start = None, 0
    for n, raw in enumerate(text.splitlines(), 1):
        stripped = raw.strip()
        if stripped.startswith('#') or (buf is not None and stripped == ''):
            continue
        if buf is None:
            if stripped == '':
                continue
            buf, start = '', n
        if stripped.endswith('\\'):
            buf += raw.rstrip()[:-1]
            continue
        buf += raw
        yield start, buf.strip()
        buf = None
    if buf is not None:
        raise DockerfileError(f'line {start}: continuation at end of file')


def split_flags(words):
    """Leading --name=value flags of COPY, FROM, HEALTHCHECK."""
    flags = {}
    while words and words[0].startswith('--'):
        name, _, value = words.pop(0)[2:].partition('=')
        flags[name] = value
    return flags, words


def exec_form(rest, what, n):
    rest = rest.strip()
    if not rest.startswith('['):
        raise DockerfileError(f'line {n}: {what} must be in exec form '
                              '(a JSON array)')
    argv = json.loads(rest)
    if not isinstance(argv, list) or not all(isinstance(a, str)
                                             for a in argv):
        raise DockerfileError(f'line {n}: {what} is not a list of strings')
    return argv


def parse_env(rest, n):
    words = shlex.split(rest, posix=True)
    if not words:
        raise DockerfileError(f'line {n}: empty ENV')
    if '=' not in words[0]:
        # Legacy form: ENV KEY value with spaces.
        key, _, value = rest.strip().partition(' ')
        return [(key, value.strip())]
    pairs = []
    for w in words:
        key, eq, value = w.partition('=')
        if not eq or not key:
            raise DockerfileError(f'line {n}: ENV word {w!r} is not KEY=VALUE')
        pairs.append((key, value))
    return pairs


def apt_packages(cmd, n):
    """The packages of `apt-get update && apt-get install ... && rm -rf
    /var/lib/apt/lists/*`; any other command in that RUN is an error."""
    pkgs = []
    for seg in (s.strip() for s in cmd.split('&&')):
        words = shlex.split(seg)
        if words[:2] == ['apt-get', 'update']:
            continue
        if words[:2] == ['apt-get', 'install']:
            pkgs += [w for w in words[2:] if not w.startswith('-')]
            continue
        if words == ['rm', '-rf', '/var/lib/apt/lists/*']:
            continue
        raise DockerfileError(f'line {n}: the package RUN also runs {seg!r}, '
                              'which docker/verify cannot emulate')
    if not pkgs:
        raise DockerfileError(f'line {n}: apt-get install names no package')
    return pkgs


def parse_duration(s):
    """Go duration (5s, 1m30s, 500ms) in nanoseconds."""
    units = {'ns': 1, 'us': 10**3, 'ms': 10**6, 's': 10**9, 'm': 60 * 10**9,
             'h': 3600 * 10**9}
    parts = re.findall(r'(\d+(?:\.\d+)?)(ns|us|ms|s|m|h)', s)
    if not parts or ''.join(a + b for a, b in parts) != s:
        raise DockerfileError(f'bad duration {s!r}')
    return int(sum(float(a) * units[b] for a, b in parts))


def parse_dockerfile(path):
    with open(path, encoding='utf-8') as f:
        text = f.read()
    stages = []
    for n, line in logical_lines(text):
        word, _, rest = line.partition(' ')
        word = word.upper()
        rest = rest.strip()
        if word == 'FROM':
            flags, words = split_flags(rest.split())
            if flags or len(words) not in (1, 3) or (
                    len(words) == 3 and words[1].upper() != 'AS'):
                raise DockerfileError(f'line {n}: FROM IMAGE [AS NAME] only')
            stages.append({'image': words[0],
                           'name': words[2] if len(words) == 3 else None,
                           'ins': []})
            continue
        if not stages:
            if word == 'ARG':
                raise DockerfileError(f'line {n}: ARG is not supported')
            raise DockerfileError(f'line {n}: {word} before FROM')
        stages[-1]['ins'].append((n, word, rest))
    if len(stages) != 2:
        raise DockerfileError(f'{len(stages)} stages; expected a build stage '
                              'and a runtime stage')
    build, final = stages
    out = {}

    # The build stage: packages, context copy, meson lines.
    if build['image'] != 'debian:bookworm':
        raise DockerfileError(f'build stage is {build["image"]}, '
                              'not debian:bookworm')
    workdir, ctx_dest, setup, compiled = '/', None, None, False
    build_pkgs = []
    for n, word, rest in build['ins']:
        if word == 'WORKDIR':
            workdir = os.path.join(workdir, rest)
        elif word == 'COPY':
            flags, words = split_flags(shlex.split(rest))
            if flags or words[:1] != ['.'] or len(words) != 2:
                raise DockerfileError(f'line {n}: the build stage may only '
                                      'COPY . DEST')
            ctx_dest = os.path.normpath(os.path.join(workdir, words[1]))
        elif word == 'RUN':
            if 'apt-get install' in rest:
                build_pkgs += apt_packages(rest, n)
                continue
            for seg in (s.strip() for s in rest.split('&&')):
                w = shlex.split(seg)
                if w[:2] == ['meson', 'setup']:
                    setup = w[2:]
                elif w[:3] == ['meson', 'compile', '-C']:
                    compiled = True
        elif word not in ('ENV', 'LABEL'):
            raise DockerfileError(f'line {n}: {word} in the build stage is '
                                  'not supported')
    if ctx_dest != workdir:
        raise DockerfileError('the build stage must COPY the context into '
                              'its WORKDIR')
    if not setup or setup[0].startswith('-') or not compiled:
        raise DockerfileError('the build stage needs `meson setup DIR ...` '
                              'and `meson compile -C DIR`')
    out['BUILD_IMAGE'] = build['image']
    out['BUILD_NAME'] = build['name'] or ''
    out['BUILD_PKGS'] = build_pkgs
    out['BUILD_DIR'] = setup[0]
    out['MESON_ARGS'] = setup[1:]

    # The runtime stage, in order.
    lint = []
    if final['image'] != 'debian:bookworm-slim':
        raise DockerfileError(f'runtime stage is {final["image"]}; '
                              'docker/verify builds debian:bookworm-slim')
    kinds, a, b, c = [], [], [], []
    meta = {'USER': '', 'EXPOSE': [], 'STOPSIGNAL': '', 'VOLUME': [],
            'ENTRYPOINT': [], 'CMD': [], 'WORKDIR': '/'}
    runtime_pkgs, hc = None, None
    for i, (n, word, rest) in enumerate(final['ins']):
        if word == 'RUN':
            if rest.startswith('['):
                raise DockerfileError(f'line {n}: RUN must be in shell form')
            if 'apt-get install' in rest:
                if runtime_pkgs is not None or i != 0:
                    raise DockerfileError(f'line {n}: the package RUN must '
                                          'be the first and only one')
                runtime_pkgs = apt_packages(rest, n)
                continue
            kinds.append('RUN'); a.append(rest); b.append(''); c.append('')
        elif word == 'COPY':
            flags, words = split_flags(shlex.split(rest))
            src_from = flags.pop('from', '')
            chown = flags.pop('chown', '')
            if flags:
                raise DockerfileError(f'line {n}: COPY flags {sorted(flags)} '
                                      'are not supported')
            if len(words) < 2:
                raise DockerfileError(f'line {n}: COPY SRC... DEST')
            dest = words[-1]
            if len(words) > 2 and not dest.endswith('/'):
                raise DockerfileError(f'line {n}: several sources need a '
                                      'DEST ending in /')
            for src in words[:-1]:
                if any(ch in src for ch in '*?['):
                    raise DockerfileError(f'line {n}: wildcards in COPY are '
                                          'not supported')
                if src_from:
                    if src_from != build['name']:
                        raise DockerfileError(f'line {n}: COPY --from='
                                              f'{src_from} is not the build '
                                              'stage')
                    rel = os.path.relpath(os.path.normpath(src), ctx_dest)
                    if rel.startswith('..'):
                        raise DockerfileError(f'line {n}: {src} is outside '
                                              f'{ctx_dest}, so not from the '
                                              'repository\'s build')
                    src = rel
                kinds.append('COPY'); a.append(src); b.append(dest)
                c.append(chown)
        elif word == 'ENV':
            for key, value in parse_env(rest, n):
                kinds.append('ENV'); a.append(key); b.append(value)
                c.append('')
        elif word == 'WORKDIR':
            meta['WORKDIR'] = os.path.join(meta['WORKDIR'], rest)
            kinds.append('WORKDIR'); a.append(meta['WORKDIR']); b.append('')
            c.append('')
        elif word == 'USER':
            meta['USER'] = rest
            kinds.append('USER'); a.append(rest); b.append(''); c.append('')
        elif word == 'EXPOSE':
            meta['EXPOSE'] += rest.split()
        elif word == 'STOPSIGNAL':
            meta['STOPSIGNAL'] = rest
        elif word == 'VOLUME':
            meta['VOLUME'] += (json.loads(rest) if rest.startswith('[')
                               else rest.split())
        elif word in ('ENTRYPOINT', 'CMD'):
            meta[word] = exec_form(rest, word, n)
        elif word == 'HEALTHCHECK':
            flags, words = split_flags(rest.split(' '))
            rest2 = ' '.join(words).strip()
            if rest2.upper() == 'NONE':
                hc = None
                continue
            if not rest2.upper().startswith('CMD '):
                raise DockerfileError(f'line {n}: HEALTHCHECK ... CMD [...]')
            hc = {'argv': exec_form(rest2[4:], 'HEALTHCHECK CMD', n),
                  'interval': flags.get('interval', '30s'),
                  'timeout': flags.get('timeout', '30s'),
                  'start-period': flags.get('start-period', '0s'),
                  'retries': flags.get('retries', '3')}
            unknown = set(flags) - {'interval', 'timeout', 'start-period',
                                    'retries'}
            if unknown:
                raise DockerfileError(f'line {n}: HEALTHCHECK flags '
                                      f'{sorted(unknown)} are not supported')
        elif word in ('LABEL', 'SHELL', 'ARG', 'ONBUILD', 'ADD'):
            raise DockerfileError(f'line {n}: {word} is not supported by '
                                  'docker/verify')
        else:
            raise DockerfileError(f'line {n}: unknown instruction {word}')
    if runtime_pkgs is None:
        raise DockerfileError('the runtime stage installs no package')

    env = {k: v for kind, k, v in zip(kinds, a, b) if kind == 'ENV'}
    ports = [p.split('/')[0] for p in meta['EXPOSE']]
    if not meta['USER'] or meta['USER'].split(':')[0] in ('0', 'root'):
        lint.append('USER must name a non-root user')
    if env.get('MFAEMU_HOST') != '0.0.0.0':
        lint.append('ENV MFAEMU_HOST must be 0.0.0.0')
    if env.get('MFAEMU_PORT') not in ports or len(ports) != 1:
        lint.append('EXPOSE must be exactly the port of ENV MFAEMU_PORT')
    if meta['VOLUME']:
        lint.append('VOLUME leaves an anonymous volume behind each plain '
                    '`docker run`; document -v NAME:/data instead')
    if not meta['STOPSIGNAL']:
        lint.append('STOPSIGNAL is missing')
    if hc is None:
        lint.append('HEALTHCHECK is missing')
    elif any('curl' in w or 'wget' in w for w in hc['argv']):
        lint.append('HEALTHCHECK must not need curl or wget')
    argv = meta['ENTRYPOINT'] + meta['CMD']
    if not argv:
        lint.append('no ENTRYPOINT or CMD')

    out.update({
        'RUNTIME_IMAGE': final['image'],
        'RUNTIME_PKGS': runtime_pkgs,
        'STEP_KIND': kinds, 'STEP_A': a, 'STEP_B': b, 'STEP_C': c,
        'IMG_USER': meta['USER'],
        'IMG_WORKDIR': meta['WORKDIR'],
        'IMG_EXPOSE': meta['EXPOSE'],
        'IMG_STOPSIGNAL': meta['STOPSIGNAL'],
        'IMG_VOLUMES': meta['VOLUME'],
        'IMG_ENTRYPOINT': meta['ENTRYPOINT'],
        'IMG_CMD': meta['CMD'],
        'IMG_ARGV': argv,
        'HC_ARGV': hc['argv'] if hc else [],
        'HC_INTERVAL': hc['interval'] if hc else '',
        'HC_TIMEOUT': hc['timeout'] if hc else '',
        'HC_START_PERIOD': hc['start-period'] if hc else '',
        'HC_RETRIES': hc['retries'] if hc else '',
        'HC_TIMEOUT_S': str(max(1, -(-parse_duration(hc['timeout'])
                                      // 10**9))) if hc else '',
        'LINT': lint,
    })
    return out


def cmd_parse(args):
    try:
        out = parse_dockerfile(args[0])
    except (DockerfileError, ValueError, OSError) as e:
        print(f'{args[0]}: {e}', file=sys.stderr)
        return 1
    for key, value in out.items():
        if isinstance(value, list):
            print(f'{key}=(' + ' '.join(shlex.quote(v) for v in value) + ')')
        else:
            print(f'{key}={shlex.quote(value)}')
    return 0


def ignore_rules(path):
    rules = []
    with open(path, encoding='utf-8') as f:
        for line in f:
            line = line.strip()
            if not line or line.startswith('#'):
                continue
            neg = line.startswith('!')
            pat = os.path.normpath(line[1:] if neg else line).lstrip('/')
            rx = ''
            i = 0
            while i < len(pat):
                if pat.startswith('**', i):
                    rx += '.*'
                    i += 2
                    if pat.startswith('/', i):
                        rx += '/?'
                        i += 1
                    continue
                ch = pat[i]
                rx += {'*': '[^/]*', '?': '[^/]'}.get(ch, re.escape(ch))
                i += 1
            rules.append((neg, re.compile(rx + r'\Z')))
    return rules


def excluded(rules, rel):
    """Docker's rule: the last pattern that matches the path or one of its
    parent directories decides."""
    parts = rel.split('/')
    prefixes = ['/'.join(parts[:k]) for k in range(1, len(parts) + 1)]
    out = False
    for neg, rx in rules:
        if any(rx.match(p) for p in prefixes):
            out = not neg
    return out


def cmd_context_check(args):
    rules = ignore_rules(args[0])
    paths = sorted({os.path.normpath(p.strip()) for p in sys.stdin
                    if p.strip()})
    bad = [p for p in paths if excluded(rules, p)]
    for p in bad:
        print(f'  left out of the build context by .dockerignore: {p}')
    if not paths:
        print('  no paths to check')
        return 1
    return 1 if bad else 0


def cmd_exec(args):
    opts = {}
    while args and args[0] != '--':
        opts[args[0]] = args[1]
        args = args[2:]
    argv = args[1:]
    env = {}
    with open(opts['--env-file'], 'rb') as f:
        for item in f.read().split(b'\0'):
            if item:
                k, _, v = item.decode().partition('=')
                env[k] = v
    uid, gid = (int(x) for x in opts['--user'].split(':'))
    os.chroot(opts['--root'])
    os.chdir(opts['--wd'])
    os.setgroups([gid])
    os.setgid(gid)
    os.setuid(uid)
    try:
        os.execvpe(argv[0], argv, env)
    except OSError as e:
        print(f'exec {argv[0]}: {e}', file=sys.stderr)
        return 127


def oci_blob(layout, digest):
    algo, hexd = digest.split(':')
    return os.path.join(layout, 'blobs', algo, hexd)


def oci_image(layout, tag):
    """(index, its descriptor of tag, manifest, image config)."""
    with open(os.path.join(layout, 'index.json')) as f:
        index = json.load(f)
    desc = next(d for d in index['manifests']
                if d.get('annotations', {}).get(
                    'org.opencontainers.image.ref.name') == tag)
    with open(oci_blob(layout, desc['digest'])) as f:
        manifest = json.load(f)
    with open(oci_blob(layout, manifest['config']['digest'])) as f:
        config = json.load(f)
    return index, desc, manifest, config


def cmd_oci_check(args):
    """The image config Docker would run: no Volumes (each `docker run`
    would leave an anonymous volume), a Healthcheck."""
    config = oci_image(args[0], args[1])[3].get('config', {})
    bad = []
    if config.get('Volumes'):
        bad.append(f'Volumes {sorted(config["Volumes"])}')
    if not config.get('Healthcheck'):
        bad.append('no Healthcheck')
    for b in bad:
        print(f'  image config: {b}')
    return 1 if bad else 0


def cmd_oci_healthcheck(args):
    layout, tag, argv_json, interval, timeout, start, retries = args

    def put(obj):
        data = json.dumps(obj, separators=(',', ':')).encode()
        digest = 'sha256:' + hashlib.sha256(data).hexdigest()
        with open(oci_blob(layout, digest), 'wb') as f:
            f.write(data)
        return digest, len(data)

    index, desc, manifest, config = oci_image(layout, tag)
    config.setdefault('config', {})['Healthcheck'] = {
        'Test': ['CMD'] + json.loads(argv_json),
        'Interval': parse_duration(interval),
        'Timeout': parse_duration(timeout),
        'StartPeriod': parse_duration(start),
        'Retries': int(retries),
    }
    manifest['config']['digest'], manifest['config']['size'] = put(config)
    desc['digest'], desc['size'] = put(manifest)
    with open(os.path.join(layout, 'index.json'), 'w') as f:
        json.dump(index, f)
    return 0


def cmd_json_get(args):
    try:
        value = json.load(sys.stdin)
        for key in args[0].split('.'):
            value = value[int(key)] if isinstance(value, list) else value[key]
    except (ValueError, KeyError, IndexError, TypeError):
        return 1
    print(value if isinstance(value, str) else json.dumps(value))
    return 0


def cmd_compose(args):
    import yaml  # python3-yaml; only this subcommand needs it
    path = args[0]
    base = os.path.dirname(os.path.abspath(path))
    with open(path, encoding='utf-8') as f:
        doc = yaml.safe_load(f)
    problems = []
    services = doc.get('services', {})
    emu, app = services.get('mfaemu'), services.get('app')
    if not emu or not app:
        print(f'{path}: needs services mfaemu and app', file=sys.stderr)
        return 1

    def env_list(svc):
        env = svc.get('environment') or {}
        if isinstance(env, dict):
            return [f'{k}={"" if v is None else v}' for k, v in env.items()]
        return list(env)

    build = emu.get('build') or {}
    dockerfile = os.path.normpath(os.path.join(
        base, build.get('context', '.'), build.get('dockerfile',
                                                   'Dockerfile')))
    mounts = []
    for v in emu.get('volumes') or []:
        if not isinstance(v, str):
            problems.append(f'mfaemu volume {v!r}: only short syntax')
            continue
        parts = v.split(':')
        src, dst = parts[0], parts[1]
        mode = parts[2] if len(parts) > 2 else 'rw'
        if not src.startswith(('.', '/')):
            continue  # a named volume: nothing to check here
        mounts.append(f'{os.path.normpath(os.path.join(base, src))}:'
                      f'{dst}:{mode}')
    hc = emu.get('healthcheck') or {}
    if 'test' in hc:
        problems.append('mfaemu healthcheck sets test; the image\'s '
                        'HEALTHCHECK (mfaemu --probe) should stay')
    dep = (app.get('depends_on') or {})
    cond = dep.get('mfaemu', {}).get('condition') if isinstance(
        dep, dict) else None
    if cond != 'service_healthy':
        problems.append('app must depend on mfaemu with condition '
                        'service_healthy')
    app_mounts = {}
    for v in app.get('volumes') or []:
        parts = v.split(':')
        app_mounts[parts[1]] = os.path.normpath(os.path.join(base, parts[0]))
    cmd = [app_mounts.get(a, a) for a in (app.get('command') or [])]
    out = {
        'COMPOSE_DOCKERFILE': dockerfile,
        'COMPOSE_ENV': env_list(emu),
        'COMPOSE_MOUNTS': mounts,
        'COMPOSE_APP_ENV': env_list(app),
        'COMPOSE_APP_CMD': cmd,
        'COMPOSE_PROBLEMS': problems,
    }
    for key, value in out.items():
        if isinstance(value, list):
            print(f'{key}=(' + ' '.join(shlex.quote(v) for v in value) + ')')
        else:
            print(f'{key}={shlex.quote(value)}')
    return 0


RUN_VALUE_OPTS = {'-p', '--publish', '-e', '--env', '-v', '--volume',
                  '--name', '--network', '-u', '--user', '--env-file', '-w',
                  '--workdir', '--mount', '--add-host', '--entrypoint',
                  '--health-cmd', '--health-interval', '--platform'}


def shell_lines(text):
    """Command lines of a shell snippet: continuations joined, comments
    and blank lines dropped."""
    out, buf = [], ''
    for raw in text.splitlines():
        line = raw.rstrip()
        if line.endswith('\\'):
            buf += line[:-1] + ' '
            continue
        line = (buf + line).strip()
        buf = ''
        if line and not line.startswith('#'):
            out.append(line)
    return out


def snippets(path):
    """The shell text of a file: a Markdown file's sh fences, a CI YAML
    file's run/script strings (GitHub Actions, GitLab CI)."""
    with open(path, encoding='utf-8') as f:
        text = f.read()
    if path.endswith('.md'):
        return re.findall(r'^```(?:sh|shell|bash|console)\n(.*?)^```',
                          text, re.M | re.S)
    import yaml  # python3-yaml
    found = []

    def walk(node):
        if isinstance(node, dict):
            for k, v in node.items():
                if k == 'run' and isinstance(v, str):
                    found.append(v)
                elif k in ('script', 'before_script', 'after_script'):
                    found.extend(x for x in (v if isinstance(v, list)
                                             else [v]) if isinstance(x, str))
                else:
                    walk(v)
        elif isinstance(node, list):
            for x in node:
                walk(x)
    walk(yaml.safe_load(text))
    return found


def docker_commands(lines):
    """[(verb, argv after the verb)] of every docker command in lines."""
    cmds = []
    for line in lines:
        for part in re.split(r'&&|\|\||;|\|', line):
            try:
                words = shlex.split(part, comments=True)
            except ValueError:
                continue
            while words and ('=' in words[0] or words[0] in ('sudo',
                                                              'exec')):
                words.pop(0)
            if len(words) >= 2 and words[0] == 'docker':
                if words[1] == 'compose' and len(words) > 2:
                    cmds.append(('compose', words[2:]))
                else:
                    cmds.append((words[1], words[2:]))
    return cmds


class ImageFacts:
    """What a docker run or a service may say about the image: its port,
    the MFAEMU_* variables the daemon reads."""

    def __init__(self, dockerfile, config_c):
        info = parse_dockerfile(dockerfile)
        self.ports = {p.split('/')[0] for p in info['IMG_EXPOSE']}
        with open(config_c, encoding='utf-8') as f:
            self.env = set(re.findall(r'"(MFAEMU_[A-Z0-9_]+)"', f.read()))

    def check_port(self, where, spec, problems):
        inside = str(spec).split('/')[0].split(':')[-1]
        if inside not in self.ports:
            problems.append(f'{where}: publishes container port {inside}; '
                            f'the image listens on {sorted(self.ports)}')

    def check_env(self, where, keys, problems):
        for k in keys:
            if k.startswith('MFAEMU_') and k not in self.env:
                problems.append(f'{where}: {k} is no variable mfaemu reads')


def check_run(facts, where, args, built, problems):
    if '--rm' not in args:
        problems.append(f'{where}: docker run without --rm')
    image, env, vols, i = None, [], [], 0
    while i < len(args):
        a = args[i]
        opt, eq, val = a.partition('=')
        if a.startswith('-') and opt in RUN_VALUE_OPTS:
            if not eq:
                i += 1
                val = args[i] if i < len(args) else ''
            if opt in ('-p', '--publish'):
                facts.check_port(where, val, problems)
            elif opt in ('-e', '--env'):
                env.append(val.split('=')[0])
            elif opt in ('-v', '--volume'):
                vols.append(val)
        elif not a.startswith('-'):
            image = a
            break
        i += 1
    facts.check_env(where, env, problems)
    if built and image not in built:
        problems.append(f'{where}: runs image {image}, but the file builds '
                        f'{sorted(built)}')
    for v in vols:
        if v.split(':')[1:2] == ['/data'] and 'MFAEMU_DB' not in env:
            problems.append(f'{where}: mounts /data without -e MFAEMU_DB=/'
                            'data/...: the store stays in memory')


def check_build(where, args, problems):
    """docker/Dockerfile of the repository, with the repository (its
    parent's parent) as the build context."""
    dockerfile = args[args.index('-f') + 1] if '-f' in args[:-1] else None
    context = args[-1] if args else ''
    want = os.path.normpath(os.path.join(context, 'docker/Dockerfile'))
    if dockerfile is None or os.path.normpath(dockerfile) != want:
        problems.append(f'{where}: docker build {" ".join(args)}: wants '
                        f'-f {want} with the context {context}')


def check_compose_cmd(where, args, problems):
    if 'up' in args:
        if args[:2] != ['-f', 'docker/compose.yaml']:
            problems.append(f'{where}: docker compose up without '
                            '-f docker/compose.yaml')
        if '--abort-on-container-exit' not in args:
            problems.append(f'{where}: docker compose up without '
                            '--abort-on-container-exit (it would not end)')


def check_services(facts, path, problems):
    """The services: blocks of a CI file (GitHub Actions, GitLab CI)."""
    import yaml  # python3-yaml
    with open(path, encoding='utf-8') as f:
        doc = yaml.safe_load(f)
    for job_name, job in ((doc.get('jobs') or {}).items()
                          if 'jobs' in doc else doc.items()):
        if not isinstance(job, dict):
            continue
        svcs = job.get('services') or {}
        items = svcs.items() if isinstance(svcs, dict) else enumerate(svcs)
        for name, svc in items:
            where = f'{path}: job {job_name}, service {name}'
            if isinstance(svc, str):
                svc = {'name': svc}
            image = svc.get('image') or svc.get('name') or ''
            if 'mfaemu' not in image:
                continue
            for p in svc.get('ports') or []:
                facts.check_port(where, p, problems)
            env = svc.get('env') or svc.get('variables') or {}
            facts.check_env(where, env, problems)


def cmd_docs_check(args):
    """docs-check DOCKERFILE CONFIG_C COMPOSE FILE...: every docker run in
    FILEs has --rm and what the image takes, runs the image the file
    builds; every compose up names docker/compose.yaml and ends; CI
    services and COMPOSE's mfaemu service fit the image."""
    dockerfile, config_c, compose = args[:3]
    facts = ImageFacts(dockerfile, config_c)
    problems, counts = [], {}
    for path in args[3:]:
        cmds = docker_commands(l for s in snippets(path)
                               for l in shell_lines(s))
        built = set()
        for verb, a in cmds:
            if verb == 'build':
                built |= {a[i + 1] for i, w in enumerate(a[:-1])
                          if w in ('-t', '--tag')}
                check_build(path, a, problems)
        for verb, a in cmds:
            counts[verb] = counts.get(verb, 0) + 1
            if verb == 'run':
                check_run(facts, path, a, built, problems)
            elif verb == 'compose':
                check_compose_cmd(path, a, problems)
        if path.endswith(('.yml', '.yaml')):
            check_services(facts, path, problems)
    problems += compose_image_problems(facts, compose)
    for p in problems:
        print(f'  {p}')
    print('  checked ' + ', '.join(f'{n} docker {v}' for v, n in
                                   sorted(counts.items())))
    return 1 if problems else 0


def compose_image_problems(facts, path):
    import yaml  # python3-yaml
    base = os.path.dirname(os.path.abspath(path))
    with open(path, encoding='utf-8') as f:
        doc = yaml.safe_load(f)
    emu = (doc.get('services') or {}).get('mfaemu') or {}
    problems = []
    for p in emu.get('ports') or []:
        facts.check_port(f'{path} ports', p, problems)
    env = emu.get('environment') or {}
    env = env if isinstance(env, dict) else dict(
        e.partition('=')[::2] for e in env)
    facts.check_env(f'{path} environment', env, problems)
    mounts = {}
    for v in emu.get('volumes') or []:
        parts = str(v).split(':')
        if len(parts) < 2:
            problems.append(f'{path}: volume {v!r} is anonymous')
        elif parts[0].startswith(('.', '/')):
            mounts[parts[1]] = os.path.join(base, parts[0])
        elif parts[0] not in (doc.get('volumes') or {}):
            problems.append(f'{path}: named volume {parts[0]} is not '
                            'declared under volumes:')
    for fx in str(env.get('MFAEMU_FIXTURES') or '').split(','):
        host = next((os.path.join(src, os.path.relpath(fx, dst))
                     for dst, src in mounts.items()
                     if fx.startswith(dst + '/')), None)
        if fx and (host is None or not os.path.isfile(host)):
            problems.append(f'{path}: MFAEMU_FIXTURES {fx} is in no '
                            'mounted folder')
    hc = emu.get('healthcheck') or {}
    for k in ('interval', 'timeout', 'start_period'):
        if k in hc:
            try:
                parse_duration(str(hc[k]))
            except DockerfileError as e:
                problems.append(f'{path}: healthcheck {k}: {e}')
    if not isinstance(hc.get('retries', 3), int):
        problems.append(f'{path}: healthcheck retries is not a number')
    return problems


def main():
    cmds = {'parse': cmd_parse, 'context-check': cmd_context_check,
            'exec': cmd_exec, 'oci-healthcheck': cmd_oci_healthcheck,
            'json-get': cmd_json_get, 'compose': cmd_compose,
            'docs-check': cmd_docs_check, 'oci-check': cmd_oci_check}
    if len(sys.argv) < 2 or sys.argv[1] not in cmds:
        print(__doc__, file=sys.stderr)
        return 2
    return cmds[sys.argv[1]](sys.argv[2:])


if __name__ == '__main__':
    sys.exit(main())
