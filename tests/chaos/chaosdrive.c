/* The chaos campaign's driver (tests/qemu/chaos.sh, make chaos; the
 * workload that makes the requests is servers/workload/, in the same
 * boot). /chaos/campaign in the image says how many faults, at what rate,
 * from which seed, for at most how many seconds. It checks that the chaos
 * service and the supervisor refuse what they must, starts the chaos
 * service, and once it has stopped waits for every server to be up again,
 * lets the host's fetches go on a while, stops the workload (it creates
 * /work/stop), waits until the supervisor says the workload has ended (it
 * ends only after its last line), prints its summary and ends QEMU. Its
 * lines start "chaosdrive: "; scripts/chaos-report.py reads them. */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <kestrel/error.h>
#include <kestrel/proto/chaos.h>
#include <kestrel/proto/supervisor.h>
#include <kestrel/qemu_exit.h>

#include "io.h"
#include "server.h"
#include "sleep.h"
#include "syscalls.h"
#include "uthread.h"

PROTO_CLIENT(CHAOS_OPS)
PROTO_CLIENT(SUP_OPS)

#define COME_BACK_MS 30000
#define TAIL_MS      20000 /* after the servers came back, for the host's fetches */
#define WORKLOAD_MS  60000 /* for the workload to finish its round and end */
#define STUCK_MS     30000 /* after all of those: the watchdog's margin */
#define LOOK_MS      500   /* between looks at the chaos service's count */
#define WORKLOAD     "workload"
#define STOP_FILE    "/work/stop" /* servers/workload/workload.h's WL_DIR "/stop" */

static struct proto_client sup, chaos;
static const char *volatile current = "start"; /* the step under way, for the watchdog */
static volatile int summing;                   /* the summary is being printed (once) */
static uint64_t stuck_after;                   /* ms: the watchdog's deadline */

static void pause_ms(uint64_t ms)
{
	sleep_ms(server_self()->si_pool, ms);
}

/* What /chaos/campaign says: faults, rate, seed, seconds, and which
 * servers and kind (chaos_start's target and kind; any when left out or
 * "any"). */
static void campaign(uint64_t *faults, uint64_t *rate, uint64_t *seed, uint64_t *seconds,
                     char target[CHAOS_TARGET_LEN], uint64_t *kind)
{
	char name[CHAOS_TARGET_LEN + 1] = { 0 };
	char text[128] = { 0 };
	int fd = open("/chaos/campaign", O_RDONLY);

	if (fd >= 0 && read(fd, text, sizeof(text) - 1) > 0)
		sscanf(text, "%lu %lu %lu %lu %64s %lu", faults, rate, seed, seconds, name, kind);
	if (name[0])
		memcpy(target, name, CHAOS_TARGET_LEN);
	if (fd >= 0)
		close(fd);
}

static void expect(const char *what, long got, long want)
{
	printf("chaosdrive: hostile %s: %s\n", what, got == want ? "ok" : proto_error_text(got));
}

/* What must be refused: the supervisor's chaos calls to a client without
 * a chaos line, and the chaos service's start with a bad target, kind or
 * rate. */
static void hostile(void)
{
	struct sup_target_rep tr;
	struct sup_injected_rep ir;
	struct proto_xfer x = { .px_len = 0 };
	struct chaos_start_rep r;
	static const struct {
		const char *what, *target;
		uint64_t kind, rate;
		long want;
	} starts[] = {
		{ "the supervisor is no target", "supervisor", CHAOS_CRASH, 1, E_BAD_ARG },
		{ "the chaos service is no target", "chaos", CHAOS_CRASH, 1, E_BAD_ARG },
		{ "a server never restarted is no target", WORKLOAD, CHAOS_CRASH, 1, E_BAD_ARG },
		{ "an unknown server", "nosuch", CHAOS_CRASH, 1, PE_NO_SERVICE },
		{ "an unknown kind", "hello", CHAOS_NKINDS, 1, E_BAD_ARG },
		{ "rate 0", "hello", CHAOS_CRASH, 0, E_BAD_ARG },
		{ "a rate too high", "hello", CHAOS_CRASH, CHAOS_RATE_MAX + 1, E_BAD_ARG },
	};

	expect("target without a chaos line",
	       sup_target_x(&sup, &(struct sup_target_req){ "hello", 0 }, &tr, &x), E_NO_RIGHTS);
	expect("injected without a chaos line",
	       sup_injected(&sup, &(struct sup_injected_req){ "hello", 1, 1, 0, 0, { 0 } }, &ir),
	       E_NO_RIGHTS);
	for (unsigned i = 0; i < sizeof(starts) / sizeof(starts[0]); i++) {
		struct chaos_start_req q = { { 0 }, starts[i].kind, starts[i].rate, 1, 1 };

		memcpy(q.target, starts[i].target, strlen(starts[i].target));
		expect(starts[i].what, chaos_start(&chaos, &q, &r), starts[i].want);
	}
}

/* Waits until every server is up again (the workload, still running, is
 * one); prints those that are not. */
static unsigned all_back(void)
{
	uint64_t until = sys_clock_ms() + COME_BACK_MS;
	struct sup_list_rep r;
	unsigned down;

	do {
		down = 0;
		for (uint64_t i = 0; sup_list(&sup, &(struct sup_index_req){ i }, &r) == E_OK; i++)
			down += r.state != SUP_UP;
		if (down)
			pause_ms(100);
	} while (down && sys_clock_ms() < until);
	for (uint64_t i = 0; down && sup_list(&sup, &(struct sup_index_req){ i }, &r) == E_OK; i++)
		if (r.state != SUP_UP)
			printf("chaosdrive: not back: %.*s (state %lu)\n", SERVER_NAME_LEN, r.name, r.state);
	return down;
}

