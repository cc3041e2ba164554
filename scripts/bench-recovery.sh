#!/usr/bin/env bash
# Boots the default image (servers/manifest.txt, as make run does), crashes
# each of its servers in turn from the shell and prints the supervisor's
# measure of each recovery (bench/recovery/recovery.py):
#
#   recovery NAME fault_to_ready=N generation=G
#
# N is in time-stamp counts from the fault message until the new instance
# said ready. ACCEL=tcg (the default) adds -icount shift=0, so N counts
# guest instructions (1 ns of guest time each); ACCEL=kvm gives cycles.
# The transcript is build/bench/recovery.log.
#
#   scripts/bench-recovery.sh [--names]
#
# --names only lists the servers it crashes, one a line, in that order.
set -euo pipefail
cd "$(dirname "$0")/.."
names=$(sed -nE 's/^server[[:space:]]+([^[:space:]#]+).*/\1/p' servers/manifest.txt)
if [[ ${1:-} == --names ]]; then
	echo "$names"
	exit 0
fi
[[ $# -eq 0 ]] || { echo "bench-recovery: unknown option $1" >&2; exit 2; }
accel=${ACCEL:-tcg}
out=build/bench
log=$out/recovery.log
mkdir -p "$out"

opts=(--test --accel "$accel" --timeout 300 --manifest servers/manifest.txt --disk "$(scripts/disk-image.sh)" --net)
[[ $accel == tcg ]] && opts+=(--icount)

# shellcheck disable=SC2086 # one argument per server name
python3 bench/recovery/recovery.py "$log" $names -- scripts/qemu.sh "${opts[@]}" -- build/kernel/kernel.bin
