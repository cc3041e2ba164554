/* The kernel's own page tables. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "../../frame.h"

/* Builds the kernel half (direct map of [0, max(top, 4 GiB)), the kernel
 * image with per-section rights, the device window), switches to it and
 * drops the boot code's identity map. Needs kernel_frames to be ready and
 * every table page it takes to lie in the boot direct map (the first 4 GiB;
 * the allocator hands out the lowest frames first). */
void paging_init(paddr_t top);

/* Maps size bytes of device registers at pa uncached, no-execute, kernel
 * only. Returns the virtual address. Panics when out of window. */
volatile void *paging_map_device(paddr_t pa, uint64_t size);

/* Whether user code may have pages [pa, pa + pages * 4 KiB) as device
 * memory: below the CPU's physical address width, outside usable RAM,
 * outside the MSI window and outside every device the kernel drives
 * itself. */
bool paging_device_allowed(paddr_t pa, uint64_t pages);

/* Where a write is an interrupt message (the LAPIC's page is inside). */
#define MSI_WINDOW_BASE 0xFEE00000ULL
#define MSI_WINDOW_END  0xFEF00000ULL

/* The kernel's top-level table. */
extern paddr_t kernel_root;
