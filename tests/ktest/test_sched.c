/* Threads and scheduling: creating, configuring, starting, suspending and
 * resuming threads; strict priorities, round robin among equals, and the
 * FPU/SSE registers of each thread kept across preemption. The runner
 * (RUNNER_PRIO) sleeps while its lower-priority threads compete. */
#include "harness.h"

static volatile int spin_stop;
static volatile uint64_t spin_count[2];

static long spin(uint64_t i)
{
	while (!spin_stop)
		spin_count[i]++;
	return 0;
}

int test_thread_create_checks_its_arguments(void)
{
	uint64_t s = kt_slot(), ep, frame, pool, drain = kt_slot(), t = kt_slot();
	uint64_t va = vspace_alloc(2 * PAGE_SIZE, PAGE_SIZE);
	volatile uint64_t *mapped;

	CHECK_OK(kt_endpoint(&ep));
	CHECK_OK(kt_page(1, &frame, &mapped));
	CHECK_ERR(sys_thread_create(BOOT_SLOT_TASK, BOOT_SLOT_POOL, s, va + 8), E_BAD_ARG);
	CHECK_ERR(sys_thread_create(BOOT_SLOT_TASK, BOOT_SLOT_POOL, s, USER_TOP), E_BAD_ARG);
	CHECK_ERR(sys_thread_create(BOOT_SLOT_TASK, BOOT_SLOT_POOL, s, 0xFFFF800000000000ULL), E_BAD_ARG);
	CHECK_ERR(sys_thread_create(BOOT_SLOT_TASK, BOOT_SLOT_POOL, s, (uint64_t)mapped), E_EXISTS);
	CHECK_ERR(sys_thread_create(ep, BOOT_SLOT_POOL, s, va), E_WRONG_TYPE);
	CHECK_ERR(sys_thread_create(BOOT_SLOT_TASK, ep, s, va), E_WRONG_TYPE);
	CHECK_ERR(sys_thread_create(BOOT_SLOT_TASK, BOOT_SLOT_POOL, ep, va), E_SLOT_FULL);
	CHECK_ERR(sys_thread_create(kt_slot(), BOOT_SLOT_POOL, s, va), E_BAD_CAP);
	/* A pool with no quota left cannot pay for the message buffer. */
	CHECK_OK(kt_pool(1, &pool));
	CHECK_OK(sys_mem_alloc(pool, drain, 1, 0));
	CHECK_ERR(sys_thread_create(BOOT_SLOT_TASK, pool, s, va), E_NO_MEMORY);
	CHECK_OK(sys_thread_create(BOOT_SLOT_TASK, BOOT_SLOT_POOL, t, va));
	CHECK_OK(vspace_log(va, 1, CAP_NULL, 0)); /* the buffer outlives the thread */
	/* Created stopped, it has a buffer page at va now. */
	CHECK_ERR(sys_thread_create(BOOT_SLOT_TASK, BOOT_SLOT_POOL, s, va), E_EXISTS);
	return 0;
}

int test_thread_configure_checks_priority_and_endpoint(void)
{
	uint64_t t = kt_slot(), ep, frame, va = vspace_alloc(PAGE_SIZE, PAGE_SIZE);

	CHECK_OK(kt_endpoint(&ep));
	CHECK_OK(kt_frame(1, &frame));
	CHECK_OK(sys_thread_create(BOOT_SLOT_TASK, BOOT_SLOT_POOL, t, va));
	CHECK_OK(vspace_log(va, 1, CAP_NULL, 0)); /* the buffer outlives the thread */
	CHECK_OK(sys_thread_configure(t, RUNNER_PRIO, ep));
	CHECK_OK(sys_thread_configure(t, 0, CAP_NULL));
	CHECK_ERR(sys_thread_configure(t, RUNNER_PRIO + 1, CAP_NULL), E_BAD_ARG);
	CHECK_ERR(sys_thread_configure(t, PRIORITY_MAX + 1, CAP_NULL), E_BAD_ARG);
	CHECK_ERR(sys_thread_configure(t, 1, frame), E_WRONG_TYPE);
	CHECK_ERR(sys_thread_configure(t, 1, kt_slot()), E_BAD_CAP);
	CHECK_ERR(sys_thread_configure(ep, 1, CAP_NULL), E_WRONG_TYPE);
	return 0;
}

