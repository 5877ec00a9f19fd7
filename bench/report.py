#!/usr/bin/env python3
"""Turn bench/run's records into the results table and the p99 plot.

  report.py RECORDS.tsv OUT.md OUT.png [PLANS.txt]

RECORDS.tsv has one line per figure: KIND<TAB>NAME<TAB>CONNS<TAB>k=v k=v...
(bench/run writes it). The plot needs gnuplot; without it the table is
still written (bench/run checks for the PNG itself).
"""
import os
import shutil
import subprocess
import sys

ROUTES = [
    # (name, label, baseline it is compared with)
    ("bare-post", "bare libmicrohttpd, POST (start's bytes)", None),
    ("bare-get", "bare libmicrohttpd, GET", None),
    ("start", "mfaSignIn:start, valid", "bare-post"),
    ("start-error", "mfaSignIn:start, 400 (unknown credential)", "bare-post"),
    ("finalize-sms", "mfaSignIn:finalize, SMS code", "bare-post"),
    ("finalize-totp", "mfaSignIn:finalize, TOTP", "bare-post"),
    ("finalize-sms-unsigned",
     "mfaSignIn:finalize, SMS code, --id-token-alg none (no RSA)",
     "bare-post"),
    ("flow", "start then finalize (SMS), per request", "bare-post"),
    ("jwks", "JWKS (GET)", "bare-get"),
    ("start-loadgen", "mfaSignIn:start via loadgen (driver check)",
     "bare-post"),
    ("firebase-start", "Firebase Auth Emulator: mfaSignIn:start",
     "bare-post"),
    ("firebase-start-error",
     "Firebase Auth Emulator: mfaSignIn:start, 400 (unknown credential)",
     "bare-post"),
    ("firebase-finalize-sms", "Firebase Auth Emulator: finalize, SMS code",
     "bare-post"),
]
COLORS = ["#1b9e77", "#d95f02", "#7570b3", "#e7298a", "#66a61e", "#e6ab02",
          "#a6761d", "#666666", "#1f78b4", "#e31a1c", "#000000", "#b15928"]
DISTURBED = 10  # percent of the machine used by others during a run
VERSUS_FIREBASE = [("start", "firebase-start"),
                   ("start-error", "firebase-start-error"),
                   ("finalize-sms", "firebase-finalize-sms")]
STARTUP = [
    ("bare_mhd", "bare libmicrohttpd"),
    ("demo", "mfaemu, demo fixtures (signing key generated)"),
    ("demo+key", "mfaemu, demo fixtures, --signing-key"),
    ("firebase", "Firebase Auth Emulator (auth only)"),
]


def parse(path):
    recs = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            parts = line.rstrip("\n").split("\t")
            if len(parts) < 4:
                continue
            kv = {}
            for tok in parts[3].split():
                if "=" in tok:
                    k, v = tok.split("=", 1)
                    kv[k] = v
            recs.append((parts[0], parts[1], parts[2], kv))
    return recs


def num(v, default=0.0):
    try:
        return float(v)
    except (TypeError, ValueError):
        return default


def ms(us):
    return "%.2f" % (num(us) / 1000.0)


def mb(kb):
    return "%.1f" % (num(kb) / 1024.0)


def table(head, rows):
    out = ["| " + " | ".join(head) + " |",
           "|" + "|".join("---" if i == 0 else "---:"
                          for i in range(len(head))) + "|"]
    for r in rows:
        out.append("| " + " | ".join(str(c) for c in r) + " |")
    return out


