#!/usr/bin/env bash
# Counts the kernel's lines of C and assembly, without comments and blank
# lines, against the budget in ../shared/DESIGN.md (about 4,500): every file
# under kernel/ and boot/, and every file from elsewhere that the kernel
# build compiles or includes (common/: code the kernel shares with user
# space), except include/, the kernel's contract with user space.
#
#   scripts/kernel-lines.sh [--files]   (--files: list the files counted)
set -euo pipefail
cd "$(dirname "$0")/.."
srcs=$(make -s --no-print-directory print-KERNEL_SRCS)
flags=$(make -s --no-print-directory print-KERNEL_CFLAGS | sed 's/ -MD / /; s/ -MP / /')
# shellcheck disable=SC2086 # the flags and sources are lists
shared=$({
	tr ' ' '\n' <<<"$srcs"
	for f in $srcs; do gcc $flags -MM -MG "$f"; done | tr ' \\' '\n\n'
} | grep -vE '^(kernel/|include/|build/|.*:$|$)' | sort -u)
files="$(git ls-files 'kernel/*.c' 'kernel/*.h') $shared"
if [[ ${1:-} == --files ]]; then
	tr ' ' '\n' <<<"$files $(git ls-files 'boot/*.asm' 'kernel/*.asm')" | grep -v '^$'
	exit 0
fi
c=0
for f in $files; do
	n=$(gcc -fpreprocessed -dD -E -P "$f" 2>/dev/null | grep -cv '^[[:space:]]*$' || true)
	c=$((c + n))
done
asm=0
for f in $(git ls-files 'boot/*.asm' 'kernel/*.asm'); do
	n=$(sed 's/;.*//' "$f" | grep -cv '^[[:space:]]*$' || true)
	asm=$((asm + n))
done
echo "kernel: $c lines of C, $asm lines of assembly, $((c + asm)) in all (comments and blank lines excluded)"
