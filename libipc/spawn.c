/* The ELF loader: task_create, then for each segment mem_alloc, copy
 * through the scratch window, mem_map into the child; then the stack, the
 * capabilities, thread_create and thread_configure. The frame capabilities
 * are deleted once mapped (the child's mappings keep the frames, and
 * destroying the child returns them), unless the caller keeps them. */
#include "spawn.h"

#include <kestrel/boot.h>
#include <kestrel/cap.h>
#include <kestrel/error.h>

#include "elf.h"
#include "slots.h"
#include "syscalls.h"
#include "vspace.h"

#define PAGE 4096ULL

static uint64_t elf_rights(uint32_t flags)
{
	return (flags & PF_R ? R_READ : 0) | (flags & PF_W ? R_WRITE : 0) | (flags & PF_X ? R_EXEC : 0);
}

/* Allocates pages, copies the segment's file bytes into them through the
 * scratch window (if seg is given), and maps them into the child at va.
 * Keeps the frame in sp_regions when asked to and the pages are code,
 * data or the stack (writable or executable). */
static long spawn_memory(const struct spawn_req *r, struct spawned *sp, uint64_t va, uint64_t pages,
                         uint64_t rights, const struct elf_file *f, const struct elf_segment *seg)
{
	bool keep = r->sr_keep_frames && (rights & (R_WRITE | R_EXEC)) && sp->sp_nregions < SPAWN_MAX_REGIONS;
	struct spawn_region *rg = &sp->sp_regions[sp->sp_nregions];
	long e = mem_map_fresh(&(struct mem_fresh){ .mf_pool = r->sr_pool,
	                                            .mf_pages = pages,
	                                            .mf_task = sp->sp_task,
	                                            .mf_va = va,
	                                            .mf_rights = rights,
	                                            .mf_src = seg ? f->ef_base + seg->es_offset : 0,
	                                            .mf_off = seg ? seg->es_vaddr - va : 0,
	                                            .mf_len = seg ? seg->es_filesz : 0,
	                                            .mf_self = r->sr_self,
	                                            .mf_scratch = SPAWN_SCRATCH },
	                       keep ? &rg->rg_frame : NULL);

	if (e == E_OK && keep) {
		rg->rg_va = va;
		rg->rg_pages = pages;
		rg->rg_rights = rights;
		sp->sp_nregions++;
	}
	return e;
}

static long spawn_segments(const struct spawn_req *r, struct spawned *sp, const struct elf_file *f)
{
	struct elf_segment seg;
	long e;

	for (unsigned i = 0; i < elf_phnum(f); i++) {
		uint64_t start, pages;

		if (!elf_segment(f, i, &seg))
			continue;
		start = seg.es_vaddr & ~(PAGE - 1);
		pages = (seg.es_vaddr + seg.es_memsz - start + PAGE - 1) / PAGE;
		if (pages > SPAWN_SCRATCH_PAGES)
			return E_BAD_ARG;
		e = spawn_memory(r, sp, start, pages, elf_rights(seg.es_flags), f, &seg);
		if (e != E_OK)
			return e;
		sp->sp_pages += pages;
	}
	return E_OK;
}

static long spawn_caps(const struct spawn_req *r, const struct spawned *sp)
{
	for (unsigned i = 0; i < r->sr_ncaps; i++) {
		const struct spawn_cap *c = &r->sr_caps[i];
		uint64_t src = c->sc_src == SPAWN_OWN_TASK ? sp->sp_task : c->sc_src;
		long e = sys_cap_copy(src, sp->sp_task, c->sc_dst, c->sc_rights, c->sc_badge,
		                      c->sc_badge ? CAP_COPY_BADGE : 0);

		if (e != E_OK)
			return e;
	}
	return E_OK;
}

long spawn_load(const struct spawn_req *r, struct spawned *sp)
{
	struct elf_file f;
	long e = elf_open(&f, r->sr_image, r->sr_size, BOOT_MODULES_VADDR);

	sp->sp_task = sp->sp_thread = CAP_NULL;
	sp->sp_pages = 0;
	sp->sp_nregions = 0;
	if (e != E_OK)
		return e;
	sp->sp_entry = f.ef_entry;
	sp->sp_task = slot_alloc();
	sp->sp_thread = slot_alloc();
	if (sp->sp_task == CAP_NULL || sp->sp_thread == CAP_NULL) {
		e = E_LIMIT;
		goto fail;
	}
	e = sys_task_create(r->sr_pool, sp->sp_task);
	if (e == E_OK)
		e = spawn_segments(r, sp, &f);
	if (e == E_OK)
		e = spawn_memory(r, sp, BOOT_STACK_TOP - BOOT_STACK_PAGES * PAGE, BOOT_STACK_PAGES,
		                 R_READ | R_WRITE, &f, 0);
	if (e == E_OK)
		sp->sp_pages += BOOT_STACK_PAGES;
	if (e == E_OK)
		e = spawn_caps(r, sp);
	if (e == E_OK)
		e = sys_thread_create(sp->sp_task, r->sr_pool, sp->sp_thread, BOOT_IPC_BUFFER);
	if (e == E_OK)
		e = sys_thread_configure(sp->sp_thread, r->sr_prio, r->sr_fault_ep);
	if (e == E_OK)
		return E_OK;
fail:
	spawn_destroy(sp);
	return e;
}

long spawn_start(const struct spawned *sp, uint64_t arg)
{
	return sys_thread_start(sp->sp_thread, sp->sp_entry, BOOT_STACK_TOP, arg);
}

static void spawn_drop(uint64_t *slot)
{
	struct cap_info ci;

	if (*slot == CAP_NULL)
		return;
	if (sys_cap_identify_out(*slot, &ci) == E_OK && ci.ci_type != CAP_EMPTY)
		sys_obj_destroy(*slot);
	sys_cap_delete(*slot);
	slot_free(*slot);
	*slot = CAP_NULL;
}

void spawn_destroy(struct spawned *sp)
{
	spawn_drop(&sp->sp_thread);
	spawn_drop(&sp->sp_task);
	for (unsigned i = 0; i < sp->sp_nregions; i++) {
		sys_cap_delete(sp->sp_regions[i].rg_frame);
		slot_free(sp->sp_regions[i].rg_frame);
	}
	sp->sp_nregions = 0;
}
