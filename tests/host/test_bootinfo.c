/* Multiboot parsing from fake loader structures laid out in a byte arena
 * (arena offsets stand for physical addresses), and the boot-time queries:
 * usable memory, finding room for boot data, filling the frame pool and
 * command-line options. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "bootinfo.h"

#define ARENA_SIZE (64 * 1024)

/* The loader's memory. Offset 0 is left unused so that no structure sits at
 * "physical address" 0, which multiboot uses for "no string". */
static uint8_t *arena;
static size_t arena_used;

static int arena_setup(void **state)
{
	(void)state;
	arena = malloc(ARENA_SIZE);
	if (!arena)
		return -1;
	memset(arena, 0xa5, ARENA_SIZE);
	arena_used = 16;
	return 0;
}

static int arena_teardown(void **state)
{
	(void)state;
	free(arena);
	arena = NULL;
	return 0;
}

/* Copies len bytes into the arena, 4-byte aligned as a loader would place
 * them; returns their physical address. */
static uint32_t arena_put(const void *src, size_t len)
{
	uint32_t pa = (uint32_t)arena_used;

	assert_true(arena_used + len <= ARENA_SIZE);
	memcpy(arena + pa, src, len);
	arena_used = (arena_used + len + 3) & ~(size_t)3;
	return pa;
}

static uint32_t arena_put_string(const char *s)
{
	return arena_put(s, strlen(s) + 1);
}

/* A memory map being built: entries are packed back to back, each preceded
 * by its size field as the loader lays them out. */
struct fake_mmap {
	uint8_t buf[4096];
	size_t len;
};

/* Appends an entry whose size field is size (20 for a plain entry, more for
 * extended ones, whose extra bytes are filled with junk). */
static void mmap_add_sized(struct fake_mmap *m, uint32_t size, uint64_t base, uint64_t length, uint32_t type)
{
	struct multiboot_mmap_entry e = { .size = size, .base = base, .length = length, .type = type };

	assert_true(size >= sizeof(e) - sizeof(e.size));
	assert_true(m->len + sizeof(e.size) + size <= sizeof(m->buf));
	memset(m->buf + m->len, 0xee, sizeof(e.size) + size);
	memcpy(m->buf + m->len, &e, sizeof(e));
	m->len += sizeof(e.size) + size;
}

static void mmap_add(struct fake_mmap *m, uint64_t base, uint64_t length, uint32_t type)
{
	mmap_add_sized(m, sizeof(struct multiboot_mmap_entry) - sizeof(uint32_t), base, length, type);
}

/* Puts the info structure with the map m (if any) into the arena; returns
 * the info structure's physical address. */
static uint32_t put_info(struct multiboot_info *mbi, const struct fake_mmap *m)
{
	if (m) {
		mbi->mmap_addr = arena_put(m->buf, m->len);
		mbi->mmap_length = (uint32_t)m->len;
	}
	return arena_put(mbi, sizeof(*mbi));
}

static int parse(struct boot_params *bi, uint32_t info)
{
	memset(bi, 0x5a, sizeof(*bi)); /* stale contents must not show through */
	return multiboot_parse(bi, MULTIBOOT_BOOT_MAGIC, info, (uintptr_t)arena);
}

static void assert_region(const struct boot_region *r, paddr_t start, paddr_t end, uint32_t type)
{
	assert_int_equal(r->br_start, start);
	assert_int_equal(r->br_end, end);
	assert_int_equal(r->br_type, type);
}

