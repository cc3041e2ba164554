# Kestrel: one non-recursive Makefile. Each directory lists its sources in
# its own fragment (*.mk); everything is built into build/.
#
#   make run     build and boot on the terminal (Ctrl-A x leaves QEMU)
#   make disk-reset  make the disk of make run again from disk/
#   make test    host unit tests and QEMU tests: "N passed, N failed"
#   make debug   boot with QEMU waiting for gdb (see scripts/gdbinit)
#   make bench   the system's figures as a table
#   make demo    a narrated tour: the IPC benchmark, servers crashed under load
#   make fuzz    the long system-call fuzzing campaign (FUZZ_CALLS, FUZZ_SEEDS)
#
# ACCEL=tcg|kvm picks the accelerator; by default scripts/accel.sh decides.
# HTTP_PORT=N: the host's port (on 127.0.0.1) make run forwards to httpd's
# port 80 in the guest (8080).

BUILD := build
ACCEL ?= $(shell scripts/accel.sh)

CC      := gcc
NASM    := nasm
OBJCOPY := objcopy

# The kernel: freestanding, higher half, no SSE, no red zone.
KERNEL_CFLAGS := -std=gnu11 -O2 -g -Wall -Wextra -Werror -ffreestanding -fno-pic -fno-pie \
	-mcmodel=kernel -mno-red-zone -mgeneral-regs-only -fno-stack-protector \
	-fno-omit-frame-pointer -fno-asynchronous-unwind-tables -fno-builtin \
	-Iinclude -Icommon -I$(BUILD)/gen -MD -MP
KERNEL_LDFLAGS := -nostdlib -static -no-pie -Wl,--build-id=none -Wl,-z,max-page-size=4096 \
	-Wl,-z,noexecstack

# Host tests compile the same kernel sources with the host's defaults.
HOST_CFLAGS := -std=gnu11 -O1 -g -Wall -Wextra -Werror -Iinclude -Icommon -Ikernel -MD -MP \
	-fsanitize=address,undefined -fno-omit-frame-pointer
HOST_LDLIBS := -lcmocka

.PHONY: all deps run disk-reset run-ktest run-libc test debug bench demo fuzz fs-crash chaos clean
all: deps kernel user

include boot/build.mk
include kernel/build.mk
include libipc/build.mk
include libc-glue/build.mk
include libvirtio/build.mk
include tests/ktest/build.mk
include tests/libc/build.mk
include bench/kestrel/build.mk
include bench/floor/build.mk
include bench/disk/build.mk
include bench/files/build.mk
include bench/recovery/build.mk
include servers/build.mk
include tests/host/build.mk
include tests/servers/build.mk
include tests/fuzz/build.mk
include tests/qemu/build.mk

# Installs missing packages once per change of the install script.
deps: $(BUILD)/.deps
$(BUILD)/.deps: scripts/install-deps.sh
	@mkdir -p $(BUILD)
	scripts/install-deps.sh
	@touch $@

# The supervisor as the first task, its manifest and the servers the
# manifest's binary lines name, on a machine with the disk and a network
# card (QEMU's user network): scripts/qemu.sh --system. make debug boots
# the same, stopped until gdb comes (scripts/gdbinit). make run also
# forwards the host's 127.0.0.1:HTTP_PORT to httpd's port 80 (curl
# http://localhost:8080/).
RUN_ARGS = --accel $(ACCEL) --system --disk $$(scripts/disk-image.sh)
HTTP_PORT ?= 8080
run: all
	scripts/qemu.sh $(RUN_ARGS) --hostfwd tcp:127.0.0.1:$(HTTP_PORT)-:80 -- $(KERNEL_BIN)

# The disk of make run made again from disk/, losing what the system wrote.
disk-reset:
	scripts/disk-image.sh --reset

# The in-system test suite on the terminal: user space at work. QEMU ends
# when the suite does; the status is the suite's. QEMU's edu device is
# what test_irq.c's MSI test makes raise an interrupt (as qemu/ktest).
run-ktest: all
	scripts/qemu.sh --accel $(ACCEL) --exit-device --module build/tests/ktest/ktest.elf \
		--module build/tests/ktest/ktest-helper.elf -- $(KERNEL_BIN) -device edu

# The C library's test program on the terminal, ended as run-ktest is.
run-libc: all
	scripts/qemu.sh --accel $(ACCEL) --exit-device --module build/tests/libc/libctest.elf -- $(KERNEL_BIN)

debug: all
	scripts/qemu.sh $(RUN_ARGS) --gdb -- $(KERNEL_BIN)

test: deps kernel user host-tests
	@scripts/run-tests.sh $(TEST_SUITES)

bench: all $(FLOOR_BIN)
	@scripts/install-deps.sh bench
	@bash -o pipefail -c 'scripts/bench.sh | tee build/bench/last-run.txt'
	@scripts/readme-figures.sh --check

# The tour of docs/demo.md (scripts/demo.sh): the IPC benchmark beside
# Linux's figure, then make run's system with the workload and the host's
# curl while seven servers are crashed or killed in turn, then every
# acknowledged change checked on its disk (a copy: never make run's) and a
# table. Ends by itself in a minute or two under TCG.
demo: all
	@ACCEL=$(ACCEL) scripts/demo.sh

fuzz: all
	@scripts/fuzz.sh

# The crash test's long campaign (tests/qemu/fscrash.sh): CRASHES crashes
# of the filesystem server, then the disk driver.
CRASHES ?= 500
fs-crash: all
	@ACCEL=$(ACCEL) CRASHES=$(CRASHES) FSCRASH_NAME=fscrash-long BOOT_TIMEOUT=$$(($(CRASHES) * 2 + 60)) \
		tests/qemu/fscrash.sh

# The fault-injection campaign (scripts/chaos.sh, docs/chaos.md):
# CHAOS_FAULTS faults into every server under make demo's workload
# (servers/workload/), in batches of CHAOS_BATCH, CHAOS_JOBS QEMU runs at
# once.
CHAOS_FAULTS ?= 100000
CHAOS_BATCH ?= 2000
CHAOS_JOBS ?= 1
chaos: all
	@ACCEL=$(ACCEL) CHAOS_FAULTS=$(CHAOS_FAULTS) CHAOS_BATCH=$(CHAOS_BATCH) CHAOS_JOBS=$(CHAOS_JOBS) \
		scripts/chaos.sh

clean:
	rm -rf $(BUILD)

# make print-VARIABLE: its value (scripts/kernel-lines.sh reads the
# kernel's sources and flags this way).
print-%:
	@echo $($*)

# Keep intermediate objects: they are what the next build reuses.
.SECONDARY:

# The compiler writes the dependency files; no rule makes them (else make
# would try to remake build/lwip/obj/core/ip.d from an ip.d.o through
# lwIP's pattern rule for objects).
$(BUILD)/%.d: ;
-include $(shell find $(BUILD) -name '*.d' -type f 2>/dev/null)
