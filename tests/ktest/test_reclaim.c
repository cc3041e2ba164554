/* Memory comes back in the awkward cases: tasks that only hold each other
 * once their maker is gone, and pool quota charged to a pool whose parents
 * died first. Both were found by the fuzz test; these are
 * their deterministic forms. */
#include "harness.h"

#define CYCLE_POOL_PAGES 32

/* What a misbehaving task can do with task capabilities: make two tasks
 * that hold each other (one also itself) and drop its own capabilities to
 * them. Counting references would never free them; they die with the task
 * that made them, so destroying that task returns all of its pool, or any
 * task could pin kernel memory and task-table entries for ever. */
int test_tasks_that_only_hold_each_other_are_reclaimed(void)
{
	uint64_t ep, fault, pool, play = kt_slot(), left, free_frames;
	struct kt_helper h;
	struct kt_fault f;

	CHECK_OK(kt_endpoint(&ep));
	CHECK_OK(kt_endpoint(&fault));
	CHECK_OK(kt_pool(CYCLE_POOL_PAGES + 64, &pool));
	CHECK_OK(sys_pool_split(pool, play, CYCLE_POOL_PAGES, POOL_OBJECTS(2, 0, 0, 0, 0)));
	struct spawn_cap caps[] = { { play, HSLOT_POOL, R_ALL, 0 } };
	struct kt_helper_opts o = {
		.ho_role = ROLE_CYCLE, .ho_fault_ep = fault, .ho_pool = pool, .ho_caps = caps, .ho_ncaps = 1
	};
	CHECK_OK(kt_helper_start(&h, &o));
	CHECK_OK(kt_fault_recv(fault, KT_WAIT_MS, &f));
	CHECK_EQ(f.kf_kind, FAULT_EXIT);
	CHECK_ERR(f.kf_code, E_OK);
	kt_pool_state(play, &left, &free_frames);
	CHECK(left < CYCLE_POOL_PAGES); /* the two tasks' page tables are still charged */
	spawn_destroy(&h.kh_sp);
	kt_pool_state(play, &left, &free_frames);
	CHECK_MSG(left == CYCLE_POOL_PAGES, "two unreachable tasks still hold %lu pages of their pool",
	          CYCLE_POOL_PAGES - left);
	return 0;
}

/* Splits empty pools off pool until the kernel's pool table is full, so
 * the next pool made takes the entry that is freed next. *last: the last
 * one made. */
static long fill_pool_table(uint64_t pool, unsigned *made, uint64_t *last)
{
	for (*made = 0; *made < 256; (*made)++) {
		uint64_t s = kt_slot();
		long e = sys_pool_split(pool, s, 0, 0);

		if (e == E_LIMIT)
			return E_OK;
		if (e != E_OK)
			return e;
		*last = s;
	}
	return E_LIMIT;
}

/* P > C > X, C still charged for a frame when C and then P die. If P's
 * entry were reused for a new pool N split off X, C's parent would be N:
 * when N and X die and C's last page comes back, the quota has to find
 * its way up, and the kernel must not chase the ring C > N > X > C for
 * ever. (A kernel may instead keep P's entry while C names it: then the
 * table is full and a filler makes room.) */
int test_quota_returns_through_dead_parent_pools(void)
{
	uint64_t p, c = kt_slot(), x = kt_slot(), n = kt_slot(), frame = kt_slot(), fill, last = CAP_NULL;
	uint64_t left0, left, free_frames, objects;
	unsigned made, pools;
	long e;

	/* The filler gets every pool the boot pool has left but the 1 + 3
	 * that P takes (itself; C, X and a spare below it). */
	CHECK_OK(sys_pool_objects_out(BOOT_SLOT_POOL, &objects));
	pools = POOL_OBJ_COUNT(objects, POOL_OBJ_POOL);
	CHECK(pools >= 6);
	CHECK_OK(kt_pool_with(64, POOL_OBJECTS(0, 0, 0, pools - 5, 0), &fill));
	kt_pool_state(BOOT_SLOT_POOL, &left0, &free_frames);
	CHECK_OK(kt_pool_with(64, POOL_OBJECTS(0, 0, 0, 3, 0), &p));
	CHECK_OK(sys_pool_split(p, c, 32, POOL_OBJECTS(0, 0, 0, 2, 0)));
	CHECK_OK(sys_pool_split(c, x, 16, POOL_OBJECTS(0, 0, 0, 1, 0)));
	CHECK_OK(sys_mem_alloc(c, frame, 1, 0));
	CHECK_OK(fill_pool_table(fill, &made, &last));
	printf("# pools: %u empty pools fill the kernel's table\n", made);
	CHECK_OK(sys_cap_delete(c));
	CHECK_OK(sys_cap_delete(p));
	e = sys_pool_split(x, n, 8, 0);
	if (e == E_LIMIT) {
		CHECK_OK(sys_cap_delete(last));
		e = sys_pool_split(x, n, 8, 0);
	}
	CHECK_OK(e);
	CHECK_OK(sys_cap_delete(n));
	CHECK_OK(sys_cap_delete(x));
	CHECK_OK(sys_cap_delete(frame));
	kt_pool_state(BOOT_SLOT_POOL, &left, &free_frames);
	CHECK_EQ(left, left0);
	return 0;
}
