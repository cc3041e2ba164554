/* Page-table walking over an 8 MiB heap arena that stands in for physical
 * memory: direct_map_offset points at it and the table pages come from a
 * frame pool over it. The arena starts full of junk so that a table page
 * left unzeroed shows up as present entries. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "frame.h"
#include "vm.h"

#define ARENA_SIZE   ((size_t)8 << 20)
#define ARENA_FRAMES (ARENA_SIZE / FRAME_SIZE)
/* Frames kept out of the pool, so that no table lands at address 0. */
#define LOW_FRAMES   16

static uint8_t *arena;
static struct frame_pool pool;
static paddr_t root;

static int arena_setup(void **state)
{
	uint64_t *bitmap = malloc(frame_bitmap_bytes(ARENA_FRAMES));

	(void)state;
	arena = aligned_alloc(FRAME_SIZE, ARENA_SIZE);
	if (!arena || !bitmap)
		return -1;
	memset(arena, 0xa5, ARENA_SIZE);
	direct_map_offset = (uintptr_t)arena;
	frame_pool_init(&pool, bitmap, ARENA_FRAMES);
	frame_pool_add(&pool, LOW_FRAMES * FRAME_SIZE, ARENA_SIZE);
	return vm_root_alloc(&pool, &root) ? 0 : -1;
}

static int arena_teardown(void **state)
{
	(void)state;
	free(pool.fp_bitmap);
	free(arena);
	arena = NULL;
	direct_map_offset = 0;
	return 0;
}

/* The table index of va at level (4 for the PML4 down to 1 for the page
 * table), from the SDM rather than from vm.c. */
static unsigned idx(uintptr_t va, int level)
{
	return (unsigned)(va >> (3 + 9 * level)) & 511;
}

/* The entry for va at level, read straight out of the tables, or NULL when
 * a table on the way is missing or a large page ends the walk above it. */
static pte_t *entry(uintptr_t va, int level)
{
	pte_t *table = pa_to_va(root);

	for (int l = 4; l > level; l--) {
		pte_t e = table[idx(va, l)];

		if (!(e & PTE_P) || (e & PTE_PS))
			return NULL;
		table = pa_to_va(e & PTE_ADDR);
	}
	return &table[idx(va, level)];
}

static void assert_mapped(uintptr_t va, paddr_t want_pa, uint64_t want_flags, uint64_t want_size)
{
	paddr_t pa = 0;
	uint64_t flags = 0, size = 0;

	assert_true(vm_lookup(root, va, &pa, &flags, &size));
	assert_int_equal(pa, want_pa);
	assert_int_equal(flags, want_flags);
	assert_int_equal(size, want_size);
}

static void assert_unmapped(uintptr_t va)
{
	paddr_t pa;
	uint64_t flags, size;

	assert_false(vm_lookup(root, va, &pa, &flags, &size));
}

static void new_root_table_is_empty(void **state)
{
	struct frame_pool empty;
	uint64_t bitmap[1];
	size_t before = frame_free_count(&pool);
	paddr_t other;
	const pte_t *t;

	(void)state;
	assert_true(vm_root_alloc(&pool, &other));
	assert_true(other != root);
	assert_int_equal(frame_free_count(&pool), before - 1);
	t = pa_to_va(other);
	for (size_t i = 0; i < PT_ENTRIES; i++)
		assert_int_equal(t[i], 0);
	t = pa_to_va(root);
	for (size_t i = 0; i < PT_ENTRIES; i++)
		assert_int_equal(t[i], 0);
	frame_pool_init(&empty, bitmap, 64);
	assert_false(vm_root_alloc(&empty, &other));
}

static void mapped_4k_page_is_found(void **state)
{
	const uintptr_t va = 0x400000;
	const uint64_t flags = PTE_W | PTE_U | PTE_NX;

	(void)state;
	assert_int_equal(vm_map(&pool, root, va, 0x123000, PAGE_4K, flags), VM_OK);
	assert_mapped(va, 0x123000, flags | PTE_P, PAGE_4K);
	assert_mapped(va + 0xabc, 0x123abc, flags | PTE_P, PAGE_4K);
	assert_mapped(va + 0xfff, 0x123fff, flags | PTE_P, PAGE_4K);
	assert_unmapped(va - PAGE_4K);
	assert_unmapped(va + PAGE_4K);
}