int test_thread_start_runs_a_thread_once(void)
{
	uint64_t t, ep;

	spin_stop = 0;
	spin_count[0] = 0;
	CHECK_OK(kt_endpoint(&ep));
	CHECK_OK(kt_thread(spin, 0, HELPER_PRIO, CAP_NULL, &t));
	kt_sleep(10);
	CHECK(spin_count[0] > 0);
	CHECK_ERR(sys_thread_start(t, 0x400000, 0x400000, 0), E_BAD_STATE);
	CHECK_ERR(sys_thread_start(ep, 0x400000, 0x400000, 0), E_WRONG_TYPE);
	CHECK_ERR(sys_thread_start(kt_slot(), 0x400000, 0x400000, 0), E_BAD_CAP);
	spin_stop = 1;
	return 0;
}

static uint64_t ticks_of(uint64_t thread)
{
	struct cap_info ci = { 0 };

	return sys_cap_identify_out(thread, &ci) == E_OK && ci.ci_type == CAP_THREAD ? ci.ci_badge : ~0ULL;
}

/* What a supervisor's watchdog of spinning servers reads: a thread that
 * spins while we sleep runs (nearly) every tick of it; one suspended or
 * waiting, none. */
int test_cap_identify_tells_the_ticks_a_thread_ran(void)
{
	uint64_t t, waiter, ep, before, after;

	spin_stop = 0;
	CHECK_OK(kt_endpoint(&ep));
	CHECK_OK(kt_thread(spin, 0, HELPER_PRIO, CAP_NULL, &t));
	before = ticks_of(t);
	kt_sleep(100);
	after = ticks_of(t);
	CHECK(after != ~0ULL && after - before >= 80 && after - before <= 110);
	CHECK_OK(sys_thread_suspend(t));
	before = ticks_of(t);
	kt_sleep(30);
	CHECK_EQ(ticks_of(t), before);
	CHECK_OK(sys_obj_destroy(t));
	/* Blocked in a receive that never ends, it runs no tick. */
	CHECK_OK(kt_thread(kt_recv_forever, ep, HELPER_PRIO, CAP_NULL, &waiter));
	kt_sleep(20);
	before = ticks_of(waiter);
	kt_sleep(50);
	CHECK_EQ(ticks_of(waiter), before);
	CHECK(before <= 2);
	CHECK_OK(sys_obj_destroy(waiter));
	spin_stop = 1;
	return 0;
}

/* What a supervisor does to make a server crash wherever it is: suspend
 * it and start it again at address 0. */
int test_thread_start_restarts_a_suspended_thread(void)
{
	uint64_t t, ep;
	struct msg m;

	spin_stop = 0;
	CHECK_OK(kt_endpoint(&ep));
	CHECK_OK(kt_thread(spin, 0, HELPER_PRIO, ep, &t));
	kt_sleep(10);
	CHECK_OK(sys_thread_suspend(t));
	CHECK_ERR(sys_thread_start(t, USER_TOP, 0x400000, 0), E_BAD_ARG);
	CHECK_OK(sys_thread_start(t, 0, 0x400000, 0));
	CHECK_OK(ipc_recv(ep, 1000, &m));
	CHECK_EQ(msg_label(&m), KMSG_FAULT);
	CHECK_EQ(m.w[FAULT_W_KIND], FAULT_PAGE);
	CHECK_EQ(m.w[FAULT_W_IP], 0);
	CHECK_EQ(m.w[FAULT_W_ADDR], 0);
	CHECK_OK(sys_obj_destroy(t)); /* it waits for an answer that never comes */
	spin_stop = 1;
	return 0;
}

