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
#define SLOTS        16                   /* the smallest cache: slot 0 bounces */

static uint8_t disk[DISK_SECTORS * BLK_SECTOR];
static uint8_t *frame; /* the cache's memory, as vspace_alloc gave it */
static uint64_t frame_pages;
static uint64_t max_alloc_pages; /* sys_mem_alloc fails past it, in all */
static uint64_t allocated, next_slot;
static struct {
	uint64_t slot, pages, at; /* at: pages into frame where it is mapped */
} chunks[64];
static unsigned nchunks;
static unsigned disk_reads, disk_writes, disk_flushes;
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

/* The driver's read_frame, write_frame and flush, as blk.h specifies. */
long proto_call(struct proto_client *pc, uint32_t op, unsigned flags, const void *req, size_t req_size,
                void *rep, size_t rep_size, struct proto_xfer *x)
{
	const struct blk_frame_req *q = req;
	struct blk_io_rep *r = rep;

	(void)flags, (void)req_size, (void)rep_size;
	assert_ptr_equal(pc, &blk);
	if (op == BLK_BASE + 4) {
		disk_flushes++;
		return fail_flush ? PE_IO : E_OK;
	}
	assert_true(op == BLK_BASE + 5 || op == BLK_BASE + 6);
	uint64_t pages;
	uint8_t *base = chunk_base(x->px_caps[0], &pages);

	assert_true(q->count > 0 && q->sector + q->count <= DISK_SECTORS);
	assert_true(q->offset % BLK_SECTOR == 0 && q->offset + q->count * BLK_SECTOR <= pages * BCACHE_PAGE);
	last_sector = q->sector;
	last_count = q->count;
	if (op == BLK_BASE + 5) {
		disk_reads++;
		if (fail_reads && fail_reads--) {
			memset(base + q->offset, 0xEE, q->count * BLK_SECTOR); /* what a failed DMA leaves */
			return PE_IO;
		}
		memcpy(base + q->offset, disk + q->sector * BLK_SECTOR, q->count * BLK_SECTOR);
		r->done = q->count;
		if (short_reads && short_reads--)
			r->done = q->count - 1;
		return E_OK;
	}
	disk_writes++;
	if (fail_writes && fail_writes--)
		return PE_IO;
	memcpy(disk + q->sector * BLK_SECTOR, base + q->offset, q->count * BLK_SECTOR);
	r->done = q->count;
	return E_OK;
}

static int setup(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(disk); i++)
		disk[i] = (uint8_t)(i * 7 + i / 4096);
	disk_reads = disk_writes = disk_flushes = 0;
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
	for (uint64_t p = 0; p < SLOTS - 1; p++) /* every slot but the bounce slot */
		read_page(p);
	assert_int_equal(disk_reads, SLOTS - 1);
	read_page(0); /* page 1 is now the least recently used */
	read_page(2);
	read_page(SLOTS - 1);
	assert_int_equal(disk_reads, SLOTS);
	read_page(0);
	read_page(2);
	for (uint64_t p = 3; p < SLOTS; p++)
		read_page(p);
	assert_int_equal(disk_reads, SLOTS); /* all still there */
	read_page(1);
	assert_int_equal(disk_reads, SLOTS + 1);
	/* Page 1 went in for page 0, the oldest use at that point. */
	read_page(2);
	assert_int_equal(disk_reads, SLOTS + 1);
	read_page(0);
	assert_int_equal(disk_reads, SLOTS + 2);
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

static void every_write_reaches_the_disk(void **state)
{
	uint8_t data[2048], buf[2048];

	(void)state;
	memset(data, 0x5C, sizeof(data));
	read_page(1);
	/* A cached page: the cache and the disk both have it, only the
	 * written sectors went to the disk, and no read was needed. */
	assert_int_equal(bcache_write(&c, 5, 1024, data), 0); /* page 1, bytes 1024..2047 */
	assert_int_equal(disk_writes, 1);
	assert_int_equal(last_sector, 8 + 2);
	assert_int_equal(last_count, 2);
	assert_memory_equal(disk + 5 * 1024, data, 1024);
	read_page(1);
	assert_int_equal(disk_reads, 1);
	/* An uncached page: written through the bounce slot, not cached. */
	assert_int_equal(bcache_write(&c, 9 * 2 + 1, 2048, data), 0); /* page 9 */
	assert_int_equal(disk_writes, 2);
	assert_memory_equal(disk + 19 * 2048, data, 2048);
	assert_int_equal(bcache_read(&c, 19, 2048, buf), 0);
	assert_memory_equal(buf, data, 2048);
	assert_int_equal(disk_reads, 2);
	/* Writing the same block again writes the disk again. */
	assert_int_equal(bcache_write(&c, 19, 2048, data), 0);
	assert_int_equal(disk_writes, 3);
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

static void a_failed_write_drops_the_cached_copy(void **state)
{
	uint8_t data[1024], buf[1024];

	(void)state;
	memset(data, 0x11, sizeof(data));
	read_page(1);
	fail_writes = 1;
	assert_int_equal(bcache_write(&c, 4, 1024, data), -EIO);
	/* The disk still has the old block and so does the next read. */
	assert_int_equal(bcache_read(&c, 4, 1024, buf), 0);
	assert_memory_equal(buf, disk + 4 * 1024, 1024);
	assert_true(buf[0] != 0x11 || buf[1] != 0x11);
	assert_int_equal(disk_reads, 2);
	/* A failed write to an uncached page caches nothing either. */
	fail_writes = 1;
	assert_int_equal(bcache_write(&c, 30, 1024, data), -EIO);
	read_page(7);
	assert_int_equal(disk_reads, 3);
}

static void requests_outside_the_disk_fail_without_io(void **state)
{
	uint8_t buf[BCACHE_PAGE];

	(void)state;
	assert_int_equal(bcache_read(&c, DISK_SECTORS, 512, buf), -EIO);
	assert_int_equal(bcache_read(&c, DISK_PAGES, 4096, buf), -EIO); /* the short page, whole */
	assert_int_equal(bcache_read(&c, 0, 256, buf), -EIO);
	assert_int_equal(bcache_read(&c, 0, 8192, buf), -EIO);
	assert_int_equal(bcache_read(&c, UINT64_MAX / 1024 + 2, 1024, buf), -EIO); /* wraps */
	assert_int_equal(bcache_write(&c, DISK_SECTORS, 512, buf), -EIO);
	assert_int_equal(bcache_write(&c, UINT64_MAX / 512 + 1, 4096, buf), -EIO);
	assert_int_equal(disk_reads + disk_writes, 0);
}

static void flush_asks_the_driver_and_reports_its_failure(void **state)
{
	(void)state;
	assert_int_equal(bcache_flush(&c), 0);
	assert_int_equal(disk_flushes, 1);
	fail_flush = 1;
	assert_int_equal(bcache_flush(&c), -EIO);
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
		cmocka_unit_test_setup_teardown(every_write_reaches_the_disk, setup, teardown),
		cmocka_unit_test_setup_teardown(a_failed_read_leaves_nothing_cached, setup, teardown),
		cmocka_unit_test_setup_teardown(a_failed_write_drops_the_cached_copy, setup, teardown),
		cmocka_unit_test_setup_teardown(requests_outside_the_disk_fail_without_io, setup, teardown),
		cmocka_unit_test_setup_teardown(flush_asks_the_driver_and_reports_its_failure, setup,
		                                teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