static void parse_copies_regions_modules_and_cmdline(void **state)
{
	struct multiboot_info mbi = { 0 };
	struct multiboot_module mods[3];
	struct fake_mmap m = { .len = 0 };
	struct boot_params bi;

	(void)state;
	mods[0] = (struct multiboot_module){ 0x200000, 0x234567, arena_put_string("init"), 0 };
	mods[1] = (struct multiboot_module){ 0x235000, 0x300000, arena_put_string("/boot/fs root=hd0"), 0 };
	mods[2] = (struct multiboot_module){ 0x300000, 0x301000, 0, 0 };
	mbi.flags =
	        MULTIBOOT_INFO_MEMORY | MULTIBOOT_INFO_CMDLINE | MULTIBOOT_INFO_MODS | MULTIBOOT_INFO_MMAP;
	mbi.cmdline = arena_put_string("kestrel console=serial");
	mbi.mods_count = 3;
	mbi.mods_addr = arena_put(mods, sizeof(mods));
	mmap_add(&m, 0, 0x9fc00, BOOT_MEM_USABLE);
	mmap_add(&m, 0x9fc00, 0x400, BOOT_MEM_RESERVED);
	mmap_add(&m, 0x100000, 0x7ee0000, BOOT_MEM_USABLE);
	mmap_add(&m, 0x7fe0000, 0x20000, BOOT_MEM_ACPI);
	mmap_add(&m, 0x100000000, 0x40000000, BOOT_MEM_USABLE);

	assert_int_equal(parse(&bi, put_info(&mbi, &m)), MULTIBOOT_OK);
	assert_int_equal(bi.bi_nmem, 5);
	assert_region(&bi.bi_mem[0], 0, 0x9fc00, BOOT_MEM_USABLE);
	assert_region(&bi.bi_mem[1], 0x9fc00, 0xa0000, BOOT_MEM_RESERVED);
	assert_region(&bi.bi_mem[2], 0x100000, 0x7fe0000, BOOT_MEM_USABLE);
	assert_region(&bi.bi_mem[3], 0x7fe0000, 0x8000000, BOOT_MEM_ACPI);
	assert_region(&bi.bi_mem[4], 0x100000000, 0x140000000, BOOT_MEM_USABLE);
	assert_int_equal(bi.bi_nmod, 3);
	assert_int_equal(bi.bi_mod[0].bm_start, 0x200000);
	assert_int_equal(bi.bi_mod[0].bm_end, 0x234567);
	assert_string_equal(bi.bi_mod[0].bm_cmdline, "init");
	assert_int_equal(bi.bi_mod[1].bm_start, 0x235000);
	assert_int_equal(bi.bi_mod[1].bm_end, 0x300000);
	assert_string_equal(bi.bi_mod[1].bm_cmdline, "/boot/fs root=hd0");
	/* A module without a string gets an empty one. */
	assert_int_equal(bi.bi_mod[2].bm_start, 0x300000);
	assert_int_equal(bi.bi_mod[2].bm_end, 0x301000);
	assert_string_equal(bi.bi_mod[2].bm_cmdline, "");
	assert_string_equal(bi.bi_cmdline, "kestrel console=serial");
}

static void missing_flags_leave_fields_empty(void **state)
{
	struct multiboot_info mbi = { 0 };
	struct fake_mmap m = { .len = 0 };
	struct boot_params bi;

	(void)state;
	/* Pointers that would parse if their flags were set. */
	mbi.flags = MULTIBOOT_INFO_MMAP;
	mbi.cmdline = arena_put_string("ignored");
	mbi.mods_count = 1;
	mbi.mods_addr = arena_put(&(struct multiboot_module){ 0x1000, 0x2000, 0, 0 },
	                          sizeof(struct multiboot_module));
	mmap_add(&m, 0x100000, 0x100000, BOOT_MEM_USABLE);
	assert_int_equal(parse(&bi, put_info(&mbi, &m)), MULTIBOOT_OK);
	assert_int_equal(bi.bi_nmem, 1);
	assert_int_equal(bi.bi_nmod, 0);
	assert_string_equal(bi.bi_cmdline, "");
}

static void bad_magic_is_rejected(void **state)
{
	struct multiboot_info mbi = { 0 };
	struct fake_mmap m = { .len = 0 };
	struct boot_params bi;
	uint32_t info;

	(void)state;
	mbi.flags = MULTIBOOT_INFO_CMDLINE | MULTIBOOT_INFO_MMAP;
	mbi.cmdline = arena_put_string("kestrel");
	mmap_add(&m, 0, 0x9fc00, BOOT_MEM_USABLE);
	info = put_info(&mbi, &m);
	memset(&bi, 0x5a, sizeof(bi));
	/* The multiboot 2 magic, and the magic a kernel puts in its header. */
	assert_int_equal(multiboot_parse(&bi, 0x36d76289, info, (uintptr_t)arena), MULTIBOOT_BAD_MAGIC);
	assert_int_equal(bi.bi_nmem, 0);
	assert_int_equal(bi.bi_nmod, 0);
	assert_string_equal(bi.bi_cmdline, "");
	assert_int_equal(multiboot_parse(&bi, 0x1BADB002, info, (uintptr_t)arena), MULTIBOOT_BAD_MAGIC);
	assert_int_equal(bi.bi_nmem, 0);
}

