# tests/host/: cmocka unit tests of kernel and server logic, built from the
# kernel's own sources (KERNEL_CORE_SRCS) and the servers' hardware-free
# files (HOST_SUPERVISOR_SRCS) with the host compiler. One binary per file.
HOST_TESTS := \
	tests/host/test_bootinfo.c \
	tests/host/test_frame.c \
	tests/host/test_manifest.c \
	tests/host/test_policy.c \
	tests/host/test_printf.c \
	tests/host/test_vm.c

HOST_SUPPORT := tests/host/host_support.c
HOST_SUPERVISOR_SRCS := servers/supervisor/manifest.c servers/supervisor/policy.c

HOST_TEST_BINS := $(HOST_TESTS:tests/host/%.c=$(BUILD)/tests/host/%)
HOST_CORE_OBJS := $(KERNEL_CORE_SRCS:%.c=$(BUILD)/host/%.o) $(HOST_SUPPORT:%.c=$(BUILD)/host/%.o) \
	$(HOST_SUPERVISOR_SRCS:%.c=$(BUILD)/host/%.o)

.PHONY: host-tests
host-tests: $(HOST_TEST_BINS)

$(BUILD)/host/%.o: %.c | $(BUILD)/.deps
	@mkdir -p $(dir $@)
	$(CC) $(HOST_CFLAGS) -c -o $@ $<

$(BUILD)/tests/host/%: $(BUILD)/host/tests/host/%.o $(HOST_CORE_OBJS)
	@mkdir -p $(dir $@)
	$(CC) $(HOST_CFLAGS) -o $@ $^ $(HOST_LDLIBS)

# Each binary prints TAP ("ok N - name" / "not ok N - name").
TEST_SUITES += $(foreach t,$(HOST_TEST_BINS),"host/$(notdir $(t))=env CMOCKA_MESSAGE_OUTPUT=TAP $(t)")
