/* The IDT, interrupt dispatch and the fatal-exception report. A CPU
 * exception in the kernel is a kernel bug: it prints everything needed to
 * find it and stops the machine (never a reboot loop). Exceptions in user
 * code become fault messages once there is user code (next issue). */
#include "trap.h"

#include "../../clock.h"
#include "../../panic.h"
#include "../../printf.h"
#include "../../irq.h"
#include "../../sched.h"
#include "../../thread.h"
#include <kestrel/fault.h>
#include "switch.h"
#include "cpu.h"
#include "lapic.h"
#include "percpu.h"
#include "platform.h"

struct idt_gate {
	uint16_t offset_low;
	uint16_t selector;
	uint8_t ist;
	uint8_t type; /* present, DPL, 0xE = 64-bit interrupt gate */
	uint16_t offset_mid;
	uint32_t offset_high;
	uint32_t reserved;
} __attribute__((packed));

_Static_assert(sizeof(struct idt_gate) == 16, "IDT gate layout");

extern const uintptr_t trap_stubs[1]; /* entry.asm: address of stub 0 */

static struct idt_gate idt[256];

static const char *const exception_names[32] = {
	"#DE divide error",
	"#DB debug",
	"NMI",
	"#BP breakpoint",
	"#OF overflow",
	"#BR bound range",
	"#UD invalid opcode",
	"#NM device not available",
	"#DF double fault",
	"coprocessor overrun",
	"#TS invalid TSS",
	"#NP segment not present",
	"#SS stack fault",
	"#GP general protection",
	"#PF page fault",
	"reserved 15",
	"#MF x87 error",
	"#AC alignment check",
	"#MC machine check",
	"#XM SIMD error",
	"#VE virtualization",
	"#CP control protection",
};

static void idt_set(unsigned v, unsigned ist, unsigned dpl)
{
	uintptr_t fn = trap_stubs[0] + 16 * v;

	idt[v] = (struct idt_gate){
		.offset_low = (uint16_t)fn,
		.selector = SEL_KCODE,
		.ist = (uint8_t)ist,
		.type = (uint8_t)(0x8E | dpl << 5),
		.offset_mid = (uint16_t)(fn >> 16),
		.offset_high = (uint32_t)(fn >> 32),
	};
}

void trap_init(void)
{
	struct desc_ptr idtr = { sizeof(idt) - 1, (uintptr_t)idt };

	for (unsigned v = 0; v < 256; v++)
		idt_set(v, 0, 0);
	/* These must work even when the kernel stack is what broke. */
	idt_set(VEC_DF, IST_DF, 0);
	idt_set(VEC_NMI, IST_NMI, 0);
	idt_set(VEC_MC, IST_MC, 0);
	idt_set(VEC_BP, 0, 3); /* int3 is allowed from user mode, for debuggers */
	lidt(&idtr);
}

/* One line of the backtrace: the address, and function+offset if it lies
 * in a function (ksyms is sorted by address). A return address (back 1)
 * is the call's end, which may be the next function's start: the function
 * is the one holding the byte before it. */
static void trap_print_address(uintptr_t a, uintptr_t back)
{
	const struct ksym *s = NULL;

	for (unsigned i = 0; i < ksym_count && ksyms[i].ks_addr <= a - back; i++)
		s = &ksyms[i];
	if (s && a - back - s->ks_addr < s->ks_size)
		kprintf("  %#lx %s+%#lx\n", a, s->ks_name, a - s->ks_addr);
	else
		kprintf("  %#lx\n", a);
}

void trap_backtrace(uintptr_t rip, uintptr_t rbp)
{
	kprintf("backtrace (lines: addr2line -e build/kernel/kernel.elf ADDRESS):\n");
	trap_print_address(rip, 0);
	/* Follow saved frame pointers while they stay in the kernel image's
	 * half and go up the stack; stop at the boot code's zero rbp. */
	for (int depth = 0; depth < 16 && rbp >= 0xFFFFFFFF80000000ULL && !(rbp & 7); depth++) {
		const uintptr_t *frame = (const uintptr_t *)rbp;

		trap_print_address(frame[1], 1);
		if (frame[0] <= rbp)
			break;
		rbp = frame[0];
	}
}

