#!/usr/bin/env bash
# The network on QEMU's user network: the supervisor boots
# tests/netnic/manifest.txt (the virtio-net driver, the network server as
# its client, netecho and the shell) with two of the host's loopback ports
# forwarded to netecho's port 7, TCP and UDP; tests/qemu/netnic.py checks
# DHCP, types ifconfig, ping and netstat at the shell, runs the host's nc
# against netecho, compares netresolve's getaddrinfo with the host's own
# resolver, crashes the NIC driver in the middle of a 2 MB transfer
# and the network server while netecho listens. One TAP line a check.
# QEMU's user network is not restricted here: with --net-restrict its DHCP
# gives no gateway and no DNS server. The guest is sent only to QEMU's own
# addresses (10.0.2.2, 10.0.2.3) and the host's resolver behind 10.0.2.3.
set -uo pipefail
cd "$(dirname "$0")/../.."
. tests/qemu/lib.sh

if ! nc -h 2>&1 | grep -q OpenBSD; then
	echo "not ok 1 - the host's nc is not OpenBSD's (scripts/install-deps.sh installs netcat-openbsd)"
	exit 1
fi
# Free ports of the host's loopback: netecho's TCP and UDP, netresolve's.
read -r tcp_port udp_port dns_port < <(python3 -c '
import socket
t = socket.socket()
u, d = (socket.socket(socket.AF_INET, socket.SOCK_DGRAM) for _ in range(2))
for s in (t, u, d):
    s.bind(("127.0.0.1", 0))
print(*(s.getsockname()[1] for s in (t, u, d)))')

NETNIC_TIMEOUT=${NETNIC_TIMEOUT:-400}
exec python3 tests/qemu/netnic.py "$LOGDIR/netnic.log" "$EXIT_PASS" "$tcp_port" "$udp_port" "$dns_port" -- \
	scripts/qemu.sh --test --accel "$ACCEL" --timeout "$NETNIC_TIMEOUT" \
	--manifest tests/netnic/manifest.txt --net \
	--hostfwd "tcp::$tcp_port-:7" --hostfwd "udp::$udp_port-:7" --hostfwd "udp::$dns_port-:5300" \
	-- "$KERNEL"
