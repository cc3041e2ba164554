"""The network on QEMU's user network, end to end: DHCP, ifconfig, ping and
netstat at the shell, the host's nc talking TCP and UDP to netecho in the
guest through --hostfwd, a 2 MB TCP transfer through the crash of the NIC
driver, and netecho's listener back after a crash of the network server.
One TAP line per check; run by tests/qemu/netnic.sh:

    netnic.py LOG EXIT_PASS TCP_PORT UDP_PORT DNS_PORT -- scripts/qemu.sh ... -- KERNEL

The host's ports forward to netecho's port 7 (TCP_PORT and UDP_PORT on
127.0.0.1) and to netresolve's UDP port 5300 (DNS_PORT).

QEMU's DNS (10.0.2.3) forwards the guest's queries to the host's
resolver (the first nameserver of /etc/resolv.conf). Which names that
resolver knows depends on the machine (one without a network may know
none; /etc/hosts is not asked): the test asks it directly for a few
names and checks the guest's answer for the first it knows, or says it
skipped that check. A name under .invalid must be unknown everywhere. Every wait has a timeout and every nc a time limit (-w, -q),
and each request is made a bounded number of times.
"""

import hashlib
import os
import re
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time

from guest import ENTER, Guest, Tap

PROMPT = r"kestrel> "
SUP = r"\[supervisor \d+ ms\] "  # the supervisor's log lines on the kernel console
DHCP = r"net: en0 10\.0\.2\.15 netmask 255\.255\.255\.0 gateway 10\.0\.2\.2 dns 10\.0\.2\.3 \(DHCP\)"
TRANSFER = 2 << 20  # bytes through netecho and back while the driver crashes
NC_SECONDS = 120  # the most one nc may take
TRIES = 5  # connections tried while a server restarts, a second apart
UNKNOWN = "no-such-host.invalid"  # RFC 6761: never a name
# Names the host's resolver may know: its own name, and the mirror the
# build's apt fetches from (scripts/fetch-source.sh).
CANDIDATES = [socket.gethostname(), "deb.debian.org"]


def host_nameserver():
    """The first nameserver of the host's /etc/resolv.conf, or None."""
    try:
        with open("/etc/resolv.conf") as f:
            for line in f:
                words = line.split()
                if len(words) >= 2 and words[0] == "nameserver" and "." in words[1]:
                    return words[1]
    except OSError:
        pass
    return None


def host_lookup(server, name):
    """The IPv4 addresses server's DNS answers for name: one query, 3 s
    at most; an empty set when it knows none or does not answer."""
    query = struct.pack(">HHHHHH", 0x4B53, 0x0100, 1, 0, 0, 0)
    query += b"".join(bytes([len(p)]) + p.encode() for p in name.split(".") if p) + b"\0"
    query += struct.pack(">HH", 1, 1)  # A, IN
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.settimeout(3)
    try:
        s.sendto(query, (server, 53))
        reply = s.recv(2048)
    except OSError:
        return set()
    finally:
        s.close()
    addrs = set()
    if len(reply) < 12 or reply[:2] != query[:2] or reply[3] & 15:
        return addrs
    count, pos = struct.unpack(">H", reply[6:8])[0], len(query)
    for _ in range(count):
        if pos >= len(reply):
            break
        pos += 2 if reply[pos] & 0xC0 == 0xC0 else reply.index(0, pos) + 1 - pos
        kind, _, _, size = struct.unpack(">HHIH", reply[pos : pos + 10])
        if kind == 1 and size == 4:
            addrs.add(socket.inet_ntoa(reply[pos + 10 : pos + 14]))
        pos += 10 + size
    return addrs


def guest_lookup(port, name):
    """netresolve's answer for name (its line without the name), or None."""
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.settimeout(40)  # lwIP gives up on a server after 7 s, and there may be 2
    try:
        s.sendto(name.encode() + b"\n", ("127.0.0.1", port))
        line = s.recv(512).decode(errors="replace").rstrip("\n")
    except OSError:
        return None
    finally:
        s.close()
    return line[len(name) + 1 :] if line.startswith(name + " ") else line


