/* The time service (servers/rtc/): the wall clock. The server reads the
 * CMOS real-time clock when it starts and carries that time on with the
 * kernel clock, so the answer is the RTC's time at the start plus the
 * kernel clock's advance since. The RTC counts whole seconds, so the
 * answer may lag the true time by up to a second; between two answers it
 * moves with the kernel clock, to the nanosecond where the time-stamp
 * counter tells the fraction of the current millisecond.
 *
 * now is idempotent (it reads, never changes anything), so the stubs
 * retry it across a restart. A restarted server takes the time from its
 * vault rather than from the RTC again, so the answers never go back
 * (without a vault line it reads the RTC again: the time may then step
 * back by up to a second). A server whose RTC could not be read (the
 * update never ended, a register not a time, no ports in its manifest
 * block) answers PE_IO. */
#pragma once

#include <stdint.h>

#include <kestrel/protocols.h>

#define TIME_NS_PER_SEC 1000000000ULL
#define TIME_NS_PER_MS  1000000ULL

struct time_none {
	uint64_t unused;
};
/* ns counts from 1970-01-01 00:00:00 UTC (no leap seconds, as POSIX's
 * time_t), up to the year 2554. boot_ns is the wall-clock time at kernel
 * clock 0, so that a client that wants the time often can ask once and
 * add the kernel clock (SYS_CLOCK's milliseconds) itself: ns is boot_ns
 * plus the kernel clock now, to within its millisecond. */
struct time_now_rep {
	uint64_t ns;
	uint64_t boot_ns;
};

#define TIME_OPS(X) X(time, now, TIME_BASE + 1, PROTO_IDEMPOTENT, struct time_none, struct time_now_rep)