int test_suspend_stops_a_thread_and_resume_continues_it(void)
{
	uint64_t t, c0, ep;

	spin_stop = 0;
	spin_count[0] = 0;
	CHECK_OK(kt_endpoint(&ep));
	CHECK_OK(kt_thread(spin, 0, HELPER_PRIO, CAP_NULL, &t));
	kt_sleep(10);
	CHECK_ERR(sys_thread_resume(t), E_BAD_STATE);
	CHECK_OK(sys_thread_suspend(t));
	c0 = spin_count[0];
	kt_sleep(20);
	CHECK_EQ(spin_count[0], c0);
	CHECK_OK(sys_thread_resume(t));
	kt_sleep(10);
	CHECK_MSG(spin_count[0] > c0, "the resumed thread did not run");
	CHECK_ERR(sys_thread_suspend(ep), E_WRONG_TYPE);
	CHECK_ERR(sys_thread_resume(ep), E_WRONG_TYPE);
	CHECK_ERR(sys_thread_suspend(kt_slot()), E_BAD_CAP);
	spin_stop = 1;
	return 0;
}

/* Where thread_regs sends a suspended spinner: it records the argument
 * it finds in rdi and the rbx it was given, and spins on. */
static volatile uint64_t landed_arg, landed_rbx;

static __attribute__((noreturn)) void landing(uint64_t arg)
{
	uint64_t rbx;

	__asm__ volatile("mov %%rbx, %0" : "=r"(rbx));
	landed_rbx = rbx;
	landed_arg = arg;
	for (;;)
		sys_yield();
}

static uint64_t reg_of(uint64_t t, uint64_t reg)
{
	uint64_t v = ~0ULL;

	return sys_thread_regs_out(t, reg, 0, 0, &v) == E_OK ? v : ~0ULL;
}

/* What a debugger or the fault injector does: stop a thread, read where
 * it is, change its registers, and let it go on from what they say. */
int test_thread_regs_reads_and_writes_a_suspended_thread(void)
{
	uint64_t t, ep, rip, rsp, old;

	spin_stop = 0;
	landed_arg = landed_rbx = 0;
	CHECK_OK(kt_endpoint(&ep));
	CHECK_OK(kt_thread(spin, 0, HELPER_PRIO, ep, &t));
	kt_sleep(10);
	CHECK_OK(sys_thread_suspend(t));
	rip = reg_of(t, UREG_RIP);
	rsp = reg_of(t, UREG_RSP);
	CHECK_MSG(rip >= (uint64_t)spin && rip < (uint64_t)spin + 64, "rip %#lx is not in spin at %p", rip,
	          spin);
	CHECK_MSG(rsp > 0 && rsp < USER_TOP, "rsp %#lx", rsp);
	CHECK_EQ(reg_of(t, UREG_RFLAGS) & 0x200, 0x200); /* interrupts on, as user code always runs */
	CHECK_EQ(reg_of(t, UREG_FS_BASE), 0);
	/* rflags: only the arithmetic flags and DF move; IF stays set. */
	CHECK_OK(sys_thread_regs_out(t, UREG_RFLAGS, ~0ULL, 1, &old));
	CHECK_EQ(reg_of(t, UREG_RFLAGS), UREG_RFLAGS_USER | 0x202);
	CHECK_OK(sys_thread_regs_out(t, UREG_RFLAGS, 0, 1, &old));
	CHECK_EQ(old, UREG_RFLAGS_USER | 0x202);
	CHECK_EQ(reg_of(t, UREG_RFLAGS), 0x202);
	/* Each general register reads back what was written. */
	for (uint64_t r = 0; r < UREG_GPRS; r++) {
		CHECK_OK(sys_thread_regs_out(t, r, 0x1111111111111111ULL * (r + 1), 1, &old));
		CHECK_EQ(reg_of(t, r), 0x1111111111111111ULL * (r + 1));
	}
	/* Then it runs on where we say, with what we say. */
	CHECK_OK(sys_thread_regs_out(t, UREG_RIP, (uint64_t)landing, 1, &old));
	CHECK_EQ(old, rip);
	CHECK_OK(sys_thread_regs_out(t, UREG_RSP, (rsp & ~15ULL) - 8, 1, &old));
	CHECK_OK(sys_thread_regs_out(t, UREG_RDI, 0x5eed, 1, &old));
	CHECK_OK(sys_thread_regs_out(t, UREG_RBX, 0xb0b, 1, &old));
	CHECK_OK(sys_thread_resume(t));
	for (int i = 0; i < 100 && !landed_arg; i++)
		kt_sleep(1);
	CHECK_EQ(landed_arg, 0x5eed);
	CHECK_EQ(landed_rbx, 0xb0b);
	CHECK_OK(sys_obj_destroy(t));
	spin_stop = 1;
	return 0;
}

