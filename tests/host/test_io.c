/* The kernel's I/O mechanisms in the booted host kernel (host_kernel.h):
 * shared buffers (share.c) pinning their pages and revoking every
 * mapping, the pool right that DMA memory needs, and MSI vectors as
 * interrupt lines that never reach the IOAPIC. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "arch/x86_64/pte.h"
#include "standin/host_arch.h"
#include "host_kernel.h"
#include "irq.h"
#include "share.h"

#define FRAME  10 /* slots of the first task the tests use */
#define FRAME2 11
#define SHARE  12
#define COPY   13
#define TASK   14
#define POOL   15
#define EP     16
#define IRQ    17
#define SPARE  18
#define TASK2  19
#define SHARE2 20
#define THREAD 21
#define BIG    22

#define OWN_VA  0x0000000030000000ULL /* the lender's two pages, from two frames */
#define VIEW_VA 0x0000000040000000ULL /* a borrower's mapping */

static int64_t call(uint64_t nr, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5)
{
	return hk_call(hk_thread, nr, a0, a1, a2, a3, a4, a5);
}

static paddr_t page_at(struct task *t, uint64_t va)
{
	return task_pte(t, va) & PTE_ADDR;
}

/* Two one-page frames mapped side by side at OWN_VA, read-write. */
static void two_pages(void)
{
	assert_int_equal(call(SYS_MEM_ALLOC, BOOT_SLOT_POOL, FRAME, 1, 0, 0, 0), E_OK);
	assert_int_equal(call(SYS_MEM_ALLOC, BOOT_SLOT_POOL, FRAME2, 1, 0, 0, 0), E_OK);
	assert_int_equal(call(SYS_MEM_MAP, BOOT_SLOT_TASK, FRAME, OWN_VA, R_READ | R_WRITE, 0, 0), E_OK);
	assert_int_equal(call(SYS_MEM_MAP, BOOT_SLOT_TASK, FRAME2, OWN_VA + 4096, R_READ | R_WRITE, 0, 0),
	                 E_OK);
}

static void share_pins_pages_and_revoking_unmaps_every_borrower(void **state)
{
	struct task *other;
	paddr_t a, b;
	uint64_t free_frames;

	(void)state;
	two_pages();
	a = page_at(hk_task, OWN_VA);
	b = page_at(hk_task, OWN_VA + 4096);
	assert_int_equal(call(SYS_SHARE_CREATE, BOOT_SLOT_POOL, SHARE, OWN_VA, 2, R_READ | R_WRITE, 0), E_OK);
	assert_int_equal(hk_cap(hk_task, SHARE)->c_rights, R_READ | R_WRITE | R_GRANT | R_CONTROL);
	assert_int_equal(call(SYS_TASK_CREATE, BOOT_SLOT_POOL, TASK, 0, 0, 0, 0), E_OK);
	other = &tasks[hk_cap(hk_task, TASK)->c_obj];
	/* Borrowers map exactly the lender's pages, marked lent. */
	assert_int_equal(call(SYS_MEM_MAP, BOOT_SLOT_TASK, SHARE, VIEW_VA, R_READ | R_WRITE, 0, 0), E_OK);
	assert_int_equal(call(SYS_MEM_MAP, TASK, SHARE, VIEW_VA, R_READ, 1, 1), E_OK);
	assert_int_equal(page_at(hk_task, VIEW_VA), a);
	assert_int_equal(page_at(hk_task, VIEW_VA + 4096), b);
	assert_true(task_pte(hk_task, VIEW_VA) & PTE_LENT);
	assert_int_equal(page_at(other, VIEW_VA), b);
	assert_false(task_pte(other, VIEW_VA) & PTE_W);
	/* The lender unmapping its own pages does not free them. */
	free_frames = frame_free_count(&kernel_frames);
	assert_int_equal(call(SYS_MEM_UNMAP, BOOT_SLOT_TASK, OWN_VA, 2, 0, 0, 0), E_OK);
	assert_int_equal(call(SYS_CAP_DELETE, FRAME, 0, 0, 0, 0, 0), E_OK);
	assert_int_equal(call(SYS_CAP_DELETE, FRAME2, 0, 0, 0, 0, 0), E_OK);
	assert_int_equal(frame_free_count(&kernel_frames), free_frames);
	assert_int_equal(page_at(other, VIEW_VA), b);
	/* Revoked: every mapping goes, then the pages and the page list. */
	assert_int_equal(call(SYS_OBJ_DESTROY, SHARE, 0, 0, 0, 0, 0), E_OK);
	assert_int_equal(task_pte(hk_task, VIEW_VA), 0);
	assert_int_equal(task_pte(hk_task, VIEW_VA + 4096), 0);
	assert_int_equal(task_pte(other, VIEW_VA), 0);
	assert_int_equal(frame_free_count(&kernel_frames), free_frames + 3);
	assert_int_equal(call(SYS_MEM_MAP, BOOT_SLOT_TASK, SHARE, VIEW_VA, R_READ, 0, 0), E_BAD_CAP);
}

