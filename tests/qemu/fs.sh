#!/usr/bin/env bash
# The filesystem: an ext2 image the host's mke2fs makes from a directory
# (a small file, a 300 KiB one through indirect blocks); fstest
# (tests/fs/) reads them through the filesystem server, changes the tree,
# crashes the server once; after QEMU exits the host's e2fsck finds the
# filesystem clean and debugfs reads what the guest wrote, and the host's
# time in the inode of a file it wrote.
set -uo pipefail
cd "$(dirname "$0")/../.."
. tests/qemu/lib.sh

img=build/test-logs/qemu/fs.img
src=build/test-logs/qemu/fs-src
rm -rf "$src" "$img"
mkdir -p "$src/dir/sub"
printf 'Hello from the host.\n' >"$src/hello.txt"
python3 - "$src/dir/sub/big.bin" <<'PY'
import sys
open(sys.argv[1], "wb").write(bytes((i * 7 + i // 4096) & 0xff for i in range(300 * 1024)))
PY
mke2fs -q -F -t ext2 -b 1024 -d "$src" "$img" 8M >"$img.mke2fs" 2>&1 || echo "mke2fs failed: $(cat "$img.mke2fs")"

boot fs --manifest tests/fs/manifest.txt --disk "$img"
task='^\[task [0-9]+\] '
relay_tap "$task"
expect_line "$task"'fstest: [0-9]+ passed, 0 failed$'
expect_status "$EXIT_PASS"
expect_line "$task"'fs: mounted ext2 \(generation 2\)'
result "fs_client_finishes"

# The host's tools on what the guest left.
e2fsck -fn "$img" >"$OUT.e2fsck" 2>&1 || why+=" e2fsck -fn: $(tail -n 3 "$OUT.e2fsck" | tr '\n' ' ');"
result "e2fsck_finds_the_image_clean"
[[ $(debugfs -R "cat /d2/final.txt" "$img" 2>/dev/null) == "the last file, for debugfs" ]] ||
	why+=" /d2/final.txt: $(debugfs -R "cat /d2/final.txt" "$img" 2>&1 | head -c 200);"
[[ $(debugfs -R "cat /keep.txt" "$img" 2>/dev/null) == "written before the crash" ]] ||
	why+=" /keep.txt differs;"
debugfs -R "ls -l /" "$img" 2>/dev/null | grep -q ' d1 ' && why+=" /d1 is still there;"
result "debugfs_reads_what_the_guest_wrote"
# The inode of a file the guest wrote holds the host's time (QEMU's RTC
# starts at the host's clock), to within ten minutes.
mtime=$(debugfs -R "stat /timed.txt" "$img" 2>/dev/null | sed -nE 's/^ *mtime: *0x([0-9a-f]+).*/\1/p')
now=$(date -u +%s)
if [[ -z $mtime ]]; then
	why+=" no mtime in debugfs's stat of /timed.txt;"
elif ((now - 16#$mtime > 600 || 16#$mtime - now > 600)); then
	why+=" /timed.txt's mtime $((16#$mtime)) is not within 10 minutes of the host's $now;"
fi
result "debugfs_finds_the_hosts_time_in_a_written_inode"

# A disk that is not ext2 (zeros): the server reads the superblock four
# times over most of a second (a faulty driver may have handed over wrong
# bytes for a while), then refuses the disk and stays up answering
# ENODEV; fstest sees that and checks it.
dd if=/dev/zero of="$img" bs=1M count=8 status=none
boot fs-refused --manifest tests/fs/manifest.txt --disk "$img"
relay_tap "$task"
expect_line "$task"'fstest: the server refused the disk$'
expect_line "$task"'fstest: 3 passed, 0 failed$'
expect_status "$EXIT_PASS"
expect_count 3 "$task"'fs: cannot mount the disk: not ext2: bad magic number \(magic 0x0000 from the driver.s generation 1, 0x0000 through its buffer\): reading it again$'
expect_line "$task"'fs: cannot mount the disk: .* \(Invalid argument\)$'
expect_no_line 'fs: mounted|fs: the disk failed'
result "a_disk_that_is_not_ext2_is_read_four_times_then_refused"
finish
