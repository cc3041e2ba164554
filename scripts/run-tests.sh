#!/usr/bin/env bash
# Runs test suites and sums their results into one line, "N passed, N failed".
#
#   scripts/run-tests.sh "NAME=COMMAND" ...
#
# Each COMMAND prints TAP result lines ("ok N - name", "not ok N - name");
# other lines are kept in build/test-logs/NAME.log. A suite that exits with
# an error without reporting a failure, or reports nothing, counts as one
# failure, so a crash is never a pass. Exits 1 if anything failed.
set -uo pipefail

logdir=build/test-logs
mkdir -p "$logdir"
passed=0
failed=0
summary=$logdir/summary.txt # each suite's line and the total, for scripts/readme-figures.sh
: >"$summary"

for spec in "$@"; do
	name=${spec%%=*}
	cmd=${spec#*=}
	log="$logdir/${name//\//_}.log"
	start=$SECONDS
	bash -c "$cmd" >"$log" 2>&1
	status=$?
	ok=$(grep -cE '^ok ' "$log")
	bad=$(grep -cE '^not ok ' "$log")
	grep -E '^(not )?ok ' "$log" | sed "s|^|$name: |"
	if [[ $bad -eq 0 && ($status -ne 0 || $ok -eq 0) ]]; then
		echo "$name: not ok - suite exited with status $status after $ok passing tests (see $log)"
		bad=1
	fi
	if [[ $bad -ne 0 ]]; then
		echo "---- $log (last 40 lines) ----"
		tail -n 40 "$log"
		echo "----"
	fi
	echo "# $name: $ok passed, $bad failed in $((SECONDS - start)) s" | tee -a "$summary"
	passed=$((passed + ok))
	failed=$((failed + bad))
done

echo "$passed passed, $failed failed" | tee -a "$summary"
[[ $failed -eq 0 ]]
