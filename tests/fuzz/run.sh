#!/usr/bin/env bash
# Runs a libFuzzer target for a bounded time and reports TAP: first every
# input of the corpus folders once (the regression inputs among them),
# then SECONDS of fuzzing from them.
#   tests/fuzz/run.sh TARGET SECONDS CORPUS SEED-DIR...
# New inputs go to CORPUS; a failing input to CORPUS/../NAME-crash-*, its
# path printed. Each input must finish within 10 s (a hang is a failure).
set -uo pipefail

target=$1 seconds=$2 corpus=$3
shift 3
name=$(basename "$target")
mkdir -p "$corpus"
art="$(dirname "$corpus")/$name-"
opts=(-timeout=10 -rss_limit_mb=2048 -max_len=524288 -print_final_stats=1 -artifact_prefix="$art")
seeds=()
for d in "$@"; do
	[[ -d $d ]] && seeds+=("$d")
done

fail=0
n=0
report() { # ok? description
	n=$((n + 1))
	if [[ $1 -eq 0 ]]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fail=1; fi
}

files=$(find "${seeds[@]}" -type f ! -name '.*' | sort)
"$target" "${opts[@]}" -runs=0 $files >/dev/null 2>"$corpus.replay.log"
st=$?
[[ $st -ne 0 ]] && cat "$corpus.replay.log"
report $st "$name replays $(echo "$files" | grep -c .) seed and regression inputs"

"$target" "${opts[@]}" -max_total_time="$seconds" "$corpus" "${seeds[@]}" 2>"$corpus.log"
st=$?
runs=$(grep -oE 'stat::number_of_executed_units: *[0-9]+' "$corpus.log" | grep -oE '[0-9]+$')
cov=$(grep -oE 'cov: [0-9]+' "$corpus.log" | tail -1)
if [[ $st -ne 0 ]]; then
	grep -A40 -E '^==[0-9]+==|runtime error|ALARM|deadly signal' "$corpus.log" | head -80
	ls "$art"* 2>/dev/null
fi
report $st "$name fuzzes for ${seconds} s: ${runs:-?} executions, ${cov:-cov ?}"
exit $fail
