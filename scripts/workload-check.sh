#!/usr/bin/env bash
# Checks what the workload (servers/workload/) saw acknowledged against the
# disk image it ran on, after QEMU has ended: each path's last
# acknowledged state, from the log's "workload: ack" lines in order
# ("ack PATH LEN fnv1a=HEX": PATH holds those bytes; "ack PATH gone": PATH
# names nothing), must be the image's (read with debugfs), and e2fsck -fn
# must find the image clean or with leaks only (scripts/e2fsck-verdict.sh).
# The log is the workload's COM2 file or a console transcript: a line
# counts wherever on it "workload: ack" starts, and a line cut short (an
# instance killed while printing) matches nothing.
#
#   scripts/workload-check.sh [--verdicts FILE] IMAGE LOG
#
# Prints what it checked, one line, then e2fsck's verdict, and each loss on
# a line of its own. --verdicts writes a line per ack line, in the log's
# order: "N ok PATH" (its last state, found), "N lost PATH" (its last
# state, not found: the image lost an acknowledged change) or "N replaced
# PATH" (a later ack line of the same path says what it holds now).
# Exits 0 when nothing was lost and e2fsck finds nothing worse than leaks,
# 1 otherwise (and when the log holds no ack line: nothing was checked).
set -uo pipefail
verdicts=""
if [[ ${1:-} == --verdicts ]]; then
	verdicts=$2
	shift 2
fi
if [[ $# -ne 2 ]]; then
	echo "usage: scripts/workload-check.sh [--verdicts FILE] IMAGE LOG" >&2
	exit 2
fi
img=$1
log=$2
for f in "$img" "$log"; do
	[[ -f $f ]] || { echo "workload-check: no file $f" >&2; exit 2; }
done
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

python3 - "$img" "$log" "$work" "$verdicts" <<'PY'
import os, re, subprocess, sys

img, log, work, verdicts = sys.argv[1:]
ack = re.compile(r"workload: ack (/\S+) (?:(\d+) fnv1a=([0-9a-f]{16})|(gone))\s*$")

def fnv1a(data):
    h = 0xCBF29CE484222325
    for b in data:
        h = ((h ^ b) * 0x100000001B3) & 0xFFFFFFFFFFFFFFFF
    return h

acks = []  # (path, None for gone or (length, hash)), in the log's order
with open(log, "rb") as f:
    for raw in f:
        m = ack.search(raw.decode("utf-8", "replace").replace("\r", ""))
        if m:
            acks.append((m[1], None if m[4] else (int(m[2]), int(m[3], 16))))
if not acks:
    print("workload-check: no acknowledged change in %s: nothing to check" % log)
    sys.exit(1)
last = {path: i for i, (path, _) in enumerate(acks)}

# One debugfs for every path: dump each into work/N (nothing appears for a
# path that names nothing).
paths = sorted(last)
with open(os.path.join(work, "commands"), "w") as f:
    for n, path in enumerate(paths):
        f.write('dump "%s" "%s"\n' % (path, os.path.join(work, str(n))))
subprocess.run(["debugfs", "-f", os.path.join(work, "commands"), img], capture_output=True)

found, lost = {}, []
for n, path in enumerate(paths):
    want = acks[last[path]][1]
    out = os.path.join(work, str(n))
    data = open(out, "rb").read() if os.path.exists(out) else None
    if want is None:
        ok = data is None
        why = "removed, but it is on the disk (%d bytes)" % len(data) if not ok else ""
    elif data is None:
        ok, why = False, "%d bytes acknowledged, but it is not on the disk" % want[0]
    else:
        ok = len(data) == want[0] and fnv1a(data) == want[1]
        why = "" if ok else "%d bytes with fnv1a=%016x acknowledged, %d bytes with fnv1a=%016x on the disk" % (
            want[0], want[1], len(data), fnv1a(data))
    found[path] = ok
    if not ok:
        lost.append("workload-check: lost: %s: %s" % (path, why))

if verdicts:
    with open(verdicts, "w") as f:
        for i, (path, _) in enumerate(acks):
            verdict = "replaced" if last[path] != i else "ok" if found[path] else "lost"
            f.write("%d %s %s\n" % (i + 1, verdict, path))
files = sum(1 for p in paths if acks[last[p]][1] is not None)
print("workload-check: %d acknowledged changes to %d paths; the last of each checked on the image: "
      "%d files with their bytes, %d removals; %d lost" % (len(acks), len(paths), files, len(paths) - files, len(lost)))
for line in lost:
    print(line)
sys.exit(1 if lost else 0)
PY
status=$?
[[ $status -le 1 ]] || exit "$status"
verdict=$("$here/e2fsck-verdict.sh" "$img") || status=1
echo "workload-check: e2fsck -fn: $verdict"
exit "$status"
