# bench/floor/: the floor of an IPC round trip, a kernel of its own on
# Kestrel's boot code and layout, booted by scripts/bench.sh. Only make
# bench builds it.
FLOOR_BIN  := $(BUILD)/bench/floor/floor.bin
FLOOR_OBJS := $(BOOT_OBJS) $(BUILD)/bench/floor/floor.o $(BUILD)/bench/floor/floor-asm.o

$(BUILD)/bench/floor/floor.o: bench/floor/floor.c | $(BUILD)/.deps
	@mkdir -p $(dir $@)
	$(CC) $(KERNEL_CFLAGS) -Ikernel -c -o $@ $<

$(BUILD)/bench/floor/floor-asm.o: bench/floor/floor.asm | $(BUILD)/.deps
	@mkdir -p $(dir $@)
	$(NASM) -f elf64 -w+all -MD $(@:.o=.d) -o $@ $<

$(BUILD)/bench/floor/floor.elf: $(FLOOR_OBJS) $(KERNEL_LD)
	$(CC) $(KERNEL_LDFLAGS) -T $(KERNEL_LD) -o $@ $(FLOOR_OBJS) -lgcc

$(FLOOR_BIN): $(BUILD)/bench/floor/floor.elf
	$(OBJCOPY) -O binary $< $@
