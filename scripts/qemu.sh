#!/usr/bin/env bash
# Boots a Kestrel kernel image in QEMU. Used by `make run`, `make debug`,
# the QEMU tests and the benchmarks, so that all boot the same machine.
#
#   scripts/qemu.sh [options] -- KERNEL [QEMU ARGS...]
#     --accel tcg|kvm    accelerator (default: scripts/accel.sh)
#     --append STRING    kernel command line (boot options)
#     --module FILE      a multiboot module (repeatable; FILE may carry
#                        arguments after a space, as QEMU's -initrd takes them)
#     --manifest FILE    the supervisor, FILE and every binary FILE's `binary`
#                        lines name, as modules: what the supervisor boots
#                        comes from the manifest alone
#     --memory SIZE      guest RAM (default 256M)
#     --test             headless, output on stdout, isa-debug-exit present
#     --exit-device      on the terminal, with isa-debug-exit: the program's
#                        pass or fail (include/kestrel/qemu_exit.h) ends QEMU
#                        and becomes this script's status 0 or 1
#     --timeout SECONDS  kill QEMU after this long (exit status 124)
#     --icount           -icount shift=0: rdtsc counts guest instructions
#     --system           what `make run` boots: the supervisor with
#                        servers/manifest.txt (--manifest) and a network card
#                        (--net); the disk is --disk's
#     --gdb              wait for gdb on localhost:1234 (127.0.0.1 only)
#     --gdb-port PORT    the same on PORT (the tests take a free one)
#     --disk FILE        a raw disk image as a virtio-blk device (virtio 1.x
#                        only, PCI 1af4:1042), the first one the system finds;
#                        repeatable, each on the next PCI slot (Linux's vda,
#                        vdb ...)
#     --net              a virtio-net card (virtio 1.x only, PCI 1af4:1041, MAC
#                        52:54:00:12:34:56) on QEMU's user network: the guest
#                        is 10.0.2.15, the gateway 10.0.2.2, DNS 10.0.2.3;
#                        nothing else can reach the guest
#     --hostfwd RULE     with --net: forward a port of the host's loopback to
#                        the guest, QEMU's [tcp|udp]:[HOSTADDR]:HOSTPORT-
#                        [GUESTADDR]:GUESTPORT with HOSTADDR 127.0.0.1 when
#                        empty and only ever on loopback (repeatable)
#     --net-restrict     with --net: the guest reaches QEMU's own addresses
#                        (ARP, ping and DHCP of the gateway, forwarded ports)
#                        and nothing beyond them (the tests' setting)
#     --serial2 FILE     a second serial port (COM2, 0x2f8) whose output goes
#                        to FILE: where the workload writes its log when its
#                        manifest block gives it those ports
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
accel=""
append=""
memory=256M
test_mode=0
timeout_s=""
icount=0
gdb=0
gdb_port=1234
exit_device=0
modules=()
disks=()
net=0
net_opts=""
serial2=""