static void missing_mmap_still_copies_modules_and_cmdline(void **state)
{
	struct multiboot_info mbi = { 0 };
	struct multiboot_module mod = { 0x400000, 0x480000, 0, 0 };
	struct fake_mmap m = { .len = 0 };
	struct boot_params bi;

	(void)state;
	mod.string = arena_put_string("init");
	mbi.flags = MULTIBOOT_INFO_MEMORY | MULTIBOOT_INFO_CMDLINE | MULTIBOOT_INFO_MODS;
	mbi.cmdline = arena_put_string("kestrel quiet");
	mbi.mods_count = 1;
	mbi.mods_addr = arena_put(&mod, sizeof(mod));
	/* A map is there, but without its flag it must not be read. */
	mmap_add(&m, 0, 0x9fc00, BOOT_MEM_USABLE);
	assert_int_equal(parse(&bi, put_info(&mbi, &m)), MULTIBOOT_NO_MMAP);
	assert_int_equal(bi.bi_nmem, 0);
	assert_int_equal(bi.bi_nmod, 1);
	assert_int_equal(bi.bi_mod[0].bm_start, 0x400000);
	assert_int_equal(bi.bi_mod[0].bm_end, 0x480000);
	assert_string_equal(bi.bi_mod[0].bm_cmdline, "init");
	assert_string_equal(bi.bi_cmdline, "kestrel quiet");
}

static void extra_modules_are_dropped(void **state)
{
	enum { N = BOOT_MAX_MODULES + 3 };
	struct multiboot_info mbi = { 0 };
	struct multiboot_module mods[N];
	struct fake_mmap m = { .len = 0 };
	struct boot_params bi;

	(void)state;
	for (uint32_t i = 0; i < N; i++) {
		char name[16];

		snprintf(name, sizeof(name), "mod%u", i);
		mods[i] = (struct multiboot_module){ 0x100000 * (i + 1), 0x100000 * (i + 1) + 0x1000 + i,
			                             arena_put_string(name), 0 };
	}
	mbi.flags = MULTIBOOT_INFO_CMDLINE | MULTIBOOT_INFO_MODS | MULTIBOOT_INFO_MMAP;
	mbi.cmdline = arena_put_string("kestrel");
	mbi.mods_count = N;
	mbi.mods_addr = arena_put(mods, sizeof(mods));
	mmap_add(&m, 0, 0x9fc00, BOOT_MEM_USABLE);
	assert_int_equal(parse(&bi, put_info(&mbi, &m)), MULTIBOOT_OK);
	assert_int_equal(bi.bi_nmod, BOOT_MAX_MODULES);
	assert_int_equal(bi.bi_nmod_given, N); /* main.c reports the rest as ignored */
	for (uint32_t i = 0; i < BOOT_MAX_MODULES; i++) {
		char name[16];

		snprintf(name, sizeof(name), "mod%u", i);
		assert_int_equal(bi.bi_mod[i].bm_start, 0x100000 * (i + 1));
		assert_int_equal(bi.bi_mod[i].bm_end, 0x100000 * (i + 1) + 0x1000 + i);
		assert_string_equal(bi.bi_mod[i].bm_cmdline, name);
	}
	/* What follows the module array is intact. */
	assert_string_equal(bi.bi_cmdline, "kestrel");
	assert_int_equal(bi.bi_nmem, 1);
}

static void extra_regions_are_dropped(void **state)
{
	enum { N = BOOT_MAX_REGIONS + 5 };
	struct multiboot_info mbi = { 0 };
	struct fake_mmap m = { .len = 0 };
	struct boot_params bi;

	(void)state;
	for (uint64_t i = 0; i < N; i++)
		mmap_add(&m, 0x100000 * i, 0x80000, i % 2 ? BOOT_MEM_RESERVED : BOOT_MEM_USABLE);
	mbi.flags = MULTIBOOT_INFO_MMAP;
	assert_int_equal(parse(&bi, put_info(&mbi, &m)), MULTIBOOT_OK);
	assert_int_equal(bi.bi_nmem, BOOT_MAX_REGIONS);
	for (uint64_t i = 0; i < BOOT_MAX_REGIONS; i++)
		assert_region(&bi.bi_mem[i], 0x100000 * i, 0x100000 * i + 0x80000,
		              i % 2 ? BOOT_MEM_RESERVED : BOOT_MEM_USABLE);
	assert_int_equal(bi.bi_nmod, 0);
}

