# Helpers for the QEMU test scripts: boot the kernel, check what it printed,
# report TAP lines. Sourced, not run.

KERNEL=${KERNEL:-build/kernel/kernel.bin}
ACCEL=${ACCEL:-$(scripts/accel.sh)}
LOGDIR=${LOGDIR:-build/test-logs/qemu}
BOOT_TIMEOUT=${BOOT_TIMEOUT:-60}
mkdir -p "$LOGDIR"

# The exit codes come from the header that the kernel uses.
qemu_exit_status() {
	local code
	code=$(sed -n "s/^#define $1 *\(0x[0-9a-fA-F]*\).*/\1/p" include/kestrel/qemu_exit.h)
	echo $(((code << 1) | 1))
}
EXIT_PASS=$(qemu_exit_status QEMU_EXIT_PASS)
EXIT_FAIL=$(qemu_exit_status QEMU_EXIT_FAIL)
EXIT_PANIC=$(qemu_exit_status QEMU_EXIT_PANIC)

tap_count=0
tap_failed=0

# boot NAME [qemu.sh options...]: boots once, output in $LOGDIR/NAME.log,
# QEMU's exit status in $status. BOOT_DEVICES: more QEMU arguments.
boot() {
	local name=$1
	shift
	OUT="$LOGDIR/$name.log"
	# shellcheck disable=SC2086 # BOOT_DEVICES: QEMU arguments, split on spaces
	scripts/qemu.sh --test --accel "$ACCEL" --timeout "$BOOT_TIMEOUT" "$@" -- "$KERNEL" \
		${BOOT_DEVICES:-} </dev/null >"$OUT" 2>&1
	status=$?
	tr -d '\r' <"$OUT" >"$OUT.txt" && mv "$OUT.txt" "$OUT"
}

# relay_tap PREFIX: the guest program's own TAP lines ("ok N - name",
# after PREFIX, an extended regex such as the "[task N] " the supervisor's
# programs print behind) become this suite's, numbered on from ours.
relay_tap() {
	sed -nE "s/$1//p" "$OUT" | grep -E '^(not )?ok [0-9]+ - ' >"$OUT.tap"
	while read -r line; do
		tap_count=$((tap_count + 1))
		case $line in
		"not ok"*) tap_failed=$((tap_failed + 1)); echo "not ok $tap_count - ${line#not ok * - }" ;;
		*) echo "ok $tap_count - ${line#ok * - }" ;;
		esac
	done <"$OUT.tap"
}

# Checks accumulate in $why; result NAME reports them as one TAP line.
why=""
expect_status() {
	[[ $status -eq $1 ]] || why+=" exit status $status, expected $1;"
}
expect_line() {
	grep -qE -- "$1" "$OUT" || why+=" no line matching '$1';"
}
expect_no_line() {
	! grep -qE -- "$1" "$OUT" || why+=" unexpected line matching '$1';"
}
expect_count() {
	local n
	n=$(grep -cE -- "$2" "$OUT")
	[[ $n -eq $1 ]] || why+=" '$2' seen $n times, expected $1;"
}
result() {
	tap_count=$((tap_count + 1))
	if [[ -z $why ]]; then
		echo "ok $tap_count - $1"
	else
		echo "not ok $tap_count - $1:$why (log: $OUT)"
		tap_failed=$((tap_failed + 1))
	fi
	why=""
}
finish() {
	echo "1..$tap_count"
	[[ $tap_failed -eq 0 ]]
}

# A TCP port on the host's loopback that nothing listens on now (for
# QEMU's gdb stub: several test runs may share a machine).
free_port() {
	python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
