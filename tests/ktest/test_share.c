/* Shared buffers: a task lends pages it maps, others map them, and the
 * loan ends (obj_destroy, the last capability, the lender dying) with
 * every borrower's mapping gone. */
#include "harness.h"

static long load_from(uint64_t addr)
{
	return (long)kt_load(addr);
}

static long store_to(uint64_t addr)
{
	kt_store(addr, 0x99);
	return 0;
}

/* Two frames mapped side by side: a range that no one frame covers. */
static long two_frames(volatile uint64_t **va)
{
	uint64_t a, b, at = vspace_alloc(2 * PAGE_SIZE, PAGE_SIZE);
	long e;

	if ((e = kt_frame(1, &a)) || (e = kt_frame(1, &b)) ||
	    (e = sys_mem_map(BOOT_SLOT_TASK, a, at, R_READ | R_WRITE, 0, 0)) ||
	    (e = vspace_log(at, 1, a, 0)) ||
	    (e = sys_mem_map(BOOT_SLOT_TASK, b, at + PAGE_SIZE, R_READ | R_WRITE, 0, 0)) ||
	    (e = vspace_log(at + PAGE_SIZE, 1, b, 0)))
		return e;
	*va = (volatile uint64_t *)at;
	return E_OK;
}

/* Maps a share into our task at fresh addresses (logged, so unmapped
 * after the test). */
static long map_share(uint64_t share, uint64_t rights, uint64_t first, uint64_t pages, volatile uint64_t **va)
{
	uint64_t at = vspace_alloc(2 * PAGE_SIZE, PAGE_SIZE);
	long e = sys_mem_map(BOOT_SLOT_TASK, share, at, rights, first, pages);

	if (e == E_OK)
		e = vspace_log(at, pages ? pages : 2, share, 0);
	*va = (volatile uint64_t *)at;
	return e;
}

/* A load from va by a thread of ours faults, as from unmapped memory. */
static int load_faults(volatile uint64_t *va)
{
	uint64_t ep, thread;
	struct kt_fault f;

	CHECK_OK(kt_endpoint(&ep));
	CHECK_OK(kt_thread(load_from, (uint64_t)va, HELPER_PRIO, ep, &thread));
	CHECK_OK(kt_fault_recv(ep, KT_WAIT_MS, &f));
	CHECK_FAULT(f, FAULT_PAGE, kt_load_insn);
	CHECK_EQ(f.kf_addr, (uint64_t)va);
	CHECK_EQ(f.kf_code & PF_PRESENT, 0);
	return 0;
}

