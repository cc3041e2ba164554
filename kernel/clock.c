/* Tick counting; each tick also drives the scheduler's slices and
 * timeouts. */
#include "clock.h"

#include "sched.h"

static volatile uint64_t ticks;

void clock_tick(void)
{
	ticks++;
	sched_tick();
}

uint64_t clock_ticks(void)
{
	return ticks;
}
