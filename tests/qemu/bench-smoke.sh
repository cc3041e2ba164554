#!/usr/bin/env bash
# A quick run of the IPC benchmark (200 iterations, fast path on): checks
# that every figure make bench reads is there, positive, consistent
# (min <= median <= p99) and sensibly ordered; then the recovery run
# (scripts/bench-recovery.sh): figures for each server of the default
# image; then the disk benchmark (scripts/bench-disk.sh, the whole of it:
# a few seconds) and the file benchmark (scripts/bench-files.sh, the whole
# of it: a few seconds), Kestrel's halves only (Linux's boot is make
# bench's). No
# thresholds: figures are make bench's business, never a test's.
set -uo pipefail
cd "$(dirname "$0")/../.."
. tests/qemu/lib.sh

OUT=build/test-logs/qemu/bench-smoke.txt
ACCEL=$ACCEL scripts/bench-kestrel.sh --iters 200 >"$OUT" 2>&1
status=$?
[[ $status -eq 0 ]] || why+=" scripts/bench-kestrel.sh failed with status $status;"
result "benchmark_runs_to_the_end"

declare -A med
names="rdtsc_overhead null_syscall page_map_inter page_copy_inter notify_wake share_4k share_64k"
for where in inter intra; do
	for w in 0 1 4 8 64; do
		names+=" ipc_rt_${where}_${w}w"
	done
done
for n in $names; do
	line=$(grep -E "^kbench $n median=[0-9]+ p99=[0-9]+ min=[0-9]+ iters=200$" "$OUT")
	if [[ -z $line ]]; then
		why+=" no well-formed line for $n;"
		continue
	fi
	read -r m p mn <<<"$(sed 's/.* median=\([0-9]*\) p99=\([0-9]*\) min=\([0-9]*\) .*/\1 \2 \3/' <<<"$line")"
	[[ $mn -gt 0 && $mn -le $m && $m -le $p ]] || why+=" $n: min $mn, median $m, p99 $p are not 0 < min <= median <= p99;"
	med[$n]=$m
done
result "every_figure_is_present_and_consistent"

order() { # order A B: median of A below median of B
	[[ -n ${med[$1]:-} && -n ${med[$2]:-} && ${med[$1]} -lt ${med[$2]} ]] ||
		why+=" $1 (${med[$1]:-none}) is not below $2 (${med[$2]:-none});"
}
order rdtsc_overhead null_syscall
order null_syscall ipc_rt_inter_0w
order null_syscall notify_wake
order ipc_rt_inter_8w ipc_rt_inter_64w
order ipc_rt_intra_8w ipc_rt_intra_64w
order ipc_rt_inter_0w page_map_inter
order ipc_rt_inter_64w page_copy_inter
order share_4k page_copy_inter
order share_4k share_64k
result "figures_are_ordered_sensibly"

# The disk rows: 4 KiB and 64 KiB requests through the virtio-blk driver.
OUT=build/test-logs/qemu/bench-smoke-disk.txt
ACCEL=$ACCEL scripts/bench-disk.sh >"$OUT" 2>&1
status=$?
[[ $status -eq 0 ]] || why+=" scripts/bench-disk.sh failed with status $status;"
result "disk_benchmark_runs_to_the_end"

for n in read_4k write_4k read_64k write_64k read_64k_dma write_64k_dma; do
	line=$(grep -E "^blkbench $n median=[0-9]+ p99=[0-9]+ min=[0-9]+ iters=[0-9]+$" "$OUT")
	if [[ -z $line ]]; then
		why+=" no well-formed line for $n;"
		continue
	fi
	read -r m p mn <<<"$(sed 's/.* median=\([0-9]*\) p99=\([0-9]*\) min=\([0-9]*\) .*/\1 \2 \3/' <<<"$line")"
	[[ $mn -gt 0 && $mn -le $m && $m -le $p ]] || why+=" $n: min $mn, median $m, p99 $p are not 0 < min <= median <= p99;"
	med[$n]=$m
done
order read_4k read_64k
order write_4k write_64k
order read_64k_dma read_64k   # no copy is cheaper than a copy
order write_64k_dma write_64k
result "disk_figures_are_present_and_ordered"

# The file rows: the C library's file calls through fs on an ext2 image.
OUT=build/test-logs/qemu/bench-smoke-files.txt
ACCEL=$ACCEL scripts/bench-files.sh >"$OUT" 2>&1
status=$?
[[ $status -eq 0 ]] || why+=" scripts/bench-files.sh failed with status $status;"
result "file_benchmark_runs_to_the_end"

for n in read_4k_cached read_4k_disk write_4k_fsync create_unlink read_1m; do
	line=$(grep -E "^filebench $n median=[0-9]+ p99=[0-9]+ min=[0-9]+ iters=[0-9]+$" "$OUT")
	if [[ -z $line ]]; then
		why+=" no well-formed line for $n;"
		continue
	fi
	read -r m p mn <<<"$(sed 's/.* median=\([0-9]*\) p99=\([0-9]*\) min=\([0-9]*\) .*/\1 \2 \3/' <<<"$line")"
	[[ $mn -gt 0 && $mn -le $m && $m -le $p ]] || why+=" $n: min $mn, median $m, p99 $p are not 0 < min <= median <= p99;"
	med[$n]=$m
done
order read_4k_cached read_4k_disk   # the disk costs more than the cache
order read_4k_cached read_1m
order read_4k_disk write_4k_fsync   # a write waits for the data and the flush
result "file_figures_are_present_and_ordered"

# The recovery rows: each server of the default image crashed by
# bench/recovery's client, then called until its new instance answers.
OUT=build/test-logs/qemu/bench-smoke-recovery.txt
ACCEL=$ACCEL scripts/bench-recovery.sh >"$OUT" 2>&1
status=$?
[[ $status -eq 0 ]] || why+=" scripts/bench-recovery.sh failed with status $status;"
result "recovery_run_crashes_every_server_and_ends"

for s in $(scripts/bench-recovery.sh --names); do
	line=$(grep -E "^recovery $s fault_to_ready=[1-9][0-9]* fault_to_answer=([1-9][0-9]*|-) generation=2$" "$OUT")
	if [[ -z $line ]]; then
		why+=" no well-formed recovery line for $s (positive figures, generation 2);"
		continue
	fi
	read -r ready answer <<<"$(sed -E 's/.* fault_to_ready=([0-9]+) fault_to_answer=([0-9]+|-) .*/\1 \2/' <<<"$line")"
	# Only the shell answers no request; an answer comes after the ready.
	if [[ $answer == - && $s != shell ]]; then
		why+=" $s: no first answer;"
	elif [[ $answer != - && $answer -le $ready ]]; then
		why+=" $s: its first answer ($answer) is not after its ready ($ready);"
	fi
done
result "every_server_of_the_default_image_has_its_recovery_figures"
finish
