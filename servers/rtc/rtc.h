/* The CMOS real-time clock without the hardware: its registers, the read
 * protocol (wait for an update to end, read until two readings agree)
 * over a register-reading callback, and the decoding of a reading into
 * seconds since 1970 (BCD or binary, 12- or 24-hour, as register B says).
 * main.c reads the ports; tests/servers/test_rtc.c gives a fake. */
#pragma once

#include <stdint.h>

/* Registers, written to the index port (0x70) and read at the data port. */
#define RTC_SECONDS  0x00
#define RTC_MINUTES  0x02
#define RTC_HOURS    0x04
#define RTC_DAY      0x07 /* of the month, 1-31 */
#define RTC_MONTH    0x08 /* 1-12 */
#define RTC_YEAR     0x09 /* 0-99 */
#define RTC_STATUS_A 0x0A
#define RTC_STATUS_B 0x0B

#define RTC_A_UIP    0x80 /* update in progress: the time registers are changing */
#define RTC_B_24H    0x02 /* hours 0-23; else 1-12 with RTC_HOUR_PM */
#define RTC_B_BINARY 0x04 /* values in binary; else BCD */
#define RTC_HOUR_PM  0x80 /* in the hours register, 12-hour mode: after noon */

/* An update keeps UIP set for at most about 2 ms (244 us of warning, then
 * the update); a clock that keeps it longer is broken. */
#define RTC_UIP_WAIT_MS 10
#define RTC_READ_TRIES  8    /* readings, before two in a row must have agreed */
#define RTC_CENTURY     2000 /* the year register's 0-99 are 2000-2099 */

/* One reading, the registers as the device gave them. */
struct rtc_regs {
	uint8_t rr_sec, rr_min, rr_hour, rr_day, rr_mon, rr_year, rr_status_b;
};

/* How rtc_read reaches the device: a register's value, and a clock in
 * milliseconds to bound the wait for an update to end. */
struct rtc_io {
	uint8_t (*ri_read)(void *ctx, uint8_t reg);
	uint64_t (*ri_ms)(void *ctx);
	void *ri_ctx;
};

/* Reads the time registers and register B when no update is in progress,
 * again until two readings in a row agree (an update may begin between
 * the check and the reads). E_OK; E_TIMEOUT if UIP stayed set past
 * RTC_UIP_WAIT_MS; E_BAD_STATE if RTC_READ_TRIES readings never agreed. */
long rtc_read(const struct rtc_io *io, struct rtc_regs *out);

/* The reading as seconds since 1970-01-01 00:00:00 UTC (the RTC keeps
 * UTC: QEMU's does by default). E_OK, or E_BAD_ARG if a register is not a
 * time: a BCD digit above 9, a value out of its range, a day past its
 * month's end (29 February only in leap years). */
long rtc_to_unix(const struct rtc_regs *r, uint64_t *secs);

/* Days from 1970-01-01 to the given date of the proleptic Gregorian
 * calendar (negative before it). */
int64_t rtc_days_from_civil(int64_t year, unsigned month, unsigned day);
