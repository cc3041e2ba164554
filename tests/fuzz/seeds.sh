#!/usr/bin/env bash
# Makes the seed corpus of the ext2 fuzz target (tests/fuzz/fuzz_ext2.c):
# small images from mke2fs -d (1, 2 and 4 KiB blocks) of a tree with the
# paths the target names, their trailing zeros cut (the target pads).
#   tests/fuzz/seeds.sh DIR
set -euo pipefail

dir=$1
rm -rf "$dir" "$dir.src"
mkdir -p "$dir" "$dir.src/sub/deeper"
cd "$dir.src"
printf 'hello, ext2\n' >small.txt
printf 'leaf\n' >sub/deeper/leaf.txt
ln -s sub/deeper/leaf.txt link
ln -s ../small.txt sub/up
ln -s "$(printf 'a%.0s' $(seq 100))" slow
head -c 20000 /dev/zero | tr '\0' 'm' >mid.bin
truncate -s 300000 sparse.bin
printf x | dd of=sparse.bin bs=1 seek=290000 conv=notrunc status=none
for i in $(seq 12); do : >"sub/f$i"; done
cd - >/dev/null
for spec in 1024:128K 2048:256K 4096:512K; do
	bs=${spec%%:*}
	img="$dir/seed-$bs.img"
	mke2fs -q -F -t ext2 -b "$bs" -N 32 -E root_owner=0:0 -d "$dir.src" "$img" "${spec#*:}" >/dev/null
	# Cut the trailing zeros: the fuzz target pads them back.
	python3 -c 'import sys; p = sys.argv[1]; b = open(p, "rb").read().rstrip(b"\0"); open(p, "wb").write(b)' "$img"
done
rm -rf "$dir.src"
