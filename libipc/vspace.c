/* Address allocation and the mapping log. Used by one thread at a time
 * (the task's main thread); the bump pointer is atomic all the same. */
#include "vspace.h"

#include <kestrel/cap.h>
#include <kestrel/error.h>

#include "slots.h"
#include "syscalls.h"
#include "ustring.h"

#define VSPACE_LOG 256

struct vspace_entry {
	uint64_t ve_va;
	uint64_t ve_pages;
	uint64_t ve_frame; /* CAP_NULL: the frame is not ours to delete */
};

static struct vspace_entry vlog[VSPACE_LOG];
static unsigned vlog_len;
static uint64_t vnext = VSPACE_BASE;
static uint64_t vself = CAP_NULL;

void vspace_init(uint64_t self_task)
{
	vself = self_task;
}

uint64_t vspace_self(void)
{
	return vself;
}

uint64_t vspace_alloc(uint64_t bytes, uint64_t align)
{
	uint64_t old, va;

	if (align < PAGE_SIZE)
		align = PAGE_SIZE;
	bytes = (bytes + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
	do {
		old = __atomic_load_n(&vnext, __ATOMIC_SEQ_CST);
		va = (old + align - 1) & ~(align - 1);
		if (va + bytes > VSPACE_END || va + bytes < va)
			return 0;
	} while (!__atomic_compare_exchange_n(&vnext, &old, va + bytes, 0, __ATOMIC_SEQ_CST,
	                                      __ATOMIC_SEQ_CST));
	return va;
}

long vspace_log(uint64_t va, uint64_t pages, uint64_t frame, int own_frame)
{
	if (vlog_len == VSPACE_LOG)
		return E_LIMIT;
	vlog[vlog_len].ve_va = va;
	vlog[vlog_len].ve_pages = pages;
	vlog[vlog_len].ve_frame = own_frame ? frame : CAP_NULL;
	vlog_len++;
	return E_OK;
}

long vspace_map(uint64_t frame, uint64_t pages, uint64_t rights, int own_frame, uint64_t *va)
{
	uint64_t at = vspace_alloc(pages * PAGE_SIZE, PAGE_SIZE);
	long e;

	*va = 0;
	if (!at)
		return E_NO_MEMORY;
	e = sys_mem_map(vself, frame, at, rights, 0, 0);
	if (e < 0)
		return e;
	e = vspace_log(at, pages, frame, own_frame);
	if (e < 0) {
		sys_mem_unmap(vself, at, pages);
		return e;
	}
	*va = at;
	return E_OK;
}

long mem_map_fresh(const struct mem_fresh *r, uint64_t *keep)
{
	uint64_t frame = slot_alloc(), unmapped;
	long e;

	if (frame == CAP_NULL)
		return E_LIMIT;
	e = sys_mem_alloc(r->mf_pool, frame, r->mf_pages, 0);
	if (e == E_OK && r->mf_len) {
		e = sys_mem_map(r->mf_self, frame, r->mf_scratch, R_READ | R_WRITE, 0, 0);
		if (e == E_OK) {
			memcpy((void *)(r->mf_scratch + r->mf_off), r->mf_src, r->mf_len);
			sys_mem_unmap_out(r->mf_self, r->mf_scratch, r->mf_pages, &unmapped);
		}
	}
	if (e == E_OK)
		e = sys_mem_map(r->mf_task, frame, r->mf_va, r->mf_rights, 0, 0);
	if (e == E_OK && keep) {
		*keep = frame;
		return E_OK;
	}
	sys_cap_delete(frame);
	slot_free(frame);
	return e;
}

unsigned vspace_mark(void)
{
	return vlog_len;
}

void vspace_release(unsigned mark)
{
	while (vlog_len > mark) {
		struct vspace_entry *e = &vlog[--vlog_len];

		sys_mem_unmap(vself, e->ve_va, e->ve_pages);
		if (e->ve_frame != CAP_NULL) {
			sys_cap_delete(e->ve_frame);
			slot_free(e->ve_frame);
		}
	}
}