static void present_bit_is_implied_and_other_flags_kept(void **state)
{
	const uint64_t odd = PTE_PWT | PTE_PCD | PTE_G | PTE_NX;

	(void)state;
	assert_int_equal(vm_map(&pool, root, 0x1000, 0x7000, PAGE_4K, 0), VM_OK);
	assert_mapped(0x1000, 0x7000, PTE_P, PAGE_4K);
	assert_int_equal(vm_map(&pool, root, 0x2000, 0xfee00000, PAGE_4K, odd), VM_OK);
	assert_mapped(0x2000, 0xfee00000, odd | PTE_P, PAGE_4K);
}

static void tables_follow_the_x86_layout(void **state)
{
	const uintptr_t va = 3ULL << 39 | 5ULL << 30 | 7ULL << 21 | 9ULL << 12;
	const pte_t *pml4 = pa_to_va(root), *pdpt, *pd, *pt;

	(void)state;
	assert_int_equal(vm_map(&pool, root, va, 0x5000, PAGE_4K, PTE_W), VM_OK);
	for (size_t i = 0; i < PT_ENTRIES; i++)
		assert_int_equal(pml4[i] & PTE_P, i == 3);
	assert_int_equal(pml4[3] & ~PTE_ADDR, PTE_P | PTE_W);
	pdpt = pa_to_va(pml4[3] & PTE_ADDR);
	for (size_t i = 0; i < PT_ENTRIES; i++)
		assert_int_equal(pdpt[i] & PTE_P, i == 5);
	pd = pa_to_va(pdpt[5] & PTE_ADDR);
	for (size_t i = 0; i < PT_ENTRIES; i++)
		assert_int_equal(pd[i] & PTE_P, i == 7);
	assert_int_equal(pd[7] & PTE_PS, 0);
	pt = pa_to_va(pd[7] & PTE_ADDR);
	for (size_t i = 0; i < PT_ENTRIES; i++)
		assert_int_equal(pt[i], i == 9 ? 0x5000 | PTE_W | PTE_P : 0);
	/* The top of the kernel half: PML4 slot 511, PDPT slot 510. */
	assert_int_equal(vm_map(&pool, root, KERNEL_VMA + 0x3000, 0x200000, PAGE_4K, PTE_W), VM_OK);
	assert_true(pml4[511] & PTE_P);
	assert_non_null(entry(KERNEL_VMA, 1));
	assert_int_equal(*entry(KERNEL_VMA + 0x3000, 1), 0x200000 | PTE_W | PTE_P);
	assert_mapped(KERNEL_VMA + 0x3008, 0x200008, PTE_W | PTE_P, PAGE_4K);
}

static void lookup_of_unmapped_address_fails(void **state)
{
	(void)state;
	assert_unmapped(0);
	assert_unmapped(0x400000);
	assert_unmapped(KERNEL_VMA);
	assert_int_equal(vm_map(&pool, root, 0x400000, 0x9000, PAGE_4K, PTE_W), VM_OK);
	assert_unmapped(0x401000);   /* same page table */
	assert_unmapped(0x600000);   /* same directory, no page table */
	assert_unmapped(0x40400000); /* same PDPT, no directory */
	assert_unmapped(1ULL << 39); /* next PML4 slot */
	assert_unmapped(0x400000 + (1ULL << 39));
	assert_mapped(0x400000, 0x9000, PTE_W | PTE_P, PAGE_4K);
}

static void mapping_twice_gives_exists(void **state)
{
	size_t before;

	(void)state;
	assert_int_equal(vm_map(&pool, root, 0x400000, 0x9000, PAGE_4K, PTE_W), VM_OK);
	before = frame_free_count(&pool);
	assert_int_equal(vm_map(&pool, root, 0x400000, 0xa000, PAGE_4K, PTE_W), VM_EXISTS);
	assert_int_equal(vm_map(&pool, root, 0x400000, 0x9000, PAGE_4K, PTE_W), VM_EXISTS);
	assert_int_equal(vm_map(&pool, root, 0x400000, 0x9000, PAGE_4K, PTE_W | PTE_U), VM_EXISTS);
	assert_int_equal(frame_free_count(&pool), before);
	assert_mapped(0x400000, 0x9000, PTE_W | PTE_P, PAGE_4K);
}

