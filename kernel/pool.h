/* Memory pools and frame references. A pool is a quota of pages: every RAM
 * page a task gets (its frames, its page tables, its threads' message
 * buffers) is charged to one, and returns to it when freed. Each RAM frame
 * has a reference count (capabilities, mappings, threads' buffers) and the
 * pool it is charged to; at zero references it goes back to the free list. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include <kestrel/syscall.h>

#include "cap.h"
#include "frame.h"

#define MAX_POOLS 128

/* Invariants: p_used <= p_quota and p_objs_used[k] <= p_objs[k];
 * p_children counts the pools split from this one that have not yet given
 * their quota back (each also holds one of p_objs_used[POOL_OBJ_POOL]). A
 * pool with ko_live false and pages, objects or children outstanding is a
 * zombie: its table entry is not reused (a child still names it as parent)
 * until all are zero, and then its quota returns to p_parent. The root's
 * object quota is the size of each table, and quota only moves, so a pool
 * with quota left always finds a free table entry. */
struct pool {
	struct kobj p_obj;
	uint64_t p_quota;
	uint64_t p_used;
	uint16_t p_objs[POOL_OBJ_KINDS];
	uint16_t p_objs_used[POOL_OBJ_KINDS];
	uint32_t p_parent; /* index, or MAX_POOLS for the root */
	uint32_t p_children;
};

extern struct pool pools[MAX_POOLS];

/* Sets up frame reference counts for all of RAM (from kernel_frames) and
 * the root pool holding every free frame. Returns the root pool's index. */
uint32_t pool_init(void);

/* A new pool with pages and objects (POOL_OBJECTS) of parent's quota, or
 * NULL if parent has not that much left (counting the new pool itself). */
struct pool *pool_split(struct pool *parent, uint64_t pages, uint64_t objects);

/* The objects of each kind pool may still make, as POOL_OBJECTS. */
uint64_t pool_objects_left(const struct pool *p);

/* Charges one object of kind to pool: E_OK, or E_LIMIT when its quota of
 * that kind is used up (or the pool is dead). pool_put_object gives it
 * back when the object's table entry is free again. */
int pool_take_object(uint32_t pool, enum pool_object kind);
void pool_put_object(uint32_t pool, enum pool_object kind);

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
