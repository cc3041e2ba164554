/* What the boot loader told us, copied out of the multiboot structures so
 * that their memory can be reused, plus the queries made on it at boot. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "frame.h"

#define BOOT_MAX_REGIONS 64
#define BOOT_MAX_MODULES 33 /* the first task and BOOT_INFO_MAX_MODULES more */
#define BOOT_NAME_LEN    64
#define BOOT_CMDLINE_LEN 256

enum boot_region_type {
	BOOT_MEM_USABLE = 1, /* multiboot's own numbering */
	BOOT_MEM_RESERVED = 2,
	BOOT_MEM_ACPI = 3,
	BOOT_MEM_NVS = 4,
	BOOT_MEM_BAD = 5,
};

struct boot_region {
	paddr_t br_start;
	paddr_t br_end; /* exclusive */
	uint32_t br_type;
};

struct boot_module {
	paddr_t bm_start;
	paddr_t bm_end; /* exclusive */
	char bm_cmdline[BOOT_NAME_LEN];
};

/* Filled once by multiboot_parse() before anything else allocates memory;
 * read-only afterwards. */
struct boot_params {
	struct boot_region bi_mem[BOOT_MAX_REGIONS];
	size_t bi_nmem;
	struct boot_module bi_mod[BOOT_MAX_MODULES];
	size_t bi_nmod;
	size_t bi_nmod_given; /* what the loader passed: more than bi_nmod were dropped */
	char bi_cmdline[BOOT_CMDLINE_LEN];
};

/* A physical range the boot allocator must not hand out. */
struct boot_range {
	paddr_t start;
	paddr_t end;
};

/* Multiboot 1 information structure (the fields we read), as the loader
 * lays it out. */
struct multiboot_info {
	uint32_t flags;
	uint32_t mem_lower;
	uint32_t mem_upper;
	uint32_t boot_device;
	uint32_t cmdline;
	uint32_t mods_count;
	uint32_t mods_addr;
	uint32_t syms[4];
	uint32_t mmap_length;
	uint32_t mmap_addr;
} __attribute__((packed));

struct multiboot_module {
	uint32_t mod_start;
	uint32_t mod_end;
	uint32_t string;
	uint32_t reserved;
} __attribute__((packed));

/* Each entry is preceded by its own size, which does not count itself. */
struct multiboot_mmap_entry {
	uint32_t size;
	uint64_t base;
	uint64_t length;
	uint32_t type;
} __attribute__((packed));

#define MULTIBOOT_BOOT_MAGIC   0x2BADB002
#define MULTIBOOT_INFO_MEMORY  (1u << 0)
#define MULTIBOOT_INFO_CMDLINE (1u << 2)
#define MULTIBOOT_INFO_MODS    (1u << 3)
#define MULTIBOOT_INFO_MMAP    (1u << 6)

enum multiboot_error {
	MULTIBOOT_OK = 0,
	MULTIBOOT_BAD_MAGIC = -1,
	MULTIBOOT_NO_MMAP = -2,
};

/* Copies the loader's information into bi. The loader's structures are at
 * physical addresses; phys_offset is added to reach them (the direct map in
 * the kernel, a test buffer on the host). Too many regions or modules are
 * dropped, and long strings cut, rather than failing the boot. */
int multiboot_parse(struct boot_params *bi, uint32_t magic, paddr_t info, uintptr_t phys_offset);

/* Bytes of usable RAM and the end of the highest usable byte. */
uint64_t boot_usable_bytes(const struct boot_params *bi);
paddr_t boot_usable_top(const struct boot_params *bi);

/* Lowest page-aligned address a >= lowest with [a, a + size) inside one usable
 * region, below limit, and overlapping no non-usable region and no range of
 * avoid[]. Returns false when there is no such place. */
bool boot_find_free(const struct boot_params *bi, const struct boot_range *avoid, size_t navoid,
                    uint64_t size, paddr_t lowest, paddr_t limit, paddr_t *out);

/* Fills fp from the memory map: usable regions free, everything else, and
 * every range of reserve[], in use. */
void boot_fill_pool(const struct boot_params *bi, struct frame_pool *fp, const struct boot_range *reserve,
                    size_t nreserve);

/* Looks up "key" or "key=value" among the space-separated words of cmdline.
 * Copies the value (empty for a bare key) into val. Returns whether found. */
bool boot_option(const char *cmdline, const char *key, char *val, size_t len);