int test_share_lends_pages_and_takes_them_back(void)
{
	uint64_t share = kt_slot(), ro, fault, pool, left0, left, free0, free1;
	volatile uint64_t *own, *rw, *view;
	struct cap_info ci;
	struct kt_helper h;
	struct kt_fault f;

	CHECK_OK(two_frames(&own));
	own[0] = 0x1111;
	own[512] = 0x2222;
	CHECK_OK(kt_pool(4, &pool));
	kt_pool_state(pool, &left0, &free0);
	CHECK_OK(sys_share_create(pool, share, (uint64_t)own, 2, R_READ | R_WRITE));
	kt_pool_state(pool, &left, &free1);
	CHECK_EQ(left, left0 - 1); /* the page list */
	CHECK_OK(sys_cap_identify_out(share, &ci));
	CHECK_EQ(ci.ci_type, CAP_SHARE);
	CHECK_EQ(ci.ci_rights, R_READ | R_WRITE | R_GRANT | R_CONTROL);
	CHECK_EQ(ci.ci_badge, 2);
	/* A borrower writes through its own mapping; the lender sees it. */
	CHECK_OK(map_share(share, R_READ | R_WRITE, 0, 0, &rw));
	CHECK_EQ(rw[512], 0x2222);
	rw[0] = 0x3333;
	CHECK_EQ(own[0], 0x3333);
	/* Another task maps the second page read-only, through a copy
	 * without R_CONTROL, and reads it. */
	CHECK_OK(kt_copy(share, R_READ, 0, &ro));
	CHECK_OK(kt_endpoint(&fault));
	CHECK_OK(kt_helper_start(&h, &(struct kt_helper_opts){ .ho_role = ROLE_READ,
	                                                       .ho_param = HELPER_MAP_VADDR,
	                                                       .ho_fault_ep = fault,
	                                                       .ho_stopped = true }));
	CHECK_ERR(sys_mem_map(h.kh_sp.sp_task, ro, HELPER_MAP_VADDR, R_READ | R_WRITE, 1, 1), E_NO_RIGHTS);
	CHECK_OK(sys_mem_map(h.kh_sp.sp_task, ro, HELPER_MAP_VADDR, R_READ, 1, 1));
	CHECK_OK(spawn_start(&h.kh_sp, h.kh_arg));
	CHECK_OK(kt_fault_recv(fault, KT_WAIT_MS, &f));
	CHECK_EQ(f.kf_kind, FAULT_EXIT);
	CHECK_EQ(f.kf_code, 0x2222);
	CHECK_ERR(sys_obj_destroy(ro), E_NO_RIGHTS);
	/* Taken back: the borrower's mapping faults, the lender keeps its
	 * pages, and the page list goes back to the pool. */
	CHECK_OK(map_share(share, R_READ, 1, 1, &view));
	CHECK_EQ(view[0], 0x2222);
	CHECK_OK(sys_obj_destroy(share));
	if (load_faults(rw) || load_faults(view))
		return -1;
	CHECK_EQ(own[0], 0x3333);
	CHECK_EQ(own[512], 0x2222);
	kt_pool_state(pool, &left, &free1);
	CHECK_EQ(left, left0);
	CHECK_OK(sys_cap_identify_out(ro, &ci));
	CHECK_EQ(ci.ci_type, CAP_EMPTY);
	CHECK_ERR(sys_mem_map(BOOT_SLOT_TASK, ro, vspace_alloc(PAGE_SIZE, PAGE_SIZE), R_READ, 0, 0),
	          E_BAD_CAP);
	return 0;
}

