#!/usr/bin/env bash
# What e2fsck -fn thinks of an ext2 image, judged by the filesystem
# server's promise (the write order at the top of servers/fs/ext2.h): a
# crash may leave leaks, never damage. Prints one line and exits
#   0  "clean"
#   0  "leaks only: ..." (blocks or inodes marked in use that nothing
#      uses, an inode written but never linked, link counts too high,
#      and the free counts that follow)
#   1  "errors (exit N): the first problems e2fsck named"
#   scripts/e2fsck-verdict.sh IMAGE
set -uo pipefail
img=$1
out=$(e2fsck -fn "$img" 2>&1)
fsck=$?
leaked() {
	grep "^$1:" <<<"$out" | grep -oE ' -[0-9]+(--[0-9]+)?' |
		awk -F- '{n += NF == 4 ? $4 - $2 + 1 : 1} END {print n + 0}'
}
# Exit 4 with only these lines is what an interrupted change may leave:
# "Unattached (zero-length) inode" (or "Unconnected directory inode") is
# one created and cut off before its directory entry, its bitmap bit
# perhaps not yet set either (an inode bitmap "+N" for such an inode
# alone: nothing names it); "ref count is HIGH, should be LOW" and an
# "Entry ... is a link to directory" a rename cut off between the new
# entry and the old one's removal (the unjournalled rename's window, as
# on Linux's ext2); "i_blocks is HIGH, should be LOW" a truncation cut
# off before it counted what it freed; the free and directory counts
# that follow. A link count or i_blocks too low, a block bitmap "+N" (a
# block in use but marked free: it could be handed out twice) or
# anything else is damage.
other=$(grep -E '^[A-Z]' <<<"$out" | grep -vcE '^(Pass [1-5]|Block bitmap differences|Inode bitmap differences|Free (blocks|inodes) count wrong|Directories count wrong|Unattached (zero-length )?inode|Unconnected directory inode|Entry .* is a link to directory|Padding at end|Inode [0-9]+ ref count is [0-9]+, should be [0-9]+|Inode [0-9]+, i_blocks is [0-9]+, should be [0-9]+|Fix\?|Connect to|Clear\?|WARNING|[^ ]+: [0-9]+/[0-9]+ files|[^ ]+: \*+)')
plus=$(grep -E '^Block bitmap differences:' <<<"$out" | grep -cE ' \+[0-9]')
unattached=" $(sed -nE 's/^(Unattached (zero-length )?inode|Unconnected directory inode) ([0-9]+).*/\3/p' <<<"$out" | sort -u | tr '\n' ' ')"
for n in $(grep -E '^Inode bitmap differences:' <<<"$out" | grep -oE ' \+[0-9]+' | tr -d ' +'); do
	[[ $unattached == *" $n "* ]] || plus=$((plus + 1))
done
read -r high low <<<"$(sed -nE 's/^Inode [0-9]+ ref count is ([0-9]+), should be ([0-9]+).*/\1 \2/p' <<<"$out" |
	awk '$1 > $2 {h++} $1 <= $2 {l++} END {print h + 0, l + 0}')"
lowblocks=$(sed -nE 's/^Inode [0-9]+, i_blocks is ([0-9]+), should be ([0-9]+).*/\1 \2/p' <<<"$out" | awk '$1 < $2 {l++} END {print l + 0}')
other=$((other + low + plus + lowblocks))
if [[ $fsck -eq 0 ]]; then
	echo "clean"
elif [[ $fsck -eq 4 && $other -eq 0 ]]; then
	blocks=$(leaked 'Block bitmap differences')
	inodes=$(($(leaked 'Inode bitmap differences') + $(wc -w <<<"$unattached")))
	echo "leaks only: $blocks blocks, $inodes inodes in use that nothing uses, $high link counts too high (and the free counts that follow)"
else
	echo "errors (exit $fsck): $(grep -E '^[A-Z]' <<<"$out" | grep -vE '^Pass [1-5]' | head -n 5 | tr '\n' ' ')"
	exit 1
fi
