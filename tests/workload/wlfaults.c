/* The workload's test (tests/qemu/workload.sh): crashes and kills the
 * servers under the workload (servers/workload/), and restarts it,
 * waiting after each for the workload to finish rounds again (its files
 * /work/fR appear), then creates /work/stop and waits for it to end. One
 * TAP line a step; ends QEMU. What the workload counted and wrote is
 * checked by the host. */
#include <stdio.h>
#include <string.h>

#include <kestrel/error.h>
#include <kestrel/proto/fs.h>
#include <kestrel/proto/supervisor.h>
#include <kestrel/qemu_exit.h>

#include "io.h"
#include "server.h"
#include "sleep.h"
#include "syscalls.h"

PROTO_CLIENT(FS_OPS)
PROTO_CLIENT(SUP_OPS)

#define ROUNDS_BETWEEN 6     /* rounds between two faults: 54 in all, past WL_KEEP */
#define WAIT_MS        60000 /* longest wait for them */
#define POLL_MS        10

static struct proto_client fs, sup;
static uint64_t pool, next_round; /* the next file to wait for */
static unsigned n, failed;

static void tap(int ok, const char *what, const char *name, long detail)
{
	n++;
	failed += !ok;
	printf("%s %u - %s%s", ok ? "ok" : "not ok", n, what, name);
	if (!ok)
		printf(": %s", proto_error_text(detail));
	printf("\n");
}

static bool exists(const char *fmt, uint64_t k)
{
	struct fs_path_req q = { { 0 } };
	struct fs_attr_rep a;

	snprintf(q.path, sizeof(q.path), fmt, k);
	return fs_lookup(&fs, &q, &a) == E_OK;
}

/* Waits until the workload has finished ROUNDS_BETWEEN more rounds. */
static long progress(void)
{
	uint64_t until = sys_clock_ms() + WAIT_MS;
	long e = E_OK;

	next_round += ROUNDS_BETWEEN;
	while (e == E_OK && !exists("/work/f%lu", next_round - 1))
		e = sys_clock_ms() > until ? E_TIMEOUT : sleep_ms(pool, POLL_MS);
	return e;
}

/* Crashes, kills or restarts server, as the test's name says, then waits
 * for rounds. */
static void fault(const char *test, const char *server)
{
	struct sup_name_req q = { { 0 } };
	struct sup_generation_rep r;
	long e;

	strncpy(q.name, server, sizeof(q.name) - 1);
	if (strstr(test, "crash"))
		e = sup_crash(&sup, &q, &r);
	else if (strstr(test, "kill"))
		e = sup_kill(&sup, &q, &r);
	else
		e = sup_restart(&sup, &q, &r);
	if (e == E_OK)
		e = progress();
	tap(e == E_OK, test, server, e);
}

/* The workload's state in the supervisor's list. */
static uint64_t workload_state(void)
{
	struct sup_index_req q;
	struct sup_list_rep r;

	for (q.index = 0; sup_list(&sup, &q, &r) == E_OK; q.index++)
		if (strncmp(r.name, "workload", SERVER_NAME_LEN) == 0)
			return r.state;
	return SUP_DOWN;
}

int main(void)
{
	const struct server_info *si = server_self();
	struct fs_open_req stop = { FS_O_CREAT, 0644, "/work/stop" };
	struct fs_attr_rep a;
	uint64_t until;
	long e;

	pool = si->si_pool;
	sup = (struct proto_client){ .pc_ep = si->si_sup, .pc_retries = 1 };
	e = service_lookup("fs", &fs);
	if (e == E_OK)
		e = progress();
	tap(e == E_OK, "the_workload_finishes_rounds", "", e);
	fault("rounds_go_on_after_a_crash_of_", "fs");
	fault("rounds_go_on_after_a_kill_of_", "hello");
	fault("rounds_go_on_after_a_crash_of_", "virtio_blk");
	fault("rounds_go_on_after_a_crash_of_", "rtc");
	fault("rounds_go_on_after_a_kill_of_", "fs");
	fault("rounds_go_on_after_a_crash_of_", "hello");
	fault("rounds_go_on_after_a_kill_of_", "virtio_blk");
	/* Its own restart (a restart request works whatever the policy):
	 * the next instance goes on from its vault. */
	fault("rounds_go_on_after_a_restart_of_", "workload");
	/* open is not idempotent: cut off by a restart, it is made again (a
	 * second create of the same file is harmless). */
	while ((e = fs_open(&fs, &stop, &a)) == PE_RESTARTED)
		;
	until = sys_clock_ms() + WAIT_MS;
	while (e == E_OK && workload_state() == SUP_UP)
		e = sys_clock_ms() > until ? E_TIMEOUT : sleep_ms(pool, POLL_MS);
	tap(e == E_OK, "the_workload_stops_at_the_stop_file", "", e);
	printf("1..%u\nwlfaults: %u passed, %u failed\n", n, n - failed, failed);
	fflush(stdout);
	outl(QEMU_EXIT_PORT, failed ? QEMU_EXIT_FAIL : QEMU_EXIT_PASS);
	return 0;
}
