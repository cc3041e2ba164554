/* Memory pools and frame references (pool.c) in the booted host kernel
 * (host_kernel.h): charging pages and objects to a pool and refusing past
 * its quota, splitting quota off and getting it back when the child dies,
 * zombie pools, and pages freed when their last reference goes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "host_kernel.h"
#include "vm.h"

#define POOL   10 /* slots of the first task the tests use */
#define POOL2  11
#define FRAME  12
#define FRAME2 13
#define OBJ    14
#define OBJ2   15
#define OBJ3   16

#define MAP_VA 0x0000000030000000ULL

/* pool_info on the first task's slot: pages left, objects left. */
static uint64_t pages_left(uint64_t slot)
{
	assert_int_equal(hk_call(hk_thread, SYS_POOL_INFO, slot), E_OK);
	return hk_thread->t_frame.rdi;
}

static uint64_t objects_left(uint64_t slot)
{
	assert_int_equal(hk_call(hk_thread, SYS_POOL_INFO, slot), E_OK);
	return hk_thread->t_frame.rdx;
}

static int64_t split(uint64_t from, uint64_t dst, uint64_t pages, uint64_t objects)
{
	return hk_call(hk_thread, SYS_POOL_SPLIT, from, dst, pages, objects);
}

static int64_t mem_alloc(uint64_t pool, uint64_t dst, uint64_t pages)
{
	return hk_call(hk_thread, SYS_MEM_ALLOC, pool, dst, pages, 0);
}

static struct pool *pool_at(uint64_t slot)
{
	return &pools[hk_cap(hk_task, slot)->c_obj];
}

static void alloc_charges_the_pool_and_refuses_past_its_quota(void **state)
{
	uint64_t free_before = frame_free_count(&kernel_frames);

	(void)state;
	assert_int_equal(split(BOOT_SLOT_POOL, POOL, 8, 0), E_OK);
	assert_int_equal(pages_left(POOL), 8);
	assert_int_equal(mem_alloc(POOL, FRAME, 5), E_OK);
	assert_int_equal(pages_left(POOL), 3);
	assert_int_equal(frame_free_count(&kernel_frames), free_before - 5);
	assert_int_equal(mem_alloc(POOL, FRAME2, 4), E_NO_MEMORY);
	assert_int_equal(hk_cap(hk_task, FRAME2)->c_type, CAP_EMPTY);
	assert_int_equal(pages_left(POOL), 3);
	assert_int_equal(mem_alloc(POOL, FRAME2, 3), E_OK);
	assert_int_equal(pages_left(POOL), 0);
	assert_int_equal(mem_alloc(POOL, OBJ, 1), E_NO_MEMORY);
	/* Deleting a frame capability gives its pages back. */
	assert_int_equal(hk_call(hk_thread, SYS_CAP_DELETE, FRAME), E_OK);
	assert_int_equal(pages_left(POOL), 5);
	assert_int_equal(hk_call(hk_thread, SYS_CAP_DELETE, FRAME2), E_OK);
	assert_int_equal(pages_left(POOL), 8);
	assert_int_equal(frame_free_count(&kernel_frames), free_before);
}

static void alloc_with_quota_but_no_contiguous_ram_is_no_memory(void **state)
{
	uint64_t left;

	(void)state;
	/* A hole below the rest of free memory: enough pages in all, but
	 * not in one run. */
	assert_int_equal(mem_alloc(BOOT_SLOT_POOL, FRAME, 1), E_OK);
	assert_int_equal(mem_alloc(BOOT_SLOT_POOL, FRAME2, 1), E_OK);
	assert_int_equal(hk_call(hk_thread, SYS_CAP_DELETE, FRAME), E_OK);
	left = pages_left(BOOT_SLOT_POOL);
	assert_int_equal(left, frame_free_count(&kernel_frames));
	assert_int_equal(mem_alloc(BOOT_SLOT_POOL, FRAME, left), E_NO_MEMORY);
	/* The charge was refunded. */
	assert_int_equal(pages_left(BOOT_SLOT_POOL), left);
	assert_int_equal(mem_alloc(BOOT_SLOT_POOL, FRAME, left - 1), E_OK);
	assert_int_equal(pages_left(BOOT_SLOT_POOL), 1);
}