int test_thread_regs_checks_state_rights_and_registers(void)
{
	uint64_t t, ep, ro, none, wo, v;
	static const uint64_t holes[] = { 15, 16, 18, 21, 23, 63, 64, 1ULL << 40, ~0ULL };

	spin_stop = 0;
	CHECK_OK(kt_endpoint(&ep));
	CHECK_OK(kt_thread(spin, 0, HELPER_PRIO, ep, &t));
	kt_sleep(5);
	/* Running: nothing to read. */
	CHECK_ERR(sys_thread_regs_out(t, UREG_RIP, 0, 0, &v), E_BAD_STATE);
	CHECK_ERR(sys_thread_regs_out(t, UREG_RAX, 1, 1, &v), E_BAD_STATE);
	CHECK_OK(sys_thread_suspend(t));
	for (unsigned i = 0; i < sizeof(holes) / sizeof(holes[0]); i++) {
		CHECK_ERR(sys_thread_regs_out(t, holes[i], 0, 0, &v), E_BAD_ARG);
		CHECK_ERR(sys_thread_regs_out(t, holes[i], 0, 1, &v), E_BAD_ARG);
	}
	CHECK_ERR(sys_thread_regs_out(t, UREG_RAX, 0, 2, &v), E_BAD_ARG);
	/* Reading needs R_READ, writing R_WRITE, both R_CONTROL. */
	CHECK_OK(kt_copy(t, R_CONTROL | R_READ, 0, &ro));
	CHECK_OK(kt_copy(t, R_READ | R_WRITE, 0, &none));
	CHECK_OK(kt_copy(t, R_CONTROL | R_WRITE, 0, &wo));
	CHECK_OK(sys_thread_regs_out(ro, UREG_RIP, 0, 0, &v));
	CHECK_ERR(sys_thread_regs_out(ro, UREG_RAX, 7, 1, &v), E_NO_RIGHTS);
	CHECK_ERR(sys_thread_regs_out(none, UREG_RIP, 0, 0, &v), E_NO_RIGHTS);
	CHECK_ERR(sys_thread_regs_out(none, UREG_RAX, 7, 1, &v), E_NO_RIGHTS);
	CHECK_ERR(sys_thread_regs_out(wo, UREG_RIP, 0, 0, &v), E_NO_RIGHTS);
	CHECK_OK(sys_thread_regs_out(wo, UREG_RAX, 7, 1, &v));
	CHECK_ERR(sys_thread_regs_out(ep, UREG_RIP, 0, 0, &v), E_WRONG_TYPE);
	CHECK_ERR(sys_thread_regs_out(kt_slot(), UREG_RIP, 0, 0, &v), E_BAD_CAP);
	CHECK_ERR(sys_thread_regs_out(CAP_NULL, UREG_RIP, 0, 0, &v), E_BAD_CAP);
	CHECK_OK(sys_thread_resume(t));
	spin_stop = 1;
	kt_sleep(5);
	/* Exited: not suspended either. */
	CHECK_ERR(sys_thread_regs_out(t, UREG_RIP, 0, 0, &v), E_BAD_STATE);
	return 0;
}

/* Addresses the way out to user mode would trip over are refused (rip,
 * rsp, FS base at or past USER_TOP: sysret's non-canonical rip, wrmsr);
 * anything else a thread may hold is its own business: it faults. */
