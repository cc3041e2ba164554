#!/usr/bin/env bash
# One batch of the chaos campaign (short in make test; scripts/chaos.sh
# runs many for make chaos): make run's servers, the chaos service and
# the workload (tests/chaos/chaosload.c) boot on a fresh ext2 image; the
# chaos service injects CHAOS_FAULTS faults of every kind into random
# servers at CHAOS_RATE a second while the workload reads, writes and
# calls, and the host fetches a file from httpd through a forwarded
# port, comparing every byte. After QEMU exits, scripts/chaos-report.py
# checks every acknowledged write against the image and e2fsck -fn's
# verdict, and writes the batch's figures ($LOGDIR/NAME.json).
# BOOT_DEVICES: more QEMU arguments (a -monitor to look into a hang).
set -uo pipefail
cd "$(dirname "$0")/../.."
. tests/qemu/lib.sh

name=${CHAOS_NAME:-chaos}
faults=${CHAOS_FAULTS:-300}
rate=${CHAOS_RATE:-100}
seed=${CHAOS_SEED:-1}
target=${CHAOS_TARGET:-any}                 # chaos_start's: "any", "a,b" or "!a,b"
kind=${CHAOS_KIND:-any}                     # chaos_start's: "any" or an enum chaos_kind
seconds=${CHAOS_SECONDS:-120}             # guest seconds the workload may run
timeout=${CHAOS_TIMEOUT:-$((seconds * 4 + 120))} # real seconds QEMU may run
fetch_max=${CHAOS_FETCHES:-2000}           # host fetches at most
big=262144                                 # bytes of /www/big.bin
work=$LOGDIR/$name-files
img=$LOGDIR/$name.img
OUT=$LOGDIR/$name.log
# The supervisor finds the manifest by its module's name, which the boot
# information cuts to 40 bytes: a short directory of its own.
manifest=$(mktemp -d /tmp/kestrel-chaos.XXXXXX)/manifest.txt
trap 'rm -rf "$(dirname "$manifest")"' EXIT
rm -rf "$work" "$img"
mkdir -p "$work/src/chaos" "$work/src/w" "$work/src/www"
echo "$faults $rate $seed $seconds $target $kind" >"$work/src/chaos/campaign"
python3 - "$work/src" "$big" <<'PY'
import sys
src, big = sys.argv[1], int(sys.argv[2])
# tests/chaos/chaosload.c's data_byte
open(src + "/chaos/data", "wb").write(bytes((o * 7 + o // 256) & 0xFF for o in range(65536)))
open(src + "/www/big.bin", "wb").write(bytes((i * 13 + i // 4093) & 0xFF for i in range(big)))
PY
mke2fs -q -F -t ext2 -b 1024 -d "$work/src" "$img" 32M >"$work/mke2fs" 2>&1 || echo "mke2fs failed: $(cat "$work/mke2fs")"
# make run's manifest (with the chaos service) and the workload.
cat servers/manifest.txt - >"$manifest" <<'M'

# Added by tests/qemu/chaos.sh: the campaign's workload.
server workload
	binary chaosload.elf
	priority 30
	restart never # so never a target
	uses fs
	uses hello
	uses time
	uses chaos
	ports 0xf4 4
M

port=$(free_port)
# shellcheck disable=SC2086 # BOOT_DEVICES: QEMU arguments, split on spaces
scripts/qemu.sh --test --accel "$ACCEL" --timeout "$timeout" --net --hostfwd "tcp:127.0.0.1:$port-:80" \
	--manifest "$manifest" --disk "$img" -- "$KERNEL" ${BOOT_DEVICES:-} </dev/null >"$OUT" 2>&1 &
qemu=$!

# The host's fetches, once the workload runs: each bounded in time, all
# of them in number; a whole answer with a wrong byte is corruption, one
# cut off (a restart of the network server or httpd) is not.
ok=0 failed=0 corrupted=0 corrupted_bytes=0 fetches=0
cmp_to=$work/src/www/big.bin
for ((i = 0; i < timeout * 10 && !fetches; i++)); do
	grep -q "workload: chaos start" "$OUT" 2>/dev/null && fetches=1
	kill -0 "$qemu" 2>/dev/null || break
	sleep 0.1
done
while ((fetches && ok + failed + corrupted < fetch_max)) && kill -0 "$qemu" 2>/dev/null &&
	! grep -q "workload: done" "$OUT"; do
	if curl -s --max-time 8 -o "$work/got" "http://127.0.0.1:$port/big.bin" &&
		[[ $(stat -c %s "$work/got") -eq $big ]]; then
		if cmp -s "$work/got" "$cmp_to"; then
			ok=$((ok + 1))
		else
			corrupted=$((corrupted + 1))
			corrupted_bytes=$((corrupted_bytes + $(cmp -l "$work/got" "$cmp_to" | wc -l)))
			cp "$work/got" "$work/corrupted.$corrupted"
		fi
	else
		failed=$((failed + 1))
		sleep 0.2
	fi
done
wait "$qemu"
status=$?
tr -d '\r' <"$OUT" >"$OUT.txt" && mv "$OUT.txt" "$OUT"
case $status in
"$EXIT_PASS") word=pass ;;
"$EXIT_PANIC") word=panic ;;
*) word=hang ;;
esac
scripts/chaos-report.py batch "$OUT" "$img" "$word" "$ok $failed $corrupted $corrupted_bytes" "$LOGDIR/$name.json"

# The checks, from the batch's figures.
check() {
	python3 -c 'import json, sys; b = json.load(open(sys.argv[1])); sys.exit(0 if eval(sys.argv[2]) else 1)' \
		"$LOGDIR/$name.json" "$1" 2>/dev/null || why+=" $2;"
}
check 'b["status"] == "pass"' "QEMU's exit: $word (status $status)"
expect_no_line 'panic|PANIC'
result "the_kernel_neither_panics_nor_hangs"
check 'all(got == "ok" for _, got in b["hostile"]) and len(b["hostile"]) == 9' "a hostile request was not refused as it should"
result "chaos_refuses_bad_targets_kinds_rates_and_clients_without_the_right"
check "sum(b['injected'].values()) >= $faults" "fewer faults injected than $faults"
check 'len(set(k.split()[1] for k in b["injected"])) == 8' "not every kind injected"
result "every_kind_of_fault_is_injected"
check 'b["summary_seen"] and not b["not_back"] and not b["left_down"]' "a server did not come back"
result "every_server_comes_back"
check 'b["acks"] > 0 and not b["acks_lost"]' "acknowledged writes lost"
check 'b["fsck_ok"]' "e2fsck -fn found damage"
result "no_acknowledged_write_is_lost_and_e2fsck_finds_nothing_but_leaks"
check 'b["fetch"]["corrupted"] == 0' "TCP content corrupted"
check 'b["fetch"]["ok"] > 0' "no fetch came whole, even once every server was back"
result "tcp_content_arrives_intact"
check 'sum(c[0] for c in b["requests"].values()) > 0 and '\
'sum(b["requests"][n][1] for n in ("read", "stat", "echo", "time", "write")) * 1000 <= '\
'sum(sum(b["requests"][n][:2]) for n in ("read", "stat", "echo", "time", "write"))' \
	"more than 0.1% of idempotent requests failed"
result "idempotent_requests_recover_transparently"
echo "# chaos: $(scripts/chaos-report.py table "$LOGDIR/$name.json" | sed -n '/^faults injected/p;/^idempotent/p;/^acknowledged/p;/^TCP/p' | tr '\n' ';')"
finish
