#!/usr/bin/env bash
# Boots the Kestrel file benchmark (bench/files/: filebench with the
# supervisor, pci, virtio_blk and fs) on a fresh copy of the benchmark's
# ext2 image and prints its "filebench NAME median=N p99=N min=N iters=N"
# lines (see bench/files/filebench.c).
#   scripts/bench-files.sh --image FILE   only makes the image, at FILE
# The image, which scripts/bench-linux.sh gives Linux as well: 32 MiB of
# ext2 with 4 KiB blocks made by the host's mke2fs -d from small.bin and
# write.bin (4 KiB each), seq.bin (1 MiB) and cold.bin (2 MiB).
#
# ACCEL=tcg (the default) adds -icount shift=0, so every figure counts
# guest instructions; ACCEL=kvm gives cycles. The boot log is
# build/bench/filebench.log.
set -euo pipefail
cd "$(dirname "$0")/.."

make_image() {
	local src=build/bench/files-src
	rm -rf "$src" "$1"
	mkdir -p "$src"
	python3 - "$src" <<'PY'
import sys
for name, size in (("small.bin", 4096), ("write.bin", 4096), ("seq.bin", 1 << 20), ("cold.bin", 2 << 20)):
    open(f"{sys.argv[1]}/{name}", "wb").write(bytes(i % 251 for i in range(size)))
PY
	mke2fs -q -F -t ext2 -b 4096 -d "$src" "$1" 32M >"$src.log" 2>&1 ||
		{ echo "bench-files: mke2fs failed: $(cat "$src.log")" >&2; exit 1; }
}

mkdir -p build/bench
if [[ ${1:-} == --image ]]; then
	make_image "$2"
	exit 0
fi
img=build/bench/files.img
log=build/bench/filebench.log
make_image "$img"
. scripts/bench-lib.sh
bench_boot bench-files "^filebench done$" "$log" --manifest bench/files/manifest.txt --disk "$img"
grep "^filebench " "$log"
