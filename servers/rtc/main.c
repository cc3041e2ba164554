/* rtc: the time service (include/kestrel/proto/time.h). Reads the CMOS
 * real-time clock once, through the two ports its manifest block gives
 * (0x70 selects a register, 0x71 reads it; rtc.c), and from then on
 * answers time_now from the kernel clock (wallclock.c). The wall-clock
 * time at boot that it works out is kept in its vault, so a restarted
 * instance goes on with the same clock instead of reading the RTC again.
 * An RTC that cannot be read, or ports the manifest did not give, are
 * logged and every call answered PE_IO, rather than the server dying and
 * being restarted in a loop. */
#include <stdio.h>
#include <time.h>

#include <kestrel/error.h>
#include <kestrel/proto/time.h>

#include "io.h"
#include "rtc.h"
#include "server.h"
#include "syscalls.h"
#include "vault.h"
#include "wallclock.h"

PROTO_SERVER(TIME_OPS)

#define RTC_PORT_INDEX    0x70
#define RTC_PORT_DATA     0x71
#define RTC_VAULT_VERSION 1 /* of struct rtc_saved: change it with the layout */

struct rtc_saved {
	uint64_t rs_boot_ns; /* the wall-clock time at kernel clock 0 */
};

static struct wallclock wall;
static bool have_time; /* false: the RTC could not be read */
static const struct proto_op ops[] = PROTO_TABLE(TIME_OPS);

long time_now_srv(struct proto_ctx *ctx, const struct time_none *q, struct time_now_rep *r)
{
	uint64_t ms, tsc;

	(void)ctx;
	(void)q;
	if (!have_time)
		return PE_IO;
	sys_clock_read(&ms, &tsc);
	r->ns = wallclock_now(&wall, ms, tsc);
	r->boot_ns = wall.wc_boot_ns;
	return E_OK;
}

static uint8_t cmos_read(void *ctx, uint8_t reg)
{
	(void)ctx;
	outb(RTC_PORT_INDEX, reg); /* bit 7 clear: NMIs stay enabled */
	return inb(RTC_PORT_DATA);
}

static uint64_t kernel_ms(void *ctx)
{
	(void)ctx;
	return sys_clock_ms();
}

/* The wall-clock time at boot from the RTC: E_OK, or why not. */
static long rtc_boot_ns(uint64_t *boot_ns)
{
	const struct rtc_io io = { cmos_read, kernel_ms, NULL };
	struct rtc_regs regs;
	uint64_t secs;
	long e;

	if ((e = rtc_read(&io, &regs)) != E_OK) {
		printf("rtc: cannot read the CMOS clock: %s\n",
		       e == E_TIMEOUT ? "its update never ends" : "its readings keep changing");
		return e;
	}
	if ((e = rtc_to_unix(&regs, &secs)) != E_OK) {
		printf("rtc: the CMOS clock does not hold a time: %02x:%02x:%02x %02x/%02x/%02x, "
		       "register B %02x\n",
		       regs.rr_hour, regs.rr_min, regs.rr_sec, regs.rr_day, regs.rr_mon, regs.rr_year,
		       regs.rr_status_b);
		return e;
	}
	*boot_ns = wallclock_boot_ns(secs, sys_clock_ms());
	return E_OK;
}

/* The wall-clock time at boot: the last instance's from the vault, else
 * the RTC's, saved there for the next; 0 if there is none. *from says
 * which. */
static uint64_t boot_time(const char **from)
{
	struct rtc_saved saved = { 0 };
	struct vault vault;
	size_t bytes;
	void *base = server_vault(&bytes);
	bool kept = base && vault_open(&vault, base, bytes) == E_OK;

	*from = "the vault";
	if (kept && vault_load(&vault, RTC_VAULT_VERSION, &saved, sizeof(saved)) == E_OK)
		return saved.rs_boot_ns;
	*from = "the CMOS clock";
	if (rtc_boot_ns(&saved.rs_boot_ns) != E_OK)
		return 0;
	if (kept)
		vault_save(&vault, RTC_VAULT_VERSION, &saved, sizeof(saved));
	return saved.rs_boot_ns;
}

int main(void)
{
	const struct server_res *ports = server_resource(SERVER_RES_PORTS, 0);
	const char *from = NULL;
	uint64_t boot_ns = 0, ms, tsc;

	if (!ports || ports->sr_first != RTC_PORT_INDEX || ports->sr_count < 2)
		printf("rtc: the manifest must give ports 0x70 2\n");
	else
		boot_ns = boot_time(&from);
	have_time = boot_ns != 0;
	if (have_time) {
		time_t now;
		char text[32];

		sys_clock_read(&ms, &tsc);
		wallclock_init(&wall, boot_ns, ms, tsc);
		now = (time_t)(wallclock_now(&wall, ms, tsc) / TIME_NS_PER_SEC);
		strftime(text, sizeof(text), "%Y-%m-%d %H:%M:%S UTC", gmtime(&now));
		printf("rtc: %s, from %s\n", text, from);
	}
	return (int)server_run(ops, sizeof(ops) / sizeof(ops[0]), NULL);
}
