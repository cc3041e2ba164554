/* The filesystem server's block cache: 4 KiB pages of the disk kept in DMA
 * memory of the server's own (chunks of BCACHE_CHUNK pages, mapped side by
 * side), which the disk driver reads into and
 * writes from directly (blk_read_frame, blk_write_frame: no copy between
 * the server and the device). Write-through: a write reaches the driver
 * before it returns, so the disk is always the truth and a restart loses
 * nothing but the cache. Its callbacks are ext2's device (struct ext2_dev).
 *
 * Invariants: a page is in at most one slot; slot 0 is the bounce slot for
 * writes to pages not cached, never in the table; bc_hash chains the slots
 * holding a page by page number. One caller at a time, like ext2. */
#pragma once

#include <stdint.h>

#include "proto.h"

#define BCACHE_PAGE       4096
#define BCACHE_CHUNK      64 /* pages a frame capability of the cache covers */
#define BCACHE_MAX_CHUNKS 64 /* so at most 16 MiB */

struct bcache_slot {
	uint64_t bs_page; /* disk page number + 1; 0: free */
	uint64_t bs_used; /* bc_clock at its last use, for LRU */
	int bs_next;      /* next slot in its hash chain, -1 at the end */
};

struct bcache {
	struct proto_client *bc_blk;
	uint64_t bc_frames[BCACHE_MAX_CHUNKS]; /* slots of the chunks' frame capabilities */
	unsigned bc_nframes, bc_chunk;         /* how many, and their pages */
	uint8_t *bc_mem;                       /* the chunks, mapped in order: bc_pages pages */
	unsigned bc_pages;
	uint64_t bc_sectors; /* the disk's size */
	uint64_t bc_clock;
	uint64_t bc_hits, bc_misses;
	struct bcache_slot *bc_slot;
	int *bc_hash; /* bc_pages heads */
};

/* Allocates up to `pages` pages of DMA memory from pool (fewer if that
 * much contiguous memory is not there, at least 16). Returns 0 or a
 * negative kernel error. */
long bcache_init(struct bcache *c, struct proto_client *blk, uint64_t pool, uint64_t sectors, unsigned pages);

/* ext2's device callbacks (ctx: the struct bcache). A block never
 * straddles a page (sizes are powers of two up to 4096). They return 0 or
 * -EIO. */
int bcache_read(void *ctx, uint64_t block_no, uint32_t size, void *buf);
int bcache_write(void *ctx, uint64_t block_no, uint32_t size, const void *buf);
int bcache_flush(void *ctx);
