#!/usr/bin/env bash
# `make bench`: the system's figures as a table, beside Linux measured on
# the same QEMU machine, then one machine-readable line. Writes every
# figure to build/bench/results.json and the round trips by message size
# to build/bench/ipc-round-trips.png.
#
# ACCEL=tcg (the default wherever there is no hardware virtualization)
# runs QEMU with -icount shift=0, where the guest's rdtsc counts guest
# instructions: every figure is an exact, repeatable instruction count
# (but the recovery of a server that waits for the host while it starts:
# fs's new instance reads the disk, net's asks QEMU's DHCP).
# ACCEL=kvm (a host with vmx or svm) measures cycles instead; both halves
# always run under the same accelerator. Wall times are medians of several
# runs on this host and are noisy.
set -euo pipefail
cd "$(dirname "$0")/.."
accel=${ACCEL:-$(scripts/accel.sh)}
export ACCEL=$accel
runs=${BENCH_RUNS:-5}
out=build/bench
mkdir -p "$out"
if [[ $accel == tcg ]]; then
	unit=instr
	unit_text="guest instructions"
	label=tcg-icount
else
	unit=cycles
	unit_text="cycles"
	label=kvm
fi

# Progress on stderr, the table on stdout.
step=0
section() {
	step=$((step + 1))
	echo "bench: [$step/8] $1" >&2
}

# --- Kestrel: the IPC benchmark with the fast path on and off -----------
section "Kestrel's IPC, the fast path on and off (bench/kestrel/kbench.c)"
scripts/bench-kestrel.sh --fastpath on >"$out/kbench-on.txt"
scripts/bench-kestrel.sh --fastpath off >"$out/kbench-off.txt"
# fig FILE PREFIX NAME: "MEDIAN P99 MIN"
fig() {
	local f
	f=$(sed -n "s/^$2 $3 median=\([0-9]*\) p99=\([0-9]*\) min=\([0-9]*\) .*/\1 \2 \3/p" "$1")
	[[ -n $f ]] || { echo "bench: no $3 figure in $1" >&2; exit 1; }
	echo "$f"
}

# --- The floor: a kernel of its own that does no more than the hardware ---
section "the floor: two syscall/sysret pairs and two address-space switches (bench/floor)"
floor_opts=(--test --accel "$accel" --timeout 60)
[[ $accel == tcg ]] && floor_opts+=(--icount)
scripts/qemu.sh "${floor_opts[@]}" -- build/bench/floor/floor.bin </dev/null >"$out/floor.raw" 2>&1 || [[ $? -eq 33 ]]
tr -d '\r' <"$out/floor.raw" >"$out/floor.txt"
grep -q '^floor done$' "$out/floor.txt" || { echo "bench: the floor did not finish: $out/floor.txt" >&2; exit 1; }

# --- Boot time ------------------------------------------------------------
section "boot: guest instructions to the banner, and $runs boots timed on this host"
boot_log=$out/boot-icount.log
scripts/qemu.sh --test --accel tcg --icount --timeout 60 --append shutdown -- build/kernel/kernel.bin \
	</dev/null >"$boot_log" 2>&1 || [[ $? -eq 33 ]]
boot_instr=$(sed -n 's/^boot: \([0-9]*\) TSC from entry to banner.*/\1/p' "$boot_log" | tr -d '\r')
[[ -n $boot_instr ]] || { echo "bench: no boot figure in $boot_log" >&2; exit 1; }
walls=()
for ((i = 0; i < runs; i++)); do
	t0=$(date +%s%N)
	scripts/qemu.sh --test --accel "$accel" --timeout 60 --append shutdown -- build/kernel/kernel.bin \
		</dev/null >"$out/boot-wall.log" 2>&1 || [[ $? -eq 33 ]]
	walls+=($((($(date +%s%N) - t0) / 1000000)))
done
wall_ms=$(printf '%s\n' "${walls[@]}" | sort -n | sed -n "$(((runs + 1) / 2))p")