static void revoking_spares_what_a_borrower_mapped_in_its_place(void **state)
{
	(void)state;
	two_pages();
	assert_int_equal(call(SYS_SHARE_CREATE, BOOT_SLOT_POOL, SHARE, OWN_VA, 1, R_READ, 0), E_OK);
	assert_int_equal(call(SYS_MEM_MAP, BOOT_SLOT_TASK, SHARE, VIEW_VA, R_READ, 0, 0), E_OK);
	assert_int_equal(call(SYS_MEM_UNMAP, BOOT_SLOT_TASK, VIEW_VA, 1, 0, 0, 0), E_OK);
	assert_int_equal(call(SYS_MEM_MAP, BOOT_SLOT_TASK, FRAME2, VIEW_VA, R_READ, 0, 0), E_OK);
	assert_int_equal(call(SYS_CAP_DELETE, SHARE, 0, 0, 0, 0, 0), E_OK); /* the last capability */
	assert_int_equal(page_at(hk_task, VIEW_VA), page_at(hk_task, OWN_VA + 4096));
	assert_int_equal(page_at(hk_task, OWN_VA) != 0, 1);
}

static void share_mappings_are_counted_and_freed_when_unmapped(void **state)
{
	(void)state;
	two_pages();
	assert_int_equal(call(SYS_SHARE_CREATE, BOOT_SLOT_POOL, SHARE, OWN_VA, 2, R_READ, 0), E_OK);
	for (uint64_t i = 0; i < SHARE_MAX_MAPS; i++)
		assert_int_equal(
		        call(SYS_MEM_MAP, BOOT_SLOT_TASK, SHARE, VIEW_VA + i * 0x10000, R_READ, 0, 0), E_OK);
	assert_int_equal(call(SYS_MEM_MAP, BOOT_SLOT_TASK, SHARE, VIEW_VA + 0x100000, R_READ, 0, 0), E_LIMIT);
	/* Half unmapped still counts; wholly unmapped frees the place. */
	assert_int_equal(call(SYS_MEM_UNMAP, BOOT_SLOT_TASK, VIEW_VA, 1, 0, 0, 0), E_OK);
	assert_int_equal(call(SYS_MEM_MAP, BOOT_SLOT_TASK, SHARE, VIEW_VA + 0x100000, R_READ, 0, 0), E_LIMIT);
	assert_int_equal(call(SYS_MEM_UNMAP, BOOT_SLOT_TASK, VIEW_VA + 4096, 1, 0, 0, 0), E_OK);
	assert_int_equal(call(SYS_MEM_MAP, BOOT_SLOT_TASK, SHARE, VIEW_VA + 0x100000, R_READ, 0, 0), E_OK);
	/* Lent pages cannot be lent on; a read-only page not lent writable. */
	assert_int_equal(call(SYS_SHARE_CREATE, BOOT_SLOT_POOL, SPARE, VIEW_VA + 0x10000, 1, R_READ, 0),
	                 E_NO_RIGHTS);
	assert_int_equal(call(SYS_MEM_MAP, BOOT_SLOT_TASK, FRAME, VIEW_VA, R_READ, 0, 0), E_OK);
	assert_int_equal(call(SYS_SHARE_CREATE, BOOT_SLOT_POOL, SPARE, VIEW_VA, 1, R_READ | R_WRITE, 0),
	                 E_NO_RIGHTS);
	assert_int_equal(call(SYS_SHARE_CREATE, BOOT_SLOT_POOL, SPARE, VIEW_VA, 1, R_READ, 0), E_OK);
}

