/* The CMOS real-time clock's read protocol and the decoding of its
 * registers (rtc.h). No hardware here: main.c passes the port reads in,
 * and the host test a fake device. */
#include <stdbool.h>
#include <string.h>

#include <kestrel/error.h>

#include "rtc.h"

static long update_done(const struct rtc_io *io)
{
	uint64_t start = io->ri_ms(io->ri_ctx);

	while (io->ri_read(io->ri_ctx, RTC_STATUS_A) & RTC_A_UIP)
		if (io->ri_ms(io->ri_ctx) - start > RTC_UIP_WAIT_MS)
			return E_TIMEOUT;
	return E_OK;
}

static long read_once(const struct rtc_io *io, struct rtc_regs *r)
{
	long e = update_done(io);

	if (e != E_OK)
		return e;
	r->rr_sec = io->ri_read(io->ri_ctx, RTC_SECONDS);
	r->rr_min = io->ri_read(io->ri_ctx, RTC_MINUTES);
	r->rr_hour = io->ri_read(io->ri_ctx, RTC_HOURS);
	r->rr_day = io->ri_read(io->ri_ctx, RTC_DAY);
	r->rr_mon = io->ri_read(io->ri_ctx, RTC_MONTH);
	r->rr_year = io->ri_read(io->ri_ctx, RTC_YEAR);
	r->rr_status_b = io->ri_read(io->ri_ctx, RTC_STATUS_B);
	return E_OK;
}

long rtc_read(const struct rtc_io *io, struct rtc_regs *out)
{
	struct rtc_regs prev;
	long e = read_once(io, out);

	for (int i = 1; e == E_OK && i < RTC_READ_TRIES; i++) {
		prev = *out;
		if ((e = read_once(io, out)) == E_OK && memcmp(&prev, out, sizeof(prev)) == 0)
			return E_OK;
	}
	return e == E_OK ? E_BAD_STATE : e;
}

/* A register's value in binary, or BCD (two decimal digits), into *v;
 * false for a BCD digit above 9 or a value above max. */
static bool field(uint8_t raw, bool bcd, unsigned min, unsigned max, unsigned *v)
{
	if (bcd && ((raw >> 4) > 9 || (raw & 0xF) > 9))
		return false;
	*v = bcd ? (raw >> 4) * 10u + (raw & 0xFu) : raw;
	return *v >= min && *v <= max;
}

static bool leap(unsigned y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static unsigned month_days(unsigned y, unsigned m)
{
	static const unsigned char days[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

	return days[m - 1] + (m == 2 && leap(y));
}

/* Howard Hinnant's days_from_civil: March-based years make the leap day
 * the last of the year, and eras of 400 years repeat exactly. */
int64_t rtc_days_from_civil(int64_t year, unsigned month, unsigned day)
{
	int64_t y = year - (month <= 2);
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	unsigned yoe = (unsigned)(y - era * 400);                                     /* 0-399 */
	unsigned doy = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1; /* 0-365 */
	unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;                         /* 0-146096 */

	return era * 146097 + (int64_t)doe - 719468;
}

long rtc_to_unix(const struct rtc_regs *r, uint64_t *secs)
{
	bool bcd = !(r->rr_status_b & RTC_B_BINARY), h24 = r->rr_status_b & RTC_B_24H;
	unsigned sec, min, hour, day, mon, year;
	uint8_t hour_raw = h24 ? r->rr_hour : r->rr_hour & ~RTC_HOUR_PM;

	if (!field(r->rr_sec, bcd, 0, 59, &sec) || !field(r->rr_min, bcd, 0, 59, &min) ||
	    !field(hour_raw, bcd, h24 ? 0 : 1, h24 ? 23 : 12, &hour) || !field(r->rr_mon, bcd, 1, 12, &mon) ||
	    !field(r->rr_year, bcd, 0, 99, &year))
		return E_BAD_ARG;
	year += RTC_CENTURY;
	if (!field(r->rr_day, bcd, 1, month_days(year, mon), &day))
		return E_BAD_ARG;
	/* 12-hour mode counts 12, 1, ..., 11 from midnight and again from noon. */
	if (!h24)
		hour = hour % 12 + (r->rr_hour & RTC_HOUR_PM ? 12 : 0);
	*secs = (uint64_t)rtc_days_from_civil(year, mon, day) * 86400 + hour * 3600u + min * 60u + sec;
	return E_OK;
}
