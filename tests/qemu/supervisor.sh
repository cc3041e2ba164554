#!/usr/bin/env bash
# The supervisor with tests/sup/manifest.txt: servers start in dependency
# order, hello answers through the endpoint the supervisor keeps, a crash
# is noticed and hello comes back on the same endpoint, a server that
# crashes on every start is left down after its limit, a hung server is
# found by its heartbeat, a server without a control line may not kill,
# a devmem line maps the HPET, and the PCI server's claims hold (edu).
# The client's TAP
# lines are copied through; the supervisor's log is checked here.
set -uo pipefail
cd "$(dirname "$0")/../.."
. tests/qemu/lib.sh

# QEMU's edu device (1234:11e8) for the PCI claims of claimer and twin.
BOOT_DEVICES="${BOOT_DEVICES:-} -device edu" boot supervisor --manifest tests/sup/manifest.txt
# suptest and nosy hold no console ports, so the kernel marks their lines
# "[task N] " (their debug_write output). Renumbered: this script adds its
# own checks after the client's.
task='^\[task [0-9]+\] '
relay_tap "$task"
expect_line "$task"'suptest: [0-9]+ passed, 0 failed$'
expect_status "$EXIT_PASS"
result "supervised_client_finishes"

# claimer's and twin's lines come from their own tasks: each must be there.
for check in claim_gives_the_device_the_manifest_names claimed_config_page_holds_the_devices_ids \
	bar_frame_is_exactly_the_bar_and_reaches_its_registers bar_that_is_empty_is_not_found \
	bar_past_the_last_is_refused claim_again_by_its_holder_gives_the_same_device \
	msi_line_gives_its_address_and_data second_server_with_the_same_pci_line_finds_it_taken \
	a_claim_outlives_the_pci_servers_restart \
	claim_without_a_pci_line_is_refused_and_list_is_open; do
	expect_line "$task"'ok [0-9]+ - '"$check"'$'
done
result "every_pci_claim_check_ran"

expect_line '^\[supervisor [0-9]+ ms\] badmem \(generation 0\): cannot start: line 34 \(devmem\): an argument is out of range or misaligned$'
expect_line '^supervisor: 10 servers started, 3 could not start \(see above\)$'
expect_line '^\[supervisor [0-9]+ ms\] hello \(generation 1\): up$'
expect_no_line 'error -[0-9]'
result "supervisor_starts_every_server_that_can_start_and_says_why_not"

# tests/sup/manifest.txt: broken's irq line is wrong, thief's ports
# overlap suptest's; each message names the line, the key and what is
# wrong, and both servers; the rest of the manifest still starts.
expect_line '^supervisor: manifest line 84: irq 99: out of range: irq wants an IOAPIC line 0-23 or an MSI vector 24-55; broken refused$'
expect_line '^supervisor: manifest line 90: ports 0xf6 0x2 of thief overlaps ports 0xf4 0x4 of suptest \(line 68\); thief refused$'
expect_line '^\[supervisor [0-9]+ ms\] broken \(generation 0\): not started: its manifest block has errors \(above\)$'
expect_line '^\[supervisor [0-9]+ ms\] thief \(generation 0\): not started: its manifest block has errors \(above\)$'
result "manifest_errors_name_line_key_and_servers_and_the_rest_boots"

expect_line '^\[supervisor [0-9]+ ms\] crasher \(generation 2\): restarting in 50 ms: backoff after 2 crashes in a row \(limit 3\)$'
expect_line '^\[supervisor [0-9]+ ms\] crasher \(generation 3\): restarting in 100 ms: backoff after 3 crashes in a row \(limit 3\)$'
expect_line '^\[supervisor [0-9]+ ms\] hello \(generation 3\): up again, [0-9]+ TSC \([0-9]+ us\) after the restart request$'
expect_no_line 'hello \(generation 3\): up again, .* after it died'
result "delayed_and_requested_restarts_say_so"

expect_line '^\[supervisor [0-9]+ ms\] hello \(generation 1\): page fault \(address 0, ip 0, '
expect_line '^\[supervisor [0-9]+ ms\] hello \(generation 2\): up again, [0-9]+ TSC \([0-9]+ us\) after it died$'
result "crashed_server_is_restarted_and_recovery_measured"

expect_count 4 '^\[supervisor [0-9]+ ms\] crasher \(generation [1-4]\): invalid opcode'
expect_line '^\[supervisor [0-9]+ ms\] crasher \(generation 4\): left down \(restart policy\)$'
expect_no_line 'crasher \(generation 5\)'
result "server_crashing_on_start_is_left_down_after_its_limit"