static void long_strings_are_cut_and_terminated(void **state)
{
	struct multiboot_info mbi = { 0 };
	struct multiboot_module mod = { 0x400000, 0x401000, 0, 0 };
	struct fake_mmap m = { .len = 0 };
	struct boot_params bi;
	char cmdline[400], name[100];

	(void)state;
	for (size_t i = 0; i < sizeof(cmdline); i++)
		cmdline[i] = (char)('a' + i % 26);
	cmdline[sizeof(cmdline) - 1] = '\0';
	memset(name, 'm', sizeof(name));
	name[sizeof(name) - 1] = '\0';
	mod.string = arena_put_string(name);
	mbi.flags = MULTIBOOT_INFO_CMDLINE | MULTIBOOT_INFO_MODS | MULTIBOOT_INFO_MMAP;
	mbi.cmdline = arena_put_string(cmdline);
	mbi.mods_count = 1;
	mbi.mods_addr = arena_put(&mod, sizeof(mod));
	mmap_add(&m, 0, 0x9fc00, BOOT_MEM_USABLE);
	assert_int_equal(parse(&bi, put_info(&mbi, &m)), MULTIBOOT_OK);
	assert_int_equal(strlen(bi.bi_cmdline), BOOT_CMDLINE_LEN - 1);
	assert_memory_equal(bi.bi_cmdline, cmdline, BOOT_CMDLINE_LEN - 1);
	assert_int_equal(strlen(bi.bi_mod[0].bm_cmdline), BOOT_NAME_LEN - 1);
	assert_memory_equal(bi.bi_mod[0].bm_cmdline, name, BOOT_NAME_LEN - 1);
	/* One that just fits is kept whole. */
	cmdline[BOOT_CMDLINE_LEN - 1] = '\0';
	mbi.cmdline = arena_put_string(cmdline);
	assert_int_equal(parse(&bi, put_info(&mbi, &m)), MULTIBOOT_OK);
	assert_string_equal(bi.bi_cmdline, cmdline);
}

static void extended_map_entries_are_stepped_over(void **state)
{
	struct multiboot_info mbi = { 0 };
	struct fake_mmap m = { .len = 0 };
	struct boot_params bi;

	(void)state;
	/* ACPI 3 entries carry 4 more bytes; some loaders pad further. */
	mmap_add_sized(&m, 24, 0, 0x9fc00, BOOT_MEM_USABLE);
	mmap_add_sized(&m, 24, 0x9fc00, 0x400, BOOT_MEM_RESERVED);
	mmap_add(&m, 0xf0000, 0x10000, BOOT_MEM_RESERVED);
	mmap_add_sized(&m, 36, 0x100000, 0x3ff00000, BOOT_MEM_USABLE);
	mmap_add_sized(&m, 24, 0xfffc0000, 0x40000, BOOT_MEM_RESERVED);
	mbi.flags = MULTIBOOT_INFO_MMAP;
	assert_int_equal(parse(&bi, put_info(&mbi, &m)), MULTIBOOT_OK);
	assert_int_equal(bi.bi_nmem, 5);
	assert_region(&bi.bi_mem[0], 0, 0x9fc00, BOOT_MEM_USABLE);
	assert_region(&bi.bi_mem[1], 0x9fc00, 0xa0000, BOOT_MEM_RESERVED);
	assert_region(&bi.bi_mem[2], 0xf0000, 0x100000, BOOT_MEM_RESERVED);
	assert_region(&bi.bi_mem[3], 0x100000, 0x40000000, BOOT_MEM_USABLE);
	assert_region(&bi.bi_mem[4], 0xfffc0000, 0x100000000, BOOT_MEM_RESERVED);
}

static void truncated_last_entry_is_not_read(void **state)
{
	struct multiboot_info mbi = { 0 };
	struct fake_mmap m = { .len = 0 };
	struct boot_params bi;

	(void)state;
	mmap_add(&m, 0, 0x9fc00, BOOT_MEM_USABLE);
	mmap_add(&m, 0x100000, 0x100000, BOOT_MEM_USABLE);
	/* mmap_length ends partway through the second entry. */
	mbi.flags = MULTIBOOT_INFO_MMAP;
	mbi.mmap_addr = arena_put(m.buf, m.len);
	mbi.mmap_length = (uint32_t)m.len - 1;
	assert_int_equal(parse(&bi, arena_put(&mbi, sizeof(mbi))), MULTIBOOT_OK);
	assert_int_equal(bi.bi_nmem, 1);
	assert_region(&bi.bi_mem[0], 0, 0x9fc00, BOOT_MEM_USABLE);
}

static void empty_and_wrapping_entries_are_skipped(void **state)
{
	struct multiboot_info mbi = { 0 };
	struct fake_mmap m = { .len = 0 };
	struct boot_params bi;

	(void)state;
	mmap_add(&m, 0x5000, 0, BOOT_MEM_USABLE);
	mmap_add(&m, 0, 0x9fc00, BOOT_MEM_USABLE);
	mmap_add(&m, 0x9fc00, 0, BOOT_MEM_RESERVED);
	mmap_add(&m, 0xffffffff00000000, 0x200000000, BOOT_MEM_RESERVED);
	mmap_add(&m, 0x100000, 0x100000, BOOT_MEM_USABLE);
	mmap_add(&m, 0x300000, 0, BOOT_MEM_USABLE);
	mbi.flags = MULTIBOOT_INFO_MMAP;
	assert_int_equal(parse(&bi, put_info(&mbi, &m)), MULTIBOOT_OK);
	assert_int_equal(bi.bi_nmem, 2);
	assert_region(&bi.bi_mem[0], 0, 0x9fc00, BOOT_MEM_USABLE);
	assert_region(&bi.bi_mem[1], 0x100000, 0x200000, BOOT_MEM_USABLE);
	/* A map with nothing but empty entries is no map. */
	m.len = 0;
	mmap_add(&m, 0x1000, 0, BOOT_MEM_USABLE);
	assert_int_equal(parse(&bi, put_info(&mbi, &m)), MULTIBOOT_NO_MMAP);
	assert_int_equal(bi.bi_nmem, 0);
}