static void misaligned_address_or_unknown_size_gives_bad_args(void **state)
{
	size_t before = frame_free_count(&pool);

	(void)state;
	assert_int_equal(vm_map(&pool, root, 0x400800, 0x1000, PAGE_4K, 0), VM_BAD_ARGS);
	assert_int_equal(vm_map(&pool, root, 0x400000, 0x1001, PAGE_4K, 0), VM_BAD_ARGS);
	assert_int_equal(vm_map(&pool, root, 0x401000, 0x200000, PAGE_2M, 0), VM_BAD_ARGS);
	assert_int_equal(vm_map(&pool, root, 0x400000, 0x201000, PAGE_2M, 0), VM_BAD_ARGS);
	assert_int_equal(vm_map(&pool, root, 0x40200000, 0x40000000, PAGE_1G, 0), VM_BAD_ARGS);
	assert_int_equal(vm_map(&pool, root, 0x40000000, 0x200000, PAGE_1G, 0), VM_BAD_ARGS);
	assert_int_equal(vm_map(&pool, root, 0x400000, 0x2000, 0, 0), VM_BAD_ARGS);
	assert_int_equal(vm_map(&pool, root, 0x400000, 0x2000, 2 * PAGE_4K, 0), VM_BAD_ARGS);
	assert_int_equal(vm_map(&pool, root, 0x400000, 0x200000, PAGE_4K | PAGE_2M, 0), VM_BAD_ARGS);
	assert_int_equal(vm_map(&pool, root, 0, 0, 1ULL << 39, 0), VM_BAD_ARGS);
	/* Checked before any table is made. */
	assert_int_equal(frame_free_count(&pool), before);
	assert_unmapped(0x400000);
	assert_unmapped(0x40000000);
	assert_unmapped(0);
}

static void large_2m_page_is_found_with_offset(void **state)
{
	const uintptr_t va = 0x40000000 + 3 * PAGE_2M;
	size_t before = frame_free_count(&pool);

	(void)state;
	assert_int_equal(vm_map(&pool, root, va, 0x600000, PAGE_2M, PTE_W), VM_OK);
	/* A PDPT and a directory; no page table. */
	assert_int_equal(frame_free_count(&pool), before - 2);
	assert_mapped(va, 0x600000, PTE_W | PTE_P | PTE_PS, PAGE_2M);
	assert_mapped(va + 0x12345, 0x612345, PTE_W | PTE_P | PTE_PS, PAGE_2M);
	assert_mapped(va + PAGE_2M - 1, 0x600000 + PAGE_2M - 1, PTE_W | PTE_P | PTE_PS, PAGE_2M);
	assert_int_equal(*entry(va, 2), 0x600000 | PTE_W | PTE_P | PTE_PS);
	assert_unmapped(va - 1);
	assert_unmapped(va + PAGE_2M);
}

static void huge_1g_page_is_found_with_offset(void **state)
{
	/* Only the tables live in the arena; the page itself can be anywhere. */
	const uintptr_t va = 3 * PAGE_1G;
	const paddr_t pa = 5 * PAGE_1G;
	size_t before = frame_free_count(&pool);

	(void)state;
	assert_int_equal(vm_map(&pool, root, va, pa, PAGE_1G, PTE_W | PTE_NX), VM_OK);
	assert_int_equal(frame_free_count(&pool), before - 1);
	assert_mapped(va + 0x3456789, pa + 0x3456789, PTE_W | PTE_NX | PTE_P | PTE_PS, PAGE_1G);
	assert_mapped(va + PAGE_1G - 1, pa + PAGE_1G - 1, PTE_W | PTE_NX | PTE_P | PTE_PS, PAGE_1G);
	assert_int_equal(*entry(va, 3), pa | PTE_W | PTE_NX | PTE_P | PTE_PS);
	assert_unmapped(va - 1);
	assert_unmapped(va + PAGE_1G);
}

