#!/usr/bin/env bash
# The Linux half of `make bench`: boots Debian's stock kernel on the machine
# that Kestrel's benchmarks use (scripts/qemu.sh: q35, -cpu max, one CPU)
# with linuxbench as /init, and prints linuxbench's lines: a null system
# call, same-core process round trips through pipes and futexes, and 4 KiB
# and 64 KiB O_DIRECT reads and writes of a virtio-blk disk (attached as
# scripts/bench-disk.sh attaches Kestrel's: build/bench/linux/disk-scratch.img,
# 16 MiB of zeros made anew each run), and the file calls of
# bench/files/filebench.c on the ext2 image scripts/bench-files.sh makes
# (a fresh copy, build/bench/linux/files.img, the second disk: /dev/vdb),
# each as median, 99th percentile and minimum (see bench/linux/linuxbench.c).
#
# ACCEL=tcg (the default here, whatever the host has) adds -icount
# shift=0, so every figure is a deterministic count of guest instructions;
# ACCEL=kvm gives cycles on a host with hardware virtualization. The last
# line says which: "linuxbench accel=tcg-icount unit=instructions".
# The kernel comes from bench/linux/fetch-kernel.sh (downloaded once), the
# initramfs from bench/linux/build-initramfs.sh. The boot log is
# build/bench/linux/boot.log.
set -euo pipefail
cd "$(dirname "$0")/.."
out=build/bench/linux
log=$out/boot.log
accel=${ACCEL:-tcg}

img=$out/disk-scratch.img
mkdir -p "$out"
rm -f "$img"
truncate -s 16M "$img"
files_img=$out/files.img
scripts/bench-files.sh --image "$files_img"
opts=(--test --accel "$accel" --timeout 300 --memory 512M
	--append "console=ttyS0 quiet panic=-1" --module "$out/initramfs.cpio" --disk "$img"
	--disk "$files_img")
case $accel in
tcg) opts+=(--icount); label=tcg-icount; unit=instructions; took="about 35 s under TCG" ;;
kvm) label=kvm; unit=cycles; took="a few seconds" ;;
*) echo "bench-linux: unknown accelerator '$accel' (tcg or kvm)" >&2; exit 2 ;;
esac

bench/linux/fetch-kernel.sh
bench/linux/build-initramfs.sh

# The exit code linuxbench writes to isa-debug-exit, from the header it
# was built with; QEMU exits with (code << 1) | 1.
pass=$(sed -n 's/^#define QEMU_EXIT_PASS *\(0x[0-9a-fA-F]*\).*/\1/p' include/kestrel/qemu_exit.h)
pass=$(((pass << 1) | 1))

echo "bench-linux: booting $(cut -d' ' -f1 "$out/kernel-package") under $label ($took)" >&2
status=0
scripts/qemu.sh "${opts[@]}" -- "$out/vmlinuz" </dev/null >"$log.raw" 2>&1 || status=$?
tr -d '\r' <"$log.raw" >"$log"
rm -f "$log.raw"

# Status 0 with the last line printed: ioperm was refused and linuxbench
# powered off instead (it says so in the log). Anything else is a failure:
# 124 is the timeout, 0 without "done" a kernel panic (panic=-1 reboots,
# and -no-reboot turns that into an exit).
if ! grep -qx 'linuxbench done' "$log" || [[ $status -ne $pass && $status -ne 0 ]]; then
	echo "bench-linux: QEMU exited with status $status (expected $pass after 'linuxbench done'); last lines of $log:" >&2
	tail -n 20 "$log" >&2
	exit 1
fi
grep '^linuxbench ' "$log"
echo "linuxbench accel=$label unit=$unit"
