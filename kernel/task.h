/* Tasks: an address space plus a capability table. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "cap.h"
#include "frame.h"

#define MAX_TASKS 256

/* Invariants: t_root is a top-level table whose kernel half equals the
 * kernel's. Every user page-table page and every mapped frame holds one
 * reference charged to t_pool (page tables) or to its own pool (frames).
 * t_iomap is NULL or 8 KiB (two frames) of I/O permission bitmap, 0 bits
 * allowed (port p is bit p % 64 of word p / 64); the words that are not
 * all ones lie in [t_io_lo, t_io_hi), so switches copy only those. */
struct task {
	struct kobj t_obj;
	paddr_t t_root;
	uint32_t t_pool; /* pool index the task and its page tables are charged to */
	uint64_t *t_iomap;
	paddr_t t_iomap_pa;
	uint32_t t_io_lo, t_io_hi;
	/* Where the CPU has PCIDs, the task's TLB entries are tagged with its
	 * PCID and survive switches; entries that may be out of date (a
	 * mapping changed while another task ran, or a task that used
	 * the same PCID before) are dropped at once with INVPCID, so a switch
	 * only loads t_cr3: the root, the PCID and the no-flush bit (just the
	 * root without PCIDs). */
	uint64_t t_cr3;
	/* The leaf table of the last 2 MiB walked (key: va >> 21, plus one;
	 * 0: none): runs of pages share it, and tables live as long as the
	 * task. */
	uint64_t t_walk_key;
	uint64_t *t_walk_leaf; /* pte_t * */
	struct cap t_caps[CAP_SLOTS];
};

extern struct task tasks[MAX_TASKS];

static inline uint32_t task_index(const struct task *t)
{
	return (uint32_t)(t - tasks);
}

/* Creates a task charged, with its page tables, to pool. Returns E_OK,
 * E_LIMIT (the pool's quota of tasks is used up) or E_NO_MEMORY. */
int task_create(uint32_t pool, struct task **out);

/* Destroys t's threads, empties its capability table, unmaps and frees its
 * memory. */
void task_destroy(struct task *t);

/* Maps count pages at va with PTE flags: the pages from pa on, or the
 * pages list names when it is not NULL. Each page gains a frame reference
 * when ram is set. Checks first, then maps: on failure nothing changed.
 * Returns E_OK, E_BAD_ARG (not user space), E_EXISTS or E_NO_MEMORY. */
int task_map(struct task *t, uint64_t va, paddr_t pa, const paddr_t *list, uint64_t count, uint64_t flags,
             bool ram);

/* The page-table entry mapping user address va in t, or 0. */
uint64_t task_pte(struct task *t, uint64_t va);

/* Sets the PTE flags of the pages mapped at [va, va + count pages). */
void task_protect(struct task *t, uint64_t va, uint64_t count, uint64_t flags);

/* Removes the mapping at va if it is of page pa. */
void task_unmap_if(struct task *t, uint64_t va, paddr_t pa);

/* Removes up to count pages at va; returns how many were mapped. */
uint64_t task_unmap(struct task *t, uint64_t va, uint64_t count);

/* Copies between kernel memory and t's user memory, page by page through
 * the page tables (so a bad user address is found, never touched). Return
 * false, with the first bad user address in *bad, if part of the range is
 * not mapped user-accessible (and writable, for copies out). */
bool task_copy_in(struct task *t, void *dst, uint64_t uaddr, uint64_t len, uint64_t *bad);
bool task_copy_out(struct task *t, uint64_t uaddr, const void *src, uint64_t len, uint64_t *bad);

/* Recomputes t's I/O bitmap from the I/O port capabilities it holds
 * (those with R_READ and R_WRITE). */
void task_update_iomap(struct task *t);

/* Whether t's I/O bitmap opens port. */
bool task_may_use_port(const struct task *t, uint16_t port);
