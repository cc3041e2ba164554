/* Memory pools and per-frame reference counts (see pool.h). */
#include "pool.h"

#include <kestrel/error.h>

#include "clock.h"
#include "endpoint.h"
#include "panic.h"
#include "share.h"
#include "task.h"
#include "thread.h"
#include "vm.h"

struct pool pools[MAX_POOLS];

/* One entry per RAM frame below the top of the frame pool. */
struct frame_meta {
	uint32_t fm_refs;
	uint32_t fm_pool;
};

static struct frame_meta *frame_meta;
static size_t frame_meta_count;

uint32_t pool_init(void)
{
	size_t bytes = kernel_frames.fp_nframes * sizeof(struct frame_meta);
	size_t pages = (bytes + FRAME_SIZE - 1) / FRAME_SIZE;
	paddr_t pa;

	if (!frame_alloc_contig(&kernel_frames, pages, FRAME_SIZE, &pa))
		panic("pool: no %zu contiguous pages for frame reference counts", pages);
	frame_meta = pa_to_va(pa);
	frame_meta_count = kernel_frames.fp_nframes;
	for (size_t i = 0; i < pages; i++)
		zero_frame(pa + i * FRAME_SIZE);
	kobj_init(&pools[0].p_obj, CAP_POOL);
	pools[0].p_quota = frame_free_count(&kernel_frames);
	pools[0].p_used = 0;
	pools[0].p_parent = MAX_POOLS;
	pools[0].p_objs[POOL_OBJ_TASK] = MAX_TASKS;
	pools[0].p_objs[POOL_OBJ_THREAD] = MAX_THREADS;
	pools[0].p_objs[POOL_OBJ_ENDPOINT] = MAX_ENDPOINTS;
	pools[0].p_objs[POOL_OBJ_POOL] = MAX_POOLS - 1; /* the root's own entry is taken */
	pools[0].p_objs[POOL_OBJ_SHARE] = MAX_SHARES;
	return 0;
}

uint64_t pool_objects_left(const struct pool *p)
{
	uint64_t w = 0;

	for (unsigned k = 0; k < POOL_OBJ_KINDS; k++)
		w |= (uint64_t)(p->p_objs[k] - p->p_objs_used[k]) << (12 * k);
	return w;
}

/* Nothing is charged to p and no pool split from it is alive. */
static bool pool_empty(const struct pool *p)
{
	for (unsigned k = 0; k < POOL_OBJ_KINDS; k++)
		if (p->p_objs_used[k])
			return false;
	return !p->p_used && !p->p_children;
}

struct pool *pool_split(struct pool *parent, uint64_t pages, uint64_t objects)
{
	uint64_t left = pool_objects_left(parent);
	struct pool *p = NULL;

	if (parent->p_quota - parent->p_used < pages ||
	    POOL_OBJ_COUNT(objects, POOL_OBJ_POOL) >= POOL_OBJ_COUNT(left, POOL_OBJ_POOL))
		return NULL;
	for (unsigned k = 0; k < POOL_OBJ_KINDS; k++)
		if (POOL_OBJ_COUNT(objects, k) > POOL_OBJ_COUNT(left, k))
			return NULL;
	for (uint32_t i = 1; i < MAX_POOLS && !p; i++)
		if (!pools[i].p_obj.ko_live && pool_empty(&pools[i])) /* not a zombie */
			p = &pools[i];
	kassert(p); /* the parent's quota of pools says one is free */
	kobj_init(&p->p_obj, CAP_POOL);
	p->p_quota = pages;
	p->p_used = 0;
	p->p_parent = (uint32_t)(parent - pools);
	parent->p_quota -= pages;
	for (unsigned k = 0; k < POOL_OBJ_KINDS; k++) {
		p->p_objs[k] = (uint16_t)POOL_OBJ_COUNT(objects, k);
		p->p_objs_used[k] = 0;
		parent->p_objs[k] = (uint16_t)(parent->p_objs[k] - p->p_objs[k]);
	}
	parent->p_objs_used[POOL_OBJ_POOL]++;
	parent->p_children++;
	return p;
}