# --- Recovery: hello crashed on request until its restart answers -------------
section "recovery: hello crashed on request (tests/sup)"
sup_log=$out/supervisor.log
sup_opts=(--test --accel "$accel" --timeout 60 --manifest tests/sup/manifest.txt)
[[ $accel == tcg ]] && sup_opts+=(--icount)
scripts/qemu.sh "${sup_opts[@]}" -- build/kernel/kernel.bin </dev/null >"$sup_log" 2>&1 || [[ $? -eq 33 ]]
recovery=$(sed -nE 's/^(\[task [0-9]+\] )?suptest: recovery ([0-9]+) TSC.*/\2/p' "$sup_log" | tr -d '\r')
sup_recovery=$(sed -n 's/.*hello (generation 2): up again, \([0-9]*\) TSC.*/\1/p' "$sup_log" | tr -d '\r')
[[ -n $recovery && -n $sup_recovery ]] || { echo "bench: no recovery figure in $sup_log" >&2; exit 1; }

# --- Recovery of each server of the default image, crashed by a client ------
section "recovery: each server of make run's manifest crashed, then called (bench/recovery)"
scripts/bench-recovery.sh >"$out/recovery.txt"
servers=$(scripts/bench-recovery.sh --names)
declare -A fault_to_ready fault_to_answer
for s in $servers; do
	read -r fault_to_ready[$s] fault_to_answer[$s] <<<"$(sed -nE \
		"s/^recovery $s fault_to_ready=([0-9]+) fault_to_answer=([0-9]+|-) .*/\1 \2/p" "$out/recovery.txt")"
	[[ -n ${fault_to_ready[$s]} && -n ${fault_to_answer[$s]} ]] ||
		{ echo "bench: no recovery figure for $s in $out/recovery.txt (transcript: $out/recovery.log)" >&2; exit 1; }
done

# --- The disk: requests through Kestrel's virtio-blk driver ----------------
section "the disk: requests through virtio_blk (bench/disk)"
scripts/bench-disk.sh >"$out/blkbench.txt"

# --- Files: the C library's file calls through the filesystem server --------
section "files: the C library through fs (bench/files)"
scripts/bench-files.sh >"$out/filebench.txt"

# --- Linux on the same machine --------------------------------------------
section "Linux on the same QEMU machine: system calls, pipes, the disk, files (bench/linux)"
linux_out=$out/linux/bench.txt
mkdir -p "${linux_out%/*}"
scripts/bench-linux.sh >"$linux_out"
linux_kernel=$(sed -n 's/^linuxbench kernel \([^ ]*\) .*/\1/p' "$linux_out")

# --- The table --------------------------------------------------------------
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", a / b }'; }
json_rows=()
row() { # row TEXT KEY "MEDIAN P99 MIN" [SLOW_MEDIAN [FLOOR_MEDIAN]]
	local med p99 min x json
	read -r med p99 min <<<"$3"
	json="\"$2\": {\"median\": $med, \"p99\": $p99, \"min\": $min"
	if [[ -n ${4:-}${5:-} ]]; then
		x=""
		[[ -n ${5:-} ]] && x="$(ratio "$med" "$5")x" && json+=", \"times_floor\": ${x%x}"
		printf '%-46s %8s %8s %8s %11s %8s\n' "$1" "$med" "$p99" "$min" "${4:-}" "$x"
		[[ -n ${4:-} ]] && json+=", \"median_no_fastpath\": $4"
	else
		printf '%-46s %8s %8s %8s\n' "$1" "$med" "$p99" "$min"
	fi
	json_rows+=("$json}")
}
slow() { fig "$out/kbench-off.txt" kbench "$1" | cut -d' ' -f1; }

