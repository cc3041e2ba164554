#!/usr/bin/env bash
# Boots the Kestrel IPC benchmark (bench/kestrel/kbench.c) and prints its
# "kbench NAME median=N p99=N min=N iters=N" lines.
#
#   scripts/bench-kestrel.sh [--fastpath on|off] [--iters N]
#
# ACCEL=tcg (the default) adds -icount shift=0, so every figure counts
# guest instructions; ACCEL=kvm gives cycles on a host with hardware
# virtualization. The boot log is build/bench/kbench-<fastpath>.log.
set -euo pipefail
cd "$(dirname "$0")/.."
fastpath=on
iters=""
while [[ $# -gt 0 ]]; do
	case $1 in
	--fastpath) fastpath=$2; shift 2 ;;
	--iters) iters=$2; shift 2 ;;
	*) echo "bench-kestrel: unknown option $1" >&2; exit 2 ;;
	esac
done
accel=${ACCEL:-tcg}
elf=build/bench/kestrel/kbench.elf
log=build/bench/kbench-$fastpath.log
mkdir -p build/bench
append="fastpath=$fastpath${iters:+ kbench.iters=$iters}"
opts=(--test --accel "$accel" --timeout 300 --append "$append" --module "$elf" --module "$elf")
[[ $accel == tcg ]] && opts+=(--icount)

status=0
scripts/qemu.sh "${opts[@]}" -- build/kernel/kernel.bin </dev/null >"$log.raw" 2>&1 || status=$?
tr -d '\r' <"$log.raw" >"$log"
rm -f "$log.raw"
pass=$(sed -n 's/^#define QEMU_EXIT_PASS *\(0x[0-9a-fA-F]*\).*/\1/p' include/kestrel/qemu_exit.h)
if [[ $status -ne $(((pass << 1) | 1)) ]] || ! grep -q '^kbench done$' "$log"; then
	echo "bench-kestrel: the benchmark did not finish (QEMU status $status); end of $log:" >&2
	tail -n 20 "$log" >&2
	exit 1
fi
grep '^kbench ' "$log"
