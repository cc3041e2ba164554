/* The kernel clock: timer ticks since boot. */
#pragma once

#include <stdint.h>

#define CLOCK_HZ 1000

/* Called from the timer interrupt, interrupts off: counts the tick and
 * passes it on to the scheduler (sched_tick). */
void clock_tick(void);

uint64_t clock_ticks(void);
