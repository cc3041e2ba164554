# boot/: the multiboot entry, assembled into the kernel image.
BOOT_SRCS := boot/boot.asm
BOOT_OBJS := $(BOOT_SRCS:%.asm=$(BUILD)/%.o)

$(BUILD)/boot/%.o: boot/%.asm | $(BUILD)/.deps
	@mkdir -p $(dir $@)
	$(NASM) -f elf64 -g -F dwarf -w+all -MD $(@:.o=.d) -o $@ $<
