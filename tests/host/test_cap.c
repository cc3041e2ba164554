/* Capabilities and object lifetimes (cap.c, kobj.c) in the booted host
 * kernel (host_kernel.h): reference counts, generations that make stale
 * capabilities stop matching, lookups and their three errors, rights that
 * only shrink, the reap list, and owners taking what they made with them. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "host_kernel.h"
#include "kobj.h"

#define EP   10 /* slots of the first task the tests use */
#define EP2  11
#define EP3  12
#define TASK 20
#define THR  21

/* cap_copy from the first task into the first task. */
static int64_t copy(uint64_t src, uint64_t dst, uint64_t rights, uint64_t badge, uint64_t flags)
{
	return hk_call(hk_thread, SYS_CAP_COPY, src, BOOT_SLOT_TASK, dst, rights, badge, flags);
}

static void capabilities_count_references_and_last_one_destroys(void **state)
{
	struct endpoint *ep = hk_endpoint_new(EP);
	uint64_t left = pool_objects_left(&pools[0]);

	(void)state;
	assert_int_equal(ep->ep_obj.ko_refs, 1);
	assert_int_equal(copy(EP, EP2, R_ALL, 0, 0), E_OK);
	assert_int_equal(ep->ep_obj.ko_refs, 2);
	assert_int_equal(hk_call(hk_thread, SYS_CAP_DELETE, EP), E_OK);
	assert_int_equal(ep->ep_obj.ko_refs, 1);
	assert_true(ep->ep_obj.ko_live);
	assert_int_equal(hk_call(hk_thread, SYS_CAP_DELETE, EP2), E_OK);
	assert_false(ep->ep_obj.ko_live);
	/* Its table entry went back to the pool's quota of endpoints. */
	assert_int_equal(POOL_OBJ_COUNT(pool_objects_left(&pools[0]), POOL_OBJ_ENDPOINT),
	                 POOL_OBJ_COUNT(left, POOL_OBJ_ENDPOINT) + 1);
}

static void last_capability_dooms_and_reap_destroys(void **state)
{
	struct endpoint *ep = hk_endpoint_new(EP);
	uint32_t gen = ep->ep_obj.ko_gen;

	(void)state;
	cap_clear(hk_cap(hk_task, EP), E_NO_REPLY);
	assert_true(hk_cap(hk_task, EP)->c_type == CAP_EMPTY);
	/* Doomed, not yet destroyed: destruction waits for the reap. */
	assert_true(ep->ep_obj.ko_doomed);
	assert_true(ep->ep_obj.ko_live);
	kobj_reap();
	assert_false(ep->ep_obj.ko_doomed);
	assert_false(ep->ep_obj.ko_live);
	assert_int_equal(ep->ep_obj.ko_gen, gen + 1);
}

static void stale_capability_stops_matching_after_destroy(void **state)
{
	struct endpoint *ep = hk_endpoint_new(EP);
	uint32_t index = hk_cap(hk_task, EP)->c_obj;

	(void)state;
	assert_int_equal(copy(EP, EP2, R_ALL, 7, CAP_COPY_BADGE), E_OK);
	assert_int_equal(hk_call(hk_thread, SYS_OBJ_DESTROY, EP), E_OK);
	assert_false(ep->ep_obj.ko_live);
	/* The copy is still in its slot, but names a past incarnation. */
	assert_int_equal(hk_cap(hk_task, EP2)->c_type, CAP_ENDPOINT);
	assert_false(cap_is_live(hk_cap(hk_task, EP2)));
	assert_int_equal(hk_call(hk_thread, SYS_SIGNAL, EP2), E_BAD_CAP);
	assert_int_equal(hk_call(hk_thread, SYS_CAP_IDENTIFY, EP2), E_OK);
	assert_int_equal(hk_thread->t_frame.rdi, CAP_EMPTY);
	/* A new endpoint in the same table entry does not revive it. */
	assert_ptr_equal(hk_endpoint_new(EP3), ep);
	assert_int_equal(hk_cap(hk_task, EP3)->c_obj, index);
	assert_false(cap_is_live(hk_cap(hk_task, EP2)));
	assert_int_equal(hk_call(hk_thread, SYS_SIGNAL, EP2), E_BAD_CAP);
	assert_int_equal(hk_call(hk_thread, SYS_SIGNAL, EP3), E_BAD_ARG); /* live: only unbadged */
	/* A stale capability's slot counts as empty for new capabilities. */
	assert_int_equal(hk_call(hk_thread, SYS_ENDPOINT_CREATE, BOOT_SLOT_POOL, EP2), E_OK);
	assert_true(cap_is_live(hk_cap(hk_task, EP2)));
}