static void share_quota_is_the_pools(void **state)
{
	(void)state;
	two_pages();
	assert_int_equal(call(SYS_POOL_SPLIT, BOOT_SLOT_POOL, POOL, 4, POOL_OBJECTS(0, 0, 0, 0, 1), 0, 0),
	                 E_OK);
	assert_int_equal(call(SYS_SHARE_CREATE, POOL, SHARE, OWN_VA, 2, R_READ, 0), E_OK);
	assert_int_equal(pools[hk_cap(hk_task, POOL)->c_obj].p_used, 1);
	assert_int_equal(call(SYS_SHARE_CREATE, POOL, SPARE, OWN_VA, 2, R_READ, 0), E_LIMIT);
	assert_int_equal(call(SYS_OBJ_DESTROY, SHARE, 0, 0, 0, 0, 0), E_OK);
	assert_int_equal(pools[hk_cap(hk_task, POOL)->c_obj].p_used, 0);
	assert_int_equal(call(SYS_SHARE_CREATE, POOL, SPARE, OWN_VA, 2, R_READ, 0), E_OK);
}

static void dma_needs_the_pools_dma_right(void **state)
{
	(void)state;
	assert_int_equal(call(SYS_CAP_COPY, BOOT_SLOT_POOL, BOOT_SLOT_TASK, POOL, R_ALL & ~R_DMA, 0, 0),
	                 E_OK);
	assert_int_equal(call(SYS_MEM_ALLOC, POOL, FRAME, 1, MEM_DMA, 0, 0), E_NO_RIGHTS);
	assert_int_equal(call(SYS_MEM_ALLOC, POOL, FRAME, 1, 0, 0, 0), E_OK);
	assert_false(hk_cap(hk_task, FRAME)->c_rights & R_CONTROL);
	assert_int_equal(call(SYS_MEM_ALLOC, BOOT_SLOT_POOL, FRAME2, 1, MEM_DMA, 0, 0), E_OK);
	assert_true(hk_cap(hk_task, FRAME2)->c_rights & R_CONTROL);
	assert_int_equal(call(SYS_MEM_PHYS, FRAME2, 0, 0, 0, 0, 0), E_OK);
	assert_int_equal(hk_thread->t_frame.rdi, hk_cap(hk_task, FRAME2)->c_word);
	/* A pool split from one without R_DMA has none either. */
	assert_int_equal(call(SYS_POOL_SPLIT, POOL, SPARE, 2, 0, 0, 0), E_OK);
	assert_int_equal(call(SYS_MEM_ALLOC, SPARE, SHARE, 1, MEM_DMA, 0, 0), E_NO_RIGHTS);
}

static void msi_vectors_are_lines_the_ioapic_never_sees(void **state)
{
	struct endpoint *ep;
	bool masks[IRQ_LINES];

	(void)state;
	ep = hk_endpoint_new(EP);
	memcpy(masks, host_irq_masked, sizeof(masks));
	assert_int_equal(
	        call(SYS_IRQ_GET, BOOT_SLOT_IRQ_CONTROL, IRQ, IRQ_MSI_FIRST + IRQ_MSI_COUNT, 0, 0, 0),
	        E_BAD_ARG);
	assert_int_equal(call(SYS_IRQ_GET, BOOT_SLOT_IRQ_CONTROL, IRQ, IRQ_MSI_FIRST + 2, 0, 0, 0), E_OK);
	assert_int_equal(hk_thread->t_frame.rdi, MSI_ADDRESS);
	assert_int_equal(hk_thread->t_frame.rsi, VEC_IRQ_BASE + IRQ_MSI_FIRST + 2);
	assert_int_equal(call(SYS_IRQ_BIND, IRQ, EP, 0x10, 0, 0, 0), E_OK);
	irq_fire(IRQ_MSI_FIRST + 2);
	irq_fire(IRQ_MSI_FIRST + 2);
	assert_int_equal(ep->ep_notify, 0x10);
	assert_int_equal(call(SYS_IRQ_ACK, IRQ, 0, 0, 0, 0, 0), E_OK);
	assert_memory_equal(masks, host_irq_masked, sizeof(masks));
	assert_int_equal(call(SYS_IRQ_BIND, IRQ, EP, 0, 0, 0, 0), E_OK);
	assert_int_equal(call(SYS_IRQ_ACK, IRQ, 0, 0, 0, 0, 0), E_BAD_STATE);
	/* The endpoint's death unbinds it too. */
	assert_int_equal(call(SYS_IRQ_BIND, IRQ, EP, 0x20, 0, 0, 0), E_OK);
	assert_int_equal(call(SYS_OBJ_DESTROY, EP, 0, 0, 0, 0, 0), E_OK);
	assert_int_equal(call(SYS_IRQ_ACK, IRQ, 0, 0, 0, 0, 0), E_BAD_STATE);
}

