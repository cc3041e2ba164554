"""libipc's symbol and line lookups (libipc/elf.c, elf_line.c: what the
supervisor's crash reports say) against the host's binutils, one TAP line
per ELF: for every STEP-th address of .text, the function and offset
elf_function() gives must be nm's, and where it gives one, the line
elf_line() gives must be addr2line's and the file the one of the line
table's row (readelf's decoding of it; addr2line names the wrong file
for some rows of inlined code in DWARF 5 units, and gdb agrees with
readelf). Run by make test as host/elf_lines:

    elf_lines.py ELF_WHERE STEP ELF...
"""

import bisect
import re
import subprocess
import sys


def run(*argv):
    return subprocess.run(argv, capture_output=True, text=True, check=True).stdout


def text_range(elf):
    for line in run("readelf", "-SW", elf).splitlines():
        if "] .text" in line:
            fields = line.split("]", 1)[1].split()
            return int(fields[2], 16), int(fields[4], 16)
    raise SystemExit(f"{elf}: no .text")


def functions(elf):
    """(starts, [(start, size, name)]) of nm's sized code symbols."""
    syms = []
    for fields in (line.split() for line in run("nm", "-S", "-n", elf).splitlines()):
        if len(fields) == 4 and fields[2] in "tTwW" and int(fields[1], 16) > 0:
            syms.append((int(fields[0], 16), int(fields[1], 16), fields[3]))
    return syms


def rows(elf):
    """readelf's decoded line table: [(address, file's base name)] in table
    order, end-of-sequence rows included (their file is None)."""
    out = []
    for line in run("readelf", "--debug-dump=decodedline", elf).splitlines():
        fields = line.split()
        if len(fields) >= 3 and re.fullmatch(r"0x[0-9a-f]+", fields[2]):
            out.append((int(fields[2], 16), None if fields[1] == "-" else fields[0]))
    return out


def row_file(table, starts, addr):
    """The file of the last row at the greatest address <= addr."""
    i = bisect.bisect_right(starts, addr) - 1
    return table[i][1] if i >= 0 else None


def check(tool, elf, step):
    start, size = text_range(elf)
    addrs = list(range(start, start + size, step))
    ours = run(tool, elf, *("%x" % a for a in addrs)).splitlines()
    lines = run("addr2line", "-e", elf, *("%x" % a for a in addrs)).splitlines()
    syms = functions(elf)
    table = sorted(rows(elf), key=lambda r: r[0])  # stable: rows at one address keep their order
    starts = [r[0] for r in table]
    problems, named, with_lines = [], 0, 0
    for addr, mine, theirs in zip(addrs, ours, lines):
        _, func, where = mine.split(" ")
        holder = [s for s in syms if s[0] <= addr < s[0] + s[1]]
        want = "%s+%#x" % (holder[0][2], addr - holder[0][0]) if holder else "-"
        if func != want and not (holder and func in ("%s+%#x" % (s[2], addr - s[0]) for s in holder)):
            problems.append(f"{addr:#x}: function {func}, nm says {want}")
        if func == "-":
            continue  # the supervisor asks for no line outside functions
        named += 1
        theirs = theirs.split(" (discriminator")[0]
        file, _, line = theirs.rpartition(":")
        if file.startswith("??") or line in ("?", "0"):
            if where != "-":
                problems.append(f"{addr:#x}: {where}, addr2line knows no line")
            continue
        with_lines += 1
        mine_file, _, mine_line = where.rpartition(":")
        if mine_line != line:
            problems.append(f"{addr:#x}: line {where}, addr2line says {theirs}")
        elif mine_file.rsplit("/", 1)[-1] != row_file(table, starts, addr):
            problems.append(f"{addr:#x}: file {where}, the line table's row says {row_file(table, starts, addr)}")
    return len(addrs), named, with_lines, problems


def main():
    tool, step, elves = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
    failed = 0
    for n, elf in enumerate(elves, 1):
        count, named, with_lines, problems = check(tool, elf, step)
        name = "functions_and_lines_of_%s_match_binutils" % re.sub(r"\W", "_", elf.rsplit("/", 1)[-1][:-4])
        if problems:
            failed += 1
            print(f"not ok {n} - {name}: {len(problems)} of {count} addresses differ, first "
                  f"{'; '.join(problems[:3])}")
        else:
            print(f"ok {n} - {name} ({count} addresses, {named} in functions, {with_lines} with lines)")
    print(f"1..{len(elves)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