static void lookup_tells_bad_cap_wrong_type_and_no_rights_apart(void **state)
{
	struct cap *c = NULL;

	(void)state;
	hk_endpoint_new(EP);
	assert_int_equal(copy(EP, EP2, R_WRITE, 0, 0), E_OK);
	assert_int_equal(cap_lookup(hk_task, CAP_NULL, CAP_ENDPOINT, 0, &c), E_BAD_CAP);
	assert_int_equal(cap_lookup(hk_task, CAP_SLOTS, CAP_ENDPOINT, 0, &c), E_BAD_CAP);
	assert_int_equal(cap_lookup(hk_task, EP3, CAP_ENDPOINT, 0, &c), E_BAD_CAP); /* empty */
	assert_int_equal(cap_lookup(hk_task, BOOT_SLOT_POOL, CAP_ENDPOINT, 0, &c), E_WRONG_TYPE);
	assert_int_equal(cap_lookup(hk_task, EP2, CAP_ENDPOINT, R_READ, &c), E_NO_RIGHTS);
	assert_int_equal(cap_lookup(hk_task, EP2, CAP_ENDPOINT, R_READ | R_WRITE, &c), E_NO_RIGHTS);
	assert_null(c);
	assert_int_equal(cap_lookup(hk_task, EP2, CAP_ENDPOINT, R_WRITE, &c), E_OK);
	assert_ptr_equal(c, hk_cap(hk_task, EP2));
	/* And what system calls make of them. */
	assert_int_equal(hk_call(hk_thread, SYS_RECV, EP2, IPC_POLL), E_NO_RIGHTS);
	assert_int_equal(hk_call(hk_thread, SYS_RECV, BOOT_SLOT_POOL, IPC_POLL), E_WRONG_TYPE);
	assert_int_equal(hk_call(hk_thread, SYS_RECV, EP3, IPC_POLL), E_BAD_CAP);
	assert_int_equal(hk_call(hk_thread, SYS_RECV, EP, IPC_POLL), E_WOULD_BLOCK);
}

static void rights_only_shrink_on_copy_and_move(void **state)
{
	struct endpoint *ep = hk_endpoint_new(EP);

	(void)state;
	assert_int_equal(copy(EP, EP2, R_READ | R_WRITE, 0, 0), E_OK);
	assert_int_equal(hk_cap(hk_task, EP2)->c_rights, R_READ | R_WRITE);
	/* Asking for every right from the narrowed copy gives no more. */
	assert_int_equal(copy(EP2, EP3, R_ALL, 0, 0), E_OK);
	assert_int_equal(hk_cap(hk_task, EP3)->c_rights, R_READ | R_WRITE);
	assert_int_equal(hk_call(hk_thread, SYS_CAP_IDENTIFY, EP3), E_OK);
	assert_int_equal(hk_thread->t_frame.rsi, R_READ | R_WRITE);
	/* Nor can the narrowed copy destroy the endpoint. */
	assert_int_equal(hk_call(hk_thread, SYS_OBJ_DESTROY, EP3), E_NO_RIGHTS);
	assert_true(ep->ep_obj.ko_live);
	/* A move narrows too, empties the source and takes no reference. */
	assert_int_equal(ep->ep_obj.ko_refs, 3);
	assert_int_equal(hk_call(hk_thread, SYS_CAP_DELETE, EP2), E_OK);
	assert_int_equal(copy(EP3, EP2, R_WRITE, 0, CAP_COPY_MOVE), E_OK);
	assert_int_equal(hk_cap(hk_task, EP3)->c_type, CAP_EMPTY);
	assert_int_equal(hk_cap(hk_task, EP2)->c_rights, R_WRITE);
	assert_int_equal(ep->ep_obj.ko_refs, 2);
}

