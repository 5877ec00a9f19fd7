#!/usr/bin/env python3
"""Write the seed corpora, OUT/<target>/, from the tests.

Unit-test tables (test_reqparse.c, test_base32.c, test_clock.c,
test_totp.c, test_tokens.c, test_fixtures.c) are read with the C
preprocessor, so their macros expand as the compiler sees them; the
integration tests' requests (errors, http, signin_phone, signin_totp) are
restated as fuzz_router scripts against fixtures/demo.json. Files are named
by content kind. The seeds are not committed: the meson build of the fuzz
targets (-Dfuzz=true, tests/fuzz/meson.build) runs this script whenever a
file it reads changes, so the seeds follow the tests. Hand-found inputs
live apart, in tests/fuzz/regress/ and tests/fuzz/findings/.

Run from anywhere: python3 tests/fuzz/make_corpus.py --out DIR [--stamp FILE]
--stamp names a file to touch when done (meson's output).
"""
import base64
import hashlib
import hmac
import json
import os
import re
import struct
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, '..', '..'))
UNIT = os.path.join(ROOT, 'tests', 'unit')

# 2026-03-01T00:00:00Z: fuzz_router freezes its clock here (FUZZ_T0_MS).
T0 = 1772323200
DEMO_SECRET = '6IJSVADRO4MSOAO2OZINRETRIPWDR6IH'


# ------------------------------------------------------------ C tables

def _c_tokens(text):
    """Tokens of preprocessed C: ('s', bytes) for string literals
    (adjacent ones joined), ('p', ch) punctuation, ('w', text) the rest."""
    toks = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c.isspace():
            i += 1
        elif c == '"':
            j, out = i + 1, bytearray()
            while text[j] != '"':
                if text[j] == '\\':
                    e = text[j + 1]
                    if e == 'x':
                        m = re.match(r'[0-9a-fA-F]+', text[j + 2:])
                        out.append(int(m.group(0), 16) & 0xff)
                        j += 2 + len(m.group(0))
                        continue
                    if e in '01234567':
                        m = re.match(r'[0-7]{1,3}', text[j + 1:])
                        out.append(int(m.group(0), 8) & 0xff)
                        j += 1 + len(m.group(0))
                        continue
                    out += {'n': b'\n', 't': b'\t', 'r': b'\r',
                            '"': b'"', '\\': b'\\', "'": b"'",
                            '0': b'\0', 'a': b'\a', 'b': b'\b',
                            'f': b'\f', 'v': b'\v', '?': b'?'}[e]
                    j += 2
                else:
                    out += text[j].encode('utf-8')
                    j += 1
            if toks and toks[-1][0] == 's':
                toks[-1] = ('s', toks[-1][1] + bytes(out))
            else:
                toks.append(('s', bytes(out)))
            i = j + 1
        elif c in '{}(),;=[]':
            toks.append(('p', c))
            i += 1
        else:
            m = re.match(r'[^\s"{}(),;=\[\]]+', text[i:])
            toks.append(('w', m.group(0)))
            i += len(m.group(0))
    return toks


def c_table(name, table):
    """Entries of `table` in tests/unit/<name>: each a list of fields,
    a field being bytes (a string) or the raw text of other tokens."""
    src = open(os.path.join(UNIT, name), encoding='utf-8').read()
    # The file's own #defines, then the table, through cpp.
    defines = re.findall(r'^#define (?:[^\n]*\\\n)*[^\n]*', src, re.M)
    m = re.search(r'\b' + table + r'\[\] = \{', src)
    if m is None:
        raise SystemExit('%s: no table %s' % (name, table))
    body = src[m.end() - 1:src.index('\n};', m.end()) + 3]
    snippet = '\n'.join(defines) + '\nT ' + body + '\n'
    out = subprocess.run(['cpp', '-P'], input=snippet, capture_output=True,
                         text=True, check=True).stdout
    toks = _c_tokens(out[out.index('T ') + 2:])
    entries, depth, cur, field = [], 0, [], []

    def flush():
        if field:
            strs = [t[1] for t in field if t[0] == 's']
            cur.append(strs[0] if len(field) == 1 and strs else
                       ' '.join(str(t[1]) for t in field))
        field.clear()

    for kind, val in toks:
        if val == '{' and kind == 'p':
            depth += 1
            if depth == 2:
                cur, field = [], []
            continue
        if val == '}' and kind == 'p':
            if depth == 2:
                flush()
                entries.append(cur)
            depth -= 1
            continue
        if depth == 1 and kind == 's':
            entries.append([val])       # a table of plain strings
        elif depth == 2 and val == ',' and kind == 'p':
            flush()
        elif depth == 2:
            field.append((kind, val))
    return entries


# ------------------------------------------------------------ helpers

written = {}


def put(target, name, data):
    if isinstance(data, str):
        data = data.encode('utf-8')
    name = re.sub(r'[^A-Za-z0-9._-]+', '-', name).strip('-')[:60]
    key = (target, name)
    k = 2
    while key in written and written[key] != data:
        key = (target, '%s-%d' % (name, k))
        k += 1
    written[key] = data