/* A borrower dies and a new task takes its table entry: revoking must not
 * touch the newcomer, even where it maps the same page, lent by another
 * share, at the same address (the record's generation no longer matches). */
static void revoking_spares_a_new_task_in_a_dead_borrowers_entry(void **state)
{
	struct task *first, *second;
	paddr_t a;

	(void)state;
	two_pages();
	a = page_at(hk_task, OWN_VA);
	assert_int_equal(call(SYS_SHARE_CREATE, BOOT_SLOT_POOL, SHARE, OWN_VA, 1, R_READ, 0), E_OK);
	assert_int_equal(call(SYS_SHARE_CREATE, BOOT_SLOT_POOL, SHARE2, OWN_VA, 1, R_READ, 0), E_OK);
	assert_int_equal(call(SYS_TASK_CREATE, BOOT_SLOT_POOL, TASK, 0, 0, 0, 0), E_OK);
	first = &tasks[hk_cap(hk_task, TASK)->c_obj];
	for (uint64_t i = 0; i < SHARE_MAX_MAPS; i++)
		assert_int_equal(call(SYS_MEM_MAP, TASK, SHARE, VIEW_VA + i * 0x10000, R_READ, 0, 0), E_OK);
	assert_int_equal(call(SYS_OBJ_DESTROY, TASK, 0, 0, 0, 0, 0), E_OK);
	assert_int_equal(call(SYS_TASK_CREATE, BOOT_SLOT_POOL, TASK2, 0, 0, 0, 0), E_OK);
	second = &tasks[hk_cap(hk_task, TASK2)->c_obj];
	assert_ptr_equal(second, first);
	/* The dead task's records are free: the newcomer gets all four. */
	assert_int_equal(call(SYS_MEM_MAP, TASK2, SHARE2, VIEW_VA, R_READ, 0, 0), E_OK);
	assert_int_equal(call(SYS_MEM_MAP, TASK2, FRAME, VIEW_VA + 0x10000, R_READ, 0, 0), E_OK);
	for (uint64_t i = 2; i < SHARE_MAX_MAPS + 2; i++)
		assert_int_equal(call(SYS_MEM_MAP, TASK2, SHARE, VIEW_VA + i * 0x10000, R_READ, 0, 0), E_OK);
	assert_int_equal(call(SYS_MEM_MAP, TASK2, SHARE, VIEW_VA + 0x100000, R_READ, 0, 0), E_LIMIT);
	assert_int_equal(call(SYS_OBJ_DESTROY, SHARE, 0, 0, 0, 0, 0), E_OK);
	assert_int_equal(task_pte(second, VIEW_VA) & (PTE_P | PTE_LENT | PTE_ADDR), a | PTE_P | PTE_LENT);
	assert_int_equal(page_at(second, VIEW_VA + 0x10000), a);
	for (uint64_t i = 2; i < SHARE_MAX_MAPS + 2; i++)
		assert_int_equal(task_pte(second, VIEW_VA + i * 0x10000), 0);
	assert_int_equal(call(SYS_OBJ_DESTROY, SHARE2, 0, 0, 0, 0, 0), E_OK);
	assert_int_equal(task_pte(second, VIEW_VA), 0);
	assert_int_equal(page_at(second, VIEW_VA + 0x10000), a);
}

/* The pool that pays for a share dies first: it lingers, charged, until
 * the share goes, and then gives everything back to its parent. */
