/* The crash test (tests/qemu/fscrash.sh): files written in chunks and
 * renamed from a temporary name to their final one (replacing the file
 * there before), while the filesystem server, then the disk driver, are
 * crashed, between calls and during them. Every operation it saw
 * acknowledged goes to the console as one short line, which the host
 * checks against the image after QEMU exits. The number of crashes comes
 * from /campaign in the image. One TAP line a check; ends QEMU. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <kestrel/error.h>
#include <kestrel/proto/fs.h>
#include <kestrel/proto/supervisor.h>
#include <kestrel/qemu_exit.h>

#include "io.h"
#include "ipc.h"
#include "server.h"
#include "slots.h"
#include "syscalls.h"

PROTO_CLIENT(FS_OPS)
PROTO_CLIENT(SUP_OPS)

#define SLOTS           16           /* final names /d/f0../d/f15, each replaced in turn */
#define CHUNKS          3            /* writes a file */
#define CHUNK           3000         /* bytes a write: not block-aligned, so blocks are shared */
#define HANDLES         4            /* /h0../h3, opened before the first crash */
#define STEPS           (CHUNKS + 3) /* a file: create, writes, rename, a handle's write */
#define STEPS_PER_CRASH 5            /* prime to STEPS: the crashes visit every step */
#define HANDLE_FILE(j)  (100000u + (j))

static unsigned n, failed;
static struct proto_client fs, sup;
static uint8_t *buf;
static uint64_t wait_ep, notify_ep;

/* The campaign: crash_next names the server to crash during the next
 * call (NULL: none). */
static const char *crash_next;
static unsigned crashes, crashes_in_flight, crash_failures, ops, restarted;

static void tap(int ok, const char *name, long detail)
{
	n++;
	failed += !ok;
	printf("%s %u - %s%s", ok ? "ok" : "not ok", n, name, ok ? "\n" : ": ");
	if (!ok)
		printf("got %ld (errno %d)\n", detail, fs_errno(detail));
}

/* Byte off of file k (a handle file: HANDLE_FILE(j)); tests/qemu/fscrash.sh
 * computes the same. */
static uint8_t pattern(unsigned k, uint64_t off)
{
	return (uint8_t)((k * 131u + off + off / 251) % 251);
}

static void crash(const char *server, struct proto_pending *p)
{
	struct sup_name_req name = { { 0 } };
	struct sup_generation_rep gen;
	long e;

	strncpy(name.name, server, sizeof name.name - 1);
	/* Let the worker's call reach the server (which runs until it waits
	 * for the disk) a varying number of slices before the crash. */
	for (unsigned i = 0; p && i < crashes % 4; i++)
		sys_yield();
	crashes_in_flight += p && !p->pp_done;
	e = sup_crash(&sup, &name, &gen);
	crash_failures += e != E_OK;
	crashes++;
	printf("X %s %s %ld\n", server, p ? (p->pp_done ? "after" : "during") : "between", e);
}

/* Makes the call p, crashing crash_next while it is in flight. */
static long run(struct proto_pending *p)
{
	long e = proto_start(p);

	ops++;
	if (e == E_OK && crash_next) {
		crash(crash_next, p);
		crash_next = NULL;
	}
	if (e == E_OK)
		e = proto_finish(p, wait_ep);
	restarted += e == PE_RESTARTED;
	return e;
}

static void path_of(char *path, const char *fmt, unsigned k)
{
	memset(path, 0, FS_PATH_MAX);
	snprintf(path, FS_PATH_MAX, fmt, k);
}

static long lookup(const char *path, struct fs_attr_rep *a)
{
	struct fs_path_req q;
	struct proto_pending p;

	memcpy(q.path, path, FS_PATH_MAX);
	fs_lookup_pending(&p, &fs, &q, a, NULL, notify_ep);
	return run(&p);
}

/* Creates path (exclusive): cut off by a restart, it may have happened,
 * which a lookup tells. */
static long create(const char *path, struct fs_attr_rep *a)
{
	struct fs_open_req q = { FS_O_CREAT | FS_O_EXCL, 0644, { 0 } };
	struct proto_pending p;
	long e;

	memcpy(q.path, path, FS_PATH_MAX);
	do {
		fs_open_pending(&p, &fs, &q, a, NULL, notify_ep);
		e = run(&p);
		if (e == PE_RESTARTED && lookup(path, a) == E_OK)
			e = E_OK;
	} while (e == PE_RESTARTED);
	return e;
}

