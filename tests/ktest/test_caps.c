/* Capabilities: identify, copy (rights, badges, move), delete, destroy. */
#include "harness.h"

static int check_type(uint64_t slot, uint64_t type)
{
	struct cap_info ci;

	CHECK_OK(sys_cap_identify_out(slot, &ci));
	CHECK_MSG(ci.ci_type == type, "slot %lu holds type %lu, expected %lu", slot, ci.ci_type, type);
	return 0;
}

int test_cap_identify_describes_boot_capabilities(void)
{
	static const uint64_t want[][2] = {
		{ BOOT_SLOT_TASK, CAP_TASK },     { BOOT_SLOT_THREAD, CAP_THREAD },
		{ BOOT_SLOT_POOL, CAP_POOL },     { BOOT_SLOT_IRQ_CONTROL, CAP_IRQ_CONTROL },
		{ BOOT_SLOT_IOPORT, CAP_IOPORT }, { BOOT_SLOT_DEVMEM, CAP_DEVMEM },
	};
	struct cap_info ci;
	long e;

	for (unsigned i = 0; i < sizeof(want) / sizeof(want[0]); i++)
		if (check_type(want[i][0], want[i][1]))
			return -1;
	CHECK_OK(sys_cap_identify_out(BOOT_SLOT_TASK, &ci));
	CHECK_EQ(ci.ci_rights, R_ALL);
	for (uint64_t i = 0; i < kt_bi->bi_nmodules; i++) {
		CHECK_OK(sys_cap_identify_out(kt_bi->bi_modules[i].bm_slot, &ci));
		CHECK_EQ(ci.ci_type, CAP_FRAME);
		CHECK((ci.ci_rights & R_READ) && !(ci.ci_rights & R_WRITE));
	}
	/* Slot 0 never holds anything: it is empty or no slot at all. */
	e = sys_cap_identify_out(CAP_NULL, &ci);
	CHECK_MSG(e == E_BAD_CAP || (e == E_OK && ci.ci_type == CAP_EMPTY), "slot 0: %s, type %lu", kt_err(e),
	          ci.ci_type);
	return check_type(kt_slot(), CAP_EMPTY);
}

int test_cap_identify_refuses_slots_out_of_range(void)
{
	struct cap_info ci;

	CHECK_ERR(sys_cap_identify_out(CAP_SLOTS, &ci), E_BAD_CAP);
	CHECK_ERR(sys_cap_identify_out(~0ULL, &ci), E_BAD_CAP);
	return 0;
}

int test_cap_copy_only_removes_rights(void)
{
	uint64_t ep, a, b;
	struct cap_info ci;

	CHECK_OK(kt_endpoint(&ep));
	CHECK_OK(sys_cap_identify_out(ep, &ci));
	CHECK_EQ(ci.ci_rights, R_ALL);
	CHECK_EQ(ci.ci_badge, 0);
	CHECK_OK(kt_copy(ep, R_READ | R_WRITE, 0, &a));
	CHECK_OK(sys_cap_identify_out(a, &ci));
	CHECK_EQ(ci.ci_type, CAP_ENDPOINT);
	CHECK_EQ(ci.ci_rights, R_READ | R_WRITE);
	CHECK_OK(kt_copy(a, R_ALL, 0, &b));
	CHECK_OK(sys_cap_identify_out(b, &ci));
	CHECK_EQ(ci.ci_rights, R_READ | R_WRITE);
	return 0;
}

