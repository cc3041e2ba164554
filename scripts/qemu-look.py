#!/usr/bin/env python3
"""Looks into a QEMU that seems hung, through its monitor socket (QEMU
started with -monitor unix:SOCKET,server,nowait), and prints what it saw:
where the CPU is, several times apart (the same kernel address each time:
a loop; hlt with interrupts on: idle, nothing woke), the instructions
there and the interrupt controller's state.

  qemu-look.py SOCKET [KERNEL_ELF]

With the kernel's ELF, each instruction pointer seen is named by
addr2line (function and line).
"""
import re
import socket
import subprocess
import sys
import time

COMMANDS = ["info cpus", "info registers", "x/12i $pc", "info lapic", "info pic"]
SAMPLES = 5  # more "info registers", 200 ms apart


def ask(sock, command):
    sock.sendall(command.encode() + b"\n")
    out, end = b"", time.time() + 2
    sock.settimeout(0.3)
    while time.time() < end:
        try:
            got = sock.recv(65536)
        except socket.timeout:
            if out:
                break
            continue
        if not got:
            break
        out += got
    # The monitor's line editor echoes the command with its escapes: the
    # first line goes.
    text = re.sub(r"\x1b\[[0-9;]*[A-Za-z]", "", out.decode(errors="replace").replace("\r", ""))
    return text.split("\n", 1)[1] if "\n" in text else text


def main():
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.connect(sys.argv[1])
    ask(sock, "")  # the banner
    ips = []
    for command in COMMANDS + ["info registers"] * SAMPLES:
        out = ask(sock, command)
        print("(qemu) " + command)
        print(out.strip())
        ips += re.findall(r"RIP=([0-9a-f]{16})", out)
        if command == "info registers":
            time.sleep(0.2)
    if len(sys.argv) > 2 and ips:
        names = subprocess.run(["addr2line", "-f", "-C", "-e", sys.argv[2]] + ["0x" + ip for ip in ips],
                               capture_output=True, text=True).stdout.splitlines()
        for ip, i in zip(ips, range(0, len(names), 2)):
            print("RIP %s: %s at %s" % (ip, names[i], names[i + 1] if i + 1 < len(names) else "?"))


if __name__ == "__main__":
    main()
