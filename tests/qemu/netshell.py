"""The shell's network commands on make run's manifest: host, nc (connect,
listen, UDP, refused, Ctrl-C, Ctrl-D, the peer's close), a request to httpd
typed by hand through nc, httpd serving again after crashes of the
network server and of itself, and, when the network server drives the
NIC, the host fetching /www/index.html through make run's port forward.
One TAP line per check; run by tests/qemu/netshell.sh:

    netshell.py LOG EXIT_PASS HOSTPORT -- scripts/qemu.sh ... -- KERNEL

netecho (tests/net/) echoes on port 7 over TCP and UDP; ncpeer
(tests/netshell/) connects to port 5555 (twice) and sends datagrams to 5556, the
other end of nc -l. Every wait has a timeout.
"""

import concurrent.futures
import re
import sys
import time
import urllib.request

from guest import ENTER, Guest, Tap, poweroff

PROMPT = r"kestrel> "
SUP = r"\[supervisor \d+ ms\] "  # the supervisor's log lines on the kernel console
CTRL_C, CTRL_D = "\x03", "\x04"
BURST = 16  # host fetches at once: the network server's queue for accept (NET_BACKLOG_MAX)


def main():
    log, exit_pass, host_port = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    qemu = sys.argv[sys.argv.index("--") + 1 :]
    g = Guest(qemu, log)
    tap = Tap(log)

    def check(name, *steps):
        problems = [p for p in (step() for step in steps) if p]
        tap.result(name, problems)
        return not problems

    def out(regex, timeout=10.0, what=None):
        def step():
            return None if g.expect(regex, timeout) else what or f"no /{regex}/"

        return step

    def typed(keys, regex=None, timeout=10.0):
        """Types keys (each echoed) and waits for regex after them."""

        def step():
            if not g.type(keys):
                return f"{keys!r} was not echoed"
            if regex and not g.expect(regex, timeout):
                return f"after {keys!r}: no /{regex}/"
            return None

        return step

    def key(k, regex, timeout=10.0):
        """Sends a key that is not echoed as itself (Ctrl-C, Ctrl-D)."""

        def step():
            if not g.keys(k) or not g.expect(regex, timeout):
                return f"after {k!r}: no /{regex}/"
            return None

        return step

    def cmd(line, regex, timeout=10.0):
        def step():
            if not g.command(line, regex, timeout):
                return f"{line!r} did not print /{regex}/"
            if not g.expect(PROMPT, timeout):
                return f"no prompt after {line!r}"
            return None

        return step

    def http_by_hand(path, regex):
        """nc to httpd, a request typed line by line, the answer, and nc
        ended by httpd's close (HTTP/1.0)."""
        return [
            typed("nc 127.0.0.1 80" + ENTER, r"nc: connected to 127\.0\.0\.1 port 80 "),
            typed(f"GET {path} HTTP/1.0" + ENTER + ENTER, r"\nHTTP/1\.1 200 OK\n" + regex, 20),
            out(PROMPT, 20, "nc did not end at httpd's close"),
        ]

    def crash(name):
        """crash NAME at the shell: the supervisor's restart and the shell's
        answer, in either order, then a prompt."""

        def step():
            if not g.type(f"crash {name}" + ENTER):
                return f"'crash {name}' was not echoed"
            up, answer = g.expect_all(
                [SUP + rf"{name} \(generation 2\): up again", rf"\ncrashed {name} \(generation 1\)\n"], 20
            )
            if not up or not answer:
                return f"{name} did not come back (generation 2), or the shell did not say it crashed it"
            return None if g.expect(PROMPT) else f"no prompt after 'crash {name}'"

        return step

    if not check("boots_to_the_prompt", out(r"Kestrel shell \(generation 1\)", 90), out(PROMPT)):
        tap.result("poweroff_ends_qemu", [f"QEMU exited with {g.finish(5)} before the prompt"])
        return tap.finish()
    check(
        "httpd_starts_in_make_runs_manifest",
        lambda: None if re.search(r"httpd: serving /www on port 80 \(generation 1\)", g.text) else "no start line",
    )
    check("help_lists_nc_and_host", cmd("help", r"\n  nc \[-u\] HOST PORT[^\n]*\n  host NAME "))
    check("host_localhost_is_127_0_0_1", cmd("host localhost", r"\nlocalhost has address 127\.0\.0\.1\n"))
    check("host_of_an_address_is_that_address", cmd("host 10.0.2.2", r"\n10\.0\.2\.2 has address 10\.0\.2\.2\n"))
    check("host_says_why_a_name_has_no_address", cmd("host nosuch.invalid", r"\nhost: nosuch\.invalid: \w[^\n]*\n", 40))

    # ncpeer tries port 5555 until someone listens there.
    check(
        "nc_l_takes_a_connection_and_talks",
        typed("nc -l 5555" + ENTER, r"nc: waiting on port 5555 \(TCP; Ctrl-C ends\)\n"),
        out(r"nc: connection from 127\.0\.0\.1 port \d+\n", 20),
        out(r"hello from ncpeer\n"),
        typed("shout" + ENTER, r"\nSHOUT\n"),
        key(CTRL_D, PROMPT),
    )
    # ncpeer answers "later" after 2 s: what it sends while a line is half
    # typed is printed, and the line drawn again after it, whole.
    check(
        "a_line_half_typed_is_kept_when_the_peer_speaks",
        typed("nc -l 5555" + ENTER, r"nc: connection from 127\.0\.0\.1 port \d+\n", 20),
        out(r"hello from ncpeer\n"),
        typed("later" + ENTER),
        typed("abc"),
        out(r"LATER\nabc", 20, "LATER did not come, or abc was not drawn again after it"),
        typed("def" + ENTER, r"\nABCDEF\n"),
        key(CTRL_D, PROMPT),
    )
    check(
        "nc_lu_answers_the_first_sender",
        typed("nc -lu 5556" + ENTER, r"nc: waiting on port 5556 \(UDP; Ctrl-C ends\)\n"),
        out(r"nc: datagrams from 127\.0\.0\.1 port \d+\n", 20),
        out(r"udp hello\n"),
        typed("quiet" + ENTER, r"\nQUIET\n"),
        key(CTRL_C, r"\^C\n" + PROMPT),
    )
    check(
        "nc_connects_and_ctrl_d_ends_it",
        typed("nc 127.0.0.1 7" + ENTER, r"nc: connected to 127\.0\.0\.1 port 7 \(Ctrl-D or Ctrl-C ends\)\n"),
        typed("hello, echo" + ENTER, r"\nhello, echo\n"),
        typed("again" + ENTER, r"\nagain\n"),
        key(CTRL_D, PROMPT),
    )
    check(
        "nc_u_sends_datagrams_and_ctrl_c_ends_it",
        typed("nc -u 127.0.0.1 7" + ENTER, r"nc: datagrams to 127\.0\.0\.1 port 7 "),
        typed("datagram" + ENTER, r"\ndatagram\n"),
        key(CTRL_C, r"\^C\n" + PROMPT),
    )
    check("nc_says_connection_refused", cmd("nc 127.0.0.1 9", r"\nnc: 127\.0\.0\.1 port 9: Connection refused\n"))
    check(
        "nc_l_waiting_ends_at_ctrl_c",
        typed("nc -l 5557" + ENTER, r"nc: waiting on port 5557 "),
        key(CTRL_C, r"\^C\n" + PROMPT),
    )
    check(
        "nc_refuses_bad_arguments",
        cmd("nc -x 127.0.0.1 7", r"\nnc: unknown option -x\n"),
        cmd("nc 127.0.0.1 http", r"\nnc: 'http' is not a number\n"),
        cmd("nc -l", r"\nnc: missing an argument\n"),
    )
    check(
        "a_request_typed_through_nc_gets_a_file_from_httpd",
        *http_by_hand("/notes/httpd.txt", r"(?:[^\n]*\n)*?\nhttpd serves the files under /www"),
    )
    check(
        "a_file_written_at_the_shell_is_served",
        typed("echo written at the shell > /www/hi.txt" + ENTER, PROMPT),
        *http_by_hand("/hi.txt", r"(?:[^\n]*\n)*?Content-Length: 21\n(?:[^\n]*\n)*?\nwritten at the shell\n"),
    )
    check(
        "httpd_serves_after_the_network_server_crashes",
        crash("net"),
        *http_by_hand("/", r"[\s\S]*?\n\n<!DOCTYPE html>"),
    )
    check(
        "httpd_serves_after_its_own_crash",
        crash("httpd"),
        *http_by_hand("/notes/", r"[\s\S]*?<title>Index of /notes/</title>"),
    )

    # make run's forward: the host's curl, as the README shows it, then
    # BURST fetches at once (more than httpd's slots, each one's request
    # a moment after its connection, as slirp brings them: none may be
    # dropped for the next one). Only once the network server drives the
    # NIC.
    name = "the_host_fetches_through_the_forward_one_and_many_at_once"
    if re.search(r"net: no NIC", g.text):
        tap.count += 1
        print(f"ok {tap.count} - {name} # SKIP the network server has no NIC in this tree", flush=True)
    else:
        want = open("disk/www/index.html", "rb").read()

        def fetch():
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{host_port}/", timeout=30) as r:
                    body = r.read()
                return None if body == want else f"{len(body)} bytes, not index.html's {len(want)}"
            except OSError as e:
                return f"no answer: {e}"

        problem = "no answer"
        deadline = time.monotonic() + 60
        while problem and time.monotonic() < deadline:
            problem = fetch()
            if problem:
                time.sleep(1)
        problems = [problem] if problem else []
        if not problems:
            with concurrent.futures.ThreadPoolExecutor(BURST) as pool:
                failed = [p for p in pool.map(lambda _: fetch(), range(BURST)) if p]
            if failed:
                problems.append(f"{len(failed)} of {BURST} fetches at once failed: {failed[0]}")
        tap.result(name, problems)

    return poweroff(g, tap, exit_pass)


if __name__ == "__main__":
    sys.exit(main())
