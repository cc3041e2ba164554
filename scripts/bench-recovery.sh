#!/usr/bin/env bash
# Boots what make run boots (servers/manifest.txt) with the client of
# bench/recovery/ added, which crashes each server in turn and calls it
# right after, as a client would (bench/recovery/recprobe.c), and prints
# its line for each:
#
#   recovery NAME fault_to_ready=R fault_to_answer=A generation=G
#
# R and A are time-stamp counts from the fault (the supervisor's) until
# the new instance said ready, and until the client had its first answer
# from it (A "-" for the shell, which answers no request). ACCEL=tcg (the
# default) adds -icount shift=0, so they count guest instructions (1 ns of
# guest time each); ACCEL=kvm gives cycles. The disk is a copy of make
# run's, which is never touched; the transcript is build/bench/recovery.log.
#
#   scripts/bench-recovery.sh [--names]
#
# --names only lists the servers it crashes, one a line, in that order.
set -euo pipefail
cd "$(dirname "$0")/.."
names=$(sed -nE 's/^server[[:space:]]+([^[:space:]#]+).*/\1/p' servers/manifest.txt)
if [[ ${1:-} == --names ]]; then
	echo "$names"
	exit 0
fi
[[ $# -eq 0 ]] || { echo "bench-recovery: unknown option $1" >&2; exit 2; }
out=build/bench/recovery
log=build/bench/recovery.log
mkdir -p "$out"
cp "$(scripts/disk-image.sh)" "$out/disk.img"
# The supervisor finds the manifest by its name (a module name: 39 bytes
# at most).
manifest=$out/manifest.txt
cat servers/manifest.txt - >"$manifest" <<'BLOCK'

# Added by scripts/bench-recovery.sh: the client that crashes each server
# and times its first answer, below every server's priority.
server recprobe
	binary recprobe.elf
	priority 30
	restart never
	uses console
	uses hello
	uses time
	uses kv
	uses pci
	uses blk
	uses nic
	uses fs
	uses net
	uses chaos
	ports 0xf4 4 # isa-debug-exit: it ends QEMU
	control
BLOCK

# The client prints through the console server (its block uses console),
# so its lines may follow the shell's prompt on the same line.
. scripts/bench-lib.sh
bench_boot bench-recovery "recovery: done$" "$log" --manifest "$manifest" --disk "$out/disk.img" --net
grep -oE 'recovery [a-z_]+ fault_to_ready=[0-9]+ fault_to_answer=([0-9]+|-) generation=[0-9]+$' "$log"