static void a_share_keeps_its_dead_pool_until_it_ends(void **state)
{
	struct pool *p;
	uint64_t root_quota = pools[0].p_quota, free_frames;

	(void)state;
	assert_int_equal(call(SYS_POOL_SPLIT, BOOT_SLOT_POOL, POOL, 4, POOL_OBJECTS(0, 0, 0, 0, 1), 0, 0),
	                 E_OK);
	p = &pools[hk_cap(hk_task, POOL)->c_obj];
	assert_int_equal(call(SYS_MEM_ALLOC, POOL, FRAME, 2, 0, 0, 0), E_OK);
	assert_int_equal(call(SYS_MEM_MAP, BOOT_SLOT_TASK, FRAME, OWN_VA, R_READ | R_WRITE, 0, 0), E_OK);
	assert_int_equal(call(SYS_SHARE_CREATE, POOL, SHARE, OWN_VA, 2, R_READ | R_WRITE, 0), E_OK);
	assert_int_equal(call(SYS_MEM_MAP, BOOT_SLOT_TASK, SHARE, VIEW_VA, R_READ | R_WRITE, 0, 0), E_OK);
	free_frames = frame_free_count(&kernel_frames);
	/* The lender lets go of everything but the share. */
	assert_int_equal(call(SYS_MEM_UNMAP, BOOT_SLOT_TASK, OWN_VA, 2, 0, 0, 0), E_OK);
	assert_int_equal(call(SYS_CAP_DELETE, FRAME, 0, 0, 0, 0, 0), E_OK);
	assert_int_equal(call(SYS_CAP_DELETE, POOL, 0, 0, 0, 0, 0), E_OK);
	assert_false(p->p_obj.ko_live);
	assert_int_equal(p->p_used, 3); /* two pages and the page list */
	assert_int_equal(pools[0].p_children, 1);
	assert_int_equal(frame_free_count(&kernel_frames), free_frames);
	assert_true(task_pte(hk_task, VIEW_VA + 4096) & PTE_W);
	/* A zombie entry is never handed out again meanwhile. */
	assert_int_equal(call(SYS_POOL_SPLIT, BOOT_SLOT_POOL, SPARE, 1, 0, 0, 0), E_OK);
	assert_int_not_equal(hk_cap(hk_task, SPARE)->c_obj, p - pools);
	assert_int_equal(call(SYS_CAP_DELETE, SPARE, 0, 0, 0, 0, 0), E_OK);
	assert_int_equal(call(SYS_OBJ_DESTROY, SHARE, 0, 0, 0, 0, 0), E_OK);
	assert_int_equal(task_pte(hk_task, VIEW_VA), 0);
	assert_int_equal(p->p_quota + p->p_used + p->p_children, 0);
	assert_int_equal(pools[0].p_children, 0);
	assert_int_equal(pools[0].p_quota, root_quota);
	assert_int_equal(frame_free_count(&kernel_frames), free_frames + 3);
}

/* A thread's message buffer can be lent like any page of the task: the
 * thread's death unmaps it from its task but the borrower keeps the page
 * (pinned) until the share goes, and a new thread there gets a new page. */
static void a_lent_message_buffer_outlives_its_thread_until_revoked(void **state)
{
	uint64_t buf = HK_BUF_BASE + THREAD * FRAME_SIZE, free_frames;
	struct thread *t;
	paddr_t pa;

	(void)state;
	t = hk_thread_new(THREAD, HK_PRIO - 1);
	pa = t->t_ipcbuf_pa;
	assert_int_equal(page_at(hk_task, buf), pa);
	assert_int_equal(call(SYS_SHARE_CREATE, BOOT_SLOT_POOL, SHARE, buf, 1, R_READ | R_WRITE, 0), E_OK);
	assert_int_equal(call(SYS_MEM_MAP, BOOT_SLOT_TASK, SHARE, VIEW_VA, R_READ | R_WRITE, 0, 0), E_OK);
	free_frames = frame_free_count(&kernel_frames);
	assert_int_equal(call(SYS_OBJ_DESTROY, THREAD, 0, 0, 0, 0, 0), E_OK);
	assert_false(frame_is_free(&kernel_frames, pa));
	assert_int_equal(task_pte(hk_task, buf), 0);
	assert_int_equal(page_at(hk_task, VIEW_VA), pa);
	assert_int_equal(frame_free_count(&kernel_frames), free_frames);
	assert_int_equal(call(SYS_CAP_DELETE, THREAD, 0, 0, 0, 0, 0), E_OK);
	t = hk_thread_new(THREAD, HK_PRIO - 1);
	assert_int_not_equal(t->t_ipcbuf_pa, pa);
	assert_int_equal(call(SYS_OBJ_DESTROY, SHARE, 0, 0, 0, 0, 0), E_OK);
	assert_int_equal(task_pte(hk_task, VIEW_VA), 0);
	assert_int_equal(page_at(hk_task, buf), t->t_ipcbuf_pa);
	/* The old page and the page list freed, a new buffer taken. */
	assert_int_equal(frame_free_count(&kernel_frames), free_frames + 1);
}

/* The largest share, of one page mapped twice: pages named twice are
 * pinned twice and freed once, at the end. */
