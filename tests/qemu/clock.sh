#!/usr/bin/env bash
# The wall clock, end to end: boots what `make run` boots
# (servers/manifest.txt, with the isa-debug-exit port added to the shell's
# block so that the test can end QEMU) on an ext2 image the host's mke2fs
# makes; tests/qemu/clock.py compares the shell's date with the host's
# clock (QEMU's RTC starts at it), writes and stats a file, crashes and
# kills the time server and reads the date again; after QEMU exits, the
# host's e2fsck -fn must find the image clean and debugfs the host's time
# in the file's inode. One TAP line a check.
set -uo pipefail
cd "$(dirname "$0")/../.."
. tests/qemu/lib.sh

img=$LOGDIR/clock.img
src=$LOGDIR/clock-src
manifest=$LOGDIR/clock/manifest.txt # the supervisor finds it by that name
rm -rf "$src" "$img" "$(dirname "$manifest")"
mkdir -p "$src" "$(dirname "$manifest")"
printf 'Hello from the host.\n' >"$src/hello.txt"
mke2fs -q -F -t ext2 -b 1024 -d "$src" "$img" 8M >"$img.mke2fs" 2>&1 || echo "mke2fs failed: $(cat "$img.mke2fs")"
# make run's manifest, the shell given the exit port for its poweroff.
awk '{ print } /^server shell$/ { print "\tports 0xf4 4 # added by tests/qemu/clock.sh: poweroff" }' \
	servers/manifest.txt >"$manifest"

CLOCK_TIMEOUT=${CLOCK_TIMEOUT:-120}
exec python3 tests/qemu/clock.py "$LOGDIR/clock.log" "$EXIT_PASS" "$img" -- \
	scripts/qemu.sh --test --accel "$ACCEL" --timeout "$CLOCK_TIMEOUT" \
	--manifest "$manifest" --disk "$img" -- "$KERNEL"
