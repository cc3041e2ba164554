/* The window test (tests/qemu/fswindow.sh): C-library programs whose
 * reads, writes and readdir go through their windows (libc-glue/
 * fs_glue.c, include/kestrel/proto/fs.h: window_attach) while the
 * filesystem server is crashed under them, while more clients than the
 * server keeps windows for take each other's places, and after a client
 * dies and comes back with the same badge. One program in three roles,
 * by its manifest name:
 *   wintest  the checks, one TAP line each; ends QEMU
 *   stale    attaches a window of its own through the protocol, writes
 *            through it and crashes; its next instance (the same badge)
 *            calls with its old idea of the window, must be told to attach
 *            again, and writes what it saw to /stale.txt
 *   manyNN   MANY clients: wait for /go, write and read a file of their
 *            own through their windows, meet at a barrier (when every one
 *            has attached once, at least MANY - FS_WINDOWS windows have
 *            been let go), do it again, and write how it went and how many
 *            times they attached to /m/manyNN.done
 * The others report through files, which wintest waits for (the suite's
 * timeout bounds the wait). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <kestrel/cap.h>
#include <kestrel/error.h>
#include <kestrel/proto/fs.h>
#include <kestrel/proto/supervisor.h>
#include <kestrel/qemu_exit.h>

#include "glue.h"
#include "io.h"
#include "server.h"
#include "sleep.h"
#include "slots.h"
#include "syscalls.h"
#include "uthread.h"

PROTO_CLIENT(FS_OPS)
PROTO_CLIENT(SUP_OPS)

#define MANY       (FS_WINDOWS + 2) /* manyNN clients (the manifest lists as many) */
#define ROUNDS     4                /* of a manyNN client: one before the barrier */
#define CRASHES    6                /* of fs during wintest's loop */
#define BLOCKS     8                /* /loop.bin: 32 KiB */
#define LOOP_BYTES (BLOCKS * 4096)
#define AFTER      40 /* loop iterations after the last crash */

static unsigned n, failed;

static void tap(int ok, const char *name, const char *detail)
{
	n++;
	failed += !ok;
	printf("%s %u - %s%s%s\n", ok ? "ok" : "not ok", n, name, ok ? "" : ": ", ok ? "" : detail);
}

static uint64_t pool(void)
{
	return server_self()->si_pool;
}

/* Waits until path exists. */
static void wait_for(const char *path)
{
	struct stat st;

	while (stat(path, &st) != 0)
		sleep_ms(pool(), 10);
}

/* Makes path hold text, at once: written under another name, then
 * renamed, so a reader waiting for path never finds it empty. 0 or -1. */
static int put(const char *path, const char *text)
{
	char tmp[48];
	int fd, r;

	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	fd = open(tmp, O_CREAT | O_WRONLY | O_TRUNC, 0644);
	r = fd >= 0 && write(fd, text, strlen(text)) == (ssize_t)strlen(text) ? 0 : -1;
	if (fd >= 0)
		close(fd);
	return r == 0 ? rename(tmp, path) : -1;
}

/* path's text, up to size - 1 bytes. */
static void get(const char *path, char *text, size_t size)
{
	int fd = open(path, O_RDONLY);
	ssize_t got = fd >= 0 ? read(fd, text, size - 1) : -1;

	text[got > 0 ? got : 0] = '\0';
	if (fd >= 0)
		close(fd);
}

static void sleep_forever(void)
{
	for (;;)
		sleep_ms(pool(), 100000);
}

/* stale: a window through the protocol itself, no C library in between. */

static struct proto_client fs;

static long stale_attach(uint8_t **win)
{
	struct fs_window_attach_req q = { 4096 };
	struct fs_window_attach_rep r;
	struct proto_xfer x = { { 0 }, NULL, 0 };

	*win = proto_lease_alloc(4096);
	x.px_caps[0] = slot_alloc();
	if (!*win || sys_share_create(pool(), x.px_caps[0], (uint64_t)*win, 1, R_READ | R_WRITE) != E_OK)
		return E_NO_MEMORY;
	return fs_window_attach_x(&fs, &q, &r, &x);
}

