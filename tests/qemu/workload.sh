#!/usr/bin/env bash
# The workload (servers/workload/) under faults: tests/workload/manifest.txt
# on a fresh ext2 image, the workload's log on COM2 (--serial2); wlfaults
# crashes and kills fs, hello, virtio_blk and rtc under it, waiting after
# each for rounds to finish, restarts the workload itself, then stops it.
# After QEMU exits: its lines (a start, a second one going on from its
# vault, a line after each round, a restart line for each service it saw
# come back, done with no wrong answer), then scripts/workload-check.sh
# on the image (every acknowledged change there, e2fsck -fn clean or
# leaks only), and the same script against images and logs spoiled on
# purpose: each must fail it, naming the loss.
set -uo pipefail
cd "$(dirname "$0")/../.."
. tests/qemu/lib.sh

name=workload
img=$LOGDIR/$name.img
com2=$LOGDIR/$name-com2.log
rm -f "$img" "$com2"
mke2fs -q -F -t ext2 -b 1024 "$img" 16M >"$img.mke2fs" 2>&1 || echo "mke2fs failed: $(cat "$img.mke2fs")"

boot "$name" --manifest tests/workload/manifest.txt --disk "$img" --serial2 "$com2"
task='^\[task [0-9]+\] '
while read -r line; do
	tap_count=$((tap_count + 1))
	case $line in
	"not ok"*) tap_failed=$((tap_failed + 1)); echo "not ok $tap_count - ${line#not ok * - }" ;;
	*) echo "ok $tap_count - ${line#ok * - }" ;;
	esac
done < <(sed -nE "s/$task//p" "$OUT" | grep -E '^(not )?ok [0-9]+ - ')
expect_line "$task"'wlfaults: [0-9]+ passed, 0 failed$'
expect_status "$EXIT_PASS"
result "wlfaults_finishes"

OUT=$com2
expect_count 1 '^workload: start generation=1 rounds=0 log=com2$'
# Restarted on request, it goes on from its vault.
expect_count 1 '^workload: start generation=2 rounds=(4[2-9]|[5-9][0-9]|[1-9][0-9]{2,}) log=com2$'
expect_line '^workload: rounds=40 fs ok=[0-9]+ '
for s in fs hello time; do
	expect_line "^workload: restart $s generation=2 fault_to_answer=[1-9][0-9]*$"
done
expect_line '^workload: done rounds=[0-9]+ fs ok=[1-9][0-9]* retried=[1-9][0-9]* errors=[0-9]+ wrong=0 hello ok=[1-9][0-9]* retried=[1-9][0-9]* errors=[0-9]+ wrong=0 time ok=[1-9][0-9]* retried=[1-9][0-9]* errors=[0-9]+ wrong=0 acked=[1-9][0-9]*$'
expect_no_line '^workload: wrong '
result "the_workload_counts_retries_and_sees_no_wrong_answer"

# Its acks: the last 32 files with their bytes, the older ones removed.
OUT=$LOGDIR/$name-check.txt
scripts/workload-check.sh --verdicts "$LOGDIR/$name-verdicts.txt" "$img" "$com2" >"$OUT" 2>&1 ||
	why+=" $(tr '\n' ' ' <"$OUT");"
expect_line '^workload-check: [0-9]+ acknowledged changes to [0-9]+ paths; .*: 32 files with their bytes, [1-9][0-9]* removals; 0 lost$'
expect_line '^workload-check: e2fsck -fn: (clean|leaks only: .*)$'
result "every_acknowledged_change_is_on_the_image"

# spoiled NAME WHY: the checker, given $LOGDIR/$name-NAME.img and .log
# (copies of the run's, spoiled by the caller), must fail, printing WHY.
spoiled() {
	local out=$LOGDIR/$name-$1.txt
	if scripts/workload-check.sh "$LOGDIR/$name-$1.img" "$LOGDIR/$name-$1.log" >"$out" 2>&1; then
		why+=" the checker passed $1;"
	fi
	grep -qE -- "$2" "$out" || why+=" $1: no line matching '$2' in $out;"
	OUT=$out
}
copy() {
	cp "$img" "$LOGDIR/$name-$1.img"
	cp "$com2" "$LOGDIR/$name-$1.log"
}
last_file=$(sed -nE 's/^workload: ack (\/work\/f[0-9]+) [0-9]+ fnv1a=.*/\1/p' "$com2" | tail -n 1)
gone_file=$(sed -nE 's/^workload: ack (\/work\/f[0-9]+) gone$/\1/p' "$com2" | tail -n 1)

# A file acknowledged, then removed behind the workload's back.
copy removed
debugfs -w -R "rm $last_file" "$LOGDIR/$name-removed.img" >/dev/null 2>&1
spoiled removed "^workload-check: lost: $last_file: [0-9]+ bytes acknowledged, but it is not on the disk$"
result "the_checker_finds_a_removed_file"

# One byte of a file's data changed, its metadata untouched: e2fsck sees
# nothing, the content check does.
copy byte
block=$(debugfs -R "bmap $last_file 0" "$img" 2>/dev/null)
printf 'X' | dd of="$LOGDIR/$name-byte.img" bs=1 seek=$((block * 1024 + 7)) conv=notrunc status=none
spoiled byte "^workload-check: lost: $last_file: .* on the disk$"
grep -qE '^workload-check: e2fsck -fn: clean$' "$OUT" || why+=" e2fsck should find the changed byte's image clean;"
result "the_checker_finds_a_changed_byte"

# A write the log claims and the disk never saw; a removal it claims of a
# file that is there.
copy forged
echo "workload: ack /work/never 5 fnv1a=0123456789abcdef" >>"$LOGDIR/$name-forged.log"
spoiled forged '^workload-check: lost: /work/never: 5 bytes acknowledged, but it is not on the disk$'
copy unremoved
echo "workload: ack $last_file gone" >>"$LOGDIR/$name-unremoved.log"
spoiled unremoved "^workload-check: lost: $last_file: removed, but it is on the disk"
result "the_checker_finds_claims_the_disk_does_not_hold"

# A data block of a file marked free: damage e2fsck must report (it could
# be handed out twice), with every file's bytes still there.
copy freed
debugfs -w -R "freeb $block" "$LOGDIR/$name-freed.img" >/dev/null 2>&1
spoiled freed '^workload-check: e2fsck -fn: errors '
grep -q '; 0 lost$' "$OUT" || why+=" no file should be lost in the freed block's image;"
result "the_checker_reports_e2fsck_damage"

# A log without one ack line (a cut one is no ack): nothing checked.
copy empty
echo "workload: ack $gone_file go" >"$LOGDIR/$name-empty.log"
spoiled empty '^workload-check: no acknowledged change in '
result "the_checker_refuses_a_log_without_acks"

read -r _ changes _ _ _ paths _ <<<"$(grep -m1 'acknowledged changes' "$LOGDIR/$name-check.txt")"
echo "# workload: $(sed -nE 's/^workload: done (rounds=[0-9]+).* acked=([0-9]+)$/\1, \2 acks/p' "$com2"); ${changes:-0} changes to ${paths:-0} paths checked on the image"
finish