/* Whether the workload runs: the supervisor's state of it (once ended it
 * is left down, its policy being `restart never`). */
static bool workload_runs(void)
{
	struct sup_list_rep r;

	for (uint64_t i = 0; sup_list(&sup, &(struct sup_index_req){ i }, &r) == E_OK; i++)
		if (strncmp(r.name, WORKLOAD, SERVER_NAME_LEN) == 0)
			return r.state == SUP_UP || r.state == SUP_STARTING;
	return false;
}

/* Creates the workload's stop file, which it looks up after each round,
 * and waits until it has ended; true if it did in time. A create cut off
 * by a restart of fs fails (open is not idempotent): it is made again. */
static bool stop_workload(void)
{
	uint64_t until = sys_clock_ms() + WORKLOAD_MS;
	int fd = -1;

	for (unsigned i = 0; i < 5 && fd < 0; i++)
		if ((fd = open(STOP_FILE, O_CREAT | O_WRONLY, 0644)) < 0)
			pause_ms(200);
	if (fd < 0) {
		printf("chaosdrive: cannot create %s\n", STOP_FILE);
		return false;
	}
	close(fd);
	while (workload_runs() && sys_clock_ms() < until)
		pause_ms(100);
	return !workload_runs();
}

/* Stops the chaos service, waits for every server to come back, stops the
 * workload, prints the counts and ends QEMU. The watchdog calls it when
 * main's thread is stuck; if it is main's thread that is stuck in here,
 * the watchdog ends QEMU without the summary's done line. */
static void finish(bool watchdog)
{
	struct chaos_stats_rep st = { 0 };
	unsigned down;
	bool ended;

	if (__atomic_exchange_n(&summing, 1, __ATOMIC_SEQ_CST)) {
		if (watchdog)
			outl(QEMU_EXIT_PORT, QEMU_EXIT_PASS);
		for (;;)
			pause_ms(1000);
	}
	current = "chaos stop";
	chaos_stop(&chaos, &(struct chaos_none){ 0 }, &(struct chaos_none){ 0 });
	chaos_stats(&chaos, &(struct chaos_stats_req){ CHAOS_STATS_TOTALS }, &st);
	current = "wait for the servers";
	down = all_back();
	/* The host's fetches through httpd go on: one at least must come
	 * whole once every server is back. */
	printf("chaosdrive: all back; the host fetches for %u ms more\n", TAIL_MS);
	pause_ms(TAIL_MS);
	current = "stop of the workload";
	ended = stop_workload();
	printf("chaosdrive: the workload %s\n", ended ? "has ended" : "did not end");
	printf("chaosdrive: %lu faults injected (%lu skipped), %u servers not back\n", st.injected,
	       st.skipped, down);
	printf("chaosdrive: done\n");
	outl(QEMU_EXIT_PORT, QEMU_EXIT_PASS);
}

/* A call that never comes back (a server up but wedged) would keep the
 * driver from its summary: past the deadline this thread says which step
 * is stuck, and finishes itself. */
static long watchdog(uint64_t arg)
{
	(void)arg;
	while (sys_clock_ms() < stuck_after)
		pause_ms(500);
	printf("chaosdrive: stuck in the %s\n", current);
	finish(true);
	return 0;
}

int main(void)
{
	const struct server_info *si = server_self();
	uint64_t faults = 300, rate = 50, seed = 1, seconds = 60, end;
	struct chaos_start_req q = { "any", CHAOS_ANY_KIND, 0, 0, 0 };
	struct chaos_start_rep started = { 0 };
	struct chaos_stats_rep st = { .running = 1 };
	struct uthread_info ui;
	long e;

	sup = (struct proto_client){ .pc_ep = si->si_sup, .pc_retries = 1 };
	server_ready(); /* up, as every server must be for all_back */
	campaign(&faults, &rate, &seed, &seconds, q.target, &q.kind);
	if (service_lookup("chaos", &chaos) != E_OK) {
		printf("chaosdrive: no chaos service\n");
		outl(QEMU_EXIT_PORT, QEMU_EXIT_FAIL);
	}
	hostile();
	q.rate = rate;
	q.seed = seed;
	q.count = faults;
	e = chaos_start(&chaos, &q, &started);
	printf("chaosdrive: chaos start: %s, %lu faults at %lu a second into %.*s, seed %lu\n",
	       proto_error_text(e), faults, rate, CHAOS_TARGET_LEN, q.target, started.seed);
	end = sys_clock_ms() + seconds * 1000;
	stuck_after = end + COME_BACK_MS + TAIL_MS + WORKLOAD_MS + STUCK_MS;
	if (e == E_OK)
		e = uthread_create(watchdog, 0, (unsigned)si->si_priority, si->si_fault, si->si_pool, &ui);
	current = "chaos stats";
	while (e == E_OK && st.running && sys_clock_ms() < end) {
		pause_ms(LOOK_MS);
		e = chaos_stats(&chaos, &(struct chaos_stats_req){ CHAOS_STATS_TOTALS }, &st);
	}
	finish(false);
	return 0;
}
