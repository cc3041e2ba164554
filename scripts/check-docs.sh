#!/usr/bin/env bash
# Checks that generated documentation matches its source, and that the code
# docs/servers.md and docs/demo.md show is the tree's (one TAP test each). In the docs, a
# fenced block between "<!-- file: PATH -->" and "<!-- end -->" must be
# the whole of PATH; after "<!-- lines: PATH -->", lines found in PATH in
# that order, one after another; after "<!-- output: COMMAND -->", what
# COMMAND prints.
set -uo pipefail
cd "$(dirname "$0")/.."
if scripts/gen-syscall-doc.sh | diff -u docs/syscalls.md - >/dev/null; then
	echo "ok 1 - docs/syscalls.md matches include/kestrel/syscall.h and error.h"
else
	echo "not ok 1 - docs/syscalls.md is stale: run scripts/gen-syscall-doc.sh > docs/syscalls.md"
fi
if why=$(python3 - docs/servers.md docs/demo.md <<'PY'
import re, subprocess, sys

pat = re.compile(r"<!-- (file|lines|output): (.+?) -->\n```[a-z]*\n(.*?)```\n<!-- end -->", re.S)
blocks = [block for doc in sys.argv[1:] for block in pat.findall(open(doc).read())]
bad, n = [], 0
for kind, what, body in blocks:
    n += 1
    if kind == "output":
        real = subprocess.run(what, shell=True, capture_output=True, text=True).stdout
        ok = real == body
    else:
        real = open(what).read()
        ok = real == body if kind == "file" else ("\n" + body) in ("\n" + real)
    if not ok:
        bad.append(f"{kind} {what}")
if n == 0:
    bad.append("no marked blocks")
print("; ".join(bad))
sys.exit(1 if bad else 0)
PY
); then
	echo "ok 2 - the code docs/servers.md and docs/demo.md show is the tree's"
else
	echo "not ok 2 - docs/servers.md or docs/demo.md differs from the tree: $why"
fi
echo "1..2"
