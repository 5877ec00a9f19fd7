#!/usr/bin/env python3
"""Fixture files for the benchmarks (stdlib only; streamed, so 1M users fit).

  gen_fixtures.py pool N OUT      N users on test phone numbers (fixed code
                                  123456) with a phone and a TOTP factor, and
                                  N pending credentials bc<i> -> user u<i>
  gen_fixtures.py sessions N OUT  N SMS sessions bs<i> (code 123456) on the
                                  credentials bc<i>; load it after a pool
  gen_fixtures.py users N OUT     N users shaped like an export (email, phone
                                  factor, every 4th also TOTP), nothing else
  gen_fixtures.py creds N M OUT   M credentials spread evenly over the N users
                                  of a `users` file: bc<j> -> u<j> for
                                  j = i * (N / M) (start.lua's STRIDE)
  gen_fixtures.py totp-codes K    "STEP0 CODE0 .. CODEK-1": the TOTP codes of
                                  TOTP_SECRET for the K steps from now
  gen_fixtures.py firebase N DIR  the pool's N users (phone factors only,
                                  password pw<i>) as a Firebase Auth Emulator
                                  export, for `firebase emulators:start
                                  --import DIR`

Every user of a pool shares one TOTP secret (TOTP_SECRET below), so one
code per 30-s step serves them all: the server still runs HMAC and the
used-step check per request, once per enrollment and step.
"""
import sys

PROJECT = "demo-project"
TOTP_SECRET = "6IJSVADRO4MSOAO2OZINRETRIPWDR6IH"
TEST_NUMBERS = 1000
CODE = "123456"
FAR = "2099-01-01T00:00:00Z"
TTL = 86400  # credentials outlive any run


def test_number(i):
    return "+1555010%04d" % (i % TEST_NUMBERS)


def write_list(out, name, n, item, first_key=True):
    out.write('%s"%s": [\n' % ("" if first_key else ",\n", name))
    for i in range(n):
        out.write(item(i))
        out.write(",\n" if i + 1 < n else "\n")
    out.write("]")


def pool(n, out):
    out.write('{"projectId": "%s",\n' % PROJECT)
    out.write('"mfa": {"phone": true, "totp": true},\n')
    out.write('"testPhoneNumbers": {%s},\n' % ", ".join(
        '"%s": "%s"' % (test_number(i), CODE)
        for i in range(min(n, TEST_NUMBERS))))
    totp = ('{"sharedSecretKey": "%s", "hashingAlgorithm": "SHA1", '
            '"verificationCodeLength": 6, "periodSec": 30}' % TOTP_SECRET)
    write_list(out, "users", n, lambda i: (
        '{"localId": "u%d", "email": "u%d@bench.test", "mfaInfo": ['
        '{"mfaEnrollmentId": "p%d", "phoneInfo": "%s"}, '
        '{"mfaEnrollmentId": "t%d", "totpInfo": %s}]}'
        % (i, i, i, test_number(i), i, totp)))
    write_list(out, "pendingCredentials", n, lambda i: (
        '{"mfaPendingCredential": "bc%d", "localId": "u%d", '
        '"expiresIn": %d}' % (i, i, TTL)), first_key=False)
    out.write("}\n")


def sessions(n, out):
    out.write('{"projectId": "%s",\n' % PROJECT)
    write_list(out, "smsSessions", n, lambda i: (
        '{"sessionInfo": "bs%d", "mfaPendingCredential": "bc%d", '
        '"mfaEnrollmentId": "p%d", "code": "%s", "expireTime": "%s"}'
        % (i, i, i, CODE, FAR)))
    out.write("}\n")


