/* The kernel clock: timer ticks since boot. */
#pragma once

#include <stdint.h>

#define CLOCK_HZ 1000

/* Once, when the timer runs: how fast the time-stamp counter goes. */
void clock_init(uint64_t tsc_per_ms);

/* Called from the timer interrupt, interrupts off: counts the tick and
 * passes it on to the scheduler (sched_tick). */
void clock_tick(void);

/* Called every so often by kernel work that runs for many ticks with
 * interrupts off: counts the timer periods that ended meanwhile, which
 * the timer's interrupt would not. */
void clock_catch_up(void);

/* For a loop over pages: clock_catch_up() every CLOCK_CATCH_UP_PAGES. */
#define CLOCK_CATCH_UP_PAGES 256
static inline void clock_catch_up_at(uint64_t page)
{
	if (page % CLOCK_CATCH_UP_PAGES == CLOCK_CATCH_UP_PAGES - 1)
		clock_catch_up();
}

uint64_t clock_ticks(void);
