/* The chaos campaign's workload (tests/qemu/chaos.sh, make chaos): while
 * the chaos service injects faults into every server, it keeps making
 * requests through the C library and the servers' protocols, and counts
 * how each came out. Reads of a file whose bytes it knows, its size,
 * hello's echo and the time of day are idempotent: each either comes
 * back right (transparent: retried across restarts, if need be), comes
 * back with an error (failed), or comes back wrong without one (silent
 * corruption). Writes of a pattern into files are acknowledged on the
 * console ("ack K OFF LEN"), which the host checks against the image
 * after QEMU exits. /chaos/campaign in the image says how many faults,
 * at what rate, from which seed, for at most how many seconds. Ends
 * QEMU after the summary. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <kestrel/error.h>
#include <kestrel/proto/chaos.h>
#include <kestrel/proto/hello.h>
#include <kestrel/proto/supervisor.h>
#include <kestrel/qemu_exit.h>

#include "io.h"
#include "server.h"
#include "sleep.h"
#include "syscalls.h"
#include "uthread.h"

PROTO_CLIENT(CHAOS_OPS)
PROTO_CLIENT(HELLO_OPS)
PROTO_CLIENT(SUP_OPS)

#define DATA_BYTES     65536 /* /chaos/data, made by tests/qemu/chaos.sh */
#define READ_BYTES     512
#define CHUNK          700 /* bytes a write: not block-aligned, so blocks are shared */
#define CHUNKS         6   /* writes a file */
#define COME_BACK_MS   30000
#define STUCK_MS       30000      /* after COME_BACK_MS: the watchdog's margin */
#define TAIL_MS        20000      /* after the servers came back, for the host's fetches */
#define STATS_EVERY    64         /* iterations between looks at the chaos service's count */
#define FAILURES_SHOWN 3          /* of each kind of request */
#define TIME_2020      1577836800 /* s: an earlier time of day is wrong */

/* How each kind of request came out. */
struct outcome {
	const char *o_name;
	unsigned long o_ok, o_failed, o_wrong;
};
enum { REQ_READ, REQ_STAT, REQ_ECHO, REQ_TIME, REQ_WRITE, REQ_OPEN, NREQ };
static struct outcome out[NREQ] = { { "read", 0, 0, 0 }, { "stat", 0, 0, 0 },  { "echo", 0, 0, 0 },
	                            { "time", 0, 0, 0 }, { "write", 0, 0, 0 }, { "open", 0, 0, 0 } };

static struct proto_client sup, chaos, hello;
static const char *volatile current = "read"; /* the request under way, for the watchdog */
static volatile int summing;                  /* the summary is being printed (once) */
static uint64_t stuck_after;                  /* ms: the watchdog's deadline */

/* Byte off of /chaos/data (tests/qemu/chaos.sh writes the same). */
static uint8_t data_byte(uint64_t off)
{
	return (uint8_t)((off * 7 + off / 256) & 0xff);
}

/* Byte off of written file k (tests/qemu/chaos.sh checks the same). */
static uint8_t pattern(unsigned k, uint64_t off)
{
	return (uint8_t)((k * 131u + off + off / 251) % 251);
}

/* Counts a request's outcome; the first few failures of each kind are
 * printed with their error (errno, or the protocol's). */
static void count(int req, long ok, bool wrong, long err)
{
	if (wrong)
		out[req].o_wrong++;
	else if (ok)
		out[req].o_ok++;
	else if (++out[req].o_failed <= FAILURES_SHOWN)
		printf("workload: %s failed at %lu ms: %s\n", out[req].o_name, sys_clock_ms(),
		       err > 0 ? strerror((int)err) : proto_error_text(err));
}

static void read_data(int fd, uint64_t i)
{
	static uint8_t buf[READ_BYTES];
	uint64_t off = (i * 4099) % (DATA_BYTES - READ_BYTES);
	ssize_t n = pread(fd, buf, READ_BYTES, (off_t)off);
	bool wrong = false;

	for (ssize_t k = 0; n == READ_BYTES && k < n; k++)
		wrong |= buf[k] != data_byte(off + (uint64_t)k);
	count(REQ_READ, n == READ_BYTES, n >= 0 && (n != READ_BYTES || wrong), errno);
}

