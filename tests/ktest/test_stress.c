/* Whole-system checks: a thousand tasks made and destroyed without losing
 * a page, a fuzzer hammering the system-call interface, and the kernel
 * still serving calls afterwards. */
#include "harness.h"

#define RECLAIM_TASKS    1000
#define FUZZ_POOL_PAGES  512
#define FUZZ_PLAY_PAGES  128
#define FUZZ_BADGE       0xF2
#define FUZZ_TIME_LIMIT  15000  /* ms, within the watchdog's budget */
#define FUZZ_TRACE_LIMIT 900000 /* ms: printing every call is slow */

extern uint64_t kt_seed;   /* main.c */
extern bool kt_fuzz_trace; /* main.c */

/* A task with a thread, an endpoint and two pages; its thread starts at an
 * unmapped address, faults, and everything is destroyed. */
static int reclaim_one(uint64_t fault_rx, uint64_t fault_tx, unsigned i)
{
	uint64_t task = kt_slot(), thread = kt_slot(), ep = kt_slot(), frame = kt_slot();
	struct kt_fault f;

	CHECK_OK(sys_task_create(BOOT_SLOT_POOL, task));
	CHECK_OK(sys_thread_create(task, BOOT_SLOT_POOL, thread, BOOT_IPC_BUFFER));
	CHECK_OK(sys_endpoint_create(BOOT_SLOT_POOL, ep));
	CHECK_OK(sys_cap_copy(ep, task, 1, R_ALL, 0, CAP_COPY_MOVE));
	CHECK_OK(sys_mem_alloc(BOOT_SLOT_POOL, frame, 2, 0));
	CHECK_OK(sys_mem_map(task, frame, 0x400000, R_READ | R_WRITE));
	CHECK_OK(sys_cap_delete(frame));
	CHECK_OK(sys_thread_configure(thread, HELPER_PRIO, fault_tx));
	CHECK_OK(sys_thread_start(thread, 0x1000, 0x402000, i));
	CHECK_OK(kt_fault_recv(fault_rx, KT_WAIT_MS, &f));
	CHECK_EQ(f.kf_kind, FAULT_PAGE);
	CHECK_EQ(f.kf_addr, 0x1000);
	CHECK_OK(sys_obj_destroy(thread));
	CHECK_OK(sys_obj_destroy(task));
	sys_cap_delete(thread);
	sys_cap_delete(task);
	sys_cap_delete(ep);
	slot_free(task);
	slot_free(thread);
	slot_free(ep);
	slot_free(frame);
	return 0;
}

int test_thousand_tasks_are_reclaimed_exactly(void)
{
	uint64_t rx, tx, left0, free0, left, free_frames, t0 = kt_now();

	CHECK_OK(kt_endpoint(&rx));
	CHECK_OK(kt_copy(rx, R_WRITE, 0x7A, &tx));
	/* One round first, so whatever the kernel sets up once is counted
	 * before the baseline. */
	if (reclaim_one(rx, tx, 0))
		return -1;
	kt_pool_state(BOOT_SLOT_POOL, &left0, &free0);
	for (unsigned i = 1; i <= RECLAIM_TASKS; i++)
		if (reclaim_one(rx, tx, i))
			return kt_fail(__FILE__, __LINE__, "round %u failed", i);
	kt_pool_state(BOOT_SLOT_POOL, &left, &free_frames);
	printf("# reclaim: %u tasks in %lu ms, pool %lu -> %lu pages, free frames %lu -> %lu\n",
	       RECLAIM_TASKS, kt_now() - t0, left0, left, free0, free_frames);
	CHECK_EQ(left, left0);
	CHECK_EQ(free_frames, free0);
	return 0;
}

struct fuzz_stats {
	uint64_t fs_resumed;  /* bad system calls and bad pointers, resumed */
	uint64_t fs_restarts; /* other faults: the loop restarted */
	uint64_t fs_unblocks; /* blocking IPC cancelled by suspend/resume */
};

/* Which calls got past every check at least sometimes. */
static void fuzz_print_coverage(volatile struct helper_shared *s)
{
	char line[CONSOLE_LINE];
	int n = snprintf(line, sizeof(line), "# fuzz: successes by call number:");

	for (unsigned i = 0; i < SYS_COUNT && n > 0 && (size_t)n < sizeof(line); i++)
		n += snprintf(line + n, sizeof(line) - n, " %u:%lu", i, s->hs_ok[i]);
	printf("%s\n", line);
}

/* One fault message from the fuzzer: answer it. */
static int fuzz_answer(struct kt_helper *h, const struct kt_fault *f, struct fuzz_stats *st)
{
	CHECK_EQ(f->kf_badge, FUZZ_BADGE);
	if (f->kf_kind == FAULT_BAD_SYSCALL || f->kf_kind == FAULT_BAD_POINTER) {
		st->fs_resumed++;
		CHECK_OK(kt_fault_resume());
		return 0;
	}
	if (st->fs_restarts++ < 5)
		printf("# fuzz: fault kind %lu addr %#lx ip %#lx code %#lx after %lu calls\n", f->kf_kind,
		       f->kf_addr, f->kf_ip, f->kf_code, h->kh_shared->hs_calls);
	CHECK_OK(kt_fault_resume_at(kt_helper_sym("helper_fuzz_resume"), h->kh_shared->hs_resume_sp));
	return 0;
}

/* Answers the fuzzer's faults until it exits; when it makes no progress
 * for a while it is blocked in IPC, and suspend + resume cancels that. */
