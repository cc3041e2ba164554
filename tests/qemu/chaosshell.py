"""The chaos service's test: boots tests/chaos/manifest.txt, reports the
lines chaoser (tests/chaos/chaoser.c) prints about the supervisor's
target and injected calls, then types the shell's chaos command, its
errors, a campaign into kv and its table, and ends QEMU with poweroff.
One TAP line per check; run by tests/qemu/chaos-shell.sh:

    chaosshell.py LOG EXIT_PASS -- scripts/qemu.sh ... -- KERNEL
"""

import re
import sys
import time

from guest import Guest, Tap, poweroff

PROMPT = r"kestrel> "
SUP = r"\[supervisor \d+ ms\] "


def main():
    log, exit_pass = sys.argv[1], int(sys.argv[2])
    g = Guest(sys.argv[sys.argv.index("--") + 1:], log)
    tap = Tap(log)
    done = g.expect(r"chaoser: done", 60)
    lines = re.findall(r"chaoser: (ok|FAILED) (\w+)(.*)", g.text)
    for verdict, name, why in lines:
        tap.result(name, [] if verdict == "ok" else [why.strip(": ")])
    tap.result("chaoser_finishes", [] if done and len(lines) == 10 else [f"{len(lines)} of 10 checks seen"])
    # The shell's first prompt may have come before chaoser's lines.
    if not g.command("echo ready", r"\nready\n", 30) or not g.expect(PROMPT, 10):
        tap.result("boots_to_the_prompt", [f"no prompt (QEMU: {g.finish(5)})"])
        return tap.finish()

    def cmd(line, regex, timeout=10.0):
        if not g.command(line, regex, timeout):
            return [f"{line!r} did not print /{regex}/"]
        return [] if g.expect(PROMPT, timeout) else [f"no prompt after {line!r}"]

    errors = [
        ("chaos", r"chaos: stopped, 0 injected, 0 skipped, seed 0\n"),
        ("chaos kv", r"usage: chaos \[SERVER KIND \[RATE\]\|stop\]\n"),
        ("chaos kv boom", r"chaos: no kind of fault called 'boom' \(any, crash, exit, hang, delay, regflip, "
                          r"textflip, dataflip, stackflip\)\n"),
        ("chaos kv crash 0", r"chaos: a rate of 1 to 1000 faults a second\n"),
        ("chaos kv crash 1001", r"chaos: a rate of 1 to 1000 faults a second\n"),
        ("chaos kv crash many", r"chaos: 'many' is not a number\n"),
        ("chaos nosuch crash", r"chaos: no server called 'nosuch'\n"),
        ("chaos averyveryverylongservername crash", r"chaos: no server called 'averyveryverylongservername'\n"),
        ("chaos " + "x" * 65 + " crash", r"chaos: no server called 'x{65}'\n"),
        ("chaos hello," + "y" * 30 + " crash", r"chaos: no server called 'hello,y{30}'\n"),
        ("chaos supervisor crash", r"chaos: supervisor is not a target"),
        ("chaos chaos hang", r"chaos: chaos is not a target"),
        ("chaos chaoser crash", r"chaos: chaoser is not a target"),
    ]
    tap.result("chaos_refuses_bad_arguments_in_words", [p for line, want in errors for p in cmd(line, want)])
    problems = cmd("chaos kv crash 20", r"chaos: crash into kv, 20 a second \(seed \d+\)\n")
    if not g.expect(SUP + r"kv \(generation \d+\): died \d+ ms after chaos injection \d+ \(crash\)", 20):
        problems.append("no crash of kv followed an injection in the log")
    time.sleep(1)
    problems += cmd("chaos stop", r"chaos: stopped\n")
    problems += cmd("chaos", r"chaos: stopped, \d+ injected, \d+ skipped, seed \d+\n"
                    r"server +kind +injected restarted no effect unwatched\n"
                    r"kv +crash +(\d+) +\1 +0 +0\n")
    problems += cmd("log 64", r"kv \(generation \d+\): chaos injection \d+: crash at ip 0x[0-9a-f]+\n")
    tap.result("chaos_crashes_kv_at_a_rate_and_every_crash_restarts_it", problems)
    problems = cmd("chaos hello any 100", r"chaos: any into hello, 100 a second \(seed \d+\)\n")
    time.sleep(4)
    problems += cmd("chaos stop", r"chaos: stopped\n")
    problems += cmd("chaos", r"hello +\w+ +\d+", 20)
    if not g.command("hello echo 5", r"5 \(from generation \d+\)\n", 30):
        problems.append("hello does not answer after the injections")
    if not re.search(SUP + r"hello \(generation \d+\): no visible effect of chaos injection \d+ \(\w+\) in \d+ ms",
                     g.text):
        problems.append("the log shows no injection into hello without a visible effect")
    tap.result("every_kind_into_hello_and_it_still_answers", problems)
    # A list longer than a server's name (chaos_start's target holds 64).
    problems = cmd("chaos hello,kv,hello,kv,hello,kv delay 50",
                   r"chaos: delay into hello,kv,hello,kv,hello,kv, 50 a second \(seed \d+\)\n")
    time.sleep(3)
    problems += cmd("chaos stop", r"chaos: stopped\n")
    after = g.text[g.text.rindex("chaos hello,kv,hello"):]
    hit = set(re.findall(SUP + r"(\w+) \(generation \d+\): chaos injection \d+: delay", after))
    if hit != {"hello", "kv"}:
        problems.append("the delays went into %s, not both of hello and kv" % sorted(hit))
    tap.result("a_list_of_targets_longer_than_a_name_is_taken", problems)
    return poweroff(g, tap, exit_pass)


if __name__ == "__main__":
    sys.exit(main())
