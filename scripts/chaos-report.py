#!/usr/bin/env python3
"""The chaos campaign's host side (tests/qemu/chaos.sh, scripts/chaos.sh).

  chaos-report.py batch LOG WORKLOAD_LOG IMAGE STATUS_WORD FETCHES JSON
      reads one QEMU run's serial log (the supervisor's log of every
      injection and what followed, the driver's lines: what was refused,
      servers not back) and the workload's log (servers/workload/, its
      COM2: its counts of each kind of request and the changes fs
      acknowledged), checks each acknowledged change against the ext2
      image and runs e2fsck -fn (scripts/workload-check.sh), and writes
      the batch's figures to JSON. STATUS_WORD: pass, panic or hang (what
      QEMU's exit said); FETCHES: the host's TCP fetch counts "ok failed
      corrupted bytes_corrupted".
  chaos-report.py table JSON...
      adds the batches up and prints the campaign's table.
"""
import collections
import json
import os
import re
import subprocess
import sys

INJECTION = re.compile(r"\] (\S+) \(generation \d+\): chaos injection (\d+): (\w+)")
FOLLOWED = re.compile(r"\] (\S+) \(generation \d+\): died (\d+) ms after chaos injection (\d+) \((\w+)\)")
DEATH = re.compile(r"\] (\S+) \(generation \d+\): (page fault|protection fault|divide error|invalid opcode|"
                   r"exception|bad system call|bad pointer|exit|hung|spinning)")
UP_AGAIN = re.compile(r"\] (\S+) \(generation \d+\): up again")
LEFT_DOWN = re.compile(r"\] (\S+) \(generation \d+\): (left down|cannot start)")
# Up but useless: a server that came back unable to do its work, and
# stayed so (its last such line of the batch said so): the driver that
# could not set up its card, the network server without a NIC, the
# filesystem that refused its disk or mounted it read-only.
USELESS = [("virtio_net", re.compile(r"virtio_net: cannot set up the card .*answering that"),
            re.compile(r"virtio_net: MAC ")),
           ("net", re.compile(r"net: (no NIC|still no NIC)"),
            re.compile(r"net: (en0 |the NIC answered|the NIC driver restarted .*attached again)")),
           ("fs", re.compile(r"fs: (no disk:|mounting read-only|cannot mount the disk: .*\)$)"),
            re.compile(r"fs: mounted ext2 .*read-write"))]
# The workload's lines (servers/workload/main.c) and scripts/workload-check.sh's.
REQUESTS = re.compile(r"^workload: requests (\w+) (\w+) (idempotent|non-idempotent) ok=(\d+) retried=(\d+) "
                      r"errors=(\d+) wrong=(\d+)$")
WORKLOAD_DONE = re.compile(r"^workload: done rounds=(\d+) ")
CHECKED = re.compile(r"^workload-check: (\d+) acknowledged changes to (\d+) paths")
LOST = re.compile(r"^workload-check: lost: (.*)$")
FSCK = re.compile(r"^workload-check: e2fsck -fn: (.*)$")
# The driver's (tests/chaos/chaosdrive.c).
NOT_BACK = re.compile(r"chaosdrive: not back: (\S+)")
HOSTILE = re.compile(r"chaosdrive: hostile (.*): (.*)$")
DRIVER_DONE = "chaosdrive: done"
WORKLOAD = "workload"  # its name in the manifest
KINDS = ["crash", "exit", "hang", "delay", "regflip", "textflip", "dataflip", "stackflip"]


def acked_changes(wlog, image):
    """scripts/workload-check.sh on the image: the acknowledged changes
    (ack lines), the paths whose last state was checked, the losses, and
    e2fsck -fn's verdict (run here when there was nothing to check)."""
    r = subprocess.run(["scripts/workload-check.sh", image, wlog], capture_output=True, text=True)
    out = r.stdout.splitlines()
    checked = next((m for m in map(CHECKED.search, out) if m), None)
    lost = [m.group(1) for m in map(LOST.search, out) if m]
    fsck = next((m.group(1) for m in map(FSCK.search, out) if m), None)
    if fsck is None:
        v = subprocess.run(["scripts/e2fsck-verdict.sh", image], capture_output=True, text=True)
        fsck, fsck_ok = v.stdout.strip(), v.returncode == 0
    else:
        fsck_ok = fsck == "clean" or fsck.startswith("leaks only")
    return {"acks": int(checked.group(1)) if checked else 0, "acks_paths": int(checked.group(2)) if checked else 0,
            "acks_lost": lost, "fsck_ok": fsck_ok, "fsck": fsck}


