/* The filesystem server's block cache (servers/fs/cache.c) over a disk in
 * memory: this file answers the block protocol's frame calls (proto_call)
 * and the system calls the cache makes, counts every disk request and
 * fails the ones a test asks to. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <kestrel/error.h>
#include <kestrel/proto/blk.h>
#include <kestrel/syscall.h>

#include "../../servers/fs/cache.h"

#define DISK_PAGES   40
#define DISK_SECTORS (DISK_PAGES * 8 + 3) /* the last page is short */
#define SLOTS        16                   /* the smallest cache */

static uint8_t disk[DISK_SECTORS * BLK_SECTOR];
static uint8_t *frame; /* the cache's memory, as vspace_alloc gave it */
static uint64_t frame_pages;
static uint64_t max_alloc_pages; /* sys_mem_alloc fails past it, in all */
static uint64_t allocated, next_slot;
static struct {
	uint64_t slot, pages, at; /* at: pages into frame where it is mapped */
} chunks[64];
static unsigned nchunks;
static unsigned disk_reads, disk_writes, disk_flushes, disk_sectors_written;
static uint64_t last_sector, last_count;
static int fail_reads, fail_writes, fail_flush, short_reads; /* the next ones fail */
static struct bcache c;
static struct proto_client blk;

long sys_mem_alloc(uint64_t pool, uint64_t slot, uint64_t pages, uint64_t flags)
{
	(void)pool;
	assert_true(flags & MEM_DMA);
	if (allocated + pages > max_alloc_pages)
		return E_NO_MEMORY;
	allocated += pages;
	chunks[nchunks++] = (typeof(chunks[0])){ slot, pages, ~0ULL };
	return E_OK;
}

long sys_cap_delete(uint64_t slot)
{
	for (unsigned i = 0; i < nchunks; i++)
		if (chunks[i].slot == slot) {
			allocated -= chunks[i].pages;
			chunks[i] = chunks[--nchunks];
			return E_OK;
		}
	return E_OK;
}

uint64_t vspace_alloc(uint64_t bytes, uint64_t align)
{
	(void)align;
	free(frame);
	frame = malloc(bytes);
	memset(frame, 0xA5, bytes);
	frame_pages = bytes / BCACHE_PAGE;
	return (uint64_t)(uintptr_t)frame;
}

uint64_t vspace_self(void)
{
	return 2;
}

long sys_mem_map(uint64_t task, uint64_t slot, uint64_t va, uint64_t rights, uint64_t first, uint64_t pages)
{
	(void)task, (void)rights, (void)first, (void)pages;
	for (unsigned i = 0; i < nchunks; i++)
		if (chunks[i].slot == slot) {
			chunks[i].at = (va - (uint64_t)(uintptr_t)frame) / BCACHE_PAGE;
			assert_true(chunks[i].at + chunks[i].pages <= frame_pages);
			return E_OK;
		}
	fail_msg("mem_map of slot %lu, no chunk", (unsigned long)slot);
	return E_BAD_CAP;
}

uint64_t slot_alloc(void)
{
	return 100 + next_slot++;
}

void slot_free(uint64_t slot)
{
	(void)slot;
}

/* Where chunk slot's memory begins in frame. */
static uint8_t *chunk_base(uint64_t slot, uint64_t *pages)
{
	for (unsigned i = 0; i < nchunks; i++)
		if (chunks[i].slot == slot && chunks[i].at != ~0ULL) {
			*pages = chunks[i].pages;
			return frame + chunks[i].at * BCACHE_PAGE;
		}
	fail_msg("a request with slot %lu, no mapped chunk", (unsigned long)slot);
	return NULL;
}

/* The driver's attach, detach and io_vec, as blk.h specifies: attached
 * frames by id, forgotten by a "restart" (forget_attached). */
static uint64_t attached[8];
static unsigned nattached, vec_calls, detaches;
static bool forget_attached;
static uint64_t generation = 1;    /* of the driver's instance, in every answer */
static unsigned restart_at_attach; /* the driver dies before the attach of this number (1: the first) */
static unsigned attaches;

