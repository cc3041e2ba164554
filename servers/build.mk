# servers/: the supervisor (first task) and the servers it starts, and the
# supervisor's test client (tests/sup/).
SUPERVISOR_SRCS := servers/supervisor/main.c servers/supervisor/manifest.c servers/supervisor/policy.c
HELLO_SRCS      := servers/hello/main.c
SUPTEST_SRCS    := tests/sup/suptest.c

SUPERVISOR_ELF := $(BUILD)/servers/supervisor.elf
HELLO_ELF      := $(BUILD)/servers/hello.elf
SUPTEST_ELF    := $(BUILD)/tests/sup/suptest.elf

user: $(SUPERVISOR_ELF) $(HELLO_ELF) $(SUPTEST_ELF)

$(BUILD)/user/servers/supervisor/%.o: USER_CFLAGS += -Iservers/supervisor

$(SUPERVISOR_ELF): $(SUPERVISOR_SRCS:%.c=$(BUILD)/user/%.o) $(USER_CRT0) $(LIBIPC_LIB) $(USER_LD)
	@mkdir -p $(dir $@)
	$(call user_link,$@,$(SUPERVISOR_SRCS:%.c=$(BUILD)/user/%.o))

$(HELLO_ELF): $(HELLO_SRCS:%.c=$(BUILD)/user/%.o) $(USER_CRT0) $(LIBIPC_LIB) $(USER_LD)
	@mkdir -p $(dir $@)
	$(call user_link,$@,$(HELLO_SRCS:%.c=$(BUILD)/user/%.o))

$(SUPTEST_ELF): $(SUPTEST_SRCS:%.c=$(BUILD)/user/%.o) $(USER_CRT0) $(LIBIPC_LIB) $(USER_LD)
	@mkdir -p $(dir $@)
	$(call user_link,$@,$(SUPTEST_SRCS:%.c=$(BUILD)/user/%.o))
