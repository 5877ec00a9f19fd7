#!/usr/bin/env python3
"""Helpers for bench/firebase.sh (stdlib only; 127.0.0.1 only).

  firebase_prime.py ports K              K free TCP ports on 127.0.0.1
  firebase_prime.py signin PORT N OUT    accounts:signInWithPassword for
                                         u0..u<N-1>; OUT gets "CRED p<i>"
  firebase_prime.py codes PORT PROJECT CREDS OUT SEEN
                                         the emulator's SMS outbox as
                                         "CRED SESSIONINFO CODE" lines for
                                         finalize, skipping (and adding to
                                         SEEN) sessions already handed out
"""
import http.client
import json
import os
import socket
import sys

IDT = "/identitytoolkit.googleapis.com"


def ports(k):
    socks = []
    for _ in range(k):
        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        socks.append(s)
    print(" ".join(str(s.getsockname()[1]) for s in socks))
    for s in socks:
        s.close()
    return 0


def signin(port, n, out):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    with open(out, "w") as f:
        for i in range(n):
            body = json.dumps({"email": "u%d@bench.test" % i,
                               "password": "pw%d" % i,
                               "returnSecureToken": True})
            c.request("POST", IDT + "/v1/accounts:signInWithPassword?key=k",
                      body, {"Content-Type": "application/json"})
            r = json.loads(c.getresponse().read())
            if "mfaPendingCredential" not in r:
                sys.stderr.write("signin u%d: %s\n" % (i, r))
                return 1
            f.write("%s p%d\n" % (r["mfaPendingCredential"], i))
    return 0


def codes(port, project, creds, out, seen_path):
    cred = [line.split()[0] for line in open(creds)]
    seen = set()
    if os.path.exists(seen_path):
        seen = set(open(seen_path).read().split())
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    c.request("GET", "/emulator/v1/projects/%s/verificationCodes" % project)
    got = json.loads(c.getresponse().read()).get("verificationCodes", [])
    n = 0
    with open(out, "w") as f, open(seen_path, "a") as s:
        for v in got:
            if v["sessionInfo"] in seen:
                continue
            # Pool user i is on test number i mod 1000 (gen_fixtures.py),
            # and u<i> for i < len(cred) signed in: any user of that
            # number finalizes the session.
            i = int(v["phoneNumber"][-4:])
            if i >= len(cred):
                continue
            f.write("%s %s %s\n" % (cred[i], v["sessionInfo"], v["code"]))
            s.write(v["sessionInfo"] + "\n")
            n += 1
    print(n)
    return 0


def main(argv):
    if len(argv) == 2 and argv[0] == "ports":
        return ports(int(argv[1]))
    if len(argv) == 4 and argv[0] == "signin":
        return signin(int(argv[1]), int(argv[2]), argv[3])
    if len(argv) == 6 and argv[0] == "codes":
        return codes(int(argv[1]), argv[2], argv[3], argv[4], argv[5])
    sys.stderr.write(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
