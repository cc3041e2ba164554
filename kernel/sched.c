/* Fixed-priority round-robin scheduling, the timeout list and the way out
 * of the kernel.
 *
 * The running thread is `current` and is not in a run queue; every other
 * TS_READY thread is, at its priority. A bitmap of non-empty queues finds
 * the highest priority in four word tests. The kernel never blocks inside
 * itself: each entry ends in sched_exit_to_user(), which picks the thread
 * to return to (the current one unless something of higher priority is
 * ready or its slice ran out) or idles with interrupts on until one is. */
#include "sched.h"

#include <kestrel/error.h>

#include "arch/x86_64/cpu.h"
#include "arch/x86_64/switch.h"
#include "clock.h"
#include "thread.h"

#define PRIOS 256

struct thread *current;
int sched_top = -1;
static struct thread *queue_head[PRIOS], *queue_tail[PRIOS];
static uint64_t queue_bits[PRIOS / 64];
static struct thread *timeouts; /* sorted by t_deadline */
static bool slice_expired;

/* The highest priority with a queued thread, or -1. */
static int highest_queued(void)
{
	for (int w = PRIOS / 64 - 1; w >= 0; w--)
		if (queue_bits[w])
			return w * 64 + 63 - __builtin_clzll(queue_bits[w]);
	return -1;
}

void sched_enqueue(struct thread *t, bool front)
{
	unsigned p = t->t_prio;

	t->t_next = t->t_prev = NULL;
	if (!queue_head[p]) {
		queue_head[p] = queue_tail[p] = t;
	} else if (front) {
		t->t_next = queue_head[p];
		queue_head[p]->t_prev = t;
		queue_head[p] = t;
	} else {
		t->t_prev = queue_tail[p];
		queue_tail[p]->t_next = t;
		queue_tail[p] = t;
	}
	queue_bits[p / 64] |= 1ULL << (p % 64);
	if ((int)p > sched_top)
		sched_top = (int)p;
}

void sched_dequeue(struct thread *t)
{
	unsigned p = t->t_prio;

	if (t->t_prev)
		t->t_prev->t_next = t->t_next;
	else if (queue_head[p] == t)
		queue_head[p] = t->t_next;
	else
		return; /* not queued: it is running */
	if (t->t_next)
		t->t_next->t_prev = t->t_prev;
	else
		queue_tail[p] = t->t_prev;
	t->t_next = t->t_prev = NULL;
	if (!queue_head[p]) {
		queue_bits[p / 64] &= ~(1ULL << (p % 64));
		if ((int)p == sched_top)
			sched_top = highest_queued();
	}
}

void sched_make_ready(struct thread *t, bool front)
{
	t->t_state = TS_READY;
	if (t != current)
		sched_enqueue(t, front);
}

void sched_timeout_add(struct thread *t, uint64_t deadline)
{
	struct thread **p = &timeouts;

	t->t_deadline = deadline;
	t->t_timed = true;
	while (*p && (*p)->t_deadline <= deadline)
		p = &(*p)->t_timeout_next;
	t->t_timeout_next = *p;
	*p = t;
}

void sched_timeout_remove(struct thread *t)
{
	if (!t->t_timed)
		return;
	t->t_timed = false;
	for (struct thread **p = &timeouts; *p; p = &(*p)->t_timeout_next) {
		if (*p == t) {
			*p = t->t_timeout_next;
			t->t_timeout_next = NULL;
			return;
		}
	}
}

void sched_tick(void)
{
	uint64_t now = clock_ticks();

	/* A timed-out thread runs at this tick unless a thread of higher
	 * priority is ready: first in its queue, and one of its priority that
	 * was running gives way (docs/kernel.md, Scheduling). */
	while (timeouts && timeouts->t_deadline <= now) {
		struct thread *t = timeouts;

		thread_cancel_wait(t, E_TIMEOUT); /* a receive: never an exit */
		sched_make_ready(t, true);
		if (current && current->t_prio == t->t_prio)
			slice_expired = true;
	}
	if (current)
		current->t_ticks++;
	if (current && current->t_slice && --current->t_slice == 0)
		slice_expired = true;
}

void sched_yield(void)
{
	slice_expired = true;
}

/* Picks the thread to run: current stays unless a queued thread has a
 * higher priority, or its slice is over and one of equal priority waits. */
static struct thread *choose(void)
{
	int top = sched_top;
	struct thread *t;

	if (current && current->t_state == TS_READY) {
		if (top < current->t_prio || (top == current->t_prio && !slice_expired))
			return current;
		/* Preempted with time left: first in line when its turn comes. */
		sched_enqueue(current, !slice_expired);
	}
	if (top < 0)
		return NULL;
	t = queue_head[top];
	sched_dequeue(t);
	return t;
}

void sched_exit_to_user(void)
{
	struct thread *t;

	while (!(t = choose())) {
		current = NULL;
		irq_enable_and_halt(); /* interrupts are handled on this stack */
		irq_disable();
	}
	if (slice_expired || t->t_slice == 0)
		t->t_slice = SCHED_SLICE_TICKS;
	slice_expired = false;
	current = t;
	arch_return_to_user(t);
}