static long stale_io(bool write, const struct fs_handle *h, uint64_t count, uint64_t *done)
{
	struct fs_window_io_req q = { *h, 0, count, 0 };
	struct fs_io_rep r = { 0 };
	long e = write ? fs_window_write(&fs, &q, &r) : fs_window_read(&fs, &q, &r);

	*done = r.done;
	return e;
}

static const char stale_text[] = "written through the first instance's window";

static int stale(void)
{
	struct fs_open_req oq = { FS_O_CREAT, 0644, "/stale.bin" };
	struct fs_attr_rep a;
	char report[160];
	uint8_t *win;
	uint64_t done = 0;
	long first = E_OK, e = service_lookup("fs", &fs);

	if (server_self()->si_generation == 1) {
		if (e == E_OK)
			e = fs_open(&fs, &oq, &a);
		if (e == E_OK)
			e = stale_attach(&win);
		if (e == E_OK) {
			memcpy(win, stale_text, sizeof(stale_text));
			e = stale_io(true, &a.h, sizeof(stale_text), &done);
		}
		if (e != E_OK || done != sizeof(stale_text)) {
			snprintf(report, sizeof(report), "the first instance failed: %ld, %lu bytes\n", e,
			         done);
			put("/stale.txt", report);
			sleep_forever();
		}
		__asm__ volatile("ud2"); /* dies; the supervisor starts us again */
	}
	/* The second instance: the window the server knew was the dead
	 * instance's, its share revoked with it. */
	oq.flags = 0;
	if (e == E_OK)
		e = fs_open(&fs, &oq, &a);
	if (e == E_OK)
		first = stale_io(false, &a.h, sizeof(stale_text), &done);
	if (e == E_OK && first == PE_DETACHED)
		e = stale_attach(&win);
	if (e == E_OK && first == PE_DETACHED)
		e = stale_io(false, &a.h, sizeof(stale_text), &done);
	if (e == E_OK && first == PE_DETACHED && done == sizeof(stale_text) &&
	    memcmp(win, stale_text, done) == 0)
		snprintf(report, sizeof(report), "ok\n");
	else
		snprintf(report, sizeof(report), "first call %ld (expected %d), then %ld, %lu bytes\n", first,
		         PE_DETACHED, e, done);
	put("/stale.txt", report);
	sleep_forever();
	return 0;
}

/* manyNN */

static uint8_t many_buf[8192];

static uint8_t many_byte(unsigned who, unsigned round, unsigned i)
{
	return (uint8_t)(who * 37 + round * 101 + i + i / 251);
}

/* One round: the client's file written and read back whole. */
static const char *many_round(int fd, unsigned who, unsigned round)
{
	for (unsigned i = 0; i < sizeof(many_buf); i++)
		many_buf[i] = many_byte(who, round, i);
	if (pwrite(fd, many_buf, sizeof(many_buf), 0) != (ssize_t)sizeof(many_buf))
		return "pwrite";
	memset(many_buf, 0, sizeof(many_buf));
	if (pread(fd, many_buf, sizeof(many_buf), 0) != (ssize_t)sizeof(many_buf))
		return "pread";
	for (unsigned i = 0; i < sizeof(many_buf); i++)
		if (many_buf[i] != many_byte(who, round, i))
			return "wrong data";
	return NULL;
}

static int many(unsigned who)
{
	char path[40], report[80];
	const char *bad = NULL;
	unsigned round = 0;
	int fd;

	wait_for("/go");
	snprintf(path, sizeof(path), "/m/many%02u.bin", who);
	fd = open(path, O_CREAT | O_RDWR | O_TRUNC, 0644);
	if (fd < 0)
		bad = "open";
	for (; !bad && round < ROUNDS; round++) {
		bad = many_round(fd, who, round);
		if (round == 0 && !bad) { /* the barrier */
			snprintf(path, sizeof(path), "/m/many%02u.ready", who);
			if (put(path, "") < 0)
				bad = "ready";
			for (unsigned k = 0; k < MANY && !bad; k++) {
				snprintf(path, sizeof(path), "/m/many%02u.ready", k);
				wait_for(path);
			}
		}
	}
	if (bad)
		snprintf(report, sizeof(report), "bad: %s in round %u (errno %d)\n", bad, round, errno);
	else
		snprintf(report, sizeof(report), "ok %u\n", glue_fs_window_attaches());
	snprintf(path, sizeof(path), "/m/many%02u.done", who);
	put(path, report);
	sleep_forever();
	return 0;
}

