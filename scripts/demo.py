"""make demo's tour, narrated (run by scripts/demo.sh, which makes the disk
and the manifest; docs/demo.md):

    demo.py --accel A --short 0|1 --out DIR --port P --blob FILE --image IMG \\
        -- scripts/qemu.sh ... -- KERNEL

1. the IPC benchmark (scripts/bench-kestrel.sh) beside Linux's figure from
   make bench's last run (or the README's table);
2. the boot of the QEMU command after "--": make run's system with the
   workload (servers/workload/, its log on COM2 in DIR/workload.log);
3. the load: the workload's rounds, and the host's curl fetching FILE from
   httpd through the forwarded port P, again and again, each fetch checked
   against FILE's SHA-256;
4. each server of FAULTS crashed or killed at the shell, the supervisor's
   lines shown, and the load let run until the workload has finished
   rounds and curl transfers again;
5. the workload stopped (/work/stop), the machine powered off;
6. scripts/workload-check.sh on IMG: every acknowledged change on the disk,
   e2fsck -fn;
7. the table, per server, and DIR/summary.txt, one line a result.

Exits 0 when every server came back, the workload ended with no wrong
answer, nothing acknowledged was lost, e2fsck found nothing worse than
leaks and at least one transfer completed. Every wait is bounded.
"""

import argparse
import hashlib
import os
import re
import subprocess
import sys
import textwrap
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "tests", "qemu"))
from guest import ENTER, Guest  # noqa: E402

PROMPT = r"kestrel> "
SUP = r"\[supervisor \d+ ms\] "  # the supervisor's lines on the kernel console
SERVICES = ("fs", "hello", "time")  # the workload's, in its lines' order

# The tour, in the order: the server, the fault, what it is, and
# what should happen.
FAULTS = [
    ("console", "crash", "the serial console's driver",
     "The shell's next write waits on the console's endpoint, which the supervisor keeps, "
     "for the new instance; what was typed and not yet read is in the console's vault."),
    ("virtio_blk", "kill", "the disk driver",
     "The filesystem server sends the requests the dead driver held to the new one: "
     "the workload should see a pause, not an error."),
    ("fs", "crash", "the filesystem server",
     "The protocol's stubs repeat the workload's idempotent calls (lookups, reads, writes); "
     "a create, rename or unlink cut off answers PE_RESTARTED, an error the workload counts "
     "before it looks whether the change happened. What fs acknowledged is on the disk already."),
    ("virtio_net", "kill", "the network card's driver",
     "The network server attaches to the new driver within a second, and TCP sends again what "
     "was lost: a transfer in flight should complete."),
    ("net", "crash", "the network server (lwIP)",
     "Its TCP connections die with it: the transfer in flight stops (curl gives up after 10 s "
     "without a byte); httpd's listening socket comes back by itself, and the next fetch works once "
     "the new instance has its address by DHCP."),
    ("hello", "kill", "the example server",
     "hello keeps its count in its vault; the stubs repeat the workload's echo and count, and an "
     "add cut off answers PE_RESTARTED."),
    ("shell", "crash", "the shell",
     "A client, not a server: the supervisor starts the next one, which greets and finds its "
     "history in its vault."),
]
# Which of the workload's services a server is, for its first answer.
SERVICE_OF = {"fs": "fs", "hello": "hello", "rtc": "time"}


def say(text, indent=3):
    print(textwrap.fill(text, 78, initial_indent=" " * indent, subsequent_indent=" " * indent), flush=True)


def show(text):
    """Guest output, marked as such."""
    for line in text.strip("\n").split("\n"):
        print("   | " + line, flush=True)