static void badge_is_set_once(void **state)
{
	(void)state;
	hk_endpoint_new(EP);
	assert_int_equal(copy(EP, EP2, R_WRITE, 0x40, CAP_COPY_BADGE), E_OK);
	assert_int_equal(hk_cap(hk_task, EP2)->c_word, 0x40);
	assert_int_equal(copy(EP2, EP3, R_WRITE, 0x80, CAP_COPY_BADGE), E_BAD_ARG);
	assert_int_equal(hk_cap(hk_task, EP3)->c_type, CAP_EMPTY);
	/* A plain copy keeps the badge. */
	assert_int_equal(copy(EP2, EP3, R_WRITE, 0, 0), E_OK);
	assert_int_equal(hk_cap(hk_task, EP3)->c_word, 0x40);
	assert_int_equal(copy(BOOT_SLOT_POOL, 30, R_ALL, 1, CAP_COPY_BADGE), E_BAD_ARG);
}

static void copy_into_full_slot_fails_and_changes_nothing(void **state)
{
	struct endpoint *ep = hk_endpoint_new(EP);
	struct cap before;

	(void)state;
	hk_endpoint_new(EP2);
	before = *hk_cap(hk_task, EP2);
	assert_int_equal(copy(EP, EP2, R_ALL, 0, 0), E_SLOT_FULL);
	assert_int_equal(copy(EP, EP, R_ALL, 0, CAP_COPY_MOVE), E_SLOT_FULL);
	assert_int_equal(copy(EP, CAP_SLOTS, R_ALL, 0, 0), E_BAD_CAP);
	assert_int_equal(copy(EP, CAP_NULL, R_ALL, 0, 0), E_BAD_CAP); /* slot 0 stays empty */
	assert_int_equal(copy(EP3, 30, R_ALL, 0, 0), E_BAD_CAP);
	assert_int_equal(ep->ep_obj.ko_refs, 1);
	assert_memory_equal(hk_cap(hk_task, EP2), &before, sizeof(before));
	assert_int_equal(hk_cap(hk_task, 30)->c_type, CAP_EMPTY);
}

/* A second task X with a thread and the first task's pool: what X makes,
 * X owns. */
static struct thread *second_task(void)
{
	assert_int_equal(hk_call(hk_thread, SYS_TASK_CREATE, BOOT_SLOT_POOL, TASK), E_OK);
	assert_int_equal(hk_call(hk_thread, SYS_THREAD_CREATE, TASK, BOOT_SLOT_POOL, THR, HK_BUF_BASE), E_OK);
	assert_int_equal(hk_call(hk_thread, SYS_THREAD_START, THR, HK_ENTRY, HK_STACK, 0), E_OK);
	assert_int_equal(hk_call(hk_thread, SYS_CAP_COPY, BOOT_SLOT_POOL, TASK, 3, R_ALL, 0, 0), E_OK);
	assert_int_equal(hk_call(hk_thread, SYS_CAP_COPY, BOOT_SLOT_TASK, TASK, 1, R_ALL, 0, 0), E_OK);
	return &threads[hk_cap(hk_task, THR)->c_obj];
}

