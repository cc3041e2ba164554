#!/usr/bin/env bash
# The C library's suite: boots the kernel with tests/libc/libctest.elf, a
# picolibc program, as the first task. Its TAP lines are copied here
# unchanged, so scripts/run-tests.sh counts each check; then this script
# checks what only the console shows: that printf's line arrived whole,
# and that the two threads' lines never mixed. A run that does not end
# with the program's summary (printed from an atexit handler) and QEMU's
# matching exit status adds one failing line.
set -uo pipefail
cd "$(dirname "$0")/../.."
BOOT_TIMEOUT=${LIBC_TIMEOUT:-120}
. tests/qemu/lib.sh

prog=build/tests/libc/libctest.elf
for f in "$KERNEL" "$prog"; do
	[[ -f $f ]] || { echo "not ok 1 - libctest_boots: $f is missing (make user)"; exit 1; }
done

boot libc --module "$prog"
tap='^(not )?ok [0-9]+ - '
grep -E "$tap" "$OUT"
n=$(grep -cE "$tap" "$OUT")
bad=$(grep -cE '^not ok ' "$OUT")
summary=$(grep -E '^libctest: [0-9]+ passed, [0-9]+ failed$' "$OUT" | tail -n 1)

# The checks of this script, numbered after the program's.
tap_count=$n
expect_line '^libctest: printf -42 kestrel beef 18446744073709551615  3\.14 1\.234568e\+05 0\.0001$'
result "printf_line_reaches_the_console"
expect_count 8 '^# (first|second) thread: round [0-9]+, [0-9]+\.[0-9]{4}$'
expect_count 8 'thread: round'
result "two_threads_lines_stay_whole"
# Every C-library program's TLS segment is aligned as user.ld's
# __tls_align (8) says: with errno alone (4-byte aligned) it used to be 4,
# and the linker's %fs offsets then missed _set_tls's thread pointer by 4.
for elf in build/servers/*.elf build/tests/sup/suptest.elf "$prog"; do
	align=$(readelf -lW "$elf" | awk '$1 == "TLS" { print $NF }')
	[[ $align == 0x8 || $align == 0x10 || $align == 0x20 || $align == 0x40 ]] ||
		why+=" $elf: TLS segment aligned ${align:-(none)};"
done
result "tls_segments_match_the_thread_pointer"
# Again, started by the supervisor: stdout then goes through the console
# server (libc-glue/console_glue.c), not the kernel console.
first_out=$OUT
first_status=$status
boot libc-supervised --manifest tests/libc/manifest.txt
expect_status "$EXIT_PASS"
expect_line '^libctest: [0-9]+ passed, 0 failed$'
expect_line '^\[supervisor [0-9]+ ms\] console \(generation 1\): up$'
expect_count 8 '^# (first|second) thread: round [0-9]+, [0-9]+\.[0-9]{4}$'
result "libctest_passes_through_the_console_server_under_the_supervisor"
OUT=$first_out
status=$first_status
n=$tap_count
bad=$((bad + tap_failed))

why=""
if [[ -z $summary ]]; then
	why="no summary line after $n tests; QEMU exit status $status"
	[[ $status -eq 124 ]] && why+=" (timed out after $BOOT_TIMEOUT s)"
	[[ $status -eq $EXIT_PANIC ]] && why+=" (kernel panic)"
elif [[ $summary == *" 0 failed" && $status -ne $EXIT_PASS ]]; then
	why="the program passed but QEMU exit status is $status, expected $EXIT_PASS"
elif [[ $summary != *" 0 failed" && $status -ne $EXIT_FAIL ]]; then
	why="the program failed but QEMU exit status is $status, expected $EXIT_FAIL"
fi
if [[ -n $why ]]; then
	echo "not ok $((n + 1)) - libctest_run_completes: $why (log: $OUT)"
	echo "# last lines of $OUT:"
	tail -n 30 "$OUT" | sed 's/^/#   /'
	exit 1
fi
echo "1..$n"
echo "# $summary"
[[ $bad -eq 0 ]]