/* A dead pool with nothing charged and no children gives its quota back
 * to its parent, which may then be able to do the same. */
static void pool_settle(struct pool *p)
{
	while (!p->p_obj.ko_live && pool_empty(p) && p->p_parent < MAX_POOLS) {
		struct pool *parent = &pools[p->p_parent];

		parent->p_quota += p->p_quota;
		for (unsigned k = 0; k < POOL_OBJ_KINDS; k++)
			parent->p_objs[k] = (uint16_t)(parent->p_objs[k] + p->p_objs[k]);
		parent->p_objs_used[POOL_OBJ_POOL]--;
		parent->p_children--;
		p->p_quota = 0;
		p->p_parent = MAX_POOLS; /* settled: the entry is free */
		p = parent;
	}
}

int pool_take_object(uint32_t pool, enum pool_object kind)
{
	struct pool *p = &pools[pool];

	if (!p->p_obj.ko_live || p->p_objs_used[kind] >= p->p_objs[kind])
		return E_LIMIT;
	p->p_objs_used[kind]++;
	return E_OK;
}

void pool_put_object(uint32_t pool, enum pool_object kind)
{
	struct pool *p = &pools[pool];

	kassert(p->p_objs_used[kind] > 0);
	p->p_objs_used[kind]--;
	pool_settle(p);
}

void pool_release(struct pool *p)
{
	if (p == &pools[0])
		return; /* all memory stays in the system even with no holder */
	kobj_kill(&p->p_obj);
	pool_settle(p);
}

static bool pool_charge(uint32_t pool, uint64_t count)
{
	struct pool *p = &pools[pool];

	if (!p->p_obj.ko_live || p->p_quota - p->p_used < count)
		return false;
	p->p_used += count;
	return true;
}

static void pool_refund(uint32_t pool, uint64_t count)
{
	struct pool *p = &pools[pool];

	kassert(p->p_used >= count);
	p->p_used -= count;
	pool_settle(p);
}

static void meta_claim(paddr_t pa, uint32_t pool)
{
	struct frame_meta *m = &frame_meta[pa >> FRAME_SHIFT];

	m->fm_refs = 1;
	m->fm_pool = pool;
	zero_frame(pa);
}

int pool_alloc(uint32_t pool, uint64_t count, paddr_t *out)
{
	paddr_t pa;

	if (count == 0)
		return E_BAD_ARG;
	if (!pool_charge(pool, count))
		return E_NO_MEMORY;
	/* One page: the allocator's quick path, from its hint. */
	if (count == 1 ? !frame_alloc(&kernel_frames, &pa)
	               : !frame_alloc_contig(&kernel_frames, count, FRAME_SIZE, &pa)) {
		pool_refund(pool, count);
		return E_NO_MEMORY;
	}
	for (uint64_t i = 0; i < count; i++) {
		meta_claim(pa + i * FRAME_SIZE, pool);
		clock_catch_up_at(i);
	}
	clock_catch_up(); /* and for the pages since the last */
	*out = pa;
	return E_OK;
}

int pool_alloc_page(uint32_t pool, paddr_t *out)
{
	return pool_alloc(pool, 1, out);
}

void frame_ref(paddr_t pa)
{
	struct frame_meta *m = &frame_meta[pa >> FRAME_SHIFT];

	kassert((pa >> FRAME_SHIFT) < frame_meta_count && m->fm_refs > 0);
	m->fm_refs++;
}

void frame_unref(paddr_t pa)
{
	struct frame_meta *m = &frame_meta[pa >> FRAME_SHIFT];

	kassert((pa >> FRAME_SHIFT) < frame_meta_count && m->fm_refs > 0);
	if (--m->fm_refs)
		return;
	frame_free(&kernel_frames, pa & ~(FRAME_SIZE - 1));
	pool_refund(m->fm_pool, 1);
}
