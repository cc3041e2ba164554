#!/usr/bin/env bash
# The crash test: fscrash (tests/fscrash/) writes and renames files on a
# fresh ext2 image while it crashes the filesystem server, then the disk
# driver, CRASHES times in all (20; `make fs-crash`: 500), and logs every
# operation it saw acknowledged. After QEMU exits the host checks that
# each acknowledged write is in the image with its bytes (debugfs dump),
# and that e2fsck -fn finds the image clean or with leaks only.
set -uo pipefail
cd "$(dirname "$0")/../.."
. tests/qemu/lib.sh

CRASHES=${CRASHES:-20}
name=${FSCRASH_NAME:-fscrash}
img=$LOGDIR/$name.img
src=$LOGDIR/$name-src
rm -rf "$src" "$img"
mkdir -p "$src/t" "$src/d"
echo "$CRASHES" >"$src/campaign"
mke2fs -q -F -t ext2 -b 1024 -d "$src" "$img" 16M >"$img.mke2fs" 2>&1 || echo "mke2fs failed: $(cat "$img.mke2fs")"

boot "$name" --manifest tests/fscrash/manifest.txt --disk "$img"
task='^\[task [0-9]+\] '
sed -nE "s/$task//p" "$OUT" >"$OUT.guest"
while read -r line; do
	tap_count=$((tap_count + 1))
	case $line in
	"not ok"*) tap_failed=$((tap_failed + 1)); echo "not ok $tap_count - ${line#not ok * - }" ;;
	*) echo "ok $tap_count - ${line#ok * - }" ;;
	esac
done < <(grep -E '^(not )?ok [0-9]+ - ' "$OUT.guest")
expect_line "$task"'fscrash: [0-9]+ passed, 0 failed$'
expect_status "$EXIT_PASS"
result "fscrash_finishes"

# Every acknowledged write against the image: the guest's log names the
# file (C: created under /t, R: renamed to /d/fSLOT, H: a handle file),
# W the bytes written, and the pattern is fscrash.c's.
python3 - "$OUT.guest" "$img" "$LOGDIR/$name.check" <<'PY' >"$OUT.check" 2>&1 || why+=" $(tail -n 5 "$OUT.check" | tr '\n' ' ');"
import os, subprocess, sys, tempfile
log, img, work = sys.argv[1:]
where, writes, last_in_slot = {}, {}, {}
for line in open(log):
    w = line.split()
    if len(w) == 3 and w[0] == "C":
        where[int(w[1])] = "/t/f%s" % w[1]
    elif len(w) == 3 and w[0] == "H":
        where[100000 + int(w[1])] = "/h%s" % w[1]
    elif len(w) == 3 and w[0] == "R":
        k, slot = int(w[1]), int(w[2])
        where[k] = "/d/f%d" % slot
        if slot in last_in_slot:
            del where[last_in_slot[slot]]  # replaced: its bytes are gone
        last_in_slot[slot] = k
    elif len(w) == 4 and w[0] == "W":
        writes.setdefault(int(w[1]), []).append((int(w[2]), int(w[3])))
def pattern(k, off, n):
    return bytes((k * 131 + o + o // 251) % 251 for o in range(off, off + n))
os.makedirs(work, exist_ok=True)
checked = bad = 0
for k, path in sorted(where.items()):
    out = os.path.join(work, "f%d" % k)
    if os.path.exists(out):
        os.unlink(out)
    subprocess.run(["debugfs", "-R", "dump %s %s" % (path, out), img], capture_output=True)
    data = open(out, "rb").read() if os.path.exists(out) else None
    for off, n in writes.get(k, []):
        checked += 1
        if data is None or data[off:off + n] != pattern(k, off, n):
            bad += 1
            print("acknowledged write lost: file %d (%s) bytes %d-%d" % (k, path, off, off + n))
print("checked %d %d %d" % (checked, bad, len(where)))
sys.exit(1 if bad or checked == 0 else 0)
PY
result "every_acknowledged_write_is_on_the_disk"

leaked() {
	grep "^$1:" "$OUT.e2fsck" | grep -oE ' -[0-9]+(--[0-9]+)?' |
		awk -F- '{n += NF == 4 ? $4 - $2 + 1 : 1} END {print n + 0}'
}
e2fsck -fn "$img" >"$OUT.e2fsck" 2>&1
fsck=$?
# Exit 4 with only leaks is what an interrupted change may leave: blocks
# or inodes marked in use that nothing uses, an inode written but never
# linked (created, cut off before its directory entry: e2fsck says
# "Unattached zero-length inode", then "Unattached inode"), the free
# counts that follow, a link count too high (a rename cut off between
# the new entry and the old one's removal; the order at the top of
# servers/fs/ext2.h). A link count too low would be an error.
other=$(grep -E '^[A-Z]' "$OUT.e2fsck" | grep -vcE '^(Pass [1-5]|Block bitmap differences|Inode bitmap differences|Free (blocks|inodes) count wrong|Unattached (zero-length )?inode|Padding at end|Inode [0-9]+ ref count is [0-9]+, should be [0-9]+|Fix\?|Connect to|Clear\?|WARNING|[^ ]+: [0-9]+/[0-9]+ files|[^ ]+: \*+)')
# "Inode N ref count is HIGH, should be LOW": too high is a leak.
high=$(sed -nE 's/^Inode [0-9]+ ref count is ([0-9]+), should be ([0-9]+).*/\1 \2/p' "$OUT.e2fsck" |
	awk '$1 > $2 {h++} $1 <= $2 {l++} END {print h + 0, l + 0}')
read -r high low <<<"$high"
other=$((other + low))
if [[ $fsck -eq 0 ]]; then
	fsck_result="clean"
elif [[ $fsck -eq 4 && $other -eq 0 ]]; then
	# The leaked blocks and inodes: the "-N" and "-N--M" of the bitmap differences.
	blocks=$(leaked 'Block bitmap differences')
	inodes=$(($(leaked 'Inode bitmap differences') + $(sed -nE 's/^Unattached (zero-length )?inode ([0-9]+).*/\2/p' "$OUT.e2fsck" | sort -u | wc -l)))
	fsck_result="leaks only: $blocks blocks, $inodes inodes in use that nothing uses, $high link counts too high"
	fsck_result+=" (and the free counts that follow)"
else
	fsck_result="errors (exit $fsck)"
	why+=" e2fsck -fn: $(grep -E '^[A-Z]' "$OUT.e2fsck" | head -n 5 | tr '\n' ' ');"
fi
result "e2fsck_finds_nothing_but_leaks"

summary=$(sed -nE 's/^fscrash: ([0-9]+ crashes.*)/\1/p' "$OUT.guest")
read -r _ checked lost files <<<"$(grep '^checked' "$OUT.check")"
echo "# fscrash: ${summary:-no summary}; ${checked:-0} acknowledged writes checked in ${files:-0} files, ${lost:-?} lost; e2fsck -fn: $fsck_result"
finish
