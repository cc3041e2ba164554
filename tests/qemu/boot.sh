#!/usr/bin/env bash
# Boot tests: the banner, the memory and module reports, the timer, and the
# fatal-exception report for every exception the boot option fault= raises.
set -uo pipefail
cd "$(dirname "$0")/../.."
. tests/qemu/lib.sh

mods=build/test-logs/qemu/modules
mkdir -p "$mods"
head -c 5000 /dev/zero >"$mods/first.bin"
head -c 12345 /dev/zero >"$mods/second.bin"

boot boot_reports --memory 128M --append "test=boot" \
	--module "$mods/first.bin first arg" --module "$mods/second.bin"
expect_status "$EXIT_PASS"
expect_count 1 '^Kestrel [0-9]+\.[0-9]+\.[0-9]+ \(git [^)]*\) x86-64 microkernel$'
[[ $ACCEL == tcg ]] && expect_line '^cpu: .*, accel tcg, features: nx'
result "boot_prints_banner_once"

# 128 MiB of RAM less the BIOS's share: between 126 and 128 MiB usable.
kib=$(sed -n 's/^memory: \([0-9]*\) KiB usable.*/\1/p' "$OUT")
[[ -n $kib && $kib -ge $((126 * 1024)) && $kib -le $((128 * 1024)) ]] ||
	why+=" usable memory '$kib' KiB is not about 128 MiB;"
# What is not free: the kernel image, the first MiB's usable 639 KiB, the
# two modules (20 KiB) and the frame bitmap (4 KiB): allow 64 KiB of slack.
free=$(sed -n 's/^memory: .*, \([0-9]*\) KiB free for allocation, .*/\1/p' "$OUT")
image=$(sed -n 's/^memory: .*, kernel image \([0-9]*\) KiB$/\1/p' "$OUT")
held=$((kib - ${free:-0} - ${image:-0} - 639))
[[ -n $free && -n $image && $held -ge 20 && $held -le 84 ]] ||
	why+=" usable $kib KiB - free '$free' KiB - kernel '$image' KiB - 639 KiB low = $held KiB, expected 20-84;"
expect_line '^  0x000000100000-0x[0-9a-f]{12} usable$'
result "boot_reports_memory_map"

expect_line '^modules: 2$'
expect_line "^  module 0: 0x[0-9a-f]+-0x[0-9a-f]+ 5000 bytes \"$mods/first.bin first arg\"$"
expect_line "^  module 1: 0x[0-9a-f]+-0x[0-9a-f]+ 12345 bytes \"$mods/second.bin\"$"
result "boot_reports_modules"

expect_line '^selftest: kernel text at 0xffffffff80[0-9a-f]+ -> 0x[0-9a-f]+ r-x$'
expect_line '^selftest: kernel rodata at 0xffffffff80[0-9a-f]+ -> 0x[0-9a-f]+ r--$'
expect_line '^selftest: kernel data at 0xffffffff80[0-9a-f]+ -> 0x[0-9a-f]+ rw-$'
result "kernel_image_mapped_with_section_rights"

expect_line '^timer: lapic [1-9][0-9]* counts/ms, 1000 Hz$'
expect_line '^selftest: timer reached 1[0-9][0-9] ticks at 1000 Hz'
expect_line '^selftest: passed$'
result "timer_interrupts_count_ticks"

# Above 4 GiB: q35 puts RAM beyond the PCI hole, so the memory map, the
# direct map and the bitmap placement all see a top above 4 GiB.
boot big_memory --memory 5G --append "test=boot"
expect_status "$EXIT_PASS"
kib=$(sed -n 's/^memory: \([0-9]*\) KiB usable.*/\1/p' "$OUT")
[[ -n $kib && $kib -ge $((5 * 1024 * 1024 - 2048)) ]] || why+=" usable memory '$kib' KiB, expected about 5 GiB;"
expect_line '^  0x000100000000-0x[0-9a-f]{12} usable$'
result "boot_with_memory_above_4g"

# The most modules a system boots with: the first task and 32 more; a
# 34th is reported and left out.
many=()
for i in $(seq 0 33); do
	printf 'module %s' "$i" >"$mods/m$i.bin"
	many+=(--module "$mods/m$i.bin")
