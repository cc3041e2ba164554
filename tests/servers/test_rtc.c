/* The time server's hardware-free files (servers/rtc/): the CMOS clock's
 * registers decoded (BCD and binary, 12- and 24-hour, leap years, the
 * century boundary, values that are not a time refused), its read
 * protocol against a fake device (an update in progress, a second ticking
 * between readings, a device that never settles), and the wall clock
 * carried on by the kernel clock (never back, the fraction of a
 * millisecond from the counter). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <kestrel/error.h>
#include <kestrel/proto/time.h>

#include "../../servers/rtc/rtc.h"
#include "../../servers/rtc/wallclock.h"

#define BCD_24H    RTC_B_24H
#define BCD_12H    0
#define BINARY_24H (RTC_B_24H | RTC_B_BINARY)
#define BINARY_12H RTC_B_BINARY

/* sec, min, hour, day, month, year, register B */
static struct rtc_regs regs(uint8_t sec, uint8_t min, uint8_t hour, uint8_t day, uint8_t mon, uint8_t year,
                            uint8_t b)
{
	return (struct rtc_regs){ sec, min, hour, day, mon, year, b };
}

static uint64_t unix_of(struct rtc_regs r)
{
	uint64_t secs = 0;

	assert_int_equal(rtc_to_unix(&r, &secs), E_OK);
	return secs;
}

static void refused(struct rtc_regs r)
{
	uint64_t secs = 12345;

	assert_int_equal(rtc_to_unix(&r, &secs), E_BAD_ARG);
	assert_int_equal(secs, 12345); /* untouched */
}

static void bcd_and_binary_give_the_same_time(void **state)
{
	(void)state;
	/* 2026-12-04 22:50:12 UTC */
	assert_int_equal(unix_of(regs(0x12, 0x50, 0x22, 0x04, 0x12, 0x26, BCD_24H)), 1796424612);
	assert_int_equal(unix_of(regs(12, 50, 22, 4, 12, 26, BINARY_24H)), 1796424612);
}

static void twelve_hour_mode_uses_the_pm_bit(void **state)
{
	(void)state;
	/* 10:50:12 PM is 22:50:12, in BCD and in binary. */
	assert_int_equal(unix_of(regs(0x12, 0x50, RTC_HOUR_PM | 0x10, 0x04, 0x12, 0x26, BCD_12H)),
	                 1796424612);
	assert_int_equal(unix_of(regs(12, 50, RTC_HOUR_PM | 10, 4, 12, 26, BINARY_12H)), 1796424612);
	/* 12 AM is midnight, 12 PM noon, 1 AM one o'clock. */
	assert_int_equal(unix_of(regs(0, 0, 0x12, 1, 1, 0x26, BCD_12H)), 1767225600);
	assert_int_equal(unix_of(regs(0, 0, RTC_HOUR_PM | 0x12, 1, 1, 0x26, BCD_12H)), 1767268800);
	assert_int_equal(unix_of(regs(0, 0, 0x01, 1, 1, 0x26, BCD_12H)), 1767225600 + 3600);
	/* In 24-hour mode the same bit is no PM: 0x92 is not an hour. */
	refused(regs(0, 0, RTC_HOUR_PM | 0x12, 1, 1, 0x26, BCD_24H));
}

static void leap_days_exist_only_in_leap_years(void **state)
{
	(void)state;
	assert_int_equal(unix_of(regs(0, 0, 0x12, 0x29, 0x02, 0x24, BCD_24H)), 1709208000);
	assert_int_equal(unix_of(regs(0, 0, 0, 0x29, 0x02, 0x00, BCD_24H)), 951782400); /* 2000: by 400 */
	refused(regs(0, 0, 0, 0x29, 0x02, 0x25, BCD_24H));
	refused(regs(0, 0, 0, 0x30, 0x02, 0x24, BCD_24H));
	/* 2100 is not a leap year (the registers stop at 2099; the calendar
	 * does not). */
	assert_int_equal(rtc_days_from_civil(2100, 3, 1) - rtc_days_from_civil(2100, 2, 28), 1);
	assert_int_equal(rtc_days_from_civil(2100, 3, 1), 47541);
}