int test_share_refuses_what_it_cannot_lend(void)
{
	uint64_t share = kt_slot(), s = kt_slot(), frame, ro, dev, pool, ep;
	uint64_t gap = vspace_alloc(PAGE_SIZE, PAGE_SIZE);
	volatile uint64_t *own, *rp, *m[SHARE_MAX_MAPS + 1];

	CHECK_OK(two_frames(&own));
	CHECK_OK(kt_endpoint(&ep));
	CHECK_ERR(sys_share_create(BOOT_SLOT_POOL, s, (uint64_t)own + 8, 1, R_READ), E_BAD_ARG);
	CHECK_ERR(sys_share_create(BOOT_SLOT_POOL, s, (uint64_t)own, 0, R_READ), E_BAD_ARG);
	CHECK_ERR(sys_share_create(BOOT_SLOT_POOL, s, (uint64_t)own, SHARE_MAX_PAGES + 1, R_READ), E_BAD_ARG);
	CHECK_ERR(sys_share_create(BOOT_SLOT_POOL, s, (uint64_t)own, 1, R_WRITE), E_BAD_ARG);
	CHECK_ERR(sys_share_create(BOOT_SLOT_POOL, s, (uint64_t)own, 1, R_READ | R_EXEC), E_BAD_ARG);
	CHECK_ERR(sys_share_create(BOOT_SLOT_POOL, s, (uint64_t)own, 3, R_READ), E_NOT_FOUND);
	CHECK_ERR(sys_share_create(BOOT_SLOT_POOL, s, gap, 1, R_READ), E_NOT_FOUND);
	CHECK_ERR(sys_share_create(BOOT_SLOT_POOL, s, USER_TOP - PAGE_SIZE, 2, R_READ), E_NOT_FOUND);
	CHECK_ERR(sys_share_create(BOOT_SLOT_POOL, s, ~0xFFFULL, 1, R_READ), E_NOT_FOUND);
	CHECK_ERR(sys_share_create(ep, s, (uint64_t)own, 1, R_READ), E_WRONG_TYPE);
	CHECK_ERR(sys_share_create(BOOT_SLOT_POOL, ep, (uint64_t)own, 1, R_READ), E_SLOT_FULL);
	/* What we may only read cannot be lent writable. */
	CHECK_OK(kt_frame(1, &frame));
	CHECK_OK(kt_map(frame, 1, R_READ, &rp));
	CHECK_ERR(sys_share_create(BOOT_SLOT_POOL, s, (uint64_t)rp, 1, R_READ | R_WRITE), E_NO_RIGHTS);
	CHECK_OK(sys_share_create(BOOT_SLOT_POOL, s, (uint64_t)rp, 1, R_READ));
	/* Device memory is nobody's to lend. */
	dev = kt_slot();
	CHECK_OK(sys_mem_device(BOOT_SLOT_DEVMEM, dev, 0xB0000000ULL, 1));
	CHECK_OK(kt_map(dev, 1, R_READ, &rp));
	CHECK_ERR(sys_share_create(BOOT_SLOT_POOL, kt_slot(), (uint64_t)rp, 1, R_READ), E_NO_RIGHTS);
	/* Borrowed pages cannot be lent on: the share itself is passed. */
	CHECK_OK(sys_share_create(BOOT_SLOT_POOL, share, (uint64_t)own, 2, R_READ));
	CHECK_OK(map_share(share, R_READ, 0, 0, &m[0]));
	CHECK_ERR(sys_share_create(BOOT_SLOT_POOL, kt_slot(), (uint64_t)m[0], 1, R_READ), E_NO_RIGHTS);
	/* Mapping: rights, parts and places. */
	CHECK_OK(kt_copy(share, R_READ | R_GRANT, 0, &ro));
	CHECK_ERR(sys_mem_map(BOOT_SLOT_TASK, share, gap, R_READ | R_WRITE, 0, 0), E_NO_RIGHTS);
	CHECK_ERR(sys_mem_map(BOOT_SLOT_TASK, share, gap, R_READ | R_EXEC, 0, 0), E_NO_RIGHTS);
	CHECK_ERR(sys_mem_map(BOOT_SLOT_TASK, share, gap, R_READ, 2, 0), E_BAD_ARG);
	CHECK_ERR(sys_mem_map(BOOT_SLOT_TASK, share, gap, R_READ, 1, 2), E_BAD_ARG);
	CHECK_ERR(sys_mem_map(BOOT_SLOT_TASK, share, gap, R_READ, 0, 3), E_BAD_ARG);
	CHECK_ERR(sys_mem_map(BOOT_SLOT_TASK, share, (uint64_t)own, R_READ, 0, 0), E_EXISTS);
	for (unsigned i = 1; i < SHARE_MAX_MAPS; i++)
		CHECK_OK(map_share(ro, R_READ, 0, 0, &m[i]));
	CHECK_ERR(map_share(ro, R_READ, 0, 0, &m[SHARE_MAX_MAPS]), E_LIMIT);
	/* A place whose pages were all unmapped is free again. */
	CHECK_OK(sys_mem_unmap(BOOT_SLOT_TASK, (uint64_t)m[1], 2));
	CHECK_OK(map_share(ro, R_READ, 1, 1, &m[SHARE_MAX_MAPS]));
	CHECK_EQ(m[SHARE_MAX_MAPS][0], own[512]);
	/* A pool's quota of shares, and of pages for the page list. */
	CHECK_OK(kt_pool_with(1, POOL_OBJECTS(0, 0, 0, 0, 0), &pool));
	CHECK_ERR(sys_share_create(pool, kt_slot(), (uint64_t)own, 1, R_READ), E_LIMIT);
	CHECK_OK(kt_pool_with(0, POOL_OBJECTS(0, 0, 0, 0, 1), &pool));
	CHECK_ERR(sys_share_create(pool, kt_slot(), (uint64_t)own, 1, R_READ), E_NO_MEMORY);
	return 0;
}

