/* The scheduler (sched.c, with clock.c's ticks) in the booted host kernel
 * (host_kernel.h): each kernel entry ends in the stand-in for the return
 * to user mode, which reports the thread chosen, so these tests follow the
 * scheduler's decisions call by call: priorities, round robin on yield and
 * on slice expiry, blocked and suspended threads passed over, woken and
 * preempted threads first in line, receive timeouts, and the idle halt. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "clock.h"
#include "host_kernel.h"

#define EP 10 /* an endpoint to block on */
#define TA 21 /* thread capabilities */
#define TB 22
#define TC 23

static int64_t suspend_self(struct thread *t, uint64_t slot, struct thread **next)
{
	*next = hk_sys(t, SYS_THREAD_SUSPEND, slot);
	return hk_result(t);
}

static void highest_priority_ready_thread_runs(void **state)
{
	struct thread *a = hk_thread_new(TA, 100), *b = hk_thread_new(TB, 150), *c = hk_thread_new(TC, 120);
	struct thread *next;

	(void)state;
	/* The first thread (priority 200) keeps the CPU while it is ready. */
	assert_thread(hk_schedule(), hk_thread);
	assert_int_equal(suspend_self(hk_thread, BOOT_SLOT_THREAD, &next), E_OK);
	assert_int_equal(hk_thread->t_state, TS_SUSPENDED);
	assert_thread(next, b);
	assert_int_equal(suspend_self(b, TB, &next), E_OK);
	assert_thread(next, c);
	assert_int_equal(suspend_self(c, TC, &next), E_OK);
	assert_thread(next, a);
	/* Nothing else: the CPU halts. */
	assert_int_equal(suspend_self(a, TA, &next), E_OK);
	assert_thread(next, NULL);
	assert_null(current);
	assert_int_equal(sched_top, -1);
}

static void yield_rotates_threads_of_one_priority(void **state)
{
	struct thread *a = hk_thread_new(TA, HK_PRIO), *b = hk_thread_new(TB, HK_PRIO);
	struct thread *low = hk_thread_new(TC, HK_PRIO - 1);

	(void)state;
	assert_thread(hk_sys(hk_thread, SYS_YIELD, 0), a);
	assert_int_equal(hk_result(hk_thread), E_OK);
	assert_thread(hk_sys(a, SYS_YIELD, 0), b);
	assert_thread(hk_sys(b, SYS_YIELD, 0), hk_thread);
	assert_thread(hk_sys(hk_thread, SYS_YIELD, 0), a);
	/* Alone at its priority, a yielding thread runs on; lower ones wait. */
	assert_int_equal(hk_call(hk_thread, SYS_THREAD_SUSPEND, TB), E_OK);
	assert_int_equal(hk_call(a, SYS_THREAD_SUSPEND, BOOT_SLOT_THREAD), E_OK);
	assert_thread(hk_sys(a, SYS_YIELD, 0), a);
	assert_thread(hk_sys(a, SYS_YIELD, 0), a);
	assert_int_equal(low->t_state, TS_READY);
}

static void slice_expiry_rotates_threads_of_one_priority(void **state)
{
	struct thread *a = hk_thread_new(TA, HK_PRIO);

	(void)state;
	for (int i = 1; i < SCHED_SLICE_TICKS; i++)
		assert_thread(hk_tick(), hk_thread);
	assert_thread(hk_tick(), a);
	assert_int_equal(hk_thread->t_state, TS_READY);
	/* A whole new slice for a. */
	for (int i = 1; i < SCHED_SLICE_TICKS; i++)
		assert_thread(hk_tick(), a);
	assert_thread(hk_tick(), hk_thread);
}

static void lower_priority_never_runs_while_a_higher_one_is_ready(void **state)
{
	struct thread *low = hk_thread_new(TA, HK_PRIO - 1);

	(void)state;
	for (int i = 0; i < 3 * SCHED_SLICE_TICKS; i++)
		assert_thread(hk_tick(), hk_thread);
	assert_thread(hk_sys(hk_thread, SYS_YIELD, 0), hk_thread);
	assert_int_equal(low->t_state, TS_READY);
	assert_int_equal(sched_top, HK_PRIO - 1);
}

static void blocked_thread_is_passed_over_and_runs_first_when_woken(void **state)
{
	struct thread *a, *b, *c;

	(void)state;
	hk_endpoint_new(EP);
	a = hk_thread_new(TA, HK_PRIO);
	b = hk_thread_new(TB, HK_PRIO);
	c = hk_thread_new(TC, HK_PRIO);
	/* Queue: a, b, c behind the first thread. a blocks when it runs. */
	assert_thread(hk_sys(hk_thread, SYS_YIELD, 0), a);
	assert_thread(hk_sys(a, SYS_RECV, EP, IPC_FOREVER), b);
	assert_int_equal(a->t_state, TS_RECV);
	assert_thread(hk_sys(b, SYS_YIELD, 0), c);
	assert_thread(hk_sys(c, SYS_YIELD, 0), hk_thread);
	assert_thread(hk_sys(hk_thread, SYS_YIELD, 0), b);
	/* b wakes a: a goes to the front of the queue, ahead of c and the
	 * first thread, and runs as soon as b gives way. */
	assert_thread(hk_sys(b, SYS_SEND, EP, MSGINFO(0, 0, 0)), b);
	assert_int_equal(a->t_state, TS_READY);
	assert_thread(hk_sys(b, SYS_YIELD, 0), a);
	assert_thread(hk_sys(a, SYS_YIELD, 0), c);
}

