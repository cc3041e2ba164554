# Sourced by scripts/bench-disk.sh and bench-files.sh: one benchmark
# program's boot under the accelerator they were given (TCG: -icount, so
# rdtsc counts guest instructions).
#   bench_boot WHO PREFIX MANIFEST DISK LOG
# boots MANIFEST with DISK attached, keeps the log (without the "[task N] "
# prefix the supervisor's programs print behind) in LOG, and prints the
# program's "PREFIX ..." lines; exits 1, showing the log's end, unless the
# program said "PREFIX done" and passed.
bench_boot() {
	local who=$1 prefix=$2 manifest=$3 disk=$4 log=$5 status=0 pass
	local opts=(--test --accel "${ACCEL:-tcg}" --timeout 300 --manifest "$manifest" --disk "$disk")
	[[ ${ACCEL:-tcg} == tcg ]] && opts+=(--icount)
	scripts/qemu.sh "${opts[@]}" -- build/kernel/kernel.bin </dev/null >"$log.raw" 2>&1 || status=$?
	sed -E 's/\r$//; s/^\[task [0-9]+\] //' "$log.raw" >"$log"
	rm -f "$log.raw"
	pass=$(sed -n 's/^#define QEMU_EXIT_PASS *\(0x[0-9a-fA-F]*\).*/\1/p' include/kestrel/qemu_exit.h)
	if [[ $status -ne $(((pass << 1) | 1)) ]] || ! grep -q "^$prefix done\$" "$log"; then
		echo "$who: the benchmark did not finish (QEMU status $status); end of $log:" >&2
		tail -n 20 "$log" >&2
		exit 1
	fi
	grep "^$prefix " "$log"
}
