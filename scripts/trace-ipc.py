# gdb script for scripts/trace-ipc.sh: single-steps one steady-state IPC
# round trip of the benchmark (the client's call with 0 words to the
# server in the other address space, and the answer), or with TRACE=null
# one null system call, and counts the instructions by function.
import collections
import os
import gdb

gdb.execute("set pagination off")
gdb.execute("set confirm off")
gdb.execute("set trust-readonly-sections on")  # read code from the ELF files, not the not-yet-loaded memory
gdb.execute("target remote localhost:1234")

# The client's call: the syscall right after "mov $0x7,%eax" in the timing
# loop (time_calls, inlined into time_round_trips). The null system call:
# the syscall that follows an rdtsc within four instructions in run (where
# time_null_syscall is inlined).
null = os.environ.get("TRACE") == "null"
insns = gdb.selected_inferior().architecture().disassemble(
    int(gdb.parse_and_eval("(long)&%s" % ("run" if null else "time_round_trips"))), count=1200)
call = None
for i, insn in enumerate(insns):
    before = " ".join(x["asm"] for x in insns[max(0, i - 4):i])
    if insn["asm"].startswith("syscall") and ("rdtsc" in before if null else "$0x7,%eax" in insns[i - 1]["asm"]):
        call = insn["addr"]
        break
if call is None:
    raise gdb.GdbError("no such syscall found")
after = call + 2

gdb.execute("hbreak *%#x" % call)
gdb.execute("continue")  # the first round trip may be a cold one
for _ in range(200):     # skip well into the warm-up: a steady state
    gdb.execute("continue", to_string=True)

def symbol(pc):
    """The ELF symbol holding pc (assembly has no debug blocks)."""
    text = gdb.execute("info symbol %#x" % pc, to_string=True)
    name = text.split()[0] if not text.startswith("No symbol") else "%#x" % pc
    name = name.split(".")[0].split("[")[0]  # an assembly routine's local labels count as it
    side = "client" if pc < 0x800000000000 and on_client else "server"
    return ("kernel" if pc >= 0x800000000000 else "user (%s)" % side) + " " + name


runs = []  # [name, count] in the order they ran
steps = 0
on_client = True
while True:
    pc = int(gdb.parse_and_eval("$pc"))
    if pc < 0x800000000000 and steps > 0:
        on_client = False  # after the call, user code is the server's until we are back
    name = symbol(pc)
    if runs and runs[-1][0] == name:
        runs[-1][1] += 1
    else:
        runs.append([name, 1])
    steps += 1
    gdb.execute("stepi", to_string=True)
    if int(gdb.parse_and_eval("$pc")) == after or steps > 5000:
        break

print("TRACE-BEGIN")
for name, n in runs:
    print("%6d  %s" % (n, name))
print("%6d  in all, from the client's syscall to the instruction after it" % steps)
print("TRACE-END")
gdb.execute("kill")
