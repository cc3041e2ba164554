/* Whole-system checks: a thousand tasks made and destroyed without losing
 * a page, a fuzzer hammering the system-call interface, and the kernel
 * still serving calls afterwards. */
#include "harness.h"

#define RECLAIM_TASKS          1000
#define FUZZ_POOL_PAGES        512
#define FUZZ_PLAY_PAGES        128
#define FUZZ_BADGE             0xF2
#define FUZZ_TRACE_LIMIT       900000 /* ms: printing every call is slow */
#define FUZZ_FRUITLESS         40     /* restarts or idle rounds without a call before a new fuzzer */
/* Time allowed (under TCG; 100,000 calls take about 4 s there). */
#define FUZZ_MS_PER_1000_CALLS 150

extern uint64_t kt_seed;       /* main.c */
extern uint64_t kt_fuzz_calls; /* main.c */
extern bool kt_fuzz_trace;     /* main.c */

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
	CHECK_OK(sys_mem_map(task, frame, 0x400000, R_READ | R_WRITE, 0, 0));
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

/* One fuzz run: the fuzzer of the moment, what pays for it, and what
 * its watcher counted. The shared page is ours and outlives each fuzzer,
 * so a new one goes on with the count and the generator of the last. */
struct fuzz_run {
	struct kt_helper fr_h;
	uint64_t fr_pool;  /* each fuzzer's task and its play pool come from it */
	uint64_t fr_ep;    /* an endpoint of ours the fuzzer may use */
	uint64_t fr_fault; /* its fault endpoint: the watcher waits here */
	uint64_t fr_frame; /* the shared page */
	volatile struct helper_shared *fr_shared;
	uint64_t fr_limit_ms;
	uint64_t fr_resumed;   /* bad system calls and bad pointers, resumed */
	uint64_t fr_restarts;  /* other faults: the loop restarted */
	uint64_t fr_unblocks;  /* blocking IPC cancelled by suspend/resume */
	uint64_t fr_replaced;  /* fuzzers that wrecked their own task, replaced */
	uint64_t fr_fruitless; /* restarts or unblocks since the last call made */
};

/* Which calls got past every check at least sometimes. */
static void fuzz_print_coverage(volatile struct helper_shared *s)
{
	char line[CONSOLE_LINE];
	int n = snprintf(line, sizeof(line), "# fuzz: successes by call number:");

	for (unsigned i = 0; i < SYS_COUNT && n > 0 && (size_t)n < sizeof(line); i++)
		n += snprintf(line + n, sizeof(line) - n, " %u:%lu", i, s->hs_ok[i]);
	printf("%s\n", line);
	printf("# fuzz: %lu of the %lu mem_map successes mapped a share\n", s->hs_share_maps,
	       s->hs_ok[SYS_MEM_MAP]);
}

/* A fuzzer in a task of its own, holding a play pool split from fr_pool
 * (the only copy), our endpoint, its own task, and the shared page. */
static int fuzz_start(struct fuzz_run *fr, uint64_t seed)
{
	uint64_t play = kt_slot();
	struct cap_info ci;

	/* The last fuzzer may have destroyed the endpoint we gave it. */
	if (sys_cap_identify_out(fr->fr_ep, &ci) != E_OK || ci.ci_type != CAP_ENDPOINT)
		CHECK_OK(kt_endpoint(&fr->fr_ep));
	CHECK_OK(sys_pool_split(fr->fr_pool, play, FUZZ_PLAY_PAGES, POOL_OBJECTS(8, 32, 32, 4, 4)));
	struct spawn_cap caps[] = { { play, HSLOT_POOL, R_ALL, 0 },
		                    { fr->fr_ep, HSLOT_EP, R_ALL, 0 },
		                    { SPAWN_OWN_TASK, HSLOT_SELF, R_ALL, 0 } };
	struct kt_helper_opts o = { .ho_role = ROLE_FUZZ,
		                    .ho_param = seed,
		                    .ho_fault_ep = fr->fr_fault,
		                    .ho_badge = FUZZ_BADGE,
		                    .ho_pool = fr->fr_pool,
		                    .ho_caps = caps,
		                    .ho_ncaps = 3,
		                    .ho_stopped = true };
	CHECK_OK(kt_helper_start(&fr->fr_h, &o));
	CHECK_OK(sys_mem_map(fr->fr_h.kh_sp.sp_task, fr->fr_frame, HELPER_SHARED_VADDR, R_READ | R_WRITE, 0,
	                     0));
	fr->fr_h.kh_shared = fr->fr_shared;
	CHECK_OK(sys_cap_delete(play));
	CHECK_OK(spawn_start(&fr->fr_h.kh_sp, fr->fr_h.kh_arg));
	return 0;
}

