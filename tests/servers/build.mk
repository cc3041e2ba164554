# tests/servers/: cmocka unit tests of the servers' hardware-free files
# (STYLE: logic files link into host tests without main.c), built with the
# host compiler and the sanitizers, one binary per server file tested.
SERVER_HOST_TESTS := \
	$(BUILD)/tests/servers/test_console_line \
	$(BUILD)/tests/servers/test_sup_log \
	$(BUILD)/tests/servers/test_shell_args

host-tests: $(SERVER_HOST_TESTS)

# $(call server_host_test,OUTPUT,SOURCES)
server_host_test = @mkdir -p $(dir $(1)) && $(CC) $(HOST_CFLAGS) -o $(1) $(2) $(HOST_LDLIBS)

$(BUILD)/tests/servers/test_console_line: tests/servers/test_console_line.c servers/console/line.c \
		servers/console/line.h | $(BUILD)/.deps
	$(call server_host_test,$@,$(filter %.c,$^))

$(BUILD)/tests/servers/test_sup_log: tests/servers/test_sup_log.c servers/supervisor/log.c \
		servers/supervisor/log.h include/kestrel/proto/supervisor.h | $(BUILD)/.deps
	$(call server_host_test,$@,$(filter %.c,$^))

$(BUILD)/tests/servers/test_shell_args: tests/servers/test_shell_args.c servers/shell/args.c \
		servers/shell/args.h | $(BUILD)/.deps
	$(call server_host_test,$@,$(filter %.c,$^))

TEST_SUITES += $(foreach t,$(SERVER_HOST_TESTS),"host/$(notdir $(t))=env CMOCKA_MESSAGE_OUTPUT=TAP $(t)")