int test_cap_copy_badges_an_unbadged_endpoint_once(void)
{
	uint64_t ep, badged, copy, frame, s = kt_slot();
	struct cap_info ci;

	CHECK_OK(kt_endpoint(&ep));
	CHECK_OK(kt_copy(ep, R_ALL, 0x1234, &badged));
	CHECK_OK(sys_cap_identify_out(badged, &ci));
	CHECK_EQ(ci.ci_badge, 0x1234);
	/* A plain copy keeps the badge; a second badge is refused. */
	CHECK_OK(kt_copy(badged, R_WRITE, 0, &copy));
	CHECK_OK(sys_cap_identify_out(copy, &ci));
	CHECK_EQ(ci.ci_badge, 0x1234);
	CHECK_ERR(sys_cap_copy(badged, BOOT_SLOT_TASK, s, R_ALL, 0x99, CAP_COPY_BADGE), E_BAD_ARG);
	CHECK_OK(kt_frame(1, &frame));
	CHECK_ERR(sys_cap_copy(frame, BOOT_SLOT_TASK, s, R_ALL, 0x99, CAP_COPY_BADGE), E_BAD_ARG);
	return check_type(s, CAP_EMPTY);
}

int test_cap_copy_move_empties_the_source(void)
{
	uint64_t ep, dst = kt_slot();

	CHECK_OK(kt_endpoint(&ep));
	CHECK_OK(sys_cap_copy(ep, BOOT_SLOT_TASK, dst, R_ALL, 0, CAP_COPY_MOVE));
	if (check_type(ep, CAP_EMPTY))
		return -1;
	return check_type(dst, CAP_ENDPOINT);
}

int test_cap_copy_checks_its_arguments(void)
{
	uint64_t ep, other, weak_task, dst = kt_slot(), empty = kt_slot();

	CHECK_OK(kt_endpoint(&ep));
	CHECK_OK(kt_endpoint(&other));
	CHECK_OK(kt_copy(BOOT_SLOT_TASK, R_READ | R_WRITE, 0, &weak_task));
	CHECK_ERR(sys_cap_copy(empty, BOOT_SLOT_TASK, dst, R_ALL, 0, 0), E_BAD_CAP);
	CHECK_ERR(sys_cap_copy(CAP_SLOTS, BOOT_SLOT_TASK, dst, R_ALL, 0, 0), E_BAD_CAP);
	CHECK_ERR(sys_cap_copy(ep, BOOT_SLOT_TASK, other, R_ALL, 0, 0), E_SLOT_FULL);
	CHECK_ERR(sys_cap_copy(ep, BOOT_SLOT_TASK, CAP_SLOTS, R_ALL, 0, 0), E_BAD_CAP);
	CHECK_FAILS(sys_cap_copy(ep, BOOT_SLOT_TASK, CAP_NULL, R_ALL, 0, 0));
	CHECK_ERR(sys_cap_copy(ep, other, dst, R_ALL, 0, 0), E_WRONG_TYPE);
	CHECK_ERR(sys_cap_copy(ep, weak_task, dst, R_ALL, 0, 0), E_NO_RIGHTS);
	CHECK_ERR(sys_cap_copy(ep, empty, dst, R_ALL, 0, 0), E_BAD_CAP);
	return check_type(dst, CAP_EMPTY);
}

static long call_once(uint64_t ep)
{
	struct msg m;
	long e;

	msg_init(&m, LABEL_ECHO, 1);
	m.w[0] = 5;
	e = ipc_call(ep, &m);
	return e != E_OK ? e : (long)m.w[0];
}

int test_reply_capability_moves_but_never_copies(void)
{
	uint64_t ep, saved = kt_slot(), copy = kt_slot(), moved = kt_slot();
	struct kt_joinable j;
	struct msg m;
	long status;

	CHECK_OK(kt_endpoint(&ep));
	CHECK_OK(kt_spawn(call_once, ep, HELPER_PRIO, &j));
	CHECK_OK(ipc_recv(ep, KT_WAIT_MS, &m));
	CHECK_OK(sys_reply_save(saved));
	if (check_type(saved, CAP_REPLY))
		return -1;
	CHECK_FAILS(sys_cap_copy(saved, BOOT_SLOT_TASK, copy, R_ALL, 0, 0));
	CHECK_OK(sys_cap_copy(saved, BOOT_SLOT_TASK, moved, R_ALL, 0, CAP_COPY_MOVE));
	msg_init(&m, LABEL_ECHO + LABEL_ANSWER, 1);
	m.w[0] = 6;
	CHECK_OK(ipc_send(moved, &m));
	CHECK_OK(kt_join(&j, &status));
	CHECK_EQ(status, 6);
	return 0;
}

