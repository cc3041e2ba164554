#!/usr/bin/env bash
# docs/first-hour.md, checked: tests/qemu/firsthour.py boots what `make
# run` boots (servers/manifest.txt, with the isa-debug-exit port added to
# the shell's block so that the last poweroff ends QEMU with a status) on a
# fresh copy of make run's disk and types the page's transcripts.
set -uo pipefail
cd "$(dirname "$0")/../.."
. tests/qemu/lib.sh

img=$LOGDIR/firsthour.img
manifest=$LOGDIR/fh/manifest.txt # the supervisor finds it by that name (module names: 40 bytes)
rm -rf "$img" "$(dirname "$manifest")"
mkdir -p "$(dirname "$manifest")"
cp "$(scripts/disk-image.sh)" "$img"
awk '{ print } /^server shell$/ { print "\tports 0xf4 4 # added by tests/qemu/firsthour.sh: poweroff" }' \
	servers/manifest.txt >"$manifest"
exec python3 tests/qemu/firsthour.py ${FIRSTHOUR_PRINT:+--print} "$LOGDIR/firsthour.log" "$EXIT_PASS" \
	docs/first-hour.md -- scripts/qemu.sh --test --accel "$ACCEL" --timeout 240 --net \
	--manifest "$manifest" --disk "$img" -- "$KERNEL"
