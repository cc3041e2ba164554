"""gdb on make debug's machine, in a server: tests/qemu/debug-server.sh runs

    debug-server.py LOG GDB_LOG PORT -- scripts/qemu.sh ... --gdb-port PORT -- KERNEL

QEMU waits for gdb; gdb runs in batch mode with scripts/gdbinit and
tests/qemu/debug-server.gdb, which sets a breakpoint in hello's
hello_add_srv before the system boots and prints what is checked here at
each stop. This side types at the shell over QEMU's serial console
(guest.py) and reads gdb's output as it comes. Every server is linked at
the same addresses, and the supervisor (during boot) and the time server
(at date) run the instruction at hello_add_srv's address too: the
breakpoint must pass over them and stop in hello only, in hello's next
instance too after a crash. One TAP line per check; every wait bounded.
"""

import re
import subprocess
import sys
import time

from guest import ENTER, Guest, Tap

PROMPT = r"kestrel> "
SUP = r"\[supervisor \d+ ms\] "


class GdbLog:
    """gdb's output, read as it grows; expect() as Guest's."""

    def __init__(self, argv, path):
        self.path = path
        self.out = open(path, "w")
        self.proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=self.out,
                                     stderr=subprocess.STDOUT)
        self.pos = 0

    def text(self):
        with open(self.path, errors="replace") as f:
            return f.read()

    def expect(self, regex, timeout):
        pattern = re.compile(regex)
        deadline = time.monotonic() + timeout
        while True:
            ended = self.proc.poll() is not None  # before the read: nothing comes after it
            m = pattern.search(self.text(), self.pos)
            if m:
                self.pos = m.end()
                return m
            if ended or time.monotonic() > deadline:
                return None
            time.sleep(0.1)

    def finish(self, timeout):
        try:
            self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.out.close()


def manifest_servers():
    """(name, binary) of each server block of make run's manifest."""
    servers, name = [], None
    with open("servers/manifest.txt") as f:
        for line in f:
            words = line.split("#", 1)[0].split()
            if words[:1] == ["server"]:
                name = words[1]
            elif words[:1] == ["binary"]:
                servers.append((name, words[1]))
    return servers


def elf_function(elf, address):
    """The function of elf at address, as the host's addr2line says."""
    out = subprocess.run(["addr2line", "-f", "-e", elf, "%#x" % address], capture_output=True, text=True)
    return out.stdout.split("\n")[0]


