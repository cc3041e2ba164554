#!/usr/bin/env bash
# make demo, in its short mode (DEMO_SHORT=1 scripts/demo.sh: fewer rounds
# and transfers between faults), into build/test-logs/qemu/demo/: it must
# end by itself with its table, the IPC benchmark must give a figure, each
# of the seven servers crashed or killed must come back, the workload must
# stop with no wrong answer, no acknowledged change may be lost, e2fsck
# must find nothing worse than leaks, and curl's transfers must complete
# (but while the network server is crashed: its connections die with it).
# No figure is checked: they are make bench's.
set -uo pipefail
cd "$(dirname "$0")/../.."
. tests/qemu/lib.sh

out=$LOGDIR/demo
rm -rf "$out"
mkdir -p "$out"
OUT=$LOGDIR/demo.log
ACCEL=$ACCEL DEMO_SHORT=1 DEMO_OUT=$out scripts/demo.sh >"$OUT" 2>&1
status=$?
expect_status 0
expect_line '^Done in [0-9]+ s: every server came back'
expect_line '^whole run +[0-9]+ '
result "the_demo_ends_by_itself_with_its_table"

OUT=$out/summary.txt
expect_line '^ipc rt=[1-9][0-9]* null=[1-9][0-9]* '
result "the_ipc_benchmark_gives_its_figure"

for s in console virtio_blk fs virtio_net net hello shell; do
	expect_line "^server name=$s fault=(crash|kill) back=1 ready_us=[1-9][0-9]* "
done
result "every_server_comes_back"

expect_line '^workload done=1 rounds=[1-9][0-9]* acked=[1-9][0-9]* wrong=0$'
expect_no_line '^server .* wrong=[1-9]'
result "the_workload_stops_and_saw_no_wrong_answer"

expect_line '^check status=0 lost=0 '
expect_no_line '^server .* lost=[1-9]'
result "no_acknowledged_change_is_lost"

expect_line '^check .* fsck=(clean|leaks_only)$'
result "e2fsck_finds_nothing_but_leaks"

for s in console virtio_blk fs virtio_net hello shell; do
	expect_line "^server name=$s .* tcp_ok=[1-9][0-9]* tcp_failed=0$"
done
expect_line '^server name=net .* tcp_ok=[1-9][0-9]* '
result "transfers_complete_across_every_fault_but_the_network_servers"

expect_line '^result ok$'
result "the_demo_reports_no_problem"
echo "# demo: $(grep -E '^(workload|check|tcp) ' "$OUT" | tr '\n' ' ')"
finish
