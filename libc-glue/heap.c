/* sbrk, the heap under malloc. At first use it reserves HEAP_WINDOW of
 * address space (libipc's vspace allocator); the break moves inside that
 * window, and pages from the task's pool are mapped under it as it grows
 * and unmapped (so returned to the pool) as it shrinks. Nothing is mapped
 * past the last page the break needs beyond a HEAP_GROW_PAGES step.
 *
 * The task and the pool are the ones the start argument names (start.c).
 * The heap's state is guarded by picolibc's library lock, which malloc
 * already holds when it calls sbrk (it is recursive). */
#include <errno.h>
#include <sys/lock.h>
#include <unistd.h>

#include <kestrel/cap.h>
#include <kestrel/error.h>

#include "glue.h"
#include "slots.h"
#include "syscalls.h"
#include "vspace.h"

#define HEAP_WINDOW      (1ULL << 30) /* 1 GiB of address space */
#define HEAP_ALIGN       (2ULL << 20)
#define HEAP_GROW_PAGES  16  /* the break grows the mapping by at least 64 KiB */
#define HEAP_PIECE_PAGES 256 /* one mem_alloc asks for at most 1 MiB of contiguous RAM */

static uint64_t heap_base;   /* start of the window; 0 until first use */
static uint64_t heap_brk;    /* the break: the heap is [heap_base, heap_brk) */
static uint64_t heap_mapped; /* pages are mapped in [heap_base, heap_mapped) */

static uint64_t page_up(uint64_t a)
{
	return (a + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
}

/* Maps fresh pages of the pool at heap_mapped, pages of them at most. The
 * mapping keeps the pages, so their capability is deleted at once. */
static long heap_map_piece(uint64_t pages)
{
	long e = mem_map_fresh(&(struct mem_fresh){ .mf_pool = glue_pool_slot(),
	                                            .mf_pages = pages,
	                                            .mf_task = vspace_self(),
	                                            .mf_va = heap_mapped,
	                                            .mf_rights = R_READ | R_WRITE },
	                       NULL);

	if (e == E_OK)
		heap_mapped += pages * PAGE_SIZE;
	return e;
}

/* Maps pages until heap_mapped reaches end. A piece the pool refuses is
 * tried again in halves (contiguous RAM may be short when pages are not),
 * down to one page. Returns 0, or -1 with what was mapped kept. */
static int heap_map(uint64_t end)
{
	uint64_t piece = HEAP_PIECE_PAGES;

	while (heap_mapped < end) {
		uint64_t pages = (end - heap_mapped) / PAGE_SIZE;

		if (pages > piece)
			pages = piece;
		if (heap_map_piece(pages) == E_OK)
			continue;
		if (pages == 1)
			return -1;
		piece = pages / 2;
	}
	return 0;
}

/* Returns the pages above end to the pool. */
static void heap_unmap(uint64_t end)
{
	uint64_t unmapped;

	if (end < heap_mapped)
		sys_mem_unmap_out(vspace_self(), end, (heap_mapped - end) / PAGE_SIZE, &unmapped);
	heap_mapped = end;
}

static int heap_init(void)
{
	heap_base = vspace_alloc(HEAP_WINDOW, HEAP_ALIGN);
	heap_brk = heap_mapped = heap_base;
	return heap_base ? 0 : -1;
}

/* Moves the break by incr bytes and returns the old one; (void *)-1 with
 * errno ENOMEM when the window or the pool has no room, EINVAL when the
 * break would fall below the start of the heap. */
void *sbrk(ptrdiff_t incr)
{
	void *old = (void *)-1;
	uint64_t want;

	__LIBC_LOCK();
	if (!heap_base && heap_init() < 0) {
		errno = ENOMEM;
		goto out;
	}
	if (incr > 0 && (uint64_t)incr > heap_base + HEAP_WINDOW - heap_brk) {
		errno = ENOMEM;
		goto out;
	}
	if (incr < 0 && (uint64_t) - (incr + 1) + 1 > heap_brk - heap_base) {
		errno = EINVAL;
		goto out;
	}
	want = heap_brk + (uint64_t)incr;
	if (want > heap_mapped) {
		uint64_t end = page_up(want);

		if (end < heap_mapped + HEAP_GROW_PAGES * PAGE_SIZE)
			end = heap_mapped + HEAP_GROW_PAGES * PAGE_SIZE;
		if (end > heap_base + HEAP_WINDOW)
			end = heap_base + HEAP_WINDOW;
		/* The step beyond want is a nicety: only want must fit. If it
		 * does not, what this attempt mapped goes back to the pool. */
		uint64_t before = heap_mapped;

		if (heap_map(end) < 0 && heap_mapped < want) {
			heap_unmap(before);
			errno = ENOMEM;
			goto out;
		}
	} else if (incr < 0 && page_up(want) < heap_mapped) {
		heap_unmap(page_up(want));
	}
	old = (void *)heap_brk;
	heap_brk = want;
out:
	__LIBC_UNLOCK();
	return old;
}