# A binary named in a manifest is looked for where the build's SERVER and
# LIBC_PROGRAM templates put programs: build/servers/, then build/tests/*/
# and build/bench/*/.
manifest_modules() {
	local binary found d
	[[ -f $1 ]] || { echo "qemu.sh: no manifest $1" >&2; exit 2; }
	modules+=(build/servers/supervisor.elf "$1")
	for binary in $(sed -nE 's/^[[:space:]]+binary[[:space:]]+([^[:space:]#]+).*/\1/p' "$1" | sort -u); do
		found=""
		for d in build/servers build/tests/* build/bench/*; do
			[[ -f $d/$binary ]] && { found=$d/$binary; break; }
		done
		[[ -n $found ]] || { echo "qemu.sh: $1 names $binary, which is not built (make all)" >&2; exit 2; }
		modules+=("$found")
	done
}

while [[ $# -gt 0 ]]; do
	case $1 in
	--accel) accel=$2; shift 2 ;;
	--append) append=$2; shift 2 ;;
	--module) modules+=("$2"); shift 2 ;;
	--manifest) manifest_modules "$2"; shift 2 ;;
	--memory) memory=$2; shift 2 ;;
	--test) test_mode=1; shift ;;
	--timeout) timeout_s=$2; shift 2 ;;
	--icount) icount=1; shift ;;
	--system) manifest_modules servers/manifest.txt; net=1; shift ;;
	--gdb) gdb=1; shift ;;
	--gdb-port) gdb=1; gdb_port=$2; shift 2 ;;
	--exit-device) exit_device=1; shift ;;
	--disk) disks+=("$2"); shift 2 ;;
	--net) net=1; shift ;;
	--hostfwd)
		# proto:hostaddr:hostport-guestaddr:guestport, the host address on loopback
		IFS=: read -r proto haddr rest <<<"$2"
		[[ -n $haddr ]] || haddr=127.0.0.1
		if [[ ! $proto =~ ^(tcp|udp)?$ || ! $haddr =~ ^127\.[0-9]+\.[0-9]+\.[0-9]+$ || -z $rest ]]; then
			echo "qemu.sh: --hostfwd $2: want [tcp|udp]:[127.x.y.z]:HOSTPORT-[GUESTADDR]:GUESTPORT" >&2
			exit 2
		fi
		net_opts+=",hostfwd=$proto:$haddr:$rest"
		shift 2
		;;
	--net-restrict) net_opts+=",restrict=on"; shift ;;
	--serial2) serial2=$2; shift 2 ;;
	--) shift; break ;;
	*) echo "qemu.sh: unknown option $1" >&2; exit 2 ;;
	esac
done
[[ $# -ge 1 ]] || { echo "qemu.sh: no kernel given" >&2; exit 2; }
kernel=$1
shift
[[ -n $accel ]] || accel=$("$here/accel.sh")

args=(-M q35 -cpu max -m "$memory" -kernel "$kernel")
case $accel in
tcg)
	args+=(-accel tcg)
	why="no hardware virtualization usable here"
	[[ $("$here/accel.sh") == kvm ]] && why="chosen with ACCEL=tcg"
	;;
kvm)
	if [[ $("$here/accel.sh") != kvm ]]; then
		echo "qemu.sh: ACCEL=kvm needs /dev/kvm and a CPU with vmx or svm; use ACCEL=tcg" >&2
		exit 2
	fi
	args+=(-accel kvm)
	why="hardware virtualization"
	;;
*) echo "qemu.sh: unknown accelerator '$accel' (tcg or kvm)" >&2; exit 2 ;;
esac
if [[ $icount -eq 1 ]]; then
	[[ $accel == tcg ]] || { echo "qemu.sh: --icount needs tcg" >&2; exit 2; }
	args+=(-icount shift=0,align=off,sleep=off)
	why+=", icount: rdtsc counts guest instructions"
fi
echo "qemu: accelerator $accel ($why)" >&2

[[ -n $append ]] && args+=(-append "$append")
for i in "${!disks[@]}"; do
	[[ -f ${disks[$i]} ]] || { echo "qemu.sh: no disk image ${disks[$i]}" >&2; exit 2; }
	args+=(-drive "file=${disks[$i]},if=none,id=disk$i,format=raw,cache=writeback"
		-device virtio-blk-pci,drive=disk$i,disable-legacy=on)
done
if [[ -n $net_opts && $net -eq 0 ]]; then
	echo "qemu.sh: --hostfwd and --net-restrict need --net" >&2
	exit 2
fi
if [[ $net -eq 1 ]]; then
	args+=(-netdev "user,id=net0,net=10.0.2.0/24$net_opts"
		-device virtio-net-pci,netdev=net0,disable-legacy=on,mac=52:54:00:12:34:56)
fi
if [[ ${#modules[@]} -gt 0 ]]; then
	# QEMU separates modules with commas; a comma in a name is doubled.
	list=""
	for m in "${modules[@]}"; do
		list+="${list:+,}${m//,/,,}"
	done
	args+=(-initrd "$list")
fi
if [[ $test_mode -eq 1 ]]; then
	# A reset (a triple fault, or reboot) ends a test's QEMU instead of
	# booting again; on the terminal, reboot boots again.
	args+=(-display none -monitor none -serial stdio -no-reboot
		-device isa-debug-exit,iobase=0xf4,iosize=0x04)
else
	args+=(-display none -serial mon:stdio)
	[[ $exit_device -eq 1 ]] && args+=(-device isa-debug-exit,iobase=0xf4,iosize=0x04)
	echo "qemu: serial console on this terminal; Ctrl-A x leaves QEMU" >&2
fi
# After the first -serial: QEMU numbers serial ports in order.
[[ -n $serial2 ]] && args+=(-serial "file:$serial2")
if [[ $gdb -eq 1 ]]; then
	args+=(-gdb "tcp:127.0.0.1:$gdb_port" -S)
	port_note=""
	[[ $gdb_port == 1234 ]] || port_note="KESTREL_GDB_PORT=$gdb_port "
	echo "qemu: waiting for gdb on localhost:$gdb_port (${port_note}gdb -x scripts/gdbinit)" >&2
fi

if [[ $exit_device -eq 1 && $test_mode -eq 0 ]]; then
	# isa-debug-exit ends QEMU with (code << 1) | 1.
	code() { sed -n "s/^#define $1 *\(0x[0-9a-fA-F]*\).*/\1/p" include/kestrel/qemu_exit.h; }
	status=0
	qemu-system-x86_64 "${args[@]}" "$@" || status=$?
	case $status in
	$((($(code QEMU_EXIT_PASS) << 1) | 1))) exit 0 ;;
	$((($(code QEMU_EXIT_FAIL) << 1) | 1))) exit 1 ;;
	*) exit "$status" ;;
	esac
fi
if [[ -n $timeout_s ]]; then
	exec timeout --foreground -k 5 "$timeout_s" qemu-system-x86_64 "${args[@]}" "$@"
fi
exec qemu-system-x86_64 "${args[@]}" "$@"