static void split_moves_quota_and_child_death_returns_it(void **state)
{
	struct pool *root = &pools[0];
	uint64_t quota = root->p_quota, objs = objects_left(BOOT_SLOT_POOL);
	struct pool *p;

	(void)state;
	assert_int_equal(split(BOOT_SLOT_POOL, POOL, 100, POOL_OBJECTS(2, 3, 4, 1, 0)), E_OK);
	p = pool_at(POOL);
	assert_int_equal(p->p_quota, 100);
	assert_int_equal(p->p_parent, 0);
	assert_int_equal(root->p_quota, quota - 100);
	assert_int_equal(root->p_children, 1);
	assert_int_equal(objects_left(POOL), POOL_OBJECTS(2, 3, 4, 1, 0));
	/* The parent gave the objects, and one more pool for the child. */
	assert_int_equal(objects_left(BOOT_SLOT_POOL), objs - POOL_OBJECTS(2, 3, 4, 2, 0));
	/* Split capabilities keep the parent capability's rights. */
	assert_int_equal(hk_cap(hk_task, POOL)->c_rights, R_ALL);

	assert_int_equal(hk_call(hk_thread, SYS_CAP_DELETE, POOL), E_OK);
	assert_false(p->p_obj.ko_live);
	assert_int_equal(p->p_quota, 0);
	assert_int_equal(root->p_quota, quota);
	assert_int_equal(root->p_children, 0);
	assert_int_equal(objects_left(BOOT_SLOT_POOL), objs);
}

static void split_refuses_more_than_the_parent_has(void **state)
{
	(void)state;
	assert_int_equal(split(BOOT_SLOT_POOL, POOL, 10, POOL_OBJECTS(1, 1, 1, 1, 0)), E_OK);
	assert_int_equal(split(POOL, POOL2, 11, 0), E_NO_MEMORY);
	assert_int_equal(split(POOL, POOL2, 5, POOL_OBJECTS(0, 2, 0, 0, 0)), E_LIMIT);
	assert_int_equal(hk_cap(hk_task, POOL2)->c_type, CAP_EMPTY);
	assert_int_equal(pages_left(POOL), 10);
	assert_int_equal(objects_left(POOL), POOL_OBJECTS(1, 1, 1, 1, 0));
	/* The new pool takes the parent's one pool, so it cannot be given
	 * another, and it has none to split off itself. */
	assert_int_equal(split(POOL, POOL2, 5, POOL_OBJECTS(0, 0, 0, 1, 0)), E_LIMIT);
	assert_int_equal(split(POOL, POOL2, 5, 0), E_OK);
	assert_int_equal(objects_left(POOL), POOL_OBJECTS(1, 1, 1, 0, 0));
	assert_int_equal(split(POOL2, OBJ, 0, 0), E_LIMIT);
	/* Splitting needs R_CONTROL, pool_info R_READ. */
	assert_int_equal(hk_call(hk_thread, SYS_CAP_COPY, POOL, BOOT_SLOT_TASK, OBJ, R_READ | R_WRITE, 0, 0),
	                 E_OK);
	assert_int_equal(split(OBJ, OBJ2, 1, 0), E_NO_RIGHTS);
	assert_int_equal(pages_left(OBJ), 5);
	assert_int_equal(hk_call(hk_thread, SYS_CAP_COPY, POOL, BOOT_SLOT_TASK, OBJ2, R_CONTROL, 0, 0), E_OK);
	assert_int_equal(hk_call(hk_thread, SYS_POOL_INFO, OBJ2), E_NO_RIGHTS);
}

static void dead_pool_with_pages_out_is_a_zombie_until_they_return(void **state)
{
	uint64_t quota = pools[0].p_quota;
	struct pool *p;

	(void)state;
	assert_int_equal(split(BOOT_SLOT_POOL, POOL, 4, 0), E_OK);
	p = pool_at(POOL);
	assert_int_equal(mem_alloc(POOL, FRAME, 2), E_OK);
	assert_int_equal(hk_call(hk_thread, SYS_CAP_DELETE, POOL), E_OK);
	/* Dead, but its pages are out: the quota stays with it. */
	assert_false(p->p_obj.ko_live);
	assert_int_equal(p->p_used, 2);
	assert_int_equal(pools[0].p_quota, quota - 4);
	assert_int_equal(pools[0].p_children, 1);
	/* Its table entry is not reused meanwhile. */
	assert_int_equal(split(BOOT_SLOT_POOL, POOL2, 1, 0), E_OK);
	assert_ptr_not_equal(pool_at(POOL2), p);
	assert_int_equal(hk_call(hk_thread, SYS_CAP_DELETE, POOL2), E_OK);
	/* The last page back settles it. */
	assert_int_equal(hk_call(hk_thread, SYS_CAP_DELETE, FRAME), E_OK);
	assert_int_equal(p->p_used, 0);
	assert_int_equal(p->p_quota, 0);
	assert_int_equal(pools[0].p_quota, quota);
	assert_int_equal(pools[0].p_children, 0);
}

