#!/usr/bin/env bash
# Builds picolibc, the C library of Kestrel's user programs, from Debian's
# picolibc source tarball (scripts/fetch-source.sh picolibc), with meson,
# ninja and the host's gcc: no cross compiler exists for x86_64-elf here,
# and none is needed, since the host gcc already makes x86-64 code; what
# makes it an x86_64-elf compiler is the meson cross file this script
# writes (no system headers, no PIC, no stack protector, no host libc).
#
#   libc-glue/build-picolibc.sh TARBALL OUTDIR
#
# leaves OUTDIR/install/include (picolibc.h, stdio.h, ...) and
# OUTDIR/install/lib/libc.a, which holds libm too (libm.a is an empty
# archive, there for -lm), the log in OUTDIR/build.log, and touches
# OUTDIR/stamp last; the source (OUTDIR/src) and build (OUTDIR/build) trees
# are removed once the build succeeded and kept for a look when it failed.
# No network. A second run does nothing while OUTDIR/stamp is newer than
# this script and the tarball, so the options below are the whole
# configuration. Time: about 25 s at -j2.
set -euo pipefail

if [[ $# -ne 2 ]]; then
	echo "usage: $0 TARBALL OUTDIR" >&2
	exit 2
fi
tarball=$1
out=$2
[[ -f $tarball ]] || { echo "build-picolibc: $tarball is missing (scripts/fetch-source.sh picolibc fetches it)" >&2; exit 1; }
for tool in meson ninja gcc ar nm objdump; do
	command -v "$tool" >/dev/null ||
		{ echo "build-picolibc: $tool is missing (scripts/install-deps.sh installs it)" >&2; exit 1; }
done

# One build at a time (OUTDIR.lock): a second make started meanwhile, in
# another terminal say, waits here, then finds the stamp fresh.
mkdir -p "$(dirname "$out")"
exec 9>"$out.lock"
flock 9
if [[ -f $out/stamp && $out/stamp -nt $0 && $out/stamp -nt $tarball ]]; then
	echo "build-picolibc: $out is up to date"
	exit 0
fi

rm -rf "$out"
mkdir -p "$out/src"
out=$(cd "$out" && pwd) # meson wants an absolute --prefix
log=$out/build.log
start=$SECONDS
: >"$log"

fail() {
	echo "build-picolibc: $1 failed; the last lines of $log:" >&2
	tail -n 40 "$log" >&2
	exit 1
}

echo "build-picolibc: building picolibc from $tarball into $2 (about half a minute; log in $2/build.log)"
tar -xzf "$tarball" -C "$out/src" --strip-components=1 >>"$log" 2>&1 || fail "unpacking"
[[ -f $out/src/meson_options.txt ]] || fail "finding meson_options.txt in the tarball"

# The cross file. It names this machine's gcc include directory, so it is
# written here rather than kept in the repository. -nostdinc keeps the
# host's glibc headers out: picolibc's own headers come first (meson adds
# them), then gcc's (stddef.h, stdarg.h, float.h, the intrinsics). That is
# -idirafter, not -isystem: meson drops an -isystem that names one of the
# compiler's default directories, and gcc's is one.
# No -mno-red-zone and no -mgeneral-regs-only: user code may use the red
# zone, and SSE (the kernel saves the FPU state of each thread).
# skip_sanity_check: meson would otherwise link and run a test program.
gcc_include=$(gcc -print-file-name=include)
[[ -f $gcc_include/stddef.h ]] || fail "finding gcc's include directory ($gcc_include)"
cat >"$out/cross.txt" <<EOF
# Written by libc-glue/build-picolibc.sh: x86-64 code for Kestrel's ring 3,
# static, no host libc.
[binaries]
c = 'gcc'
ar = 'ar'
nm = 'nm'
strip = 'strip'

[built-in options]
c_args = ['-nostdinc', '-idirafter', '$gcc_include', '-nostdlib', '-fno-pic', '-fno-pie',
          '-fno-stack-protector', '-fno-asynchronous-unwind-tables']
c_link_args = ['-nostdlib', '-static']

[host_machine]
system = 'none'
cpu_family = 'x86_64'
cpu = 'x86_64'
endian = 'little'

[properties]
skip_sanity_check = true
EOF

# Options (the tarball's meson_options.txt lists them all):
#   debugoptimized             -O2 -g, as the project's own user code
#                              (picolibc's default is -Os)
#   multilib=false             one x86-64 library, no -m32/-mx32 variants
#   picocrt=false, semihost=false, tests=false, specsdir=none
#                              crt0, semihosting, tests and the gcc specs
#                              file are the project's business, not ours
#   thread-local-storage=true  said outright: the default ('picolibc')
#                              turns TLS off silently, because the host
#                              libgcc has __emutls_get_address
#   tls-model=local-exec       %fs-relative, no __tls_get_addr
#   newlib-global-errno=false  errno is a TLS variable, one per thread
#   single-thread=false        locks through __retarget_lock_* (the glue's)
#   stdio-locking=true         POSIX locking of each FILE (flockfile)
#   newlib-nano-malloc=false   dlmalloc, which gives memory back with a
#                              negative sbrk
#   tinystdio, posix-console   stdin/out/err are fds 0/1/2 through
#                              read/write/lseek/close
#   io-long-long, format-default=double   %lld, %f in printf and scanf
meson_opts=(
	--cross-file "$out/cross.txt"
	--prefix "$out/install" --libdir lib --includedir include
	--buildtype debugoptimized
	--wrap-mode nodownload
	-Dmultilib=false
	-Dpicocrt=false
	-Dsemihost=false
	-Dtests=false
	-Dspecsdir=none
	-Dthread-local-storage=true
	-Dtls-model=local-exec
	-Dnewlib-global-errno=false
	-Dsingle-thread=false
	-Dstdio-locking=true
	-Dnewlib-nano-malloc=false
	-Dtinystdio=true
	-Dposix-console=true
	-Dio-long-long=true
	-Dformat-default=double
)
# Every option above must exist in this picolibc: meson only warns about
# an unknown -D option in some versions.
for opt in "${meson_opts[@]}"; do
	[[ $opt == -D* ]] || continue
	name=${opt#-D}
	name=${name%%=*}
	grep -q "^option('$name'" "$out/src/meson_options.txt" ||
		{ echo "option $name is not in meson_options.txt" >>"$log"; fail "checking the meson options"; }
done

# The environment's CFLAGS and friends would reach meson's checks.
unset CFLAGS CPPFLAGS LDFLAGS CC AR
meson setup "${meson_opts[@]}" "$out/build" "$out/src" >>"$log" 2>&1 || fail "meson setup"
ninja -C "$out/build" -j2 >>"$log" 2>&1 || fail "ninja"
meson install -C "$out/build" >>"$log" 2>&1 || fail "meson install"

inc=$out/install/include
lib=$out/install/lib
libc=$lib/libc.a

# Three members of libc.a are wrong on Kestrel, and out they go, so that
# the glue's definitions are the only ones a program can link:
#   picosbrk  sbrk() on linker symbols __heap_start/__heap_end; the glue's
#             sbrk (libc-glue/heap.c) maps the heap itself
#   tcb       __set_tcb() writes MSR_FS_BASE with wrmsr, which faults in
#             ring 3; the glue sets the FS base through the kernel
#   lock      do-nothing __retarget_lock_* and __lock___libc_recursive_mutex;
#             left in, the linker could take them (they are found in libc.a
#             itself, before the glue's archive is searched again) and
#             threads would share stdio and malloc unlocked
# Without them a program that lacks one of the glue's symbols fails to
# link instead of running with the wrong one.
for member in picosbrk tcb lock; do
	names=$(ar t "$libc" | grep -E "(^|_)$member\.[cS]\.o$" || true)
	[[ -n $names ]] || { echo "no $member object in libc.a" >>"$log"; fail "finding $member in libc.a"; }
	# shellcheck disable=SC2086 # one member name per word
	ar d "$libc" $names >>"$log" 2>&1 || fail "removing $member from libc.a"
	echo "removed $names from libc.a" >>"$log"
done
ranlib "$libc" >>"$log" 2>&1 || fail "ranlib"

# What the configuration promised, checked where it is cheap to check.
# (picolibc.h says "#define __TINY_STDIO" or "#undef __TINY_STDIO".)
for want in __THREAD_LOCAL_STORAGE __THREAD_LOCAL_STORAGE_API __TINY_STDIO __IO_LONG_LONG \
	__STDIO_LOCKING __INIT_FINI_ARRAY; do
	grep -q "^#define $want\$" "$inc/picolibc.h" || fail "checking picolibc.h for $want"
done
for unwanted in __SINGLE_THREAD __NANO_MALLOC __GLOBAL_ERRNO __SEMIHOST; do
	grep -q "^#undef $unwanted\$" "$inc/picolibc.h" || fail "checking picolibc.h for no $unwanted"
done
grep -q "^#define __IO_DEFAULT 'd'\$" "$inc/picolibc.h" || fail "checking picolibc.h for double printf"
[[ -f $inc/stdio.h && -f $libc ]] || fail "checking the installed layout"
# libm.a (and libg.a, libnosys.a) hold one empty object, for -lm's sake.
[[ -z $(nm "$lib/libm.a" 2>/dev/null | grep ' [A-Z] ' || true) ]] || fail "checking that libm.a is empty"
nm "$libc" >"$out/nm.txt" 2>>"$log" || fail "nm"
for sym in printf malloc free sin __libc_init_array __libc_fini_array _init_tls _set_tls; do
	grep -q " T $sym$" "$out/nm.txt" || fail "checking libc.a for $sym"
done
# Non-PIC static code: nothing goes through a GOT that a dynamic linker
# would fill, and no TLS access needs __tls_get_addr (local-exec gives
# R_X86_64_TPOFF32; PLT32 becomes a direct call in a static link). The
# debug sections are left out: DWARF names TLS variables with DTPOFF32.
relocs=$(objdump -r "$libc" 2>>"$log" |
	awk '/^RELOCATION RECORDS FOR/ { sec = $4 } /R_X86_64_/ && sec !~ /debug/ { print $2 }' | sort -u) ||
	fail "objdump -r"
echo "relocation types in libc.a outside debug sections:" "${relocs//$'\n'/ }" >>"$log"
if grep -E 'GOT|TLSGD|TLSLD|DTPOFF|DTPMOD|TPOFF64' <<<"$relocs" >>"$log"; then
	fail "checking libc.a for GOT and dynamic-TLS relocations"
fi
if grep -q ' U __tls_get_addr$' "$out/nm.txt"; then fail "checking libc.a for __tls_get_addr"; fi
rm -f "$out/nm.txt"

rm -rf "$out/src" "$out/build"
touch "$out/stamp"
echo "build-picolibc: done in $((SECONDS - start)) s"
