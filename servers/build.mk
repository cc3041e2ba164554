# servers/: the supervisor (first task) and the servers it starts, and the
# supervisor's test client (tests/sup/). servers/manifest.txt is what
# `make run` boots.
SUPERVISOR_SRCS := servers/supervisor/main.c servers/supervisor/control.c servers/supervisor/heartbeat.c \
	servers/supervisor/log.c \
	servers/supervisor/manifest.c servers/supervisor/policy.c
HELLO_SRCS      := servers/hello/main.c
CONSOLE_SRCS    := servers/console/main.c servers/console/console_srv.c servers/console/line.c \
	servers/console/uart.c
SHELL_SRCS      := servers/shell/main.c servers/shell/commands.c servers/shell/args.c
SUPTEST_SRCS    := tests/sup/suptest.c tests/sup/leasy.c

SUPERVISOR_ELF := $(BUILD)/servers/supervisor.elf
HELLO_ELF      := $(BUILD)/servers/hello.elf
CONSOLE_ELF    := $(BUILD)/servers/console.elf
SHELL_ELF      := $(BUILD)/servers/shell.elf
SUPTEST_ELF    := $(BUILD)/tests/sup/suptest.elf

user: $(SUPERVISOR_ELF) $(HELLO_ELF) $(CONSOLE_ELF) $(SHELL_ELF) $(SUPTEST_ELF)

# Every server is a C-library program (libc-glue/build.mk): compiled with
# LIBC_CFLAGS into $(BUILD)/libc/, linked with libc_link.
$(SUPERVISOR_ELF): $(SUPERVISOR_SRCS:%.c=$(BUILD)/libc/%.o) $(LIBC_LINK_DEPS)
	@mkdir -p $(dir $@)
	$(call libc_link,$@,$(SUPERVISOR_SRCS:%.c=$(BUILD)/libc/%.o))

$(HELLO_ELF): $(HELLO_SRCS:%.c=$(BUILD)/libc/%.o) $(LIBC_LINK_DEPS)
	@mkdir -p $(dir $@)
	$(call libc_link,$@,$(HELLO_SRCS:%.c=$(BUILD)/libc/%.o))

$(CONSOLE_ELF): $(CONSOLE_SRCS:%.c=$(BUILD)/libc/%.o) $(LIBC_LINK_DEPS)
	@mkdir -p $(dir $@)
	$(call libc_link,$@,$(CONSOLE_SRCS:%.c=$(BUILD)/libc/%.o))

$(SHELL_ELF): $(SHELL_SRCS:%.c=$(BUILD)/libc/%.o) $(LIBC_LINK_DEPS)
	@mkdir -p $(dir $@)
	$(call libc_link,$@,$(SHELL_SRCS:%.c=$(BUILD)/libc/%.o))

$(SUPTEST_ELF): $(SUPTEST_SRCS:%.c=$(BUILD)/libc/%.o) $(LIBC_LINK_DEPS)
	@mkdir -p $(dir $@)
	$(call libc_link,$@,$(SUPTEST_SRCS:%.c=$(BUILD)/libc/%.o))
