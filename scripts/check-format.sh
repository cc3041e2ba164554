#!/usr/bin/env bash
# Checks every C source and header against .clang-format, as one TAP test
# that names the files that differ. Fix with: clang-format -i FILE
set -uo pipefail
cd "$(dirname "$0")/.."
n=0
bad=()
while IFS= read -r f; do
	n=$((n + 1))
	clang-format --dry-run -Werror "$f" >/dev/null 2>&1 || bad+=("$f")
done < <(git ls-files --cached --others --exclude-standard -- '*.c' '*.h')
if [[ ${#bad[@]} -eq 0 && $n -gt 0 ]]; then
	echo "ok 1 - all $n C files match .clang-format"
else
	echo "not ok 1 - ${#bad[@]} of $n C files differ from .clang-format: ${bad[*]} (clang-format -i FILE)"
fi
echo "1..1"
[[ ${#bad[@]} -eq 0 ]]
