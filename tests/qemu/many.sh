#!/usr/bin/env bash
# The most servers a manifest may hold, all running: 63 copies of hello and
# suptest as "census", which waits until every one is up and ends QEMU.
set -uo pipefail
cd "$(dirname "$0")/../.."
BOOT_TIMEOUT=30
. tests/qemu/lib.sh

mkdir -p build/test-logs/qemu/many
manifest=build/test-logs/qemu/many/manifest.txt
{
	for i in $(seq 1 63); do
		printf 'server hello%02d\n\tbinary hello.elf\n\tmemory 256K\n\trestart never\n\n' "$i"
	done
	printf 'server census\n\tbinary suptest.elf\n\tpriority 20\n\tmemory 1M\n\tports 0xf4 4\n'
} >"$manifest"

boot many --manifest "$manifest"
expect_status "$EXIT_PASS"
expect_line '^supervisor: 64 servers started$'
expect_line '^\[task [0-9]+\] census: 64 of 64 servers up$'
result "sixty_four_servers_start_and_run"
finish