/* The fuzzer destroyed its own thread or task, unmapped its code, or
 * keeps faulting without making a call: a new one takes over. */
static int fuzz_replace(struct fuzz_run *fr, const char *why)
{
	if (fr->fr_replaced++ < 5)
		printf("# fuzz: fuzzer replaced after %lu calls (%s)\n", fr->fr_shared->hs_calls, why);
	spawn_destroy(&fr->fr_h.kh_sp);
	fr->fr_fruitless = 0;
	return fuzz_start(fr, 0);
}

/* One fault message from the fuzzer: answer it. */
static int fuzz_answer(struct fuzz_run *fr, const struct kt_fault *f)
{
	CHECK_EQ(f->kf_badge, FUZZ_BADGE);
	if (f->kf_kind == FAULT_BAD_SYSCALL || f->kf_kind == FAULT_BAD_POINTER) {
		fr->fr_resumed++;
		CHECK_OK(kt_fault_resume());
		return 0;
	}
	if (fr->fr_restarts++ < 5)
		printf("# fuzz: fault kind %lu addr %#lx ip %#lx code %#lx after %lu calls\n", f->kf_kind,
		       f->kf_addr, f->kf_ip, f->kf_code, fr->fr_shared->hs_calls);
	if (++fr->fr_fruitless > FUZZ_FRUITLESS)
		return fuzz_replace(fr, "it faults without making calls");
	CHECK_OK(kt_fault_resume_at(kt_helper_sym("helper_fuzz_resume"), fr->fr_shared->hs_resume_sp));
	return 0;
}

/* Fifty milliseconds without a fault message. If the fuzzer made no call
 * meanwhile, it is blocked in IPC (suspend + resume cancels that), or
 * its thread is gone, or it keeps blocking: replace it then. */
static int fuzz_idle(struct fuzz_run *fr, uint64_t *last)
{
	uint64_t now = fr->fr_shared->hs_calls;
	struct spawned *sp = &fr->fr_h.kh_sp;

	if (now != *last) {
		*last = now;
		fr->fr_fruitless = 0;
		return 0;
	}
	if (++fr->fr_fruitless > FUZZ_FRUITLESS)
		return fuzz_replace(fr, "it makes no calls");
	long e = sys_thread_suspend(sp->sp_thread);

	if (e == E_OK)
		e = sys_thread_resume(sp->sp_thread);
	if (e != E_OK)
		return fuzz_replace(fr, "its thread is gone: it destroyed its own task");
	fr->fr_unblocks++;
	return 0;
}

/* Answers the fuzzers' faults until one exits at the end of the count. */
static int fuzz_watch(struct fuzz_run *fr)
{
	uint64_t last = ~0ULL, t0 = kt_now();
	struct kt_fault f;

	for (;;) {
		long e = kt_fault_recv(fr->fr_fault, 50, &f);

		CHECK_MSG(kt_now() - t0 < fr->fr_limit_ms, "the fuzzer made only %lu calls in %lu s",
		          fr->fr_shared->hs_calls, fr->fr_limit_ms / 1000);
		if (e == E_TIMEOUT) {
			if (fuzz_idle(fr, &last))
				return -1;
			continue;
		}
		CHECK_OK(e);
		if (f.kf_kind == FAULT_EXIT)
			return 0;
		if (fuzz_answer(fr, &f))
			return -1;
	}
}

/* The fuzzer (fuzz.c) makes kt_fuzz_calls system calls from one seed;
 * whatever it made is charged to its pool, so afterwards the pool's quota
 * and the system's free frames are what they were before. make fuzz runs
 * this alone with more calls and several seeds, and reads the summary. */
