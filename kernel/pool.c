/* Memory pools and per-frame reference counts (see pool.h). */
#include "pool.h"

#include <kestrel/error.h>

#include "panic.h"
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
	return 0;
}

struct pool *pool_split(struct pool *parent, uint64_t pages)
{
	if (parent->p_quota - parent->p_used < pages)
		return NULL;
	for (uint32_t i = 0; i < MAX_POOLS; i++) {
		struct pool *p = &pools[i];

		if (p->p_obj.ko_live || p->p_used || p->p_children || p == &pools[0])
			continue;
		kobj_init(&p->p_obj, CAP_POOL);
		p->p_quota = pages;
		p->p_used = 0;
		p->p_parent = (uint32_t)(parent - pools);
		parent->p_quota -= pages;
		parent->p_children++;
		return p;
	}
	return NULL;
}

/* A dead pool with nothing charged and no children gives its quota back
 * to its parent, which may then be able to do the same. */
static void pool_settle(struct pool *p)
{
	while (!p->p_obj.ko_live && !p->p_used && !p->p_children && p->p_parent < MAX_POOLS) {
		struct pool *parent = &pools[p->p_parent];

		parent->p_quota += p->p_quota;
		parent->p_children--;
		p->p_quota = 0;
		p->p_parent = MAX_POOLS; /* settled: the entry is free */
		p = parent;
	}
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
	for (uint64_t i = 0; i < count; i++)
		meta_claim(pa + i * FRAME_SIZE, pool);
	*out = pa;
	return E_OK;
}

int pool_alloc_page(uint32_t pool, paddr_t *out)
{
	return pool_alloc(pool, 1, out);
}

bool frame_is_counted(paddr_t pa)
{
	size_t f = pa >> FRAME_SHIFT;

	return f < frame_meta_count && frame_meta[f].fm_refs > 0;
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
