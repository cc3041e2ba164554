/* panic(): report a broken kernel invariant and stop. */
#include "panic.h"

#include "arch/x86_64/cpu.h"
#include "arch/x86_64/platform.h"
#include "arch/x86_64/trap.h"
#include "printf.h"

void panic(const char *fmt, ...)
{
	va_list ap;

	irq_disable();
	kprintf("\n*** kernel panic: ");
	va_start(ap, fmt);
	kvprintf(fmt, ap);
	va_end(ap);
	kprintf("\n");
	/* Start from our caller: panic itself is of no interest. */
	trap_backtrace((uintptr_t)__builtin_return_address(0), *(const uintptr_t *)read_rbp());
	platform_halt(PLATFORM_HALT_PANIC);
}