static void the_largest_share_and_a_page_lent_twice_come_back_whole(void **state)
{
	uint64_t free_frames;

	(void)state;
	assert_int_equal(call(SYS_MEM_ALLOC, BOOT_SLOT_POOL, BIG, SHARE_MAX_PAGES, 0, 0, 0), E_OK);
	assert_int_equal(call(SYS_MEM_MAP, BOOT_SLOT_TASK, BIG, OWN_VA, R_READ | R_WRITE, 0, 0), E_OK);
	assert_int_equal(
	        call(SYS_SHARE_CREATE, BOOT_SLOT_POOL, SHARE, OWN_VA, SHARE_MAX_PAGES + 1, R_READ, 0),
	        E_BAD_ARG);
	assert_int_equal(call(SYS_SHARE_CREATE, BOOT_SLOT_POOL, SHARE, OWN_VA, (1ULL << 32) + 1, R_READ, 0),
	                 E_BAD_ARG);
	assert_int_equal(
	        call(SYS_SHARE_CREATE, BOOT_SLOT_POOL, SHARE, OWN_VA + 4096, SHARE_MAX_PAGES, R_READ, 0),
	        E_NOT_FOUND);
	assert_int_equal(call(SYS_SHARE_CREATE, BOOT_SLOT_POOL, SHARE, OWN_VA, SHARE_MAX_PAGES, R_READ, 0),
	                 E_OK);
	assert_int_equal(call(SYS_MEM_MAP, BOOT_SLOT_TASK, SHARE, VIEW_VA, R_READ, 0, 0), E_OK);
	assert_int_equal(page_at(hk_task, VIEW_VA + (SHARE_MAX_PAGES - 1) * 4096),
	                 page_at(hk_task, OWN_VA + (SHARE_MAX_PAGES - 1) * 4096));
	assert_int_equal(
	        call(SYS_MEM_MAP, BOOT_SLOT_TASK, SHARE, VIEW_VA + 0x300000, R_READ, SHARE_MAX_PAGES - 1, 1),
	        E_OK);
	/* One page at two places of the lender, lent as two pages. */
	assert_int_equal(call(SYS_MEM_MAP, BOOT_SLOT_TASK, BIG, OWN_VA + 0x400000, R_READ, 7, 1), E_OK);
	assert_int_equal(call(SYS_MEM_MAP, BOOT_SLOT_TASK, BIG, OWN_VA + 0x401000, R_READ, 7, 1), E_OK);
	assert_int_equal(call(SYS_SHARE_CREATE, BOOT_SLOT_POOL, SHARE2, OWN_VA + 0x400000, 2, R_READ, 0),
	                 E_OK);
	assert_int_equal(call(SYS_MEM_MAP, BOOT_SLOT_TASK, SHARE2, VIEW_VA + 0x500000, R_READ, 0, 0), E_OK);
	assert_int_equal(page_at(hk_task, VIEW_VA + 0x500000), page_at(hk_task, VIEW_VA + 0x501000));
	free_frames = frame_free_count(&kernel_frames);
	assert_int_equal(call(SYS_CAP_DELETE, BIG, 0, 0, 0, 0, 0), E_OK);
	assert_int_equal(call(SYS_MEM_UNMAP, BOOT_SLOT_TASK, OWN_VA, SHARE_MAX_PAGES, 0, 0, 0), E_OK);
	assert_int_equal(call(SYS_MEM_UNMAP, BOOT_SLOT_TASK, OWN_VA + 0x400000, 2, 0, 0, 0), E_OK);
	assert_int_equal(frame_free_count(&kernel_frames), free_frames); /* every page pinned */
	assert_int_equal(call(SYS_OBJ_DESTROY, SHARE, 0, 0, 0, 0, 0), E_OK);
	assert_int_equal(task_pte(hk_task, VIEW_VA), 0);
	assert_int_equal(task_pte(hk_task, VIEW_VA + 0x300000), 0);
	/* All but page 7, which the other share pins, and the page list. */
	assert_int_equal(frame_free_count(&kernel_frames), free_frames + SHARE_MAX_PAGES);
	assert_int_equal(call(SYS_OBJ_DESTROY, SHARE2, 0, 0, 0, 0, 0), E_OK);
	assert_int_equal(task_pte(hk_task, VIEW_VA + 0x501000), 0);
	assert_int_equal(frame_free_count(&kernel_frames), free_frames + SHARE_MAX_PAGES + 2);
}