static void owner_death_destroys_what_it_made_despite_other_holders(void **state)
{
	struct thread *x = second_task();
	struct task *xt = x->t_task;
	struct endpoint *ep;

	(void)state;
	/* X makes an endpoint and gives the first task a capability to it. */
	assert_int_equal(hk_call(x, SYS_ENDPOINT_CREATE, 3, 5), E_OK);
	ep = &endpoints[hk_cap(xt, 5)->c_obj];
	assert_int_equal(ep->ep_obj.ko_owner, task_index(xt));
	assert_int_equal(hk_call(x, SYS_CAP_COPY, 5, 1, EP, R_ALL, 0, 0), E_OK);
	assert_int_equal(ep->ep_obj.ko_refs, 2);
	/* The first task makes one too and gives X a capability to it. */
	hk_endpoint_new(EP2);
	assert_int_equal(hk_call(hk_thread, SYS_CAP_COPY, EP2, TASK, 6, R_ALL, 0, 0), E_OK);

	assert_ptr_equal(hk_sys(hk_thread, SYS_OBJ_DESTROY, TASK), hk_thread);
	assert_int_equal(hk_result(hk_thread), E_OK);
	assert_false(xt->t_obj.ko_live);
	assert_int_equal(x->t_state, TS_FREE);
	/* X's endpoint died with X, though the first task still held it. */
	assert_false(ep->ep_obj.ko_live);
	assert_false(cap_is_live(hk_cap(hk_task, EP)));
	/* The first task's endpoint lost X's reference and lives on. */
	assert_true(cap_is_live(hk_cap(hk_task, EP2)));
	assert_int_equal(endpoints[hk_cap(hk_task, EP2)->c_obj].ep_obj.ko_refs, 1);
}

static void tasks_holding_each_other_die_with_their_owner(void **state)
{
	struct thread *x = second_task();
	struct task *xt = x->t_task, *yt;

	(void)state;
	/* X makes Y; X and Y hold capabilities to each other and to
	 * themselves, and the first task holds none to Y. */
	assert_int_equal(hk_call(x, SYS_TASK_CREATE, 3, 7), E_OK);
	yt = &tasks[hk_cap(xt, 7)->c_obj];
	assert_int_equal(hk_call(x, SYS_CAP_COPY, 7, 7, 1, R_ALL, 0, 0), E_OK);
	assert_int_equal(hk_call(hk_thread, SYS_CAP_COPY, TASK, TASK, 8, R_ALL, 0, 0), E_OK);
	assert_int_equal(hk_call(x, SYS_CAP_COPY, 8, 7, 2, R_ALL, 0, 0), E_OK);
	assert_int_equal(yt->t_obj.ko_refs, 2);
	/* Dropping every capability the first task has to X leaves the
	 * cycle alive (references alone would keep it for ever)... */
	assert_int_equal(hk_call(hk_thread, SYS_CAP_DELETE, TASK), E_OK);
	assert_true(xt->t_obj.ko_live);
	assert_true(yt->t_obj.ko_live);
	/* ...until its owner goes. Then X and Y both go, Y as X's. */
	kobj_destroy(&hk_task->t_obj);
	kobj_reap();
	assert_false(xt->t_obj.ko_live);
	assert_false(yt->t_obj.ko_live);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(name) cmocka_unit_test_setup_teardown(name, hk_setup, hk_teardown)
		T(capabilities_count_references_and_last_one_destroys),
		T(last_capability_dooms_and_reap_destroys),
		T(stale_capability_stops_matching_after_destroy),
		T(lookup_tells_bad_cap_wrong_type_and_no_rights_apart),
		T(rights_only_shrink_on_copy_and_move),
		T(badge_is_set_once),
		T(copy_into_full_slot_fails_and_changes_nothing),
		T(owner_death_destroys_what_it_made_despite_other_holders),
		T(tasks_holding_each_other_die_with_their_owner),
#undef T
	};

	return cmocka_run_group_tests_name("cap", tests, hk_boot, hk_shutdown);
}
