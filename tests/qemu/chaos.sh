#!/usr/bin/env bash
# One batch of the chaos campaign (short in make test; scripts/chaos.sh
# runs many for make chaos): make run's servers with the chaos service,
# make demo's workload (servers/workload/, its log on COM2 in
# $LOGDIR/NAME-workload.log) and the campaign's driver
# (tests/chaos/chaosdrive.c) boot on a fresh ext2 image; the chaos
# service injects CHAOS_FAULTS faults of every kind into random servers
# at CHAOS_RATE a second while the workload creates, writes, reads back,
# renames and removes files and calls hello and the time server, and the
# host fetches a file from httpd through a forwarded port, comparing
# every byte. Then the driver stops the workload and ends QEMU, and
# scripts/chaos-report.py checks every change the workload saw
# acknowledged against the image with e2fsck -fn's verdict
# (scripts/workload-check.sh) and writes the batch's figures
# ($LOGDIR/NAME.json).
# BOOT_DEVICES: more QEMU arguments. A batch still running 40 s before
# its timeout is looked into through QEMU's monitor
# (scripts/qemu-look.py: where the CPU is, a few times) into
# $LOGDIR/NAME-hang.txt.
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
wlog=$LOGDIR/$name-workload.log
# The supervisor finds the manifest by its module's name, which the boot
# information cuts to 40 bytes: a short directory of its own.
manifest=$(mktemp -d /tmp/kestrel-chaos.XXXXXX)/manifest.txt
trap 'rm -rf "$(dirname "$manifest")"' EXIT
rm -rf "$work" "$img" "$wlog"
mkdir -p "$work/src/chaos" "$work/src/www"
echo "$faults $rate $seed $seconds $target $kind" >"$work/src/chaos/campaign"
python3 -c 'import sys; open(sys.argv[1], "wb").write(bytes((i * 13 + i // 4093) & 0xFF for i in range(int(sys.argv[2]))))' \
	"$work/src/www/big.bin" "$big"
mke2fs -q -F -t ext2 -b 1024 -d "$work/src" "$img" 32M >"$work/mke2fs" 2>&1 || echo "mke2fs failed: $(cat "$work/mke2fs")"
# make run's manifest (with the chaos service), the workload and the
# driver.
cat servers/manifest.txt servers/workload/manifest.txt - >"$manifest" <<'M'

# Added by tests/qemu/chaos.sh: the campaign's driver.
server chaosdrive
	binary chaosdrive.elf
	priority 35 # above the workload: its deadlines hold while the workload runs
	restart never # so never a target
	uses fs
	uses chaos
	ports 0xf4 4
M

port=$(free_port)
monitor=$(dirname "$manifest")/monitor
rm -f "$LOGDIR/$name-hang.txt"
# shellcheck disable=SC2086 # BOOT_DEVICES: QEMU arguments, split on spaces
scripts/qemu.sh --test --accel "$ACCEL" --timeout "$timeout" --net --hostfwd "tcp:127.0.0.1:$port-:80" \
	--manifest "$manifest" --disk "$img" --serial2 "$wlog" -- "$KERNEL" \
	-monitor "unix:$monitor,server,nowait" ${BOOT_DEVICES:-} </dev/null >"$OUT" 2>&1 &
qemu=$!
(
	for ((t = 0; t < timeout - 40; t++)); do
		sleep 1
		kill -0 "$qemu" 2>/dev/null || exit 0
	done
	scripts/qemu-look.py "$monitor" "${KERNEL%.bin}.elf" >"$LOGDIR/$name-hang.txt" 2>&1
) &
look=$!

# The host's fetches, once the faults begin: each bounded in time, all
# of them in number; a whole answer with a wrong byte is corruption, one
# cut off (a restart of the network server or httpd) is not.
ok=0 failed=0 corrupted=0 corrupted_bytes=0 fetches=0
cmp_to=$work/src/www/big.bin
for ((i = 0; i < timeout * 10 && !fetches; i++)); do
	grep -q "chaosdrive: chaos start" "$OUT" 2>/dev/null && fetches=1
	kill -0 "$qemu" 2>/dev/null || break
	sleep 0.1
done
while ((fetches && ok + failed + corrupted < fetch_max)) && kill -0 "$qemu" 2>/dev/null &&
	! grep -q "chaosdrive: done" "$OUT"; do
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
kill "$look" 2>/dev/null
wait "$look" 2>/dev/null
tr -d '\r' <"$OUT" >"$OUT.txt" && mv "$OUT.txt" "$OUT"
case $status in
"$EXIT_PASS") word=pass ;;
"$EXIT_PANIC") word=panic ;;
*) word=hang ;;
esac
scripts/chaos-report.py batch "$OUT" "$wlog" "$img" "$word" "$ok $failed $corrupted $corrupted_bytes" "$LOGDIR/$name.json"

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
if [[ $kind == any ]]; then
	check 'len(set(k.split()[1] for k in b["injected"])) == 8' "not every kind injected"
	result "every_kind_of_fault_is_injected"
else
	check 'len(set(k.split()[1] for k in b["injected"])) == 1' "another kind than $kind injected"
	result "the_faults_asked_for_are_injected"
fi
check 'b["summary_seen"] and not b["not_back"] and not b["left_down"]' "a server did not come back"
check 'not b["useless"]' "a server came back unable to do its work"
result "every_server_comes_back"
check 'b["acks"] > 0 and not b["acks_lost"]' "acknowledged writes lost (or none acknowledged)"
check 'b["fsck_ok"]' "e2fsck -fn found damage"
result "no_acknowledged_write_is_lost_and_e2fsck_finds_nothing_but_leaks"
check 'b["fetch"]["corrupted"] == 0' "TCP content corrupted"
check 'b["fetch"]["ok"] > 0' "no fetch came whole, even once every server was back"
result "tcp_content_arrives_intact"
check 'b["workload_done"]' "the workload did not print its counts"
check 'b["idempotent"]["transparent"] > 0 and b["idempotent"]["failed"] * 1000 <= b["idempotent"]["total"]' \
	"more than 0.1% of idempotent requests failed"
result "idempotent_requests_recover_transparently"
echo "# chaos: $(scripts/chaos-report.py table "$LOGDIR/$name.json" | sed -n '/^faults injected/p;/^idempotent/p;/^acknowledged/p;/^TCP/p' | tr '\n' ';')"
finish