/* A share's R_CONTROL destroys it; it never tells where its pages are. */
static void a_share_never_tells_its_physical_addresses(void **state)
{
	(void)state;
	assert_int_equal(call(SYS_MEM_ALLOC, BOOT_SLOT_POOL, FRAME, 1, MEM_DMA, 0, 0), E_OK);
	assert_int_equal(call(SYS_MEM_MAP, BOOT_SLOT_TASK, FRAME, OWN_VA, R_READ | R_WRITE, 0, 0), E_OK);
	assert_int_equal(call(SYS_SHARE_CREATE, BOOT_SLOT_POOL, SHARE, OWN_VA, 1, R_READ | R_WRITE, 0), E_OK);
	assert_int_equal(call(SYS_MEM_PHYS, SHARE, 0, 0, 0, 0, 0), E_WRONG_TYPE);
	/* Nor does a frame capability gain the right by copying or moving. */
	assert_int_equal(call(SYS_MEM_ALLOC, BOOT_SLOT_POOL, FRAME2, 1, 0, 0, 0), E_OK);
	assert_int_equal(call(SYS_CAP_COPY, FRAME2, BOOT_SLOT_TASK, SPARE, R_ALL, 0, 0), E_OK);
	assert_int_equal(call(SYS_MEM_PHYS, SPARE, 0, 0, 0, 0, 0), E_NO_RIGHTS);
	assert_int_equal(call(SYS_CAP_COPY, SPARE, BOOT_SLOT_TASK, COPY, R_ALL, 0, CAP_COPY_MOVE), E_OK);
	assert_int_equal(call(SYS_MEM_PHYS, COPY, 0, 0, 0, 0, 0), E_NO_RIGHTS);
	/* A pool copy without R_DMA, split again, and its child's child. */
	assert_int_equal(call(SYS_CAP_COPY, BOOT_SLOT_POOL, BOOT_SLOT_TASK, POOL, R_ALL & ~R_DMA, 0, 0),
	                 E_OK);
	assert_int_equal(call(SYS_POOL_SPLIT, POOL, TASK, 4, POOL_OBJECTS(0, 0, 0, 1, 0), 0, 0), E_OK);
	assert_int_equal(call(SYS_POOL_SPLIT, TASK, TASK2, 2, 0, 0, 0), E_OK);
	assert_false(hk_cap(hk_task, TASK2)->c_rights & R_DMA);
	assert_int_equal(call(SYS_MEM_ALLOC, TASK2, BIG, 1, MEM_DMA, 0, 0), E_NO_RIGHTS);
	assert_int_equal(call(SYS_MEM_ALLOC, TASK2, BIG, 1, MEM_DMA | 2, 0, 0), E_NO_RIGHTS);
	assert_int_equal(call(SYS_MEM_ALLOC, BOOT_SLOT_POOL, BIG, 1, MEM_DMA | 2, 0, 0), E_BAD_ARG);
}

/* Every line number's edge: the last IOAPIC line, the first and last MSI
 * vector, one past, and numbers whose low 32 bits name a line. */
static void irq_get_takes_exactly_the_lines_that_exist(void **state)
{
	static const uint64_t bad[] = { IRQ_MSI_FIRST + IRQ_MSI_COUNT, (1ULL << 32) + 1,
		                        (1ULL << 32) + IRQ_MSI_FIRST, ~0ULL, 0x80000000ULL + IRQ_MSI_FIRST };

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(call(SYS_IRQ_GET, BOOT_SLOT_IRQ_CONTROL, IRQ, bad[i], 0, 0, 0), E_BAD_ARG);
	assert_int_equal(hk_cap(hk_task, IRQ)->c_type, CAP_EMPTY);
	assert_int_equal(call(SYS_IRQ_GET, BOOT_SLOT_IRQ_CONTROL, IRQ, IRQ_LINES - 1, 0, 0, 0), E_OK);
	assert_int_equal(hk_thread->t_frame.rdi, 0);
	assert_int_equal(hk_thread->t_frame.rsi, 0);
	assert_int_equal(call(SYS_IRQ_GET, BOOT_SLOT_IRQ_CONTROL, SPARE, IRQ_MSI_FIRST, 0, 0, 0), E_OK);
	assert_int_equal(hk_thread->t_frame.rdi, MSI_ADDRESS);
	assert_int_equal(hk_thread->t_frame.rsi, VEC_IRQ_BASE + IRQ_MSI_FIRST);
	assert_int_equal(
	        call(SYS_IRQ_GET, BOOT_SLOT_IRQ_CONTROL, COPY, IRQ_MSI_FIRST + IRQ_MSI_COUNT - 1, 0, 0, 0),
	        E_OK);
	assert_int_equal(hk_thread->t_frame.rsi, VEC_IRQ_BASE + IRQ_MSI_FIRST + IRQ_MSI_COUNT - 1);
	assert_true(VEC_IRQ_BASE + IRQ_MSI_FIRST + IRQ_MSI_COUNT - 1 < VEC_TIMER);
	assert_int_equal(hk_cap(hk_task, COPY)->c_obj, IRQ_MSI_FIRST + IRQ_MSI_COUNT - 1);
}