/* The last capability going takes the pages back like obj_destroy. */
int test_share_ends_with_its_last_capability(void)
{
	uint64_t share = kt_slot(), copy;
	volatile uint64_t *own, *view;

	CHECK_OK(two_frames(&own));
	own[1] = 0x55;
	CHECK_OK(sys_share_create(BOOT_SLOT_POOL, share, (uint64_t)own, 1, R_READ));
	CHECK_OK(kt_copy(share, R_READ, 0, &copy));
	CHECK_OK(map_share(copy, R_READ, 0, 0, &view));
	CHECK_EQ(view[1], 0x55);
	CHECK_OK(sys_cap_delete(share));
	CHECK_EQ(view[1], 0x55); /* the copy still holds it */
	CHECK_OK(sys_cap_delete(copy));
	return load_faults(view);
}

/* A lender that dies takes its pages with it: the borrower's mapping
 * faults, and the pages are freed once nothing maps them. */
int test_a_task_that_dies_while_sharing_takes_its_pages_back(void)
{
	uint64_t ep, wait, fault, pool, left0, left, free_frames;
	volatile uint64_t *view;
	struct kt_helper h;
	struct msg m;

	CHECK_OK(kt_endpoint(&ep));
	CHECK_OK(kt_endpoint(&wait));
	CHECK_OK(kt_endpoint(&fault));
	CHECK_OK(kt_pool(16, &pool));
	kt_pool_state(pool, &left0, &free_frames);
	struct spawn_cap caps[] = { { ep, HSLOT_EP, R_WRITE | R_GRANT, 0 },
		                    { wait, HSLOT_EP3, R_READ, 0 },
		                    { pool, HSLOT_POOL, R_READ | R_WRITE, 0 } };
	CHECK_OK(kt_helper_start(&h, &(struct kt_helper_opts){ .ho_role = ROLE_LEND,
	                                                       .ho_param = R_READ | R_WRITE,
	                                                       .ho_fault_ep = fault,
	                                                       .ho_caps = caps,
	                                                       .ho_ncaps = 3,
	                                                       .ho_shared = true }));
	h.kh_shared->hs_counter = 0xABCD;
	CHECK_OK(ipc_recv(ep, KT_WAIT_MS, &m));
	CHECK_EQ(msg_label(&m), LABEL_LENT);
	CHECK_OK((long)m.w[0]);
	CHECK_EQ(MSGINFO_CAPS(m.info), 1);
	kt_pool_state(pool, &left, &free_frames);
	CHECK_EQ(left, left0 - 1);
	CHECK_OK(map_share(m.caps[0], R_READ | R_WRITE, 0, 0, &view));
	CHECK_EQ(((volatile struct helper_shared *)view)->hs_counter, 0xABCD);
	spawn_destroy(&h.kh_sp);
	if (load_faults(view))
		return -1;
	kt_pool_state(pool, &left, &free_frames);
	CHECK_EQ(left, left0);
	return 0;
}

static volatile uint64_t spins;

static long spin_load(uint64_t addr)
{
	for (;;) {
		kt_load(addr);
		spins++;
	}
	return 0;
}

/* A borrower thread reading the page in a loop (its translation cached)
 * is preempted by the lender, which takes the page back: the borrower's
 * very next load faults, and the page goes back to the pool. */