static void zombie_grandchild_keeps_its_parent_until_settled(void **state)
{
	uint64_t quota = pools[0].p_quota;
	struct pool *a, *b;

	(void)state;
	assert_int_equal(split(BOOT_SLOT_POOL, POOL, 6, POOL_OBJECTS(0, 0, 0, 1, 0)), E_OK);
	assert_int_equal(split(POOL, POOL2, 2, 0), E_OK);
	a = pool_at(POOL);
	b = pool_at(POOL2);
	assert_int_equal(mem_alloc(POOL2, FRAME, 1), E_OK);
	assert_int_equal(hk_call(hk_thread, SYS_CAP_DELETE, POOL), E_OK);
	assert_int_equal(hk_call(hk_thread, SYS_CAP_DELETE, POOL2), E_OK);
	/* b has a page out; a has b. Both wait. */
	assert_false(a->p_obj.ko_live);
	assert_int_equal(a->p_children, 1);
	assert_int_equal(pools[0].p_quota, quota - 6);
	assert_int_equal(hk_call(hk_thread, SYS_CAP_DELETE, FRAME), E_OK);
	assert_int_equal(b->p_quota + a->p_quota, 0);
	assert_int_equal(pools[0].p_quota, quota);
}

static void objects_are_counted_per_kind(void **state)
{
	(void)state;
	assert_int_equal(split(BOOT_SLOT_POOL, POOL, 16, POOL_OBJECTS(0, 1, 2, 0, 0)), E_OK);
	assert_int_equal(hk_call(hk_thread, SYS_ENDPOINT_CREATE, POOL, OBJ), E_OK);
	assert_int_equal(hk_call(hk_thread, SYS_ENDPOINT_CREATE, POOL, OBJ2), E_OK);
	assert_int_equal(hk_call(hk_thread, SYS_ENDPOINT_CREATE, POOL, OBJ3), E_LIMIT);
	assert_int_equal(objects_left(POOL), POOL_OBJECTS(0, 1, 0, 0, 0));
	assert_int_equal(hk_call(hk_thread, SYS_TASK_CREATE, POOL, OBJ3), E_LIMIT);
	assert_int_equal(split(POOL, OBJ3, 1, 0), E_LIMIT);
	assert_int_equal(hk_cap(hk_task, OBJ3)->c_type, CAP_EMPTY);
	/* A destroyed endpoint's entry comes back to the pool at once. */
	assert_int_equal(hk_call(hk_thread, SYS_OBJ_DESTROY, OBJ), E_OK);
	assert_int_equal(objects_left(POOL), POOL_OBJECTS(0, 1, 1, 0, 0));
	assert_int_equal(hk_call(hk_thread, SYS_ENDPOINT_CREATE, POOL, OBJ3), E_OK);
	/* One thread; its message buffer is a page of the same pool. */
	assert_int_equal(hk_call(hk_thread, SYS_THREAD_CREATE, BOOT_SLOT_TASK, POOL, OBJ, HK_BUF_BASE), E_OK);
	assert_int_equal(pages_left(POOL), 15);
	assert_int_equal(
	        hk_call(hk_thread, SYS_THREAD_CREATE, BOOT_SLOT_TASK, POOL, 17, HK_BUF_BASE + FRAME_SIZE),
	        E_LIMIT);
	assert_int_equal(hk_call(hk_thread, SYS_OBJ_DESTROY, OBJ), E_OK);
	assert_int_equal(pages_left(POOL), 16);
	assert_int_equal(objects_left(POOL), POOL_OBJECTS(0, 1, 0, 0, 0));
}

