#!/usr/bin/env bash
# Boots the Kestrel disk benchmark (bench/disk/: blkbench with the
# supervisor, pci and virtio_blk) on a scratch disk and prints its
# "blkbench NAME median=N p99=N min=N iters=N" lines: 4 KiB and 64 KiB
# requests read and written through the driver, one at a time.
#
# ACCEL=tcg (the default) adds -icount shift=0, so every figure counts
# guest instructions; ACCEL=kvm gives cycles on a host with hardware
# virtualization. The disk is build/bench/disk-scratch.img (16 MiB of
# zeros, made anew each run); the boot log is build/bench/blkbench.log.
set -euo pipefail
cd "$(dirname "$0")/.."
accel=${ACCEL:-tcg}
img=build/bench/disk-scratch.img
log=build/bench/blkbench.log
mkdir -p build/bench
rm -f "$img"
truncate -s 16M "$img"
opts=(--test --accel "$accel" --timeout 300 --manifest bench/disk/manifest.txt --disk "$img")
[[ $accel == tcg ]] && opts+=(--icount)

status=0
scripts/qemu.sh "${opts[@]}" -- build/kernel/kernel.bin </dev/null >"$log.raw" 2>&1 || status=$?
# The supervisor's programs print behind a "[task N] " prefix.
sed -E 's/\r$//; s/^\[task [0-9]+\] //' "$log.raw" >"$log"
rm -f "$log.raw"
pass=$(sed -n 's/^#define QEMU_EXIT_PASS *\(0x[0-9a-fA-F]*\).*/\1/p' include/kestrel/qemu_exit.h)
if [[ $status -ne $(((pass << 1) | 1)) ]] || ! grep -q '^blkbench done$' "$log"; then
	echo "bench-disk: the benchmark did not finish (QEMU status $status); end of $log:" >&2
	tail -n 20 "$log" >&2
	exit 1
fi
grep '^blkbench ' "$log"