int test_a_borrower_spinning_on_a_lent_page_faults_once_it_is_revoked(void)
{
	uint64_t share = kt_slot(), frame, ep, thread, left, free0, free1, seen;
	volatile uint64_t *own, *view;
	struct kt_fault f;

	CHECK_OK(kt_endpoint(&ep));
	CHECK_OK(kt_page(1, &frame, &own));
	own[0] = 0x77;
	CHECK_OK(sys_share_create(BOOT_SLOT_POOL, share, (uint64_t)own, 1, R_READ));
	CHECK_OK(map_share(share, R_READ, 0, 0, &view));
	spins = 0;
	CHECK_OK(kt_thread(spin_load, (uint64_t)view, HELPER_PRIO, ep, &thread));
	kt_sleep(20);
	seen = spins;
	CHECK(seen > 0);
	kt_pool_state(BOOT_SLOT_POOL, &left, &free0);
	CHECK_OK(sys_obj_destroy(share));
	CHECK_OK(kt_fault_recv(ep, KT_WAIT_MS, &f));
	CHECK_FAULT(f, FAULT_PAGE, kt_load_insn);
	CHECK_EQ(f.kf_addr, (uint64_t)view);
	CHECK_EQ(f.kf_code & PF_PRESENT, 0);
	CHECK(spins - seen <= 1); /* at most the load it was preempted after */
	CHECK_EQ(own[0], 0x77);
	/* Once we let go of it too, the page and the page list are free. */
	CHECK_OK(sys_mem_unmap(BOOT_SLOT_TASK, (uint64_t)own, 1));
	CHECK_OK(sys_cap_delete(frame));
	kt_pool_state(BOOT_SLOT_POOL, &left, &free1);
	CHECK_EQ(free1, free0 + 2);
	return 0;
}

/* A borrower stopped in a fault of the lent page (a write to a read-only
 * loan) is resumed after the loan ended: it faults again, on a page that
 * is no longer there. */
int test_a_borrower_stopped_in_a_fault_finds_the_page_gone(void)
{
	uint64_t share = kt_slot(), ep, thread;
	volatile uint64_t *own, *view;
	struct kt_fault f;

	CHECK_OK(two_frames(&own));
	CHECK_OK(kt_endpoint(&ep));
	CHECK_OK(sys_share_create(BOOT_SLOT_POOL, share, (uint64_t)own, 2, R_READ));
	CHECK_OK(map_share(share, R_READ, 0, 0, &view));
	CHECK_OK(kt_thread(store_to, (uint64_t)&view[512], HELPER_PRIO, ep, &thread));
	CHECK_OK(kt_fault_recv(ep, KT_WAIT_MS, &f));
	CHECK_FAULT(f, FAULT_PAGE, kt_store_insn);
	CHECK_EQ(f.kf_addr, (uint64_t)&view[512]);
	CHECK_EQ(f.kf_code & (PF_PRESENT | PF_WRITE), PF_PRESENT | PF_WRITE);
	CHECK_OK(sys_obj_destroy(share));
	CHECK_OK(kt_fault_resume());
	CHECK_OK(kt_fault_recv(ep, KT_WAIT_MS, &f));
	CHECK_FAULT(f, FAULT_PAGE, kt_store_insn);
	CHECK_EQ(f.kf_addr, (uint64_t)&view[512]);
	CHECK_EQ(f.kf_code & PF_PRESENT, 0);
	CHECK_EQ(own[512], 0);
	return 0;
}

/* What the kernel mapped for us at boot lends as its mapping allows: the
 * boot information and our code read-only, our message buffer writable;
 * boot modules (pages outside the pools) not at all. */