def users(n, out):
    totp = ('{"sharedSecretKey": "%s", "hashingAlgorithm": "SHA1", '
            '"verificationCodeLength": 6, "periodSec": 30}' % TOTP_SECRET)

    def user(i):
        mfa = '{"mfaEnrollmentId": "p%d", "phoneInfo": "+1%010d"}' % (
            i, 2000000000 + i)
        if i % 4 == 0:
            mfa += ', {"mfaEnrollmentId": "t%d", "totpInfo": %s}' % (i, totp)
        return ('{"localId": "u%d", "email": "u%d@bench.test", '
                '"emailVerified": true, "mfaInfo": [%s]}' % (i, i, mfa))
    out.write('{"projectId": "%s",\n' % PROJECT)
    write_list(out, "users", n, user)
    out.write("}\n")


def creds(n, m, out):
    stride = max(n // m, 1)
    out.write('{"projectId": "%s",\n' % PROJECT)
    write_list(out, "pendingCredentials", min(m, n), lambda i: (
        '{"mfaPendingCredential": "bc%d", "localId": "u%d", '
        '"expiresIn": %d}' % (i * stride, i * stride, TTL)))
    out.write("}\n")


def totp_codes(k):
    import base64
    import hashlib
    import hmac
    import struct
    import time
    key = base64.b32decode(TOTP_SECRET)
    step0 = int(time.time()) // 30
    codes = []
    for step in range(step0, step0 + k):
        h = hmac.new(key, struct.pack(">Q", step), hashlib.sha1).digest()
        o = h[-1] & 15
        v = (struct.unpack(">I", h[o:o + 4])[0] & 0x7FFFFFFF) % 1000000
        codes.append("%06d" % v)
    print(step0, " ".join(codes))
    return 0


def firebase_export(n, d):
    import json
    import os
    os.makedirs(os.path.join(d, "auth_export"), exist_ok=True)
    with open(os.path.join(d, "firebase-export-metadata.json"), "w") as f:
        json.dump({"version": "15.0.0",
                   "auth": {"version": "15.0.0", "path": "auth_export"}}, f)
    with open(os.path.join(d, "auth_export", "config.json"), "w") as f:
        json.dump({"signIn": {"allowDuplicateEmails": False}}, f)
    with open(os.path.join(d, "auth_export", "accounts.json"), "w") as f:
        f.write('{"kind": "identitytoolkit#DownloadAccountResponse", '
                '"users": [\n')
        for i in range(n):
            f.write(json.dumps({
                "localId": "u%d" % i, "email": "u%d@bench.test" % i,
                "emailVerified": True,
                "passwordHash": "fakeHash:salt=fakeSalt%d:password=pw%d"
                                % (i, i),
                "salt": "fakeSalt%d" % i, "passwordUpdatedAt": 1,
                "validSince": "1", "createdAt": "1", "lastLoginAt": "1",
                "providerUserInfo": [{
                    "providerId": "password", "email": "u%d@bench.test" % i,
                    "federatedId": "u%d@bench.test" % i,
                    "rawId": "u%d@bench.test" % i}],
                "mfaInfo": [{"mfaEnrollmentId": "p%d" % i,
                             "displayName": "phone",
                             "phoneInfo": test_number(i),
                             "enrolledAt": "2026-01-01T00:00:00Z"}]}))
            f.write(",\n" if i + 1 < n else "\n")
        f.write("]}\n")
    return 0


def main(argv):
    if len(argv) == 2 and argv[0] == "totp-codes":
        return totp_codes(int(argv[1]))
    if len(argv) == 3 and argv[0] == "firebase":
        return firebase_export(int(argv[1]), argv[2])
    kinds = {"pool": (pool, 1), "sessions": (sessions, 1),
             "users": (users, 1), "creds": (creds, 2)}
    if len(argv) < 3 or argv[0] not in kinds or \
            len(argv) != kinds[argv[0]][1] + 2:
        sys.stderr.write(__doc__)
        return 2
    fn, nargs = kinds[argv[0]]
    nums = [int(a) for a in argv[1:1 + nargs]]
    path = argv[1 + nargs]
    tmp = path + ".tmp"
    with open(tmp, "w", buffering=1 << 20) as out:
        fn(*nums, out)
    import os
    os.replace(tmp, path)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