static long io_vec(const struct blk_vec_req *q, struct blk_io_rep *r)
{
	bool write = q->flags & BLK_VEC_WRITE;

	assert_true(q->nsegs <= BLK_VEC_MAX);
	vec_calls++;
	if (forget_attached) {
		forget_attached = false;
		nattached = 0;
		return E_NOT_FOUND;
	}
	r->done = 0;
	for (unsigned i = 0; i < q->nsegs; i++) {
		const struct blk_seg *g = &q->seg[i];
		uint64_t pages;

		if (g->frame >= nattached)
			return E_NOT_FOUND;
		uint8_t *base = chunk_base(attached[g->frame], &pages);

		assert_true(g->count > 0 && g->count <= BLK_MAX_SECTORS &&
		            g->sector + g->count <= DISK_SECTORS);
		assert_true(g->offset % BLK_SECTOR == 0 &&
		            g->offset + g->count * BLK_SECTOR <= pages * BCACHE_PAGE);
		last_sector = g->sector;
		last_count = g->count;
		if (!write) {
			disk_reads++;
			if (fail_reads && fail_reads--) {
				memset(base + g->offset, 0xEE,
				       g->count * BLK_SECTOR); /* what a failed DMA leaves */
				return PE_IO;
			}
			memcpy(base + g->offset, disk + g->sector * BLK_SECTOR, g->count * BLK_SECTOR);
			r->done += g->count;
			if (short_reads && short_reads--)
				r->done--;
			continue;
		}
		disk_writes++;
		disk_sectors_written += g->count;
		if (fail_writes && fail_writes--)
			return PE_IO;
		memcpy(disk + g->sector * BLK_SECTOR, base + g->offset, g->count * BLK_SECTOR);
		r->done += g->count;
	}
	if (q->flags & BLK_VEC_FLUSH) {
		disk_flushes++;
		if (fail_flush && fail_flush--)
			return PE_IO;
	}
	return E_OK;
}

long proto_call(struct proto_client *pc, uint32_t op, unsigned flags, const void *req, size_t req_size,
                void *rep, size_t rep_size, struct proto_xfer *x)
{
	(void)flags, (void)req_size, (void)rep_size;
	assert_ptr_equal(pc, &blk);
	pc->pc_generation = generation; /* libipc's proto_call takes it from the answer */
	switch (op) {
	case BLK_BASE + 7: { /* attach */
		struct blk_attach_rep *r = rep;
		uint64_t pages;

		if (++attaches == restart_at_attach) {
			/* The instance died with the attaches so far; this
			 * call, still waiting, reaches the next one. */
			nattached = 0;
			pc->pc_generation = ++generation;
		}
		assert_true(nattached < 8);
		chunk_base(x->px_caps[0], &pages);
		attached[nattached] = x->px_caps[0];
		*r = (struct blk_attach_rep){ nattached++, pages };
		return E_OK;
	}
	case BLK_BASE + 8: /* detach */
		detaches++;
		nattached = 0;
		return E_OK;
	case BLK_BASE + 9:
		return io_vec(req, rep);
	}
	fail_msg("unexpected block call %u", op);
	return PE_BAD_REQUEST;
}

static int setup(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(disk); i++)
		disk[i] = (uint8_t)(i * 7 + i / 4096);
	disk_reads = disk_writes = disk_flushes = disk_sectors_written = vec_calls = detaches = 0;
	nattached = 0;
	forget_attached = false;
	restart_at_attach = attaches = 0;
	fail_reads = fail_writes = fail_flush = short_reads = 0;
	max_alloc_pages = SLOTS;
	assert_int_equal(bcache_init(&c, &blk, 1, DISK_SECTORS, SLOTS), E_OK);
	assert_int_equal(c.bc_pages, SLOTS);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	free(c.bc_slot);
	free(c.bc_hash);
	free(c.bc_dirty);
	free(frame);
	frame = NULL;
	nchunks = 0;
	allocated = 0;
	return 0;
}

/* Reads a 4 KiB page of the disk through the cache and checks it. */
static void read_page(uint64_t page)
{
	static uint8_t buf[BCACHE_PAGE];

	assert_int_equal(bcache_read(&c, page, BCACHE_PAGE, buf), 0);
	assert_memory_equal(buf, disk + page * BCACHE_PAGE, BCACHE_PAGE);
}

static void init_halves_the_cache_when_memory_is_short(void **state)
{
	(void)state;
	teardown(NULL);
	max_alloc_pages = 100;
	assert_int_equal(bcache_init(&c, &blk, 1, DISK_SECTORS, 256), E_OK);
	assert_int_equal(c.bc_pages, 64);
	teardown(NULL);
	max_alloc_pages = 15;
	assert_int_equal(bcache_init(&c, &blk, 1, DISK_SECTORS, 256), E_NO_MEMORY);
}

