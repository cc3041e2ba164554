#!/usr/bin/env bash
# Builds newlib, the C library of Kestrel's user programs, from Debian's
# newlib-source tarball, with the host's gcc: no cross compiler exists for
# x86_64-elf here, and none is needed, since the host gcc already makes
# x86-64 code; what makes it an x86_64-elf compiler is the flags below (no
# system headers, no PIC, no stack protector).
#
#   libc-glue/build-newlib.sh TARBALL OUTDIR
#
# leaves OUTDIR/x86_64-elf/include and OUTDIR/x86_64-elf/lib/{libc,libm}.a,
# the log in OUTDIR/build.log, and touches OUTDIR/stamp last; the source
# and object trees are removed. No network. libc-glue/build.mk runs this
# again only when this script or the tarball changes, so the options below
# are the whole configuration.
set -euo pipefail

if [[ $# -ne 2 ]]; then
	echo "usage: $0 TARBALL OUTDIR" >&2
	exit 2
fi
tarball=$1
out=$2
[[ -f $tarball ]] || { echo "build-newlib: $tarball is missing (scripts/install-deps.sh installs newlib-source)" >&2; exit 1; }

# One build at a time (OUTDIR.lock): a second make started meanwhile, in
# another terminal say, waits here, then finds the stamp fresh.
mkdir -p "$(dirname "$out")"
exec 9>"$out.lock"
flock 9
if [[ -f $out/stamp && $out/stamp -nt $0 && $out/stamp -nt $tarball ]]; then
	echo "build-newlib: $out is up to date (built while this waited)"
	exit 0
fi

rm -rf "$out"
mkdir -p "$out/work/src" "$out/work/obj"
out=$(cd "$out" && pwd) # configure wants an absolute --prefix
log=$out/build.log
jobs=$(($(nproc) + 1))
start=$SECONDS

fail() {
	echo "build-newlib: $1 failed; the last lines of $log:" >&2
	tail -n 40 "$log" >&2
	exit 1
}

echo "build-newlib: building newlib from $tarball into $2 (a few minutes; log in $2/build.log)"
tar -xJf "$tarball" -C "$out/work/src" --strip-components=1 >"$log" 2>&1 || fail "unpacking"

# Every thread of a task gets its own struct _reent, which newlib finds
# through __getreent() (libc-glue/threads.c). newlib.h is generated from
# newlib.hin and included by every newlib header, so the library and the
# programs built against it agree on this one definition.
sed -i 's|^#endif /\* !__NEWLIB_H__ \*/|/* Kestrel (libc-glue/build-newlib.sh): _REENT is __getreent(), one per thread. */\n#define __DYNAMIC_REENT__ 1\n\n&|' \
	"$out/work/src/newlib/newlib.hin"
grep -q '__DYNAMIC_REENT__' "$out/work/src/newlib/newlib.hin" || fail "adding __DYNAMIC_REENT__ to newlib.hin"

# -nostdinc keeps the host's glibc headers out: newlib's own headers come
# first (newlib adds them), then gcc's (stddef.h, stdarg.h, float.h).
gcc_include=$(gcc -print-file-name=include)
target_cflags="-nostdinc -isystem $gcc_include -ffreestanding -fno-pic -fno-pie -mno-red-zone \
-fno-stack-protector -fno-asynchronous-unwind-tables -O2 -g"

# Options (newlib's README lists them all):
#   --disable-newlib-supplied-syscalls  read, write, sbrk, ... are libc-glue's
#   --enable-newlib-retargetable-locking  locks are libc-glue's (threads.c)
#   --enable-newlib-global-stdio-streams  one stdin/stdout/stderr for all threads
#   --enable-newlib-io-long-long, -io-c99-formats  %lld, %zu, %hhd, %a ...
# Float printf and scanf are on by default (no nano formatted I/O), and
# malloc is the default dlmalloc one, which returns memory with a negative
# sbrk. READELF_FOR_TARGET lets configure see that .init_array works, so
# __libc_init_array runs constructors.
(
	cd "$out/work/obj"
	../src/configure --target=x86_64-elf --prefix="$out" \
		CC_FOR_TARGET=gcc AR_FOR_TARGET=ar RANLIB_FOR_TARGET=ranlib AS_FOR_TARGET=as \
		LD_FOR_TARGET=ld NM_FOR_TARGET=nm OBJCOPY_FOR_TARGET=objcopy \
		OBJDUMP_FOR_TARGET=objdump READELF_FOR_TARGET=readelf STRIP_FOR_TARGET=strip \
		CFLAGS_FOR_TARGET="$target_cflags" \
		--disable-multilib --disable-nls \
		--disable-newlib-supplied-syscalls \
		--enable-newlib-retargetable-locking \
		--enable-newlib-global-stdio-streams \
		--enable-newlib-io-long-long \
		--enable-newlib-io-c99-formats
) >>"$log" 2>&1 || fail "configure"
make -C "$out/work/obj" -j"$jobs" all-target-newlib >>"$log" 2>&1 || fail "make"
make -C "$out/work/obj" install-target-newlib >>"$log" 2>&1 || fail "make install"

# What the configuration promised, checked where it is cheap to check.
inc=$out/x86_64-elf/include
lib=$out/x86_64-elf/lib
for want in _RETARGETABLE_LOCKING _WANT_REENT_GLOBAL_STDIO_STREAMS _WANT_IO_LONG_LONG __DYNAMIC_REENT__; do
	grep -q "^#define $want" "$inc/newlib.h" || fail "checking newlib.h for $want"
done
# (grep -c, not -q: -q would stop reading and fail nm with SIGPIPE)
nm "$lib/libc.a" 2>/dev/null | grep -c ' T __libc_init_array$' >/dev/null ||
	fail "checking libc.a for __libc_init_array"

rm -rf "$out/work" "$lib/libg.a"
touch "$out/stamp"
echo "build-newlib: done in $((SECONDS - start)) s"
