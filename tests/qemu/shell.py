"""The shell test: boots the supervisor with tests/shell/manifest.txt, types
commands at the shell over the serial console and checks what comes back.
One TAP line per check; run by tests/qemu/shell.sh, which gives the QEMU
command line after "--":

    shell.py LOG EXIT_PASS -- scripts/qemu.sh ... -- KERNEL

The checks run in order on one boot (later ones rely on earlier ones:
hello's count, which generation is running). The last one ends QEMU with
the shell's poweroff command, through the isa-debug-exit port only the
test manifest gives it.
"""

import re
import sys
import time

from guest import CTRL_U, DEL, ENTER, Guest, Tap, poweroff

COMMANDS = ["help", "echo", "hello", "kv", "lspci", "ifconfig", "ping", "netstat", "uptime", "date", "mem", "ps", "kill", "crash", "restart", "log", "chaos", "bench",
            "ls", "cat", "cp", "mv", "rm", "mkdir", "rmdir", "touch", "stat", "hexdump", "df", "cd", "pwd",
            "exit", "poweroff", "reboot"]
UP, LEFT = "\x1b[A", "\x1b[D"  # arrow keys as a terminal sends them
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

    def keyed(keys, regex, timeout=10.0):
        """Sends keys as a terminal would (escape sequences and all, no
        echo awaited), then Enter; the output must match regex and end
        with a prompt."""

        def step():
            if not g.keys(keys) or not g.command("", regex, timeout):
                return f"{keys!r} did not print /{regex}/"
            if not g.expect(PROMPT, timeout):
                return f"no prompt after {keys!r}"
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
        if not g.command("help", r"commands \(help COMMAND for one\):\n"):
            return "help printed no list"
        listing = g.expect(r"(?s)(.*?)" + PROMPT)
        if not listing:
            return "help's list did not end with a prompt"
        lines = listing.group(1)
        missing = [c for c in COMMANDS if f"\n  {c}" not in "\n" + lines]
        return f"missing {missing}" if missing else None

    check("help_lists_every_command", help_lists_every_command)
    check("echo_prints_its_words", cmd("echo one  two   three", r"\none two three\n"))
    check(
        "bench_times_a_system_call_and_a_call_to_hello",
        cmd("bench", r"null system call: median \d+\.\d{3} us over 1000 calls\nhello echo round trip: median \d+\.\d{3} us over 1000 calls\n\(the time-stamp counter runs [1-9]\d* counts a microsecond"),
    )
    check(
        "hello_add_and_count_reach_the_hello_server",
        cmd("hello add 5", r"\ncount 5\n"),
        cmd("hello add 3", r"\ncount 8\n"),
        cmd("hello count", r"\ncount 8\n"),
        cmd("hello echo 42", r"\n42 \(from generation 1\)\n"),
    )
    # kv is docs/servers.md's example: its server, manifest block, build
    # line and shell command are the ones the page shows.
    check(
        "kv_command_reaches_the_documented_example_server",
        cmd("kv put answer 42", r"\nanswer = 42\n"),
        cmd("kv put answer 0x2b", r"\nanswer = 43\n"),
        cmd("kv get answer", r"\nanswer = 43\n"),
        cmd("kv get question", r"\nkv: question: no such key\n"),
        cmd("kv get", r"\nkv: missing an argument\nusage: kv put KEY N\|get KEY\n"),
        cmd("kv get a b c", r"\nkv: unexpected word 'c'\nusage: kv put KEY N\|get KEY\n"),
        cmd("kv put answer 4x", r"\nkv: '4x' is not a number\n"),
    )
    def lspci_lists_what_qemu_has():
        if not g.command("lspci", r"\n00:00\.0 "):
            return "lspci printed no bus 0"
        listing = g.expect(r"(?s)(.*?)" + PROMPT)
        text = "00:00.0 " + (listing.group(1) if listing else "")
        want = [
            r"00:00\.0 8086:29c0 host bridge \[060000\]",
            r"00:01\.0 1234:1111 VGA \[030000\].*\n  bar 0: mem 0x[0-9a-f]+000, 16M, prefetchable\n",
            r"00:0\d\.0 1234:11e8 unclassified \[00ff00\] rev 16\n  bar 0: mem 0x[0-9a-f]+00000, 1M\n"
            r"  interrupt: INTA line \d+ MSI at 0x[0-9a-f]+\n",
            r"00:1f\.0 8086:2918 ISA bridge \[060100\]",
            r"00:1f\.2 8086:2922 SATA storage \[010601\].*\n  bar 4: io 0xc[0-9a-f]{3}, 32 ports\n"
            r"  bar 5: mem 0x[0-9a-f]+000, 4K\n  interrupt: INTA line \d+ MSI at 0x",
            r"00:1f\.3 8086:2930 SMBus \[0c0500\].*\n  bar 4: io 0x700, 64 ports\n",
        ]
        missing = [w for w in want if not re.search(w, text)]
        return f"missing {missing} in {text!r}" if missing else None

    check("lspci_lists_what_qemu_has", lspci_lists_what_qemu_has)
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
    # its limit (3 in a row) leaves it down, within about a second, at a
    # time of its own: the line may be among what earlier commands' checks
    # passed over, so it is looked for from the start.
    def logged(regex, timeout):
        return lambda: None if g.seen(regex, timeout) else f"no /{regex}/ in the log"

    check(
        "crash_on_start_server_is_left_down_and_the_shell_works",
        logged(SUP + r"crasher \(generation 4\): left down \(restart policy\)", 20),
        cmd("echo still here", r"\nstill here\n"),
    )
    # Every command's words counted alike; numbers read alike.
    check(
        "arguments_are_checked_alike_by_every_command",
        cmd("uptime now", r"\nuptime: unexpected word 'now'\nusage: uptime\n"),
        cmd("cp one", r"\ncp: missing an argument\nusage: cp SRC DST\n"),
        cmd("hello add x5", r"\nhello: 'x5' is not a number\n"),
        cmd("hello add 99999999999999999999", r"\nhello: 99999999999999999999 is too big \(at most 18446744073709551615\)\n"),
        cmd("log 1 2", r"\nlog: unexpected word '2'\nusage: log \[N\]\n"),
        cmd("help crash", r"\nusage: crash NAME \[MS\]\n  make a server fault"),
        cmd("help nothing", r"\nhelp: nothing: no such command"),
    )
    check(
        "the_supervisor_cannot_be_killed",
        cmd("kill supervisor", r"\nkill: the supervisor cannot be stopped"),
        cmd("crash supervisor", r"\ncrash: the supervisor cannot be stopped"),
    )
    # The line editor: the history (Up), a cursor move, Tab, UTF-8, a
    # line too long.
    check(
        "up_brings_back_the_last_line",
        cmd("echo from history", r"\nfrom history\n"),
        keyed(UP, r"\nfrom history\n"),
    )
    check("left_arrow_edits_in_the_middle", keyed("echo ac" + LEFT + "b", r"\nabc\n"))
    check("tab_completes_a_command", keyed("upt\t", r"\nup \d+\.\d{3} s\n"))
    check(
        "utf8_passes_through",
        cmd("echo h\u00e9llo w\u00f6rld \u65e5\u672c", r"\nh\u00e9llo w\u00f6rld \u65e5\u672c\n"),
    )

    def a_long_line_is_refused_not_cut():
        if not g.keys("echo " + "x" * 400) or not g.command("", r"shell: line too long \(at most 256 bytes\): not run\n", 30):
            return "no 'line too long'"
        return None if g.expect(PROMPT) else "no prompt after the long line"

    check("a_long_line_is_refused_not_cut", a_long_line_is_refused_not_cut)

    def ps_lists_every_server():
        if not g.command("ps", r"\nNAME +STATE +PID +GEN +RESTARTS +PRI +MEM USED/QUOTA +UPTIME\n"):
            return "ps printed no header"
        table = g.expect(r"(?s)(.*?)" + PROMPT)
        rows = table.group(1) if table else ""
        # A running server shows its pid, one left down a dash; the
        # supervisor comes first; priority and memory (used/quota, KiB)
        # are the manifest's (hello: priority 50, memory 1M by default).
        want = {"supervisor": r"up +\d+ +1 +0 +100 +\d+K/\d+K ", "console": r"up +\d+", "hello": r"up +\d+ +\d+ +\d+ +50 +[1-9]\d*K/\d+K ", "kv": r"up +\d+", "pci": r"up +\d+", "crasher": r"failed +- +\d+ +\d+ +30 +0K/\d+K", "shell": r"up +\d+"}
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
        "kill_and_crash_of_a_server_left_down_say_it_is_not_running",
        cmd("crash crasher", r"\ncrash: crasher: not running"),
        cmd("kill crasher", r"\nkill: crasher: not running"),
        cmd("ps", r"\ncrasher +failed +- +4 +3 "),
    )

    # kill and crash of each server that restarts. The supervisor prints
    # the end of generation GEN and the start of GEN + 1 among the shell's
    # output (ends_and_restarts) and keeps both as its last two log lines
    # (logged); then each check proves that the new instance works.
    ends = {"kill": r"killed on request\n", "crash": r"page fault \(address (?:0x)?0, ip (?:0x)?0, [^\n]*\n"}

    def end_line(action, name, gen):
        return rf"{name} \(generation {gen}\): {ends[action]}"

    def up_line(name, gen):
        return rf"{name} \(generation {gen + 1}\): up again, \d+ TSC \(\d+ us\) after it died\n"

    def ends_and_restarts(action, name, gen):
        """Types ACTION NAME; the shell answers with the generation that
        ended, or, when it ended itself, the next one greets. Either way a
        prompt follows (the supervisor's lines may come before it)."""
        if name == "shell":
            answer = rf"\nKestrel shell \(generation {gen + 1}\);[^\n]*\n"
        else:
            answer = rf"\n{action}ed {name} \(generation {gen}\)\n"  # killed, crashed
        answer += rf"(?:{SUP}[^\n]*\n)*{PROMPT}"
        wanted = [
            (SUP + end_line(action, name, gen), f"no supervisor line for the {action} of generation {gen}"),
            (SUP + up_line(name, gen), f"no supervisor line for generation {gen + 1} up again"),
            (answer, "no answer and prompt from the shell"),
        ]

        def step():
            if not g.type(f"{action} {name}" + ENTER):
                return f"{action} {name} was not echoed"
            found = g.expect_all([regex for regex, _ in wanted], 20)
            missing = [why for (_, why), m in zip(wanted, found) if not m]
            return f"{action} {name}: " + "; ".join(missing) if missing else None

        return step

    def logged(action, name, gen):
        # A second end within the minimum run time (500 ms) of the last
        # start delays the restart, and the log says so between the two.
        delayed = rf"(?: +\d+ {SUP}{name} \(generation {gen}\): restarting in \d+ ms: died again within the minimum run time \(500 ms\)\n)?"
        return cmd("log 3", rf"\n +\d+ {SUP}{end_line(action, name, gen)}{delayed} +\d+ {SUP}{up_line(name, gen)}")

    # hello keeps its count in its vault (manifest: vault 1), so the new
    # instance goes on from it.
    check(
        "crashed_hello_is_restarted_and_keeps_its_count",
        ends_and_restarts("crash", "hello", 1),
        logged("crash", "hello", 1),
        cmd("hello count", r"\ncount 8\n"),
        cmd("hello echo 9", r"\n9 \(from generation 2\)\n"),
    )
    check(
        "killed_hello_is_restarted_and_keeps_its_count",
        cmd("hello add 4", r"\ncount 12\n"),
        ends_and_restarts("kill", "hello", 2),
        logged("kill", "hello", 2),
        cmd("hello count", r"\ncount 12\n"),
        cmd("hello echo 10", r"\n10 \(from generation 3\)\n"),
    )
    # Typing a command proves the new console works: each key must come
    # back as its echo before the next is typed.
    check(
        "killed_console_restarts_and_the_shell_comes_back",
        ends_and_restarts("kill", "console", 1),
        logged("kill", "console", 1),
        cmd("echo back", r"\nback\n"),
        cmd("ps", r"\nconsole +up +\d+ +2 +1 "),
    )
    check(
        "crashed_console_restarts_and_the_shell_comes_back",
        ends_and_restarts("crash", "console", 2),
        logged("crash", "console", 2),
        cmd("echo back again", r"\nback again\n"),
        cmd("ps", r"\nconsole +up +\d+ +3 +2 "),
    )
    # Half a line typed while the shell waits to crash the console; the
    # rest typed at the new console: the shell gets the whole line, since
    # the console keeps what was typed in its vault.
    def typed_input_survives_a_console_crash():
        if not g.type("crash console 3000" + ENTER):
            return "crash console 3000 was not echoed"
        if not g.type("echo par"):
            return "the first half of the line was not echoed"
        found = g.expect_all(
            [SUP + end_line("crash", "console", 3), SUP + up_line("console", 3), r"\ncrashed console \(generation 3\)\n"],
            20,
        )
        if not all(found):
            return f"no crash and restart of the console: {[bool(f) for f in found]}"
        if not g.expect(PROMPT):
            return "no prompt after the crash"
        if not g.command("tial", r"\npartial\n"):
            return "the shell did not get the whole line 'echo partial'"
        return None if g.expect(PROMPT) else "no prompt after echo partial"

    check("typed_input_survives_a_console_crash", typed_input_survives_a_console_crash)
    check(
        "restart_starts_a_new_generation",
        cmd("restart hello", r"\nrestarted hello \(generation 4\)\n"),
        cmd("hello echo 1", r"\n1 \(from generation 4\)\n"),
        cmd("hello count", r"\ncount 12\n"),
    )

    def log_shows_the_supervisors_last_lines():
        if not g.command("log 3", r"\n"):
            return "log 3 was not echoed"
        listing = g.expect(r"(?s)(.*?)" + PROMPT)
        lines = listing.group(1).splitlines() if listing else []
        numbers = [int(m.group(1)) for m in (re.match(r" +(\d+) \[supervisor ", line) for line in lines) if m]
        if len(lines) != 3 or len(numbers) != 3 or numbers != list(range(numbers[0], numbers[0] + 3)):
            return f"not three numbered lines in a row: {lines!r}"
        if not re.search(r"hello \(generation 3\): stopped for a restart on request$", lines[1]):
            return f"the stop for the restart is not the second line: {lines!r}"
        if not re.search(r"hello \(generation 4\): up again, \d+ TSC \(\d+ us\) after the restart request$", lines[2]):
            return f"the restarted hello is not the last line: {lines!r}"
        return None

    check("log_shows_the_supervisors_last_lines", log_shows_the_supervisors_last_lines)
    check(
        "killed_shell_restarts_with_a_fresh_prompt",
        ends_and_restarts("kill", "shell", 1),
        logged("kill", "shell", 1),
        cmd("echo new shell", r"\nnew shell\n"),
        cmd("ps", r"\nshell +up +\d+ +2 +1 "),
    )
    check(
        "crashed_shell_restarts_with_a_fresh_prompt",
        ends_and_restarts("crash", "shell", 2),
        logged("crash", "shell", 2),
        cmd("echo newer shell", r"\nnewer shell\n"),
        cmd("ps", r"\nshell +up +\d+ +3 +2 "),
    )

    # exit ends the shell; the next one has the history (its vault).
    def exit_restarts_the_shell_with_its_history():
        if not g.command("echo remembered", r"\nremembered\n") or not g.expect(PROMPT):
            return "echo remembered did not run"
        if not g.command("exit", r"\nexit\n"):
            return "exit was not echoed"
        if not g.expect(r"\nKestrel shell \(generation 4\);[^\n]*\n", 20) or not g.expect(PROMPT):
            return "no new shell after exit"
        if not g.keys(UP + UP) or not g.command("", r"\nremembered\n"):
            return "Up Up did not bring back 'echo remembered' in the new shell"
        return None if g.expect(PROMPT) else "no prompt after the history's line"

    check("exit_restarts_the_shell_with_its_history", exit_restarts_the_shell_with_its_history)

    return poweroff(g, tap, exit_pass)


if __name__ == "__main__":
    sys.exit(main())
