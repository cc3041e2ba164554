/* Physical frame allocator: one bit per 4 KiB frame over [0, top of RAM).
 * A bitmap rather than a free list so that freeing checks for double frees,
 * contiguous runs (DMA memory) are easy to find, and the state can be
 * inspected without touching the frames themselves. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define FRAME_SIZE  ((uint64_t)4096)
#define FRAME_SHIFT 12

typedef uint64_t paddr_t;

/* Invariants: a set bit means the frame is free; fp_free counts set bits;
 * every bit below fp_hint is clear (searches start there). Callers serialise
 * access (one CPU, interrupts off in the kernel for now). */
struct frame_pool {
	uint64_t *fp_bitmap;
	size_t fp_nframes;
	size_t fp_free;
	size_t fp_hint;
};

/* Bytes of bitmap needed to describe nframes frames. */
size_t frame_bitmap_bytes(size_t nframes);

/* Starts with every frame in use; bitmap holds frame_bitmap_bytes(nframes). */
void frame_pool_init(struct frame_pool *fp, uint64_t *bitmap, size_t nframes);

/* Marks the whole frames inside [start, end) free. Frames beyond the pool and
 * partial frames at either edge are ignored. Returns the frames made free. */
size_t frame_pool_add(struct frame_pool *fp, paddr_t start, paddr_t end);

/* Marks every frame touching [start, end) in use, free or not. Returns the
 * frames that were free. */
size_t frame_pool_reserve(struct frame_pool *fp, paddr_t start, paddr_t end);

/* Takes one frame (the lowest free one). Returns false when none is left. */
bool frame_alloc(struct frame_pool *fp, paddr_t *out);

/* Takes count contiguous frames whose first address is a multiple of align
 * (a power of two, at least FRAME_SIZE). Returns false when no run fits. */
bool frame_alloc_contig(struct frame_pool *fp, size_t count, paddr_t align, paddr_t *out);

/* Returns a frame. Freeing a frame that is free, unaligned or outside the
 * pool is a kernel bug and panics. */
void frame_free(struct frame_pool *fp, paddr_t pa);
void frame_free_contig(struct frame_pool *fp, paddr_t pa, size_t count);

bool frame_is_free(const struct frame_pool *fp, paddr_t pa);

static inline size_t frame_free_count(const struct frame_pool *fp)
{
	return fp->fp_free;
}

/* The kernel's one pool (set up in mem.c). */
extern struct frame_pool kernel_frames;
