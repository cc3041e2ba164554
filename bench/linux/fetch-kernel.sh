#!/usr/bin/env bash
# Fetches the Linux kernel that `make bench` compares Kestrel with: Debian's
# current stock amd64 kernel, so anyone gets the same one. apt resolves the
# metapackage linux-image-amd64 to the versioned package it depends on
# (linux-image-6.1.0-NN-amd64), `apt-get download` fetches that .deb (as
# any user: it needs only apt's package lists) and dpkg-deb unpacks
# /boot/vmlinuz-* and /boot/config-* from it into build/bench/linux/, and
# the modules of the virtio-blk disk (Debian builds virtio, virtio-pci and
# virtio-blk as modules: CONFIG_VIRTIO_BLK=m) and of the ext2 filesystem
# the file rows mount (served by ext4, CONFIG_EXT4_FS=m, with the modules of
# fs/, lib/ and crypto/ it may depend on) into build/bench/linux/modules/.
# The package is never installed on the host. Skips all of it when
# build/bench/linux/vmlinuz and the modules are already there; remove
# vmlinuz to fetch anew.
set -euo pipefail
cd "$(dirname "$0")/../.."
out=build/bench/linux
meta=linux-image-amd64

[[ -s $out/vmlinuz && -s $out/modules/virtio_blk.ko && -s $out/modules/ext4.ko ]] && exit 0
for tool in apt-cache apt-get dpkg-deb tar; do
	command -v "$tool" >/dev/null 2>&1 || {
		echo "fetch-kernel: $tool is missing: this needs a Debian (or derived) host" >&2
		exit 1
	}
done

# `apt-cache depends` lists the candidate version's dependencies; it fails
# when apt does not know the package, which the test below reports.
pkg=$({ apt-cache depends "$meta" 2>/dev/null || true; } |
	sed -n 's/^ *|\{0,1\}Depends: \(linux-image-[0-9][^ ]*-amd64\)$/\1/p' | head -n 1)
if [[ -z $pkg ]]; then
	echo "fetch-kernel: apt knows no package $meta, or it names no versioned kernel." >&2
	echo "fetch-kernel: apt's package lists are probably missing: run 'apt-get update' as root" >&2
	echo "fetch-kernel: (or with sudo) once, then run this again." >&2
	exit 1
fi
version=$(apt-cache show --no-all-versions "$pkg" | sed -n 's/^Version: //p' | head -n 1)

mkdir -p "$out"
tmp=$(mktemp -d "$out/fetch.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
echo "fetch-kernel: downloading $pkg $version (about 70 MB)" >&2
# As root, apt would hand the download to its unprivileged _apt user, who
# cannot write into our directory; it then falls back to root with a
# warning. Say so up front instead.
apt_opts=(-q)
[[ $(id -u) -eq 0 ]] && apt_opts+=(-o APT::Sandbox::User=root)
(cd "$tmp" && apt-get "${apt_opts[@]}" download "$pkg" >/dev/null)
deb=$(echo "$tmp"/*.deb)
[[ -f $deb ]] || { echo "fetch-kernel: apt-get download left no .deb in $tmp" >&2; exit 1; }

# Only /boot, the virtio modules and those of fs/, lib/ and crypto/ (for
# ext4 and what it depends on) are needed, not the rest of the modules
# (most of the package); they go into one directory by their names. The package has no modules.dep (depmod
# makes it on install): build-initramfs.sh orders the modules by the
# dependencies each one names itself.
dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$tmp" --wildcards './boot/vmlinuz-*' './boot/config-*' \
	'./lib/modules/*/kernel/drivers/virtio/*.ko' './lib/modules/*/kernel/drivers/block/virtio_blk.ko' \
	'./lib/modules/*/kernel/fs/*' './lib/modules/*/kernel/lib/*' './lib/modules/*/kernel/crypto/*'
vmlinuz=$(echo "$tmp"/boot/vmlinuz-*)
[[ -f $vmlinuz ]] || { echo "fetch-kernel: no /boot/vmlinuz-* in $deb" >&2; exit 1; }
mv "$tmp"/boot/config-* "$out/config"
rm -rf "$out/modules"
mkdir -p "$out/modules"
mv "$tmp"/lib/modules/*/kernel/drivers/virtio/*.ko "$tmp"/lib/modules/*/kernel/drivers/block/virtio_blk.ko \
	"$out/modules/"
find "$tmp"/lib/modules/*/kernel/{fs,lib,crypto} -name '*.ko' -exec mv -t "$out/modules/" {} +
echo "$pkg $version" >"$out/kernel-package"
mv "$vmlinuz" "$out/vmlinuz"
echo "fetch-kernel: $out/vmlinuz is ${vmlinuz##*/} from $pkg $version" >&2