/* Sets bi's memory map directly, for the queries. */
static void set_map(struct boot_params *bi, const struct boot_region *r, size_t n)
{
	memset(bi, 0, sizeof(*bi));
	assert_true(n <= BOOT_MAX_REGIONS);
	if (n)
		memcpy(bi->bi_mem, r, n * sizeof(*r));
	bi->bi_nmem = n;
}

static void usable_bytes_and_top_skip_holes_and_reserved(void **state)
{
	/* Out of order, with holes, and the highest region not usable. */
	static const struct boot_region map[] = {
		{ 0x100000000, 0x140000000, BOOT_MEM_USABLE }, /* the top */
		{ 0x100000, 0x7fe0000, BOOT_MEM_USABLE },
		{ 0x9f000, 0x100000, BOOT_MEM_RESERVED }, /* BIOS area */
		{ 0, 0x9f000, BOOT_MEM_USABLE },
		{ 0x7fe0000, 0x8000000, BOOT_MEM_ACPI },        /* end of low RAM */
		{ 0x140000000, 0x140001000, BOOT_MEM_BAD },     /* above the top */
		{ 0xfffc0000, 0x100000000, BOOT_MEM_RESERVED }, /* firmware */
	};
	struct boot_params bi;

	(void)state;
	set_map(&bi, map, 7);
	assert_int_equal(boot_usable_bytes(&bi), 0x9f000 + (0x7fe0000 - 0x100000) + 0x40000000);
	assert_int_equal(boot_usable_top(&bi), 0x140000000);
	set_map(&bi, map + 1, 4);
	assert_int_equal(boot_usable_bytes(&bi), 0x9f000 + (0x7fe0000 - 0x100000));
	assert_int_equal(boot_usable_top(&bi), 0x7fe0000);
	set_map(&bi, map + 4, 3);
	assert_int_equal(boot_usable_bytes(&bi), 0);
	assert_int_equal(boot_usable_top(&bi), 0);
}

/* Two usable regions, [0x1000, 0x5000) and [0x10000, 0x40000). */
static const struct boot_region two_regions[] = {
	{ 0x10000, 0x40000, BOOT_MEM_USABLE },
	{ 0x1000, 0x5000, BOOT_MEM_USABLE },
};

static void find_free_returns_lowest_fit(void **state)
{
	struct boot_params bi;
	paddr_t pa;

	(void)state;
	set_map(&bi, two_regions, 2);
	assert_true(boot_find_free(&bi, NULL, 0, 0x3000, 0, ~0ULL, &pa));
	assert_int_equal(pa, 0x1000);
	assert_true(boot_find_free(&bi, NULL, 0, 0x4000, 0, ~0ULL, &pa));
	assert_int_equal(pa, 0x1000);
	/* Too big for the first region, though the two add up. */
	assert_true(boot_find_free(&bi, NULL, 0, 0x4001, 0, ~0ULL, &pa));
	assert_int_equal(pa, 0x10000);
	assert_true(boot_find_free(&bi, NULL, 0, 0x30000, 0, ~0ULL, &pa));
	assert_int_equal(pa, 0x10000);
}

static void find_free_respects_lowest(void **state)
{
	struct boot_params bi;
	paddr_t pa;

	(void)state;
	set_map(&bi, two_regions, 2);
	assert_true(boot_find_free(&bi, NULL, 0, 0x2000, 0x2000, ~0ULL, &pa));
	assert_int_equal(pa, 0x2000);
	assert_true(boot_find_free(&bi, NULL, 0, 0x3000, 0x2000, ~0ULL, &pa));
	assert_int_equal(pa, 0x2000);
	/* Rounded up to 0x3000, where 0x3000 bytes no longer fit. */
	assert_true(boot_find_free(&bi, NULL, 0, 0x3000, 0x2001, ~0ULL, &pa));
	assert_int_equal(pa, 0x10000);
	assert_true(boot_find_free(&bi, NULL, 0, 0x1000, 0x20000, ~0ULL, &pa));
	assert_int_equal(pa, 0x20000);
	assert_false(boot_find_free(&bi, NULL, 0, 0x1000, 0x40000, ~0ULL, &pa));
}

