/* x86-64 page-table entry format (Intel SDM vol. 3, 4.5). Constants only, so
 * that vm.c compiles for the host tests. */
#pragma once

#include <stdint.h>

typedef uint64_t pte_t;

#define PTE_P       (1ULL << 0) /* present */
#define PTE_W       (1ULL << 1) /* writable */
#define PTE_U       (1ULL << 2) /* user */
#define PTE_PWT     (1ULL << 3) /* write-through */
#define PTE_PCD     (1ULL << 4) /* cache disabled */
#define PTE_PS      (1ULL << 7) /* large page, in PDPT and PD entries */
#define PTE_G       (1ULL << 8) /* global */
/* Bits the CPU ignores, for the kernel's own bookkeeping of user leaves:
 * the mapping holds a reference on a pool's frame, maps device registers
 * (never RAM; the kernel never reads or writes through it), or maps a page
 * borrowed from a share (share.h), which cannot be lent on. */
#define PTE_COUNTED (1ULL << 9)
#define PTE_DEVICE  (1ULL << 10)
#define PTE_LENT    (1ULL << 11)
#define PTE_NX      (1ULL << 63) /* no execute; only when EFER.NXE is set */
#define PTE_ADDR    0x000FFFFFFFFFF000ULL

#define PT_ENTRIES 512
#define PT_LEVELS  4
#define PAGE_4K    (1ULL << 12)
#define PAGE_2M    (1ULL << 21)
#define PAGE_1G    (1ULL << 30)

/* All physical memory, mapped at DIRECT_MAP_BASE + pa: the first address
 * of the kernel half, which every address space shares. */
#define DIRECT_MAP_BASE 0xFFFF800000000000ULL
/* The kernel image: pa + KERNEL_VMA, linked in the top 2 GiB. */
#define KERNEL_VMA      0xFFFFFFFF80000000ULL
/* Device registers (LAPIC, ...) mapped uncached, in the last GiB. */
#define DEVICE_WINDOW   0xFFFFFFFFC0000000ULL
