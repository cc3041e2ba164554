#!/usr/bin/env bash
# The NIC: boots tests/nic/manifest.txt with a virtio-net card on QEMU's
# user network, restricted to QEMU's own addresses (scripts/qemu.sh --net
# --net-restrict); nictest (tests/nic/) attaches to the virtio-net driver,
# talks ARP and ICMP with the gateway, breaks the protocol every way it
# can, crashes the driver in a burst and attaches again; nicrival, a
# second client, must be refused while nictest is attached. Then the same
# without the card.
set -uo pipefail
cd "$(dirname "$0")/../.."
. tests/qemu/lib.sh

boot nic --manifest tests/nic/manifest.txt --net --net-restrict
task='^\[task [0-9]+\] '
relay_tap "$task"
expect_line "$task"'virtio_net: MAC 52:54:00:12:34:56, MTU 1500, queues of [0-9]+ and [0-9]+$'
expect_line "$task"'nictest: [0-9]+ passed, 0 failed$'
expect_status "$EXIT_PASS"
result "nic_client_finishes"

expect_line "$task"'nicrival: attach while another client is attached: something is already mapped or bound there$'
expect_line "$task"'nicrival: detach: success; the other client is still attached$'
result "a_second_client_is_refused_and_cannot_detach_the_first"

expect_line '^\[supervisor [0-9]+ ms\] virtio_net \(generation 1\): page fault \(address 0, ip 0'
expect_line '^\[supervisor [0-9]+ ms\] virtio_net \(generation 2\): up again'
expect_no_line 'virtio_net \(generation 3\)'
result "the_driver_is_restarted_once_after_its_crash"

# Without the card, the driver says why and stays up, answering its
# client, rather than being restarted in a loop.
boot nic-nocard --manifest tests/nic/manifest.txt
expect_line "$task"'virtio_net: cannot set up the card \(nothing is mapped or bound there\); answering that to every call$'
expect_line "$task"'nictest: without a card the driver answers: nothing is mapped or bound there$'
expect_no_line 'virtio_net \(generation 2\)'
expect_status "$EXIT_PASS"
result "without_its_card_the_driver_stays_up_and_says_why"
finish
