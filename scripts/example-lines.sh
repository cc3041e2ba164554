#!/usr/bin/env bash
# What docs/servers.md's example server (servers/kv/) takes, with its shell
# command: the lines of its own files and the lines it adds to shared ones
# (servers/build.mk, the shell's command list, servers/manifest.txt),
# comments and blank lines included.
set -euo pipefail
cd "$(dirname "$0")/.."
own="include/kestrel/proto/kv.h servers/kv/main.c servers/kv/shell_kv.c"
# shellcheck disable=SC2086 # a list of files
n_own=$(cat $own | wc -l)
n_build=$(grep -c 'servers/kv/' servers/build.mk)
n_shell=$(grep -c '^	X(kv,' servers/shell/shell.h)
n_proto=$(grep -c '^	X(KV,' include/kestrel/protocols.h)
n_manifest=$(($(sed -n '/^server kv$/,/^$/p' servers/manifest.txt | grep -cv '^$') + $(grep -c '^	uses kv$' servers/manifest.txt)))
total=$((n_own + n_build + n_shell + n_proto + n_manifest))
echo "kv example: $total lines in 7 files: $n_own in its own 3 ($own), $n_build in servers/build.mk, $n_shell in servers/shell/shell.h, $n_proto in include/kestrel/protocols.h, $n_manifest in servers/manifest.txt"
