/* Boot-time memory set-up: the frame pool from the memory map. */
#pragma once

#include "bootinfo.h"

/* Fills kernel_frames from bi, keeping out the first MiB, the kernel image,
 * the boot modules and the pool's own bitmap. Panics if the map leaves no
 * room for the bitmap. */
void mem_init(const struct boot_params *bi);

/* Whether [pa, pa + len) touches RAM the memory map calls usable (device
 * frames must not). */
bool mem_overlaps_ram(paddr_t pa, uint64_t len);
