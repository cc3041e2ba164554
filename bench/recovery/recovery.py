"""Recovery of each server of the default image, for make bench: boots it,
types `crash NAME` at its shell for each server named, and prints the
supervisor's own measure of each recovery, from the fault message until
the new instance said ready (its "up again, N TSC" log line):

    recovery NAME fault_to_ready=N generation=G

G is the generation that came up. Run by scripts/bench-recovery.sh:

    recovery.py LOG NAME... -- scripts/qemu.sh ... -- KERNEL

The default image gives the shell no power-off port, so this ends QEMU
itself once it has the figures. Every wait is bounded; a figure that does
not come is an error (exit status 1), never a guess.
"""

import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "tests", "qemu"))
from guest import ENTER, Guest  # noqa: E402

PROMPT = r"kestrel> "
SUP = r"\[supervisor \d+ ms\] "  # the supervisor's log lines on the kernel console
WAIT = 30.0  # seconds for any one answer (the guest may run slowly on a busy host)


def crash(g, name):
    """Crashes NAME from the shell. Returns (figure, generation) or a
    string saying what did not come."""
    if not g.type(f"crash {name}" + ENTER):
        return f"'crash {name}' was not echoed"
    # The shell answers, or (when it was the one crashed) the new one
    # greets; then a prompt. The supervisor's lines, and what the new
    # instance prints as it starts (the kernel marks them "[task N] "),
    # may come before or among those.
    answer = rf"(?:\ncrashed {name} \(generation \d+\)\n|\nKestrel shell \(generation \d+\);[^\n]*\n)"
    found = g.expect_all(
        [
            SUP + rf"{name} \(generation (\d+)\): page fault ",
            SUP + rf"{name} \(generation (\d+)\): up again, (\d+) TSC ",
            answer + rf"(?:(?:{SUP}|\[task \d+\] )[^\n]*\n)*{PROMPT}",
        ],
        WAIT,
    )
    fault, up, prompt = found
    if not fault:
        return f"no page fault of {name} in the supervisor's log"
    if not up:
        return f"no 'up again' line for {name} after its crash"
    if int(up.group(1)) != int(fault.group(1)) + 1:
        return f"{name}: generation {up.group(1)} came up after generation {fault.group(1)} crashed"
    if not prompt:
        return f"no prompt after 'crash {name}'"
    return int(up.group(2)), int(up.group(1))


def main():
    sep = sys.argv.index("--")
    log, names, qemu = sys.argv[1], sys.argv[2:sep], sys.argv[sep + 1 :]
    g = Guest(qemu, log)
    problem = None if g.expect(PROMPT, 60) else "the shell's prompt never came"
    for name in names if not problem else []:
        got = crash(g, name)
        if isinstance(got, str):
            problem = got
            break
        print(f"recovery {name} fault_to_ready={got[0]} generation={got[1]}", flush=True)
    g.stop()
    if problem:
        print(f"recovery: {problem} (transcript: {log})", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