/* A bigger cache is made of several frames; each request names the one
 * holding its page, with the offset inside it. */
static void a_cache_in_several_frames_sends_each_request_its_own(void **state)
{
	(void)state;
	teardown(NULL);
	max_alloc_pages = 1000;
	assert_int_equal(bcache_init(&c, &blk, 1, DISK_SECTORS, 4 * BCACHE_CHUNK), E_OK);
	assert_int_equal(c.bc_pages, 4 * BCACHE_CHUNK);
	assert_int_equal(c.bc_nframes, 4);
	assert_int_equal(nchunks, 4);
	for (uint64_t page = 0; page < DISK_PAGES; page++)
		read_page(page);
	/* Every page went to its own slot: the slots past the first frame
	 * were reached through the other frames. */
	assert_int_equal(disk_reads, DISK_PAGES);
	for (uint64_t page = 0; page < DISK_PAGES; page++)
		read_page(page);
	assert_int_equal(disk_reads, DISK_PAGES);
}

static void a_miss_reads_the_page_and_hits_follow(void **state)
{
	uint8_t buf[1024];

	(void)state;
	assert_int_equal(bcache_read(&c, 5, 1024, buf), 0); /* page 1 */
	assert_memory_equal(buf, disk + 5 * 1024, 1024);
	assert_int_equal(disk_reads, 1);
	assert_int_equal(last_sector, 8);
	assert_int_equal(last_count, 8);
	for (uint64_t b = 4; b < 8; b++) {
		assert_int_equal(bcache_read(&c, b, 1024, buf), 0);
		assert_memory_equal(buf, disk + b * 1024, 1024);
	}
	assert_int_equal(disk_reads, 1);
	assert_int_equal(c.bc_misses, 1);
	assert_int_equal(c.bc_hits, 4);
}

static void every_block_size_reads_what_the_disk_holds(void **state)
{
	uint8_t buf[BCACHE_PAGE];

	(void)state;
	for (uint32_t size = 512; size <= BCACHE_PAGE; size *= 2)
		for (uint64_t b = 0; (b + 1) * size <= DISK_SECTORS * BLK_SECTOR; b += 3) {
			assert_int_equal(bcache_read(&c, b, size, buf), 0);
			assert_memory_equal(buf, disk + b * size, size);
		}
}

static void the_short_last_page_reads_only_the_sectors_there(void **state)
{
	uint8_t buf[512];

	(void)state;
	assert_int_equal(bcache_read(&c, DISK_SECTORS - 1, 512, buf), 0);
	assert_memory_equal(buf, disk + (DISK_SECTORS - 1) * 512, 512);
	assert_int_equal(last_sector, DISK_PAGES * 8);
	assert_int_equal(last_count, 3);
}

static void eviction_takes_the_least_recently_used_page(void **state)
{
	(void)state;
	for (uint64_t p = 0; p < SLOTS; p++)
		read_page(p);
	assert_int_equal(disk_reads, SLOTS);
	read_page(0); /* page 1 is now the least recently used */
	read_page(2);
	read_page(SLOTS);
	assert_int_equal(disk_reads, SLOTS + 1);
	read_page(0);
	read_page(2);
	for (uint64_t p = 3; p <= SLOTS; p++)
		read_page(p);
	assert_int_equal(disk_reads, SLOTS + 1); /* all still there */
	read_page(1);
	assert_int_equal(disk_reads, SLOTS + 2);
	/* Page 1 went in for page 0, the oldest use at that point. */
	read_page(2);
	assert_int_equal(disk_reads, SLOTS + 2);
	read_page(0);
	assert_int_equal(disk_reads, SLOTS + 3);
}

static void pages_sharing_a_hash_chain_are_kept_apart(void **state)
{
	(void)state;
	read_page(3);
	read_page(3 + SLOTS);
	read_page(3 + 2 * SLOTS);
	read_page(3);
	read_page(3 + SLOTS);
	read_page(3 + 2 * SLOTS);
	assert_int_equal(disk_reads, 3);
	/* Evict all three through the chain. */
	for (uint64_t p = 4; p < 4 + SLOTS; p++)
		read_page(p);
	read_page(3 + SLOTS); /* read again by the loop */
	read_page(3);
	assert_int_equal(disk_reads, 3 + SLOTS + 1);
}