int test_boot_pages_lend_only_as_mapped(void)
{
	uint64_t info = kt_slot(), code = kt_slot(), buf = kt_slot(), s = kt_slot();
	uint64_t text = (uint64_t)test_boot_pages_lend_only_as_mapped & ~(uint64_t)(PAGE_SIZE - 1);
	const struct boot_module_info *m = &kt_bi->bi_modules[0];
	volatile uint64_t *v;

	CHECK(kt_bi->bi_nmodules >= 1);
	CHECK_ERR(sys_share_create(BOOT_SLOT_POOL, s, m->bm_vaddr & ~(uint64_t)(PAGE_SIZE - 1), 1, R_READ),
	          E_NO_RIGHTS);
	CHECK_ERR(sys_share_create(BOOT_SLOT_POOL, s, BOOT_INFO_VADDR, 1, R_READ | R_WRITE), E_NO_RIGHTS);
	CHECK_OK(sys_share_create(BOOT_SLOT_POOL, info, BOOT_INFO_VADDR, 1, R_READ));
	CHECK_OK(map_share(info, R_READ, 0, 0, &v));
	CHECK_EQ(((const volatile struct boot_info *)v)->bi_nmodules, kt_bi->bi_nmodules);
	CHECK_ERR(sys_share_create(BOOT_SLOT_POOL, s, text, 1, R_READ | R_WRITE), E_NO_RIGHTS);
	CHECK_OK(sys_share_create(BOOT_SLOT_POOL, code, text, 1, R_READ));
	CHECK_ERR(
	        sys_mem_map(BOOT_SLOT_TASK, code, vspace_alloc(PAGE_SIZE, PAGE_SIZE), R_READ | R_EXEC, 0, 0),
	        E_NO_RIGHTS);
	CHECK_OK(map_share(code, R_READ, 0, 0, &v));
	CHECK_EQ(v[0], *(const volatile uint64_t *)text);
	CHECK_OK(sys_share_create(BOOT_SLOT_POOL, buf, BOOT_IPC_BUFFER, 1, R_READ | R_WRITE));
	CHECK_OK(map_share(buf, R_READ | R_WRITE, 0, 0, &v));
	CHECK_EQ(v[0], *(const volatile uint64_t *)BOOT_IPC_BUFFER);
	/* Taken back, all of it stays ours and working. */
	CHECK_OK(sys_obj_destroy(info));
	CHECK_OK(sys_obj_destroy(code));
	CHECK_OK(sys_obj_destroy(buf));
	CHECK_EQ(((const volatile struct boot_info *)BOOT_INFO_VADDR)->bi_nmodules, kt_bi->bi_nmodules);
	return load_faults(v);
}

/* Shares fill the kernel's table: the pools' quota says no before the
 * table runs out, and every entry comes back with the tasks holding them. */
int test_shares_run_out_by_quota_and_all_come_back(void)
{
	uint64_t holder[3] = { kt_slot(), kt_slot(), kt_slot() }, tmp = kt_slot(), objects, after, left0, mid,
	         left, f0, f1;
	volatile uint64_t *own;
	unsigned made = 0, quota;
	long e;

	CHECK_OK(two_frames(&own));
	CHECK_OK(sys_pool_objects_out(BOOT_SLOT_POOL, &objects));
	kt_pool_state(BOOT_SLOT_POOL, &left0, &f0);
	CHECK_OK(sys_task_create(BOOT_SLOT_POOL, holder[0]));
	CHECK_OK(sys_task_create(BOOT_SLOT_POOL, holder[1]));
	CHECK_OK(sys_task_create(BOOT_SLOT_POOL, holder[2]));
	kt_pool_state(BOOT_SLOT_POOL, &mid, &f1);
	quota = POOL_OBJ_COUNT(objects, POOL_OBJ_SHARE);
	CHECK(quota > 0 && quota <= 3 * 200);
	while ((e = sys_share_create(BOOT_SLOT_POOL, tmp, (uint64_t)own, 2, R_READ)) == E_OK) {
		CHECK_OK(sys_cap_copy(tmp, holder[made / 200], 1 + made % 200, R_ALL, 0, CAP_COPY_MOVE));
		made++;
		CHECK(made <= quota);
	}
	CHECK_ERR(e, E_LIMIT);
	CHECK_EQ(made, quota);
	CHECK_OK(sys_pool_objects_out(BOOT_SLOT_POOL, &after));
	CHECK_EQ(POOL_OBJ_COUNT(after, POOL_OBJ_SHARE), 0);
	kt_pool_state(BOOT_SLOT_POOL, &left, &f1);
	CHECK_EQ(mid - left, made); /* a page list each */
	CHECK_OK(sys_obj_destroy(holder[0]));
	CHECK_OK(sys_obj_destroy(holder[1]));
	CHECK_OK(sys_obj_destroy(holder[2]));
	CHECK_OK(sys_pool_objects_out(BOOT_SLOT_POOL, &after));
	CHECK_EQ(after, objects);
	kt_pool_state(BOOT_SLOT_POOL, &left, &f1);
	CHECK_EQ(left, left0);
	CHECK_EQ(f1, f0);
	CHECK_OK(sys_share_create(BOOT_SLOT_POOL, tmp, (uint64_t)own, 2, R_READ));
	return 0;
}
