#!/usr/bin/env bash
# Counts the kernel's lines of C and assembly, without comments and blank
# lines, against the budget in ../shared/DESIGN.md (about 4,000).
set -euo pipefail
cd "$(dirname "$0")/.."
c=0
for f in $(git ls-files 'kernel/*.c' 'kernel/*.h'); do
	n=$(gcc -fpreprocessed -dD -E -P "$f" 2>/dev/null | grep -cv '^[[:space:]]*$' || true)
	c=$((c + n))
done
asm=0
for f in $(git ls-files 'boot/*.asm' 'kernel/*.asm'); do
	n=$(sed 's/;.*//' "$f" | grep -cv '^[[:space:]]*$' || true)
	asm=$((asm + n))
done
echo "kernel: $c lines of C, $asm lines of assembly, $((c + asm)) in all (comments and blank lines excluded)"