int test_thread_regs_writes_cannot_hurt_the_kernel(void)
{
	static const uint64_t bad[] = { USER_TOP, 0x0000800000000000ULL, 0xFFFF800000000000ULL,
		                        0xFFFFFFFF80000000ULL, ~0ULL };
	static const uint64_t addr_regs[] = { UREG_RIP, UREG_RSP, UREG_FS_BASE };
	uint64_t t, ep, v;
	struct msg m;

	spin_stop = 0;
	CHECK_OK(kt_endpoint(&ep));
	CHECK_OK(kt_thread(spin, 0, HELPER_PRIO, ep, &t));
	kt_sleep(5);
	CHECK_OK(sys_thread_suspend(t));
	for (unsigned i = 0; i < sizeof(addr_regs) / sizeof(addr_regs[0]); i++)
		for (unsigned j = 0; j < sizeof(bad) / sizeof(bad[0]); j++)
			CHECK_ERR(sys_thread_regs_out(t, addr_regs[i], bad[j], 1, &v), E_BAD_ARG);
	/* Kernel addresses in general registers are only numbers. */
	CHECK_OK(sys_thread_regs_out(t, UREG_RAX, 0xFFFFFFFF80000000ULL, 1, &v));
	CHECK_OK(sys_thread_regs_out(t, UREG_RCX, 0xFFFF800000000000ULL, 1, &v));
	CHECK_OK(sys_thread_regs_out(t, UREG_R11, ~0ULL, 1, &v));
	/* An unmapped rip just below USER_TOP: the thread page-faults there. */
	CHECK_OK(sys_thread_regs_out(t, UREG_RIP, USER_TOP - 16, 1, &v));
	CHECK_OK(sys_thread_regs_out(t, UREG_FS_BASE, USER_TOP - 8, 1, &v));
	CHECK_OK(sys_thread_resume(t));
	CHECK_OK(ipc_recv(ep, 1000, &m));
	CHECK_EQ(msg_label(&m), KMSG_FAULT);
	CHECK_EQ(m.w[FAULT_W_KIND], FAULT_PAGE);
	CHECK_EQ(m.w[FAULT_W_IP], USER_TOP - 16);
	CHECK_OK(sys_obj_destroy(t));
	spin_stop = 1;
	return 0;
}

/* What the high-priority thread saw. */
static volatile uint64_t hi_woke, hi_low_before, hi_low_after, hi_slept_at;

/* Sleeps 10 ms (the low thread runs meanwhile), then spins for longer than
 * a time slice (10 ms), so that only strict priority keeps the low thread
 * from running meanwhile. */
#define HIGH_SPIN_MS 25
static long high_thread(uint64_t arg)
{
	uint64_t t;

	(void)arg;
	hi_slept_at = kt_now();
	kt_sleep(10);
	hi_woke = kt_now();
	hi_low_before = spin_count[0];
	for (t = kt_now(); kt_now() < t + HIGH_SPIN_MS;)
		;
	hi_low_after = spin_count[0];
	return 0;
}

int test_higher_priority_thread_preempts_lower(void)
{
	uint64_t lo, hi;

	spin_stop = 0;
	spin_count[0] = 0;
	hi_woke = 0;
	CHECK_OK(kt_thread(spin, 0, HELPER_PRIO - 10, CAP_NULL, &lo));
	CHECK_OK(kt_thread(high_thread, 0, HELPER_PRIO + 10, CAP_NULL, &hi));
	kt_sleep(80);
	spin_stop = 1;
	printf("# preempt: slept %lu ms, low thread at %lu, then %lu after %u ms\n", hi_woke - hi_slept_at,
	       hi_low_before, hi_low_after, HIGH_SPIN_MS);
	CHECK_MSG(hi_woke, "the high-priority thread never woke while the low one spun");
	CHECK_MSG(hi_woke - hi_slept_at >= 10 && hi_woke - hi_slept_at <= 40,
	          "a 10 ms sleep preempting a spinning thread took %lu ms", hi_woke - hi_slept_at);
	CHECK_MSG(hi_low_before > 0, "the low-priority thread did not run while the high one slept");
	CHECK_MSG(hi_low_after == hi_low_before,
	          "the low-priority thread ran %lu times during the high one's spin",
	          hi_low_after - hi_low_before);
	return 0;
}

