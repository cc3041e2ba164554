"""The shell test: boots the supervisor with tests/shell/manifest.txt, types
commands at the shell over the serial console and checks what comes back.
One TAP line per check; run by tests/qemu/shell.sh, which gives the QEMU
command line after "--":

    shell.py LOG EXIT_PASS -- scripts/qemu.sh ... -- KERNEL

The checks run in order on one boot (later ones rely on earlier ones:
hello's count, which generation is running). The last one ends QEMU with
the shell's hidden poweroff command, which only the test manifest allows.
"""

import re
import sys
import time

from guest import CTRL_U, DEL, ENTER, Guest, Tap

COMMANDS = ["help", "echo", "hello", "uptime", "mem", "ps", "kill", "crash", "restart", "log", "bench"]
PROMPT = r"kestrel> "
SUP = r"\[supervisor \d+ ms\] "  # the supervisor's log lines on the kernel console


def main():
    log, exit_pass = sys.argv[1], int(sys.argv[2])
    qemu = sys.argv[sys.argv.index("--") + 1 :]
    g = Guest(qemu, log)
    tap = Tap(log)

    def check(name, *steps):
        """Runs steps (each returns None or a problem) and reports them as
        one TAP line."""
        problems = [p for p in (step() for step in steps) if p]
        tap.result(name, problems)
        return not problems

    def cmd(line, regex, timeout=10.0):
        """Types line; its output must match regex and end with a prompt
        (so the next line is not typed into the middle of it)."""

        def step():
            if not g.command(line, regex, timeout):
                return f"{line!r} did not print /{regex}/"
            if not g.expect(PROMPT, timeout):
                return f"no prompt after {line!r}"
            return None

        return step

    def out(regex, timeout=10.0, what=None):
        def step():
            if not g.expect(regex, timeout):
                return what or f"no /{regex}/"
            return None

        return step

    if not check("boots_to_the_prompt", out(r"Kestrel shell \(generation 1\)", 60), out(PROMPT)):
        tap.result("poweroff_ends_qemu", [f"QEMU exited with {g.finish(5)} before the prompt"])
        return tap.finish()

    def help_lists_every_command():
        if not g.command("help", r"commands:\n"):
            return "help printed no list"
        listing = g.expect(r"(?s)(.*?)" + PROMPT)
        if not listing:
            return "help's list did not end with a prompt"
        lines = listing.group(1)
        missing = [c for c in COMMANDS if f"\n  {c}" not in "\n" + lines]
        hidden = "poweroff" in lines
        return (f"missing {missing}" if missing else None) or ("lists poweroff" if hidden else None)

    check("help_lists_every_command", help_lists_every_command)
    check("echo_prints_its_words", cmd("echo one  two   three", r"\none two three\n"))
    check(
        "bench_times_a_system_call_and_a_call_to_hello",
        cmd("bench", r"null system call: median [1-9]\d* TSC\n.*hello echo round trip: median [1-9]\d* TSC"),
    )
    check(
        "hello_add_and_count_reach_the_hello_server",
        cmd("hello add 5", r"\ncount 5\n"),
        cmd("hello add 3", r"\ncount 8\n"),
        cmd("hello count", r"\ncount 8\n"),
        cmd("hello echo 42", r"\n42 \(from generation 1\)\n"),
    )
    check("unknown_command_says_so", cmd("frobnicate now", r"\nfrobnicate: unknown command"))
    check(
        "backspace_and_ctrl_u_edit_the_line",
        cmd("echo abx" + DEL + "c", r"\nabc\n"),
        cmd("echo xy\bz", r"\nxz\n"),
        cmd("junk" + CTRL_U + "echo clean", r"\nclean\n"),
    )
    check(
        "uptime_and_mem_report",
        cmd("uptime", r"\nup \d+\.\d{3} s\n"),
        cmd("mem", r"\nfree: [1-9]\d* frames \(\d+ KiB\) in the system"),
    )
    # crasher faults at once on every start: backoff 0, 50, 100 ms, then
    # its limit (3 in a row) leaves it down, within about a second.
    check(
        "crash_on_start_server_is_left_down_and_the_shell_works",
        out(SUP + r"crasher \(generation 4\): left down \(restart policy\)", 20),
        cmd("echo still here", r"\nstill here\n"),
    )

    def ps_lists_every_server():
        if not g.command("ps", r"\nNAME +STATE +PID +GEN +RESTARTS +UPTIME\n"):
            return "ps printed no header"
        table = g.expect(r"(?s)(.*?)" + PROMPT)
        rows = table.group(1) if table else ""
        # A running server shows its pid, one left down a dash.
        want = {"console": r"up +\d+", "hello": r"up +\d+", "crasher": "failed +-", "shell": r"up +\d+"}
        bad = [n for n, st in want.items() if not re.search(rf"(?m)^{n} +{st} ", rows)]
        return f"rows wrong for {bad}: {rows!r}" if bad else None

    check("ps_lists_every_server", ps_lists_every_server)

    def idle_shell_stays():
        # The shell provides no service, so nothing may send it heartbeats
        # and take it for hung (hello's deadline is 1 s): still generation
        # 1, never restarted, after 2.5 s of waiting at the prompt.
        time.sleep(2.5)
        if not g.command("ps", r"\nshell +up +\d+ +1 +0 "):
            return "the idle shell was restarted"
        return None if g.expect(PROMPT) else "no prompt after ps"

    check("idle_shell_is_not_taken_for_hung", idle_shell_stays)
    check(
        "crashed_hello_is_restarted_and_answers",
        cmd("crash hello", r"\ncrashed hello \(generation 1\)\n"),
        cmd("hello count", r"\ncount 0\n"),
        cmd("hello echo 9", r"\n9 \(from generation 2\)\n"),
    )
    check(
        "killed_console_restarts_and_the_shell_comes_back",
        cmd("kill console", r"\nkilled console \(generation 1\)\n"),
        cmd("echo back", r"\nback\n"),
        cmd("ps", r"\nconsole +up +\d+ +2 +1 "),
    )
    check(
        "restart_starts_a_new_generation",
        cmd("restart hello", r"\nrestarted hello \(generation 3\)\n"),
        cmd("hello echo 1", r"\n1 \(from generation 3\)\n"),
    )
    check(
        "log_shows_the_supervisors_last_lines",
        cmd("log 3", r"\n +\d+ " + SUP + r"hello \(generation 3\): up again"),
    )
    check(
        "killed_shell_restarts_with_a_fresh_prompt",
        cmd("kill shell", r"Kestrel shell \(generation 2\)"),
        cmd("echo new shell", r"\nnew shell\n"),
    )

    g.type("poweroff" + ENTER)
    status = g.finish()
    tap.result("poweroff_ends_qemu", [] if status == exit_pass else [f"QEMU exit status {status}, expected {exit_pass}"])
    return tap.finish()


if __name__ == "__main__":
    sys.exit(main())
