/* Host stand-in for the .c files of kernel/arch/x86_64/: the functions and data the
 * kernel's object files take from arch/, for the host tests. Nothing here
 * decides anything the kernel would: returning to user mode records which
 * thread would run and jumps back to the test, a halt records that nothing
 * could, device registers are variables the test reads. */
#include <stdint.h>

#include "arch/x86_64/cpu.h"
#include "arch/x86_64/cpufeat.h"
#include "arch/x86_64/ioapic.h"
#include "arch/x86_64/paging.h"
#include "arch/x86_64/platform.h"
#include "arch/x86_64/switch.h"
#include "host_arch.h"
#include "panic.h"

jmp_buf *host_exit;
struct thread *host_ran;
uint64_t host_tsc;
paddr_t host_ram_top;
bool host_irq_masked[IRQ_LINES];
char host_serial[8192];
size_t host_serial_len;

/* entry.asm's ways on, which syscall.c's table of them names. */
const char syscall_query[1], syscall_full[1];

/* No PCIDs, no NX, nothing: task_create takes the plain path. */
struct cpu_features cpu_features;

/* The kernel half every new task copies (the test harness makes it). */
paddr_t kernel_root;

static __attribute__((noreturn)) void leave_kernel(struct thread *t)
{
	if (!host_exit)
		panic("host: the kernel left for user mode outside a test's kernel entry");
	host_ran = t;
	longjmp(*host_exit, 1);
}

void arch_return_to_user(struct thread *t)
{
	leave_kernel(t);
}

void host_halt(void)
{
	leave_kernel(NULL);
}

/* There is no TLB, I/O bitmap or FPU state to switch or drop. */
void task_switch_away(struct task *t)
{
	(void)t;
}

void tlb_flush_user(struct task *t, uint64_t va)
{
	(void)t;
	(void)va;
}

void fpu_forget(struct thread *t)
{
	(void)t;
}

/* As the kernel's: not RAM, and not the MSI window (the stand-in has no
 * physical address width to check and drives no devices itself). */
bool paging_device_allowed(paddr_t pa, uint64_t pages)
{
	uint64_t end = pa + pages * FRAME_SIZE;

	return end > pa && pa >= host_ram_top && (end <= MSI_WINDOW_BASE || pa >= MSI_WINDOW_END);
}

uint32_t ioapic_init(void)
{
	for (uint32_t i = 0; i < IRQ_LINES; i++)
		host_irq_masked[i] = true;
	return IRQ_LINES;
}

void ioapic_set_masked(uint32_t line, bool masked)
{
	if (line >= IRQ_LINES)
		panic("host: ioapic line %u", line);
	host_irq_masked[line] = masked;
}

void serial_putc(char c)
{
	if (host_serial_len + 1 < sizeof(host_serial))
		host_serial[host_serial_len++] = c;
	host_serial[host_serial_len] = '\0';
}
