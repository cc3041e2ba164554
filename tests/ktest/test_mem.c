/* Memory: pools, allocating frames, mapping and unmapping them, physical
 * addresses, device memory and page faults on mappings. */
#include "harness.h"

int test_mem_alloc_gives_zeroed_writable_pages(void)
{
	uint64_t frame, left0, left1, free0, free1;
	volatile uint64_t *p;

	kt_pool_state(BOOT_SLOT_POOL, &left0, &free0);
	CHECK_OK(kt_frame(3, &frame));
	kt_pool_state(BOOT_SLOT_POOL, &left1, &free1);
	CHECK_EQ(left1, left0 - 3);
	CHECK_MSG(free1 <= free0 - 3, "free frames went from %lu to %lu", free0, free1);
	CHECK_OK(kt_map(frame, 3, R_READ | R_WRITE, &p));
	for (unsigned i = 0; i < 3 * 512; i++)
		CHECK_MSG(p[i] == 0, "word %u of a new frame is %#lx", i, p[i]);
	for (unsigned i = 0; i < 3 * 512; i++)
		p[i] = i * 0x9E3779B97F4A7C15ULL;
	for (unsigned i = 0; i < 3 * 512; i++)
		CHECK_EQ(p[i], i * 0x9E3779B97F4A7C15ULL);
	return 0;
}

int test_mem_alloc_checks_its_arguments(void)
{
	uint64_t s = kt_slot(), small, weak, frame, ep;

	CHECK_OK(kt_pool(2, &small));
	CHECK_OK(kt_endpoint(&ep));
	CHECK_OK(kt_frame(1, &frame));
	CHECK_OK(kt_copy(BOOT_SLOT_POOL, R_READ | R_WRITE, 0, &weak));
	CHECK_ERR(sys_mem_alloc(BOOT_SLOT_POOL, s, 0, 0), E_BAD_ARG);
	CHECK_ERR(sys_mem_alloc(BOOT_SLOT_POOL, s, 1, 1 << 7), E_BAD_ARG);
	CHECK_ERR(sys_mem_alloc(ep, s, 1, 0), E_WRONG_TYPE);
	CHECK_ERR(sys_mem_alloc(kt_slot(), s, 1, 0), E_BAD_CAP);
	CHECK_ERR(sys_mem_alloc(BOOT_SLOT_POOL, frame, 1, 0), E_SLOT_FULL);
	CHECK_ERR(sys_mem_alloc(BOOT_SLOT_POOL, s, MEM_MAX_PAGES + 1, 0), E_BAD_ARG);
	CHECK_ERR(sys_mem_alloc(BOOT_SLOT_POOL, s, 1ULL << 40, 0), E_BAD_ARG);
	CHECK_ERR(sys_mem_alloc(small, s, 3, 0), E_NO_MEMORY);
	CHECK_ERR(sys_mem_alloc(weak, s, 1, MEM_DMA), E_NO_RIGHTS);
	/* DMA takes its own right: R_CONTROL (splitting the pool) is not it. */
	CHECK_OK(kt_copy(BOOT_SLOT_POOL, R_READ | R_WRITE | R_CONTROL, 0, &weak));
	CHECK_ERR(sys_mem_alloc(weak, s, 1, MEM_DMA), E_NO_RIGHTS);
	CHECK_OK(kt_copy(BOOT_SLOT_POOL, R_WRITE | R_DMA, 0, &weak));
	CHECK_OK(sys_mem_alloc(weak, s, 1, MEM_DMA));
	CHECK_OK(sys_cap_delete(s));
	CHECK_OK(sys_mem_alloc(small, s, 2, 0));
	return 0;
}

int test_pool_quota_runs_out_and_comes_back(void)
{
	uint64_t pool, frames[16], left, free_frames;
	unsigned n;

	CHECK_OK(kt_pool(16, &pool));
	for (n = 0; n < 16; n++) {
		frames[n] = kt_slot();
		CHECK_OK(sys_mem_alloc(pool, frames[n], 1, 0));
	}
	CHECK_ERR(sys_mem_alloc(pool, kt_slot(), 1, 0), E_NO_MEMORY);
	kt_pool_state(pool, &left, &free_frames);
	CHECK_EQ(left, 0);
	while (n--)
		CHECK_OK(sys_cap_delete(frames[n]));
	kt_pool_state(pool, &left, &free_frames);
	CHECK_EQ(left, 16);
	return 0;
}

