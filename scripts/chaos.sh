#!/usr/bin/env bash
# make chaos: the fault-injection campaign. CHAOS_FAULTS faults (100,000)
# in batches of CHAOS_BATCH (2,000), each batch one QEMU run of
# tests/qemu/chaos.sh (its own fresh disk image, a new seed, bounded in
# time), CHAOS_JOBS batches at once (1). A batch whose kernel panics or
# hangs is counted and the campaign goes on; batches that injected fewer
# than asked (each is bounded in time) are topped up by more. At the end,
# scripts/chaos-report.py prints the campaign's table, which is also kept
# in build/chaos/table.txt (each batch's log and figures beside it).
set -uo pipefail
cd "$(dirname "$0")/.."

faults=${CHAOS_FAULTS:-100000}
batch=${CHAOS_BATCH:-2000}
jobs=${CHAOS_JOBS:-1}
rate=${CHAOS_RATE:-200}
seed=${CHAOS_SEED:-1}
export LOGDIR=build/chaos ACCEL=${ACCEL:-$(scripts/accel.sh)}
batches=$(((faults + batch - 1) / batch))
# Guest seconds a batch may inject for: about 15 faults a second get in
# under TCG (most servers are restarting or settling at any time).
seconds=$((batch / 10 + 30))
rm -rf "$LOGDIR"
mkdir -p "$LOGDIR"
echo "chaos: $faults faults in $batches batches of $batch, $jobs at a time, rate $rate a second, seeds $seed.."
run() {
	local b=$1 count=${2:-$batch} name
	name=$(printf 'b%04d' "$b")
	CHAOS_NAME=$name CHAOS_FAULTS=$count CHAOS_RATE=$rate CHAOS_SEED=$((seed + b)) CHAOS_SECONDS=$seconds \
		tests/qemu/chaos.sh >"$LOGDIR/$name.tap" 2>&1
	echo "chaos: batch $b: $(grep -c '^ok' "$LOGDIR/$name.tap") checks passed, $(grep -c '^not ok' "$LOGDIR/$name.tap") failed: $(grep '^# chaos' "$LOGDIR/$name.tap" | cut -c10-)"
}
for ((b = 1; b <= batches; b++)); do
	while (($(jobs -rp | wc -l) >= jobs)); do
		wait -n
	done
	run "$b" &
done
wait
# A batch is bounded in time, so it may inject fewer faults than asked
# (its servers restarting or settling): more batches, one at a time,
# until the campaign has its count.
injected() {
	python3 -c 'import json, sys; print(sum(sum(json.load(open(p))["injected"].values()) for p in sys.argv[1:]))' \
		"$LOGDIR"/b*.json 2>/dev/null || echo 0
}
for ((b = batches + 1, tries = 0; tries < 10 && $(injected) < faults; b++, tries++)); do
	short=$((faults - $(injected)))
	echo "chaos: $short faults short of $faults: one more batch"
	run "$b" $((short < batch ? short : batch))
done
scripts/chaos-report.py table "$LOGDIR"/b*.json | tee "$LOGDIR/table.txt"