/* The next chunk of the file being written: a new file every CHUNKS. */
static void write_next(uint64_t *k, unsigned *chunk, int *fd)
{
	static uint8_t buf[CHUNK];
	char path[32];
	uint64_t off = (uint64_t)*chunk * CHUNK;
	ssize_t n;

	if (*fd < 0) {
		snprintf(path, sizeof(path), "/w/f%lu", *k);
		*fd = open(path, O_CREAT | O_WRONLY, 0644);
		count(REQ_OPEN, *fd >= 0, false, errno);
		if (*fd < 0) {
			++*k; /* open is not idempotent: a fresh name */
			return;
		}
		printf("workload: file %lu\n", *k);
	}
	for (unsigned b = 0; b < CHUNK; b++)
		buf[b] = pattern((unsigned)*k, off + b);
	n = pwrite(*fd, buf, CHUNK, (off_t)off);
	count(REQ_WRITE, n == CHUNK, false, errno);
	if (n == CHUNK)
		printf("workload: ack %lu %lu %u\n", *k, off, CHUNK);
	if (++*chunk == CHUNKS) {
		close(*fd);
		*fd = -1;
		*chunk = 0;
		++*k;
	}
}

/* What /chaos/campaign says: faults, rate, seed, seconds, and which
 * servers and kind (chaos_start's target and kind; any when left out or
 * "any"). */
static void campaign(uint64_t *faults, uint64_t *rate, uint64_t *seed, uint64_t *seconds,
                     char target[SERVER_NAME_LEN], uint64_t *kind)
{
	char name[SERVER_NAME_LEN + 1] = { 0 };
	char text[128] = { 0 };
	int fd = open("/chaos/campaign", O_RDONLY);

	if (fd >= 0 && read(fd, text, sizeof(text) - 1) > 0)
		sscanf(text, "%lu %lu %lu %lu %24s %lu", faults, rate, seed, seconds, name, kind);
	if (name[0])
		memcpy(target, name, SERVER_NAME_LEN);
	if (fd >= 0)
		close(fd);
}

static void expect(const char *what, long got, long want)
{
	printf("workload: hostile %s: %s\n", what, got == want ? "ok" : proto_error_text(got));
}

/* What must be refused: the supervisor's chaos calls to a client without
 * a chaos line, and the chaos service's start with a bad target, kind or
 * rate. */
static void hostile(struct proto_client *sup, struct proto_client *chaos)
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
		{ "a server never restarted is no target", "workload", CHAOS_CRASH, 1, E_BAD_ARG },
		{ "an unknown server", "nosuch", CHAOS_CRASH, 1, PE_NO_SERVICE },
		{ "an unknown kind", "hello", CHAOS_NKINDS, 1, E_BAD_ARG },
		{ "rate 0", "hello", CHAOS_CRASH, 0, E_BAD_ARG },
		{ "a rate too high", "hello", CHAOS_CRASH, CHAOS_RATE_MAX + 1, E_BAD_ARG },
	};

	expect("target without a chaos line",
	       sup_target_x(sup, &(struct sup_target_req){ "hello", 0 }, &tr, &x), E_NO_RIGHTS);
	expect("injected without a chaos line",
	       sup_injected(sup, &(struct sup_injected_req){ "hello", 1, 1, 0, 0, { 0 } }, &ir), E_NO_RIGHTS);
	for (unsigned i = 0; i < sizeof(starts) / sizeof(starts[0]); i++) {
		struct chaos_start_req q = { { 0 }, starts[i].kind, starts[i].rate, 1, 1 };

		memcpy(q.target, starts[i].target, strlen(starts[i].target));
		expect(starts[i].what, chaos_start(chaos, &q, &r), starts[i].want);
	}
}

/* Waits until every server is up again; prints those that are not. */
static unsigned all_back(struct proto_client *sup)
{
	uint64_t until = sys_clock_ms() + COME_BACK_MS;
	struct sup_list_rep r;
	unsigned down;

	do {
		down = 0;
		for (uint64_t i = 0; sup_list(sup, &(struct sup_index_req){ i }, &r) == E_OK; i++)
			down += r.state != SUP_UP && strncmp(r.name, "workload", SERVER_NAME_LEN) != 0;
		if (down)
			sleep_ms(server_self()->si_pool, 100);
	} while (down && sys_clock_ms() < until);
	for (uint64_t i = 0; down && sup_list(sup, &(struct sup_index_req){ i }, &r) == E_OK; i++)
		if (r.state != SUP_UP && strncmp(r.name, "workload", SERVER_NAME_LEN) != 0)
			printf("workload: not back: %.*s (state %lu)\n", SERVER_NAME_LEN, r.name, r.state);
	return down;
}

/* Stops the chaos service, waits for every server to come back, prints
 * the counts and ends QEMU; whichever thread gets here first. */
