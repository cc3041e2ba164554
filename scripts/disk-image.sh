#!/usr/bin/env bash
# The disk of `make run` and the benchmarks: build/disk.img, a raw image of
# 64 MiB made once (zeros; the filesystem will make it ext2) and kept, so
# what the system wrote is there at the next boot. Prints its path.
set -euo pipefail
cd "$(dirname "$0")/.."
img=build/disk.img
if [[ ! -f $img ]]; then
	mkdir -p build
	truncate -s 64M "$img.tmp"
	mv "$img.tmp" "$img"
fi
echo "$img"