static void preempted_thread_keeps_its_place_at_the_front(void **state)
{
	struct thread *a = hk_thread_new(TA, 100), *b = hk_thread_new(TB, 100);

	(void)state;
	hk_endpoint_new(EP);
	/* The first thread waits 5 ticks; a runs, b waits behind it. */
	assert_thread(hk_sys(hk_thread, SYS_RECV, EP, 5), a);
	for (int i = 1; i < 5; i++)
		assert_thread(hk_tick(), a);
	/* The timeout makes the first thread ready: it preempts a... */
	assert_thread(hk_tick(), hk_thread);
	assert_int_equal(hk_result(hk_thread), E_TIMEOUT);
	/* ...which had slice left, so it, not b, runs next. */
	assert_thread(hk_sys(hk_thread, SYS_RECV, EP, IPC_FOREVER), a);
	assert_int_equal(b->t_state, TS_READY);
}

static void message_before_the_deadline_cancels_the_timeout(void **state)
{
	struct thread *a = hk_thread_new(TA, 100);

	(void)state;
	hk_endpoint_new(EP);
	assert_thread(hk_sys(hk_thread, SYS_RECV, EP, 3), a);
	assert_true(hk_thread->t_timed);
	assert_thread(hk_tick(), a);
	assert_thread(hk_sys(a, SYS_SEND, EP, MSGINFO(1, 0, 0)), hk_thread);
	assert_int_equal(hk_result(hk_thread), E_OK);
	assert_false(hk_thread->t_timed);
	for (int i = 0; i < 5; i++)
		assert_thread(hk_tick(), hk_thread);
	assert_int_equal(hk_result(hk_thread), E_OK);
	assert_int_equal(hk_thread->t_frame.rsi, MSGINFO(1, 0, 0));
}

static void idle_cpu_halts_until_a_timeout_makes_a_thread_ready(void **state)
{
	uint64_t start;

	(void)state;
	hk_endpoint_new(EP);
	start = clock_ticks();
	assert_thread(hk_sys(hk_thread, SYS_RECV, EP, 2), NULL);
	assert_null(current);
	assert_thread(hk_tick(), NULL);
	assert_thread(hk_tick(), hk_thread);
	assert_int_equal(clock_ticks(), start + 2);
	assert_int_equal(hk_result(hk_thread), E_TIMEOUT);
	/* IPC_FOREVER and IPC_POLL set no deadline. */
	assert_thread(hk_sys(hk_thread, SYS_RECV, EP, IPC_FOREVER), NULL);
	assert_false(hk_thread->t_timed);
	for (int i = 0; i < 20; i++)
		assert_thread(hk_tick(), NULL);
	assert_int_equal(hk_thread->t_state, TS_RECV);
}

static void new_priority_moves_a_ready_thread_to_its_queue(void **state)
{
	struct thread *a = hk_thread_new(TA, 100), *b = hk_thread_new(TB, 120), *next;

	(void)state;
	assert_int_equal(hk_call(hk_thread, SYS_THREAD_CONFIGURE, TA, 150, CAP_NULL), E_OK);
	assert_int_equal(a->t_prio, 150);
	assert_int_equal(hk_call(hk_thread, SYS_THREAD_CONFIGURE, TB, HK_PRIO + 1, CAP_NULL), E_BAD_ARG);
	assert_int_equal(b->t_prio, 120);
	assert_int_equal(suspend_self(hk_thread, BOOT_SLOT_THREAD, &next), E_OK);
	assert_thread(next, a);
	/* A thread may lower its own priority below a waiting one. */
	assert_thread(hk_sys(a, SYS_THREAD_CONFIGURE, TA, 110, CAP_NULL), b);
	assert_int_equal(hk_result(a), E_OK);
}

static void resumed_thread_joins_the_back_of_its_queue(void **state)
{
	struct thread *a = hk_thread_new(TA, HK_PRIO), *b = hk_thread_new(TB, HK_PRIO);

	(void)state;
	assert_int_equal(hk_call(hk_thread, SYS_THREAD_SUSPEND, TA), E_OK);
	assert_thread(hk_sys(hk_thread, SYS_YIELD, 0), b);
	assert_thread(hk_sys(b, SYS_YIELD, 0), hk_thread);
	assert_int_equal(hk_call(hk_thread, SYS_THREAD_RESUME, TA), E_OK);
	assert_int_equal(hk_call(hk_thread, SYS_THREAD_RESUME, TA), E_BAD_STATE);
	assert_thread(hk_sys(hk_thread, SYS_YIELD, 0), b);
	assert_thread(hk_sys(b, SYS_YIELD, 0), a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(name) cmocka_unit_test_setup_teardown(name, hk_setup, hk_teardown)
		T(highest_priority_ready_thread_runs),
		T(yield_rotates_threads_of_one_priority),
		T(slice_expiry_rotates_threads_of_one_priority),
		T(lower_priority_never_runs_while_a_higher_one_is_ready),
		T(blocked_thread_is_passed_over_and_runs_first_when_woken),
		T(preempted_thread_keeps_its_place_at_the_front),
		T(message_before_the_deadline_cancels_the_timeout),
		T(idle_cpu_halts_until_a_timeout_makes_a_thread_ready),
		T(new_priority_moves_a_ready_thread_to_its_queue),
		T(resumed_thread_joins_the_back_of_its_queue),
#undef T
	};

	return cmocka_run_group_tests_name("sched", tests, hk_boot, hk_shutdown);
}
