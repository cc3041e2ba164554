#!/usr/bin/env bash
# The disk: a raw image whose sectors 64-71 the host fills with a pattern;
# blktest (tests/blk/) reads it through the virtio-blk driver, writes a
# stream of its own with the driver crashed in the middle, and flushes;
# after QEMU exits the host checks that every write is in the image.
set -uo pipefail
cd "$(dirname "$0")/../.."
. tests/qemu/lib.sh

img=build/test-logs/qemu/blk.img
python3 - "$img" <<'PY'
import sys
img = bytearray(16384 * 512)
for s in range(64, 72):
    for i in range(0, 512, 32):
        rec = ("host %09d ................" % s).encode() + b"\0"
        img[s * 512 + i:s * 512 + i + 32] = rec
open(sys.argv[1], "wb").write(img)
PY

boot blk --manifest tests/blk/manifest.txt --disk "$img"
task='^\[task [0-9]+\] '
relay_tap "$task"
expect_line "$task"'blktest: [0-9]+ passed, 0 failed$'
expect_status "$EXIT_PASS"
expect_line '^\[supervisor [0-9]+ ms\] virtio_blk \(generation 2\): up again'
result "disk_client_finishes"

# Every write of the stream is in the image, as the guest wrote it.
python3 - "$img" >"$OUT.check" <<'PY'
import sys
img = open(sys.argv[1], "rb").read()
bad = 0
for w in range(200):
    for s in range(2048 + 8 * w, 2048 + 8 * w + 8):
        for i in range(0, 512, 32):
            rec = ("kest %09d ................" % s).encode() + b"\0"
            if img[s * 512 + i:s * 512 + i + 32] != rec:
                bad += 1
print(bad)
PY
[[ $(cat "$OUT.check") == 0 ]] || why+=" $(cat "$OUT.check") records of the stream are not in the image;"
result "every_acknowledged_write_is_in_the_image"
finish