static void the_century_is_2000_to_2099(void **state)
{
	(void)state;
	assert_int_equal(unix_of(regs(0, 0, 0, 0x01, 0x01, 0x00, BCD_24H)), 946684800);
	assert_int_equal(unix_of(regs(0x59, 0x59, 0x23, 0x31, 0x12, 0x99, BCD_24H)), 4102444799);
	assert_int_equal(unix_of(regs(0, 0, 0, 1, 1, 0, BINARY_24H)), 946684800);
	refused(regs(0, 0, 0, 1, 1, 100, BINARY_24H));
}

static void days_count_from_1970(void **state)
{
	(void)state;
	assert_int_equal(rtc_days_from_civil(1970, 1, 1), 0);
	assert_int_equal(rtc_days_from_civil(1969, 12, 31), -1);
	assert_int_equal(rtc_days_from_civil(1600, 3, 1), -135080);
	assert_int_equal(rtc_days_from_civil(2000, 1, 1), 10957);
}

static void registers_that_are_not_a_time_are_refused(void **state)
{
	(void)state;
	refused(regs(0x1A, 0, 0, 1, 1, 0x26, BCD_24H));             /* a BCD digit above 9 */
	refused(regs(0, 0xA0, 0, 1, 1, 0x26, BCD_24H));             /* the tens digit too */
	refused(regs(0x60, 0, 0, 1, 1, 0x26, BCD_24H));             /* second 60 */
	refused(regs(60, 0, 0, 1, 1, 26, BINARY_24H));              /* and in binary */
	refused(regs(0, 0x60, 0, 1, 1, 0x26, BCD_24H));             /* minute 60 */
	refused(regs(0, 0, 0x24, 1, 1, 0x26, BCD_24H));             /* hour 24 */
	refused(regs(0, 0, 0x00, 1, 1, 0x26, BCD_12H));             /* hour 0 on a 12-hour clock */
	refused(regs(0, 0, 0x13, 1, 1, 0x26, BCD_12H));             /* hour 13 on a 12-hour clock */
	refused(regs(0, 0, 0, 0x00, 1, 0x26, BCD_24H));             /* day 0 */
	refused(regs(0, 0, 0, 0x32, 1, 0x26, BCD_24H));             /* day 32 */
	refused(regs(0, 0, 0, 0x31, 4, 0x26, BCD_24H));             /* 31 April */
	refused(regs(0, 0, 0, 1, 0x00, 0x26, BCD_24H));             /* month 0 */
	refused(regs(0, 0, 0, 1, 0x13, 0x26, BCD_24H));             /* month 13 */
	refused(regs(0, 0, 0, 1, 0x1F, 0x26, BCD_24H));             /* not BCD */
	refused(regs(0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, BCD_24H)); /* a bus reading nothing */
	refused(regs(0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, BINARY_24H));
}

/* A fake CMOS clock: the time registers of the readings in turn (one
 * more taken each time register B, the last of a reading, is read), UIP
 * set for the first uip_polls reads of register A, and a clock that moves
 * by a millisecond on every look. */
struct fake_rtc {
	const struct rtc_regs *readings;
	unsigned nreadings, next;
	unsigned uip_polls;
	uint64_t ms;
};

