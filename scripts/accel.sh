#!/usr/bin/env bash
# Prints the accelerator QEMU should use here: kvm only when /dev/kvm opens
# and the host CPU has hardware virtualization (vmx or svm). A /dev/kvm
# without them is a software one (kvm_pvm) that mis-runs ring-0 guest code;
# see ../shared/DESIGN.md. Everything else runs under tcg.
if [[ -r /dev/kvm && -w /dev/kvm ]] && grep -qwE 'vmx|svm' /proc/cpuinfo; then
	echo kvm
else
	echo tcg
fi