static void map_inside_or_over_another_size_gives_exists(void **state)
{
	const uintptr_t big = 0x40000000, huge = 2 * PAGE_1G, small = 0x800000;
	size_t before;

	(void)state;
	assert_int_equal(vm_map(&pool, root, big, 0x200000, PAGE_2M, PTE_W), VM_OK);
	assert_int_equal(vm_map(&pool, root, huge, 0, PAGE_1G, PTE_W), VM_OK);
	assert_int_equal(vm_map(&pool, root, small, 0x3000, PAGE_4K, PTE_W), VM_OK);
	before = frame_free_count(&pool);
	/* Smaller pages under larger ones. */
	assert_int_equal(vm_map(&pool, root, big + 0x5000, 0x5000, PAGE_4K, PTE_W), VM_EXISTS);
	assert_int_equal(vm_map(&pool, root, huge + PAGE_2M, 0x200000, PAGE_2M, PTE_W), VM_EXISTS);
	assert_int_equal(vm_map(&pool, root, huge + 0x7000, 0x7000, PAGE_4K, PTE_W), VM_EXISTS);
	/* Larger pages over tables of smaller ones. */
	assert_int_equal(vm_map(&pool, root, small & ~(PAGE_2M - 1), 0, PAGE_2M, PTE_W), VM_EXISTS);
	assert_int_equal(vm_map(&pool, root, 0, 0, PAGE_1G, PTE_W), VM_EXISTS);
	assert_int_equal(frame_free_count(&pool), before);
	assert_mapped(big + 0x5000, 0x205000, PTE_W | PTE_P | PTE_PS, PAGE_2M);
	assert_mapped(huge + PAGE_2M, PAGE_2M, PTE_W | PTE_P | PTE_PS, PAGE_1G);
	assert_mapped(small, 0x3000, PTE_W | PTE_P, PAGE_4K);
	assert_unmapped(small + PAGE_4K);
}

static void intermediate_tables_are_user_only_for_user_leaves(void **state)
{
	const uintptr_t kern = 0x400000, user = 0x80001000;

	(void)state;
	assert_int_equal(vm_map(&pool, root, kern, 0x1000, PAGE_4K, PTE_W), VM_OK);
	for (int level = 4; level >= 2; level--)
		assert_int_equal(*entry(kern, level) & (PTE_P | PTE_W | PTE_U), PTE_P | PTE_W);
	/* Sharing only the PML4 entry with the kernel page. */
	assert_int_equal(vm_map(&pool, root, user, 0x2000, PAGE_4K, PTE_U), VM_OK);
	for (int level = 4; level >= 2; level--)
		assert_int_equal(*entry(user, level) & (PTE_P | PTE_W | PTE_U), PTE_P | PTE_W | PTE_U);
	assert_int_equal(*entry(kern, 3) & PTE_U, 0);
	assert_int_equal(*entry(kern, 2) & PTE_U, 0);
	/* A user page next to the kernel one opens the path, not the leaf. */
	assert_int_equal(vm_map(&pool, root, kern + PAGE_4K, 0x3000, PAGE_4K, PTE_U | PTE_W), VM_OK);
	for (int level = 4; level >= 2; level--)
		assert_true(*entry(kern, level) & PTE_U);
	assert_mapped(kern, 0x1000, PTE_W | PTE_P, PAGE_4K);
	assert_mapped(kern + PAGE_4K, 0x3000, PTE_U | PTE_W | PTE_P, PAGE_4K);
	/* Large kernel pages keep their path closed too. */
	assert_int_equal(vm_map(&pool, root, KERNEL_VMA, 0, PAGE_2M, PTE_W | PTE_G), VM_OK);
	assert_int_equal(*entry(KERNEL_VMA, 4) & PTE_U, 0);
	assert_int_equal(*entry(KERNEL_VMA, 3) & PTE_U, 0);
}

/* Takes every free frame into held[]; returns how many. */
static size_t take_all_frames(paddr_t *held)
{
	size_t n = 0;

	while (frame_alloc(&pool, &held[n]))
		n++;
	return n;
}

