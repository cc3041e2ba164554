# tests/ktest/: the in-system test suite. ktest.elf is the first task (the
# runner, booted as the first multiboot module); ktest-helper.elf is the
# second module, which the runner loads as helper tasks. Run by
# tests/qemu/ktest.sh.
KTEST_SRCS := \
	tests/ktest/harness.c \
	tests/ktest/main.c \
	tests/ktest/test_basic.c \
	tests/ktest/test_caps.c \
	tests/ktest/test_fastpath.c \
	tests/ktest/test_fault.c \
	tests/ktest/test_hostile.c \
	tests/ktest/test_ipc.c \
	tests/ktest/test_ipc_local.c \
	tests/ktest/test_irq.c \
	tests/ktest/test_mem.c \
	tests/ktest/test_notify.c \
	tests/ktest/test_reclaim.c \
	tests/ktest/test_sched.c \
	tests/ktest/test_share.c \
	tests/ktest/test_stress.c
KTEST_HELPER_SRCS := \
	tests/ktest/fuzz.c \
	tests/ktest/helper.c

$(eval $(call USER_PROGRAM,$(BUILD)/tests/ktest/ktest.elf,$(KTEST_SRCS)))
$(eval $(call USER_PROGRAM,$(BUILD)/tests/ktest/ktest-helper.elf,$(KTEST_HELPER_SRCS)))
