#!/usr/bin/env bash
# Checks that generated documentation matches its source (one TAP test).
set -uo pipefail
cd "$(dirname "$0")/.."
if scripts/gen-syscall-doc.sh | diff -u docs/syscalls.md - >/dev/null; then
	echo "ok 1 - docs/syscalls.md matches include/kestrel/syscall.h and error.h"
else
	echo "not ok 1 - docs/syscalls.md is stale: run scripts/gen-syscall-doc.sh > docs/syscalls.md"
fi
echo "1..1"