class Workload:
    """The workload's log, read as it grows."""

    COUNTS = re.compile(r"^workload: (done )?rounds=(\d+) (.*) acked=(\d+)$")
    RESTART = re.compile(r"^workload: restart (\w+) generation=(\d+) fault_to_answer=(\d+)$")

    def __init__(self, path):
        self.path, self.offset, self.partial = path, 0, ""
        self.rounds, self.acked, self.done = 0, 0, False
        self.counts = {s: {"ok": 0, "retried": 0, "errors": 0, "wrong": 0} for s in SERVICES}
        self.restarts, self.errors, self.wrongs, self.started, self.last = [], [], [], 0, ""

    def poll(self):
        try:
            with open(self.path, "rb") as f:
                f.seek(self.offset)
                data = f.read()
        except FileNotFoundError:
            return
        self.offset += len(data)
        lines = (self.partial + data.decode("utf-8", "replace")).split("\n")
        self.partial = lines.pop()
        for line in lines:
            self.line(line.strip("\r"))
            self.last = line.strip("\r") or self.last

    def line(self, line):
        m = self.COUNTS.match(line)
        if m:
            self.done = self.done or bool(m[1])
            self.rounds, self.acked = int(m[2]), int(m[4])
            for s, ok, retried, errors, wrong in re.findall(
                r"(\w+) ok=(\d+) retried=(\d+) errors=(\d+) wrong=(\d+)", m[3]
            ):
                self.counts[s] = {"ok": int(ok), "retried": int(retried), "errors": int(errors), "wrong": int(wrong)}
        elif (m := self.RESTART.match(line)):
            self.restarts.append((m[1], int(m[2]), int(m[3])))
        elif line.startswith("workload: error "):
            self.errors.append(line[len("workload: error "):])
        elif line.startswith("workload: wrong "):
            self.wrongs.append(line[len("workload: wrong "):])
        elif line.startswith("workload: start "):
            self.started += 1

    def snapshot(self):
        self.poll()
        return {
            "rounds": self.rounds, "acked": self.acked, "restarts": len(self.restarts),
            "errors": len(self.errors), "counts": {s: dict(c) for s, c in self.counts.items()},
        }


class Fetcher(threading.Thread):
    """The host's curl, fetching url again and again (at most limit times,
    each at rate bytes/s at most, so that a transfer is in flight when a
    fault comes), each answer checked against sha256; each result is put
    in the phase current when it ended."""

    def __init__(self, url, sha256, scratch, limit):
        super().__init__(daemon=True)
        self.url, self.sha256, self.scratch, self.limit = url, sha256, scratch, limit
        self.lock = threading.Lock()
        self.phase = "start"
        self.results = []  # {"phase", "ok", "why"}, in the order they ended
        self.since = None  # when the transfer in flight began, or None
        self.stopping = threading.Event()

    def run(self):
        for _ in range(self.limit):
            if self.stopping.is_set():
                return
            self.since = time.monotonic()
            r = subprocess.run(
                # Given up when no byte came for 10 s (a connection the
                # network server's crash took with it hangs).
                ["curl", "--silent", "--show-error", "--max-time", "60", "--speed-limit", "1", "--speed-time", "10",
                 "--output", self.scratch, self.url],
                capture_output=True, text=True,
            )
            ok = r.returncode == 0 and digest(self.scratch) == self.sha256
            why = "" if ok else (r.stderr.strip().split("\n")[-1] if r.returncode else "other bytes than the file's")
            with self.lock:
                self.results.append({"phase": self.phase, "ok": ok, "why": why})
                self.since = None
            self.stopping.wait(0.2)

    def set_phase(self, phase):
        """Starts a phase; returns the number of the transfer in flight
        (its index in results once it ends), or None."""
        with self.lock:
            self.phase = phase
            return len(self.results) if self.since is not None else None

    def in_flight(self):
        """For how long the transfer in flight has run (0: none)."""
        since = self.since
        return time.monotonic() - since if since is not None else 0.0

    def result(self, n):
        with self.lock:
            return self.results[n] if n is not None and n < len(self.results) else None

    def count(self, phase=None):
        with self.lock:
            got = [r["ok"] for r in self.results if phase is None or r["phase"] == phase]
        return sum(got), len(got) - sum(got)


def digest(path):
    try:
        with open(path, "rb") as f:
            return hashlib.sha256(f.read()).hexdigest()
    except OSError:
        return None


