#!/usr/bin/env bash
# The C library's files: filetest (tests/files/) uses open, read, write,
# lseek, stat, mkdir, rename, opendir, chdir, symlink, fopen ... on an
# empty ext2 image through the filesystem server; after QEMU exits the
# host's e2fsck finds the filesystem clean and debugfs reads what the
# program wrote.
set -uo pipefail
cd "$(dirname "$0")/../.."
. tests/qemu/lib.sh

img=build/test-logs/qemu/files.img
rm -f "$img"
mkdir -p build/test-logs/qemu
mke2fs -q -F -t ext2 -b 1024 "$img" 8M >"$img.mke2fs" 2>&1 || echo "mke2fs failed: $(cat "$img.mke2fs")"

boot files --manifest tests/files/manifest.txt --disk "$img"
task='^\[task [0-9]+\] '
relay_tap "$task"
expect_line "$task"'filetest: [0-9]+ passed, 0 failed$'
expect_status "$EXIT_PASS"
result "file_calls_finish"

# The host's tools on what the program left.
e2fsck -fn "$img" >"$OUT.e2fsck" 2>&1 || why+=" e2fsck -fn: $(tail -n 3 "$OUT.e2fsck" | tr '\n' ' ');"
result "e2fsck_finds_the_image_clean"
[[ $(debugfs -R "cat /d/kept.txt" "$img" 2>/dev/null) == $'line 1\nline two\nappended' ]] ||
	why+=" /d/kept.txt: $(debugfs -R "cat /d/kept.txt" "$img" 2>&1 | head -c 200);"
[[ $(debugfs -R "stat /big.bin" "$img" 2>/dev/null) == *"Size: 204800"* ]] || why+=" /big.bin is not 200 KiB;"
[[ $(debugfs -R "cat /link" "$img" 2>/dev/null) == "" && $(debugfs -R "stat /link" "$img" 2>/dev/null) == *'Fast link dest: "d/kept.txt"'* ]] ||
	why+=" /link: $(debugfs -R "stat /link" "$img" 2>&1 | grep -i link | head -c 200);"
result "debugfs_reads_what_the_program_wrote"
finish