static uint8_t fake_read(void *ctx, uint8_t reg)
{
	struct fake_rtc *f = ctx;
	const struct rtc_regs *r = &f->readings[f->next < f->nreadings ? f->next : f->nreadings - 1];

	switch (reg) {
	case RTC_STATUS_A:
		if (f->uip_polls) {
			f->uip_polls--;
			return RTC_A_UIP | 0x26;
		}
		return 0x26;
	case RTC_SECONDS:
		return r->rr_sec;
	case RTC_MINUTES:
		return r->rr_min;
	case RTC_HOURS:
		return r->rr_hour;
	case RTC_DAY:
		return r->rr_day;
	case RTC_MONTH:
		return r->rr_mon;
	case RTC_YEAR:
		return r->rr_year;
	case RTC_STATUS_B:
		f->next++;
		return r->rr_status_b;
	default:
		fail_msg("register %#x read", reg);
		return 0;
	}
}

static uint64_t fake_ms(void *ctx)
{
	return ((struct fake_rtc *)ctx)->ms++;
}

static long fake_rtc_read(struct fake_rtc *f, struct rtc_regs *out)
{
	struct rtc_io io = { fake_read, fake_ms, f };

	return rtc_read(&io, out);
}

static void a_steady_clock_is_read_twice(void **state)
{
	struct rtc_regs t = regs(0x12, 0x50, 0x22, 0x04, 0x12, 0x26, BCD_24H), got;
	struct fake_rtc f = { &t, 1, 0, 3, 0 };

	(void)state;
	assert_int_equal(fake_rtc_read(&f, &got), E_OK);
	assert_memory_equal(&got, &t, sizeof(t));
	assert_int_equal(f.next, 2);
	assert_int_equal(f.uip_polls, 0); /* it waited for the update to end */
}

static void a_second_ticking_between_readings_is_read_again(void **state)
{
	/* 23:59:59 on 31 December 2099, then midnight: every register changes. */
	struct rtc_regs t[] = { regs(0x59, 0x59, 0x23, 0x31, 0x12, 0x99, BCD_24H),
		                regs(0x00, 0x00, 0x00, 0x01, 0x01, 0x00, BCD_24H) },
	                got;
	struct fake_rtc f = { t, 2, 0, 0, 0 };

	(void)state;
	assert_int_equal(fake_rtc_read(&f, &got), E_OK);
	assert_memory_equal(&got, &t[1], sizeof(got));
	assert_int_equal(f.next, 3);
}

static void an_update_that_never_ends_times_out(void **state)
{
	struct rtc_regs t = regs(0, 0, 0, 1, 1, 0x26, BCD_24H), got;
	struct fake_rtc f = { &t, 1, 0, 1000000, 0 };

	(void)state;
	assert_int_equal(fake_rtc_read(&f, &got), E_TIMEOUT);
	assert_true(f.ms <= RTC_UIP_WAIT_MS + 3);
	assert_int_equal(f.next, 0); /* no time register was trusted */
}

static void readings_that_never_agree_are_refused(void **state)
{
	struct rtc_regs t[RTC_READ_TRIES + 1], got;
	struct fake_rtc f = { t, RTC_READ_TRIES + 1, 0, 0, 0 };

	(void)state;
	for (unsigned i = 0; i <= RTC_READ_TRIES; i++)
		t[i] = regs((uint8_t)i, 0, 0, 1, 1, 0x26, BCD_24H);
	assert_int_equal(fake_rtc_read(&f, &got), E_BAD_STATE);
	assert_int_equal(f.next, RTC_READ_TRIES);
}

#define BOOT_NS (1796424612ULL * TIME_NS_PER_SEC)
#define PER_MS  3000 /* counts of the fake time-stamp counter per millisecond */

static void the_boot_time_is_the_reading_less_the_kernel_clock(void **state)
{
	(void)state;
	assert_int_equal(wallclock_boot_ns(1796424612, 2500), BOOT_NS - 2500 * TIME_NS_PER_MS);
	assert_int_equal(wallclock_boot_ns(1, 5000), 0); /* nonsense: not below 1970 */
}