int test_pool_split_moves_quota_and_returns_it(void)
{
	uint64_t pool, frame = kt_slot(), left0, left, child_left, free_frames, ep;

	CHECK_OK(kt_endpoint(&ep));
	kt_pool_state(BOOT_SLOT_POOL, &left0, &free_frames);
	CHECK_OK(kt_pool(10, &pool));
	kt_pool_state(BOOT_SLOT_POOL, &left, &free_frames);
	CHECK_EQ(left, left0 - 10);
	kt_pool_state(pool, &child_left, &free_frames);
	CHECK_EQ(child_left, 10);
	CHECK_OK(sys_mem_alloc(pool, frame, 4, 0));
	kt_pool_state(pool, &child_left, &free_frames);
	CHECK_EQ(child_left, 6);
	CHECK_OK(sys_cap_delete(frame));
	CHECK_OK(sys_cap_delete(pool));
	kt_pool_state(BOOT_SLOT_POOL, &left, &free_frames);
	CHECK_EQ(left, left0);
	CHECK_ERR(sys_pool_split(BOOT_SLOT_POOL, kt_slot(), left0 + 1, 0), E_NO_MEMORY);
	CHECK_ERR(sys_pool_split(ep, kt_slot(), 1, 0), E_WRONG_TYPE);
	CHECK_ERR(sys_pool_split(BOOT_SLOT_POOL, ep, 1, 0), E_SLOT_FULL);
	return 0;
}

int test_pool_info_reports_quota_and_free_frames(void)
{
	uint64_t left, free_frames, ep;

	CHECK_OK(sys_pool_info_out(BOOT_SLOT_POOL, &left, &free_frames));
	CHECK(left > 0 && left <= kt_bi->bi_pool_pages);
	CHECK(free_frames > 0);
	CHECK_OK(kt_endpoint(&ep));
	CHECK_ERR(sys_pool_info_out(ep, &left, &free_frames), E_WRONG_TYPE);
	CHECK_ERR(sys_pool_info_out(kt_slot(), &left, &free_frames), E_BAD_CAP);
	return 0;
}

/* Only a MEM_DMA frame carries R_CONTROL, and so its physical address. */
int test_mem_phys_tells_only_dma_frames_their_address(void)
{
	uint64_t dma = kt_slot(), plain, weak, ep, pa, pages;
	struct cap_info ci;

	CHECK_OK(sys_mem_alloc(BOOT_SLOT_POOL, dma, 4, MEM_DMA));
	CHECK_OK(sys_cap_identify_out(dma, &ci));
	CHECK_EQ(ci.ci_rights, R_READ | R_WRITE | R_EXEC | R_GRANT | R_CONTROL);
	CHECK_OK(sys_mem_phys_out(dma, &pa, &pages));
	CHECK_EQ(pages, 4);
	CHECK(pa != 0 && pa % PAGE_SIZE == 0);
	CHECK_OK(kt_frame(1, &plain));
	CHECK_OK(sys_cap_identify_out(plain, &ci));
	CHECK_EQ(ci.ci_rights, R_READ | R_WRITE | R_EXEC | R_GRANT);
	CHECK_ERR(sys_mem_phys_out(plain, &pa, &pages), E_NO_RIGHTS);
	CHECK_OK(kt_copy(dma, R_READ | R_WRITE, 0, &weak));
	CHECK_ERR(sys_mem_phys_out(weak, &pa, &pages), E_NO_RIGHTS);
	CHECK_OK(kt_endpoint(&ep));
	CHECK_ERR(sys_mem_phys_out(ep, &pa, &pages), E_WRONG_TYPE);
	return 0;
}

