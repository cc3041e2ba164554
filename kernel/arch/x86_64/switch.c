/* Address-space, FPU and I/O-bitmap switching on the way back to user mode. */
#include "switch.h"

#include "../../task.h"
#include "../../thread.h"

#include <stdbool.h>
#include "cpu.h"
#include "cpufeat.h"
#include "msr.h"
#include "paging.h"
#include "percpu.h"

extern void exit_to_user(struct trap_frame *f) __attribute__((noreturn));

static struct thread *fpu_owner;
static bool fpu_ts; /* CR0.TS as last written: reading CR0 costs more than a variable */
static struct fxsave_area fpu_initial;

static inline void fxsave(struct fxsave_area *a)
{
	__asm__ volatile("fxsave64 %0" : "=m"(*a));
}

static inline void fxrstor(const struct fxsave_area *a)
{
	__asm__ volatile("fxrstor64 %0" : : "m"(*a));
}

void fpu_init(void)
{
	write_cr0((read_cr0() & ~CR0_EM) | CR0_MP);
	write_cr4(read_cr4() | CR4_OSFXSR | CR4_OSXMMEXCPT);
	__asm__ volatile("fninit");
	fxsave(&fpu_initial);
	fpu_ts = true;
	/* The state every thread starts with: x87 default control word, SSE
	 * exceptions masked, round to nearest. */
	fpu_initial.bytes[24] = 0x80;
	fpu_initial.bytes[25] = 0x1F;
	write_cr0(read_cr0() | CR0_TS);
}

void fpu_trap(struct thread *t)
{
	write_cr0(read_cr0() & ~CR0_TS);
	fpu_ts = false;
	if (fpu_owner == t)
		return;
	if (fpu_owner)
		fxsave(&fpu_owner->t_fpu);
	fxrstor(t->t_fpu_used ? &t->t_fpu : &fpu_initial);
	t->t_fpu_used = true;
	fpu_owner = t;
}

void fpu_forget(struct thread *t)
{
	if (fpu_owner == t)
		fpu_owner = NULL;
}

/* The TSS's bitmap as words (it starts 8-byte aligned: sizeof(struct tss)
 * is 104); only rep stosq and rep movsq touch it that way. */
static uint64_t *iomap_words(struct cpu *c)
{
	return (uint64_t *)c->c_tss.ts_iomap;
}

/* Puts task's ports into the TSS's bitmap in place of the last owner's.
 * Out of line: few tasks have ports, and inline, the registers the string
 * instructions take cost every return to user mode an instruction. */
static __attribute__((noinline)) void load_iomap(struct cpu *c, struct task *task)
{
	const struct task *old = c->c_iomap_owner;

	if (old)
		fill_words(iomap_words(c) + old->t_io_lo, ~0ULL, old->t_io_hi - old->t_io_lo);
	copy_words(iomap_words(c) + task->t_io_lo, task->t_iomap + task->t_io_lo,
	           task->t_io_hi - task->t_io_lo);
	c->c_iomap_owner = task;
}

struct thread *arch_switch(struct thread *t)
{
	struct cpu *c = this_cpu();
	struct task *task = t->t_task;

	c->c_tss.ts_tss.rsp[0] = (uintptr_t)(&t->t_frame + 1);
	/* The ports go with the address space: task_switch_away drops both. */
	if (c->c_cr3 != task->t_cr3) {
		c->c_cr3 = task->t_cr3;
		write_cr3(c->c_cr3);
		c->c_tss.ts_tss.iomap_base = task->t_iomap ? TSS_IOMAP_OFF : TSS_IOMAP_NONE;
		if (task->t_iomap && c->c_iomap_owner != task)
			load_iomap(c, task);
	}
	if ((fpu_owner == t) == fpu_ts) {
		fpu_ts = !fpu_ts;
		write_cr0(read_cr0() ^ CR0_TS);
	}
	/* Segment selectors are not thread state: every descriptor has base
	 * 0, so they change no address in 64-bit mode, but a value one thread
	 * loads must not reach another. The FS base is (t_fs_base, set by
	 * tls_set): written after FS's selector, whose load may clear it. */
	load_null_data_segments();
	wrmsr(MSR_FS_BASE, t->t_fs_base);
	return t;
}

void arch_return_to_user(struct thread *t)
{
	exit_to_user(&arch_switch(t)->t_frame);
}

void task_switch_away(struct task *t)
{
	struct cpu *c = this_cpu();

	if (c->c_cr3 == t->t_cr3) {
		c->c_cr3 = kernel_root;
		write_cr3(kernel_root);
	}
	if (c->c_iomap_owner == t) {
		fill_words(iomap_words(c) + t->t_io_lo, ~0ULL, t->t_io_hi - t->t_io_lo);
		c->c_iomap_owner = NULL;
	}
}

void tlb_flush_user(struct task *t, uint64_t va)
{
	if (this_cpu()->c_cr3 == t->t_cr3)
		invlpg(va); /* the current PCID's entry */
	else if (cpu_features.cf_pcid)
		invpcid(INVPCID_ADDRESS, t->t_cr3 & 0xFFF, va); /* its PCID may still hold it */
}