int test_equal_priority_threads_share_the_cpu(void)
{
	uint64_t a, b, total;

	spin_stop = 0;
	spin_count[0] = spin_count[1] = 0;
	CHECK_OK(kt_thread(spin, 0, HELPER_PRIO, CAP_NULL, &a));
	CHECK_OK(kt_thread(spin, 1, HELPER_PRIO, CAP_NULL, &b));
	kt_sleep(200);
	spin_stop = 1;
	total = spin_count[0] + spin_count[1];
	printf("# share: %lu and %lu rounds in 200 ms\n", spin_count[0], spin_count[1]);
	CHECK_MSG(spin_count[0] > total / 20 && spin_count[1] > total / 20,
	          "in 200 ms one thread counted %lu, the other %lu", spin_count[0], spin_count[1]);
	return 0;
}

/* Loads xmm0..xmm14 from 15 16-byte values at rdi, then rsi times checks
 * each register still holds its value (xmm15 is the scratch register).
 * Returns the number of mismatches. */
unsigned long kt_sse_hold(const void *values, unsigned long rounds);
__asm__(".text\n"
        ".globl kt_sse_hold\n"
        "kt_sse_hold:\n"
        "	.irp i,0,1,2,3,4,5,6,7,8,9,10,11,12,13,14\n"
        "	movdqu \\i*16(%rdi), %xmm\\i\n"
        "	.endr\n"
        "	xor %eax, %eax\n"
        "1:\n"
        "	.irp i,0,1,2,3,4,5,6,7,8,9,10,11,12,13,14\n"
        "	movdqu \\i*16(%rdi), %xmm15\n"
        "	pcmpeqb %xmm\\i, %xmm15\n"
        "	pmovmskb %xmm15, %ecx\n"
        "	xor $0xffff, %ecx\n"
        "	setnz %cl\n"
        "	movzbl %cl, %ecx\n"
        "	add %rcx, %rax\n"
        "	.endr\n"
        "	dec %rsi\n"
        "	jnz 1b\n"
        "	ret\n");

static volatile uint64_t sse_rounds[2], sse_bad[2], sse_interleaved[2];

static long sse_thread(uint64_t i)
{
	uint8_t values[15 * 16];

	for (unsigned k = 0; k < sizeof(values); k++)
		values[k] = (uint8_t)(0x11 * (i + 1) + k);
	while (!spin_stop) {
		uint64_t other = sse_rounds[!i];

		sse_bad[i] += kt_sse_hold(values, 20000);
		sse_rounds[i]++;
		sse_interleaved[i] += sse_rounds[!i] != other;
	}
	return 0;
}

int test_fpu_registers_survive_preemption(void)
{
	uint64_t a, b;

	spin_stop = 0;
	for (int i = 0; i < 2; i++)
		sse_rounds[i] = sse_bad[i] = sse_interleaved[i] = 0;
	CHECK_OK(kt_thread(sse_thread, 0, HELPER_PRIO, CAP_NULL, &a));
	CHECK_OK(kt_thread(sse_thread, 1, HELPER_PRIO, CAP_NULL, &b));
	kt_sleep(300);
	spin_stop = 1;
	kt_sleep(50);
	printf("# sse: rounds %lu and %lu, preempted inside a round %lu and %lu times\n", sse_rounds[0],
	       sse_rounds[1], sse_interleaved[0], sse_interleaved[1]);
	CHECK_MSG(sse_rounds[0] > 0 && sse_rounds[1] > 0, "rounds: %lu and %lu", sse_rounds[0],
	          sse_rounds[1]);
	CHECK_MSG(sse_interleaved[0] + sse_interleaved[1] >= 2,
	          "the threads were never preempted inside a round (%lu, %lu)", sse_interleaved[0],
	          sse_interleaved[1]);
	CHECK_MSG(sse_bad[0] == 0 && sse_bad[1] == 0, "xmm registers changed: %lu and %lu mismatches",
	          sse_bad[0], sse_bad[1]);
	return 0;
}