static int fuzz_watch(struct kt_helper *h, uint64_t fault, struct fuzz_stats *st)
{
	uint64_t last = ~0ULL, t0 = kt_now(), limit = kt_fuzz_trace ? FUZZ_TRACE_LIMIT : FUZZ_TIME_LIMIT;
	struct kt_fault f;

	for (;;) {
		long e = kt_fault_recv(fault, 50, &f);

		if (e == E_TIMEOUT) {
			uint64_t now = h->kh_shared->hs_calls;

			CHECK_MSG(kt_now() - t0 < limit, "the fuzzer made only %lu calls in %lu s", now,
			          limit / 1000);
			if (now == last) {
				CHECK_OK(sys_thread_suspend(h->kh_sp.sp_thread));
				CHECK_OK(sys_thread_resume(h->kh_sp.sp_thread));
				st->fs_unblocks++;
			}
			last = now;
			continue;
		}
		CHECK_OK(e);
		if (f.kf_kind == FAULT_EXIT)
			return 0;
		if (fuzz_answer(h, &f, st))
			return -1;
	}
}

int test_fuzzed_system_calls_leave_the_kernel_working(void)
{
	uint64_t seed = kt_seed & 0x00FFFFFFFFFFFFFFULL, pool, play = kt_slot(), ep, fault;
	uint64_t left, free_frames, boot_left0, boot_left, t0 = kt_now();
	struct fuzz_stats st = { 0, 0, 0 };
	struct kt_helper h;

	printf("# fuzz: seed %#lx (boot option ktest.seed=N), %u calls\n", seed, FUZZ_CALLS);
	CHECK_OK(kt_endpoint(&ep));
	CHECK_OK(kt_endpoint(&fault));
	CHECK_OK(kt_pool(FUZZ_POOL_PAGES, &pool));
	CHECK_OK(sys_pool_split(pool, play, FUZZ_PLAY_PAGES, POOL_OBJECTS(8, 32, 32, 4)));
	struct spawn_cap caps[] = { { play, HSLOT_POOL, R_ALL, 0 }, { ep, HSLOT_EP, R_ALL, 0 } };
	struct kt_helper_opts o = { .ho_role = ROLE_FUZZ,
		                    .ho_param = seed,
		                    .ho_fault_ep = fault,
		                    .ho_badge = FUZZ_BADGE,
		                    .ho_pool = pool,
		                    .ho_caps = caps,
		                    .ho_ncaps = 2,
		                    .ho_shared = true,
		                    .ho_stopped = true };
	CHECK_OK(kt_helper_start(&h, &o));
	/* Measured here: the shared page (ours) is mapped now. */
	kt_pool_state(BOOT_SLOT_POOL, &boot_left0, &free_frames);
	h.kh_shared->hs_trace = kt_fuzz_trace;
	if (kt_fuzz_trace)
		kt_watchdog_arm(FUZZ_TRACE_LIMIT + 10000);
	CHECK_OK(sys_cap_delete(play)); /* the fuzzer's copy is the only one */
	CHECK_OK(spawn_start(&h.kh_sp, h.kh_arg));
	if (fuzz_watch(&h, fault, &st))
		return -1;
	printf("# fuzz: %lu calls in %lu ms: %lu errors, %lu resumed faults, %lu restarts, %lu unblocked\n",
	       h.kh_shared->hs_calls, kt_now() - t0, h.kh_shared->hs_errors, st.fs_resumed, st.fs_restarts,
	       st.fs_unblocks);
	fuzz_print_coverage(h.kh_shared);
	CHECK_MSG(h.kh_shared->hs_done && h.kh_shared->hs_calls >= FUZZ_CALLS,
	          "the fuzzer ended after %lu calls", h.kh_shared->hs_calls);
	/* Everything it made was charged to its pool and comes back. */
	spawn_destroy(&h.kh_sp);
	kt_pool_state(pool, &left, &free_frames);
	CHECK_MSG(left == FUZZ_POOL_PAGES,
	          "%lu pages of the fuzzer's pool did not come back (a capability cycle? see "
	          "tasks_that_only_hold_each_other_are_reclaimed)",
	          FUZZ_POOL_PAGES - left);
	CHECK_OK(sys_cap_delete(pool));
	kt_pool_state(BOOT_SLOT_POOL, &boot_left, &free_frames);
	CHECK_EQ(boot_left, boot_left0 + FUZZ_POOL_PAGES);
	return 0;
}

/* After the fuzzer: a new task still runs, calls and gets answers, and a
 * fault still reaches its handler. */
int test_kernel_serves_calls_after_fuzzing(void)
{
	struct kt_helper h;
	struct kt_fault f;
	uint64_t ep, fault;
	struct msg m;

	CHECK_OK(kt_endpoint(&ep));
	CHECK_OK(kt_endpoint(&fault));
	struct spawn_cap caps[] = { { ep, HSLOT_EP, R_WRITE, 0x33 } };
	struct kt_helper_opts o = { .ho_role = ROLE_CLIENT,
		                    .ho_param = CLIENT_PARAM(9, 1),
		                    .ho_fault_ep = fault,
		                    .ho_caps = caps,
		                    .ho_ncaps = 1 };
	CHECK_OK(kt_helper_start(&h, &o));
	CHECK_OK(ipc_recv(ep, KT_WAIT_MS, &m));
	CHECK_EQ(m.badge, 0x33);
	CHECK_EQ(m.w[1], 9);
	m.w[0]++;
	m.info = MSGINFO(LABEL_CLIENT + LABEL_ANSWER, 1, 0);
	m.cap_move = 0;
	CHECK_OK(ipc_reply(&m));
	CHECK_OK(kt_fault_recv(fault, KT_WAIT_MS, &f));
	CHECK_EQ(f.kf_kind, FAULT_EXIT);
	CHECK_EQ(f.kf_code, 1);
	return 0;
}
