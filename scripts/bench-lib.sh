# Sourced by the benchmark scripts that boot a program of their own
# (bench-kestrel.sh, bench-disk.sh, bench-files.sh, bench-recovery.sh):
# one boot of the kernel under the accelerator they were given (TCG:
# -icount, so rdtsc counts guest instructions).
#   bench_boot WHO DONE LOG QEMU_OPTION...
# boots with the options (scripts/qemu.sh's), keeps the log (without the
# "[task N] " prefix the supervisor's programs print behind) in LOG, and
# exits 1, showing the log's end, unless QEMU's exit said pass and a line
# of the log matched the extended regex DONE. The caller takes its lines
# from LOG.
bench_boot() {
	local who=$1 done=$2 log=$3 status=0 pass
	shift 3
	local opts=(--test --accel "${ACCEL:-tcg}" --timeout 300 "$@")
	[[ ${ACCEL:-tcg} == tcg ]] && opts+=(--icount)
	scripts/qemu.sh "${opts[@]}" -- build/kernel/kernel.bin </dev/null >"$log.raw" 2>&1 || status=$?
	sed -E 's/\r$//; s/^\[task [0-9]+\] //' "$log.raw" >"$log"
	rm -f "$log.raw"
	pass=$(sed -n 's/^#define QEMU_EXIT_PASS *\(0x[0-9a-fA-F]*\).*/\1/p' include/kestrel/qemu_exit.h)
	if [[ $status -ne $(((pass << 1) | 1)) ]] || ! grep -qE "$done" "$log"; then
		echo "$who: the benchmark did not finish (QEMU status $status); end of $log:" >&2
		tail -n 20 "$log" >&2
		exit 1
	fi
}
