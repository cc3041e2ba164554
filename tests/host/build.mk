# tests/host/: cmocka unit tests of kernel and server logic, built from the
# kernel's own sources (KERNEL_CORE_SRCS, and KERNEL_OBJECT_SRCS below) and
# the hardware-free files of the servers and libipc (HOST_SUPERVISOR_SRCS,
# HOST_LIBIPC_SRCS) with the host compiler. One binary per file.
HOST_KERNEL_TESTS := \
	tests/host/test_cap.c \
	tests/host/test_io.c \
	tests/host/test_ipc.c \
	tests/host/test_pool.c \
	tests/host/test_sched.c

HOST_TESTS := \
	tests/host/test_bootinfo.c \
	tests/host/test_frame.c \
	tests/host/test_manifest.c \
	tests/host/test_policy.c \
	tests/host/test_printf.c \
	tests/host/test_vault.c \
	tests/host/test_vm.c \
	$(HOST_KERNEL_TESTS)

HOST_SUPPORT := tests/host/host_support.c
HOST_SUPERVISOR_SRCS := servers/supervisor/manifest.c servers/supervisor/policy.c
HOST_LIBIPC_SRCS := libipc/fmt.c libipc/vault.c

HOST_TEST_BINS := $(HOST_TESTS:tests/host/%.c=$(BUILD)/tests/host/%)
HOST_CORE_OBJS := $(KERNEL_CORE_SRCS:%.c=$(BUILD)/host/%.o) $(HOST_SUPPORT:%.c=$(BUILD)/host/%.o) \
	$(HOST_SUPERVISOR_SRCS:%.c=$(BUILD)/host/%.o) $(HOST_LIBIPC_SRCS:%.c=$(BUILD)/host/%.o)

.PHONY: host-tests
host-tests: $(HOST_TEST_BINS)

$(BUILD)/host/%.o: %.c | $(BUILD)/.deps
	@mkdir -p $(dir $@)
	$(CC) $(HOST_CFLAGS) -c -o $@ $<

$(BUILD)/tests/host/%: $(BUILD)/host/tests/host/%.o $(HOST_CORE_OBJS)
	@mkdir -p $(dir $@)
	$(CC) $(HOST_CFLAGS) -o $@ $^ $(HOST_LDLIBS)

# The kernel's object files (KERNEL_OBJECT_SRCS) against stand-ins for
# arch/: tests/host/standin/ holds a cpu.h without assembly, put ahead of
# kernel/ on the include path, and arch.c with what the files take from
# kernel/arch/x86_64/*.c; the other arch/ headers are only declarations
# and constants, used as they are. A quoted #include looks in the source's
# own folder first, where kernel/arch/ would win, so each file is compiled
# from a copy in build/ whose #line names the original for messages and
# the debugger. tests/host/host_kernel.c boots them over a heap arena.
HOST_KERNEL_SUPPORT := tests/host/host_kernel.c tests/host/standin/arch.c
HOST_KERNEL_OBJS := $(KERNEL_OBJECT_SRCS:kernel/%.c=$(BUILD)/host/kcopy/%.o) \
	$(HOST_KERNEL_SUPPORT:%.c=$(BUILD)/host/%.o)

$(HOST_KERNEL_TESTS:tests/host/%.c=$(BUILD)/tests/host/%): $(HOST_KERNEL_OBJS)

$(BUILD)/host/kcopy/%.c: kernel/%.c
	@mkdir -p $(dir $@)
	{ echo '#line 1 "$<"'; cat $<; } > $@

$(BUILD)/host/kcopy/%.o: $(BUILD)/host/kcopy/%.c | $(BUILD)/.deps
	$(CC) -Itests/host/standin $(HOST_CFLAGS) -c -o $@ $<

# Each binary prints TAP ("ok N - name" / "not ok N - name").
TEST_SUITES += $(foreach t,$(HOST_TEST_BINS),"host/$(notdir $(t))=env CMOCKA_MESSAGE_OUTPUT=TAP $(t)")

# libipc's protocol layer (libipc/proto.c) against host stand-ins for the
# IPC calls (tests/host/shim/). The source is copied into build/ first:
# a quoted #include looks in the source's own folder before any -I, and
# libipc/ipc.h there would win over the stand-in.
PROTO_HOST_TEST := $(BUILD)/tests/host/test_proto
PROTO_HOST_SRC  := $(BUILD)/host/shim/proto.c

host-tests: $(PROTO_HOST_TEST)

$(PROTO_HOST_SRC): libipc/proto.c
	@mkdir -p $(dir $@)
	cp $< $@

$(PROTO_HOST_TEST): tests/host/test_proto.c $(PROTO_HOST_SRC) libipc/proto.h tests/host/shim/ipc.h \
		tests/host/shim/syscalls.h | $(BUILD)/.deps
	@mkdir -p $(dir $@)
	$(CC) $(HOST_CFLAGS) -Itests/host/shim -Ilibipc -o $@ tests/host/test_proto.c $(PROTO_HOST_SRC) \
		$(HOST_LDLIBS)

TEST_SUITES += "host/test_proto=env CMOCKA_MESSAGE_OUTPUT=TAP $(PROTO_HOST_TEST)"