int test_cap_delete_empties_the_slot(void)
{
	uint64_t ep, copy;

	CHECK_OK(kt_endpoint(&ep));
	CHECK_OK(kt_copy(ep, R_ALL, 0, &copy));
	CHECK_OK(sys_cap_delete(copy));
	if (check_type(copy, CAP_EMPTY) || check_type(ep, CAP_ENDPOINT))
		return -1;
	CHECK_ERR(sys_cap_delete(copy), E_BAD_CAP);
	CHECK_ERR(sys_cap_delete(CAP_NULL), E_BAD_CAP);
	CHECK_ERR(sys_cap_delete(CAP_SLOTS), E_BAD_CAP);
	return 0;
}

int test_deleting_last_capability_destroys_the_object(void)
{
	uint64_t ep;
	struct kt_joinable j;
	long status;

	CHECK_OK(kt_endpoint(&ep));
	CHECK_OK(kt_spawn(kt_recv_forever, ep, HELPER_PRIO, &j));
	kt_sleep(10); /* the thread waits on ep now */
	CHECK_OK(sys_cap_delete(ep));
	CHECK_OK(kt_join(&j, &status));
	CHECK_ERR(status, E_DEAD);
	return 0;
}

int test_obj_destroy_invalidates_every_copy(void)
{
	uint64_t ep, copy;
	struct msg m;

	CHECK_OK(kt_endpoint(&ep));
	CHECK_OK(kt_copy(ep, R_ALL, 7, &copy));
	CHECK_OK(sys_obj_destroy(ep));
	if (check_type(copy, CAP_EMPTY) || check_type(ep, CAP_EMPTY))
		return -1;
	msg_init(&m, LABEL_ECHO, 0);
	CHECK_ERR(ipc_nbsend(copy, &m), E_BAD_CAP);
	CHECK_ERR(ipc_recv(ep, IPC_POLL, &m), E_BAD_CAP);
	return 0;
}

int test_obj_destroy_checks_type_and_rights(void)
{
	uint64_t ep, weak, frame, empty = kt_slot();

	CHECK_OK(kt_endpoint(&ep));
	CHECK_OK(kt_copy(ep, R_READ | R_WRITE | R_GRANT, 0, &weak));
	/* A DMA frame carries R_CONTROL, so only its type is wrong. */
	CHECK_OK(sys_mem_alloc(BOOT_SLOT_POOL, frame = kt_slot(), 1, MEM_DMA));
	CHECK_ERR(sys_obj_destroy(frame), E_WRONG_TYPE);
	CHECK_ERR(sys_obj_destroy(BOOT_SLOT_POOL), E_WRONG_TYPE);
	CHECK_ERR(sys_obj_destroy(weak), E_NO_RIGHTS);
	CHECK_ERR(sys_obj_destroy(empty), E_BAD_CAP);
	CHECK_ERR(sys_obj_destroy(CAP_SLOTS), E_BAD_CAP);
	return check_type(ep, CAP_ENDPOINT);
}

int test_destroying_a_task_stops_its_threads(void)
{
	struct kt_helper_opts o = { .ho_role = ROLE_SPIN, .ho_shared = true };
	struct kt_helper h;
	uint64_t before;

	CHECK_OK(kt_helper_start(&h, &o));
	kt_sleep(20);
	CHECK_MSG(h.kh_shared->hs_counter > 0, "the spinning helper did not run");
	CHECK_OK(sys_obj_destroy(h.kh_sp.sp_task));
	before = h.kh_shared->hs_counter;
	kt_sleep(20);
	CHECK_EQ(h.kh_shared->hs_counter, before);
	if (check_type(h.kh_sp.sp_thread, CAP_EMPTY))
		return -1;
	return check_type(h.kh_sp.sp_task, CAP_EMPTY);
}