static void find_free_respects_limit(void **state)
{
	struct boot_params bi;
	paddr_t pa = 0xdead000;

	(void)state;
	set_map(&bi, two_regions, 2);
	/* The whole block must end at or below limit. */
	assert_true(boot_find_free(&bi, NULL, 0, 0x3000, 0x5000, 0x13000, &pa));
	assert_int_equal(pa, 0x10000);
	assert_true(boot_find_free(&bi, NULL, 0, 0x4000, 0, 0x5000, &pa));
	assert_int_equal(pa, 0x1000);
	pa = 0xdead000;
	assert_false(boot_find_free(&bi, NULL, 0, 0x3000, 0x5000, 0x12fff, &pa));
	assert_false(boot_find_free(&bi, NULL, 0, 0x4000, 0, 0x4fff, &pa));
	assert_int_equal(pa, 0xdead000);
}

static void find_free_skips_avoid_ranges(void **state)
{
	static const struct boot_range avoid[] = {
		{ 0x12000, 0x13000 },
		{ 0, 0x3000 },
		{ 0x10000, 0x11800 },
	};
	struct boot_params bi;
	paddr_t pa;

	(void)state;
	set_map(&bi, two_regions, 2);
	/* [0x3000, 0x5000) is what the second range leaves of the first region. */
	assert_true(boot_find_free(&bi, avoid, 3, 0x2000, 0, ~0ULL, &pa));
	assert_int_equal(pa, 0x3000);
	/* 0x11800 rounds up to 0x12000, which is avoided too. */
	assert_true(boot_find_free(&bi, avoid, 3, 0x2001, 0, ~0ULL, &pa));
	assert_int_equal(pa, 0x13000);
	/* [0x11800, 0x12000) is free but holds no whole page. */
	assert_true(boot_find_free(&bi, avoid, 3, 0x800, 0x5000, ~0ULL, &pa));
	assert_int_equal(pa, 0x13000);
}

static void find_free_avoids_non_usable_regions_inside_usable_ones(void **state)
{
	/* Firmware maps that overlap: reserved holes inside a usable span. */
	static const struct boot_region map[] = {
		{ 0x100000, 0x800000, BOOT_MEM_USABLE },
		{ 0x100000, 0x180000, BOOT_MEM_RESERVED },
		{ 0x200000, 0x201000, BOOT_MEM_ACPI },
		{ 0x300800, 0x301000, BOOT_MEM_NVS },
	};
	struct boot_params bi;
	paddr_t pa;

	(void)state;
	set_map(&bi, map, 4);
	assert_true(boot_find_free(&bi, NULL, 0, 0x80000, 0, ~0ULL, &pa));
	assert_int_equal(pa, 0x180000);
	assert_true(boot_find_free(&bi, NULL, 0, 0x80001, 0, ~0ULL, &pa));
	assert_int_equal(pa, 0x201000);
	/* The NVS region covers only half a page; its page is still out. */
	assert_true(boot_find_free(&bi, NULL, 0, 0x1000, 0x300000, ~0ULL, &pa));
	assert_int_equal(pa, 0x301000);
	assert_true(boot_find_free(&bi, NULL, 0, 0x100000, 0x201000, ~0ULL, &pa));
	assert_int_equal(pa, 0x301000);
}

static void find_free_result_is_page_aligned(void **state)
{
	static const struct boot_region map[] = {
		{ 0x1234, 0x10000, BOOT_MEM_USABLE },
		{ 0x8000, 0x8001, BOOT_MEM_RESERVED },
	};
	static const struct boot_range avoid[] = { { 0x2000, 0x5001 } };
	struct boot_params bi;
	paddr_t pa;

	(void)state;
	set_map(&bi, map, 2);
	assert_true(boot_find_free(&bi, NULL, 0, 0x100, 0, ~0ULL, &pa));
	assert_int_equal(pa, 0x2000);
	assert_true(boot_find_free(&bi, avoid, 1, 0x100, 0, ~0ULL, &pa));
	assert_int_equal(pa, 0x6000);
	assert_true(boot_find_free(&bi, avoid, 1, 0x2001, 0, ~0ULL, &pa));
	assert_int_equal(pa, 0x9000);
	assert_true(boot_find_free(&bi, NULL, 0, 0x100, 0x7001, ~0ULL, &pa));
	assert_int_equal(pa, 0x9000);
}