int test_fuzzed_system_calls_leave_the_kernel_working(void)
{
	uint64_t seed = kt_seed & 0x00FFFFFFFFFFFFFFULL, calls = kt_fuzz_calls, t0 = kt_now();
	uint64_t left, free0, free1, boot_left0, boot_left;
	struct fuzz_run fr = { .fr_limit_ms = kt_fuzz_trace ? FUZZ_TRACE_LIMIT
		                                            : FUZZ_MS_PER_1000_CALLS * (calls / 1000 + 1) };
	volatile uint64_t *va;

	printf("# fuzz: seed %#lx (boot option ktest.seed=N), %lu calls (ktest.fuzzcalls=N)\n", seed, calls);
	if (fr.fr_limit_ms + 5000 > KT_TEST_BUDGET_MS)
		kt_watchdog_arm(fr.fr_limit_ms + 5000);
	CHECK_OK(kt_endpoint(&fr.fr_ep));
	CHECK_OK(kt_endpoint(&fr.fr_fault));
	CHECK_OK(kt_page(1, &fr.fr_frame, &va));
	fr.fr_shared = (volatile struct helper_shared *)va;
	fr.fr_shared->hs_limit = calls;
	fr.fr_shared->hs_trace = kt_fuzz_trace;
	/* A helper loaded and destroyed first, so that whatever the loader
	 * sets up once in our own address space exists before we count. */
	CHECK_OK(kt_helper_start(&fr.fr_h,
	                         &(struct kt_helper_opts){ .ho_role = ROLE_EXIT, .ho_stopped = true }));
	spawn_destroy(&fr.fr_h.kh_sp);
	kt_pool_state(BOOT_SLOT_POOL, &boot_left0, &free0);
	CHECK_OK(kt_pool(FUZZ_POOL_PAGES, &fr.fr_pool));
	if (fuzz_start(&fr, seed) || fuzz_watch(&fr))
		return -1;
	printf("# fuzz: %lu calls in %lu ms: %lu errors, %lu resumed faults, %lu restarts, %lu unblocked, "
	       "%lu replaced, %lu blocker calls, %lu child faults\n",
	       fr.fr_shared->hs_calls, kt_now() - t0, fr.fr_shared->hs_errors, fr.fr_resumed, fr.fr_restarts,
	       fr.fr_unblocks, fr.fr_replaced, fr.fr_shared->hs_blocked, fr.fr_shared->hs_child_faults);
	fuzz_print_coverage(fr.fr_shared);
	CHECK_MSG(fr.fr_shared->hs_done && fr.fr_shared->hs_calls >= calls,
	          "the fuzzer ended after %lu calls", fr.fr_shared->hs_calls);
	/* The newest mechanism is reached, not only refused (about one call
	 * in a thousand lends, and as many borrow: none in 10,000 is a bug). */
	CHECK_MSG(calls < 10000 || (fr.fr_shared->hs_ok[SYS_SHARE_CREATE] && fr.fr_shared->hs_share_maps),
	          "the fuzzer never made or mapped a share");
	/* Everything it made was charged to its pool and comes back. */
	spawn_destroy(&fr.fr_h.kh_sp);
	kt_pool_state(fr.fr_pool, &left, &free1);
	CHECK_OK(sys_cap_delete(fr.fr_pool));
	kt_pool_state(BOOT_SLOT_POOL, &boot_left, &free1);
	printf("# fuzz summary: seed %#lx, %lu calls, %lu pages leaked (pool %lu of %u back, free frames "
	       "%lu -> %lu)\n",
	       seed, fr.fr_shared->hs_calls, FUZZ_POOL_PAGES - left + (free0 - free1), left, FUZZ_POOL_PAGES,
	       free0, free1);
	CHECK_MSG(left == FUZZ_POOL_PAGES,
	          "%lu pages of the fuzzer's pool did not come back (a capability cycle? see "
	          "tasks_that_only_hold_each_other_are_reclaimed)",
	          FUZZ_POOL_PAGES - left);
	CHECK_EQ(boot_left, boot_left0);
	CHECK_EQ(free1, free0);
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
