/* Per-CPU state: segment tables, TSS and I/O bitmap, stacks, and what the
 * entry code needs. One CPU today; the structures are per-CPU so that SMP
 * only adds instances. GS points to the running CPU's struct cpu while in
 * the kernel. */
#pragma once

#include <stddef.h>
#include <stdint.h>

/* 64-bit TSS (Intel SDM vol. 3, 8.7). */
struct tss {
	uint32_t reserved0;
	uint64_t rsp[3];
	uint64_t reserved1;
	uint64_t ist[7];
	uint64_t reserved2;
	uint16_t reserved3;
	uint16_t iomap_base;
} __attribute__((packed));

_Static_assert(sizeof(struct tss) == 104, "TSS layout");

#define IOMAP_BYTES 8192
#define IOMAP_WORDS (IOMAP_BYTES / 8)

/* The TSS segment: the TSS, then the I/O permission bitmap and the byte of
 * ones the CPU requires after it. iomap_base = TSS_IOMAP_OFF uses the
 * bitmap; TSS_IOMAP_NONE (past the limit) denies every port. */
struct tss_segment {
	struct tss ts_tss;
	uint8_t ts_iomap[IOMAP_BYTES];
	uint8_t ts_iomap_end;
} __attribute__((packed));

#define TSS_IOMAP_OFF  ((uint16_t)sizeof(struct tss))
#define TSS_IOMAP_NONE ((uint16_t)0xFFFF)

/* GDT selectors. The order from 0x18 on is what sysret needs: STAR[63:48]
 * = 0x18 gives user SS 0x20 and user CS 0x28. Entry 0x18 itself (where a
 * 32-bit user code segment would go) stays empty: no user code can run in
 * compatibility mode, whose syscall would enter at CSTAR on the user's
 * stack (AMD, and QEMU) and whose state sysret and iretq would have to
 * check. */
enum {
	SEL_KCODE = 0x08,
	SEL_KDATA = 0x10,
	SEL_SYSRET_BASE = 0x18,
	SEL_UDATA = 0x20 | 3,
	SEL_UCODE = 0x28 | 3,
	SEL_TSS = 0x30,
	GDT_ENTRIES = 8, /* the TSS descriptor takes two */
};

/* Interrupt stack table slots, 1-based as the IDT names them. */
enum { IST_DF = 1, IST_NMI = 2, IST_MC = 3, IST_COUNT = 3 };

#define IST_STACK_SIZE    8192
#define KERNEL_STACK_SIZE 16384

/* Fields entry.asm reads at fixed %gs offsets are checked below. */
struct cpu {
	struct cpu *c_self;    /* %gs:0 */
	uint64_t c_kstack_top; /* %gs:8: the kernel stack every entry runs on */
	uint64_t c_user_rsp;   /* %gs:16: scratch for the syscall entry */
	uint32_t c_id;
	uint64_t c_cr3;            /* the address space loaded */
	const void *c_iomap_owner; /* task whose ports are in ts_iomap */
	uint64_t c_gdt[GDT_ENTRIES];
	struct tss_segment c_tss __attribute__((aligned(16)));
	uint8_t c_kstack[KERNEL_STACK_SIZE] __attribute__((aligned(16)));
	uint8_t c_ist_stack[IST_COUNT][IST_STACK_SIZE] __attribute__((aligned(16)));
};

_Static_assert(offsetof(struct cpu, c_kstack_top) == 8, "entry.asm: %gs:8");
/* The syscall entry finds the end of the current thread's saved frame in
 * the TSS's rsp0, where interrupts find it too. */
_Static_assert(offsetof(struct cpu, c_tss.ts_tss.rsp[0]) == 0x74, "entry.asm: CPU_TSS_RSP0");
_Static_assert(offsetof(struct cpu, c_user_rsp) == 16, "entry.asm: %gs:16");

extern struct cpu cpu0;

/* Loads this CPU's GDT, TSS and GS base, and the syscall MSRs. Interrupts
 * off. */
void percpu_init(struct cpu *c, uint32_t id);

/* The running CPU. */
static inline struct cpu *this_cpu(void)
{
	return &cpu0;
}
