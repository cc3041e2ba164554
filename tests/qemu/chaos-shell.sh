#!/usr/bin/env bash
# The chaos service's test: tests/chaos/manifest.txt boots hello, kv, the
# chaos service, chaoser (the supervisor's target and injected calls from
# a client with a chaos line) and the shell, which tests/qemu/
# chaosshell.py types the chaos command at (its errors, a campaign into
# kv, every kind into hello), one TAP line each. QEMU's --timeout and a
# timeout on every wait bound it.
set -uo pipefail
cd "$(dirname "$0")/../.."
. tests/qemu/lib.sh

exec python3 tests/qemu/chaosshell.py "$LOGDIR/chaos-shell.log" "$EXIT_PASS" -- \
	scripts/qemu.sh --test --accel "$ACCEL" --timeout 180 --manifest tests/chaos/manifest.txt -- "$KERNEL"