static void writes_wait_for_an_order_and_go_together(void **state)
{
	uint8_t data[4096], buf[2048];

	(void)state;
	memset(data, 0x5C, sizeof(data));
	read_page(1);
	/* A cached page: changed in the cache, the disk untouched. */
	assert_int_equal(bcache_write(&c, 5, 1024, data), 0); /* page 1, bytes 1024..2047 */
	assert_int_equal(disk_writes, 0);
	assert_memory_not_equal(disk + 5 * 1024, data, 1024);
	assert_int_equal(bcache_read(&c, 5, 1024, buf), 0);
	assert_memory_equal(buf, data, 1024);
	/* A whole uncached page needs no read; part of one is read first. */
	assert_int_equal(bcache_write(&c, 9, 4096, data), 0);
	assert_int_equal(disk_reads, 1);
	assert_int_equal(bcache_write(&c, 12 * 2 + 1, 2048, data), 0); /* page 12 */
	assert_int_equal(disk_reads, 2);
	/* A byte: its sector alone is written. */
	assert_int_equal(bcache_write(&c, 20 * 4096 + 700, 1, data), 0);
	assert_int_equal(disk_reads, 3);
	assert_int_equal(disk_writes, 0);
	assert_int_equal(bcache_order(&c), 0);
	/* One request, four segments in disk order. */
	assert_int_equal(vec_calls, 4);
	assert_int_equal(disk_writes, 4);
	assert_int_equal(disk_sectors_written, 2 + 8 + 4 + 1);
	assert_memory_equal(disk + 9 * 4096, data, 4096);
	assert_int_equal(last_sector, 20 * 8 + 1);
	assert_memory_equal(disk + 5 * 1024, data, 1024);
	assert_memory_equal(disk + 25 * 2048, data, 2048);
	assert_int_equal(disk[20 * 4096 + 700], 0x5C);
	/* Nothing dirty: an order sends nothing, a flush a flush alone. */
	assert_int_equal(bcache_order(&c), 0);
	assert_int_equal(vec_calls, 4);
	assert_int_equal(bcache_flush(&c), 0);
	assert_int_equal(vec_calls, 5);
	assert_int_equal(disk_flushes, 1);
	assert_int_equal(disk_writes, 4);
}

/* Sectors next to each other on the disk and in the cache's memory go as
 * one segment; more than BLK_VEC_MAX segments take more requests. */
static void neighbours_merge_and_long_lists_split(void **state)
{
	uint8_t data[4096];

	(void)state;
	memset(data, 0x3A, sizeof(data));
	for (uint64_t p = 0; p < 4; p++)
		assert_int_equal(bcache_write(&c, p, 4096, data), 0); /* slots 0..3 in order */
	assert_int_equal(bcache_flush(&c), 0);
	assert_int_equal(vec_calls, 1);
	assert_int_equal(disk_writes, 1);
	assert_int_equal(last_count, 32);
	assert_int_equal(disk_flushes, 1);
	teardown(NULL);
	max_alloc_pages = 1000;
	assert_int_equal(bcache_init(&c, &blk, 1, DISK_SECTORS, 4 * BCACHE_CHUNK), E_OK);
	vec_calls = disk_writes = 0;
	for (uint64_t p = 0; p < DISK_PAGES; p += 2) /* 20 pages apart: 20 segments */
		assert_int_equal(bcache_write(&c, p * 4 + 1, 1024, data), 0);
	assert_int_equal(bcache_order(&c), 0);
	assert_int_equal(disk_writes, DISK_PAGES / 2);
	assert_int_equal(vec_calls, DISK_PAGES / 2 + 2); /* 20 reads, then 16 + 4 */
	for (uint64_t p = 0; p < DISK_PAGES; p += 2)
		assert_memory_equal(disk + p * 4096 + 1024, data, 1024);
}

/* At most half the slots are dirty: one more writes them first, and
 * eviction never takes a dirty page. */