floor_null=$(fig "$out/floor.txt" floor null_syscall | cut -d' ' -f1)
floor_rt=$(fig "$out/floor.txt" floor ipc_rt_inter_0w | cut -d' ' -f1)
echo "Kestrel ($unit_text; accel $label)"
[[ $unit == instr ]] && echo "(each call runs the same instructions every time under -icount, so median, p99 and min agree; Linux's vary with its timer and caches)"
echo "(x floor: the median over the floor's below, a null system call's or a round trip's)"
printf '%-46s %8s %8s %8s %11s %8s\n' "" median p99 min "no fastpath" "x floor"
row "null system call" null_syscall "$(fig "$out/kbench-on.txt" kbench null_syscall)" "" "$floor_null"
for where in inter intra; do
	for w in 0 1 4 8 64; do
		text="IPC round trip, $([[ $where == inter ]] && echo "2 address spaces" || echo "1 address space"), $w words"
		row "$text" "ipc_rt_${where}_${w}w" "$(fig "$out/kbench-on.txt" kbench "ipc_rt_${where}_${w}w")" \
			"$(slow "ipc_rt_${where}_${w}w")" "$floor_rt"
	done
done
row "4 KiB page sent by mapping (round trip)" page_map_inter "$(fig "$out/kbench-on.txt" kbench page_map_inter)" \
	"$(slow page_map_inter)" "$floor_rt"
row "4 KiB copied through the buffer (4 calls)" page_copy_inter \
	"$(fig "$out/kbench-on.txt" kbench page_copy_inter)" "$(slow page_copy_inter)" "$floor_rt"
row "4 KiB through a shared buffer (1 call)" share_4k "$(fig "$out/kbench-on.txt" kbench share_4k)" \
	"$(slow share_4k)" "$floor_rt"
row "64 KiB through a shared buffer (1 call)" share_64k "$(fig "$out/kbench-on.txt" kbench share_64k)" \
	"$(slow share_64k)" "$floor_rt"
row "notification, signal to the woken thread" notify_wake "$(fig "$out/kbench-on.txt" kbench notify_wake)" \
	"$(slow notify_wake)" "$floor_rt"
row "empty timed region (not subtracted)" rdtsc_overhead "$(fig "$out/kbench-on.txt" kbench rdtsc_overhead)"
per_kib() { echo $(($(fig "$out/kbench-on.txt" kbench "$1" | cut -d' ' -f1) / $2)); }
echo "bulk data, $unit_text per KiB: shared buffer $(per_kib share_4k 4) (4 KiB a call)," \
	"$(per_kib share_64k 64) (64 KiB a call); copied through the message buffer $(per_kib page_copy_inter 4)"
echo
echo "The floor: the least a round trip can cost here (bench/floor: two syscall/sysret pairs, two address-space"
echo "switches, the message's registers and nothing else; a null system call: onto the kernel's stack and back)"
printf '%-46s %8s %8s %8s\n' "" median p99 min
row "null system call" floor_null_syscall "$(fig "$out/floor.txt" floor null_syscall)"
row "IPC round trip, 2 address spaces" floor_ipc_rt "$(fig "$out/floor.txt" floor ipc_rt_inter_0w)"
row "empty timed region (not subtracted)" floor_rdtsc_overhead "$(fig "$out/floor.txt" floor rdtsc_overhead)"
echo
echo "Linux $linux_kernel, same QEMU machine ($unit_text)"
printf '%-46s %8s %8s %8s\n' "" median p99 min
row "null system call (getppid)" linux_null_syscall "$(fig "$linux_out" linuxbench null_syscall)"
row "pipe round trip, two processes" linux_pipe_rt "$(fig "$linux_out" linuxbench pipe_rt)"
row "futex round trip, two processes" linux_futex_rt "$(fig "$linux_out" linuxbench futex_rt)"
row "4 KiB through a pipe (and a byte back)" linux_pipe_4k "$(fig "$linux_out" linuxbench pipe_4k)"
row "64 KiB through a pipe (and a byte back)" linux_pipe_64k "$(fig "$linux_out" linuxbench pipe_64k)"
row "empty timed region (not subtracted)" linux_rdtsc_overhead "$(fig "$linux_out" linuxbench rdtsc_overhead)"
linux_per_kib() { echo $(($(fig "$linux_out" linuxbench "$1" | cut -d' ' -f1) / $2)); }
echo "bulk data through a pipe, $unit_text per KiB: $(linux_per_kib pipe_4k 4) (4 KiB a write)," \
	"$(linux_per_kib pipe_64k 64) (64 KiB a write)"