static void finish(uint64_t iterations)
{
	struct chaos_stats_rep st = { 0 };
	unsigned down;

	if (__atomic_exchange_n(&summing, 1, __ATOMIC_SEQ_CST))
		for (;;)
			sleep_ms(server_self()->si_pool, 1000);
	chaos_stop(&chaos, &(struct chaos_none){ 0 }, &(struct chaos_none){ 0 });
	chaos_stats(&chaos, &(struct chaos_stats_req){ CHAOS_STATS_TOTALS }, &st);
	down = all_back(&sup);
	/* The host's fetches through httpd go on: one at least must come
	 * whole once every server is back. */
	printf("workload: all back; the host fetches for %u ms more\n", TAIL_MS);
	sleep_ms(server_self()->si_pool, TAIL_MS);
	printf("workload: %lu iterations, %lu faults injected (%lu skipped), %u servers not back\n",
	       iterations, st.injected, st.skipped, down);
	for (int r = 0; r < NREQ; r++)
		printf("workload: requests %s ok %lu failed %lu wrong %lu\n", out[r].o_name, out[r].o_ok,
		       out[r].o_failed, out[r].o_wrong);
	printf("workload: done\n");
	outl(QEMU_EXIT_PORT, QEMU_EXIT_PASS);
}

/* A request that never comes back (a server up but wedged) would keep
 * the workload from its summary: past the deadline this thread says
 * which kind of request is stuck, and prints the summary itself. */
static long watchdog(uint64_t arg)
{
	(void)arg;
	while (sys_clock_ms() < stuck_after)
		sleep_ms(server_self()->si_pool, 500);
	printf("workload: stuck in a %s request\n", current);
	finish(0);
	return 0;
}

int main(void)
{
	const struct server_info *si = server_self();
	uint64_t faults = 300, rate = 50, seed = 1, seconds = 60, k = 0, i, end;
	struct chaos_start_req q = { "any", CHAOS_ANY_KIND, 0, 0, 0 };
	struct chaos_start_rep started = { 0 };
	struct chaos_stats_rep st = { 0 };
	struct uthread_info ui;
	unsigned chunk = 0;
	int data, fd = -1;
	long e;

	sup = (struct proto_client){ .pc_ep = si->si_sup, .pc_retries = 1 };
	campaign(&faults, &rate, &seed, &seconds, q.target, &q.kind);
	data = open("/chaos/data", O_RDONLY);
	if (data < 0 || service_lookup("chaos", &chaos) != E_OK || service_lookup("hello", &hello) != E_OK) {
		printf("workload: cannot start (data %d)\n", data);
		outl(QEMU_EXIT_PORT, QEMU_EXIT_FAIL);
	}
	hostile(&sup, &chaos);
	q.rate = rate;
	q.seed = seed;
	q.count = faults;
	e = chaos_start(&chaos, &q, &started);
	printf("workload: chaos start: %s, %lu faults at %lu a second into %.*s, seed %lu\n",
	       proto_error_text(e), faults, rate, SERVER_NAME_LEN, q.target, started.seed);
	end = sys_clock_ms() + seconds * 1000;
	stuck_after = end + COME_BACK_MS + TAIL_MS + STUCK_MS;
	if (e == E_OK)
		e = uthread_create(watchdog, 0, (unsigned)si->si_priority, si->si_fault, si->si_pool, &ui);
	for (i = 0; e == E_OK && sys_clock_ms() < end; i++) {
		struct stat sb;
		struct hello_echo_rep hr;
		struct timespec ts;

		current = "read";
		read_data(data, i);
		current = "stat";
		e = fstat(data, &sb);
		count(REQ_STAT, e == 0, e == 0 && sb.st_size != DATA_BYTES, errno);
		current = "echo";
		e = hello_echo(&hello, &(struct hello_echo_req){ i }, &hr);
		count(REQ_ECHO, e == E_OK, e == E_OK && hr.value != i, e);
		current = "time";
		e = clock_gettime(CLOCK_REALTIME, &ts);
		count(REQ_TIME, e == 0, e == 0 && ts.tv_sec < TIME_2020, errno);
		current = "write or open";
		write_next(&k, &chunk, &fd);
		e = E_OK;
		current = "chaos stats";
		if (i % STATS_EVERY == 0 &&
		    (chaos_stats(&chaos, &(struct chaos_stats_req){ CHAOS_STATS_TOTALS }, &st) != E_OK ||
		     !st.running))
			break;
	}
	finish(i);
	return 0;
}
