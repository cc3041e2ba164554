/* The filesystem server's block cache: 4 KiB pages of the disk kept in DMA
 * memory of the server's own (chunks of BCACHE_CHUNK pages, mapped side by
 * side), each chunk attached to the disk driver once (blk_attach), which
 * then reads into and writes from it directly (blk_io_vec: no copy between
 * the server and the device, no capability sent per request).
 *
 * Writes are gathered: a write changes the cached page and marks its
 * sectors dirty, and nothing reaches the disk until bcache_order or
 * bcache_flush, which send every dirty sector in as few requests as they
 * can (up to BLK_VEC_MAX segments each) and return once the device has
 * completed them. So the writes between two bcache_order calls reach the
 * disk in any order among themselves, but all of them before any later
 * one: ext2 calls it where its write order (ext2.h) needs one write on the
 * disk before another. A restart loses what is dirty, as if the writes had
 * not happened yet; the server answers nothing before bcache_flush.
 *
 * Invariants: a page is in at most one slot; bc_hash chains the slots
 * holding a page by page number; a dirty slot is in bc_dirty and never
 * evicted; at most bc_dirty_max slots are dirty (a write past that writes
 * the dirty ones first, which the order allows: they are older). One
 * caller at a time, like ext2. */
#pragma once

#include <stdint.h>

#include "proto.h"

#define BCACHE_PAGE         4096
#define BCACHE_CHUNK        64 /* pages a frame capability of the cache covers */
#define BCACHE_ATTACH_TRIES 4  /* lending every chunk to one instance of the driver */
#define BCACHE_MAX_CHUNKS   64 /* so at most 16 MiB */
#define BCACHE_DIRTY_MAX    256

struct bcache_slot {
	uint64_t bs_page; /* disk page number + 1; 0: free */
	uint64_t bs_used; /* bc_clock at its last use, for LRU */
	int bs_next;      /* next slot in its hash chain, -1 at the end */
	uint8_t bs_dirty; /* sectors written since the last order, a bit each */
};

struct bcache {
	struct proto_client *bc_blk;
	uint64_t bc_frames[BCACHE_MAX_CHUNKS]; /* slots of the chunks' frame capabilities */
	uint16_t bc_ids[BCACHE_MAX_CHUNKS];    /* their attach ids at the driver */
	unsigned bc_nframes, bc_chunk;         /* how many, and their pages */
	uint8_t *bc_mem;                       /* the chunks, mapped in order: bc_pages pages */
	unsigned bc_pages;
	uint64_t bc_sectors; /* the disk's size */
	uint64_t bc_clock;
	uint64_t bc_hits, bc_misses, bc_requests;
	struct bcache_slot *bc_slot;
	int *bc_hash;  /* bc_pages heads */
	int *bc_dirty; /* the dirty slots, bc_ndirty of them */
	unsigned bc_ndirty, bc_dirty_max;
};

/* Allocates up to `pages` pages of DMA memory from pool (fewer if that
 * much contiguous memory is not there, at least 16) and attaches them to
 * the driver. Returns 0 or a negative kernel or protocol error. */
long bcache_init(struct bcache *c, struct proto_client *blk, uint64_t pool, uint64_t sectors, unsigned pages);

/* ext2's device callbacks (ctx: the struct bcache). A block never
 * straddles a page (sizes are powers of two up to 4096, down to a byte:
 * the cache keeps whole pages, and writes the sectors a write touched).
 * They return 0 or
 * -EIO; after a failed order or flush, what was dirty is dropped from the
 * cache (the disk may hold either version). */
int bcache_read(void *ctx, uint64_t block_no, uint32_t size, void *buf);
int bcache_write(void *ctx, uint64_t block_no, uint32_t size, const void *buf);
int bcache_order(void *ctx);
int bcache_flush(void *ctx);

/* Forgets every clean page, so that the next read of each goes to the
 * disk again (dirty pages stay until they are written). */
void bcache_forget(struct bcache *c);
