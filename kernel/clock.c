/* Tick counting; each tick also drives the scheduler's slices and
 * timeouts. The timer is periodic, and while interrupts are off its
 * interrupt is held pending once: periods that end meanwhile would be
 * lost. Kernel work long enough for that (zeroing or mapping thousands of
 * pages) calls clock_catch_up() now and then, which counts them from the
 * time-stamp counter. */
#include "clock.h"

#include "arch/x86_64/cpu.h"
#include "sched.h"

static volatile uint64_t ticks;
static uint64_t tsc_per_tick; /* 0: count interrupts only */
static uint64_t tsc_last;     /* the last tick counted */

void clock_init(uint64_t tsc_per_ms)
{
	tsc_per_tick = tsc_per_ms * 1000 / CLOCK_HZ;
	tsc_last = rdtsc();
}

void clock_tick(void)
{
	tsc_last = rdtsc();
	ticks++;
	sched_tick();
}

void clock_catch_up(void)
{
	uint64_t since = rdtsc() - tsc_last, n;

	if (!tsc_per_tick || since < 2 * tsc_per_tick)
		return;
	/* All periods that ended since the last tick but one: that one's
	 * interrupt is pending and counts itself when it comes. */
	n = since / tsc_per_tick - 1;
	ticks += n;
	tsc_last += n * tsc_per_tick;
}

uint64_t clock_ticks(void)
{
	return ticks;
}
