#!/usr/bin/env bash
# The in-system suite: boots the kernel with the ktest runner as the first
# task and its helper program as the second module. The runner prints one
# TAP line per test; they are copied here unchanged, so scripts/run-tests.sh
# counts each in-system test. A run that does not end with the runner's
# summary and QEMU's matching exit status adds one failing line.
#
# KTEST_APPEND adds boot options, e.g. "ktest.only=ipc ktest.seed=7";
# KTEST_NAME names the log (build/test-logs/qemu/NAME.log).
set -uo pipefail
cd "$(dirname "$0")/../.."
BOOT_TIMEOUT=${KTEST_TIMEOUT:-120}
. tests/qemu/lib.sh

runner=build/tests/ktest/ktest.elf
helper=build/tests/ktest/ktest-helper.elf
for f in "$KERNEL" "$runner" "$helper"; do
	[[ -f $f ]] || { echo "not ok 1 - ktest_boots: $f is missing (make user)"; exit 1; }
done

# QEMU's "edu" teaching device raises an MSI on request (test_irq.c).
BOOT_DEVICES="-device edu" boot "${KTEST_NAME:-ktest}" --append "${KTEST_APPEND:-}" --module "$runner" --module "$helper"
tap='^(not )?ok [0-9]+ - '
grep -E "$tap" "$OUT"
n=$(grep -cE "$tap" "$OUT")
bad=$(grep -cE '^not ok ' "$OUT")
summary=$(grep -E '^ktest: [0-9]+ passed, [0-9]+ failed$' "$OUT" | tail -n 1)

why=""
if [[ -z $summary ]]; then
	why="no summary line after $n tests; QEMU exit status $status"
	[[ $status -eq 124 ]] && why+=" (timed out after $BOOT_TIMEOUT s)"
	[[ $status -eq $EXIT_PANIC ]] && why+=" (kernel panic)"
elif [[ $bad -eq 0 && $status -ne $EXIT_PASS ]]; then
	why="all $n tests passed but QEMU exit status is $status, expected $EXIT_PASS"
elif [[ $bad -ne 0 && $status -ne $EXIT_FAIL ]]; then
	why="$bad tests failed but QEMU exit status is $status, expected $EXIT_FAIL"
fi
if [[ -n $why ]]; then
	echo "not ok $((n + 1)) - ktest_run_completes: $why (log: $OUT)"
	echo "# last lines of $OUT:"
	tail -n 30 "$OUT" | sed 's/^/#   /'
	exit 1
fi
echo "# $summary"

# What a_half_line_cannot_be_finished_by_another_writer wrote: the forged
# line must be the task's, and no line may start with it.
if grep -q '^# start a_half_line_cannot_be_finished_by_another_writer$' "$OUT"; then
	n=$((n + 1))
	if grep -qE '^\[task [0-9]+\] kernel: forged after a partial line$' "$OUT" &&
		! grep -q '^kernel: forged' "$OUT"; then
		echo "ok $n - console_lines_stay_marked"
	else
		echo "not ok $n - console_lines_stay_marked: the forged line is not marked as the task's (log: $OUT)"
		grep -n 'forge' "$OUT" | sed 's/^/#   /'
		bad=$((bad + 1))
	fi
fi
[[ $bad -eq 0 ]]
