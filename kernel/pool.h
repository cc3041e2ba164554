/* Memory pools and frame references. A pool is a quota of pages: every RAM
 * page a task gets (its frames, its page tables, its threads' message
 * buffers) is charged to one, and returns to it when freed. Each RAM frame
 * has a reference count (capabilities, mappings, threads' buffers) and the
 * pool it is charged to; at zero references it goes back to the free list. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "cap.h"
#include "frame.h"

#define MAX_POOLS 64

/* Invariants: p_used <= p_quota; p_children counts the pools split from
 * this one that have not yet given their quota back. A pool with ko_live
 * false and pages or children outstanding is a zombie: its table entry is
 * not reused (a child still names it as parent) until both are zero, and
 * then its quota returns to p_parent. */
struct pool {
	struct kobj p_obj;
	uint64_t p_quota;
	uint64_t p_used;
	uint32_t p_parent; /* index, or MAX_POOLS for the root */
	uint32_t p_children;
};

extern struct pool pools[MAX_POOLS];

/* Sets up frame reference counts for all of RAM (from kernel_frames) and
 * the root pool holding every free frame. Returns the root pool's index. */
uint32_t pool_init(void);

struct pool *pool_split(struct pool *parent, uint64_t pages);

/* Called when the last capability to a pool goes. */
void pool_release(struct pool *p);

/* Allocates count physically contiguous zeroed pages charged to pool;
 * each gets one reference. Returns E_OK or E_NO_MEMORY (E_BAD_ARG for no
 * pages). */
int pool_alloc(uint32_t pool, uint64_t count, paddr_t *out);

/* One page (page tables, message buffers). */
int pool_alloc_page(uint32_t pool, paddr_t *out);

/* Reference counting on RAM frames (pa must be RAM handed out by a pool). */
void frame_ref(paddr_t pa);
void frame_unref(paddr_t pa);

/* Whether pa is a RAM frame that pools hand out (and so is counted). */
bool frame_is_counted(paddr_t pa);
