#!/usr/bin/env bash
# `make demo`: a narrated tour on the terminal (docs/demo.md). The IPC
# benchmark beside Linux's figure; then what make run boots, with the
# workload (servers/workload/) added and the host's curl fetching a file
# from httpd through a forwarded port, while the console, the disk driver,
# the filesystem, the NIC driver, the network server, hello and the shell
# are crashed or killed in turn at the shell (scripts/demo.py); then every
# acknowledged change checked on the disk (scripts/workload-check.sh) and
# a table, per server: recovery time, retried requests, errors, acked
# changes, TCP transfers. Ends by itself; exits 0 when every server came
# back, nothing acknowledged was lost and e2fsck finds nothing worse than
# leaks.
#
#   scripts/demo.sh    DEMO_SHORT=1: fewer rounds and transfers between
#                      faults, a smaller file (the test suite's qemu/demo);
#                      DEMO_OUT=DIR: where its files go (build/demo)
#
# Everything goes under DEMO_OUT: the disk (a fresh image from disk/
# plus the file curl fetches: make run's disk is never touched), the
# manifest, the guest's transcript (serial.log), the workload's log
# (workload.log), and summary.txt, one machine-readable line a result.
set -euo pipefail
cd "$(dirname "$0")/.."
accel=${ACCEL:-$(scripts/accel.sh)}
short=${DEMO_SHORT:-0}
out=${DEMO_OUT:-build/demo}
mkdir -p "$out"
rm -f "$out"/serial.log "$out"/workload.log "$out"/summary.txt "$out"/verdicts.txt

# The disk, the manifest, the port; scripts/demo.py does the rest.
src_dir=$out/disk-src
img=$out/demo.img
rm -rf "$src_dir" "$img"
cp -r disk "$src_dir"
mkdir -p "$src_dir/www/demo"
# What curl fetches again and again, checked by its SHA-256: 8 MiB (2 MiB
# in the short mode), so that a transfer lasts long enough to be in flight
# when a fault comes.
python3 -c 'import hashlib, sys
data = b"".join(hashlib.sha256(b"kestrel demo %d" % i).digest() for i in range(int(sys.argv[2]) // 32))
open(sys.argv[1], "wb").write(data)' "$src_dir/www/demo/blob.bin" $(((short ? 2 : 8) << 20))
mke2fs -q -F -t ext2 -d "$src_dir" "$img" 64M
manifest=$out/manifest.txt
awk '{ print } /^server shell$/ { print "\tports 0xf4 4 # added by scripts/demo.sh: poweroff ends QEMU" }' \
	servers/manifest.txt >"$manifest"
cat servers/workload/manifest.txt >>"$manifest"
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')

exec python3 scripts/demo.py --accel "$accel" --short "$short" --out "$out" --port "$port" \
	--blob "$src_dir/www/demo/blob.bin" --image "$img" -- scripts/qemu.sh --test --accel "$accel" \
	--timeout 600 --manifest "$manifest" --disk "$img" --net --hostfwd "tcp:127.0.0.1:$port-:80" \
	--serial2 "$out/workload.log" -- build/kernel/kernel.bin
