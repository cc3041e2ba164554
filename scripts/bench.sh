#!/usr/bin/env bash
# `make bench`: the figures of the running system, as a table, then one
# machine-readable line. Guest instruction counts come from a TCG run with
# -icount shift=0, where rdtsc counts guest instructions; wall times are
# the median of several runs on this (noisy, shared) host.
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

printf '%-44s %14s\n' "figure" "value"
printf '%-44s %14s\n' "boot, entry to banner (guest instructions)" "$boot_instr"
printf '%-44s %11s ms\n' "boot, QEMU start to power-off (wall, median)" "$wall_ms"
echo "boot_instr=$boot_instr boot_wall_ms=$wall_ms accel=tcg-icount"
