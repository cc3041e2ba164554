/* Shared buffers: a task lends a range of the pages mapped in its own
 * address space to other tasks, read-only or read-write, and takes the
 * loan back. A share pins its pages (one frame reference each) and
 * remembers where each borrower mapped them, so that destroying it (by
 * obj_destroy, the last capability going, or its owner dying) removes
 * every such mapping: a later access is a page fault like any other. */
#pragma once

#include <stdint.h>

#include <kestrel/syscall.h>

#include "frame.h"
#include "kobj.h"

#define MAX_SHARES 512

/* The page list is one page of addresses. */
_Static_assert(SHARE_MAX_PAGES * sizeof(paddr_t) <= FRAME_SIZE, "share page list");

/* Invariants: s_list is a page holding the physical address of each of
 * the s_pages shared pages, each of which the share holds one reference
 * on. A mapping record whose task is gone, or that no longer maps any of
 * its pages, is free. */
struct share {
	struct kobj s_obj;
	uint32_t s_pool;
	uint32_t s_pages;
	paddr_t s_list;
	struct share_map {
		uint32_t sm_task, sm_gen, sm_first, sm_count;
		uint64_t sm_va;
	} s_maps[SHARE_MAX_MAPS];
};

extern struct share shares[MAX_SHARES];

struct task;

/* Makes a share of t's pages [va, va + pages * 4 KiB), charged to pool.
 * Every page must be RAM mapped user-accessible with at least rights
 * (R_READ, R_WRITE), and not itself borrowed from a share. Returns E_OK,
 * E_BAD_ARG, E_NO_RIGHTS, E_LIMIT or E_NO_MEMORY. */
int share_create(uint32_t pool, struct task *t, uint64_t va, uint64_t pages, unsigned rights,
                 struct share **out);

/* Maps pages [first, first + count) of s into t at va with PTE flags and
 * records the mapping. E_LIMIT when SHARE_MAX_MAPS mappings are in use. */
int share_map(struct share *s, struct task *t, uint64_t va, uint64_t first, uint64_t count, uint64_t flags);

/* Removes every borrower's mapping and frees the share. */
void share_destroy(struct share *s);