def benchmark(args, summary):
    print("1. The IPC benchmark", flush=True)
    tcg = args.accel == "tcg"
    unit = "guest instructions" if tcg else "cycles"
    iters = 200 if args.short else 2000
    say("Kestrel's benchmark (bench/kestrel/kbench.c) boots as the first task and times a call and its "
        "reply between two address spaces, %d times, %s." % (
            iters, "under QEMU's -icount, where the time-stamp counter counts guest instructions" if tcg
            else "in cycles"))
    r = subprocess.run(["scripts/bench-kestrel.sh", "--iters", str(iters)], capture_output=True, text=True,
                       env=dict(os.environ, ACCEL=args.accel))
    fig = dict(re.findall(r"^kbench (\w+) median=(\d+) ", r.stdout, re.M))
    if r.returncode or "ipc_rt_inter_0w" not in fig:
        say("The benchmark did not finish (build/bench/kbench-on.log says why).")
        summary.append("ipc rt=none")
        return False
    rt, null = int(fig["ipc_rt_inter_0w"]), int(fig["null_syscall"])
    say("Kestrel: an IPC round trip takes %d %s, a null system call %d (medians)." % (rt, unit, null))
    # Linux's figure: make bench's last run here, or else the README's table.
    src, where = "build/bench/last-run.txt", "make bench's last run here, build/bench/last-run.txt"
    if not os.path.exists(src):
        src, where = "README.md", ("the README's table: make bench's run when the README was last brought "
                                   "up to date; make bench here writes its own to build/bench/last-run.txt")
    text = open(src).read()
    linux = re.search(r"^(Linux \S+), same QEMU machine \(([^)]*)\)", text, re.M)
    pipe = re.search(r"^pipe round trip, two processes +(\d+) ", text, re.M)
    lnull = re.search(r"^null system call \(getppid\) +(\d+) ", text, re.M)
    if linux and pipe and lnull and linux[2] == unit:
        say("%s on the same QEMU machine: a pipe round trip between two processes takes %s %s, %.0f times "
            "Kestrel's round trip; its null system call (getppid) %s (from %s)." % (
                linux[1], pipe[1], unit, int(pipe[1]) / rt, lnull[1], where))
    else:
        say("Linux's figure is not comparable here (none in %s, or not in %s); make bench measures it." % (src, unit))
    summary.append("ipc rt=%d null=%d unit=%s linux_pipe=%s source=%s" % (
        rt, null, unit.replace(" ", "_"), pipe[1] if pipe else "none", src))
    return True