def idempotent(requests):
    """The idempotent requests: transparent (answered right, by the same
    instance or, the restart hidden, a new one), failed (an error), wrong
    (answered, but the answer failed the workload's check; those are
    counted ok or retried by the workload too), and all of them."""
    idem = [c for c in requests.values() if c["idempotent"]]
    wrong = sum(c["wrong"] for c in idem)
    return {"transparent": sum(c["ok"] + c["retried"] for c in idem) - wrong,
            "failed": sum(c["errors"] for c in idem), "wrong": wrong,
            "total": sum(c["ok"] + c["retried"] + c["errors"] for c in idem)}


def useless(lines):
    """The servers whose last line about their work said they could not
    do it (USELESS)."""
    found = []
    for name, bad, good in USELESS:
        last = None
        for line in lines:
            if bad.search(line):
                last = "bad"
            elif good.search(line):
                last = "good"
        if last == "bad":
            found.append(name)
    return found


def batch(log, wlog, image, status, fetches, out):
    lines = open(log, errors="replace").read().splitlines()
    wlines = open(wlog, errors="replace").read().replace("\r", "").splitlines() if os.path.exists(wlog) else []
    injected = collections.Counter()  # (server, kind)
    followed = collections.Counter()
    kind_of = {}
    for line in lines:
        m = INJECTION.search(line)
        if m:
            injected[(m.group(1), m.group(3))] += 1
            kind_of[int(m.group(2))] = m.group(3)
        m = FOLLOWED.search(line)
        if m:
            followed[(m.group(1), m.group(4))] += 1
    deaths = collections.Counter(m.group(2) for m in map(DEATH.search, lines) if m)
    requests = {}
    for m in map(REQUESTS.search, wlines):
        if m:
            requests["%s %s" % m.group(1, 2)] = dict(
                zip(("ok", "retried", "errors", "wrong"), map(int, m.groups()[3:])), idempotent=m[3] == "idempotent")
    workload_done = any(WORKLOAD_DONE.search(line) for line in wlines)
    # The workload ends once stopped, and its policy leaves it down: no
    # server that did not come back, if it printed its done line first.
    left_down = set(m.group(1) for m in map(LEFT_DOWN.search, lines) if m) - ({WORKLOAD} if workload_done else set())
    ok, failed, corrupted, corrupted_bytes = map(int, fetches.split())
    result = {
        "status": status,
        "injected": {"%s %s" % k: v for k, v in injected.items()},
        "followed": {"%s %s" % k: v for k, v in followed.items()},
        "deaths": dict(deaths),
        "restarts": sum(1 for line in lines if UP_AGAIN.search(line)),
        "left_down": sorted(left_down),
        "not_back": sorted(set(m.group(1) for m in map(NOT_BACK.search, lines) if m)),
        "useless": useless(lines),
        "requests": requests,
        "idempotent": idempotent(requests),
        "summary_seen": any(DRIVER_DONE in line for line in lines),
        "workload_done": workload_done,
        **acked_changes(wlog, image),
        "hostile": [(m.group(1), m.group(2)) for m in map(HOSTILE.search, lines) if m],
        "fetch": {"ok": ok, "failed": failed, "corrupted": corrupted, "corrupted_bytes": corrupted_bytes},
    }
    json.dump(result, open(out, "w"), indent=1)


def effects(log):
    """What each kind of injection was followed by: (kind, the death's
    cause) counts, from the supervisor's log, where a death's cause comes
    just before the line that ties it to the injection."""
    counts, cause = collections.Counter(), {}
    for line in open(log, errors="replace"):
        m = DEATH.search(line)
        if m:
            cause[m.group(1)] = m.group(2)
        m = FOLLOWED.search(line)
        if m:
            counts[(m.group(4), cause.pop(m.group(1), "?"))] += 1
    return counts


