# libc-glue/: picolibc, the C library of user programs, and the system
# layer under it (docs/libc.md). scripts/fetch-source.sh fetches Debian's
# picolibc source tarball (checked against its pinned SHA-256) into
# build/sources/ once; build-picolibc.sh builds it into build/picolibc, and
# again only when the script or the tarball changes. A C-library program
# is one line, $(eval $(call LIBC_PROGRAM,OUTPUT,SOURCES)) (servers use
# SERVER, servers/build.mk): its sources compile with LIBC_CFLAGS into
# $(BUILD)/libc/ and link with libc_link.

PICOLIBC_TARBALL := $(BUILD)/sources/picolibc_1.8.10.orig.tar.gz
PICOLIBC_DIR     := $(BUILD)/picolibc
PICOLIBC_STAMP   := $(PICOLIBC_DIR)/stamp
PICOLIBC_INC     := $(PICOLIBC_DIR)/install/include
PICOLIBC_LIBC    := $(PICOLIBC_DIR)/install/lib/libc.a

# Hosted C on picolibc's headers, then gcc's own (stddef.h, stdarg.h, ...),
# never the host's. libipc's headers are there for the system calls.
LIBC_CFLAGS := -std=gnu11 -O2 -g -Wall -Wextra -Werror -fno-pic -fno-pie -static -fno-stack-protector \
	-fno-asynchronous-unwind-tables -nostdinc -isystem $(PICOLIBC_INC) \
	-isystem $(shell $(CC) -print-file-name=include) -Iinclude -Icommon -Ilibipc -Ilibc-glue -MD -MP

LIBC_GLUE_SRCS := \
	libc-glue/console_glue.c \
	libc-glue/fd.c \
	libc-glue/fs_glue.c \
	libc-glue/heap.c \
	libc-glue/inet.c \
	libc-glue/net_glue.c \
	libc-glue/poll.c \
	libc-glue/sockopt.c \
	libc-glue/start.c \
	libc-glue/stubs.c \
	libc-glue/threads.c \
	libc-glue/time_glue.c
LIBC_GLUE_OBJS := $(LIBC_GLUE_SRCS:%.c=$(BUILD)/libc/%.o)
LIBC_GLUE_LIB  := $(BUILD)/libc-glue/libc-glue.a

# libipc without its own small C library (printf, memcpy, ...): picolibc's
# take their place.
LIBIPC_CORE_OBJS := $(filter-out $(BUILD)/user/libipc/console.o $(BUILD)/user/libipc/ustring.o,$(LIBIPC_OBJS))
LIBIPC_CORE_LIB  := $(BUILD)/libc-glue/libipc-core.a

# Everything libc_link reads, for a program's prerequisites.
LIBC_LINK_DEPS := $(USER_CRT0) $(LIBC_GLUE_LIB) $(LIBIPC_CORE_LIB) $(PICOLIBC_STAMP) $(USER_LD)

# `make user` builds picolibc before any program.
user: $(PICOLIBC_STAMP) $(LIBC_GLUE_LIB) $(LIBIPC_CORE_LIB)

# The tarball is fetched once (the network is needed only then): its name
# carries the version, so a new pin in fetch-source.sh is a new file.
$(PICOLIBC_TARBALL): | $(BUILD)/.deps
	scripts/fetch-source.sh picolibc >/dev/null

$(PICOLIBC_STAMP): libc-glue/build-picolibc.sh $(PICOLIBC_TARBALL) | $(BUILD)/.deps
	libc-glue/build-picolibc.sh $(PICOLIBC_TARBALL) $(PICOLIBC_DIR)

$(BUILD)/libc/%.o: %.c $(PICOLIBC_STAMP) | $(BUILD)/.deps
	@mkdir -p $(dir $@)
	$(CC) $(LIBC_CFLAGS) -c -o $@ $<

$(LIBC_GLUE_LIB): $(LIBC_GLUE_OBJS)
	@mkdir -p $(dir $@)
	rm -f $@
	$(AR) rcs $@ $^

$(LIBIPC_CORE_LIB): $(LIBIPC_CORE_OBJS)
	@mkdir -p $(dir $@)
	rm -f $@
	$(AR) rcs $@ $^

# $(call libc_link,OUTPUT,OBJECTS): links a C-library program. The entry is
# libipc's crt0; --wrap=main sends its call of main to libc-glue/start.c,
# which calls the program's main; --wrap puts stubs.c's fflush, realloc,
# abort and raise in front of picolibc's (see there why). The libraries are a group because each
# needs the others: picolibc calls the glue, the glue calls picolibc and
# libipc.
libc_link = $(CC) $(USER_LDFLAGS) -Wl,--wrap=main -Wl,--wrap=fflush \
	-Wl,--wrap=realloc -Wl,--wrap=abort -Wl,--wrap=raise -o $(1) $(USER_CRT0) $(2) \
	-Wl,--start-group $(LIBC_GLUE_LIB) $(LIBIPC_CORE_LIB) $(PICOLIBC_LIBC) -lgcc -Wl,--end-group

# $(eval $(call LIBC_PROGRAM,OUTPUT,SOURCES[,LIBRARIES])): OUTPUT is built
# by `make user` from SOURCES, a C-library program, linked with LIBRARIES
# (archives of its own, such as the network server's lwIP) too.
define LIBC_PROGRAM
user: $(1)
$(1): $(2:%.c=$(BUILD)/libc/%.o) $(3) $$(LIBC_LINK_DEPS)
	@mkdir -p $$(dir $$@)
	$$(call libc_link,$$@,$(2:%.c=$(BUILD)/libc/%.o) $(3))
endef