done
boot many_modules --append "test=boot" "${many[@]}"
expect_status "$EXIT_PASS"
expect_line '^modules: 33$'
expect_line "^  module 32: 0x[0-9a-f]+-0x[0-9a-f]+ 9 bytes \"$mods/m32.bin\"$"
expect_line '^  1 more modules ignored: at most 33$'
result "boot_takes_33_modules"

boot no_modules --append "test=boot"
expect_status "$EXIT_PASS"
expect_line '^modules: 0$'
result "boot_without_modules"

boot shutdown --append "shutdown"
expect_status "$EXIT_PASS"
expect_line '^kernel: shutdown requested on the command line$'
expect_no_line '^selftest'
result "shutdown_option_powers_off_after_boot"

# fault=KIND raises an exception in the kernel: it must print the dump and
# halt, never reboot (QEMU runs with -no-reboot: a triple fault would end
# it with status 0 and no dump).
check_fault() {
	local kind=$1 vector=$2 name=$3
	boot "fault_$kind" --append "fault=$kind"
	expect_status "$EXIT_PANIC"
	expect_count 1 '^Kestrel '
	expect_line "^\*\*\* exception $vector \($name[^)]*\), error code 0x[0-9a-f]+, in kernel mode$"
	expect_line '^rip=ffffffff80[0-9a-f]{6} cs=0008 rflags=[0-9a-f]{16}$'
	expect_line '^rax=[0-9a-f]{16} rbx=[0-9a-f]{16} rcx=[0-9a-f]{16} rdx=[0-9a-f]{16}$'
	expect_line '^r13=[0-9a-f]{16} r14=[0-9a-f]{16} r15=[0-9a-f]{16}$'
	expect_line '^cr0=[0-9a-f]{16} cr2=[0-9a-f]{16} cr3=[0-9a-f]{16} cr4=[0-9a-f]{16}$'
	expect_line '^backtrace \(lines: addr2line -e build/kernel/kernel.elf ADDRESS\):$'
	expect_line '^  0xffffffff80[0-9a-f]{6} kmain(\.cold)?\+0x[0-9a-f]+$'
	expect_symbols_right
	expect_line "^kernel halted after exception $vector$"
}

# Every function+offset of the backtrace is where the kernel's ELF has
# that function (nm), and there is at least one.
expect_symbols_right() {
	local addr sym name off at n=0
	while read -r addr sym; do
		name=${sym%+*}
		off=${sym##*+}
		at=$(nm build/kernel/kernel.elf | awk -v name="$name" '$3 == name { print $1; exit }')
		if [[ -z $at || $((16#$at + off)) -ne $((addr)) ]]; then
			why+=" backtrace says $addr is $sym, nm puts $name at ${at:-nowhere};"
		fi
		n=$((n + 1))
	done < <(sed -n '/^backtrace /,/^kernel halted/p' "$OUT" | sed -nE 's/^  (0x[0-9a-f]+) (.+\+0x[0-9a-f]+)$/\1 \2/p')
	[[ $n -gt 0 ]] || why+=" no function named in the backtrace;"
}

check_fault ud 6 '#UD'
result "invalid_opcode_prints_dump_and_halts"
check_fault de 0 '#DE'
result "divide_error_prints_dump_and_halts"
check_fault gp 13 '#GP'
result "general_protection_prints_dump_and_halts"
check_fault bp 3 '#BP'
result "breakpoint_prints_dump_and_halts"
check_fault pf 14 '#PF'
expect_line '^page fault at 0xdead000: page not present, write, supervisor$'
expect_line '^cr0=[0-9a-f]{16} cr2=000000000dead000 '
result "page_fault_prints_address_and_cause"
check_fault df 8 '#DF'
expect_line '^rsp=0000000000001000 ss=0010$'
result "stack_overflow_double_faults_on_its_own_stack"

boot fault_unknown --append "fault=nonsense"
expect_status "$EXIT_FAIL"
expect_line "^test: unknown fault 'nonsense'"
result "unknown_fault_option_is_refused"

finish
