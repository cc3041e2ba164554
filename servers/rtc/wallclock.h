/* The time of day between two readings of the RTC: a fixed wall-clock
 * time at kernel clock 0 (boot), plus the kernel clock. The kernel clock
 * counts whole milliseconds; the fraction of the current one comes from
 * the time-stamp counter, at the rate the counter advanced per
 * millisecond since the server started.
 *
 * Where the current millisecond began on the counter is not known (the
 * kernel does not say when its tick came), so the fraction counts from
 * the first time this clock saw that millisecond: each new millisecond is
 * answered with its start, and later answers within it move on by the
 * counter, never past its last nanosecond. The answers therefore never
 * go back, lag the kernel clock by less than a millisecond, and are apart
 * by the counter's measure within one. In the millisecond the clock was
 * set up, another (a previous instance of the server) may have answered
 * already, so there it answers that millisecond's last nanosecond.
 *
 * No hardware or IPC here: the caller reads the clock (sys_clock_read)
 * and tests/servers/test_rtc.c feeds made-up readings. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

/* Invariants: wc_ms is the latest millisecond seen and never decreases;
 * wc_tsc_per_ms changes only when a new millisecond is seen. */
struct wallclock {
	uint64_t wc_boot_ns;      /* the wall-clock time at kernel clock 0 */
	uint64_t wc_ms0, wc_tsc0; /* the kernel clock when set up: the rate counts from here */
	uint64_t wc_ms;           /* the latest millisecond seen */
	uint64_t wc_ms_tsc;       /* the counter when wc_ms was first seen */
	bool wc_ms_known;         /* false in the millisecond of the set-up */
	uint64_t wc_tsc_per_ms;   /* 0 until a millisecond has passed */
};

/* Sets wc up to answer boot_ns plus the kernel clock, which reads ms and
 * tsc now. */
void wallclock_init(struct wallclock *wc, uint64_t boot_ns, uint64_t ms, uint64_t tsc);

/* The wall-clock time in nanoseconds since 1970, the kernel clock
 * reading ms and tsc (one reading of both). */
uint64_t wallclock_now(struct wallclock *wc, uint64_t ms, uint64_t tsc);

/* The wall-clock time at kernel clock 0, from the time secs (seconds
 * since 1970) read when the kernel clock said ms. */
uint64_t wallclock_boot_ns(uint64_t secs, uint64_t ms);
