/* Starting a program from an ELF64 image in memory as a new task.
 *
 * The child gets the same layout the kernel gives the first task: its
 * segments where the ELF says (page-aligned, with the segment's rights), a
 * BOOT_STACK_PAGES stack below BOOT_STACK_TOP, one thread whose message
 * buffer is at BOOT_IPC_BUFFER, started at the ELF entry with rdi = the
 * start argument. Its capability table is empty except for what the caller
 * lists in sr_caps. Everything is charged to sr_pool.
 *
 * One loader at a time per task: segments are copied through a fixed
 * scratch window of the caller's address space (SPAWN_SCRATCH), so the
 * page tables for it are made once, not once per child. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SPAWN_SCRATCH       0x00005F0000000000ULL
#define SPAWN_SCRATCH_PAGES 16384   /* the largest segment: 64 MiB */
#define SPAWN_OWN_TASK      (~0ULL) /* sc_src: the child's own task capability */

/* A capability to put into the child's table. */
struct spawn_cap {
	uint64_t sc_src;    /* our slot, or SPAWN_OWN_TASK */
	uint64_t sc_dst;    /* the child's slot */
	uint64_t sc_rights; /* rights kept (cap_copy can only remove rights) */
	uint64_t sc_badge;  /* nonzero: badge an unbadged endpoint with it */
};

struct spawn_req {
	const void *sr_image;
	size_t sr_size;
	uint64_t sr_self;     /* our own task capability (for the scratch window) */
	uint64_t sr_pool;     /* pays for the child's task, memory and thread */
	unsigned sr_prio;     /* at most ours */
	uint64_t sr_fault_ep; /* our slot of the child's fault endpoint, or CAP_NULL */
	const struct spawn_cap *sr_caps;
	unsigned sr_ncaps;
	bool sr_keep_frames; /* fill sp_regions */
};

#define SPAWN_MAX_REGIONS 6

/* Memory the child was loaded with, kept for the caller (sr_keep_frames):
 * pages rg_pages from rg_va in the child, mapped with rg_rights (R_EXEC:
 * code; R_WRITE: data, bss or the stack, the last region). */
struct spawn_region {
	uint64_t rg_frame; /* our slot of its frame capability */
	uint64_t rg_va;
	uint64_t rg_pages;
	uint64_t rg_rights;
};

/* A loaded child: the task and thread capabilities are in our slots. */
struct spawned {
	uint64_t sp_task;
	uint64_t sp_thread;
	uint64_t sp_entry;
	uint64_t sp_pages; /* of memory it was loaded with (its segments and stack), from sr_pool */
	struct spawn_region sp_regions[SPAWN_MAX_REGIONS];
	unsigned sp_nregions;
};

/* Creates the task, loads the image, gives the capabilities and creates
 * the thread, stopped: the caller may map more into the child (mem_map on
 * sp_task) before spawn_start(). On failure everything made is destroyed
 * and the error of the failing step returned (E_BAD_ARG: not a loadable
 * image; E_LIMIT: out of slots). */
long spawn_load(const struct spawn_req *req, struct spawned *sp);

/* Starts the child's thread at its entry with rdi = arg. */
long spawn_start(const struct spawned *sp, uint64_t arg);

/* Destroys the child's thread and task and frees our slots for them and
 * for the frames kept. */
void spawn_destroy(struct spawned *sp);