/* An MSI line bound to an endpoint that dies, whose entry a new endpoint
 * takes: the interrupt reaches nobody, and the line is free to bind. */
static void an_msi_line_never_reaches_a_new_endpoint_in_a_dead_ones_entry(void **state)
{
	struct endpoint *ep, *again;

	(void)state;
	ep = hk_endpoint_new(EP);
	assert_int_equal(call(SYS_IRQ_GET, BOOT_SLOT_IRQ_CONTROL, IRQ, IRQ_MSI_FIRST + 5, 0, 0, 0), E_OK);
	assert_int_equal(call(SYS_IRQ_BIND, IRQ, EP, 0x40, 0, 0, 0), E_OK);
	/* A client's send-only copy can neither take nor drop the line. */
	assert_int_equal(call(SYS_CAP_COPY, EP, BOOT_SLOT_TASK, COPY, R_WRITE, 0, 0), E_OK);
	assert_int_equal(call(SYS_IRQ_BIND, IRQ, COPY, 0x80, 0, 0, 0), E_NO_RIGHTS);
	assert_int_equal(call(SYS_CAP_DELETE, COPY, 0, 0, 0, 0, 0), E_OK);
	/* Another endpoint cannot take it while the first lives. */
	hk_endpoint_new(SPARE);
	assert_int_equal(call(SYS_IRQ_BIND, IRQ, SPARE, 0x80, 0, 0, 0), E_EXISTS);
	assert_int_equal(call(SYS_IRQ_BIND, IRQ, CAP_NULL, 0, 0, 0, 0), E_EXISTS);
	assert_int_equal(call(SYS_OBJ_DESTROY, SPARE, 0, 0, 0, 0, 0), E_OK);
	assert_int_equal(call(SYS_OBJ_DESTROY, EP, 0, 0, 0, 0, 0), E_OK);
	assert_int_equal(call(SYS_CAP_DELETE, EP, 0, 0, 0, 0, 0), E_OK);
	again = hk_endpoint_new(EP);
	assert_ptr_equal(again, ep);
	irq_fire(IRQ_MSI_FIRST + 5);
	assert_int_equal(again->ep_notify, 0);
	assert_int_equal(call(SYS_IRQ_ACK, IRQ, 0, 0, 0, 0, 0), E_BAD_STATE);
	assert_int_equal(call(SYS_IRQ_BIND, IRQ, EP, 0x100, 0, 0, 0), E_OK);
	irq_fire(IRQ_MSI_FIRST + 5);
	assert_int_equal(again->ep_notify, 0x100);
	assert_int_equal(call(SYS_IRQ_BIND, IRQ, EP, 0, 0, 0, 0), E_OK);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(name) cmocka_unit_test_setup_teardown(name, hk_setup, hk_teardown)
		T(share_pins_pages_and_revoking_unmaps_every_borrower),
		T(revoking_spares_what_a_borrower_mapped_in_its_place),
		T(share_mappings_are_counted_and_freed_when_unmapped),
		T(share_quota_is_the_pools),
		T(dma_needs_the_pools_dma_right),
		T(msi_vectors_are_lines_the_ioapic_never_sees),
		T(revoking_spares_a_new_task_in_a_dead_borrowers_entry),
		T(a_share_keeps_its_dead_pool_until_it_ends),
		T(a_lent_message_buffer_outlives_its_thread_until_revoked),
		T(the_largest_share_and_a_page_lent_twice_come_back_whole),
		T(a_share_never_tells_its_physical_addresses),
		T(irq_get_takes_exactly_the_lines_that_exist),
		T(an_msi_line_never_reaches_a_new_endpoint_in_a_dead_ones_entry),
#undef T
	};

	return cmocka_run_group_tests_name("io", tests, hk_boot, hk_shutdown);
}
