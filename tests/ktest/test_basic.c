/* The simplest system calls: debug_write, yield, clock, thread_id, and
 * what an unknown system call number does. */
#include "harness.h"

int test_debug_write_prints_text(void)
{
	static const char text[] = "# debug_write: a line from the runner\n";

	CHECK_OK(sys_debug_write((uint64_t)text, sizeof(text) - 1));
	CHECK_OK(sys_debug_write((uint64_t)text, 0));
	return 0;
}

int test_debug_write_refuses_more_than_4096_bytes(void)
{
	uint64_t frame;
	volatile uint64_t *buf;

	/* The buffer is mapped, so only the length is wrong. */
	CHECK_OK(kt_page(2, &frame, &buf));
	CHECK_ERR(sys_debug_write((uint64_t)buf, 4097), E_BAD_LENGTH);
	CHECK_ERR(sys_debug_write((uint64_t)buf, ~0ULL), E_BAD_LENGTH);
	return 0;
}

static long write_from(uint64_t addr)
{
	return sys_debug_write(addr, 16);
}

/* The thread faults with FAULT_BAD_POINTER; resumed, the call returns
 * E_FAULTED. */
static int check_bad_pointer(uint64_t addr)
{
	struct kt_joinable j;
	struct kt_fault f;
	long status;

	CHECK_OK(kt_spawn(write_from, addr, HELPER_PRIO, &j));
	CHECK_OK(kt_fault_recv(j.kj_fault_ep, KT_WAIT_MS, &f));
	CHECK_EQ(f.kf_kind, FAULT_BAD_POINTER);
	CHECK_EQ(f.kf_addr, addr);
	CHECK_OK(kt_fault_resume());
	CHECK_OK(kt_join(&j, &status));
	CHECK_ERR(status, E_FAULTED);
	return 0;
}

int test_debug_write_bad_pointer_faults_the_thread(void)
{
	uint64_t unmapped = vspace_alloc(PAGE_SIZE, PAGE_SIZE);

	if (check_bad_pointer(unmapped))
		return -1;
	/* The kernel's direct map: mapped, but not for user code. */
	return check_bad_pointer(0xFFFF800000100000ULL);
}

static volatile int yield_flag;

static long set_flag(uint64_t arg)
{
	yield_flag = (int)arg;
	return 0;
}

int test_yield_lets_equal_priority_thread_run(void)
{
	uint64_t t;
	int i;

	yield_flag = 0;
	CHECK_OK(kt_thread(set_flag, 1, RUNNER_PRIO, CAP_NULL, &t));
	for (i = 0; i < 100 && !yield_flag; i++)
		CHECK_OK(sys_yield());
	CHECK_MSG(yield_flag, "the thread did not run in %d yields", i);
	return 0;
}

int test_clock_counts_milliseconds_and_instructions(void)
{
	struct sys_out a, b;

	CHECK_OK(sys_raw(SYS_CLOCK, 0, 0, 0, 0, 0, 0, &a));
	kt_sleep(20);
	CHECK_OK(sys_raw(SYS_CLOCK, 0, 0, 0, 0, 0, 0, &b));
	CHECK_MSG(b.out0 >= a.out0 + 20 && b.out0 < a.out0 + 1000, "20 ms sleep took %lu ms",
	          b.out0 - a.out0);
	CHECK_MSG(b.out1 > a.out1, "time-stamp counter went from %lu to %lu", a.out1, b.out1);
	return 0;
}

static long report_id(uint64_t arg)
{
	(void)arg;
	return sys_thread_id();
}

int test_thread_id_names_each_thread(void)
{
	struct kt_joinable j;
	struct kt_fault f;
	long mine = sys_thread_id();

	CHECK(mine >= 0);
	CHECK_EQ(sys_thread_id(), mine);
	CHECK_OK(kt_spawn(report_id, 0, HELPER_PRIO, &j));
	CHECK_OK(kt_fault_recv(j.kj_fault_ep, KT_WAIT_MS, &f));
	CHECK_EQ(f.kf_kind, FAULT_EXIT);
	CHECK_EQ(f.kf_code, f.kf_thread);
	CHECK(f.kf_thread != (uint64_t)mine);
	return 0;
}

int test_unknown_syscall_faults_with_its_number(void)
{
	static const uint64_t numbers[] = { SYS_COUNT, 0x1000, 1ULL << 32 | SYS_YIELD, ~0ULL };

	for (unsigned i = 0; i < sizeof(numbers) / sizeof(numbers[0]); i++) {
		struct kt_joinable j;
		struct kt_fault f;
		long status;

		CHECK_OK(kt_spawn(kt_syscall_nr, numbers[i], HELPER_PRIO, &j));
		CHECK_OK(kt_fault_recv(j.kj_fault_ep, KT_WAIT_MS, &f));
		CHECK_EQ(f.kf_kind, FAULT_BAD_SYSCALL);
		CHECK_EQ(f.kf_code, numbers[i]);
		CHECK_EQ(f.kf_ip, (uint64_t)kt_syscall_after);
		CHECK_OK(kt_fault_resume());
		CHECK_OK(kt_join(&j, &status));
		CHECK_ERR(status, E_FAULTED);
	}
	return 0;
}