static void task_page_tables_are_charged_to_its_pool(void **state)
{
	struct task *t;

	(void)state;
	assert_int_equal(split(BOOT_SLOT_POOL, POOL, 16, POOL_OBJECTS(1, 0, 0, 0, 0)), E_OK);
	assert_int_equal(hk_call(hk_thread, SYS_TASK_CREATE, POOL, OBJ), E_OK);
	t = &tasks[hk_cap(hk_task, OBJ)->c_obj];
	assert_int_equal(pages_left(POOL), 15); /* the top-level table */
	/* A frame from the root pool mapped into the task: three more
	 * tables, charged to the task's pool, not the frame's. */
	assert_int_equal(mem_alloc(BOOT_SLOT_POOL, FRAME, 1), E_OK);
	assert_int_equal(hk_call(hk_thread, SYS_MEM_MAP, OBJ, FRAME, MAP_VA, R_READ | R_WRITE, 0, 0), E_OK);
	assert_int_equal(pages_left(POOL), 12);
	assert_int_equal(t->t_pool, pool_at(POOL) - pools);
	assert_int_equal(hk_call(hk_thread, SYS_OBJ_DESTROY, OBJ), E_OK);
	assert_int_equal(pages_left(POOL), 16);
	assert_int_equal(objects_left(POOL), POOL_OBJECTS(1, 0, 0, 0, 0));
}

static void page_is_freed_when_its_last_reference_goes(void **state)
{
	uint64_t free_before = frame_free_count(&kernel_frames), *words;
	paddr_t pa;

	(void)state;
	assert_int_equal(split(BOOT_SLOT_POOL, POOL, 4, 0), E_OK);
	assert_int_equal(mem_alloc(POOL, FRAME, 1), E_OK);
	pa = hk_cap(hk_task, FRAME)->c_word;
	words = pa_to_va(pa);
	/* Handed out zeroed, though the arena was junk. */
	for (size_t i = 0; i < FRAME_SIZE / 8; i++)
		assert_int_equal(words[i], 0);
	words[0] = 0x1234;
	/* The capability, a copy and a mapping each hold it. */
	assert_int_equal(hk_call(hk_thread, SYS_CAP_COPY, FRAME, BOOT_SLOT_TASK, FRAME2, R_READ, 0, 0), E_OK);
	assert_int_equal(hk_call(hk_thread, SYS_MEM_MAP, BOOT_SLOT_TASK, FRAME, MAP_VA, R_READ, 0, 0), E_OK);
	assert_int_equal(hk_call(hk_thread, SYS_CAP_DELETE, FRAME), E_OK);
	assert_int_equal(hk_call(hk_thread, SYS_CAP_DELETE, FRAME2), E_OK);
	assert_false(frame_is_free(&kernel_frames, pa));
	assert_int_equal(pages_left(POOL), 3);
	assert_int_equal(words[0], 0x1234);
	/* Unmapping drops the last one: the page goes back to RAM and to
	 * the pool it was charged to. */
	assert_int_equal(hk_call(hk_thread, SYS_MEM_UNMAP, BOOT_SLOT_TASK, MAP_VA, 1), E_OK);
	assert_int_equal(hk_thread->t_frame.rdi, 1);
	assert_true(frame_is_free(&kernel_frames, pa));
	assert_int_equal(pages_left(POOL), 4);
	/* The task's new page tables stay until it goes; the frame did not. */
	assert_int_equal(frame_free_count(&kernel_frames), free_before - 3);
}

static void frame_ref_and_unref_count_and_unref_of_a_free_page_panics(void **state)
{
	paddr_t pa;

	(void)state;
	assert_int_equal(pool_alloc(0, 1, &pa), E_OK);
	frame_ref(pa);
	frame_unref(pa);
	assert_false(frame_is_free(&kernel_frames, pa));
	frame_unref(pa);
	assert_true(frame_is_free(&kernel_frames, pa));
	expect_assert_failure(frame_unref(pa));
	expect_assert_failure(frame_ref(pa));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(name) cmocka_unit_test_setup_teardown(name, hk_setup, hk_teardown)
		T(alloc_charges_the_pool_and_refuses_past_its_quota),
		T(alloc_with_quota_but_no_contiguous_ram_is_no_memory),
		T(split_moves_quota_and_child_death_returns_it),
		T(split_refuses_more_than_the_parent_has),
		T(dead_pool_with_pages_out_is_a_zombie_until_they_return),
		T(zombie_grandchild_keeps_its_parent_until_settled),
		T(objects_are_counted_per_kind),
		T(task_page_tables_are_charged_to_its_pool),
		T(page_is_freed_when_its_last_reference_goes),
		T(frame_ref_and_unref_count_and_unref_of_a_free_page_panics),
#undef T
	};

	return cmocka_run_group_tests_name("pool", tests, hk_boot, hk_shutdown);
}
