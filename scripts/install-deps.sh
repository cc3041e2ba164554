#!/usr/bin/env bash
# Installs the Debian packages the build, the tests and `make run` need,
# and only those that are missing. Runs apt-get as root, or through sudo.
#   scripts/install-deps.sh          what make, make run and make test need
#   scripts/install-deps.sh bench    that, and what make bench adds (gnuplot)
set -euo pipefail

# package:command-or-file that proves it is there (a file for tools in
# /sbin, which is not on every user's PATH)
needs=(
	"gcc:gcc"
	"make:make"
	"binutils:objcopy"
	"nasm:nasm"
	"qemu-system-x86:qemu-system-x86_64"
	"libcmocka-dev:/usr/include/cmocka.h"
	"meson:meson"
	"ninja-build:ninja"
	"apt:apt-get"
	"debian-archive-keyring:/usr/share/keyrings/debian-archive-keyring.gpg"
	"gdb:gdb"
	"clang-format:clang-format"
	"coreutils:timeout"
	"libc6-dev:/usr/lib/x86_64-linux-gnu/libc.a"
	"python3:python3"
	"e2fsprogs:/sbin/mke2fs"
	"xz-utils:xz" # lwIP's source tarball (.tar.xz)
	# the host's side of the network tests (tests/qemu/netnic.sh: nc -N)
	"netcat-openbsd:/bin/nc.openbsd"
	# make demo's HTTP client (and its test's, qemu/demo)
	"curl:curl"
	"clang:clang"
	# libFuzzer (clang -fsanitize=fuzzer), only recommended by clang-14
	"libclang-rt-14-dev:/usr/lib/llvm-14/lib/clang/14.0.6/lib/linux/libclang_rt.fuzzer-x86_64.a"
)
[[ ${1:-} == bench ]] && needs+=("gnuplot-nox:gnuplot")

missing=()
for pair in "${needs[@]}"; do
	pkg=${pair%%:*}
	probe=${pair#*:}
	if [[ $probe == /* ]]; then
		[[ -e $probe ]] && continue
	else
		command -v "$probe" >/dev/null 2>&1 && continue
	fi
	missing+=("$pkg")
done

[[ ${#missing[@]} -eq 0 ]] && exit 0

echo "install-deps: installing ${missing[*]}"
if [[ $(id -u) -eq 0 ]]; then
	sudo=()
elif command -v sudo >/dev/null 2>&1; then
	sudo=(sudo)
else
	echo "install-deps: need root or sudo to install: ${missing[*]}" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -qq
"${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