def nc(args, data, timeout=NC_SECONDS):
    """Runs the host's nc with data on its input; its output, or None."""
    try:
        r = subprocess.run(["nc"] + args, input=data, capture_output=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return None
    return r.stdout


def main():
    log, exit_pass, tcp_port, udp_port, dns_port = sys.argv[1], int(sys.argv[2]), *sys.argv[3:6]
    qemu = sys.argv[sys.argv.index("--") + 1 :]
    g = Guest(qemu, log)
    tap = Tap(log)

    def check(name, *steps):
        problems = [p for p in (step() for step in steps) if p]
        tap.result(name, problems)
        return not problems

    def cmd(line, regexes, timeout=20.0):
        """Types line; every regex must come before the next prompt."""

        def step():
            if not g.type(line + ENTER):
                return f"{line!r} was not echoed"
            m = g.expect(r"(?s)\n(.*?)" + PROMPT, timeout)
            if not m:
                return f"no prompt after {line!r}"
            missing = [r for r in regexes if not re.search(r, m.group(1))]
            return f"{line!r} printed {m.group(1)!r}, without {missing}" if missing else None

        return step

    def ends(line, wanted, timeout=30.0):
        """Types line (a crash); every regex of wanted (the supervisor's
        lines, the servers' and the shell's) must come, in any order, and
        then the prompt."""

        def step():
            if not g.type(line + ENTER):
                return f"{line!r} was not echoed"
            found = g.expect_all(wanted, timeout)
            missing = [r for r, m in zip(wanted, found) if not m]
            if missing:
                return f"after {line!r}, no line matching {missing}"
            return None if g.expect(PROMPT, timeout) else f"no prompt after {line!r}"

        return step

    def expect(regex, timeout=30.0):
        return lambda: None if g.expect(regex, timeout) else f"no line matching /{regex}/"

    def wait_while(proc, seconds):
        """Reads the guest's output (so that its console never stalls) until
        proc ends or seconds pass."""
        deadline = time.monotonic() + seconds
        while proc.poll() is None and time.monotonic() < deadline:
            g.expect(r"(?!)", 0.2)
        return proc.poll() is not None

    check("dhcp_gives_the_guest_10_0_2_15", expect(DHCP, 60))
    check("the_shell_starts", expect(PROMPT, 30))
    check(
        "ifconfig_shows_en0_and_lo0",
        cmd(
            "ifconfig",
            [
                r"en0: flags=<UP,LINK,DHCP,DEFAULT> mtu 1500\n",
                r"inet 10\.0\.2\.15 netmask 255\.255\.255\.0 gateway 10\.0\.2\.2 dns 10\.0\.2\.3\n",
                r"ether 52:54:00:12:34:56 \(attached to its driver 1 time\)\n",
                r"rx [1-9]\d* packets [1-9]\d* bytes 0 dropped\n",
                r"tx [1-9]\d* packets [1-9]\d* bytes 0 dropped\n",
                r"lo0: flags=<UP,LINK,LOOPBACK>\n +inet 127\.0\.0\.1 netmask 255\.0\.0\.0\n",
            ],
        ),
    )
    check(
        "ping_to_the_gateway_is_answered",
        cmd(
            "ping 10.0.2.2 3",
            [
                r"PING 10\.0\.2\.2 \(10\.0\.2\.2\): 56 data bytes\n",
                r"64 bytes from 10\.0\.2\.2: seq=0 ttl=\d+ time=\d+\.\d{3} ms\n",
                r"64 bytes from 10\.0\.2\.2: seq=2 ttl=\d+ time=\d+\.\d{3} ms\n",
                r"3 sent, 3 received, 0% lost, round trip min/avg/max [\d.]+/[\d.]+/[\d.]+ ms\n",
            ],
        ),
    )
    check(
        "ping_to_localhost_goes_through_the_loopback_interface",
        cmd("ping localhost 1", [r"PING localhost \(127\.0\.0\.1\)", r"1 sent, 1 received, 0% lost"]),
    )
    # QEMU forwards the query to the host's resolver, which says there is
    # no such name (.invalid never exists), or does not answer, and lwIP
    # gives up: either way the name is unknown, within lwIP's retries.
    check(
        "an_unknown_name_is_not_resolved",
        cmd("ping no-such-host.invalid 1", [r"ping: no-such-host\.invalid: Name or service not known\n"], 60),
    )
    check("ping_refuses_a_count_out_of_range", cmd("ping 10.0.2.2 0", [r"ping: COUNT is 1 to 100\n"]))

    # getaddrinfo in a guest program: an unknown name, then the first name
    # the host's resolver knows, which the guest must resolve alike.
    answer = guest_lookup(int(dns_port), UNKNOWN)
    tap.result(
        "getaddrinfo_of_an_unknown_name_is_eai_noname",
        [] if answer == "error Name or service not known" else [f"netresolve answered {answer!r}"],
    )
    server = host_nameserver()
    known = next(((n, a) for n in CANDIDATES for a in [host_lookup(server, n) if server else set()] if a), None)
    if not known:
        print(f"ok {tap.count + 1} - getaddrinfo_resolves_what_the_hosts_resolver_knows # SKIP the host's "
              f"resolver ({server}) knows none of {CANDIDATES}", flush=True)
        tap.count += 1
    else:
        name, addrs = known
        answer = guest_lookup(int(dns_port), name)
        print(f"# {name}: the host's resolver {sorted(addrs)}, the guest {answer}", flush=True)
        tap.result(
            "getaddrinfo_resolves_what_the_hosts_resolver_knows",
            [] if answer in addrs else [f"{name}: netresolve answered {answer!r}, the host {sorted(addrs)}"],
        )

    # The host's nc to netecho, TCP and UDP, through the forwarded ports.
    out = nc(["-N", "-w", "10", "127.0.0.1", tcp_port], b"hello over tcp\n", 30)
    tap.result("host_nc_tcp_echo", [] if out == b"hello over tcp\n" else [f"nc printed {out!r}"])
    for _ in range(3):  # a datagram may be lost: UDP promises nothing
        out = nc(["-u", "-w", "2", "127.0.0.1", udp_port], b"hello over udp\n", 30)
        if out == b"hello over udp\n":
            break
    tap.result("host_nc_udp_echo", [] if out == b"hello over udp\n" else [f"nc printed {out!r}"])

    # A connection held open from the host: netstat shows it with the
    # listeners.
    held = socket.create_connection(("127.0.0.1", int(tcp_port)), timeout=10)
    got = b""
    try:
        held.sendall(b"before\n")
        while len(got) < 7:  # each recv waits 10 s at most
            chunk = held.recv(64)
            if not chunk:
                break
            got += chunk
    except OSError as e:
        got += str(e).encode()
    tap.result("a_held_connection_echoes", [] if got == b"before\n" else [f"got {got!r}"])
    check(
        "netstat_shows_the_listeners_and_the_connection",
        cmd(
            "netstat",
            [
                r"PROTO LOCAL +REMOTE +STATE +RECV-Q SEND-Q OWNER\n",
                r"tcp +0\.0\.0\.0:7 +\*:\* +LISTEN +0 +0 netecho \(generation 1\)\n",
                r"udp +0\.0\.0\.0:7 +\*:\* +- +0 +0 netecho \(generation 1\)\n",
                r"tcp +10\.0\.2\.15:7 +10\.0\.2\.2:\d+ +ESTABLISHED +\d+ +\d+ netecho \(generation 1\)\n",
            ],
        ),
    )

    # 2 MB to netecho and back, the NIC driver crashed in the middle: a
    # quarter is written to nc, the driver crashed once some came back,
    # and the rest written after the supervisor saw the crash.
    data = os.urandom(TRANSFER)
    quarter, go = threading.Event(), threading.Event()

    def feed(stdin):
        try:
            stdin.write(data[: TRANSFER // 4])
            stdin.flush()
            quarter.set()
            go.wait(NC_SECONDS)
            stdin.write(data[TRANSFER // 4 :])
        except OSError:
            pass
        finally:
            quarter.set()
            stdin.close()

    with tempfile.TemporaryDirectory() as tmp:
        dst = os.path.join(tmp, "out")
        typed = g.type("crash virtio_net")  # Enter comes in the middle
        with open(dst, "wb") as fout:
            proc = subprocess.Popen(
                ["nc", "-N", "-w", "30", "127.0.0.1", tcp_port],
                stdin=subprocess.PIPE,
                stdout=fout,
                stderr=subprocess.DEVNULL,
            )
            writer = threading.Thread(target=feed, args=(proc.stdin,))
            writer.start()
            deadline = time.monotonic() + NC_SECONDS
            while not (quarter.is_set() and os.path.getsize(dst) > 0) and time.monotonic() < deadline:
                g.expect(r"(?!)", 0.05)
            crashed = typed and g.type(ENTER) and g.expect(SUP + r"virtio_net \(generation 1\): page fault", 10)
            moved = os.path.getsize(dst)
            go.set()
            ended = wait_while(proc, max(1, deadline - time.monotonic()))
            if not ended:
                proc.kill()
                proc.wait()
            writer.join()
        with open(dst, "rb") as f:
            back = f.read()
    same = hashlib.sha256(back).digest() == hashlib.sha256(data).digest()
    print(f"# {moved} of {TRANSFER} bytes back when the driver crashed; {len(back)} in all", flush=True)
    tap.result(
        "a_tcp_transfer_survives_a_crash_of_the_nic_driver",
        []
        if crashed and ended and same and 0 < moved < TRANSFER
        else [f"crashed {bool(crashed)}, nc ended {ended}, {len(back)} bytes back, same {same}, {moved} at the crash"],
    )
    check(
        "the_driver_restarted_and_the_network_server_attached_again",
        expect(r"net: the NIC driver restarted \(generation 2\): attached again"),
        cmd("ifconfig", [r"attached to its driver 2 times", r"inet 10\.0\.2\.15 "]),
        cmd("ping 10.0.2.2 1", [r"1 sent, 1 received"]),
    )

    # The network server crashed while netecho listens: its listener is
    # back by itself, and the connection held open is reset.
    check(
        "the_network_server_crashes_and_gets_its_address_again",
        ends("crash net", [r"crashed net \(generation 1\)\n", SUP + r"net \(generation 2\): up again", DHCP]),
    )
    out = None
    for _ in range(TRIES):
        out = nc(["-N", "-w", "10", "127.0.0.1", tcp_port], b"after the crash\n", 30)
        if out == b"after the crash\n":
            break
        g.expect(r"(?!)", 1.0)
    tap.result("the_listener_is_back_after_the_crash", [] if out == b"after the crash\n" else [f"nc printed {out!r}"])
    try:
        held.sendall(b"still there?\n")
        end = held.recv(64)
    except OSError as e:
        end = e
    held.close()
    tap.result(
        "a_connection_open_at_the_crash_is_reset",
        [] if end == b"" or isinstance(end, ConnectionResetError) else [f"the host's end read {end!r}"],
    )
    # netecho heard of it from its C library, as ECONNRESET, whenever the
    # new generation answered it first (before or after the shell did).
    tap.result(
        "netecho_sees_econnreset",
        []
        if re.search(r"netecho: a connection ended: Connection reset by peer", g.text)
        else ["netecho said nothing of a reset"],
    )
    check(
        "netstat_shows_the_listener_made_again",
        cmd("netstat", [r"tcp +0\.0\.0\.0:7 +\*:\* +LISTEN +0 +0 netecho \(generation 1\)\n"]),
    )

    g.type("poweroff" + ENTER)
    status = g.finish()
    tap.result("poweroff_ends_qemu", [] if status == exit_pass else [f"QEMU exit status {status}, expected {exit_pass}"])
    text = open(log).read()
    tap.result(
        "lwip_never_asserted_and_each_server_restarted_once",
        [p for p in ["lwIP assertion failed", "virtio_net (generation 3)", "net (generation 3)"] if p in text],
    )
    return tap.finish()


if __name__ == "__main__":
    sys.exit(main())
