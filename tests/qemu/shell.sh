#!/usr/bin/env bash
# The shell on the console driver, typed at through the serial port: the
# supervisor boots tests/shell/manifest.txt (console, hello, a server that
# crashes on every start, the PCI server, and the shell with the
# isa-debug-exit port; QEMU's edu device for lspci to find), and
# tests/qemu/shell.py types commands and checks the answers, one TAP line
# each. The run ends with the shell's hidden poweroff command; QEMU's
# --timeout and a timeout on every wait bound it if anything hangs.
set -uo pipefail
cd "$(dirname "$0")/../.."
. tests/qemu/lib.sh

SHELL_TIMEOUT=${SHELL_TIMEOUT:-120}
exec python3 tests/qemu/shell.py "$LOGDIR/shell.log" "$EXIT_PASS" -- \
	scripts/qemu.sh --test --accel "$ACCEL" --timeout "$SHELL_TIMEOUT" \
	--manifest tests/shell/manifest.txt -- "$KERNEL" -device edu