static void the_dirty_limit_writes_before_eviction_could_lose_a_page(void **state)
{
	uint8_t data[4096];

	(void)state;
	memset(data, 0x77, sizeof(data));
	for (uint64_t p = 0; p < SLOTS / 2; p++)
		assert_int_equal(bcache_write(&c, p, 4096, data), 0);
	assert_int_equal(disk_writes, 0);
	for (uint64_t p = SLOTS; p < 2 * SLOTS; p++) /* reads evict clean pages only */
		read_page(p);
	assert_int_equal(disk_writes, 0);
	assert_int_equal(bcache_write(&c, SLOTS / 2, 4096, data), 0);
	assert_int_equal(disk_writes, 1); /* the first eight, merged */
	assert_int_equal(last_count, 64);
	for (uint64_t p = 0; p < SLOTS / 2; p++)
		assert_memory_equal(disk + p * 4096, data, 4096);
	assert_int_equal(bcache_flush(&c), 0);
	assert_memory_equal(disk + SLOTS / 2 * 4096, data, 4096);
}

static void a_failed_read_leaves_nothing_cached(void **state)
{
	uint8_t buf[1024];

	(void)state;
	fail_reads = 1;
	assert_int_equal(bcache_read(&c, 12, 1024, buf), -EIO);
	assert_int_equal(bcache_read(&c, 12, 1024, buf), 0);
	assert_memory_equal(buf, disk + 12 * 1024, 1024);
	assert_int_equal(disk_reads, 2);
	short_reads = 1; /* the driver moved fewer sectors than asked */
	assert_int_equal(bcache_read(&c, 20, 1024, buf), -EIO);
	assert_int_equal(bcache_read(&c, 20, 1024, buf), 0);
	assert_memory_equal(buf, disk + 20 * 1024, 1024);
	assert_int_equal(disk_reads, 4);
}

/* What fs does when the superblock it read fails its checks: a driver
 * with a fault may have handed it wrong bytes, so it reads again. */
static void forget_rereads_clean_pages_and_keeps_dirty_ones(void **state)
{
	uint8_t data[1024], buf[1024];

	(void)state;
	read_page(1);
	read_page(2);
	memset(data, 0x22, sizeof(data));
	assert_int_equal(bcache_write(&c, 8, 1024, data), 0); /* page 2 now dirty */
	disk[4 * 1024] ^= 0xff;                               /* the disk changed under page 1 */
	assert_int_equal(bcache_read(&c, 4, 1024, buf), 0);
	assert_int_not_equal(buf[0], disk[4 * 1024]); /* the cached bytes */
	bcache_forget(&c);
	assert_int_equal(disk_reads, 2);
	read_page(1); /* from the disk again */
	assert_int_equal(disk_reads, 3);
	assert_int_equal(bcache_read(&c, 8, 1024, buf), 0); /* the dirty page stayed, unwritten */
	assert_memory_equal(buf, data, sizeof(data));
	assert_int_equal(disk_reads, 3);
	assert_int_equal(disk_writes, 0);
	assert_int_equal(bcache_flush(&c), 0);
	assert_memory_equal(disk + 8 * 1024, data, sizeof(data));
	bcache_forget(&c); /* twice, and on clean pages only: nothing breaks */
	bcache_forget(&c);
	read_page(2);
	read_page(1);
	assert_int_equal(disk_reads, 5);
}

static void a_failed_write_drops_the_dirty_pages(void **state)
{
	uint8_t data[1024], buf[1024];

	(void)state;
	memset(data, 0x11, sizeof(data));
	read_page(1);
	assert_int_equal(bcache_write(&c, 4, 1024, data), 0);
	fail_writes = 1;
	assert_int_equal(bcache_order(&c), -EIO);
	/* The disk still has the old block and so does the next read. */
	assert_int_equal(bcache_read(&c, 4, 1024, buf), 0);
	assert_memory_equal(buf, disk + 4 * 1024, 1024);
	assert_true(buf[0] != 0x11 || buf[1] != 0x11);
	assert_int_equal(disk_reads, 2);
	/* A failed flush drops them too, and says so. */
	assert_int_equal(bcache_write(&c, 4, 1024, data), 0);
	fail_flush = 1;
	assert_int_equal(bcache_flush(&c), -EIO);
	assert_int_equal(bcache_order(&c), 0); /* nothing dirty left */
}

/* A restarted driver knows none of our frames: attach again, once, and
 * send the request again. */
static void a_restarted_driver_gets_the_frames_again(void **state)
{
	uint8_t data[1024];

	(void)state;
	assert_int_equal(detaches, 1); /* at init: a predecessor's go */
	memset(data, 0x42, sizeof(data));
	forget_attached = true;
	read_page(3);
	assert_int_equal(detaches, 2);
	assert_int_equal(nattached, 1);
	assert_int_equal(bcache_write(&c, 4, 1024, data), 0);
	forget_attached = true;
	assert_int_equal(bcache_flush(&c), 0);
	assert_memory_equal(disk + 4096, data, 1024);
	assert_int_equal(detaches, 3);
}

