#!/usr/bin/env python3
"""Fixture files for the benchmarks (stdlib only; streamed, so 1M users fit).

  gen_fixtures.py pool N OUT      N users on test phone numbers (fixed code
                                  123456) with a phone and a TOTP factor, and
                                  N pending credentials bc<i> -> user u<i>
  gen_fixtures.py sessions N OUT  N SMS sessions bs<i> (code 123456) on the
                                  credentials bc<i>; load it after a pool
  gen_fixtures.py users N OUT     N users shaped like an export (email, phone
                                  factor, every 4th also TOTP), nothing else
  gen_fixtures.py creds N M OUT   M credentials bc<i> spread over the N users
                                  of a `users` file (user (i * 7919) % N)

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
    out.write('{"projectId": "%s",\n' % PROJECT)
    write_list(out, "pendingCredentials", m, lambda i: (
        '{"mfaPendingCredential": "bc%d", "localId": "u%d", '
        '"expiresIn": %d}' % (i, (i * 7919) % n, TTL)))
    out.write("}\n")


def main(argv):
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
