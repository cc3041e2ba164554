#!/usr/bin/env bash
# `make debug`: QEMU waits for gdb, and scripts/gdbinit gets gdb to kmain
# with the kernel's symbols.
set -uo pipefail
cd "$(dirname "$0")/../.."
. tests/qemu/lib.sh

OUT="$LOGDIR/gdb.log"
port=$(free_port)
scripts/qemu.sh --test --accel "$ACCEL" --timeout 60 --gdb-port "$port" -- "$KERNEL" </dev/null \
	>"$LOGDIR/gdb-qemu.log" 2>&1 &
qemu=$!
KESTREL_GDB_PORT=$port timeout 60 gdb -nx -batch -x scripts/gdbinit -ex continue -ex 'info symbol $pc' \
	-ex 'print/x $cr3' -ex kill </dev/null >"$OUT" 2>&1
kill "$qemu" 2>/dev/null
wait "$qemu" 2>/dev/null
expect_line '^Hardware assisted breakpoint 1 at 0xffffffff80'
expect_line '^kmain in section \.text$'
result "gdb_script_stops_at_kmain_with_symbols"
finish