/* wintest: a loop of window reads and writes checked against a model of
 * the file, while another thread crashes the server. */

static uint8_t model[LOOP_BYTES], io_buf[5 * 4096];
static volatile unsigned steps, in_step, crashes_done, crashes_in_flight, crash_errors;

static long crasher(uint64_t arg)
{
	struct proto_client sup = { .pc_ep = server_self()->si_sup, .pc_retries = 1 };
	struct sup_name_req name = { "fs" };
	struct sup_generation_rep gen;

	(void)arg;
	for (unsigned i = 0; i < CRASHES; i++) {
		unsigned from = steps;

		/* The server is up again (the loop moves on), then a varying
		 * delay: some crashes land while the server waits for the disk
		 * with our call, some between calls. */
		while (steps < from + 5)
			sleep_ms(pool(), 2);
		sleep_ms(pool(), 1 + 3 * (i % 4));
		crashes_in_flight += in_step;
		crash_errors += sup_crash(&sup, &name, &gen) != E_OK;
		crashes_done++;
	}
	sleep_forever(); /* a thread's exit would end the program (its fault endpoint is the supervisor's) */
	return 0;
}

/* One step of the loop: 0 or a description of what went wrong. */
static const char *loop_step(int fd, unsigned i)
{
	uint64_t off;
	size_t len;

	switch (i % 5) {
	case 0: /* a block written */
	case 2: /* a few bytes across a block boundary */
		len = i % 5 == 0 ? 4096 : 1000;
		off = i % 5 == 0 ? (i * 5 % BLOCKS) * 4096 : (i * 777) % (LOOP_BYTES - len);
		for (size_t k = 0; k < len; k++)
			model[off + k] = (uint8_t)(i * 13 + k);
		return pwrite(fd, model + off, len, (off_t)off) == (ssize_t)len ? NULL : "pwrite";
	case 1: /* a block read */
	case 3: /* more than the window: through a lease */
		len = i % 5 == 1 ? 4096 : sizeof(io_buf);
		off = i % 5 == 1 ? (i * 3 % BLOCKS) * 4096 : (i * 4096 + 5) % (LOOP_BYTES - len);
		if (pread(fd, io_buf, len, (off_t)off) != (ssize_t)len)
			return "pread";
		return memcmp(io_buf, model + off, len) == 0 ? NULL : "pread: wrong data";
	default: { /* the directory, through the window too */
		DIR *d = opendir("/");
		struct dirent *e;
		bool seen = false;

		while (d && (e = readdir(d)))
			seen |= strcmp(e->d_name, "loop.bin") == 0;
		if (d)
			closedir(d);
		return seen ? NULL : "readdir: loop.bin not listed";
	}
	}
}

/* A second thread doing the same to a file of its own meanwhile: the two
 * take turns at the one window. */
static volatile unsigned worker_steps, worker_stop, worker_done;
static const char *volatile worker_bad;

static long worker(uint64_t arg)
{
	static uint8_t mine[4096], back[4096];
	int fd = (int)arg; /* opened before the crashes start: an open cut off by one is not repeated */

	if (fd < 0)
		worker_bad = "open";
	for (unsigned i = 0; !worker_bad && !worker_stop; i++, worker_steps++) {
		off_t off = (off_t)(i % 4) * 4096;

		for (unsigned k = 0; k < sizeof(mine); k++)
			mine[k] = (uint8_t)(i * 7 + k);
		if (pwrite(fd, mine, sizeof(mine), off) != (ssize_t)sizeof(mine))
			worker_bad = "pwrite";
		else if (pread(fd, back, sizeof(back), off) != (ssize_t)sizeof(back))
			worker_bad = "pread";
		else if (memcmp(mine, back, sizeof(mine)) != 0)
			worker_bad = "pread: wrong data";
	}
	worker_done = 1;
	sleep_forever();
	return 0;
}