# Each of crasher's faults (a ud2 in suptest.elf's main) is followed by
# where it was, from the ELF: for the ip of the line before, the function
# and offset nm gives and the file and line addr2line gives, the ud2's.
place='^\[supervisor [0-9]+ ms\] crasher \(generation [1-4]\): ip (0x[0-9a-f]+) is ([A-Za-z_0-9.]+)\+(0x[0-9a-f]+), ([^:]+):([0-9]+)$'
expect_count 4 "$place"
ip=$(sed -nE 's/.*crasher \(generation 1\): invalid opcode \(address 0, ip (0x[0-9a-f]+), .*/\1/p' "$OUT")
read -r at func off file line < <(grep -E "$place" "$OUT" | head -1 | sed -E "s/$place/\1 \2 \3 \4 \5/")
start=$(nm build/tests/sup/suptest.elf | awk -v f="$func" '$3 == f { print $1; exit }')
where=$(addr2line -e build/tests/sup/suptest.elf "${ip:-0}")
[[ $at == "$ip" ]] || why+=" the place is of $at, the fault's ip $ip;"
[[ -n $start && $((16#$start + off)) -eq $((ip)) ]] || why+=" $func+$off is not $ip (nm: $func at ${start:-nowhere});"
[[ $where == */"$file:$line" ]] || why+=" $file:$line, addr2line says $where;"
sed -n "${line:-0}p" "$file" 2>/dev/null | grep -q 'ud2' || why+=" $file:$line is not the ud2;"
result "crash_report_names_function_file_and_line_from_the_elf"
# hog (tests/sup/manifest.txt) took every object of its pool before
# anything else ran; hello's restarts above came after, and so did its own.
quota='made 12 endpoints \(the pool.s quota of that kind of kernel object is used up\), 8 threads \(the pool.s quota of that kind of kernel object is used up\), 1 tasks \(the pool.s quota of that kind of kernel object is used up\), 4 shares \(the pool.s quota of that kind of kernel object is used up\); 0 left$'
expect_line "$task"'hog: generation 1 '"$quota"
expect_line "$task"'hog: generation 2 '"$quota"
expect_line '^\[supervisor [0-9]+ ms\] hog \(generation 2\): up again'
result "a_hog_uses_up_only_its_own_share_of_kernel_objects"
expect_line '^\[supervisor [0-9]+ ms\] hanger \(generation 1\): up$'
expect_line '^\[supervisor [0-9]+ ms\] hanger \(generation 1\): hung: no answer to a heartbeat in time$'
result "server_that_stops_answering_is_found_by_its_heartbeat"

expect_line "$task"'nosy: kill hello: the capability lacks a right the call needs; devmem slot 0$'
expect_line "$task"'nosy: DMA memory: the capability lacks a right the call needs$'
expect_line "$task"'nosy: dma_keep: the capability lacks a right the call needs$'
expect_line "$task"'nosy: dma_reset: the capability lacks a right the call needs$'
expect_no_line 'killed on request'
result "control_calls_and_dma_need_their_manifest_lines"

# The kernel marks the lines of tasks that do not hold the console's
# ports and replaces control characters, so none passes for its own.
expect_line "$task"'kernel: forged by nosy$'
expect_line "$task"'\[supervisor 1 ms\] hello \(generation 9\): up$'
expect_line "$task"'innocent\?\?\[2Kkernel: forged again$'
expect_no_line '^kernel: forged'
expect_no_line '^\[supervisor 1 ms\]'
result "debug_output_of_other_tasks_cannot_pass_for_the_kernels"
# A server that keeps the CPU, above a client it starves, without a
# heartbeat: the supervisor ends it by the ticks it ran (tests/sup/spin/manifest.txt).
boot supervisor-spin --manifest tests/sup/spin/manifest.txt
expect_status "$EXIT_PASS"
expect_line '^\[supervisor [0-9]+ ms\] spinner \(generation 1\): up$'
expect_line '^\[supervisor [0-9]+ ms\] spinner \(generation 1\): spinning: ran (9[0-9][0-9]|1[0-9]{3}) of the last 1[0-9]{3} ms$'
expect_line '^\[supervisor [0-9]+ ms\] spinner \(generation 1\): left down \(restart policy\)$'
expect_line "$task"'spinwait: asked for 200 ms of sleep, ran again after ([7-9][0-9]{2}|1[0-9]{3}) ms$'
result "server_that_keeps_the_cpu_is_ended_as_spinning"
finish
