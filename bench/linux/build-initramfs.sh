#!/usr/bin/env bash
# Builds the initramfs that `make bench` boots Linux with:
# build/bench/linux/initramfs.cpio, whose /init is linuxbench (a static
# program, built here from bench/linux/linuxbench.c with the host's gcc and
# glibc).
#
# The archive holds /init, /dev, /dev/console (character device 5:1, which
# the kernel opens as init's stdin, stdout and stderr), /sys, /mnt (where
# the file rows mount the ext2 image), and /modules/NN-NAME.ko:
# virtio_pci, virtio_blk and ext4 (which serves ext2: CONFIG_EXT4_USE_FOR_EXT2)
# with the modules they depend on, and crc32c_generic, which ext4 asks the
# crypto API for by name rather than naming it a dependency (from bench/linux/fetch-kernel.sh), numbered so that each comes
# after those it needs, the order linuxbench loads them in. It is
# written by this script itself, in the kernel's "newc" cpio format
# (Documentation/driver-api/early-userspace/buffer-format.rst), so that no
# root, no fakeroot and no mknod are needed: the kernel's unpacker creates
# the device node from the archive entry. Everything is owned by root and
# dated 0, so the same input gives the same bytes. Not compressed: the
# kernel reads a plain cpio, and at about 1.3 MB there is nothing to gain.
set -euo pipefail
cd "$(dirname "$0")/../.."
out=build/bench/linux
src=bench/linux/linuxbench.c
bin=$out/linuxbench
cpio=$out/initramfs.cpio
mods=$out/modules
mkdir -p "$out"

if [[ ! -x $bin || $src -nt $bin || include/kestrel/qemu_exit.h -nt $bin ]]; then
	gcc -std=gnu11 -static -O2 -Wall -Wextra -Werror -Iinclude -o "$bin" "$src"
fi
if [[ -s $cpio && $cpio -nt $bin && $cpio -nt bench/linux/build-initramfs.sh && $cpio -nt $mods ]]; then
	exit 0
fi

ino=0
# newc_entry NAME MODE [FILE] [RDEV_MAJOR RDEV_MINOR]: one archive member.
# The 110-byte header is "070701" then 13 fields of 8 hex digits; the name
# (with its NUL) and the data are each padded to a multiple of 4 bytes.
newc_entry() {
	local name=$1 mode=$2 file=${3:-} major=${4:-0} minor=${5:-0}
	local size=0 namesize=$((${#1} + 1)) nlink=1
	[[ -n $file ]] && size=$(stat -c %s "$file")
	[[ $((mode & 0170000)) -eq 0040000 ]] && nlink=2
	ino=$((ino + 1))
	#       magic  ino  mode uid  gid  nlink mtime size devmaj devmin rdevmaj rdevmin namesize check
	printf '070701%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X' \
		"$ino" "$mode" 0 0 "$nlink" 0 "$size" 0 0 "$major" "$minor" "$namesize" 0
	printf '%s\0' "$name"
	head -c $(((4 - (110 + namesize) % 4) % 4)) /dev/zero
	if [[ -n $file ]]; then
		cat "$file"
		head -c $(((4 - size % 4) % 4)) /dev/zero
	fi
}

# The modules the disk and the filesystem need, each after the ones it names in its own
# .modinfo section ("depends=a,b"; the package has no modules.dep).
order=()
need_module() {
	local dep deps
	[[ " ${order[*]} " == *" $1 "* ]] && return
	[[ -f $mods/$1.ko ]] || { echo "build-initramfs: no module $mods/$1.ko (bench/linux/fetch-kernel.sh)" >&2; exit 1; }
	objcopy -O binary --only-section=.modinfo "$mods/$1.ko" "$out/modinfo.tmp"
	deps=$(tr '\0' '\n' <"$out/modinfo.tmp" | sed -n 's/^depends=//p')
	rm -f "$out/modinfo.tmp"
	for dep in ${deps//,/ }; do
		need_module "$dep"
	done
	order+=("$1")
}
need_module virtio_pci
need_module virtio_blk
need_module crc32c_generic
need_module ext4

{
	newc_entry dev $((0040755))
	newc_entry dev/console $((0020600)) "" 5 1
	newc_entry sys $((0040755))
	newc_entry mnt $((0040755))
	newc_entry init $((0100755)) "$bin"
	newc_entry modules $((0040755))
	for i in "${!order[@]}"; do
		newc_entry "$(printf 'modules/%02d-%s.ko' "$i" "${order[$i]}")" $((0100644)) "$mods/${order[$i]}.ko"
	done
	ino=-1 # the trailer's fields are all zero
	newc_entry 'TRAILER!!!' 0
} >"$cpio.tmp"
mv "$cpio.tmp" "$cpio"
echo "build-initramfs: $cpio ($(stat -c %s "$cpio") bytes; modules ${order[*]})" >&2
