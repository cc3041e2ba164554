/* Time-stamp counts as time. The counter's rate is measured against the
 * kernel's millisecond clock from a start the caller chose: ms ticks are
 * coarse, so the longer since then, the closer the figure. Under
 * -icount shift=0 the counter runs a thousand guest instructions a
 * microsecond of guest time; on hardware, at the CPU's rate.
 *
 *   struct tsc_rate r;
 *   tsc_rate_start(&r);
 *   ...
 *   uint64_t ns = tsc_to_ns(counts, tsc_rate_per_ms(&r));   (0: not known yet) */
#pragma once

#include <stdint.h>

#include "syscalls.h"

struct tsc_rate {
	uint64_t tr_ms, tr_tsc; /* the clocks at the start */
};

static inline void tsc_rate_start(struct tsc_rate *r)
{
	sys_clock_read(&r->tr_ms, &r->tr_tsc);
}

/* Counts a millisecond since the start: 0 while the clock has not moved. */
static inline uint64_t tsc_rate_per_ms(const struct tsc_rate *r)
{
	uint64_t ms, tsc;

	sys_clock_read(&ms, &tsc);
	return ms > r->tr_ms && tsc > r->tr_tsc ? (tsc - r->tr_tsc) / (ms - r->tr_ms) : 0;
}

/* counts in nanoseconds at per_ms counts a millisecond (0: unknown, 0). */
static inline uint64_t tsc_to_ns(uint64_t counts, uint64_t per_ms)
{
	if (!per_ms)
		return 0;
	return counts / per_ms * 1000000 + counts % per_ms * 1000000 / per_ms;
}