int test_mem_map_checks_its_arguments(void)
{
	uint64_t frame, two, ro, ep, va = vspace_alloc(4 * PAGE_SIZE, PAGE_SIZE);
	volatile uint64_t *p;

	CHECK_OK(kt_frame(1, &frame));
	CHECK_OK(kt_frame(2, &two));
	CHECK_OK(kt_endpoint(&ep));
	CHECK_OK(kt_copy(frame, R_READ, 0, &ro));
	CHECK_ERR(sys_mem_map(BOOT_SLOT_TASK, frame, va + 8, R_READ, 0, 0), E_BAD_ARG);
	CHECK_ERR(sys_mem_map(BOOT_SLOT_TASK, frame, va, 0, 0, 0), E_BAD_ARG);
	CHECK_ERR(sys_mem_map(BOOT_SLOT_TASK, frame, va, R_WRITE, 0, 0), E_BAD_ARG);
	CHECK_ERR(sys_mem_map(BOOT_SLOT_TASK, frame, va, R_READ | R_GRANT, 0, 0), E_BAD_ARG);
	CHECK_ERR(sys_mem_map(BOOT_SLOT_TASK, frame, USER_TOP, R_READ, 0, 0), E_BAD_ARG);
	CHECK_ERR(sys_mem_map(BOOT_SLOT_TASK, two, USER_TOP - PAGE_SIZE, R_READ, 0, 0), E_BAD_ARG);
	CHECK_ERR(sys_mem_map(BOOT_SLOT_TASK, frame, 0xFFFF800000000000ULL, R_READ, 0, 0), E_BAD_ARG);
	CHECK_ERR(sys_mem_map(ep, frame, va, R_READ, 0, 0), E_WRONG_TYPE);
	CHECK_ERR(sys_mem_map(BOOT_SLOT_TASK, ep, va, R_READ, 0, 0), E_WRONG_TYPE);
	CHECK_ERR(sys_mem_map(BOOT_SLOT_TASK, kt_slot(), va, R_READ, 0, 0), E_BAD_CAP);
	CHECK_ERR(sys_mem_map(BOOT_SLOT_TASK, ro, va, R_READ | R_WRITE, 0, 0), E_NO_RIGHTS);
	CHECK_OK(sys_mem_map(BOOT_SLOT_TASK, frame, va, R_READ | R_WRITE, 0, 0));
	CHECK_OK(vspace_log(va, 1, frame, 0));
	CHECK_ERR(sys_mem_map(BOOT_SLOT_TASK, two, va, R_READ, 0, 0), E_EXISTS);
	CHECK_OK(kt_map(ro, 1, R_READ, &p));
	return 0;
}

static long load_from_part_end(uint64_t addr)
{
	return (long)kt_load(addr);
}

/* mem_map of a part of a frame: pages first .. first + pages - 1, the
 * rest of it not at all; parts past the frame's end are refused. */
int test_mem_map_maps_part_of_a_frame(void)
{
	uint64_t frame, va = vspace_alloc(4 * PAGE_SIZE, PAGE_SIZE), out;
	volatile uint64_t *whole, *part = (volatile uint64_t *)va;
	struct kt_fault f;
	uint64_t fault, thread;

	CHECK_OK(kt_page(4, &frame, &whole));
	for (unsigned i = 0; i < 4; i++)
		whole[i * PAGE_SIZE / 8] = 0x70 + i;
	CHECK_ERR(sys_mem_map(BOOT_SLOT_TASK, frame, va, R_READ, 4, 0), E_BAD_ARG);
	CHECK_ERR(sys_mem_map(BOOT_SLOT_TASK, frame, va, R_READ, 3, 2), E_BAD_ARG);
	CHECK_ERR(sys_mem_map(BOOT_SLOT_TASK, frame, va, R_READ, 1, ~0ULL), E_BAD_ARG);
	CHECK_ERR(sys_mem_map(BOOT_SLOT_TASK, frame, va, R_READ, ~0ULL, 1), E_BAD_ARG);
	CHECK_OK(sys_mem_map(BOOT_SLOT_TASK, frame, va, R_READ, 1, 2));
	CHECK_OK(vspace_log(va, 2, frame, 0));
	CHECK_EQ(part[0], 0x71);
	CHECK_EQ(part[PAGE_SIZE / 8], 0x72);
	/* Nothing past the part: the page after it is not mapped. */
	CHECK_OK(kt_endpoint(&fault));
	uint64_t tx;
	CHECK_OK(kt_copy(fault, R_WRITE, 0x5A, &tx));
	CHECK_OK(kt_thread(load_from_part_end, va + 2 * PAGE_SIZE, HELPER_PRIO, tx, &thread));
	CHECK_OK(kt_fault_recv(fault, KT_WAIT_MS, &f));
	CHECK_EQ(f.kf_kind, FAULT_PAGE);
	CHECK_EQ(f.kf_addr, va + 2 * PAGE_SIZE);
	CHECK_OK(sys_mem_unmap_out(BOOT_SLOT_TASK, va, 4, &out));
	CHECK_EQ(out, 2);
	/* The last page alone, to the end with pages 0. */
	CHECK_OK(sys_mem_map(BOOT_SLOT_TASK, frame, va, R_READ, 3, 0));
	CHECK_EQ(part[0], 0x73);
	CHECK_OK(sys_mem_unmap_out(BOOT_SLOT_TASK, va, 4, &out));
	CHECK_EQ(out, 1);
	return 0;
}

