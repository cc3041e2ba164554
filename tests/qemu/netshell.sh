#!/usr/bin/env bash
# The shell's network commands on what make run boots: servers/manifest.txt
# (httpd among its servers) with the isa-debug-exit port added to the
# shell's block, netecho (tests/net/) as a TCP and UDP echo server on
# port 7 and ncpeer (tests/netshell/) as the other end of nc -l, on an
# ext2 image made from disk/ as make run's is. tests/qemu/netshell.py
# types host and nc at the shell (connecting, listening, UDP, refused,
# Ctrl-C, Ctrl-D, the peer's close, a request to httpd by hand), crashes
# the network server and httpd and fetches again, and, when the network
# server drives the NIC, fetches /www/index.html from the host through
# make run's port forward. One TAP line a check.
set -uo pipefail
cd "$(dirname "$0")/../.."
. tests/qemu/lib.sh

img=$LOGDIR/netshell.img
manifest=$LOGDIR/netsh/manifest.txt # the supervisor finds it by that name (a module name: 39 bytes at most)
rm -rf "$img" "$(dirname "$manifest")"
mkdir -p "$(dirname "$manifest")"
mke2fs -q -F -t ext2 -d disk "$img" 16M >"$img.mke2fs" 2>&1 || echo "mke2fs failed: $(cat "$img.mke2fs")"
awk '{ print } /^server shell$/ { print "\tports 0xf4 4 # added by tests/qemu/netshell.sh: poweroff" }' \
	servers/manifest.txt >"$manifest"
cat >>"$manifest" <<'BLOCKS'

# Added by tests/qemu/netshell.sh: the peers of the shell's nc.
server netecho
	binary nettest.elf
	priority 40
	restart never
	uses net

server ncpeer
	binary ncpeer.elf
	priority 40
	restart never
	uses net
BLOCKS
# A free port of the host's loopback for make run's forward to httpd.
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')

NETSHELL_TIMEOUT=${NETSHELL_TIMEOUT:-180}
exec python3 tests/qemu/netshell.py "$LOGDIR/netshell.log" "$EXIT_PASS" "$port" -- \
	scripts/qemu.sh --test --accel "$ACCEL" --timeout "$NETSHELL_TIMEOUT" \
	--manifest "$manifest" --disk "$img" --net --net-restrict --hostfwd "tcp:127.0.0.1:$port-:80" -- "$KERNEL"
