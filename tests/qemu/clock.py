"""The wall clock at the shell of make run's manifest: date against the
host's clock, a file's times in stat and ls -l, the time server crashed
and killed with date still answering and never going back, then the
host's e2fsck -fn and debugfs on the image. One TAP line per check; run
by tests/qemu/clock.sh:

    clock.py LOG EXIT_PASS IMAGE -- scripts/qemu.sh ... -- KERNEL

QEMU's RTC starts at the host's time (UTC) and the guest's clock can lag
it by up to a second (the RTC counts whole seconds) and by however much
slower than real time the guest ran: every comparison with the host
allows TOLERANCE seconds, nothing tighter.
"""

import calendar
import re
import subprocess
import sys
import time

from guest import ENTER, Guest, Tap

PROMPT = r"kestrel> "
SUP = r"\[supervisor \d+ ms\] "  # the supervisor's log lines on the kernel console
TOLERANCE = 300  # seconds between the guest's clock and the host's
DATE = r"\n(\w{3}) (\d{4})-(\d\d)-(\d\d) (\d\d):(\d\d):(\d\d)\.(\d{3}) UTC\n"
STAMP = r"(\d{4})-(\d\d)-(\d\d) (\d\d):(\d\d):(\d\d) UTC"


def seconds(m, first=1):
    """Seconds since 1970 of the date in groups first.. of m (UTC)."""
    y, mo, d, h, mi, s = (int(m.group(first + i)) for i in range(6))
    return calendar.timegm((y, mo, d, h, mi, s, 0, 0, 0))


def host_now():
    """The host's clock, as `date -u` has it."""
    return int(subprocess.run(["date", "-u", "+%s"], capture_output=True, text=True).stdout)


