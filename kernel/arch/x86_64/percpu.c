/* GDT, TSS and the GS base of each CPU. */
#include "percpu.h"

#include "cpu.h"
#include "msr.h"

extern char syscall_entry[], syscall_compat_entry[]; /* entry.asm */

struct cpu cpu0;

static uint64_t tss_desc_low(uint64_t base, uint32_t limit)
{
	return (limit & 0xFFFFULL) | ((base & 0xFFFFFFULL) << 16) | (0x89ULL << 40) /* present, 64-bit TSS */
	       | ((uint64_t)(limit >> 16 & 0xF) << 48) | ((base >> 24 & 0xFF) << 56);
}

void percpu_init(struct cpu *c, uint32_t id)
{
	uint64_t tss = (uintptr_t)&c->c_tss;
	struct tss *ts = &c->c_tss.ts_tss;
	struct desc_ptr gdtr = { sizeof(c->c_gdt) - 1, (uintptr_t)c->c_gdt };

	c->c_self = c;
	c->c_id = id;
	c->c_gdt[0] = 0;
	c->c_gdt[SEL_KCODE / 8] = 0x00AF9A000000FFFFULL;
	c->c_gdt[SEL_KDATA / 8] = 0x00CF92000000FFFFULL;
	c->c_gdt[SEL_UDATA / 8] = 0x00CFF2000000FFFFULL;
	c->c_gdt[SEL_UCODE / 8] = 0x00AFFA000000FFFFULL;
	c->c_gdt[SEL_TSS / 8] = tss_desc_low(tss, sizeof(c->c_tss) - 1);
	c->c_kstack_top = (uintptr_t)&c->c_kstack[KERNEL_STACK_SIZE];
	c->c_gdt[SEL_TSS / 8 + 1] = tss >> 32;

	/* Until a task with ports runs, a base past the limit denies them all. */
	ts->iomap_base = TSS_IOMAP_NONE;
	fill_words((uint64_t *)c->c_tss.ts_iomap, ~0ULL, IOMAP_WORDS);
	c->c_tss.ts_iomap_end = 0xFF;
	ts->rsp[0] = c->c_kstack_top;
	for (int i = 0; i < IST_COUNT; i++)
		ts->ist[i] = (uintptr_t)&c->c_ist_stack[i][IST_STACK_SIZE];

	lgdt(&gdtr);
	load_segments(SEL_KCODE, SEL_KDATA);
	ltr(SEL_TSS);
	wrmsr(MSR_GS_BASE, (uintptr_t)c);
	wrmsr(MSR_KERNEL_GS_BASE, 0);

	/* syscall: kernel CS/SS from STAR[47:32], user ones from STAR[63:48];
	 * flags in SFMASK are cleared on entry (interrupts stay off in the
	 * kernel, and no trap, direction or alignment flag leaks in). */
	wrmsr(MSR_STAR, ((uint64_t)SEL_SYSRET_BASE << 48) | ((uint64_t)SEL_KCODE << 32));
	wrmsr(MSR_LSTAR, (uintptr_t)syscall_entry);
	wrmsr(MSR_CSTAR, (uintptr_t)syscall_compat_entry);
	wrmsr(MSR_SFMASK, RFLAGS_IF | RFLAGS_TF | RFLAGS_DF | RFLAGS_AC | RFLAGS_NT);
	wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_SCE);
}