def main(argv):
    if len(argv) < 3:
        sys.stderr.write(__doc__)
        return 2
    recs = parse(argv[0])
    out_md, out_png = argv[1], argv[2]
    plans = argv[3] if len(argv) > 3 else None
    meta = {n: kv.get("value", "") for k, n, _, kv in recs if k == "meta"}
    tp = {(n, c): kv for k, n, c, kv in recs if k == "tp"}
    conns = sorted({int(c) for (_, c) in tp if c.isdigit()})
    lines = []
    w = lines.append

    w("# mfaemu benchmarks, %s" % meta.get("date", "?"))
    w("")
    w("%s run of `bench/run` on %s (%s cores), Linux %s; mfaemu %s; "
      "libmicrohttpd %s, SQLite %s, OpenSSL %s, wrk %s. Load average at "
      "start %s; CPU used by other processes before each section: %s. "
      "%s s per load run; took %s s. Every figure below comes from this "
      "one run: compare the ratios, not the absolute numbers, across runs."
      % (meta.get("mode", "?"), meta.get("cpu", "?").replace("_", " "),
         meta.get("cores", "?"), meta.get("kernel", "?"),
         meta.get("commit", "?"), meta.get("mhd", "?"),
         meta.get("sqlite", "?"), meta.get("openssl", "?"),
         meta.get("wrk", "?"), meta.get("loadavg", "?").replace("/", " "),
         ", ".join("%s %s%%" % (k[len("busy_before_"):], v)
                   for k, v in meta.items() if k.startswith("busy_before_"))
         or "?", meta.get("duration", "?"), meta.get("elapsed", "?")))
    w("")

    # --- throughput
    w("## Throughput and latency")
    w("")
    w("wrk, keep-alive, 2 threads (1 with 1 connection), a fresh server per "
      "figure; the flow and the driver check use bench/loadgen. *vs bare* "
      "divides by bare libmicrohttpd at the same connection count (POST "
      "routes by its POST, JWKS by its GET). Errors are socket errors, "
      "timeouts and unexpected statuses.")
    w("")
    rows = []
    for name, label, base in ROUTES:
        for c in conns:
            kv = tp.get((name, str(c)))
            if kv is None:
                continue
            b = tp.get((base, str(c))) if base else None
            ratio = ("%.0f%%" % (100 * num(kv.get("rps")) /
                                 num(b.get("rps"), 1)) if b else "")
            p99r = ("%.1fx" % (num(kv.get("p99_us")) /
                               max(num(b.get("p99_us")), 1)) if b else "")
            extra = ""
            if name == "flow":
                extra = " (%s flows/s, flow p50 %s ms, p99 %s ms)" % (
                    kv.get("fps", "?"), ms(kv.get("flow_p50_us")),
                    ms(kv.get("flow_p99_us")))
            other = kv.get("other_cpu_max", kv.get("other_cpu", ""))
            if other and num(other) > DISTURBED:
                other += " !"
            spread = ""
            if kv.get("reps", "1") != "1":
                spread = "%.0f-%.0f" % (num(kv.get("rps_min")),
                                        num(kv.get("rps_max")))
            rows.append([label + extra, c, "%.0f" % num(kv.get("rps")),
                         spread, ms(kv.get("p50_us")), ms(kv.get("p99_us")),
                         kv.get("errors", "?"), ratio, p99r,
                         mb(kv.get("rss_kb")), other])
    lines += table(["route", "conns", "req/s", "runs' req/s range",
                    "p50 ms", "p99 ms", "errors", "req/s vs bare",
                    "p99 vs bare", "server RSS MB after", "others' CPU %"],
                   rows)
    w("")
    w("Each figure is the median (by req/s) of %s runs of %s s on the same "
      "server; its latencies are that run's, errors the sum over the runs. "
      "*others' CPU %%*: the largest share of the two cores that processes "
      "other than the server and the load generator used during a run; "
      "\"!\" marks more than %d %%, figures disturbed by other work."
      % (meta.get("reps", "?"), meta.get("duration", "?"), DISTURBED))
    w("")
    rows = []
    for ours, theirs in VERSUS_FIREBASE:
        for c in conns:
            a, b = tp.get((ours, str(c))), tp.get((theirs, str(c)))
            if a and b:
                rows.append([ours, c, "%.1fx" % (num(a.get("rps")) /
                                                 num(b.get("rps"), 1)),
                             "%.2fx" % (num(a.get("p99_us")) /
                                        max(num(b.get("p99_us")), 1))])
    if rows:
        w("mfaemu against the Firebase Auth Emulator, same users, same "
          "run (above 1x req/s and below 1x p99 favour mfaemu):")
        w("")
        lines += table(["route", "conns", "req/s mfaemu / Firebase",
                        "p99 mfaemu / Firebase"], rows)
        w("")
    w("![p99 latency against connections](%s)" % os.path.basename(out_png))
    w("")

    # --- start-up
    w("## Start-up")
    w("")
    w("Process start (fork) to the first answered request, `GET /`; "
      "bench/loadgen `first`, median of the runs shown.")
    w("")
    rows = []
    labels = dict(STARTUP)
    bare_ms = None
    for k, n, _, kv in recs:
        if k != "startup":
            continue
        if n == "bare_mhd":
            bare_ms = num(kv.get("median_ms"))
    for k, n, _, kv in recs:
        if k != "startup":
            continue
        label = labels.get(n)
        if label is None and n.startswith("firebase-pool-"):
            label = "Firebase Auth Emulator, %s users imported" % n[14:]
        if label is None and n.startswith("users-"):
            label = "mfaemu, %s-user fixture file" % n[6:]
        if label is None and n.startswith("db-"):
            label = "mfaemu, existing --db (%s users stored)%s" % (
                n[3:].split("+")[0], ", the same fixture file given again"
                if n.endswith("+fixtures") else "")
        rows.append([label or n, kv.get("runs", "?"), kv.get("median_ms"),
                     kv.get("min_ms"), kv.get("max_ms"),
                     "%.0fx" % (num(kv.get("median_ms")) / bare_ms)
                     if bare_ms else "", mb(kv.get("hwm_kb"))])
    lines += table(["what", "runs", "median ms", "min ms", "max ms",
                    "vs bare", "peak RSS MB"], rows)
    w("")

    # --- memory
    w("## Memory")
    w("")
    rows = []
    for k, n, _, kv in recs:
        if k == "idle":
            if n.startswith("firebase-pool-"):
                what = "Firebase Auth Emulator, %s users imported" % n[14:]
            elif n == "firebase-after-load":
                what = "Firebase Auth Emulator, after its load runs"
            else:
                what = {"bare_mhd": "bare libmicrohttpd",
                        "demo": "mfaemu, demo fixtures"}.get(
                    n, "mfaemu, " + n + " fixture")
            rows.append(["idle: " + what if "after" not in what else what,
                mb(kv.get("rss_kb")), mb(kv.get("hwm_kb"))])
    lines += table(["what", "RSS MB", "peak MB"], rows)
    w("")
    samples = [(num(kv.get("answered")), kv.get("rss_kb"))
               for k, n, _, kv in recs if k == "mem" and n in ("start",
                                                                "sample")]
    run = next((kv for k, n, _, kv in recs if k == "mem" and n == "run"), {})
    end = next((kv for k, n, _, kv in recs if k == "mem" and n == "end"), {})
    if run:
        w("mfaSignIn:start %s times (32 connections, %s req/s, p50 %s ms, "
          "p99 %s ms, p99.9 %s ms, max %s ms, %s errors) with "
          "`--sms-code-ttl 1`, so the pruner (every second) can delete "
          "sessions and outbox entries during the run. RSS while it ran:"
          % (run.get("requests"), run.get("rps"), ms(run.get("p50_us")),
             ms(run.get("p99_us")), ms(run.get("p999_us")),
             ms(run.get("max_us")), run.get("errors")))
        w("")
        lines += table(["starts answered", "RSS MB"],
                       [["%d" % a, mb(r)] for a, r in samples])
        w("")
        w("After the run (and, in a full run, one more pruner pass): RSS "
          "%s MB, peak %s MB, %s SMS outbox entries left."
          % (mb(end.get("rss_kb")), mb(end.get("hwm_kb")),
             end.get("outbox", "?")))
        w("")

    # --- scale
    w("## Scale")
    w("")
    rows = []
    for k, n, _, kv in recs:
        if k == "scale":
            users = int(n.split("-")[1])
            rows.append([users, kv.get("runs"), "%.2f" % num(kv.get(
                "mean_s")), "%.2f" % num(kv.get("stddev_s")),
                "%.1f" % (1e6 * num(kv.get("mean_s")) / users)])
    w("Fixture load: `mfaemu --check --fixtures users-N.json` (parse, "
      "validate, insert in one transaction, exit), hyperfine.")
    w("")
    lines += table(["users", "runs", "mean s", "stddev s",
                    "us per user"], rows)
    w("")
    serve = next(((n, kv) for k, n, _, kv in recs if k == "scale-serve"),
                 None)
    if serve:
        n, kv = serve
        big = next((v for (nm, c), v in tp.items()
                    if nm.startswith("start-") and nm.endswith("-users")),
                   None)
        small = tp.get(("start", "32"))
        w("Serving %s users (plus credentials): %s s from start to the "
          "first answer, peak RSS %s MB." % (n[6:], "%.2f" % (num(kv.get(
              "median_ms")) / 1000), mb(kv.get("hwm_kb"))))
        if big:
            w("mfaSignIn:start with %s users in the store, 32 connections: "
              "%.0f req/s, p50 %s ms, p99 %s ms, %s errors%s." % (
                  n[6:], num(big.get("rps")), ms(big.get("p50_us")),
                  ms(big.get("p99_us")), big.get("errors"),
                  ("; %.0f%% of the pool-sized store's %.0f req/s" % (
                      100 * num(big.get("rps")) / num(small.get("rps"), 1),
                      num(small.get("rps")))) if small else ""))
        w("")

    # --- firebase
    fb = [(n, c, kv) for k, n, c, kv in recs if k == "firebase"]
    if fb:
        w("## Firebase Auth Emulator")
        w("")
        for n, c, kv in fb:
            w("- %s%s: %s" % (n, "" if c == "-" else " c=%s" % c,
                              " ".join("%s=%s" % i for i in kv.items())))
        w("")

    # --- plans
    if plans and os.path.exists(plans):
        w("## Query plans")
        w("")
        w("bench/query_plans.py: EXPLAIN QUERY PLAN for every statement in "
          "src/store_statements.def against a store mfaemu made.")
        w("")
        w("```")
        for line in open(plans, encoding="utf-8"):
            if line.startswith(("FAIL", "warn", "note", "query plans")):
                w(line.rstrip())
        w("```")
        w("")

    with open(out_md, "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")
    if plot(tp, conns, out_png) != 0:
        sys.stderr.write("report.py: no plot (gnuplot missing or failed)\n")
    return 0