static long store_to(uint64_t addr)
{
	kt_store(addr, 1);
	return 0;
}

static long load_from(uint64_t addr)
{
	return (long)kt_load(addr);
}

int test_read_only_mapping_faults_on_write(void)
{
	uint64_t frame, ep, thread;
	volatile uint64_t *p;
	struct kt_fault f;

	CHECK_OK(kt_frame(1, &frame));
	CHECK_OK(kt_map(frame, 1, R_READ, &p));
	CHECK_EQ(p[0], 0);
	CHECK_OK(kt_endpoint(&ep));
	CHECK_OK(kt_thread(store_to, (uint64_t)p, HELPER_PRIO, ep, &thread));
	CHECK_OK(kt_fault_recv(ep, KT_WAIT_MS, &f));
	CHECK_FAULT(f, FAULT_PAGE, kt_store_insn);
	CHECK_EQ(f.kf_addr, (uint64_t)p);
	CHECK_EQ(f.kf_code & (PF_PRESENT | PF_WRITE | PF_USER), PF_PRESENT | PF_WRITE | PF_USER);
	CHECK_EQ(p[0], 0);
	return 0;
}

static long store_and_exit(uint64_t addr)
{
	kt_store(addr, 0x77);
	return 0;
}

int test_fault_handler_maps_page_and_retries(void)
{
	uint64_t frame, va = vspace_alloc(PAGE_SIZE, PAGE_SIZE);
	struct kt_joinable j;
	struct kt_fault f;
	long status;

	CHECK_OK(kt_frame(1, &frame));
	CHECK_OK(kt_spawn(store_and_exit, va, HELPER_PRIO, &j));
	CHECK_OK(kt_fault_recv(j.kj_fault_ep, KT_WAIT_MS, &f));
	CHECK_FAULT(f, FAULT_PAGE, kt_store_insn);
	CHECK_EQ(f.kf_addr, va);
	CHECK_EQ(f.kf_code & (PF_PRESENT | PF_WRITE), PF_WRITE);
	CHECK_OK(sys_mem_map(BOOT_SLOT_TASK, frame, va, R_READ | R_WRITE, 0, 0));
	CHECK_OK(vspace_log(va, 1, frame, 0));
	CHECK_OK(kt_fault_resume());
	CHECK_OK(kt_join(&j, &status));
	CHECK_EQ(*(volatile uint64_t *)va, 0x77);
	return 0;
}

int test_mem_unmap_removes_mappings(void)
{
	uint64_t frame, n, ep, thread;
	volatile uint64_t *p;
	struct kt_fault f;

	CHECK_OK(kt_frame(2, &frame));
	CHECK_OK(kt_map(frame, 2, R_READ | R_WRITE, &p));
	p[512] = 1;
	CHECK_OK(sys_mem_unmap_out(BOOT_SLOT_TASK, (uint64_t)p, 2, &n));
	CHECK_EQ(n, 2);
	CHECK_OK(sys_mem_unmap_out(BOOT_SLOT_TASK, (uint64_t)p, 2, &n));
	CHECK_EQ(n, 0);
	CHECK_ERR(sys_mem_unmap_out(BOOT_SLOT_TASK, (uint64_t)p + 8, 1, &n), E_BAD_ARG);
	CHECK_OK(kt_endpoint(&ep));
	CHECK_ERR(sys_mem_unmap_out(ep, (uint64_t)p, 1, &n), E_WRONG_TYPE);
	CHECK_OK(kt_thread(load_from, (uint64_t)&p[512], HELPER_PRIO, ep, &thread));
	CHECK_OK(kt_fault_recv(ep, KT_WAIT_MS, &f));
	CHECK_FAULT(f, FAULT_PAGE, kt_load_insn);
	CHECK_EQ(f.kf_addr, (uint64_t)&p[512]);
	CHECK_EQ(f.kf_code & (PF_PRESENT | PF_WRITE), 0);
	return 0;
}