/* Writes count bytes of file k's pattern at off through handle h. */
static long write_chunk(const struct fs_handle *h, unsigned k, uint64_t off, uint64_t count)
{
	struct fs_io_req q = { *h, off, count };
	struct fs_io_rep r = { 0 };
	struct proto_xfer x = { .px_buf = buf, .px_len = count };
	struct proto_pending p;
	long e;

	for (uint64_t i = 0; i < count; i++)
		buf[i] = pattern(k, off + i);
	fs_write_pending(&p, &fs, &q, &r, &x, notify_ep);
	e = run(&p);
	return e == E_OK && r.done != count ? PE_BAD_SIZE : e;
}

/* Renames from to to, where the file of inode ino is: cut off by a
 * restart, the rename happened if to names that inode now, and is done
 * again if from still does. */
static long rename_checked(const char *from, const char *to, uint64_t ino)
{
	struct fs_two_paths_req q;
	struct fs_none r;
	struct fs_attr_rep a;
	struct proto_pending p;
	long e;

	memcpy(q.from, from, FS_PATH_MAX);
	memcpy(q.to, to, FS_PATH_MAX);
	do {
		fs_rename_pending(&p, &fs, &q, &r, NULL, notify_ep);
		e = run(&p);
		if (e == PE_RESTARTED && lookup(to, &a) == E_OK && a.h.fh_ino == ino)
			e = E_OK;
		else if (e == PE_RESTARTED && lookup(from, &a) != E_OK)
			e = -3000; /* neither name holds the file */
	} while (e == PE_RESTARTED);
	return e;
}

/* 0 when the file behind h holds size bytes of file k's pattern. */
static long holds(const struct fs_handle *h, unsigned k, uint64_t size)
{
	for (uint64_t off = 0; off < size;) {
		struct fs_io_req q = { *h, off, FS_IO_MAX };
		struct fs_io_rep r = { 0 };
		struct proto_xfer x = { .px_buf = buf, .px_len = FS_IO_MAX };
		long e = fs_read_x(&fs, &q, &r, &x);

		if (e != E_OK)
			return e;
		if (r.done == 0 || off + r.done > size)
			return -4000;
		for (uint64_t i = 0; i < r.done; i++)
			if (buf[i] != pattern(k, off + i))
				return -5000;
		off += r.done;
	}
	return E_OK;
}

static unsigned campaign_crashes(void)
{
	struct fs_attr_rep a;
	struct fs_path_req q = { "/campaign" };
	struct fs_io_req rq;
	struct fs_io_rep r = { 0 };
	struct proto_xfer x = { .px_buf = buf, .px_len = FS_IO_MAX };

	if (fs_lookup(&fs, &q, &a) != E_OK)
		return 20;
	rq = (struct fs_io_req){ a.h, 0, 64 };
	if (fs_read_x(&fs, &rq, &r, &x) != E_OK || r.done == 0)
		return 20;
	buf[r.done < 64 ? r.done : 63] = 0;
	return (unsigned)strtoul((const char *)buf, NULL, 10);
}