static void find_free_fails_when_nothing_fits(void **state)
{
	static const struct boot_region reserved_only[] = { { 0, 0x100000, BOOT_MEM_RESERVED } };
	static const struct boot_range everything[] = { { 0, ~0ULL } };
	struct boot_params bi;
	paddr_t pa = 0xdead000;

	(void)state;
	set_map(&bi, two_regions, 2);
	assert_false(boot_find_free(&bi, NULL, 0, 0x30001, 0, ~0ULL, &pa));
	assert_false(boot_find_free(&bi, everything, 1, 0x1000, 0, ~0ULL, &pa));
	/* So big that a + size wraps. */
	assert_false(boot_find_free(&bi, NULL, 0, ~0ULL - 0x800, 0, ~0ULL, &pa));
	set_map(&bi, reserved_only, 1);
	assert_false(boot_find_free(&bi, NULL, 0, 0x1000, 0, ~0ULL, &pa));
	set_map(&bi, NULL, 0);
	assert_false(boot_find_free(&bi, NULL, 0, 0x1000, 0, ~0ULL, &pa));
	assert_int_equal(pa, 0xdead000);
}

static void fill_pool_frees_usable_frames_only(void **state)
{
	enum { N = 64 }; /* frames [0, 0x40000) */
	static const struct boot_region map[] = {
		{ 0, 0x8000, BOOT_MEM_USABLE },
		{ 0x8000, 0x9000, BOOT_MEM_RESERVED },
		{ 0x9000, 0x20800, BOOT_MEM_USABLE }, /* ends in frame 0x20 */
		/* hole [0x20800, 0x28000) */
		{ 0x28000, 0x100000, BOOT_MEM_USABLE }, /* runs past the pool */
	};
	static const struct boot_range reserve[] = { { 0x5800, 0x6001 }, { 0x30000, 0x31000 } };
	struct frame_pool fp;
	uint64_t bitmap[1];
	struct boot_params bi;
	size_t nfree = 0;

	(void)state;
	set_map(&bi, map, 4);
	frame_pool_init(&fp, bitmap, N);
	boot_fill_pool(&bi, &fp, reserve, 2);
	for (size_t f = 0; f < N; f++) {
		bool want = (f < 0x20 && f != 5 && f != 6 && f != 8) || (f >= 0x28 && f != 0x30);

		assert_int_equal(frame_is_free(&fp, f * FRAME_SIZE), want);
		nfree += want;
	}
	assert_int_equal(frame_free_count(&fp), nfree);
	assert_int_equal(nfree, 0x20 - 3 + 0x40 - 0x28 - 1);
}

static void fill_pool_lets_reserved_win_where_map_overlaps(void **state)
{
	enum { N = 64 };
	/* The reserved parts come before and after the usable span. */
	static const struct boot_region map[] = {
		{ 0x10000, 0x12000, BOOT_MEM_RESERVED },
		{ 0, 0x40000, BOOT_MEM_USABLE },
		{ 0x3f000, 0x3f001, BOOT_MEM_ACPI },
		{ 0x20000, 0x21000, BOOT_MEM_BAD },
	};
	struct frame_pool fp;
	uint64_t bitmap[1];
	struct boot_params bi;

	(void)state;
	set_map(&bi, map, 4);
	frame_pool_init(&fp, bitmap, N);
	boot_fill_pool(&bi, &fp, NULL, 0);
	for (size_t f = 0; f < N; f++)
		assert_int_equal(frame_is_free(&fp, f * FRAME_SIZE),
		                 f != 0x10 && f != 0x11 && f != 0x20 && f != 0x3f);
	assert_int_equal(frame_free_count(&fp), N - 4);
}

static void option_with_value_is_found(void **state)
{
	char val[32];

	(void)state;
	assert_true(boot_option("console=serial", "console", val, sizeof(val)));
	assert_string_equal(val, "serial");
	assert_true(boot_option("console=serial root=/dev/hd0", "root", val, sizeof(val)));
	assert_string_equal(val, "/dev/hd0");
	/* Only the first "=" splits key from value. */
	assert_true(boot_option("init=/bin/sh=x", "init", val, sizeof(val)));
	assert_string_equal(val, "/bin/sh=x");
	assert_true(boot_option("log=", "log", val, sizeof(val)));
	assert_string_equal(val, "");
}

static void bare_option_has_empty_value(void **state)
{
	char val[32];

	(void)state;
	memset(val, 'x', sizeof(val));
	assert_true(boot_option("debug", "debug", val, sizeof(val)));
	assert_string_equal(val, "");
	memset(val, 'x', sizeof(val));
	assert_true(boot_option("a=1 debug b=2", "debug", val, sizeof(val)));
	assert_string_equal(val, "");
}

