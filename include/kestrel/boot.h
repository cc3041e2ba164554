/* What the kernel gives the first user task: it loads the first multiboot
 * module (an ELF64 executable) as that task, puts these capabilities in
 * its table and maps one read-only page of struct boot_info for it. The
 * task starts at the ELF entry with rdi = BOOT_INFO_VADDR and rsp =
 * BOOT_STACK_TOP. */
#pragma once

#include <stdint.h>

enum boot_slot {
	BOOT_SLOT_TASK = 1,        /* the task itself (all rights) */
	BOOT_SLOT_THREAD = 2,      /* its first thread */
	BOOT_SLOT_POOL = 3,        /* all free memory */
	BOOT_SLOT_IRQ_CONTROL = 4, /* every interrupt line */
	BOOT_SLOT_IOPORT = 5,      /* every I/O port */
	BOOT_SLOT_DEVMEM = 6,      /* all physical memory that is not RAM */
	BOOT_SLOT_MODULES = 7,     /* one read-only frame capability per further module */
};

#define BOOT_PRIORITY      100                   /* the first thread's */
#define BOOT_INFO_VADDR    0x00007FFFFFF00000ULL /* struct boot_info, read-only */
#define BOOT_IPC_BUFFER    0x00007FFFFFF01000ULL /* the first thread's message buffer */
#define BOOT_STACK_TOP     0x00007FFFFFEF0000ULL /* grows down */
#define BOOT_STACK_PAGES   16
#define BOOT_MODULES_VADDR 0x0000700000000000ULL /* the further modules, one after another */
/* The first address that is not user space: one page below 2^47, so no
 * instruction can end at the first non-canonical address (a syscall in the
 * last two bytes would make sysret fault in ring 0 on Intel CPUs). */
#define USER_TOP           0x00007FFFFFFFF000ULL

#define BOOT_INFO_MAGIC       0x4B45535452454C31ULL /* "KESTREL1" */
#define BOOT_INFO_MAX_MODULES 32

struct boot_module_info {
	uint64_t bm_vaddr; /* where it is mapped in the first task */
	uint64_t bm_size;  /* bytes */
	uint64_t bm_slot;  /* its frame capability */
	char bm_name[40];  /* the module's command line */
};

struct boot_info {
	uint64_t bi_magic;
	uint64_t bi_first_free_slot; /* slots from here on are empty */
	uint64_t bi_pool_pages;      /* quota of BOOT_SLOT_POOL */
	uint64_t bi_irq_lines;       /* interrupt lines 0..n-1 exist */
	uint64_t bi_nmodules;
	struct boot_module_info bi_modules[BOOT_INFO_MAX_MODULES];
	char bi_cmdline[256]; /* the kernel's command line */
};

_Static_assert(sizeof(struct boot_info) <= 4096, "boot info fits one page");
