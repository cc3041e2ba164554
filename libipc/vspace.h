/* The task's own virtual addresses for mappings it makes at run time:
 * handed out upwards from VSPACE_BASE and never reused, so a stale pointer
 * into a released mapping faults instead of reading someone else's data.
 * Every mapping made through vspace_map() is logged; vspace_release()
 * unmaps those made since a mark (the test harness uses this to clean up
 * after each test). */
#pragma once

#include <stdint.h>

#define PAGE_SIZE   4096ULL
#define VSPACE_BASE 0x0000100000000000ULL
#define VSPACE_END  0x0000600000000000ULL

/* Which capability names our own task (BOOT_SLOT_TASK in the first task). */
void vspace_init(uint64_t self_task);
uint64_t vspace_self(void);

/* Reserves bytes of address space aligned to align (a power of two, at
 * least a page); 0 when the range is used up. Nothing is mapped. */
uint64_t vspace_alloc(uint64_t bytes, uint64_t align);

/* Maps a frame of pages into our task at fresh addresses with rights and
 * logs it. If own_frame, releasing the mapping also deletes the frame
 * capability and frees its slot. Returns E_OK and the address in *va. */
long vspace_map(uint64_t frame, uint64_t pages, uint64_t rights, int own_frame, uint64_t *va);

/* Logs a mapping made some other way (at an address from vspace_alloc). */
long vspace_log(uint64_t va, uint64_t pages, uint64_t frame, int own_frame);

/* Fresh pages for a mapping, in our task or another: mf_pages pages from
 * the pool mf_pool, mapped into mf_task at mf_va with mf_rights. If
 * mf_len, mf_len bytes from mf_src are first copied to offset mf_off of
 * the pages through mf_scratch, an unused address of our own task
 * mf_self (mapped for the copy only). */
struct mem_fresh {
	uint64_t mf_pool;
	uint64_t mf_pages;
	uint64_t mf_task;
	uint64_t mf_va;
	uint64_t mf_rights;
	const void *mf_src;
	uint64_t mf_off;
	uint64_t mf_len;
	uint64_t mf_self;
	uint64_t mf_scratch;
};

/* Makes the mapping r describes. The mapping holds the pages, so their
 * frame capability is deleted, unless keep is given: then *keep is its
 * slot, the caller's to delete. Returns E_OK, or the first error with
 * nothing left allocated. */
long mem_map_fresh(const struct mem_fresh *r, uint64_t *keep);

unsigned vspace_mark(void);
/* Unmaps, newest first, everything logged since mark. */
void vspace_release(unsigned mark);