/* The driver restarts while the cache lends it its frames: the frames
 * lent before it died and the one lent to its next instance must not
 * both be taken for lent. All are lent again to the new instance, and
 * every page is read into the frame the cache reads it from. */
static void a_restart_in_the_middle_of_lending_lends_all_again(void **state)
{
	(void)state;
	teardown(NULL);
	max_alloc_pages = 1000;
	restart_at_attach = 3; /* frames 0 and 1 to the old instance, 2 to the new one */
	assert_int_equal(bcache_init(&c, &blk, 1, DISK_SECTORS, 4 * BCACHE_CHUNK), E_OK);
	assert_int_equal(c.bc_nframes, 4);
	assert_int_equal(nattached, 4); /* all four, to the new instance */
	for (unsigned k = 0; k < 4; k++)
		assert_int_equal(attached[c.bc_ids[k]], c.bc_frames[k]);
	for (uint64_t page = 0; page < DISK_PAGES; page++)
		read_page(page); /* each compared with the disk */
}

static void requests_outside_the_disk_fail_without_io(void **state)
{
	uint8_t buf[BCACHE_PAGE];

	(void)state;
	assert_int_equal(bcache_read(&c, DISK_SECTORS, 512, buf), -EIO);
	assert_int_equal(bcache_read(&c, DISK_PAGES, 4096, buf), -EIO); /* the short page, whole */
	assert_int_equal(bcache_read(&c, 0, 0, buf), -EIO);
	assert_int_equal(bcache_read(&c, 0, 8192, buf), -EIO);
	assert_int_equal(bcache_read(&c, UINT64_MAX / 1024 + 2, 1024, buf), -EIO); /* wraps */
	assert_int_equal(bcache_read(&c, 3, 3, buf), -EIO);                        /* not a power of two */
	assert_int_equal(bcache_write(&c, DISK_SECTORS, 512, buf), -EIO);
	assert_int_equal(bcache_write(&c, UINT64_MAX / 512 + 1, 4096, buf), -EIO);
	assert_int_equal(bcache_order(&c), 0);
	assert_int_equal(disk_reads + disk_writes, 0);
	/* Smaller than a sector is fine: a byte of a bitmap, an inode. */
	assert_int_equal(bcache_read(&c, 1000, 128, buf), 0);
	assert_memory_equal(buf, disk + 128000, 128);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(init_halves_the_cache_when_memory_is_short, setup, teardown),
		cmocka_unit_test_setup_teardown(a_cache_in_several_frames_sends_each_request_its_own, setup,
		                                teardown),
		cmocka_unit_test_setup_teardown(a_miss_reads_the_page_and_hits_follow, setup, teardown),
		cmocka_unit_test_setup_teardown(every_block_size_reads_what_the_disk_holds, setup, teardown),
		cmocka_unit_test_setup_teardown(the_short_last_page_reads_only_the_sectors_there, setup,
		                                teardown),
		cmocka_unit_test_setup_teardown(eviction_takes_the_least_recently_used_page, setup, teardown),
		cmocka_unit_test_setup_teardown(pages_sharing_a_hash_chain_are_kept_apart, setup, teardown),
		cmocka_unit_test_setup_teardown(writes_wait_for_an_order_and_go_together, setup, teardown),
		cmocka_unit_test_setup_teardown(neighbours_merge_and_long_lists_split, setup, teardown),
		cmocka_unit_test_setup_teardown(the_dirty_limit_writes_before_eviction_could_lose_a_page,
		                                setup, teardown),
		cmocka_unit_test_setup_teardown(a_failed_read_leaves_nothing_cached, setup, teardown),
		cmocka_unit_test_setup_teardown(forget_rereads_clean_pages_and_keeps_dirty_ones, setup,
		                                teardown),
		cmocka_unit_test_setup_teardown(a_failed_write_drops_the_dirty_pages, setup, teardown),
		cmocka_unit_test_setup_teardown(a_restarted_driver_gets_the_frames_again, setup, teardown),
		cmocka_unit_test_setup_teardown(a_restart_in_the_middle_of_lending_lends_all_again, setup,
		                                teardown),
		cmocka_unit_test_setup_teardown(requests_outside_the_disk_fail_without_io, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
