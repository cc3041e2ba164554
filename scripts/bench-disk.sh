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
img=build/bench/disk-scratch.img
log=build/bench/blkbench.log
mkdir -p build/bench
rm -f "$img"
truncate -s 16M "$img"
. scripts/bench-lib.sh
bench_boot bench-disk "^blkbench done$" "$log" --manifest bench/disk/manifest.txt --disk "$img"
grep "^blkbench " "$log"