def table(paths):
    batches = [json.load(open(p)) for p in paths]
    injected, followed = collections.Counter(), collections.Counter()
    requests = {}
    fetch = collections.Counter()
    status = collections.Counter(b["status"] for b in batches)
    for b in batches:
        injected.update(b["injected"])
        followed.update(b["followed"])
        fetch.update(b["fetch"])
        for name, counts in b["requests"].items():
            sums = requests.setdefault(name, {"ok": 0, "retried": 0, "errors": 0, "wrong": 0,
                                              "idempotent": counts["idempotent"]})
            for k in ("ok", "retried", "errors", "wrong"):
                sums[k] += counts[k]
    servers = sorted(set(k.split()[0] for k in injected))
    total = sum(injected.values())
    print("Faults injected by kind and server (each cell: injected/followed by the server's death):")
    print("%-11s" % "server" + "".join("%15s" % k for k in KINDS) + "%9s" % "total")
    for s in servers:
        cells = ["%d/%d" % (injected["%s %s" % (s, k)], followed["%s %s" % (s, k)]) for k in KINDS]
        print("%-11s" % s + "".join("%15s" % c for c in cells) +
              "%9d" % sum(injected["%s %s" % (s, k)] for k in KINDS))
    cells = ["%d/%d" % (sum(injected["%s %s" % (s, k)] for s in servers),
                        sum(followed["%s %s" % (s, k)] for s in servers)) for k in KINDS]
    print("%-11s" % "all" + "".join("%15s" % c for c in cells) + "%9d" % total)
    caused = collections.Counter()
    for p in paths:
        caused.update(effects(os.path.splitext(p)[0] + ".log"))
    causes = ["page fault", "protection fault", "invalid opcode", "divide error", "exception", "bad system call",
              "bad pointer", "exit", "hung"]
    print()
    print("What followed each kind (the deaths it was followed by, by what the supervisor saw):")
    labels = ["page fault", "prot. fault", "bad opcode", "divide", "exception", "bad call", "bad ptr", "exit",
              "hung"]
    print("%-10s" % "kind" + "".join("%12s" % c for c in labels) + "%12s" % "no death")
    for k in KINDS:
        n = sum(injected["%s %s" % (s, k)] for s in servers)
        died = sum(caused[(k, c)] for c in causes) + caused[(k, "?")]
        print("%-10s" % k + "".join("%12d" % caused[(k, c)] for c in causes) + "%12d" % (n - died))
    idem = idempotent(requests)
    print()
    print("batches: %d (%d passed, %d kernel panics, %d kernel hangs or timeouts)" %
          (len(batches), status["pass"], status["panic"], status["hang"]))
    print("faults injected: %d" % total)
    print("server restarts: %d" % sum(b["restarts"] for b in batches))
    print("idempotent requests: %d transparent, %d failed (%.3f%% transparent), %d wrong answers" %
          (idem["transparent"], idem["failed"], 100.0 * idem["transparent"] / max(idem["total"], 1), idem["wrong"]))
    kind = "  %-13s ok %d retried %d failed %d wrong %d"
    for name in sorted(n for n in requests if requests[n]["idempotent"]):
        c = requests[name]
        print(kind % (name, c["ok"], c["retried"], c["errors"], c["wrong"]))
    changes = [c for c in requests.values() if not c["idempotent"]]
    print("non-idempotent requests (counted apart: a restart cuts them off with PE_RESTARTED): %d answered, "
          "%d failed" % (sum(c["ok"] + c["retried"] for c in changes), sum(c["errors"] for c in changes)))
    for name in sorted(n for n in requests if not requests[n]["idempotent"]):
        c = requests[name]
        print(kind % (name, c["ok"], c["retried"], c["errors"], c["wrong"]))
    print("acknowledged writes: %d changes acknowledged, the last of each of %d paths checked on the image, "
          "%d lost; e2fsck -fn: %d of %d images clean or leaks only" %
          (sum(b["acks"] for b in batches), sum(b["acks_paths"] for b in batches),
           sum(len(b["acks_lost"]) for b in batches), sum(b["fsck_ok"] for b in batches), len(batches)))
    print("TCP fetches (host curl through httpd): %d whole and right, %d cut off, %d corrupted (%d bytes)" %
          (fetch["ok"], fetch["failed"], fetch["corrupted"], fetch["corrupted_bytes"]))
    down = collections.Counter(s for b in batches for s in b["not_back"] + b["left_down"])
    print("servers unable to come back: %s" % (", ".join("%s (%d batches)" % kv for kv in down.items())
                                               if down else "none"))
    useless_at_end = collections.Counter(s for b in batches for s in b.get("useless", []))
    print("servers up but unable to do their work at the end: %s" %
          (", ".join("%s (%d batches)" % kv for kv in useless_at_end.items()) if useless_at_end else "none"))
    for b, p in zip(batches, paths):
        if b["acks_lost"] or not b["fsck_ok"] or b["status"] != "pass":
            print("  %s: %s; %s; lost %s" % (os.path.basename(p), b["status"], b["fsck"], b["acks_lost"][:3]))


if __name__ == "__main__":
    if sys.argv[1] == "batch":
        batch(*sys.argv[2:8])
    else:
        table(sys.argv[2:])
