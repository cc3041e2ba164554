/* Per-CPU state: segment tables, TSS, emergency stacks. One CPU today; the
 * structures are per-CPU so that SMP only adds instances. GS points to the
 * running CPU's struct cpu while in the kernel. */
#pragma once

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

/* GDT selectors. The order from 0x18 on is what sysret needs: STAR[63:48]
 * = 0x18 gives user SS 0x20 and user CS 0x28. */
enum {
	SEL_KCODE = 0x08,
	SEL_KDATA = 0x10,
	SEL_UCODE32 = 0x18,
	SEL_UDATA = 0x20 | 3,
	SEL_UCODE = 0x28 | 3,
	SEL_TSS = 0x30,
	GDT_ENTRIES = 8, /* the TSS descriptor takes two */
};

/* Interrupt stack table slots, 1-based as the IDT names them. */
enum { IST_DF = 1, IST_NMI = 2, IST_MC = 3, IST_COUNT = 3 };

#define IST_STACK_SIZE 8192

struct cpu {
	struct cpu *c_self; /* %gs:0 */
	uint32_t c_id;
	uint64_t c_gdt[GDT_ENTRIES];
	struct tss c_tss;
	uint8_t c_ist_stack[IST_COUNT][IST_STACK_SIZE] __attribute__((aligned(16)));
};

extern struct cpu cpu0;

/* Loads this CPU's GDT, TSS and GS base. Interrupts off. */
void percpu_init(struct cpu *c, uint32_t id);
