#!/usr/bin/env bash
# The README's quoted figures from the last runs: its Performance block
# from `make bench`'s table (build/bench/last-run.txt) and its test block
# from `make test`'s suite lines (build/test-logs/summary.txt).
#   scripts/readme-figures.sh          rewrites the two blocks
#   scripts/readme-figures.sh --check  says which differ (make bench runs it)
set -euo pipefail
cd "$(dirname "$0")/.."
mode=${1:-write}
python3 - "$mode" <<'PY'
import os, sys
mode = sys.argv[1]
readme = open("README.md").read()
new = readme
said = []

def block(text, first, last_prefix):
    """Lines from the one starting with first to the one starting with
    last_prefix, both included (None if absent)."""
    lines = text.splitlines()
    try:
        a = next(i for i, l in enumerate(lines) if l.startswith(first))
        b = next(i for i in range(a, len(lines)) if lines[i].startswith(last_prefix))
    except StopIteration:
        return None
    return "\n".join(lines[a:b + 1])

def replace(text, old_first, old_last, fresh, what):
    global said
    old = block(text, old_first, old_last)
    if old is None:
        sys.exit(f"readme-figures: no {what} block in README.md")
    if old != fresh:
        said.append(what)
    return text.replace(old, fresh, 1)

if os.path.exists("build/bench/last-run.txt"):
    run = open("build/bench/last-run.txt").read()
    fresh = block(run, "Kestrel (", "boot: ")
    if fresh:
        new = replace(new, "Kestrel (", "boot: ", fresh, "make bench")
if os.path.exists("build/test-logs/summary.txt"):
    lines = open("build/test-logs/summary.txt").read().splitlines()
    k = next((i for i, l in enumerate(lines) if l.startswith("# fuzz/ext2")), None)
    if k is not None:
        # From the first QEMU-era suite (the host suites' lines are left
        # out) to the total.
        fresh = "\n".join(lines[k:])
        old_lines = new.splitlines()
        a = next(i for i, l in enumerate(old_lines) if l.startswith("# fuzz/ext2"))
        b = next(i for i in range(a, len(old_lines)) if " passed, " in old_lines[i] and not old_lines[i].startswith("#"))
        old = "\n".join(old_lines[a:b + 1])
        if old != fresh:
            said.append("make test")
        new = new.replace(old, fresh, 1)
if mode == "--check":
    if said:
        print("readme-figures: README.md quotes other figures than the last " + " and ".join(said) +
              ": scripts/readme-figures.sh rewrites them")
    else:
        print("readme-figures: README.md quotes the last runs' figures")
    sys.exit(0)
open("README.md", "w").write(new)
print("readme-figures: " + ("rewrote the " + " and ".join(said) + " figures" if said else "nothing to change"))
PY