class Tour:
    """Steps 2 to 7 on one QEMU run: the guest (g), the workload's log
    (wl), the host's curl (fetch), and what went wrong (problems)."""

    def __init__(self, args, qemu, summary, problems):
        self.args, self.summary, self.problems = args, summary, problems
        self.rounds_between = 4 if args.short else 12  # the workload's rounds after each recovery
        self.transfers_between = 1 if args.short else 2  # and curl's
        self.g = Guest(qemu, os.path.join(args.out, "serial.log"))
        self.wl = Workload(os.path.join(args.out, "workload.log"))
        self.fetch = Fetcher("http://127.0.0.1:%d/demo/blob.bin" % args.port, digest(args.blob),
                             os.path.join(args.out, "fetched.bin"), 400)
        self.rows = []
        self.lost_at = {}  # ack line number: lost on the image

    def shown(self):
        """Shows what the guest printed since the last thing shown (the
        supervisor's and the servers' lines while nothing is typed)."""
        g = self.g
        g.wait(0.1)
        if g.text[g.pos:].strip():
            show(g.text[g.pos:])
        g.pos = len(g.text)

    def run(self, line, timeout=20.0):
        """Types line at the shell, shows what it printed up to the prompt."""
        g, start = self.g, self.g.pos
        if not g.type(line + ENTER) or not g.expect(PROMPT, timeout):
            self.problems.append("no prompt after %r" % line)
        show(PROMPT + g.text[start:g.pos].rstrip().removesuffix(PROMPT.rstrip()))

    def until(self, done, seconds):
        """Lets the guest run until done() or seconds have passed."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline and not done():
            self.g.wait(0.1)
        return done()

    def boot(self):
        print("2. Boot", flush=True)
        say("Now the system of make run: the kernel, then the supervisor as the first task, which starts each "
            "server of servers/manifest.txt (each line 'up' below is one), plus the workload. Its disk is a "
            "fresh copy of disk/ with a file for curl (%s), never make run's." % self.args.image)
        if not self.g.expect(PROMPT, 120):
            self.problems.append("the shell's prompt never came")
        show("\n".join(re.findall(SUP + r"[^\n]*\(generation 1\): up", self.g.text)))
        self.run("ps")
        print()

    def load(self, started):
        print("3. The load", flush=True)
        say("The workload (servers/workload/) runs in rounds: on the filesystem it creates a file, writes it, "
            "reads it back and compares, renames it to /work/fN and removes the file of 32 rounds before; it "
            "calls hello (echo, add, count) and the time server. It logs every change fs acknowledged "
            "(on COM2: %s), and counts each request: ok, retried (answered by a new instance after a "
            "restart, which the protocol hid), or an error it saw. Meanwhile curl on the host fetches "
            "/demo/blob.bin from httpd through port %d, forwarded to the guest's port 80, again and again, and "
            "checks its SHA-256; each fault comes while a transfer is under way." % (
                self.wl.path, self.args.port))
        running = self.until(lambda: self.wl.snapshot()["rounds"] >= 3, 60)
        self.fetch.start()
        fetched = self.until(lambda: self.fetch.count("start")[0] >= 1, 60)
        if not running or not fetched:
            self.problems.append("the load did not start: %d rounds, %d transfers" % (
                self.wl.rounds, self.fetch.count("start")[0]))
        self.shown()
        say("After %.0f s: the workload has finished %d rounds, curl %d transfers." % (
            time.monotonic() - started, self.wl.rounds, self.fetch.count("start")[0]))
        print()

    def faults(self):
        print("4. Faults: each server crashed or killed in turn, under the load", flush=True)
        say("At the shell: 'crash NAME' makes the server's thread jump to address 0, a real page fault; 'kill "
            "NAME' destroys its task. Either way the supervisor hears of it, logs it, and starts the next "
            "instance on the same endpoint.")
        before = self.wl.snapshot()
        for i, (name, action, what, expect) in enumerate(FAULTS, 1):
            print(flush=True)
            say("4.%d %s (%s): %s" % (i, name, what, action), 0)
            say(expect)
            before = self.fault(name, action, before)  # each step from its fault to the next fault
        print()

    def fault(self, name, action, before):
        """One step: the fault, the supervisor's lines, the load until it
        has worked with the new instance, what it cost. Returns the
        workload's counts at its end."""
        g, wl, fetch = self.g, self.wl, self.fetch
        self.shown()
        self.until(lambda: fetch.in_flight() >= 0.1, 15)  # a transfer under way
        flying = fetch.set_phase(name)
        start, found = g.pos, [None, None, None]
        if g.type("%s %s" % (action, name) + ENTER):
            ended = r"page fault \(address (?:0x)?0, ip (?:0x)?0" if action == "crash" else r"killed on request"
            answer = (r"\nKestrel shell \(generation \d+\);[^\n]*\n" if name == "shell"
                      else r"\n%sed %s \(generation \d+\)\n" % (action, name))
            found = g.expect_all([
                SUP + name + r" \(generation (\d+)\): " + ended,
                SUP + name + r" \(generation (\d+)\): up again, (\d+) TSC \((\d+) us\) after it died",
                answer + r"(?:(?:%s|\[task \d+\] )[^\n]*\n)*%s" % (SUP, PROMPT),
            ], 30)
        show(PROMPT + (g.text[start:g.pos].rstrip().removesuffix(PROMPT.rstrip()) if all(found)
                       else g.text[start:]))
        row = {"name": name, "action": action, "back": bool(found[1]), "ready_us": None, "answer_us": None}
        if not row["back"]:
            self.problems.append("%s did not come back" % name)
        # The load goes on until it has worked with the new instance: rounds
        # from now, transfers, and the first answer of a server the
        # workload calls.
        at, service = wl.snapshot()["rounds"], SERVICE_OF.get(name)
        goal = at + self.rounds_between

        def answered():
            return not service or any(s == service for s, _, _ in wl.restarts[before["restarts"]:])

        self.until(lambda: wl.snapshot()["rounds"] >= goal and fetch.count(name)[0] >= self.transfers_between
                   and answered(), 60 if name == "net" else 30)
        after = wl.snapshot()
        self.shown()
        if row["back"]:
            tsc, us = int(found[1][2]), int(found[1][3])
            row["ready_us"] = us
            firsts = [t for s, _, t in wl.restarts[before["restarts"]:] if s == SERVICE_OF.get(name)]
            if firsts and tsc:
                row["answer_us"] = firsts[0] * us / tsc
        for k in ("ok", "retried", "errors", "wrong"):
            row[k] = sum(after["counts"][s][k] - before["counts"][s][k] for s in SERVICES)
        row["requests"] = row["ok"] + row["retried"] + row["errors"]
        row["acks"], row["tcp"] = (before["acked"], after["acked"]), fetch.count(name)
        self.rows.append(row)
        self.tell(row, fetch.result(flying), wl.errors[before["errors"]:])
        if after["rounds"] < goal or row["tcp"][0] < self.transfers_between or not answered():
            self.problems.append("after %s: %d of %d rounds, %d of %d transfers%s" % (
                name, after["rounds"] - at, self.rounds_between, row["tcp"][0], self.transfers_between,
                "" if answered() else ", no answer from the new instance"))
        return after

    def tell(self, row, flown, errors):
        """What a fault cost, in words."""
        name, action = row["name"], row["action"]
        said = ("%s was back %s after the %s (the supervisor's measure, to the new instance's ready)" % (
            name, ms(row["ready_us"]), action) if row["back"] else "%s did not come back within 30 s" % name)
        if row["answer_us"] is not None:
            said += "; the workload's first answer from it came %s after the %s" % (ms(row["answer_us"]), action)
        say(said + (". Since the %s the workload made %d requests: %d answered by a new instance, %d errors "
                    "seen, %d wrong answers; curl completed %d transfers, %d failed." % (
                        action, row["requests"], row["retried"], row["errors"], row["wrong"], *row["tcp"])))
        for err in errors[:3]:
            say("the workload saw: %s" % err, 5)
        if flown:
            say("The transfer in flight at the %s %s." % (
                action, "completed with the file's bytes" if flown["ok"] else "failed: " + flown["why"]))
        else:
            say("No transfer was in flight at the %s." % action)

    def end(self):
        print("5. The end of the load", flush=True)
        say("ps shows each server's generation and restarts; then 'touch /work/stop' tells the workload to "
            "stop after its round, curl stops, and poweroff ends QEMU.")
        self.run("ps")
        self.fetch.set_phase("stop")
        self.run("touch /work/stop")
        if not self.until(lambda: self.wl.snapshot() and self.wl.done, 30):
            self.problems.append("the workload did not stop")
        self.fetch.stopping.set()
        self.fetch.join(70)
        self.g.type("poweroff" + ENTER)
        status = self.g.finish(30)
        if status != 33:
            self.problems.append("QEMU ended with status %s" % status)
        self.wl.poll()
        say("The workload's last line (%s):" % self.wl.path)
        show(self.wl.last)
        print()

    def check(self):
        print("6. On the host: every acknowledged change, on the disk", flush=True)
        say("scripts/workload-check.sh reads the workload's ack lines, takes each path's last one, and checks "
            "the image with debugfs: the file with exactly those bytes (FNV-1a), or no file for a removal; "
            "then e2fsck -fn must find it clean or with leaks only.")
        verdicts = os.path.join(self.args.out, "verdicts.txt")
        check = subprocess.run(["scripts/workload-check.sh", "--verdicts", verdicts, self.args.image, self.wl.path],
                               capture_output=True, text=True)
        show(check.stdout)
        if check.returncode:
            self.problems.append("the check on the disk failed")
        if os.path.exists(verdicts):
            for line in open(verdicts):
                n, verdict, _ = line.split(" ", 2)
                self.lost_at[int(n)] = verdict == "lost"
        fsck = re.search(r"e2fsck -fn: ([^:\n]*)", check.stdout)
        self.summary.append("check status=%d lost=%d fsck=%s" % (
            check.returncode, sum(self.lost_at.values()), fsck[1].replace(" ", "_") if fsck else "none"))
        print()

    def lost(self, row):
        return sum(1 for n in range(row["acks"][0] + 1, row["acks"][1] + 1) if self.lost_at.get(n))

    def report(self):
        print("7. What each fault cost", flush=True)
        self.table()
        say("back: from the fault to the new instance's ready (the supervisor's log). first answer: from the "
            "fault to the workload's first answer from the new instance (fs and hello only: the workload calls "
            "no other directly). requests: the workload's, from the fault to the next fault; retried: of "
            "those, the ones a new instance answered (the restart hidden by the protocol); errors: those that "
            "failed as the workload saw them; wrong: answers that failed its checks. acked: changes fs "
            "acknowledged in that time, each checked on the image through its path's last state (lost: not "
            "there). TCP: curl's transfers that ended in that time, completed with the right bytes or "
            "failed.", 0)
        for row in self.rows:
            self.summary.append(
                "server name=%s fault=%s back=%d ready_us=%s answer_us=%s requests=%d retried=%d errors=%d "
                "wrong=%d acked=%d lost=%d tcp_ok=%d tcp_failed=%d" % (
                    row["name"], row["action"], row["back"], row["ready_us"],
                    "-" if row["answer_us"] is None else "%.0f" % row["answer_us"], row["requests"],
                    row["retried"], row["errors"], row["wrong"], row["acks"][1] - row["acks"][0], self.lost(row),
                    *row["tcp"]))
        wrong = sum(c["wrong"] for c in self.wl.counts.values())
        self.summary.append("workload done=%d rounds=%d acked=%d wrong=%d" % (
            self.wl.done, self.wl.rounds, self.wl.acked, wrong))
        self.summary.append("tcp ok=%d failed=%d" % self.fetch.count())
        if wrong:
            self.problems.append("the workload saw wrong answers")
        if self.fetch.count()[0] == 0:
            self.problems.append("no transfer completed")
        print()

    def table(self):
        """A row per fault, then the whole run (from boot to the stop: the
        counts before the first fault and after the last are only there)."""
        fmt = "%-11s %-5s %9s %10s %8s %7s %6s %5s %6s %4s %6s %6s"
        print(fmt % ("server", "fault", "back", "1st answer", "requests", "retried", "errors", "wrong", "acked",
                     "lost", "TCP ok", "failed"))
        for row in self.rows:
            print(fmt % (row["name"], row["action"], ms(row["ready_us"]) if row["back"] else "NO",
                         ms(row["answer_us"]), row["requests"], row["retried"], row["errors"], row["wrong"],
                         row["acks"][1] - row["acks"][0], self.lost(row), *row["tcp"]))
        total = {k: sum(c[k] for c in self.wl.counts.values()) for k in ("ok", "retried", "errors", "wrong")}
        print(fmt % ("whole run", "", "", "", total["ok"] + total["retried"] + total["errors"], total["retried"],
                     total["errors"], total["wrong"], self.wl.acked, sum(self.lost_at.values()),
                     *self.fetch.count()), flush=True)