int main(void)
{
	const struct server_info *si = server_self();
	struct fs_attr_rep h[HANDLES], a;
	uint64_t hsize[HANDLES] = { 0 };
	unsigned slot_file[SLOTS], want, files = 0, writes = 0, steps = 0;
	char tmp[FS_PATH_MAX], final[FS_PATH_MAX];
	long e, handles_e = E_OK;

	buf = proto_lease_alloc(FS_IO_MAX);
	sup = (struct proto_client){ .pc_ep = si->si_sup, .pc_retries = 1 };
	wait_ep = slot_alloc();
	notify_ep = slot_alloc();
	sys_endpoint_create(si->si_pool, wait_ep);
	sys_cap_copy(wait_ep, si->si_self, notify_ep, R_WRITE, 1, CAP_COPY_BADGE);
	e = proto_async_init(1, (unsigned)si->si_priority, si->si_pool, si->si_fault);
	if (e == E_OK)
		e = service_lookup("fs", &fs);
	want = campaign_crashes();
	/* The handles of the files every crash must leave usable. */
	for (unsigned j = 0; e == E_OK && j < HANDLES; j++) {
		path_of(tmp, "/h%u", j);
		e = create(tmp, &h[j]);
		if (e == E_OK)
			e = write_chunk(&h[j].h, HANDLE_FILE(j), 0, CHUNK);
		if (e == E_OK) {
			printf("H %u %lu\n", j, (unsigned long)h[j].h.fh_ino);
			printf("W %u 0 %u\n", HANDLE_FILE(j), CHUNK);
			hsize[j] = CHUNK;
			writes++;
		}
	}
	tap(e == E_OK && want > 0, "opens_the_files_and_reads_the_campaign", e ? e : (long)want);
	for (unsigned s = 0; s < SLOTS; s++)
		slot_file[s] = ~0u;
	/* File k: created as /t/fk, written in CHUNKS writes, renamed over
	 * /d/f(k % SLOTS), then a chunk appended to /h(k % HANDLES) through
	 * the handle taken at the start: STEPS steps. A crash every
	 * STEPS_PER_CRASH steps, which cycles through the steps: the first
	 * half of the filesystem server, the rest of the disk driver, every
	 * other one during the step's call. */
	for (unsigned k = 0; e == E_OK && crashes < want; k++, files++) {
		unsigned j = k % HANDLES;

		path_of(tmp, "/t/f%u", k);
		path_of(final, "/d/f%u", k % SLOTS);
		for (unsigned c = 0; e == E_OK && c < STEPS; c++, steps++) {
			if (steps % STEPS_PER_CRASH == 0 && crashes < want) {
				const char *server = crashes < want / 2 ? "fs" : "virtio_blk";

				if (crashes % 2)
					crash(server, NULL);
				else
					crash_next = server;
			}
			if (c == 0) {
				e = create(tmp, &a);
				if (e == E_OK)
					printf("C %u %lu\n", k, (unsigned long)a.h.fh_ino);
			} else if (c <= CHUNKS) {
				e = write_chunk(&a.h, k, (uint64_t)(c - 1) * CHUNK, CHUNK);
				if (e == E_OK)
					printf("W %u %u %u\n", k, (c - 1) * CHUNK, CHUNK);
				writes += e == E_OK;
			} else if (c == CHUNKS + 1) {
				e = rename_checked(tmp, final, a.h.fh_ino);
				if (e == E_OK) {
					printf("R %u %u\n", k, k % SLOTS);
					slot_file[k % SLOTS] = k;
				}
			} else {
				e = write_chunk(&h[j].h, HANDLE_FILE(j), hsize[j], CHUNK);
				if (e == E_OK)
					printf("W %u %lu %u\n", HANDLE_FILE(j), (unsigned long)hsize[j],
					       CHUNK);
				hsize[j] += e == E_OK ? CHUNK : 0;
				writes += e == E_OK;
			}
		}
	}
	tap(e == E_OK && crashes == want && crash_failures == 0, "the_loop_survives_every_crash",
	    e ? e : (long)crash_failures);
	/* Read back: the final files by name, the others through the
	 * handles taken before the first crash. */
	e = E_OK;
	for (unsigned s = 0; e == E_OK && s < SLOTS; s++) {
		if (slot_file[s] == ~0u)
			continue;
		path_of(final, "/d/f%u", s);
		e = lookup(final, &a);
		if (e == E_OK)
			e = a.size == CHUNKS * CHUNK ? holds(&a.h, slot_file[s], a.size) : -6000;
	}
	tap(e == E_OK, "reads_back_every_final_file", e);
	for (unsigned j = 0; j < HANDLES && handles_e == E_OK; j++) {
		struct fs_handle_req q = { h[j].h };

		handles_e = fs_stat(&fs, &q, &a);
		if (handles_e == E_OK)
			handles_e = a.size == hsize[j] ? holds(&h[j].h, HANDLE_FILE(j), hsize[j]) : -7000;
	}
	tap(handles_e == E_OK, "handles_opened_before_the_crashes_kept_working", handles_e);
	printf("fscrash: %u crashes (%u during a call), %u operations, %u files, %u writes acknowledged, "
	       "%u calls cut off by a restart\n",
	       crashes, crashes_in_flight, ops, files, writes, restarted);
	printf("1..%u\nfscrash: %u passed, %u failed\n", n, n - failed, failed);
	fflush(stdout);
	outl(QEMU_EXIT_PORT, failed ? QEMU_EXIT_FAIL : QEMU_EXIT_PASS);
	return 0;
}