def main():
    log, gdb_log, port = sys.argv[1], sys.argv[2], sys.argv[3]
    qemu = sys.argv[sys.argv.index("--") + 1 :]
    started = time.monotonic()
    g = Guest(qemu, log)
    tap = Tap(log)
    gdb = GdbLog(["timeout", "120", "gdb", "-nx", "-batch", "-x", "scripts/gdbinit",
                  "-x", "tests/qemu/debug-server.gdb"], gdb_log)

    def check(name, problems):
        tap.result(name, [p for p in problems if p])

    def stop_section(n, timeout):
        """What gdb printed at its n-th stop in hello, or None."""
        m = gdb.expect(rf"(?s)@@hit {n}\n(.*?)@@end\n", timeout)
        return m.group(1) if m else None

    # Breakpoint set before the boot: every pass over it is a condition
    # evaluated, so the boot is slower than make run's, not stopped.
    bp = gdb.expect(r"Breakpoint (\d+) at (0x[0-9a-f]+): file servers/hello/main.c, line \d+\.\n"
                    r"Breakpoint \1 is hello's: it stops only in hello's address space\.", 60)
    problems = [] if bp else [f"gdb did not set the breakpoint in hello (QEMU on port {port})"]
    address = int(bp.group(2), 16) if bp else 0
    others = {}
    for server in ("supervisor", "rtc"):
        others[server] = elf_function(f"build/servers/{server}.elf", address)
        if others[server] in ("", "??"):
            problems.append(f"{server} has no code at {address:#x}: the test proves nothing")
    check("break_in_hello_is_set_at_an_address_other_servers_run_too", problems)

    prompt = g.expect(PROMPT, 90)
    booted = time.monotonic()
    check("the_system_boots_to_the_shell_past_the_breakpoint", [None if prompt else "no prompt"])
    if not prompt:
        gdb.finish(5)
        g.stop()
        return tap.finish()

    date = g.command("date", r"\n\w{3} \d{4}-\d\d-\d\d [0-9:.]+ UTC\n", 30) and g.expect(PROMPT, 10)
    check("date_runs_the_address_in_rtc_without_stopping", [None if date else "date did not answer"])

    typed = time.monotonic()
    g.type("hello add 5" + ENTER)
    hit = stop_section(1, 60)
    if hit is not None:  # figures for docs/debugging.md, not checked
        print(f"# from QEMU's and gdb's start to the shell's prompt {booted - started:.1f} s; "
              f"from hello add 5 to the stop in hello {time.monotonic() - typed:.1f} s", flush=True)
    problems = []
    if hit is None:
        problems.append("gdb never stopped in hello")
    else:
        if not re.search(r'^\$\d+ = "hello"$', hit, re.M):
            problems.append("$_server() is not hello")
        if not re.search(r"^\$\d+ = \{amount = 5\}$", hit, re.M):
            problems.append("*q is not {amount = 5}")
    head = gdb.text()[: gdb.pos]
    if not re.search(r"\nBreakpoint \d+, hello_add_srv \(ctx=0x[0-9a-f]+, q=0x[0-9a-f]+, "
                     r"r=0x[0-9a-f]+\) at servers/hello/main.c:\d+\n", head):
        problems.append("the stop was not reported in hello_add_srv")
    check("breakpoint_stops_in_hello_add_srv_with_amount_5", problems)

    problems = []
    if hit is not None:
        cr3 = re.search(r"^\$\d+ = (0x[0-9a-f]+)$", hit, re.M)
        row = re.search(r"^\*\s+(\d+)\s+hello\s+1\s+(0x[0-9a-f]+)\s+build/servers/hello\.elf\s+"
                        r"\[symbols\]$", hit, re.M)
        if not row:
            problems.append("info servers does not mark hello (generation 1) as the CPU's, with its ELF")
        elif not cr3 or int(row.group(2), 16) & ~0xFFF != int(cr3.group(1), 16) & ~0xFFF:
            problems.append("info servers' CR3 for hello is not $cr3")
        for server, binary in manifest_servers() + [("supervisor", "supervisor.elf")]:
            if server == "hello":
                continue
            line = rf"^ \s+\d+\s+{server}\s+[-\d]+\s+0x[0-9a-f]+\s+build/servers/{binary}$"
            if not re.search(line, hit, re.M):
                problems.append(f"info servers has no line for {server}")
        passed = re.search(r"^\d+\s+hello\s+0x[0-9a-f]+\s+1\s+(\d+)\s+hello_add_srv at servers/hello/main.c",
                           hit, re.M)
        if not passed:
            problems.append("info server-breakpoints has no line for it")
        elif int(passed.group(1)) < 2:
            problems.append(f"passed over {passed.group(1)} times: the supervisor and rtc should have run it")
    if hit is None:
        problems.append("no stop")
    check("info_servers_names_each_task_cr3_and_elf_and_the_passes_elsewhere", problems)

    count = g.expect(r"\ncount 5\n", 30) and g.expect(PROMPT, 10)
    check("the_call_completes_after_continue", [None if count else "no 'count 5' after gdb continued"])

    restarted = g.command("crash hello", SUP + r"hello \(generation 2\): up again", 30)
    restarted = restarted and g.expect(PROMPT, 10)
    g.type("hello add 2" + ENTER)
    hit = stop_section(2, 60)
    problems = [] if restarted else ["hello did not come back"]
    if hit is None:
        problems.append("gdb did not stop in the new hello")
    else:
        if not re.search(r'^\$\d+ = "hello"\n\$\d+ = \{amount = 2\}$', hit, re.M):
            problems.append("not in hello with {amount = 2}")
        if not re.search(r"^\*\s+\d+\s+hello\s+2\s+0x[0-9a-f]+\s+build/servers/hello\.elf", hit, re.M):
            problems.append("info servers does not show hello's generation 2 as the CPU's")
    check("breakpoint_follows_hello_across_its_restart", problems)

    gdb.finish(30)
    done = g.expect(r"\ncount 7\n", 30)
    g.type("poweroff" + ENTER)
    status = g.finish(30)
    check("gdb_detaches_and_the_system_runs_on",
          [None if done else "no 'count 7' after gdb detached",
           None if status is not None else "QEMU did not power off"])
    return tap.finish()


if __name__ == "__main__":
    sys.exit(main())