static void running_out_of_frames_gives_no_memory_and_maps_nothing(void **state)
{
	static paddr_t held[ARENA_FRAMES];
	size_t nheld;

	(void)state;
	nheld = take_all_frames(held);
	assert_true(nheld > 8);
	/* A page in an empty PML4 slot needs three tables; give it 0, 1, 2. */
	for (unsigned k = 0; k < 3; k++) {
		uintptr_t va = (uintptr_t)(k + 1) << 39;

		for (unsigned i = 0; i < k; i++)
			frame_free(&pool, held[--nheld]);
		assert_int_equal(vm_map(&pool, root, va, 0x1000, PAGE_4K, PTE_W), VM_NO_MEMORY);
		assert_int_equal(frame_free_count(&pool), 0);
		assert_unmapped(va);
	}
	/* A 2 MiB page needs two. */
	frame_free(&pool, held[--nheld]);
	assert_int_equal(vm_map(&pool, root, 4ULL << 39, 0, PAGE_2M, PTE_W), VM_NO_MEMORY);
	assert_unmapped(4ULL << 39);
	/* The tables made on the way stay: one more frame finishes the last. */
	frame_free(&pool, held[--nheld]);
	assert_int_equal(vm_map(&pool, root, 3ULL << 39, 0x1000, PAGE_4K, PTE_W), VM_OK);
	assert_int_equal(frame_free_count(&pool), 0);
	assert_mapped(3ULL << 39, 0x1000, PTE_W | PTE_P, PAGE_4K);
	assert_unmapped(1ULL << 39);
	assert_unmapped(2ULL << 39);
	while (nheld)
		frame_free(&pool, held[--nheld]);
}

static void maps_in_one_region_share_page_tables(void **state)
{
	const uintptr_t va = 0x400000;
	size_t free0 = frame_free_count(&pool);

	(void)state;
	assert_int_equal(vm_map(&pool, root, va, 0x1000, PAGE_4K, PTE_W), VM_OK);
	assert_int_equal(frame_free_count(&pool), free0 - 3);
	assert_int_equal(vm_map(&pool, root, va + PAGE_4K, 0x2000, PAGE_4K, PTE_W), VM_OK);
	assert_int_equal(vm_map(&pool, root, va + PAGE_2M - PAGE_4K, 0x3000, PAGE_4K, PTE_W), VM_OK);
	assert_int_equal(frame_free_count(&pool), free0 - 3);
	assert_ptr_equal(entry(va, 1) + 1, entry(va + PAGE_4K, 1));
	assert_ptr_equal(entry(va, 1) + 511, entry(va + PAGE_2M - PAGE_4K, 1));
	/* Next 2 MiB: a page table; next GiB: a directory too; next 512 GiB:
	 * a PDPT as well. */
	assert_int_equal(vm_map(&pool, root, va + PAGE_2M, 0x4000, PAGE_4K, PTE_W), VM_OK);
	assert_int_equal(frame_free_count(&pool), free0 - 4);
	assert_int_equal(vm_map(&pool, root, va + PAGE_1G, 0x5000, PAGE_4K, PTE_W), VM_OK);
	assert_int_equal(frame_free_count(&pool), free0 - 6);
	assert_int_equal(vm_map(&pool, root, va + (1ULL << 39), 0x6000, PAGE_4K, PTE_W), VM_OK);
	assert_int_equal(frame_free_count(&pool), free0 - 9);
	assert_mapped(va + PAGE_4K, 0x2000, PTE_W | PTE_P, PAGE_4K);
	assert_mapped(va + PAGE_2M - PAGE_4K, 0x3000, PTE_W | PTE_P, PAGE_4K);
	assert_mapped(va + PAGE_2M, 0x4000, PTE_W | PTE_P, PAGE_4K);
	assert_mapped(va + PAGE_1G, 0x5000, PTE_W | PTE_P, PAGE_4K);
	assert_mapped(va + (1ULL << 39), 0x6000, PTE_W | PTE_P, PAGE_4K);
}

#define ARENA_TEST(f) cmocka_unit_test_setup_teardown(f, arena_setup, arena_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		ARENA_TEST(new_root_table_is_empty),
		ARENA_TEST(mapped_4k_page_is_found),
		ARENA_TEST(present_bit_is_implied_and_other_flags_kept),
		ARENA_TEST(tables_follow_the_x86_layout),
		ARENA_TEST(lookup_of_unmapped_address_fails),
		ARENA_TEST(mapping_twice_gives_exists),
		ARENA_TEST(misaligned_address_or_unknown_size_gives_bad_args),
		ARENA_TEST(large_2m_page_is_found_with_offset),
		ARENA_TEST(huge_1g_page_is_found_with_offset),
		ARENA_TEST(map_inside_or_over_another_size_gives_exists),
		ARENA_TEST(intermediate_tables_are_user_only_for_user_leaves),
		ARENA_TEST(running_out_of_frames_gives_no_memory_and_maps_nothing),
		ARENA_TEST(maps_in_one_region_share_page_tables),
	};

	return cmocka_run_group_tests_name("vm", tests, NULL, NULL);
}
