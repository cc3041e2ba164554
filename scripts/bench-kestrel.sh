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
elf=build/bench/kestrel/kbench.elf
log=build/bench/kbench-$fastpath.log
mkdir -p build/bench
. scripts/bench-lib.sh
bench_boot bench-kestrel "^kbench done$" "$log" --append "fastpath=$fastpath${iters:+ kbench.iters=$iters}" \
	--module "$elf" --module "$elf"
grep '^kbench ' "$log"
