/* The kernel frame pool, set up from the multiboot memory map. */
#include "mem.h"

#include "panic.h"
#include "vm.h"

extern char _load_start_phys[], _bss_end_phys[];

struct frame_pool kernel_frames;
static const struct boot_params *boot_map;
uintptr_t direct_map_offset = DIRECT_MAP_BASE;

/* The boot page tables map the first 4 GiB; the bitmap must lie there. */
#define BOOT_MAP_LIMIT (4ULL << 30)
#define LOW_MEMORY     (1ULL << 20)

void mem_init(const struct boot_params *bi)
{
	struct boot_range keep[BOOT_MAX_MODULES + 3];
	size_t nkeep = 0;
	size_t nframes = boot_usable_top(bi) >> FRAME_SHIFT;
	size_t bytes = frame_bitmap_bytes(nframes);
	paddr_t bitmap;

	/* Real-mode data, the BIOS and, later, the SMP start-up code live in
	 * the first MiB. */
	keep[nkeep++] = (struct boot_range){ 0, LOW_MEMORY };
	keep[nkeep++] = (struct boot_range){ (uintptr_t)_load_start_phys, (uintptr_t)_bss_end_phys };
	for (size_t i = 0; i < bi->bi_nmod; i++)
		keep[nkeep++] = (struct boot_range){ bi->bi_mod[i].bm_start, bi->bi_mod[i].bm_end };
	if (!boot_find_free(bi, keep, nkeep, bytes, LOW_MEMORY, BOOT_MAP_LIMIT, &bitmap))
		panic("mem: no room for a %zu-byte frame bitmap", bytes);
	keep[nkeep++] = (struct boot_range){ bitmap, bitmap + bytes };
	frame_pool_init(&kernel_frames, pa_to_va(bitmap), nframes);
	boot_fill_pool(bi, &kernel_frames, keep, nkeep);
	boot_map = bi;
}

bool mem_overlaps_ram(paddr_t pa, uint64_t len)
{
	for (size_t i = 0; i < boot_map->bi_nmem; i++) {
		const struct boot_region *r = &boot_map->bi_mem[i];

		if (r->br_type == BOOT_MEM_USABLE && pa < r->br_end && r->br_start < pa + len)
			return true;
	}
	return false;
}
