/* GDT, TSS and the GS base of each CPU. */
#include "percpu.h"

#include "cpu.h"
#include "msr.h"

struct cpu cpu0;

static uint64_t tss_desc_low(uint64_t base, uint32_t limit)
{
	return (limit & 0xFFFFULL) | ((base & 0xFFFFFFULL) << 16) | (0x89ULL << 40) /* present, 64-bit TSS */
	       | ((uint64_t)(limit >> 16 & 0xF) << 48) | ((base >> 24 & 0xFF) << 56);
}

void percpu_init(struct cpu *c, uint32_t id)
{
	uint64_t tss = (uintptr_t)&c->c_tss;
	struct desc_ptr gdtr = { sizeof(c->c_gdt) - 1, (uintptr_t)c->c_gdt };

	c->c_self = c;
	c->c_id = id;
	c->c_gdt[0] = 0;
	c->c_gdt[SEL_KCODE / 8] = 0x00AF9A000000FFFFULL;
	c->c_gdt[SEL_KDATA / 8] = 0x00CF92000000FFFFULL;
	c->c_gdt[SEL_UCODE32 / 8] = 0x00CFFA000000FFFFULL;
	c->c_gdt[SEL_UDATA / 8] = 0x00CFF2000000FFFFULL;
	c->c_gdt[SEL_UCODE / 8] = 0x00AFFA000000FFFFULL;
	c->c_gdt[SEL_TSS / 8] = tss_desc_low(tss, sizeof(c->c_tss) - 1);
	c->c_gdt[SEL_TSS / 8 + 1] = tss >> 32;

	/* No I/O bitmap yet: a base past the limit denies user code every port. */
	c->c_tss.iomap_base = sizeof(c->c_tss);
	for (int i = 0; i < IST_COUNT; i++)
		c->c_tss.ist[i] = (uintptr_t)&c->c_ist_stack[i][IST_STACK_SIZE];

	lgdt(&gdtr);
	load_segments(SEL_KCODE, SEL_KDATA);
	ltr(SEL_TSS);
	wrmsr(MSR_GS_BASE, (uintptr_t)c);
	wrmsr(MSR_KERNEL_GS_BASE, 0);
}
