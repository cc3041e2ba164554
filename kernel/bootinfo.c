/* Multiboot 1 information parsing and the boot-time memory queries. */
#include "bootinfo.h"

static const void *phys(paddr_t pa, uintptr_t offset)
{
	return (const void *)(uintptr_t)(pa + offset);
}

static void copy_string(char *dst, size_t len, const char *src)
{
	size_t i = 0;

	for (; src && src[i] && i + 1 < len; i++)
		dst[i] = src[i];
	dst[i] = '\0';
}

static void parse_mmap(struct boot_params *bi, const struct multiboot_info *mbi, uintptr_t offset)
{
	const uint8_t *p = phys(mbi->mmap_addr, offset);
	const uint8_t *end = p + mbi->mmap_length;

	while (p + sizeof(struct multiboot_mmap_entry) <= end && bi->bi_nmem < BOOT_MAX_REGIONS) {
		const struct multiboot_mmap_entry *e = (const void *)p;

		if (e->length != 0 && e->base + e->length > e->base) {
			struct boot_region *r = &bi->bi_mem[bi->bi_nmem++];

			r->br_start = e->base;
			r->br_end = e->base + e->length;
			r->br_type = e->type;
		}
		p += e->size + sizeof(e->size);
	}
}

int multiboot_parse(struct boot_params *bi, uint32_t magic, paddr_t info, uintptr_t offset)
{
	const struct multiboot_info *mbi = phys(info, offset);

	bi->bi_nmem = 0;
	bi->bi_nmod = bi->bi_nmod_given = 0;
	bi->bi_cmdline[0] = '\0';
	if (magic != MULTIBOOT_BOOT_MAGIC)
		return MULTIBOOT_BAD_MAGIC;
	if (mbi->flags & MULTIBOOT_INFO_CMDLINE)
		copy_string(bi->bi_cmdline, sizeof(bi->bi_cmdline), phys(mbi->cmdline, offset));
	if (mbi->flags & MULTIBOOT_INFO_MODS) {
		const struct multiboot_module *m = phys(mbi->mods_addr, offset);

		bi->bi_nmod_given = mbi->mods_count;
		for (uint32_t i = 0; i < mbi->mods_count && bi->bi_nmod < BOOT_MAX_MODULES; i++) {
			struct boot_module *bm = &bi->bi_mod[bi->bi_nmod++];

			bm->bm_start = m[i].mod_start;
			bm->bm_end = m[i].mod_end;
			copy_string(bm->bm_cmdline, sizeof(bm->bm_cmdline),
			            m[i].string ? phys(m[i].string, offset) : "");
		}
	}
	if (!(mbi->flags & MULTIBOOT_INFO_MMAP))
		return MULTIBOOT_NO_MMAP;
	parse_mmap(bi, mbi, offset);
	return bi->bi_nmem ? MULTIBOOT_OK : MULTIBOOT_NO_MMAP;
}

uint64_t boot_usable_bytes(const struct boot_params *bi)
{
	uint64_t total = 0;

	for (size_t i = 0; i < bi->bi_nmem; i++)
		if (bi->bi_mem[i].br_type == BOOT_MEM_USABLE)
			total += bi->bi_mem[i].br_end - bi->bi_mem[i].br_start;
	return total;
}

paddr_t boot_usable_top(const struct boot_params *bi)
{
	paddr_t top = 0;

	for (size_t i = 0; i < bi->bi_nmem; i++)
		if (bi->bi_mem[i].br_type == BOOT_MEM_USABLE && bi->bi_mem[i].br_end > top)
			top = bi->bi_mem[i].br_end;
	return top;
}

static bool overlaps(paddr_t a0, paddr_t a1, paddr_t b0, paddr_t b1)
{
	return a0 < b1 && b0 < a1;
}

static paddr_t page_up(paddr_t a)
{
	return (a + FRAME_SIZE - 1) & ~(FRAME_SIZE - 1);
}

/* Whether [a, a + size) may hold boot data. */
static bool place_ok(const struct boot_params *bi, const struct boot_range *avoid, size_t navoid, paddr_t a,
                     uint64_t size)
{
	bool inside = false;

	for (size_t i = 0; i < bi->bi_nmem; i++) {
		const struct boot_region *r = &bi->bi_mem[i];

		if (r->br_type != BOOT_MEM_USABLE) {
			if (overlaps(a, a + size, r->br_start, r->br_end))
				return false;
		} else if (a >= r->br_start && a + size <= r->br_end) {
			inside = true;
		}
	}
	for (size_t i = 0; i < navoid; i++)
		if (overlaps(a, a + size, avoid[i].start, avoid[i].end))
			return false;
	return inside;
}

/* The lowest fit, if any, starts at a usable region's start or right after
 * something it must avoid; so only those places need trying. */
bool boot_find_free(const struct boot_params *bi, const struct boot_range *avoid, size_t navoid,
                    uint64_t size, paddr_t lowest, paddr_t limit, paddr_t *out)
{
	bool found = false;
	paddr_t best = 0;

	for (size_t i = 0; i < bi->bi_nmem + navoid + 1; i++) {
		paddr_t a;

		if (i < bi->bi_nmem)
			a = bi->bi_mem[i].br_type == BOOT_MEM_USABLE ? bi->bi_mem[i].br_start
			                                             : bi->bi_mem[i].br_end;
		else if (i < bi->bi_nmem + navoid)
			a = avoid[i - bi->bi_nmem].end;
		else
			a = lowest;
		a = page_up(a);
		if (a < lowest || a + size > limit || a + size < a)
			continue;
		if ((!found || a < best) && place_ok(bi, avoid, navoid, a, size)) {
			best = a;
			found = true;
		}
	}
	if (found)
		*out = best;
	return found;
}

void boot_fill_pool(const struct boot_params *bi, struct frame_pool *fp, const struct boot_range *reserve,
                    size_t nreserve)
{
	for (size_t i = 0; i < bi->bi_nmem; i++)
		if (bi->bi_mem[i].br_type == BOOT_MEM_USABLE)
			frame_pool_add(fp, bi->bi_mem[i].br_start, bi->bi_mem[i].br_end);
	/* Where the map overlaps itself, reserved wins. */
	for (size_t i = 0; i < bi->bi_nmem; i++)
		if (bi->bi_mem[i].br_type != BOOT_MEM_USABLE)
			frame_pool_reserve(fp, bi->bi_mem[i].br_start, bi->bi_mem[i].br_end);
	for (size_t i = 0; i < nreserve; i++)
		frame_pool_reserve(fp, reserve[i].start, reserve[i].end);
}

bool boot_option(const char *cmdline, const char *key, char *val, size_t len)
{
	const char *p = cmdline;

	while (*p) {
		const char *k = key;
		const char *w;

		while (*p == ' ')
			p++;
		w = p;
		while (*k && *p == *k) {
			p++;
			k++;
		}
		if (!*k && (*p == '=' || *p == ' ' || *p == '\0') && w != p) {
			const char *v = *p == '=' ? p + 1 : p;
			size_t i;

			for (i = 0; v[i] && v[i] != ' ' && i + 1 < len; i++)
				val[i] = v[i];
			if (len)
				val[i] = '\0';
			return true;
		}
		while (*p && *p != ' ')
			p++;
	}
	return false;
}