def main():
    ap = argparse.ArgumentParser()
    for opt in ("--accel", "--out", "--blob", "--image"):
        ap.add_argument(opt, required=True)
    ap.add_argument("--short", type=int, default=0)
    ap.add_argument("--port", type=int, required=True)
    sep = sys.argv.index("--")
    args = ap.parse_args(sys.argv[1:sep])
    started = time.monotonic()
    summary, problems = [], []

    say("Kestrel demo: the IPC benchmark, then the system of make run under load while its servers are "
        "crashed and killed one by one, then what survived. It ends by itself%s; the guest's transcript "
        "goes to %s/serial.log." % (" (short mode)" if args.short else "", args.out), 0)
    print()
    if not benchmark(args, summary):
        problems.append("the IPC benchmark did not finish")
    print()
    tour = Tour(args, sys.argv[sep + 1:], summary, problems)
    tour.boot()
    tour.load(started)
    tour.faults()
    tour.end()
    tour.check()
    tour.report()
    summary.append("result %s" % ("ok" if not problems else "failed: " + "; ".join(problems)))
    with open(os.path.join(args.out, "summary.txt"), "a") as f:
        f.write("\n".join(summary) + "\n")
    took = time.monotonic() - started
    if problems:
        say("The demo found problems (%.0f s): %s. Transcripts: %s/serial.log, %s." % (
            took, "; ".join(problems), args.out, tour.wl.path), 0)
        return 1
    say("Done in %.0f s: every server came back, the workload's %d acknowledged changes are on the disk, "
        "curl completed %d transfers (%d failed)." % (took, tour.wl.acked, *tour.fetch.count()), 0)
    return 0


def ms(us):
    return "-" if us is None else "%.1f ms" % (us / 1000)


if __name__ == "__main__":
    sys.exit(main())