static void each_new_millisecond_answers_its_start(void **state)
{
	struct wallclock wc;

	(void)state;
	wallclock_init(&wc, BOOT_NS, 100, 100 * PER_MS);
	assert_int_equal(wallclock_now(&wc, 101, 101 * PER_MS + 7), BOOT_NS + 101 * TIME_NS_PER_MS);
	assert_int_equal(wallclock_now(&wc, 150, 150 * PER_MS + 900), BOOT_NS + 150 * TIME_NS_PER_MS);
	assert_int_equal(wc.wc_tsc_per_ms, (50 * PER_MS + 900) / 50); /* counted since the set-up */
}

static void within_a_millisecond_the_counter_tells_the_fraction(void **state)
{
	struct wallclock wc;
	uint64_t ms = 200 * TIME_NS_PER_MS;

	(void)state;
	wallclock_init(&wc, BOOT_NS, 100, 100 * PER_MS);
	assert_int_equal(wallclock_now(&wc, 200, 200 * PER_MS), BOOT_NS + ms);
	/* A third of a millisecond later by the counter: 333,333 ns. */
	assert_int_equal(wallclock_now(&wc, 200, 200 * PER_MS + PER_MS / 3), BOOT_NS + ms + 333333);
	/* The counter past the millisecond while the kernel clock still says
	 * 200: its last nanosecond, not the next millisecond. */
	assert_int_equal(wallclock_now(&wc, 200, 200 * PER_MS + 5 * PER_MS), BOOT_NS + ms + 999999);
	assert_int_equal(wallclock_now(&wc, 201, 202 * PER_MS), BOOT_NS + ms + TIME_NS_PER_MS);
}

static void the_set_up_millisecond_answers_its_last_nanosecond(void **state)
{
	struct wallclock wc;

	(void)state;
	wallclock_init(&wc, BOOT_NS, 100, 100 * PER_MS);
	assert_int_equal(wallclock_now(&wc, 100, 100 * PER_MS + 1), BOOT_NS + 100 * TIME_NS_PER_MS + 999999);
}

static void answers_never_go_back(void **state)
{
	struct wallclock wc;
	uint64_t ms = 1000, tsc = 1000 * PER_MS, last = 0, now;

	(void)state;
	wallclock_init(&wc, BOOT_NS, ms, tsc);
	/* Uneven steps, the counter's rate wandering, the kernel clock
	 * catching up by several milliseconds at once and once reading back. */
	for (unsigned i = 0; i < 20000; i++) {
		tsc += 1 + (i * 7919u) % 1700u;
		if (i % 3 == 0)
			ms += (i % 50 == 0) ? 4 : 1;
		now = wallclock_now(&wc, i == 777 ? ms - 2 : ms, tsc);
		assert_true(now >= last);
		assert_true(now >= BOOT_NS + (i == 777 ? ms - 2 : ms) * TIME_NS_PER_MS);
		assert_true(now < BOOT_NS + (ms + 1) * TIME_NS_PER_MS);
		last = now;
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(bcd_and_binary_give_the_same_time),
		cmocka_unit_test(twelve_hour_mode_uses_the_pm_bit),
		cmocka_unit_test(leap_days_exist_only_in_leap_years),
		cmocka_unit_test(the_century_is_2000_to_2099),
		cmocka_unit_test(days_count_from_1970),
		cmocka_unit_test(registers_that_are_not_a_time_are_refused),
		cmocka_unit_test(a_steady_clock_is_read_twice),
		cmocka_unit_test(a_second_ticking_between_readings_is_read_again),
		cmocka_unit_test(an_update_that_never_ends_times_out),
		cmocka_unit_test(readings_that_never_agree_are_refused),
		cmocka_unit_test(the_boot_time_is_the_reading_less_the_kernel_clock),
		cmocka_unit_test(each_new_millisecond_answers_its_start),
		cmocka_unit_test(within_a_millisecond_the_counter_tells_the_fraction),
		cmocka_unit_test(the_set_up_millisecond_answers_its_last_nanosecond),
		cmocka_unit_test(answers_never_go_back),
	};

	return cmocka_run_group_tests_name("rtc", tests, NULL, NULL);
}
