#!/usr/bin/env python3
"""The chaos campaign's host side (tests/qemu/chaos.sh, scripts/chaos.sh).

  chaos-report.py batch LOG IMAGE STATUS_WORD FETCHES JSON
      reads one QEMU run's serial log (the supervisor's log of every
      injection and what followed, the workload's counts and acknowledged
      writes), checks each acknowledged write against the ext2 image
      (debugfs rdump of /w), and writes the batch's figures to JSON.
      STATUS_WORD: pass, panic or hang (what QEMU's exit said); FETCHES:
      the host's TCP fetch counts "ok failed corrupted bytes_corrupted".
  chaos-report.py table JSON...
      adds the batches up and prints the campaign's table.
"""
import collections
import json
import os
import re
import subprocess
import sys
import tempfile

INJECTION = re.compile(r"\] (\S+) \(generation \d+\): chaos injection (\d+): (\w+)")
FOLLOWED = re.compile(r"\] (\S+) \(generation \d+\): died (\d+) ms after chaos injection (\d+) \((\w+)\)")
DEATH = re.compile(r"\] (\S+) \(generation \d+\): (page fault|protection fault|divide error|invalid opcode|"
                   r"exception|bad system call|bad pointer|exit|hung)")
UP_AGAIN = re.compile(r"\] (\S+) \(generation \d+\): up again")
LEFT_DOWN = re.compile(r"\] (\S+) \(generation \d+\): (left down|cannot start)")
REQUESTS = re.compile(r"workload: requests (\w+) ok (\d+) failed (\d+) wrong (\d+)")
FILE = re.compile(r"workload: file (\d+)")
ACK = re.compile(r"workload: ack (\d+) (\d+) (\d+)")
NOT_BACK = re.compile(r"workload: not back: (\S+)")
HOSTILE = re.compile(r"workload: hostile (.*): (.*)$")
KINDS = ["crash", "exit", "hang", "delay", "regflip", "textflip", "dataflip", "stackflip"]


def pattern(k, off, n):
    """Bytes off.. of written file k (tests/chaos/chaosload.c's pattern)."""
    return bytes((k * 131 + o + o // 251) % 251 for o in range(off, off + n))


def acked_writes_lost(log_lines, image):
    """Dumps /w from the image and checks every acknowledged write."""
    acks = [tuple(map(int, m.groups())) for m in map(ACK.search, log_lines) if m]
    lost = []
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(["debugfs", "-R", "rdump /w %s" % tmp, image], capture_output=True)
        for k, off, n in acks:
            path = os.path.join(tmp, "w", "f%d" % k)
            data = open(path, "rb").read() if os.path.exists(path) else b""
            if data[off:off + n] != pattern(k, off, n):
                lost.append("file %d bytes %d-%d" % (k, off, off + n))
    return len(acks), lost


def batch(log, image, status, fetches, out):
    lines = open(log, errors="replace").read().splitlines()
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
    requests = {m.group(1): list(map(int, m.groups()[1:])) for m in map(REQUESTS.search, lines) if m}
    acks, lost = acked_writes_lost(lines, image)
    fsck = subprocess.run(["scripts/e2fsck-verdict.sh", image], capture_output=True, text=True)
    ok, failed, corrupted, corrupted_bytes = map(int, fetches.split())
    result = {
        "status": status,
        "injected": {"%s %s" % k: v for k, v in injected.items()},
        "followed": {"%s %s" % k: v for k, v in followed.items()},
        "deaths": dict(deaths),
        "restarts": sum(1 for line in lines if UP_AGAIN.search(line)),
        "left_down": sorted(set(m.group(1) for m in map(LEFT_DOWN.search, lines) if m)),
        "not_back": sorted(set(m.group(1) for m in map(NOT_BACK.search, lines) if m)),
        "requests": requests,
        "summary_seen": any("workload: done" in line for line in lines),
        "acks": acks,
        "acks_lost": lost,
        "fsck_ok": fsck.returncode == 0,
        "fsck": fsck.stdout.strip(),
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


def idempotent(requests):
    """Transparent and failed idempotent requests, and wrong answers."""
    names = ["read", "stat", "echo", "time", "write"]
    ok = sum(requests.get(n, [0, 0, 0])[0] for n in names)
    failed = sum(requests.get(n, [0, 0, 0])[1] for n in names)
    wrong = sum(requests.get(n, [0, 0, 0])[2] for n in names)
    return ok, failed, wrong


def table(paths):
    batches = [json.load(open(p)) for p in paths]
    injected, followed = collections.Counter(), collections.Counter()
    requests = collections.defaultdict(lambda: [0, 0, 0])
    fetch = collections.Counter()
    status = collections.Counter(b["status"] for b in batches)
    for b in batches:
        injected.update(b["injected"])
        followed.update(b["followed"])
        fetch.update(b["fetch"])
        for name, counts in b["requests"].items():
            requests[name] = [a + c for a, c in zip(requests[name], counts)]
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
    ok, failed, wrong = idempotent(requests)
    print()
    print("batches: %d (%d passed, %d kernel panics, %d kernel hangs or timeouts)" %
          (len(batches), status["pass"], status["panic"], status["hang"]))
    print("faults injected: %d" % total)
    print("server restarts: %d" % sum(b["restarts"] for b in batches))
    print("idempotent requests: %d transparent, %d failed (%.3f%% transparent), %d wrong answers" %
          (ok, failed, 100.0 * ok / max(ok + failed, 1), wrong))
    for name in sorted(requests):
        print("  %-6s ok %d failed %d wrong %d" % ((name,) + tuple(requests[name])))
    print("acknowledged writes: %d checked, %d lost; e2fsck -fn: %d of %d images clean or leaks only" %
          (sum(b["acks"] for b in batches), sum(len(b["acks_lost"]) for b in batches),
           sum(b["fsck_ok"] for b in batches), len(batches)))
    print("TCP fetches (host curl through httpd): %d whole and right, %d cut off, %d corrupted (%d bytes)" %
          (fetch["ok"], fetch["failed"], fetch["corrupted"], fetch["corrupted_bytes"]))
    down = collections.Counter(s for b in batches for s in b["not_back"] + b["left_down"])
    print("servers unable to come back: %s" % (", ".join("%s (%d batches)" % kv for kv in down.items())
                                               if down else "none"))
    for b, p in zip(batches, paths):
        if b["acks_lost"] or not b["fsck_ok"] or b["status"] != "pass":
            print("  %s: %s; %s; lost %s" % (os.path.basename(p), b["status"], b["fsck"], b["acks_lost"][:3]))


if __name__ == "__main__":
    if sys.argv[1] == "batch":
        batch(*sys.argv[2:7])
    else:
        table(sys.argv[2:])
