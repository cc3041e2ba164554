/* Kernel page tables: the direct map, the kernel image and device memory. */
#include "paging.h"

#include "../../mem.h"
#include "../../panic.h"
#include "../../vm.h"
#include "cpu.h"
#include "cpufeat.h"

extern char _text_start[], _text_end[], _rodata_start[], _rodata_end[], _data_start[], _kernel_end[];

paddr_t kernel_root;
static uintptr_t device_next = DEVICE_WINDOW;

/* The device pages the kernel maps for itself (LAPIC, I/O APIC). */
#define KERNEL_DEVICES 4
static struct {
	paddr_t first, end;
} kernel_devices[KERNEL_DEVICES];
static unsigned nkernel_devices;

#define BOOT_MAP_LIMIT (4 * PAGE_1G)

static void map_or_panic(uintptr_t va, paddr_t pa, uint64_t size, uint64_t flags)
{
	int err = vm_map(&kernel_frames, kernel_root, va, pa, size, flags);

	if (err != VM_OK)
		panic("paging: cannot map %#lx (error %d)", va, err);
}

static void map_image_range(const char *start, const char *end, uint64_t flags)
{
	for (uintptr_t va = (uintptr_t)start; va < (uintptr_t)end; va += PAGE_4K)
		map_or_panic(va, va - KERNEL_VMA, PAGE_4K, flags);
}

void paging_init(paddr_t top)
{
	uint64_t nx = cpu_features.cf_nx ? PTE_NX : 0;
	uint64_t step = cpu_features.cf_pdpe1gb ? PAGE_1G : PAGE_2M;
	paddr_t end = top > BOOT_MAP_LIMIT ? top : BOOT_MAP_LIMIT;

	if (!vm_root_alloc(&kernel_frames, &kernel_root) || kernel_root >= BOOT_MAP_LIMIT)
		panic("paging: no low frame for the kernel's top-level table");
	for (paddr_t pa = 0; pa < end; pa += step)
		map_or_panic(DIRECT_MAP_BASE + pa, pa, step, PTE_W | PTE_G | nx);
	map_image_range(_text_start, _text_end, PTE_G);
	map_image_range(_rodata_start, _rodata_end, PTE_G | nx);
	map_image_range(_data_start, _kernel_end, PTE_W | PTE_G | nx);
	write_cr3(kernel_root);
}

volatile void *paging_map_device(paddr_t pa, uint64_t size)
{
	uintptr_t va = device_next + (pa & (PAGE_4K - 1));
	paddr_t first = pa & ~(PAGE_4K - 1);
	uint64_t nx = cpu_features.cf_nx ? PTE_NX : 0;

	if (nkernel_devices == KERNEL_DEVICES)
		panic("paging: more than %u kernel devices", KERNEL_DEVICES);
	kernel_devices[nkernel_devices].first = first;
	kernel_devices[nkernel_devices++].end = pa + size;
	for (paddr_t p = first; p < pa + size; p += PAGE_4K) {
		if (device_next == 0)
			panic("paging: device window full");
		map_or_panic(device_next, p, PAGE_4K, PTE_W | PTE_PCD | PTE_PWT | PTE_G | nx);
		device_next += PAGE_4K;
	}
	return (volatile void *)va;
}

bool paging_device_allowed(paddr_t pa, uint64_t pages)
{
	paddr_t limit = 1ULL << cpu_features.cf_phys_bits;

	if (pa >= limit || pages > (limit - pa) / PAGE_4K || mem_overlaps_ram(pa, pages * PAGE_4K))
		return false;
	/* A store anywhere in the MSI window is an interrupt message: its
	 * address names the CPUs, its value the vector and delivery mode. */
	if (pa < MSI_WINDOW_END && MSI_WINDOW_BASE < pa + pages * PAGE_4K)
		return false;
	for (unsigned i = 0; i < nkernel_devices; i++)
		if (pa < kernel_devices[i].end && kernel_devices[i].first < pa + pages * PAGE_4K)
			return false;
	return true;
}
