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
#undef T
	};

	return cmocka_run_group_tests_name("io", tests, hk_boot, hk_shutdown);
}
