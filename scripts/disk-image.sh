#!/usr/bin/env bash
# The disk of `make run` and the benchmarks: build/disk.img, 64 MiB of ext2
# made by the host's mke2fs from the directory disk/ plus a 2 MiB file made
# here (docs/big.bin, not committed). It is made again only when disk/ or
# this script change (build/disk.img.stamp holds their checksum), so what
# the system wrote is there at the next boot; --reset makes it again now
# (`make disk-reset`). Prints its path.
set -euo pipefail
cd "$(dirname "$0")/.."
img=build/disk.img
stamp=$(cat "$0" $(find disk -type f | LC_ALL=C sort) <(find disk | LC_ALL=C sort) | sha256sum | cut -d' ' -f1)
if [[ ${1:-} == --reset || ! -f $img || $(cat "$img.stamp" 2>/dev/null) != "$stamp" ]]; then
	mkdir -p build
	src=build/disk-src
	rm -rf "$src" "$img.tmp"
	cp -r disk "$src"
	python3 -c 'import sys; open(sys.argv[1], "wb").write(bytes(i % 251 for i in range(2 << 20)))' \
		"$src/docs/big.bin"
	mke2fs -q -F -t ext2 -d "$src" "$img.tmp" 64M >&2
	mv "$img.tmp" "$img"
	echo "$stamp" >"$img.stamp"
fi
echo "$img"