static void option_is_found_at_start_middle_and_end(void **state)
{
	const char *cmdline = "  first=1   second=22 third=333  ";
	char val[32];

	(void)state;
	assert_true(boot_option(cmdline, "first", val, sizeof(val)));
	assert_string_equal(val, "1");
	assert_true(boot_option(cmdline, "second", val, sizeof(val)));
	assert_string_equal(val, "22");
	assert_true(boot_option(cmdline, "third", val, sizeof(val)));
	assert_string_equal(val, "333");
	assert_true(boot_option("kestrel quiet", "quiet", val, sizeof(val)));
	assert_string_equal(val, "");
}

static void option_that_prefixes_another_word_does_not_match(void **state)
{
	char val[32];

	(void)state;
	memset(val, 'x', sizeof(val));
	assert_false(boot_option("testing=1", "test", val, sizeof(val)));
	assert_false(boot_option("testing", "test", val, sizeof(val)));
	assert_false(boot_option("test", "testing", val, sizeof(val)));
	assert_false(boot_option("tes test_x", "test", val, sizeof(val)));
	/* Nor a key found inside a word or a value. */
	assert_false(boot_option("xtest=1", "test", val, sizeof(val)));
	assert_false(boot_option("a=test", "test", val, sizeof(val)));
	assert_int_equal(val[0], 'x');
	assert_true(boot_option("testing=1 test=2", "test", val, sizeof(val)));
	assert_string_equal(val, "2");
	assert_true(boot_option("testing=1 test", "test", val, sizeof(val)));
	assert_string_equal(val, "");
}

static void option_value_is_cut_to_buffer(void **state)
{
	char val[8];

	(void)state;
	memset(val, 'x', sizeof(val));
	assert_true(boot_option("name=abcdefgh next=1", "name", val, 4));
	assert_string_equal(val, "abc");
	assert_int_equal(val[4], 'x');
	assert_true(boot_option("name=abcdefgh", "name", val, 1));
	assert_string_equal(val, "");
	/* A zero-length buffer is not written at all. */
	val[0] = 'x';
	assert_true(boot_option("name=abcdefgh", "name", val, 0));
	assert_int_equal(val[0], 'x');
}

static void absent_option_is_not_found(void **state)
{
	char val[8] = "keep";

	(void)state;
	assert_false(boot_option("a=1 b=2", "c", val, sizeof(val)));
	assert_false(boot_option("", "c", val, sizeof(val)));
	assert_false(boot_option("   ", "c", val, sizeof(val)));
	assert_false(boot_option("a=c", "c", val, sizeof(val)));
	assert_string_equal(val, "keep");
}

#define ARENA_TEST(f) cmocka_unit_test_setup_teardown(f, arena_setup, arena_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		ARENA_TEST(parse_copies_regions_modules_and_cmdline),
		ARENA_TEST(missing_flags_leave_fields_empty),
		ARENA_TEST(bad_magic_is_rejected),
		ARENA_TEST(missing_mmap_still_copies_modules_and_cmdline),
		ARENA_TEST(extra_modules_are_dropped),
		ARENA_TEST(extra_regions_are_dropped),
		ARENA_TEST(long_strings_are_cut_and_terminated),
		ARENA_TEST(extended_map_entries_are_stepped_over),
		ARENA_TEST(truncated_last_entry_is_not_read),
		ARENA_TEST(empty_and_wrapping_entries_are_skipped),
		cmocka_unit_test(usable_bytes_and_top_skip_holes_and_reserved),
		cmocka_unit_test(find_free_returns_lowest_fit),
		cmocka_unit_test(find_free_respects_lowest),
		cmocka_unit_test(find_free_respects_limit),
		cmocka_unit_test(find_free_skips_avoid_ranges),
		cmocka_unit_test(find_free_avoids_non_usable_regions_inside_usable_ones),
		cmocka_unit_test(find_free_result_is_page_aligned),
		cmocka_unit_test(find_free_fails_when_nothing_fits),
		cmocka_unit_test(fill_pool_frees_usable_frames_only),
		cmocka_unit_test(fill_pool_lets_reserved_win_where_map_overlaps),
		cmocka_unit_test(option_with_value_is_found),
		cmocka_unit_test(bare_option_has_empty_value),
		cmocka_unit_test(option_is_found_at_start_middle_and_end),
		cmocka_unit_test(option_that_prefixes_another_word_does_not_match),
		cmocka_unit_test(option_value_is_cut_to_buffer),
		cmocka_unit_test(absent_option_is_not_found),
	};

	return cmocka_run_group_tests_name("bootinfo", tests, NULL, NULL);
}
