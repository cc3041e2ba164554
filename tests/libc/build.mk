# tests/libc/: the C library's test program, booted as the first task by
# tests/qemu/libc.sh (make run-libc shows it on the terminal).
LIBCTEST_SRCS := tests/libc/libctest.c
LIBCTEST_OBJS := $(LIBCTEST_SRCS:%.c=$(BUILD)/libc/%.o)
LIBCTEST_ELF  := $(BUILD)/tests/libc/libctest.elf

user: $(LIBCTEST_ELF)

$(LIBCTEST_ELF): $(LIBCTEST_OBJS) $(LIBC_LINK_DEPS)
	@mkdir -p $(dir $@)
	$(call libc_link,$@,$(LIBCTEST_OBJS))
