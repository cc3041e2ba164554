/* Tick counting. The scheduler's time slices hang off clock_tick() later. */
#include "clock.h"

static volatile uint64_t ticks;

void clock_tick(void)
{
	ticks++;
}

uint64_t clock_ticks(void)
{
	return ticks;
}
