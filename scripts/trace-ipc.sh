#!/usr/bin/env bash
# Where the instructions of an IPC round trip go: boots the benchmark under
# TCG with -icount, stops in the client's timing loop after the warm-up,
# single-steps one round trip (call to the server in the other address
# space, its reply_recv, back) with gdb and prints the instructions spent
# in each function, in the order they ran. --null: one null system call
# (thread_id) instead.
#   scripts/trace-ipc.sh [--fastpath on|off] [--null]
set -euo pipefail
cd "$(dirname "$0")/.."
fastpath=on
export TRACE=call
while [[ $# -gt 0 ]]; do
	case $1 in
	--fastpath) fastpath=$2; shift 2 ;;
	--null) TRACE=null; shift ;;
	*) echo "trace-ipc: unknown option $1" >&2; exit 2 ;;
	esac
done
elf=build/bench/kestrel/kbench.elf
log=build/bench/trace-qemu.log
mkdir -p build/bench
scripts/qemu.sh --test --accel tcg --icount --gdb --timeout 300 --append "fastpath=$fastpath kbench.iters=100" \
	--module "$elf" --module "$elf" -- build/kernel/kernel.bin </dev/null >"$log" 2>&1 &
qemu=$!
sleep 1
timeout 280 gdb -nx -batch -ex "set architecture i386:x86-64" -ex "file build/kernel/kernel.elf" \
	-ex "add-symbol-file $elf" -x scripts/trace-ipc.py 2>&1 | sed -n '/TRACE-BEGIN/,/TRACE-END/p' | sed '1d;$d'
kill "$qemu" 2>/dev/null || true
wait "$qemu" 2>/dev/null || true
