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

# Clean, or leaks only: what an interrupted change may leave
# (scripts/e2fsck-verdict.sh says which lines those are).
fsck_result=$(scripts/e2fsck-verdict.sh "$img") || why+=" e2fsck -fn: $fsck_result;"
result "e2fsck_finds_nothing_but_leaks"

summary=$(sed -nE 's/^fscrash: ([0-9]+ crashes.*)/\1/p' "$OUT.guest")
read -r _ checked lost files <<<"$(grep '^checked' "$OUT.check")"
echo "# fscrash: ${summary:-no summary}; ${checked:-0} acknowledged writes checked in ${files:-0} files, ${lost:-?} lost; e2fsck -fn: $fsck_result"
finish
