#!/usr/bin/env bash
# The network on the loopback interface: nettest (tests/net/) uses the C
# library's sockets over the network server on 127.0.0.1 with netecho,
# another client, as the echo server; it resets connections while the
# server holds their pcbs, crashes the server and kills netecho. Every
# TAP line of nettest is a test here; then the log must show no lwIP
# assertion, one restart of the server, and netecho's sockets reclaimed.
set -uo pipefail
cd "$(dirname "$0")/../.."
. tests/qemu/lib.sh

boot netlo --manifest tests/net/manifest.txt
task='^(\[task [0-9]+\] )?'
relay_tap "$task"
expect_line "$task"'nettest: [0-9]+ passed, 0 failed$'
expect_status "$EXIT_PASS"
result "nettest_finishes"

expect_line "$task"'net: no NIC \(.*\): loopback \(127\.0\.0\.1\) only$'
expect_no_line 'lwIP assertion failed'
expect_count 1 'net \(generation [0-9]+\): page fault'
expect_line 'net \(generation 2\): up again'
result "the_server_restarted_once_and_lwip_never_asserted"

expect_line "$task"'net: client netecho \(generation 1\) is gone: its [0-9]+ sockets freed$'
result "the_server_reclaimed_the_killed_clients_sockets"
finish