static void crash_loop(void)
{
	const struct server_info *si = server_self();
	struct uthread_info info;
	const char *bad = NULL;
	unsigned i = 0, after = 0, attaches = glue_fs_window_attaches();
	char why[120];
	int fd = open("/loop.bin", O_CREAT | O_RDWR | O_TRUNC, 0644);
	int worker_fd = open("/worker.bin", O_CREAT | O_RDWR | O_TRUNC, 0644);

	if (fd < 0 || pwrite(fd, model, LOOP_BYTES, 0) != LOOP_BYTES)
		bad = "the file could not be made";
	else if (uthread_create(crasher, 0, (unsigned)si->si_priority, si->si_fault, si->si_pool, &info) !=
	         E_OK)
		bad = "no crasher thread";
	else if (uthread_create(worker, (uint64_t)worker_fd, (unsigned)si->si_priority, si->si_fault,
	                        si->si_pool, &info) != E_OK)
		bad = "no worker thread";
	for (; !bad && after < AFTER; i++, steps++) {
		in_step = 1;
		bad = loop_step(fd, i);
		in_step = 0;
		after += crashes_done == CRASHES;
	}
	worker_stop = 1;
	while (!bad && !worker_done)
		sleep_ms(pool(), 5);
	printf("wintest: %u crashes of fs, %u of them during a step of the loop, in %u steps (the other "
	       "thread: "
	       "%u)\n",
	       crashes_done, crashes_in_flight, i, worker_steps);
	snprintf(why, sizeof(why), "%s at step %u (errno %d), %u crashes (%u refused)", bad ? bad : "-", i,
	         bad ? errno : 0, crashes_done, crash_errors);
	tap(!bad && crashes_done == CRASHES && crash_errors == 0, "window_io_is_right_through_crashes_of_fs",
	    why);
	snprintf(why, sizeof(why), "attached %u times before the loop, %u after", attaches,
	         glue_fs_window_attaches());
	tap(attaches >= 1 && glue_fs_window_attaches() > attaches,
	    "the_library_attached_its_window_again_after_the_restarts", why);
	snprintf(why, sizeof(why), "%s after %u steps", worker_bad ? worker_bad : "no step", worker_steps);
	tap(!bad && !worker_bad && worker_steps > 0,
	    "a_second_thread_moves_its_own_data_through_the_same_window", why);
	if (fd >= 0)
		close(fd);
}

static void stale_result(void)
{
	char text[160];

	wait_for("/stale.txt");
	get("/stale.txt", text, sizeof(text));
	tap(strcmp(text, "ok\n") == 0,
	    "a_restarted_client_calling_with_its_old_window_is_told_to_attach_again", text);
}

static void many_results(void)
{
	char path[40], text[80], why[120] = "";
	unsigned ok = 0, attaches = 0;

	if (mkdir("/m", 0755) != 0 || put("/go", "") != 0)
		snprintf(why, sizeof(why), "cannot start them: errno %d", errno);
	for (unsigned k = 0; k < MANY && !why[0]; k++) {
		unsigned a;

		snprintf(path, sizeof(path), "/m/many%02u.done", k);
		wait_for(path);
		get(path, text, sizeof(text));
		if (sscanf(text, "ok %u", &a) == 1) {
			ok++;
			attaches += a;
		} else {
			snprintf(why, sizeof(why), "many%02u: %s", k, text);
		}
	}
	tap(ok == MANY, "more_clients_than_windows_all_read_their_own_data", why);
	snprintf(why, sizeof(why), "%u clients attached %u times", MANY, attaches);
	tap(attaches >= MANY + (MANY - FS_WINDOWS), "windows_let_go_for_other_clients_were_attached_again",
	    why);
}

int main(void)
{
	const char *name = server_self()->si_name;

	if (strcmp(name, "stale") == 0)
		return stale();
	if (strncmp(name, "many", 4) == 0)
		return many((unsigned)atoi(name + 4));
	stale_result();
	crash_loop();
	many_results();
	printf("1..%u\nwintest: %u passed, %u failed\n", n, n - failed, failed);
	fflush(stdout);
	outl(QEMU_EXIT_PORT, failed ? QEMU_EXIT_FAIL : QEMU_EXIT_PASS);
	return 0;
}
