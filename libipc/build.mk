# libipc/: the user-side library every user program links: crt0, the
# system-call and IPC stubs, console printf and its formatter, the slot and
# address-space allocators, threads and the ELF loader. Programs link
# crt0.o, their objects and libipc.a with libipc/user.ld (see
# tests/ktest/build.mk for an example).

# User code may use SSE (the kernel saves it per thread); the red zone is
# fine in user mode.
USER_CFLAGS := -std=gnu11 -O2 -g -Wall -Wextra -Werror -ffreestanding -fno-pic -fno-pie -static \
	-nostdlib -fno-stack-protector -fno-builtin -fno-asynchronous-unwind-tables \
	-Iinclude -Ilibipc -MD -MP
USER_LD      := libipc/user.ld
USER_LDFLAGS := -nostdlib -static -no-pie -Wl,--build-id=none -Wl,-z,max-page-size=4096 \
	-Wl,-z,noexecstack -T $(USER_LD)
AR := ar

LIBIPC_SRCS := \
	libipc/console.c \
	libipc/elf.c \
	libipc/fmt.c \
	libipc/proto.c \
	libipc/server.c \
	libipc/slots.c \
	libipc/spawn.c \
	libipc/ustring.c \
	libipc/uthread.c \
	libipc/vault.c \
	libipc/vspace.c

USER_CRT0  := $(BUILD)/user/libipc/crt0.o
LIBIPC_OBJS := $(LIBIPC_SRCS:%.c=$(BUILD)/user/%.o)
LIBIPC_LIB := $(BUILD)/libipc/libipc.a

# `make user` builds every user program; each directory adds its own.
.PHONY: user
user: $(LIBIPC_LIB) $(USER_CRT0)

$(BUILD)/user/%.o: %.c | $(BUILD)/.deps
	@mkdir -p $(dir $@)
	$(CC) $(USER_CFLAGS) -c -o $@ $<

$(LIBIPC_LIB): $(LIBIPC_OBJS)
	@mkdir -p $(dir $@)
	rm -f $@
	$(AR) rcs $@ $^

# $(call user_link,OUTPUT,OBJECTS): links a user program.
user_link = $(CC) $(USER_LDFLAGS) -o $(1) $(USER_CRT0) $(2) $(LIBIPC_LIB) -lgcc

# Host test of the ELF reader, against the helper program the in-system
# tests load with it (built by tests/ktest/build.mk).
LIBIPC_HOST_TEST := $(BUILD)/tests/host/test_elf
LIBIPC_HOST_ELF  := $(BUILD)/tests/ktest/ktest-helper.elf

host-tests: $(LIBIPC_HOST_TEST) $(LIBIPC_HOST_ELF)

$(LIBIPC_HOST_TEST): tests/host/test_elf.c libipc/elf.c libipc/elf.h | $(BUILD)/.deps
	@mkdir -p $(dir $@)
	$(CC) $(HOST_CFLAGS) -Ilibipc -o $@ tests/host/test_elf.c libipc/elf.c $(HOST_LDLIBS)

TEST_SUITES += "host/test_elf=env CMOCKA_MESSAGE_OUTPUT=TAP $(LIBIPC_HOST_TEST) $(LIBIPC_HOST_ELF)"
