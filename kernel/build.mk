# kernel/: the microkernel. KERNEL_CORE_SRCS compile on the host as they
# are; KERNEL_OBJECT_SRCS (objects, capabilities, IPC, scheduling, system
# calls and the console they print on) compile on the host against
# stand-ins for arch/ (tests/host/standin/, docs/testing.md).
KERNEL_CORE_SRCS := \
	kernel/bootinfo.c \
	kernel/frame.c \
	kernel/printf.c \
	kernel/vm.c

KERNEL_OBJECT_SRCS := \
	kernel/cap.c \
	kernel/clock.c \
	kernel/console.c \
	kernel/endpoint.c \
	kernel/ipc.c \
	kernel/irq.c \
	kernel/kobj.c \
	kernel/pool.c \
	kernel/sched.c \
	kernel/share.c \
	kernel/syscall.c \
	kernel/task.c \
	kernel/thread.c

KERNEL_SRCS := $(KERNEL_CORE_SRCS) \
	$(sort $(KERNEL_OBJECT_SRCS) \
		kernel/fastpath.c \
		kernel/main.c \
		kernel/mem.c \
		kernel/panic.c \
		kernel/roottask.c) \
	kernel/arch/x86_64/cpufeat.c \
	kernel/arch/x86_64/ioapic.c \
	kernel/arch/x86_64/lapic.c \
	kernel/arch/x86_64/paging.c \
	kernel/arch/x86_64/percpu.c \
	kernel/arch/x86_64/platform.c \
	kernel/arch/x86_64/switch.c \
	kernel/arch/x86_64/trap.c

KERNEL_ASMS := kernel/arch/x86_64/entry.asm

KERNEL_OBJS := $(BOOT_OBJS) $(KERNEL_SRCS:%.c=$(BUILD)/%.o) $(KERNEL_ASMS:%.asm=$(BUILD)/%.o)
KERNEL_LD   := kernel/arch/x86_64/kernel.ld
KERNEL_ELF  := $(BUILD)/kernel/kernel.elf
KERNEL_BIN  := $(BUILD)/kernel/kernel.bin

.PHONY: kernel
kernel: $(KERNEL_BIN)

$(BUILD)/kernel/%.o: kernel/%.c $(BUILD)/gen/build_id.h | $(BUILD)/.deps
	@mkdir -p $(dir $@)
	$(CC) $(KERNEL_CFLAGS) -c -o $@ $<

$(BUILD)/kernel/%.o: kernel/%.asm | $(BUILD)/.deps
	@mkdir -p $(dir $@)
	$(NASM) -f elf64 -g -F dwarf -w+all -MD $(@:.o=.d) -o $@ $<

# The kernel's functions for its exception reports (struct ksym in
# arch/x86_64/trap.h): a first link with an empty table gives the
# functions' addresses, the table made of them goes into the second link,
# and since the table lies after the code, no function may move between
# the two (gen-ksyms.py --check).
KERNEL_ELF_NOSYMS := $(BUILD)/kernel/kernel-nosyms.elf

$(BUILD)/kernel/ksyms-empty.c: scripts/gen-ksyms.py
	@mkdir -p $(dir $@)
	scripts/gen-ksyms.py --empty > $@

$(BUILD)/kernel/ksyms.c: $(KERNEL_ELF_NOSYMS) scripts/gen-ksyms.py
	scripts/gen-ksyms.py $< > $@.tmp && mv $@.tmp $@

$(BUILD)/kernel/ksyms.o $(BUILD)/kernel/ksyms-empty.o: %.o: %.c
	$(CC) $(KERNEL_CFLAGS) -Ikernel -c -o $@ $<

$(KERNEL_ELF_NOSYMS): $(KERNEL_OBJS) $(BUILD)/kernel/ksyms-empty.o $(KERNEL_LD)
	$(CC) $(KERNEL_LDFLAGS) -T $(KERNEL_LD) -o $@ $(KERNEL_OBJS) $(BUILD)/kernel/ksyms-empty.o -lgcc

$(KERNEL_ELF): $(KERNEL_OBJS) $(BUILD)/kernel/ksyms.o $(KERNEL_LD)
	$(CC) $(KERNEL_LDFLAGS) -T $(KERNEL_LD) -o $@ $(KERNEL_OBJS) $(BUILD)/kernel/ksyms.o -lgcc
	scripts/gen-ksyms.py --check $(KERNEL_ELF_NOSYMS) $@

# Multiboot 1 loaders take the flat image; gdb takes the ELF.
$(KERNEL_BIN): $(KERNEL_ELF)
	$(OBJCOPY) -O binary $< $@

# The build identity in the banner; rewritten only when it changes.
$(BUILD)/gen/build_id.h: FORCE
	@mkdir -p $(dir $@)
	@id=$$(git describe --always --dirty 2>/dev/null || echo unknown); \
	echo "#define BUILD_ID \"git $$id\"" > $@.tmp; \
	cmp -s $@.tmp $@ && rm $@.tmp || mv $@.tmp $@

.PHONY: FORCE
FORCE:

# The IPC fast path and the switch back to user mode are what the round
# trip measures; they keep no frame pointer (a backtrace skips them).
$(BUILD)/kernel/fastpath.o $(BUILD)/kernel/arch/x86_64/switch.o: KERNEL_CFLAGS += -fomit-frame-pointer
