# libipc/: the user-side library every user program links: crt0, the
# system-call and IPC stubs, console printf and its formatter, the slot and
# address-space allocators, threads and the ELF loader. A program without
# the C library is one line, $(eval $(call USER_PROGRAM,OUTPUT,SOURCES)):
# it links crt0.o, its objects and libipc.a with libipc/user.ld.

# User code may use SSE (the kernel saves it per thread); the red zone is
# fine in user mode.
USER_CFLAGS := -std=gnu11 -O2 -g -Wall -Wextra -Werror -ffreestanding -fno-pic -fno-pie -static \
	-nostdlib -fno-stack-protector -fno-builtin -fno-asynchronous-unwind-tables \
	-Iinclude -Icommon -Ilibipc -MD -MP
USER_LD      := libipc/user.ld
USER_LDFLAGS := -nostdlib -static -no-pie -Wl,--build-id=none -Wl,-z,max-page-size=4096 \
	-Wl,-z,noexecstack -T $(USER_LD)
AR := ar

LIBIPC_SRCS := \
	libipc/console.c \
	libipc/elf.c \
	libipc/elf_line.c \
	libipc/fmt.c \
	libipc/nic_ring.c \
	libipc/num.c \
	libipc/proto.c \
	libipc/proto_async.c \
	libipc/server.c \
	libipc/sleep.c \
	libipc/slots.c \
	libipc/spawn.c \
	libipc/memcpy.c \
	libipc/uart.c \
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

# libipc runs on every IPC path of every server: with no SSE of its own
# (gcc copies messages through xmm registers otherwise), a server that
# computes no floating point never touches the FPU, and a call through it
# costs no lazy FPU switch (docs/kernel.md).
$(LIBIPC_OBJS): USER_CFLAGS += -mgeneral-regs-only

$(LIBIPC_LIB): $(LIBIPC_OBJS)
	@mkdir -p $(dir $@)
	rm -f $@
	$(AR) rcs $@ $^

# $(call user_link,OUTPUT,OBJECTS): links a user program.
user_link = $(CC) $(USER_LDFLAGS) -o $(1) $(USER_CRT0) $(2) $(LIBIPC_LIB) -lgcc

# $(eval $(call USER_PROGRAM,OUTPUT,SOURCES)): OUTPUT is built by `make
# user` from SOURCES, on libipc alone.
define USER_PROGRAM
user: $(1)
$(1): $(2:%.c=$(BUILD)/user/%.o) $(USER_CRT0) $(LIBIPC_LIB) $(USER_LD)
	@mkdir -p $$(dir $$@)
	$$(call user_link,$$@,$(2:%.c=$(BUILD)/user/%.o))
endef
