#!/usr/bin/env bash
# make fuzz: the long system-call fuzzing campaign. Boots the in-system
# suite once per seed with only the fuzz test, CALLS calls long, every
# other seed with the IPC fast path off, and sums what each run printed:
# calls made, kernel faults (a run the kernel did not survive: a panic, a
# halt, or no summary line; must be 0) and pages leaked (must be 0).
#
#   scripts/fuzz.sh [SEED...]     FUZZ_CALLS=N (default 1,000,000 per seed)
#
# Without seeds it runs FUZZ_SEEDS (default 4) seeds 1, 2, ...; a failing
# seed is replayed with `KTEST_APPEND="ktest.only=fuzz ktest.seed=S"
# tests/qemu/ktest.sh`, and ktest.fuzztrace=1 prints every call.
set -uo pipefail
cd "$(dirname "$0")/.."

calls=${FUZZ_CALLS:-1000000}
seeds=("$@")
if [[ ${#seeds[@]} -eq 0 ]]; then
	for ((i = 1; i <= ${FUZZ_SEEDS:-4}; i++)); do seeds+=("$i"); done
fi
# Under TCG 100,000 calls take under 2 s of guest time; allow much more.
timeout=$((60 + calls / 1000))

total_calls=0
kernel_faults=0
leaked=0
failed=0
runs=0
for seed in "${seeds[@]}"; do
	append="ktest.only=fuzz ktest.seed=$seed ktest.fuzzcalls=$calls"
	path=fast
	if ((runs % 2 == 1)); then
		append+=" fastpath=off"
		path=general
	fi
	runs=$((runs + 1))
	name=fuzz-$seed
	KTEST_NAME=$name KTEST_APPEND=$append KTEST_TIMEOUT=$timeout tests/qemu/ktest.sh >/dev/null
	log=build/test-logs/qemu/$name.log
	summary=$(grep -aE '^# fuzz summary: ' "$log" | tail -n 1)
	made=$(sed -nE 's/^# fuzz summary: seed [^,]*, ([0-9]+) calls.*/\1/p' <<<"$summary")
	lost=$(sed -nE 's/.* ([0-9]+) pages leaked.*/\1/p' <<<"$summary")
	verdict=ok
	if grep -aqE '^(kernel halted|panic|assertion failed)|kernel panic' "$log" || [[ -z $summary ]]; then
		kernel_faults=$((kernel_faults + 1))
		verdict="KERNEL FAULT"
	fi
	if ! grep -aqE '^ok [0-9]+ - fuzzed_system_calls_leave_the_kernel_working' "$log" ||
		! grep -aqE '^ok [0-9]+ - kernel_serves_calls_after_fuzzing' "$log"; then
		failed=$((failed + 1))
		[[ $verdict == ok ]] && verdict=FAILED
	fi
	total_calls=$((total_calls + ${made:-0}))
	leaked=$((leaked + ${lost:-0}))
	line=$(grep -aE '^# fuzz: [0-9]+ calls in' "$log" | tail -n 1)
	printf 'seed %-6s %-7s path: %s (%s pages leaked) %s\n' "$seed" "$path" "${line#\# fuzz: }" \
		"${lost:-?}" "$verdict"
	[[ $verdict == ok ]] || { echo "  log: $log"; grep -aE '^not ok|^kernel|fuzz: fault' "$log" | tail -n 8 | sed 's/^/  /'; }
done

echo "fuzz: $total_calls calls over ${#seeds[@]} seeds, $kernel_faults kernel faults, $leaked pages leaked, $failed failed runs"
[[ $kernel_faults -eq 0 && $leaked -eq 0 && $failed -eq 0 ]]
