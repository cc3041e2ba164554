#!/usr/bin/env bash
# The shell's file commands on a real disk: an ext2 image the host's
# mke2fs makes from a directory (one file); the supervisor boots
# tests/shellfiles/manifest.txt (the disk driver, the filesystem server,
# the console and the shell) and tests/qemu/shellfiles.py types file
# commands and redirections at the shell, then runs the host's e2fsck -fn
# and debugfs on what the guest left, one TAP line each.
set -uo pipefail
cd "$(dirname "$0")/../.."
. tests/qemu/lib.sh

img=$LOGDIR/shellfiles.img
src=$LOGDIR/shellfiles-src
rm -rf "$src" "$img"
mkdir -p "$src"
printf 'Hello from the host.\n' >"$src/hello.txt"
mke2fs -q -F -t ext2 -b 1024 -d "$src" "$img" 8M >"$img.mke2fs" 2>&1 || echo "mke2fs failed: $(cat "$img.mke2fs")"

SHELL_TIMEOUT=${SHELL_TIMEOUT:-120}
exec python3 tests/qemu/shellfiles.py "$LOGDIR/shellfiles.log" "$EXIT_PASS" "$img" -- \
	scripts/qemu.sh --test --accel "$ACCEL" --timeout "$SHELL_TIMEOUT" \
	--manifest tests/shellfiles/manifest.txt --disk "$img" -- "$KERNEL"
