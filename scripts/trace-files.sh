#!/usr/bin/env bash
# Where the instructions of a file call go: boots the file benchmark
# (bench/files/, as scripts/bench-files.sh does) under TCG with -icount,
# stops at the TRACE_HIT-th call of TRACE_FUNC in filebench (30: a cached
# 4 KiB pread after the warm-up), single-steps it with gdb to its return
# through the C library, the kernel and the filesystem server, and prints
# the instructions spent in each function, most first, with the totals of
# each side.
#   TRACE_FUNC=pread TRACE_HIT=30 scripts/trace-files.sh
set -euo pipefail
cd "$(dirname "$0")/.."
img=build/bench/trace-files.img
log=build/bench/trace-files-qemu.log
scripts/bench-files.sh --image "$img"
scripts/qemu.sh --test --accel tcg --icount --gdb --timeout 600 --manifest bench/files/manifest.txt \
	--disk "$img" -- build/kernel/kernel.bin </dev/null >"$log" 2>&1 &
qemu=$!
sleep 1
timeout 580 gdb -nx -batch -ex "set architecture i386:x86-64" -x scripts/trace-files.py 2>&1 |
	sed -n '/TRACE-BEGIN/,/TRACE-END/p' | sed '1d;$d'
kill "$qemu" 2>/dev/null || true
wait "$qemu" 2>/dev/null || true
