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

$(KERNEL_ELF): $(KERNEL_OBJS) $(KERNEL_LD)
	$(CC) $(KERNEL_LDFLAGS) -T $(KERNEL_LD) -o $@ $(KERNEL_OBJS) -lgcc

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
