# libc-glue/: newlib, the C library of user programs, and the system layer
# under it (docs/libc.md). build-newlib.sh builds newlib once into
# build/newlib from Debian's newlib-source tarball, and again only when the
# script or the tarball changes. A newlib program compiles its sources with
# NEWLIB_CFLAGS into $(BUILD)/libc/ and links with
# $(call newlib_link,OUTPUT,OBJECTS) (see tests/libc/build.mk).

NEWLIB_TARBALL := /usr/src/newlib/newlib-3.3.0.tar.xz
NEWLIB_DIR     := $(BUILD)/newlib
NEWLIB_STAMP   := $(NEWLIB_DIR)/stamp
NEWLIB_INC     := $(NEWLIB_DIR)/x86_64-elf/include
NEWLIB_LIBS    := $(NEWLIB_DIR)/x86_64-elf/lib/libc.a $(NEWLIB_DIR)/x86_64-elf/lib/libm.a

# Hosted C on newlib's headers, then gcc's own (stddef.h, stdarg.h, ...),
# never the host's. libipc's headers are there for the system calls.
NEWLIB_CFLAGS := -std=gnu11 -O2 -g -Wall -Wextra -Werror -fno-pic -fno-pie -static -fno-stack-protector \
	-fno-asynchronous-unwind-tables -nostdinc -isystem $(NEWLIB_INC) \
	-isystem $(shell $(CC) -print-file-name=include) -Iinclude -Ilibipc -Ilibc-glue -MD -MP

LIBC_GLUE_SRCS := \
	libc-glue/console_glue.c \
	libc-glue/heap.c \
	libc-glue/start.c \
	libc-glue/stubs.c \
	libc-glue/threads.c
LIBC_GLUE_OBJS := $(LIBC_GLUE_SRCS:%.c=$(BUILD)/libc/%.o)
LIBC_GLUE_LIB  := $(BUILD)/libc-glue/libc-glue.a

# libipc without its own small C library (printf, memcpy, ...): newlib's
# take their place.
LIBIPC_CORE_OBJS := $(filter-out $(BUILD)/user/libipc/console.o $(BUILD)/user/libipc/ustring.o,$(LIBIPC_OBJS))
LIBIPC_CORE_LIB  := $(BUILD)/libc-glue/libipc-core.a

# Everything newlib_link reads, for a program's prerequisites.
NEWLIB_LINK_DEPS := $(USER_CRT0) $(LIBC_GLUE_LIB) $(LIBIPC_CORE_LIB) $(NEWLIB_STAMP) $(USER_LD)

# `make user` builds newlib before any program.
user: $(NEWLIB_STAMP) $(LIBC_GLUE_LIB) $(LIBIPC_CORE_LIB)

$(NEWLIB_TARBALL): | $(BUILD)/.deps

$(NEWLIB_STAMP): libc-glue/build-newlib.sh $(NEWLIB_TARBALL) | $(BUILD)/.deps
	libc-glue/build-newlib.sh $(NEWLIB_TARBALL) $(NEWLIB_DIR)

$(BUILD)/libc/%.o: %.c $(NEWLIB_STAMP) | $(BUILD)/.deps
	@mkdir -p $(dir $@)
	$(CC) $(NEWLIB_CFLAGS) -c -o $@ $<

$(LIBC_GLUE_LIB): $(LIBC_GLUE_OBJS)
	@mkdir -p $(dir $@)
	rm -f $@
	$(AR) rcs $@ $^

$(LIBIPC_CORE_LIB): $(LIBIPC_CORE_OBJS)
	@mkdir -p $(dir $@)
	rm -f $@
	$(AR) rcs $@ $^

# $(call newlib_link,OUTPUT,OBJECTS): links a newlib program. The entry is
# libipc's crt0; --wrap=main sends its call of main to libc-glue/start.c,
# which calls the program's main. The libraries are a group because each
# needs the others: newlib calls the glue, the glue calls newlib and libipc.
newlib_link = $(CC) $(USER_LDFLAGS) -Wl,--wrap=main -o $(1) $(USER_CRT0) $(2) \
	-Wl,--start-group $(LIBC_GLUE_LIB) $(LIBIPC_CORE_LIB) $(NEWLIB_LIBS) -lgcc -Wl,--end-group
