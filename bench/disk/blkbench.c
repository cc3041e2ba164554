/* The disk benchmark (scripts/bench-disk.sh): a client of the virtio-blk
 * driver timing single requests through the block protocol, as a program
 * would make them: 4 KiB and 64 KiB, read and written, one at a time,
 * each from the call to its answer (a write is answered once the device
 * has completed it). bench/linux/linuxbench.c makes the same requests of
 * Linux's driver with O_DIRECT.
 *
 * Every figure is the median, 99th percentile and minimum of single timed
 * requests after a warm-up, timed with lfence; rdtsc at both ends as
 * kbench and linuxbench do. Reads come from one place of the disk and
 * writes go to another, the same each time, so the host serves them from
 * its page cache.
 *
 * The wait for the device: QEMU completes a request on a host thread,
 * while the guest runs on. Under -icount with sleep=off, a guest that
 * halts meanwhile has its clock moved on to its next timer interrupt (up
 * to a tick, a million "instructions"), so the figure would measure the
 * timer. Instead a thread of the lowest priority spins while the request
 * is out, counting its iterations, two instructions each; they are
 * subtracted, and each figure counts the instructions the request itself
 * made the CPU execute (client, kernel, driver, interrupt). linuxbench
 * does the same with a SCHED_IDLE process. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <kestrel/proto/blk.h>
#include <kestrel/qemu_exit.h>

#include "../common/measure.h"
#include "io.h"
#include "ipc.h"
#include "server.h"
#include "syscalls.h"
#include "uthread.h"

PROTO_CLIENT(BLK_OPS)

#define ITERS        1000
#define WARMUP       100
#define READ_SECTOR  0    /* reads from the first 64 KiB */
#define WRITE_SECTOR 8192 /* writes to the 64 KiB at 4 MiB */

static uint64_t samples[ITERS];

/* Times ITERS requests of bytes each, read or written at sector, through
 * buf (a lease of at least bytes). Returns E_OK or the first error. */
static long time_io(struct proto_client *blk, const char *name, bool write, uint64_t sector, uint8_t *buf,
                    size_t bytes)
{
	struct blk_io_req q = { sector, bytes / BLK_SECTOR };
	struct blk_io_rep r;
	struct proto_xfer x = { .px_buf = buf, .px_len = bytes };

	for (int i = -WARMUP; i < ITERS; i++) {
		uint64_t t0 = tsc(), s0 = spins;
		long e = write ? blk_write_x(blk, &q, &r, &x) : blk_read_x(blk, &q, &r, &x);
		uint64_t s1 = spins, t1 = tsc();

		if (e != E_OK || r.done != q.count) {
			printf("blkbench error: %s request %d: %ld (%lu sectors done)\n", name, i, e, r.done);
			return e != E_OK ? e : PE_BAD_SIZE;
		}
		if (i >= 0)
			samples[i] = sample(t0, t1, s0, s1);
	}
	report("blkbench", name, samples, ITERS);
	return E_OK;
}

/* The same with the data in a DMA frame of ours (blk_read_frame,
 * blk_write_frame): the device reads and writes it, no copy. */
static long time_frame(struct proto_client *blk, const char *name, bool write, uint64_t sector,
                       uint64_t frame, size_t bytes)
{
	struct blk_frame_req q = { sector, bytes / BLK_SECTOR, 0 };
	struct blk_io_rep r;
	struct proto_xfer x = { .px_caps = { frame } };

	for (int i = -WARMUP; i < ITERS; i++) {
		uint64_t t0 = tsc(), s0 = spins;
		long e = write ? blk_write_frame_x(blk, &q, &r, &x) : blk_read_frame_x(blk, &q, &r, &x);
		uint64_t s1 = spins, t1 = tsc();

		if (e != E_OK || r.done != q.count) {
			printf("blkbench error: %s request %d: %ld (%lu sectors done)\n", name, i, e, r.done);
			return e != E_OK ? e : PE_BAD_SIZE;
		}
		if (i >= 0)
			samples[i] = sample(t0, t1, s0, s1);
	}
	report("blkbench", name, samples, ITERS);
	return E_OK;
}

int main(void)
{
	const struct server_info *si = server_self();
	struct proto_client blk;
	struct uthread_info spinner;
	uint8_t *buf = proto_lease_alloc(BLK_MAX_SECTORS * BLK_SECTOR);
	long e = buf ? service_lookup("blk", &blk) : E_NO_MEMORY;

	if (buf)
		memset(buf, 0x5a, BLK_MAX_SECTORS * BLK_SECTOR);
	if (e == E_OK)
		e = uthread_create(spin, 0, 1, si->si_fault, si->si_pool, &spinner);
	if (e == E_OK)
		e = time_io(&blk, "read_4k", false, READ_SECTOR, buf, 4096);
	if (e == E_OK)
		e = time_io(&blk, "write_4k", true, WRITE_SECTOR, buf, 4096);
	if (e == E_OK)
		e = time_io(&blk, "read_64k", false, READ_SECTOR, buf, 65536);
	if (e == E_OK)
		e = time_io(&blk, "write_64k", true, WRITE_SECTOR, buf, 65536);
	{
		uint64_t frame = slot_alloc();

		if (e == E_OK)
			e = sys_mem_alloc(si->si_pool, frame, BLK_MAX_SECTORS * BLK_SECTOR / 4096, MEM_DMA);
		if (e == E_OK)
			e = time_frame(&blk, "read_64k_dma", false, READ_SECTOR, frame, 65536);
		if (e == E_OK)
			e = time_frame(&blk, "write_64k_dma", true, WRITE_SECTOR, frame, 65536);
	}
	if (e == E_OK)
		printf("blkbench done\n");
	else
		printf("blkbench failed: %ld\n", e);
	fflush(stdout);
	outl(QEMU_EXIT_PORT, e == E_OK ? QEMU_EXIT_PASS : QEMU_EXIT_FAIL);
	return 0;
}
