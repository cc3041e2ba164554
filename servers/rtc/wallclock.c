/* The time of day from the kernel clock and the time-stamp counter
 * (wallclock.h: why the fraction of a millisecond is counted as it is). */
#include <kestrel/proto/time.h>

#include "wallclock.h"

#define LAST_NS (TIME_NS_PER_MS - 1) /* of a millisecond */

void wallclock_init(struct wallclock *wc, uint64_t boot_ns, uint64_t ms, uint64_t tsc)
{
	*wc = (struct wallclock){ .wc_boot_ns = boot_ns, .wc_ms0 = ms, .wc_tsc0 = tsc, .wc_ms = ms };
}

uint64_t wallclock_now(struct wallclock *wc, uint64_t ms, uint64_t tsc)
{
	uint64_t frac, since;

	if (ms > wc->wc_ms) {
		wc->wc_ms = ms;
		wc->wc_ms_tsc = tsc;
		wc->wc_ms_known = true;
		if (tsc > wc->wc_tsc0)
			wc->wc_tsc_per_ms = (tsc - wc->wc_tsc0) / (ms - wc->wc_ms0);
		frac = 0;
	} else if (ms < wc->wc_ms || !wc->wc_ms_known) {
		frac = LAST_NS; /* the kernel clock never goes back; the set-up's millisecond */
	} else {
		since = tsc > wc->wc_ms_tsc ? tsc - wc->wc_ms_tsc : 0;
		if (!wc->wc_tsc_per_ms)
			frac = 0;
		else if (since >= wc->wc_tsc_per_ms)
			frac = LAST_NS;
		else
			frac = (uint64_t)((unsigned __int128)since * TIME_NS_PER_MS / wc->wc_tsc_per_ms);
	}
	return wc->wc_boot_ns + wc->wc_ms * TIME_NS_PER_MS + frac;
}

uint64_t wallclock_boot_ns(uint64_t secs, uint64_t ms)
{
	uint64_t ns = secs * TIME_NS_PER_SEC, since_boot = ms * TIME_NS_PER_MS;

	return ns > since_boot ? ns - since_boot : 0;
}
