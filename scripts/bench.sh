#!/usr/bin/env bash
# `make bench`: the figures of the running system, as a table, then one
# machine-readable line. Guest instruction counts come from a TCG run with
# -icount shift=0, where rdtsc counts guest instructions; wall times are
# the median of several runs on this (noisy, shared) host. The Linux
# figures come from scripts/bench-linux.sh: Debian's kernel on the same
# QEMU machine, in the same units (ACCEL=kvm there gives cycles instead).
set -euo pipefail
cd "$(dirname "$0")/.."
KERNEL=build/kernel/kernel.bin
runs=${BENCH_RUNS:-5}
mkdir -p build/bench

out=build/bench/boot-icount.log
scripts/qemu.sh --test --accel tcg --icount --timeout 60 --append shutdown -- "$KERNEL" \
	</dev/null >"$out" 2>&1 || [[ $? -eq 33 ]]
boot_instr=$(sed -n 's/^boot: \([0-9]*\) TSC from entry to banner.*/\1/p' "$out" | tr -d '\r')
[[ -n $boot_instr ]] || { echo "bench: no boot figure in $out" >&2; exit 1; }

walls=()
for ((i = 0; i < runs; i++)); do
	t0=$(date +%s%N)
	scripts/qemu.sh --test --accel tcg --timeout 60 --append shutdown -- "$KERNEL" \
		</dev/null >build/bench/boot-wall.log 2>&1 || [[ $? -eq 33 ]]
	walls+=($((($(date +%s%N) - t0) / 1000000)))
done
wall_ms=$(printf '%s\n' "${walls[@]}" | sort -n | sed -n "$(((runs + 1) / 2))p")

linux_out=build/bench/linux/bench.txt
mkdir -p "${linux_out%/*}"
scripts/bench-linux.sh >"$linux_out"
# linux_figure NAME: "MEDIAN P99 MIN" from linuxbench's line for NAME.
linux_figure() {
	local f
	f=$(sed -n "s/^linuxbench $1 median=\([0-9]*\) p99=\([0-9]*\) min=\([0-9]*\) .*/\1 \2 \3/p" "$linux_out")
	[[ -n $f ]] || { echo "bench: no $1 figure in $linux_out" >&2; exit 1; }
	echo "$f"
}
linux_kernel=$(sed -n 's/^linuxbench kernel \([^ ]*\) .*/\1/p' "$linux_out")
linux_accel=$(sed -n 's/^linuxbench accel=\([^ ]*\) .*/\1/p' "$linux_out")
linux_unit=$(sed -n 's/^linuxbench accel=.* unit=\([a-z]*\)$/\1/p' "$linux_out")
[[ $linux_unit == instructions ]] && linux_unit="guest instructions"

printf '%-44s %14s\n' "figure" "value"
printf '%-44s %14s\n' "boot, entry to banner (guest instructions)" "$boot_instr"
printf '%-44s %11s ms\n' "boot, QEMU start to power-off (wall, median)" "$wall_ms"
echo
printf '%-44s %8s %8s %8s\n' "Linux $linux_kernel ($linux_unit)" median p99 min
medians=""
for row in "null_syscall:null system call (getppid)" "pipe_rt:pipe round trip, two processes" \
	"futex_rt:futex round trip, two processes" "rdtsc_overhead:empty timed region (not subtracted)"; do
	name=${row%%:*}
	fig=$(linux_figure "$name")
	read -r med p99 min <<<"$fig"
	printf '%-44s %8s %8s %8s\n' "${row#*:}" "$med" "$p99" "$min"
	medians+=" linux_$name=$med"
done
echo "boot_instr=$boot_instr boot_wall_ms=$wall_ms accel=tcg-icount$medians linux_accel=$linux_accel"
