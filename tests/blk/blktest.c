/* The disk test (tests/qemu/blk.sh): the client of the virtio-blk driver.
 * It reads the pattern the host wrote into the image, writes a stream of
 * its own that the host checks after QEMU exits, crashes the driver in
 * the middle of the stream (a write in flight at that moment completes
 * after the restart), tries requests the driver must refuse, and flushes.
 * One TAP line a check; ends QEMU. */
#include <stdio.h>
#include <string.h>

#include <kestrel/proto/blk.h>
#include <kestrel/proto/supervisor.h>
#include <kestrel/qemu_exit.h>

#include "io.h"
#include "ipc.h"
#include "server.h"
#include "syscalls.h"
#include "vspace.h"

PROTO_CLIENT(BLK_OPS)
PROTO_CLIENT(SUP_OPS)

#define HOST_SECTOR   64   /* the host's pattern: sectors 64-71 */
#define STREAM_SECTOR 2048 /* ours: 200 writes of 8 sectors from here */
#define STREAM_WRITES 200
#define CRASH_AT      60

static unsigned n, failed;

static void tap(int ok, const char *name, long detail)
{
	n++;
	failed += !ok;
	printf("%s %u - %s%s", ok ? "ok" : "not ok", n, name, ok ? "\n" : ": ");
	if (!ok)
		printf("got %ld\n", detail);
}

/* What the host and we write: the sector's number and who wrote it, over
 * and over. */
static void pattern(uint8_t *buf, uint64_t sector, unsigned count, const char *who)
{
	for (unsigned s = 0; s < count; s++)
		for (unsigned i = 0; i < BLK_SECTOR; i += 32)
			snprintf((char *)buf + s * BLK_SECTOR + i, 32, "%.4s %09u ................", who,
			         (unsigned)((sector + s) % 1000000000));
}

static uint8_t *buf, *want;

static long io(struct proto_client *c, bool write, uint64_t sector, uint64_t count)
{
	struct blk_io_req q = { sector, count };
	struct blk_io_rep r;
	struct proto_xfer x = { .px_buf = buf, .px_len = count * BLK_SECTOR };
	long e = write ? blk_write_x(c, &q, &r, &x) : blk_read_x(c, &q, &r, &x);

	return e == E_OK && r.done != count ? PE_BAD_SIZE : e;
}

