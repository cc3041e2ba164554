# bench/kestrel/: the IPC benchmark, booted by scripts/bench.sh as the first
# task with its own image as the second module (the server it loads).
KBENCH_SRCS := bench/kestrel/kbench.c
KBENCH_ELF  := $(BUILD)/bench/kestrel/kbench.elf

user: $(KBENCH_ELF)

$(KBENCH_ELF): $(KBENCH_SRCS:%.c=$(BUILD)/user/%.o) $(USER_CRT0) $(LIBIPC_LIB) $(USER_LD)
	@mkdir -p $(dir $@)
	$(call user_link,$@,$(KBENCH_SRCS:%.c=$(BUILD)/user/%.o))
