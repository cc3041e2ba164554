"""docs/first-hour.md, typed: boots what `make run` boots and types each
command of the page's transcripts at the shell, in order; the output of
each must hold the lines the page shows after it, in that order, where a
run of spaces stands for any, a line "..." for any lines, and in the
output of commands whose figures differ from run to run (times, sizes,
ids: VARYING) or in a supervisor's line, a run of digits for any number
(elsewhere a number is what the page says: "count 5"). One TAP
line a transcript; run by tests/qemu/firsthour.sh:

    firsthour.py LOG EXIT_PASS PAGE -- scripts/qemu.sh ... -- KERNEL

With --print instead of a page's checks it prints what each command of
the page printed (to write the page from a real run).
"""

import re
import sys

from guest import Guest, Tap, poweroff

PROMPT = "kestrel> "


def transcripts(page):
    """[(title, [(command, [expected lines])])] from the page's ```text
    blocks that follow a <!-- transcript: TITLE --> line."""
    out, lines, i = [], open(page).read().splitlines(), 0
    while i < len(lines):
        m = re.match(r"<!-- transcript: (.*) -->", lines[i])
        i += 1
        if not m:
            continue
        while not lines[i].startswith("```"):
            i += 1
        i += 1
        steps = []
        while not lines[i].startswith("```"):
            if lines[i].startswith(PROMPT):
                steps.append((lines[i][len(PROMPT):], []))
            elif steps:
                steps[-1][1].append(lines[i])
            i += 1
        out.append((m.group(1), steps))
    return out


# Commands whose numbers differ from run to run (times, sizes, ids); in
# the others' output a number is what the page says ("count 5").
VARYING = {"ps", "ls", "df", "uptime", "mem", "log", "date", "bench", "lspci", "stat", "ping", "ifconfig", "netstat"}


def pattern(line, command):
    """A page line as a regex: a run of spaces stands for any (columns are
    as wide as their numbers), and in the output of a VARYING command or
    a supervisor's line digits for any number."""
    vary = command.split()[0] in VARYING or line.startswith("[supervisor ")
    parts = re.split(r"(\d+| +)", line)
    return "".join(r"\d+" if p.isdigit() and vary else " +" if p and p[0] == " " else re.escape(p) for p in parts)


def main():
    args = sys.argv[1:]
    printing = args[0] == "--print"
    if printing:
        args = args[1:]
    log, exit_pass, page = args[0], int(args[1]), args[2]
    qemu = args[args.index("--") + 1:]
    g = Guest(qemu, log)
    tap = Tap(log)
    if not g.expect(r"Kestrel shell \(generation 1\)", 90) or not g.expect(PROMPT, 30):
        tap.result("boots_to_the_prompt", [f"no prompt (QEMU: {g.finish(5)})"])
        return tap.finish()
    for title, steps in transcripts(page):
        problems = []
        for command, want in steps:
            if not g.command(command, r"\n", 20):
                problems.append(f"{command!r} was not echoed")
                break
            got = g.expect(r"(?s)(.*?)" + re.escape(PROMPT), 60)
            if not got:
                problems.append(f"{command!r}: no prompt after it")
                break
            text = got.group(1) if got else ""
            if printing:
                print(PROMPT + command)
                print(text)
            at = 0
            for line in want:
                if line == "...":
                    continue
                m = re.compile(r"(?m)^" + pattern(line, command) + r"$").search(text, at)
                if not m:
                    problems.append(f"{command!r}: no line /{line}/ after what matched before, in {text!r}")
                    break
                at = m.end()
        tap.result(title, problems)
    return poweroff(g, tap, exit_pass)


if __name__ == "__main__":
    sys.exit(main())
