# gdb script for scripts/trace-files.sh: single-steps one steady-state call
# of the file benchmark's program (bench/files/filebench.c) from its entry
# to its return, through the C library, the kernel and the filesystem
# server, and counts the instructions by function. The call is the
# TRACE_HIT-th call of TRACE_FUNC in filebench's address space (by CR3:
# every program is linked at the same addresses).
import bisect
import collections
import os
import subprocess

import gdb

ROOT = os.getcwd()
ELF = {
    "client": ROOT + "/build/bench/files/filebench.elf",
    "fs": ROOT + "/build/servers/fs.elf",
    "kernel": ROOT + "/build/kernel/kernel.elf",
}
FUNC = os.environ.get("TRACE_FUNC", "pread")
HIT = int(os.environ.get("TRACE_HIT", "30"))

gdb.execute("set pagination off")
gdb.execute("set confirm off")


def symbols(elf):
    """(addresses, names) of elf's code symbols, sorted. An assembly
    routine's local labels (fast_exit.w8) count as the routine."""
    out = subprocess.run(["nm", "-n", elf], capture_output=True, text=True, check=True).stdout
    pairs = [(int(p[0], 16), p[2]) for p in (line.split() for line in out.splitlines())
             if len(p) == 3 and p[1] in "tTwW"]
    pairs = [(a, n) for a, n in pairs if n.count(".") != 1 or n.endswith(".cold")]  # gcc's clones stay
    return [a for a, _ in pairs], [n for _, n in pairs]


tables = {side: symbols(elf) for side, elf in ELF.items()}


def name(side, pc):
    addrs, names = tables[side]
    i = bisect.bisect_right(addrs, pc) - 1
    return names[i] if i >= 0 else "%#x" % pc


def reg(r):
    return int(gdb.parse_and_eval(r))


addrs, names = tables["client"]
entry = addrs[names.index(FUNC)]
gdb.execute("target remote localhost:1234")
inferior = gdb.selected_inferior()
# filebench's first bytes at entry tell its address space from the others'.
want = subprocess.run(["objcopy", "-O", "binary", "--only-section=.text", ELF["client"], "/dev/stdout"],
                      capture_output=True, check=True).stdout
sections = subprocess.run(["readelf", "-SW", ELF["client"]], capture_output=True, text=True, check=True).stdout
text_start = next(int(line.split("]", 1)[1].split()[2], 16) for line in sections.splitlines()
                  if "]" in line and line.split("]", 1)[1].split()[:1] == [".text"])
want = want[entry - text_start:entry - text_start + 8]
gdb.execute("hbreak *%#x" % entry)
client_cr3, hits = None, 0
while hits < HIT:
    gdb.execute("continue", to_string=True)
    cr3 = reg("$cr3") & ~0xFFF
    if client_cr3 is None and bytes(inferior.read_memory(entry, 8)) == want:
        client_cr3 = cr3
    if cr3 == client_cr3:
        hits += 1
gdb.execute("delete")
ret = int.from_bytes(bytes(inferior.read_memory(reg("$rsp"), 8)), "little")

runs, sides, steps = [], collections.Counter(), 0
while True:
    pc = reg("$pc")
    side = "kernel" if pc >= 0x800000000000 else "client" if reg("$cr3") & ~0xFFF == client_cr3 else "fs"
    label = "%-6s %s" % (side, name(side, pc))
    sides[side] += 1
    if runs and runs[-1][0] == label:
        runs[-1][1] += 1
    else:
        runs.append([label, 1])
    steps += 1
    gdb.execute("stepi", to_string=True)
    if (reg("$pc") == ret and reg("$cr3") & ~0xFFF == client_cr3) or steps > 100000:
        break

totals = collections.Counter()
for label, n in runs:
    totals[label] += n
print("TRACE-BEGIN")
for label, n in totals.most_common():
    print("%6d  %s" % (n, label))
print("%6d  in all, %s: %s" % (steps, FUNC, ", ".join("%s %d" % kv for kv in sorted(sides.items()))))
print("TRACE-END")
gdb.execute("kill")