/* Prints the registers, control registers and a frame-pointer backtrace. */
static void trap_dump(const struct trap_frame *tf)
{
	const char *name =
	        tf->vector < 32 && exception_names[tf->vector] ? exception_names[tf->vector] : "interrupt";

	kprintf("\n*** exception %lu (%s), error code %#lx, in %s mode\n", tf->vector, name, tf->error,
	        (tf->cs & 3) ? "user" : "kernel");
	if (tf->vector == VEC_PF)
		kprintf("page fault at %#lx: %s, %s, %s%s%s\n", read_cr2(),
		        (tf->error & 1) ? "protection violation" : "page not present",
		        (tf->error & 2) ? "write" : "read", (tf->error & 4) ? "user" : "supervisor",
		        (tf->error & 8) ? ", reserved bit set" : "",
		        (tf->error & 16) ? ", instruction fetch" : "");
	kprintf("rip=%016lx cs=%04lx rflags=%016lx\n", tf->rip, tf->cs, tf->rflags);
	kprintf("rsp=%016lx ss=%04lx\n", tf->rsp, tf->ss);
	kprintf("rax=%016lx rbx=%016lx rcx=%016lx rdx=%016lx\n", tf->rax, tf->rbx, tf->rcx, tf->rdx);
	kprintf("rsi=%016lx rdi=%016lx rbp=%016lx r8 =%016lx\n", tf->rsi, tf->rdi, tf->rbp, tf->r8);
	kprintf("r9 =%016lx r10=%016lx r11=%016lx r12=%016lx\n", tf->r9, tf->r10, tf->r11, tf->r12);
	kprintf("r13=%016lx r14=%016lx r15=%016lx\n", tf->r13, tf->r14, tf->r15);
	kprintf("cr0=%016lx cr2=%016lx cr3=%016lx cr4=%016lx\n", read_cr0(), read_cr2(), read_cr3(),
	        read_cr4());
	trap_backtrace(tf->rip, tf->rbp);
}

static void handle_interrupt(struct trap_frame *tf)
{
	if (tf->vector < VEC_PIC_BASE + 16)
		return; /* spurious (masked PIC): no EOI */
	if (tf->vector == VEC_SPURIOUS && !lapic_in_service(VEC_SPURIOUS))
		return; /* the LAPIC's spurious interrupt: no EOI */
	if (tf->vector >= VEC_IRQ_BASE && tf->vector < VEC_IRQ_BASE + IRQ_ALL)
		irq_fire((uint32_t)(tf->vector - VEC_IRQ_BASE));
	else if (tf->vector == VEC_TIMER)
		clock_tick();
	lapic_eoi();
}

void trap_dispatch(struct trap_frame *tf)
{
	/* An NMI can come from a device (an MSI with NMI delivery) as well as
	 * from a hardware error: nothing to do, and no reason to stop. */
	if (tf->vector == VEC_NMI)
		return;
	if (tf->vector < VEC_FIRST_IRQ) {
		/* An exception in the kernel is a kernel bug. */
		trap_dump(tf);
		kprintf("kernel halted after exception %lu\n", tf->vector);
		platform_halt(PLATFORM_HALT_PANIC);
	}
	handle_interrupt(tf);
}

/* A CPU exception in user code, as a fault message (fault.h). */
static void user_exception(struct thread *t, struct trap_frame *tf)
{
	switch (tf->vector) {
	case VEC_NM:
		fpu_trap(t);
		return;
	case VEC_PF:
		thread_fault(t, FAULT_PAGE, read_cr2(), tf->error);
		return;
	case VEC_GP:
		thread_fault(t, FAULT_PROTECTION, 0, tf->error);
		return;
	case VEC_DE:
		thread_fault(t, FAULT_DIVIDE, 0, 0);
		return;
	case VEC_UD:
		thread_fault(t, FAULT_OPCODE, 0, 0);
		return;
	case VEC_NMI:
		/* On its own stack (IST): the user registers are here, not in
		 * the thread's frame. Nothing to do but go back. */
		t->t_frame = *tf;
		return;
	case VEC_DF:
	case VEC_MC:
		trap_dump(tf); /* on an IST stack: not a user fault */
		panic("trap: exception %lu taken from user mode", tf->vector);
	default:
		thread_fault(t, FAULT_OTHER, 0, tf->vector);
		return;
	}
}

void trap_dispatch_user(struct trap_frame *tf)
{
	if (tf->vector < VEC_FIRST_IRQ)
		user_exception(current, tf);
	else
		handle_interrupt(tf);
	sched_exit_to_user();
}