def plot(tp, conns, out_png):
    if not shutil.which("gnuplot") or not conns:
        return 1
    series = [(n, l) for n, l, _ in ROUTES
              if any((n, str(c)) in tp for c in conns)]
    script = ["set terminal pngcairo size 1000,620 font 'Sans,10'",
              "set output '%s'" % out_png,
              "set title 'p99 latency against connections (same run)'",
              "set xlabel 'connections'", "set ylabel 'p99 latency (ms)'",
              "set logscale xy", "set grid",
              "set key outside right top",
              "set xtics (%s)" % ", ".join(str(c) for c in conns),
              "set xrange [%g:%g]" % (conns[0] * 0.8, conns[-1] * 1.25)]
    plots = []
    for i, (n, label) in enumerate(series):
        script.append("$d%d << EOD" % i)
        for c in conns:
            kv = tp.get((n, str(c)))
            if kv:
                script.append("%d %.3f" % (c, max(num(kv.get("p99_us")),
                                                  1) / 1000.0))
        script.append("EOD")
        dash = " dt 2" if n.startswith("bare") else (
            " dt 4" if n.startswith("firebase") else "")
        plots.append('$d%d using 1:2 with linespoints lw 2 lc rgb "%s" '
                     'pt %d%s title "%s"'
                     % (i, COLORS[i % len(COLORS)], i % 13 + 1, dash,
                        label.replace('"', "'")))
    script.append("plot " + ", \\\n     ".join(plots))
    r = subprocess.run(["gnuplot"], input="\n".join(script) + "\n",
                       text=True, capture_output=True)
    if r.returncode != 0:
        sys.stderr.write(r.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