/* The mapping holds the frame: deleting the capability frees nothing,
 * unmapping then does. The first page of the range is mapped first so the
 * page tables exist before the quota is read. */
int test_mapping_keeps_frame_until_unmapped(void)
{
	uint64_t warm, frame, va = vspace_alloc(2 * PAGE_SIZE, PAGE_SIZE), left0, left, free_frames, n;

	CHECK_OK(kt_frame(1, &warm));
	CHECK_OK(sys_mem_map(BOOT_SLOT_TASK, warm, va, R_READ | R_WRITE, 0, 0));
	CHECK_OK(vspace_log(va, 1, warm, 0));
	kt_pool_state(BOOT_SLOT_POOL, &left0, &free_frames);
	CHECK_OK(kt_frame(1, &frame));
	CHECK_OK(sys_mem_map(BOOT_SLOT_TASK, frame, va + PAGE_SIZE, R_READ | R_WRITE, 0, 0));
	*(volatile uint64_t *)(va + PAGE_SIZE) = 0xABCD;
	CHECK_OK(sys_cap_delete(frame));
	CHECK_EQ(*(volatile uint64_t *)(va + PAGE_SIZE), 0xABCD);
	kt_pool_state(BOOT_SLOT_POOL, &left, &free_frames);
	CHECK_EQ(left, left0 - 1);
	CHECK_OK(sys_mem_unmap_out(BOOT_SLOT_TASK, va + PAGE_SIZE, 1, &n));
	kt_pool_state(BOOT_SLOT_POOL, &left, &free_frames);
	CHECK_EQ(left, left0);
	return 0;
}

int test_boot_module_is_mapped_read_only(void)
{
	const struct boot_module_info *m = &kt_bi->bi_modules[0];
	/* One page more than the size needs, in case the frame starts mid-page. */
	uint64_t pages = (m->bm_size + PAGE_SIZE - 1) / PAGE_SIZE + 1,
	         va = vspace_alloc(pages * PAGE_SIZE, PAGE_SIZE);

	CHECK(kt_bi->bi_nmodules >= 1);
	CHECK_EQ(*(const volatile uint32_t *)m->bm_vaddr, 0x464C457F); /* "\177ELF" */
	CHECK_ERR(sys_mem_map(BOOT_SLOT_TASK, m->bm_slot, va, R_READ | R_WRITE, 0, 0), E_NO_RIGHTS);
	CHECK_OK(sys_mem_map(BOOT_SLOT_TASK, m->bm_slot, va, R_READ, 0, 0));
	CHECK_OK(vspace_log(va, pages, m->bm_slot, 0));
	CHECK_EQ(*(volatile uint32_t *)(va + (m->bm_vaddr & (PAGE_SIZE - 1))), 0x464C457F);
	return 0;
}

/* q35 puts PCI express configuration space at 0xB0000000 (outside RAM);
 * its first dword is the host bridge's vendor and device id. */
int test_mem_device_maps_pci_configuration_space(void)
{
	uint64_t dev = kt_slot(), s = kt_slot(), ep;
	volatile uint64_t *p;

	CHECK_OK(kt_endpoint(&ep));
	CHECK_OK(sys_mem_device(BOOT_SLOT_DEVMEM, dev, 0xB0000000ULL, 1));
	CHECK_OK(kt_map(dev, 1, R_READ, &p));
	CHECK_EQ(*(volatile uint32_t *)p, 0x29C08086);
	CHECK_ERR(sys_mem_device(BOOT_SLOT_DEVMEM, s, 0x200000, 1), E_BAD_ARG);
	CHECK_ERR(sys_mem_device(BOOT_SLOT_DEVMEM, s, 0xB0000010ULL, 1), E_BAD_ARG);
	CHECK_ERR(sys_mem_device(BOOT_SLOT_DEVMEM, s, 0xB0000000ULL, 0), E_BAD_ARG);
	CHECK_ERR(sys_mem_device(BOOT_SLOT_POOL, s, 0xB0000000ULL, 1), E_WRONG_TYPE);
	CHECK_ERR(sys_mem_device(BOOT_SLOT_DEVMEM, ep, 0xB0000000ULL, 1), E_SLOT_FULL);
	return 0;
}