def totp(secret_b32, t, alg='sha1', digits=6, period=30):
    key = base64.b32decode(secret_b32)
    mac = hmac.new(key, struct.pack('>Q', t // period),
                   getattr(hashlib, alg)).digest()
    o = mac[-1] & 15
    v = (struct.unpack('>I', mac[o:o + 4])[0] & 0x7fffffff) % 10 ** digits
    return str(v).zfill(digits)


# ------------------------------------------------------------ fuzz_reqparse

def reqparse_seeds():
    t = 'fuzz_reqparse'
    for table in ('json_ok', 'json_bad', 'int_cases', 'wrong_types'):
        for i, e in enumerate(c_table('test_reqparse.c', table)):
            for f in e:
                if isinstance(f, bytes) and not f.startswith(b'TYPE_') \
                        and not f.startswith(b'line '):
                    put(t, '%s-%d' % (table, i), f)
    # Request bodies from the integration tests.
    for name, body in router_bodies():
        put(t, 'body-' + name, body)
    put(t, 'form-token',
        'grant_type=refresh_token&refresh_token=abc%2Fdef+ghi')
    put(t, 'form-bad-escape', 'a=%zz&b=1')
    put(t, 'form-utf8', 'name=caf%C3%A9&x=%E2%82%AC&flag')
    put(t, 'form-bad-utf8', 'n=%C3%28')
    put(t, 'deep-32', '[' * 32 + ']' * 32)
    put(t, 'deep-33', '{"a":' * 33 + '1' + '}' * 33)
    put(t, 'numbers', '[0,-0,1e999,-1e-999,1.5e3,9223372036854775807,'
        '9223372036854775808,-9223372036854775809,18446744073709551616]')
    put(t, 'escapes', '{"\\u0000":"\\ud83d\\ude00\\/\\b\\f\\n\\r\\t"}')


# ------------------------------------------------------------ fuzz_router

START = '/v2/accounts/mfaSignIn:start'
FINALIZE = '/v2/accounts/mfaSignIn:finalize'
GOOGLE = '/identitytoolkit.googleapis.com'
JWKS = '/service_accounts/v1/jwk/securetoken@system.gserviceaccount.com'
X509 = '/robot/v1/metadata/x509/securetoken@system.gserviceaccount.com'
P = '/emulator/v1/projects/demo-project'
JSON = {'Content-Type': 'application/json'}
OWNER = {'Content-Type': 'application/json', 'Authorization': 'Bearer owner'}


def req(method, url, body=None, headers=None, key='any'):
    """One request of a fuzz_router script."""
    if key is not None:
        url += ('&' if '?' in url else '?') + 'key=' + key
    if headers is None:
        headers = JSON if body is not None else {}
    if body is not None and not isinstance(body, (str, bytes)):
        body = json.dumps(body, separators=(',', ':'))
    if isinstance(body, str):
        body = body.encode('utf-8')
    head = '%s %s\n' % (method, url)
    head += ''.join('%s: %s\n' % kv for kv in headers.items())
    return head.encode('utf-8') + b'\n' + (body or b'')


def script(*reqs):
    return b'\n~~~\n'.join(reqs)


# Credentials of the integration tests' fixture, as demo.json names them.
CREDS = {'cred-alice': 'demo-cred-alice', 'cred-bob': 'demo-cred-bob',
         'cred-carol': 'demo-cred-carol', 'cred-dave': 'demo-cred-dave',
         'cred-erin': 'demo-cred-erin'}
UNKNOWN_CRED = 'no-such-credential-0123456789'
UNKNOWN_SESSION = 'A' * 43


def demo(body):
    s = json.dumps(body)
    for k, v in CREDS.items():
        s = s.replace('"%s"' % k, '"%s"' % v)
    return json.loads(s)


def router_bodies():
    """(name, body) of the start and finalize cases in errors.test.mjs."""
    ph = {'sessionInfo': UNKNOWN_SESSION, 'code': '123456'}
    tv = {'verificationCode': '123456'}
    starts = [
        {}, {'mfaEnrollmentId': 'alice-phone'},
        {'mfaPendingCredential': '', 'mfaEnrollmentId': 'alice-phone'},
        {'mfaPendingCredential': 'cred-alice'},
        {'mfaPendingCredential': UNKNOWN_CRED},
        {'mfaPendingCredential': UNKNOWN_CRED, 'mfaEnrollmentId': 'alice-phone'},
        {'mfaPendingCredential': 'cred-alice', 'mfaEnrollmentId': 'alice-phone',
         'tenantId': 'no-such-tenant'},
        {'mfaPendingCredential': 'cred-alice', 'mfaEnrollmentId': 'alice-phone',
         'tenantId': 'tenant-a'},
        {'mfaPendingCredential': 'cred-erin', 'mfaEnrollmentId': 'erin-phone',
         'tenantId': 'tenant-b'},
        {'mfaPendingCredential': 'cred-dave', 'mfaEnrollmentId': 'dave-phone'},
        {'mfaPendingCredential': 'cred-dave',
         'mfaEnrollmentId': 'no-such-enrollment'},
        {'mfaPendingCredential': 'cred-alice', 'mfaEnrollmentId': 'carol-phone'},
        {'mfaPendingCredential': 'cred-bob', 'mfaEnrollmentId': 'bob-totp'},
    ]
    finals = [
        {}, {'phoneVerificationInfo': ph}, {'mfaEnrollmentId': 'bob-totp'},
        {'mfaPendingCredential': 'cred-alice'},
        {'mfaPendingCredential': 'cred-alice', 'mfaEnrollmentId': 'bob-totp',
         'phoneVerificationInfo': ph, 'totpVerificationInfo': tv},
        {'mfaPendingCredential': 'cred-alice',
         'phoneVerificationInfo': {'code': '123456'}},
        {'mfaPendingCredential': 'cred-alice', 'phoneVerificationInfo': {}},
        {'mfaPendingCredential': 'cred-alice',
         'phoneVerificationInfo': {'sessionInfo': UNKNOWN_SESSION}},
        {'mfaPendingCredential': 'cred-bob', 'totpVerificationInfo': tv},
        {'mfaPendingCredential': 'cred-bob', 'totpVerificationInfo': {}},
        {'mfaPendingCredential': 'cred-bob', 'mfaEnrollmentId': 'bob-totp',
         'totpVerificationInfo': {}},
        {'mfaPendingCredential': UNKNOWN_CRED, 'phoneVerificationInfo': ph},
        {'mfaPendingCredential': 'cred-alice', 'tenantId': 'no-such-tenant',
         'phoneVerificationInfo': ph},
        {'mfaPendingCredential': 'cred-dave', 'tenantId': 'tenant-a',
         'phoneVerificationInfo': ph},
        {'mfaPendingCredential': 'cred-dave', 'phoneVerificationInfo': ph},
        {'mfaPendingCredential': 'cred-bob',
         'mfaEnrollmentId': 'no-such-enrollment', 'totpVerificationInfo': tv},
        {'mfaPendingCredential': 'cred-bob', 'mfaEnrollmentId': 'carol-totp',
         'totpVerificationInfo': tv},
        {'mfaPendingCredential': 'cred-alice',
         'mfaEnrollmentId': 'no-such-enrollment', 'phoneVerificationInfo': ph},
        {'mfaPendingCredential': 'cred-alice', 'phoneVerificationInfo': ph},
    ]
    out = [('start-%d' % i, json.dumps(demo(b))) for i, b in enumerate(starts)]
    out += [('finalize-%d' % i, json.dumps(demo(b)))
            for i, b in enumerate(finals)]
    return out


def router_seeds():
    t = 'fuzz_router'
    alice = {'mfaPendingCredential': 'demo-cred-alice',
             'mfaEnrollmentId': 'alice-phone'}
    codes = req('GET', P + '/verificationCodes', key=None)
    phone_fin = lambda cred, **kw: dict(
        {'mfaPendingCredential': cred,
         'phoneVerificationInfo': {'sessionInfo': '{{sessionInfo}}',
                                   'code': '{{code}}'}}, **kw)
    totp_fin = lambda cred, enr, code: {
        'mfaPendingCredential': cred, 'mfaEnrollmentId': enr,
        'totpVerificationInfo': {'verificationCode': code}}

    # Single requests: the error cases of errors.test.mjs.
    for name, body in router_bodies():
        path = START if name.startswith('start') else FINALIZE
        put(t, name, req('POST', path, body))

    # Whole sign-ins (signin_phone / signin_totp).
    put(t, 'signin-phone-alice', script(
        req('POST', START, alice), codes,
        req('POST', FINALIZE, phone_fin('demo-cred-alice'))))
    put(t, 'signin-phone-alice-google-prefix', script(
        req('POST', GOOGLE + START, alice),
        req('GET', P + '/verificationCodes?phoneNumber=%2B15555550101',
            key=None),
        req('POST', GOOGLE + FINALIZE, phone_fin('demo-cred-alice')),
        req('POST', FINALIZE, phone_fin('demo-cred-alice'))))
    put(t, 'signin-phone-wrong-code-then-right', script(
        req('POST', START, alice), codes,
        req('POST', FINALIZE, {'mfaPendingCredential': 'demo-cred-alice',
            'phoneVerificationInfo': {'sessionInfo': '{{sessionInfo}}',
                                      'code': '000000'}}),
        req('POST', FINALIZE, phone_fin('demo-cred-alice'))))
    put(t, 'signin-phone-carol-test-number', script(
        req('POST', START, {'mfaPendingCredential': 'demo-cred-carol',
                            'mfaEnrollmentId': 'carol-phone'}),
        req('POST', FINALIZE, {'mfaPendingCredential': 'demo-cred-carol',
            'phoneVerificationInfo': {'sessionInfo': '{{sessionInfo}}',
                                      'code': '123456'}})))
    put(t, 'signin-phone-erin-tenant', script(
        req('POST', START, {'mfaPendingCredential': 'demo-cred-erin',
                            'mfaEnrollmentId': 'erin-phone',
                            'tenantId': 'tenant-a'}),
        req('GET', P + '/tenants/tenant-a/verificationCodes', key=None),
        req('POST', FINALIZE, phone_fin('demo-cred-erin',
                                        tenantId='tenant-a'))))
    put(t, 'signin-totp-bob-fixed-code', req('POST', FINALIZE, totp_fin(
        'demo-cred-bob', 'bob-totp', totp(DEMO_SECRET, T0))))
    put(t, 'signin-totp-bob-replay', script(
        req('POST', FINALIZE, totp_fin('demo-cred-bob', 'bob-totp',
                                       '{{totp}}')),
        req('POST', P + '/pendingCredentials', {'localId': 'bob'}, key=None),
        req('POST', FINALIZE, totp_fin('{{mfaPendingCredential}}',
                                       'bob-totp', '{{totp}}'))))
    put(t, 'signin-totp-carol-sha256-8', req('POST', FINALIZE, totp_fin(
        'demo-cred-carol', 'carol-totp',
        totp(DEMO_SECRET, T0, 'sha256', 8))))
    put(t, 'signin-totp-too-many-attempts', script(*(
        [req('POST', FINALIZE, totp_fin('demo-cred-bob', 'bob-totp',
                                        '000000'))] * 6)))
    put(t, 'signin-totp-clock-moved', script(
        req('POST', '/emulator/v1/clock', {'advanceSeconds': 30},
            key=None),
        req('POST', FINALIZE, totp_fin('demo-cred-bob', 'bob-totp',
                                       '{{totp}}'))))
    put(t, 'signin-password-then-mfa', script(
        req('POST', '/v1/accounts:signInWithPassword',
            {'email': 'alice@example.com', 'password': 'alice-password',
             'returnSecureToken': True}),
        req('POST', START, {'mfaPendingCredential': '{{mfaPendingCredential}}',
                            'mfaEnrollmentId': 'alice-phone'}),
        codes,
        req('POST', FINALIZE, phone_fin('{{mfaPendingCredential}}'))))

    # Tokens: refresh (form and JSON), lookup.
    form = {'Content-Type': 'application/x-www-form-urlencoded'}
    put(t, 'token-refresh-form', script(
        req('POST', FINALIZE, totp_fin('demo-cred-bob', 'bob-totp',
                                       '{{totp}}')),
        req('POST', '/securetoken.googleapis.com/v1/token',
            'grant_type=refresh_token&refresh_token={{refreshToken}}', form),
        req('POST', '/v1/accounts:lookup', {'idToken': '{{idToken}}'})))
    put(t, 'token-refresh-json', script(
        req('POST', FINALIZE, totp_fin('demo-cred-bob', 'bob-totp',
                                       '{{totp}}')),
        req('POST', '/v1/token', {'grantType': 'refresh_token',
                                  'refreshToken': '{{refreshToken}}'})))
    put(t, 'signup-lookup', script(
        req('POST', '/v1/accounts:signUp',
            {'email': 'new@example.com', 'password': 'secret-123',
             'displayName': 'New'}),
        req('POST', '/v1/accounts:lookup', {'idToken': '{{idToken}}'}),
        req('POST', '/v1/accounts:signInWithPassword',
            {'email': 'new@example.com', 'password': 'secret-123'})))

    # Enrollment (README): TOTP and phone, then withdraw.
    put(t, 'enroll-totp-then-withdraw', script(
        req('POST', FINALIZE, totp_fin('demo-cred-bob', 'bob-totp',
                                       '{{totp}}')),
        req('POST', '/v2/accounts/mfaEnrollment:start',
            {'idToken': '{{idToken}}', 'totpEnrollmentInfo': {}}),
        req('POST', '/v2/accounts/mfaEnrollment:finalize',
            {'idToken': '{{idToken}}', 'displayName': 'Second app',
             'totpVerificationInfo': {'sessionInfo': '{{sessionInfo}}',
                                      'verificationCode': '{{totp}}'}}),
        req('POST', '/v2/accounts/mfaEnrollment:withdraw',
            {'idToken': '{{idToken}}', 'mfaEnrollmentId': 'bob-totp'})))
    put(t, 'enroll-phone', script(
        req('POST', FINALIZE, totp_fin('demo-cred-bob', 'bob-totp',
                                       '{{totp}}')),
        req('POST', '/v2/accounts/mfaEnrollment:start',
            {'idToken': '{{idToken}}',
             'phoneEnrollmentInfo': {'phoneNumber': '+15555550199',
                                     'recaptchaToken': 'x'}}),
        codes,
        req('POST', '/v2/accounts/mfaEnrollment:finalize',
            {'idToken': '{{idToken}}',
             'phoneVerificationInfo': {'sessionInfo': '{{sessionInfo}}',
                                       'code': '{{code}}'}})))

    # HTTP rules (http.test.mjs).
    put(t, 'http-no-key', req('POST', START, alice, key=None))
    put(t, 'http-empty-key', req('POST', START + '?key=', alice, key=None))
    put(t, 'http-owner-no-key', req('POST', START, alice, OWNER, key=None))
    put(t, 'http-404', req('POST', '/v2/accounts/mfaSignIn:nope', {}))
    put(t, 'http-405', req('GET', START))
    put(t, 'http-preflight', req('OPTIONS', GOOGLE + FINALIZE, None, {
        'Origin': 'http://localhost:5173',
        'Access-Control-Request-Headers':
            'content-type,x-client-version,x-firebase-gmpid'}))
    put(t, 'http-origin', req('POST', START, {}, {
        'Content-Type': 'application/json', 'Origin': 'http://localhost:3000'}))
    put(t, 'http-params', script(
        req('POST', START + '?prettyPrint=false&alt=json&fields=x', alice),
        req('POST', START + '?$.xgafv=2', {}),
        req('POST', START + '?$.xgafv=3', {}),
        req('POST', START + '?alt=proto', {})))
    put(t, 'http-charset', req('POST', START, alice, {
        'Content-Type': 'application/json; charset=utf-8'}))
    put(t, 'http-malformed', script(
        req('POST', START, '{"mfaPendingCredential": "demo-cred-alice",'),
        req('POST', START, json.dumps(alice) + ' garbage'),
        req('POST', START, json.dumps([alice])),
        req('POST', FINALIZE, 'null'),
        req('POST', FINALIZE, '"demo-cred-alice"'),
        req('POST', START, {'mfaPendingCredential': 5,
                            'mfaEnrollmentId': 'alice-phone'}),
        req('POST', FINALIZE, {'mfaPendingCredential': 'demo-cred-alice',
                               'phoneVerificationInfo': 'x'})))
    put(t, 'http-content-types', script(
        req('POST', START, '', JSON),
        req('POST', START, json.dumps(alice), {}),
        req('POST', START, json.dumps(alice), {'Content-Type': 'text/plain'}),
        req('POST', START, b'{"mfaPendingCredential":"cred-\xff\xfe\xc3",'
            b'"mfaEnrollmentId":"alice-phone"}')))
    put(t, 'http-413', req('POST', START, dict(alice, padding='x' * 4200)))
    put(t, 'keys', script(
        req('GET', JWKS, key=None), req('GET', '/www.googleapis.com' + JWKS,
                                        key=None),
        req('GET', X509 + '?prettyPrint=false', key=None),
        req('GET', '/www.googleapis.com' + X509, key=None)))
    put(t, 'recaptcha-config', req(
        'GET', '/v2/recaptchaConfig?clientType=CLIENT_TYPE_WEB&version=x'))

    # Admin API (firebase-admin in emulator mode).
    A = '/v1/projects/demo-project/accounts'
    TA = '/v1/projects/demo-project/tenants/tenant-a/accounts'
    put(t, 'admin-accounts', script(
        req('POST', A, {'localId': 'zed', 'email': 'zed@example.com',
                        'password': 'pw-123456', 'emailVerified': True},
            OWNER, key=None),
        req('POST', A + ':lookup', {'localId': ['zed', 'alice'],
                                    'email': ['bob@example.com']},
            OWNER, key=None),
        req('POST', A + ':update', {'localId': 'zed', 'displayName': 'Zed',
            'mfa': {'enrollments': [{'phoneInfo': '+15555550111',
                                     'displayName': 'p'}]},
            'deleteAttribute': ['PHOTO_URL']}, OWNER, key=None),
        req('GET', A + ':batchGet?maxResults=2', None, OWNER, key=None),
        req('GET', A + ':batchGet?maxResults=2&nextPageToken={{nextPageToken}}',
            None, OWNER, key=None),
        req('POST', A + ':delete', {'localId': 'zed'}, OWNER, key=None)))
    put(t, 'admin-batch', script(
        req('POST', TA + ':batchCreate', {'users': [
            {'localId': 'b1', 'email': 'b1@example.com'},
            {'localId': 'b2', 'mfaInfo': [{'phoneInfo': '+15555550112'}]},
            {'localId': 'b1'}]}, OWNER, key=None),
        req('POST', TA + ':batchDelete', {'localIds': ['b1', 'b2', 'nope'],
                                          'force': True}, OWNER, key=None)))
    put(t, 'admin-unauthenticated', script(
        req('POST', A, {'localId': 'x'}, key=None),
        req('POST', A, {'localId': 'x'}, {'Content-Type': 'application/json',
                                          'Authorization': 'Bearer nope'},
            key=None)))
    C = '/v2/projects/demo-project'
    put(t, 'admin-config-tenants', script(
        req('GET', C + '/config', None, OWNER, key=None),
        req('PATCH', C + '/config', {'mfa': {'state': 'ENABLED',
            'enabledProviders': ['PHONE_SMS'], 'providerConfigs': [
                {'state': 'ENABLED', 'totpProviderConfig':
                 {'adjacentIntervals': 3}}]}}, OWNER, key=None),
        req('POST', C + '/tenants', {'displayName': 'T', 'mfaConfig':
            {'state': 'DISABLED'}, 'testPhoneNumbers':
            {'+15555550123': '654321'}}, OWNER, key=None),
        req('GET', C + '/tenants?pageSize=1', None, OWNER, key=None),
        req('GET', C + '/tenants/tenant-a', None, OWNER, key=None),
        req('PATCH', C + '/tenants/tenant-a', {'displayName': 'A'}, OWNER,
            key=None),
        req('DELETE', C + '/tenants/tenant-a', None, OWNER, key=None)))

    # The emulator's own endpoints and the control plane.
    put(t, 'emulator-root', req('GET', '/', key=None))
    put(t, 'control-clock', script(
        req('GET', '/emulator/v1/clock', key=None),
        req('POST', '/emulator/v1/clock', {'setTime': '2026-06-01T00:00:00Z',
                                           'freeze': False}, key=None),
        req('POST', '/emulator/v1/clock', {'advanceMillis': -1500,
                                           'freeze': True}, key=None),
        req('POST', '/emulator/v1/clock', {'nowMillis': 0}, key=None)))
    put(t, 'control-mint-and-codes', script(
        req('POST', P + '/pendingCredentials', {'localId': 'alice',
                                                'expiresIn': 60}, key=None),
        req('POST', START, {'mfaPendingCredential': '{{mfaPendingCredential}}',
                            'mfaEnrollmentId': 'alice-phone'}),
        req('GET', P + '/verificationCodes?since=2026-01-01T00:00:00Z',
            key=None),
        req('DELETE', P + '/verificationCodes', key=None),
        req('DELETE', P + '/tenants/tenant-a/accounts', key=None)))
    put(t, 'control-config', script(
        req('GET', P + '/config', key=None),
        req('PATCH', P + '/config', {'mfa': {'phone': True, 'totp': False},
            'smsCodeTtlSeconds': 60, 'smsCodeLength': 8, 'maxAttempts': 2,
            'pendingCredentialTtlSeconds': 30, 'totpAdjacentIntervals': 2,
            'testPhoneNumbers': {'+15555550142': '424242'}}, key=None),
        req('PATCH', P + '/tenants/tenant-a/config', {'mfa': {'phone': False}},
            key=None),
        req('GET', P + '/tenants/tenant-a/config', key=None)))
    put(t, 'control-faults', script(
        req('POST', '/emulator/v1/faults', {'route': 'accounts.mfaSignIn.start',
            'error': 'QUOTA_EXCEEDED', 'count': 1,
            'match': {'mfaEnrollmentId': 'alice-phone'}}, key=None),
        req('POST', START, alice),
        req('POST', '/emulator/v1/faults', {'route': '*', 'latencyMs': 5,
                                            'drop': True}, key=None),
        req('GET', '/emulator/v1/faults', key=None),
        req('POST', FINALIZE, {}),
        req('DELETE', '/emulator/v1/faults/{{id}}', key=None),
        req('DELETE', '/emulator/v1/faults', key=None)))
    put(t, 'control-events', script(
        req('POST', START, alice),
        req('GET', '/emulator/v1/events?limit=5&after=0', key=None),
        req('DELETE', '/emulator/v1/events', key=None)))
    put(t, 'control-export-import', script(
        req('POST', START, alice),
        req('GET', '/emulator/v1/export?credentials=true&sessions=true',
            key=None),
        req('POST', '/emulator/v1/fixtures', '{{response2}}', key=None),
        req('DELETE', '/emulator/v1/state', key=None),
        req('POST', '/emulator/v1/fixtures', '{{response2}}', key=None),
        req('POST', FINALIZE, {'mfaPendingCredential': 'demo-cred-alice',
            'phoneVerificationInfo': {'sessionInfo': '{{sessionInfo}}',
                                      'code': '000000'}})))
    put(t, 'control-prune', script(
        req('POST', START, alice),
        req('POST', '/emulator/v1/clock', {'advanceSeconds': 100000},
            key=None),
        b'PRUNE',
        req('POST', FINALIZE, phone_fin('demo-cred-alice')),
        req('GET', P + '/verificationCodes', key=None)))
    put(t, 'signin-android-proof', script(
        req('POST', START, alice), codes,
        req('POST', FINALIZE, {'mfaPendingCredential': 'demo-cred-alice',
            'phoneVerificationInfo': {'sessionInfo': '{{sessionInfo}}',
                                      'code': '{{code}}',
                                      'phoneNumber': '+15555550101'}}),
        req('POST', P + '/pendingCredentials', {'localId': 'alice'},
            key=None),
        req('POST', FINALIZE, {'mfaPendingCredential':
                               '{{mfaPendingCredential}}',
            'phoneVerificationInfo': {
                'phoneNumber': '+15555550101',
                'androidVerificationProof': '{{androidVerificationProof}}'}})))
    put(t, 'admin-phone-password', script(
        req('POST', A, {'localId': 'pat', 'phoneNumber': '+15555550177',
                        'email': 'pat@example.com'}, OWNER, key=None),
        req('POST', A + ':lookup', {'phoneNumber': ['+15555550177']},
            OWNER, key=None),
        req('POST', A + ':update', {'localId': 'pat', 'password': 'new-pw-1',
                                    'phoneNumber': '+15555550178',
                                    'disableUser': True,
                                    'validSince': str(T0)}, OWNER, key=None),
        req('POST', '/v1/accounts:signInWithPassword',
            {'email': 'pat@example.com', 'password': 'new-pw-1'})))

    # The second configuration: --id-token-alg none, a control token.
    B = b'@B\n'
    ctl = {'Content-Type': 'application/json',
           'Authorization': 'Bearer ctl-token'}
    hdr = '<<{"alg":"none","typ":"JWT"}>>'
    put(t, 'b-signin-lookup-enroll', B + script(
        req('POST', FINALIZE, totp_fin('demo-cred-bob', 'bob-totp',
                                       '{{totp}}'), key=None),
        req('POST', '/v1/accounts:lookup', {'idToken': '{{idToken}}'},
            key=None),
        req('POST', '/v2/accounts/mfaEnrollment:start',
            {'idToken': '{{idToken}}', 'totpEnrollmentInfo': {}}, key=None),
        req('POST', '/v2/accounts/mfaEnrollment:finalize',
            {'idToken': '{{idToken}}',
             'totpVerificationInfo': {'sessionInfo': '{{sessionInfo}}',
                                      'verificationCode': '{{totp}}'}},
            key=None)))
    claims = json.dumps({
        'iss': 'https://securetoken.google.com/demo-project',
        'aud': 'demo-project', 'sub': 'bob', 'user_id': 'bob',
        'auth_time': T0, 'iat': T0, 'exp': T0 + 3600,
        'firebase': {'sign_in_provider': 'password'}},
        separators=(',', ':'))
    # Raw bodies: "<<...>>" is expanded before the JSON is parsed.
    tok = hdr + '.<<' + claims + '>>.'
    put(t, 'b-crafted-unsigned-token', B + script(
        req('POST', '/v1/accounts:lookup', '{"idToken":"%s"}' % tok, JSON,
            key=None),
        req('POST', '/v2/accounts/mfaEnrollment:withdraw',
            '{"idToken":"%s","mfaEnrollmentId":"bob-totp"}' % tok, JSON,
            key=None)))
    put(t, 'b-control-token', B + script(
        req('GET', '/emulator/v1/clock', key=None),
        req('GET', '/emulator/v1/clock', None, ctl, key=None),
        req('POST', '/emulator/v1/clock', {'advanceSeconds': 1}, ctl,
            key=None),
        req('POST', START, alice, key=None)))
    put(t, 'control-fixtures', script(
        req('POST', '/emulator/v1/fixtures', {'replace': True,
            'projectId': 'demo-project', 'users': [{'localId': 'u1',
            'mfaInfo': [{'totpInfo': {'sharedSecretKey': DEMO_SECRET}}]}],
            'pendingCredentials': [{'mfaPendingCredential': 'c1',
                                    'localId': 'u1'}]}, key=None),
        req('DELETE', P, key=None),
        req('DELETE', P + '/tenants/tenant-a', key=None)))


# ------------------------------------------------------------ fuzz_fixtures

def fixtures_seeds():
    t = 'fuzz_fixtures'
    put(t, 'demo', open(os.path.join(ROOT, 'fixtures', 'demo.json'),
                        'rb').read())
    for i, e in enumerate(c_table('test_fixtures.c', 'bad_docs')):
        put(t, 'bad-%d' % i, e[1])
    try:
        doc = subprocess.run(
            ['node', '-e', "import('./tests/integration/harness.mjs')"
             ".then(h => console.log(JSON.stringify(h.fixture())))"],
            cwd=ROOT, capture_output=True, text=True, check=True,
            timeout=30).stdout
        put(t, 'integration-fixture', doc.strip())
    except (OSError, subprocess.SubprocessError):
        pass
    put(t, 'realm-settings', json.dumps({
        'projectId': 'demo-project', 'mfa': {'phone': True, 'totp': False},
        'smsCodeTtlSeconds': 60, 'smsCodeLength': 4, 'maxAttempts': 1000,
        'pendingCredentialTtlSeconds': 31536000, 'totpAdjacentIntervals': 0,
        'testPhoneNumbers': {'+15555550100': '123456'},
        'tenants': [{'tenantId': 't1', 'mfa': {'phone': False},
                     'smsCodeTtlSeconds': None, 'smsCodeLength': 8,
                     'totpAdjacentIntervals': 10,
                     'testPhoneNumbers': {'+15555550101': '000000'}},
                    {'tenantId': 't2', 'maxAttempts': 0}]}))
    put(t, 'export-shape', json.dumps({'projects': [
        {'projectId': 'p1', 'mfa': {'phone': True, 'totp': True},
         'users': [{'localId': 'u', 'email': 'u@example.com',
                    'passwordHash': base64.b64encode(b'h' * 32).decode(),
                    'salt': base64.b64encode(b's' * 16).decode(),
                    'createdAt': 1767225600000, 'validSince': 1767225600,
                    'mfaInfo': [{'mfaEnrollmentId': 'u-totp',
                                 'totpInfo': {'sharedSecretKey': DEMO_SECRET,
                                              'hashingAlgorithm': 'SHA512',
                                              'verificationCodeLength': 7,
                                              'periodSec': 60}}]}],
         'pendingCredentials': [{'mfaPendingCredential': 'c',
                                 'localId': 'u', 'signInProvider': 'password',
                                 'createTime': '2026-01-01T00:00:00Z',
                                 'expireTime': '2027-01-01T00:00:00Z',
                                 'usedTime': '2026-01-02T00:00:00Z',
                                 'failedAttempts': 1}],
         'smsSessions': [{'sessionInfo': 's', 'mfaPendingCredential': 'c',
                          'mfaEnrollmentId': 'u-totp',
                          'phoneNumber': '+15555550100', 'code': '123456',
                          'createTime': '2026-01-01T00:00:00Z',
                          'expireTime': '2026-01-01T00:05:00Z',
                          'attempts': 2}]},
        {'projectId': 'p2', 'tenants': [{'tenantId': 't'}]}]}))


# ------------------------------------------------------------ fuzz_tokens

def key_pem():
    src = open(os.path.join(HERE, 'fuzz_common.c'), encoding='utf-8').read()
    block = src[src.index('fuzz_key_pem[] ='):]
    block = block[:block.index(';')]
    return ''.join(l + '\n' for l in re.findall(r'"([^"]*)\\n"', block))


def b64u(b):
    return base64.urlsafe_b64encode(b).rstrip(b'=').decode()


def openssl(args, stdin=None):
    return subprocess.run(['openssl'] + args, input=stdin,
                          capture_output=True, check=True).stdout


def tokens_seeds():
    t = 'fuzz_tokens'
    pem = key_pem()
    with tempfile.TemporaryDirectory() as d:
        kp = os.path.join(d, 'k.pem')
        open(kp, 'w').write(pem)
        der = openssl(['pkey', '-in', kp, '-pubout', '-outform', 'DER'])
        kid = hashlib.sha1(der).hexdigest()

        def sign(hdr, payload):
            si = b64u(hdr) + '.' + b64u(payload)
            sig = openssl(['dgst', '-sha256', '-sign', kp], si.encode())
            return si + '.' + b64u(sig)

        good_hdr = json.dumps({'alg': 'RS256', 'kid': kid, 'typ': 'JWT'},
                              separators=(',', ':')).encode()
        claims = {'iss': 'https://securetoken.google.com/demo-project',
                  'aud': 'demo-project', 'auth_time': T0, 'user_id': 'alice',
                  'sub': 'alice', 'iat': T0, 'exp': T0 + 3600,
                  'email': 'alice@example.com', 'email_verified': True,
                  'firebase': {'identities': {'email': ['alice@example.com']},
                               'sign_in_provider': 'password',
                               'sign_in_second_factor': 'phone',
                               'second_factor_identifier': 'alice-phone'}}
        cj = json.dumps(claims, separators=(',', ':')).encode()
        put(t, 'verify-good', b'0' + sign(good_hdr, cj).encode())
        put(t, 'verify-bad-sig', b'0' + (sign(good_hdr, cj)[:-4] +
                                         'AAAA').encode())
        for i, e in enumerate(c_table('test_tokens.c', 'garbage')):
            put(t, 'garbage-%d' % i, b'0' + e[0])
        for i, e in enumerate(c_table('test_tokens.c', 'bad_headers')):
            h = e[0].replace(b'%.0s', b'').replace(b'%s', b'{{kid}}')
            put(t, 'signed-bad-header-%d' % i, b'1' + h + b'\n{"sub":"u1"}')
            put(t, 'verify-bad-header-%d' % i, b'0' + sign(
                h.replace(b'{{kid}}', kid.encode()), b'{"sub":"u1"}').encode())
        for i, e in enumerate(c_table('test_tokens.c', 'bad_payloads')):
            put(t, 'signed-bad-payload-%d' % i,
                b'1{"alg":"RS256","kid":"{{kid}}","typ":"JWT"}\n' + e[0])
        put(t, 'signed-good', b'1{"alg":"RS256","kid":"{{kid}}","typ":"JWT"}\n'
            + cj)
        put(t, 'roundtrip-claims', b'2' + cj)
        put(t, 'roundtrip-odd', b'2' + json.dumps(
            {'s': '\u0000\u00e9\U0001f600/', 'n': [1.5, -0.0, 1e300],
             'big': 18446744073709551615, 'neg': -9223372036854775808,
             'o': {}, 'a': [], 'null': None}).encode())
        put(t, 'pem-traditional', b'3' + pem.encode())
        put(t, 'pem-pkcs8', b'3' + openssl(['pkey', '-in', kp]))
        put(t, 'pem-public', b'3' + openssl(['pkey', '-in', kp, '-pubout']))
        put(t, 'pem-ec', b'3' + openssl(['genpkey', '-algorithm', 'EC',
                                         '-pkeyopt',
                                         'ec_paramgen_curve:P-256']))
        put(t, 'pem-rsa-1024', b'3' + openssl(['genrsa', '1024']))
        put(t, 'pem-junk', b'3-----BEGIN PRIVATE KEY-----\nnot base64\n'
            b'-----END PRIVATE KEY-----\n')
        put(t, 'pem-encrypted', b'3' + openssl(
            ['pkey', '-in', kp, '-aes-128-cbc', '-passout', 'pass:x']))


# ------------------------------------------------------------ fuzz_totp

def totp_seeds():
    t = 'fuzz_totp'
    for i, e in enumerate(c_table('test_base32.c', 'base32_rfc')):
        put(t, 'b32-rfc-dec-%d' % i, b'0' + e[1])
        put(t, 'b32-rfc-enc-%d' % i, b'1' + e[0])
    for tbl in ('base32_foobar_ok', 'base32_invalid'):
        for i, e in enumerate(c_table('test_base32.c', tbl)):
            put(t, '%s-%d' % (tbl, i), b'0' + e[0])
    put(t, 'b32-demo-secret', '0' + DEMO_SECRET)
    for tbl in ('parse_ok', 'parse_bad'):
        for i, e in enumerate(c_table('test_clock.c', tbl)):
            put(t, 'rfc3339-%s-%d' % (tbl, i), b'3' + e[0])
    for i, e in enumerate(c_table('test_clock.c', 'format_cases')):
        put(t, 'rfc3339-format-%d' % i, b'3' + e[1])
    for i, e in enumerate(c_table('test_totp.c', 'totp_alg_cases')):
        put(t, 'alg-%d' % i, b'3' + e[0])
    seeds = {'TOTP_SHA1': (0, b'12345678901234567890'),
             'TOTP_SHA256': (1, b'12345678901234567890123456789012'),
             'TOTP_SHA512': (2, b'1234567890123456789012345678901234567890'
                                b'123456789012345678901234')}
    for i, e in enumerate(c_table('test_totp.c', 'totp_rfc6238')):
        when, alg, code = int(e[0]), seeds[e[2]], e[3]
        put(t, 'totp-rfc6238-%d' % i, b'2' + bytes([alg[0], 8, 30, 2]) +
            struct.pack('<q', when) + bytes([len(code)]) + code + alg[1])
    put(t, 'totp-demo-window', b'2' + bytes([0, 6, 30, 2]) +
        struct.pack('<q', T0) + b'\x06' + totp(DEMO_SECRET, T0).encode() +
        base64.b32decode(DEMO_SECRET))
    put(t, 'totp-bad-params', b'2' + bytes([3, 9, 0xff, 13]) +
        struct.pack('<q', -1) + b'\x06123456')


# ------------------------------------------------------------ main

def main():
    args = sys.argv[1:]
    if len(args) not in (2, 4) or args[0] != '--out' or \
            (len(args) == 4 and args[2] != '--stamp'):
        raise SystemExit('usage: make_corpus.py --out DIR [--stamp FILE]')
    corpus = args[1]
    reqparse_seeds()
    router_seeds()
    fixtures_seeds()
    tokens_seeds()
    totp_seeds()
    for target in sorted({t for t, _ in written}):
        d = os.path.join(corpus, target)
        os.makedirs(d, exist_ok=True)
        want = {n: data for (tt, n), data in written.items() if tt == target}
        for f in os.listdir(d):
            if f not in want:
                os.remove(os.path.join(d, f))
        for n, data in want.items():
            p = os.path.join(d, n)
            if os.path.exists(p) and open(p, 'rb').read() == data:
                continue
            # Keys made here are random: keep those of an earlier run, so
            # a build folder's seeds (and FUZZ_SEED runs) stay the same.
            if os.path.exists(p) and n.startswith('pem-'):
                continue
            open(p, 'wb').write(data)
    if len(args) == 4:
        open(args[3], 'w').write('%d seed files in %s\n' %
                                 (len(written), corpus))
    print('make_corpus: %d seed files in %s' % (len(written), corpus))
    return 0


if __name__ == '__main__':
    sys.exit(main())