def main():
    log, exit_pass, image = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    qemu = sys.argv[sys.argv.index("--") + 1 :]
    g = Guest(qemu, log)
    tap = Tap(log)
    dates = []  # every date the guest printed, in seconds (with the fraction)

    def check(name, *steps):
        problems = [p for p in (step() for step in steps) if p]
        tap.result(name, problems)
        return not problems

    def cmd(line, regex, timeout=10.0):
        def step():
            if not g.command(line, regex, timeout):
                return f"{line!r} did not print /{regex}/"
            if not g.expect(PROMPT, timeout):
                return f"no prompt after {line!r}"
            return None

        return step

    def quiet(line):
        """Types line; the prompt must come back with nothing printed."""

        def step():
            if not g.type(line + ENTER):
                return f"{line!r} was not echoed"
            m = g.expect(r"(?s)\n(.*?)" + PROMPT)
            if not m:
                return f"no prompt after {line!r}"
            return f"{line!r} printed {m.group(1)!r}" if m.group(1) else None

        return step

    def ends(line, wanted, timeout=20.0):
        """Types line (crash or kill of the time server); every regex of
        wanted (the supervisor's lines, the shell's answer and prompt)
        must come, in any order."""

        def step():
            if not g.type(line + ENTER):
                return f"{line!r} was not echoed"
            found = g.expect_all([regex for regex, _ in wanted], timeout)
            missing = [why for (_, why), m in zip(wanted, found) if not m]
            return f"{line}: " + "; ".join(missing) if missing else None

        return step

    def answer(text):
        return (rf"\n{text}\n(?:{SUP}[^\n]*\n|\[task \d+\] [^\n]*\n)*{PROMPT}", f"no '{text}' and prompt")

    def date(timeout=10.0):
        """Types date: its answer must be the host's time, within
        TOLERANCE, its weekday right, and not before any date before it."""

        def step():
            m = g.command("date", DATE, timeout)
            if not m:
                return "date printed no time of day"
            if not g.expect(PROMPT, timeout):
                return "no prompt after date"
            t = seconds(m, 2) + int(m.group(8)) / 1e3
            host = host_now()
            weekday = time.strftime("%a", time.gmtime(int(t)))
            dates.append(t)
            if int(m.group(2)) < 2024:
                return f"date says the year {m.group(2)}"
            if abs(t - host) > TOLERANCE:
                return f"date says {t:.0f}, the host {host}"
            if m.group(1) != weekday:
                return f"date says {m.group(1)}, the date is a {weekday}"
            if len(dates) > 1 and t < dates[-2]:
                return f"date went back from {dates[-2]:.3f} to {t:.3f}"
            return None

        return step

    modified = {}

    def stat(path, key):
        """Types stat PATH: its modification time must be the host's time
        (within TOLERANCE), its access and change times there too."""

        def step():
            m = g.command(f"stat {path}", rf"\nAccess: {STAMP}\nModify: {STAMP}\nChange: {STAMP}\n")
            if not m:
                return f"stat {path} printed no times"
            if not g.expect(PROMPT):
                return f"no prompt after stat {path}"
            host = host_now()
            times = [seconds(m, 1), seconds(m, 7), seconds(m, 13)]
            modified[key] = times[1]
            off = [t for t in times if abs(t - host) > TOLERANCE]
            return f"stat {path}: times {times}, the host {host}" if off else None

        return step

    if not check("boots_to_the_prompt", lambda: None if g.expect(PROMPT, 60) else "no prompt"):
        tap.result("poweroff_ends_qemu", [f"QEMU exited with {g.finish(5)} before the prompt"])
        return tap.finish()

    check("date_prints_the_hosts_time", date())
    check(
        "a_file_written_at_the_shell_has_the_hosts_time",
        quiet("echo stamped > /clockfile"),
        stat("/clockfile", "written"),
        cmd("ls -l /", r"\n-rw-r--r-- +1 +8 \d{4}-\d\d-\d\d \d\d:\d\d clockfile\n"),
    )

    def later():
        time.sleep(1.2)
        return None

    check("date_moves_on", later, date())
    # The time server keeps its boot time in its vault: after a crash the
    # new instance goes on from it, and date neither fails nor goes back.
    check(
        "date_works_after_the_time_server_crashes",
        ends(
            "crash rtc",
            [
                (SUP + r"rtc \(generation 1\): page fault ", "no page fault of rtc in the log"),
                (SUP + r"rtc \(generation 2\): up again", "rtc did not come back"),
                (r"rtc: [^\n]*, from the vault\n", "the new rtc did not take the vault's time"),
                answer(r"crashed rtc \(generation 1\)"),
            ],
        ),
        date(),
    )
    # Killed again within its minimum run time (500 ms), the time server
    # is restarted only after a delay: the date typed meanwhile waits on
    # its endpoint for the next instance.
    check(
        "date_typed_while_the_time_server_is_down_waits_for_it",
        ends(
            "kill rtc",
            [
                (SUP + r"rtc \(generation 2\): killed on request", "no kill of generation 2 in the log"),
                (SUP + r"rtc \(generation 3\): up again", "rtc did not come back"),
                answer(r"killed rtc \(generation 2\)"),
            ],
        ),
        ends(
            "kill rtc",
            [
                (SUP + r"rtc \(generation 3\): restarting in \d+ ms: died again within the minimum run time",
                 "the second kill's restart was not delayed"),
                answer(r"killed rtc \(generation 3\)"),
            ],
        ),
        date(20),
        cmd("ps", r"\nrtc +up +\d+ +4 +3 "),
    )
    check(
        "a_file_written_after_the_restarts_has_a_later_time",
        later,
        quiet("echo again >> /clockfile"),
        stat("/clockfile", "appended"),
        lambda: None
        if modified.get("appended", 0) > modified.get("written", 1 << 40)
        else f"modified {modified.get('written')}, then {modified.get('appended')}",
    )

    g.type("poweroff" + ENTER)
    status = g.finish()
    tap.result("poweroff_ends_qemu", [] if status == exit_pass else [f"QEMU exit status {status}, expected {exit_pass}"])

    fsck = subprocess.run(["e2fsck", "-fn", image], capture_output=True, text=True)
    tap.result("e2fsck_finds_the_image_clean", [] if fsck.returncode == 0 else [fsck.stdout[-300:]])

    # The inode holds the time stat showed, and it is the host's.
    out = subprocess.run(["debugfs", "-R", "stat /clockfile", image], capture_output=True, text=True).stdout
    m = re.search(r"^ *mtime: *0x([0-9a-f]+)", out, re.M)
    problems = []
    if not m:
        problems.append(f"no mtime in debugfs's stat: {out[-200:]!r}")
    else:
        mtime, host = int(m.group(1), 16), host_now()
        if mtime != modified.get("appended"):
            problems.append(f"the inode's mtime {mtime}, the shell's stat {modified.get('appended')}")
        if abs(mtime - host) > TOLERANCE:
            problems.append(f"the inode's mtime {mtime}, the host {host}")
    tap.result("debugfs_finds_the_hosts_time_in_the_inode", problems)
    return tap.finish()


if __name__ == "__main__":
    sys.exit(main())
