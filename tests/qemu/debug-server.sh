#!/usr/bin/env bash
# gdb in a server of make debug's machine: QEMU boots what make run boots
# (scripts/qemu.sh --system, on a copy of make run's disk) waiting for gdb
# on a free port; tests/qemu/debug-server.py runs gdb in batch mode with
# scripts/gdbinit and tests/qemu/debug-server.gdb (a breakpoint in hello)
# and types at the shell. One TAP line a check; logs debug-server.log
# (the console) and debug-server-gdb.log.
set -uo pipefail
cd "$(dirname "$0")/../.."
. tests/qemu/lib.sh

img=$LOGDIR/debug-server.img
cp "$(scripts/disk-image.sh)" "$img"
port=$(free_port)
export KESTREL_GDB_PORT=$port
DEBUG_TIMEOUT=${DEBUG_TIMEOUT:-180}
exec python3 tests/qemu/debug-server.py "$LOGDIR/debug-server.log" "$LOGDIR/debug-server-gdb.log" "$port" -- \
	scripts/qemu.sh --test --accel "$ACCEL" --timeout "$DEBUG_TIMEOUT" --system --disk "$img" \
	--gdb-port "$port" -- "$KERNEL"
