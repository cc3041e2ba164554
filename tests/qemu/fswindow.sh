#!/usr/bin/env bash
# The C library's window (libc-glue/fs_glue.c) under fire: wintest
# (tests/fswindow/) checks a loop of window reads and writes while the
# filesystem server is crashed, a client that dies and calls again with
# its old window, and FS_WINDOWS + 2 clients that take each other's places
# in the server's table. (The crashes may leak blocks of a write cut off
# in the middle; what a crash may leave on the disk is tests/qemu/
# fscrash.sh's to check.)
set -uo pipefail
cd "$(dirname "$0")/../.."
. tests/qemu/lib.sh

dir=build/test-logs/qemu/win # short: the supervisor sees 39 bytes of a module's name
img=$dir/fswindow.img
mkdir -p "$dir"
rm -f "$img"
mke2fs -q -F -t ext2 -b 1024 "$img" 8M >"$img.mke2fs" 2>&1 || echo "mke2fs failed: $(cat "$img.mke2fs")"
windows=$(sed -nE 's/^#define FS_WINDOWS +([0-9]+).*/\1/p' include/kestrel/proto/fs.h)
{
	cat tests/fswindow/manifest.txt
	for i in $(seq 0 $((windows + 1))); do
		printf '\nserver many%02d\n\tbinary wintest.elf\n\tpriority 25\n\trestart never\n\tuses fs\n\tmemory 2M\n' "$i"
	done
} >"$dir/manifest.txt"

boot fswindow --manifest "$dir/manifest.txt" --disk "$img"
task='^\[task [0-9]+\] '
relay_tap "$task"
expect_line "$task"'wintest: [0-9]+ passed, 0 failed$'
expect_status "$EXIT_PASS"
result "window_test_finishes"
finish
