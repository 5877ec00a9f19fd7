#!/usr/bin/env python3
"""EXPLAIN QUERY PLAN for every statement the store prepares.

  query_plans.py STATEMENTS DB

STATEMENTS is src/store_statements.def, the store's STMT(NAME, SQL) table
(read, so the check follows the code; src/store.c, or any file beside the
table, names it too); DB a store that mfaemu made (`mfaemu --check --db DB
--fixtures ...`), so the schema and its indexes are the shipped ones.

Statements that run on every sign-in request (HOT below) must not scan a
table: a full scan there makes start and finalize O(users) or O(sessions).
The pruner's statements (PERIODIC) must not scan either: they run every
second holding the store lock, so a scan stalls every request for as long as
the table is large. Other statements are listed with their plans, a scan
reported, not failed (a reset may scan). A foreign key whose child columns
no index covers fails: with foreign_keys = ON, deleting a parent row scans
the child table once per deleted row.

Prints one line per statement and "query plans: N passed, N failed".
"""
import os
import re
import sqlite3
import sys

HOT = {
    # mfaSignIn:start and :finalize, and what they share
    "CRED_GET", "REALM_GET", "USER_GET", "ENR_GET", "ENR_BY_ROWID",
    "ENR_FIND_PHONE", "TEST_PHONE_GET", "SMS_INSERT", "SMS_GET",
    "SMS_FAIL", "SMS_CONSUME", "OUTBOX_ADD", "CRED_USE", "CRED_FAIL",
    "TOTP_USE", "PROOF_INSERT", "PROOF_GET", "REFRESH_INSERT",
    "REFRESH_GET",
    # fixture loading, once per user / credential / session
    "USER_INSERT", "USER_FIND", "USER_BY_EMAIL", "ENR_INSERT",
    "CRED_INSERT",
}
# The pruner runs every second in batches holding the store lock: a scan there
# stalls every request for as long as the table is large.
PERIODIC = {"PRUNE_SMS", "PRUNE_CRED", "PRUNE_OUTBOX", "PRUNE_TOTP",
            "PRUNE_PROOF", "PRUNE_ENS", "PRUNE_OOB"}
NO_PLAN = {"BEGIN", "COMMIT", "ROLLBACK"}


STRING = r'"(?:[^"\\]|\\.)*"'
TABLE = "store_statements.def"


def strings(text, macros):
    """Concatenate the C string literals and macro names in `text`."""
    out = []
    for tok in re.findall(STRING + r"|\w+", text):
        if tok.startswith('"'):
            out.append(tok[1:-1].replace('\\"', '"'))
        elif tok in macros:
            out.append(macros[tok])
        else:
            raise ValueError("unknown name %s in a statement" % tok)
    return "".join(out)


def statements(path):
    """(NAME, SQL) for each STMT row of the table, its macros expanded."""
    if os.path.basename(path) != TABLE:
        path = os.path.join(os.path.dirname(path), TABLE)
    src = open(path, encoding="utf-8").read()
    src = re.sub(r"/\*.*?\*/", "", src, flags=re.S)
    src = src.replace("\\\n", " ")
    macros = {}
    for m in re.finditer(r"^#define\s+(\w+)\s+(.*)$", src, flags=re.M):
        macros[m.group(1)] = strings(m.group(2), macros)
    out = []
    for m in re.finditer(r"^STMT\((\w+),((?:\s*(?:%s|\w+))+)\s*\)" %
                         STRING, src, flags=re.M):
        out.append((m.group(1), strings(m.group(2), macros)))
    return out


def unindexed_foreign_keys(db):
    found = []
    tables = [r[0] for r in db.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table'")]
    for t in tables:
        fks = {}
        for row in db.execute("PRAGMA foreign_key_list(%s)" % t):
            fks.setdefault(row[0], []).append((row[3], row[2]))
        prefixes = []
        for idx in db.execute("PRAGMA index_list(%s)" % t):
            prefixes.append([r[2] for r in db.execute(
                "PRAGMA index_info(%s)" % idx[1])])
        pk = [r[1] for r in sorted(db.execute("PRAGMA table_info(%s)" % t),
                                   key=lambda r: r[5]) if r[5] > 0]
        prefixes.append(pk)
        for cols in fks.values():
            names = [c for c, _ in cols]
            if not any(p[:len(names)] == names or
                       sorted(p[:len(names)]) == sorted(names)
                       for p in prefixes):
                found.append("%s(%s) -> %s" % (t, ", ".join(names),
                                                cols[0][1]))
    return found


def main(argv):
    if len(argv) != 2:
        sys.stderr.write(__doc__)
        return 2
    stmts = statements(argv[0])
    if not stmts:
        print("query plans: no statements found in %s" % argv[0])
        print("query plans: 0 passed, 1 failed")
        return 1
    db = sqlite3.connect("file:%s?mode=ro" % argv[1], uri=True)
    passed = failed = 0
    for name, sql in stmts:
        if name in NO_PLAN:
            continue
        try:
            # Numbered parameters (?2 may stand twice) or plain ones.
            numbered = [int(n) for n in re.findall(r"\?(\d+)", sql)]
            nparams = max(numbered) if numbered else sql.count("?")
            plan = [r[3] for r in db.execute("EXPLAIN QUERY PLAN " + sql,
                                             [None] * nparams)]
        except sqlite3.Error as e:
            print("FAIL %-22s cannot explain: %s" % (name, e))
            failed += 1
            continue
        scans = [p for p in plan if p.startswith("SCAN ")]
        text = "; ".join(plan) or "(no table read)"
        if (name in HOT or name in PERIODIC) and scans:
            print("FAIL %-22s %s" % (name, text))
            failed += 1
        elif name in HOT or name in PERIODIC:
            print("ok   %-22s %s" % (name, text))
            passed += 1
        else:
            print("%-4s %-22s %s" % ("scan" if scans else "-", name, text))
    for fk in unindexed_foreign_keys(db):
        print("FAIL foreign key without an index: %s" % fk)
        failed += 1
    print("query plans: %d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
