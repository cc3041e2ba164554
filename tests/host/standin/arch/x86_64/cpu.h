/* Host stand-in for kernel/arch/x86_64/cpu.h, for the kernel's object files
 * compiled into the host tests (tests/host/build.mk puts this folder ahead
 * of kernel/ on the include path). Only the instructions those files use
 * are here, as plain C: a kernel file that starts to use another fails to
 * build on the host until its stand-in is added. Interrupts do not exist
 * in a test, so turning them off is nothing; a CPU that halts because
 * nothing can run ends the kernel entry and tells the test (arch.c). */
#pragma once

#include <stdint.h>

/* The time-stamp counter: what the test sets. */
extern uint64_t host_tsc;

/* The CPU would wait for an interrupt with nothing to run: arch.c records
 * that and returns to the test that entered the kernel. */
__attribute__((noreturn)) void host_halt(void);

static inline uint64_t rdtsc(void)
{
	return host_tsc;
}

/* As the kernel's rep movsq and rep stosq, in C so that ASan checks them. */
static inline void copy_words(uint64_t *dst, const uint64_t *src, uint64_t n)
{
	for (uint64_t i = 0; i < n; i++)
		dst[i] = src[i];
}

static inline void fill_words(uint64_t *dst, uint64_t v, uint64_t n)
{
	for (uint64_t i = 0; i < n; i++)
		dst[i] = v;
}

enum { INVPCID_ADDRESS = 0, INVPCID_CONTEXT = 1 };

/* No TLB: the stand-in CPU has no PCIDs (arch.c's cpu_features), so the
 * kernel never asks for this. */
static inline void invpcid(uint64_t type, uint64_t pcid, uint64_t va)
{
	(void)type;
	(void)pcid;
	(void)va;
}

static inline void irq_enable(void)
{
}

static inline void irq_disable(void)
{
}

static inline void irq_enable_and_halt(void)
{
	host_halt();
}
