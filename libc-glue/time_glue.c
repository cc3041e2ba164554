/* The clocks: the time of day from the time service (servers/rtc/,
 * include/kestrel/proto/time.h), for a program the supervisor started
 * whose manifest block says `uses time`, and the time since boot from the
 * kernel clock (SYS_CLOCK). Each reading of the time of day is one call
 * to the service, which answers to the nanosecond.
 *
 * Without the service (not in the manifest, failed, or an RTC it could
 * not read) there is no time of day: clock_gettime(CLOCK_REALTIME) and
 * clock_getres(CLOCK_REALTIME) fail with ENODEV, as Linux's do for a
 * clock whose device has gone. gettimeofday, which has no error to
 * report, and so picolibc's time(), then count from 1970-01-01 00:00 at
 * boot: programs that only measure intervals keep working. */
#include <errno.h>
#include <stdbool.h>
#include <sys/time.h>
#include <time.h>

#include <kestrel/error.h>
#include <kestrel/proto/time.h>

#include "server.h"
#include "syscalls.h"

PROTO_CLIENT(TIME_OPS)

#define NS_PER_US 1000

static int fail(int err)
{
	errno = err;
	return -1;
}

/* The time of day into *ns: 0, or ENODEV without the service. The
 * service is looked up at the first call, once. */
static int time_of_day(uint64_t *ns)
{
	static enum { TIME_UNKNOWN, TIME_SERVER, TIME_NONE } kind = TIME_UNKNOWN;
	static struct proto_client service;
	struct time_none q = { 0 };
	struct time_now_rep r;

	if (kind == TIME_UNKNOWN)
		kind = server_self() && service_lookup("time", &service) == E_OK ? TIME_SERVER : TIME_NONE;
	if (kind != TIME_SERVER || time_now(&service, &q, &r) != E_OK)
		return ENODEV;
	*ns = r.ns;
	return 0;
}

static void to_timespec(uint64_t ns, struct timespec *ts)
{
	ts->tv_sec = (time_t)(ns / TIME_NS_PER_SEC);
	ts->tv_nsec = (long)(ns % TIME_NS_PER_SEC);
}

int clock_gettime(clockid_t clock_id, struct timespec *ts)
{
	uint64_t ns;
	int err;

	switch (clock_id) {
	case CLOCK_REALTIME:
		if ((err = time_of_day(&ns)) != 0)
			return fail(err);
		break;
	case CLOCK_MONOTONIC:
		ns = sys_clock_ms() * TIME_NS_PER_MS;
		break;
	default:
		return fail(EINVAL);
	}
	to_timespec(ns, ts);
	return 0;
}

/* The step of each clock's readings: the time service answers in
 * nanoseconds (the fraction of a millisecond from the time-stamp
 * counter), the kernel clock in milliseconds. */
int clock_getres(clockid_t clock_id, struct timespec *res)
{
	uint64_t ns;
	int err;

	switch (clock_id) {
	case CLOCK_REALTIME:
		if ((err = time_of_day(&ns)) != 0)
			return fail(err);
		ns = 1;
		break;
	case CLOCK_MONOTONIC:
		ns = TIME_NS_PER_MS;
		break;
	default:
		return fail(EINVAL);
	}
	if (res)
		to_timespec(ns, res);
	return 0;
}

/* The time of day, or the time since boot without the time service. */
int gettimeofday(struct timeval *tv, void *tz)
{
	uint64_t ns;

	(void)tz;
	if (time_of_day(&ns) != 0)
		ns = sys_clock_ms() * TIME_NS_PER_MS;
	if (tv) {
		tv->tv_sec = (time_t)(ns / TIME_NS_PER_SEC);
		tv->tv_usec = (suseconds_t)(ns % TIME_NS_PER_SEC / NS_PER_US);
	}
	return 0;
}