echo
echo "Disk: one request at a time, a virtio-blk disk ($unit_text a request)"
echo "Kestrel from a client task through virtio_blk; Linux $linux_kernel on /dev/vda with O_DIRECT"
printf '%-46s %8s %8s %8s %8s\n' "" median p99 min "per KiB"
disk_row() { # disk_row TEXT KEY "MEDIAN P99 MIN" KIB
	local med p99 min
	read -r med p99 min <<<"$3"
	printf '%-46s %8s %8s %8s %8s\n' "$1" "$med" "$p99" "$min" $((med / $4))
	json_rows+=("\"$2\": {\"median\": $med, \"p99\": $p99, \"min\": $min, \"median_per_kib\": $((med / $4))}")
}
disk_ops="read_4k write_4k read_64k write_64k"
disk_kib() { local k=${1#*_}; echo "${k%k}"; } # disk_kib read_4k: 4
disk_name() { echo "$(disk_kib "$1") KiB ${1%_*}"; } # disk_name read_4k: 4 KiB read
for op in $disk_ops; do
	disk_row "Kestrel, $(disk_name "$op")" "disk_$op" "$(fig "$out/blkbench.txt" blkbench "$op")" "$(disk_kib "$op")"
done
for op in read_64k_dma write_64k_dma; do
	disk_row "Kestrel, 64 KiB ${op%%_*}, DMA frame (no copy)" "disk_$op" "$(fig "$out/blkbench.txt" blkbench "$op")" 64
done
for op in $disk_ops; do
	disk_row "Linux, $(disk_name "$op")" "linux_disk_$op" "$(fig "$linux_out" linuxbench "disk_$op")" \
		"$(disk_kib "$op")"
done
disk_ratios=""
disk_medians=""
json_ratios=()
disk_goal=""
for op in $disk_ops; do
	k=$(fig "$out/blkbench.txt" blkbench "$op" | cut -d' ' -f1)
	l=$(fig "$linux_out" linuxbench "disk_$op" | cut -d' ' -f1)
	disk_ratios+="${disk_ratios:+, }$(disk_name "$op") $(ratio "$l" "$k")x"
	json_ratios+=("\"$op\": $(ratio "$l" "$k")")
	disk_goal+="${disk_goal:+, }$(disk_name "$op") $([[ $k -lt $l ]] && echo met || echo missed)"
	disk_medians+="disk_${op}_${unit}=$k linux_disk_${op}_${unit}=$l "
done
echo "Ratios (medians): Linux / Kestrel = $disk_ratios"
echo "Goal: fewer $unit_text per KiB than Linux: $disk_goal"
joined=$(printf '%s, ' "${json_ratios[@]}")
json_rows+=("\"disk_ratio_linux_to_kestrel\": {${joined%, }}")

echo
echo "Files: one call at a time on an ext2 image with 4 KiB blocks ($unit_text an operation)"
echo "Kestrel's C library through fs and virtio_blk; Linux $linux_kernel, the same image mounted as ext2 (ext4)"
printf '%-46s %8s %8s %8s\n' "" median p99 min
file_ops="read_4k_cached read_4k_disk write_4k_fsync create_unlink read_1m"
declare -A file_names=([read_4k_cached]="4 KiB read, cached" [read_4k_disk]="4 KiB read from disk (not cached)"
	[write_4k_fsync]="4 KiB write, then fsync" [create_unlink]="create + unlink of an empty file"
	[read_1m]="1 MiB sequential read, cached")
for op in $file_ops; do
	row "Kestrel, ${file_names[$op]}" "file_$op" "$(fig "$out/filebench.txt" filebench "$op")"
done
for op in $file_ops; do
	row "Linux, ${file_names[$op]}" "linux_file_$op" "$(fig "$linux_out" linuxbench "file_$op")"
done
file_ratios=""
file_goal=""
json_ratios=()
for op in $file_ops; do
	k=$(fig "$out/filebench.txt" filebench "$op" | cut -d' ' -f1)
	l=$(fig "$linux_out" linuxbench "file_$op" | cut -d' ' -f1)
	r=$(awk -v a="$l" -v b="$k" 'BEGIN { printf "%.2f", a / b }') # two places: some are far below 1
	file_ratios+="${file_ratios:+, }${op//_/ } ${r}x"
	json_ratios+=("\"$op\": $r")
	file_goal+="${file_goal:+, }${op//_/ } $([[ $k -le $l ]] && echo met || echo missed)"
	disk_medians+="file_${op}_${unit}=$k linux_file_${op}_${unit}=$l "
done
echo "Ratios (medians): Linux / Kestrel = $file_ratios"
echo "Goal: at most Linux's $unit_text on every row: $file_goal"
joined=$(printf '%s, ' "${json_ratios[@]}")
json_rows+=("\"file_ratio_linux_to_kestrel\": {${joined%, }}")

echo
echo "Recovery of a crashed server (restart always; $unit_text)"
echo "hello, crashed by tests/sup's client:"
printf '  %-44s %8s\n' "crash request until the new instance answers" "$recovery"
printf '  %-44s %8s\n' "fault until the new instance is ready" "$sup_recovery"
echo "each server of servers/manifest.txt, crashed by bench/recovery's client, which then calls it"
echo "(the shell answers no request):"
printf '  %-35s %17s %17s\n' "" "fault until ready" "until 1st answer"
guest_us=""
json_ready=()
json_answer=()
for s in $servers; do
	printf '  %-35s %17s %17s\n' "$s" "${fault_to_ready[$s]}" "${fault_to_answer[$s]}"
	if [[ ${fault_to_answer[$s]} == - ]]; then
		guest_us+="${guest_us:+, }$s $((fault_to_ready[$s] / 1000)) us (ready)"
	else
		guest_us+="${guest_us:+, }$s $((fault_to_answer[$s] / 1000)) us"
		json_answer+=("\"$s\": ${fault_to_answer[$s]}")
	fi
	json_ready+=("\"$s\": ${fault_to_ready[$s]}")
done
[[ $accel == tcg ]] &&
	echo "(guest time under -icount shift=0, 1 instruction = 1 ns: hello answers $((recovery / 1000)) us after the crash request; each server's first answer after the fault: $guest_us)"
json_rows+=("\"hello_recovery\": {\"crash_to_answer\": $recovery, \"fault_to_ready\": $sup_recovery}")
joined=$(printf '%s, ' "${json_ready[@]}")
json_rows+=("\"recovery_fault_to_ready\": {${joined%, }}")
joined=$(printf '%s, ' "${json_answer[@]}")
json_rows+=("\"recovery_fault_to_answer\": {${joined%, }}")

rt=$(fig "$out/kbench-on.txt" kbench ipc_rt_inter_0w | cut -d' ' -f1)
rt_slow=$(slow ipc_rt_inter_0w)
null=$(fig "$out/kbench-on.txt" kbench null_syscall | cut -d' ' -f1)
l_null=$(fig "$linux_out" linuxbench null_syscall | cut -d' ' -f1)
l_pipe=$(fig "$linux_out" linuxbench pipe_rt | cut -d' ' -f1)
l_futex=$(fig "$linux_out" linuxbench futex_rt | cut -d' ' -f1)
echo
echo "Ratios (medians): Linux pipe round trip / Kestrel IPC round trip = $(ratio "$l_pipe" "$rt")x," \
	"futex = $(ratio "$l_futex" "$rt")x, null system call = $(ratio "$l_null" "$null")x"
if [[ $accel == tcg ]]; then
	rt8=$(fig "$out/kbench-on.txt" kbench ipc_rt_inter_8w | cut -d' ' -f1)
	goal() { [[ $1 -le $2 ]] && echo met || echo "missed by $(($1 - $2))"; }
	echo "Targets: IPC round trip $rt <= 350 (seL4's Call + ReplyRecv here: 443): $(goal "$rt" 350);" \
		"8 words $rt8 <= 360: $(goal "$rt8" 360); null system call $null <= 80 (seL4: 100): $(goal "$null" 80);" \
		"Linux pipe round trip >= 20x ours: $(awk -v a="$l_pipe" -v b="$rt" 'BEGIN { print (a >= 20 * b) ? "met" : "missed" }')"
else
	echo "Cycles under $label: seL4's published Call + ReplyRecv round trip on Skylake is 772 cycles (docs/fastpath.md)"
fi
echo
echo "boot: $boot_instr guest instructions from entry to banner; $wall_ms ms from QEMU start to power-off (wall, median of $runs)"

# --- results.json and the chart ------------------------------------------------
{
	echo "{"
	echo "  \"accel\": \"$label\", \"unit\": \"$unit\", \"linux_kernel\": \"$linux_kernel\","
	echo "  \"boot_instr\": $boot_instr, \"boot_wall_ms\": $wall_ms,"
	printf '  %s,\n' "${json_rows[@]:0:${#json_rows[@]}-1}"
	printf '  %s\n' "${json_rows[-1]}"
	echo "}"
} >"$out/results.json"
{
	# x: words + 1, on a log scale, so 0 can be shown and 64 sits where
	# its value puts it.
	for w in 0 1 4 8 64; do
		echo "$((w + 1)) $(fig "$out/kbench-on.txt" kbench "ipc_rt_inter_${w}w" | cut -d' ' -f1) $(slow "ipc_rt_inter_${w}w") $l_pipe $l_futex"
	done
} >"$out/ipc-round-trips.dat"
if command -v gnuplot >/dev/null; then
	gnuplot <<GP
set terminal pngcairo size 900,520 font ",11" noenhanced
set output "$out/ipc-round-trips.png"
set title "IPC round trip between two address spaces, QEMU TCG ($unit_text, median)"
set xlabel "message size (64-bit words, log scale)"
set ylabel "$unit_text per round trip"
set logscale y
set yrange [100:40000]
set logscale x 2
set xrange [0.8:80]
set xtics ("0" 1, "1" 2, "4" 5, "8" 9, "64" 65)
set key outside below horizontal
set style data linespoints
plot "$out/ipc-round-trips.dat" using 1:2 title "Kestrel call + reply_recv (fast path)" lw 2 pt 7, \
     "" using 1:3 title "Kestrel, fast path off" lw 2 pt 5, \
     "" using 1:4 title "Linux $linux_kernel pipe round trip" lw 2 dt 2 pt 0, \
     "" using 1:5 title "Linux futex round trip" lw 2 dt 3 pt 0
GP
	echo "chart: $out/ipc-round-trips.png; figures: $out/results.json"
else
	echo "chart: gnuplot is missing (scripts/install-deps.sh bench); figures: $out/results.json"
fi
echo "ipc_rt_${unit}=$rt ipc_rt_slow_${unit}=$rt_slow null_syscall_${unit}=$null floor_ipc_rt_${unit}=$floor_rt" \
	"floor_null_syscall_${unit}=$floor_null linux_null_syscall_${unit}=$l_null" \
	"linux_pipe_rt_${unit}=$l_pipe linux_futex_rt_${unit}=$l_futex $disk_medians""recovery_${unit}=$recovery" \
	"$(for s in $servers; do printf 'recovery_%s_%s=%s recovery_answer_%s_%s=%s ' "$s" "$unit" "${fault_to_ready[$s]}" \
		"$s" "$unit" "${fault_to_answer[$s]}"; done)accel=$label"