int main(void)
{
	const struct server_info *si = server_self();
	struct proto_client blk, sup = { .pc_ep = si->si_sup, .pc_retries = 1 };
	struct blk_none none = { 0 };
	struct blk_info_rep info = { 0 };
	struct sup_name_req driver = { "virtio_blk" };
	struct sup_generation_rep gen;
	long e;

	buf = proto_lease_alloc(BLK_MAX_SECTORS * BLK_SECTOR);
	want = proto_lease_alloc(BLK_MAX_SECTORS * BLK_SECTOR);
	e = service_lookup("blk", &blk);
	if (e == E_OK)
		e = blk_info(&blk, &none, &info);
	tap(e == E_OK && info.sectors == 16384 && !info.read_only && info.flush,
	    "info_tells_capacity_and_cache", e ? e : (long)info.sectors);
	/* The host's pattern, read back. */
	e = io(&blk, false, HOST_SECTOR, 8);
	pattern(want, HOST_SECTOR, 8, "host");
	tap(e == E_OK && memcmp(buf, want, 8 * BLK_SECTOR) == 0, "reads_what_the_host_wrote", e);
	/* Refusals, which touch nothing. */
	{
		struct blk_io_req q = { info.sectors - 4, 8 };
		struct blk_io_rep r;
		struct proto_xfer x = { .px_buf = buf, .px_len = 8 * BLK_SECTOR };
		long past = blk_read_x(&blk, &q, &r, &x), zero, big, small, ro;

		q = (struct blk_io_req){ 0, 0 };
		zero = blk_write_x(&blk, &q, &r, &x);
		q = (struct blk_io_req){ 0, BLK_MAX_SECTORS + 1 };
		big = blk_read_x(&blk, &q, &r, &x);
		q = (struct blk_io_req){ 0, 8 };
		x.px_len = 8 * BLK_SECTOR - 1;
		small = blk_read_x(&blk, &q, &r, &x);
		/* A read into memory we may only read: refused before the call. */
		x = (struct proto_xfer){ .px_buf = (void *)si, .px_len = BLK_SECTOR };
		q.count = 1;
		ro = blk_read_x(&blk, &q, &r, &x);
		tap(past == E_BAD_ARG && zero == E_BAD_ARG && big == E_BAD_ARG && small == PE_BAD_REQUEST &&
		            ro == E_NO_RIGHTS,
		    "bad_requests_are_refused",
		    past ? (zero ? (big ? (small ? ro : small) : big) : zero) : past);
	}
	/* The stream, with the driver crashed in the middle: one write in
	 * flight when it dies, retried by the stub after the restart. */
	{
		unsigned done = 0;

		e = E_OK;
		for (unsigned i = 0; i < STREAM_WRITES && e == E_OK; i++, done++) {
			uint64_t sector = STREAM_SECTOR + 8 * i;

			pattern(buf, sector, 8, "kest");
			if (i == CRASH_AT) {
				struct blk_io_req q = { sector, 8 };
				struct blk_io_rep r;
				struct proto_xfer x = { .px_buf = buf, .px_len = 8 * BLK_SECTOR };
				struct proto_pending p;
				uint64_t wait = slot_alloc(), notify = slot_alloc();

				sys_endpoint_create(si->si_pool, wait);
				sys_cap_copy(wait, si->si_self, notify, R_WRITE, 1, CAP_COPY_BADGE);
				e = proto_async_init(1, (unsigned)si->si_priority, si->si_pool, si->si_fault);
				blk_write_pending(&p, &blk, &q, &r, &x, notify);
				if (e == E_OK)
					e = proto_start(&p);
				uint64_t t0 = sys_clock_tsc(), t1;

				if (e == E_OK)
					e = sup_crash(&sup, &driver, &gen);
				if (e == E_OK)
					e = proto_finish(&p, wait);
				t1 = sys_clock_tsc();
				printf("blktest: from the crash request to the in-flight write done by the "
				       "new driver: %lu "
				       "TSC\n",
				       t1 - t0);
				tap(e == E_OK && r.done == 8, "a_write_in_flight_survives_the_drivers_crash",
				    e);
				continue;
			}
			e = io(&blk, true, sector, 8);
		}
		tap(e == E_OK && done == STREAM_WRITES, "the_stream_completes_after_the_restart",
		    e ? e : (long)done);
	}
	/* Zero copy: the device reads and writes a DMA frame of ours. */
	{
		uint64_t dma = slot_alloc(), plain = slot_alloc(), va = 0;
		struct blk_frame_req q = { 9000, 16, 4096 };
		struct blk_io_rep r = { 0 };
		struct proto_xfer x = { .px_caps = { dma } };
		long w, rd = -1, cmp = -1, nodma, odd, big;

		e = sys_mem_alloc(si->si_pool, dma, 4, MEM_DMA);
		if (e == E_OK)
			e = vspace_map(dma, 4, R_READ | R_WRITE, 0, &va);
		if (e == E_OK) {
			pattern((uint8_t *)va + 4096, 9000, 16, "zero");
			w = blk_write_frame_x(&blk, &q, &r, &x);
			rd = io(&blk, false, 9000, 16); /* read back the ordinary way */
			pattern(want, 9000, 16, "zero");
			cmp = memcmp(buf, want, 16 * BLK_SECTOR);
			memset((void *)va, 0, 4 * 4096);
			q = (struct blk_frame_req){ HOST_SECTOR, 8, 0 };
			rd = rd ? rd : blk_read_frame_x(&blk, &q, &r, &x);
			pattern(want, HOST_SECTOR, 8, "host");
			cmp = cmp ? cmp : memcmp((void *)va, want, 8 * BLK_SECTOR);
			e = w ? w : rd ? rd : cmp ? -1000 : E_OK;
		}
		tap(e == E_OK, "reads_and_writes_a_dma_frame_without_a_copy", e);
		/* A frame whose address we may not learn, an offset between sectors,
		 * sectors past the frame's end. */
		sys_mem_alloc(si->si_pool, plain, 1, 0);
		x.px_caps[0] = plain;
		q = (struct blk_frame_req){ 0, 1, 0 };
		nodma = blk_read_frame_x(&blk, &q, &r, &x);
		x.px_caps[0] = dma;
		q = (struct blk_frame_req){ 0, 1, 100 };
		odd = blk_read_frame_x(&blk, &q, &r, &x);
		q = (struct blk_frame_req){ 0, 16, 4096 * 3 };
		big = blk_read_frame_x(&blk, &q, &r, &x);
		tap(nodma == E_NO_RIGHTS && odd == E_BAD_ARG && big == E_BAD_ARG,
		    "frame_requests_are_checked", nodma ? (odd ? big : odd) : nodma);
	}
	e = blk_flush(&blk, &none, &none);
	tap(e == E_OK, "flush_is_answered_by_the_device", e);
	/* Read back what we wrote, the crashed write too. */
	e = E_OK;
	for (unsigned i = 0; i < STREAM_WRITES && e == E_OK; i++) {
		e = io(&blk, false, STREAM_SECTOR + 8 * i, 8);
		pattern(want, STREAM_SECTOR + 8 * i, 8, "kest");
		if (e == E_OK && memcmp(buf, want, 8 * BLK_SECTOR) != 0)
			e = -1000 - (long)i;
	}
	tap(e == E_OK, "reads_back_the_stream", e);
	printf("1..%u\nblktest: %u passed, %u failed\n", n, n - failed, failed);
	fflush(stdout);
	outl(QEMU_EXIT_PORT, failed ? QEMU_EXIT_FAIL : QEMU_EXIT_PASS);
	return 0;
}
