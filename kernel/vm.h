/* Page tables: mapping and looking up pages in a four-level tree whose
 * table pages are reached through the direct map. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arch/x86_64/pte.h"
#include "frame.h"

/* Physical address p is at virtual address p + direct_map_offset. It is
 * DIRECT_MAP_BASE in the kernel and a test buffer in the host tests. */
extern uintptr_t direct_map_offset;

static inline void *pa_to_va(paddr_t pa)
{
	return (void *)(uintptr_t)(pa + direct_map_offset);
}

static inline void zero_frame(paddr_t pa)
{
	uint64_t *p = pa_to_va(pa);

	for (size_t i = 0; i < FRAME_SIZE / sizeof(uint64_t); i++)
		p[i] = 0;
}

enum vm_error {
	VM_OK = 0,
	VM_NO_MEMORY = -1, /* no frame for a page table */
	VM_EXISTS = -2,    /* something is already mapped there */
	VM_BAD_ARGS = -3,  /* misaligned address or unknown page size */
};

/* Allocates and zeroes an empty top-level table. */
bool vm_root_alloc(struct frame_pool *fp, paddr_t *root);

/* Maps one page of size PAGE_4K, PAGE_2M or PAGE_1G at va to pa with the
 * PTE flags given (PTE_P is implied). Table pages come from fp; a failed
 * call leaves any tables it made in place but maps nothing. */
int vm_map(struct frame_pool *fp, paddr_t root, uintptr_t va, paddr_t pa, uint64_t size, uint64_t flags);

/* Finds the mapping of va. Returns false if none; else the physical address
 * va translates to, the leaf's flags and its page size. */
bool vm_lookup(paddr_t root, uintptr_t va, paddr_t *pa, uint64_t *flags, uint64_t *size);
